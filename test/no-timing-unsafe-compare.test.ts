import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { relativePath } from '../src/core/files';
import rule from '../src/rules/no-timing-unsafe-compare';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

interface Hit {
  file: string;
  line: number;
  messageId: string;
  message: string;
  level: string;
}

/** Findings of the rule in a throwaway Redwood app holding `files` (paths relative to the app root). */
function hits(files: Record<string, string>): Hit[] {
  const root = tempProject(files, 'fnscan-timing-');
  const result = scanRules(root, [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => ({
    file: relativePath(root, f.location.file),
    line: f.location.startPos.line,
    messageId: f.messageId,
    message: f.message,
    level: f.level,
  }));
}

/** Findings for one endpoint whose body is `lines`, inside `export const handler = async (event) => { ... }`. */
function inHandler(...lines: string[]): Hit[] {
  const code = [
    "import crypto from 'node:crypto'",
    "import { db } from 'src/lib/db'",
    'export const handler = async (event) => {',
    ...lines.map((l) => `  ${l}`),
    '  return { statusCode: 200 }',
    '}',
  ].join('\n');
  return hits({ 'api/src/functions/hook.js': code, 'api/src/lib/db.js': 'export const db = {}\n' });
}

describe('flags secrets compared with equality operators', () => {
  test('an HMAC digest against the signature header', () => {
    const found = inHandler(
      "const signature = event.headers['x-hub-signature-256']",
      "const expected = 'sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(event.body).digest('hex')",
      'if (signature !== expected) return { statusCode: 401 }',
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[6, 'hmac']]);
    assert.equal(
      found[0].message,
      'An HMAC digest is compared with `!==`, whose running time reveals how many leading characters of a forged signature are right.',
    );
    assert.equal(found[0].level, 'warning');
  });

  test('Buffer comparisons: `.equals()` and `Buffer.compare()` stop at the first difference too', () => {
    const expected = "const expected = Buffer.from('sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(event.body).digest('hex'))";
    const signature = "const signature = Buffer.from(event.headers['x-hub-signature-256'] ?? '')";
    assert.deepEqual(
      inHandler(signature, expected, 'if (!signature.equals(expected)) return { statusCode: 401 }').map((h) => [h.line, h.messageId, h.message.slice(0, 45)]),
      [[6, 'hmac', 'An HMAC digest is compared with `.equals()`, ']],
    );
    assert.deepEqual(
      inHandler(signature, expected, 'if (Buffer.compare(signature, expected) !== 0) return { statusCode: 401 }').map((h) => [h.line, h.messageId]),
      [[6, 'hmac']],
    );
    // The constant-time comparison, and `.equals()` of values that are not secrets.
    assert.deepEqual(inHandler(signature, expected, 'if (signature.length !== expected.length || !crypto.timingSafeEqual(signature, expected)) return { statusCode: 401 }'), []);
    assert.deepEqual(inHandler("const a = Buffer.from('x')", "if (!a.equals(Buffer.from(event.body))) return { statusCode: 400 }"), []);
  });

  test('a key looked up in a list of keys from the environment with `.includes()`', () => {
    const found = inHandler(
      "const keys = (process.env.PARTNER_API_KEYS ?? '').split(',')",
      "const key = event.headers['x-api-key']",
      'if (!key || !keys.includes(key)) return { statusCode: 401 }',
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.message.slice(0, 61)]), [[6, 'env', '`process.env.PARTNER_API_KEYS` is compared with `.includes()`']]);
    // A list written out, and a prefix test: each compares character by character.
    const more = inHandler(
      'const keys = [process.env.PRIMARY_API_KEY, process.env.SECONDARY_API_KEY]',
      "if (!keys.includes(event.headers['x-api-key'])) return { statusCode: 401 }",
      "if (!(event.headers.authorization ?? '').startsWith(`Bearer ${process.env.OPS_API_TOKEN}`)) return { statusCode: 401 }",
      "if (!event.path.startsWith(process.env.PUBLIC_PREFIX) && !event.headers['x-signature'].startsWith('sha256=')) return { statusCode: 400 }",
    );
    assert.deepEqual(more.map((h) => [h.line, h.message.slice(0, 61)]), [
      [5, '`process.env.PRIMARY_API_KEY` is compared with `.includes()`,'],
      [6, '`process.env.OPS_API_TOKEN` is compared with `.startsWith()`,'],
    ]);
    // Trimmed, or the values of an object; a list of hashes of the keys compares no secret.
    const shaped = inHandler(
      "const key = event.headers['x-api-key']",
      "if (!(process.env.API_KEYS ?? '').split(',').map((k) => k.trim()).includes(key)) return { statusCode: 401 }",
      'if (!Object.values({ a: process.env.A_API_KEY, b: process.env.B_API_KEY }).includes(key)) return { statusCode: 401 }',
      "if (!(process.env.API_KEYS ?? '').split(',').map((k) => sha256(k)).includes(sha256(key))) return { statusCode: 401 }",
    );
    assert.deepEqual(shaped.map((h) => h.line), [5, 6]);
    // Not credentials: an allowlist of origins, a scheme test, a key id.
    assert.deepEqual(
      inHandler(
        "if (!(process.env.ALLOWED_ORIGINS ?? '').split(',').includes(event.headers.origin)) return { statusCode: 403 }",
        "if (!event.headers.authorization?.includes('Bearer ')) return { statusCode: 401 }",
        "if (event.headers['x-api-key-id'] !== process.env.INTERNAL_API_KEY_ID) return { statusCode: 401 }",
        // A list of words, of key ids, of key hashes: the guess is checked against no secret.
        "if (!['Bearer', 'Token'].includes(event.headers.authorization.split(' ')[0])) return { statusCode: 401 }",
        "if (!(process.env.API_KEY_IDS ?? '').split(',').includes(event.headers['x-api-key-id'])) return { statusCode: 401 }",
        "if (!(process.env.API_KEY_HASHES ?? '').split(',').includes(crypto.createHash('sha256').update(event.headers['x-api-key']).digest('hex'))) return { statusCode: 401 }",
      ),
      [],
    );
  });

  test('a digest computed over several statements, in a template', () => {
    const found = inHandler(
      "const hmac = crypto.createHmac('sha256', process.env.WEBHOOK_SECRET)",
      'const digest = hmac.update(event.body).digest("hex")',
      "if (`sha256=${digest}` != event.headers['x-signature']) throw new Error('bad signature')",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[6, 'hmac']]);
  });

  test('a digest from one chained expression, in a template', () => {
    const found = inHandler(
      "const digest = crypto.createHmac('sha256', process.env.WEBHOOK_SECRET).update(event.body).digest('hex')",
      "if (`sha256=${digest}` != event.headers['x-signature']) throw new Error('bad signature')",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[5, 'hmac']]);
  });

  test('an API key header against an env credential, either way round', () => {
    const found = inHandler(
      "if (event.headers['x-api-key'] !== process.env.PARTNER_API_KEY) return { statusCode: 401 }",
      "if (process.env.CRON_SECRET === event.headers['x-cron-secret']) await db.job.run()",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[4, 'env'], [5, 'env']]);
    assert.equal(
      found[0].message,
      '`process.env.PARTNER_API_KEY` is compared with `!==`, whose running time reveals how many leading characters of a guess are right.',
    );
  });

  test('a bearer token pulled out of the Authorization header', () => {
    const found = inHandler(
      "const auth = event.headers.authorization || ''",
      "const token = auth.replace('Bearer ', '').trim()",
      'if (token != process.env.ADMIN_TOKEN) return { statusCode: 403 }',
      "const [, second] = auth.split(' ')",
      "const parts = auth.split(' ')",
      'if (parts[1] === process.env.ADMIN_TOKEN) await db.audit.create({})',
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[6, 'env'], [9, 'env']]);
  });

  test('an Authorization header against a template of an env credential', () => {
    const found = inHandler('if (event.headers.authorization !== `Bearer ${process.env.CRON_SECRET}`) return { statusCode: 401 }');
    assert.deepEqual(found.map((h) => h.messageId), ['env']);
  });

  test('a destructured header against a stored key (the header is the secret)', () => {
    const found = inHandler(
      "const { 'x-api-key': apiKey } = event.headers",
      'const client = await db.client.findFirst({ where: { name: event.queryStringParameters.client } })',
      'if (apiKey !== client.apiKey) return { statusCode: 401 }',
    );
    assert.deepEqual(found.map((h) => [h.messageId, h.message.slice(0, 24)]), [['header', 'The `x-api-key` header i']]);
  });

  test('an env credential read once into a module constant, compared in a src/lib helper', () => {
    const found = hits({
      'api/src/lib/config.js': 'export const INTERNAL_TOKEN = process.env.INTERNAL_TOKEN\n',
      'api/src/lib/apiKey.js': [
        "import { INTERNAL_TOKEN } from 'src/lib/config'",
        'export const isInternal = (presented) => presented === INTERNAL_TOKEN',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.messageId]), [['api/src/lib/apiKey.js', 2, 'env']]);
  });

  test('keys named for what they guard: `CRON_KEY`, `ADMIN_KEY`, `MAINT_KEY` (not `CACHE_KEY`)', () => {
    for (const name of ['CRON_KEY', 'ADMIN_KEY', 'MAINT_KEY']) {
      assert.deepEqual(inHandler(`if (event.headers['x-key'] !== process.env.${name}) return { statusCode: 404 }`).map((h) => h.messageId), ['env'], name);
    }
    assert.deepEqual(inHandler("if (event.headers['x-key'] !== process.env.CACHE_KEY) return { statusCode: 404 }"), []);
  });

  test('`const { CRON_SECRET } = process.env`', () => {
    const found = inHandler('const { CRON_SECRET } = process.env', "if (event.headers['x-cron-secret'] == CRON_SECRET) await db.job.run()");
    assert.deepEqual(found.map((h) => h.messageId), ['env']);
  });
});

describe('does not flag', () => {
  test('presence, type and length checks, scheme and header-name comparisons', () => {
    const found = inHandler(
      "const signature = event.headers['x-hub-signature-256']",
      'if (signature === undefined || signature === null || signature === "") return { statusCode: 400 }',
      "if (typeof signature !== 'string') return { statusCode: 400 }",
      "const expected = 'sha256=' + crypto.createHmac('sha256', process.env.WEBHOOK_SECRET).update(event.body).digest('hex')",
      'if (signature.length !== expected.length) return { statusCode: 401 }',
      "const [scheme, token] = (event.headers.authorization || '').split(' ')",
      "if (scheme !== 'Bearer') return { statusCode: 401 }",
      "const name = Object.keys(event.headers).find((h) => h.toLowerCase() === 'authorization')",
      "if (process.env.AUTH_PROVIDER === 'dbAuth') await db.x.y()",
      'if (!crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return { statusCode: 401 }',
    );
    assert.deepEqual(found, []);
  });

  test('two values from configuration, and non-credential env or headers', () => {
    const found = inHandler(
      'if (process.env.WEBHOOK_SECRET === process.env.OLD_WEBHOOK_SECRET) throw new Error("rotate")',
      "if (event.headers['x-github-event'] === process.env.EXPECTED_EVENT) await db.x.y()",
      "if (event.headers['content-type'] !== event.headers['x-expected-type']) return { statusCode: 415 }",
      'if (process.env.STRIPE_WEBHOOK_SECRET_NAME === name) await db.x.y()',
      'if (event.queryStringParameters.key !== process.env.REDWOOD_ENV_MAPS_API_KEY) return { statusCode: 400 }',
      "if (event.headers['x-api-key'] === event.headers['x-api-key-fallback']) return { statusCode: 400 }",
    );
    assert.deepEqual(found, []);
  });

  test('hashes that are not keyed, and ids', () => {
    const found = inHandler(
      "const hash = crypto.createHash('sha256').update(event.body).digest('hex')",
      'const record = await db.apiKey.findFirst({ where: { hash } })',
      'if (record.hash !== hash) return { statusCode: 401 }',
      'if (event.pathParameters.id === record.id) await db.x.y()',
    );
    assert.deepEqual(found, []);
  });
});

test('fixture redwood-extras: every no-timing-unsafe-compare annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});
