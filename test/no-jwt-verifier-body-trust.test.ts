import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../src/rules/no-jwt-verifier-body-trust';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

function hits(code: string): Array<{ line: number; message: string; related: number[] }> {
  const result = scanRules(tempProject({ 'api/src/functions/deploy.js': code }, 'fnscan-jwt-'), [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => ({ line: f.location.startPos.line, message: f.message, related: f.related.map((r) => r.startPos.line) }));
}

const handler = (...body: string[]) =>
  [
    "import { verifyEvent, verifySignature } from '@redwoodjs/api/webhooks'",
    "import crypto from 'node:crypto'",
    'export const handler = async (event) => {',
    ...body.map((l) => `  ${l}`),
    '  return { statusCode: 200 }',
    '}',
  ].join('\n');

const VERIFY = "verifyEvent('jwtVerifier', { event, secret: process.env.NETLIFY_SECRET, options: { issuer: 'netlify' } })";

describe('flags a jwtVerifier check followed by use of the body', () => {
  test('the Redwood docs shape: verify, then JSON.parse(event.body)', () => {
    const found = hits(handler(VERIFY, 'const deploy = JSON.parse(event.body)', 'await db.deploy.create({ data: deploy })'));
    assert.deepEqual(found, [
      {
        line: 4,
        message:
          "`verifyEvent('jwtVerifier')` checks only the token, not that it covers the body, so anyone holding one captured token can send `event.body` with any content until the token expires.",
        related: [5],
      },
    ]);
  });

  test('verifySignature with a constant type', () => {
    const found = hits(
      handler(
        "const TYPE = 'jwtVerifier'",
        "verifySignature(TYPE, { payload: event.body, secret: process.env.S, signature: event.headers['x-webhook-signature'] })",
        'await save(event.body)',
      ),
    );
    assert.deepEqual(found.map((h) => [h.line, h.related]), [[5, [6]]]);
  });
});

describe('the same through other shapes of code', () => {
  test('a namespace import of the webhooks module, and a body destructured from the event', () => {
    const namespace = [
      "import * as webhooks from '@redwoodjs/api/webhooks'",
      'export const handler = async (event) => {',
      "  webhooks.verifyEvent('jwtVerifier', { event, secret: process.env.NETLIFY_SECRET })",
      '  await save(JSON.parse(event.body))',
      '}',
    ].join('\n');
    assert.deepEqual(hits(namespace).map((h) => [h.line, h.related]), [[3, [4]]]);
    const destructured = handler('const { body } = event', VERIFY, 'await save(JSON.parse(body))');
    assert.deepEqual(hits(destructured).map((h) => [h.line, h.related, h.message.includes('send `body`')]), [[5, [4], true]]);
    const parameter = [
      "import { verifyEvent } from '@redwoodjs/api/webhooks'",
      'export const handler = async ({ body, headers }) => {',
      "  verifyEvent('jwtVerifier', { event: { body, headers }, secret: process.env.NETLIFY_SECRET })",
      '  await save(JSON.parse(body))',
      '}',
    ].join('\n');
    assert.deepEqual(hits(parameter).map((h) => h.line), [3]);
    // A `body` destructured from something else is not the request's.
    assert.deepEqual(hits(handler('const { body } = await fetchTemplate()', VERIFY, 'await save(body)')), []);
  });
});

describe('does not flag', () => {
  test('a handler that never reads the body, or that compares a hash of it', () => {
    assert.deepEqual(hits(handler(VERIFY, 'await purge()')), []);
    assert.deepEqual(
      hits(
        handler(
          VERIFY,
          "const claims = jwt.decode(event.headers['x-webhook-signature'])",
          "if (claims.sha256 !== crypto.createHash('sha256').update(event.body).digest('hex')) return { statusCode: 401 }",
          'await save(JSON.parse(event.body))',
        ),
      ),
      [],
    );
  });

  test('other verifiers, and verifyEvent from elsewhere', () => {
    assert.deepEqual(hits(handler("verifyEvent('sha256Verifier', { event, secret: process.env.S })", 'await save(event.body)')), []);
    const local = "import { verifyEvent } from 'src/lib/verify'\nexport const handler = async (event) => { verifyEvent('jwtVerifier', { event }); await save(event.body) }\n";
    assert.deepEqual(hits(local), []);
  });
});

test('fixture redwood-extras: every no-jwt-verifier-body-trust annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});

test('round aa: the verifier in a helper of the same module, and the body read by the handler that calls it', () => {
  const code = [
    "import { verifyEvent } from '@redwoodjs/api/webhooks'",
    "import { db } from 'src/lib/db'",
    'const verify = (event) => {',
    "  verifyEvent('jwtVerifier', { event, secret: process.env.NETLIFY_SECRET, options: { issuer: 'netlify' } })",
    '}',
    'export const handler = async (event) => {',
    '  verify(event)',
    '  const build = JSON.parse(event.body)',
    '  await db.build.create({ data: { id: build.id } })',
    '  return { statusCode: 200 }',
    '}',
  ].join('\n');
  assert.deepEqual(hits(code).map((h) => [h.line, h.related]), [[4, [8]]]);
  // A caller that hashes the body can compare it with the token's `sha256` claim.
  const hashed = code.replace('  verify(event)', "  verify(event)\n  const digest = require('node:crypto').createHash('sha256').update(event.body).digest('hex')");
  assert.deepEqual(hits(hashed), []);
});
