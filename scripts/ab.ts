/**
 * `npm run bench:ab`: is this build faster than another one? Times the working tree's build
 * against a git revision's build, cold scans of one generated tree in alternating rounds, so that
 * a shared machine's load hits both alike (this project's benchmark machine moves by a third from
 * one minute to the next, more than most changes gain).
 *
 *   npm run bench:ab -- --base <rev> [--rounds 8] [--functions 8000] [--seed 7] [--jobs 1] [--keep]
 *   npm run bench:ab -- --base <rev> --instructions [--floor] [--functions 2000] [--rounds 1]
 *
 * 1. Checks the revision out into a temporary git worktree, links this project's node_modules
 *    into it (the revision's own dependency versions are not installed) and builds it.
 * 2. Copies the working tree's build (dist/, bin/, rules/, package.json), so a rebuild during the
 *    run changes nothing.
 * 3. Generates a Redwood monorepo of `--functions` functions from the seed (as `npm run bench`).
 * 4. Runs `fnscan <tree> -f sarif -o <file> --jobs <n>` with each build, in turns, `--rounds`
 *    times; wall time from spawn to exit.
 * 5. Prints every round, the means and medians, the ratio of the medians, how many rounds the
 *    working tree's build won, and whether both builds wrote byte-identical SARIF.
 *
 * With `--instructions` each scan runs under Valgrind's callgrind instead (about 60 times slower,
 * so the tree defaults to 2,000 functions and one round) and the report gives the instructions
 * each build's main thread and helper threads executed (bench/instructions.ts): a count that moves
 * by about a percent between runs where wall time moves by a third. `--floor` also counts the
 * parse floor's (bench/child.cjs) on the same tree. Callgrind runs a process's threads one at a
 * time, so the runs of a round go side by side, as many as the machine has cores.
 * A benchmark, not a test: nothing here runs in `npm test` (the arithmetic is tested).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateMonorepo } from './bench/generate';
import { baseFirst, summarise, summaryLines, type AbRound } from './bench/ab-summary';
import { argumentsOrUsage, readOptions } from './bench/options';
import { callgrindArgs, inParallel, instructionLines, readThreadInstructions, type ThreadInstructions } from './bench/instructions';

const ROOT = path.resolve(__dirname, '..');
const USAGE =
  'usage: npm run bench:ab -- --base <rev> [--rounds 8] [--functions 8000] [--seed 7] [--jobs 1] [--keep] [--instructions [--floor]]';

interface Args {
  base: string;
  rounds: number;
  functions: number;
  seed: number;
  jobs: number;
  keep: boolean;
  /** Count instructions under callgrind instead of timing (`--instructions`), and the floor's too (`--floor`). */
  instructions: boolean;
  floor: boolean;
}

function parseArgs(argv: string[]): Args {
  const options = readOptions(argv, ['base', 'rounds', 'functions', 'seed', 'jobs'], ['instructions', 'floor']);
  const base = options.value('base');
  if (!base) throw new Error('--base is required: the git revision to compare the working tree with');
  const instructions = options.flag('instructions');
  if (options.flag('floor') && !instructions) throw new Error('--floor goes with --instructions');
  if (instructions && spawnSync('valgrind', ['--version']).status !== 0) {
    throw new Error('--instructions needs Valgrind (`valgrind` on the PATH; Debian: apt-get install valgrind)');
  }
  return {
    base,
    rounds: options.whole('rounds', instructions ? 1 : 8, 1),
    functions: options.whole('functions', instructions ? 2000 : 8000, 1),
    seed: options.whole('seed', 7, 0),
    jobs: options.whole('jobs', 1, 1),
    keep: options.keep,
    instructions,
    floor: options.flag('floor'),
  };
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

/** The revision's build, in a worktree at `dir` that uses this project's node_modules; returns the commit. */
function buildRevision(rev: string, dir: string): string {
  const commit = run('git', ['rev-parse', '--verify', `${rev}^{commit}`], ROOT);
  run('git', ['worktree', 'add', '--detach', dir, commit], ROOT);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  run('npm', ['run', 'build'], dir);
  return commit;
}

/** A copy of the working tree's build, which a rebuild elsewhere cannot change under the run. */
function snapshotHead(work: string): string {
  const dir = path.join(work, 'head');
  for (const part of ['dist', 'bin', 'rules', 'package.json']) {
    if (fs.existsSync(path.join(ROOT, part))) fs.cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  }
  // Its `require`s resolve from the project's dependencies, as the working tree's own build does.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

function scanArgs(build: string, tree: string, out: string, jobs: number): string[] {
  return [path.join(build, 'bin', 'fnscan.js'), tree, '-f', 'sarif', '-o', out, '--jobs', String(jobs), '--fail-on', 'none', '-q'];
}

/** One cold scan; wall time from spawn to exit. */
function scan(build: string, tree: string, out: string, jobs: number): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, scanArgs(build, tree, out, jobs), { encoding: 'utf8', maxBuffer: 64 << 20 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`fnscan (${build}) exited with ${result.status}: ${result.stderr}`);
  return wallMs;
}

/** `node <args>` under callgrind; the instructions of its threads. `countFile` names callgrind's output files. */
function countInstructions(args: string[], countFile: string, env: NodeJS.ProcessEnv = process.env): Promise<ThreadInstructions> {
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', [...callgrindArgs(countFile), process.execPath, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (status) => {
      if (status !== 0) reject(new Error(`valgrind node ${args.join(' ')} exited with ${status}: ${stderr}`));
      else resolve(readThreadInstructions(countFile));
    });
  });
}

async function main(): Promise<void> {
  const args = argumentsOrUsage(parseArgs, USAGE);
  if (!args) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-ab-'));
  const base = { dir: path.join(work, 'base'), commit: '' };
  // The worktree is unregistered however the run ends, a failed build included.
  process.on('exit', () => {
    spawnSync('git', ['worktree', 'remove', '--force', base.dir], { cwd: ROOT, stdio: 'ignore' });
    if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
  });
  process.stderr.write(`building ${args.base} in ${base.dir} ...\n`);
  base.commit = buildRevision(args.base, base.dir);
  const head = snapshotHead(work);
  const tree = path.join(work, 'tree');
  const generated = generateMonorepo(tree, { seed: args.seed, functions: args.functions });
  process.stderr.write(`tree: ${args.functions} functions, ${generated.files} files (seed ${args.seed}); ${args.rounds} rounds, --jobs ${args.jobs}\n`);

  const outputs = { base: path.join(work, 'base.sarif'), head: path.join(work, 'head.sarif') };
  const short = base.commit.slice(0, 7);
  const labels = { base: base.commit.startsWith(args.base) ? short : `${args.base} (${short})`, head: 'working tree' };
  const sameSarif = (): string =>
    fs.readFileSync(outputs.base).equals(fs.readFileSync(outputs.head)) ? 'SARIF: byte-identical' : 'SARIF: the two builds report differently';

  if (args.instructions) {
    const width = os.availableParallelism();
    let floor: ThreadInstructions | undefined;
    for (let i = 0; i < args.rounds; i++) {
      const order = baseFirst(i) ? (['base', 'head'] as const) : (['head', 'base'] as const);
      const jobs = order.map((which) => () => countInstructions(scanArgs(which === 'base' ? base.dir : head, tree, outputs[which], args.jobs), path.join(work, `${which}-${i}.cg`)));
      // The floor once, in the first round, beside the builds when there are cores for it.
      const withFloor = args.floor && i === 0;
      if (withFloor) {
        jobs.push(() =>
          countInstructions([path.join(ROOT, 'scripts', 'bench', 'child.cjs'), path.join(work, 'floor.json'), 'floor', tree, '1'], path.join(work, 'floor.cg'), {
            ...process.env,
            FNSCAN_BENCH_PACKAGE: head,
          }),
        );
      }
      process.stderr.write(`round ${i + 1}: ${[...order, ...(withFloor ? ['the floor'] : [])].join(', ')} under callgrind, ${Math.min(width, jobs.length)} at a time ...\n`);
      const counted = await inParallel(jobs, width);
      const counts = { [order[0]]: counted[0], [order[1]]: counted[1] } as Record<'base' | 'head', ThreadInstructions>;
      if (withFloor) floor = counted[2];
      const lines = instructionLines({ base: counts.base, head: counts.head, floor }, labels);
      process.stdout.write(`\nround ${i + 1}\n${lines.join('\n')}\n`);
    }
    process.stdout.write(`${sameSarif()}\n`);
    if (args.keep) process.stdout.write(`(kept in ${work})\n`);
    return;
  }

  const rounds: AbRound[] = [];
  for (let i = 0; i < args.rounds; i++) {
    const times = { base: 0, head: 0 };
    for (const which of baseFirst(i) ? (['base', 'head'] as const) : (['head', 'base'] as const)) {
      times[which] = scan(which === 'base' ? base.dir : head, tree, outputs[which], args.jobs);
    }
    rounds.push(times);
    process.stdout.write(`round ${i + 1}: base ${Math.round(times.base)} ms, working tree ${Math.round(times.head)} ms\n`);
  }
  const lines = [...summaryLines(summarise(rounds), labels), sameSarif()];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  if (args.keep) process.stdout.write(`(kept in ${work})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ab: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
