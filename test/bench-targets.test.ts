import { test } from 'node:test';
import assert from 'node:assert/strict';
import { targetLines, type Sample, type SizeSamples, type Variant } from '../scripts/bench/targets';

/** Samples per variant: wall times per round, one peak RSS (MB) for all rounds. */
function size(n: number, walls: Partial<Record<Variant, number[]>>, rssMb: Partial<Record<Variant, number>> = {}, stale = {}): SizeSamples {
  const samples: Partial<Record<Variant, Sample[]>> = {};
  for (const [v, times] of Object.entries(walls) as Array<[Variant, number[]]>) {
    samples[v] = times.map((wallMs) => ({ wallMs, cpuMs: wallMs, maxRssKb: (rssMb[v] ?? 100) * 1024, detail: {} }));
  }
  return { size: n, samples, stale };
}

test('bench targets: each is judged on the ratios of the same run, with every round shown', () => {
  const mid = size(2000, { 'cold-1': [1000, 1000, 1000], 'cold-N': [900, 900, 900] });
  const big = size(
    8000,
    {
      'floor-1': [1000, 1200, 1100],
      'floor-N': [800, 800, 800],
      'cold-1': [1400, 1500, 1700],
      'cold-N': [1300, 1300, 1300],
      warm: [290, 400, 330],
      'edit-endpoint': [500, 500, 500],
      'edit-lib': [550, 550, 550],
    },
    { 'floor-1': 100, 'cold-1': 150, 'floor-N': 200, 'cold-N': 450 },
    { 'edit-endpoint': 1, 'edit-lib': 8 },
  );
  const lines = targetLines([mid, big]);
  assert.equal(lines[0], '## targets at 8000 functions (set for 8,000; one run, ratios to the floor of the same run)');
  // cold-1 1500/1100 = 1.36 (met), cold-N 1300/800 = 1.63 (missed): missed overall.
  assert.equal(lines[2], '- cold <= 1.5x the floor: missed. cold-1 1.36x floor-1 (rounds 1.40, 1.25, 1.55), cold-N 1.63x floor-N (rounds 1.63, 1.63, 1.63)');
  // warm 330/1100 = 0.30: met (the limit is inclusive); 330/800 = 0.41 against floor-N.
  assert.equal(lines[3], '- warm, nothing changed <= 0.3x the floor: met against floor-1, missed against floor-N. 0.30x floor-1 (rounds 0.29, 0.33, 0.30), 0.41x floor-N (rounds 0.36, 0.50, 0.41)');
  assert.equal(lines[4], "- one changed file costs one file's work plus its dependents: edit-endpoint re-analysed 1 file(s), 170 ms over warm; edit-lib re-analysed 8 file(s), 220 ms over warm");
  assert.equal(lines[5], "- peak memory <= 2x the floor's: missed. cold-1 1.50x, cold-N 2.25x (same threads)");
  assert.equal(lines[6], '- linear growth, 8000/2000 functions <= 4.4: met. cold-1 1.50x, cold-N 1.44x');
});

test('bench targets: what a run did not measure is said, not judged', () => {
  const lines = targetLines([size(500, { 'floor-1': [700], 'cold-1': [900] })]);
  assert.equal(lines[2], '- cold <= 1.5x the floor: not judged. cold-1 1.29x floor-1 (rounds 1.29), cold-N not measured');
  assert.match(lines[4], /not measured$/);
  assert.equal(lines.length, 6, 'no growth line for a single size');
  assert.deepEqual(targetLines([]), []);
});
