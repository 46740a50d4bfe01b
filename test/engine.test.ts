import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FileCache, scan } from '../src/core/engine';
import { rules } from '../src/rules';
import type { Finding } from '../src/core/types';
import { tempDir, tempProject } from './support/project';
import { FIXTURES, fixtureApps, scanFixture } from './support/fixtures';

const tmp = tempDir('fnscan-engine-');

test('a finding keeps a secret only as a hash: its context (cached, fingerprinted) has it redacted', () => {
  const secret = 'sk_live_' + 'Q7mZ2pX9vL4kT8wR1nB6cY3d';
  fs.writeFileSync(path.join(tmp, 'stripe.ts'), `export const stripeKey = '${secret}'\n`);
  const result = scan({ paths: [tmp], rules: [...rules], config: {}, includeTests: false });
  const finding = result.findings.find((f) => f.ruleId === 'no-hardcoded-secret');
  assert.ok(finding, 'the live key is reported');
  assert.ok(finding.secretHash && /^[0-9a-f]{64}$/.test(finding.secretHash));
  assert.ok(!JSON.stringify(result).includes(secret), 'no part of the scan result holds the raw secret');
});

for (const app of fixtureApps()) {
  test(`fixture ${app}: a file named on its own gets the verdicts it gets in a scan of its app`, () => {
    const full = scanFixture(app);
    const files = [...new Set(full.findings.map((f) => f.location.file))];
    assert.ok(files.length > 0, 'the fixture has findings to compare');
    for (const file of files) {
      const alone = scan({ paths: [file], rules: [...rules], config: {}, includeTests: false });
      const own = (findings: Finding[]) => findings.filter((f) => f.location.file === file).map((f) => JSON.stringify(f));
      assert.deepEqual(own(alone.findings), own(full.findings), path.relative(FIXTURES, file));
    }
  });
}

test('paths that lead into the same app give one project, and the findings of a scan of the app', () => {
  const app = path.join(FIXTURES, 'acme-store');
  const full = scanFixture('acme-store');
  const overlapping = scan({
    paths: [path.join(app, 'api/src/functions/exportOrders.ts'), path.join(app, 'api/src/functions'), path.join(app, 'api/src/lib')],
    rules: [...rules],
    config: {},
    includeTests: false,
  });
  assert.deepEqual(overlapping.projects.map((p) => p.root), [app]);
  const inFunctions = (findings: Finding[]) =>
    findings.filter((f) => f.location.file.startsWith(path.join(app, 'api/src/functions') + path.sep)).map((f) => JSON.stringify(f));
  assert.deepEqual(inFunctions(overlapping.findings), inFunctions(full.findings));
});

test('a module of a function folder that sorts before its endpoint (`orders/body.ts`, `orders/orders.ts`) is parsed once, not again for its endpoint', (t) => {
  const root = tempProject({
    'redwood.toml': '',
    'api/src/functions/orders/body.ts': 'export const parse = (body: string) => JSON.parse(body)\n',
    'api/src/functions/orders/orders.ts': "import { parse } from './body'\nexport const handler = async (event: { body: string }) => ({ statusCode: 200, body: parse(event.body) })\n",
  });
  const parsed: string[] = [];
  const parse = (FileCache.prototype as unknown as { parse: (file: string) => unknown }).parse;
  t.mock.method(FileCache.prototype as unknown as { parse: (file: string) => unknown }, 'parse', function (this: unknown, file: string, ...rest: unknown[]) {
    parsed.push(path.basename(file));
    return (parse as (...a: unknown[]) => unknown).call(this, file, ...rest);
  });
  scan({ paths: [root], rules: [...rules], config: {}, includeTests: false, root });
  assert.deepEqual(parsed.sort(), ['body.ts', 'orders.ts']);
});

test('test files by name anywhere, by conventional folder near the top of the project, never an endpoint', () => {
  const key = "export const key = 'ghp_" + 'k7QmZ2xR9pL4vT8wN3bY6cJ1hF5sD0aGeUiO' + "'\n";
  const files: Record<string, string> = {
    'redwood.toml': '[web]\n',
    'api/src/lib/live.ts': key,
    'api/src/lib/live.e2e.ts': key,
    'e2e/tests/login.ts': key,
    'tests/helpers.ts': key,
    'cypress/support/commands.ts': key,
    'web/cypress/support/auth.ts': key,
    'api/src/__mocks__/stripe.ts': key,
    // The test runner's setup modules.
    'api/jest.setup.ts': key,
    'web/src/setupTests.js': key,
    'vitest.setup.mts': key,
    'api/src/test-setup.ts': key,
    // Deeper, the same names are code: a service for a `Test` model, end-to-end encryption, a Welsh locale.
    'api/src/services/tests/tests.ts': key,
    'api/src/lib/e2e/keys.ts': key,
    'web/src/i18n/strings.cy.ts': key,
    // A function named `test`, and a helper in its folder: the functions folder names functions.
    'api/src/functions/test/test.ts': key,
    'api/src/functions/test/helper.ts': key,
  };
  const root = tempProject(files, 'fnscan-testfiles-');
  const reported = (includeTests: boolean) =>
    [...new Set(scan({ paths: [root], rules: [...rules], config: {}, includeTests, root }).findings.map((f) => path.relative(root, f.location.file)))].sort();
  assert.deepEqual(reported(false), [
    'api/src/functions/test/helper.ts',
    'api/src/functions/test/test.ts',
    'api/src/lib/e2e/keys.ts',
    'api/src/lib/live.ts',
    'api/src/services/tests/tests.ts',
    'web/src/i18n/strings.cy.ts',
  ]);
  assert.deepEqual(reported(true), Object.keys(files).filter((f) => f !== 'redwood.toml').sort());
});
