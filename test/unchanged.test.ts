import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { scan, ScanPlan, type ScanOptions } from '../src/core/engine';
import { ScanCache } from '../src/core/cache';
import { completeScan } from '../src/core/parallel';
import { fixtureApps } from './support/fixtures';
import { tempDir, tempProject, type Files } from './support/project';
import { clockAhead } from './support/clock';
import { copyFixtureApp, scanOptions as options, scanSarif as sarif } from './support/cached';

const copyApp = (app: string): { root: string; cache: string } => copyFixtureApp(app, 'fnscan-unchanged-');

/**
 * The unchanged-tree record (src/core/unchanged.ts). A file gets a stat signature only once it
 * is 2 seconds old; these tests move the clock a minute ahead instead of waiting. A scan took its
 * outcomes from the record when it never opened the scan cache.
 */

/** Runs `scanned`; whether the scan took its outcomes from the record (it never opened the scan cache), and its SARIF. */
function viaRecord(t: TestContext, scanned: () => string): { fromRecord: boolean; sarif: string } {
  const open = t.mock.method(ScanCache, 'open');
  try {
    const output = scanned();
    return { fromRecord: open.mock.callCount() === 0, sarif: output };
  } finally {
    open.mock.restore();
  }
}

const record = (cache: string): string => path.join(cache, 'scan-result.json');

/** The record's header line, parsed. */
function headerOf(cache: string): { digest: string; content?: Record<string, string> } {
  const text = fs.readFileSync(record(cache), 'utf8');
  return JSON.parse(text.slice(0, text.indexOf('\n'))) as { digest: string; content?: Record<string, string> };
}

const relative = (root: string, file: string): string => path.relative(root, file).split(path.sep).join('/');

/** The files a scan with this cache would judge again (not take from the record or the scan cache). */
function judgedAgain(root: string, cache: string, extra: Partial<ScanOptions> = {}): string[] {
  return new ScanPlan(options(root, cache, extra)).pending.map((u) => relative(root, u.path)).sort();
}

/** The body of a table of files (its tables, paths, signatures, then a row per file) with one line's JSON array changed by `change`. */
function withLine(body: string, line: number, change: (value: unknown[]) => unknown[]): string {
  const lines = body.split('\n');
  lines[line] = JSON.stringify(change(JSON.parse(lines[line]) as unknown[]));
  return lines.join('\n');
}

/** The same with the first file's row changed. */
function withUnit(body: string, change: (unit: unknown[]) => unknown[]): string {
  return withLine(body, 3, change);
}

/** A summed file with this header and body, its sum made to match. */
function resummed(header: Record<string, unknown>, body: string): Buffer {
  const sum = crypto.createHash('sha256').update(body, 'latin1').digest('hex');
  return Buffer.from(`${JSON.stringify({ ...header, sum })}\n${body}`, 'latin1');
}

for (const app of fixtureApps()) {
  test(`fixture ${app}: a scan of the unchanged tree takes every outcome from the record, same SARIF`, (t) => {
    clockAhead(t);
    const { root, cache } = copyApp(app);
    const uncached = sarif(root);
    assert.equal(sarif(root, cache), uncached, 'the scan that fills the cache');
    assert.ok(fs.existsSync(record(cache)), 'the fill writes the record');
    const again = viaRecord(t, () => sarif(root, cache));
    assert.equal(again.fromRecord, true);
    assert.equal(again.sarif, uncached);
    assert.deepEqual(new ScanPlan(options(root, cache)).pending, [], 'nothing is analysed again');
  });
}

test('results from the record equal the per-file lookups, object for object', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  const filled = scan(options(root, cache));
  const fromRecord = scan(options(root, cache));
  assert.deepStrictEqual(fromRecord, filled);
});

test('after an edit, the record vouches for the other files: only changed files are judged again, without the scan cache', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  const functions = path.join(root, 'api/src/functions');
  const names = fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort();
  const endpoint = path.join(functions, names[0]);
  const written = (): number => fs.statSync(record(cache)).ino;
  const filled = written();

  fs.appendFileSync(endpoint, '\nexport const note = 1\n');
  assert.deepEqual(judgedAgain(root, cache), [relative(root, endpoint)], 'an edited file');
  const edited = viaRecord(t, () => sarif(root, cache));
  assert.deepEqual(edited, { fromRecord: true, sarif: sarif(root) });
  assert.notEqual(written(), filled, 'the record is written again');
  assert.deepEqual(judgedAgain(root, cache), [], 'so the next scan judges nothing');
  assert.deepEqual(viaRecord(t, () => sarif(root, cache)), { fromRecord: true, sarif: edited.sarif });

  const added = path.join(functions, 'added.ts');
  fs.writeFileSync(added, "export const handler = async () => ({ statusCode: 200, body: 'ok' })\n");
  assert.deepEqual(judgedAgain(root, cache), [relative(root, added)], 'a new file');
  assert.deepEqual(viaRecord(t, () => sarif(root, cache)), { fromRecord: true, sarif: sarif(root) });
  fs.rmSync(added);
  assert.deepEqual(judgedAgain(root, cache), [], 'a removed file nothing depended on');
  assert.deepEqual(viaRecord(t, () => sarif(root, cache)), { fromRecord: true, sarif: edited.sarif });

  const other = path.join(functions, names[1]);
  const touched = new Date(Date.now() - 3_600_000);
  fs.utimesSync(other, touched, touched);
  assert.deepEqual(judgedAgain(root, cache), [relative(root, other)], 'a touched file (its recorded signature no longer vouches for it)');
  assert.deepEqual(viaRecord(t, () => sarif(root, cache)), { fromRecord: true, sarif: edited.sarif });

  assert.equal(viaRecord(t, () => sarif(root, cache, { config: { rules: { 'no-disabled-tls': 'off' } } })).fromRecord, false, 'another config');
});

/** The table of files' header and how many rows its tables hold. */
function tableRows(cache: string): { live: number; rows: number } {
  const [header, tables] = fs.readFileSync(path.join(cache, 'scan-units.json'), 'latin1').split('\n', 2).map((line) => JSON.parse(line));
  const { modules, resolutions, groups } = tables as Record<string, unknown[]>;
  return { live: (header as { live: number }).live, rows: modules.length + resolutions.length + groups.length };
}

test('edit after edit, the record\'s tables are written afresh once the rows they outgrew are past a slack: bounded, same results', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  sarif(root, cache);
  const { live } = tableRows(cache);
  // A helper several endpoints import: each edit gives it a new hash, so its dependents' rows are new.
  const helper = path.join(root, 'api/src/lib/auth.ts');
  const text = fs.readFileSync(helper, 'utf8');
  let grew = 0;
  let compacted = 0;
  let before = tableRows(cache).rows;
  for (let i = 0; i < 60; i++) {
    fs.writeFileSync(helper, `${text}\nexport const edit = ${i}\n`);
    const edited = viaRecord(t, () => sarif(root, cache));
    assert.equal(edited.fromRecord, true, `edit ${i}`);
    const now = tableRows(cache);
    assert.equal(now.live, live, 'the rows in use stay as they were');
    assert.ok(now.rows <= 2 * live + 64 + (now.rows - before > 0 ? now.rows - before : 0), `${now.rows} rows after edit ${i}`);
    if (now.rows > before) grew++;
    if (now.rows < before) {
      compacted++;
      assert.equal(now.rows, live, 'written afresh, the tables hold the rows in use');
      assert.equal(edited.sarif, sarif(root), `the scan that wrote them afresh, edit ${i}`);
      assert.equal(viaRecord(t, () => sarif(root, cache)).sarif, edited.sarif, 'and the scan after it');
    }
    before = now.rows;
  }
  assert.ok(grew > 0 && compacted > 0, `grew ${grew} times, written afresh ${compacted} times`);
});

test('a scan of some of the recorded files takes their outcomes from the record', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  const functions = { paths: [path.join(root, 'api/src/functions')] };
  assert.deepEqual(judgedAgain(root, cache, functions), []);
  assert.deepEqual(viaRecord(t, () => sarif(root, cache, functions)), { fromRecord: true, sarif: sarif(root, undefined, functions) });
});

test('the files that read a changed or removed module are judged again with it', (t) => {
  clockAhead(t);
  const root = tempProject({
    ...guardedPurge(),
    'api/src/functions/other.ts': "export const handler = async () => ({ statusCode: 200, body: 'ok' })\n",
  });
  const cache = path.join(tempDir('fnscan-unchanged-'), 'cache');
  const guarded = sarif(root, cache);
  fs.writeFileSync(path.join(root, 'api/src/lib/guard.ts'), STUB_GUARD);
  assert.deepEqual(judgedAgain(root, cache), ['api/src/functions/purge.ts', 'api/src/lib/guard.ts']);
  const stub = viaRecord(t, () => sarif(root, cache));
  assert.deepEqual(stub, { fromRecord: true, sarif: sarif(root) });
  assert.notEqual(stub.sarif, guarded, 'the stub guard no longer protects the handler');
  fs.rmSync(path.join(root, 'api/src/lib/guard.ts'));
  assert.deepEqual(judgedAgain(root, cache), ['api/src/functions/purge.ts'], 'a removed module');
  assert.deepEqual(viaRecord(t, () => sarif(root, cache)), { fromRecord: true, sarif: sarif(root) });
});

test('files whose project changed are judged again (a redwood.toml makes the folder a Redwood app)', (t) => {
  clockAhead(t);
  const root = tempProject({
    'api/src/lib/db.ts': 'export const db = {} as any\n',
    'api/src/functions/purge.ts': "import { db } from 'src/lib/db'\nexport const handler = async () => {\n  await db.order.deleteMany({})\n  return { statusCode: 204 }\n}\n",
  });
  fs.rmSync(path.join(root, 'redwood.toml'));
  const cache = path.join(tempDir('fnscan-unchanged-'), 'cache');
  const plain = sarif(root, cache);
  fs.writeFileSync(path.join(root, 'redwood.toml'), '[web]\n  port = 8910\n');
  assert.deepEqual(judgedAgain(root, cache), ['api/src/functions/purge.ts', 'api/src/lib/db.ts', 'redwood.toml']);
  const redwood = viaRecord(t, () => sarif(root, cache));
  assert.deepEqual(redwood, { fromRecord: true, sarif: sarif(root) });
  assert.notEqual(redwood.sarif, plain, 'the handler is an endpoint now');
});

test('past a handful of changed files the per-file lookups take over: they find touched files unchanged by content', (t) => {
  clockAhead(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`api/src/functions/f${String(i).padStart(2, '0')}.ts`] = `export const handler = async () => ({ statusCode: 200, body: '${i}' })\n`;
  const root = tempProject(files);
  const cache = path.join(tempDir('fnscan-unchanged-'), 'cache');
  const filled = sarif(root, cache);
  const touched = new Date(Date.now() - 3_600_000);
  const names = Object.keys(files).sort();
  for (const name of names.slice(0, 16)) fs.utimesSync(path.join(root, name), touched, touched);
  assert.equal(judgedAgain(root, cache).length, 16, 'sixteen files are still judged again');
  fs.utimesSync(path.join(root, names[16]), touched, touched);
  assert.deepEqual(judgedAgain(root, cache), [], 'seventeen go through the scan cache, which reads them and finds them unchanged');
  assert.deepEqual(viaRecord(t, () => sarif(root, cache)), { fromRecord: false, sarif: filled });
});

test('a helper outside the scanned folder is checked by its stat; editing it changes the verdicts', (t) => {
  clockAhead(t);
  const root = tempProject({
    ...guardedPurge(),
  });
  const cache = path.join(tempDir('fnscan-unchanged-'), 'cache');
  const functions = { paths: [path.join(root, 'api/src/functions')] };
  const before = sarif(root, cache, functions);
  assert.equal(viaRecord(t, () => sarif(root, cache, functions)).fromRecord, true);
  fs.writeFileSync(path.join(root, 'api/src/lib/guard.ts'), STUB_GUARD);
  assert.deepEqual(judgedAgain(root, cache, functions), ['api/src/functions/purge.ts']);
  const after = viaRecord(t, () => sarif(root, cache, functions));
  assert.equal(after.sarif, sarif(root, undefined, functions));
  assert.notEqual(after.sarif, before, 'the stub guard no longer protects the handler');
});

test('an import that starts to resolve to a file discovery does not list is seen', (t) => {
  clockAhead(t);
  // The config ignores the generated folder, so discovery never lists the helper that appears there.
  const root = tempProject({
    'api/src/lib/db.ts': 'export const db = {} as any\n',
    'api/src/functions/purge.ts': purgeGuardedBy('src/lib/generated/guard'),
  });
  const cache = path.join(tempDir('fnscan-unchanged-'), 'cache');
  const ignoring = { config: { ignore: ['api/src/lib/generated/**'] } };
  const unresolved = sarif(root, cache, ignoring);
  assert.equal(viaRecord(t, () => sarif(root, cache, ignoring)).fromRecord, true);
  fs.mkdirSync(path.join(root, 'api/src/lib/generated'));
  fs.writeFileSync(path.join(root, 'api/src/lib/generated/guard.ts'), 'export const requireAuth = () => true\n');
  assert.deepEqual(judgedAgain(root, cache, ignoring), ['api/src/functions/purge.ts']);
  const resolved = viaRecord(t, () => sarif(root, cache, ignoring));
  assert.equal(resolved.sarif, sarif(root, undefined, ignoring));
  assert.notEqual(resolved.sarif, unresolved, 'the stub guard now decides the verdict');
});

test('a folder a rule listed, outside the scanned files, is checked by its listing', (t) => {
  clockAhead(t);
  // require-webhook-secret searches the project's files; the folders it lists are dependencies.
  const { root, cache } = copyApp('redwood-extras');
  sarif(root, cache);
  assert.equal(viaRecord(t, () => sarif(root, cache)).fromRecord, true);
  fs.writeFileSync(path.join(root, 'api/db/notes.txt'), 'not a file the scan reads\n');
  assert.notDeepEqual(judgedAgain(root, cache), [], 'a new entry in a listed folder');
  assert.equal(viaRecord(t, () => sarif(root, cache)).sarif, sarif(root));
});

test('a table of files that is corrupt or belongs to another record sends an edited scan through the scan cache', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  const table = path.join(cache, 'scan-units.json');
  const old = fs.readFileSync(table);
  const functions = path.join(root, 'api/src/functions');
  const endpoint = path.join(functions, fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort()[0]);
  fs.appendFileSync(endpoint, '\nexport const note = 1\n');
  sarif(root, cache);
  const [header, body] = splitRecord(table);
  const spoilt = [
    old,
    Buffer.from(`${JSON.stringify(header)}\n${body.replace('"api/', '"apx/')}`),
    // Well-formed JSON under a sum that holds, but rows that point nowhere or are cut short.
    resummed(header, withUnit(body, (unit) => [...unit.slice(0, 3), [99999]])),
    resummed(header, withUnit(body, (unit) => unit.slice(0, 2))),
    resummed(header, withLine(body, 1, (paths) => paths.slice(1))),
    resummed(header, body.slice(0, body.indexOf('\n'))),
    Buffer.from('{}'),
  ];
  // Each scan below may write a record of its own; each starts again from the record the table was written with.
  const written = fs.readFileSync(record(cache));
  fs.appendFileSync(endpoint, '\nexport const again = 2\n');
  const expected = sarif(root);
  for (const bytes of spoilt) {
    fs.writeFileSync(record(cache), written);
    fs.writeFileSync(table, bytes);
    assert.deepEqual(viaRecord(t, () => sarif(root, cache)), { fromRecord: false, sarif: expected });
  }
  fs.writeFileSync(record(cache), written);
  fs.writeFileSync(table, resummed(header, body));
  assert.deepEqual(viaRecord(t, () => sarif(root, cache)), { fromRecord: true, sarif: expected }, 'the table as written');
});

test('a record from another day is not used when a file has a dated suppression', (t) => {
  clockAhead(t);
  const root = tempProject({
    'api/src/lib/agent.ts': "// fnscan-disable-next-line no-disabled-tls until=2099-01-01 -- vendor fix pending\nexport const agent = { rejectUnauthorized: false }\n",
  });
  const cache = path.join(tempDir('fnscan-unchanged-'), 'cache');
  sarif(root, cache);
  const [header, body] = splitRecord(record(cache));
  assert.equal(header.day, new Date().toISOString().slice(0, 10));
  assert.equal(viaRecord(t, () => sarif(root, cache)).fromRecord, true);
  fs.writeFileSync(record(cache), `${JSON.stringify({ ...header, day: '2000-01-01' })}\n${body}`);
  assert.equal(viaRecord(t, () => sarif(root, cache)).fromRecord, false);
});

test('a corrupt, truncated or foreign record is ignored', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  const uncached = sarif(root);
  sarif(root, cache);
  const file = record(cache);
  const valid = fs.readFileSync(file);
  const [header, body] = splitRecord(file);
  const spoilt = [
    valid.subarray(0, valid.length - 100),
    Buffer.from(`${JSON.stringify(header)}\n${body.replace('"findings"', '"findinsg"')}`),
    // Still valid JSON of the right shape: only the sum shows the change.
    Buffer.from(`${JSON.stringify(header)}\n${body.replace(/"level":"(error|warning)"/, '"level":"note"')}`),
    Buffer.from(`${JSON.stringify({ ...header, key: 'another' })}\n${body}`),
    Buffer.from(`${JSON.stringify({ ...header, format: 0 })}\n${body}`),
    Buffer.from('{}'),
    Buffer.from([0xff, 0x00, 0x0a, 0xfe]),
  ];
  for (const bytes of spoilt) {
    fs.writeFileSync(file, bytes);
    const scanned = viaRecord(t, () => sarif(root, cache));
    assert.deepEqual(scanned, { fromRecord: false, sarif: uncached });
  }
});

test('outcomes that do not read, under a sum that holds, send the scan the long way', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  const uncached = sarif(root);
  sarif(root, cache);
  const [header, body] = splitRecord(record(cache));
  // The checks, then a line per file.
  const [checks, ...lines] = body.split('\n');
  const empty = lines.map(() => '0');
  for (const outcomes of [[...empty.slice(1), '[1,2'], ['{"not":"outcomes"}', ...empty.slice(1)], empty.slice(1)]) {
    const rest = [checks, ...outcomes].join('\n');
    const sum = crypto.createHash('sha256').update(rest, 'latin1').digest('hex');
    fs.writeFileSync(record(cache), `${JSON.stringify({ ...header, sum })}\n${rest}`, 'latin1');
    const plan = new ScanPlan(options(root, cache));
    assert.equal(typeof plan.resultStamp, 'string', 'the record vouched for the files');
    assert.equal(sarif(root, cache), uncached, outcomes[0]);
  }
});

test('the result stamp: the same for the same result, another when what the result holds beside the files changes', async (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  assert.equal(new ScanPlan(options(root, cache)).resultStamp, undefined, 'no record yet');
  const filled = new ScanPlan(options(root, cache));
  assert.equal(filled.resultStamp, undefined);
  await completeScan(filled, 1);
  const written = filled.resultStamp;
  assert.equal(typeof written, 'string', 'the stamp of the record the scan wrote');
  const read = new ScanPlan(options(root, cache));
  assert.equal(read.resultStamp, written, 'the record read names the same result');
  assert.deepEqual(read.finish(), scan(options(root)));
  assert.equal(read.resultStamp, written);
  // A test file: found (and counted), not read, so the record still vouches for every file read.
  fs.writeFileSync(path.join(root, 'api/src/functions/extra.test.ts'), "it('works', () => {})\n");
  const counted = new ScanPlan(options(root, cache));
  assert.deepEqual(counted.pending, []);
  assert.notEqual(counted.resultStamp, undefined);
  assert.notEqual(counted.resultStamp, written);
});

test('a file edited moments before the scan is recorded by its content, and by its stat once it is old enough', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  const functions = path.join(root, 'api/src/functions');
  const endpoint = path.join(functions, fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort()[0]);
  // Modified "now" on the test's clock: too recent for its stat to vouch for its content.
  const recent = (): void => {
    const now = new Date(Date.now());
    fs.utimesSync(endpoint, now, now);
  };
  fs.appendFileSync(endpoint, '\nexport const note = 1\n');
  recent();
  const edited = viaRecord(t, () => sarif(root, cache));
  assert.deepEqual(edited, { fromRecord: true, sarif: sarif(root) });
  assert.deepEqual(judgedAgain(root, cache), [], 'the record vouches for it by its content');
  // The header names it with its content hash, and the digest holds it by that: the next scan
  // takes every outcome from the record, as if nothing had been edited (the settled scan).
  assert.deepEqual(Object.keys(headerOf(cache).content ?? {}), [relative(root, endpoint)]);
  const settled = new ScanPlan(options(root, cache));
  assert.equal(typeof settled.resultStamp, 'string', 'the record answers for every file');
  assert.deepEqual(settled.pending, []);
  assert.equal(viaRecord(t, () => sarif(root, cache)).fromRecord, true);

  // The same size, another content, still too recent: its content says it changed.
  fs.writeFileSync(endpoint, fs.readFileSync(endpoint, 'utf8').replace('note = 1', 'note = 2'));
  recent();
  assert.equal(new ScanPlan(options(root, cache)).resultStamp, undefined, 'its content is not the one the header names');
  assert.deepEqual(judgedAgain(root, cache), [relative(root, endpoint)]);
  const changed = viaRecord(t, () => sarif(root, cache));
  assert.equal(changed.sarif, sarif(root));

  // Old enough now: the next scan records its stat, and the one after takes everything from the record.
  const old = new Date(Date.now() - 3_600_000);
  fs.utimesSync(endpoint, old, old);
  assert.deepEqual(judgedAgain(root, cache), []);
  sarif(root, cache);
  const plan = new ScanPlan(options(root, cache));
  assert.equal(typeof plan.resultStamp, 'string', 'the record vouches for every file again');
  assert.deepEqual(plan.pending, []);
});

test('more files recorded by their content than the header lists: no digest, and a scan that finds them unchanged takes the others', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  const functions = path.join(root, 'api/src/functions');
  const endpoints = fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort().map((f) => path.join(functions, f));
  assert.ok(endpoints.length >= 9, 'more than the header lists');
  const now = new Date(Date.now());
  for (const endpoint of endpoints.slice(0, 9)) {
    fs.appendFileSync(endpoint, '\nexport const note = 1\n');
    fs.utimesSync(endpoint, now, now);
  }
  assert.equal(viaRecord(t, () => sarif(root, cache)).sarif, sarif(root));
  const header = headerOf(cache);
  assert.equal(header.content, undefined);
  assert.equal(header.digest, '');
  const next = new ScanPlan(options(root, cache));
  assert.equal(next.resultStamp, undefined, 'no digest: the record does not answer for every file at once');
  assert.deepEqual(next.pending, [], 'but every file holds, those by their content');
});

test('no record is written while a file is too recent to vouch for by its stat', () => {
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  assert.equal(fs.existsSync(record(cache)), false);
});

/** `src/lib/guard` made a stub: its `requireAuth` never throws. */
const STUB_GUARD = 'export const requireAuth = () => true\n';

/** The purge endpoint, guarded by `src/lib/guard`'s throwing `requireAuth`, with the modules it imports. */
function guardedPurge(): Files {
  return {
    'api/src/lib/guard.ts': 'export const requireAuth = () => { throw new Error("no") }\n',
    'api/src/lib/db.ts': 'export const db = {} as any\n',
    'api/src/functions/purge.ts': purgeGuardedBy('src/lib/guard'),
  };
}

/** An endpoint that deletes orders after calling `requireAuth` from `guard`: whether it is protected depends on that module. */
function purgeGuardedBy(guard: string): string {
  return [
    "import { db } from 'src/lib/db'",
    `import { requireAuth } from '${guard}'`,
    '',
    'export const handler = async () => {',
    '  requireAuth()',
    '  await db.order.deleteMany({})',
    '  return { statusCode: 204 }',
    '}',
    '',
  ].join('\n');
}

function splitRecord(file: string): [Record<string, unknown>, string] {
  const text = fs.readFileSync(file, 'latin1');
  const newline = text.indexOf('\n');
  return [JSON.parse(text.slice(0, newline)) as Record<string, unknown>, text.slice(newline + 1)];
}
