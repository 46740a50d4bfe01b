import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanRules, tempDir, writeFiles } from './support/project';
import { packageSpecifier } from '../src/core/analysis';

/** Supabase Edge Functions (Deno) as their users write them: findings as `rule: message @file:line`. */
function findings(files: Record<string, string>): string[] {
  const root = tempDir('fnscan-supabase-');
  writeFiles(root, { 'supabase/config.toml': 'project_id = "demo"\n', ...files });
  return scanRules(root, ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection']).findings.map(
    (f) => `${f.ruleId}: ${f.message} @${path.relative(root, f.location.file)}:${f.location.startPos.line}`,
  );
}

const ADMIN = "import { createClient } from 'jsr:@supabase/supabase-js@2'\nconst admin = createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('SUPABASE_SERVICE_ROLE_KEY')!)\n";

test('each supabase/functions/<name>/index.ts is an endpoint named by its folder, judged by what it hands Deno.serve(); _shared is not one', () => {
  const wipe = `${ADMIN}Deno.serve(async (req) => {\n  await admin.from('profiles').delete().eq('id', (await req.json()).id)\n  return new Response(null, { status: 204 })\n})\n`;
  assert.deepEqual(findings({ 'supabase/functions/wipe/index.ts': wipe, 'supabase/functions/_shared/wipe.ts': wipe, 'supabase/functions/wipe/helpers.ts': wipe }), [
    'no-unauthenticated-handler: Handler `wipe` writes to the `profiles` table without authenticating the caller. @supabase/functions/wipe/index.ts:3',
  ]);
  // The standard library's serve(), Deno.serve(options, handler) and Deno.serve({ handler }) hand over the handler the same way.
  const served = (call: string) => `${ADMIN}import { serve } from 'https://deno.land/std@0.168.0/http/server.ts'\nconst handler = async (req: Request) => {\n  await admin.auth.admin.deleteUser((await req.json()).id)\n  return new Response(null, { status: 204 })\n}\n${call}\n`;
  for (const call of ['serve(handler)', 'Deno.serve({ port: 8000 }, handler)', 'Deno.serve({ handler })']) {
    assert.equal(findings({ 'supabase/functions/wipe/index.ts': served(call) }).length, 1, call);
  }
  // A serve() that is not Deno's is no handler.
  assert.deepEqual(findings({ 'supabase/functions/wipe/index.ts': served('serve(handler)').replace('https://deno.land/std@0.168.0/http/server.ts', './server.ts') }), []);
});

test("the caller's JWT checked with getUser() authenticates; a client on the caller's JWT leaves the rows to row-level security", () => {
  const fn = (check: string, work: string) => `${ADMIN}const asCaller = (req: Request) => createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('SUPABASE_ANON_KEY')!, { global: { headers: { Authorization: req.headers.get('Authorization')! } } })
Deno.serve(async (req) => {
${check}
  ${work}
  return new Response('ok')
})
`;
  const write = (check: string, work: string) => findings({ 'supabase/functions/notes/index.ts': fn(check, work) });
  const check = "  const { data: { user } } = await asCaller(req).auth.getUser()\n  if (!user) return new Response('Unauthorized', { status: 401 })";
  assert.deepEqual(write(check, "await admin.from('notes').delete().eq('owner', user.id)"), []);
  assert.deepEqual(write('', "await asCaller(req).from('notes').insert({ text: 'x' })"), []);
  assert.deepEqual(write('', "await admin.from('notes').insert({ text: 'x' })"), [
    'no-unauthenticated-handler: Handler `notes` writes to the `notes` table without authenticating the caller. @supabase/functions/notes/index.ts:4',
  ]);
});

test('a Hono app served with Deno.serve(app.fetch) is judged route by route, with its jsr: imports read as Hono', () => {
  const app = `${ADMIN}import { Hono } from 'jsr:@hono/hono'
import { bearerAuth } from 'jsr:@hono/hono/bearer-auth'
const app = new Hono().basePath('/api')
app.use('/admin/*', bearerAuth({ token: Deno.env.get('ADMIN_TOKEN')! }))
app.delete('/admin/notes', async (c) => c.json(await admin.from('notes').delete()))
app.post('/notes', async (c) => c.json(await admin.from('notes').insert(await c.req.json())))
Deno.serve(app.fetch)
`;
  assert.deepEqual(findings({ 'supabase/functions/api/index.ts': app }), [
    'no-unauthenticated-handler: Handler `POST /api/notes` writes to the `notes` table without authenticating the caller. @supabase/functions/api/index.ts:8',
  ]);
});

test('a Stripe webhook verified with constructEventAsync, imported with npm:', () => {
  const hook = (verify: string) => `${ADMIN}import Stripe from 'npm:stripe@16'
const stripe = new Stripe(Deno.env.get('STRIPE_SECRET_KEY')!)
Deno.serve(async (req) => {
  const body = await req.text()
${verify}
  await admin.from('subscriptions').update({ status: event.data.object.status }).eq('id', event.data.object.id)
  return Response.json({ received: true })
})
`;
  assert.deepEqual(findings({ 'supabase/functions/stripe-webhook/index.ts': hook("  const event = await stripe.webhooks.constructEventAsync(body, req.headers.get('Stripe-Signature')!, Deno.env.get('STRIPE_WEBHOOK_SECRET')!)") }), []);
  assert.deepEqual(findings({ 'supabase/functions/stripe-webhook/index.ts': hook('  const event = JSON.parse(body)') }), [
    'require-webhook-verification: Webhook handler `stripe-webhook` writes to the `subscriptions` table without verifying the payload\'s signature. @supabase/functions/stripe-webhook/index.ts:5',
  ]);
});

test('Deno imports are named as the npm packages they are', () => {
  const cases: Record<string, string> = {
    'npm:stripe@16': 'stripe',
    'npm:@octokit/webhooks-methods@5': '@octokit/webhooks-methods',
    'jsr:@supabase/supabase-js@2': '@supabase/supabase-js',
    'jsr:@hono/hono': 'hono',
    'jsr:@hono/hono/jwt': 'hono/jwt',
    'https://esm.sh/stripe@14?target=deno': 'stripe',
    'https://esm.sh/@supabase/supabase-js@2.39.3': '@supabase/supabase-js',
    'https://deno.land/x/hono@v4.0.0/mod.ts': 'hono',
    'https://deno.land/std@0.168.0/http/server.ts': 'https://deno.land/std@0.168.0/http/server.ts',
    './clients.ts': './clients.ts',
    stripe: 'stripe',
  };
  for (const [written, name] of Object.entries(cases)) assert.equal(packageSpecifier(written), name, written);
});

const RLS = "const asCaller = (req: Request) => createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('SUPABASE_ANON_KEY')!, { global: { headers: { Authorization: req.headers.get('Authorization')! } } })\n";

test("a client on the caller's JWT passed to a helper keeps row-level security; getSession() on it checks nobody", () => {
  const tasks = `import { createClient } from 'jsr:@supabase/supabase-js@2'
async function updateTask(supabaseClient, id: string, task: unknown) {
  const { error } = await supabaseClient.from('tasks').update(task).eq('id', id)
  if (error) throw error
  return new Response('ok')
}
Deno.serve(async (req) => {
  const supabaseClient = createClient(Deno.env.get('SUPABASE_URL')!, Deno.env.get('SUPABASE_ANON_KEY')!, { global: { headers: { Authorization: req.headers.get('Authorization')! } } })
  return updateTask(supabaseClient, new URL(req.url).searchParams.get('id')!, await req.json())
})
`;
  assert.deepEqual(findings({ 'supabase/functions/restful-tasks/index.ts': tasks }), []);
  // The same helper in a module that also makes a service-role client: fnscan cannot tell which one it is given.
  assert.equal(findings({ 'supabase/functions/restful-tasks/index.ts': `${ADMIN}${tasks.replace("import { createClient } from 'jsr:@supabase/supabase-js@2'\n", '')}` }).length, 1);
  const session = (call: string) => `${ADMIN}${RLS}Deno.serve(async (req) => {
  const { data } = await asCaller(req).auth.${call}()
  if (!data.${call === 'getSession' ? 'session' : 'user'}) return new Response('Unauthorized', { status: 401 })
  await admin.from('profiles').update({ plan: 'pro' }).eq('id', 'x')
  return new Response('ok')
})
`;
  assert.deepEqual(findings({ 'supabase/functions/upgrade/index.ts': session('getUser') }), []);
  assert.equal(findings({ 'supabase/functions/upgrade/index.ts': session('getSession') }).length, 1);
});

test('Storage calls are work on a service-role client, not on the caller\'s; deno-postgres SQL is read', () => {
  const upload = (client: string) => `${ADMIN}${RLS}Deno.serve(async (req) => {\n  await ${client}.storage.from('avatars').upload('a.png', await req.blob(), { upsert: true })\n  return new Response('ok')\n})\n`;
  assert.deepEqual(findings({ 'supabase/functions/avatar/index.ts': upload('admin') }), [
    'no-unauthenticated-handler: Handler `avatar` changes Supabase Storage files with `upload` without authenticating the caller. @supabase/functions/avatar/index.ts:4',
  ]);
  assert.deepEqual(findings({ 'supabase/functions/avatar/index.ts': upload('asCaller(req)') }), []);
  const pg = (query: string) => `import { Pool } from 'https://deno.land/x/postgres@v0.17.0/mod.ts'\nconst pool = new Pool(Deno.env.get('DATABASE_URL')!, 3, true)\nDeno.serve(async (req) => {\n  const client = await pool.connect()\n  ${query}\n  client.release()\n  return new Response('ok')\n})\n`;
  assert.equal(findings({ 'supabase/functions/orders/index.ts': pg("await client.queryObject('DELETE FROM orders WHERE id = $1', [1])") }).length, 1);
  assert.equal(findings({ 'supabase/functions/orders/index.ts': pg('await client.queryObject`UPDATE orders SET paid = true`') }).length, 1);
});

test("entries the runtime also serves: an import map's std alias, export default { fetch }, config.toml's entrypoint", () => {
  const work = "await admin.auth.admin.deleteUser((await req.json()).id)\n  return new Response('ok')";
  assert.equal(findings({ 'supabase/functions/a/index.ts': `${ADMIN}import { serve } from 'std/server.ts'\nserve(async (req) => {\n  ${work}\n})\n` }).length, 1);
  assert.equal(findings({ 'supabase/functions/a/index.ts': `${ADMIN}export default {\n  async fetch(req: Request) {\n    ${work}\n  },\n}\n` }).length, 1);
  const entry = { 'supabase/config.toml': '[functions.report]\nentrypoint = "./functions/report/main.ts"\nverify_jwt = false\n', 'supabase/functions/report/main.ts': `${ADMIN}Deno.serve(async (req) => {\n  ${work}\n})\n` };
  assert.deepEqual(findings(entry), [
    'no-unauthenticated-handler: Handler `report` changes Supabase Auth users with `auth.admin.deleteUser` without authenticating the caller. @supabase/functions/report/main.ts:3',
  ]);
});

test('bots: a secret token compared with any refusal authenticates (Telegram answers 405); an Ed25519-signed interaction is a webhook that needs a window', () => {
  const telegram = `${ADMIN}Deno.serve(async (req) => {
  if (req.headers.get('x-telegram-bot-api-secret-token') !== Deno.env.get('FUNCTION_SECRET')) return new Response('not allowed', { status: 405 })
  await admin.from('messages').insert(await req.json())
  return new Response('ok')
})
`;
  assert.deepEqual(findings({ 'supabase/functions/telegram-bot/index.ts': telegram }), []);
  const discord = (verify: string) => `${ADMIN}import nacl from 'npm:tweetnacl'
Deno.serve(async (req) => {
  const signature = req.headers.get('X-Signature-Ed25519')!
  const timestamp = req.headers.get('X-Signature-Timestamp')!
  const body = await req.text()
${verify}
  await admin.from('players').upsert({ id: JSON.parse(body).member.user.id })
  return Response.json({ type: 4 })
})
`;
  const nacl = "  if (!nacl.sign.detached.verify(new TextEncoder().encode(timestamp + body), hex(signature), hex(Deno.env.get('DISCORD_PUBLIC_KEY')!))) return new Response('bad', { status: 401 })";
  assert.deepEqual(findings({ 'supabase/functions/discord-bot/index.ts': discord(nacl) }), [
    'require-replay-protection: Webhook handler `discord-bot` verifies with `nacl.sign.detached.verify` but neither checks a timestamp nor de-duplicates events. @supabase/functions/discord-bot/index.ts:8',
  ]);
  const webCrypto = "  const key = await crypto.subtle.importKey('raw', hex(Deno.env.get('DISCORD_PUBLIC_KEY')!), { name: 'Ed25519' }, false, ['verify'])\n  if (!(await crypto.subtle.verify('Ed25519', key, hex(signature), new TextEncoder().encode(timestamp + body)))) return new Response('bad', { status: 401 })";
  assert.equal(findings({ 'supabase/functions/discord-bot/index.ts': discord(webCrypto) })[0]?.split(':')[0], 'require-replay-protection');
  assert.equal(findings({ 'supabase/functions/discord-bot/index.ts': discord('') })[0]?.split(':')[0], 'require-webhook-verification');
});

test("Supabase's secret keys are hardcoded secrets: sb_secret_ keys and the service-role JWT, not the anon JWT or the CLI's public demo key", () => {
  const jwt = (claims: object) =>
    `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.Xk2mP9qRv7TnW4sLz8YcB3dF6hJ1aE5gU0oI`;
  const root = tempDir('fnscan-supabase-');
  writeFiles(root, {
    'supabase/config.toml': '',
    'supabase/functions/_shared/clients.ts': `import { createClient } from 'jsr:@supabase/supabase-js@2'
export const admin = createClient('https://abc.supabase.co', '${jwt({ iss: 'supabase', ref: 'abcdefghijklmnopqrst', role: 'service_role', iat: 1700000000, exp: 2000000000 })}')
export const anon = createClient('https://abc.supabase.co', '${jwt({ iss: 'supabase', ref: 'abcdefghijklmnopqrst', role: 'anon', iat: 1700000000, exp: 2000000000 })}')
export const local = createClient('http://127.0.0.1:54321', '${jwt({ iss: 'supabase-demo', role: 'service_role', exp: 1983812996 })}')
export const secretKey = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz'
export const publishableKey = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH'
`,
  });
  const found = scanRules(root, ['no-hardcoded-secret']).findings.map((f) => `${f.location.startPos.line}: ${f.message}`);
  assert.equal(found.length, 2, found.join('\n'));
  assert.match(found[0], /^2: .*Supabase service-role key/);
  assert.match(found[1], /^5: .*Supabase secret key/);
  // Masked: the key itself is never printed.
  assert.ok(found.every((f) => !f.includes('N7UND0UgjKTVK') && !f.includes('.Xk2mP9q')));
});

test('a token only tested for presence after reshaping (`?.replace("Bearer ", "")`), then decoded, checks nobody', () => {
  const fn = (use: string) => `${ADMIN}import { jwtDecode } from 'npm:jwt-decode@4'
import * as jose from 'npm:jose@5'
Deno.serve(async (req) => {
  const token = req.headers.get('Authorization')?.replace('Bearer ', '')
  if (!token) return new Response('Unauthorized', { status: 401 })
${use}
  await admin.from('profiles').update({ bio: 'x' }).eq('id', sub)
  return new Response('ok')
})
`;
  assert.equal(findings({ 'supabase/functions/bio/index.ts': fn('  const sub = jwtDecode(token).sub') }).length, 1);
  assert.deepEqual(findings({ 'supabase/functions/bio/index.ts': fn("  const { payload } = await jose.jwtVerify(token, new TextEncoder().encode(Deno.env.get('JWT_SECRET')))\n  const sub = payload.sub") }), []);
});

test("a function named after Stripe or Resend and an action calls their API; named after an event, it receives their webhooks", () => {
  const fn = `${ADMIN}Deno.serve(async (req) => {\n  const { id } = await req.json()\n  await admin.from('orders').update({ paid: true }).eq('id', id)\n  return new Response('ok')\n})\n`;
  const rule = (name: string) => findings({ [`supabase/functions/${name}/index.ts`]: fn })[0]?.split(':')[0];
  assert.equal(rule('stripe-checkout'), 'no-unauthenticated-handler');
  assert.equal(rule('resend-send'), 'no-unauthenticated-handler');
  assert.equal(rule('stripe-payment-succeeded'), 'require-webhook-verification');
  assert.equal(rule('stripe'), 'require-webhook-verification');
  assert.equal(rule('slack-bot-mention'), 'require-webhook-verification');
});

test("Paddle's signed time checked, the HMAC in a Web Crypto helper: a table's `.update({ status })` is not what was signed", () => {
  const paddle = (signed: string) => `${ADMIN}import { timingSafeEqual } from 'node:crypto'
import { Buffer } from 'node:buffer'
const enc = new TextEncoder()
async function hmacHex(secret: string, data: string) {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const sig = await crypto.subtle.sign('HMAC', key, enc.encode(data))
  return Array.from(new Uint8Array(sig)).map((b) => b.toString(16).padStart(2, '0')).join('')
}
Deno.serve(async (req) => {
  const header = req.headers.get('paddle-signature') ?? ''
  const parts = Object.fromEntries(header.split(';').map((kv) => kv.split('=')))
  const ts = Number(parts.ts)
  if (!ts || Math.abs(Date.now() / 1000 - ts) > 5) return new Response('expired', { status: 401 })
  const body = await req.text()
  const expected = await hmacHex(Deno.env.get('PADDLE_WEBHOOK_SECRET')!, ${signed})
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(parts.h1 ?? ''))) return new Response('bad signature', { status: 401 })
  const evt = JSON.parse(body)
  await admin.from('subscriptions').update({ status: 'canceled' }).eq('paddle_id', evt.data.id)
  return new Response('ok')
})
`;
  assert.deepEqual(findings({ 'supabase/functions/paddle-webhook/index.ts': paddle('`${parts.ts}:${body}`') }), []);
});
