import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RuleTester, type Linter } from 'eslint';
import plugin from '../src/eslint/plugin';
import { rules } from '../src/rules';
import { tempProject } from './support/project';

/**
 * Every fnscan rule through ESLint's own RuleTester, in JavaScript and TypeScript. Cases that
 * depend on the project (endpoints, helpers in src/lib) are files of a throwaway Redwood app,
 * linted from the text given here as an editor would (the endpoint files are never saved).
 */
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tsParser = require('@typescript-eslint/parser') as Linter.Parser;
const ruleTester = new RuleTester({ languageOptions: { parser: tsParser } });

const files: Record<string, string> = {
  'redwood.toml': '[web]\n  port = 8910\n[api]\n  port = 8911\n',
  'api/tsconfig.json': '{ "compilerOptions": { "baseUrl": "./", "paths": { "src/*": ["./src/*"] } } }\n',
  'api/src/lib/db.ts': "import { PrismaClient } from '@prisma/client'\n\nexport const db = new PrismaClient()\n",
  'api/src/lib/logger.ts': "import { createLogger } from '@redwoodjs/api/logger'\n\nexport const logger = createLogger({})\n",
  'api/src/lib/auth.ts': [
    "import { AuthenticationError } from '@redwoodjs/graphql-server'",
    '',
    'export const isAuthenticated = (): boolean => {',
    '  return !!context.currentUser',
    '}',
    '',
    'export const requireAuth = () => {',
    '  if (!isAuthenticated()) {',
    `    throw new AuthenticationError("You don't have permission to do that.")`,
    '  }',
    '}',
    '',
  ].join('\n'),
  'api/src/lib/webhooks.ts': [
    "import type { APIGatewayProxyEvent, Context } from 'aws-lambda'",
    '',
    "import { verifyEvent, WebhookVerificationError } from '@redwoodjs/api/webhooks'",
    '',
    'type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>',
    '',
    'export const withWebhookVerification = (fn: Handler): Handler => {',
    '  return async (event, context) => {',
    '    try {',
    "      verifyEvent('timestampSchemeVerifier', { event, secret: process.env.WEBHOOK_SECRET })",
    '    } catch (error) {',
    '      if (error instanceof WebhookVerificationError) {',
    '        return { statusCode: 401 }',
    '      }',
    '      throw error',
    '    }',
    '    return fn(event, context)',
    '  }',
    '}',
    '',
  ].join('\n'),
};

const app = tempProject(files, 'fnscan-rule-tester-');
fs.mkdirSync(path.join(app, 'api/src/functions'), { recursive: true });

/** A second app whose code and env files never mention `WEBHOOK_SECRET` (the first one's helper does). */
const bareFiles = Object.fromEntries(['redwood.toml', 'api/tsconfig.json', 'api/src/lib/db.ts'].map((rel) => [rel, files[rel]]));
const bareApp = tempProject(bareFiles, 'fnscan-rule-tester-bare-');
fs.mkdirSync(path.join(bareApp, 'api/src/functions'), { recursive: true });

type Ext = 'js' | 'ts';
type Case = { code: string; filename: string };

const at = (rel: string) => path.join(app, rel);
const fn = (name: string, ext: Ext) => at(`api/src/functions/${name}.${ext}`);
const lib = (ext: Ext) => at(`api/src/lib/clients.${ext}`);

/** A live-looking Stripe key, assembled so that this file itself holds no such literal. */
const liveKey = ['sk', 'live', 'Xq7Lm2PzR9vKtW4bNcY8dJhF3s'].join('_');

type Cases = Parameters<RuleTester['run']>[2];

const cases: Record<string, Cases> = {
  'no-disabled-tls': {
    valid: [
      { code: 'export const tlsOptions = { rejectUnauthorized: true }\n', filename: lib('js') },
      { code: "import https from 'node:https'\nexport const agent = new https.Agent({ keepAlive: true })\n", filename: lib('ts') },
    ],
    invalid: [
      {
        code: 'export const tlsOptions = { ca: process.env.CA_CERT, rejectUnauthorized: false }\n',
        filename: lib('js'),
        errors: [
          {
            messageId: 'rejectUnauthorized',
            line: 1,
            suggestions: [{ desc: 'Set rejectUnauthorized to true', output: 'export const tlsOptions = { ca: process.env.CA_CERT, rejectUnauthorized: true }\n' }],
          },
        ],
      },
      {
        code: "import type { AgentOptions } from 'node:https'\nexport const tlsOptions: AgentOptions = { keepAlive: true, rejectUnauthorized: false }\n",
        filename: lib('ts'),
        errors: [
          {
            messageId: 'rejectUnauthorized',
            line: 2,
            suggestions: [
              {
                desc: 'Set rejectUnauthorized to true',
                output: "import type { AgentOptions } from 'node:https'\nexport const tlsOptions: AgentOptions = { keepAlive: true, rejectUnauthorized: true }\n",
              },
            ],
          },
        ],
      },
    ],
  },

  'no-hardcoded-secret': {
    valid: [
      { code: 'const stripeKey = process.env.STRIPE_KEY\n', filename: lib('js') },
      { code: "const stripeKeyLabel: string = 'Stripe live secret key'\n", filename: lib('ts') },
    ],
    invalid: [
      {
        // Named, so that the test report never shows the key.
        name: 'a live Stripe key in a JS const',
        code: `const stripeKey = '${liveKey}'\n`,
        filename: lib('js'),
        errors: [{ messageId: 'hardcoded', line: 1, suggestions: [{ desc: 'Read it from process.env.STRIPE_KEY', output: 'const stripeKey = process.env.STRIPE_KEY\n' }] }],
      },
      {
        name: 'a live Stripe key in a typed TS const',
        code: `export const stripeKey: string = '${liveKey}'\n`,
        filename: lib('ts'),
        errors: [
          {
            messageId: 'hardcoded',
            line: 1,
            suggestions: [{ desc: 'Read it from process.env.STRIPE_KEY', output: 'export const stripeKey: string = process.env.STRIPE_KEY\n' }],
          },
        ],
      },
    ],
  },

  'no-unauthenticated-handler': {
    valid: [
      {
        // Verified by a helper in src/lib that ESLint never sees in this file: the engine loads it from disk.
        code: [
          "import { db } from 'src/lib/db'",
          "import { withWebhookVerification } from 'src/lib/webhooks'",
          '',
          'export const handler = withWebhookVerification(async (event) => {',
          '  const { id } = JSON.parse(event.body)',
          '  await db.order.update({ where: { id }, data: { paid: true } })',
          '  return { statusCode: 200 }',
          '})',
          '',
        ].join('\n'),
        filename: fn('orderPaid', 'js'),
      },
      {
        code: [
          "import type { APIGatewayEvent } from 'aws-lambda'",
          '',
          "import { authDecoder } from '@redwoodjs/auth-dbauth-api'",
          "import { useRequireAuth } from '@redwoodjs/graphql-server'",
          '',
          "import { requireAuth } from 'src/lib/auth'",
          "import { db } from 'src/lib/db'",
          '',
          'const updateEmail = async (event: APIGatewayEvent) => {',
          '  requireAuth()',
          "  const { email } = JSON.parse(event.body ?? '{}')",
          '  await db.user.update({ where: { id: context.currentUser?.id }, data: { email } })',
          '  return { statusCode: 200 }',
          '}',
          '',
          'export const handler = useRequireAuth({ handlerFn: updateEmail, authDecoder })',
          '',
        ].join('\n'),
        filename: fn('updateEmail', 'ts'),
      },
    ],
    invalid: [
      {
        code: [
          "import { db } from 'src/lib/db'",
          '',
          'export const handler = async (event) => {',
          '  const { id, email } = JSON.parse(event.body)',
          '  await db.user.update({ where: { id }, data: { email } })',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('x', 'js'),
        errors: [{ messageId: 'unauthenticated', line: 3 }],
      },
      {
        code: [
          "import type { APIGatewayEvent } from 'aws-lambda'",
          '',
          "import { db } from 'src/lib/db'",
          '',
          'export const handler = async (event: APIGatewayEvent) => {',
          "  const { id, email } = JSON.parse(event.body ?? '{}')",
          '  await db.user.update({ where: { id }, data: { email } })',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('x', 'ts'),
        errors: [{ messageId: 'unauthenticated', line: 5 }],
      },
    ],
  },

  'require-webhook-verification': {
    valid: [
      {
        code: [
          "import { verifyEvent } from '@redwoodjs/api/webhooks'",
          "import { db } from 'src/lib/db'",
          '',
          'export const handler = async (event) => {',
          "  verifyEvent('timestampSchemeVerifier', { event, secret: process.env.LIVESTORM_SECRET })",
          '  const registration = JSON.parse(event.body)',
          '  await db.registration.create({ data: { email: registration.email } })',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('livestorm', 'js'),
      },
      {
        code: [
          "import type { APIGatewayProxyEvent } from 'aws-lambda'",
          '',
          "import { db } from 'src/lib/db'",
          "import { withWebhookVerification } from 'src/lib/webhooks'",
          '',
          'export const handler = withWebhookVerification(async (event: APIGatewayProxyEvent) => {',
          "  const registration = JSON.parse(event.body ?? '{}')",
          '  await db.registration.create({ data: { email: registration.email } })',
          '  return { statusCode: 200 }',
          '})',
          '',
        ].join('\n'),
        filename: fn('livestorm', 'ts'),
      },
    ],
    invalid: [skipVerifierCase('js'), skipVerifierCase('ts')],
  },

  'require-replay-protection': {
    valid: [
      {
        code: [
          "import { verifyEvent } from '@redwoodjs/api/webhooks'",
          "import { db } from 'src/lib/db'",
          '',
          'export const handler = async (event) => {',
          "  verifyEvent('timestampSchemeVerifier', { event, secret: process.env.BILLING_SECRET })",
          '  const invoice = JSON.parse(event.body)',
          '  await db.invoice.update({ where: { id: invoice.id }, data: { paid: true } })',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('billing', 'js'),
      },
      {
        code: [
          "import type { APIGatewayProxyEvent } from 'aws-lambda'",
          '',
          "import { verifyEvent } from '@redwoodjs/api/webhooks'",
          "import { db } from 'src/lib/db'",
          '',
          'export const handler = async (event: APIGatewayProxyEvent) => {',
          "  verifyEvent('sha256Verifier', {",
          '    event,',
          '    secret: process.env.BILLING_SECRET,',
          "    options: { eventTimestamp: Number(event.headers['x-billing-timestamp']) * 1000, tolerance: 5 * 60 * 1000 },",
          '  })',
          "  const invoice = JSON.parse(event.body ?? '{}')",
          '  await db.invoice.update({ where: { id: invoice.id }, data: { paid: true } })',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('billing', 'ts'),
      },
    ],
    invalid: [
      {
        code: [
          "import { verifyEvent } from '@redwoodjs/api/webhooks'",
          "import { db } from 'src/lib/db'",
          '',
          'export const handler = async (event) => {',
          "  verifyEvent('sha256Verifier', { event, secret: process.env.GITHUB_WEBHOOK_SECRET, options: { signatureHeader: 'X-Hub-Signature-256' } })",
          '  const push = JSON.parse(event.body)',
          '  await db.deployment.create({ data: { sha: push.after } })',
          '  return { statusCode: 202 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('githubPush', 'js'),
        errors: [{ messageId: 'noReplayProtection' }],
      },
      {
        code: [
          "import type { APIGatewayProxyEvent } from 'aws-lambda'",
          '',
          "import { verifyEvent } from '@redwoodjs/api/webhooks'",
          "import { db } from 'src/lib/db'",
          '',
          'export const handler = async (event: APIGatewayProxyEvent) => {',
          "  verifyEvent('sha256Verifier', { event, secret: process.env.GITHUB_WEBHOOK_SECRET, options: { signatureHeader: 'X-Hub-Signature-256' } })",
          "  const push = JSON.parse(event.body ?? '{}')",
          '  await db.deployment.create({ data: { sha: push.after } })',
          '  return { statusCode: 202 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('githubPush', 'ts'),
        errors: [{ messageId: 'noReplayProtection' }],
      },
    ],
  },

  'invalid-suppression': {
    valid: [
      {
        code: '// fnscan-disable-next-line no-disabled-tls -- local test server with a self-signed certificate\nexport const tlsOptions = { rejectUnauthorized: false }\n',
        filename: lib('js'),
      },
      {
        code: '// fnscan-disable-next-line no-disabled-tls -- local test server with a self-signed certificate\nexport const tlsOptions: object = { rejectUnauthorized: false }\n',
        filename: lib('ts'),
      },
    ],
    invalid: [
      {
        code: '// fnscan-disable-next-line no-disabled-tls\nexport const tlsOptions = { rejectUnauthorized: false }\n',
        filename: lib('js'),
        errors: [{ messageId: 'missingReason', line: 1 }],
      },
      {
        code: '// fnscan-disable-next-line no-disabled-tls -- kept from an old setup\nexport const tlsOptions: object = { rejectUnauthorized: true }\n',
        filename: lib('ts'),
        errors: [{ messageId: 'unused', line: 1 }],
      },
    ],
  },

  'no-timing-unsafe-compare': {
    valid: [
      {
        code: [
          "import crypto from 'node:crypto'",
          '',
          'const safeEqual = (a, b) => {',
          '  const x = Buffer.from(a)',
          '  const y = Buffer.from(b)',
          '  return x.length === y.length && crypto.timingSafeEqual(x, y)',
          '}',
          '',
          'export const handler = async (event) => {',
          "  const expected = 'sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(event.body).digest('hex')",
          "  if (!safeEqual(event.headers['x-hub-signature-256'] ?? '', expected)) {",
          '    return { statusCode: 401 }',
          '  }',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('githubHook', 'js'),
      },
      {
        code: [
          "import type { APIGatewayEvent } from 'aws-lambda'",
          '',
          'export const handler = async (event: APIGatewayEvent) => {',
          "  if (typeof event.headers['x-api-key'] !== 'string') {",
          '    return { statusCode: 401 }',
          '  }',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('partner', 'ts'),
      },
    ],
    invalid: [
      {
        code: [
          "import crypto from 'node:crypto'",
          '',
          'export const handler = async (event) => {',
          "  const expected = 'sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET).update(event.body).digest('hex')",
          "  if (event.headers['x-hub-signature-256'] !== expected) {",
          '    return { statusCode: 401 }',
          '  }',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('githubHook', 'js'),
        errors: [{ messageId: 'hmac', line: 5 }],
      },
      {
        code: [
          "import type { APIGatewayEvent } from 'aws-lambda'",
          '',
          'export const handler = async (event: APIGatewayEvent) => {',
          "  if (event.headers['x-api-key'] !== process.env.PARTNER_API_KEY) {",
          '    return { statusCode: 401 }',
          '  }',
          '  return { statusCode: 200 }',
          '}',
          '',
        ].join('\n'),
        filename: fn('partner', 'ts'),
        errors: [{ messageId: 'env', line: 4 }],
      },
    ],
  },

  'no-insecure-transport': {
    valid: [
      { code: partnerClient('js', 'https://api.partner.com/v1'), filename: lib('js') },
      { code: partnerClient('ts', 'http://localhost:4000/v1'), filename: lib('ts') },
    ],
    invalid: [
      { code: partnerClient('js', 'http://api.partner.com/v1'), filename: lib('js'), errors: [{ messageId: 'header', line: 4 }] },
      { code: partnerClient('ts', 'http://api.partner.com/v1'), filename: lib('ts'), errors: [{ messageId: 'header', line: 5 }] },
    ],
  },

  'no-sensitive-logging': inJsAndTs(loggingCase, 'event', { js: 4, ts: 6 }),

  'no-spoofable-ip-allowlist': inJsAndTs(allowlistCase, 'spoofable', { js: 4, ts: 6 }),

  'no-weak-dbauth-cookie': {
    valid: [dbAuthCase('js', 'HttpOnly: true, Path: \'/\', SameSite: \'Strict\', Secure: process.env.NODE_ENV !== \'development\''), dbAuthCase('ts', 'HttpOnly: true, Path: \'/\', SameSite: \'Strict\', Secure: true')],
    invalid: [
      { ...dbAuthCase('js', "HttpOnly: false, Path: '/', SameSite: 'Strict', Secure: true"), errors: [{ messageId: 'httpOnlyOff', line: 11 }] },
      { ...dbAuthCase('ts', "HttpOnly: true, Path: '/', SameSite: 'Strict', Secure: false"), errors: [{ messageId: 'secureOff', line: 13 }] },
    ],
  },

  'no-graphql-introspection-in-production': inJsAndTs(
    (ext, flagged) => graphqlCase(ext, flagged ? 'allowIntrospection: true,' : "allowIntrospection: process.env.NODE_ENV === 'development',"),
    'introspection',
    { js: 11, ts: 11 },
  ),

  'no-permissive-cors': inJsAndTs(
    (ext, flagged) => graphqlCase(ext, flagged ? "cors: { origin: '*', credentials: true }," : 'cors: { origin: process.env.WEB_URL, credentials: true },'),
    'reflect',
    { js: 11, ts: 11 },
  ),

  'require-webhook-secret': inJsAndTs((ext, flagged) => webhookSecretCase(ext, !flagged), 'emptyKey', { js: 5, ts: 7 }),

  'no-jwt-verifier-body-trust': inJsAndTs(jwtCase, 'bodyNotBound', { js: 5, ts: 7 }),

  // It reads committed env and TOML files only, which ESLint does not lint: nothing to report here.
  'no-weak-webhook-secret': {
    valid: [
      { code: 'export const sessionSecret = process.env.SESSION_SECRET\n', filename: lib('js') },
      { code: 'export const sessionSecret: string | undefined = process.env.SESSION_SECRET\n', filename: lib('ts') },
    ],
    invalid: [],
  },

  'no-error-exposure': inJsAndTs(errorCase, 'message', { js: 9, ts: 11 }),
};

/** A case's clean variant (valid) and its flagged one (reporting `messageId` at `lines[ext]`), each in JS and TS. */
function inJsAndTs(variant: (ext: Ext, flagged: boolean) => Case, messageId: string, lines: Record<Ext, number>): Cases {
  return {
    valid: [variant('js', false), variant('ts', false)],
    invalid: [
      { ...variant('js', true), errors: [{ messageId, line: lines.js }] },
      { ...variant('ts', true), errors: [{ messageId, line: lines.ts }] },
    ],
  };
}

/** An axios client with a credential header, for a partner at the given base URL. */
function partnerClient(ext: Ext, baseURL: string): string {
  return [
    ...(ext === 'ts' ? ["import type { AxiosInstance } from 'axios'"] : []),
    "import axios from 'axios'",
    '',
    `export const partnerApi${ext === 'ts' ? ': AxiosInstance' : ''} = axios.create({`,
    `  baseURL: '${baseURL}',`,
    '  headers: { Authorization: `Token ${process.env.PARTNER_TOKEN}` },',
    '})',
    '',
  ].join('\n');
}

/** A function that logs the whole request, or only its path and method, as a warning. */
function loggingCase(ext: Ext, whole: boolean): Case {
  const code = [
    ...(ext === 'ts' ? ["import type { APIGatewayEvent } from 'aws-lambda'", ''] : []),
    "import { logger } from 'src/lib/logger'",
    '',
    `export const handler = async (event${ext === 'ts' ? ': APIGatewayEvent' : ''}) => {`,
    // At `warn` and above: Redwood's default logger drops `info` in production, so those are notes (CLI only).
    whole
      ? "  logger.warn({ event }, 'unexpected request')"
      : "  logger.warn({ path: event.path, method: event.httpMethod }, 'unexpected request')",
    '  return { statusCode: 204 }',
    '}',
    '',
  ].join('\n');
  return { code, filename: fn('audit', ext) };
}

/** An office-only function that trusts the `client-ip` header, or the address API Gateway saw. */
function allowlistCase(ext: Ext, fromHeader: boolean): Case {
  const source = fromHeader ? "event.headers['client-ip'] || event.requestContext.identity.sourceIp" : 'event.requestContext.identity.sourceIp';
  const code = [
    ...(ext === 'ts' ? ["import type { APIGatewayEvent } from 'aws-lambda'", ''] : []),
    "const OFFICE_IPS = ['203.0.113.10', '203.0.113.11']",
    '',
    `export const handler = async (event${ext === 'ts' ? ': APIGatewayEvent' : ''}) => {`,
    `  if (!OFFICE_IPS.includes(${source})) {`,
    '    return { statusCode: 403 }',
    '  }',
    '  return { statusCode: 200 }',
    '}',
    '',
  ].join('\n');
  return { code, filename: fn('office', ext) };
}

/** Redwood's dbAuth function with the given session cookie attributes. */
function dbAuthCase(ext: Ext, attributes: string): Case {
  const code = [
    ...(ext === 'ts' ? ["import type { APIGatewayProxyEvent, Context } from 'aws-lambda'", ''] : []),
    "import { DbAuthHandler } from '@redwoodjs/auth-dbauth-api'",
    '',
    "import { cookieName } from 'src/lib/auth'",
    "import { db } from 'src/lib/db'",
    '',
    `export const handler = async (${ext === 'ts' ? 'event: APIGatewayProxyEvent, context: Context' : 'event, context'}) => {`,
    '  const authHandler = new DbAuthHandler(event, context, {',
    '    db,',
    "    authModelAccessor: 'user',",
    '    cookie: {',
    `      attributes: { ${attributes} },`,
    '      name: cookieName,',
    '    },',
    '    login: { handler: (user) => user, errors: {}, expires: 60 * 60 * 24 * 365 * 10 },',
    '  })',
    '  return await authHandler.invoke()',
    '}',
    '',
  ].join('\n');
  return { code, filename: fn('auth', ext) };
}

/** Redwood's GraphQL function with one extra option. */
function graphqlCase(ext: Ext, option: string): Case {
  const code = [
    "import { createGraphQLHandler } from '@redwoodjs/graphql-server'",
    '',
    "import directives from 'src/directives/**/*.{js,ts}'",
    "import sdls from 'src/graphql/**/*.sdl.{js,ts}'",
    "import services from 'src/services/**/*.{js,ts}'",
    '',
    'export const handler = createGraphQLHandler({',
    '  directives,',
    '  sdls,',
    '  services,',
    `  ${option}`,
    '})',
    '',
  ].join('\n');
  return { code, filename: fn('graphql', ext) };
}

/** A Discourse webhook verified with or without its own secret, in an app that never sets `WEBHOOK_SECRET`. */
function webhookSecretCase(ext: Ext, withSecret: boolean): Case {
  const code = [
    ...(ext === 'ts' ? ["import type { APIGatewayProxyEvent } from 'aws-lambda'", ''] : []),
    "import { verifyEvent } from '@redwoodjs/api/webhooks'",
    "import { db } from 'src/lib/db'",
    '',
    `export const handler = async (event${ext === 'ts' ? ': APIGatewayProxyEvent' : ''}) => {`,
    `  verifyEvent('sha256Verifier', { event,${withSecret ? ' secret: process.env.DISCOURSE_WEBHOOK_SECRET,' : ''} options: { signatureHeader: 'X-Discourse-Event-Signature' } })`,
    `  const post = JSON.parse(event.body${ext === 'ts' ? " ?? '{}'" : ''})`,
    '  await db.post.create({ data: { id: post.id } })',
    '  return { statusCode: 200 }',
    '}',
    '',
  ].join('\n');
  return { code, filename: path.join(bareApp, `api/src/functions/discourse.${ext}`) };
}

/** A Netlify deploy webhook verified with `jwtVerifier` that acts on the body, or only on the event. */
function jwtCase(ext: Ext, usesBody: boolean): Case {
  const code = [
    ...(ext === 'ts' ? ["import type { APIGatewayEvent } from 'aws-lambda'", ''] : []),
    "import { verifyEvent } from '@redwoodjs/api/webhooks'",
    "import { db } from 'src/lib/db'",
    '',
    `export const handler = async (event${ext === 'ts' ? ': APIGatewayEvent' : ''}) => {`,
    "  verifyEvent('jwtVerifier', { event, secret: process.env.NETLIFY_DEPLOY_WEBHOOK_SECRET, options: { signatureHeader: 'X-Webhook-Signature', issuer: 'netlify' } })",
    ...(usesBody
      ? [`  const deploy = JSON.parse(event.body${ext === 'ts' ? " ?? '{}'" : ''})`, '  await db.deploy.create({ data: { id: deploy.id, state: deploy.state } })']
      : ['  await db.deployNotice.create({ data: { at: new Date() } })']),
    '  return { statusCode: 200 }',
    '}',
    '',
  ].join('\n');
  return { code, filename: fn('netlifyDeploy', ext) };
}

/** A function whose catch block answers 500 with the error's message, or with a fixed text after logging. */
function errorCase(ext: Ext, exposes: boolean): Case {
  const code = [
    ...(ext === 'ts' ? ["import type { APIGatewayEvent } from 'aws-lambda'", ''] : []),
    "import { db } from 'src/lib/db'",
    "import { logger } from 'src/lib/logger'",
    '',
    `export const handler = async (${ext === 'ts' ? '_event: APIGatewayEvent' : ''}) => {`,
    '  try {',
    '    const rows = await db.report.findMany()',
    '    return { statusCode: 200, body: JSON.stringify(rows) }',
    '  } catch (error) {',
    ...(exposes
      ? ['    return { statusCode: 500, body: JSON.stringify({ error: error.message }) }']
      : ["    logger.error({ error }, 'report failed')", "    return { statusCode: 500, body: JSON.stringify({ error: 'Something went wrong' }) }"]),
    '  }',
    '}',
    '',
  ].join('\n');
  return { code, filename: fn('report', ext) };
}

function skipVerifierCase(ext: Ext): Cases['invalid'][number] {
  const lines = (verifier: string) => [
    ext === 'ts' ? "import type { APIGatewayProxyEvent } from 'aws-lambda'\n" : '',
    "import { verifyEvent } from '@redwoodjs/api/webhooks'",
    "import { db } from 'src/lib/db'",
    '',
    `export const handler = async (event${ext === 'ts' ? ': APIGatewayProxyEvent' : ''}) => {`,
    `  verifyEvent(${verifier}, { event })`,
    `  const registration = JSON.parse(event.body${ext === 'ts' ? " ?? '{}'" : ''})`,
    '  await db.registration.create({ data: { email: registration.email } })',
    '  return { statusCode: 200 }',
    '}',
    '',
  ].filter((line, i) => i > 0 || line !== '').join('\n');
  return {
    code: lines("'skipVerifier'"),
    filename: fn('livestorm', ext),
    errors: [
      {
        messageId: 'skipVerifier',
        line: ext === 'ts' ? 7 : 5,
        suggestions: [{ desc: 'Use a real verifier such as timestampSchemeVerifier', output: lines("'timestampSchemeVerifier'") }],
      },
    ],
  };
}

test('every fnscan rule has RuleTester cases here', () => {
  assert.deepEqual(Object.keys(cases).sort(), rules.map((r) => r.meta.id).sort());
});

for (const rule of rules) {
  const ruleCases = cases[rule.meta.id];
  if (ruleCases) ruleTester.run(`fnscan/${rule.meta.id}`, plugin.rules[rule.meta.id], ruleCases);
}
