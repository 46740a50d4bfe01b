import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanRules, tempDir, writeFiles } from './support/project';

/**
 * Express and Hono apps served from one function: each route is judged on its own, behind the
 * middleware registered before it. Findings as `rule: message @file:line`.
 */
const HANDLER_RULES = ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection'];

function project(files: Record<string, string>): string {
  const root = tempDir('fnscan-routers-');
  writeFiles(root, files);
  return root;
}

function findings(files: Record<string, string>): string[] {
  const root = project(files);
  return scanRules(root, HANDLER_RULES).findings.map((f) => `${f.ruleId}: ${f.message} @${path.relative(root, f.location.file)}:${f.location.startPos.line}`);
}

const VERCEL = { 'package.json': '{ "name": "site", "private": true }', 'vercel.json': '{}', 'lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n" };
const REDWOOD = { 'redwood.toml': '[web]\n', 'api/src/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n" };

const EXPRESS_AUTH = `import type { Request, Response, NextFunction } from 'express'
import jwt from 'jsonwebtoken'
export function requireUser(req: Request, res: Response, next: NextFunction) {
  const token = req.get('authorization')?.replace('Bearer ', '')
  if (!token) return res.status(401).json({ error: 'unauthorized' })
  try {
    ;(req as any).user = jwt.verify(token, process.env.JWT_SECRET!)
  } catch {
    return res.sendStatus(401)
  }
  next()
}
export const requireRole = (role: string) => (req: Request, res: Response, next: NextFunction) => {
  if ((req as any).user?.role !== role) return res.status(403).end()
  next()
}
`;

test('Express on Vercel: a route registered before the auth middleware is open, the ones after it are not', () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'lib/auth.ts': EXPRESS_AUTH,
      'api/index.ts': `import express from 'express'
import { db } from '../lib/db'
import { requireUser } from '../lib/auth'
const app = express()
app.use(express.json())
app.set('trust proxy', 1)
app.get('/api/health', (_req, res) => res.json({ ok: true, env: app.get('env') }))
app.post('/api/import', async (req, res) => {
  await db.user.createMany({ data: req.body.users })
  res.status(201).end()
})
app.post('/api/posts', requireUser, async (req, res) => res.json(await db.post.create({ data: req.body })))
app.use(requireUser)
app.delete('/api/users/:id', async (req, res) => {
  await db.user.delete({ where: { id: req.params.id } })
  res.sendStatus(204)
})
app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => res.status(500).end())
export default app
`,
    }),
    ['no-unauthenticated-handler: Handler `POST /api/import` writes to `db.user` without authenticating the caller. @api/index.ts:8'],
  );
});

test('Express: middleware before a route covers it only on its own path; `app.route()` chains name their path', () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'lib/auth.ts': EXPRESS_AUTH,
      'api/index.js': `const express = require('express')
const { db } = require('../lib/db')
const { requireUser, requireRole } = require('../lib/auth')
const app = express()
app.use('/api/admin', requireUser, requireRole('admin'))
app.delete('/api/admin/users/:id', async (req, res) => {
  await db.user.delete({ where: { id: req.params.id } })
  res.sendStatus(204)
})
app.delete('/api/administrators/:id', async (req, res) => {
  await db.administrator.delete({ where: { id: req.params.id } })
  res.sendStatus(204)
})
app.route('/api/books/:id')
  .put(async (req, res) => res.json(await db.book.update({ where: { id: req.params.id }, data: req.body })))
  .delete(requireUser, async (req, res) => {
    await db.book.delete({ where: { id: req.params.id } })
    res.sendStatus(204)
  })
module.exports = app
`,
    }),
    [
      'no-unauthenticated-handler: Handler `DELETE /api/administrators/:id` writes to `db.administrator` without authenticating the caller. @api/index.js:10',
      'no-unauthenticated-handler: Handler `PUT /api/books/:id` writes to `db.book` without authenticating the caller. @api/index.js:15',
    ],
  );
});

test('Express behind serverless-http: a router mounted twice is judged at each mount, and shown where its routes are written', () => {
  const root = project(
    {
      ...REDWOOD,
      'api/src/lib/auth.ts': EXPRESS_AUTH,
      'api/src/lib/routes/users.ts': `import { Router } from 'express'
import { db } from 'src/lib/db'
const users = Router()
users.get('/', async (_req, res) => res.json(await db.user.findMany()))
users.delete('/:id', async (req, res) => {
  await db.user.delete({ where: { id: req.params.id } })
  res.sendStatus(204)
})
export default users
`,
      'api/src/functions/api.ts': `import express from 'express'
import serverless from 'serverless-http'
import { requireUser, requireRole } from 'src/lib/auth'
import users from 'src/lib/routes/users'
const app = express()
app.use('/admin/users', requireUser, requireRole('admin'), users)
app.use('/public/users', users)
export const handler = serverless(app)
`,
    },
  );
  const found = scanRules(root, ['no-unauthenticated-handler']).findings;
  assert.deepEqual(
    found.map((f) => [f.message, `${path.relative(root, f.location.file)}:${f.location.startPos.line}`, ...f.related.map((r) => `${path.relative(root, r.file)}:${r.startPos.line} ${r.message}`)]),
    [
      [
        'Handler `DELETE /public/users/:id` writes to `db.user` without authenticating the caller.',
        'api/src/functions/api.ts:8',
        'api/src/lib/routes/users.ts:5 `DELETE /public/users/:id` is registered here.',
        'api/src/functions/api.ts:7 Its router is mounted here.',
        'api/src/lib/routes/users.ts:6 The handler writes to `db.user` here.',
      ],
      [
        'Handler `GET /public/users` reads `db.user` without authenticating the caller.',
        'api/src/functions/api.ts:8',
        'api/src/lib/routes/users.ts:4 `GET /public/users` is registered here.',
        'api/src/functions/api.ts:7 Its router is mounted here.',
        'api/src/lib/routes/users.ts:4 The handler reads `db.user` here.',
      ],
    ],
  );
});

test('package auth middleware refuses callers; optional modes, decoders and unknown packages are told apart', () => {
  assert.deepEqual(
    findings({
      ...REDWOOD,
      'api/src/functions/api.ts': `import express from 'express'
import serverless from 'serverless-http'
import cors from 'cors'
import multer from 'multer'
import { expressjwt } from 'express-jwt'
import { auth } from 'express-oauth2-jwt-bearer'
import passport from 'passport'
import { clerkMiddleware, requireAuth } from '@clerk/express'
import { tenantGate } from '@acme/tenant-gate'
import { db } from 'src/lib/db'
const upload = multer()
const checkJwt = auth({ audience: 'https://api.example.com', issuerBaseURL: 'https://example.auth0.com/' })
const app = express()
app.use(cors(), express.json(), clerkMiddleware())
app.post('/jwt', expressjwt({ secret: process.env.JWT_SECRET!, algorithms: ['HS256'] }), async (req, res) => res.json(await db.order.create({ data: req.body })))
app.post('/auth0', checkJwt, async (req, res) => res.json(await db.order.create({ data: req.body })))
app.post('/passport', passport.authenticate('jwt', { session: false }), async (req, res) => res.json(await db.order.create({ data: req.body })))
app.post('/clerk', requireAuth(), async (req, res) => res.json(await db.order.create({ data: req.body })))
app.post('/tenant', tenantGate(), async (req, res) => res.json(await db.order.create({ data: req.body })))
app.post('/optional', expressjwt({ secret: process.env.JWT_SECRET!, algorithms: ['HS256'], credentialsRequired: false }), async (req, res) => res.json(await db.order.create({ data: req.body })))
app.post('/anonymous', passport.authenticate('anonymous'), async (req, res) => res.json(await db.order.create({ data: req.body })))
app.post('/upload', upload.single('file'), async (req, res) => res.json(await db.file.create({ data: { name: req.file!.originalname } })))
export const handler = serverless(app)
`,
    }),
    [
      'no-unauthenticated-handler: Handler `POST /optional` writes to `db.order` without authenticating the caller. @api/src/functions/api.ts:20',
      'no-unauthenticated-handler: Handler `POST /anonymous` writes to `db.order` without authenticating the caller. @api/src/functions/api.ts:21',
      'no-unauthenticated-handler: Handler `POST /upload` writes to `db.file` without authenticating the caller. @api/src/functions/api.ts:22',
    ],
  );
});

test('Hono: basePath, middleware on a path pattern, createMiddleware helpers and c.json(..., 401) refusals', () => {
  const auth = `import { createMiddleware } from 'hono/factory'
export const requireSession = createMiddleware(async (c, next) => {
  const token = c.req.header('authorization')
  if (!token || !(await isValidSession(token))) return c.json({ error: 'Unauthorized' }, 401)
  await next()
})
async function isValidSession(token: string) {
  return token.length > 20
}
`;
  const app = (check: string) => `import { Hono } from 'hono'
import { handle } from 'hono/vercel'
import { bearerAuth } from 'hono/bearer-auth'
import { logger } from 'hono/logger'
import { db } from '../lib/db'
import { requireSession } from '../lib/auth'
const app = new Hono().basePath('/api')
app.use('*', logger())
app.post('/posts', async (c) => {
  await db.post.create({ data: await c.req.json() })
  return c.json({ ok: true })
})
app.use('/admin/*', bearerAuth({ token: process.env.ADMIN_TOKEN! }))
app.delete('/admin/users/:id', async (c) => {
  await db.user.delete({ where: { id: c.req.param('id') } })
  return c.body(null, 204)
})
app.delete('/comments/:id', ${check}, async (c) => {
  await db.comment.delete({ where: { id: c.req.param('id') } })
  return c.body(null, 204)
})
export default handle(app)
`;
  const open = 'no-unauthenticated-handler: Handler `POST /api/posts` writes to `db.post` without authenticating the caller. @api/index.ts:9';
  assert.deepEqual(findings({ ...VERCEL, 'lib/auth.ts': auth, 'api/index.ts': app('requireSession') }), [open]);
  // The same helper without its refusal checks nobody.
  assert.deepEqual(findings({ ...VERCEL, 'lib/auth.ts': auth.replace("c.json({ error: 'Unauthorized' }, 401)", "c.json({ error: 'Unauthorized' }, 200)"), 'api/index.ts': app('requireSession') }), [
    open,
    'no-unauthenticated-handler: Handler `DELETE /api/comments/:id` writes to `db.comment` without authenticating the caller. @api/index.ts:18',
  ]);
});

test('Hono in a Next.js route: each method export reaches its own routes, and a route is judged once', () => {
  assert.deepEqual(
    findings({
      'package.json': JSON.stringify({ name: 'site', private: true, dependencies: { next: '15.0.0', hono: '4.6.0' } }),
      'next.config.js': 'module.exports = {}\n',
      'lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
      'app/api/[[...route]]/route.ts': `import { Hono } from 'hono'
import { handle } from 'hono/vercel'
import { db } from '../../../lib/db'
const app = new Hono().basePath('/api')
app.get('/users', async (c) => c.json(await db.user.findMany()))
app.delete('/users/:id', async (c) => {
  await db.user.delete({ where: { id: c.req.param('id') } })
  return c.body(null, 204)
})
app.on(['POST', 'PUT'], '/orders', async (c) => c.json(await db.order.create({ data: await c.req.json() })))
export const GET = handle(app)
export const POST = handle(app)
`,
    }),
    [
      'no-unauthenticated-handler: Handler `GET /api/users` reads `db.user` without authenticating the caller. @app/api/[[...route]]/route.ts:5',
      'no-unauthenticated-handler: Handler `POST /api/orders` writes to `db.order` without authenticating the caller. @app/api/[[...route]]/route.ts:10',
    ],
  );
});

test('webhook routes: an unverified one is reported by its path, a Stripe or Twilio check verifies', () => {
  assert.deepEqual(
    findings({
      ...REDWOOD,
      'api/src/functions/hooks.ts': `import express from 'express'
import serverless from 'serverless-http'
import Stripe from 'stripe'
import twilio from 'twilio'
import { db } from 'src/lib/db'
const stripe = new Stripe(process.env.STRIPE_KEY!)
const app = express()
app.post('/webhooks/:provider', express.json(), async (req, res) => {
  await db.push.create({ data: { sha: req.body.after } })
  res.sendStatus(200)
})
app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async (req, res) => {
  const event = stripe.webhooks.constructEvent(req.body, req.get('stripe-signature')!, process.env.STRIPE_WEBHOOK_SECRET!)
  await db.payment.upsert({ where: { eventId: event.id }, create: { eventId: event.id }, update: {} })
  res.sendStatus(200)
})
app.post('/sms', twilio.webhook(), async (req, res) => {
  await db.message.create({ data: { from: req.body.From, text: req.body.Body } })
  res.type('text/xml').send('<Response/>')
})
export const handler = serverless(app)
`,
    }),
    [
      "require-webhook-verification: Webhook handler `POST /webhooks/:provider` writes to `db.push` without verifying the payload's signature. @api/src/functions/hooks.ts:8",
      'require-replay-protection: Webhook handler `POST /sms` verifies with Twilio `webhook()` but neither checks a timestamp nor de-duplicates events. @api/src/functions/hooks.ts:17',
    ],
  );
});

test("a Cloudflare Worker's Hono app, exported as `{ fetch: app.fetch }`, is judged route by route with its bindings", () => {
  assert.deepEqual(
    findings({
      'wrangler.toml': 'name = "orders-api"\nmain = "src/index.ts"\n',
      'src/index.ts': `import { Hono } from 'hono'
type Env = { DB: D1Database; API_TOKEN: string }
const app = new Hono<{ Bindings: Env }>()
app.delete('/orders/:id', async (c) => {
  await c.env.DB.prepare('DELETE FROM orders WHERE id = ?').bind(c.req.param('id')).run()
  return c.body(null, 204)
})
app.use('/admin/*', async (c, next) => {
  if (c.req.header('authorization') !== \`Bearer \${c.env.API_TOKEN}\`) return c.text('Unauthorized', 401)
  await next()
})
app.delete('/admin/orders', async (c) => {
  await c.env.DB.prepare('DELETE FROM orders').run()
  return c.body(null, 204)
})
export default { fetch: app.fetch, async scheduled() {} }
`,
    }),
    ['no-unauthenticated-handler: Handler `DELETE /orders/:id` writes to `orders` with `DELETE` without authenticating the caller. @src/index.ts:4'],
  );
});

test("Express: `app.all(path, check)` runs before the routes after it on its path, as Express's own example uses it", () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'lib/auth.ts': EXPRESS_AUTH,
      'api/index.js': `const express = require('express')
const { db } = require('../lib/db')
const { requireUser } = require('../lib/auth')
const app = express()
app.delete('/api/open/:id', async (req, res) => {
  await db.user.delete({ where: { id: req.params.id } })
  res.sendStatus(204)
})
app.all('/api/admin/*', requireUser)
app.delete('/api/admin/users/:id', async (req, res) => {
  await db.user.delete({ where: { id: req.params.id } })
  res.sendStatus(204)
})
module.exports = app
`,
    }),
    ['no-unauthenticated-handler: Handler `DELETE /api/open/:id` writes to `db.user` without authenticating the caller. @api/index.js:5'],
  );
});

test('paths: lists, `:param` segments, constants in templates, and `.unless()` exclusions decide which routes middleware covers', () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'api/index.js': `const express = require('express')
const { expressjwt } = require('express-jwt')
const { db } = require('../lib/db')
const API = '/api/v1'
function requireKey(req, res, next) {
  if (req.headers['x-key'] !== process.env.ADMIN_KEY) return res.status(403).end()
  next()
}
const app = express()
app.use(['/api/internal', '/api/ops'], requireKey)
app.post('/api/ops/reindex', async (req, res) => res.json(await db.user.updateMany({ data: { indexed: false } })))
app.use('/api/teams/:teamId', requireKey)
app.put('/api/teams/:teamId/settings', async (req, res) => res.json(await db.team.update({ where: { id: req.params.teamId }, data: req.body })))
app.delete('/api/other/:id', async (req, res) => res.json(await db.user.delete({ where: { id: req.params.id } })))
app.use(\`\${API}/admin\`, requireKey)
app.delete(\`\${API}/admin/users/:id\`, async (req, res) => res.json(await db.user.delete({ where: { id: req.params.id } })))
app.delete(\`\${API}/contacts/:id\`, async (req, res) => res.json(await db.contact.delete({ where: { id: req.params.id } })))
app.use('/api/v2', expressjwt({ secret: process.env.JWT_SECRET, algorithms: ['HS256'] }).unless({ path: ['/api/v2/login', /^\\/api\\/v2\\/public\\//] }))
app.get('/api/v2/orders', async (req, res) => res.json(await db.order.findMany()))
app.get('/api/v2/public/customers', async (req, res) => res.json(await db.customer.findMany()))
module.exports = app
`,
    }),
    [
      'no-unauthenticated-handler: Handler `DELETE /api/other/:id` writes to `db.user` without authenticating the caller. @api/index.js:14',
      'no-unauthenticated-handler: Handler `DELETE /api/v1/contacts/:id` writes to `db.contact` without authenticating the caller. @api/index.js:17',
      'no-unauthenticated-handler: Handler `GET /api/v2/public/customers` reads `db.customer` without authenticating the caller. @api/index.js:20',
    ],
  );
});

test('Express checks: `req.user` guards and Passport callbacks refuse; a 401 that falls through to `next()` or an anonymous strategy does not', () => {
  assert.deepEqual(
    findings({
      ...REDWOOD,
      'api/src/lib/passport.js': "const passport = require('passport')\nmodule.exports = passport\n",
      'api/src/functions/api.js': `const express = require('express')
const serverless = require('serverless-http')
const passport = require('src/lib/passport')
const { db } = require('src/lib/db')
const app = express()
app.use(passport.initialize())
function leakyKey(req, res, next) {
  if (req.headers['x-api-key'] !== process.env.DASHBOARD_API_KEY) {
    res.status(401).json({ error: 'bad api key' })
  }
  next()
}
app.get('/contacts', async (req, res) => {
  if (!req.user) return res.sendStatus(401)
  res.json(await db.contact.findMany({ where: { ownerId: req.user.id } }))
})
app.get('/settings', (req, res, next) => {
  passport.authenticate('jwt', { session: false }, (err, user) => {
    if (err) return next(err)
    if (!user) return res.status(401).json({ error: 'Unauthorized' })
    req.user = user
    next()
  })(req, res, next)
}, async (req, res) => res.json(await db.user.findUnique({ where: { id: req.user.id } })))
app.get('/orders', passport.authenticate(['jwt', 'anonymous'], { session: false }), async (req, res) => res.json(await db.order.findMany()))
app.get('/invoices', leakyKey, async (req, res) => res.json(await db.invoice.findMany()))
module.exports.handler = serverless(app)
`,
    }),
    [
      'no-unauthenticated-handler: Handler `GET /orders` reads `db.order` without authenticating the caller. @api/src/functions/api.js:25',
      'no-unauthenticated-handler: Handler `GET /invoices` reads `db.invoice` without authenticating the caller. @api/src/functions/api.js:26',
    ],
  );
});

test("an authorizer in serverless.yml stands in front of every route of the app its function serves", () => {
  const files = {
    'package.json': '{ "name": "jobs", "private": true }',
    'serverless.yml': 'service: jobs\nprovider:\n  name: aws\nfunctions:\n  admin:\n    handler: src/admin.handler\n    events:\n      - http:\n          path: /admin/{proxy+}\n          method: any\n          authorizer: aws_iam\n',
    'src/admin.ts': `import { Hono } from 'hono'
import { handle } from 'hono/aws-lambda'
import { PrismaClient } from '@prisma/client'
const db = new PrismaClient()
const app = new Hono()
app.delete('/admin/jobs/:id', async (c) => c.json(await db.job.delete({ where: { id: c.req.param('id') } })))
export const handler = handle(app)
`,
  };
  assert.deepEqual(findings(files), []);
  assert.deepEqual(findings({ ...files, 'serverless.yml': files['serverless.yml'].replace('          authorizer: aws_iam\n', '') }), [
    'no-unauthenticated-handler: Handler `DELETE /admin/jobs/:id` writes to `db.job` without authenticating the caller. @src/admin.ts:6',
  ]);
});

test('Hono: a middleware that only tests for an Authorization header checks nobody', () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'api/index.ts': `import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { db } from '../lib/db'
const requireBearer = createMiddleware(async (c, next) => {
  if (!c.req.header('Authorization')?.startsWith('Bearer ')) return c.json({ error: 'unauthorized' }, 401)
  await next()
})
const app = new Hono()
app.delete('/api/contacts/:id', requireBearer, async (c) => c.json(await db.contact.delete({ where: { id: c.req.param('id') } })))
export default app
`,
    }),
    ['no-unauthenticated-handler: Handler `DELETE /api/contacts/:id` writes to `db.contact` without authenticating the caller. @api/index.ts:9'],
  );
});

test("Hono: a route that refuses when the auth middleware set no user (`c.get('user')`) authenticates", () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'api/index.ts': `import { Hono } from 'hono'
import { db } from '../lib/db'
const app = new Hono()
app.delete('/api/notes/:id', async (c) => {
  const user = c.get('user')
  if (!user) return c.json({ error: 'unauthorized' }, 401)
  return c.json(await db.note.delete({ where: { id: c.req.param('id'), ownerId: user.id } }))
})
app.delete('/api/drafts/:id', async (c) => c.json(await db.note.delete({ where: { id: c.req.param('id') } })))
export default app
`,
    }),
    ['no-unauthenticated-handler: Handler `DELETE /api/drafts/:id` writes to `db.note` without authenticating the caller. @api/index.ts:9'],
  );
});

test('Express: a middleware that calls next() only when req.user is set guards the routes behind it', () => {
  const app = (guard: string) => `import express from 'express'
import { db } from '../lib/db'
function requireUser(req, res, next) {
  ${guard}
}
const app = express()
app.get('/api/invoices', requireUser, async (req, res) => res.json(await db.invoice.findMany({ where: { userId: req.user.id } })))
export default app
`;
  assert.deepEqual(findings({ ...VERCEL, 'api/index.ts': app("if (req.user) {\n    next()\n  } else {\n    res.status(401).json({ error: 'Sign in first' })\n  }") }), []);
  assert.deepEqual(findings({ ...VERCEL, 'api/index.ts': app("return req.user ? next() : res.sendStatus(401)") }), []);
  // A next() outside the guarded branch lets everyone through.
  assert.deepEqual(findings({ ...VERCEL, 'api/index.ts': app("if (req.user) {\n    res.locals.user = req.user\n  }\n  next()") }), [
    'no-unauthenticated-handler: Handler `GET /api/invoices` reads `db.invoice` on a path that skips its check of the caller (`req.user`). @api/index.ts:10',
  ]);
});

test('an app handed to a function (`configureAuth(app)`) may get middleware out of sight: the routes after it get the benefit of the doubt', () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'lib/setup.ts': "import { requireUser } from './auth'\nexport function configureAuth(app) {\n  app.use(requireUser)\n}\n",
      'lib/auth.ts': EXPRESS_AUTH,
      'api/index.ts': `import express from 'express'
import { db } from '../lib/db'
import { configureAuth } from '../lib/setup'
const app = express()
app.delete('/api/early/:id', async (req, res) => res.json(await db.user.delete({ where: { id: req.params.id } })))
configureAuth(app)
app.delete('/api/users/:id', async (req, res) => res.json(await db.user.delete({ where: { id: req.params.id } })))
export default app
`,
    }),
    ['no-unauthenticated-handler: Handler `DELETE /api/early/:id` writes to `db.user` without authenticating the caller. @api/index.ts:5'],
  );
});

test("a package setup known to protect nothing (Kinde's setupKinde(config, app)) leaves the routes after it judged", () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'api/index.ts': `import express from 'express'
import { protectRoute, setupKinde } from '@kinde-oss/kinde-node-express'
import { db } from '../lib/db'
const app = express()
setupKinde({ clientId: process.env.KINDE_CLIENT_ID!, secret: process.env.KINDE_CLIENT_SECRET! }, app)
app.get('/api/dashboard', protectRoute, async (req, res) => res.json(await db.order.findMany()))
app.get('/api/orders', async (req, res) => res.json(await db.order.findMany({ where: { kindeId: String(req.query.userId) } })))
export default app
`,
    }),
    ['no-unauthenticated-handler: Handler `GET /api/orders` reads `db.order` without authenticating the caller. @api/index.ts:7'],
  );
});

test('middleware used in a branch (`if (isProd) app.use(requireUser)`) gives the routes after it the benefit of the doubt', () => {
  assert.deepEqual(
    findings({
      ...VERCEL,
      'lib/auth.ts': EXPRESS_AUTH,
      'api/index.ts': `import express from 'express'
import { db } from '../lib/db'
import { requireUser } from '../lib/auth'
const app = express()
if (process.env.NODE_ENV === 'production') {
  app.use(requireUser)
}
app.delete('/api/users/:id', async (req, res) => res.json(await db.user.delete({ where: { id: req.params.id } })))
export default app
`,
    }),
    [],
  );
});
