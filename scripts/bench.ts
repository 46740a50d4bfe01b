/**
 * `npm run bench`: fnscan's speed and memory on generated Redwood monorepos, against the parse floor.
 *
 *   npm run bench -- [--sizes 500,2000,8000] [--reps 3] [--seed 7] [--jobs N] [--eslint-max 8000] [--keep]
 *
 * 1. Generates monorepos of each size (serverless functions) from the seed, in a temp folder.
 * 2. Runs each variant in a fresh `node` process (scripts/bench/child.cjs), rounds interleaved so
 *    load on a shared machine hits every variant alike:
 *      floor-1 / floor-N   read + ts.createSourceFile of every file the scan reads, 1 thread / N threads (main + N-1 workers)
 *      cold-1 / cold-N     `fnscan -f sarif` without cache, --jobs 1 / --jobs N
 *      cache-fill          --cache into an empty cache folder (cold, plus writing the cache)
 *      warm                --cache again, nothing changed
 *      edit-endpoint       --cache after editing one endpoint
 *      edit-lib            --cache after editing src/lib/webhooks.ts of one app (its importers re-judged)
 *      settled             --cache again, nothing changed since edit-lib, once the edits are 2 s old
 *      settled-again       --cache once more: how soon a scan after edits is as fast as warm again
 *      checkout            --cache in a `git clone` of the tree (committed once) with a copy of warm's
 *                          cache: CI's usual run, a fresh checkout of a commit scanned before, its
 *                          cache restored (a plain copy of the tree where git is missing)
 *      eslint              ESLint with fnscan/eslint-plugin's configs.recommended (one round)
 * 3. Prints median wall time, CPU time and peak RSS of each, ratios to the floor of the same run,
 *    how each grows from the middle to the largest size, and which targets the run met
 *    (scripts/bench/targets.ts).
 * A benchmark, not a test: nothing here runs in `npm test`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateMonorepo } from './bench/generate';
import { median, targetLines, type Sample, type Variant } from './bench/targets';
import { argumentsOrUsage, readOptions } from './bench/options';
import type * as Engine from '../src/core/engine';
import type * as Rules from '../src/rules';
import type * as Parallel from '../src/core/parallel';

/**
 * The children run a snapshot of the build (dist/, rules/, package.json) taken at the start, so
 * that a rebuild during the run (another terminal's `npm test`) cannot change the code under test
 * or, through the code hash in the cache key, empty the cache between two measurements. It lives
 * under node_modules/.cache so its `require`s find the project's dependencies.
 */
function snapshotBuild(): string {
  const target = path.join(ROOT, 'node_modules', '.cache', `fnscan-bench-${process.pid}`);
  fs.rmSync(target, { recursive: true, force: true });
  for (const part of ['dist', 'rules', 'package.json']) fs.cpSync(path.join(ROOT, part), path.join(target, part), { recursive: true });
  return target;
}

interface Args {
  sizes: number[];
  reps: number;
  seed: number;
  jobs: number;
  eslintMax: number;
  keep: boolean;
}

const ROOT = path.resolve(__dirname, '..');
const CHILD = path.join(__dirname, 'bench', 'child.cjs');
const PACKAGE = snapshotBuild();
// Removed however the run ends (a bad option, a failing child), not only after the report.
process.on('exit', () => fs.rmSync(PACKAGE, { recursive: true, force: true }));
const { ScanPlan } = require(path.join(PACKAGE, 'dist', 'core', 'engine.js')) as typeof Engine;
const { rules } = require(path.join(PACKAGE, 'dist', 'rules', 'index.js')) as typeof Rules;
const { defaultJobs } = require(path.join(PACKAGE, 'dist', 'core', 'parallel.js')) as typeof Parallel;

const USAGE = 'usage: npm run bench -- [--sizes 500,2000,8000] [--reps 3] [--seed 7] [--jobs N] [--eslint-max 8000] [--keep]';

function parseArgs(argv: string[]): Args {
  const options = readOptions(argv, ['sizes', 'reps', 'seed', 'jobs', 'eslint-max']);
  const sizes = (options.value('sizes') ?? '500,2000,8000').split(',').map(Number);
  if (!sizes.every((n) => Number.isSafeInteger(n) && n >= 1)) throw new Error(`--sizes must be whole numbers >= 1, comma-separated, not ${options.value('sizes')}`);
  return {
    sizes,
    reps: options.whole('reps', 3, 1),
    seed: options.whole('seed', 7, 0),
    jobs: options.whole('jobs', defaultJobs(), 1),
    eslintMax: options.whole('eslint-max', 8000, 0),
    keep: options.keep,
  };
}

/** Runs one variant in a fresh process; wall time from spawn to exit, CPU and peak RSS as the child saw them. */
function measure(args: string[]): Sample {
  const resultFile = path.join(os.tmpdir(), `fnscan-bench-result-${process.pid}.json`);
  fs.rmSync(resultFile, { force: true });
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [CHILD, resultFile, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, FNSCAN_BENCH_PACKAGE: PACKAGE },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) throw new Error(`${args.slice(0, 2).join(' ')} failed (${child.status}): ${child.stderr}`);
  const { maxRssKb, cpuMs, ...detail } = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { maxRssKb: number; cpuMs: number };
  return { wallMs, cpuMs, maxRssKb, detail };
}

function fnscanArgs(tree: string, out: string, extra: string[]): string[] {
  return ['fnscan', tree, '.', '-f', 'sarif', '-o', out, '--fail-on', 'none', '-q', ...extra];
}

/** Files a `--cache` scan would analyse again (the rest come from the cache), asked of a fresh process like the scans. */
function staleFiles(tree: string, cacheDir: string): number {
  return measure(['stale', tree, cacheDir]).detail.stale as number;
}

/** A file's stat vouches for its content once it is this old (the cache's racy-timestamp rule, 2 s), with a margin. */
const SETTLE_MS = 2100;

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function appendLine(file: string, line: string): () => void {
  const original = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, `${original}${line}\n`);
  return () => fs.writeFileSync(file, original);
}

/** One endpoint, and one app's webhook helpers (imported by several of its endpoints). */
function editTargets(tree: string): { endpoint: string; lib: string } {
  const app = path.join(tree, 'apps', fs.readdirSync(path.join(tree, 'apps')).sort()[0]);
  const functions = path.join(app, 'api', 'src', 'functions');
  const endpoint = fs.readdirSync(functions).filter((f) => f.endsWith('Webhook.ts')).sort()[0];
  return { endpoint: path.join(functions, endpoint), lib: path.join(app, 'api', 'src', 'lib', 'webhooks.ts') };
}


interface SizeResult {
  size: number;
  files: { source: number; bytes: number; scanned: number };
  samples: Partial<Record<Variant, Sample[]>>;
  stale: { 'edit-endpoint': number; 'edit-lib': number; checkout: number };
  /** How `checkout` got its fresh copy of the tree. */
  checkoutBy: 'git clone' | 'copy';
}

function benchSize(size: number, args: Args, work: string): SizeResult {
  const tree = path.join(work, `tree-${size}`);
  const cacheDir = path.join(work, `cache-${size}`);
  const out = path.join(work, `out-${size}.sarif`);
  fs.rmSync(tree, { recursive: true, force: true });
  const generated = generateMonorepo(tree, { functions: size, seed: args.seed });
  const committed = commitTree(tree);
  const scanned = new ScanPlan({ paths: [tree], rules: [...rules], config: {}, includeTests: false, root: tree }).units.length;
  const samples: SizeResult['samples'] = {};
  const add = (variant: Variant, sample: Sample): void => {
    (samples[variant] ??= []).push(sample);
    process.stderr.write(`  ${String(size).padStart(5)} ${variant.padEnd(13)} ${sample.wallMs.toFixed(0).padStart(6)} ms wall ${sample.cpuMs.toFixed(0).padStart(6)} ms cpu ${(sample.maxRssKb / 1024).toFixed(0).padStart(5)} MB\n`);
  };
  const jobs = String(args.jobs);
  const stale = { 'edit-endpoint': 0, 'edit-lib': 0, checkout: 0 };
  const targets = editTargets(tree);

  for (let rep = 0; rep < args.reps; rep++) {
    add('floor-1', measure(['floor', tree, '1']));
    add('cold-1', measure(fnscanArgs(tree, out, ['--jobs', '1'])));
    add('floor-N', measure(['floor', tree, jobs]));
    add('cold-N', measure(fnscanArgs(tree, out, ['--jobs', jobs])));
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const cached = fnscanArgs(tree, out, ['--jobs', jobs, '--cache', '--cache-location', cacheDir]);
    add('cache-fill', measure(cached));
    add('warm', measure(cached));
    stale.checkout = checkout(tree, cacheDir, work, (copy, copyCache) => {
      add('checkout', measure(fnscanArgs(copy, out, ['--jobs', jobs, '--cache', '--cache-location', copyCache])));
    });
    const restoreEndpoint = appendLine(targets.endpoint, `// edited in round ${rep}`);
    stale['edit-endpoint'] = staleFiles(tree, cacheDir);
    add('edit-endpoint', measure(cached));
    const restoreLib = appendLine(targets.lib, `export const editedInRound${rep} = ${rep}`);
    stale['edit-lib'] = staleFiles(tree, cacheDir);
    add('edit-lib', measure(cached));
    // The next scan after the edits, as a developer runs it: its stats can vouch for the edited files by now.
    sleepMs(SETTLE_MS);
    add('settled', measure(cached));
    add('settled-again', measure(cached));
    restoreLib();
    restoreEndpoint();
  }
  if (size <= args.eslintMax) add('eslint', measure(['eslint', tree]));
  if (!args.keep) fs.rmSync(tree, { recursive: true, force: true });
  fs.rmSync(cacheDir, { recursive: true, force: true });
  return { size, files: { source: generated.sourceFiles, bytes: generated.bytes, scanned }, samples, stale, checkoutBy: committed ? 'git clone' : 'copy' };
}

/** Runs git in `cwd` without the user's configuration; false if it failed (or there is no git). */
function git(cwd: string, ...args: string[]): boolean {
  const run = spawnSync('git', ['-c', 'user.email=bench@example.invalid', '-c', 'user.name=bench', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull },
  });
  return run.status === 0;
}

/** Commits the generated tree, so that `checkout` can clone it as CI checks a commit out; false without git. */
function commitTree(tree: string): boolean {
  return git(tree, 'init', '-q') && git(tree, 'add', '-A') && git(tree, 'commit', '-qm', 'generated tree');
}

/**
 * CI's usual run: the commit checked out afresh (`git clone` of the committed tree: every file has
 * a new inode and new times, and git's index records them) and the cache restored from an earlier
 * run of the same commit (copied, as `actions/cache` does). Without git the tree is copied
 * instead (no index to consult). `scan` runs on the copies once they are older than the racy
 * window, as a checkout is by the time `npm ci` has run; returns how many files that scan judged
 * again (none, unless the cache missed something).
 */
function checkout(tree: string, cacheDir: string, work: string, scan: (copy: string, copyCache: string) => void): number {
  const copy = path.join(work, 'checkout');
  const copyCache = path.join(work, 'checkout-cache');
  fs.rmSync(copy, { recursive: true, force: true });
  fs.rmSync(copyCache, { recursive: true, force: true });
  if (!fs.existsSync(path.join(tree, '.git')) || !git(work, 'clone', '-q', tree, copy)) fs.cpSync(tree, copy, { recursive: true });
  fs.cpSync(cacheDir, copyCache, { recursive: true });
  sleepMs(SETTLE_MS);
  const judged = staleFiles(copy, copyCache);
  scan(copy, copyCache);
  fs.rmSync(copy, { recursive: true, force: true });
  fs.rmSync(copyCache, { recursive: true, force: true });
  return judged;
}

/**
 * What starting Node costs on this machine (median of 5): every variant pays it, so it sets how
 * low a warm scan's ratio can go, and it differs a lot between machines.
 */
function nodeStartMs(): number {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '']);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

const VARIANTS: Variant[] = ['floor-1', 'floor-N', 'cold-1', 'cold-N', 'cache-fill', 'warm', 'edit-endpoint', 'edit-lib', 'settled', 'settled-again', 'checkout', 'eslint'];

function report(results: SizeResult[], args: Args): string {
  const lines: string[] = [];
  const cpus = os.cpus();
  lines.push(`machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${os.platform()} ${os.arch()}`);
  lines.push(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; N = ${args.jobs} threads; ${args.reps} rounds, medians; seed ${args.seed}`);
  lines.push(`an empty node process (spawn to exit) at the end: ${nodeStartMs().toFixed(0)} ms, median of 5; part of every variant, floors included`);
  for (const r of results) {
    const m = (v: Variant, key: 'wallMs' | 'cpuMs' | 'maxRssKb'): number | undefined => {
      const s = r.samples[v];
      return s ? median(s.map((x) => x[key])) : undefined;
    };
    const floor1 = m('floor-1', 'wallMs')!;
    const floorN = m('floor-N', 'wallMs')!;
    const rss1 = m('floor-1', 'maxRssKb')!;
    const rssN = m('floor-N', 'maxRssKb')!;
    lines.push('');
    lines.push(`## ${r.size} functions: ${r.files.source} JS/TS files (${(r.files.bytes / 2 ** 20).toFixed(1)} MiB), ${r.files.scanned} read by the scan (tests are not)`);
    lines.push('');
    lines.push('| variant | wall ms | cpu ms | peak RSS MB | wall / floor-1 | wall / floor-N | RSS / floor (same threads) |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|');
    for (const v of VARIANTS) {
      const wall = m(v, 'wallMs');
      if (wall === undefined) continue;
      const rss = m(v, 'maxRssKb')!;
      const threadsN = v !== 'floor-1' && v !== 'cold-1' && v !== 'eslint';
      lines.push(
        `| ${v} | ${wall.toFixed(0)} | ${m(v, 'cpuMs')!.toFixed(0)} | ${(rss / 1024).toFixed(0)} | ${(wall / floor1).toFixed(2)} | ${(wall / floorN).toFixed(2)} | ${(rss / (threadsN ? rssN : rss1)).toFixed(2)} |`,
      );
    }
    lines.push('');
    lines.push(`edit-endpoint re-analysed ${r.stale['edit-endpoint']} file(s); edit-lib re-analysed ${r.stale['edit-lib']}; checkout (${r.checkoutBy}) ${r.stale.checkout}.`);
    const loads = VARIANTS.filter((v) => r.samples[v]?.[0]?.detail.typescript !== undefined).map((v) => `${v}: ${r.samples[v]![0].detail.typescript === 'not yet' ? 'not in the main thread' : String(r.samples[v]![0].detail.typescript)}`);
    // The floor always loads TypeScript with a plain require, as a tool without a code cache would.
    if (loads.length > 0) lines.push(`TypeScript loaded by fnscan (first round): ${loads.join(', ')}; the floor uses require.`);
    const eslint = r.samples.eslint?.[0];
    if (eslint) lines.push(`eslint: ${JSON.stringify(eslint.detail)}`);
  }
  if (results.length >= 2) {
    const [mid, big] = results.slice(-2);
    lines.push('');
    lines.push(`## growth from ${mid.size} to ${big.size} functions (x${(big.size / mid.size).toFixed(1)} the functions; wall time ratio, target <= ${((big.size / mid.size) * 1.1).toFixed(1)})`);
    lines.push('');
    for (const v of VARIANTS) {
      const a = mid.samples[v];
      const b = big.samples[v];
      if (!a || !b) continue;
      lines.push(`- ${v}: x${(median(b.map((s) => s.wallMs)) / median(a.map((s) => s.wallMs))).toFixed(2)} wall, x${(median(b.map((s) => s.cpuMs)) / median(a.map((s) => s.cpuMs))).toFixed(2)} cpu`);
    }
  }
  lines.push('', ...targetLines(results));
  return lines.join('\n');
}

function main(): void {
  const args = argumentsOrUsage(parseArgs, USAGE);
  if (!args) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-bench-'));
  process.stderr.write(`bench folder ${work}\n`);
  const results = args.sizes.map((size) => benchSize(size, args, work));
  const text = report(results, args);
  fs.writeFileSync(path.join(work, 'results.md'), `${text}\n`);
  fs.writeFileSync(path.join(work, 'results.json'), JSON.stringify(results, null, 2));
  process.stdout.write(`${text}\n\n(also in ${path.join(work, 'results.md')})\n`);
}

main();
