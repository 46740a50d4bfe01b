import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { rules } from '../src/rules';
import type { Rule } from '../src/core/rule';
import { docProblems, readRuleDoc } from '../src/core/ruledocs';
import { expectationsFor, fixtureApps, listFiles, FIXTURES } from './support/fixtures';

/** Every shipped rule is complete: metadata, a doc with the fixed sections, README entry, fixture cases both ways. */
const README = fs.readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
const allExpectations = fixtureApps().flatMap(expectationsFor);
const allFixtureText = fixtureApps()
  .flatMap((app) => listFiles(path.join(FIXTURES, app)))
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join('\n');

for (const rule of rules) {
  const { id } = rule.meta;

  test(`${id}: the shipped entry, loaded on first use, has its module's metadata and checks`, () => {
    const code = (require(`../src/rules/${id}`) as { default: Rule }).default;
    assert.equal(code.meta, rule.meta, 'the same metadata object (src/rules/meta.ts)');
    assert.equal(code.meta.id, id);
    assert.deepEqual(
      { source: rule.checkSource !== undefined, text: rule.checkText !== undefined },
      { source: code.checkSource !== undefined, text: code.checkText !== undefined },
      'rules/index.ts declares the checks the module has',
    );
  });

  test(`${id}: metadata is complete`, () => {
    assert.match(id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(rule.meta.title.length > 0 && !rule.meta.title.endsWith('.'));
    assert.ok(rule.meta.description.endsWith('.'));
    if (rule.meta.tags.includes('security')) {
      assert.ok(rule.meta.cwe !== undefined && rule.meta.cwe > 0, 'security rules name a CWE');
      assert.ok(rule.meta.securitySeverity !== undefined && rule.meta.securitySeverity > 0 && rule.meta.securitySeverity <= 10);
    }
    for (const [messageId, message] of Object.entries(rule.meta.messages)) {
      assert.match(messageId, /^[a-z][a-zA-Z]+$/, `message id ${messageId} is camelCase`);
      assert.match(message, /\.$/, `message ${messageId} is a full sentence`);
    }
  });

  test(`${id}: rules/${id}.md has every section`, () => {
    assert.deepEqual(docProblems(readRuleDoc(id)), []);
  });

  test(`${id}: the README lists it with a link to its doc`, () => {
    assert.ok(README.includes(`(rules/${id}.md)`), `README links rules/${id}.md`);
  });

  if (rule.meta.tags.includes('security')) {
    test(`${id}: fixtures hold cases it must catch and traps it must not fire on`, () => {
      assert.ok(allExpectations.some((e) => e.ruleId === id), `some fixture expects ${id}`);
      assert.ok(allFixtureText.includes(`ok: ${id}`), `some fixture marks a trap for ${id}`);
    });
  }
}
