import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import rule from '../src/rules/no-weak-webhook-secret';
import { isCoveredName, weaknessOf } from '../src/rules/secrets/weak';
import hardcoded from '../src/rules/no-hardcoded-secret';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

interface Hit {
  rule: string;
  file: string;
  line: number;
  messageId: string;
  message: string;
}

function hits(files: Record<string, string>, rules = [rule]): Hit[] {
  const result = scanRules(tempProject(files, 'fnscan-weak-secret-'), rules.map((r) => r.meta.id));
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => ({
    rule: f.ruleId,
    file: path.basename(f.location.file),
    line: f.location.startPos.line,
    messageId: f.messageId,
    message: f.message,
  }));
}

describe('flags weak and placeholder secrets in committed config', () => {
  test("Redwood's placeholder, short and guessable values in .env.defaults", () => {
    const found = hits({
      '.env.defaults': [
        'WEBHOOK_SECRET=THIS_IS_NOT_SECRET_PLEASE_CHANGE',
        'STRIPE_WEBHOOK_SECRET="changeme"',
        'SESSION_SECRET=devsecret',
        'ORBIT_WEBHOOK_SECRET=orbit-webhook-secret-for-local',
        'CLERK_WEBHOOK_SIGNING_SECRET=aaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[1, 'placeholder'], [2, 'placeholder'], [3, 'short'], [4, 'guessable'], [5, 'placeholder']]);
    assert.equal(found[2].message, '`SESSION_SECRET` is set to a value of only 9 characters in a committed file, short enough to guess; a shared secret needs at least 16 random characters.');
    for (const h of found) assert.doesNotMatch(h.message, /THIS_IS_NOT|changeme|devsecret|orbit-webhook/, 'values never appear in messages');
  });

  test('TOML config (netlify.toml)', () => {
    const found = hits({ 'netlify.toml': '[context.production.environment]\n  WEBHOOK_SECRET = "webhook"\n' });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.messageId]), [['netlify.toml', 2, 'short']]);
    // What the Deploy to Netlify button asks for: each value is a description.
    const template = hits({
      'netlify.toml': '[template.environment]\n  STRIPE_WEBHOOK_SECRET = "Signing secret of the Stripe webhook endpoint"\n  SESSION_SECRET = "Any long random string"\n[build.environment]\n  WEBHOOK_SECRET = "webhook"\n',
    });
    assert.deepEqual(template.map((h) => [h.line, h.messageId]), [[5, 'short']]);
    // vercel.json's env blocks: a reference to a secret Vercel keeps is no value.
    const vercel = hits({ 'vercel.json': '{\n  "env": { "WEBHOOK_SECRET": "@webhook-secret", "SESSION_SECRET": "changeme" }\n}\n' });
    assert.deepEqual(vercel.map((h) => [h.file, h.line, h.messageId]), [['vercel.json', 2, 'placeholder']]);
  });

  test('example files: weak real-looking values, not placeholders', () => {
    const found = hits({ '.env.example': 'WEBHOOK_SECRET=change-me\nSTRIPE_WEBHOOK_SECRET=whsec_...\nSESSION_SECRET=hunter22\n' });
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[3, 'short']]);
  });
});

describe('does not flag', () => {
  test('empty values, references, comments, strong values and other variables', () => {
    const found = hits({
      '.env.defaults': [
        'WEBHOOK_SECRET=',
        'STRIPE_WEBHOOK_SECRET=${STRIPE_WEBHOOK_SECRET_PROD}',
        '# SESSION_SECRET=changeme',
        'GITHUB_WEBHOOK_SECRET=kX7pQ2vR9sT4wY6zA1bC3dE5fG8hJ0mN',
        'CRON_SECRET=changeme',
        'WEBHOOK_URL=https://example.com/hook',
      ].join('\n'),
    });
    assert.deepEqual(found.filter((h) => h.rule === rule.meta.id), []);
  });

  test('a real-looking secret belongs to no-hardcoded-secret alone', () => {
    const found = hits({ '.env.defaults': 'GITHUB_WEBHOOK_SECRET=kX7pQ2vR9sT4wY6zA1bC3dE5fG8hJ0mN\nWEBHOOK_SECRET=Xk9mP2qLz7\n' }, [rule, hardcoded]);
    const byLine = new Map<number, string[]>();
    for (const h of found) byLine.set(h.line, [...(byLine.get(h.line) ?? []), h.rule]);
    for (const [line, ruleIds] of byLine) assert.equal(ruleIds.length, 1, `line ${line} has one finding: ${ruleIds.join(', ')}`);
    assert.deepEqual(found.map((h) => h.rule), ['no-hardcoded-secret', 'no-hardcoded-secret']);
  });
});

test('isCoveredName: signing secrets by any name, not the names of headers or ids', () => {
  for (const key of ['WEBHOOK_SECRET', 'STRIPE_WEBHOOK_SECRET', 'CLERK_WEBHOOK_SIGNING_SECRET', 'SLACK_SIGNING_SECRET', 'SESSION_SECRET', 'webhook_secret_key']) {
    assert.equal(isCoveredName(key), true, key);
  }
  for (const key of ['WEBHOOK_SECRET_HEADER', 'WEBHOOK_SECRET_HEADER_NAME', 'SLACK_SIGNING_SECRET_NAME', 'WEBHOOK_SECRET_ID', 'CRON_SECRET', 'WEBHOOK_URL', 'WEBHOOK_SECRET_ARN', 'STRIPE_WEBHOOK_SECRET_PARAM', 'WEBHOOK_SECRET_REF', 'WEBHOOK_SECRET_ROTATED_AT']) {
    assert.equal(isCoveredName(key), false, key);
  }
});

test('weaknessOf', () => {
  assert.equal(weaknessOf('THIS_IS_NOT_SECRET_PLEASE_CHANGE'), 'placeholder');
  assert.equal(weaknessOf('generate-with-yarn-rw-g-secret'), 'placeholder');
  assert.equal(weaknessOf('short1'), 'short');
  assert.equal(weaknessOf('correct-horse-battery-staple'), 'guessable');
  assert.equal(weaknessOf('0123456789abcdefghij'), 'placeholder');
  assert.equal(weaknessOf('harbor-desk-webhook-signing-key'), 'guessable');
  assert.equal(weaknessOf('kX7pQ2vR9sT4wY6zA1bC3dE5fG8hJ0mN'), undefined);
});

test('fixture redwood-extras: every no-weak-webhook-secret annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});

test("a signing key's env read that falls back to a placeholder or a guessable value in the code", () => {
  const found = hits(
    {
      'api/src/lib/keys.ts': [
        "import jwt from 'jsonwebtoken'",
        "export const JWT_SECRET = process.env.JWT_SECRET || 'changeme'",
        "export const sign = (p: object) => jwt.sign(p, process.env.ACCESS_TOKEN_SECRET ?? 'secret')",
        "const { NEXTAUTH_SECRET = 'your-secret-here' } = process.env",
        "export const cookie = process.env.COOKIE_SECRET ? process.env.COOKIE_SECRET : 'keyboard cat'",
        "export const hook = Deno.env.get('STRIPE_WEBHOOK_SECRET') ?? 'whsec_test'",
        "export const jwtKey = process.env.JWT_SIGNING_KEY || 'jwt'",
        // A real-looking or word-made key is a hardcoded secret: `no-hardcoded-secret`'s, never both rules'.
        "export const strapi = env('ADMIN_JWT_SECRET', 'toBeModified')",
        "export const verify = (t: string) => jwt.verify(t, process.env.JWT_SECRET || 'dev-jwt-secret-key')",
        "export const strong = process.env.SESSION_SECRET || 'kX7pQ2vR9sT4wY6zA1bC3dE5fG8hJ0mN'",
        // Not a signing key, not the key itself, or no value at all.
        "export const client = process.env.GITHUB_CLIENT_SECRET || 'changeme'",
        "export const algorithm = process.env.JWT_SECRET_ALGORITHM || 'HS256'",
        "export const header = process.env.WEBHOOK_SECRET_HEADER || 'x-webhook-secret'",
        "export const none = process.env.JWT_SECRET ?? ''",
        "export const file = process.env.JWT_SECRET_KEY || './keys/jwt.pem'",
        "export const publicKey = process.env.JWT_PUBLIC_KEY || 'changeme'",
        "export const cron = process.env.CRON_SECRET || 'changeme'",
        "export const plain = process.env.SECRET || 'secret'",
      ].join('\n'),
      'api/src/lib/keys.test.ts': "export const JWT_SECRET = process.env.JWT_SECRET || 'changeme'\n",
    },
    [rule, hardcoded],
  );
  assert.deepEqual(
    found.map((h) => `${h.line} ${h.rule}${h.rule === rule.meta.id ? ` ${h.message.slice(0, h.message.indexOf(' written'))}` : ''}`),
    [
      '2 no-weak-webhook-secret `process.env.JWT_SECRET` falls back to a placeholder',
      '3 no-weak-webhook-secret `process.env.ACCESS_TOKEN_SECRET` falls back to a placeholder',
      '4 no-weak-webhook-secret `process.env.NEXTAUTH_SECRET` falls back to a placeholder',
      '5 no-weak-webhook-secret `process.env.COOKIE_SECRET` falls back to a value of only 12 characters',
      "6 no-weak-webhook-secret `Deno.env.get('STRIPE_WEBHOOK_SECRET')` falls back to a placeholder",
      '7 no-weak-webhook-secret `process.env.JWT_SIGNING_KEY` falls back to a value of only 3 characters',
      '8 no-hardcoded-secret',
      '9 no-hardcoded-secret',
      '10 no-hardcoded-secret',
    ],
  );
  // The message never holds the value.
  for (const h of found) assert.ok(!/changeme|keyboard cat|whsec_test|toBeModified/.test(h.message), h.message);
});
