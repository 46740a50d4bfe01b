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
 * Prints medians of wall-clock and CPU time (CPU time is steadier on a shared machine) and the
 * plugin/baseline ratios; the target is at most 2x. Not a test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ESLint, type Linter } from 'eslint';
import { createPlugin, LINTED_FILES } from '../src/eslint/create-plugin';

const tsParser = require('@typescript-eslint/parser') as {
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
const reparsingParser = {
  meta: { name: 'typescript-eslint-parser-without-node-maps' },
  parseForESLint: (code: string, options?: Record<string, unknown>) =>
    tsParser.parseForESLint(code, { ...options, preserveNodeMaps: false }),
} as Linter.Parser;

type Variant = 'baseline' | 'plugin' | 'reparse';

function configFor(variant: Variant): Linter.Config[] {
  if (variant === 'baseline') return [{ files: LINTED_FILES, languageOptions: { parser: tsParser as Linter.Parser } }];
  const recommended = createPlugin().configs.recommended;
  if (variant === 'plugin') return [recommended];
  return [{ ...recommended, languageOptions: { parser: reparsingParser } }];
}

interface Run {
  /** Wall-clock time. */
  ms: number;
  /** CPU time of this process (user + system), which other load on the machine barely moves. */
  cpuMs: number;
  files: number;
  problems: number;
}

async function lintOnce(root: string, variant: Variant): Promise<Run> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: configFor(variant), cache: false });
  const start = performance.now();
  const cpu = process.cpuUsage();
  const results = await eslint.lintFiles(['.']);
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - start;
  return {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    files: results.length,
    problems: results.reduce((n, r) => n + r.messages.length, 0),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const { root, files } = generateTree();
  const variants: Variant[] = ['baseline', 'plugin', 'reparse'];
  const samples: Record<Variant, Run[]> = { baseline: [], plugin: [], reparse: [] };
  const problems: Partial<Record<Variant, number>> = {};
  // One untimed round first, so the JIT and the module loader are warm for every variant.
  for (const variant of variants) await lintOnce(root, variant);
  for (let i = 0; i < repetitions; i++) {
    for (const variant of variants) {
      const run = await lintOnce(root, variant);
      if (run.files !== files) throw new Error(`${variant} linted ${run.files} files, expected ${files}.`);
      samples[variant].push(run);
      problems[variant] = run.problems;
    }
  }
  fs.rmSync(root, { recursive: true, force: true });

  const cpus = os.cpus();
  console.log(`node ${process.version}, ${cpus.length} CPUs (${cpus[0]?.model.trim() ?? 'unknown'}), ${os.platform()} ${os.arch()}`);
  console.log(`${files} JS/TS files (${copies} copies of every fixture app), ${repetitions} repetitions after one warm-up round`);
  const wall = (v: Variant) => median(samples[v].map((r) => r.ms));
  const cpu = (v: Variant) => median(samples[v].map((r) => r.cpuMs));
  for (const variant of variants) {
    const runs = samples[variant].map((r) => r.cpuMs.toFixed(0)).join(', ');
    console.log(
      `${variant.padEnd(8)} wall ${wall(variant).toFixed(0)} ms, cpu ${cpu(variant).toFixed(0)} ms [${runs}], problems ${problems[variant]}`,
    );
  }
  const ratio = (of: (v: Variant) => number, v: Variant) => (of(v) / of('baseline')).toFixed(2);
  console.log(`plugin / baseline: ${ratio(cpu, 'plugin')}x cpu, ${ratio(wall, 'plugin')}x wall (target <= 2x)`);
  console.log(`reparse / baseline (no tree reuse): ${ratio(cpu, 'reparse')}x cpu, ${ratio(wall, 'reparse')}x wall`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
