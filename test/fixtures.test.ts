import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectationKeys, expectationsFor, findingKeys, fixtureApps, scanFixture } from './support/fixtures';

/** Every fixture app yields exactly the findings annotated inline (`// ruleid: <id>`), no more, no less. */
for (const app of fixtureApps()) {
  test(`fixture ${app}: findings match the inline annotations`, () => {
    const result = scanFixture(app);
    const expected = expectationKeys(expectationsFor(app));
    const actual = findingKeys(result);
    const missing = expected.filter((k) => !actual.includes(k));
    const unexpected = actual.filter((k) => !expected.includes(k));
    assert.deepEqual({ missing, unexpected }, { missing: [], unexpected: [] });
    assert.deepEqual(result.skipped, [], 'no fixture file should be skipped');
  });
}
