/**
 * Instruction counts for `npm run bench:ab -- --instructions`: a run under Valgrind's callgrind,
 * one count per thread. Wall time on a shared machine moves by a third from one minute to the
 * next; the number of instructions a run executes moves by about a percent, so it shows changes
 * the wall-time rounds cannot. The main thread's count is the one that tracks a scan's wall time:
 * V8 compiles optimised code and does most of its garbage collection on helper threads, which run
 * on another core while the main thread works (a cold scan keeps its main thread busy for about
 * its whole wall time). Callgrind runs about 60 times slower than the scan.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Instructions executed by one run, split into its main thread and V8's and libuv's helper threads. */
export interface ThreadInstructions {
  main: number;
  helpers: number;
}

/** Valgrind's arguments for a run whose per-thread counts `readThreadInstructions(outFile)` reads. */
export function callgrindArgs(outFile: string): string[] {
  return ['--tool=callgrind', '--separate-threads=yes', `--callgrind-out-file=${outFile}`];
}

/**
 * Reads the files callgrind wrote for `outFile`, one per thread (`<outFile>-01` is the thread the
 * process started in), each with a `summary:` line holding its count.
 */
export function readThreadInstructions(outFile: string): ThreadInstructions {
  const dir = path.dirname(outFile);
  const prefix = `${path.basename(outFile)}-`;
  const counts = new Map<number, number>();
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix) || !/^\d+$/.test(name.slice(prefix.length))) continue;
    const match = /^summary: (\d+)$/m.exec(fs.readFileSync(path.join(dir, name), 'utf8'));
    if (!match) throw new Error(`no summary line in ${name}`);
    counts.set(Number(name.slice(prefix.length)), Number(match[1]));
  }
  const main = counts.get(1);
  if (main === undefined) throw new Error(`callgrind wrote no count for the main thread (${outFile}-01)`);
  let helpers = 0;
  for (const [thread, count] of counts) if (thread !== 1) helpers += count;
  return { main, helpers };
}

/** The lines `bench:ab --instructions` prints: each build's counts, the ratios, and the floor's when measured. */
export function instructionLines(
  runs: { base: ThreadInstructions; head: ThreadInstructions; floor?: ThreadInstructions },
  labels: { base: string; head: string },
): string[] {
  const billions = (n: number): string => `${(n / 1e9).toFixed(3)} G`;
  const describe = (label: string, t: ThreadInstructions): string =>
    `${label}: main thread ${billions(t.main)}, helper threads ${billions(t.helpers)}, all ${billions(t.main + t.helpers)}`;
  const change = (ratio: number): string => `${ratio.toFixed(3)} (${ratio <= 1 ? '' : '+'}${((ratio - 1) * 100).toFixed(1)}%)`;
  const { base, head, floor } = runs;
  const lines = [
    describe(labels.base, base),
    describe(labels.head, head),
    `${labels.head} / ${labels.base}: main thread ${change(head.main / base.main)}, all threads ${change((head.main + head.helpers) / (base.main + base.helpers))}`,
  ];
  if (floor) {
    lines.push(describe('floor', floor));
    lines.push(
      `to the floor: ${labels.base} main thread ${(base.main / floor.main).toFixed(2)}x, ${labels.head} ${(head.main / floor.main).toFixed(2)}x`,
    );
  }
  return lines;
}

/**
 * Runs `jobs` at most `width` at a time, each started as soon as one before it ends; the results in
 * the jobs' order. Callgrind runs a process's threads one at a time, so each run keeps about one
 * core busy: on a machine with two cores the two builds are counted side by side. After a job
 * fails no other job starts, and the failure is thrown once the jobs already running have ended,
 * so no run is left behind the report.
 */
export async function inParallel<T>(jobs: ReadonlyArray<() => Promise<T>>, width: number): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < jobs.length) {
      const i = next++;
      try {
        results[i] = await jobs[i]();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, jobs.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}
