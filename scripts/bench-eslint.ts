/**
 * How much the fnscan plugin adds to an ESLint run, measured in one process:
 *
 *     node --import tsx scripts/bench-eslint.ts [copies] [repetitions]
 *
 * Lints a generated tree (every fixture app copied `copies` times, each copy its own Redwood app)
 * three ways on the same files with the same parser, alternating, `repetitions` times each:
 *   baseline  @typescript-eslint/parser and no rules;
 *   plugin    configs.recommended, a fresh plugin (cold caches) every repetition;
 *   reparse   the same, but the parser keeps no node maps, so the engine parses every file again.
 * Prints the medians and the plugin/baseline ratio (the target is at most 2x). Not a test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ESLint, type Linter } from 'eslint';
import { createPlugin, LINTED_FILES } from '../src/eslint/create-plugin';

const tsParser = require('@typescript-eslint/parser') as Linter.Parser & {
  parseForESLint(code: string, options?: Record<string, unknown>): unknown;
};

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
const copies = Number(process.argv[2] ?? 10);
const repetitions = Number(process.argv[3] ?? 5);

function copyTree(from: string, to: string): number {
  let count = 0;
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) count += copyTree(source, target);
    else {
      fs.copyFileSync(source, target);
      if (/\.[cm]?[jt]sx?$/.test(entry.name)) count++;
    }
  }
  return count;
}

function generateTree(): { root: string; files: number } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-bench-'));
  let files = 0;
  for (let i = 0; i < copies; i++) {
    for (const app of fs.readdirSync(FIXTURES)) files += copyTree(path.join(FIXTURES, app), path.join(root, `${app}-${i}`));
  }
  return { root, files };
}

/** The parser with node maps off: the engine cannot reuse its tree and parses the text itself. */
const reparsingParser: Linter.Parser = {
  meta: { name: 'typescript-eslint-parser-without-node-maps' },
  parseForESLint: (code: string, options?: Record<string, unknown>) =>
    tsParser.parseForESLint(code, { ...options, preserveNodeMaps: false }) as ReturnType<NonNullable<Linter.Parser['parseForESLint']>>,
} as Linter.Parser;

type Variant = 'baseline' | 'plugin' | 'reparse';

function configFor(variant: Variant): Linter.Config[] {
  if (variant === 'baseline') return [{ files: LINTED_FILES, languageOptions: { parser: tsParser } }];
  const recommended = createPlugin().configs.recommended;
  if (variant === 'plugin') return [recommended];
  return [{ ...recommended, languageOptions: { parser: reparsingParser } }];
}

async function lintOnce(root: string, variant: Variant): Promise<{ ms: number; files: number; problems: number }> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: configFor(variant), cache: false });
  const start = performance.now();
  const results = await eslint.lintFiles(['.']);
  const ms = performance.now() - start;
  return { ms, files: results.length, problems: results.reduce((n, r) => n + r.messages.length, 0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const { root, files } = generateTree();
  const variants: Variant[] = ['baseline', 'plugin', 'reparse'];
  const samples: Record<Variant, number[]> = { baseline: [], plugin: [], reparse: [] };
  const problems: Partial<Record<Variant, number>> = {};
  // One untimed round first, so the JIT and the module loader are warm for every variant.
  for (const variant of variants) await lintOnce(root, variant);
  for (let i = 0; i < repetitions; i++) {
    for (const variant of variants) {
      const run = await lintOnce(root, variant);
      if (run.files !== files) throw new Error(`${variant} linted ${run.files} files, expected ${files}.`);
      samples[variant].push(run.ms);
      problems[variant] = run.problems;
    }
  }
  fs.rmSync(root, { recursive: true, force: true });

  const cpus = os.cpus();
  console.log(`node ${process.version}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.arch()}`);
  console.log(`${files} JS/TS files (${copies} copies of every fixture app), ${repetitions} repetitions after one warm-up round`);
  for (const variant of variants) {
    const ms = samples[variant];
    console.log(
      `${variant.padEnd(8)} median ${median(ms).toFixed(0)} ms  [${ms.map((m) => m.toFixed(0)).join(', ')}]  problems ${problems[variant]}`,
    );
  }
  const ratio = median(samples.plugin) / median(samples.baseline);
  const reparse = median(samples.reparse) / median(samples.baseline);
  console.log(`plugin / baseline = ${ratio.toFixed(2)}x (target <= 2x); without tree reuse ${reparse.toFixed(2)}x`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
