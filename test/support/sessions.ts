import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { writeFiles, type Files } from './project';

/**
 * A small Redwood app and random editing sessions on it, for the tests that check that a
 * long-lived or cached scan gives what a fresh one gives after every edit
 * (test/cache-sessions.test.ts, test/editor-sessions.test.ts). Endpoints switch between shapes
 * (authenticated, open, verified through a helper, calling a service, holding a key, disabling
 * TLS, importing through a path alias, suppressed), helpers swap for variants that change their
 * callers' verdicts, modules an import resolves to come and go, and so do a config file, a
 * test file and a symlinked module (pointing at one helper, another, or nothing); files are touched, rewritten keeping their size and mtime, edited all at once, and
 * the clock moves by less or more than the 2 seconds a file must age before its stat vouches for it.
 */
export const ENDPOINTS = 18;
export const KEY = 'k7Qz9XfR2pLw8VtB4nYc6HsJ1mDa3GeU';

/** Each endpoint is one of these; an edit switches it to another. */
export const SHAPES: Record<string, (name: string) => string> = {
  auth: (name) => `import { requireAuth } from 'src/lib/auth'
import { db } from 'src/lib/db'

export const handler = async (event) => {
  requireAuth({ roles: 'admin' })
  await db.order.create({ data: { note: '${name}' } })
  return { statusCode: 201 }
}
`,
  open: (name) => `import { db } from 'src/lib/db'

export const handler = async (event) => {
  await db.order.deleteMany({ where: { note: '${name}' } })
  return { statusCode: 204 }
}
`,
  hook: (name) => `import { verify } from 'src/lib/webhooks'
import { db } from 'src/lib/db'

export const handler = async (event) => {
  verify(event)
  await db.order.upsert({ where: { id: JSON.parse(event.body).id }, create: { note: '${name}' }, update: {} })
  return { statusCode: 200 }
}
`,
  extra: (name) => `import { audit } from 'src/lib/extra'
import { db } from 'src/lib/db'

export const handler = async (event) => {
  audit()
  await db.order.update({ where: { id: 1 }, data: { note: '${name}' } })
  return { statusCode: 200 }
}
`,
  service: (name) => `import { createOrder } from 'src/services/orders/orders'

export const handler = async (event) => {
  await createOrder({ note: '${name}' })
  return { statusCode: 201 }
}
`,
  key: (name) => `const apiKey = '${KEY}'

export const handler = async () => ({ statusCode: 200, body: '${name}:' + apiKey.length })
`,
  alias: (name) => `import { requireAuth } from '@helpers/auth'
import { db } from 'src/lib/db'

export const handler = async (event) => {
  requireAuth()
  await db.order.create({ data: { note: '${name}' } })
  return { statusCode: 201 }
}
`,
  linked: (name) => `import { requireAuth } from 'src/lib/linked'
import { db } from 'src/lib/db'

export const handler = async (event) => {
  requireAuth()
  await db.order.update({ where: { id: 2 }, data: { note: '${name}' } })
  return { statusCode: 200 }
}
`,
  quiet: (name) => `import { db } from 'src/lib/db'

// fnscan-disable-next-line no-unauthenticated-handler -- called by the gateway's own cron only
export const handler = async (event) => {
  await db.order.deleteMany({ where: { note: '${name}' } })
  return { statusCode: 204 }
}
`,
  tls: (name) => `import https from 'node:https'

const agent = new https.Agent({ rejectUnauthorized: false })

export const handler = async () => ({ statusCode: 200, body: '${name}' + String(agent.maxSockets) })
`,
};
export const SHAPE_NAMES = Object.keys(SHAPES);

/** Helpers and other modules, each with variants that change what their callers are judged to do. */
export const MODULES: Record<string, string[]> = {
  'api/src/lib/auth.ts': [
    `import { AuthenticationError } from '@redwoodjs/graphql-server'

export const requireAuth = ({ roles }: { roles?: string } = {}) => {
  if (!context.currentUser) throw new AuthenticationError("You don't have permission to do that.")
}
`,
    `export const requireAuth = ({ roles }: { roles?: string } = {}) => {
  return true
}
`,
    `export const isAuthenticated = (): boolean => true
`,
  ],
  'api/src/lib/webhooks.ts': [
    `import { verifyEvent } from '@redwoodjs/api/webhooks'

export const verify = (event) => verifyEvent('timestampSchemeVerifier', { event, secret: process.env.ORDERS_WEBHOOK_SECRET })
`,
    `import { verifyEvent } from '@redwoodjs/api/webhooks'

export const verify = (event) => verifyEvent('sha256Verifier', { event, secret: process.env.ORDERS_WEBHOOK_SECRET })
`,
    `import { verifyEvent } from '@redwoodjs/api/webhooks'

export const verify = (event) => {
  try {
    verifyEvent('timestampSchemeVerifier', { event, secret: process.env.ORDERS_WEBHOOK_SECRET })
  } catch {}
}
`,
  ],
  'api/src/services/orders/orders.ts': [
    `import { db } from 'src/lib/db'

export const createOrder = (data) => db.order.create({ data })
`,
    `export const createOrder = (data) => ({ ...data, saved: false })
`,
  ],
  'api/src/functions/importer/parse.ts': [
    `export const parse = (body: string) => JSON.parse(body)
`,
    `import { db } from 'src/lib/db'

export const parse = (body: string) => db.order.create({ data: JSON.parse(body) })
`,
  ],
  '.env.defaults': [`ORDERS_WEBHOOK_SECRET=\n`, `ORDERS_WEBHOOK_SECRET=${KEY}\n`],
  // An alias the 'alias' shape imports through, there or not.
  'api/tsconfig.json': [tsconfig({ 'src/*': ['./src/*'], '@helpers/*': ['./src/lib/*'] }), tsconfig({ 'src/*': ['./src/*'] })],
};

function tsconfig(paths: Record<string, string[]>): string {
  return `${JSON.stringify({ compilerOptions: { baseUrl: './', paths } }, null, 2)}\n`;
}

/** A module that is a symlink when it is there (`relink`). */
const LINK = 'api/src/lib/linked.ts';

/** Files that come and go: modules an import resolves to, then not; a config; a test file. */
export const OPTIONAL: Record<string, string> = {
  'api/src/lib/extra.ts': `import { requireAuth } from 'src/lib/auth'

export const audit = () => requireAuth()
`,
  'api/src/functions/late.ts': SHAPES.open('late'),
  'fnscan.config.json': `${JSON.stringify({ rules: { 'no-disabled-tls': 'off' } })}\n`,
  'api/src/functions/e00.test.ts': SHAPES.key('test'),
};

export const endpoint = (i: number): string => `api/src/functions/e${String(i).padStart(2, '0')}.ts`;

/** Every variant of a file padded to one length, so an edit can keep the file's size. */
function padded(texts: string[]): string[] {
  const width = Math.max(...texts.map((t) => t.length)) + 4;
  return texts.map((t) => `${t}//${' '.repeat(width - t.length - 3)}\n`);
}

export const VARIANTS: Record<string, string[]> = {
  ...Object.fromEntries(Object.entries(MODULES).map(([file, texts]) => [file, padded(texts)])),
  ...Object.fromEntries(Array.from({ length: ENDPOINTS }, (_, i) => [endpoint(i), padded(SHAPE_NAMES.map((s) => SHAPES[s](`e${i}`)))])),
};
export const EDITABLE = Object.keys(VARIANTS).sort();

export type Step =
  | { kind: 'edit'; file: string; variant: number; keepStat: boolean }
  /** An edit that keeps the file's size and mtime, made long enough ago that only its ctime and bytes tell. */
  | { kind: 'sneak'; file: string; variant: number }
  | { kind: 'all'; shift: number }
  /** A syntax error, or a size past the 1 MiB limit: the file is skipped until an edit mends it. */
  | { kind: 'spoil'; file: string; how: 'syntax' | 'size' }
  | { kind: 'toggle'; file: string }
  /** `api/src/lib/linked.ts` becomes a symlink to another module (or to nothing, dangling), or goes. */
  | { kind: 'relink'; target: string | null }
  | { kind: 'touch'; file: string }
  | { kind: 'wait'; ms: number }
  | { kind: 'scan' };

export const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), file: fc.constantFrom(...EDITABLE), variant: fc.nat(10), keepStat: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sneak' as const), file: fc.constantFrom(...EDITABLE), variant: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('spoil' as const), file: fc.constantFrom(...EDITABLE), how: fc.constantFrom('syntax' as const, 'size' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('all' as const), shift: fc.integer({ min: 1, max: SHAPE_NAMES.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('toggle' as const), file: fc.constantFrom(...Object.keys(OPTIONAL)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('relink' as const), target: fc.constantFrom('auth.ts', 'webhooks.ts', 'extra.ts', null) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('touch' as const), file: fc.constantFrom(...EDITABLE) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(500, 2500, 60_000) }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'scan' as const }) },
);

export function initialFiles(shapes: number[]): Files {
  const files: Files = {
    'redwood.toml': '[api]\n  port = 8911\n',
    'api/src/lib/db.ts': `import { PrismaClient } from '@prisma/client'\n\nexport const db = new PrismaClient()\n`,
    'api/src/functions/importer/importer.ts': `import { parse } from './parse'\n\nexport const handler = async (event) => {\n  await parse(event.body)\n  return { statusCode: 202 }\n}\n`,
    'web/src/pages/HomePage/HomePage.tsx': `const HomePage = () => <h1>Orders</h1>\n\nexport default HomePage\n`,
  };
  for (const [file, variants] of Object.entries(VARIANTS)) {
    const index = file.startsWith('api/src/functions/e') ? shapes[Number(file.slice(-5, -3))] : 0;
    files[file] = variants[index % variants.length];
  }
  return files;
}

export interface Session {
  root: string;
  /** Where the clock is, ahead of the real one. */
  offset: number;
}

/**
 * Writes files with the session's clock (`Date.now()`, which the tests move ahead) as their
 * mtime, in whole milliseconds, so that a later rewrite can put the mtime back exactly.
 */
export function writeAt(root: string, files: Files): void {
  writeFiles(root, files);
  const now = new Date(Date.now());
  for (const rel of Object.keys(files)) fs.utimesSync(path.join(root, rel), now, now);
}

/** Writes `text` over `file`; with `keepStat`, sets its mtime back to what it was (its size is kept by the padding). */
function rewrite(session: Session, rel: string, text: string, keepStat: boolean): void {
  const file = path.join(session.root, rel);
  const before = fs.statSync(file);
  writeAt(session.root, { [rel]: text });
  if (keepStat) fs.utimesSync(file, before.atime, before.mtime);
}

export function apply(session: Session, s: Exclude<Step, { kind: 'scan' }>): void {
  const { root } = session;
  switch (s.kind) {
    case 'edit': {
      const variants = VARIANTS[s.file];
      rewrite(session, s.file, variants[s.variant % variants.length], s.keepStat);
      break;
    }
    case 'sneak': {
      const variants = VARIANTS[s.file];
      rewrite(session, s.file, variants[s.variant % variants.length], true);
      session.offset += 60_000;
      break;
    }
    case 'spoil': {
      const text = fs.readFileSync(path.join(root, s.file), 'utf8');
      rewrite(session, s.file, s.how === 'syntax' ? `${text}\nexport const = ;\n` : `${text}//${' '.repeat(1024 * 1024)}\n`, false);
      break;
    }
    case 'all':
      for (let i = 0; i < ENDPOINTS; i++) {
        const variants = VARIANTS[endpoint(i)];
        const current = variants.indexOf(fs.readFileSync(path.join(root, endpoint(i)), 'utf8'));
        rewrite(session, endpoint(i), variants[(current + s.shift) % variants.length], false);
      }
      break;
    case 'toggle': {
      const file = path.join(root, s.file);
      if (fs.existsSync(file)) fs.rmSync(file);
      else writeAt(root, { [s.file]: OPTIONAL[s.file] });
      break;
    }
    case 'relink': {
      const link = path.join(root, LINK);
      fs.rmSync(link, { force: true });
      if (s.target !== null) fs.symlinkSync(s.target, link);
      break;
    }
    case 'touch': {
      const now = new Date(Date.now());
      fs.utimesSync(path.join(root, s.file), now, now);
      break;
    }
    case 'wait':
      session.offset += s.ms;
      break;
  }
}

