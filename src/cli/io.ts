/** Everything the CLI touches outside the scan, injected so tests can call `run()` directly. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  /** Directory that paths on the command line and in the report are relative to. */
  cwd: string;
}

export function processIo(): Io {
  // `fnscan . | head`: once the reader is gone, the rest of the report goes nowhere, quietly, and
  // the scan still ends with its own exit code.
  let readerGone = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    readerGone = true;
  });
  return {
    stdout: (text) => {
      if (!readerGone) process.stdout.write(text);
    },
    stderr: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Colour on a terminal unless NO_COLOR says otherwise; FORCE_COLOR wins over both, the way
 * Node's own `tty.getColorDepth` reads them (`FORCE_COLOR=0` or `false` turns colour off).
 */
export function wantsColor(env: Io['env'], isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
