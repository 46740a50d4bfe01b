/**
 * Source text for the generated Redwood apps: the shapes real functions, helpers, services,
 * tests and web components take. Every template is valid TypeScript; a few carry the mistakes
 * fnscan looks for (missing auth, bypassable or replayable verification, disabled TLS,
 * hardcoded keys), most do not.
 */
import type { Random } from './random';

export interface Names {
  /** Endpoint name, e.g. `githubOrderWebhook`. */
  name: string;
  /** Prisma model accessor, e.g. `order`. */
  model: string;
  /** Service folder and function names, e.g. `orders`, `createOrder`. */
  service: string;
  /** Environment variable holding this endpoint's secret. */
  env: string;
  provider: string;
}

export const MODELS = [
  'order', 'invoice', 'user', 'product', 'subscription', 'shipment', 'payment', 'customer', 'post', 'comment',
  'ticket', 'event', 'report', 'lead', 'booking', 'review', 'coupon', 'refund', 'payout', 'delivery',
] as const;

export const PROVIDERS = [
  'github', 'stripe', 'shopify', 'slack', 'twilio', 'clerk', 'sendgrid', 'postmark', 'mailgun', 'paddle',
  'linear', 'calendly', 'zoom', 'discourse', 'intercom', 'hubspot', 'segment', 'sentry', 'vercel', 'netlify',
] as const;

const VERIFIERS = [
  ['sha256Verifier', 6],
  ['timestampSchemeVerifier', 6],
  ['sha1Verifier', 2],
  ['secretKeyVerifier', 2],
  ['jwtVerifier', 2],
  ['base64Sha256Verifier', 2],
  ['skipVerifier', 0.3],
] as const;

const SIGNATURE_HEADERS: Record<string, string> = {
  github: 'X-Hub-Signature-256',
  shopify: 'X-Shopify-Hmac-Sha256',
  slack: 'X-Slack-Signature',
  linear: 'Linear-Signature',
  calendly: 'Calendly-Webhook-Signature',
  zoom: 'X-Zm-Signature',
  discourse: 'X-Discourse-Event-Signature',
};

export function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function plural(model: string): string {
  if (model.endsWith('y') && !/[aeiou]y$/.test(model)) return `${model.slice(0, -1)}ies`;
  return `${model}s`;
}

const HEADER = `import type { APIGatewayEvent, Context } from 'aws-lambda'\n`;

function upsertWork(n: Names, indent: string): string {
  return [
    `${indent}const payload = JSON.parse(event.body || '{}')`,
    `${indent}await db.${n.model}.upsert({`,
    `${indent}  where: { externalId: String(payload.id) },`,
    `${indent}  create: { externalId: String(payload.id), status: payload.status ?? 'received' },`,
    `${indent}  update: { status: payload.status ?? 'received' },`,
    `${indent}})`,
  ].join('\n');
}

/** `verifyEvent` from @redwoodjs/api/webhooks, with one of its verifier types; optionally de-duplicated. */
function redwoodVerify(n: Names, rng: Random, dedupe: boolean): string {
  const verifier = rng.weighted(VERIFIERS);
  const header = SIGNATURE_HEADERS[n.provider];
  const options = header ? `, options: { signatureHeader: '${header}' }` : '';
  const dedupeBlock = dedupe
    ? `
    const deliveryId = event.headers['x-github-delivery'] as string
    if (await db.webhookDelivery.findUnique({ where: { id: deliveryId } })) {
      return { statusCode: 200, body: JSON.stringify({ duplicate: true }) }
    }
    await db.webhookDelivery.create({ data: { id: deliveryId } })`
    : '';
  return `${HEADER}
import { verifyEvent, WebhookVerificationError } from '@redwoodjs/api/webhooks'

import { db } from 'src/lib/db'
import { logger } from 'src/lib/logger'

/**
 * Receives ${capital(n.provider)} notifications about ${plural(n.model)}.
 */
export const handler = async (event: APIGatewayEvent, _context: Context) => {
  const webhookLogger = logger.child({ webhook: '${n.name}' })
  webhookLogger.trace('Invoked ${n.name} function')
  try {
    verifyEvent('${verifier}', { event, secret: process.env.${n.env}${options} })${dedupeBlock}
${upsertWork(n, '    ')}
    return {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: '${n.name} received' }),
    }
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      webhookLogger.warn('Unauthorized')
      return { statusCode: 401 }
    }
    webhookLogger.error({ error }, 'Failed to process ${n.name}')
    return { statusCode: 500, body: JSON.stringify({ error: 'internal error' }) }
  }
}
`;
}

function stripe(n: Names): string {
  return `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { db } from 'src/lib/db'
import { logger } from 'src/lib/logger'
import { stripe } from 'src/lib/stripe'

export const handler = async (event: APIGatewayProxyEvent) => {
  const signature = event.headers['stripe-signature']
  let stripeEvent
  try {
    stripeEvent = stripe.webhooks.constructEvent(
      event.body as string,
      signature as string,
      process.env.${n.env} as string
    )
  } catch (error) {
    logger.warn({ error }, 'Rejected a Stripe webhook with a bad signature')
    return { statusCode: 400, body: 'Bad signature' }
  }

  switch (stripeEvent.type) {
    case 'checkout.session.completed':
      await db.${n.model}.update({ where: { stripeId: stripeEvent.data.object.id }, data: { status: 'paid' } })
      break
    case 'charge.refunded':
      await db.${n.model}.update({ where: { stripeId: stripeEvent.data.object.id }, data: { status: 'refunded' } })
      break
    default:
      logger.debug({ type: stripeEvent.type }, 'Ignored Stripe event')
  }
  return { statusCode: 200, body: JSON.stringify({ received: true }) }
}
`;
}

function libWrapped(n: Names): string {
  return `import { db } from 'src/lib/db'
import { sendEmail } from 'src/lib/email'
import { withWebhookVerification } from 'src/lib/webhooks'

export const handler = withWebhookVerification(async (event) => {
  const body = JSON.parse(event.body || '{}')
  const record = await db.${n.model}.create({ data: { externalId: String(body.id), source: '${n.provider}' } })
  if (body.notify) {
    await sendEmail({ to: body.notify, subject: 'New ${n.model} ' + record.id })
  }
  return { statusCode: 200, body: JSON.stringify({ id: record.id }) }
})
`;
}

function libGithub(n: Names): string {
  return `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { WebhookVerificationError } from '@redwoodjs/api/webhooks'

import { db } from 'src/lib/db'
import { verifyGithubSignature } from 'src/lib/webhooks'

export const handler = async (event: APIGatewayProxyEvent) => {
  try {
    verifyGithubSignature(event)
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return { statusCode: 401 }
    }
    throw error
  }
  const push = JSON.parse(event.body as string)
  await db.${n.model}.create({ data: { sha: push.after, ref: push.ref } })
  return { statusCode: 202 }
}
`;
}

function svix(n: Names): string {
  return `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { Webhook } from 'svix'

import { db } from 'src/lib/db'

export const handler = async (event: APIGatewayProxyEvent) => {
  const wh = new Webhook(process.env.${n.env} as string)
  let payload: { type: string; data: { id: string } }
  try {
    payload = wh.verify(event.body as string, {
      'svix-id': event.headers['svix-id'] as string,
      'svix-timestamp': event.headers['svix-timestamp'] as string,
      'svix-signature': event.headers['svix-signature'] as string,
    }) as typeof payload
  } catch {
    return { statusCode: 401 }
  }
  if (payload.type === '${n.model}.created') {
    await db.${n.model}.create({ data: { externalId: payload.data.id } })
  }
  return { statusCode: 204 }
}
`;
}

function hmacManual(n: Names, rng: Random): string {
  const checksTime = rng.chance(0.5);
  const timeCheck = checksTime
    ? `
  const sentAt = Number(event.headers['x-webhook-timestamp'])
  if (!sentAt || Math.abs(Date.now() - sentAt * 1000) > 5 * 60 * 1000) {
    return { statusCode: 401 }
  }`
    : '';
  return `import crypto from 'node:crypto'

import type { APIGatewayProxyEvent } from 'aws-lambda'

import { db } from 'src/lib/db'

export const handler = async (event: APIGatewayProxyEvent) => {
  const received = event.headers['x-webhook-signature'] ?? ''${timeCheck}
  const digest = crypto
    .createHmac('sha256', process.env.${n.env} as string)
    .update(event.body as string, 'utf8')
    .digest('hex')
  const ok = received.length === digest.length && crypto.timingSafeEqual(Buffer.from(received), Buffer.from(digest))
  if (!ok) {
    return { statusCode: 401 }
  }
  const item = JSON.parse(event.body as string)
  await db.${n.model}.create({ data: { externalId: String(item.id) } })
  return { statusCode: 200 }
}
`;
}

function requireAuthWrapper(n: Names, checks: boolean): string {
  return `${HEADER}
import { authDecoder } from '@redwoodjs/auth-dbauth-api'
import { useRequireAuth } from '@redwoodjs/graphql-server'

import { getCurrentUser${checks ? ', requireAuth' : ''} } from 'src/lib/auth'
import { db } from 'src/lib/db'

const ${n.name}Handler = async (event: APIGatewayEvent, _context: Context) => {
${checks ? '  requireAuth()\n' : ''}  const take = Number(event.queryStringParameters?.take ?? 50)
  const rows = await db.${n.model}.findMany({ where: { userId: context.currentUser?.id }, take })
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(rows),
  }
}

export const handler = useRequireAuth({
  handlerFn: ${n.name}Handler,
  getCurrentUser,
  authDecoder,
})
`;
}

function apiKey(n: Names): string {
  return `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { db } from 'src/lib/db'
import { logger } from 'src/lib/logger'

export const handler = async (event: APIGatewayProxyEvent) => {
  if (event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) {
    logger.warn('Rejected a call without the internal API key')
    return { statusCode: 401 }
  }
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000)
  const rows = await db.${n.model}.findMany({ where: { createdAt: { gte: since } } })
  return { statusCode: 200, body: JSON.stringify({ count: rows.length, rows }) }
}
`;
}

function cronSecret(n: Names): string {
  return `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { db } from 'src/lib/db'
import { sendEmail } from 'src/lib/email'

/** Called by the scheduler every night. */
export const handler = async (event: APIGatewayProxyEvent) => {
  if (event.headers['x-cron-secret'] !== process.env.CRON_SECRET) {
    return { statusCode: 403 }
  }
  const stale = await db.${n.model}.findMany({ where: { status: 'pending' } })
  for (const row of stale) {
    await db.${n.model}.update({ where: { id: row.id }, data: { status: 'expired' } })
  }
  await sendEmail({ to: process.env.OPS_EMAIL as string, subject: \`\${stale.length} ${plural(n.model)} expired\` })
  return { statusCode: 200 }
}
`;
}

function serviceCall(n: Names): string {
  const fn = `create${capital(n.model)}`;
  return `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { ${fn} } from 'src/services/${n.service}/${n.service}'

export const handler = async (event: APIGatewayProxyEvent) => {
  const input = JSON.parse(event.body || '{}')
  const created = await ${fn}({ input })
  return { statusCode: 201, body: JSON.stringify(created) }
}
`;
}

function publicHealth(n: Names): string {
  return `export const handler = async () => {
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 'ok', service: '${n.name}', time: new Date().toISOString() }),
  }
}
`;
}

function unauthenticated(n: Names): string {
  return `import { db } from 'src/lib/db'

export const handler = async () => {
  const rows = await db.${n.model}.findMany({ orderBy: { createdAt: 'desc' }, take: 500 })
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'text/csv' },
    body: rows.map((r) => \`\${r.id},\${r.createdAt.toISOString()}\`).join('\\n'),
  }
}
`;
}

function swallowed(n: Names): string {
  return `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { verifyEvent } from '@redwoodjs/api/webhooks'

import { db } from 'src/lib/db'
import { logger } from 'src/lib/logger'

export const handler = async (event: APIGatewayProxyEvent) => {
  try {
    verifyEvent('timestampSchemeVerifier', { event, secret: process.env.${n.env} })
  } catch (error) {
    logger.error({ error }, 'could not verify ${n.name}')
  }
  const submission = JSON.parse(event.body as string)
  await db.${n.model}.create({ data: { email: submission.email } })
  return { statusCode: 200 }
}
`;
}

function tlsClient(n: Names): string {
  return `import https from 'node:https'

import type { APIGatewayProxyEvent } from 'aws-lambda'

import { db } from 'src/lib/db'

// The partner's staging host has a self-signed certificate.
const partnerAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false })

export const handler = async (event: APIGatewayProxyEvent) => {
  if (event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) {
    return { statusCode: 401 }
  }
  const res = await fetch(\`\${process.env.PARTNER_API_URL}/${plural(n.model)}\`, {
    // @ts-expect-error node-fetch style agent
    agent: partnerAgent,
  })
  const rows = (await res.json()) as Array<{ id: string }>
  for (const row of rows) await db.${n.model}.upsert({ where: { externalId: row.id }, create: { externalId: row.id }, update: {} })
  return { statusCode: 200, body: JSON.stringify({ synced: rows.length }) }
}
`;
}

function hardcodedSecret(n: Names, rng: Random): string {
  const key = `SG.${rng.token(22)}.${rng.token(43)}`;
  return `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { db } from 'src/lib/db'

const SENDGRID_API_KEY = '${key}'

export const handler = async (event: APIGatewayProxyEvent) => {
  if (event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) {
    return { statusCode: 401 }
  }
  const recipients = await db.${n.model}.findMany({ select: { email: true } })
  await fetch('https://api.sendgrid.com/v3/mail/send', {
    method: 'POST',
    headers: { Authorization: \`Bearer \${SENDGRID_API_KEY}\`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ personalizations: recipients.map((r) => ({ to: [{ email: r.email }] })) }),
  })
  return { statusCode: 202 }
}
`;
}

/** A function in its own folder (`functions/x/x.ts`) with a local helper module. */
function dirForm(n: Names, rng: Random): { main: string; helper: string } {
  const verifier = rng.pick(['sha256Verifier', 'timestampSchemeVerifier'] as const);
  return {
    main: `import type { APIGatewayProxyEvent } from 'aws-lambda'

import { verifyEvent, WebhookVerificationError } from '@redwoodjs/api/webhooks'

import { db } from 'src/lib/db'

import { parse${capital(n.model)} } from './parse'

export const handler = async (event: APIGatewayProxyEvent) => {
  try {
    verifyEvent('${verifier}', { event, secret: process.env.${n.env} })
  } catch (error) {
    if (error instanceof WebhookVerificationError) return { statusCode: 401 }
    throw error
  }
  const item = parse${capital(n.model)}(event.body as string)
  await db.${n.model}.create({ data: item })
  return { statusCode: 200 }
}
`,
    helper: `export interface Parsed${capital(n.model)} {
  externalId: string
  status: string
  amountCents: number
}

export const parse${capital(n.model)} = (body: string): Parsed${capital(n.model)} => {
  const raw = JSON.parse(body)
  return {
    externalId: String(raw.id),
    status: typeof raw.status === 'string' ? raw.status : 'unknown',
    amountCents: Math.round(Number(raw.amount ?? 0) * 100),
  }
}
`,
  };
}

export type Shape =
  | 'redwoodVerify'
  | 'redwoodVerifyDedupe'
  | 'stripe'
  | 'libWrapped'
  | 'libGithub'
  | 'svix'
  | 'hmacManual'
  | 'requireAuthWrapper'
  | 'requireAuthWrapperMissing'
  | 'apiKey'
  | 'cronSecret'
  | 'serviceCall'
  | 'publicHealth'
  | 'unauthenticated'
  | 'swallowed'
  | 'tlsClient'
  | 'hardcodedSecret'
  | 'dirForm';

export const SHAPES: ReadonlyArray<readonly [Shape, number]> = [
  ['redwoodVerify', 16],
  ['redwoodVerifyDedupe', 5],
  ['stripe', 8],
  ['libWrapped', 8],
  ['libGithub', 4],
  ['svix', 5],
  ['hmacManual', 4],
  ['requireAuthWrapper', 12],
  ['requireAuthWrapperMissing', 2],
  ['apiKey', 8],
  ['cronSecret', 5],
  ['serviceCall', 8],
  ['publicHealth', 3],
  ['unauthenticated', 2],
  ['swallowed', 1],
  ['tlsClient', 2],
  ['hardcodedSecret', 2],
  ['dirForm', 5],
];

/** The files of one endpoint: its path under `api/src/functions` and text. */
export function endpointFiles(shape: Shape, n: Names, rng: Random): Array<[string, string]> {
  switch (shape) {
    case 'redwoodVerify':
      return [[`${n.name}.ts`, redwoodVerify(n, rng, false)]];
    case 'redwoodVerifyDedupe':
      return [[`${n.name}.ts`, redwoodVerify(n, rng, true)]];
    case 'stripe':
      return [[`${n.name}.ts`, stripe(n)]];
    case 'libWrapped':
      return [[`${n.name}.ts`, libWrapped(n)]];
    case 'libGithub':
      return [[`${n.name}.ts`, libGithub(n)]];
    case 'svix':
      return [[`${n.name}.ts`, svix(n)]];
    case 'hmacManual':
      return [[`${n.name}.ts`, hmacManual(n, rng)]];
    case 'requireAuthWrapper':
      return [[`${n.name}.ts`, requireAuthWrapper(n, true)]];
    case 'requireAuthWrapperMissing':
      return [[`${n.name}.ts`, requireAuthWrapper(n, false)]];
    case 'apiKey':
      return [[`${n.name}.ts`, apiKey(n)]];
    case 'cronSecret':
      return [[`${n.name}.ts`, cronSecret(n)]];
    case 'serviceCall':
      return [[`${n.name}.ts`, serviceCall(n)]];
    case 'publicHealth':
      return [[`${n.name}.ts`, publicHealth(n)]];
    case 'unauthenticated':
      return [[`${n.name}.ts`, unauthenticated(n)]];
    case 'swallowed':
      return [[`${n.name}.ts`, swallowed(n)]];
    case 'tlsClient':
      return [[`${n.name}.ts`, tlsClient(n)]];
    case 'hardcodedSecret':
      return [[`${n.name}.ts`, hardcodedSecret(n, rng)]];
    case 'dirForm': {
      const { main, helper } = dirForm(n, rng);
      return [
        [`${n.name}/${n.name}.ts`, main],
        [`${n.name}/parse.ts`, helper],
      ];
    }
  }
}

export function endpointTest(n: Names, file: string): string {
  const from = './' + file.replace(/\.ts$/, '').split('/').pop();
  return `import { mockHttpEvent, mockContext } from '@redwoodjs/testing/api'

import { handler } from '${from}'

describe('${n.name} function', () => {
  it('refuses a request without credentials', async () => {
    const response = await handler(mockHttpEvent({ body: JSON.stringify({ id: 1 }) }), mockContext())
    expect([400, 401, 403]).toContain(response.statusCode)
  })

  it('handles a well-formed request', async () => {
    const event = mockHttpEvent({
      headers: { 'x-api-key': 'test-key', 'x-webhook-signature': 'sha256=test' },
      body: JSON.stringify({ id: 42, status: 'paid' }),
    })
    const response = await handler(event, mockContext())
    expect(response).toBeDefined()
  })
})
`;
}

/** `src/lib` of one app. `flags` picks the few apps with the Redwood no-auth template or disabled TLS. */
export function libFiles(rng: Random, flags: { stubAuth: boolean; insecureHttp: boolean; hardcodedKey: boolean }): Array<[string, string]> {
  const files: Array<[string, string]> = [
    [
      'db.ts',
      `import { PrismaClient } from '@prisma/client'

import { emitLogLevels, handlePrismaLogging } from '@redwoodjs/api/logger'

import { logger } from './logger'

export const db = new PrismaClient({
  log: emitLogLevels(['info', 'warn', 'error']),
})

handlePrismaLogging({
  db,
  logger,
  logLevels: ['info', 'warn', 'error'],
})
`,
    ],
    [
      'logger.ts',
      `import { createLogger } from '@redwoodjs/api/logger'

export const logger = createLogger({})
`,
    ],
    ['auth.ts', flags.stubAuth ? STUB_AUTH : REAL_AUTH],
    ['webhooks.ts', WEBHOOK_HELPERS],
    [
      'stripe.ts',
      `import Stripe from 'stripe'

export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY as string, { apiVersion: '2024-06-20' })
`,
    ],
    [
      'email.ts',
      `import { logger } from './logger'

export interface Email {
  to: string
  subject: string
  text?: string
}

export const sendEmail = async ({ to, subject, text }: Email) => {
  logger.info({ to, subject }, 'Sending email')
  const res = await fetch('https://api.postmarkapp.com/email', {
    method: 'POST',
    headers: {
      'X-Postmark-Server-Token': process.env.POSTMARK_TOKEN as string,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ From: process.env.MAIL_FROM, To: to, Subject: subject, TextBody: text ?? subject }),
  })
  if (!res.ok) throw new Error(\`Postmark answered \${res.status}\`)
}
`,
    ],
    [
      'http.ts',
      flags.insecureHttp
        ? `import https from 'node:https'

import axios from 'axios'

// The ERP sits behind a TLS-inspecting proxy whose CA nobody installed.
export const erpApi = axios.create({
  baseURL: process.env.ERP_API_URL,
  httpsAgent: new https.Agent({ rejectUnauthorized: false }),
  headers: { 'X-Api-Key': process.env.ERP_API_KEY },
})
`
        : `import https from 'node:https'

import axios from 'axios'

export const erpApi = axios.create({
  baseURL: process.env.ERP_API_URL,
  httpsAgent: new https.Agent({ keepAlive: true, rejectUnauthorized: process.env.NODE_ENV === 'production' }),
  headers: { 'X-Api-Key': process.env.ERP_API_KEY },
})
`,
    ],
    [
      'constants.ts',
      flags.hardcodedKey
        ? `export const APP_NAME = 'Generated app'
export const PAGE_SIZE = 50
export const MAPS_API_KEY = 'AIza${rng.token(35, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')}'
export const SUPPORT_EMAIL = 'support@example.com'
`
        : `export const APP_NAME = 'Generated app'
export const PAGE_SIZE = 50
export const MAPS_API_KEY = process.env.MAPS_API_KEY
export const SUPPORT_EMAIL = 'support@example.com'
`,
    ],
  ];
  return files;
}

const REAL_AUTH = `import type { Decoded } from '@redwoodjs/api'
import { AuthenticationError, ForbiddenError } from '@redwoodjs/graphql-server'

import { db } from './db'

export const cookieName = 'session_%port%'

export const getCurrentUser = async (session: Decoded) => {
  if (!session || typeof session.id !== 'number') {
    throw new Error('Invalid session')
  }
  return await db.user.findUnique({
    where: { id: session.id },
    select: { id: true, email: true, roles: true },
  })
}

export const isAuthenticated = (): boolean => {
  return !!context.currentUser
}

type AllowedRoles = string | string[] | undefined

export const hasRole = (roles: AllowedRoles): boolean => {
  if (!isAuthenticated()) {
    return false
  }
  const currentUserRoles = context.currentUser?.roles
  if (typeof roles === 'string') {
    return currentUserRoles === roles
  }
  if (Array.isArray(roles) && typeof currentUserRoles === 'string') {
    return roles.includes(currentUserRoles)
  }
  return false
}

export const requireAuth = ({ roles }: { roles?: AllowedRoles } = {}) => {
  if (!isAuthenticated()) {
    throw new AuthenticationError("You don't have permission to do that.")
  }
  if (roles && !hasRole(roles)) {
    throw new ForbiddenError("You don't have access to do that.")
  }
}
`;

const STUB_AUTH = `/**
 * Once you are ready to add authentication to your application
 * you'll build out requireAuth() with real functionality. For
 * now we just return \`true\` so that the calls in services
 * have something to check against, simulating a logged
 * in user that is allowed to access that service.
 */
export const isAuthenticated = () => {
  return true
}

export const hasRole = ({ roles }) => {
  return roles !== undefined
}

export const getCurrentUser = async () => {
  return { id: 1 }
}

export const requireAuth = ({ roles }: { roles?: string | string[] } = {}) => {
  return isAuthenticated()
}
`;

const WEBHOOK_HELPERS = `import type { APIGatewayProxyEvent, Context } from 'aws-lambda'

import { verifyEvent, WebhookVerificationError } from '@redwoodjs/api/webhooks'

import { logger } from './logger'

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>

/** GitHub signs the body with HMAC-SHA256; no timestamp is sent. */
export const verifyGithubSignature = (event: APIGatewayProxyEvent) => {
  return verifyEvent('sha256Verifier', {
    event,
    secret: process.env.GITHUB_WEBHOOK_SECRET,
    options: { signatureHeader: 'X-Hub-Signature-256' },
  })
}

/** Verifies a timestamped signature (5-minute window) before running the handler. */
export const withWebhookVerification = (fn: Handler): Handler => {
  return async (event, context) => {
    try {
      verifyEvent('timestampSchemeVerifier', { event, secret: process.env.WEBHOOK_SECRET })
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        logger.warn('Rejected an unsigned webhook')
        return { statusCode: 401 }
      }
      throw error
    }
    return fn(event, context)
  }
}
`;

export function serviceFiles(model: string): Array<[string, string]> {
  const Model = capital(model);
  const many = plural(model);
  return [
    [
      `${many}.ts`,
      `import type { QueryResolvers, MutationResolvers } from 'types/graphql'

import { requireAuth } from 'src/lib/auth'
import { db } from 'src/lib/db'

export const ${many}: QueryResolvers['${many}'] = () => {
  return db.${model}.findMany({ where: { ownerId: context.currentUser?.id } })
}

export const ${model}: QueryResolvers['${model}'] = ({ id }) => {
  return db.${model}.findUnique({ where: { id } })
}

export const create${Model} = ({ input }: { input: Record<string, unknown> }) => {
  requireAuth()
  return db.${model}.create({ data: { ...input, ownerId: context.currentUser?.id } })
}

export const update${Model}: MutationResolvers['update${Model}'] = ({ id, input }) => {
  requireAuth({ roles: 'admin' })
  return db.${model}.update({ data: input, where: { id } })
}

export const delete${Model}: MutationResolvers['delete${Model}'] = ({ id }) => {
  requireAuth({ roles: 'admin' })
  return db.${model}.delete({ where: { id } })
}
`,
    ],
    [
      `${many}.test.ts`,
      `import { ${many}, ${model}, create${Model}, delete${Model} } from './${many}'
import type { StandardScenario } from './${many}.scenarios'

describe('${many}', () => {
  scenario('returns all ${many}', async (scenario: StandardScenario) => {
    const result = await ${many}()
    expect(result.length).toEqual(Object.keys(scenario.${model}).length)
  })

  scenario('returns a single ${model}', async (scenario: StandardScenario) => {
    const result = await ${model}({ id: scenario.${model}.one.id })
    expect(result).toEqual(scenario.${model}.one)
  })

  scenario('creates a ${model}', async () => {
    mockCurrentUser({ id: 1, email: 'test@example.com', roles: 'admin' })
    const result = await create${Model}({ input: { name: 'String' } })
    expect(result.name).toEqual('String')
  })

  scenario('deletes a ${model}', async (scenario: StandardScenario) => {
    mockCurrentUser({ id: 1, email: 'test@example.com', roles: 'admin' })
    const original = await delete${Model}({ id: scenario.${model}.one.id })
    expect(original.id).toEqual(scenario.${model}.one.id)
  })
})
`,
    ],
    [
      `${many}.scenarios.ts`,
      `import type { Prisma, ${Model} } from '@prisma/client'
import type { ScenarioData } from '@redwoodjs/testing/api'

export const standard = defineScenario<Prisma.${Model}CreateArgs>({
  ${model}: {
    one: { data: { name: 'String one' } },
    two: { data: { name: 'String two' } },
  },
})

export type StandardScenario = ScenarioData<${Model}, '${model}'>
`,
    ],
  ];
}

export function webFiles(model: string): Array<[string, string]> {
  const Model = capital(model);
  const many = plural(model);
  const Many = capital(many);
  return [
    [
      `components/${Many}Cell/${Many}Cell.tsx`,
      `import type { Find${Many} } from 'types/graphql'

import type { CellSuccessProps, CellFailureProps } from '@redwoodjs/web'

export const QUERY = gql\`
  query Find${Many} {
    ${many} {
      id
      createdAt
    }
  }
\`

export const Loading = () => <div>Loading...</div>

export const Empty = () => <div>No ${many} yet.</div>

export const Failure = ({ error }: CellFailureProps) => <div style={{ color: 'red' }}>Error: {error?.message}</div>

export const Success = ({ ${many} }: CellSuccessProps<Find${Many}>) => {
  return (
    <ul>
      {${many}.map((item) => (
        <li key={item.id}>${Model} {item.id} from {new Date(item.createdAt).toLocaleDateString()}</li>
      ))}
    </ul>
  )
}
`,
    ],
    [
      `pages/${Many}Page/${Many}Page.tsx`,
      `import { Metadata } from '@redwoodjs/web'

import ${Many}Cell from 'src/components/${Many}Cell'

const ${Many}Page = () => {
  return (
    <>
      <Metadata title="${Many}" description="All ${many}" />
      <h1>${Many}</h1>
      <${Many}Cell />
    </>
  )
}

export default ${Many}Page
`,
    ],
  ];
}
