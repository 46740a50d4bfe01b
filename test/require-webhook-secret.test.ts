import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { SingleFileScanner } from '../src/core/single-file';
import rule from '../src/rules/require-webhook-secret';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

const app = (files: Record<string, string>) => tempProject(files, 'fnscan-webhook-secret-');

function hits(files: Record<string, string>): Array<[string, number, string, string]> {
  const result = scanRules(app(files), [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => [path.basename(f.location.file), f.location.startPos.line, f.messageId, f.message]);
}

const hook = (verifier: string, options = '{ event }') =>
  [
    "import { verifyEvent } from '@redwoodjs/api/webhooks'",
    "import { db } from 'src/lib/db'",
    'export const handler = async (event) => {',
    `  verifyEvent(${verifier}, ${options})`,
    '  await db.ping.create({ data: {} })',
    '  return { statusCode: 200 }',
    '}',
  ].join('\n');

describe('flags verifyEvent without a secret when nothing defines WEBHOOK_SECRET', () => {
  test('HMAC verifiers forge with an empty key', () => {
    for (const type of ['sha1Verifier', 'sha256Verifier', 'base64Sha1Verifier', 'base64Sha256Verifier']) {
      const found = hits({ 'api/src/functions/hook.js': hook(`'${type}'`) });
      assert.deepEqual(found.map((h) => h.slice(0, 3)), [['hook.js', 4, 'emptyKey']], type);
      assert.equal(
        found[0][3],
        `\`verifyEvent('${type}')\` has no \`secret\`, so it falls back to \`WEBHOOK_SECRET\`, which no committed env file or code of the project mentions; wherever the deployment leaves it unset, the key is \`''\` and anyone can sign requests.`,
      );
    }
  });

  test('secretKeyVerifier accepts an empty header; verifySignature, aliases and constant types too', () => {
    assert.deepEqual(hits({ 'api/src/functions/hook.js': hook("'secretKeyVerifier'") }).map((h) => h[2]), ['emptySecretKey']);
    const code = [
      "import { verifySignature as check } from '@redwoodjs/api/webhooks'",
      "const TYPE = 'sha256Verifier'",
      'export const handler = async (event) => {',
      "  check(TYPE, { payload: event.body, signature: event.headers['x-sig'] })",
      '  return { statusCode: 200 }',
      '}',
    ].join('\n');
    assert.deepEqual(hits({ 'api/src/functions/hook.js': code }).map((h) => h.slice(0, 3)), [['hook.js', 4, 'emptyKey']]);
  });

  test('a namespace import of the webhooks module', () => {
    const code = [
      "import * as webhooks from '@redwoodjs/api/webhooks'",
      'export const handler = async (event) => {',
      "  webhooks.verifyEvent('base64Sha256Verifier', { event })",
      '  return { statusCode: 200 }',
      '}',
    ].join('\n');
    assert.deepEqual(hits({ 'api/src/functions/hook.js': code }).map((h) => h.slice(0, 3)), [['hook.js', 3, 'emptyKey']]);
    // Another module's `verifyEvent` read the same way is not Redwood's.
    assert.deepEqual(hits({ 'api/src/functions/hook.js': code.replace("'@redwoodjs/api/webhooks'", "'src/lib/verify'"), 'api/src/lib/verify.js': 'export const verifyEvent = () => {}\n' }), []);
  });

  test('another variable named like it does not count', () => {
    const found = hits({
      'api/src/functions/hook.js': hook("'sha256Verifier'"),
      '.env.defaults': 'STRIPE_WEBHOOK_SECRET=\nGITHUB_WEBHOOK_SECRET=\n',
      'api/src/lib/other.js': 'export const s = process.env.DISCOURSE_WEBHOOK_SECRET\n',
    });
    assert.equal(found.length, 1);
  });
});

describe('does not flag', () => {
  test('a secret passed, spread options, or options from elsewhere', () => {
    assert.deepEqual(hits({ 'api/src/functions/hook.js': hook("'sha256Verifier'", '{ event, secret: process.env.DISCOURSE_WEBHOOK_SECRET }') }), []);
    assert.deepEqual(hits({ 'api/src/functions/hook.js': hook("'sha256Verifier'", '{ event, ...verifyOptions }') }), []);
    assert.deepEqual(hits({ 'api/src/functions/hook.js': hook("'sha256Verifier'", 'options') }), []);
  });

  test('verifiers that refuse an empty key, and skipVerifier (another rule)', () => {
    for (const type of ["'timestampSchemeVerifier'", "'jwtVerifier'", "'skipVerifier'", 'process.env.WEBHOOK_VERIFIER']) {
      assert.deepEqual(hits({ 'api/src/functions/hook.js': hook(type) }), [], type);
    }
  });

  test('WEBHOOK_SECRET in a committed env file, commented or not, in redwood.toml, or in code', () => {
    const withFile = (name: string, text: string) => hits({ 'api/src/functions/hook.js': hook("'sha256Verifier'"), [name]: text });
    assert.deepEqual(withFile('.env.defaults', 'WEBHOOK_SECRET=\n'), []);
    assert.deepEqual(withFile('.env.example', '# WEBHOOK_SECRET=THIS_IS_NOT_SECRET_PLEASE_CHANGE\n'), []);
    assert.deepEqual(withFile('netlify.toml', '[context.production.environment]\n  WEBHOOK_SECRET = "${WEBHOOK_SECRET}"\n'), []);
    assert.deepEqual(withFile('api/src/lib/startup.js', "if (!process.env.WEBHOOK_SECRET) throw new Error('WEBHOOK_SECRET is not set')\n"), []);
  });

  test('a mention in a test file does not count', () => {
    const found = hits({
      'api/src/functions/hook.js': hook("'sha256Verifier'"),
      'api/src/functions/hook.test.js': "process.env.WEBHOOK_SECRET = 'test-secret'\n",
    });
    assert.equal(found.length, 1);
  });
});

test('the ESLint host reads the project the same way', () => {
  const code = hook("'sha256Verifier'");
  const bare = app({ 'api/src/functions/hook.js': code });
  const defined = app({ 'api/src/functions/hook.js': code, '.env.defaults': 'WEBHOOK_SECRET=\n' });
  const scanner = new SingleFileScanner([rule]);
  const ids = (root: string) => scanner.scan({ file: path.join(root, 'api/src/functions/hook.js'), text: code, cwd: root }).map((f) => f.messageId);
  assert.deepEqual(ids(bare), ['emptyKey']);
  assert.deepEqual(ids(defined), []);
});

test('fixture redwood-extras: every require-webhook-secret annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});
