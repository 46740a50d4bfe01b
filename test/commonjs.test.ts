import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanRules, tempDir, writeFiles } from './support/project';

/** CommonJS helpers, followed as ES modules are: findings as `rule: message @file:line`. */
function findings(files: Record<string, string>): string[] {
  const root = tempDir('fnscan-cjs-');
  writeFiles(root, { 'netlify.toml': '[functions]\n  directory = "netlify/functions"\n', ...files });
  return scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => `${f.ruleId}: ${f.message} @${path.relative(root, f.location.file)}:${f.location.startPos.line}`);
}

const DB = { 'netlify/lib/db.js': "const { PrismaClient } = require('@prisma/client')\nmodule.exports = { db: new PrismaClient() }\n" };

test("`const { helper } = require('./lib')` is followed to `module.exports = { helper }`, `exports.helper = ...` and renamed properties", () => {
  const handler = "const { requireUser } = require('../lib/auth')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  const user = await requireUser(event)\n  if (!user) return { statusCode: 401, body: '' }\n  await db.note.deleteMany({ where: { ownerId: user.sub } })\n  return { statusCode: 204, body: '' }\n}\n";
  const check = "const jwt = require('jsonwebtoken')\nfunction checkToken(event) {\n  try {\n    return jwt.verify((event.headers.authorization || '').slice(7), process.env.JWT_SECRET)\n  } catch {\n    return null\n  }\n}\n";
  for (const exported of ['module.exports = { requireUser: checkToken }', 'exports.requireUser = checkToken', 'const requireUser = checkToken\nmodule.exports = { requireUser }']) {
    assert.deepEqual(findings({ ...DB, 'netlify/functions/wipe.js': handler, 'netlify/lib/auth.js': `${check}${exported}\n` }), [], exported);
  }
  // The helper decides nothing when it never looks at a credential.
  const lax = "function requireUser(event) {\n  return { sub: event.queryStringParameters.user }\n}\nmodule.exports = { requireUser }\n";
  assert.equal(findings({ ...DB, 'netlify/functions/wipe.js': handler, 'netlify/lib/auth.js': lax }).length, 1);
});

test('a helper that returns jwt.verify(...) throws for a bad token: called as a statement it refuses; it is no stub, and returns no secret', () => {
  const handler = (call: string) => `const { ${call.split('(')[0]} } = require('../lib/auth')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  try {\n    ${call}\n  } catch {\n    return { statusCode: 401, body: '' }\n  }\n  return { statusCode: 200, body: JSON.stringify(await db.order.findMany()) }\n}\n`;
  const auth = "const jwt = require('jsonwebtoken')\nconst verifyUser = (event) => jwt.verify(event.headers.authorization, process.env.JWT_SECRET)\nfunction requireAuth(event) {\n  return jwt.verify(event.headers.authorization, process.env.JWT_SECRET)\n}\nmodule.exports = { verifyUser, requireAuth }\n";
  assert.deepEqual(findings({ ...DB, 'netlify/functions/orders.js': handler('verifyUser(event)'), 'netlify/lib/auth.js': auth }), []);
  assert.deepEqual(findings({ ...DB, 'netlify/functions/orders.js': handler('requireAuth(event)'), 'netlify/lib/auth.js': auth }), []);
  // Caught inside the helper, the failure never reaches the caller.
  const swallowing = "const jwt = require('jsonwebtoken')\nfunction verifyUser(event) {\n  try {\n    return jwt.verify(event.headers.authorization, process.env.JWT_SECRET)\n  } catch {\n    return null\n  }\n}\nmodule.exports = { verifyUser }\n";
  assert.equal(findings({ ...DB, 'netlify/functions/orders.js': handler('verifyUser(event)'), 'netlify/lib/auth.js': swallowing }).length, 1);
});

test('a helper whose verify cannot throw out of it refuses nobody: a callback, a promise .catch(), a check inside a callback', () => {
  const handler = "const { verifyUser } = require('../lib/auth')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  try {\n    await verifyUser(event)\n  } catch {\n    return { statusCode: 401, body: '' }\n  }\n  return { statusCode: 200, body: JSON.stringify(await db.order.findMany()) }\n}\n";
  const helpers = [
    "const jwt = require('jsonwebtoken')\nfunction verifyUser(event) {\n  return jwt.verify(event.headers.authorization, process.env.JWT_SECRET, (err) => console.log(err))\n}\nmodule.exports = { verifyUser }\n",
    "const { jwtVerify } = require('jose')\nfunction verifyUser(event) {\n  return jwtVerify(event.headers.authorization, new TextEncoder().encode(process.env.JWT_SECRET)).catch(() => null)\n}\nmodule.exports = { verifyUser }\n",
    "const jwt = require('jsonwebtoken')\nfunction verifyUser(event) {\n  return new Promise((resolve) => {\n    try {\n      resolve(jwt.verify(event.headers.authorization, process.env.JWT_SECRET))\n    } catch {\n      resolve(null)\n    }\n  })\n}\nmodule.exports = { verifyUser }\n",
  ];
  for (const helper of helpers) {
    assert.equal(findings({ ...DB, 'netlify/functions/orders.js': handler, 'netlify/lib/auth.js': helper }).length, 1, helper);
  }
});

test("a helper's answer tested with a 401 that does not stop the function authenticates nobody; a `break` out of the case does stop it", () => {
  const session = "const jwt = require('jsonwebtoken')\nasync function sessionUser(event) {\n  try {\n    return jwt.verify(event.headers.authorization, process.env.JWT_SECRET)\n  } catch {\n    return null\n  }\n}\nmodule.exports = { sessionUser }\n";
  const vercel = (body: string) => {
    const root = tempDir('fnscan-cjs-');
    writeFiles(root, { 'vercel.json': '{}', 'api/_lib/session.js': session, 'api/_lib/db.js': DB['netlify/lib/db.js'], 'api/orders.js': `const { sessionUser } = require('./_lib/session')\nconst { db } = require('./_lib/db')\nmodule.exports = async function handler(req, res) {\n${body}\n}\n` });
    return scanRules(root, ['no-unauthenticated-handler']).findings.length;
  };
  assert.equal(vercel("  const user = await sessionUser(req)\n  if (!user) {\n    res.status(401).json({ error: 'Sign in' })\n  }\n  await db.order.deleteMany({})\n  res.end()"), 1);
  assert.equal(vercel("  const user = await sessionUser(req)\n  if (!user) {\n    return res.status(401).json({ error: 'Sign in' })\n  }\n  await db.order.deleteMany({})\n  res.end()"), 0);
  assert.equal(vercel("  switch (req.method) {\n    case 'DELETE': {\n      const user = await sessionUser(req)\n      if (!user) {\n        res.status(401).json({ error: 'Sign in' })\n        break\n      }\n      await db.order.deleteMany({})\n      res.end()\n      break\n    }\n    default:\n      res.status(405).end()\n  }"), 0);
});

test('a secret compared by a test whose own branch answers any 4xx authenticates; one compared where nothing depends on it does not', () => {
  const cron = (body: string) => findings({ ...DB, 'netlify/functions/cron.js': `const { db } = require('../lib/db')\nexports.handler = async (event) => {\n${body}\n  await db.session.deleteMany({})\n  return { statusCode: 204, body: '' }\n}\n` });
  assert.deepEqual(cron("  if (event.headers['x-cron-secret'] !== process.env.CRON_SECRET) return { statusCode: 405, body: '' }"), []);
  // The comparison only decides what is echoed back; the 404 is about something else.
  assert.equal(cron("  const ok = event.headers['x-cron-secret'] === process.env.CRON_SECRET\n  if (!event.queryStringParameters.id) return { statusCode: 404, body: String(ok) }").length, 1);
});

test('a secret compared after its scheme, held in a constant, or named *_KEY refuses with any 4xx or a redirect; an unused comparison does not borrow a 401 from elsewhere', () => {
  const cron = (body: string) => findings({ ...DB, 'netlify/functions/cron.js': `const { db } = require('../lib/db')\nexports.handler = async (event) => {\n${body}\n  await db.session.deleteMany({})\n  return { statusCode: 204, body: '' }\n}\n` });
  const clean = [
    "  if (event.headers.authorization !== `Bearer ${process.env.CRON_SECRET}`) return { statusCode: 405, body: '' }",
    "  const expected = 'Bearer ' + process.env.CRON_SECRET\n  if (event.headers.authorization !== expected) return { statusCode: 404, body: '' }",
    "  if (event.headers['x-cron-key'] !== process.env.CRON_KEY) return { statusCode: 404, body: 'Not Found' }",
    "  if (event.queryStringParameters.key !== process.env.ADMIN_KEY) return { statusCode: 302, headers: { Location: '/login' }, body: '' }",
    "  const authorized = event.headers['x-cron-secret'] === process.env.CRON_SECRET\n  if (!authorized) return { statusCode: 401, body: '' }",
  ];
  for (const body of clean) assert.deepEqual(cron(body), [], body);
  const open = [
    // The comparison feeds a log line; the 401 is about a missing field.
    "  const fromScheduler = event.headers['x-cron-secret'] === process.env.CRON_SECRET\n  console.log({ fromScheduler })\n  if (!event.body) return { statusCode: 401, body: 'body required' }",
    // A public key is no secret, whatever the answer.
    "  if (event.queryStringParameters.key !== process.env.NEXT_PUBLIC_MAPS_KEY) return { statusCode: 403, body: '' }",
  ];
  for (const body of open) assert.equal(cron(body).length, 1, body);
});

test('a refusal behind a test that there is a caller at all refuses nobody who is signed out: sessions, users, tokens, boolean helpers', () => {
  const next = (check: string) => {
    const root = tempDir('fnscan-cjs-');
    writeFiles(root, {
      'package.json': JSON.stringify({ dependencies: { next: '15.0.0', 'next-auth': '4.24.0' } }),
      'lib/prisma.ts': "import { PrismaClient } from '@prisma/client'\nexport const prisma = new PrismaClient()\n",
      'lib/roles.ts': "import { getServerSession } from 'next-auth'\nexport async function isAdmin() {\n  const session = await getServerSession()\n  if (!session) return false\n  return session.user.role === 'admin'\n}\n",
      'app/api/users/route.ts': `import { NextResponse } from 'next/server'\nimport { getServerSession } from 'next-auth'\nimport { prisma } from '../../../lib/prisma'\nimport { isAdmin } from '../../../lib/roles'\nexport async function DELETE(req: Request) {\n  const session = await getServerSession()\n${check}\n  await prisma.user.deleteMany({})\n  return new NextResponse(null, { status: 204 })\n}\n`,
    });
    return scanRules(root, ['no-unauthenticated-handler']).findings.length;
  };
  const refuse = "    return NextResponse.json({ error: 'forbidden' }, { status: 403 })";
  assert.equal(next(`  if (session && session.user.role !== 'admin') {\n${refuse}\n  }`), 1);
  assert.equal(next(`  if (session && !(await isAdmin())) {\n${refuse}\n  }`), 1);
  // A flag set for an absent caller, through an alias of the session, refuses.
  assert.equal(next("  const user = session?.user\n  const denied = !user ? true : user.role !== 'admin'\n  if (denied) {\n" + refuse + "\n  }"), 0);
  assert.equal(next("  const user = session?.user\n  const denied = !user ? false : user.role !== 'admin'\n  if (denied) {\n" + refuse + "\n  }"), 1);
  // Asked the other way round, the absent caller is refused.
  assert.equal(next(`  if (!session || session.user.role !== 'admin') {\n${refuse}\n  }`), 0);
  assert.equal(next(`  if (!(await isAdmin())) {\n${refuse}\n  }`), 0);
  // A refusal in the else branch refuses the absent caller too.
  assert.equal(next(`  if (session && session.user.role === 'admin') {\n    console.log('admin')\n  } else {\n${refuse}\n  }`), 0);
});

test('a refusal nested in a test that there is a caller, or behind a read through `?.`, refuses nobody signed out; a ternary refusal the function answers does', () => {
  const identity = (body: string) => findings({ ...DB, 'netlify/functions/prices.js': `const { db } = require('../lib/db')\nexports.handler = async (event, context) => {\n  const user = context.clientContext && context.clientContext.user\n${body}\n}\n` });
  const work = "  await db.product.update({ where: { id: 1 }, data: { price: 0 } })\n  return { statusCode: 200, body: 'ok' }";
  // Signed-out callers skip the role test.
  assert.equal(identity(`  if (user) {\n    if (!user.app_metadata.roles.includes('admin')) return { statusCode: 403, body: '' }\n  }\n${work}`).length, 1);
  assert.equal(identity(`  if (user?.app_metadata?.banned) return { statusCode: 403, body: '' }\n${work}`).length, 1);
  // Refused when absent: the same checks asked the other way round, an else that refuses, a ternary.
  assert.deepEqual(identity(`  if (!user || !user.app_metadata.roles.includes('admin')) return { statusCode: 403, body: '' }\n${work}`), []);
  assert.deepEqual(identity(`  if (user) {\n    if (!user.app_metadata.roles.includes('admin')) return { statusCode: 403, body: '' }\n  } else {\n    return { statusCode: 401, body: '' }\n  }\n${work}`), []);
  assert.deepEqual(identity("  const denied = !user ? { statusCode: 401, body: 'sign in' } : null\n  if (denied) return denied\n" + work), []);
  assert.deepEqual(identity("  return user ? { statusCode: 200, body: JSON.stringify(await db.order.findMany({ where: { email: user.email } })) } : { statusCode: 401, body: '' }"), []);
  // A tested value that is not the caller (`if (error) return null` in a helper) still refuses.
  const helper = "const jwt = require('jsonwebtoken')\nasync function sessionUser(event) {\n  let error = null\n  let user = null\n  try {\n    user = jwt.verify(event.headers.authorization, process.env.JWT_SECRET)\n  } catch (e) {\n    error = e\n  }\n  if (error) return null\n  return user\n}\nmodule.exports = { sessionUser }\n";
  const handler = "const { sessionUser } = require('../lib/session')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  const user = await sessionUser(event)\n  if (!user) return { statusCode: 401, body: '' }\n  return { statusCode: 200, body: JSON.stringify(await db.order.findMany()) }\n}\n";
  assert.deepEqual(findings({ ...DB, 'netlify/functions/orders.js': handler, 'netlify/lib/session.js': helper }), []);
});

test("a helper's answer tested only through a constant that needs a caller, or an answer that does not stop the function, refuses nobody signed out", () => {
  const session = "const jwt = require('jsonwebtoken')\nasync function getUser(req) {\n  const token = req.cookies.sid\n  if (!token) return null\n  try {\n    return jwt.verify(token, process.env.SESSION_SECRET)\n  } catch {\n    return null\n  }\n}\nmodule.exports = { getUser }\n";
  const vercel = (body: string) => {
    const root = tempDir('fnscan-cjs-');
    writeFiles(root, { 'vercel.json': '{}', 'api/_lib/session.js': session, 'api/_lib/db.js': DB['netlify/lib/db.js'], 'api/projects.js': `const { getUser } = require('./_lib/session')\nconst { db } = require('./_lib/db')\nmodule.exports = async function handler(req, res) {\n  const user = await getUser(req)\n${body}\n  await db.project.delete({ where: { id: req.body.id } })\n  res.status(204).end()\n}\n` });
    return scanRules(root, ['no-unauthenticated-handler']).findings.length;
  };
  assert.equal(vercel("  const denied = user && !user.isAdmin\n  if (denied) return res.status(403).json({ error: 'admins only' })"), 1);
  assert.equal(vercel("  if (user?.role === 'banned') return res.status(403).end()"), 1);
  assert.equal(vercel("  if (!user) res.redirect(302, '/login')"), 1);
  assert.equal(vercel("  const denied = !user || !user.isAdmin\n  if (denied) return res.status(403).json({ error: 'admins only' })"), 0);
  assert.equal(vercel("  if (!user) return res.redirect(302, '/login')"), 0);
});

test('an Express middleware that never refuses (a verify whose failure it catches, in either branch of a ternary) authenticates no route', () => {
  const middleware = "const jwt = require('jsonwebtoken')\nmodule.exports = function optionalUser(req, res, next) {\n  const token = req.cookies && req.cookies.session\n  try {\n    req.user = token ? jwt.verify(token, process.env.SESSION_SECRET) : null\n  } catch (e) {\n    req.user = null\n  }\n  next()\n}\n";
  const app = (route: string) => `const express = require('express')\nconst serverless = require('serverless-http')\nconst optionalUser = require('../lib/optional-user')\nconst { db } = require('../lib/db')\nconst app = express()\napp.use(optionalUser)\napp.delete('/api/users/:id', async (req, res) => {\n${route}\n  await db.user.delete({ where: { id: req.params.id } })\n  res.status(204).end()\n})\nmodule.exports.handler = serverless(app)\n`;
  const files = (route: string) => ({ ...DB, 'netlify/lib/optional-user.js': middleware, 'netlify/functions/users.js': app(route) });
  assert.equal(findings(files('')).length, 1);
  assert.equal(findings(files("  if (req.user && !req.user.isAdmin) return res.status(403).json({ error: 'admins only' })")).length, 1);
  assert.deepEqual(findings(files("  if (!req.user) return res.status(401).json({ error: 'sign in' })")), []);
});

test('jwt.verify with a callback checks only inside a callback that refuses; jose in a promise .catch() checks nobody unless its answer is', () => {
  const netlify = (body: string) => findings({ ...DB, 'netlify/functions/orders.js': `const jwt = require('jsonwebtoken')\nconst { jwtVerify } = require('jose')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  const token = (event.headers.authorization || '').slice(7)\n${body}\n  await db.order.deleteMany({})\n  return { statusCode: 204, body: '' }\n}\n` });
  assert.equal(netlify("  try {\n    jwt.verify(token, process.env.JWT_SECRET, (err) => {\n      if (err) console.warn('bad token')\n    })\n  } catch {\n    return { statusCode: 401, body: '' }\n  }").length, 1);
  assert.equal(netlify("  try {\n    await jwtVerify(token, new TextEncoder().encode(process.env.JWT_SECRET)).catch(() => null)\n  } catch {\n    return { statusCode: 401, body: '' }\n  }").length, 1);
  assert.deepEqual(netlify("  const verified = await jwtVerify(token, new TextEncoder().encode(process.env.JWT_SECRET)).catch(() => null)\n  if (!verified) return { statusCode: 401, body: '' }"), []);
  // Success recorded in the try, then tested.
  assert.deepEqual(netlify("  let valid = false\n  try {\n    jwt.verify(token, process.env.JWT_SECRET)\n    valid = true\n  } catch {}\n  if (!valid) return { statusCode: 401, body: '' }"), []);
  // Express: the work inside a callback that refuses on the error is guarded.
  const express = (callback: string) => findings({ ...DB, 'netlify/functions/api.js': `const express = require('express')\nconst serverless = require('serverless-http')\nconst jwt = require('jsonwebtoken')\nconst { db } = require('../lib/db')\nconst app = express()\napp.delete('/api/orders', (req, res) => {\n  jwt.verify(req.headers.authorization, process.env.JWT_SECRET, ${callback})\n})\nmodule.exports.handler = serverless(app)\n` });
  assert.deepEqual(express("async (err, claims) => {\n    if (err) return res.status(401).end()\n    await db.order.deleteMany({ where: { userId: claims.sub } })\n    res.status(204).end()\n  }"), []);
  assert.equal(express("async (err, claims) => {\n    if (err) console.warn(err)\n    await db.order.deleteMany({})\n    res.status(204).end()\n  }").length, 1);
});

test('an Express middleware whose catch answers 401 checks the routes after it; one that lets a route\'s path through first does not check that route', () => {
  const app = (gate: string) => findings({
    ...DB,
    'netlify/functions/api.js': `const express = require('express')\nconst serverless = require('serverless-http')\nconst jwt = require('jsonwebtoken')\nconst { db } = require('../lib/db')\nconst PUBLIC = ['/api/public', '/api/health']\nfunction requireUser(req, res, next) {\n  try {\n    req.user = jwt.verify(String(req.headers.authorization).replace('Bearer ', ''), process.env.JWT_SECRET)\n    next()\n  } catch {\n    res.status(401).json({ error: 'unauthorized' })\n  }\n}\nconst app = express()\n${gate}\napp.get('/api/public/customers', async (req, res) => res.json(await db.customer.findMany()))\napp.delete('/api/orders', async (req, res) => res.json(await db.order.deleteMany({})))\nmodule.exports.handler = serverless(app)\n`,
  });
  assert.deepEqual(app('app.use(requireUser)'), []);
  const skipping = app('app.use((req, res, next) => {\n  if (PUBLIC.some((p) => req.path.startsWith(p))) return next()\n  return requireUser(req, res, next)\n})');
  assert.equal(skipping.length, 1);
  assert.match(skipping[0], /GET \/api\/public\/customers/);
  assert.equal(app("app.use((req, res, next) => {\n  if (req.path === '/api/orders') return next()\n  return requireUser(req, res, next)\n})").length, 1);
});

test("a CommonJS index that re-exports (`module.exports = require('./verify')`, or spreads it) is followed to the helper", () => {
  const handler = "const { requireUser } = require('../lib/auth')\nconst { db } = require('../lib/db')\nexports.handler = async (event) => {\n  let user\n  try {\n    user = requireUser(event)\n  } catch {\n    return { statusCode: 401, body: '' }\n  }\n  return { statusCode: 200, body: JSON.stringify(await db.invoice.findMany({ where: { customerId: user.sub } })) }\n}\n";
  const verify = "const jwt = require('jsonwebtoken')\nfunction requireUser(event) {\n  return jwt.verify(event.headers.authorization, process.env.JWT_SECRET)\n}\nmodule.exports = { requireUser }\n";
  const lax = "function requireUser(event) {\n  return { sub: event.headers['x-user-id'] }\n}\nmodule.exports = { requireUser }\n";
  for (const index of ["module.exports = require('./verify')\n", "module.exports = { ...require('./verify'), version: 2 }\n"]) {
    assert.deepEqual(findings({ ...DB, 'netlify/functions/invoices.js': handler, 'netlify/lib/auth/index.js': index, 'netlify/lib/auth/verify.js': verify }), [], index);
    assert.equal(findings({ ...DB, 'netlify/functions/invoices.js': handler, 'netlify/lib/auth/index.js': index, 'netlify/lib/auth/verify.js': lax }).length, 1, index);
  }
});
