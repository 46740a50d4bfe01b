import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FnscanConfig } from '../src/core/config';
import { LIBRARY_CALL_NAMES } from '../src/analysis/behaviour';
import { scanRules, tempDir, tempProject, writeFiles } from './support/project';

/**
 * Shapes of real handler code beyond the fixture apps, each as a tiny Redwood app:
 * the verdict of the three handler rules (`rule:messageId@file:line`).
 */
const HANDLER_RULES = ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection'];

function verdicts(files: Record<string, string>, config: FnscanConfig = {}): string[] {
  const root = tempProject({ 'redwood.toml': '[web]\n', ...files }, 'fnscan-handlers-');
  return scanRules(root, HANDLER_RULES, { config }).findings.map(
    (f) => `${f.ruleId}:${f.messageId}@${path.relative(root, f.location.file)}:${f.location.startPos.line}`,
  );
}

const DB = { 'api/src/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n" };

test('an aliased verifyEvent import is still Redwood verification', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/hook.ts': `import { verifyEvent as check } from '@redwoodjs/api/webhooks'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  check('skipVerifier', { event })
  await db.lead.create({ data: JSON.parse(event.body) })
  return { statusCode: 200 }
}
`,
    }),
    ['require-webhook-verification:skipVerifier@api/src/functions/hook.ts:4'],
  );
});

test('a namespace import of the webhooks module and a CommonJS handler', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/hook.js': `const webhooks = require('@redwoodjs/api/webhooks')
const { db } = require('src/lib/db')
exports.handler = async (event) => {
  webhooks.verifyEvent('timestampSchemeVerifier', { event, secret: process.env.WEBHOOK_SECRET })
  await db.lead.create({ data: JSON.parse(event.body) })
  return { statusCode: 200 }
}
`,
    }),
    [],
  );
});

test('a local verifyEvent that is not Redwood is not taken for verification', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/stripeHook.ts': `import { db } from 'src/lib/db'
const verifyEvent = (_type: string, _opts: unknown) => true
export const handler = async (event) => {
  verifyEvent('sha256Verifier', { event })
  const { orderId } = JSON.parse(event.body)
  await db.order.update({ where: { id: orderId }, data: { paid: true } })
  return { statusCode: 200 }
}
`,
    }),
    ['require-webhook-verification:unverified@api/src/functions/stripeHook.ts:3'],
  );
});

test('hasRole guarding a 403 authenticates; a bare isAuthenticated() call does not', () => {
  const lib = {
    ...DB,
    'api/src/lib/auth.ts': `export const isAuthenticated = () => !!context.currentUser
export const hasRole = (role: string) => context.currentUser?.roles === role
`,
  };
  assert.deepEqual(
    verdicts({
      ...lib,
      'api/src/functions/admin.ts': `import { hasRole } from 'src/lib/auth'
import { db } from 'src/lib/db'
export const handler = async () => {
  if (!hasRole('admin')) return { statusCode: 403 }
  await db.user.deleteMany({ where: { banned: true } })
  return { statusCode: 204 }
}
`,
    }),
    [],
  );
  assert.deepEqual(
    verdicts({
      ...lib,
      'api/src/functions/admin.ts': `import { isAuthenticated } from 'src/lib/auth'
import { db } from 'src/lib/db'
export const handler = async () => {
  isAuthenticated()
  await db.user.deleteMany({ where: { banned: true } })
  return { statusCode: 204 }
}
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/admin.ts:3'],
  );
});

test('export { handler } and a handler defined as a local function declaration', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/purge/purge.ts': `import { db } from 'src/lib/db'
async function purge() {
  await db.session.deleteMany({})
  return { statusCode: 204 }
}
const handler = purge
export { handler }
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/purge/purge.ts:7'],
  );
});

test('a package wrapper fnscan cannot see into gets the benefit of the doubt', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/api.ts': `import serverless from 'serverless-http'
import express from 'express'
const app = express()
export const handler = serverless(app)
`,
    }),
    [],
  );
});

test('publicFunctions in the config silences the unauthenticated rule only', () => {
  const files = {
    ...DB,
    'api/src/functions/status.ts': `export const handler = async () => ({ statusCode: 200, body: 'ok' })
`,
    'api/src/functions/stats/index.ts': `import { db } from 'src/lib/db'
export const handler = async () => ({ statusCode: 200, body: String(await db.order.count()) })
`,
  };
  assert.deepEqual(verdicts(files), [
    'no-unauthenticated-handler:unauthenticated@api/src/functions/stats/index.ts:2',
  ]);
  assert.deepEqual(verdicts(files, { publicFunctions: ['status', 'api/src/functions/stats/**'] }), []);
});

test('a helper that verifies before calling the handler, found through a relative import and index file', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/hooks/index.ts': `import { verifyEvent } from '@redwoodjs/api/webhooks'
export function verified(fn) {
  return async (event, context) => {
    verifyEvent('sha256Verifier', { event, secret: process.env.HOOK_SECRET, options: { eventTimestamp: Number(event.headers['x-ts']), tolerance: 300000 } })
    return fn(event, context)
  }
}
`,
      'api/src/functions/hook.ts': `import { verified } from '../lib/hooks'
import { db } from 'src/lib/db'
export const handler = verified(async (event) => {
  await db.payment.create({ data: JSON.parse(event.body) })
  return { statusCode: 200 }
})
`,
    }),
    [],
  );
});

test('Stripe constructEventAsync with an explicit two-hour tolerance is a weak window', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/stripe.ts': `import Stripe from 'stripe'
import { db } from 'src/lib/db'
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY)
export const handler = async (event) => {
  const evt = await stripe.webhooks.constructEventAsync(event.body, event.headers['stripe-signature'], process.env.STRIPE_WEBHOOK_SECRET, 7200)
  await db.payment.create({ data: { amount: evt.data.object.amount } })
  return { statusCode: 200 }
}
`,
    }),
    ['require-replay-protection:weakWindow@api/src/functions/stripe.ts:5'],
  );
});

test('Twilio validateRequest whose result is ignored, and one that is checked', () => {
  const handler = (check: string) => `import twilio from 'twilio'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const params = Object.fromEntries(new URLSearchParams(event.body))
  ${check}
  await db.message.create({ data: { body: params.Body } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({ ...DB, 'api/src/functions/sms.ts': handler("twilio.validateRequest(process.env.TWILIO_AUTH_TOKEN, event.headers['x-twilio-signature'], 'https://x.example/sms', params)") }),
    ['require-webhook-verification:resultIgnored@api/src/functions/sms.ts:5'],
  );
  assert.deepEqual(
    verdicts({ ...DB, 'api/src/functions/sms.ts': handler("if (!twilio.validateRequest(process.env.TWILIO_AUTH_TOKEN, event.headers['x-twilio-signature'], 'https://x.example/sms', params)) return { statusCode: 403 }") }),
    ['require-replay-protection:noReplayProtection@api/src/functions/sms.ts:5'],
  );
});

test('a package signature check (openpgp) deciding a refusal authenticates; one whose result is ignored does not', () => {
  const handler = (check: string) => `import * as openpgp from 'openpgp'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const message = await openpgp.readCleartextMessage({ cleartextMessage: event.body })
  const keys = await db.signingKey.findMany({ where: { approved: true } })
  ${check}
  await db.thread.create({ data: { text: message.getText() } })
  return { statusCode: 201 }
}
`;
  assert.deepEqual(
    verdicts({ ...DB, 'api/src/functions/post.ts': handler("const { signatures } = await openpgp.verify({ message, verificationKeys: keys })\n  try { await signatures[0].verified } catch { return { statusCode: 401 } }") }),
    [],
  );
  assert.deepEqual(
    verdicts({ ...DB, 'api/src/functions/post.ts': handler('await openpgp.verify({ message, verificationKeys: keys })') }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/post.ts:3'],
  );
});

test('a SAM function URL with AuthType NONE: a warning even with no sensitive work, pointing at the template', () => {
  // A SAM project, not a Redwood app: no redwood.toml.
  const root = tempDir('fnscan-sam-');
  writeFiles(root,
    {
      'template.yaml': [
        'Resources:',
        '  PingFunction:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      CodeUri: src/',
        '      Handler: ping.handler',
        '      FunctionUrlConfig:',
        '        AuthType: NONE',
        '',
      ].join('\n'),
      'src/ping.mjs': "export const handler = async () => ({ statusCode: 200, body: 'pong' })\n",
    },
  );
  const { findings } = scanRules(root, HANDLER_RULES);
  assert.deepEqual(
    findings.map((f) => `${f.messageId}:${f.level}@${path.relative(root, f.location.file)}:${f.location.startPos.line}`),
    ['openFunctionUrl:warning@src/ping.mjs:1'],
  );
  assert.deepEqual(findings[0].related.map((r) => `${path.relative(root, r.file)}:${r.startPos.line}`), ['template.yaml:8']);
});

test('Twilio webhook middleware with validate: false is a disabled check', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/voice.ts': `import twilio from 'twilio'
import serverless from 'serverless-http'
import express from 'express'
import { db } from 'src/lib/db'
const app = express()
app.post('/voice', twilio.webhook({ validate: false }), async (req, res) => {
  await db.call.create({ data: { from: req.body.From } })
  res.type('text/xml').send('<Response/>')
})
export const handler = serverless(app)
`,
    }),
    ['require-webhook-verification:validateOff@api/src/functions/voice.ts:6'],
  );
});

test('a custom check of a caller credential that answers 401 authenticates; a signature presence check does not', () => {
  const lib = {
    ...DB,
    'api/src/lib/token.ts': `export class Token {
  constructor(private readonly value: string) {}
  isValid(): boolean {
    return this.value.split('.').length === 3
  }
}
export const tokenFromHeaders = (headers: Record<string, string | undefined>) => headers.authorization?.replace(/^Bearer /, '')
`,
  };
  assert.deepEqual(
    verdicts({
      ...lib,
      'api/src/functions/mailboxes.ts': `import { db } from 'src/lib/db'
import { Token, tokenFromHeaders } from 'src/lib/token'
export const handler = async (event) => {
  const token = new Token(tokenFromHeaders(event.headers) ?? '')
  if (!token.isValid()) {
    return { statusCode: 401, body: 'Invalid token' }
  }
  return { statusCode: 200, body: JSON.stringify(await db.mailbox.findMany()) }
}
`,
    }),
    [],
  );
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/orders.ts': `import { db } from 'src/lib/db'
export const handler = async (event) => {
  const order = await db.order.findUnique({ where: { id: event.queryStringParameters.id } })
  if (!order) {
    return { statusCode: 403, body: 'No such order' }
  }
  return { statusCode: 200, body: JSON.stringify(order) }
}
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/orders.ts:2'],
  );
});

test('every name onLibraryCall tests for is in the set that lets other calls skip its branches', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', 'src', 'analysis', 'behaviour.ts'), 'utf8');
  const start = source.indexOf('private onLibraryCall(');
  const body = source.slice(start, source.indexOf('\n  private ', start + 1));
  const named = [...body.matchAll(/name === '([A-Za-z]+)'/g)].map((m) => m[1]);
  const alternations = [...body.matchAll(/\/\^\(([A-Za-z|]+)\)\$\/\.test\(name\)/g)].flatMap((m) => m[1].split('|'));
  assert.ok(named.length > 15 && alternations.length > 5, `${named.length} names, ${alternations.length} in alternations`);
  for (const name of [...named, ...alternations]) assert.ok(LIBRARY_CALL_NAMES.has(name), `${name} is missing from LIBRARY_CALL_NAMES`);
});

test('the work a call does is named the same whatever the shape of its callee', () => {
  const handlerDoing = (imports: string, body: string): string[] => {
    const root = tempProject(
      {
        'redwood.toml': '[web]\n',
        ...DB,
        'api/src/functions/job.ts': `${imports}\nexport const handler = async (event) => {\n  ${body}\n  return { statusCode: 200 }\n}\n`,
      },
      'fnscan-callee-shapes-',
    );
    return scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => f.message);
  };
  const fromDb = "import { db } from 'src/lib/db'";
  const cases: Array<[string, string, string, string | undefined]> = [
    ['a model call', fromDb, 'await db.user.create({ data: {} })', 'writes to `db.user`'],
    ['a model named by a string key', fromDb, "await db['user'].create({ data: {} })", 'writes to `db.user`'],
    ['an operation named by a string key', fromDb, "await db.user['deleteMany']({})", 'writes to `db.user`'],
    ['a raw write', fromDb, "await db.$executeRawUnsafe('DELETE FROM sessions')", 'writes to the database'],
    ['a read of a public model', fromDb, 'await db.post.findMany()', undefined],
    ['an SDK send', "import sgMail from '@sendgrid/mail'", 'await sgMail.send({ to: event.body })', 'sends messages with `sgMail.send`'],
    ['a sender imported under another name', "import { sendMail as deliver } from 'mail-kit'", 'await deliver({ to: event.body })', 'sends messages with `deliver`'],
    ['a bare SDK function', "import { sendEmailWithTemplate } from 'postmark-lite'", 'await sendEmailWithTemplate({})', 'sends messages with `sendEmailWithTemplate`'],
    ['an HTTP client called directly', "import got from 'got'", 'await got(event.body, { headers: { authorization: `Bearer ${process.env.PARTNER_TOKEN}` } })', 'calls a third-party API with `process.env.PARTNER_TOKEN`'],
    ['an HTTP client method not named like a verb', "import ky from 'ky'", "await ky.get(event.body, { headers: { 'x-api-key': process.env.PARTNER_API_KEY } })", 'calls a third-party API with `process.env.PARTNER_API_KEY`'],
    ['a client built with a secret', "import Stripe from 'stripe'\nconst stripe = new Stripe(process.env.STRIPE_SECRET_KEY)", 'await stripe.refunds.create({ charge: event.body })', 'calls `stripe.refunds.create` with `process.env.STRIPE_SECRET_KEY`'],
    ['a global that shares a client method name', '', 'await console.log(event.body)', undefined],
  ];
  for (const [shape, imports, body, work] of cases) {
    const messages = handlerDoing(imports, body);
    if (work === undefined) assert.deepEqual(messages, [], shape);
    else assert.ok(messages.length === 1 && messages[0].includes(work), `${shape}: ${JSON.stringify(messages)}`);
  }
});

test('a catch that records the failure in a flag checked before the work is not a swallowed verification', () => {
  const hook = (afterCatch: string) => `import { verifyEvent } from '@redwoodjs/api/webhooks'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  let verified = true
  try {
    verifyEvent('timestampSchemeVerifier', { event, secret: process.env.FORMS_WEBHOOK_SECRET })
  } catch {
    verified = false
  }
${afterCatch}
  await db.formSubmission.create({ data: { email: JSON.parse(event.body).email, verified } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/checked.ts': hook('  if (!verified) {\n    return { statusCode: 401 }\n  }'),
      'api/src/functions/logged.ts': hook("  if (!verified) console.warn('unverified')"),
      'api/src/functions/unchecked.ts': hook(''),
    }),
    [
      'require-webhook-verification:swallowed@api/src/functions/logged.ts:6',
      'require-webhook-verification:swallowed@api/src/functions/unchecked.ts:6',
    ],
  );
});

test("a try that ends the handler, whose catch answers 400 without returning, carries on with nothing (Svix's guide)", () => {
  const hook = (after: string) => `import { Webhook } from 'svix'
import { db } from './_db'
export default async function handler(req, res) {
  try {
    const msg = new Webhook(process.env.SVIX_SECRET).verify(req.body, req.headers)
    await db.delivery.create({ data: { id: msg.id } })
    res.status(204).end()
  } catch {
    res.status(400).end()
  }
${after}}
`;
  const root = tempDir('fnscan-vercel-catch-');
  writeFiles(root, {
    'api/_db.ts': DB['api/src/lib/db.ts'],
    'vercel.json': '{}',
    'api/last.ts': hook(''),
    'api/more.ts': hook('  await db.audit.create({ data: { at: new Date() } })\n'),
    // The try ends a branch that ends the handler.
    'api/branch.ts': hook('').replace('  try {', "  if (req.method === 'POST') {\n  try {").replace('    res.status(400).end()\n  }\n', '    res.status(400).end()\n  }\n  }\n'),
  });
  assert.deepEqual(
    scanRules(root, HANDLER_RULES).findings.map((f) => `${f.ruleId}:${f.messageId}@${path.relative(root, f.location.file)}:${f.location.startPos.line}`),
    ['require-webhook-verification:swallowed@api/more.ts:5'],
  );
});

test('tolerances written as constants, here, in options objects or in a helper module, are evaluated', () => {
  const redwood = (imports: string, options: string) => `import { verifyEvent } from '@redwoodjs/api/webhooks'
import { db } from 'src/lib/db'
${imports}
export const handler = async (event) => {
  verifyEvent('timestampSchemeVerifier', { event, secret: process.env.JOBS_WEBHOOK_SECRET, options: ${options} })
  await db.job.create({ data: { payload: event.body } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/time.ts': 'export const MINUTE_MS = 60 * 1000\nexport const ONE_DAY_MS = 24 * 60 * MINUTE_MS\nexport const FIVE_MINUTES_MS = 5 * MINUTE_MS\n',
      'api/src/functions/local.ts': redwood('const ONE_DAY = 24 * 60 * 60 * 1000', '{ tolerance: ONE_DAY }'),
      'api/src/functions/imported.ts': redwood("import { ONE_DAY_MS } from 'src/lib/time'", '{ tolerance: ONE_DAY_MS }'),
      'api/src/functions/object.ts': redwood("import { ONE_DAY_MS } from 'src/lib/time'\nconst VERIFY_OPTIONS = { tolerance: ONE_DAY_MS + 0 }", 'VERIFY_OPTIONS'),
      'api/src/functions/short.ts': redwood("import { FIVE_MINUTES_MS } from 'src/lib/time'", '{ tolerance: FIVE_MINUTES_MS }'),
      'api/src/functions/unknown.ts': redwood('', '{ tolerance: Number(process.env.TOLERANCE) }'),
      'api/src/functions/stripe.ts': `import Stripe from 'stripe'
import { db } from 'src/lib/db'
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY)
const WEEK_SECONDS = 7 * 24 * 3600
export const handler = async (event) => {
  const evt = stripe.webhooks.constructEvent(event.body, event.headers['stripe-signature'], process.env.STRIPE_WEBHOOK_SECRET, WEEK_SECONDS)
  await db.payment.create({ data: { amount: evt.data.object.amount } })
  return { statusCode: 200 }
}
`,
    }),
    [
      'require-replay-protection:weakWindow@api/src/functions/imported.ts:5',
      'require-replay-protection:weakWindow@api/src/functions/local.ts:5',
      'require-replay-protection:weakWindow@api/src/functions/object.ts:6',
      'require-replay-protection:weakWindow@api/src/functions/stripe.ts:6',
    ],
  );
});

test('a credential only tested for presence does not authenticate; one handed to a check or compared does', () => {
  const endpoint = (body: string) => `import { db } from 'src/lib/db'
import { getUserFromToken } from 'src/lib/tokens'
export const handler = async (event) => {
${body}
  const orders = await db.order.findMany()
  return { statusCode: 200, body: JSON.stringify(orders) }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/tokens.ts': 'export const getUserFromToken = async (token) => (await fetch(`https://id.example/me`, { headers: { authorization: token } })).json()\n',
      'api/src/functions/header.ts': endpoint("  if (!event.headers.authorization) {\n    return { statusCode: 401 }\n  }"),
      'api/src/functions/cookie.ts': endpoint("  const cookie = event.headers.cookie ?? ''\n  if (!cookie.includes('session=')) return { statusCode: 401 }"),
      'api/src/functions/bearer.ts': endpoint("  const auth = event.headers.authorization\n  console.log('auth header present', !!auth)\n  if (!auth || !auth.startsWith('Bearer ')) return { statusCode: 401 }"),
      'api/src/functions/handed.ts': endpoint("  const token = event.headers.authorization\n  if (!token) return { statusCode: 401 }\n  const user = await getUserFromToken(token)\n  if (!user) return { statusCode: 401 }"),
      'api/src/functions/compared.ts': endpoint("  if (event.headers['x-api-key'] !== process.env.REPORTS_API_KEY) return { statusCode: 401 }"),
      'api/src/functions/either.ts': endpoint("  const token = event.headers.authorization || event.headers.Authorization\n  if (!token) return { statusCode: 401 }\n  await getUserFromToken(token)"),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/bearer.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/cookie.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/header.ts:3',
    ],
  );
});

test('a manual HMAC check comparing Buffers with .equals() or Buffer.compare() verifies (its timing is no-timing-unsafe-compare)', () => {
  const hook = (check: string) => `import crypto from 'node:crypto'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const sig = Buffer.from(event.headers['x-hub-signature-256'] ?? '')
  const expected = Buffer.from('sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(event.body).digest('hex'))
  ${check}
  await db.deployment.create({ data: { sha: JSON.parse(event.body).after } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/equals.ts': hook('if (!sig.equals(expected)) return { statusCode: 401 }'),
      'api/src/functions/compare.ts': hook('if (Buffer.compare(sig, expected) !== 0) return { statusCode: 401 }'),
      'api/src/functions/none.ts': hook("console.log('signature', sig.length)"),
    }),
    [
      // Verified, so the next question is replay (no delivery-id dedupe here).
      'require-replay-protection:noReplayProtection@api/src/functions/compare.ts:5',
      'require-replay-protection:noReplayProtection@api/src/functions/equals.ts:5',
      'require-webhook-verification:unverified@api/src/functions/none.ts:3',
    ],
  );
});

test('a middleware array (compose([withLogging, protect], fn)) wraps the handler with each of its functions', () => {
  const endpoint = (middlewares: string) => `import { compose, protect, withLogging } from 'src/lib/middleware'
import { db } from 'src/lib/db'
export const handler = compose([${middlewares}], async (event) => {
  await db.order.update({ where: { id: JSON.parse(event.body).id }, data: { status: 'shipped' } })
  return { statusCode: 200 }
})
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/middleware.ts': `export const protect = (fn) => async (event, context) => {
  if (event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) return { statusCode: 401 }
  return fn(event, context)
}
export const withLogging = (fn) => async (event, context) => {
  console.info('request', event.path)
  return fn(event, context)
}
export const compose = (middlewares, fn) => middlewares.reduceRight((acc, mw) => mw(acc), fn)
`,
      'api/src/functions/protected.ts': endpoint('withLogging, protect'),
      'api/src/functions/logged.ts': endpoint('withLogging'),
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/logged.ts:3'],
  );
});

test('checks whose answer is dropped authenticate nobody: an ignored hasRole(), a swallowed requireAuth() or jwt.verify, an unawaited async check, an uncalled isAuthenticated', () => {
  const auth = `export const isAuthenticated = () => !!context.currentUser
export const hasRole = (role) => {
  if (!isAuthenticated()) return false
  return context.currentUser.roles === role
}
export const requireAuth = ({ roles } = {}) => {
  if (!isAuthenticated()) throw new Error('Unauthenticated')
  if (roles && !hasRole(roles)) throw new Error('Forbidden')
}
export const requireApiKey = async (event) => {
  const key = await db.apiKey.findUnique({ where: { key: event.headers['x-api-key'] ?? '' } })
  if (!key) throw new Error('Unauthorized')
}
`;
  const endpoint = (imports: string, check: string) => `import jwt from 'jsonwebtoken'
import { db } from 'src/lib/db'
import { ${imports} } from 'src/lib/auth'
export const handler = async (event) => {
  let claims
${check}
  const orders = await db.order.findMany({ where: { userId: claims?.sub } })
  return { statusCode: 200, body: JSON.stringify(orders) }
}
`;
  const swallow = (inner: string, handler = "console.warn('denied', e)") => `  try {\n    ${inner}\n  } catch (e) {\n    ${handler}\n  }`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/auth.ts': `import { db } from 'src/lib/db'\n${auth}`,
      // Dropped answers.
      'api/src/functions/hasRoleIgnored.ts': endpoint('hasRole', "  hasRole('admin')"),
      'api/src/functions/hasRoleLogged.ts': endpoint('hasRole', "  const isAdmin = hasRole('admin')\n  console.info({ isAdmin })"),
      'api/src/functions/requireAuthSwallowed.ts': endpoint('requireAuth', swallow("requireAuth({ roles: 'admin' })")),
      'api/src/functions/jwtSwallowed.ts': endpoint('requireAuth', swallow("claims = jwt.verify(event.headers.authorization ?? '', process.env.JWT_SECRET)")),
      'api/src/functions/unawaited.ts': endpoint('requireApiKey', '  requireApiKey(event)'),
      'api/src/functions/uncalled.ts': endpoint('isAuthenticated', '  if (!isAuthenticated) return { statusCode: 401 }'),
      // The same checks deciding.
      'api/src/functions/hasRoleChecked.ts': endpoint('hasRole', "  if (!hasRole('admin')) return { statusCode: 403 }"),
      'api/src/functions/requireAuthRefused.ts': endpoint('requireAuth', swallow("requireAuth({ roles: 'admin' })", 'return { statusCode: 403 }')),
      'api/src/functions/jwtChecked.ts': endpoint('requireAuth', `${swallow("claims = jwt.verify(event.headers.authorization ?? '', process.env.JWT_SECRET)")}\n  if (!claims) return { statusCode: 401 }`),
      'api/src/functions/awaited.ts': endpoint('requireApiKey', '  await requireApiKey(event)'),
      'api/src/functions/called.ts': endpoint('isAuthenticated', '  if (!isAuthenticated()) return { statusCode: 401 }'),
    }).map((v) => v.replace(/:\d+$/, '')),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/hasRoleIgnored.ts',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/hasRoleLogged.ts',
      'no-unauthenticated-handler:unguardedPath@api/src/functions/jwtSwallowed.ts',
      'no-unauthenticated-handler:unguardedPath@api/src/functions/requireAuthSwallowed.ts',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/unawaited.ts',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/uncalled.ts',
    ],
  );
});

test('work on a path that skips the check: a write before it, or a branch the check is not on', () => {
  const endpoint = (body: string) => `import { requireAuth } from 'src/lib/auth'
import { db } from 'src/lib/db'
export const handler = async (event) => {
${body}
  return { statusCode: 204 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/auth.ts': "export const requireAuth = () => {\n  if (!context.currentUser) throw new Error('Unauthenticated')\n}\n",
      'api/src/functions/writeFirst.ts': endpoint('  await db.user.delete({ where: { id: 1 } })\n  requireAuth()'),
      'api/src/functions/methodSplit.ts': endpoint(
        "  if (event.httpMethod === 'GET') {\n    requireAuth()\n    return { statusCode: 200, body: JSON.stringify(await db.order.findMany()) }\n  }\n  await db.order.deleteMany()",
      ),
      // Clean: the check first, a read before it (the answer still comes after), a check in a try, one per branch.
      'api/src/functions/checkFirst.ts': endpoint('  requireAuth()\n  await db.user.delete({ where: { id: 1 } })'),
      'api/src/functions/readFirst.ts': endpoint('  const users = await db.user.findMany()\n  requireAuth()\n  console.log(users.length)'),
      'api/src/functions/inTry.ts': endpoint("  try {\n    requireAuth()\n  } catch {\n    return { statusCode: 401 }\n  }\n  await db.user.delete({ where: { id: 1 } })"),
      'api/src/functions/perBranch.ts': endpoint(
        "  if (event.httpMethod === 'DELETE') {\n    requireAuth()\n    await db.order.deleteMany()\n  } else {\n    requireAuth()\n    await db.order.create({ data: {} })\n  }",
      ),
    }),
    [
      'no-unauthenticated-handler:unguardedPath@api/src/functions/methodSplit.ts:3',
      'no-unauthenticated-handler:unguardedPath@api/src/functions/writeFirst.ts:3',
    ],
  );
});

test('replay: upserts keyed by the event id are harmless repeats only when they are all the work; a plain SET records, SET NX de-duplicates', () => {
  const hook = (body: string) => `import { verifyEvent } from '@redwoodjs/api/webhooks'
import { db } from 'src/lib/db'
import { redis } from 'src/lib/redis'
export const handler = async (event) => {
  verifyEvent('sha256Verifier', { event, secret: process.env.PARTNER_WEBHOOK_SECRET })
  const payload = JSON.parse(event.body)
${body}
  return { statusCode: 204 }
}
`;
  const upsert = '  await db.incident.upsert({ where: { id: payload.id }, create: { id: payload.id }, update: { status: payload.status } })';
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/redis.ts': 'export const redis = { set: async () => "OK" }\n',
      'api/src/functions/upsertOnly.ts': hook(upsert),
      'api/src/functions/upsertThenCreate.ts': hook(`${upsert}\n  await db.deployment.create({ data: { sha: payload.sha } })`),
      'api/src/functions/plainSet.ts': hook("  await redis.set('last', event.headers['x-github-delivery'])\n  await db.deployment.create({ data: { sha: payload.sha } })"),
      'api/src/functions/setNx.ts': hook(
        "  const first = await redis.set(`d:${event.headers['x-github-delivery']}`, '1', { NX: true })\n  if (!first) return { statusCode: 200 }\n  await db.deployment.create({ data: { sha: payload.sha } })",
      ),
      'api/src/functions/insert.ts': hook('  await db.processedEvent.create({ data: { id: payload.id } })\n  await db.deployment.create({ data: { sha: payload.sha } })'),
    }),
    [
      'require-replay-protection:noReplayProtection@api/src/functions/plainSet.ts:5',
      'require-replay-protection:noReplayProtection@api/src/functions/upsertThenCreate.ts:5',
    ],
  );
});

test('replay: a Redis or in-memory record of the delivery id de-duplicates only when its answer stops the repeat', () => {
  const hook = (body: string) => `import { verifyEvent } from '@redwoodjs/api/webhooks'
import { db } from 'src/lib/db'
import { redis } from 'src/lib/redis'
const seen = new Set()
export const handler = async (event) => {
  verifyEvent('sha256Verifier', { event, secret: process.env.PARTNER_WEBHOOK_SECRET })
  const delivery = String(event.headers['x-github-delivery'])
${body}
  await db.deployment.create({ data: { sha: JSON.parse(event.body).sha } })
  return { statusCode: 204 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/redis.ts': 'export const redis = { set: async () => "OK", sadd: async () => 1, sismember: async () => 0, lpush: async () => 1 }\n',
      'api/src/functions/saddChecked.ts': hook("  const added = await redis.sadd('deliveries', delivery)\n  if (!added) return { statusCode: 200 }"),
      'api/src/functions/sismember.ts': hook("  if (await redis.sismember('deliveries', delivery)) return { statusCode: 200 }\n  await redis.sadd('deliveries', delivery)"),
      'api/src/functions/setNxChecked.ts': hook("  if ((await redis.set(`gh:${delivery}`, 1, { nx: true })) !== 'OK') return { statusCode: 200 }"),
      'api/src/functions/saddIgnored.ts': hook("  await redis.sadd('deliveries', delivery)"),
      'api/src/functions/setNxIgnored.ts': hook("  await redis.set(`gh:${delivery}`, 1, { nx: true, ex: 259200 })"),
      'api/src/functions/lpush.ts': hook("  await redis.lpush('deliveries', delivery)"),
      'api/src/functions/memorySet.ts': hook('  if (seen.has(delivery)) return { statusCode: 200 }\n  seen.add(delivery)'),
    }),
    [
      'require-replay-protection:noReplayProtection@api/src/functions/lpush.ts:6',
      'require-replay-protection:noReplayProtection@api/src/functions/memorySet.ts:6',
      'require-replay-protection:noReplayProtection@api/src/functions/saddIgnored.ts:6',
      'require-replay-protection:noReplayProtection@api/src/functions/setNxIgnored.ts:6',
    ],
  );
});

test('a hand-written HMAC compared with a configured value, the body or a field of it verifies nothing', () => {
  const hook = (compare: string) => `import crypto from 'node:crypto'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const signature = event.headers['x-hub-signature-256'] ?? ''
  const payload = JSON.parse(event.body)
  const expected = 'sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(event.body).digest('hex')
  if (${compare}) return { statusCode: 401 }
  await db.member.delete({ where: { id: payload.member.id } })
  return { statusCode: 204 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/rightWebhook.ts': hook('!crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))'),
      'api/src/functions/envWebhook.ts': hook('expected === process.env.GITHUB_APP_ID'),
      'api/src/functions/fieldWebhook.ts': hook('signature !== payload.signature'),
      'api/src/functions/bodyWebhook.ts': hook('!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(event.body))'),
    }),
    [
      'require-webhook-verification:unverified@api/src/functions/bodyWebhook.ts:3',
      'require-webhook-verification:unverified@api/src/functions/envWebhook.ts:3',
      'require-webhook-verification:unverified@api/src/functions/fieldWebhook.ts:3',
      // The replay finding points at the HMAC it is about.
      'require-replay-protection:noReplayProtection@api/src/functions/rightWebhook.ts:6',
    ],
  );
});

test('a time in the signed body checked against the clock is a replay window (Linear\'s webhookTimestamp)', () => {
  const hook = (window: string) => `import crypto from 'node:crypto'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const expected = crypto.createHmac('sha256', process.env.LINEAR_WEBHOOK_SECRET).update(event.body).digest('hex')
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(event.headers['linear-signature'] ?? ''))) return { statusCode: 401 }
  const payload = JSON.parse(event.body)
${window}
  await db.issue.create({ data: { linearId: payload.data.id } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/linearWebhook.ts': hook("  if (Math.abs(Date.now() - payload.webhookTimestamp) > 60 * 1000) return { statusCode: 400 }"),
      // Only logged, the time stops no replay.
      'api/src/functions/loggedWebhook.ts': hook("  if (Math.abs(Date.now() - payload.webhookTimestamp) > 60 * 1000) console.warn('old delivery')"),
    }),
    ['require-replay-protection:noReplayProtection@api/src/functions/loggedWebhook.ts:4'],
  );
});

test('a signature checked only when the header is there is skipped by a request that leaves it out', () => {
  const hook = (check: string) => `import crypto from 'node:crypto'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const signature = event.headers['x-hub-signature-256']
${check}
  await db.member.delete({ where: { id: JSON.parse(event.body).member.id } })
  return { statusCode: 204 }
}
`;
  const verify = "    const expected = 'sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(event.body).digest('hex')\n    if (!crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return { statusCode: 401 }";
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/optionalWebhook.ts': hook(`  if (signature) {\n${verify}\n  }`),
      'api/src/functions/requiredWebhook.ts': hook(`  if (!signature) return { statusCode: 401 }\n  {\n${verify}\n  }`),
      'api/src/functions/elseWebhook.ts': hook(`  if (signature) {\n${verify}\n  } else {\n    return { statusCode: 401 }\n  }`),
    }),
    [
      'require-replay-protection:noReplayProtection@api/src/functions/elseWebhook.ts:6',
      'require-webhook-verification:onlyWhenSigned@api/src/functions/optionalWebhook.ts:6',
      'require-replay-protection:noReplayProtection@api/src/functions/requiredWebhook.ts:7',
    ],
  );
});

test('a helper whose catch hands out the unverified payload swallows the failure; one that returns nothing for the handler to refuse does not', () => {
  const helper = (recovery: string) => `import { Webhook } from 'svix'
export const parseEvent = (event) => {
  try {
    return new Webhook(process.env.RESEND_WEBHOOK_SECRET).verify(event.body, event.headers)
  } catch (err) {
    console.warn('invalid signature', err)
    ${recovery}
  }
}
`;
  const endpoint = (module: string, check: string) => `import { db } from 'src/lib/db'
import { parseEvent } from 'src/lib/${module}'
export const handler = async (event) => {
  const payload = parseEvent(event)
  ${check}
  await db.contact.update({ where: { email: payload.data.to }, data: { bounced: true } })
  return { statusCode: 200 }
}
`;
  const found = verdicts({
    ...DB,
    'api/src/lib/lenient.ts': helper('return JSON.parse(event.body)'),
    'api/src/lib/strict.ts': helper('return null'),
    'api/src/functions/lenient.ts': endpoint('lenient', ''),
    'api/src/functions/strict.ts': endpoint('strict', 'if (!payload) return { statusCode: 401 }'),
  });
  assert.deepEqual(found.filter((f) => f.startsWith('require-webhook-verification')), ['require-webhook-verification:swallowed@api/src/functions/lenient.ts:3']);
});

test('an endpoint that re-exports its handler from src/lib is judged by the handler it re-exports', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/handlers/exportOrders.ts': `import { db } from 'src/lib/db'
export const exportOrdersHandler = async () => ({ statusCode: 200, body: JSON.stringify(await db.order.findMany()) })
export const guardedHandler = async (event) => {
  if (event.headers['x-api-key'] !== process.env.EXPORT_API_KEY) return { statusCode: 401 }
  return { statusCode: 200, body: JSON.stringify(await db.order.findMany()) }
}
`,
      'api/src/functions/exportOrders.ts': "export { exportOrdersHandler as handler } from 'src/lib/handlers/exportOrders'\n",
      'api/src/functions/guarded.ts': "export { guardedHandler as handler } from 'src/lib/handlers/exportOrders'\n",
      'api/src/functions/missing.ts': "export { gone as handler } from 'src/lib/handlers/nowhere'\n",
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/exportOrders.ts:1'],
  );
});

test('a timestamp checked against the clock protects from replays only when the HMAC signs it', () => {
  const hook = (signed: string) => `import crypto from 'node:crypto'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const ts = Number(event.headers['x-signature-timestamp'])
  if (!ts || Math.abs(Date.now() / 1000 - ts) > 300) return { statusCode: 401 }
  const sig = event.headers['x-signature'] ?? ''
  const expected = crypto.createHmac('sha256', process.env.PARTNER_WEBHOOK_SECRET).update(${signed}).digest('hex')
  if (!crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(expected))) return { statusCode: 401 }
  await db.payout.create({ data: JSON.parse(event.body) })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/bodyOnly.ts': hook('event.body'),
      'api/src/functions/signed.ts': hook('`${ts}.${event.body}`'),
      'api/src/functions/signedHeader.ts': hook("event.headers['x-signature-timestamp'] + '.' + event.body"),
      // Slack's v0 scheme: the signed string is built first.
      'api/src/functions/builtBase.ts': hook('base').replace("  const sig =", "  const base = `v0:${ts}:${event.body}`\n  const sig ="),
    }),
    ['require-replay-protection:unsignedTimestamp@api/src/functions/bodyOnly.ts:4'],
  );
});


test('a time the signature leaves out: Web Crypto over the body, or a helper handed the body and signature only (Sentry); a time parsed from a header verified whole counts (Calendly)', () => {
  const HELPER = {
    'api/src/lib/sentry.ts': `import { createHmac, timingSafeEqual } from 'node:crypto'
export function verifySentrySignature(raw: string, signature: string, timestamp?: string): boolean {
  const expected = createHmac('sha256', process.env.SENTRY_CLIENT_SECRET as string).update(timestamp ? \`\${timestamp}.\${raw}\` : raw).digest('hex')
  const a = Buffer.from(expected)
  const b = Buffer.from(signature)
  return a.length === b.length && timingSafeEqual(a, b)
}
export function verifySentryEvent(event: any): boolean {
  const ts = event.headers['sentry-hook-timestamp']
  const expected = createHmac('sha256', process.env.SENTRY_CLIENT_SECRET as string).update(\`\${ts}.\${event.body}\`).digest('hex')
  return timingSafeEqual(Buffer.from(expected), Buffer.from(event.headers['sentry-hook-signature'] ?? ''))
}
`,
  };
  const helper = (verify: string) => `import { verifySentrySignature, verifySentryEvent } from 'src/lib/sentry'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const signature = event.headers['sentry-hook-signature']
  if (!signature) return { statusCode: 401 }
  if (!${verify}) return { statusCode: 401 }
  const ts = Number(event.headers['sentry-hook-timestamp'])
  if (!ts || Math.abs(Date.now() / 1000 - ts) > 300) return { statusCode: 400 }
  await db.incident.create({ data: JSON.parse(event.body) })
  return { statusCode: 200 }
}
`;
  const webCrypto = (data: string) => `import { db } from 'src/lib/db'
export const handler = async (event) => {
  const signature = event.headers['sentry-hook-signature'] ?? ''
  const ts = event.headers['sentry-hook-timestamp']
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(process.env.SENTRY_CLIENT_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  const valid = await crypto.subtle.verify('HMAC', key, Buffer.from(signature, 'hex'), new TextEncoder().encode(${data}))
  if (!valid) return { statusCode: 401 }
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return { statusCode: 400 }
  await db.incident.create({ data: JSON.parse(event.body) })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      ...HELPER,
      'api/src/functions/helperBodyOnly.ts': helper('verifySentrySignature(event.body, signature)'),
      'api/src/functions/helperGetsTime.ts': helper("verifySentrySignature(event.body, signature, event.headers['sentry-hook-timestamp'])"),
      'api/src/functions/helperGetsEvent.ts': helper('verifySentryEvent(event)'),
      'api/src/functions/webCryptoBody.ts': webCrypto('event.body'),
      'api/src/functions/webCryptoSigned.ts': webCrypto('`${ts}.${event.body}`'),
      // Calendly: a helper verifies the whole `t=...,v1=...` header; the time checked is parsed out of it.
      'api/src/lib/calendly.ts': `import { createHmac, timingSafeEqual } from 'node:crypto'
export const parseHeader = (header: string) => Object.fromEntries(header.split(',').map((p) => p.split('=')))
export const verifyCalendly = (body: string, header: string) => {
  const { t, v1 } = parseHeader(header)
  const expected = createHmac('sha256', process.env.CALENDLY_SIGNING_KEY as string).update(\`\${t}.\${body}\`).digest('hex')
  return timingSafeEqual(Buffer.from(expected), Buffer.from(v1 ?? ''))
}
`,
      'api/src/functions/calendly.ts': `import { parseHeader, verifyCalendly } from 'src/lib/calendly'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const header = event.headers['calendly-webhook-signature'] ?? ''
  if (!verifyCalendly(event.body, header)) return { statusCode: 401 }
  const { t } = parseHeader(header)
  if (Date.now() - Number(t) * 1000 > 180000) return { statusCode: 401 }
  await db.booking.create({ data: JSON.parse(event.body) })
  return { statusCode: 200 }
}
`,
    }),
    [
      'require-replay-protection:unsignedTimestamp@api/src/functions/helperBodyOnly.ts:7',
      'require-replay-protection:unsignedTimestamp@api/src/functions/webCryptoBody.ts:4',
    ],
  );
});
test('refusals written other ways still authenticate (second red-team round): throwing helpers, assertions, ternaries, role arrays, correlated branches, rate limits first', () => {
  const endpoint = (body: string) => `import { getUser, hasRole, throwUnauthorized, requireAuth } from 'src/lib/auth'
import assert from 'node:assert'
import { db } from 'src/lib/db'
export const handler = async (event) => {
${body}
  await db.order.deleteMany({ where: { stale: true } })
  return { statusCode: 204 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/auth.ts': `import jwt from 'jsonwebtoken'
export const getUser = async (event) => {
  try {
    return jwt.verify(event.headers.authorization ?? '', process.env.JWT_SECRET)
  } catch {
    return null
  }
}
export const hasRole = (role) => !!context.currentUser && context.currentUser.roles === role
export const throwUnauthorized = () => { throw new Error('Unauthorized') }
export const requireAuth = () => { if (!context.currentUser) throw new Error('Unauthenticated') }
`,
      'api/src/functions/throwingHelper.ts': endpoint('  const user = await getUser(event)\n  if (!user) throwUnauthorized()'),
      'api/src/functions/asserted.ts': endpoint("  assert(hasRole('admin'))"),
      'api/src/functions/nullish.ts': endpoint('  const user = (await getUser(event)) ?? throwUnauthorized()\n  console.log(user.id)'),
      'api/src/functions/roles.ts': endpoint("  if (!context.currentUser?.roles?.includes('admin')) return { statusCode: 403 }"),
      'api/src/functions/castRoles.ts': endpoint("  if (!(context.currentUser as any)?.roles?.includes?.('admin')) return { statusCode: 403 }"),
      'api/src/functions/correlated.ts': endpoint("  if (event.httpMethod !== 'GET') requireAuth()\n  if (event.httpMethod === 'GET') return { statusCode: 200 }"),
      'api/src/functions/rateLimitFirst.ts': endpoint(
        "  const hits = await db.rateLimit.upsert({ where: { ip: event.headers['x-forwarded-for'] }, create: { n: 1 }, update: { n: { increment: 1 } } })\n  if (hits.n > 100) return { statusCode: 429 }\n  requireAuth()",
      ),
      // Still reported: a private write before the check.
      'api/src/functions/userWriteFirst.ts': endpoint("  await db.user.update({ where: { id: 1 }, data: { lastSeen: new Date() } })\n  requireAuth()"),
    }),
    ['no-unauthenticated-handler:unguardedPath@api/src/functions/userWriteFirst.ts:4'],
  );
});

test('a presence-checked token that only reaches jwt.decode authenticates nobody, destructured or not', () => {
  const endpoint = (token: string) => `import jwt from 'jsonwebtoken'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const { authorization } = event.headers
  if (!authorization) return { statusCode: 401 }
  const claims = ${token}
  await db.order.deleteMany({ where: { userId: claims.sub } })
  return { statusCode: 204 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/decoded.ts': endpoint("jwt.decode(authorization.split(' ')[1])"),
      'api/src/functions/verified.ts': endpoint("jwt.verify(authorization.split(' ')[1], process.env.JWT_SECRET)"),
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/decoded.ts:3'],
  );
});

test('middleware arrays held by a constant, here or imported, and an atomic claim of the delivery id', () => {
  const lib = `export const protect = (fn) => async (event, context) => {
  if (event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) return { statusCode: 401 }
  return fn(event, context)
}
export const compose = (middlewares, fn) => middlewares.reduceRight((acc, mw) => mw(acc), fn)
export const MIDDLEWARES = [protect]
`;
  const endpoint = (middlewares: string, imports = '') => `import { compose, protect } from 'src/lib/middleware'
${imports}import { db } from 'src/lib/db'
${middlewares === 'LOCAL' ? 'const LOCAL = [protect]\n' : ''}export const handler = compose(${middlewares}, async (event) => {
  await db.order.update({ where: { id: 1 }, data: { status: 'shipped' } })
  return { statusCode: 200 }
})
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/middleware.ts': lib,
      'api/src/functions/local.ts': endpoint('LOCAL'),
      'api/src/functions/imported.ts': endpoint('MIDDLEWARES', "import { MIDDLEWARES } from 'src/lib/middleware'\n"),
      'api/src/functions/claim.ts': `import { verifyEvent } from '@redwoodjs/api/webhooks'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  verifyEvent('sha256Verifier', { event, secret: process.env.GITHUB_WEBHOOK_SECRET })
  const { count } = await db.webhookDelivery.updateMany({ where: { id: event.headers['x-github-delivery'], processedAt: null }, data: { processedAt: new Date() } })
  if (count === 0) return { statusCode: 200 }
  await db.deployment.create({ data: { sha: JSON.parse(event.body).after } })
  return { statusCode: 202 }
}
`,
    }),
    [],
  );
});

test('a catch that returns the payload parsed before verifying hands it out too', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/parsedFirst.ts': `import { verifyEvent } from '@redwoodjs/api/webhooks'
import { db } from 'src/lib/db'
const parse = (event) => {
  const payload = JSON.parse(event.body)
  try {
    verifyEvent('timestampSchemeVerifier', { event, secret: process.env.PARTNER_WEBHOOK_SECRET })
    return payload
  } catch {
    return payload
  }
}
export const handler = async (event) => {
  const p = parse(event)
  await db.order.update({ where: { id: p.id }, data: { paid: true } })
  return { statusCode: 200 }
}
`,
    }),
    ['require-webhook-verification:swallowed@api/src/functions/parsedFirst.ts:6'],
  );
});

test("a SAM event on an API resource of the template takes that API's authorizer; a function on an open API does not", () => {
  const root = tempDir('fnscan-sam-api-');
  const fn = (name: string, api: string) => [
    `  ${name}:`,
    '    Type: AWS::Serverless::Function',
    '    Properties:',
    '      CodeUri: src/',
    `      Handler: ${name.toLowerCase()}.handler`,
    '      Events:',
    '        Get:',
    '          Type: Api',
    '          Properties:',
    `            Path: /${name.toLowerCase()}`,
    '            Method: get',
    `            RestApiId: ${api}`,
  ];
  writeFiles(root, {
    'template.yaml': [
      'Resources:',
      '  OrdersApi:',
      '    Type: AWS::Serverless::Api',
      '    Properties:',
      '      StageName: prod',
      '      Auth:',
      '        DefaultAuthorizer: CognitoAuth',
      '        Authorizers:',
      '          CognitoAuth:',
      '            UserPoolArn: arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc',
      '  OpenApi:',
      '    Type: AWS::Serverless::Api',
      '    Properties:',
      '      StageName: prod',
      ...fn('Guarded', '!Ref OrdersApi'),
      ...fn('LongForm', '{ Ref: OrdersApi }'),
      ...fn('Open', '!Ref OpenApi'),
      '',
    ].join('\n'),
    'src/guarded.mjs': "import { db } from './db.mjs'\nexport const handler = async () => ({ statusCode: 200, body: JSON.stringify(await db.order.findMany()) })\n",
    'src/longform.mjs': "import { db } from './db.mjs'\nexport const handler = async () => ({ statusCode: 200, body: JSON.stringify(await db.order.findMany()) })\n",
    'src/open.mjs': "import { db } from './db.mjs'\nexport const handler = async () => ({ statusCode: 200, body: JSON.stringify(await db.order.findMany()) })\n",
    'src/db.mjs': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
  });
  const { findings } = scanRules(root, HANDLER_RULES);
  assert.deepEqual(findings.map((f) => `${f.messageId}@${path.relative(root, f.location.file)}`), ['unauthenticated@src/open.mjs']);
});

test('a token only decoded (jwt.decode) and null-checked authenticates nobody, classic or Fetch API request; verified, it does', () => {
  const classic = (call: string) => `import jwt from 'jsonwebtoken'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const token = (event.headers.authorization ?? '').replace('Bearer ', '')
  const claims = ${call} as { sub: string } | null
  if (!claims) return { statusCode: 401, body: 'Unauthorized' }
  await db.user.update({ where: { id: claims.sub }, data: { lastSeen: new Date() } })
  return { statusCode: 200 }
}
`;
  const fetchStyle = (call: string) => `import jwt from 'jsonwebtoken'
import { db } from 'src/lib/db'
export const handler = async (req) => {
  const token = req.headers.get('authorization')?.replace('Bearer ', '') ?? ''
  const claims = ${call} as { role?: string } | null
  if (!claims || claims.role !== 'admin') return new Response('Forbidden', { status: 403 })
  return Response.json(await db.user.findMany())
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/classicDecoded.ts': classic('jwt.decode(token)'),
      'api/src/functions/classicVerified.ts': classic('jwt.verify(token, process.env.JWT_SECRET)'),
      'api/src/functions/fetchDecoded.ts': fetchStyle('jwt.decode(token)'),
      'api/src/functions/fetchVerified.ts': fetchStyle('jwt.verify(token, process.env.JWT_SECRET)'),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/classicDecoded.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/fetchDecoded.ts:3',
    ],
  );
});

test('a clock check is no credential check: a timestamp header compared with Date.now() does not authenticate', () => {
  const hook = (header: string) => `import crypto from 'node:crypto'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const ts = Number(event.headers['${header}'])
  if (Math.abs(Date.now() - ts) > 5 * 60 * 1000) return { statusCode: 401 }
  const expected = crypto.createHmac('sha256', process.env.PARTNER_WEBHOOK_SECRET).update(event.body).digest('hex')
  if (!crypto.timingSafeEqual(Buffer.from(event.headers['x-signature'] ?? ''), Buffer.from(expected))) return { statusCode: 401 }
  await db.credit.create({ data: { userId: JSON.parse(event.body).userId, amount: 100 } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({ ...DB, 'api/src/functions/plain.ts': hook('x-timestamp'), 'api/src/functions/named.ts': hook('x-webhook-timestamp') }),
    [
      'require-replay-protection:unsignedTimestamp@api/src/functions/named.ts:4',
      'require-replay-protection:unsignedTimestamp@api/src/functions/plain.ts:4',
    ],
  );
});

test("Stripe's constructEventAsync not awaited loses the rejection; awaited or returned it verifies; a Twilio MessageSid insert de-duplicates", () => {
  const stripe = (call: string) => `import Stripe from 'stripe'
import { db } from 'src/lib/db'
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY)
export const handler = async (event) => {
  try {
    ${call}
  } catch {
    return { statusCode: 400 }
  }
  const evt = JSON.parse(event.body)
  await db.payment.create({ data: { id: evt.id, amount: evt.data.object.amount } })
  return { statusCode: 200 }
}
`;
  const verify = "stripe.webhooks.constructEventAsync(event.body, event.headers['stripe-signature'], process.env.STRIPE_WEBHOOK_SECRET)";
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/unawaited.ts': stripe(verify),
      'api/src/functions/awaited.ts': stripe(`await ${verify}`),
      'api/src/functions/twilio.ts': `import twilio from 'twilio'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const params = Object.fromEntries(new URLSearchParams(event.body))
  if (!twilio.validateRequest(process.env.TWILIO_AUTH_TOKEN, event.headers['x-twilio-signature'], 'https://x.example/sms', params)) return { statusCode: 403 }
  try {
    await db.processedMessage.create({ data: { sid: params.MessageSid } })
  } catch {
    return { statusCode: 200 }
  }
  await db.message.create({ data: { body: params.Body } })
  return { statusCode: 200 }
}
`,
    }),
    ['require-webhook-verification:unawaitedRejection@api/src/functions/unawaited.ts:6'],
  );
});

test('a check whose failure a catch swallows still stops the rest of its try block', () => {
  const auth = "export const requireAuth = () => {\n  if (!context.currentUser) throw new Error('Unauthenticated')\n}\n";
  const handler = (body: string) => `import { requireAuth } from 'src/lib/auth'
import { db } from 'src/lib/db'
export const handler = async (event) => {
${body}
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/auth.ts': auth,
      'api/src/functions/inside.ts': handler('  try {\n    requireAuth()\n    await db.post.deleteMany({})\n  } catch (e) {\n    console.error(e)\n  }'),
      'api/src/functions/after.ts': handler('  try {\n    requireAuth()\n  } catch (e) {\n    console.error(e)\n  }\n  await db.post.deleteMany({})'),
    }),
    ['no-unauthenticated-handler:unguardedPath@api/src/functions/after.ts:3'],
  );
});

test("a ternary on context.currentUser guards its truthy side; a login checks the caller's password", () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/ternary.ts': "import { db } from 'src/lib/db'\nexport const handler = async (event) => {\n  return context.currentUser\n    ? { statusCode: 200, body: JSON.stringify(await db.note.create({ data: { text: event.body } })) }\n    : { statusCode: 401 }\n}\n",
      'api/src/functions/wrongSide.ts': "import { db } from 'src/lib/db'\nexport const handler = async (event) => {\n  return context.currentUser\n    ? { statusCode: 204 }\n    : { statusCode: 200, body: JSON.stringify(await db.note.create({ data: { text: event.body } })) }\n}\n",
      'api/src/lib/passwords.ts': "import bcrypt from 'bcryptjs'\nexport const comparePasswords = (plain, hash) => bcrypt.compare(plain, hash)\n",
      'api/src/functions/login.ts': `import { db } from 'src/lib/db'
import { comparePasswords } from 'src/lib/passwords'
export const handler = async (event) => {
  const { email, password } = JSON.parse(event.body)
  const user = await db.user.findFirst({ where: { email } })
  if (!user) return { statusCode: 200, body: JSON.stringify({ error: 'Invalid email or password' }) }
  const valid = await comparePasswords(password, user.passwordHash)
  if (!valid) return { statusCode: 200, body: JSON.stringify({ error: 'Invalid email or password' }) }
  await db.session.create({ data: { userId: user.id } })
  return { statusCode: 200 }
}
`,
      'api/src/functions/noCheck.ts': `import { db } from 'src/lib/db'
export const handler = async (event) => {
  const { email, password } = JSON.parse(event.body)
  const user = await db.user.findFirst({ where: { email } })
  if (!user) return { statusCode: 404 }
  await db.session.create({ data: { userId: user.id, note: password.length } })
  return { statusCode: 200 }
}
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/noCheck.ts:2', 'no-unauthenticated-handler:unguardedPath@api/src/functions/wrongSide.ts:2'],
  );
});

test('round three: signed links, hashed token look-ups, role switches, useRequireAuth built by a wrapper, PIN logins; rows named like credentials, reversed password checks, unawaited session helpers', () => {
  const fn = (imports: string, body: string) => `${imports}
export const handler = async (event) => {
${body}
  return { statusCode: 200 }
}
`;
  const db = "import { db } from 'src/lib/db'";
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/auth.ts': "export const getCurrentUser = async () => null\nexport const requireAuth = () => {\n  if (!context.currentUser) throw new Error('Unauthenticated')\n}\n",
      'api/src/lib/session.ts': "export async function getSessionFromCookie(event) {\n  return event.headers.cookie ? { id: 1 } : null\n}\n",
      'api/src/lib/withAdmin.ts': "import { useRequireAuth } from '@redwoodjs/graphql-server'\nimport { authDecoder } from '@redwoodjs/auth-dbauth-api'\nimport { getCurrentUser, requireAuth } from 'src/lib/auth'\nexport const withAdmin = (fn) => useRequireAuth({ handlerFn: async (e, c) => { requireAuth({ roles: 'admin' }); return fn(e, c) }, getCurrentUser, authDecoder })\n",
      // Authenticated: none reported.
      'api/src/functions/unsubscribe.ts': fn(`import { createHmac } from 'node:crypto'\n${db}`, "  const { email, token } = event.queryStringParameters\n  const expected = createHmac('sha256', process.env.UNSUB_SECRET).update(email).digest('hex')\n  if (token !== expected) return { statusCode: 401 }\n  await db.subscriber.update({ where: { email }, data: { active: false } })"),
      'api/src/functions/resetPassword.ts': fn(`import { createHash } from 'node:crypto'\n${db}`, "  const { token, password } = JSON.parse(event.body)\n  const user = await db.user.findFirst({ where: { resetToken: createHash('sha256').update(token).digest('hex') } })\n  if (!user) return { statusCode: 401 }\n  await db.user.update({ where: { id: user.id }, data: { hashedPassword: password } })"),
      'api/src/functions/adminOrders.ts': fn(db, "  switch (context.currentUser?.roles) {\n    case 'admin':\n      await db.order.deleteMany({})\n      return { statusCode: 204 }\n    default:\n      return { statusCode: 403 }\n  }"),
      'api/src/functions/contactsExport.ts': `${db}\nimport { withAdmin } from 'src/lib/withAdmin'\nexport const handler = withAdmin(async () => {\n  await db.contact.deleteMany({})\n  return { statusCode: 204 }\n})\n`,
      'api/src/functions/verifyPin.ts': fn(`import bcrypt from 'bcryptjs'\n${db}`, "  const { id, pin } = JSON.parse(event.body)\n  const contact = await db.contact.findUnique({ where: { id } })\n  if (!contact || !(await bcrypt.compare(pin, contact.pinHash))) return { statusCode: 401 }\n  await db.contact.update({ where: { id }, data: { verified: true } })"),
      'api/src/functions/download.ts': fn(`import { createHmac, timingSafeEqual } from 'node:crypto'\nimport fs from 'node:fs/promises'`, "  const { file, sig } = event.queryStringParameters\n  const expected = createHmac('sha256', process.env.DOWNLOAD_SIGNING_SECRET).update(file).digest('hex')\n  if (expected.length !== sig.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(sig))) return { statusCode: 403 }\n  await fs.readFile(file)"),
      'api/src/functions/sessionByToken.ts': fn(db, "  const session = await db.session.findFirst({ where: { token: event.headers.authorization } })\n  if (!session) return { statusCode: 401 }\n  await db.note.deleteMany({ where: { userId: session.userId } })"),
      // Not authenticated: each reported.
      'api/src/functions/logoutEverywhere.ts': fn(db, "  const userId = Number(event.queryStringParameters.userId)\n  const session = await db.session.findFirst({ where: { userId } })\n  if (!session) return { statusCode: 401 }\n  await db.session.deleteMany({ where: { userId } })"),
      'api/src/functions/rowSession.ts': fn(db, "  const session = await db.order.findUnique({ where: { id: event.queryStringParameters.id } })\n  if (!session) return { statusCode: 401 }\n  await db.order.update({ where: { id: session.id }, data: { status: 'void' } })"),
      'api/src/functions/setPassword.ts': fn(`import bcrypt from 'bcryptjs'\n${db}`, "  const { id, newPassword } = JSON.parse(event.body)\n  const user = await db.user.findUnique({ where: { id } })\n  if (await bcrypt.compare(newPassword, user.hashedPassword)) return { statusCode: 400 }\n  await db.user.update({ where: { id }, data: { hashedPassword: await bcrypt.hash(newPassword, 10) } })"),
      'api/src/functions/unawaitedSession.ts': fn(`${db}\nimport { getSessionFromCookie } from 'src/lib/session'`, "  const session = getSessionFromCookie(event)\n  if (!session) return { statusCode: 401 }\n  await db.profile.update({ where: { id: 1 }, data: { bio: event.body } })"),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/logoutEverywhere.ts:2',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/rowSession.ts:2',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/setPassword.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/unawaitedSession.ts:3',
    ],
  );
});

test('work in a finally block runs when the check in its try throws', () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/auth.ts': "export const requireAuth = () => {\n  if (!context.currentUser) throw new Error('Unauthenticated')\n}\n",
      'api/src/functions/wipe.ts': "import { requireAuth } from 'src/lib/auth'\nimport { db } from 'src/lib/db'\nexport const handler = async (event) => {\n  try {\n    requireAuth()\n  } finally {\n    await db.session.deleteMany({ where: { userId: event.body } })\n  }\n  return { statusCode: 204 }\n}\n",
      'api/src/functions/cleanup.ts': "import { requireAuth } from 'src/lib/auth'\nimport { db } from 'src/lib/db'\nexport const handler = async (event) => {\n  requireAuth()\n  try {\n    await db.note.create({ data: { body: event.body } })\n  } finally {\n    await db.session.deleteMany({ where: { userId: event.body } })\n  }\n  return { statusCode: 204 }\n}\n",
    }),
    ['no-unauthenticated-handler:unguardedPath@api/src/functions/wipe.ts:3'],
  );
});

test('a presence check of a token destructured from the query with a fallback object checks nobody', () => {
  const handler = (check: string) => `import { db } from 'src/lib/db'
export const handler = async (event) => {
  const { email, token } = event.queryStringParameters ?? {}
${check}
  await db.subscriber.update({ where: { email }, data: { active: false } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/presence.ts': handler("  if (!token) return { statusCode: 401 }"),
      'api/src/functions/compared.ts': handler("  if (token !== process.env.UNSUBSCRIBE_TOKEN) return { statusCode: 401 }"),
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/presence.ts:2'],
  );
});

test('a Svix Webhook made by a project factory verifies, called at once or held in a constant', () => {
  const hook = (verify: string) => `import { clerkWebhook } from 'src/lib/clerk'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  let evt
  try {
    ${verify}
  } catch {
    return { statusCode: 400 }
  }
  await db.user.upsert({ where: { clerkId: evt.data.id }, create: { clerkId: evt.data.id }, update: {} })
  return { statusCode: 200 }
}
`;
  const headers = "{ 'svix-id': event.headers['svix-id'], 'svix-timestamp': event.headers['svix-timestamp'], 'svix-signature': event.headers['svix-signature'] }";
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/clerk.ts': "import { Webhook } from 'svix'\nexport function clerkWebhook() {\n  return new Webhook(process.env.CLERK_WEBHOOK_SECRET)\n}\n",
      'api/src/functions/clerkAtOnce.ts': hook(`evt = clerkWebhook().verify(event.body, ${headers})`),
      'api/src/functions/clerkHeld.ts': hook(`const wh = clerkWebhook()\n    evt = wh.verify(event.body, ${headers})`),
    }),
    [],
  );
});

test("a swallowed check's finding says so in its related location", () => {
  const root = tempProject(
    {
      'redwood.toml': '[web]\n',
      ...DB,
      'api/src/lib/auth.ts': "export const requireAuth = () => {\n  if (!context.currentUser) throw new Error('Unauthenticated')\n}\n",
      'api/src/functions/after.ts': "import { requireAuth } from 'src/lib/auth'\nimport { db } from 'src/lib/db'\nexport const handler = async () => {\n  try {\n    requireAuth()\n  } catch (e) {\n    console.error(e)\n  }\n  await db.post.deleteMany({})\n  return { statusCode: 204 }\n}\n",
    },
    'fnscan-swallowed-message-',
  );
  const [finding] = scanRules(root, ['no-unauthenticated-handler']).findings;
  assert.deepEqual(
    finding.related.map((r) => r.message),
    ['The handler writes to `db.post` here.', 'The caller is checked here, but a `catch` that carries on swallows the refusal.'],
  );
});

test("SendGrid's sendMultiple sends messages as send does", () => {
  assert.deepEqual(
    verdicts({
      'api/src/functions/broadcast.ts': `import sgMail from '@sendgrid/mail'
export const handler = async (event) => {
  const { to, html } = JSON.parse(event.body)
  await sgMail.sendMultiple({ to, from: 'news@acme.dev', subject: 'News', html })
  return { statusCode: 202 }
}
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/broadcast.ts:2'],
  );
});

test("jose's jwtVerify in a try whose catch carries on checks nobody after the try, unless the helper answers with the verified claims", () => {
  const swallowed = `import { jwtVerify } from 'jose'
import { db } from 'src/lib/db'
const key = new TextEncoder().encode(process.env.JWT_SECRET)
export const handler = async (event) => {
  try {
    await jwtVerify(event.headers.authorization?.slice(7) ?? '', key)
  } catch {
    // anonymous
  }
  await db.account.delete({ where: { id: event.queryStringParameters.id } })
  return { statusCode: 204 }
}
`;
  const returned = `import { jwtVerify } from 'jose'
import { db } from 'src/lib/db'
const key = new TextEncoder().encode(process.env.JWT_SECRET)
async function decrypt(token) {
  try {
    const { payload } = await jwtVerify(token, key)
    return payload
  } catch {
    console.log('bad token')
  }
}
export const handler = async (event) => {
  const claims = await decrypt(event.cookies?.session)
  // A redirect, not a 401: only the verification in the helper can make this a check.
  if (!claims?.sub) return { statusCode: 302, headers: { location: '/login' } }
  await db.account.delete({ where: { id: claims.sub } })
  return { statusCode: 204 }
}
`;
  // The check still stops the rest of its `try` block, so the work after the block is on a path it does not cover.
  assert.deepEqual(verdicts({ ...DB, 'api/src/functions/account.ts': swallowed }), ['no-unauthenticated-handler:unguardedPath@api/src/functions/account.ts:4']);
  assert.deepEqual(verdicts({ ...DB, 'api/src/functions/account.ts': returned }), []);
});

test('a credential read into a constant first still makes a third-party call sensitive work', () => {
  assert.deepEqual(
    verdicts({
      'api/src/functions/refund.ts': `import Stripe from 'stripe'
const stripeKey = process.env.STRIPE_SECRET_KEY ?? ''
export const handler = async (event) => {
  const { charge } = JSON.parse(event.body)
  const res = await fetch('https://api.stripe.com/v1/refunds', { method: 'POST', headers: { Authorization: \`Bearer \${stripeKey}\` }, body: new URLSearchParams({ charge }) })
  return { statusCode: res.status }
}
`,
      'api/src/functions/charge.ts': `import Stripe from 'stripe'
const key = process.env.STRIPE_SECRET_KEY
const stripe = new Stripe(key)
export const handler = async (event) => {
  await stripe.refunds.create({ charge: JSON.parse(event.body).charge })
  return { statusCode: 204 }
}
`,
      'api/src/functions/weather.ts': `const city = 'Oslo'
export const handler = async () => {
  const res = await fetch(\`https://api.example.com/weather?city=\${city}\`)
  return { statusCode: 200, body: await res.text() }
}
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/charge.ts:4', 'no-unauthenticated-handler:unauthenticated@api/src/functions/refund.ts:3'],
  );
});

test('a secret only tested or measured in the answer is not returned; its value is', () => {
  const answer = (body: string) => ({ 'api/src/functions/status.ts': `export const handler = async () => ({ statusCode: 200, body: JSON.stringify(${body}) })\n` });
  for (const safe of ['{ stripe: !!process.env.STRIPE_SECRET_KEY }', '{ stripe: Boolean(process.env.STRIPE_SECRET_KEY) }', "{ stripe: process.env.STRIPE_SECRET_KEY ? 'configured' : 'missing' }", '{ length: process.env.STRIPE_SECRET_KEY?.length }', '{ set: process.env.STRIPE_SECRET_KEY !== undefined }']) {
    assert.deepEqual(verdicts(answer(safe)), [], safe);
  }
  assert.deepEqual(verdicts(answer("{ key: process.env.STRIPE_SECRET_KEY ?? 'unset' }")), ['no-unauthenticated-handler:unauthenticated@api/src/functions/status.ts:1']);
});

test('a secret answered through a local constant, encoded, in a config object, by res.json(), or all of process.env is returned', () => {
  const redwood = (body: string) => ({ 'api/src/functions/status.ts': `export const handler = async () => {\n${body}\n}\n` });
  const leaks = [
    "  const apiSecret = process.env.CLOUDINARY_API_SECRET\n  return { statusCode: 200, body: JSON.stringify({ apiSecret }) }",
    "  const encoded = Buffer.from(process.env.JWT_SECRET).toString('base64')\n  return { statusCode: 200, body: JSON.stringify({ k: encoded }) }",
    "  const config = { url: process.env.SUPABASE_URL, serviceRoleKey: process.env.SUPABASE_SERVICE_ROLE_KEY }\n  return { statusCode: 200, body: JSON.stringify(config) }",
    '  return { statusCode: 200, body: JSON.stringify(process.env) }',
  ];
  for (const body of leaks) assert.deepEqual(verdicts(redwood(body)), ['no-unauthenticated-handler:unauthenticated@api/src/functions/status.ts:1'], body);
  const safe = [
    // Handed to a call that answers something else, measured, or only the names.
    "  const options = { password: process.env.SESSION_SECRET, cookieName: 'sid' }\n  return { statusCode: 200, body: JSON.stringify(await loadSession(options)) }",
    "  const key = process.env.STRIPE_SECRET_KEY\n  return { statusCode: 200, body: JSON.stringify({ configured: Boolean(key) }) }",
    '  return { statusCode: 200, body: JSON.stringify(Object.keys(process.env)) }',
  ];
  for (const body of safe) assert.deepEqual(verdicts(redwood(body)), [], body);
  // Express-style answers, returned or not (a Vercel function).
  const root = tempDir('fnscan-handlers-');
  writeFiles(root, { 'vercel.json': '{}', 'api/token.ts': "export default function handler(req, res) {\n  res.status(200).json({ token: process.env.SESSION_SECRET })\n}\n" });
  assert.deepEqual(scanRules(root, HANDLER_RULES).findings.map((f) => f.message), ['Handler `/api/token` returns `process.env.SESSION_SECRET` without authenticating the caller.']);
});

test('a test through ?. guards the work in its branch; one whose branch refuses lets the signed-out caller by', () => {
  const fn = (body: string) => `import { authDecoder } from '@redwoodjs/auth-dbauth-api'
import { useRequireAuth } from '@redwoodjs/graphql-server'
import { getCurrentUser } from 'src/lib/auth'
import { db } from 'src/lib/db'
const orders = async () => {
${body}
}
export const handler = useRequireAuth({ handlerFn: orders, getCurrentUser, authDecoder })
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/auth.ts': 'export const getCurrentUser = async (session) => session\n',
      'api/src/functions/adminOnly.ts': fn("  if (context.currentUser?.roles === 'admin') {\n    return { statusCode: 200, body: JSON.stringify(await db.order.findMany()) }\n  }\n  return { statusCode: 403 }"),
      'api/src/functions/bannedOnly.ts': fn("  if (context.currentUser?.roles === 'banned') throw new Error('Forbidden')\n  return { statusCode: 200, body: JSON.stringify(await db.order.findMany()) }"),
      'api/src/functions/includesAdmin.ts': fn("  if (context.currentUser?.roles?.includes('admin')) {\n    await db.order.deleteMany()\n    return { statusCode: 204 }\n  }\n  return { statusCode: 403 }"),
    }),
    ['no-unauthenticated-handler:wrapperOnly@api/src/functions/bannedOnly.ts:9'],
  );
});

test('a helper comparing the caller\'s key with a secret refuses with any 4xx or a redirect; a public value compared is no secret', () => {
  const helper = "import { timingSafeEqual } from 'node:crypto'\nexport function isAuthorized(event) {\n  const expected = process.env.SERVICE_KEY\n  if (!expected) return false\n  const given = Buffer.from((event.headers.authorization ?? '').replace(/^Bearer /, ''))\n  const want = Buffer.from(expected)\n  return given.length === want.length && timingSafeEqual(given, want)\n}\n";
  const endpoint = (check: string) => `import { db } from 'src/lib/db'\nimport { isAuthorized } from 'src/lib/authz'\nexport const handler = async (event) => {\n  ${check}\n  await db.cacheEntry.deleteMany({})\n  return { statusCode: 204 }\n}\n`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/authz.ts': helper,
      'api/src/functions/hidden.ts': endpoint("if (!isAuthorized(event)) return { statusCode: 404, body: 'Not Found' }"),
      'api/src/functions/redirected.ts': endpoint("if (!isAuthorized(event)) return { statusCode: 302, headers: { Location: '/' } }"),
      'api/src/functions/publicKey.ts': endpoint("if (event.headers['x-api-key'] !== process.env.NEXT_PUBLIC_API_KEY) return { statusCode: 401 }"),
      'api/src/functions/siteKey.ts': endpoint("if (event.headers['x-site-key'] !== process.env.RECAPTCHA_SITE_KEY) return { statusCode: 403 }"),
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/publicKey.ts:3', 'no-unauthenticated-handler:unauthenticated@api/src/functions/siteKey.ts:3'],
  );
});

test('headers any client sets at will (Origin, Referer, Host, Sec-Fetch-Site, x-user-id) authenticate nobody; a key compared with a secret does', () => {
  const endpoint = (check: string) => ({
    ...DB,
    'api/src/functions/plan.ts': `import { db } from 'src/lib/db'\nconst APP_ORIGIN = 'https://app.example.com'\nexport const handler = async (event) => {\n  ${check}\n  await db.user.update({ where: { id: 1 }, data: { plan: 'pro' } })\n  return { statusCode: 204 }\n}\n`,
  });
  const spoofable = [
    "if (event.headers.origin !== APP_ORIGIN) return { statusCode: 403 }",
    "if (event.headers.origin !== process.env.ALLOWED_ORIGIN) return { statusCode: 403 }",
    "if (!(event.headers.referer || '').startsWith(APP_ORIGIN)) return { statusCode: 403 }",
    "if (event.headers['sec-fetch-site'] !== 'same-origin') return { statusCode: 403 }",
    "const userId = event.headers['x-user-id']\n  if (!userId) return { statusCode: 401 }",
  ];
  for (const check of spoofable) assert.deepEqual(verdicts(endpoint(check)), ['no-unauthenticated-handler:unauthenticated@api/src/functions/plan.ts:3'], check);
  assert.deepEqual(verdicts(endpoint("if (event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) return { statusCode: 401 }")), []);
});

test("a check through a helper of any name that compares the caller's key with a credential authenticates; CommonJS helpers are followed", () => {
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/verify-request.js': `const { timingSafeEqual } = require('node:crypto')
module.exports = function verifyRequest(event) {
  const given = Buffer.from(event.headers['x-api-key'] ?? '')
  const expected = Buffer.from(process.env.INTERNAL_API_KEY ?? '')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
`,
      'api/src/functions/plan.js': `const verifyRequest = require('../lib/verify-request')
const { db } = require('src/lib/db')
exports.handler = async (event) => {
  if (!verifyRequest(event)) return { statusCode: 401 }
  await db.user.update({ where: { id: '1' }, data: { plan: 'pro' } })
  return { statusCode: 204 }
}
`,
      'api/src/functions/open.js': `const { db } = require('src/lib/db')
const checkShape = require('../lib/verify-request')
exports.handler = async (event) => {
  if (!event.body) return { statusCode: 401 }
  await db.user.update({ where: { id: '1' }, data: { plan: 'pro' } })
  return { statusCode: 204 }
}
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/open.js:3'],
  );
});

test("an OAuth callback's code exchange is the login (Redwood's OAuth recipe); a client-credentials token fetch authenticates nobody", () => {
  const endpoint = (exchange: string, before = '') => `import { db } from 'src/lib/db'
${before}
export const handler = async (event) => {
  const { code } = event.queryStringParameters
  const response = await ${exchange}
  const { access_token } = JSON.parse(await response.text())
  const me = await (await fetch('https://api.github.com/user', { headers: { Authorization: \`Bearer \${access_token}\` } })).json()
  await db.identity.upsert({ where: { uid: String(me.id) }, create: { uid: String(me.id) }, update: { accessToken: access_token } })
  return { statusCode: 302, headers: { Location: '/' } }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/githubOAuth.ts': endpoint(`fetch('https://github.com/login/oauth/access_token', {
    method: 'POST',
    headers: { Accept: 'application/json' },
    body: JSON.stringify({ client_id: process.env.GITHUB_OAUTH_CLIENT_ID, client_secret: process.env.GITHUB_OAUTH_CLIENT_SECRET, code }),
  })`),
      // The endpoint and the form in constants.
      'api/src/functions/googleOAuth.ts': endpoint(
        'fetch(TOKEN_URL, { method: "POST", body: new URLSearchParams({ code, client_id: ID, client_secret: process.env.GOOGLE_CLIENT_SECRET, grant_type: "authorization_code" }) })',
        "const TOKEN_URL = 'https://oauth2.googleapis.com/token'\nconst ID = process.env.GOOGLE_CLIENT_ID",
      ),
      // A machine token for the caller's request: the caller proved nothing.
      'api/src/functions/clientCredentials.ts': endpoint(`fetch('https://acme.eu.auth0.com/oauth/token', {
    method: 'POST',
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: process.env.AUTH0_CLIENT_ID, client_secret: process.env.AUTH0_CLIENT_SECRET }),
  })`),
      // Strava's form set on the URL object.
      'api/src/functions/strava.ts': endpoint(
        "fetch(url, { method: 'POST' })",
        "const url = new URL('https://www.strava.com/oauth/token')\nconst fill = (code) => url",
      ).replace(
        '  const response = await',
        "  url.searchParams.set('client_secret', process.env.STRAVA_CLIENT_SECRET)\n  url.searchParams.set('code', code)\n  const response = await",
      ),
      // A code the caller did not bring: from the database.
      'api/src/functions/storedCode.ts': endpoint(
        "fetch('https://oauth2.googleapis.com/token', { method: 'POST', body: new URLSearchParams({ code: pending.code, client_secret: process.env.GOOGLE_CLIENT_SECRET }) })",
      ).replace('  const response = await', '  const pending = await db.pendingConnection.findFirst({ where: { completedAt: null } })\n  const response = await'),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/clientCredentials.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/storedCode.ts:3',
    ],
  );
});

test("a contact form mails the caller's message to the app's own fixed address; a fixed digest or a caller-chosen recipient is still work", () => {
  const resend = (to: string) => `export const handler = async (event) => {
  const { email, message } = JSON.parse(event.body)
  const res = await fetch('https://api.resend.com/emails', {
    method: 'POST',
    headers: { Authorization: \`Bearer \${process.env.RESEND_API_KEY}\`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ from: 'Website <noreply@acme.dev>', to: ${to}, reply_to: email, subject: 'Contact form', text: message }),
  })
  return { statusCode: res.ok ? 202 : 502 }
}
`;
  const endpoint = (send: string) => `import nodemailer from 'nodemailer'
const transporter = nodemailer.createTransport({ host: 'smtp.acme.dev' })
const SUPPORT = 'support@acme.dev'
export const handler = async (event) => {
  const { email, message } = JSON.parse(event.body)
  await transporter.sendMail(${send})
  return { statusCode: 202 }
}
`;
  assert.deepEqual(
    verdicts({
      'api/src/functions/contact.ts': endpoint("{ from: 'site@acme.dev', to: SUPPORT, replyTo: email, text: message }"),
      'api/src/functions/contactEnv.ts': endpoint('{ to: [process.env.SUPPORT_EMAIL], cc: "sales@acme.dev", subject: `From ${email}`, text: message }'),
      'api/src/functions/digest.ts': endpoint("{ to: SUPPORT, subject: 'Daily digest', text: 'See the dashboard' }"),
      'api/src/functions/invite.ts': endpoint("{ to: email, subject: 'You are invited', text: message }"),
      'api/src/functions/bcc.ts': endpoint("{ to: SUPPORT, bcc: email, text: message }"),
      // Postmark's capitalised fields, a team picked from a constant map, a list the handler adds the caller to.
      'api/src/functions/postmark.ts': endpoint("{ From: 'web@acme.dev', To: 'support@acme.dev', ReplyTo: email, TextBody: message }"),
      'api/src/functions/team.ts': endpoint("{ to: email.endsWith('.edu') ? TEAMS.education : TEAMS[message.length > 500 ? 'sales' : 'support'], text: message }").replace(
        "const SUPPORT = 'support@acme.dev'",
        "const SUPPORT = 'support@acme.dev'\nconst TEAMS = { sales: 'sales@acme.dev', support: SUPPORT, education: 'edu@acme.dev' }",
      ),
      'api/src/functions/pushed.ts': endpoint('{ to: list, text: message }').replace('  await transporter', '  const list = [SUPPORT]\n  list.push(email)\n  await transporter'),
      // The same form posted to Resend's HTTP API with its key; to the caller's address, it is work.
      'api/src/functions/resendFetch.ts': resend('process.env.SUPPORT_EMAIL'),
      'api/src/functions/resendFetchInvite.ts': resend('email'),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/bcc.ts:4',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/digest.ts:4',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/invite.ts:4',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/pushed.ts:4',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/resendFetchInvite.ts:1',
    ],
  );
});

test('a CAPTCHA tells a human from a bot, not who calls; a header compared with a value written in the code is a flag anyone sets', () => {
  const CAPTCHA = {
    'api/src/lib/captcha.ts': `export const verifyTurnstile = async (token: string) => {
  const r = await fetch('https://challenges.cloudflare.com/turnstile/v0/siteverify', { method: 'POST', body: new URLSearchParams({ secret: process.env.TURNSTILE_SECRET_KEY as string, response: token }) })
  return (await r.json()).success === true
}
`,
  };
  const endpoint = (guard: string, work = 'await db.user.deleteMany({})') => `import { verifyTurnstile } from 'src/lib/captcha'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const { token } = JSON.parse(event.body)
  ${guard}
  ${work}
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      ...CAPTCHA,
      'api/src/functions/captchaOnly.ts': endpoint('if (!(await verifyTurnstile(token))) return { statusCode: 403 }'),
      // Asking the CAPTCHA service is no work of its own.
      'api/src/functions/captchaSignup.ts': endpoint('if (!(await verifyTurnstile(token))) return { statusCode: 403 }', "return { statusCode: 204 }"),
      'api/src/functions/internalFlag.ts': endpoint("if (event.headers['x-internal'] !== 'true') return { statusCode: 401 }"),
      'api/src/functions/cronFlag.ts': endpoint("if ('1' !== event.headers['x-vercel-cron']) return { statusCode: 401 }"),
      'api/src/functions/keyLiteral.ts': endpoint("if (event.headers['x-api-key'] !== 'k_live_2f9a7c1e') return { statusCode: 401 }"),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/captchaOnly.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/cronFlag.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/internalFlag.ts:3',
    ],
  );
});

test('a variable about a credential (AUTH0_DOMAIN, NEXTAUTH_URL) is no credential: the secret sent beside it is named', () => {
  const endpoint = (call: string) => `export const handler = async (event) => {
  await ${call}
  return { statusCode: 200 }
}
`;
  const found = scanRules(
    tempProject({
      'api/src/functions/domainOnly.ts': endpoint('fetch(`https://${process.env.AUTH0_DOMAIN}/userinfo`)'),
      'api/src/functions/withSecret.ts': endpoint(
        "fetch(`https://${process.env.AUTH0_DOMAIN}/oauth/token`, { method: 'POST', body: JSON.stringify({ client_id: process.env.AUTH0_CLIENT_ID, client_secret: process.env.AUTH0_CLIENT_SECRET }) })",
      ),
    }),
    HANDLER_RULES,
  ).findings.map((f) => `${path.basename(f.location.file)}: ${f.message}`);
  assert.deepEqual(found, [
    'withSecret.ts: Handler `withSecret` calls a third-party API with `process.env.AUTH0_CLIENT_SECRET` without authenticating the caller.',
  ]);
});

test('round v: a connection string answered is a secret; a signed link checked through a helper, a search-only key and a rate limiter are no work', () => {
  const fn = (body: string, head = '') => `${head}
export const handler = async (event) => {
${body}
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/tokens.ts': "import { createHmac } from 'node:crypto'\nexport const signEmail = (email: string) => createHmac('sha256', process.env.UNSUBSCRIBE_SECRET as string).update(email).digest('hex')\n",
      'api/src/functions/dbUrl.ts': fn("  return { statusCode: 200, body: JSON.stringify({ status: 'ok', database: process.env.DATABASE_URL }) }"),
      'api/src/functions/dbConfigured.ts': fn("  return { statusCode: 200, body: JSON.stringify({ database: !!process.env.DATABASE_URL }) }"),
      'api/src/functions/unsubscribe.ts': fn(
        "  const { email, sig } = event.queryStringParameters\n  if (sig !== signEmail(email)) return { statusCode: 403 }\n  await db.subscriber.update({ where: { email }, data: { status: 'unsubscribed' } })\n  return { statusCode: 200 }",
        "import { db } from 'src/lib/db'\nimport { signEmail } from 'src/lib/tokens'",
      ),
      'api/src/functions/search.ts': fn(
        "  const { hits } = await client.searchSingleIndex({ indexName: 'posts', searchParams: { query: event.queryStringParameters.q } })\n  return { statusCode: 200, body: JSON.stringify(hits) }",
        "import { algoliasearch } from 'algoliasearch'\nconst client = algoliasearch(process.env.ALGOLIA_APP_ID, process.env.ALGOLIA_SEARCH_ONLY_API_KEY)",
      ),
      'api/src/functions/hello.ts': fn(
        "  const { success } = await limiter.limit(event.requestContext.identity.sourceIp)\n  if (!success) return { statusCode: 429 }\n  return { statusCode: 200, body: 'hello' }",
        "import { Ratelimit } from '@upstash/ratelimit'\nimport { Redis } from '@upstash/redis'\nconst limiter = new Ratelimit({ redis: new Redis({ url: process.env.UPSTASH_REDIS_REST_URL, token: process.env.UPSTASH_REDIS_REST_TOKEN }), limiter: Ratelimit.slidingWindow(5, '1 m') })",
      ),
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/dbUrl.ts:2'],
  );
});

test('a presigned S3 URL for an object key the caller chose is work; one for a key the function makes is an upload slot', () => {
  const endpoint = (key: string, command = 'PutObjectCommand') => `import { ${command}, S3Client } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { randomUUID } from 'node:crypto'
const s3 = new S3Client({ region: 'eu-west-1' })
export const handler = async (event) => {
  const body = JSON.parse(event.body)
  const url = await getSignedUrl(s3, new ${command}({ Bucket: 'acme-files', Key: ${key} }), { expiresIn: 300 })
  return { statusCode: 200, body: url }
}
`;
  assert.deepEqual(
    verdicts({
      'api/src/functions/replace.ts': endpoint('body.key'),
      'api/src/functions/download.ts': endpoint('`invoices/${event.queryStringParameters.id}.pdf`', 'GetObjectCommand'),
      'api/src/functions/slot.ts': endpoint('`uploads/${randomUUID()}.jpg`'),
      'api/src/functions/named.ts': endpoint('`uploads/${randomUUID()}/${body.filename}`'),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/download.ts:5',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/replace.ts:5',
    ],
  );
});

test('a paid API client that reads its key from the environment by itself (new OpenAI()) is a client with that key', () => {
  const endpoint = (made: string) => `import OpenAI from 'openai'
const openai = ${made}
export const handler = async (event) => {
  const { messages } = JSON.parse(event.body)
  const answer = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages })
  return { statusCode: 200, body: JSON.stringify(answer) }
}
`;
  const found = scanRules(
    tempProject({
      'api/src/functions/implicit.ts': endpoint('new OpenAI()'),
      'api/src/functions/explicit.ts': endpoint('new OpenAI({ apiKey: process.env.OPENAI_API_KEY })'),
      'api/src/functions/proxy.ts': endpoint("new OpenAI({ apiKey: 'sk-none', baseURL: 'http://localhost:11434/v1' })"),
    }),
    HANDLER_RULES,
  ).findings.map((f) => `${path.basename(f.location.file)}: ${f.message}`);
  assert.deepEqual(found, [
    'explicit.ts: Handler `explicit` calls `openai.chat.completions.create` with `process.env.OPENAI_API_KEY` without authenticating the caller.',
    'implicit.ts: Handler `implicit` calls `openai.chat.completions.create` with `process.env.OPENAI_API_KEY` without authenticating the caller.',
  ]);
});

test('an SDK handed its key by a configuring call (Mailchimp setConfig, Cloudinary config) is a client with that key, also from a lib module', () => {
  const found = scanRules(
    tempProject({
      'api/src/functions/audience.ts': `import mailchimp from '@mailchimp/mailchimp_marketing'
mailchimp.setConfig({ apiKey: process.env.MAILCHIMP_API_KEY, server: 'us21' })
export const handler = async () => {
  const res = await mailchimp.lists.getListMembersInfo('abc123')
  return { statusCode: 200, body: JSON.stringify(res.members) }
}
`,
      'api/src/lib/cloudinary.ts': `import { v2 as cloudinary } from 'cloudinary'
cloudinary.config({ cloud_name: 'acme', api_key: process.env.CLOUDINARY_API_KEY, api_secret: process.env.CLOUDINARY_API_SECRET })
export { cloudinary }
`,
      'api/src/functions/purge.ts': `import { cloudinary } from 'src/lib/cloudinary'
export const handler = async (event) => {
  await cloudinary.uploader.destroy(JSON.parse(event.body).publicId)
  return { statusCode: 204 }
}
`,
      // A delivery URL is built locally: no API call, whatever the SDK holds.
      'api/src/functions/thumb.ts': `import { cloudinary } from 'src/lib/cloudinary'
export const handler = async (event) => ({ statusCode: 302, headers: { Location: cloudinary.url(event.queryStringParameters.id) } })
`,
      // Signing the upload widget's parameters is a hash computed here.
      'api/src/functions/uploadSignature.ts': `import { cloudinary } from 'src/lib/cloudinary'
export const handler = async () => {
  const timestamp = Math.round(Date.now() / 1000)
  const signature = cloudinary.utils.api_sign_request({ timestamp, folder: 'avatars' }, process.env.CLOUDINARY_API_SECRET)
  return { statusCode: 200, body: JSON.stringify({ timestamp, signature }) }
}
`,
      // Configured with nothing secret.
      'api/src/functions/publicCloud.ts': `import { v2 as cloudinary } from 'cloudinary'
cloudinary.config({ cloud_name: process.env.CLOUDINARY_CLOUD_NAME })
export const handler = async () => {
  const res = await cloudinary.search.expression('folder:public').execute()
  return { statusCode: 200, body: JSON.stringify(res) }
}
`,
      // Configuring in the handler is no work by itself.
      'api/src/functions/configOnly.ts': `import mailchimp from '@mailchimp/mailchimp_marketing'
export const handler = async () => {
  mailchimp.setConfig({ apiKey: process.env.MAILCHIMP_API_KEY })
  return { statusCode: 200 }
}
`,
    }),
    HANDLER_RULES,
  ).findings.map((f) => `${path.basename(f.location.file)}: ${f.message}`);
  assert.deepEqual(found, [
    'audience.ts: Handler `audience` calls `mailchimp.lists.getListMembersInfo` with `process.env.MAILCHIMP_API_KEY` without authenticating the caller.',
    'purge.ts: Handler `purge` calls `cloudinary.uploader.destroy` with `process.env.CLOUDINARY_API_SECRET` without authenticating the caller.',
  ]);
});

test('an AI SDK call runs on its provider\'s key: a default instance\'s own variable, or the key given to createOpenAI()', () => {
  const found = scanRules(
    tempProject({
      'api/src/functions/chat.ts': `import { openai } from '@ai-sdk/openai'
import { streamText } from 'ai'
export const handler = async (event) => {
  const { messages, model } = JSON.parse(event.body)
  const result = await streamText({ model: openai(model ?? 'gpt-4o'), messages })
  return { statusCode: 200, body: await result.text }
}
`,
      'api/src/lib/ai.ts': `import { createOpenAI } from '@ai-sdk/openai'
const openrouter = createOpenAI({ apiKey: process.env.OPENROUTER_API_KEY, baseURL: 'https://openrouter.ai/api/v1' })
export const chatModel = openrouter('meta-llama/llama-3-8b')
const local = createOpenAI({ apiKey: 'ollama', baseURL: 'http://localhost:11434/v1' })
export const localModel = local('llama3')
`,
      'api/src/functions/summarize.ts': `import { generateText } from 'ai'
import { chatModel } from 'src/lib/ai'
export const handler = async (event) => {
  const { text } = await generateText({ model: chatModel, prompt: event.body })
  return { statusCode: 200, body: text }
}
`,
      // A local model server's placeholder key is no credential.
      'api/src/functions/localSummarize.ts': `import { generateText } from 'ai'
import { localModel } from 'src/lib/ai'
export const handler = async (event) => {
  const { text } = await generateText({ model: localModel, prompt: event.body })
  return { statusCode: 200, body: text }
}
`,
    }),
    HANDLER_RULES,
  ).findings.map((f) => `${path.basename(f.location.file)}: ${f.message}`);
  assert.deepEqual(found, [
    'chat.ts: Handler `chat` calls `streamText` with `process.env.OPENAI_API_KEY` without authenticating the caller.',
    'summarize.ts: Handler `summarize` calls `generateText` with `process.env.OPENROUTER_API_KEY` without authenticating the caller.',
  ]);
});

test('a configured SDK is followed through CommonJS requires and barrels', () => {
  const found = scanRules(
    tempProject({
      'api/src/lib/utils/mailchimp.js': `const mailchimp = require('@mailchimp/mailchimp_marketing')
mailchimp.setConfig({ apiKey: process.env.MAILCHIMP_API_KEY, server: 'us21' })
module.exports = mailchimp
`,
      'api/src/functions/joinWaitlist.js': `const mailchimp = require('../lib/utils/mailchimp')
exports.handler = async (event) => {
  await mailchimp.lists.addListMember('abc123', { email_address: JSON.parse(event.body).email, status: 'subscribed' })
  return { statusCode: 200 }
}
`,
      'api/src/functions/upload.js': `const cloudinary = require('cloudinary').v2
cloudinary.config({ cloud_name: 'acme', api_secret: process.env.CLOUDINARY_API_SECRET })
exports.handler = async (event) => {
  const r = await cloudinary.uploader.upload(JSON.parse(event.body).url)
  return { statusCode: 200, body: r.secure_url }
}
`,
      'api/src/lib/mailer.ts': "export const from = 'news@acme.dev'\n",
      'api/src/lib/cloudinary.ts': `import { v2 as cloudinary } from 'cloudinary'
cloudinary.config({ cloud_name: 'acme', api_secret: process.env.CLOUDINARY_API_SECRET })
export { cloudinary }
`,
      'api/src/lib/index.ts': "export * from './mailer'\nexport { cloudinary } from './cloudinary'\n",
      'api/src/functions/removeImage.ts': `import { cloudinary } from 'src/lib'
export const handler = async (event) => {
  await cloudinary.uploader.destroy(event.queryStringParameters.id)
  return { statusCode: 204 }
}
`,
    }),
    HANDLER_RULES,
  ).findings.map((f) => `${path.basename(f.location.file)}: ${f.message}`);
  assert.deepEqual(found, [
    'joinWaitlist.js: Handler `joinWaitlist` calls `mailchimp.lists.addListMember` with `process.env.MAILCHIMP_API_KEY` without authenticating the caller.',
    'removeImage.ts: Handler `removeImage` calls `cloudinary.uploader.destroy` with `process.env.CLOUDINARY_API_SECRET` without authenticating the caller.',
    'upload.js: Handler `upload` calls `cloudinary.uploader.upload` with `process.env.CLOUDINARY_API_SECRET` without authenticating the caller.',
  ]);
});

test('LangChain and Replicate clients read their keys by themselves; Anthropic\'s messages.create asks a model, it sends no message', () => {
  const endpoint = (setup: string, call: string) => `${setup}
export const handler = async (event) => {
  const answer = await ${call}
  return { statusCode: 200, body: JSON.stringify(answer) }
}
`;
  const found = scanRules(
    tempProject({
      'api/src/functions/qa.ts': endpoint("import { ChatOpenAI } from '@langchain/openai'\nconst llm = new ChatOpenAI({ model: 'gpt-4o-mini' })", 'llm.invoke(event.body)'),
      'api/src/functions/localQa.ts': endpoint(
        "import { ChatOpenAI } from '@langchain/openai'\nconst llm = new ChatOpenAI({ apiKey: 'ollama', configuration: { baseURL: 'http://localhost:11434/v1' } })",
        'llm.invoke(event.body)',
      ),
      'api/src/functions/image.ts': endpoint("import Replicate from 'replicate'\nconst replicate = new Replicate()", "replicate.run('black-forest-labs/flux-schnell', { input: { prompt: event.body } })"),
      'api/src/functions/claude.ts': endpoint(
        "import Anthropic from '@anthropic-ai/sdk'\nconst client = new Anthropic()",
        "client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: event.body }] })",
      ),
    }),
    HANDLER_RULES,
  ).findings.map((f) => `${path.basename(f.location.file)}: ${f.message}`);
  assert.deepEqual(found, [
    'claude.ts: Handler `claude` calls `client.messages.create` with `process.env.ANTHROPIC_API_KEY` without authenticating the caller.',
    'image.ts: Handler `image` calls `replicate.run` with `process.env.REPLICATE_API_TOKEN` without authenticating the caller.',
    'qa.ts: Handler `qa` calls `llm.invoke` with `process.env.OPENAI_API_KEY` without authenticating the caller.',
  ]);
});

test('Cloudinary\'s API key is public; an answer holding the secret names the secret, never a public key beside it', () => {
  const answering = (fields: string) => `export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ ${fields} }) })\n`;
  const found = scanRules(
    tempProject({
      'api/src/functions/widgetKey.ts': answering('apiKey: process.env.CLOUDINARY_API_KEY, cloudName: process.env.CLOUDINARY_CLOUD_NAME'),
      'api/src/functions/cloudinaryConfig.ts': answering('apiKey: process.env.NEXT_PUBLIC_CLOUDINARY_API_KEY, apiSecret: process.env.CLOUDINARY_API_SECRET'),
    }),
    HANDLER_RULES,
  ).findings.map((f) => `${path.basename(f.location.file)}: ${f.message}`);
  assert.deepEqual(found, ['cloudinaryConfig.ts: Handler `cloudinaryConfig` returns `process.env.CLOUDINARY_API_SECRET` without authenticating the caller.']);
});

test('a refusal answered through a response helper refuses: handed the status, named for it, or a function of the file', () => {
  const endpoint = (helper: string, refusal: string) => `import { db } from 'src/lib/db'
${helper}
export const handler = async (event, context) => {
  const { user } = context.clientContext
  if (!user) return ${refusal}
  await db.note.create({ data: { owner: user.sub } })
  return { statusCode: 201 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/handed.ts': endpoint("const respond = (statusCode, body) => ({ statusCode, body: JSON.stringify(body) })", "respond(401, { error: 'sign in' })"),
      'api/src/functions/named.ts': endpoint("import { unauthorized } from 'src/lib/http'", 'unauthorized()'),
      'api/src/functions/local.ts': endpoint("function deny() {\n  return { statusCode: 403, body: 'no' }\n}", 'deny()'),
      // A helper that answers 200 is no refusal, whatever the test before it.
      'api/src/functions/ok.ts': endpoint("const respond = (statusCode, body) => ({ statusCode, body: JSON.stringify(body) })", "respond(200, { hello: 'guest' })"),
      'api/src/lib/http.ts': "export const unauthorized = () => ({ statusCode: 401, body: 'Unauthorized' })\n",
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/ok.ts:3'],
  );
});

test("a project's async auth helper not awaited answers a promise: testing it keeps nobody out", () => {
  const endpoint = (call: string) => `import { db } from 'src/lib/db'
import { getSession } from 'src/lib/session'
export const handler = async (event) => {
${call}
  await db.order.deleteMany()
  return { statusCode: 204 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/session.ts': `import jwt from 'jsonwebtoken'
export async function getSession(event) {
  try {
    return jwt.verify(event.headers.authorization ?? '', process.env.SESSION_SECRET)
  } catch {
    return null
  }
}
`,
      'api/src/functions/bound.ts': endpoint('  const session = getSession(event)\n  if (!session) return { statusCode: 401 }'),
      'api/src/functions/tested.ts': endpoint('  if (!getSession(event)) return { statusCode: 401 }'),
      'api/src/functions/awaited.ts': endpoint('  const session = await getSession(event)\n  if (!session) return { statusCode: 401 }'),
      'api/src/functions/awaitedLater.ts': endpoint('  const pending = getSession(event)\n  const session = await pending\n  if (!session) return { statusCode: 401 }'),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/bound.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/tested.ts:3',
    ],
  );
});

test("an auth helper that tests the token's shape, then only decodes it, checks nobody; one handed a session does", () => {
  const endpoint = (helper: string) => `import { db } from 'src/lib/db'
import { getUser } from 'src/lib/${helper}'
export const handler = async (event) => {
  let claims
  try {
    claims = getUser(event.headers.authorization)
  } catch {
    return { statusCode: 401 }
  }
  await db.note.deleteMany({ where: { owner: claims.sub } })
  return { statusCode: 204 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/decode.ts': `import { jwtDecode } from 'jwt-decode'
export function getUser(authorization) {
  if (!authorization?.startsWith('Bearer ')) throw new Error('Unauthorized')
  const claims = jwtDecode(authorization.slice(7))
  if (!claims?.sub) throw new Error('Unauthorized')
  return claims
}
`,
      'api/src/lib/verify.ts': `import jwt from 'jsonwebtoken'
export function getUser(authorization) {
  if (!authorization?.startsWith('Bearer ')) throw new Error('Unauthorized')
  return jwt.verify(authorization.slice(7), process.env.SESSION_SECRET)
}
`,
      'api/src/functions/decoded.ts': endpoint('decode'),
      'api/src/functions/verified.ts': endpoint('verify'),
    }),
    ['no-unauthenticated-handler:decodeOnly@api/src/functions/decoded.ts:3'],
  );
});

test('a verification the request itself can skip (a header or query flag) is bypassable; one the deployment turns off is left to it', () => {
  const route = (test: string, before = '') => `import { Webhook } from 'svix'
import { db } from 'src/lib/db'
export const handler = async (event) => {
${before}  let evt
  if (${test}) {
    evt = JSON.parse(event.body)
  } else {
    evt = new Webhook(process.env.CLERK_WEBHOOK_SECRET).verify(event.body, event.headers)
  }
  await db.user.delete({ where: { clerkId: evt.data.id } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/headerFlag.ts': route("event.headers['x-msw-mock'] === 'true'"),
      'api/src/functions/queryFlag.ts': route("event.queryStringParameters?.mock === '1'"),
      'api/src/functions/namedFlag.ts': route('isMock', "  const isMock = event.headers['x-mock'] === 'true'\n"),
      'api/src/functions/deployFlag.ts': route("process.env.MOCK_WEBHOOKS === 'true' && event.headers['x-mock'] === 'true'"),
    }),
    // Svix's own timestamp window stands for replays wherever verify runs.
    [
      'require-webhook-verification:skippedOnRequest@api/src/functions/headerFlag.ts:8',
      'require-webhook-verification:skippedOnRequest@api/src/functions/namedFlag.ts:9',
      'require-webhook-verification:skippedOnRequest@api/src/functions/queryFlag.ts:8',
    ],
  );
});

test("a signature header of a provider fnscan does not list is known by its name, and its webhook asked for replay protection", () => {
  // A Vercel function reading its raw body with micro: only the signature header tells a webhook.
  const hook = (header: string) => `import crypto from 'node:crypto'
import { buffer } from 'micro'
import { sql } from '@vercel/postgres'
export const config = { api: { bodyParser: false } }
export default async function handler(req, res) {
  const raw = (await buffer(req)).toString('utf8')
  const given = String(req.headers['${header}'] || '')
  const expected = crypto.createHmac('sha256', process.env.BILLING_WEBHOOK_SECRET).update(raw).digest('hex')
  if (given.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected))) return res.status(401).end()
  const evt = JSON.parse(raw)
  await sql\`INSERT INTO credits (account, amount) VALUES (\${evt.account}, \${evt.credits})\`
  return res.status(200).end()
}
`;
  const root = tempDir('fnscan-signature-names-');
  writeFiles(root, {
    'vercel.json': '{}',
    'api/acme.ts': hook('x-acme-signature'),
    'api/sanity.ts': hook('sanity-webhook-signature'),
    'api/hmac.ts': hook('x-acme-hmac-sha256'),
    // The time that comes with a signature is no signature.
    'api/timestamp.ts': hook('x-acme-signature-timestamp'),
  });
  assert.deepEqual(
    scanRules(root, HANDLER_RULES).findings.map((f) => `${f.ruleId}:${f.messageId}@${path.relative(root, f.location.file)}:${f.location.startPos.line}`),
    [
      'require-replay-protection:noReplayProtection@api/acme.ts:8',
      'require-replay-protection:noReplayProtection@api/hmac.ts:8',
      'require-replay-protection:noReplayProtection@api/sanity.ts:8',
    ],
  );
});

test("a credentialed client's builder call is named by the request it leads to, and judged where that request is made", () => {
  const root = tempProject(
    {
      'api/src/lib/auth.ts': "export const requireAuth = () => {\n  throw new Error('Unauthorized')\n}\n",
      'api/src/functions/reindex.ts': `import algoliasearch from 'algoliasearch'
const client = algoliasearch(process.env.ALGOLIA_APP_ID, process.env.ALGOLIA_ADMIN_API_KEY)
export const handler = async (event) => {
  await client.initIndex('products').saveObjects(JSON.parse(event.body)).then(() => null)
  return { statusCode: 202 }
}
`,
      'api/src/functions/caption.ts': `import { GoogleGenerativeAI } from '@google/generative-ai'
import { requireAuth } from 'src/lib/auth'
const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY)
export const handler = async (event) => {
  const model = genAI.getGenerativeModel({ model: 'gemini-1.5-flash' })
  requireAuth()
  const result = await model.generateContent(JSON.parse(event.body).prompt)
  return { statusCode: 200, body: result.response.text() }
}
`,
      'api/src/functions/openCaption.ts': `import { GoogleGenerativeAI } from '@google/generative-ai'
const genAI = new GoogleGenerativeAI(process.env.GEMINI_API_KEY)
export const handler = async (event) => {
  const model = genAI.getGenerativeModel({ model: 'gemini-1.5-flash' })
  const result = await model.generateContent(JSON.parse(event.body).prompt)
  return { statusCode: 200, body: result.response.text() }
}
`,
    },
    'fnscan-handlers-',
  );
  assert.deepEqual(
    scanRules(root, HANDLER_RULES).findings.map((f) => `${path.relative(root, f.location.file)} ${f.related[0]?.startPos.line}: ${f.message}`),
    [
      'api/src/functions/openCaption.ts 5: Handler `openCaption` calls `model.generateContent` with `process.env.GEMINI_API_KEY` without authenticating the caller.',
      'api/src/functions/reindex.ts 4: Handler `reindex` calls `client.initIndex(…).saveObjects` with `process.env.ALGOLIA_ADMIN_API_KEY` without authenticating the caller.',
    ],
  );
});

test("a request's awaited answer is no builder: the request itself is named; Mapbox's access token is public", () => {
  assert.deepEqual(
    scanRules(
      tempProject(
        {
          'api/src/functions/calls.ts': `import twilio from 'twilio'
const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN)
export const handler = async () => {
  const calls = await client.calls.list({ limit: 5 })
  return { statusCode: 200, body: JSON.stringify(calls.map((c) => c.sid)) }
}
`,
          'api/src/functions/mapConfig.ts': `export const handler = async () => ({ statusCode: 200, body: JSON.stringify({ token: process.env.MAPBOX_ACCESS_TOKEN }) })
`,
        },
        'fnscan-handlers-',
      ),
      HANDLER_RULES,
    ).findings.map((f) => f.message),
    ['Handler `calls` calls `client.calls.list` with `process.env.TWILIO_AUTH_TOKEN` without authenticating the caller.'],
  );
});

test('DynamoDB: a conditional put of the delivery id de-duplicates; a table named by its variable is read as the table it names; a verifier result assigned later decides', () => {
  const github = (put: string) => `import { createHmac, timingSafeEqual } from 'node:crypto'
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { ddb } from 'src/lib/ddb'
const verify = (body, header) => {
  const digest = Buffer.from('sha256=' + createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(body).digest('hex'))
  const given = Buffer.from(header)
  return given.length === digest.length && timingSafeEqual(given, digest)
}
export const handler = async (event) => {
  if (!verify(event.body, event.headers['x-hub-signature-256'] ?? '')) return { statusCode: 401 }
  const deliveryId = event.headers['x-github-delivery']
  try {
    await ddb.send(new PutCommand({ TableName: process.env.DELIVERIES_TABLE, Item: { id: deliveryId }${put} }))
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return { statusCode: 200 }
    throw err
  }
  await ddb.send(new PutCommand({ TableName: 'deployments', Item: { sha: JSON.parse(event.body).after } }))
  return { statusCode: 202 }
}
`;
  assert.deepEqual(
    verdicts({
      'api/src/lib/ddb.ts': "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'\nexport const ddb = DynamoDBDocumentClient.from(client)\n",
      'api/src/functions/deployOnce.ts': github(", ConditionExpression: 'attribute_not_exists(id)'"),
      'api/src/functions/deployTwice.ts': github(''),
      'api/src/functions/exportCustomers.ts': `import { ScanCommand } from '@aws-sdk/lib-dynamodb'
import { ddb } from 'src/lib/ddb'
export const handler = async () => {
  const { Items } = await ddb.send(new ScanCommand({ TableName: process.env.CUSTOMERS_TABLE }))
  const { Items: plans } = await ddb.send(new ScanCommand({ TableName: process.env.PLANS_TABLE }))
  return { statusCode: 200, body: JSON.stringify({ Items, plans }) }
}
`,
      'api/src/functions/twilioInbound.ts': `import twilio from 'twilio'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  let isValid = true
  if (process.env.NODE_ENV === 'production') {
    isValid = twilio.validateRequest(process.env.TWILIO_AUTH_TOKEN, event.headers['x-twilio-signature'] ?? '', 'https://acme.dev/twilio', event.body)
  }
  if (!isValid) return { statusCode: 403 }
  await db.inbound.create({ data: { body: event.body } })
  return { statusCode: 200 }
}
`,
      ...DB,
    }),
    [
      'require-replay-protection:noReplayProtection@api/src/functions/deployTwice.ts:6',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/exportCustomers.ts:3',
      'require-replay-protection:noReplayProtection@api/src/functions/twilioInbound.ts:6',
    ],
  );
});

test("an allowlist of the address API Gateway measured authenticates; a refusal that tests nothing of the caller does not", () => {
  const metrics = (test: string) => [
    "import { db } from 'src/lib/db'",
    "const MONITORING_IPS = ['198.51.100.20', '198.51.100.21']",
    'export const handler = async (event) => {',
    `  if (${test}) return { statusCode: 403 }`,
    "  const pending = await db.order.count({ where: { status: 'PENDING' } })",
    '  await db.order.updateMany({ where: { status: "STALE" }, data: { status: "PENDING" } })',
    '  return { statusCode: 200, body: JSON.stringify({ pending }) }',
    '}',
  ].join('\n');
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/restApi.js': metrics('!MONITORING_IPS.includes(event.requestContext.identity.sourceIp)'),
      'api/src/functions/httpApi.js': metrics('!MONITORING_IPS.includes(event.requestContext.http.sourceIp)'),
      'api/src/functions/region.js': metrics("process.env.AWS_REGION !== 'eu-west-1'"),
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/region.js:3'],
  );
});

test("BigCommerce's payload `hash`, the same for a resent event, keys a de-duplicating conditional put", () => {
  const capture = (key: string) => `import { createHmac, timingSafeEqual } from 'node:crypto'
import { PutCommand } from '@aws-sdk/lib-dynamodb'
import { ddb } from 'src/lib/ddb'
export const handler = async (event) => {
  const digest = Buffer.from(createHmac('sha256', process.env.BIGCOMMERCE_CLIENT_SECRET).update(event.body).digest('base64'))
  const given = Buffer.from(event.headers['x-bc-signature'] ?? '')
  if (given.length !== digest.length || !timingSafeEqual(given, digest)) return { statusCode: 401 }
  const payload = JSON.parse(event.body)
  await ddb.send(new PutCommand({ TableName: process.env.WEBHOOKS_TABLE, Item: { pk: \`bigcommerce#\${${key}}\`, payload }, ConditionExpression: 'attribute_not_exists(pk)' }))
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      'api/src/lib/ddb.ts': "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'\nexport const ddb = DynamoDBDocumentClient.from(client)\n",
      'api/src/functions/bigcommerceHash.ts': capture('payload.hash'),
      'api/src/functions/bigcommerceScope.ts': capture('payload.scope'),
    }),
    ['require-replay-protection:noReplayProtection@api/src/functions/bigcommerceScope.ts:5'],
  );
});

test('a token read from `event.headers.authorization`, reshaped into a constant, only tested for presence and decoded, checks nobody', () => {
  const handler = (use: string) => `import { jwtDecode } from 'jwt-decode'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const token = event.headers.authorization?.replace('Bearer ', '')
  if (!token) return { statusCode: 401 }
${use}
  await db.user.delete({ where: { id: sub } })
  return { statusCode: 204 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/tokens.ts': "import jwt from 'jsonwebtoken'\nexport const verifyToken = (token) => jwt.verify(token, process.env.JWT_SECRET)\n",
      'api/src/functions/decodes.ts': handler('  const sub = jwtDecode(token).sub'),
      'api/src/functions/verifies.ts': `import { verifyToken } from 'src/lib/tokens'\n${handler('  const sub = verifyToken(token).sub')}`,
    }),
    ['no-unauthenticated-handler:unauthenticated@api/src/functions/decodes.ts:3'],
  );
});

test('round ad: a switch whose default refuses, the caller handed to a helper that throws without one, and the rest of a try after a swallowed jwtVerify all check the caller', () => {
  const switchOn = (cases: string) => `import { db } from 'src/lib/db'
export const handler = async (event, context) => {
  switch (context.currentUser?.role) {
${cases}
    default:
      return { statusCode: 403 }
  }
  await db.user.deleteMany({ where: { stale: true } })
  return { statusCode: 200 }
}
`;
  const handedTo = (helper: string) => `import { db } from 'src/lib/db'
import { ${helper} } from 'src/lib/roles'
export const handler = async (event, context) => {
  const staff = ${helper}(context.currentUser, 'support')
  await db.order.updateMany({ where: { stale: true }, data: { refundedById: staff.id } })
  return { statusCode: 200 }
}
`;
  const verifyInTry = (after: string) => `import { jwtVerify } from 'jose'
import { db } from 'src/lib/db'
const key = new TextEncoder().encode(process.env.SESSION_SECRET)
export const handler = async (event) => {
  let orders = []
  try {
    const { payload } = await jwtVerify(event.headers.authorization, key)
    orders = await db.order.findMany({ where: { userId: String(payload.sub) } })
  } catch {
    // a bad token sees the anonymous page
  }
${after}  return { statusCode: 200, body: JSON.stringify(orders) }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/lib/roles.ts': `export const requireRole = (user, role) => {
  if (!user) throw new Error('Not signed in')
  if (!user.roles.includes(role)) throw new Error('Forbidden')
  return user
}
export const roleOf = (user, role) => {
  if (!user) console.warn('no user')
  return user
}
`,
      'api/src/functions/switchRefuses.ts': switchOn("    case 'admin':\n    case 'support':\n      break"),
      'api/src/functions/switchLetsAbsentIn.ts': switchOn("    case 'admin':\n    case undefined:\n      break"),
      'api/src/functions/handedToRequireRole.ts': handedTo('requireRole'),
      'api/src/functions/handedToRoleOf.ts': handedTo('roleOf'),
      'api/src/functions/readInTry.ts': verifyInTry(''),
      'api/src/functions/writeAfterTry.ts': verifyInTry('  await db.order.deleteMany({ where: { stale: true } })\n'),
    }),
    [
      'no-unauthenticated-handler:unauthenticated@api/src/functions/handedToRoleOf.ts:3',
      'no-unauthenticated-handler:unauthenticated@api/src/functions/switchLetsAbsentIn.ts:2',
      'no-unauthenticated-handler:unguardedPath@api/src/functions/writeAfterTry.ts:4',
    ],
  );
});

test('round ad: a clock check on the time the signature header carries counts when the signed text is built in a constant first', () => {
  const webhook = (signed: string) => `import { createHmac, timingSafeEqual } from 'node:crypto'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const parts = Object.fromEntries((event.headers['x-acme-signature'] ?? '').split(',').map((kv) => kv.split('=')))
  const timestamp = Number(parts.t)
  if (Math.abs(Date.now() / 1000 - timestamp) > 300) return { statusCode: 401 }
  const signedPayload = ${signed}
  const expected = Buffer.from(createHmac('sha256', process.env.ACME_WEBHOOK_SECRET).update(signedPayload).digest('hex'))
  const given = Buffer.from(parts.v1 ?? '')
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { statusCode: 401 }
  await db.subscription.update({ where: { externalId: JSON.parse(event.body).id }, data: { status: 'active' } })
  return { statusCode: 200 }
}
`;
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/timeSigned.ts': webhook('`${timestamp}.${event.body}`'),
      'api/src/functions/timeNotSigned.ts': webhook('event.body'),
    }),
    ['require-replay-protection:noReplayProtection@api/src/functions/timeNotSigned.ts:8'],
  );
});

test("a signature checked in a ternary's first branch is skipped by a request without one, unless the other branch gives nothing to act on", () => {
  const hook = (value: string, then = '') => `import Stripe from 'stripe'
import { db } from 'src/lib/db'
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY)
export const handler = async (event) => {
  const signature = event.headers['stripe-signature']
  const payload = ${value}
${then}  await db.order.update({ where: { id: payload.data.object.metadata.orderId }, data: { paid: true } })
  return { statusCode: 200 }
}
`;
  const verify = 'stripe.webhooks.constructEvent(event.body, signature, process.env.STRIPE_WEBHOOK_SECRET)';
  assert.deepEqual(
    verdicts({
      ...DB,
      'api/src/functions/fallsBackToBody.ts': hook(`signature ? ${verify} : JSON.parse(event.body)`),
      'api/src/functions/nullWithoutOne.ts': hook(`signature ? ${verify} : null`, '  if (!payload) return { statusCode: 400 }\n'),
    }),
    ['require-webhook-verification:onlyWhenSigned@api/src/functions/fallsBackToBody.ts:6'],
  );
});
