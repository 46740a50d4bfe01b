import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { baseFirst, summarise, summaryLines } from '../scripts/bench/ab-summary';
import { callgrindArgs, inParallel, instructionLines, readThreadInstructions } from '../scripts/bench/instructions';
import { readOptions } from '../scripts/bench/options';

test('bench:ab summary: medians, their ratio and the rounds the working tree won, from the pairs', () => {
  const summary = summarise([
    { base: 4000, head: 3800 },
    { base: 4400, head: 4500 },
    { base: 4200, head: 3900 },
    { base: 5000, head: 4100 },
  ]);
  assert.equal(summary.rounds, 4);
  assert.equal(summary.baseMean, 4400);
  assert.equal(summary.headMean, 4075);
  assert.equal(summary.baseMedian, 4300);
  assert.equal(summary.headMedian, 4000);
  assert.equal(summary.ratio, 4000 / 4300);
  assert.equal(summary.headFaster, 3);
  assert.deepEqual(summaryLines(summary, { base: 'main (abc1234)', head: 'working tree' }), [
    'main (abc1234): mean 4,400 ms, median 4,300 ms',
    'working tree: mean 4,075 ms, median 4,000 ms',
    'median ratio 0.930 (-7.0%); working tree faster in 3 of 4 rounds',
  ]);
});

test('bench:ab summary: a slower working tree shows a ratio above 1 and a plus sign; ties are not wins', () => {
  const summary = summarise([
    { base: 1000, head: 1100 },
    { base: 1000, head: 1000 },
    { base: 1000, head: 1200 },
  ]);
  assert.equal(summary.headFaster, 0);
  assert.match(summaryLines(summary, { base: 'b', head: 'h' })[2], /^median ratio 1\.100 \(\+10\.0%\); h faster in 0 of 3 rounds$/);
  assert.throws(() => summarise([]), /no rounds/);
});

test('bench:ab: the two builds take turns at running first', () => {
  assert.deepEqual([0, 1, 2, 3].map(baseFirst), [true, false, true, false]);
});

test('bench:ab --instructions: callgrind\'s per-thread files give the main thread\'s count and the helpers\' sum', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-cg-'));
  try {
    const out = path.join(dir, 'head.cg');
    fs.writeFileSync(`${out}-01`, 'version: 1\ncmd: node x\nthread: 1\nsummary: 5342414835\nfn=main\n1 2\ntotals: 5342414835\n');
    fs.writeFileSync(`${out}-02`, 'version: 1\nthread: 2\nsummary: 6273\n');
    fs.writeFileSync(`${out}-03`, 'version: 1\nthread: 3\nsummary: 1291593440\n');
    // Another run's files and other names in the folder are not counted.
    fs.writeFileSync(path.join(dir, 'base.cg-01'), 'summary: 1\n');
    fs.writeFileSync(`${out}-01.bak`, 'summary: 1\n');
    assert.deepEqual(readThreadInstructions(out), { main: 5342414835, helpers: 1291599713 });
    assert.throws(() => readThreadInstructions(path.join(dir, 'missing.cg')), /no count for the main thread/);
    fs.writeFileSync(path.join(dir, 'bad.cg-01'), 'version: 1\n');
    assert.throws(() => readThreadInstructions(path.join(dir, 'bad.cg')), /no summary line in bad\.cg-01/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(callgrindArgs('/t/x.cg'), ['--tool=callgrind', '--separate-threads=yes', '--callgrind-out-file=/t/x.cg']);
});

test('bench:ab --instructions: the report gives each build\'s threads, the change, and the ratio to the floor', () => {
  const base = { main: 5_000_000_000, helpers: 5_500_000_000 };
  const head = { main: 4_500_000_000, helpers: 5_000_000_000 };
  const labels = { base: 'main (abc1234)', head: 'working tree' };
  assert.deepEqual(instructionLines({ base, head }, labels), [
    'main (abc1234): main thread 5.000 G, helper threads 5.500 G, all 10.500 G',
    'working tree: main thread 4.500 G, helper threads 5.000 G, all 9.500 G',
    'working tree / main (abc1234): main thread 0.900 (-10.0%), all threads 0.905 (-9.5%)',
  ]);
  const lines = instructionLines({ base, head: base, floor: { main: 2_000_000_000, helpers: 1_000_000_000 } }, labels);
  assert.equal(lines[2], 'working tree / main (abc1234): main thread 1.000 (0.0%), all threads 1.000 (0.0%)');
  assert.deepEqual(lines.slice(3), [
    'floor: main thread 2.000 G, helper threads 1.000 G, all 3.000 G',
    'to the floor: main (abc1234) main thread 2.50x, working tree 2.50x',
  ]);
});

test('benchmark options: switches take no value; an unknown switch is refused', () => {
  const options = readOptions(['--base', 'HEAD~1', '--instructions', '--keep'], ['base'], ['instructions', 'floor']);
  assert.equal(options.value('base'), 'HEAD~1');
  assert.equal(options.flag('instructions'), true);
  assert.equal(options.flag('floor'), false);
  assert.equal(options.keep, true);
  assert.throws(() => readOptions(['--instructions'], ['base']), /unknown option or missing value: --instructions/);
});

test('bench:ab --instructions: runs go side by side up to the width, each started when one ends, results in order', async () => {
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const job = (i: number, ms: number) => async (): Promise<number> => {
    started.push(i);
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, ms));
    running--;
    return i * 10;
  };
  assert.deepEqual(await inParallel([job(0, 30), job(1, 5), job(2, 5), job(3, 5)], 2), [0, 10, 20, 30]);
  assert.equal(most, 2, 'never more than two at once');
  assert.deepEqual(started, [0, 1, 2, 3]);
  most = 0;
  assert.deepEqual(await inParallel([job(0, 1)], 8), [0]);
  assert.equal(most, 1);
  await assert.rejects(inParallel([job(0, 1), async () => Promise.reject(new Error('valgrind failed'))], 2), /valgrind failed/);
});

test('bench:ab --instructions: after a failure no run starts, and the error comes once the runs beside it have ended', async () => {
  let running = 0;
  const started: number[] = [];
  const job = (i: number, ms: number) => async (): Promise<number> => {
    started.push(i);
    running++;
    await new Promise((resolve) => setTimeout(resolve, ms));
    running--;
    return i;
  };
  const fails = async (): Promise<number> => {
    started.push(1);
    throw new Error('valgrind failed');
  };
  await assert.rejects(inParallel([job(0, 40), fails, job(2, 5), job(3, 5)], 2), /valgrind failed/);
  assert.equal(running, 0, 'the run beside the failed one has ended');
  assert.deepEqual(started, [0, 1]);
});
