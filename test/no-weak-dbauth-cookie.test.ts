import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { relativePath } from '../src/core/files';
import rule from '../src/rules/no-weak-dbauth-cookie';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

interface Hit {
  file: string;
  line: number;
  messageId: string;
  related: string[];
}

/** Findings of the rule in a throwaway Redwood app holding `files` (paths relative to the app root). */
function hits(files: Record<string, string>): Hit[] {
  const root = tempProject(files, 'fnscan-cookie-');
  const result = scanRules(root, [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => ({
    file: relativePath(root, f.location.file),
    line: f.location.startPos.line,
    messageId: f.messageId,
    related: f.related.map((r) => `${relativePath(root, r.file)}:${r.startPos.line}`),
  }));
}

/** An `auth.js` whose DbAuthHandler gets `cookie` (the text of the option's value). */
function withCookie(cookie: string, imports = ''): Hit[] {
  const code = [
    "import { DbAuthHandler } from '@redwoodjs/auth-dbauth-api'",
    "import { db } from 'src/lib/db'",
    imports,
    'export const handler = async (event, context) => {',
    '  const authHandler = new DbAuthHandler(event, context, {',
    '    db,',
    "    authModelAccessor: 'user',",
    `    cookie: ${cookie},`,
    '  })',
    '  return await authHandler.invoke()',
    '}',
  ].join('\n');
  return hits({ 'api/src/functions/auth.js': code, 'api/src/lib/db.js': 'export const db = {}\n' });
}

describe('flags weakened session cookie flags', () => {
  test('HttpOnly false, Secure false', () => {
    const found = withCookie("{ attributes: { HttpOnly: false, Path: '/', SameSite: 'Strict', Secure: false }, name: 'session' }");
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[8, 'httpOnlyOff'], [8, 'secureOff']]);
  });

  test("SameSite 'None' without Secure, and HttpOnly left out", () => {
    const found = withCookie("{ attributes: { Path: '/', SameSite: 'None' } }");
    assert.deepEqual(found.map((h) => h.messageId), ['httpOnlyMissing', 'sameSiteNone']);
  });

  test('the deprecated top-level flags, and flags from constants', () => {
    const found = withCookie("{ HttpOnly: LOCAL_DEBUG, Path: '/', SameSite: 'none', Secure: !true }", 'const LOCAL_DEBUG = false');
    assert.deepEqual(found.map((h) => h.messageId), ['httpOnlyOff', 'secureOff']);
  });

  test('cookie options imported from src/lib are reported at the cookie option, with a pointer', () => {
    const found = hits({
      'api/src/lib/cookie.js': "export const cookieOptions = {\n  attributes: { HttpOnly: false, Path: '/', SameSite: 'Lax', Secure: true },\n}\n",
      'api/src/functions/auth.js': [
        "import { DbAuthHandler } from '@redwoodjs/auth-dbauth-api'",
        "import { cookieOptions } from 'src/lib/cookie'",
        'export const handler = (event, context) => new DbAuthHandler(event, context, { cookie: cookieOptions }).invoke()',
      ].join('\n'),
    });
    assert.deepEqual(found, [{ file: 'api/src/functions/auth.js', line: 3, messageId: 'httpOnlyOff', related: ['api/src/lib/cookie.js:2'] }]);
  });
});

describe('does not flag', () => {
  test("the template's defaults", () => {
    const found = withCookie("{ attributes: { HttpOnly: true, Path: '/', SameSite: 'Strict', Secure: process.env.NODE_ENV !== 'development' }, name: cookieName }");
    assert.deepEqual(found, []);
  });

  test("SameSite 'None' with Secure, environment-driven flags, spreads", () => {
    assert.deepEqual(withCookie("{ attributes: { HttpOnly: true, SameSite: 'None', Secure: true } }"), []);
    assert.deepEqual(withCookie("{ attributes: { HttpOnly: process.env.COOKIE_HTTP_ONLY !== 'false', Secure: isProduction } }"), []);
    assert.deepEqual(withCookie("{ attributes: { ...baseAttributes, SameSite: 'None' } }"), []);
  });

  test('attribute names in another case: browsers read them case-insensitively', () => {
    assert.deepEqual(withCookie("{ attributes: { httpOnly: true, path: '/', sameSite: 'None', secure: true } }"), []);
    assert.deepEqual(withCookie("{ attributes: { httponly: false, sameSite: 'none' } }").map((h) => h.messageId), ['httpOnlyOff', 'sameSiteNone']);
  });

  test('other cookies and other constructors', () => {
    const found = hits({
      'api/src/functions/theme.js': [
        "export const handler = async () => ({ statusCode: 200, headers: { 'Set-Cookie': 'theme=dark; Path=/' } })",
        'export const options = { cookie: { attributes: { HttpOnly: false } } }',
        'export const other = new SessionStore({ cookie: { attributes: { HttpOnly: false } } })',
      ].join('\n'),
    });
    assert.deepEqual(found, []);
  });
});

test('fixture redwood-extras: every no-weak-dbauth-cookie annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});

test('round aa: DbAuthHandler from `@redwoodjs/api`, where Redwood exported it before v4', () => {
  const found = hits({
    'api/src/functions/auth.js': [
      "import { DbAuthHandler } from '@redwoodjs/api'",
      "import { db } from 'src/lib/db'",
      'export const handler = async (event, context) => {',
      '  const authHandler = new DbAuthHandler(event, context, {',
      "    db, authModelAccessor: 'user',",
      "    authFields: { id: 'id', username: 'email', hashedPassword: 'hashedPassword', salt: 'salt' },",
      "    cookie: { HttpOnly: false, Path: '/', SameSite: 'Strict', Secure: true },",
      '  })',
      '  return await authHandler.invoke()',
      '}',
    ].join('\n'),
  });
  assert.deepEqual(found.map((h) => `${h.file}:${h.line} ${h.messageId}`), ['api/src/functions/auth.js:7 httpOnlyOff']);
});
