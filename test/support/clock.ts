import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * A file gets a stat signature only once it is 2 seconds old: moves the clock a minute ahead for
 * the rest of the test, so files written now count as old enough to vouch for by their stat.
 */
export function clockAhead(t: TestContext): void {
  const now = Date.now();
  t.mock.method(Date, 'now', () => now + 60_000);
}

/**
 * Puts `target`'s modification time back to `reference`'s, to the nanosecond (`touch -r`; Node's
 * utimes rounds); its change time moves on, as no process can set it back.
 */
export function restoreTimes(target: string, reference: string): void {
  const run = spawnSync('touch', ['-m', '-r', reference, target]);
  assert.equal(run.status, 0, String(run.stderr));
}
