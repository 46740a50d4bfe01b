/**
 * Command-line options of the benchmark scripts (`npm run bench`, `bench:ab`, `bench:warmup`):
 * `--name value` pairs from a fixed set, plus switches that take no value (`--keep`, and those
 * the script names).
 */
export interface Options {
  /** The raw value of `--name`, if given. */
  value(name: string): string | undefined;
  /** `--name` as a whole number of at least `min` (`fallback` when absent). */
  whole(name: string, fallback: number, min: number): number;
  keep: boolean;
  /** Whether the switch `--name` was given. */
  flag(name: string): boolean;
}

export function readOptions(argv: readonly string[], names: readonly string[], switches: readonly string[] = []): Options {
  const known = new Set(names.map((name) => `--${name}`));
  const switchArgs = new Set(['keep', ...switches].map((name) => `--${name}`));
  for (let i = 0; i < argv.length; i++) {
    if (switchArgs.has(argv[i])) continue;
    if (!known.has(argv[i]) || argv[i + 1] === undefined) throw new Error(`unknown option or missing value: ${argv[i]}`);
    i++;
  }
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const whole = (name: string, fallback: number, min: number): number => {
    const text = value(name);
    const n = text === undefined ? fallback : Number(text);
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, not ${text}`);
    return n;
  };
  const flag = (name: string): boolean => argv.includes(`--${name}`);
  return { value, whole, keep: flag('keep'), flag };
}

/** The script's arguments, or undefined after printing why they are wrong and the usage (exit code 2). */
export function argumentsOrUsage<T>(parse: (argv: string[]) => T, usage: string): T | undefined {
  try {
    return parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    process.exitCode = 2;
    return undefined;
  }
}
