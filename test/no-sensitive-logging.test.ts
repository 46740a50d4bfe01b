import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { relativePath } from '../src/core/files';
import rule from '../src/rules/no-sensitive-logging';
import { namesCredential } from '../src/rules/no-sensitive-logging/names';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

interface Hit {
  file: string;
  line: number;
  messageId: string;
  message: string;
  level: string;
  text: string;
}

const REDWOOD_LOGGER = "import { createLogger } from '@redwoodjs/api/logger'\nexport const logger = createLogger({})\n";

/** Findings of the rule in a throwaway Redwood app holding `files` (paths relative to the app root). */
function hits(files: Record<string, string>): Hit[] {
  const root = tempProject({ 'api/src/lib/logger.js': REDWOOD_LOGGER, ...files }, 'fnscan-logging-');
  const result = scanRules(root, [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => {
    const file = relativePath(root, f.location.file);
    const text = fs.readFileSync(f.location.file, 'utf8');
    return { file, line: f.location.startPos.line, messageId: f.messageId, message: f.message, level: f.level, text: text.slice(f.location.start, f.location.end) };
  });
}

/** Findings for a handler whose body is `lines`. */
function inHandler(...lines: string[]): Hit[] {
  const code = [
    "import { logger } from 'src/lib/logger'",
    'export const handler = async (event, context) => {',
    ...lines.map((l) => `  ${l}`),
    '  return { statusCode: 200 }',
    '}',
  ].join('\n');
  return hits({ 'api/src/functions/hook.js': code });
}

describe('flags requests, headers, bodies and secrets written to logs', () => {
  test('the whole event, with console and the Redwood logger', () => {
    const found = inHandler('console.log(event)', "logger.info({ event }, 'received')", "logger.debug('event', JSON.stringify(event))");
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[3, 'event', 'event'], [4, 'event', 'event'], [5, 'event', 'event']]);
    assert.equal(found[0].message, '`console.log` logs the whole request `event`, including its cookies, authorization headers and body.');
  });

  test('headers, a credential header, and the body', () => {
    const found = inHandler(
      'logger.info({ headers: event.headers })',
      "logger.warn({ auth: event.headers['authorization'] }, 'rejected')",
      'logger.info({ cookie: event.headers.cookie })',
      'console.log(event.headers.authorization)',
      'logger.debug(event.body)',
      'const payload = JSON.parse(event.body)',
      "logger.info({ payload }, 'webhook')",
      'const { headers } = event',
      'console.log(`headers: ${JSON.stringify(headers)}`)',
      "console.log(JSON.parse(event.body || '{}'))",
      "const order = JSON.parse(event.body ?? '{}')",
      'logger.warn({ order })',
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [
      [3, 'headers'],
      [4, 'header'],
      [5, 'header'],
      [6, 'header'],
      [7, 'body'],
      [9, 'body'],
      [11, 'headers'],
      [12, 'body'],
      [14, 'body'],
    ]);
    assert.equal(found[1].message, '`logger.warn` logs the `authorization` header, a credential.');
  });

  test('secrets from the environment and the whole environment', () => {
    const found = inHandler('console.log(process.env.STRIPE_SECRET_KEY)', "console.log('key: ' + process.env.PARTNER_API_KEY)", 'console.log(process.env)');
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.message]), [
      [3, 'env', '`console.log` logs `process.env.STRIPE_SECRET_KEY`, a secret.'],
      [4, 'env', '`console.log` logs `process.env.PARTNER_API_KEY`, a secret.'],
      [5, 'envAll', '`console.log` logs `process.env`, which holds every secret of the deployment.'],
    ]);
  });

  test('values named like credentials, unless the Redwood logger redacts that key', () => {
    const found = inHandler(
      'const token = await issue()',
      "logger.info({ token }, 'issued')",
      "console.log('reset link', user.resetToken)",
      'logger.info({ password })',
      "logger.info(`password is ${password}`)",
      'logger.info({ data: { secret: apiSecret } })',
      'logger.info({ user: { password } })',
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [
      [4, 'named', 'token'],
      [5, 'named', 'user.resetToken'],
      [7, 'named', 'password'],
      [9, 'named', 'password'],
    ]);
  });

  test('a logger with its own redact list, and a child logger', () => {
    const found = hits({
      'api/src/lib/logger.js': [
        "import { createLogger } from '@redwoodjs/api/logger'",
        "export const logger = createLogger({ options: { level: 'info', redact: ['token', 'headers.authorization'] } })",
      ].join('\n'),
      'api/src/functions/hook.js': [
        "import { logger } from 'src/lib/logger'",
        "const log = logger.child({ fn: 'hook' })",
        'export const handler = async (event) => {',
        '  log.info({ token: event.queryStringParameters.token })',
        '  log.info({ password: event.queryStringParameters.password })',
        '  return { statusCode: 200 }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[5, 'named']]);
  });

  test('of several values logged together, the worst is named: the secret before the signature header', () => {
    const found = inHandler(
      'const secret = process.env.GITHUB_WEBHOOK_SECRET',
      "const received = event.headers['x-hub-signature-256']",
      "console.log('signature mismatch', { received, secret })",
      "console.log('mismatch', received, [event.body, secret])",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[5, 'env', 'secret'], [6, 'env', 'secret']]);
  });

  test("Redwood's own list extended with a spread, as its docs show, redacts both", () => {
    const found = hits({
      'api/src/lib/logger.js': [
        "import { createLogger, redactionsList } from '@redwoodjs/api/logger'",
        "export const logger = createLogger({ options: { level: 'info', redact: [...redactionsList, 'partnerToken'] } })",
      ].join('\n'),
      'api/src/functions/hook.js': [
        "import { logger } from 'src/lib/logger'",
        'export const handler = async (event) => {',
        '  logger.info({ partnerToken: event.queryStringParameters.partnerToken })',
        '  logger.info({ accessToken: event.queryStringParameters.accessToken })',
        '  logger.info({ apiKey: event.queryStringParameters.apiKey })',
        '  return { statusCode: 200 }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[5, 'named']]);
  });

  test('other logger names: `Logger.info`, `Log.info`, powertools-style extra objects', () => {
    const found = inHandler("Logger.info(`event: ${JSON.stringify(event, null, 2)}`)", "Log.info('Received Event', { event })");
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[3, 'event'], [4, 'event']]);
  });

  test("calls below `warn` on Redwood's logger at its default level are notes: production drops them", () => {
    const found = inHandler('logger.debug({ event })', 'logger.trace(event.body)', 'logger.info({ event })', 'logger.warn({ event })', 'console.debug(event)');
    assert.deepEqual(found.map((h) => [h.line, h.level]), [[3, 'note'], [4, 'note'], [5, 'note'], [6, 'warning'], [7, 'warning']]);
    const configured = hits({
      'api/src/lib/logger.js': "import { createLogger } from '@redwoodjs/api/logger'\nexport const logger = createLogger({ options: { level: 'debug' } })\n",
      'api/src/functions/hook.js': "import { logger } from 'src/lib/logger'\nexport const handler = async (event) => { logger.debug({ event }) }\n",
    });
    assert.deepEqual(configured.map((h) => h.level), ['warning']);
  });

  test('a Fetch API request: a credential header read with `get`, and its headers copied into an object', () => {
    const found = hits({
      'api/src/functions/v2.js': [
        'export default async (req, context) => {',
        "  console.log('auth', req.headers.get('authorization'))",
        "  console.log('headers', Object.fromEntries(req.headers))",
        '  logger.warn({ headers: Object.fromEntries(req.headers.entries()) })',
        "  console.log({ cookie: req.headers.get('Cookie') })",
        "  return new Response('ok')",
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [
      [2, 'header', "req.headers.get('authorization')"],
      [3, 'headers', 'req.headers'],
      [4, 'headers', 'req.headers'],
      [5, 'header', "req.headers.get('Cookie')"],
    ]);
  });

  test('a credential header kept in a variable first, then logged', () => {
    const found = hits({
      'api/src/functions/v2.js': [
        'export default async (req) => {',
        "  const auth = req.headers.get('authorization')",
        "  const kind = req.headers.get('content-type')",
        '  console.log(auth, kind)',
        '  return new Response(auth ? "ok" : "no")',
        '}',
      ].join('\n'),
      'api/src/functions/classic.js': [
        'export const handler = async (event) => {',
        "  const key = event.headers['x-api-key']",
        "  logger.warn({ key: key.slice(0, 4) + '...' }, 'partial')",
        '  logger.error(`bad key ${key}`)',
        '  return { statusCode: 200 }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.messageId, h.text]), [
      ['api/src/functions/classic.js', 4, 'header', 'key'],
      ['api/src/functions/v2.js', 4, 'header', 'auth'],
    ]);
  });

  test("a handler's destructured event, `console.dir`, and a request's parsed cookies", () => {
    const found = hits({
      'api/src/functions/orders.ts': [
        "import type { APIGatewayEvent } from 'aws-lambda'",
        'export const handler = async ({ headers, body, path }: APIGatewayEvent) => {',
        "  console.log('incoming', headers)",
        '  console.dir({ body }, { depth: null })',
        '  return { statusCode: 200 }',
        '}',
        'export const audit = ({ multiValueHeaders: all }: APIGatewayEvent) => console.info(all)',
        "export default function (req, res) { console.log('cookies', req.cookies); res.end() }",
        'export const session = (request) => { const { cookies } = request; console.warn(cookies) }',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [
      [3, 'headers', 'headers'],
      [4, 'body', 'body'],
      [7, 'headers', 'all'],
      [8, 'cookies', 'req.cookies'],
      [9, 'cookies', 'cookies'],
    ]);
    assert.equal(found[1].message, '`console.dir` logs the request body `body`, which can hold passwords, tokens and personal data.');
    assert.equal(found[3].message, "`console.log` logs `req.cookies`, all of the caller's cookies, session cookies among them.");
  });

  test("Next.js's cookie API: all cookies, or a session or credential cookie; a string built around a credential", () => {
    const found = hits({
      'api/src/functions/next.ts': [
        "import { cookies } from 'next/headers'",
        'export default async function handler(req) {',
        "  console.log('a', cookies().get('session')?.value)",
        "  console.log('b', req.cookies.get('token')?.value, req.cookies.get('theme')?.value)",
        "  console.log('c', req.cookies.getAll())",
        "  console.log('d', req.cookies.get('theme')?.value, cookies().get('__Secure-next-auth.session-token'))",
        "  const sid = cookies().get('sid')?.value",
        "  const theme = cookies().get('theme')?.value",
        "  console.log('e', sid, theme)",
        '  const resetToken = crypto.randomUUID()',
        '  const link = `https://app.example.net/reset?resetToken=${resetToken}`',
        '  const page = `https://app.example.net/list?after=${nextPageToken}`',
        "  logger.warn({ link }, 'reset link')",
        "  logger.warn({ page }, 'next page')",
        '  return new Response(null)',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[3, 'cookie'], [4, 'cookie'], [5, 'cookies'], [6, 'cookie'], [9, 'cookie'], [13, 'holds']]);
    assert.equal(found[0].message, "`console.log` logs the `session` cookie, which holds the caller's login.");
    assert.equal(found[5].message, '`logger.warn` logs `link`, which holds `resetToken`.');
  });

  test('pino and other loggers get no redaction credit', () => {
    const found = hits({
      'api/src/lib/audit.js': "import pino from 'pino'\nconst auditLogger = pino()\nexport const record = (password) => auditLogger.info({ password })\n",
    });
    assert.deepEqual(found.map((h) => h.messageId), ['named']);
  });
});

describe('does not flag', () => {
  test('paths, methods, ids, counts, errors and masked values', () => {
    const found = inHandler(
      'logger.info({ path: event.path, method: event.httpMethod }, "request")',
      'logger.info({ userId: context.currentUser?.id, count: 3, requestId: event.requestContext.requestId })',
      "logger.error({ error }, 'failed')",
      "console.error('failed', error.message)",
      "logger.info({ event: event.path, headers: Object.keys(event.headers), host: event.headers.host })",
      "logger.info({ tokenType: 'bearer', hasToken: Boolean(token), tokenLength: token.length, last4: token.slice(-4) })",
      "logger.info({ nextPageToken, csrfToken, hashedPassword, passwordResetUrl })",
      "logger.info({ ua: event.headers['user-agent'], sig: Boolean(event.headers['stripe-signature']) })",
      "console.log(process.env.NODE_ENV, process.env.STRIPE_WEBHOOK_SECRET_NAME, process.env.AUTH0_DOMAIN)",
      "if (process.env.NODE_ENV === 'development') console.log(event)",
    );
    assert.deepEqual(found, []);
  });

  test('Fetch API headers that are no credentials, and copies that are not logged whole', () => {
    const found = hits({
      'api/src/functions/v2.js': [
        'export default async (req) => {',
        "  console.log(req.headers.get('content-type'), req.headers.get('user-agent'), req.headers.has('authorization'))",
        "  console.log(Object.keys(Object.fromEntries(req.headers)), Object.fromEntries(new URL(req.url).searchParams))",
        '  console.log(`headers: ${Object.fromEntries(req.headers)}`)',
        "  return new Response('ok')",
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found, []);
  });

  test('destructured parameters of functions that are not handlers, and other parts of a request', () => {
    const found = hits({
      'api/src/functions/hook.ts': [
        "emitter.on('message', ({ headers, body }) => console.log(headers, body))",
        'const show = ({ body }: Message) => console.log(body)',
        'export const handler = async ({ path, httpMethod }, { clientContext }) => {',
        '  console.log(path, httpMethod, clientContext)',
        '  console.dir(event.path)',
        '  logger.dir(event)',
        '  return { statusCode: 200 }',
        '}',
        'export default function (req, res) { console.log(req.cookies.theme, `${req.cookies}`); res.end() }',
      ].join('\n'),
    });
    assert.deepEqual(found, []);
  });

  test('objects turned into `[object Object]` by a template or `+`', () => {
    const found = inHandler(
      'console.log(`The function was invoked! event: ${event}`)',
      "logger.info('headers: ' + event.headers)",
      'const payload = JSON.parse(event.body)',
      'console.log(`payload ${payload}`)',
      'console.log(`raw ${event.body}`)',
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[7, 'body']]);
  });

  test('an `event` that is not the request, and strings that mention secrets', () => {
    const found = inHandler(
      'const stripeEvent = stripe.webhooks.constructEvent(event.body, sig, secret)',
      "logger.info({ type: stripeEvent.type }, 'token refreshed for password reset')",
      "emitter.on('message', (message, event) => logger.info({ event }))",
    );
    assert.deepEqual(found, []);
    // A first parameter named like a request, typed as the app's own value, outside a handler.
    const typed = hits({
      'api/src/lib/analytics.ts': [
        "import { logger } from 'src/lib/logger'",
        'interface AnalyticsEvent { name: string }',
        "export const trackEvent = (event: AnalyticsEvent) => logger.warn({ event }, 'analytics')",
        "export function audit(request: { action: string }) { logger.warn({ request }, 'audit') }",
        "export const untyped = (event) => logger.warn({ event }, 'untyped')",
        "export const lambda = (event: APIGatewayProxyEvent) => logger.warn({ event }, 'typed as a request')",
        "export const next = (req: NextApiRequest) => logger.warn({ req }, 'typed as a request')",
      ].join('\n'),
    });
    assert.deepEqual(typed.map((h) => [h.line, h.messageId]), [[5, 'event'], [6, 'event'], [7, 'event']]);
  });

  test('web and scripts of a Redwood app', () => {
    const found = hits({
      'web/src/auth.js': 'export const show = (token) => console.log(token)\n',
      'scripts/seed.js': "export default async () => { const password = 'dev'; console.log('admin password', password) }\n",
    });
    assert.deepEqual(found, []);
  });
});

test('credential names', () => {
  for (const name of ['token', 'accessToken', 'refresh_token', 'resetToken', 'password', 'newPassword', 'apiKey', 'API_KEY', 'clientSecret', 'jwt', 'credentials', 'privateKey']) {
    assert.equal(namesCredential(name), true, name);
  }
  for (const name of ['tokenType', 'hasToken', 'tokenCount', 'passwordResetUrl', 'hashedPassword', 'nextPageToken', 'csrfToken', 'secretName', 'key', 'cacheKey', 'publicKey', 'isPasswordValid']) {
    assert.equal(namesCredential(name), false, name);
  }
});

test('fixture redwood-extras: every no-sensitive-logging annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});

test("Deno's environment: Deno.env.get('X') of a credential, and Deno.env.toObject(), which is all of it", () => {
  const found = hits({
    'supabase/config.toml': '',
    'supabase/functions/report/index.ts': "Deno.serve(async (req) => {\n  console.log(Deno.env.toObject())\n  console.log('key', Deno.env.get('STRIPE_SECRET_KEY'))\n  console.log('url', Deno.env.get('SUPABASE_URL'))\n  return new Response('ok')\n})\n",
  });
  assert.deepEqual(found.map((h) => [h.line, h.message]), [
    [2, '`console.log` logs `Deno.env.toObject()`, which holds every secret of the deployment.'],
    [3, "`console.log` logs `Deno.env.get('STRIPE_SECRET_KEY')`, a secret."],
  ]);
});

test("round aa: a credential header read with a default is still logged; a Fetch Request's JSON is `{}`", () => {
  const found = hits({
    'api/src/functions/github.ts': [
      'export const handler = async (req: Request) => {',
      "  const signature = req.headers.get('x-hub-signature-256') ?? ''",
      "  const auth = req.headers.get('authorization') || ''",
      "  console.log('delivery', signature, auth.length)",
      "  console.log('request', JSON.stringify(req))",
      '  return new Response(null, { status: 204 })',
      '}',
    ].join('\n'),
    'netlify/functions/test-event.mjs': [
      'export default async function (event, context) {',
      "  console.log('Test event received:', JSON.stringify(event, null, 2))",
      "  return new Response('ok')",
      '}',
      "export const config = { path: '/api/test-event' }",
    ].join('\n'),
    // A Node request (Vercel, Express) is printed whole.
    'api/echo.js': "export default function handler(req, res) {\n  console.log(JSON.stringify(req.headers))\n  res.end()\n}\n",
  });
  assert.deepEqual(found.map((h) => `${h.file}:${h.line} ${h.messageId}`), ['api/echo.js:2 headers', 'api/src/functions/github.ts:4 header']);
});
