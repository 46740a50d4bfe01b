import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlobs, matchName } from '../src/core/glob';

test('glob semantics: ** crosses folders, * and ? do not, names match at any depth, folders cover their contents', () => {
  const cases: Array<[string, string, boolean]> = [
    ['scripts/**', 'scripts/seed.ts', true],
    ['scripts/**', 'api/scripts/seed.ts', false],
    ['api/src/legacy/', 'api/src/legacy/old/x.ts', true],
    ['api/src/legacy/', 'web/api/src/legacy/x.ts', false],
    ['legacy/', 'api/src/legacy/x.ts', true],
    ['*.stories.tsx', 'web/src/Button/Button.stories.tsx', true],
    ['*.stories.tsx', 'web/src/Button/Button.tsx', false],
    ['api/*/x.ts', 'api/src/x.ts', true],
    ['api/*/x.ts', 'api/src/lib/x.ts', false],
    ['api/**/x.ts', 'api/src/lib/x.ts', true],
    ['api/**/x.ts', 'api/x.ts', true],
    ['**/generated', 'a/b/generated/c.ts', true],
    ['fil?.ts', 'src/file.ts', true],
    ['fil?.ts', 'src/fi.ts', false],
    ['api/src/functions/status/**', 'api/src/functions/status/index.ts', true],
    ['healthz', 'api/src/functions/healthz.ts', false],
  ];
  for (const [pattern, rel, expected] of cases) {
    assert.equal(compileGlobs([pattern])(rel), expected, `${pattern} vs ${rel}`);
  }
  assert.equal(compileGlobs([])('anything'), false);
});

test('name wildcards', () => {
  assert.equal(matchName('*a*b', 'xxaxxb'), true);
  assert.equal(matchName('*a*b', 'xxaxxbx'), false);
  assert.equal(matchName('a*a*a*a*a*b', 'a'.repeat(5000)), false);
  assert.equal(matchName('', ''), true);
  assert.equal(matchName('*', ''), true);
});
