import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanRules, tempDir, writeFiles, type Files } from './support/project';

const DELETE_USER = [
  "import { PrismaClient } from '@prisma/client'",
  'const db = new PrismaClient()',
  'export async function DELETE(req: Request) {',
  "  await db.user.delete({ where: { id: new URL(req.url).searchParams.get('id')! } })",
  '  return new Response(null, { status: 204 })',
  '}',
].join('\n');

/** The findings of no-unauthenticated-handler for a project with `api/users.ts` and these other files. */
function unauthenticated(files: Files): string[] {
  const root = tempDir('fnscan-vercel-');
  writeFiles(root, { 'api/users.ts': DELETE_USER, ...files });
  return scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => `${f.location.file.slice(root.length + 1)}: ${f.message}`);
}

const pkg = (fields: object) => JSON.stringify({ name: 'site', private: true, ...fields });

test('zero-config Vercel: a root api/ folder next to a sign of Vercel or a front-end build is functions', () => {
  const expected = ['api/users.ts: Handler `DELETE /api/users` writes to `db.user` without authenticating the caller.'];
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ devDependencies: { vite: '5.4.0' } }) }), expected);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ dependencies: { 'react-scripts': '5.0.1' } }) }), expected);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ dependencies: { '@vercel/analytics': '1.4.0' } }) }), expected);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ scripts: { dev: 'vc dev' } }) }), expected);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ scripts: { 'vercel-build': 'node build.js' } }) }), expected);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ devDependencies: { vercel: '39.0.0' } }) }), expected);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ scripts: { deploy: 'npm run build && vercel --prod' } }) }), expected);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({}), '.vercelignore': 'docs\n' }), expected);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({}), '.vercel/project.json': '{}' }), expected);
  // Express on Vercel: with the CLI as a dependency, every api/ file is still a function of its own.
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ dependencies: { express: '4.21.0' }, devDependencies: { vercel: '39.0.0' } }) }), expected);
});

test('zero-config Vercel: not a bare api/ folder, not one a server framework may mount, not Azure Static Web Apps', () => {
  assert.deepEqual(unauthenticated({ 'package.json': pkg({}) }), []);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ scripts: { start: 'node server.js', lint: 'eslint --no-vercel-rule .' } }) }), []);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ dependencies: { express: '4.21.0' }, devDependencies: { vite: '5.4.0' } }) }), []);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ devDependencies: { vite: '5.4.0' } }), 'api/host.json': '{ "version": "2.0" }' }), []);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ devDependencies: { vite: '5.4.0' } }), 'staticwebapp.config.json': '{}' }), []);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ devDependencies: { vite: '5.4.0' } }), 'api/functions-app/host.json': '{}' }), []);
  // Vercel packages that run anywhere, servers Vercel's signs do not outweigh, other hosts, published libraries.
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ dependencies: { '@vercel/kv': '3.0.0', '@vercel/blob': '0.27.0' }, devDependencies: { '@vercel/ncc': '0.38.0' } }) }), []);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ dependencies: { express: '4.21.0' }, scripts: { 'deploy:docs': 'cd docs && vercel --prod' } }) }), []);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ dependencies: { hono: '4.6.0' }, devDependencies: { vite: '5.4.0' } }) }), []);
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ devDependencies: { '@sveltejs/kit': '2.8.0', vite: '5.4.0' } }) }), []);
  for (const marker of ['netlify.toml', 'wrangler.toml', 'firebase.json', 'fly.toml', 'action.yml']) {
    assert.deepEqual(unauthenticated({ 'package.json': pkg({ devDependencies: { vite: '5.4.0' } }), [marker]: '' }), [], marker);
  }
  assert.deepEqual(unauthenticated({ 'package.json': pkg({ version: '1.2.0', types: 'dist/index.d.ts', devDependencies: { vite: '5.4.0' } }) }), []);
  // Not an `api` file: no package.json at all.
  assert.deepEqual(unauthenticated({}), []);
});

test('zero-config Vercel: found inside a larger tree too, and its helpers stay helpers', () => {
  const root = tempDir('fnscan-vercel-mono-');
  writeFiles(root, {
    'package.json': pkg({ workspaces: ['apps/*'] }),
    'apps/site/package.json': pkg({ devDependencies: { vite: '5.4.0' } }),
    'apps/site/api/users.ts': DELETE_USER,
    'apps/site/api/_db.ts': "export async function wipe(db: any) { await db.user.deleteMany({}) }\nexport default wipe",
  });
  const found = scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => f.location.file.slice(root.length + 1));
  assert.deepEqual(found, ['apps/site/api/users.ts']);
});

test('Netlify: functions netlify.toml schedules have no URL; other settings of a function do not make it one', () => {
  const root = tempDir('fnscan-netlify-');
  const work = "import { db } from '../lib/db'\nexport default async () => { await db.session.deleteMany({}) }\n";
  writeFiles(root, {
    'netlify.toml': '[functions]\n  directory = "netlify/functions"\n\n[functions.cleanup]\n  schedule = "@daily"\n\n[functions."reset"]\n  included_files = ["data/*"]\n',
    'netlify/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
    'netlify/functions/cleanup.ts': work,
    'netlify/functions/reset.ts': work,
  });
  const found = scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => f.location.file.slice(root.length + 1));
  assert.deepEqual(found, ['netlify/functions/reset.ts']);
});

test("Netlify: a schedule in a config exported by name counts; a project's own schedule() helper does not", () => {
  const root = tempDir('fnscan-netlify-code-');
  writeFiles(root, {
    'netlify.toml': '[functions]\n  directory = "netlify/functions"\n',
    'netlify/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
    'netlify/lib/queue.ts': 'export function schedule(name: string, fn: (event: unknown) => Promise<unknown>) {\n  return fn\n}\n',
    'netlify/functions/tidy.mts': "import { db } from '../lib/db'\nexport default async () => { await db.session.deleteMany({}) }\nconst config = { schedule: '@daily' }\nexport { config }\n",
    'netlify/functions/enqueue.ts': "import type { Handler } from '@netlify/functions'\nimport { schedule } from '../lib/queue'\nimport { db } from '../lib/db'\nexport const handler: Handler = schedule('jobs', async () => {\n  await db.job.create({ data: {} })\n  return { statusCode: 200 }\n})\n",
  });
  const found = scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => f.location.file.slice(root.length + 1));
  assert.deepEqual(found, ['netlify/functions/enqueue.ts']);
});

test('Netlify edge functions are endpoints on the paths routed to them, in their config or in netlify.toml', () => {
  const root = tempDir('fnscan-netlify-edge-');
  const purge = (config: string) =>
    "export default async (request: Request) => {\n  await fetch('https://api.example.com/admin/purge', { method: 'POST', headers: { authorization: `Bearer ${Netlify.env.get('ADMIN_TOKEN')}` } })\n  return new Response('ok')\n}\n" + config;
  writeFiles(root, {
    'netlify.toml': '[build]\n  publish = "dist"\n\n[[edge_functions]]\n  path = "/admin/*"\n  function = "admin-gate"\n',
    'netlify/edge-functions/admin-gate.ts': purge(''),
    'netlify/edge-functions/export.ts': purge("export const config = { path: '/export' }\n"),
    'netlify/edge-functions/unrouted.ts': purge(''),
    'netlify/edge-functions/lib/shared.ts': purge(''),
  });
  const found = scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => `${f.location.file.slice(root.length + 1)}: ${f.message}`);
  assert.deepEqual(found, [
    "netlify/edge-functions/admin-gate.ts: Handler `admin-gate` calls a third-party API with `Netlify.env.get('ADMIN_TOKEN')` without authenticating the caller.",
    "netlify/edge-functions/export.ts: Handler `export` calls a third-party API with `Netlify.env.get('ADMIN_TOKEN')` without authenticating the caller.",
  ]);
});

test("Cloudflare Workers: wrangler's `main` module is the endpoint, its bindings are the environment", () => {
  const root = tempDir('fnscan-worker-');
  writeFiles(root, {
    'wrangler.toml': 'name = "orders-api"\nmain = "src/index.ts"\ncompatibility_date = "2024-09-01"\n\n[vars]\nmain = "not-this.ts"\n',
    'src/index.ts': `export default {
  async fetch(request: Request, env: { DB: D1Database; API_KEY: string }) {
    if (request.method === 'DELETE') {
      await env.DB.prepare('DELETE FROM orders WHERE id = ?').bind(new URL(request.url).searchParams.get('id')).run()
      return new Response(null, { status: 204 })
    }
    return new Response('ok')
  },
  async scheduled() {},
}
`,
    'src/admin.ts': `export async function purge(env: { DB: D1Database }) {
  await env.DB.prepare('DELETE FROM orders').run()
}
`,
    'src/keyed.ts': `export default {
  async fetch(request: Request, env: { DB: D1Database; API_KEY: string }) {
    if (request.headers.get('x-api-key') !== env.API_KEY) return new Response('Forbidden', { status: 403 })
    await env.DB.prepare('DELETE FROM orders').run()
    return new Response(null, { status: 204 })
  },
}
`,
  });
  const found = scanRules(root, ['no-unauthenticated-handler', 'no-timing-unsafe-compare']).findings.map((f) => `${f.location.file.slice(root.length + 1)}: ${f.message}`);
  const timing = 'src/keyed.ts: `env.API_KEY` is compared with `!==`, whose running time reveals how many leading characters of a guess are right.';
  assert.deepEqual(found, ['src/index.ts: Handler `orders-api` writes to `orders` with `DELETE` without authenticating the caller.', timing]);
  // The same check in the Worker itself authenticates.
  writeFiles(root, { 'wrangler.toml': 'name = "orders-api"\nmain = "src/keyed.ts"\n' });
  const keyed = scanRules(root, ['no-unauthenticated-handler', 'no-timing-unsafe-compare']).findings.map((f) => `${f.location.file.slice(root.length + 1)}: ${f.message}`);
  assert.deepEqual(keyed, [timing]);
});

test('Cloudflare Pages Functions: every module under functions/ is a route, behind the _middleware of its folders', () => {
  const root = tempDir('fnscan-pages-');
  const deleteUser = (exportLine: string) => `${exportLine}
  await env.DB.prepare('DELETE FROM users WHERE id = ?').bind(params.id).run()
  return new Response(null, { status: 204 })
}
`;
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'site', private: true, scripts: { deploy: 'wrangler pages deploy dist' } }),
    'functions/api/admin/_middleware.ts': `export const onRequest: PagesFunction<{ ADMIN_KEY: string }> = async (context) => {
  if (context.request.headers.get('x-admin-key') !== context.env.ADMIN_KEY) return new Response('Forbidden', { status: 403 })
  return context.next()
}
`,
    'functions/api/admin/users/[id].ts': deleteUser('export const onRequestDelete: PagesFunction<{ DB: D1Database }> = async ({ env, params }) => {'),
    'functions/api/users/[id].ts': deleteUser('export async function onRequestDelete({ env, params }: EventContext<{ DB: D1Database }, string, unknown>) {'),
    'functions/api/team/_middleware.ts': `import cloudflareAccessPlugin from '@cloudflare/pages-plugin-cloudflare-access'
const log: PagesFunction = async ({ next }) => next()
export const onRequest = [log, cloudflareAccessPlugin({ domain: 'https://acme.cloudflareaccess.com', aud: 'aud-tag' })]
`,
    'functions/api/team/[id].ts': deleteUser('export const onRequest: PagesFunction<{ DB: D1Database }> = async ({ env, params }) => {'),
    'functions/lib/db.ts': "export const table = 'users'\n",
  });
  const found = scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => `${f.location.file.slice(root.length + 1)}: ${f.message}`);
  assert.deepEqual(found, ['functions/api/users/[id].ts: Handler `DELETE /api/users/[id]` writes to `users` with `DELETE` without authenticating the caller.']);
  // A middleware that lets every caller through covers nothing.
  writeFiles(root, { 'functions/api/admin/_middleware.ts': 'export const onRequest: PagesFunction = async (context) => context.next()\n' });
  assert.equal(scanRules(root, ['no-unauthenticated-handler']).findings.length, 2);
});

test('Cloudflare Pages Functions: found by the wrangler config too; a functions/ folder alone is no Pages project', () => {
  const route = "export const onRequestPost = async ({ env }) => {\n  await env.DB.prepare('DELETE FROM users').run()\n  return new Response(null, { status: 204 })\n}\n";
  const found = (files: Files) => {
    const root = tempDir('fnscan-pages-config-');
    writeFiles(root, { 'functions/api/reset.js': route, ...files });
    return scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => f.message);
  };
  const expected = ['Handler `POST /api/reset` writes to `users` with `DELETE` without authenticating the caller.'];
  assert.deepEqual(found({ 'wrangler.toml': 'name = "site"\npages_build_output_dir = "./dist"\n' }), expected);
  assert.deepEqual(found({ 'wrangler.jsonc': '{\n  // Pages\n  "name": "site",\n  "pages_build_output_dir": "./dist"\n}\n' }), expected);
  // Firebase and other tools keep a functions/ folder of their own.
  assert.deepEqual(found({ 'package.json': pkg({ scripts: { deploy: 'firebase deploy --only functions' } }) }), []);
  assert.deepEqual(found({ 'wrangler.toml': 'name = "worker"\nmain = "src/index.ts"\n' }), []);
});

test("path aliases a tsconfig inherits through `extends` resolve as TypeScript resolves them", () => {
  const root = tempDir('fnscan-extends-');
  const route = "import { verifyCronSecret } from '@/lib/cron-auth'\nimport { prisma } from '@/lib/prisma'\nexport async function GET(req: Request) {\n  if (!verifyCronSecret(req)) return new Response('no', { status: 401 })\n  await prisma.verificationToken.deleteMany()\n  return new Response('ok')\n}\n";
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['apps/*'] }),
    'tsconfig.base.json': JSON.stringify({ compilerOptions: { strict: true } }),
    'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { next: '14.2.0' } }),
    'apps/web/tsconfig.paths.json': JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
    'apps/web/tsconfig.json': '{\n  // comments and a trailing comma, as tsconfig allows\n  "extends": ["../../tsconfig.base", "./tsconfig.paths.json"],\n  "compilerOptions": { "jsx": "preserve" },\n}\n',
    'apps/web/src/app/api/cron/purge/route.ts': route,
    'apps/web/src/lib/prisma.ts': "import { PrismaClient } from '@prisma/client'\nexport const prisma = new PrismaClient()\n",
    'apps/web/src/lib/cron-auth.ts': "import crypto from 'node:crypto'\nexport function verifyCronSecret(req: Request) {\n  const given = Buffer.from(req.headers.get('authorization') ?? '')\n  const want = Buffer.from(`Bearer ${process.env.CRON_SECRET}`)\n  return given.length === want.length && crypto.timingSafeEqual(given, want)\n}\n",
  });
  const found = () => scanRules(path.join(root, 'apps/web'), ['no-unauthenticated-handler']).findings.map((f) => f.message);
  assert.deepEqual(found(), [], 'the helper is read through the inherited alias, and its check counts');
  const unprotected = ['Handler `GET /api/cron/purge` writes to `prisma.verificationToken` without authenticating the caller.'];
  // The alias only in a config nobody extends: the helper is not found, and the check with it;
  // the finding says which imports it could not follow.
  writeFiles(root, { 'apps/web/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json' }) });
  assert.deepEqual(found(), unprotected);
  assert.deepEqual(
    scanRules(path.join(root, 'apps/web'), ['no-unauthenticated-handler']).findings[0].related.map((r) => `${r.startPos.line} ${r.message}`),
    [
      '5 The handler writes to `prisma.verificationToken` here.',
      '1 fnscan found no file for `@/lib/cron-auth`, so a check made in it is not seen (a path alias needs tsconfig `paths`).',
      '2 fnscan found no file for `@/lib/prisma`, so a check made in it is not seen (a path alias needs tsconfig `paths`).',
    ],
  );
  // A config outside the workspace (or repository) is never read, whatever `extends` says.
  const outside = tempDir('fnscan-extends-outside-');
  writeFiles(outside, { 'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': [path.join(root, 'apps/web/src/*')] } } }) });
  writeFiles(root, { 'apps/web/tsconfig.json': JSON.stringify({ extends: path.relative(path.join(root, 'apps/web'), path.join(outside, 'tsconfig.json')) }) });
  assert.deepEqual(found(), unprotected);
});

test('workspace packages are followed to their source: a helper in packages/db is project code', () => {
  const root = tempDir('fnscan-workspace-');
  const purgeApp = "import { Hono } from 'hono'\nimport { banUser } from '@acme/db'\nimport { audit } from '@acme/db/audit'\nconst app = new Hono()\napp.post('/users/:id/ban', async (c) => {\n  await audit(c.env.DB, 'ban')\n  return c.json(await banUser(c.env.DB, c.req.param('id')))\n})\nexport default app\n";
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] }),
    'apps/admin/package.json': JSON.stringify({ name: '@acme/admin', private: true, dependencies: { '@acme/db': '*', hono: '4.6.0' } }),
    'apps/admin/wrangler.toml': 'name = "acme-admin"\nmain = "src/index.ts"\n',
    'apps/admin/src/index.ts': purgeApp,
    'packages/db/package.json': JSON.stringify({ name: '@acme/db', main: 'dist/index.js', types: 'dist/index.d.ts' }),
    'packages/db/src/index.ts': "export async function banUser(db, id) {\n  return db.prepare('UPDATE users SET banned = 1 WHERE id = ?').bind(id).run()\n}\n",
    'packages/db/src/audit.ts': "export async function audit(db, what) {\n  return what\n}\n",
  });
  const found = () => scanRules(path.join(root, 'apps/admin'), ['no-unauthenticated-handler']).findings.map((f) => f.message);
  assert.deepEqual(found(), ['Handler `POST /users/:id/ban` writes to `users` with `UPDATE` without authenticating the caller.']);
  // pnpm's workspace file names the packages the same way.
  writeFiles(root, { 'package.json': JSON.stringify({ name: 'acme', private: true }), 'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - 'packages/*'\n" });
  assert.deepEqual(found(), ['Handler `POST /users/:id/ban` writes to `users` with `UPDATE` without authenticating the caller.']);
  // Outside a workspace the import is a package fnscan cannot see into.
  writeFiles(root, { 'pnpm-workspace.yaml': 'packages: []\n' });
  assert.deepEqual(found(), []);
});

test('a platform config that does not parse is reported as skipped, and the rest of the scan completes', () => {
  const root = tempDir('fnscan-broken-config-');
  writeFiles(root, {
    // `{id}` starts a flow map inside a flow map: not YAML, so the Serverless Framework would refuse it too.
    'shop/serverless.yml': 'service: shop\nfunctions:\n  remove:\n    handler: src/remove.handler\n    events:\n      - http: { path: orders/{id}, method: delete }\n',
    'shop/src/remove.ts': "export const handler = async () => ({ statusCode: 204 })\n",
    'sam/template.yaml': "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n     CodeUri: src\n",
    'sam/src/app.ts': "export const handler = async () => ({ statusCode: 200 })\n",
    'fire/firebase.json': '{ "functions": { "source": "functions", } ',
    'fire/functions/index.ts': "import { onRequest } from 'firebase-functions/v2/https'\nexport const ping = onRequest((req, res) => { res.send('ok') })\n",
    'site/api/users.ts': DELETE_USER,
    'site/vercel.json': '{}',
  });
  const result = scanRules(root, ['no-unauthenticated-handler']);
  const skipped = result.skipped.map((s) => `${s.file.slice(root.length + 1)} ${s.reason}: ${s.detail}`);
  assert.deepEqual(skipped, [
    'fire/firebase.json syntax-error: is not valid JSON: its functions are not judged',
    'sam/template.yaml syntax-error: line 6: All mapping items must start at the same column: its functions are not judged',
    'shop/serverless.yml syntax-error: line 6: Unexpected flow-map-start at node end: its functions are not judged',
  ]);
  // The other app is still judged.
  assert.deepEqual(result.findings.map((f) => f.location.file.slice(root.length + 1)), ['site/api/users.ts']);
});

test("serverless.ts (the Serverless Framework's TypeScript template) is read as data: its functions through path aliases, handlerPath(__dirname), authorizers", () => {
  const root = tempDir('fnscan-sls-ts-');
  const put = (table: string) => `import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'
import { middyfy } from '@libs/lambda'
const client = new DynamoDBClient({})
const base = async (event) => {
  await client.send(new PutItemCommand({ TableName: '${table}', Item: { id: { S: event.body.id } } }))
  return { statusCode: 201 }
}
export const main = middyfy(base)
`;
  const config = (http: string) => `import { handlerPath } from '@libs/handler-resolver'
export default {
  handler: \`\${handlerPath(__dirname)}/handler.main\`,
  events: [{ http: ${http} }],
}
`;
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'notes', devDependencies: { '@serverless/typescript': '3.38.0' } }),
    'tsconfig.json': JSON.stringify({ extends: './tsconfig.paths.json', include: ['src/**/*.ts', 'serverless.ts'] }),
    'tsconfig.paths.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@functions/*': ['src/functions/*'], '@libs/*': ['src/libs/*'] } } }),
    'serverless.ts': `import type { AWS } from '@serverless/typescript'
import { createNote, deleteNote } from '@functions/index'
import sendInvite from './src/functions/sendInvite'
const serverlessConfiguration: AWS = {
  service: 'notes-api',
  provider: { name: 'aws', runtime: 'nodejs18.x' },
  functions: { createNote, deleteNote, sendInvite, computed: { handler: handlerFor('computed'), events: [{ http: { method: 'post', path: 'x' } }] } },
}
module.exports = serverlessConfiguration
`,
    'src/libs/handler-resolver.ts': "export const handlerPath = (context: string) => `${context.split(process.cwd())[1].substring(1).replace(/\\\\/g, '/')}`\n",
    'src/libs/lambda.ts': "import middy from '@middy/core'\nimport jsonBodyParser from '@middy/http-json-body-parser'\nexport const middyfy = (handler) => middy(handler).use(jsonBodyParser())\n",
    'src/functions/index.ts': "export { default as createNote } from './createNote'\nexport { default as deleteNote } from './deleteNote'\n",
    'src/functions/createNote/index.ts': config("{ method: 'post', path: 'notes' }"),
    'src/functions/createNote/handler.ts': put('notes'),
    'src/functions/deleteNote/index.ts': config("{ method: 'delete', path: 'notes/{id}', authorizer: { name: 'cognito', arn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc' } }"),
    'src/functions/deleteNote/handler.ts': put('notes'),
    'src/functions/sendInvite/index.ts': config("{ method: 'post', path: 'invites' }"),
    'src/functions/sendInvite/handler.ts': `import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses'
import { middyfy } from '@libs/lambda'
const ses = new SESClient({})
const sendInvite = async (event) => {
  await ses.send(new SendEmailCommand({ Source: 'notes@example.com', Destination: { ToAddresses: [event.body.email] }, Message: { Subject: { Data: 'Invite' }, Body: { Text: { Data: event.body.text } } } }))
  return { statusCode: 202 }
}
export const main = middyfy(sendInvite)
`,
    'src/functions/computed/handler.ts': put('notes'),
  });
  const result = scanRules(root, ['no-unauthenticated-handler']);
  assert.deepEqual(result.skipped, []);
  assert.deepEqual(
    result.findings.map((f) => `${path.relative(root, f.location.file)}: ${f.message}`),
    [
      'src/functions/createNote/handler.ts: Handler `createNote` writes to the `notes` table without authenticating the caller.',
      'src/functions/sendInvite/handler.ts: Handler `sendInvite` sends email with `SendEmailCommand` without authenticating the caller.',
    ],
  );
  // A config module that does not parse is said, once (as a scanned file and as the config).
  writeFiles(root, { 'serverless.ts': 'const config = {\n  functions: {\n}\nmodule.exports = config\n' });
  const broken = scanRules(root, ['no-unauthenticated-handler']);
  assert.deepEqual(broken.findings, []);
  assert.deepEqual(broken.skipped.map((s) => `${path.relative(root, s.file)} ${s.reason}`), ['serverless.ts syntax-error']);
});
