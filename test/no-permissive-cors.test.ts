import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import rule from '../src/rules/no-permissive-cors';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

interface Hit {
  line: number;
  messageId: string;
  level: string;
  message: string;
}

function hits(files: Record<string, string>): Hit[] {
  const result = scanRules(tempProject(files, 'fnscan-cors-'), [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => ({ line: f.location.startPos.line, messageId: f.messageId, level: f.level, message: f.message }));
}

function inFunction(...lines: string[]): Hit[] {
  return hits({ 'api/src/functions/api.js': lines.join('\n') });
}

describe('flags credentials granted to every origin', () => {
  test("createGraphQLHandler with origin '*': GraphQL Yoga echoes the caller's origin", () => {
    const found = inFunction(
      "import { createGraphQLHandler } from '@redwoodjs/graphql-server'",
      "export const handler = createGraphQLHandler({ cors: { origin: '*', credentials: true } })",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.level]), [[2, 'reflect', 'error']]);
    assert.equal(
      found[0].message,
      "`createGraphQLHandler` allows credentialed requests from any origin (`origin: '*'` with credentials), so any website can act as its logged-in visitors and read the responses.",
    );
  });

  test("the GraphQL server of a Redwood server file echoes for '*' too", () => {
    const found = inFunction(
      "import { redwoodFastifyGraphQLServer } from '@redwoodjs/fastify'",
      "await fastify.register(redwoodFastifyGraphQLServer, { cors: { origin: '*', credentials: true } })",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[2, 'reflect']]);
    assert.match(found[0].message, /^`redwoodFastifyGraphQLServer` allows/);
  });

  test("DbAuthHandler: origin true echoes, origin '*' is a wildcard (a warning)", () => {
    const found = inFunction(
      "import { DbAuthHandler } from '@redwoodjs/auth-dbauth-api'",
      'export const a = (event, context) => new DbAuthHandler(event, context, { cors: { origin: true, credentials: true } })',
      "export const b = (event, context) => new DbAuthHandler(event, context, { cors: { origin: ['*'], credentials: true } })",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.level]), [[2, 'reflect', 'error'], [3, 'wildcard', 'warning']]);
  });

  test('other CORS options: express/fastify cors', () => {
    const found = inFunction(
      "import cors from 'cors'",
      'export const middleware = cors({ origin: true, credentials: true })',
      "export const options = { origin: '*', credentials: ALLOW_CREDENTIALS }",
      'const ALLOW_CREDENTIALS = true',
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[2, 'reflect'], [3, 'wildcard']]);
    assert.match(found[0].message, /^`cors` allows/);
  });

  test('response headers: the request Origin echoed, or *, with credentials', () => {
    const found = inFunction(
      'export const handler = async (event) => ({',
      '  statusCode: 200,',
      "  headers: { 'Access-Control-Allow-Origin': event.headers.origin, 'Access-Control-Allow-Credentials': 'true' },",
      '})',
      'export const other = async () => ({',
      "  headers: { 'access-control-allow-origin': '*', 'access-control-allow-credentials': true },",
      '})',
      'export default function vercel(req, res) {',
      "  res.setHeader('Access-Control-Allow-Origin', req.headers.origin)",
      "  res.setHeader('Access-Control-Allow-Credentials', 'true')",
      '}',
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[3, 'reflect'], [6, 'wildcard'], [9, 'reflect']]);
    // Headers set one by one on an object the handler returns.
    const assigned = inFunction(
      'export const handler = async (event) => {',
      '  const headers = {}',
      "  headers['Access-Control-Allow-Origin'] = event.headers.origin",
      "  headers['Access-Control-Allow-Credentials'] = 'true'",
      '  return { statusCode: 200, headers }',
      '}',
    );
    assert.deepEqual(assigned.map((h) => [h.line, h.messageId]), [[3, 'reflect']]);
    assert.match(found[0].message, /^`Access-Control-Allow-Origin` allows credentialed requests from any origin \(`Origin` with credentials\)/);
  });

  test('an echoed origin whose check a look-alike passes, and a pattern every origin matches', () => {
    const echo = (check: string) =>
      inFunction(
        "const ALLOWED = ['https://shop.io']",
        'export const handler = async (event) => {',
        "  const origin = event.headers.origin ?? ''",
        `  const ok = ${check}`,
        "  return { headers: { 'Access-Control-Allow-Origin': ok ? origin : 'https://shop.io', 'Access-Control-Allow-Credentials': 'true' } }",
        '}',
      ).map((h) => h.messageId);
    assert.deepEqual(echo("origin.endsWith('shop.io')"), ['reflect'], 'evilshop.io ends with shop.io');
    assert.deepEqual(echo('ALLOWED.some((a) => origin.startsWith(a))'), ['reflect'], 'https://shop.io.evil.net starts with it');
    assert.deepEqual(echo("origin.includes('shop.io')"), ['reflect']);
    assert.deepEqual(echo('/shop\\.io/.test(origin)'), ['reflect']);
    assert.deepEqual(echo("origin.indexOf('shop.io') !== -1"), ['reflect']);
    assert.deepEqual(echo("['shop.io', 'shop-admin.io'].some((d) => origin.endsWith(d))"), ['reflect'], 'a list of bare suffixes');
    // Exact tests.
    assert.deepEqual(echo("origin.endsWith('.shop.io')"), []);
    assert.deepEqual(echo('ALLOWED.includes(origin)'), []);
    assert.deepEqual(echo('ALLOWED.indexOf(origin) !== -1'), []);
    assert.deepEqual(echo("['.shop.io', 'https://shop.io'].some((d) => origin.endsWith(d))"), []);
    assert.deepEqual(echo('/^https:\\/\\/(app\\.)?shop\\.io$/.test(origin)'), []);
    assert.deepEqual(echo("origin === 'https://shop.io'"), []);
    // Exact tests written other ways: the parsed host, a map, Object.hasOwn, a helper named for it.
    assert.deepEqual(echo("(() => { const host = new URL(origin).hostname; return host === 'shop.io' || host.endsWith('.shop.io') })()"), []);
    assert.deepEqual(echo("ALLOWED_MAP[origin] === true"), []);
    assert.deepEqual(echo('Object.hasOwn(ALLOWED_MAP, origin)'), []);
    assert.deepEqual(echo('isAllowedOrigin(origin)'), []);
    const regex = inFunction("import cors from 'cors'", 'export const mw = cors({ origin: /.*/, credentials: true })', "export const ok = cors({ origin: /^https:\\/\\/shop\\.io$/, credentials: true })");
    assert.deepEqual(regex.map((h) => [h.line, h.messageId]), [[2, 'reflect']]);
  });
});

describe('does not flag', () => {
  test('one known origin, a list, or no credentials', () => {
    const found = inFunction(
      "import { createGraphQLHandler } from '@redwoodjs/graphql-server'",
      "export const a = createGraphQLHandler({ cors: { origin: process.env.WEB_URL, credentials: true } })",
      "export const b = createGraphQLHandler({ cors: { origin: ['https://app.harbor.dev'], credentials: true } })",
      "export const c = createGraphQLHandler({ cors: { origin: '*' } })",
      "export const d = createGraphQLHandler({ cors: { origin: '*', credentials: false } })",
      "export const e = fetch('https://api.x.dev', { credentials: 'include', mode: 'cors' })",
    );
    assert.deepEqual(found, []);
  });

  test('an echoed origin that is checked against a list first, and * without credentials', () => {
    const found = inFunction(
      "const ALLOWED = ['https://desk.harbor.app']",
      'export const handler = async (event) => {',
      '  const origin = event.headers.origin',
      '  if (!ALLOWED.includes(origin)) return { statusCode: 403 }',
      "  return { statusCode: 200, headers: { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' } }",
      '}',
      "export const open = async () => ({ headers: { 'Access-Control-Allow-Origin': '*' } })",
    );
    assert.deepEqual(found, []);
  });
});

test('fixture redwood-extras: every no-permissive-cors annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});
