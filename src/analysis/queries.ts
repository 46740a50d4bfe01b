import ts from '../core/typescript';
import type * as TS from 'typescript';
import { calleeName, envReadName, lastName, stringLiteralValue, unwrap } from '../core/ast';
import { PRIVATE_MODEL } from './vocabulary';

/**
 * Database work through clients other than Prisma's (which `onWorkCall` knows by its dotted
 * names): Supabase and Knex query builders, Drizzle, Kysely, the MongoDB driver and Mongoose, and
 * SQL text (`pool.query('DELETE ...')`, `sql\`INSERT ...\``). Each shape is recognised by the
 * builder's own structure, never by a method name alone: `cache.delete(key)`,
 * `params.set('a', b)` and `list.insert(x)` are no database work.
 */
export interface QueryWork {
  work: string;
  write: boolean;
  /**
   * An insert, which a unique key can make fail on a repeat (a de-duplication, when it is keyed by
   * the event id): `quiet` when a repeat is no error (`ON CONFLICT DO NOTHING`, Supabase's
   * `{ error }` result), so only a checked result stops the work.
   */
  insert?: { quiet: boolean };
  /** Built on a `.from('t')` call: Supabase's client, whose user-scoped kind row-level security guards. */
  viaFrom?: boolean;
  /** An upsert (MongoDB `{ upsert: true }`): keyed by the event id, a repeat writes the same state again. */
  upsert?: boolean;
  /** The table or collection written or read, when the code names it. */
  table?: string;
  /** The write adds a row (an insert or upsert), as a request log or a rate-limit counter does. */
  append?: boolean;
}

/** Method names of builders whose receiver says which table (`supabase.from('t').insert()`, `knex('t').del()`). */
const TABLE_BUILDER_METHODS = new Set(['insert', 'update', 'upsert', 'delete', 'del', 'select']);
/** Kysely: the table is the argument. */
const KYSELY_WRITES = new Set(['insertInto', 'replaceInto', 'updateTable', 'deleteFrom']);
/** The MongoDB driver and Mongoose: names no other common API uses. */
const MONGO_WRITES = new Set([
  'insertOne',
  'insertMany',
  'updateOne',
  'replaceOne',
  'deleteOne',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'findByIdAndUpdate',
  'findByIdAndDelete',
  'bulkWrite',
]);
/** Drivers' calls that run SQL text (`pg`, `mysql2`, `better-sqlite3`, postgres.js `unsafe`, libSQL `execute`). */
const SQL_RUNNERS = new Set(['query', 'execute', 'exec', 'run', 'unsafe', 'prepare', 'queryObject', 'queryArray']);
/** What a Drizzle or Knex database is usually called. */
const DATABASE_NAMES = /^(?:db|database|tx|trx|drizzle|knex|orm|conn|connection)$/i;

/** MongoDB names Prisma uses too: counted only on a `db.collection('x')`. */
const MONGO_COLLECTION_WRITES = new Set(['updateMany', 'deleteMany']);
/** Calls that read one row or document: a look-up of the delivery id de-duplicates a webhook. */
const LOOKUP_NAMES = new Set(['findMany', 'first', 'maybeSingle', 'single', 'executeTakeFirst', 'executeTakeFirstOrThrow', 'findFirst', 'findOne', 'findById', 'find', 'exists', 'select', 'from', 'selectFrom']);

/** DynamoDB's DocumentClient (v2) writes: `docClient.put({ TableName, Item })`. */
const DYNAMO_CLIENT_WRITES = new Set(['put', 'update', 'delete', 'batchWrite', 'transactWrite']);

/** Every name `queryWork` or `isLookup` can say yes to: other calls skip them at one lookup. */
export const QUERY_CALL_NAMES: ReadonlySet<string> = new Set([
  ...TABLE_BUILDER_METHODS, ...KYSELY_WRITES, ...MONGO_WRITES, ...MONGO_COLLECTION_WRITES, ...SQL_RUNNERS, ...LOOKUP_NAMES, ...DYNAMO_CLIENT_WRITES,
]);

/** DynamoDB's SDK v3 commands: `new PutItemCommand({ TableName, Item })`, `new DeleteCommand(...)` (lib-dynamodb). */
const DYNAMO_COMMAND = /^(Put|Update|Delete|BatchWrite|TransactWrite|Get|Query|Scan|BatchGet)(?:Item)?Command$/;

/** The work a DynamoDB command does: any write, or a read of a table named like private data. */
export function dynamoCommandWork(node: TS.NewExpression): QueryWork | undefined {
  const name = calleeName(node);
  const match = name ? DYNAMO_COMMAND.exec(name) : null;
  if (!match) return undefined;
  const input = node.arguments?.[0] && unwrap(node.arguments[0]);
  if (!input || !ts.isObjectLiteralExpression(input)) return undefined;
  return dynamoWork(input, name!, !/^(Get|Query|Scan|BatchGet)$/.test(match[1]));
}

function dynamoWork(input: TS.ObjectLiteralExpression, via: string, write: boolean): QueryWork | undefined {
  const tableValue = input.properties.find((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'TableName');
  const hasItems = input.properties.some((p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && ts.isIdentifier(p.name) && /^(RequestItems|TransactItems)$/.test(p.name.text));
  if (!tableValue && !hasItems) return undefined;
  const table = tableValue && ts.isPropertyAssignment(tableValue) ? stringLiteralValue(unwrap(tableValue.initializer)) : undefined;
  if (!write) {
    if (table !== undefined) return PRIVATE_MODEL.test(table) ? { work: `reads the \`${table}\` table`, write: false, table } : undefined;
    // `TableName: process.env.CUSTOMERS_TABLE`, as serverless.yml hands table names over: named by its variable.
    const env = tableValue && ts.isPropertyAssignment(tableValue) ? envReadName(unwrap(tableValue.initializer)) : undefined;
    const named = env?.replace(/_TABLE(?:_NAME)?$/i, '').toLowerCase();
    return named && named !== env?.toLowerCase() && PRIVATE_MODEL.test(named) ? { work: `reads the table in \`${env}\``, write: false } : undefined;
  }
  return { work: table !== undefined ? `writes to the \`${table}\` table` : `writes to DynamoDB with \`${via}\``, write: true, ...(table !== undefined ? { table } : {}), append: /^Put/.test(via) };
}

/**
 * A query builder's read (`knex('deliveries').where({ id }).first()`, `supabase.from('t').select()`,
 * `db.query.deliveries.findFirst(...)`, `db.select().from(t)`, `db.collection('t').findOne(...)`,
 * `selectFrom('t')`): with the delivery id in it, a look-up that de-duplicates.
 */
export function isLookup(call: TS.CallExpression, callee: TS.Expression, name: string): boolean {
  if (!LOOKUP_NAMES.has(name) || !ts.isPropertyAccessExpression(callee)) return false;
  const receiver = unwrap(callee.expression);
  if (name === 'selectFrom') return call.arguments[0] !== undefined && stringLiteralValue(unwrap(call.arguments[0])) !== undefined;
  if (name === 'from') return ts.isCallExpression(receiver) && calleeName(receiver) === 'select' && call.arguments[0] !== undefined && ts.isIdentifier(unwrap(call.arguments[0]));
  if (name === 'findFirst') return ts.isPropertyAccessExpression(receiver) && ts.isPropertyAccessExpression(unwrap(receiver.expression)) && (unwrap(receiver.expression) as TS.PropertyAccessExpression).name.text === 'query';
  if (name === 'findOne' || name === 'find' || name === 'findById' || name === 'exists') {
    // A MongoDB collection, or a Mongoose model (`Delivery.findOne({ _id })`: a capitalised name).
    return collectionOf(receiver) !== undefined || (ts.isIdentifier(receiver) && /^[A-Z]/.test(receiver.text) && name !== 'find');
  }
  return builderTable(receiver) !== undefined;
}

/** `db.collection('deliveries')`: the collection's name. */
function collectionOf(receiver: TS.Expression): string | undefined {
  return ts.isCallExpression(receiver) && calleeName(receiver) === 'collection' && receiver.arguments[0] ? stringLiteralValue(unwrap(receiver.arguments[0])) : undefined;
}

/** What `queryWork` may ask of the analysis: the value an identifier holds (itself when unknown). */
export type ValueOf = (id: TS.Identifier) => TS.Node;

/** The work a call does on a database, if it is one of the shapes above; `name` is its last name. */
export function queryWork(call: TS.CallExpression, callee: TS.Expression, name: string, valueOf: ValueOf = (id) => id): QueryWork | undefined {
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = unwrap(callee.expression);
  const isDb = (node: TS.Expression) => isDatabase(node) || isDrizzleClient(node, valueOf);
  if (TABLE_BUILDER_METHODS.has(name)) {
    const table = builderTable(receiver);
    if (table !== undefined) {
      const work = tableWork(table, name !== 'select');
      if (!work) return undefined;
      const viaFrom = fromCall(receiver);
      // Supabase answers a duplicate with `{ error }`; Knex throws unless told to ignore it.
      return { ...work, viaFrom, append: name === 'insert' || name === 'upsert', ...(name === 'insert' ? { insert: { quiet: viaFrom || chainIgnoresConflicts(call) } } : {}) };
    }
    // Knex: `knex.insert(row).into('audit')`, the table named after the write.
    const later = tableAfter(call);
    if (later !== undefined && name !== 'select') return { ...tableWork(later, true)!, append: name === 'insert', ...(name === 'insert' ? { insert: { quiet: chainIgnoresConflicts(call) } } : {}) };
    // Drizzle: `db.insert(users).values(...)`, `tx.update(accounts)`, `client.delete(sessions)` on a `drizzle()` client.
    if (name !== 'select' && name !== 'upsert' && name !== 'del' && isDb(receiver) && call.arguments[0] && ts.isIdentifier(unwrap(call.arguments[0]))) {
      const work = tableWork((unwrap(call.arguments[0]) as TS.Identifier).text, true)!;
      return name === 'insert' ? { ...work, append: true, insert: { quiet: chainIgnoresConflicts(call) } } : work;
    }
    // `docClient.update({ TableName, ... })` is DynamoDB's, read below.
    if (!DYNAMO_CLIENT_WRITES.has(name)) return undefined;
  }
  if (name === 'from') {
    // Drizzle: `db.select().from(users)`.
    const arg = call.arguments[0] && unwrap(call.arguments[0]);
    if (!arg || !ts.isIdentifier(arg) || !ts.isCallExpression(receiver) || calleeName(receiver) !== 'select') return undefined;
    const selectCallee = unwrap(receiver.expression);
    return ts.isPropertyAccessExpression(selectCallee) && isDb(unwrap(selectCallee.expression)) ? tableWork(arg.text, false) : undefined;
  }
  if (name === 'findMany' || name === 'findFirst' || name === 'find' || name === 'findOne') {
    // Drizzle's relational queries, `db.query.users.findMany()`; MongoDB's `db.collection('orders').find()`.
    if (name.startsWith('findM') || name === 'findFirst') {
      const query = ts.isPropertyAccessExpression(receiver) ? unwrap(receiver.expression) : undefined;
      return query && ts.isPropertyAccessExpression(query) && query.name.text === 'query' && isDb(unwrap(query.expression)) ? tableWork((receiver as TS.PropertyAccessExpression).name.text, false) : undefined;
    }
    const collection = collectionOf(receiver);
    return collection !== undefined ? tableWork(collection, false) : undefined;
  }
  if (KYSELY_WRITES.has(name) || name === 'selectFrom') {
    const table = call.arguments[0] && stringLiteralValue(unwrap(call.arguments[0]));
    const work = table !== undefined ? tableWork(table, name !== 'selectFrom') : undefined;
    return work && name === 'insertInto' ? { ...work, append: true, insert: { quiet: chainIgnoresConflicts(call) } } : work;
  }
  if (MONGO_WRITES.has(name) || MONGO_COLLECTION_WRITES.has(name)) {
    const collection = collectionOf(receiver);
    // `updateMany`/`deleteMany` are Prisma's names too: only on a `.collection('x')` here.
    if (collection === undefined && !MONGO_WRITES.has(name)) return undefined;
    const work = collection !== undefined ? `writes to the \`${collection}\` collection` : `writes to the database with \`${name}\``;
    if (name === 'insertOne' || name === 'insertMany') return { work, write: true, table: collection, append: true, insert: { quiet: false } };
    const options = call.arguments[2] && unwrap(call.arguments[2]);
    const upsert = options !== undefined && ts.isObjectLiteralExpression(options) && /\bupsert\s*:\s*true\b/.test(options.getText());
    return { work, write: true, table: collection, ...(upsert ? { upsert: true, append: true } : {}) };
  }
  if (DYNAMO_CLIENT_WRITES.has(name)) {
    const input = call.arguments[0] && unwrap(call.arguments[0]);
    return input && ts.isObjectLiteralExpression(input) ? dynamoWork(input, name, true) : undefined;
  }
  // SQL_RUNNERS: the first argument is SQL text, written here or in a constant (and `/re/.exec(text)` is no driver).
  if (!SQL_RUNNERS.has(name) || ts.isRegularExpressionLiteral(receiver) || !call.arguments[0]) return undefined;
  const arg = unwrap(call.arguments[0]);
  const text = sqlText(ts.isIdentifier(arg) ? valueOf(arg) : arg);
  return text !== undefined ? sqlWork(text) : undefined;
}

/** `sql\`DELETE FROM ...\`` (postgres.js, Neon, Vercel Postgres) and Prisma's tagged `$executeRaw` / `$queryRaw`. */
export function taggedQueryWork(node: TS.TaggedTemplateExpression): QueryWork | undefined {
  const tag = lastName(unwrap(node.tag));
  // deno-postgres runs a tagged template too: client.queryObject`DELETE FROM ...`.
  if (tag !== 'sql' && tag !== '$executeRaw' && tag !== '$queryRaw' && tag !== 'queryObject' && tag !== 'queryArray') return undefined;
  const text = sqlText(node.template);
  if (text === undefined) return undefined;
  const work = sqlWork(text);
  if (work || tag !== '$executeRaw') return work;
  return { work: 'writes to the database with `$executeRaw`', write: true };
}

/**
 * The table a builder's receiver names: `x.from('t')`, `x.table('t')`, `x.into('t')`, `knex('t')`,
 * also past filters chained before the write (`knex('t').where({ id }).del()`).
 */
function builderTable(receiver: TS.Expression): string | undefined {
  for (let step = 0; step < 8 && ts.isCallExpression(receiver); step++) {
    const callee = unwrap(receiver.expression);
    if (!ts.isPropertyAccessExpression(callee) || ['from', 'table', 'into'].includes(callee.name.text)) break;
    receiver = unwrap(callee.expression);
  }
  if (!ts.isCallExpression(receiver) || receiver.arguments.length !== 1) return undefined;
  const table = stringLiteralValue(unwrap(receiver.arguments[0]));
  if (table === undefined) return undefined;
  const callee = unwrap(receiver.expression);
  if (ts.isPropertyAccessExpression(callee)) return ['from', 'table', 'into'].includes(callee.name.text) ? table : undefined;
  return ts.isIdentifier(callee) && DATABASE_NAMES.test(callee.text) ? table : undefined;
}

/** `.into('t')` or `.table('t')` later in the chain a call starts. */
function tableAfter(call: TS.CallExpression): string | undefined {
  for (let current: TS.Node = call, step = 0; step < 8 && current.parent && ts.isPropertyAccessExpression(current.parent); step++) {
    const next = current.parent.parent;
    if (!next || !ts.isCallExpression(next)) break;
    if ((current.parent.name.text === 'into' || current.parent.name.text === 'table') && next.arguments.length === 1) {
      const table = stringLiteralValue(unwrap(next.arguments[0]));
      if (table !== undefined) return table;
    }
    current = next;
  }
  return undefined;
}

/** The receiver is a `.from('t')` call (Supabase's builder). */
function fromCall(receiver: TS.Expression): boolean {
  let current = receiver;
  for (let step = 0; step < 8 && ts.isCallExpression(current); step++) {
    const callee = unwrap(current.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    if (callee.name.text === 'from') return true;
    current = unwrap(callee.expression);
  }
  return false;
}

/** The whole builder chain a call starts: `db.insert(t)` in `db.insert(t).values(v).returning()`. */
export function chainOf(node: TS.Expression): TS.Expression {
  let current = node;
  while (current.parent && ts.isPropertyAccessExpression(current.parent) && current.parent.parent && ts.isCallExpression(current.parent.parent)) {
    current = current.parent.parent;
  }
  return current;
}

/** `.onConflictDoNothing()`, `.onConflict(...)`, `.ignore()`, `.orIgnore()` later in the chain. */
function chainIgnoresConflicts(call: TS.CallExpression): boolean {
  for (let current: TS.Node = call; current.parent && ts.isPropertyAccessExpression(current.parent); ) {
    if (/^(?:onConflict\w*|onDuplicateKeyUpdate|ignore|orIgnore)$/.test(current.parent.name.text)) return true;
    if (!current.parent.parent || !ts.isCallExpression(current.parent.parent)) break;
    current = current.parent.parent;
  }
  return false;
}

/** A client made with Drizzle's `drizzle(...)`, whatever it is called, or used as made (`drizzle(env.DB).delete(users)`). */
function isDrizzleClient(node: TS.Expression, valueOf: ValueOf): boolean {
  if (ts.isCallExpression(node)) return calleeName(node) === 'drizzle';
  if (!ts.isIdentifier(node)) return false;
  const value = valueOf(node);
  const made = ts.isExpression(value) ? unwrap(value) : value;
  return ts.isCallExpression(made) && calleeName(made) === 'drizzle';
}

function isDatabase(node: TS.Expression): boolean {
  const name = ts.isIdentifier(node) ? node.text : ts.isPropertyAccessExpression(node) ? node.name.text : undefined;
  return name !== undefined && DATABASE_NAMES.test(name);
}

/** A write to any table is work; a read is, of a table named like private data. */
function tableWork(table: string, write: boolean): QueryWork | undefined {
  if (write) return { work: `writes to the \`${table}\` table`, write: true, table };
  return PRIVATE_MODEL.test(table) ? { work: `reads the \`${table}\` table`, write: false, table } : undefined;
}

/** The literal parts of a string or template written in place (substitutions become `?`). */
function sqlText(node: TS.Node): string | undefined {
  const plain = stringLiteralValue(node);
  if (plain !== undefined) return plain;
  if (!ts.isTemplateExpression(node)) return undefined;
  return node.head.text + node.templateSpans.map((span) => `?${span.literal.text}`).join('');
}

/** A statement that changes data, as SQL writes it (`UPDATE t SET`, not "update my profile"); after a `WITH` clause too. */
const SQL_WRITE =
  /^\s*(?:with\b[^;]*?\)\s*)?(insert\s+(?:or\s+\w+\s+|ignore\s+)?into|update\s+[\w."`[\]]+(?:\s+(?:as\s+)?\w+)?\s+set|delete\s+from|merge\s+into|replace\s+into|truncate|drop\s+(?:table|database|schema)|alter\s+table)\b/i;
const SQL_READ = /^\s*select\b[^;]*?\bfrom\s+(?:[`"[]?\w+[`"\]]?\.)?[`"[]?(\w+)/i;

const SQL_IGNORES_CONFLICTS = /\bon\s+conflict\b|\bon\s+duplicate\s+key\b|^\s*insert\s+(?:or\s+\w+|ignore)\b/i;

/** SQL that writes, or reads a table named like private data. */
export function sqlWork(text: string): QueryWork | undefined {
  if (text.length > 20_000) return undefined;
  const write = SQL_WRITE.exec(text);
  if (write) {
    const verb = /^\w+/.exec(write[1])![0].toUpperCase();
    // The table follows the verb's words: `INSERT INTO public.rate_limits`, `UPDATE "User" SET`.
    const table = SQL_TABLE.exec(text.slice(write.index + write[0].length - write[1].length))?.[1];
    const work: QueryWork = { work: table ? `writes to \`${table}\` with \`${verb}\`` : `writes to the database with \`${verb}\``, write: true, table };
    if (verb === 'INSERT' || verb === 'REPLACE' || verb === 'MERGE') work.append = true;
    return verb === 'INSERT' ? { ...work, insert: { quiet: SQL_IGNORES_CONFLICTS.test(text) } } : work;
  }
  const read = SQL_READ.exec(text);
  return read && PRIVATE_MODEL.test(read[1]) ? { work: `reads \`${read[1]}\` with SQL`, write: false, table: read[1] } : undefined;
}

/** The table after a write's verb, past a schema (`public.`) and quotes. */
const SQL_TABLE = /^\w+(?:\s+(?:or\s+\w+|ignore|into|from|table|only))*\s+(?:[`"[]?\w+[`"\]]?\.)?[`"[]?(\w+)/i;
