import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanRules, tempDir, writeFiles } from './support/project';

/** A Netlify project: `no-unauthenticated-handler` findings as `message @file:line`. */
function findings(files: Record<string, string>): string[] {
  const root = tempDir('fnscan-decode-');
  writeFiles(root, { 'netlify.toml': '[functions]\n  directory = "netlify/functions"\n', ...DB, ...files });
  return scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => `${f.message} @${path.relative(root, f.location.file)}:${f.location.startPos.line}`);
}

const DB = { 'netlify/lib/db.js': "const { PrismaClient } = require('@prisma/client')\nmodule.exports = { db: new PrismaClient() }\n" };

/** A handler that calls `requireAuth(event)` from `netlify/lib/<module>`, refusing with 401 when it throws. */
function handler(module = 'auth'): string {
  return `const { requireAuth } = require('../lib/${module}')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  try {\n    await requireAuth(event)\n  } catch {\n    return { statusCode: 401, body: '' }\n  }\n  await db.order.deleteMany({})\n  return { statusCode: 204, body: '' }\n}\n`;
}

const DECODING = "const jwt = require('jsonwebtoken')\nfunction requireAuth(event) {\n  const claims = jwt.decode((event.headers.authorization || '').slice(7))\n  if (!claims) throw new Error('Unauthorized')\n  return claims\n}\nmodule.exports = { requireAuth }\n";

test('an auth helper that only decodes the token refuses nobody: a forged token decodes, and the message says so', () => {
  assert.deepEqual(findings({ 'netlify/functions/wipe.js': handler(), 'netlify/lib/auth.js': DECODING }), [
    "Handler `wipe` writes to `db.order` and its only auth check decodes the caller's token with `jwt.decode` without verifying its signature, so a forged token passes. @netlify/functions/wipe.js:3",
  ]);
  // jwt-decode, jose's decodeJwt, an ES module, a cookie matched first, a token from a helper of its own.
  const others = [
    "import { jwtDecode } from 'jwt-decode'\nexport function requireAuth(event) {\n  const claims = jwtDecode(event.headers.authorization)\n  if (!claims.sub) throw new Error('Unauthorized')\n  return claims\n}\n",
    "import { decodeJwt } from 'jose'\nexport function requireAuth(event) {\n  const claims = decodeJwt(event.headers.authorization)\n  if (!claims) throw new Error('Unauthorized')\n  return claims\n}\n",
    "const jwt = require('jsonwebtoken')\nexports.requireAuth = (event) => {\n  const m = (event.headers.cookie || '').match(/sid=([^;]+)/)\n  const session = m && jwt.decode(m[1])\n  if (!session) throw new Error('Unauthorized')\n  return session\n}\n",
    "const jwt = require('jsonwebtoken')\nconst bearer = (event) => event.headers.authorization.replace('Bearer ', '')\nexports.requireAuth = (event) => {\n  const payload = jwt.decode(bearer(event), { json: true })\n  if (!payload || !payload.sub) throw new Error('Unauthorized')\n  return payload\n}\n",
  ];
  for (const auth of others) {
    assert.equal(findings({ 'netlify/functions/wipe.js': handler(), 'netlify/lib/auth.js': auth }).length, 1, auth);
  }
});

test('decoding next to a real check is no finding: the kid read before jwt.verify, a verifier fnscan has no model of, jwt-simple', () => {
  const verified = [
    // The header's `kid` picks the key; the token is then verified.
    "const jwt = require('jsonwebtoken')\nfunction requireAuth(event) {\n  const token = event.headers.authorization.slice(7)\n  const { header } = jwt.decode(token, { complete: true })\n  return jwt.verify(token, process.env[`JWT_KEY_${header.kid}`])\n}\nmodule.exports = { requireAuth }\n",
    // aws-jwt-verify: a check fnscan does not name, but a check.
    "const jwt = require('jsonwebtoken')\nconst { CognitoJwtVerifier } = require('aws-jwt-verify')\nconst verifier = CognitoJwtVerifier.create({ userPoolId: 'pool', tokenUse: 'id', clientId: 'app' })\nasync function requireAuth(event) {\n  const token = event.headers.authorization.slice(7)\n  if (!jwt.decode(token)) throw new Error('Unauthorized')\n  return verifier.verify(token)\n}\nmodule.exports = { requireAuth }\n",
    // jwt-simple's decode checks the signature with the secret it is given.
    "const jwt = require('jwt-simple')\nfunction requireAuth(event) {\n  const claims = jwt.decode(event.headers.authorization.slice(7), process.env.JWT_SECRET)\n  if (!claims) throw new Error('Unauthorized')\n  return claims\n}\nmodule.exports = { requireAuth }\n",
  ];
  for (const auth of verified) {
    assert.deepEqual(findings({ 'netlify/functions/wipe.js': handler(), 'netlify/lib/auth.js': auth }), [], auth);
  }
});

test('a token decoded in the handler, however it was sliced, and tested for presence checks nobody', () => {
  const inline = "const jwt = require('jsonwebtoken')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  const claims = jwt.decode((event.headers.authorization || '').slice(7))\n  if (!claims) return { statusCode: 401, body: '' }\n  await db.order.deleteMany({ where: { userId: claims.sub } })\n  return { statusCode: 204, body: '' }\n}\n";
  assert.equal(findings({ 'netlify/functions/wipe.js': inline }).length, 1);
  assert.deepEqual(findings({ 'netlify/functions/wipe.js': inline.replace('jwt.decode(', 'jwt.verify(').replace('.slice(7))', ".slice(7), process.env.JWT_SECRET)") }), []);
});

test('an index module that re-exports through a constant is followed: `module.exports = v`, `{ ...v }`', () => {
  for (const index of ["const v = require('./decode')\nmodule.exports = v\n", "const v = require('./decode')\nmodule.exports = { ...v, version: 2 }\n"]) {
    const files = { 'netlify/functions/wipe.js': handler('kit'), 'netlify/lib/kit/index.js': index, 'netlify/lib/kit/decode.js': DECODING };
    assert.equal(findings(files).length, 1, index);
    const verifying = DECODING.replace("jwt.decode((event.headers.authorization || '').slice(7))", "jwt.verify((event.headers.authorization || '').slice(7), process.env.JWT_SECRET)");
    assert.deepEqual(findings({ ...files, 'netlify/lib/kit/decode.js': verifying }), [], index);
  }
});

test('a token handed to a helper that only decodes it is no check, whatever the helper is called and however it is re-exported', () => {
  const handler = "const { readClaims } = require('../lib/session')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  let claims\n  try {\n    claims = readClaims(event.headers.authorization?.split(' ')[1])\n  } catch {\n    return { statusCode: 401, body: '' }\n  }\n  await db.membership.create({ data: { userId: claims.sub } })\n  return { statusCode: 201, body: '' }\n}\n";
  const decoding = "const jwt = require('jsonwebtoken')\nfunction readClaims(token) {\n  const payload = jwt.decode(token, { complete: true })\n  if (!payload || payload.header.alg !== 'RS256') throw new Error('invalid token')\n  return payload.payload\n}\nmodule.exports = { readClaims }\n";
  // Re-exported by an index that destructures the require: `const { readClaims } = require('./claims')`.
  const index = "const { readClaims } = require('./claims')\nconst { limit } = require('./limit')\nmodule.exports = { readClaims, limit }\n";
  const files = { 'netlify/functions/join.js': handler, 'netlify/lib/session/index.js': index, 'netlify/lib/session/claims.js': decoding, 'netlify/lib/session/limit.js': 'exports.limit = () => true\n' };
  assert.equal(findings(files).length, 1);
  const verifying = decoding.replace('jwt.decode(token, { complete: true })', 'jwt.verify(token, process.env.JWT_PUBLIC_KEY, { complete: true })');
  assert.deepEqual(findings({ ...files, 'netlify/lib/session/claims.js': verifying }), []);
});

test("a JWT's payload parsed by hand from base64 is a decode too", () => {
  const decoding = "function requireAuth(event) {\n  const token = (event.headers.cookie || '').match(/token=([^;]+)/)?.[1]\n  if (!token) throw new Error('not signed in')\n  const [, payloadPart] = token.split('.')\n  const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'))\n  if (!payload.sub) throw new Error('bad token')\n  return payload\n}\nmodule.exports = { requireAuth }\n";
  assert.deepEqual(findings({ 'netlify/functions/wipe.js': handler(), 'netlify/lib/auth.js': decoding }), [
    "Handler `wipe` writes to `db.order` and its only auth check decodes the caller's token with `JSON.parse` without verifying its signature, so a forged token passes. @netlify/functions/wipe.js:3",
  ]);
  // A base64 body that is no token (no split at the dots) is only parsed.
  const body = "function requireAuth(event) {\n  const data = JSON.parse(Buffer.from(event.body, 'base64').toString())\n  if (!data.ok) throw new Error('bad')\n  return data\n}\nmodule.exports = { requireAuth }\n";
  assert.deepEqual(findings({ 'netlify/functions/wipe.js': handler(), 'netlify/lib/auth.js': body }).filter((f) => f.includes('decodes')), []);
});

test('an auth helper whose only grip on the caller is a header anyone sets (x-user-id) authenticates nobody', () => {
  const throwing = "exports.requireAuth = function requireAuth(event) {\n  const id = event.headers['x-user-id']\n  if (!id) throw new Error('Unauthorized')\n  return id\n}\n";
  assert.deepEqual(findings({ 'netlify/functions/wipe.js': handler(), 'netlify/lib/auth.js': throwing }), [
    'Handler `wipe` writes to `db.order` and its only auth check trusts the `x-user-id` header, which any caller can set. @netlify/functions/wipe.js:3',
  ]);
  // Answering the header for the handler to test is the same.
  const answering = "exports.getCaller = (event) => event.headers['x-user-id']\n";
  const tested = "const { getCaller } = require('../lib/auth')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  const userId = getCaller(event)\n  if (!userId) return { statusCode: 401, body: '' }\n  await db.order.deleteMany({ where: { userId } })\n  return { statusCode: 204, body: '' }\n}\n";
  assert.equal(findings({ 'netlify/functions/wipe.js': tested, 'netlify/lib/auth.js': answering }).length, 1);
  // A helper that also reads a credential is trusted as before.
  const keyed = "exports.requireAuth = function requireAuth(event) {\n  if (event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) throw new Error('Unauthorized')\n  return event.headers['x-user-id']\n}\n";
  assert.deepEqual(findings({ 'netlify/functions/wipe.js': handler(), 'netlify/lib/auth.js': keyed }), []);
});

test('a token read into a constant and only decoded checks nobody; a null-returning helper tested only inside if (user) neither', () => {
  const inline = "const jwt = require('jsonwebtoken')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  const token = event.headers.authorization?.split(' ')[1] ?? ''\n  const claims = jwt.decode(token)\n  if (!claims?.sub) return { statusCode: 401, body: '' }\n  await db.order.deleteMany({ where: { userId: claims.sub } })\n  return { statusCode: 204, body: '' }\n}\n";
  assert.equal(findings({ 'netlify/functions/wipe.js': inline }).length, 1);
  assert.deepEqual(findings({ 'netlify/functions/wipe.js': inline.replace('jwt.decode(token)', 'jwt.verify(token, process.env.JWT_SECRET)') }), []);
  const helper = "const jwt = require('jsonwebtoken')\nasync function requireUser(event) {\n  const token = event.headers.authorization?.split(' ')[1]\n  if (!token) return null\n  try {\n    return jwt.verify(token, process.env.JWT_PUBLIC_KEY, { algorithms: ['RS256'] })\n  } catch {\n    return null\n  }\n}\nmodule.exports = { requireUser }\n";
  const nested = "const { requireUser } = require('../lib/auth')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  const user = await requireUser(event)\n  if (user) {\n    if (!user.isAdmin) return { statusCode: 403, body: '' }\n  }\n  await db.order.deleteMany({})\n  return { statusCode: 204, body: '' }\n}\n";
  assert.equal(findings({ 'netlify/functions/wipe.js': nested, 'netlify/lib/auth.js': helper }).length, 1);
  assert.deepEqual(findings({ 'netlify/functions/wipe.js': nested.replace('if (user) {\n    if (!user.isAdmin)', 'if (!user || !user.isAdmin) {\n    if (true)'), 'netlify/lib/auth.js': helper }), []);
});
