import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanRules, tempDir, writeFiles, type Files } from './support/project';

/**
 * middy (`@middy/core`) is how the Serverless Framework's TypeScript template and many Lambda
 * projects build handlers. Its official middlewares parse and validate; only a project's own
 * middleware (or another package's) can authenticate.
 */

const DELETE_USER = [
  "import { DynamoDBClient, DeleteItemCommand } from '@aws-sdk/client-dynamodb'",
  'const client = new DynamoDBClient({})',
  'const baseHandler = async (event) => {',
  "  await client.send(new DeleteItemCommand({ TableName: 'users', Key: { id: { S: event.body.id } } }))",
  "  return { statusCode: 204, body: '' }",
  '}',
].join('\n');

const MIDDLEWARES = [
  "import jwt from 'jsonwebtoken'",
  "import middy from '@middy/core'",
  "import jsonBodyParser from '@middy/http-json-body-parser'",
  'export const requireUser = () => ({',
  '  before: async (request) => {',
  '    const token = request.event.headers.authorization',
  "    if (!token) throw new Error('Unauthorized')",
  '    request.context.user = jwt.verify(token, process.env.JWT_SECRET)',
  '  },',
  '})',
  'export const userObject = { before: async (request) => { request.context.user = jwt.verify(request.event.headers.authorization, process.env.JWT_SECRET) } }',
  'export function shorthand() {',
  '  const before = async (request) => { request.context.user = jwt.verify(request.event.headers.authorization, process.env.JWT_SECRET) }',
  '  return { before }',
  '}',
  'export const apiKey = () => ({',
  '  before: async (request) => {',
  "    if (request.event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) return { statusCode: 401, body: 'Unauthorized' }",
  '  },',
  '})',
  'export const decodeOnly = () => ({ before: async (request) => { request.context.user = jwt.decode(request.event.headers.authorization) } })',
  "export const logOnly = () => ({ before: async (request) => { console.log('path', request.event.rawPath) } })",
  'export const middyfy = (handler) => middy(handler).use(jsonBodyParser())',
  'export const middyfyAuthed = (handler) => middy(handler).use(jsonBodyParser()).use(requireUser())',
].join('\n');

/** The rule ids reported per function, for a Serverless Framework project with one HTTP function per entry. */
function verdicts(functions: Record<string, string>, extra: Files = {}): Record<string, string[]> {
  const root = tempDir('fnscan-middy-');
  const files: Files = { 'src/libs/middlewares.ts': MIDDLEWARES, ...extra };
  let yml = 'service: shop\nprovider:\n  name: aws\nfunctions:\n';
  for (const [name, code] of Object.entries(functions)) {
    files[`src/functions/${name}.ts`] = code;
    yml += `  ${name}:\n    handler: src/functions/${name}.main\n    events:\n      - httpApi:\n          path: /${name}\n          method: post\n`;
  }
  writeFiles(root, { ...files, 'serverless.yml': yml });
  const found = scanRules(root, ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection']).findings;
  return Object.fromEntries(Object.keys(functions).map((name) => [name, found.filter((f) => f.location.file.endsWith(`/${name}.ts`)).map((f) => f.ruleId)]));
}

const middyHandler = (imports: string, exported: string): string =>
  ["import middy from '@middy/core'", imports, DELETE_USER, `export const main = ${exported}`].join('\n');

test("middy: the handler behind middy's own middlewares is judged; v5's `.handler()` too", () => {
  const unauthenticated = ['no-unauthenticated-handler'];
  assert.deepEqual(
    verdicts({
      official: middyHandler(
        "import jsonBodyParser from '@middy/http-json-body-parser'\nimport httpErrorHandler from '@middy/http-error-handler'\nimport validator from '@middy/validator'",
        'middy(baseHandler).use(jsonBodyParser()).use([validator({ eventSchema: {} }), httpErrorHandler()])',
      ),
      bare: middyHandler('', 'middy(baseHandler)'),
      v5: middyHandler("import cors from '@middy/http-cors'", 'middy().use(cors()).handler(baseHandler)'),
      required: [
        "const middy = require('@middy/core')",
        "const { DynamoDBClient, DeleteItemCommand } = require('@aws-sdk/client-dynamodb')",
        ...DELETE_USER.split('\n').slice(2),
        'module.exports.main = middy(baseHandler)',
      ].join('\n'),
      template: ["import { middyfy } from '../libs/middlewares'", DELETE_USER, 'export const main = middyfy(baseHandler)'].join('\n'),
    }),
    { official: unauthenticated, bare: unauthenticated, v5: unauthenticated, required: unauthenticated, template: unauthenticated },
  );
});

test("middy: a project middleware's hooks are read, so one that verifies authenticates and one that only decodes or logs does not", () => {
  const from = "import { requireUser, userObject, shorthand, apiKey, decodeOnly, logOnly, middyfyAuthed } from '../libs/middlewares'\nimport jwt from 'jsonwebtoken'";
  assert.deepEqual(
    verdicts({
      factory: middyHandler(from, 'middy(baseHandler).use(requireUser())'),
      object: middyHandler(from, 'middy(baseHandler).use([userObject])'),
      shorthand: middyHandler(from, 'middy(baseHandler).use(shorthand())'),
      apikey: middyHandler(from, 'middy(baseHandler).use(apiKey())'),
      inline: middyHandler(from, 'middy(baseHandler).before(async (request) => { request.context.user = jwt.verify(request.event.headers.authorization, process.env.JWT_SECRET) })'),
      wrapper: middyHandler(from, 'middyfyAuthed(baseHandler)'),
      decodes: middyHandler(from, 'middy(baseHandler).use(decodeOnly())'),
      logs: middyHandler(from, 'middy(baseHandler).use(logOnly())'),
    }),
    { factory: [], object: [], shorthand: [], apikey: [], inline: [], wrapper: [], decodes: ['no-unauthenticated-handler'], logs: ['no-unauthenticated-handler'] },
  );
});

test("middy: another package's middleware, or a router, gets the benefit of the doubt; a webhook-named handler must verify", () => {
  const stripeLike = [
    "import middy from '@middy/core'",
    "import httpErrorHandler from '@middy/http-error-handler'",
    DELETE_USER.replace('const baseHandler = async (event) => {', 'const baseHandler = async (event) => {\n  const payload = JSON.parse(event.body)\n  if (payload.type !== "checkout.session.completed") return { statusCode: 200 }'),
    'export const main = middy(baseHandler).use(httpErrorHandler())',
  ].join('\n');
  assert.deepEqual(
    verdicts({
      thirdparty: middyHandler("import jwtAuth from 'middy-middleware-jwt-auth'", "middy(baseHandler).use(jwtAuth({ algorithm: 'HS256', secretOrPublicKey: process.env.JWT_SECRET }))"),
      router: middyHandler("import httpRouterHandler from '@middy/http-router'", "middy().handler(httpRouterHandler([{ method: 'POST', path: '/x', handler: baseHandler }]))"),
      stripeWebhook: stripeLike,
    }),
    { thirdparty: [], router: [], stripeWebhook: ['require-webhook-verification'] },
  );
});

test("middy (round ab): a middleware behind a path alias is the project's; `after` and `onError` guard nothing; a class's `before`; a refusal kept in a constant", () => {
  const sentry = (refusal: string) => [
    "import { createHmac, timingSafeEqual } from 'node:crypto'",
    "const unauthorized = { statusCode: 401, body: 'bad signature' }",
    'export const sentrySignature = () => ({',
    '  before: async ({ event }) => {',
    "    const sig = event.headers['sentry-hook-signature'] ?? ''",
    "    const digest = createHmac('sha256', process.env.SENTRY_CLIENT_SECRET).update(event.body, 'utf8').digest('hex')",
    `    if (sig.length !== digest.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(digest))) ${refusal}`,
    '  },',
    '})',
  ].join('\n');
  const webhook = (from: string) => middyHandler(`import { sentrySignature } from '${from}'`, 'middy().use(sentrySignature()).handler(baseHandler)');
  assert.deepEqual(
    verdicts(
      {
        aliasDecodes: middyHandler("import { decodeOnly } from '@middleware/tokens'", 'middy(baseHandler).use(decodeOnly())'),
        aliasVerifies: middyHandler("import { requireUser } from '@middleware/tokens'", 'middy(baseHandler).use(requireUser())'),
        afterOnly: middyHandler("import { requireUser } from '../libs/middlewares'", 'middy(baseHandler).use({ after: requireUser().before })'),
        onErrorMethod: middyHandler("import jwt from 'jsonwebtoken'", 'middy(baseHandler).onError(async (request) => { jwt.verify(request.event.headers.authorization, process.env.JWT_SECRET) })'),
        classGuard: middyHandler("import { StaffOnly } from '../libs/staff'", 'middy(baseHandler).use(new StaffOnly())'),
        classLogs: middyHandler("import { Logs } from '../libs/staff'", 'middy(baseHandler).use(new Logs())'),
        sentryReturn: webhook('../libs/sentry-return'),
        sentryThrow: webhook('../libs/sentry-throw'),
      },
      {
        'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@middleware/*': ['src/middleware/*'] } } }),
        'src/middleware/tokens.ts': "export { decodeOnly, requireUser } from '../libs/middlewares'\n",
        'src/libs/staff.ts': [
          "import jwt from 'jsonwebtoken'",
          'export class StaffOnly {',
          '  before = async (request) => { request.context.staff = jwt.verify(request.event.headers.authorization, process.env.STAFF_JWT_SECRET) }',
          '}',
          "export class Logs {\n  async before(request) { console.log('path', request.event.rawPath) }\n}",
        ].join('\n'),
        'src/libs/sentry-return.ts': sentry('return unauthorized'),
        'src/libs/sentry-throw.ts': sentry("throw new Error('bad signature')"),
      },
    ),
    {
      aliasDecodes: ['no-unauthenticated-handler'],
      aliasVerifies: [],
      afterOnly: ['no-unauthenticated-handler'],
      onErrorMethod: ['no-unauthenticated-handler'],
      classGuard: [],
      classLogs: ['no-unauthenticated-handler'],
      sentryReturn: ['require-replay-protection'],
      sentryThrow: ['require-replay-protection'],
    },
  );
});

test("middy: a hook's test of `request.event.headers` is a read of the request, so presence alone authenticates nobody", () => {
  const hook = (check: string) => `import createError from 'http-errors'\nexport const guard = () => ({\n  before: async (request) => {\n    ${check}\n  },\n})\n`;
  assert.deepEqual(
    verdicts(
      {
        presence: middyHandler("import { guard } from '../libs/presence'", 'middy(baseHandler).use(guard())'),
        compared: middyHandler("import { guard } from '../libs/compared'", 'middy(baseHandler).use(guard())'),
      },
      {
        'src/libs/presence.ts': hook("if (!request.event.headers['content-type']) throw createError(401)"),
        'src/libs/compared.ts': hook("if (request.event.headers['x-api-key'] !== process.env.INTERNAL_API_KEY) throw createError(401)"),
      },
    ),
    { presence: ['no-unauthenticated-handler'], compared: [] },
  );
});
