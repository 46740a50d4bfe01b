import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summariseWindows } from '../scripts/bench/warmup-summary';

test('bench:warmup summary: steady cost from the last pass, warm-up as what the first pass cost beyond it', () => {
  // 2,500 files in windows of 1,000: two full windows and a half one per pass.
  const summary = summariseWindows({ files: 2500, passes: [[900, 300, 120], [210, 190, 100], [200, 220, 110]] }, 1000);
  assert.equal(summary.steadyPerWindow, 210, 'the median of the last pass, its partial window left out');
  assert.equal(summary.firstPass, 1320);
  assert.equal(summary.warmUp, 1320 - 210 * 2.5);
});

test('bench:warmup summary: needs two passes and at least one full window', () => {
  assert.throws(() => summariseWindows({ files: 2000, passes: [[100, 100]] }, 1000), /two passes/);
  assert.throws(() => summariseWindows({ files: 500, passes: [[50], [40]] }, 1000), /fewer files \(500\) than one window/);
});
