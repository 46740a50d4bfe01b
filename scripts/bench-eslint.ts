/**
 * How much the fnscan plugin adds to an ESLint run, measured in one process:
 *
 *     node --import tsx scripts/bench-eslint.ts [copies] [repetitions]
 *
 * Generates one Redwood app whose api/src/functions holds every function of every Redwood
 * fixture app `copies` times (renamed, so each is its own endpoint) and whose lib and services
 * are the fixtures' own, shared by all the functions as in a real app. Lints it three ways on the
 * same files with the same parser, alternating, `repetitions` times each:
 *   baseline  @typescript-eslint/parser and no rules;
 *   plugin    configs.recommended, a fresh plugin (cold caches) every repetition;
 *   reparse   the same, but the parser's tree is hidden from the engine, which parses every file again.
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
const copies = Number(process.argv[2] ?? 15);
const repetitions = Number(process.argv[3] ?? 5);
const SOURCE = /\.[cm]?[jt]sx?$/;

function countSources(dir: string): number {
  let count = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) count += countSources(full);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) count++;
  }
  return count;
}

/** Copies one function (a file, or a folder named after its file) under a new name. */
function copyFunction(from: string, toDir: string, suffix: string): void {
  const ext = path.extname(from);
  const base = path.basename(from, ext);
  if (fs.statSync(from).isFile()) {
    fs.copyFileSync(from, path.join(toDir, `${base}${suffix}${ext}`));
    return;
  }
  const target = path.join(toDir, `${base}${suffix}`);
  fs.cpSync(from, target, { recursive: true });
  for (const name of fs.readdirSync(target)) {
    if (path.basename(name, path.extname(name)) !== base) continue;
    fs.renameSync(path.join(target, name), path.join(target, `${base}${suffix}${path.extname(name)}`));
  }
}

function generateApp(): { root: string; files: number } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-bench-'));
  const apps = fs.readdirSync(FIXTURES).filter((a) => fs.existsSync(path.join(FIXTURES, a, 'redwood.toml')));
  const api = path.join(root, 'api');
  fs.mkdirSync(path.join(api, 'src', 'functions'), { recursive: true });
  fs.writeFileSync(path.join(root, 'redwood.toml'), '[web]\n  port = 8910\n[api]\n  port = 8911\n');
  fs.writeFileSync(path.join(api, 'tsconfig.json'), '{ "compilerOptions": { "baseUrl": "./", "paths": { "src/*": ["./src/*"] } } }\n');
  for (const app of apps) {
    const src = path.join(FIXTURES, app, 'api', 'src');
    for (const shared of fs.readdirSync(src)) {
      if (shared !== 'functions') fs.cpSync(path.join(src, shared), path.join(api, 'src', shared), { recursive: true });
    }
  }
  for (let i = 0; i < copies; i++) {
    for (const app of apps) {
      const functions = path.join(FIXTURES, app, 'api', 'src', 'functions');
      const suffix = `_${app.replace(/\W/g, '')}${i}`;
      for (const entry of fs.readdirSync(functions)) copyFunction(path.join(functions, entry), path.join(api, 'src', 'functions'), suffix);
    }
  }
  return { root, files: countSources(root) };
}

/** The same parser with the node maps hidden from rules: the engine cannot reuse the tree and parses again. */
const reparsingParser = {
  meta: { name: 'typescript-eslint-parser-hiding-node-maps' },
  parseForESLint(code: string, options?: Record<string, unknown>) {
    const result = tsParser.parseForESLint(code, options) as { services?: Record<string, unknown> };
    return { ...result, services: { ...result.services, esTreeNodeToTSNodeMap: undefined } };
  },
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
  const { root, files } = generateApp();
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
  console.log(`one Redwood app, ${files} JS/TS files (${copies} copies of every fixture function), ${repetitions} repetitions after a warm-up round`);
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
