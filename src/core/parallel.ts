import os from 'node:os';
import type { MessagePort, Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { FnscanConfig } from './config';
import type { ReadLimits } from './files';
import type { ProjectInfo } from './project';
import type { Rule } from './rule';
import { ContentHashes, type UnitOutcome } from './cache';
import { FileWork, InternalError, ScanPlan, type ScanOptions, type ScanResult, type ScanUnit } from './engine';
import { loadRuleCode, ruleById } from '../rules';
import ts from './typescript';
import { WorkTimes, since, type WireTimes } from './timing';
import { appliedV8Flags, useScanFlags } from './v8-flags';

/**
 * `--jobs`: the per-file work of a scan spread over threads. The main thread discovers the files,
 * asks the cache, and then judges files itself alongside `jobs - 1` worker threads: all take
 * contiguous runs of one project's files from one queue (so each thread parses a project's shared
 * modules once per run it gets), and the main thread collects the outcomes. The findings are the
 * same whatever the number of threads, because each file is judged on its own.
 */

/**
 * A worker costs its own load of TypeScript and the rules and its own JIT warm-up (about half a
 * second of CPU); below this many files per thread the scan stays in one thread. Measured on the
 * bench trees (2 cores, idle) when the main thread only handed out work: two workers were 25%
 * slower than one thread with 1,400 files each, 15% slower with 2,750, and 2-5% faster with
 * 5,550. With the main thread judging too (one worker fewer), on a later VM whose two cores
 * gave two separate scans only about 1.3x between them: two threads were slower at 1,400 files
 * each (2.14-2.32 s against 1.69-2.57 s by round) and level at 5,550 (4.25 s against 4.28 s, means
 * of six rounds; two workers 4.43 s).
 */
export const MIN_FILES_PER_WORKER = 5000;

export function defaultJobs(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/**
 * Like `scan`, on up to `jobs` threads (this one and `jobs - 1` workers) when the project is
 * large enough to repay them (`minFilesPerWorker` lets tests use workers on small trees).
 */
export async function scanParallel(options: ScanOptions, jobs = defaultJobs(), minFilesPerWorker = MIN_FILES_PER_WORKER): Promise<ScanResult> {
  return completeScan(new ScanPlan(options), jobs, minFilesPerWorker);
}

/**
 * Does the per-file work `plan` left pending (in this thread or in workers) and gives the result.
 * An early worker (see `startEarlyWorker`) judges the files when there are too few for threads of
 * their own; otherwise it is stopped.
 */
export async function completeScan(plan: ScanPlan, jobs = defaultJobs(), minFilesPerWorker = MIN_FILES_PER_WORKER, early?: EarlyWorker): Promise<ScanResult> {
  const ruleIds = shippedRuleIds(plan.setup.rules);
  const threads = Math.min(jobs, Math.floor(plan.pending.length / minFilesPerWorker));
  const started = performance.now();
  const useEarly = early !== undefined && !early.stopped && ruleIds !== undefined && threads < 2 && plan.pending.length > 0;
  if (early && !useEarly) void early.worker.terminate();
  if (useEarly) {
    plan.phases.early = true;
    // Unreferenced while it might go unused; the scan now waits for it.
    early.worker.ref();
    await runInWorkers(plan, 2, ruleIds, () => early.worker, { setup: early.setup, mainJudges: false });
  } else if (threads >= 2 && ruleIds) {
    await runInWorkers(plan, threads, ruleIds);
  } else {
    const work = new FileWork(plan.setup, plan.hashes, plan.folders, plan.times);
    work.runAll(plan.pending, (unit, outcome) => plan.complete(unit, outcome));
  }
  plan.phases.judged = plan.pending.length;
  plan.phases.judging = since(started);
  return plan.finish();
}

/**
 * Contiguous runs of at most `size` units that never cross a project boundary, small enough to
 * keep every worker busy to the end, large enough that a project's shared modules are parsed
 * by few workers.
 */
export function planChunks<T extends { project: unknown }>(units: readonly T[], workers: number): T[][] {
  const size = Math.max(16, Math.min(256, Math.ceil(units.length / (workers * 8))));
  const chunks: T[][] = [];
  let chunk: T[] = [];
  for (const unit of units) {
    if (chunk.length === size || (chunk.length > 0 && chunk[0].project !== unit.project)) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(unit);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Rules must be the shipped ones, which a worker can load by id; anything else runs in this thread. */
function shippedRuleIds(rules: readonly Rule[]): string[] | undefined {
  return rules.every((r) => ruleById(r.meta.id) === r) ? rules.map((r) => r.meta.id) : undefined;
}

export interface WorkerSetup {
  ruleIds: string[];
  config: FnscanConfig;
  includeTests: boolean;
  limits: ReadLimits;
  projects: ProjectInfo[];
  recording: boolean;
  timing: boolean;
  /** Load TypeScript and the rules' code on start, before the first chunk arrives. */
  warm?: boolean;
  /** The main thread set the scan's V8 flags: the worker's loader must pick the code cache made with them. */
  scanFlags: boolean;
}

/** What every worker of a scan is started with: the scan's projects (each unit names its own by index). */
function workerSetup(plan: ScanPlan, ruleIds: string[]): WorkerSetup {
  return {
    ruleIds,
    config: plan.setup.config,
    includeTests: plan.setup.includeTests,
    limits: plan.setup.limits,
    projects: [...new Set(plan.units.map((u) => u.project))],
    recording: plan.hashes !== undefined,
    timing: plan.times !== undefined,
    scanFlags: appliedV8Flags().length > 0,
  };
}

/** A worker started before the files to judge are known, loading TypeScript and the rules meanwhile. */
export interface EarlyWorker {
  worker: Worker;
  setup: WorkerSetup;
  /** It stopped (an error, an exit) before it was used: the files are judged without it. */
  stopped: boolean;
}

/**
 * Watches a worker started early: one that fails while it waits (loading what it needs) is not
 * used, and its error is not left unhandled.
 */
export function earlyWorker(worker: Worker, setup: WorkerSetup): EarlyWorker {
  const early: EarlyWorker = { worker, setup, stopped: false };
  const stop = (): void => {
    early.stopped = true;
  };
  worker.on('error', stop);
  worker.on('exit', stop);
  return early;
}

/**
 * A worker takes about 0.25 s to start and load TypeScript and the rules, against 0.15 s for
 * TypeScript alone in the main thread, and its start slows the main thread's planning on a busy
 * machine; the record's check it overlaps with grows with the files. Measured on the 2-core VM
 * (item 67): edit runs 8% faster with 11,107 files, level with 5,500, slower with 2,800.
 */
export const EARLY_WORKER_MIN_FILES = 8000;

/**
 * Starts a worker that loads TypeScript and the rules while planning goes on: for a scan after an
 * edit, which judges a few files, loading TypeScript (about 0.15 s from its code cache) was the
 * largest part of the work, and on a large tree the rest of planning (which files still hold)
 * takes longer. Not with `--jobs 1`, rules other than the shipped ones, or fewer than `minFiles`
 * files. The worker does not keep the process alive; `completeScan` uses it or stops it, and
 * judges without it if it stopped on its own.
 */
export function startEarlyWorker(plan: ScanPlan, jobs: number, minFiles = EARLY_WORKER_MIN_FILES): EarlyWorker | undefined {
  const ruleIds = shippedRuleIds(plan.setup.rules);
  if (jobs < 2 || !ruleIds || plan.units.length < minFiles) return undefined;
  const setup = workerSetup(plan, ruleIds);
  let worker: Worker;
  try {
    worker = startWorker({ ...setup, warm: true });
  } catch {
    // Only time is at stake: the main thread judges the files.
    return undefined;
  }
  worker.unref();
  return earlyWorker(worker, setup);
}

/** A unit as it crosses to a worker: its project by index, so each project object is sent once. */
interface WireUnit {
  path: string;
  kind: 'source' | 'text';
  project: number;
  hash: string | null;
  dated: boolean;
}

type WireError = { kind: 'internal'; file: string; ruleId: string; message: string } | { kind: 'other'; message: string };

type WorkerReply = { outcomes: UnitOutcome[]; times?: WireTimes } | { error: WireError };

/** Chunks a worker holds at once: the next is already queued when it replies, so it never waits for this thread. */
const WORKER_QUEUE = 2;

/**
 * Judges the pending files on `threads` threads: this one and `threads - 1` workers, all taking
 * chunks from one queue. This thread takes a chunk whenever it is free and between chunks handles
 * the workers' replies; each worker holds up to WORKER_QUEUE chunks. A thread of its own would
 * sit idle while the workers run and cost another load of TypeScript and the rules and another
 * JIT warm-up: on 2 cores, two workers were no faster than one thread. A worker that fails (an
 * error reply, an uncaught error, an exit with chunks in hand) fails the scan once this thread's
 * chunk is done. `start` makes a worker (tests give workers that fail).
 */
export async function runInWorkers(
  plan: ScanPlan,
  threads: number,
  ruleIds: string[],
  start: (setup: WorkerSetup) => Worker = startWorker,
  { setup = workerSetup(plan, ruleIds), mainJudges = true }: { setup?: WorkerSetup; mainJudges?: boolean } = {},
): Promise<void> {
  const projectIndex = new Map(setup.projects.map((p, i) => [p, i]));
  const chunks = planChunks(plan.pending, threads);
  let next = 0;
  let unfinished = chunks.length;
  let failure: Error | undefined;
  /** Wakes this thread when it waits for the workers' last replies. */
  let wake: (() => void) | undefined;
  const settled = (): void => {
    wake?.();
    wake = undefined;
  };
  const workers: Worker[] = [];
  const inFlight = new Map<Worker, ScanUnit[][]>();
  /** Files judged by each thread, this one first. */
  const judged = [0];
  const give = (worker: Worker): void => {
    const chunk = chunks[next++];
    if (!chunk) return;
    inFlight.get(worker)!.push(chunk);
    const units: WireUnit[] = chunk.map((u) => ({ path: u.path, kind: u.kind, project: projectIndex.get(u.project)!, hash: u.hash, dated: u.dated }));
    worker.postMessage({ units });
  };
  try {
    for (let i = 1; i < threads && next < chunks.length; i++) {
      const worker = start(setup);
      const slot = judged.push(0) - 1;
      workers.push(worker);
      inFlight.set(worker, []);
      worker.on('message', (reply: WorkerReply) => {
        if ('error' in reply) {
          failure ??= revive(reply.error);
        } else {
          const chunk = inFlight.get(worker)!.shift()!;
          chunk.forEach((unit, k) => plan.complete(unit, reply.outcomes[k]));
          if (reply.times) plan.times?.merge(reply.times);
          judged[slot] += chunk.length;
          unfinished--;
          give(worker);
        }
        settled();
      });
      worker.on('error', (error) => {
        failure ??= error;
        settled();
      });
      worker.on('exit', (code) => {
        if (inFlight.get(worker)!.length > 0) failure ??= new Error(`A scan worker stopped before the scan ended (exit code ${code}).`);
        settled();
      });
      for (let k = 0; k < WORKER_QUEUE; k++) give(worker);
    }
    let work: FileWork | undefined;
    while (failure === undefined && unfinished > 0) {
      const chunk = mainJudges ? chunks[next] : undefined;
      if (chunk) {
        next++;
        work ??= new FileWork(plan.setup, plan.hashes, plan.folders, plan.times);
        work.runAll(chunk, (unit, outcome) => plan.complete(unit, outcome));
        judged[0] += chunk.length;
        unfinished--;
        // Lets the workers' replies in (and hands them their next chunks) before the next chunk here.
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    }
    if (failure) throw failure;
    plan.phases.threads = judged;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Worker threads are loaded only when a scan starts workers: a small or fully cached scan never
 * pays for the module.
 */
function threads(): typeof import('node:worker_threads') {
  return require('node:worker_threads') as typeof import('node:worker_threads');
}

/** The worker runs `serveScanWorker` of this module; run from TypeScript sources (tests), it registers tsx first. */
function startWorker(setup: WorkerSetup): Worker {
  const register = __filename.endsWith('.ts') ? "require('tsx/cjs/api').register(); " : '';
  const code = `${register}require(${JSON.stringify(__filename)}).serveScanWorker();`;
  return new (threads().Worker)(code, { eval: true, workerData: setup });
}

/** The worker thread's side: scans the chunks of files it is sent. */
export function serveScanWorker(): void {
  const { workerData, parentPort } = threads();
  serve(workerData as WorkerSetup, parentPort!);
}

function revive(error: WireError): Error {
  if (error.kind === 'internal') return new InternalError(error.file, error.ruleId, new Error(error.message));
  return new Error(error.message);
}

function toWire(error: unknown): WireError {
  if (error instanceof InternalError) {
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
    return { kind: 'internal', file: error.file, ruleId: error.ruleId, message: cause };
  }
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

function serve(setup: WorkerSetup, port: MessagePort): void {
  if (setup.scanFlags) useScanFlags();
  const rules = setup.ruleIds.map((id) => ruleById(id)!);
  if (setup.warm) {
    void ts.version;
    loadRuleCode(setup.ruleIds);
  }
  const times = setup.timing ? new WorkTimes() : undefined;
  const work = new FileWork(
    { rules, config: setup.config, includeTests: setup.includeTests, limits: setup.limits },
    setup.recording ? new ContentHashes(setup.limits.maxFileBytes) : undefined,
    undefined,
    times,
  );
  port.on('message', (message: { units: WireUnit[] }) => {
    let reply: WorkerReply;
    try {
      const outcomes: UnitOutcome[] = [];
      work.runAll(
        message.units.map((u) => ({ ...u, project: setup.projects[u.project] })),
        (_unit, outcome) => outcomes.push(outcome),
      );
      reply = { outcomes, ...(times && { times: times.take() }) };
    } catch (error) {
      reply = { error: toWire(error) };
    }
    port.postMessage(reply);
  });
}
