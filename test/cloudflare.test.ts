import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanRules, tempDir, writeFiles } from './support/project';

/**
 * Cloudflare Workers and Pages Functions as their users write them (a red team's shapes):
 * findings as `rule: message @file:line`.
 */
function findings(files: Record<string, string>, rules = ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection']): string[] {
  const root = tempDir('fnscan-cloudflare-');
  writeFiles(root, files);
  return scanRules(root, rules).findings.map((f) => `${f.ruleId}: ${f.message} @${path.relative(root, f.location.file)}:${f.location.startPos.line}`);
}

const WORKER = { 'wrangler.toml': 'name = "api"\nmain = "src/index.ts"\n' };

test('Hono middleware built per request from a binding (`(c, next) => jwt({ secret: c.env.X })(c, next)`) guards its routes', () => {
  const app = (guard: string) => `import { Hono } from 'hono'
import { jwt } from 'hono/jwt'
import { bearerAuth } from 'hono/bearer-auth'
import { createMiddleware } from 'hono/factory'
const app = new Hono()
app.use('/api/*', ${guard})
app.use('/admin/*', (c, next) => {
  const auth = bearerAuth({ token: c.env.ADMIN_TOKEN })
  return auth(c, next)
})
app.use('/ops/*', createMiddleware((c, next) => jwt({ secret: c.env.OPS_SECRET })(c, next)))
app.delete('/api/users/:id', async (c) => c.json(await c.env.DB.prepare('DELETE FROM users WHERE id = ?').bind(c.req.param('id')).run()))
app.delete('/admin/users', async (c) => c.json(await c.env.DB.prepare('DELETE FROM users').run()))
app.delete('/ops/users', async (c) => c.json(await c.env.DB.prepare('DELETE FROM users').run()))
export default app
`;
  assert.deepEqual(findings({ ...WORKER, 'src/index.ts': app("(c, next) => jwt({ secret: c.env.JWT_SECRET })(c, next)") }), []);
  // The same middleware held in a constant first (`const auth = (c, next) => ...; app.use('/api/*', auth)`).
  assert.deepEqual(
    findings({ ...WORKER, 'src/index.ts': app('auth').replace('const app = new Hono()', 'const app = new Hono()\nconst auth = (c, next) => jwt({ secret: c.env.JWT_SECRET })(c, next)') }),
    [],
  );
  // A wrapper that lets some requests past the check guards nothing it can be sure of.
  assert.deepEqual(
    findings({ ...WORKER, 'src/index.ts': app("(c, next) => (c.req.method === 'GET' ? next() : jwt({ secret: c.env.JWT_SECRET })(c, next))") }),
    ['no-unauthenticated-handler: Handler `DELETE /api/users/:id` writes to `users` with `DELETE` without authenticating the caller. @src/index.ts:12'],
  );
});

test('wrangler.json(c) is read as JSON: commented-out keys and keys of other environments are not the Worker\'s', () => {
  const purge = "export default {\n  async fetch(request, env) {\n    await env.DB.prepare('DELETE FROM sessions').run()\n    return new Response('ok')\n  },\n}\n";
  const files = { 'src/index.ts': purge, 'src/old.ts': purge, 'functions/cleanup.ts': "export const onRequestPost = async ({ env }) => {\n  await env.DB.prepare('DELETE FROM sessions').run()\n  return new Response('ok')\n}\n" };
  const expected = ['no-unauthenticated-handler: Handler `sessions-api` writes to `sessions` with `DELETE` without authenticating the caller. @src/index.ts:1'];
  const jsonc = '{\n  "name": "sessions-api",\n  // "main": "src/old.ts",\n  /* "pages_build_output_dir": "dist", */\n  "main": "src/index.ts",\n  "vars": { "main": "src/old.ts", "url": "https://example.com/*" },\n}\n';
  assert.deepEqual(findings({ ...files, 'wrangler.jsonc': jsonc }), expected);
  const json = JSON.stringify({ env: { staging: { name: 'api-staging', main: 'src/old.ts' } }, name: 'sessions-api', main: 'src/index.ts' });
  assert.deepEqual(findings({ ...files, 'wrangler.json': json }), expected);
});

test('Web Crypto HMAC verifies a webhook; a KV look-up of the delivery id de-duplicates it', () => {
  const hook = (check: string) => `export default {
  async fetch(request, env) {
    const body = await request.text()
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(env.WEBHOOK_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    ${check}
    const delivery = request.headers.get('x-github-delivery')
    if (await env.DELIVERIES.get(delivery)) return new Response('duplicate')
    await env.DELIVERIES.put(delivery, '1')
    await env.DB.prepare('INSERT INTO deploys (sha) VALUES (?)').bind(JSON.parse(body).after).run()
    return new Response('ok')
  },
}
`;
  const verify = "const ok = await crypto.subtle.verify('HMAC', key, hexToBytes(request.headers.get('x-hub-signature-256')), new TextEncoder().encode(body))\n    if (!ok) return new Response('bad signature', { status: 401 })";
  const hexToBytes = 'function hexToBytes(hex) {\n  return new Uint8Array((hex.match(/.{2}/g) ?? []).map((b) => parseInt(b, 16)))\n}\n';
  assert.deepEqual(findings({ 'wrangler.toml': 'name = "gh-hooks"\nmain = "src/index.ts"\n', 'src/index.ts': hexToBytes + hook(verify) }), []);
  // The answer dropped: anyone can post.
  assert.deepEqual(findings({ 'wrangler.toml': 'name = "gh-hooks"\nmain = "src/index.ts"\n', 'src/index.ts': hexToBytes + hook("await crypto.subtle.verify('HMAC', key, hexToBytes(request.headers.get('x-hub-signature-256')), new TextEncoder().encode(body))") }), [
    'require-webhook-verification: Webhook handler `gh-hooks` ignores the result of Web Crypto `crypto.subtle.verify`, so requests with bad signatures are processed. @src/index.ts:8',
  ]);
});

test('bindings are credentials: a third-party call with one, or one returned, is sensitive work; Vite\'s import.meta.env is not', () => {
  assert.deepEqual(
    findings({
      'wrangler.toml': 'name = "ai-proxy"\nmain = "src/index.ts"\n',
      'src/index.ts': `export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/config') return Response.json({ key: env.OPENAI_API_KEY })
    return fetch('https://api.openai.com/v1/chat/completions', { method: 'POST', headers: { Authorization: \`Bearer \${env.OPENAI_API_KEY}\` }, body: await request.text() })
  },
}
`,
    }),
    ['no-unauthenticated-handler: Handler `ai-proxy` calls a third-party API with `env.OPENAI_API_KEY` without authenticating the caller. @src/index.ts:1'],
  );
  assert.deepEqual(
    findings({
      'package.json': JSON.stringify({ name: 'dash', private: true, scripts: { deploy: 'wrangler pages deploy dist' } }),
      'functions/config.ts': 'export const onRequestGet = async (context) =>\n  Response.json({ stripeKey: context.env.STRIPE_SECRET_KEY, maps: import.meta.env.VITE_MAPS_API_KEY })\n',
      'functions/public.ts': 'export const onRequestGet = async () => Response.json({ maps: import.meta.env.VITE_MAPS_API_KEY })\n',
    }),
    ['no-unauthenticated-handler: Handler `GET /config` returns `context.env.STRIPE_SECRET_KEY` without authenticating the caller. @functions/config.ts:1'],
  );
});

test('a header only tested for presence checks nobody, in a Worker and in a Pages _middleware; compared with a binding, it does', () => {
  const deleteAccount = "await env.DB.prepare('DELETE FROM accounts WHERE id = ?').bind(new URL(request.url).searchParams.get('id')).run()";
  assert.deepEqual(
    findings({
      ...WORKER,
      'src/index.ts': `export default {
  async fetch(request, env) {
    if (!request.headers.get('Authorization')?.startsWith('Bearer ')) return new Response('Unauthorized', { status: 401 })
    ${deleteAccount}
    return new Response('ok')
  },
}
`,
    }),
    ['no-unauthenticated-handler: Handler `api` writes to `accounts` with `DELETE` without authenticating the caller. @src/index.ts:1'],
  );
  assert.deepEqual(
    findings({
      'package.json': JSON.stringify({ name: 'dash', private: true, scripts: { deploy: 'wrangler pages deploy dist' } }),
      'functions/admin/_middleware.ts': "export const onRequest = async (context) => {\n  if (!context.request.headers.get('Authorization')) return new Response('Unauthorized', { status: 401 })\n  return context.next()\n}\n",
      'functions/admin/users.ts': "export const onRequestGet = async ({ env }) => Response.json((await env.DB.prepare('SELECT email FROM users').all()).results)\n",
      'functions/team/_middleware.ts': "export const onRequest = async (context) => {\n  if (context.request.headers.get('x-api-key') !== context.env.TEAM_API_KEY) return new Response('Forbidden', { status: 403 })\n  return context.next()\n}\n",
      'functions/team/users.ts': "export const onRequestGet = async ({ env }) => Response.json((await env.DB.prepare('SELECT email FROM users').all()).results)\n",
    }),
    ['no-unauthenticated-handler: Handler `GET /admin/users` reads `users` with SQL without authenticating the caller. @functions/admin/users.ts:1'],
  );
});

test('a WorkerEntrypoint class is judged by its fetch; the send_email binding sends email; wrangler.toml [vars] hold no secrets', () => {
  assert.deepEqual(
    findings({
      ...WORKER,
      'src/index.ts': `import { WorkerEntrypoint } from 'cloudflare:workers'
import { EmailMessage } from 'cloudflare:email'
export default class extends WorkerEntrypoint {
  async fetch(request) {
    const { to, raw } = await request.json()
    await this.env.MAILER.send(new EmailMessage('noreply@acme.dev', to, raw))
    return new Response('sent')
  }
}
`,
    }),
    ['no-unauthenticated-handler: Handler `api` sends email with `EmailMessage` without authenticating the caller. @src/index.ts:3'],
  );
  assert.deepEqual(
    findings({ 'wrangler.toml': 'name = "checkout"\nmain = "src/index.ts"\n\n[vars]\nENVIRONMENT = "production"\nSTRIPE_SECRET_KEY = "sk_live_51PqR2sTuV3wXyZ4aBcD5eFgH6iJkL7mNoP8qRsT9uVwX0yZ1aB"\n' }, ['no-hardcoded-secret']),
    ['no-hardcoded-secret: `STRIPE_SECRET_KEY` holds a hardcoded Stripe secret key (sk_l…(59 chars)). @wrangler.toml:6'],
  );
});

test('a Worker with no workers.dev URL and no route is reached only through service bindings: not an endpoint', () => {
  const purge = "export default {\n  async fetch(request, env) {\n    await env.DB.prepare('DELETE FROM users').run()\n    return new Response('ok')\n  },\n}\n";
  const flagged = ['no-unauthenticated-handler: Handler `internal` writes to `users` with `DELETE` without authenticating the caller. @src/index.ts:1'];
  assert.deepEqual(findings({ 'wrangler.toml': 'name = "internal"\nmain = "src/index.ts"\nworkers_dev = false\n\n[[d1_databases]]\nbinding = "DB"\n', 'src/index.ts': purge }), []);
  assert.deepEqual(findings({ 'wrangler.toml': 'name = "internal"\nmain = "src/index.ts"\nworkers_dev = false\n\n[[routes]]\npattern = "api.acme.dev/*"\n', 'src/index.ts': purge }), flagged);
  assert.deepEqual(findings({ 'wrangler.jsonc': '{ "name": "internal", "main": "src/index.ts", "workers_dev": false, "routes": ["api.acme.dev/*"] }', 'src/index.ts': purge }), flagged);
  assert.deepEqual(findings({ 'wrangler.toml': 'name = "internal"\nmain = "src/index.ts"\n', 'src/index.ts': purge }), flagged);
});

test('a Drizzle client used as made (`drizzle(env.DB).delete(users)`) does database work as a named one does', () => {
  assert.deepEqual(
    findings({
      'package.json': JSON.stringify({ name: 'dash', private: true, scripts: { deploy: 'wrangler pages deploy dist' } }),
      'functions/api/reset.ts': `import { drizzle } from 'drizzle-orm/d1'
import { users } from '../../schema'
export const onRequestPost = async ({ env }) => {
  await drizzle(env.DB).delete(users)
  return new Response(null, { status: 204 })
}
`,
      'functions/api/list.ts': `import { drizzle } from 'drizzle-orm/d1'
import { users } from '../../schema'
export const onRequestGet = async ({ env }) => Response.json(await drizzle(env.DB).select().from(users))
`,
    }),
    [
      'no-unauthenticated-handler: Handler `GET /api/list` reads the `users` table without authenticating the caller. @functions/api/list.ts:3',
      'no-unauthenticated-handler: Handler `POST /api/reset` writes to the `users` table without authenticating the caller. @functions/api/reset.ts:3',
    ],
  );
});

test('a Worker whose main names a build output missing from the tree is reported as not judged, not silently passed', () => {
  const root = tempDir('fnscan-cloudflare-');
  const worker = "export default {\n  async fetch(request, env) {\n    await env.DB.prepare('DELETE FROM users').run()\n    return new Response('ok')\n  },\n}\n";
  writeFiles(root, { 'wrangler.toml': 'name = "api"\nmain = "dist/index.js"\n[build]\ncommand = "npm run build"\n', 'src/index.ts': worker });
  const result = scanRules(root, ['no-unauthenticated-handler']);
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.skipped.map((s) => [path.relative(root, s.file), s.reason]), [['wrangler.toml', 'missing-entry']]);
  assert.match(result.skipped[0].detail, /dist\/index\.js, which is not in the tree/);
  // Built, the same config is judged and says nothing more.
  writeFiles(root, { 'dist/index.js': worker });
  const built = scanRules(root, ['no-unauthenticated-handler']);
  assert.deepEqual(built.skipped, []);
  assert.equal(built.findings.length, 1);
});

test("Discord's verifyKey deciding a 401 verifies an interaction; an async verify helper tested without await verifies nothing", () => {
  const discord = `import { verifyKey } from 'discord-interactions'
export default {
  async fetch(request, env) {
    const signature = request.headers.get('x-signature-ed25519')
    const timestamp = request.headers.get('x-signature-timestamp')
    const body = await request.text()
    const isValid = signature && timestamp && (await verifyKey(body, signature, timestamp, env.DISCORD_PUBLIC_KEY))
    if (!isValid) return new Response('Bad request signature.', { status: 401 })
    await env.DB.prepare('DELETE FROM subscribers WHERE discord_id = ?').bind(JSON.parse(body).member.user.id).run()
    return Response.json({ type: 4 })
  },
}
`;
  const relay = (awaited: string) => `const verify = async (req, secret) => {
  const enc = new TextEncoder()
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  const sig = new Uint8Array((req.headers.get('x-hub-signature-256') ?? '').slice(7).match(/../g).map((h) => parseInt(h, 16)))
  return crypto.subtle.verify('HMAC', key, sig, enc.encode(await req.clone().text()))
}
export default {
  async fetch(request, env) {
    if (!${awaited}verify(request, env.WEBHOOK_SECRET)) return new Response('no', { status: 401 })
    await env.DB.prepare('DELETE FROM users WHERE id = ?').bind('1').run()
    return new Response('ok')
  },
}
`;
  assert.deepEqual(findings({ ...WORKER, 'src/index.ts': discord }), [
    'require-replay-protection: Webhook handler `api` verifies with `verifyKey` but neither checks a timestamp nor de-duplicates events. @src/index.ts:7',
  ]);
  assert.deepEqual(findings({ ...WORKER, 'src/index.ts': relay('') }), [
    'require-webhook-verification: Webhook handler `api` does not await `verify()`; the pending promise is truthy, so every signature passes. @src/index.ts:9',
  ]);
  assert.deepEqual(findings({ ...WORKER, 'src/index.ts': relay('(await ') .replace("env.WEBHOOK_SECRET)) return", 'env.WEBHOOK_SECRET))) return') }), [
    'require-replay-protection: Webhook handler `api` verifies with Web Crypto `crypto.subtle.verify` but neither checks a timestamp nor de-duplicates events. @src/index.ts:5',
  ]);
});
