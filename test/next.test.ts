import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { isBookkeeping } from '../src/analysis/endpoint';
import { scanRules, tempDir, writeFiles, type Files } from './support/project';

/** A Next.js app router project with these files: `rule:messageId@file:line` of the three handler rules. */
function verdicts(files: Files): string[] {
  const root = tempDir('fnscan-next-');
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'web', private: true, dependencies: { next: '15.5.4', '@prisma/client': '5.20.0' } }),
    'tsconfig.json': JSON.stringify({ compilerOptions: { paths: { '@/*': ['./src/*'] } } }),
    'src/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
    'src/auth.ts': "import NextAuth from 'next-auth'\nexport const { handlers, auth, signIn, signOut } = NextAuth({ providers: [] })\n",
    'src/app/page.tsx': 'export default function Home() { return null }\n',
    ...files,
  });
  return scanRules(root, ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection']).findings.map(
    (f) => `${f.ruleId}:${f.messageId}@${path.relative(root, f.location.file)}:${f.location.startPos.line}`,
  );
}

test("route handlers: Next.js's redirect() refuses, and an auth call renamed on import is still one", () => {
  assert.deepEqual(
    verdicts({
      'src/app/api/profile/route.ts': `import { redirect } from 'next/navigation'
import { auth } from '@/auth'
import { db } from '@/lib/db'
export async function POST(req: Request) {
  const session = await auth()
  if (!session) redirect('/login')
  await db.profile.update({ where: { userId: session.user!.id! }, data: { bio: 'x' } })
  return Response.json({})
}
`,
      'src/app/api/archive/route.ts': `import { auth as clerkAuth } from '@clerk/nextjs/server'
import { db } from '@/lib/db'
export async function POST() {
  const { userId } = await clerkAuth()
  if (!userId) return new Response('Sign in first', { status: 401 })
  await db.account.update({ where: { id: userId }, data: { archived: true } })
  return Response.json({})
}
`,
      // Express's res.redirect() does not stop the handler: the write still runs for anyone.
      'src/pages/api/legacy.ts': `import { getServerSession } from 'next-auth'
import { db } from '@/lib/db'
export default async function handler(req, res) {
  const session = await getServerSession(req, res, {})
  if (!session) res.redirect('/login')
  await db.account.delete({ where: { id: String(req.query.id) } })
  res.status(204).end()
}
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@src/pages/api/legacy.ts:3'],
  );
});

const ACTIONS = `'use server'
import { revalidatePath } from 'next/cache'
import { auth } from '@/auth'
import { db } from '@/lib/db'

export async function deletePost(id: string) {
  await db.post.delete({ where: { id } })
  revalidatePath('/posts')
}

export async function createPost(formData: FormData) {
  const session = await auth()
  if (!session?.user) throw new Error('Unauthorized')
  await db.post.create({ data: { title: String(formData.get('title')) } })
}

export async function listPosts() {
  return db.post.findMany()
}

export const exportUsers = async () => db.user.findMany()

export const subscribe = async (email: string) => {
  await db.subscriber.create({ data: { email } })
  const session = await auth()
  if (!session) throw new Error('Sign in first')
}

export async function stripeWebhook(payload: string) {
  await db.order.create({ data: JSON.parse(payload) })
}

export default async function resetAll() {
  await db.user.deleteMany({})
}

async function notExported() {
  await db.user.deleteMany({})
}
export const PAGE_SIZE = 20
`;

test("server actions: every export of a 'use server' module is a public endpoint, judged on its own", () => {
  assert.deepEqual(verdicts({ 'src/app/actions.ts': ACTIONS }), [
    'no-unauthenticated-handler:serverAction@src/app/actions.ts:6',
    'no-unauthenticated-handler:serverAction@src/app/actions.ts:21',
    'no-unauthenticated-handler:serverActionUnguarded@src/app/actions.ts:23',
    'no-unauthenticated-handler:serverAction@src/app/actions.ts:29',
    'no-unauthenticated-handler:serverAction@src/app/actions.ts:33',
  ]);
  // Anywhere in the project, not only under app/; the message says why a page's own check is not enough.
  const root = tempDir('fnscan-next-msg-');
  writeFiles(root, {
    'package.json': JSON.stringify({ dependencies: { next: '15.5.4' } }),
    'app/page.tsx': 'export default function Home() { return null }\n',
    'lib/actions/users.ts': "'use strict'\n'use server'\nimport { prisma } from '../prisma'\nexport async function ban(id: string) {\n  await prisma.user.update({ where: { id }, data: { banned: true } })\n}\n",
  });
  const [finding, ...rest] = scanRules(root, ['no-unauthenticated-handler']).findings;
  assert.deepEqual(rest, []);
  assert.equal(
    finding.message,
    'Server action `ban` writes to `prisma.user` without authenticating the caller; anyone can call a server action with a POST request, whatever page renders its form.',
  );
});

test('server actions: inline ones are judged apart from the page that renders them; wrappers are followed', () => {
  assert.deepEqual(
    verdicts({
      'src/app/posts/page.tsx': `import { redirect } from 'next/navigation'
import { auth } from '@/auth'
import { db } from '@/lib/db'

export default async function Page() {
  const session = await auth()
  if (!session) redirect('/login')
  async function removeAll() {
    'use server'
    await db.post.deleteMany({ where: { authorId: session!.user!.id } })
  }
  const addComment = async (formData: FormData) => {
    'use server'
    const current = await auth()
    if (!current) throw new Error('Unauthorized')
    await db.comment.create({ data: { body: String(formData.get('body')) } })
  }
  return <form action={removeAll}><button formAction={addComment}>Go</button></form>
}
`,
      'src/lib/safe-action.ts': `import { auth } from '@/auth'
export function authedAction<A extends unknown[]>(fn: (...args: A) => Promise<unknown>) {
  return async (...args: A) => {
    const session = await auth()
    if (!session) throw new Error('Unauthorized')
    return fn(...args)
  }
}
export function loggedAction<A extends unknown[]>(fn: (...args: A) => Promise<unknown>) {
  return async (...args: A) => { console.log('action'); return fn(...args) }
}
`,
      'src/app/admin/actions.ts': `'use server'
import { authedAction, loggedAction } from '@/lib/safe-action'
import { db } from '@/lib/db'
export const purge = authedAction(async () => { await db.session.deleteMany({}) })
export const wipe = loggedAction(async () => { await db.session.deleteMany({}) })
`,
    }),
    ['no-unauthenticated-handler:serverAction@src/app/admin/actions.ts:5', 'no-unauthenticated-handler:serverAction@src/app/posts/page.tsx:8'],
  );
});

test('server actions: an auth middleware does not cover them; only a real directive makes them, in an app or a package of actions', () => {
  const action = "'use server'\nimport { db } from '@/lib/db'\nexport async function drop(id: string) {\n  await db.account.delete({ where: { id } })\n}\n";
  const route = "import { db } from '@/lib/db'\nexport async function DELETE(req: Request) {\n  await db.account.deleteMany({})\n  return new Response(null, { status: 204 })\n}\n";
  assert.deepEqual(
    verdicts({
      'src/middleware.ts': "export { default } from 'next-auth/middleware'\n",
      'src/app/actions.ts': action,
      'src/app/api/accounts/route.ts': route,
    }),
    ['no-unauthenticated-handler:serverAction@src/app/actions.ts:3'],
  );
  // Not a directive (after an import, or only in a string), or a test file: no endpoint.
  assert.deepEqual(
    verdicts({
      'src/app/late.ts': "import { db } from '@/lib/db'\n'use server'\nexport async function drop() {\n  await db.account.deleteMany({})\n}\n",
      'src/app/mention.ts': "import { db } from '@/lib/db'\nexport const hint = 'use server'\nexport async function drop() {\n  await db.account.deleteMany({})\n}\n",
      'src/app/actions.test.ts': action,
    }),
    [],
  );
  // A workspace package of actions that an app imports: its package.json names no framework, and the directive still makes endpoints.
  const pkg = tempDir('fnscan-actions-package-');
  writeFiles(pkg, {
    'package.json': '{ "name": "@acme/actions" }',
    'src/feedback.ts': action.replace('@/lib/db', './db'),
    'src/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
  });
  assert.deepEqual(scanRules(pkg, ['no-unauthenticated-handler']).findings.map((f) => f.messageId), ['serverAction']);
  // A Next.js app with the pages router only: the directive does nothing there.
  const pagesOnly = tempDir('fnscan-pages-only-');
  writeFiles(pagesOnly, {
    'package.json': JSON.stringify({ dependencies: { next: '14.2.21' } }),
    'pages/index.tsx': 'export default function Home() { return null }\n',
    'pages/actions.ts': action.replace('@/lib/db', '../lib/db'),
    'lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
  });
  assert.deepEqual(scanRules(pagesOnly, ['no-unauthenticated-handler']).findings, []);
});

test('server actions built with next-safe-action or zsa: the action and every middleware on its chain, back to the client', () => {
  assert.deepEqual(
    verdicts({
      'src/lib/safe-action.ts': `import { createSafeActionClient } from 'next-safe-action'
import { auth } from '@/auth'
export const actionClient = createSafeActionClient()
export const authActionClient = actionClient.use(async ({ next }) => {
  const session = await auth()
  if (!session?.user) throw new Error('Not authorized')
  return next({ ctx: { userId: session.user.id } })
})
export const loggedActionClient = actionClient.use(async ({ next }) => {
  console.log('action')
  return next()
})
`,
      'src/lib/procedures.ts': `import { createServerActionProcedure } from 'zsa'
import { auth } from '@/auth'
export const authedProcedure = createServerActionProcedure().handler(async () => {
  const session = await auth()
  if (!session) throw new Error('Not authorized')
  return { userId: session.user!.id! }
})
export const adminProcedure = createServerActionProcedure(authedProcedure).handler(async ({ ctx }) => ctx)
`,
      'src/app/todos/actions.ts': `'use server'
import { z } from 'zod'
import { createServerAction } from 'zsa'
import { actionClient, authActionClient, loggedActionClient } from '@/lib/safe-action'
import { adminProcedure, authedProcedure } from '@/lib/procedures'
import { db } from '@/lib/db'
const id = z.object({ id: z.string() })
export const createTodo = authActionClient.schema(id).action(async ({ parsedInput }) => {
  await db.todo.create({ data: { title: parsedInput.id } })
})
export const deleteTodo = actionClient.schema(id).action(async ({ parsedInput }) => {
  await db.todo.delete({ where: { id: parsedInput.id } })
})
export const toggleTodo = loggedActionClient.inputSchema(id).stateAction(async (_prev, { parsedInput }) => {
  await db.todo.update({ where: { id: parsedInput.id }, data: { done: true } })
})
export const voidInvoice = createServerAction().input(id).handler(async ({ input }) => {
  await db.invoice.update({ where: { id: input.id }, data: { status: 'void' } })
})
export const payInvoice = authedProcedure.createServerAction().input(id).handler(async ({ input }) => {
  await db.invoice.update({ where: { id: input.id }, data: { status: 'paid' } })
})
export const purgeInvoices = adminProcedure.createServerAction().handler(async () => {
  await db.invoice.deleteMany({})
})
`,
    }),
    [
      'no-unauthenticated-handler:serverAction@src/app/todos/actions.ts:11',
      'no-unauthenticated-handler:serverAction@src/app/todos/actions.ts:14',
      'no-unauthenticated-handler:serverAction@src/app/todos/actions.ts:17',
    ],
  );
});

test('a write before the check is unguarded unless it is bookkeeping (a rate-limit counter, a request log)', () => {
  const action = (write: string) => `'use server'
import { auth } from '@/auth'
import { db } from '@/lib/db'
export async function act(id: string) {
  await ${write}
  const session = await auth()
  if (!session) throw new Error('Unauthorized')
}
`;
  assert.deepEqual(
    verdicts({
      'src/app/a.ts': action("db.post.update({ where: { id }, data: { published: false } })"),
      'src/app/b.ts': action('db.blog.delete({ where: { id } })'),
      'src/app/c.ts': action("db.rateLimit.upsert({ where: { id }, create: { n: 1 }, update: { n: { increment: 1 } } })"),
      'src/app/d.ts': action('db.requestLog.create({ data: { id } })'),
    }),
    ['no-unauthenticated-handler:serverActionUnguarded@src/app/a.ts:4', 'no-unauthenticated-handler:serverActionUnguarded@src/app/b.ts:4'],
  );
});

test('more auth libraries (iron-session, Lucia), an unawaited Clerk v6 auth.protect(), and work named as written', () => {
  assert.deepEqual(
    verdicts({
      'src/app/iron.ts': `'use server'
import { cookies } from 'next/headers'
import { getIronSession } from 'iron-session'
import { db } from '@/lib/db'
export async function cancelOrder(id: string) {
  const session = await getIronSession(await cookies(), { password: process.env.SESSION_PASSWORD!, cookieName: 's' })
  if (!session.isLoggedIn) return { error: 'Unauthorized' }
  await db.order.update({ where: { id }, data: { status: 'canceled' } })
}
`,
      'src/app/lucia.ts': `'use server'
import { validateRequest } from '@/lib/lucia'
import { db } from '@/lib/db'
export async function deleteMessage(id: string) {
  const { user } = await validateRequest()
  if (!user) throw new Error('Unauthorized')
  await db.message.delete({ where: { id } })
}
`,
      'src/lib/lucia.ts': "import { cache } from 'react'\nimport { lucia } from './auth'\nexport const validateRequest = cache(async () => lucia.validateSession(''))\n",
      'src/app/clerk.ts': `'use server'
import { auth } from '@clerk/nextjs/server'
import { db } from '@/lib/db'
export async function renameProject(id: string, name: string) {
  auth.protect()
  await db.project.update({ where: { id }, data: { name } })
}
export async function archiveProject(id: string) {
  await auth.protect()
  await db.project.update({ where: { id }, data: { archived: true } })
}
`,
    }),
    ['no-unauthenticated-handler:serverAction@src/app/clerk.ts:4'],
  );
  const root = tempDir('fnscan-next-names-');
  writeFiles(root, {
    'package.json': JSON.stringify({ dependencies: { next: '15.5.4' } }),
    'app/page.tsx': 'export default function Home() { return null }\n',
    'app/ops.ts': "'use server'\nimport { execSync } from 'node:child_process'\nexport async function diskUsage() {\n  return execSync('df -h').toString()\n}\n",
    'app/sms.ts': "'use server'\nimport twilio from 'twilio'\nconst client = twilio(process.env.TWILIO_SID, process.env.TWILIO_AUTH_TOKEN)\nexport async function notify(to: string) {\n  await client.messages.create({ to, from: '+15550100', body: 'hi' })\n}\n",
  });
  assert.deepEqual(
    scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => f.message.replace(/ without.*/, '')),
    ['Server action `diskUsage` runs commands with `execSync`', 'Server action `notify` sends messages with `client.messages.create`'],
  );
});

test("server actions re-exported by a 'use server' module are judged where they are written, and named as actions", () => {
  const root = tempDir('fnscan-next-reexport-');
  writeFiles(root, {
    'package.json': JSON.stringify({ dependencies: { next: '15.5.4' } }),
    'app/page.tsx': 'export default function Home() { return null }\n',
    'lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
    'lib/impl.ts': "import { db } from './db'\nexport async function wipeUsers() {\n  await db.user.deleteMany({})\n}\nexport async function countPosts() {\n  return db.post.count()\n}\n",
    'app/admin/actions.ts': "'use server'\nexport { wipeUsers, countPosts } from '../../lib/impl'\n",
  });
  const findings = scanRules(root, ['no-unauthenticated-handler']).findings;
  assert.deepEqual(
    findings.map((f) => [path.relative(root, f.location.file), f.location.startPos.line, f.related.map((r) => `${path.relative(root, r.file)}:${r.startPos.line} ${r.message}`)]),
    [['app/admin/actions.ts', 2, ['lib/impl.ts:3 The action writes to `db.user` here.']]],
  );
});

test('a refusal thrown inside a try whose catch carries on refuses nobody; one the catch passes on, or a return, still does', () => {
  const action = (name: string, body: string) => `'use server'
import { auth } from '@/auth'
import { db } from '@/lib/db'
export async function ${name}(id: string) {
${body}
  await db.comment.update({ where: { id }, data: { flagged: true } })
}
`;
  assert.deepEqual(
    verdicts({
      'src/app/logged.ts': action('logged', "  try {\n    const session = await auth()\n    if (!session) throw new Error('Unauthorized')\n  } catch (err) {\n    console.error(err)\n  }"),
      'src/app/rethrown.ts': action('rethrown', "  try {\n    const session = await auth()\n    if (!session) throw new Error('Unauthorized')\n  } catch (err) {\n    console.error(err)\n    throw err\n  }"),
      'src/app/returned.ts': action('returned', "  try {\n    const session = await auth()\n    if (!session) return { error: 'Unauthorized' }\n  } catch (err) {\n    console.error(err)\n  }"),
    }),
    ['no-unauthenticated-handler:serverActionUnguarded@src/app/logged.ts:4'],
  );
  // The refusal still stops the rest of its own `try`: work in there, after the check, is covered.
  assert.deepEqual(
    verdicts({
      'src/app/inside.ts': `'use server'
import { auth } from '@/auth'
import { db } from '@/lib/db'
export async function inside(id: string) {
  try {
    const session = await auth()
    if (!session) throw new Error('Unauthorized')
    await db.comment.update({ where: { id }, data: { flagged: true } })
  } catch (err) {
    console.error(err)
  }
}
`,
    }),
    [],
  );
});

test('a check that guards a branch covers the work in that branch only', () => {
  const action = (name: string, body: string) => `'use server'
import { auth } from '@/auth'
import { db } from '@/lib/db'
export async function ${name}(id: string) {
  const session = await auth()
${body}
}
`;
  assert.deepEqual(
    verdicts({
      'src/app/inside.ts': action('inside', "  if (session?.user?.id) {\n    await db.post.update({ where: { id }, data: { likes: { increment: 1 } } })\n  }"),
      'src/app/after.ts': action('after', "  if (session) {\n    console.log('signed in')\n  }\n  await db.post.delete({ where: { id } })"),
      'src/app/nulled.ts': action('nulled', '  if (session === null) {\n    await db.post.delete({ where: { id } })\n  }'),
      'src/app/called.ts': `'use server'
import { isAuthenticated } from '@/lib/roles'
import { db } from '@/lib/db'
export async function called(id: string) {
  if (await isAuthenticated()) {
    await db.user.delete({ where: { id } })
  }
}
`,
      'src/lib/roles.ts': "import { auth } from '@/auth'\nexport async function isAuthenticated() {\n  const session = await auth()\n  return Boolean(session?.user)\n}\n",
    }),
    [
      'no-unauthenticated-handler:serverActionUnguarded@src/app/after.ts:4',
      'no-unauthenticated-handler:serverAction@src/app/nulled.ts:4',
    ],
  );
});

test('an auth call that returns a promise, not awaited, checks nobody: a promise is always truthy', () => {
  assert.deepEqual(
    verdicts({
      'src/app/pin.ts': `'use server'
import { auth } from '@/auth'
import { currentUser, auth as clerkAuth } from '@clerk/nextjs/server'
import { db } from '@/lib/db'
export async function pin(id: string) {
  const session = auth()
  if (!session) throw new Error('Unauthorized')
  await db.comment.update({ where: { id }, data: { pinned: true } })
}
export async function star(id: string) {
  if (!currentUser()) throw new Error('Unauthorized')
  await db.comment.update({ where: { id }, data: { starred: true } })
}
export async function hide(id: string) {
  const session = await auth()
  if (!session) throw new Error('Unauthorized')
  await db.comment.update({ where: { id }, data: { hidden: true } })
}
export async function legacy(id: string) {
  const { userId } = clerkAuth()
  if (!userId) throw new Error('Unauthorized')
  await db.comment.update({ where: { id }, data: { hidden: true } })
}
`,
    }),
    ['no-unauthenticated-handler:serverAction@src/app/pin.ts:5', 'no-unauthenticated-handler:serverAction@src/app/pin.ts:10'],
  );
});

test('bookkeeping, judged by the model and the kind of write, through any database client', () => {
  for (const model of ['rateLimit', 'rate_limits', 'requestLog', 'loginAttempt', 'failedLogin', 'pageView', 'page_views', 'auditEvent', 'apiHits', 'usageMetrics', 'analyticsEvent', 'usage_events']) {
    assert.ok(isBookkeeping(model), model);
  }
  for (const model of ['blog', 'creditLimit', 'friendRequest', 'withdrawalRequest', 'visitor', 'counterparty', 'rate', 'catalog', 'reviewer']) {
    assert.ok(!isBookkeeping(model), model);
  }
  const action = (write: string) => `'use server'
import { auth } from '@/auth'
import { db } from '@/lib/db'
import { pool } from '@/lib/pg'
import { sql } from '@vercel/postgres'
export async function act(id: string, email: string) {
  await ${write}
  const session = await auth()
  if (!session) throw new Error('Unauthorized')
}
`;
  assert.deepEqual(
    verdicts({
      'src/app/a.ts': action("pool.query('INSERT INTO rate_limits (ip) VALUES ($1)', [id])"),
      'src/app/b.ts': action('sql`INSERT INTO page_views (path) VALUES (${id})`'),
      'src/app/c.ts': action('db.failedLogin.upsert({ where: { email }, create: { email, n: 1 }, update: { n: { increment: 1 } } })'),
      'src/app/d.ts': action('db.loginAttempt.deleteMany({ where: { email } })'),
      'src/app/e.ts': action("db.friendRequest.create({ data: { to: id } })"),
      'src/app/f.ts': action("pool.query('DELETE FROM request_logs')"),
    }),
    [
      'no-unauthenticated-handler:serverActionUnguarded@src/app/d.ts:6',
      'no-unauthenticated-handler:serverActionUnguarded@src/app/e.ts:6',
      'no-unauthenticated-handler:serverActionUnguarded@src/app/f.ts:6',
    ],
  );
});

test('positive guards written as a ternary, a switch on the role, or through an alias', () => {
  const route = (body: string) => `import { auth } from '@/auth'
import { db } from '@/lib/db'
export async function POST(req: Request) {
  const session = await auth()
${body}
}
`;
  assert.deepEqual(
    verdicts({
      'src/app/api/ternary/route.ts': route("  return session ? Response.json(await db.order.deleteMany({})) : new Response(null, { status: 401 })"),
      'src/app/api/role/route.ts': route("  switch (session?.user?.role) {\n    case 'admin':\n      await db.order.deleteMany({})\n      return new Response(null, { status: 204 })\n    default:\n      return new Response(null, { status: 403 })\n  }"),
      'src/app/api/alias/route.ts': route("  const user = session?.user\n  if (user) {\n    await db.order.deleteMany({})\n  }\n  return new Response(null, { status: 204 })"),
      'src/app/api/wrongway/route.ts': route("  return !session ? Response.json(await db.order.deleteMany({})) : new Response(null, { status: 204 })"),
    }),
    ['no-unauthenticated-handler:unauthenticated@src/app/api/wrongway/route.ts:3'],
  );
});

test("the Data Access Layer pattern: a cache()-wrapped session helper, a helper refusing with redirect(); getClaims; Netlify Identity destructured", () => {
  assert.deepEqual(
    verdicts({
      'src/lib/dal.ts': `import { cache } from 'react'
import { redirect } from 'next/navigation'
import { auth } from '@/auth'
export const verifySession = cache(async () => {
  const session = await auth()
  if (!session?.user) redirect('/login')
  return { userId: session.user.id }
})
export async function requireUserRedirect() {
  const session = await auth()
  if (!session) redirect('/login')
}
`,
      'src/app/drafts/actions.ts': `'use server'
import { requireUserRedirect, verifySession } from '@/lib/dal'
import { db } from '@/lib/db'
export async function publish(id: string) {
  const { userId } = await verifySession()
  await db.draft.update({ where: { id, userId }, data: { published: true } })
}
export async function purge() {
  await requireUserRedirect()
  await db.draft.deleteMany({})
}
`,
      'src/app/api/claims/route.ts': `import { createClient } from '@/utils/supabase/server'
import { db } from '@/lib/db'
export async function POST() {
  const supabase = await createClient()
  const { data } = await supabase.auth.getClaims()
  if (!data?.claims) return new Response(null, { status: 401 })
  await db.note.deleteMany({ where: { ownerId: String(data.claims.sub) } })
  return new Response(null, { status: 204 })
}
`,
    }),
    [],
  );
  const root = tempDir('fnscan-netlify-identity-');
  writeFiles(root, {
    'netlify.toml': '[functions]\n  directory = "netlify/functions"\n',
    'netlify/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
    'netlify/functions/notes.ts': "import { db } from '../lib/db'\nexport const handler = async (event, context) => {\n  const { user } = context.clientContext ?? {}\n  if (!user) return { statusCode: 401 }\n  await db.note.deleteMany({ where: { owner: user.sub } })\n  return { statusCode: 204 }\n}\n",
  });
  assert.deepEqual(scanRules(root, ['no-unauthenticated-handler']).findings, []);
});

test('work in a callback that runs in place (a loop over ids, a transaction) is ordered against the check around it', () => {
  const route = (body: string) => `import { auth } from '@/auth'
import { db } from '@/lib/db'
export async function DELETE(req: Request) {
  const ids: string[] = await req.json()
${body}
  return new Response(null, { status: 204 })
}
`;
  assert.deepEqual(
    verdicts({
      'src/app/api/before/route.ts': route("  await Promise.all(ids.map((id) => db.post.delete({ where: { id } })))\n  const session = await auth()\n  if (!session) return new Response(null, { status: 401 })"),
      'src/app/api/tx/route.ts': route("  await db.$transaction(async (tx) => { await tx.post.deleteMany({ where: { id: { in: ids } } }) })\n  const session = await auth()\n  if (!session) return new Response(null, { status: 401 })"),
      'src/app/api/after/route.ts': route("  const session = await auth()\n  if (!session) return new Response(null, { status: 401 })\n  await Promise.all(ids.map((id) => db.post.delete({ where: { id } })))"),
    }),
    ['no-unauthenticated-handler:unguardedPath@src/app/api/before/route.ts:3', 'no-unauthenticated-handler:unguardedPath@src/app/api/tx/route.ts:3'],
  );
});

test("iron-session's session always exists: only a field of it is a check; work in finally runs when the check throws", () => {
  const route = (body: string) => `import { cookies } from 'next/headers'
import { getIronSession } from 'iron-session'
import { db } from '@/lib/db'
export async function POST() {
  const session = await getIronSession(await cookies(), { password: process.env.SESSION_PASSWORD!, cookieName: 's' })
${body}
  return new Response(null, { status: 204 })
}
`;
  assert.deepEqual(
    verdicts({
      'src/app/api/bare/route.ts': route("  if (!session) return new Response(null, { status: 401 })\n  await db.order.deleteMany({})"),
      'src/app/api/field/route.ts': route("  if (!session.isLoggedIn) return new Response(null, { status: 401 })\n  await db.order.deleteMany({})"),
    }),
    ['no-unauthenticated-handler:unauthenticated@src/app/api/bare/route.ts:4'],
  );
});

test('an app router folder named index is a route segment like any other; a pages router index file names its folder', () => {
  const root = tempDir('fnscan-next-');
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'web', private: true, dependencies: { next: '15.5.4', '@prisma/client': '5.20.0' } }),
    'src/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
    'src/app/api/search/index/route.ts': "import { db } from '../../../../lib/db'\nexport async function POST() {\n  await db.searchIndex.deleteMany({})\n  return Response.json({})\n}\n",
    'src/pages/api/reports/index.ts': "import { db } from '../../../lib/db'\nexport default async function handler(req, res) {\n  await db.report.deleteMany({})\n  res.json({})\n}\n",
  });
  const names = scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => /Handler `([^`]+)`/.exec(f.message)?.[1]);
  assert.deepEqual(names.sort(), ['/api/reports', 'POST /api/search/index']);
});

test("route handlers: Next.js 15's awaited `headers()` is read like any request header; an `x-user-id` there names the caller without proving it", () => {
  assert.deepEqual(
    verdicts({
      'src/app/api/account/route.ts': `import { headers } from 'next/headers'
import { db } from '@/lib/db'
export async function PATCH(req: Request) {
  const userId = (await headers()).get('x-user-id')
  if (!userId) return Response.json({ error: 'Unauthorized' }, { status: 401 })
  const { email } = await req.json()
  await db.account.update({ where: { id: userId }, data: { email } })
  return Response.json({ ok: true })
}
`,
    }),
    ['no-unauthenticated-handler:unauthenticated@src/app/api/account/route.ts:3'],
  );
});
