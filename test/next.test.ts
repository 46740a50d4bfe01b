import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
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
