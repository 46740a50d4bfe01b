/**
 * `npm run bench:warmup`: how much of a cold scan is V8 warming up fnscan's code, and how much is
 * steady work, against the parse floor measured the same way (BENCHMARKS.md item 70).
 *
 *   npm run bench:warmup -- [--functions 8000] [--seed 7] [--window 1000] [--passes 2] [--rounds 3] [--tree <dir>] [--keep]
 *
 * Generates a Redwood monorepo (as `npm run bench`), or takes `--tree`, then runs fresh
 * processes, taking turns `--rounds` times: the engine's per-file work over the whole tree, and
 * the floor's (read + parse of the same files), each `--passes` times in its process, timed in
 * windows of `--window` files. The last pass gives the steady cost; what the first pass cost
 * beyond it is the warm-up (for fnscan, V8 optimising the rules as they run; for the floor, the
 * parser). Medians over the rounds, since this machine's speed moves by half within seconds.
 * Discovery, Node's start and the report are outside both. A benchmark, not a test (the
 * arithmetic is tested).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateMonorepo } from './bench/generate';
import { argumentsOrUsage, readOptions } from './bench/options';
import { median } from './bench/targets';
import { summariseWindows, type WarmupSummary, type WindowTimes } from './bench/warmup-summary';

const USAGE = 'usage: npm run bench:warmup -- [--functions 8000] [--seed 7] [--window 1000] [--passes 2] [--rounds 3] [--tree <dir>] [--keep]';
const CHILD = path.join(__dirname, 'bench', 'windows.cjs');
const MODES = ['fnscan', 'floor'] as const;
type Mode = (typeof MODES)[number];

interface Args {
  functions: number;
  seed: number;
  window: number;
  passes: number;
  rounds: number;
  tree?: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const options = readOptions(argv, ['functions', 'seed', 'window', 'passes', 'rounds', 'tree']);
  const tree = options.value('tree');
  if (tree !== undefined && !fs.statSync(tree, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`--tree ${tree} is not a folder`);
  return {
    functions: options.whole('functions', 8000, 1),
    seed: options.whole('seed', 7, 0),
    window: options.whole('window', 1000, 1),
    passes: options.whole('passes', 2, 2),
    rounds: options.whole('rounds', 3, 1),
    tree,
    keep: options.keep,
  };
}

function measure(mode: Mode, tree: string, args: Args): WindowTimes {
  const child = spawnSync(process.execPath, [CHILD, mode, tree, String(args.window), String(args.passes)], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (child.status !== 0) throw new Error(`${mode} failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as WindowTimes;
}

function main(): void {
  const args = argumentsOrUsage(parseArgs, USAGE);
  if (!args) return;
  let tree = args.tree;
  if (tree === undefined) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-warmup-'));
    if (!args.keep) process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
    tree = path.join(work, 'tree');
    generateMonorepo(tree, { seed: args.seed, functions: args.functions });
    process.stderr.write(`tree: ${args.functions} functions (seed ${args.seed}) in ${tree}\n`);
  }
  const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`;
  const summaries: Record<Mode, WarmupSummary[]> = { fnscan: [], floor: [] };
  for (let round = 0; round < args.rounds; round++) {
    // Taking turns at going first, so neither always meets a quieter machine.
    for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
      const times = measure(mode, tree, args);
      summaries[mode].push(summariseWindows(times, args.window));
      const passes = times.passes.map((pass, i) => `pass ${i + 1}: ${pass.map((t) => Math.round(t)).join(' ')}`);
      process.stdout.write(`round ${round + 1}, ${mode}, ${times.files} files, ms per ${args.window}: ${passes.join('; ')}\n`);
    }
  }
  const steady = (mode: Mode): number => median(summaries[mode].map((s) => s.steadyPerWindow));
  const lines = [''];
  for (const mode of MODES) {
    const warmUps = summaries[mode].map((s) => s.warmUp);
    lines.push(`${mode}: steady ${ms(steady(mode))} per ${args.window} files; warm-up ${ms(median(warmUps))} (rounds: ${warmUps.map(ms).join(', ')})`);
  }
  lines.push(`steady cost per file, fnscan / floor: ${(steady('fnscan') / steady('floor')).toFixed(2)}x (medians of ${args.rounds} rounds)`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`bench:warmup: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
