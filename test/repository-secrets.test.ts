import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { compileGlobs } from '../src/core/glob';
import { findKnownSecrets } from '../src/rules/secrets/patterns';

const root = path.join(__dirname, '..');

/** The repository's tracked files, or undefined outside a git checkout (a published package). */
function trackedFiles(): string[] | undefined {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** The paths `.github/secret_scanning.yml` tells GitHub's secret scanning (and push protection) to skip. */
function ignoredByGitHub(): (relPath: string) => boolean {
  const config = parse(fs.readFileSync(path.join(root, '.github', 'secret_scanning.yml'), 'utf8')) as { 'paths-ignore'?: unknown };
  const globs = config['paths-ignore'];
  assert.ok(Array.isArray(globs) && globs.every((g) => typeof g === 'string'), 'paths-ignore is a list of globs');
  return compileGlobs(globs as string[]);
}

test('fnscan\'s own repository: every file holding a credential in a real format is one GitHub secret scanning is told to skip', (t) => {
  const files = trackedFiles();
  if (!files) {
    t.skip('not a git checkout');
    return;
  }
  const ignored = ignoredByGitHub();
  const holding: string[] = [];
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(root, file));
    if (bytes.includes(0)) continue;
    const text = bytes.toString('utf8');
    if (findKnownSecrets(text, { twilio: /twilio/i.test(text) }).length > 0) holding.push(file);
  }
  // The fixtures are meant to hold such tokens: finding none would mean this test looks at nothing.
  assert.ok(holding.some((file) => file.startsWith('fixtures/')), 'the fixture apps hold fake tokens in real formats');
  assert.deepEqual(holding.filter((file) => !ignored(file)), [], 'files outside secret_scanning.yml\'s paths-ignore');
});

test('fnscan\'s own repository: secret scanning still covers the code, docs and configuration', () => {
  const ignored = ignoredByGitHub();
  for (const file of ['src/rules/secrets/patterns.ts', 'rules/no-hardcoded-secret.md', 'README.md', 'scripts/bench/templates.ts', 'action.yml', 'package.json']) {
    assert.equal(ignored(file), false, file);
  }
  assert.equal(ignored('fixtures/secrets-zoo/api/src/lib/keys.ts'), true);
  assert.equal(ignored('test/no-leak.test.ts'), true);
});
