import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { sqlWork } from '../src/analysis/queries';
import { scanRules, tempProject } from './support/project';

/**
 * Database clients other than Prisma: each case is a Redwood function doing one thing with no
 * auth, and the work no-unauthenticated-handler names (undefined: no finding).
 */
const CASES: Array<[string, string, string, string | undefined]> = [
  // Drizzle
  ['drizzle insert', "import { db } from 'src/lib/drizzle'\nimport { users } from 'src/lib/schema'", 'await db.insert(users).values({ email: event.body })', 'writes to the `users` table'],
  ['drizzle insert in a transaction', "import { users } from 'src/lib/schema'", 'await db.transaction(async (tx) => { await tx.insert(users).values({}) })', 'writes to the `users` table'],
  ['drizzle delete', "import { db } from 'src/lib/drizzle'\nimport { users } from 'src/lib/schema'", 'await db.delete(users)', 'writes to the `users` table'],
  ['drizzle private read', "import { db } from 'src/lib/drizzle'\nimport { accounts } from 'src/lib/schema'", 'return db.select().from(accounts)', 'reads the `accounts` table'],
  ['drizzle public read', "import { db } from 'src/lib/drizzle'\nimport { posts } from 'src/lib/schema'", 'return db.select().from(posts)', undefined],
  // Supabase and Knex builders
  ['supabase update', "import { supabase } from 'src/lib/supabase'", "await supabase.from('profiles').update({ bio: event.body }).eq('id', 1)", 'writes to the `profiles` table'],
  ['supabase delete', "import { supabase } from 'src/lib/supabase'", "await supabase.from('notes').delete().eq('id', 1)", 'writes to the `notes` table'],
  ['supabase private read', "import { supabase } from 'src/lib/supabase'", "return supabase.from('customers').select('*')", 'reads the `customers` table'],
  ['supabase public read', "import { supabase } from 'src/lib/supabase'", "return supabase.from('posts').select('*')", undefined],
  ['knex delete past a filter', "import knex from 'src/lib/knex'", "await knex('orders').where({ id: 1 }).del()", 'writes to the `orders` table'],
  ['knex insert into', "import knex from 'src/lib/knex'", "await knex.insert({ a: 1 }).into('audit')", 'writes to the `audit` table'],
  // Kysely and MongoDB
  ['kysely insert', "import { db } from 'src/lib/kysely'", "await db.insertInto('person').values({}).execute()", 'writes to the `person` table'],
  ['kysely delete', "import { db } from 'src/lib/kysely'", "await db.deleteFrom('session').where('id', '=', 1).execute()", 'writes to the `session` table'],
  ['mongo insertOne', "import { mongo } from 'src/lib/mongo'", "await mongo.db().collection('leads').insertOne(JSON.parse(event.body))", 'writes to the `leads` collection'],
  ['mongoose', "import { User } from 'src/lib/models'", 'await User.findByIdAndDelete(event.body)', 'writes to the database with `findByIdAndDelete`'],
  // SQL text
  ['pg query', "import { pool } from 'src/lib/pg'", "await pool.query('UPDATE accounts SET plan = $1', [event.body])", 'writes to `accounts` with `UPDATE`'],
  ['template query with a CTE', "import { pool } from 'src/lib/pg'", 'await pool.query(`WITH x AS (SELECT 1) DELETE FROM carts WHERE id = ${event.body}`)', 'writes to `carts` with `DELETE`'],
  ['tagged sql write', "import { sql } from '@vercel/postgres'", 'await sql`INSERT INTO signups (email) VALUES (${event.body})`', 'writes to `signups` with `INSERT`'],
  ['tagged sql private read', "import { sql } from '@vercel/postgres'", 'return sql`SELECT * FROM users WHERE id = ${event.body}`', 'reads `users` with SQL'],
  ['tagged sql public read', "import { sql } from '@vercel/postgres'", 'return sql`SELECT id FROM posts`', undefined],
  ['prisma tagged executeRaw', "import { db } from 'src/lib/db'", 'await db.$executeRaw`VACUUM`', 'writes to the database with `$executeRaw`'],
  ['sqlite prepare', "import Database from 'better-sqlite3'\nconst sqlite = new Database('app.db')", "sqlite.prepare('DELETE FROM tokens').run()", 'writes to `tokens` with `DELETE`'],
  // Third round: clients by what made them, transactions, reads, SQL in constants, DynamoDB, service-role clients.
  ['drizzle client of any name', "import { drizzle } from 'drizzle-orm/node-postgres'\nimport { users } from 'src/lib/schema'\nconst client = drizzle(process.env.DATABASE_URL)", 'await client.insert(users).values({ email: event.body })', 'writes to the `users` table'],
  ['drizzle update in a transaction', "import { db } from 'src/lib/drizzle'\nimport { accounts } from 'src/lib/schema'", 'await db.transaction(async (tx) => { await tx.update(accounts).set({ plan: event.body }) })', 'writes to the `accounts` table'],
  ['prisma interactive transaction', "import { db } from 'src/lib/db'", 'await db.$transaction(async (tx) => { await tx.user.deleteMany({}) })', 'writes to `tx.user`'],
  ['drizzle relational read', "import { db } from 'src/lib/drizzle'", 'return db.query.users.findMany()', 'reads the `users` table'],
  ['mongo private read', "import { mongo } from 'src/lib/mongo'", "return mongo.db().collection('orders').find({}).toArray()", 'reads the `orders` table'],
  ['mongo deleteMany on a collection', "import { mongo } from 'src/lib/mongo'", "await mongo.db().collection('sessions').deleteMany({})", 'writes to the `sessions` collection'],
  ['SQL held in a constant', "import { pool } from 'src/lib/pg'\nconst PURGE = 'DELETE FROM sessions WHERE expires_at < now()'", 'await pool.query(PURGE)', 'writes to `sessions` with `DELETE`'],
  ['dynamodb command', "import { DynamoDBClient, DeleteItemCommand } from '@aws-sdk/client-dynamodb'\nconst ddb = new DynamoDBClient({})", "await ddb.send(new DeleteItemCommand({ TableName: 'orders', Key: { id: { S: event.body } } }))", 'writes to the `orders` table'],
  ['dynamodb document client', "import { doc } from 'src/lib/dynamo'", 'await doc.put({ TableName: process.env.TABLE, Item: JSON.parse(event.body) }).promise()', 'writes to DynamoDB with `put`'],
  ['dynamodb public read', "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'\nconst ddb = new DynamoDBClient({})", "return ddb.send(new GetItemCommand({ TableName: 'posts', Key: { id: { S: '1' } } }))", undefined],
  ['supabase service-role admin API', "import { createClient } from '@supabase/supabase-js'\nconst admin = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY)", 'await admin.auth.admin.deleteUser(event.body)', 'changes Supabase Auth users with `auth.admin.deleteUser`'],
  // Same names, no database
  ['map and params', '', "const m = new Map(); m.delete(event.body); const p = new URLSearchParams(); p.set('a', '1'); p.delete('a'); return [...m.keys()]", undefined],
  ['headers and sets', '', "const h = new Headers(); h.delete('x'); const s = new Set(['a']); s.delete('a'); return h", undefined],
  ['a list insert', "import { list } from 'src/lib/list'", 'list.insert(event.body)', undefined],
  ['a cache keyed like a table', "import { cache } from 'src/lib/cache'", "cache.get('users').delete(event.body)", undefined],
  ['a regular expression exec', '', "return /insert/i.exec('INSERT INTO users')", undefined],
  ['a Map called db', '', 'const db = new Map()\n  db.delete(event.body)\n  db.set(event.body, 1)', undefined],
  ['a query of non-SQL text', "import { search } from 'src/lib/search'", "return search.query('update my profile')", undefined],
];

test('database work through Drizzle, Supabase, Knex, Kysely, MongoDB and SQL text is named; look-alikes are not work', () => {
  const files: Record<string, string> = { 'redwood.toml': '[web]\n' };
  CASES.forEach(([, imports, body], i) => {
    files[`api/src/functions/q${i}.ts`] = `${imports}\nexport const handler = async (event) => {\n  ${body}\n  return { statusCode: 200 }\n}\n`;
  });
  const root = tempProject(files, 'fnscan-queries-');
  const messages = new Map<string, string[]>();
  for (const f of scanRules(root, ['no-unauthenticated-handler']).findings) {
    const name = path.basename(f.location.file, '.ts');
    messages.set(name, [...(messages.get(name) ?? []), f.message]);
  }
  CASES.forEach(([shape, , , work], i) => {
    const got = messages.get(`q${i}`) ?? [];
    if (work === undefined) assert.deepEqual(got, [], shape);
    else assert.ok(got.length === 1 && got[0].includes(` ${work} without`), `${shape}: ${JSON.stringify(got)}`);
  });
});

test('SQL text: writes, reads of private tables, and nothing else', () => {
  assert.equal(sqlWork('  insert into a values (1)')?.work, 'writes to `a` with `INSERT`');
  assert.equal(sqlWork('SELECT a.id FROM "orders" a')?.work, 'reads `orders` with SQL');
  assert.equal(sqlWork('select count(*) from posts'), undefined);
  assert.equal(sqlWork('UPDATE public.accounts AS a SET plan = 1')?.work, 'writes to `accounts` with `UPDATE`');
  assert.equal(sqlWork('WITH x AS (SELECT 1) DELETE FROM "Session" WHERE id = 1')?.work, 'writes to `Session` with `DELETE`');
  assert.equal(sqlWork('SELECT u.email FROM auth.users u')?.work, 'reads `users` with SQL');
  assert.equal(sqlWork('insert or replace into kv values (1)')?.work, 'writes to `kv` with `INSERT`');
  assert.equal(sqlWork('DROP TABLE sessions')?.work, 'writes to `sessions` with `DROP`');
  for (const prose of ['update my profile please', 'delete this comment', 'insert coin', 'please update my profile', 'drop me a line']) {
    assert.equal(sqlWork(prose), undefined, prose);
  }
  assert.equal(sqlWork('x'.repeat(30_000)), undefined);
});

test('an insert keyed by the delivery id de-duplicates a verified webhook; one that ignores conflicts only when its result is checked', () => {
  const hook = (imports: string, dedupe: string) => `import { verifyEvent } from '@redwoodjs/api/webhooks'
${imports}
export const handler = async (event) => {
  verifyEvent('sha256Verifier', { event, secret: process.env.GITHUB_WEBHOOK_SECRET })
  const deliveryId = event.headers['x-github-delivery']
  ${dedupe}
  await fetch('https://ci.example.com/build', { method: 'POST', headers: { authorization: \`Bearer \${process.env.CI_TOKEN}\` } })
  return { statusCode: 200 }
}
`;
  const drizzle = "import { db } from 'src/lib/drizzle'\nimport { deliveries } from 'src/lib/schema'";
  const cases: Array<[string, string, string, boolean]> = [
    ['drizzle insert', drizzle, 'await db.insert(deliveries).values({ id: deliveryId })', true],
    ['drizzle insert ignoring conflicts', drizzle, 'await db.insert(deliveries).values({ id: deliveryId }).onConflictDoNothing()', false],
    ['drizzle insert ignoring conflicts, checked', drizzle, 'const rows = await db.insert(deliveries).values({ id: deliveryId }).onConflictDoNothing().returning()\n  if (rows.length === 0) return { statusCode: 200 }', true],
    ['sql insert', "import { pool } from 'src/lib/pg'", "await pool.query('INSERT INTO deliveries (id) VALUES ($1)', [deliveryId])", true],
    ['sql insert on conflict', "import { pool } from 'src/lib/pg'", "await pool.query('INSERT INTO deliveries (id) VALUES ($1) ON CONFLICT DO NOTHING', [deliveryId])", false],
    ['tagged sql insert', "import { sql } from '@vercel/postgres'", 'await sql`INSERT INTO deliveries (id) VALUES (${deliveryId})`', true],
    ['supabase insert unchecked', "import { supabase } from 'src/lib/supabase'", "await supabase.from('deliveries').insert({ id: deliveryId })", false],
    ['supabase insert checked', "import { supabase } from 'src/lib/supabase'", "const { error } = await supabase.from('deliveries').insert({ id: deliveryId })\n  if (error) return { statusCode: 200 }", true],
    ['mongo insertOne', "import { mongo } from 'src/lib/mongo'", "await mongo.db().collection('deliveries').insertOne({ _id: deliveryId })", true],
    ['an insert of something else', drizzle, 'await db.insert(deliveries).values({ at: new Date() })', false],
    // Second round: look-ups, ids read in place or through another name, results checked, swallowed failures.
    ['knex look-up', "import knex from 'src/lib/knex'", "const seen = await knex('deliveries').where({ id: deliveryId }).first()\n  if (seen) return { statusCode: 200 }", true],
    ['drizzle relational look-up', drizzle, 'const seen = await db.query.deliveries.findFirst({ where: (d, { eq }) => eq(d.id, deliveryId) })\n  if (seen) return { statusCode: 200 }', true],
    ['supabase look-up', "import { supabase } from 'src/lib/supabase'", "const { data } = await supabase.from('deliveries').select('id').eq('id', deliveryId).maybeSingle()\n  if (data) return { statusCode: 200 }", true],
    ['mongo look-up', "import { mongo } from 'src/lib/mongo'", "if (await mongo.db().collection('deliveries').findOne({ _id: deliveryId })) return { statusCode: 200 }", true],
    ['the header read in place', drizzle, "await db.insert(deliveries).values({ id: event.headers['x-github-delivery'] })", true],
    ['the header under another name', "import { db } from 'src/lib/db'", "const gh = event.headers['x-github-delivery']\n  await db.delivery.create({ data: { id: gh } })", true],
    ['neon insert ignoring conflicts, checked', "import { sql } from '@vercel/postgres'", 'const { rows } = await sql`INSERT INTO deliveries (id) VALUES (${deliveryId}) ON CONFLICT DO NOTHING RETURNING id`\n  if (rows.length === 0) return { statusCode: 200 }', true],
    ['prisma createMany skipping duplicates, unchecked', "import { db } from 'src/lib/db'", 'await db.delivery.createMany({ data: [{ id: deliveryId }], skipDuplicates: true })', false],
    ['mongo insert whose duplicate error is swallowed', "import { mongo } from 'src/lib/mongo'", "try {\n    await mongo.db().collection('deliveries').insertOne({ _id: deliveryId })\n  } catch (e) {\n    console.warn(e)\n  }", false],
  ];
  const files: Record<string, string> = { 'redwood.toml': '[web]\n' };
  cases.forEach(([, imports, dedupe], i) => (files[`api/src/functions/hook${i}.ts`] = hook(imports, dedupe)));
  const root = tempProject(files, 'fnscan-insert-dedupe-');
  const flagged = new Set(scanRules(root, ['require-replay-protection']).findings.map((f) => path.basename(f.location.file, '.ts')));
  cases.forEach(([shape, , , dedupes], i) => assert.equal(!flagged.has(`hook${i}`), dedupes, shape));
});

test("Supabase: a client on the caller's session is guarded by row-level security, a service-role one is not; getSession() checks nobody", () => {
  const files: Record<string, string> = {
    'redwood.toml': '[web]\n',
    'api/src/lib/supabase.ts': `import { createServerClient } from '@supabase/ssr'
import { createClient as createAdmin } from '@supabase/supabase-js'
export async function createClient(cookies) {
  return createServerClient(process.env.SUPABASE_URL, process.env.SUPABASE_ANON_KEY, { cookies })
}
export const admin = createAdmin(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_ROLE_KEY)
`,
    'api/src/functions/userScoped.ts': `import { createClient } from 'src/lib/supabase'
export const handler = async (event) => {
  const supabase = await createClient(event.headers.cookie)
  await supabase.from('notes').insert({ body: event.body })
  return { statusCode: 201 }
}
`,
    'api/src/functions/serviceRole.ts': `import { admin } from 'src/lib/supabase'
export const handler = async (event) => {
  await admin.from('profiles').delete().eq('id', event.body)
  return { statusCode: 204 }
}
`,
    'api/src/functions/sessionOnly.ts': `import { createClient } from 'src/lib/supabase'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const supabase = await createClient(event.headers.cookie)
  const { data: { session } } = await supabase.auth.getSession()
  if (!session) return { statusCode: 401 }
  await db.note.deleteMany({ where: { id: event.body } })
  return { statusCode: 204 }
}
`,
    'api/src/functions/userChecked.ts': `import { createClient } from 'src/lib/supabase'
import { db } from 'src/lib/db'
export const handler = async (event) => {
  const supabase = await createClient(event.headers.cookie)
  const { data: { user } } = await supabase.auth.getUser()
  if (!user) return { statusCode: 401 }
  await db.note.deleteMany({ where: { id: event.body } })
  return { statusCode: 204 }
}
`,
    'api/src/lib/db.ts': "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n",
  };
  const root = tempProject(files, 'fnscan-supabase-');
  const found = scanRules(root, ['no-unauthenticated-handler']).findings.map((f) => `${path.basename(f.location.file, '.ts')}: ${f.message}`);
  assert.deepEqual(found, [
    'serviceRole: Handler `serviceRole` writes to the `profiles` table without authenticating the caller.',
    'sessionOnly: Handler `sessionOnly` writes to `db.note` without authenticating the caller.',
  ]);
});

test('a MongoDB upsert keyed by the delivery id is a harmless repeat when it is all the work', () => {
  const hook = (extra: string) => `import { verifyEvent } from '@redwoodjs/api/webhooks'
import { mongo } from 'src/lib/mongo'
export const handler = async (event) => {
  verifyEvent('sha256Verifier', { event, secret: process.env.GITHUB_WEBHOOK_SECRET })
  const deliveryId = event.headers['x-github-delivery']
  await mongo.db().collection('builds').updateOne({ _id: deliveryId }, { $set: { status: 'queued' } }, { upsert: true })
${extra}
  return { statusCode: 200 }
}
`;
  const root = tempProject({ 'redwood.toml': '[web]\n', 'api/src/functions/only.ts': hook(''), 'api/src/functions/more.ts': hook("  await mongo.db().collection('mail').insertOne({ to: 'ops' })") }, 'fnscan-mongo-upsert-');
  assert.deepEqual(scanRules(root, ['require-replay-protection']).findings.map((f) => path.basename(f.location.file)), ['more.ts']);
});
