import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { scan } from '../src/core/engine';
import { roleOf } from '../src/core/project';
import { rules } from '../src/rules';
import { generateMonorepo } from '../scripts/bench/generate';
import { tempDir } from './support/project';

/** Every file of a tree with a hash of its bytes, in path order. */
function fingerprint(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else out.push(`${path.relative(root, full)} ${crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`);
    }
  };
  visit(root);
  return out;
}

function generated(functions: number, seed: number): string {
  const root = tempDir('fnscan-gen-');
  generateMonorepo(root, { functions, seed });
  return root;
}

test('the benchmark generator writes the same tree for the same seed and size, and another for another seed', () => {
  const a = fingerprint(generated(150, 42));
  const b = fingerprint(generated(150, 42));
  const c = fingerprint(generated(150, 43));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('a generated tree has exactly the functions asked for, parses cleanly and gives every handler rule work', () => {
  const root = generated(260, 1);
  const result = scan({ paths: [root], rules: [...rules], config: {}, includeTests: false });
  assert.deepEqual(result.skipped, [], 'every generated file parses');
  const projects = result.projects.filter((p) => p.kind === 'redwood');
  assert.ok(projects.length >= 2, 'a monorepo of several apps');
  let endpoints = 0;
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (full.includes(`${path.sep}functions${path.sep}`)) {
        const project = projects.find((p) => full.startsWith(p.root + path.sep))!;
        if (roleOf(full, project) === 'endpoint') endpoints++;
      }
    }
  };
  visit(path.join(root, 'apps'));
  assert.equal(endpoints, 260);
  const ruleIds = new Set(result.findings.map((f) => f.ruleId));
  for (const id of ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection', 'no-hardcoded-secret', 'no-disabled-tls']) {
    assert.ok(ruleIds.has(id), `${id} finds something`);
  }
  // Mostly sound code: flagged endpoints stay a minority, as in a real monorepo.
  const flagged = new Set(result.findings.filter((f) => f.level === 'error').map((f) => f.location.file));
  assert.ok(flagged.size < endpoints / 2, `${flagged.size} files with errors`);
});
