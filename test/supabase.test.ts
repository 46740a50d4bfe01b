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
