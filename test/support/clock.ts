import type { TestContext } from 'node:test';

/**
 * A file gets a stat signature only once it is 2 seconds old: moves the clock a minute ahead for
 * the rest of the test, so files written now count as old enough to vouch for by their stat.
 */
export function clockAhead(t: TestContext): void {
  const now = Date.now();
  t.mock.method(Date, 'now', () => now + 60_000);
}
