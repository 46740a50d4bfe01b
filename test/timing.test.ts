import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { run } from '../src/cli/main';
import { ScanPlan } from '../src/core/engine';
import { resultSarif, scanOptions, scanSarif } from './support/cached';
import { completeScan, earlyWorker, startEarlyWorker, type EarlyWorker, type WorkerSetup } from '../src/core/parallel';
import { DEFAULT_LIMITS } from '../src/core/files';
import { rules } from '../src/rules';
import { FIXTURES } from './support/fixtures';
import { tempDir } from './support/project';
import { clockAhead } from './support/clock';

/** `--timing`: where a run's time went, on stderr, after the report; the report itself is unchanged. */

async function fnscan(cwd: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd });
  return { code, stdout, stderr };
}

function copyApp(app: string): string {
  const root = path.join(tempDir('fnscan-timing-'), app);
  fs.cpSync(path.join(FIXTURES, app), root, { recursive: true });
  return root;
}

// acme-store: 24 source and env files, and its schema.prisma (read since schema.prisma holds datasource urls).
const TIMING_LINE = /^Timing: discovery \d[\d,]* ms, judging 25 files \d[\d,]* ms( \(loading TypeScript \d[\d,]* ms\))?, report \d[\d,]* ms; total \d[\d,]* ms \(wall time; Node's start not included\)\.$/m;

test('prints the phases, the time in every rule that ran and the slowest files; the report and exit code are those without it', async () => {
  const root = copyApp('acme-store');
  const plain = await fnscan(root, ['-f', 'json']);
  const timed = await fnscan(root, ['-f', 'json', '--timing']);
  assert.equal(timed.stdout, plain.stdout);
  assert.equal(timed.code, plain.code);
  assert.match(timed.stderr, TIMING_LINE);
  const ruleLines = timed.stderr.split('\n').filter((l) => /^ {2}[a-z-]+ +\d[\d,]* ms +\d+\.\d%$/.test(l));
  const ran = rules.filter((r) => r.meta.id !== 'invalid-suppression').map((r) => r.meta.id);
  for (const id of ran) assert.ok(ruleLines.some((l) => l.trim().startsWith(`${id} `)), `${id} is listed`);
  const slowest = timed.stderr.split('Slowest files (parse and rules):\n')[1].trimEnd().split('\n');
  assert.equal(slowest.length, 5);
  for (const line of slowest) assert.match(line, /^ {2}\S.* \d[\d,]* ms$/);
});


test('a repeated output says so, and the times are never kept with the output', async (t) => {
  clockAhead(t);
  const root = copyApp('acme-store');
  const argv = ['--cache', '-f', 'json', '--timing'];
  const first = await fnscan(root, argv);
  // An empty cache: every file was read to hash it (the fixture copy is in no git work tree).
  const files = new ScanPlan({ paths: [root], rules: [...rules], config: {}, includeTests: false, root }).units.length;
  assert.match(first.stderr, new RegExp(`^Timing: discovery \\d+ ms \\(0 folders listed from the record, \\d+ read\\), scan cache \\d+ ms \\(${files} files read to hash\\), judging \\d+ files \\d+ ms( \\(loading TypeScript \\d+ ms\\))?, writing the cache \\d+ ms, report \\d+ ms; total`, 'm'));
  // --timing (like --jobs) changes nothing kept: a run without it repeats the same output, and the other way round.
  assert.equal((await fnscan(root, ['--cache', '-f', 'json', '--jobs', '1'])).stderr, '');
  const again = await fnscan(root, argv);
  assert.equal(again.stdout, first.stdout);
  // The folders are over 2 s old (by the clock moved ahead), so their listings were recorded with what discovery found.
  assert.match(again.stderr, /^Timing: discovery \d+ ms \(recorded, \d+ folders unchanged\), unchanged-tree record \d+ ms, repeating the last output \d+ ms; total \d+ ms/m);
  assert.equal(again.stderr.match(/^Timing:/gm)?.length, 1, 'only this run\'s times');
  assert.equal(again.stderr.includes('Time in each rule'), false, 'nothing was judged');
});

test('workers send their times back: every judged file and the rules that ran are counted', async () => {
  const root = copyApp('acme-store');
  const plan = new ScanPlan({ paths: [root], rules: [...rules], config: {}, includeTests: false, root, timing: true });
  const judged = plan.pending.map((u) => u.path).sort();
  await completeScan(plan, 2, 1);
  assert.deepEqual([...plan.times!.files.keys()].sort(), judged);
  assert.ok(plan.times!.rules.get('no-unauthenticated-handler')! > 0);
  assert.equal(plan.phases.judged, judged.length);
  assert.equal(plan.phases.threads?.reduce((a, b) => a + b, 0), judged.length, 'this thread and the worker judged them all between them');
  assert.ok(plan.times!.typescript > 0, 'each worker loaded TypeScript, timed on its own');
});

test('after an edit, a worker started while the record is checked judges the file: the output of a scan without the cache; not with --jobs 1, nor on a small tree', async (t) => {
  clockAhead(t);
  const root = copyApp('acme-store');
  const cache = path.join(root, '.fnscan-test-cache');
  const plan = (early: { worker?: EarlyWorker; stale?: boolean }, jobs: number): ScanPlan =>
    new ScanPlan(
      scanOptions(root, cache, {
        onRecordStale: (planned) => {
          early.stale = true;
          early.worker = startEarlyWorker(planned, jobs, 1);
        },
      }),
    );
  await completeScan(plan({}, 2), 2);
  const endpoint = path.join(root, 'api/src/functions/exportOrders.ts');
  fs.appendFileSync(endpoint, '\n// edited\n');
  const early: { worker?: EarlyWorker; stale?: boolean } = {};
  const edited = plan(early, 2);
  assert.ok(early.worker, 'started once the record was found stale');
  assert.equal(edited.pending.length, 1);
  const result = await completeScan(edited, 2, undefined, early.worker);
  assert.equal(edited.phases.early, true, 'the early worker judged the file');
  assert.deepEqual(edited.phases.threads, [0, 1]);
  assert.equal(resultSarif(result, root), scanSarif(root));

  fs.appendFileSync(endpoint, '// edited again\n');
  const single: { worker?: EarlyWorker; stale?: boolean } = {};
  await completeScan(plan(single, 1), 1);
  assert.equal(single.stale, true, 'the record was found stale');
  assert.equal(single.worker, undefined, '--jobs 1: no worker');
  // Through the CLI, a tree this small (below EARLY_WORKER_MIN_FILES) judges in the main thread.
  fs.appendFileSync(endpoint, '// and again\n');
  const cli = await fnscan(root, ['--cache', '--cache-location', cache, '-f', 'json', '--timing', '--jobs', '2']);
  assert.match(cli.stderr, /^Timing: .*unchanged-tree record \d+ ms, judging 1 file \d+ ms/m);
});

test('an early worker that stopped before it was used (it failed while loading) is not used: this thread judges the file', { timeout: 60_000 }, async (t) => {
  clockAhead(t);
  const root = copyApp('acme-store');
  const options = scanOptions(root, path.join(root, '.fnscan-test-cache'));
  await completeScan(new ScanPlan(options), 2);
  fs.appendFileSync(path.join(root, 'api/src/functions/exportOrders.ts'), '\n// edited\n');
  const plan = new ScanPlan(options);
  assert.equal(plan.pending.length, 1);
  // Its error is handled (an unhandled one would end the test process) and marks it stopped.
  const worker = new Worker("throw new Error('broken while loading')", { eval: true });
  const setup: WorkerSetup = { ruleIds: [], config: {}, includeTests: false, limits: DEFAULT_LIMITS, projects: [], recording: false, timing: false, scanFlags: false };
  const early = earlyWorker(worker, setup);
  await new Promise((resolve) => worker.on('exit', resolve));
  assert.equal(early.stopped, true);
  const result = await completeScan(plan, 2, undefined, early);
  assert.equal(plan.phases.early, undefined, 'judged in this thread');
  assert.equal(resultSarif(result, root), scanSarif(root));
});
