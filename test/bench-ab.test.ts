import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseFirst, summarise, summaryLines } from '../scripts/bench/ab-summary';

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
