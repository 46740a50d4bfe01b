import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { middlewareGuards, middlewareOf } from '../src/core/platforms';
import { scanRules, tempDir, writeFiles } from './support/project';

/** Which of these routes a middleware (its text) refuses unauthenticated requests to. */
function guarded(text: string, readImport?: (specifier: string) => string | undefined): string[] {
  const mw = middlewareOf(text, readImport);
  const routes = ['/api/account', '/api/account/[id]', '/api/settings', '/api/health', '/api/webhooks/stripe', '/dashboard/stats'];
  return mw ? routes.filter((route) => middlewareGuards(mw, route)) : [];
}

const STATIC = "'/((?!_next/static|_next/image|favicon.ico|.*\\\\.(?:svg|png)$).*)'";

test('Clerk: no callback protects nothing; protect() everywhere, all but a public list, or only a protected list', () => {
  assert.deepEqual(guarded("import { clerkMiddleware } from '@clerk/nextjs/server'\nexport default clerkMiddleware()\nexport const config = { matcher: ['/(api|trpc)(.*)'] }"), []);
  assert.deepEqual(
    guarded("export default clerkMiddleware(async (auth) => { await auth.protect() })\nexport const config = { matcher: ['/(api|trpc)(.*)'] }"),
    ['/api/account', '/api/account/[id]', '/api/settings', '/api/health', '/api/webhooks/stripe'],
  );
  assert.deepEqual(
    guarded("const isPublicRoute = createRouteMatcher(['/api/health', '/api/webhooks(.*)'])\nexport default clerkMiddleware((auth, req) => {\n  if (!isPublicRoute(req)) auth().protect()\n})\nexport const config = { matcher: [" + STATIC + "] }"),
    ['/api/account', '/api/account/[id]', '/api/settings', '/dashboard/stats'],
  );
  assert.deepEqual(
    guarded("const isProtectedRoute = createRouteMatcher(['/api/account(.*)'])\nexport default clerkMiddleware(async (auth, req) => {\n  if (isProtectedRoute(req)) await auth.protect()\n})"),
    ['/api/account', '/api/account/[id]'],
  );
});

test('next-auth guards what its matcher covers; a middleware that refuses nobody guards nothing', () => {
  assert.deepEqual(guarded("export { default } from 'next-auth/middleware'\nexport const config = { matcher: ['/dashboard/:path*'] }"), ['/dashboard/stats']);
  assert.deepEqual(guarded("export { default } from 'next-auth/middleware'\nexport const config = { matcher: '/api/account/:path*' }"), ['/api/account', '/api/account/[id]']);
  assert.deepEqual(guarded("import { withAuth } from 'next-auth/middleware'\nexport default withAuth({})").length, 6);
  // Supabase's template: only when the session refresh (here or in the helper it imports) redirects.
  const refresh = "import { updateSession } from '@/utils/supabase/middleware'\nexport async function middleware(request) { return await updateSession(request) }";
  assert.deepEqual(guarded(refresh, () => 'export async function updateSession(request) { const { data } = await supabase.auth.getUser(); return response }'), []);
  assert.deepEqual(guarded(refresh, () => "export async function updateSession(request) { const { data: { user } } = await supabase.auth.getUser(); if (!user) return NextResponse.redirect(new URL('/login', request.url)); return response }").length, 6);
  assert.deepEqual(guarded("import createMiddleware from 'next-intl/middleware'\nexport default createMiddleware({ locales: ['en', 'de'] })"), []);
});

test('a Next.js route outside the auth middleware matcher is judged on its own code', () => {
  const root = tempDir('fnscan-next-mw-');
  const route = "import { db } from '@/lib/db'\nexport async function POST(req) {\n  await db.user.update({ where: { id: 1 }, data: { name: 'x' } })\n  return Response.json({ ok: true })\n}\n";
  writeFiles(root, {
    'package.json': JSON.stringify({ dependencies: { next: '15.0.0', 'next-auth': '4.24.0' } }),
    'src/middleware.ts': "export { default } from 'next-auth/middleware'\nexport const config = { matcher: ['/api/account/:path*'] }\n",
    'src/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
    'src/app/api/account/profile/route.ts': route,
    'src/app/api/settings/route.ts': route,
  });
  const { findings } = scanRules(root, ['no-unauthenticated-handler']);
  assert.deepEqual(findings.map((f) => path.relative(root, f.location.file)), ['src/app/api/settings/route.ts']);
});

test('a matcher that could backtrack for long is not run (it counts as matching), and one that does not compile matches', () => {
  const started = process.hrtime.bigint();
  const hostile = middlewareOf("export { default } from 'next-auth/middleware'\nexport const config = { matcher: ['/((a+)+)b'] }");
  assert.ok(hostile && middlewareGuards(hostile, `/api/${'a'.repeat(5000)}`));
  const broken = middlewareOf("export { default } from 'next-auth/middleware'\nexport const config = { matcher: ['/api/(unclosed'] }");
  assert.ok(broken && middlewareGuards(broken, '/api/settings'));
  assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000, 'no catastrophic backtracking');
});
