import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import type * as Sarif from 'sarif';
import { scan, ScanPlan, type ScanOptions } from '../src/core/engine';
import { parseShard, shardOf } from '../src/core/shard';
import { completeScan, runInWorkers, scanParallel } from '../src/core/parallel';
import { UsageError } from '../src/core/project';
import { rules } from '../src/rules';
import { formatSarif } from '../src/reporters/sarif';
import { MergeError, mergeSarif } from '../src/reporters/merge-sarif';
import { run, type Io } from '../src/cli/main';
import { generateMonorepo } from '../scripts/bench/generate';
import { FIXTURES, fixtureApps } from './support/fixtures';
import { tempDir } from './support/project';
import { ENDPOINTS, SHAPE_NAMES, apply, initialFiles, step, writeAt, type Session } from './support/sessions';

function options(root: string, extra: Partial<ScanOptions> = {}): ScanOptions {
  return { paths: [root], rules: [...rules], config: {}, includeTests: false, root, ...extra };
}

function sarifOf(root: string, extra: Partial<ScanOptions> = {}): string {
  return formatSarif(scan(options(root, extra)), { root, category: 'fnscan', includeSuppressed: true, toolVersion: '0.0.0' });
}

function shardsMerged(root: string, count: number, extra: Partial<ScanOptions> = {}): string {
  const parts = Array.from({ length: count }, (_, i) => ({ name: `${i + 1}.sarif`, text: sarifOf(root, { ...extra, shard: { index: i + 1, count } }) }));
  return mergeSarif(parts);
}

test('--shard takes i/n with 1 <= i <= n', () => {
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  for (const bad of ['0/4', '5/4', '2', '2/0', 'a/b', '-1/2', '1/2/3', '']) assert.throws(() => parseShard(bad), UsageError, bad);
});

test('files are spread evenly and deterministically over the shards', () => {
  const paths = Array.from({ length: 4000 }, (_, i) => `apps/app-${i % 40}/api/src/functions/fn${i}.ts`);
  const counts = [0, 0, 0, 0];
  for (const p of paths) {
    const shard = shardOf(p, 4);
    assert.equal(shardOf(p, 4), shard);
    counts[shard - 1]++;
  }
  for (const c of counts) assert.ok(c > 850 && c < 1150, `shard sizes ${counts.join(', ')}`);
});

for (const app of fixtureApps()) {
  test(`fixture ${app}: shards merged with merge-sarif equal the unsharded SARIF, byte for byte`, () => {
    const root = path.join(FIXTURES, app);
    const whole = sarifOf(root);
    for (const count of [2, 3, 5]) assert.equal(shardsMerged(root, count), whole, `${count} shards`);
  });
}

test('each file is scanned by exactly one shard, and its findings do not depend on the shard', () => {
  const root = path.join(FIXTURES, 'webhook-zoo');
  const whole = scan(options(root));
  const parts = [1, 2, 3].map((index) => scan(options(root, { shard: { index, count: 3 } })));
  assert.equal(parts.reduce((n, p) => n + p.filesScanned, 0), whole.filesScanned);
  const files = parts.map((p) => new Set(p.findings.map((f) => f.location.file)));
  for (const [i, a] of files.entries()) for (const b of files.slice(i + 1)) for (const f of a) assert.ok(!b.has(f), f);
  const key = (f: (typeof whole.findings)[number]): string => JSON.stringify(f);
  assert.deepEqual(parts.flatMap((p) => p.findings).map(key).sort(), whole.findings.map(key).sort());
});

test('merge-sarif deduplicates rules, recomputes ruleIndex and ANDs executionSuccessful', () => {
  const root = path.join(FIXTURES, 'webhook-zoo');
  const a = JSON.parse(sarifOf(root, { shard: { index: 1, count: 2 } })) as Sarif.Log;
  const b = JSON.parse(sarifOf(root, { shard: { index: 2, count: 2 } })) as Sarif.Log;
  // The second shard lists its rules in another order and reports a failure.
  const rulesB = b.runs[0].tool.driver.rules!;
  const reordered = [...rulesB].reverse();
  for (const result of b.runs[0].results!) result.ruleIndex = reordered.findIndex((r) => r.id === result.ruleId);
  b.runs[0].tool.driver.rules = reordered;
  b.runs[0].invocations![0].executionSuccessful = false;

  const merged = JSON.parse(mergeSarif([{ name: 'a', text: JSON.stringify(a) }, { name: 'b', text: JSON.stringify(b) }])) as Sarif.Log;
  const run0 = merged.runs[0];
  assert.equal(merged.runs.length, 1);
  assert.deepEqual(run0.tool.driver.rules!.map((r) => r.id), a.runs[0].tool.driver.rules!.map((r) => r.id));
  for (const result of run0.results!) assert.equal(run0.tool.driver.rules![result.ruleIndex!].id, result.ruleId);
  assert.equal(run0.results!.length, a.runs[0].results!.length + b.runs[0].results!.length);
  assert.equal(run0.invocations![0].executionSuccessful, false);
});

test('merge-sarif refuses files that are not one fnscan run of the same version and category', () => {
  const root = path.join(FIXTURES, 'acme-store');
  const good = sarifOf(root);
  const other = good.replace('"version":"0.0.0"', '"version":"9.9.9"');
  assert.notEqual(other, good);
  assert.throws(() => mergeSarif([{ name: 'a', text: good }, { name: 'b', text: other }]), MergeError);
  assert.throws(() => mergeSarif([{ name: 'a', text: 'nope' }]), MergeError);
  assert.throws(() => mergeSarif([{ name: 'a', text: '{"version":"2.1.0","runs":[]}' }]), MergeError);
  assert.throws(() => mergeSarif([]), MergeError);
});

test('merge-sarif joins only the shards of one whole scan: none missing, none twice, no strays', () => {
  const root = path.join(FIXTURES, 'acme-store');
  const shard = (index: number, count: number): { name: string; text: string } => ({
    name: `${index}-of-${count}.sarif`,
    text: sarifOf(root, { shard: { index, count } }),
  });
  assert.match(JSON.parse(shard(2, 3).text).runs[0].properties['fnscan/shard'], /^2\/3$/);
  const refused = (inputs: Array<{ name: string; text: string }>, message: RegExp): void => {
    assert.throws(() => mergeSarif(inputs), (error: Error) => error instanceof MergeError && message.test(error.message));
  };
  refused([shard(1, 3), shard(3, 3)], /^Shard 2\/3 is missing: without it, code scanning would close the alerts in its files\.$/);
  refused([shard(2, 4)], /^Shards 1\/4, 3\/4, 4\/4 are missing/);
  refused([shard(1, 2), shard(1, 2), shard(2, 2)], /^Shard 1\/2 is given twice: `1-of-2\.sarif` and `1-of-2\.sarif`\.$/);
  refused([shard(1, 2), shard(2, 3)], /`2-of-3\.sarif` is shard 2\/3, but `1-of-2\.sarif` is one of 2/);
  refused([shard(1, 2), { name: 'whole.sarif', text: sarifOf(root) }, shard(2, 2)], /`whole\.sarif` is not from a --shard scan but `1-of-2\.sarif` is/);
  const garbled = shard(1, 1).text.replace('"fnscan/shard":"1/1"', '"fnscan/shard":"0/1"');
  refused([{ name: 'garbled.sarif', text: garbled }], /names its shard as "0\/1", not i\/n/);
  // Complete sets merge in any order; plain runs still merge with each other.
  assert.equal(mergeSarif([shard(2, 2), shard(1, 2)]), mergeSarif([shard(1, 2), shard(2, 2)]));
  assert.equal(mergeSarif([shard(1, 1)]), sarifOf(root));
  assert.doesNotThrow(() => mergeSarif([{ name: 'a', text: sarifOf(root) }, { name: 'b', text: sarifOf(root) }]));
});

function captureIo(cwd: string): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), stdoutIsTTY: false, stderrIsTTY: false, env: { NO_COLOR: '1' }, cwd };
}

test('the CLI: --shard runs then `fnscan merge-sarif` give the unsharded --format sarif output', async () => {
  const app = path.join(FIXTURES, 'webhook-zoo');
  const whole = captureIo(app);
  assert.equal(await run(['-f', 'sarif', '--fail-on', 'none', '--jobs', '1'], whole), 0);
  const dir = tempDir('fnscan-shards-');
  const files: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const io = captureIo(app);
    assert.equal(await run(['-f', 'sarif', '--fail-on', 'none', '--shard', `${i}/3`, '-o', path.join(dir, `${i}.sarif`)], io), 0);
    files.push(path.join(dir, `${i}.sarif`));
  }
  const merged = captureIo(app);
  assert.equal(await run(['merge-sarif', ...files], merged), 0);
  assert.equal(merged.out.join(''), whole.out.join(''));

  const bad = captureIo(app);
  assert.equal(await run(['merge-sarif', path.join(dir, 'missing.sarif')], bad), 2);
  assert.equal(await run(['--shard', '4/3'], captureIo(app)), 2);
});

test('worker threads (--jobs) give the same SARIF as one thread, with and without the cache', async () => {
  const root = tempDir('fnscan-jobs-');
  generateMonorepo(root, { functions: 320, seed: 7 });
  const format = (result: Awaited<ReturnType<typeof scanParallel>>): string =>
    formatSarif(result, { root, category: 'fnscan', includeSuppressed: true, toolVersion: '0.0.0' });
  const perWorker = 100;
  assert.ok(new ScanPlan(options(root)).pending.length >= 3 * perWorker, 'enough files for three threads');
  const single = format(scan(options(root)));
  // This thread and one worker, then this thread and two workers, all taking chunks from one queue.
  for (const threads of [2, 3]) {
    const plan = new ScanPlan(options(root));
    assert.equal(format(await completeScan(plan, threads, perWorker)), single);
    const judged = plan.phases.threads ?? [];
    assert.equal(judged.length, threads);
    assert.ok(judged.every((n) => n > 0), `every thread judged files: ${judged.join(' + ')}`);
    assert.equal(judged.reduce((a, b) => a + b, 0), plan.pending.length);
  }
  const cache = path.join(root, '.fnscan-test-cache');
  assert.equal(format(await scanParallel(options(root, { cache: { location: cache } }), 2, perWorker)), single);
  assert.equal(format(scan(options(root, { cache: { location: cache } }))), single, 'entries written by workers serve a later scan');
});

test('random trees: the shards merged give the unsharded SARIF, for 2 to 5 shards', () => {
  // The editing sessions' app (test/support/sessions.ts), its files in random shapes and states.
  fc.assert(
    fc.property(
      fc.array(fc.nat(SHAPE_NAMES.length - 1), { minLength: ENDPOINTS, maxLength: ENDPOINTS }),
      fc.array(step, { maxLength: 8 }),
      fc.integer({ min: 2, max: 5 }),
      (shapes, steps, count) => {
        const root = tempDir('fnscan-shards-');
        const session: Session = { root, offset: 0 };
        writeAt(root, initialFiles(shapes));
        for (const s of steps) if (s.kind !== 'scan') apply(session, s);
        assert.equal(shardsMerged(root, count), sarifOf(root));
        fs.rmSync(root, { recursive: true, force: true });
      },
    ),
    { numRuns: 15, seed: 20261206 },
  );
});

describe('a worker that fails fails the scan, without hanging it', () => {
  /**
   * Workers that misbehave on their first chunk, as `runInWorkers` would start them: at once (this
   * thread finds out between two of its chunks), or after this thread has run out of chunks and
   * waits for the workers' replies.
   */
  const failing = (onChunk: string, delayMs: number) => (): Worker =>
    new Worker(`require('node:worker_threads').parentPort.on('message', () => setTimeout(() => { ${onChunk} }, ${delayMs}))`, { eval: true });
  const cases: Array<[string, string, RegExp]> = [
    ['an error reply', "require('node:worker_threads').parentPort.postMessage({ error: { kind: 'other', message: 'disk on fire' } })", /^disk on fire$/],
    ['an uncaught error', "throw new Error('worker bug')", /^worker bug$/],
    ['an exit with chunks in hand', 'process.exit(7)', /stopped before the scan ended \(exit code 7\)/],
  ];
  for (const [what, onChunk, message] of cases) {
    for (const [when, delayMs] of [['while this thread judges', 0], ['once this thread waits', 3000]] as const) {
      test(`${what}, ${when}`, { timeout: 60_000 }, async () => {
        const root = tempDir('fnscan-failing-worker-');
        generateMonorepo(root, { functions: 40, seed: 3 });
        const plan = new ScanPlan(options(root));
        assert.ok(plan.pending.length >= 64, 'enough chunks for the worker and this thread');
        const scan = runInWorkers(plan, 2, rules.map((r) => r.meta.id), failing(onChunk, delayMs));
        await assert.rejects(scan, (error: Error) => message.test(error.message));
      });
    }
  }
});
