/**
 * `npm run bench:parts`: what each part of the handler analysis costs, in main-thread
 * instructions counted by Valgrind's callgrind (BENCHMARKS.md item 74).
 *
 *   npm run bench:parts -- [--functions 2000] [--seed 7] [--passes 2] [--tree <dir>] [--keep]
 *
 * Generates a Redwood monorepo (as `npm run bench`), or takes `--tree`, copies the build and
 * patches the copy so that parts of the handler analysis can be turned off (scripts/bench/parts.ts),
 * then counts processes that run the engine's per-file work with the three handler rules, or with
 * no rules, once and 1 + `--passes` times: the steady cost of a pass and the cold cost of the
 * first (after one uncounted run that leaves the copy a TypeScript code cache; every counted run
 * must have loaded TypeScript the same way). Each part costs what turning it off saved. The copy's
 * verdicts are wrong by design; only its counts mean anything. Needs `valgrind` on the PATH; at
 * 2,000 functions about 11 minutes on two cores. A benchmark, not a test (the patch and the
 * arithmetic are tested).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateMonorepo } from './bench/generate';
import { callgrindArgs, inParallel, readThreadInstructions } from './bench/instructions';
import { argumentsOrUsage, readOptions } from './bench/options';
import { PARTS, PARTS_OFF_ENV, handlerCost, partLines, partShares, patchedBuild, type PassCounts } from './bench/parts';

const USAGE = 'usage: npm run bench:parts -- [--functions 2000] [--seed 7] [--passes 2] [--tree <dir>] [--keep]';
const ROOT = path.join(__dirname, '..');
const CHILD = path.join(__dirname, 'bench', 'parts-child.cjs');

interface Args {
  functions: number;
  seed: number;
  passes: number;
  tree?: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const options = readOptions(argv, ['functions', 'seed', 'passes', 'tree']);
  const tree = options.value('tree');
  if (tree !== undefined && !fs.statSync(tree, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--tree ${tree} is not a folder`);
  return {
    functions: options.whole('functions', 2000, 1),
    seed: options.whole('seed', 7, 0),
    passes: options.whole('passes', 2, 1),
    tree,
    keep: options.keep,
  };
}

/** What one child process reports on its last line: how it loaded TypeScript, among others. */
function childReport(stdout: string): { typescript: string } {
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as { typescript: string };
  } catch {
    throw new Error(`the child's report is not JSON: ${last.slice(0, 200)}`);
  }
}

/** Main-thread instructions of one child process under callgrind, and how it loaded TypeScript. */
function count(
  dist: string,
  tree: string,
  plan: 'handler' | 'none',
  passes: number,
  off: string,
  out: string,
): Promise<{ main: number; typescript: string }> {
  return new Promise((resolve, reject) => {
    const args = [...callgrindArgs(out), process.execPath, CHILD, dist, tree, plan, String(passes)];
    const child = spawn('valgrind', args, { env: { ...process.env, [PARTS_OFF_ENV]: off }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${plan} with [${off}] off failed (${code}): ${stderr}`));
      else {
        try {
          resolve({ main: readThreadInstructions(out).main, typescript: childReport(stdout).typescript });
        } catch (error) {
          reject(error);
        }
      }
    });
  });
}

/**
 * One run outside callgrind before the counted ones, so that the copy's TypeScript code cache is
 * one this Node accepts: a run that finds none compiles TypeScript (about 1 G instructions) and
 * writes one when it exits, and the counted runs would otherwise differ by whether they started
 * before that.
 */
function primeCodeCache(dist: string, tree: string): string {
  const run = spawnSync(process.execPath, [CHILD, dist, tree, 'none', '0'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (run.status !== 0) throw new Error(`the priming run failed (${run.status}): ${run.stderr.slice(-2000)}`);
  return childReport(run.stdout).typescript;
}

async function main(): Promise<void> {
  const args = argumentsOrUsage(parseArgs, USAGE);
  if (!args) return;
  if (spawnSync('valgrind', ['--version']).status !== 0) throw new Error('valgrind is not on the PATH (Debian: apt-get install valgrind)');
  if (!fs.existsSync(path.join(ROOT, 'dist', 'analysis', 'behaviour.js'))) throw new Error('no build: run `npm run build` first');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-parts-'));
  if (!args.keep) process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
  let tree = args.tree;
  if (tree === undefined) {
    tree = path.join(work, 'tree');
    generateMonorepo(tree, { seed: args.seed, functions: args.functions });
    process.stderr.write(`tree: ${args.functions} functions (seed ${args.seed}) in ${tree}\n`);
  }
  const dist = patchedBuild(ROOT, work);
  process.stderr.write(`priming run: TypeScript loaded by ${primeCodeCache(dist, tree)}\n`);
  // No rules is one plan whatever is off (the patched module is not loaded); each step turns one more part off.
  const steps = PARTS.map((_, i) => PARTS.slice(0, i).join(','));
  steps.push(PARTS.join(','));
  const runs: Array<{ plan: 'handler' | 'none'; off: string; passes: number }> = [];
  for (const passes of [0, args.passes]) {
    runs.push({ plan: 'none', off: '', passes });
    for (const off of steps) runs.push({ plan: 'handler', off, passes });
  }
  let done = 0;
  const results = await inParallel(
    runs.map((run, i) => async () => {
      const result = await count(dist, tree!, run.plan, run.passes, run.off, path.join(work, `cg-${i}.out`));
      const pass = `${1 + run.passes} pass(es)`;
      process.stderr.write(`  ${++done}/${runs.length}: ${run.plan}, off [${run.off}], ${pass}: ${(result.main / 1e6).toFixed(0)} M (TypeScript: ${result.typescript})\n`);
      return result;
    }),
    Math.max(1, os.availableParallelism()),
  );
  const loads = new Set(results.map((r) => r.typescript));
  if (loads.size > 1) throw new Error(`the runs loaded TypeScript differently (${[...loads].join(', ')}), so their counts differ by that: not comparable`);
  const counts = results.map((r) => r.main);
  const passCounts = (plan: 'handler' | 'none', off: string): PassCounts => {
    const at = (passes: number): number => counts[runs.findIndex((r) => r.plan === plan && r.off === off && r.passes === passes)];
    return { one: at(0), more: at(args.passes), passes: args.passes };
  };
  const none = passCounts('none', '');
  const costs = steps.map((off) => handlerCost(passCounts('handler', off), none));
  process.stdout.write(`\nmain-thread instructions a pass (steady: the mean of the ${args.passes} passes after the first; cold: the first)\n`);
  process.stdout.write(`${partLines(costs[0], partShares(costs)).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:parts: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
