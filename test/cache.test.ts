import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { scan, ScanPlan, type ScanOptions } from '../src/core/engine';
import { ScanCache, cacheKey, hashFile } from '../src/core/cache';
import { defineRule } from '../src/core/rule';
import { formatSarif } from '../src/reporters/sarif';
import { fixtureApps } from './support/fixtures';
import { tempDir, tempProject, writeFiles } from './support/project';
import { REPO, buildIfStale } from './support/cli';
import { clockAhead } from './support/clock';
import { copyFixtureApp, scanOptions as options, scanSarif as sarif } from './support/cached';

const copyApp = (app: string): { root: string; cache: string } => copyFixtureApp(app, 'fnscan-cache-');

/** A copy of a fixture app in a temporary folder (its real path, as discovery reports it), with a cache folder beside it. */
/** The files a SARIF log has results of this rule in, sorted. */
function filesWith(sarifText: string, ruleId: string): string[] {
  const log = JSON.parse(sarifText) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
  return log.runs[0].results
    .filter((r) => r.ruleId === ruleId)
    .map((r) => r.locations[0].physicalLocation.artifactLocation.uri)
    .sort();
}

/** The parsed body of the cache file (the line after its header); written in ASCII, so decoded byte for byte. */
function cacheBody<T>(cache: string): T {
  const text = fs.readFileSync(path.join(cache, 'scan-cache.json'), 'latin1');
  return JSON.parse(text.slice(text.indexOf('\n') + 1)) as T;
}

/** What the cache holds (its file and its journal): each stored file with the signature that vouches for it. */
function stored(root: string, cache: string): Map<string, string | undefined> {
  const plan = new ScanPlan(options(root));
  return ScanCache.open(cache, root, cacheKey(plan.setup)).stored();
}

/** Files the cache could not vouch for: what a scan with this cache would analyse again. */
function pending(root: string, cache: string, extra: Partial<ScanOptions> = {}): string[] {
  return new ScanPlan(options(root, cache, extra)).pending.map((u) => path.relative(root, u.path).split(path.sep).join('/'));
}

for (const app of fixtureApps()) {
  test(`fixture ${app}: a cached scan writes the same SARIF as an uncached one, byte for byte`, () => {
    const { root, cache } = copyApp(app);
    const uncached = sarif(root);
    assert.equal(sarif(root, cache), uncached, 'the scan that fills the cache');
    assert.deepEqual(pending(root, cache), [], 'nothing changed, so nothing is analysed again');
    assert.equal(sarif(root, cache), uncached, 'the scan served from the cache');
  });
}

test('a cache holding paths and code outside ASCII is written in ASCII and gives the same SARIF', () => {
  const root = tempProject({
    'api/src/lib/db.ts': "export const db = {} as any\n",
    'api/src/functions/café.ts': [
      "import { db } from 'src/lib/db'",
      '',
      "export const handler = async () => { await db.order.deleteMany({ where: { note: 'Straße – 🔑' } }); return { statusCode: 204 } }",
      '',
    ].join('\n'),
    'api/src/functions/naïve.ts': "const stripeKey = 'sk_live_' + 'x'; export const handler = async () => ({ body: 'ünïcode ✓ ' + stripeKey })\n",
  });
  const cache = path.join(tempDir('fnscan-cache-'), 'cache');
  const uncached = sarif(root);
  assert.match(uncached, /caf%C3%A9\.ts/, 'the endpoint with a non-ASCII name has a finding');
  assert.equal(sarif(root, cache), uncached, 'the scan that fills the cache');
  const written = fs.readFileSync(path.join(cache, 'scan-cache.json'));
  assert.ok(written.every((byte) => byte < 0x80), 'the cache file is ASCII');
  assert.ok(written.includes('caf\\u00e9.ts'), 'non-ASCII characters are escaped, not dropped');
  assert.deepEqual(pending(root, cache), []);
  assert.equal(sarif(root, cache), uncached, 'the scan served from the cache');
});

test('a cache file written in UTF-8 (before bodies were ASCII) is still read', () => {
  const root = tempProject({
    'api/src/lib/db.ts': "export const db = {} as any\n",
    'api/src/functions/café.ts': "import { db } from 'src/lib/db'\nexport const handler = async () => { await db.order.deleteMany({ where: { note: 'Straße' } }); return { statusCode: 204 } }\n",
  });
  const cache = path.join(tempDir('fnscan-cache-'), 'cache');
  const uncached = sarif(root, cache);
  const file = path.join(cache, 'scan-cache.json');
  const bytes = fs.readFileSync(file);
  const newline = bytes.indexOf(0x0a);
  const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as Record<string, unknown>;
  const body = Buffer.from(JSON.stringify(JSON.parse(bytes.subarray(newline + 1).toString('latin1'))), 'utf8');
  assert.ok(!body.every((byte) => byte < 0x80), 'the rewritten body holds UTF-8');
  header.sum = crypto.createHash('sha256').update(body).digest('hex');
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
  assert.deepEqual(pending(root, cache), [], 'every entry is still used');
  assert.equal(sarif(root, cache), uncached);
});

test('editing a src/lib helper re-judges the handlers that use it, and the cache never keeps a stale verdict', () => {
  const { root, cache } = copyApp('webhook-zoo');
  const replayOnGithubPush = (text: string): boolean =>
    (JSON.parse(text) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }).runs[0].results.some(
      (r) => r.ruleId === 'require-replay-protection' && r.locations[0].physicalLocation.artifactLocation.uri === 'api/src/functions/githubPush.ts',
    );
  const before = sarif(root, cache);
  assert.ok(replayOnGithubPush(before), 'githubPush is replayable while its helper uses sha256Verifier');

  const helper = path.join(root, 'api/src/lib/webhooks.ts');
  const text = fs.readFileSync(helper, 'utf8');
  const edited = text.replace(
    "return verifyEvent('sha256Verifier', {\n    event,\n    secret: process.env.GITHUB_WEBHOOK_SECRET,",
    "return verifyEvent('timestampSchemeVerifier', {\n    event,\n    secret: process.env.GITHUB_WEBHOOK_SECRET,",
  );
  assert.notEqual(edited, text, 'the fixture still has the helper this test edits');
  fs.writeFileSync(helper, edited);

  const stale = pending(root, cache);
  assert.ok(stale.includes('api/src/lib/webhooks.ts'));
  assert.ok(stale.includes('api/src/functions/githubPush.ts'), 'the handler that calls the edited helper');
  assert.ok(!stale.includes('api/src/functions/shopifyManual.ts'), 'a handler that does not import it is reused');

  const cached = sarif(root, cache);
  assert.ok(!replayOnGithubPush(cached), 'the replay finding is gone once the helper checks timestamps');
  assert.equal(cached, sarif(root), 'exactly as an uncached scan of the edited tree');
  assert.equal(sarif(root, cache), cached, 'and the refreshed cache serves the same');
});

test('a helper summarised once for the project still makes every caller depend on what it calls', () => {
  // Both endpoints call requireAuth, which rejects through deny() in a third module. The first
  // endpoint's analysis summarises requireAuth and the second reuses that summary, so the second
  // must still depend on lib/deny.ts, which it never imports itself.
  const endpoint = (model: string) =>
    [
      "import { db } from 'src/lib/db'",
      "import { requireAuth } from 'src/lib/auth'",
      '',
      'export const handler = async () => {',
      '  requireAuth()',
      `  await db.${model}.deleteMany()`,
      '  return { statusCode: 204 }',
      '}',
      '',
    ].join('\n');
  const root = tempProject({
    'api/src/lib/db.ts': 'export const db = {} as any\n',
    'api/src/lib/auth.ts': "import { deny } from 'src/lib/deny'\nexport const requireAuth = () => {\n  if (!context.currentUser) deny()\n}\n",
    'api/src/lib/deny.ts': "export const deny = () => {\n  throw new Error('Unauthenticated')\n}\n",
    'api/src/functions/purgeCarts.ts': endpoint('cart'),
    'api/src/functions/purgeOrders.ts': endpoint('order'),
  });
  const cache = path.join(tempDir('fnscan-cache-'), 'cache');
  const flagged = (text: string) => filesWith(text, 'no-unauthenticated-handler');
  const before = sarif(root, cache);
  assert.deepEqual(flagged(before), [], 'requireAuth rejects through deny()');

  fs.writeFileSync(path.join(root, 'api/src/lib/deny.ts'), 'export const deny = () => {}\n');
  const stale = pending(root, cache);
  assert.ok(stale.includes('api/src/functions/purgeCarts.ts') && stale.includes('api/src/functions/purgeOrders.ts'), stale.join(', '));
  const after = sarif(root, cache);
  assert.deepEqual(flagged(after), ['api/src/functions/purgeCarts.ts', 'api/src/functions/purgeOrders.ts'], 'requireAuth can no longer reject');
  assert.equal(after, sarif(root), 'exactly as an uncached scan of the edited tree');
  // Scanned alone, the second endpoint gets the verdict it gets after the first one.
  const alone = scan(options(root, undefined, { paths: [path.join(root, 'api/src/functions/purgeOrders.ts')] }));
  assert.deepEqual(
    alone.findings.filter((f) => f.ruleId === 'no-unauthenticated-handler').map((f) => path.relative(root, f.location.file)),
    ['api/src/functions/purgeOrders.ts'],
  );
});

test('a scan the cache answers entirely loads neither TypeScript nor the analysis and rule code', () => {
  buildIfStale();
  const { root, cache } = copyApp('acme-store');
  const loads = (): string => {
    const script = [
      `const { run } = require(${JSON.stringify(path.join(REPO, 'dist', 'cli', 'main.js'))});`,
      'const io = { stdout() {}, stderr() {}, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: process.argv[1] };',
      `run(['.', '-f', 'sarif', '--cache', '--cache-location', process.argv[2]], io).then((code) => {`,
      '  const loaded = Object.keys(require.cache);',
      "  const typescript = loaded.some((m) => m.endsWith(require('path').join('typescript', 'lib', 'typescript.js')));",
      `  const dist = ${JSON.stringify(path.join(REPO, 'dist') + path.sep)};`,
      "  const code_ = loaded.filter((m) => m.startsWith(dist)).map((m) => m.slice(dist.length).split(require('path').sep).join('/'));",
      "  const analysis = code_.filter((m) => m.startsWith('analysis/') || (m.startsWith('rules/') && m !== 'rules/index.js' && m !== 'rules/meta.js'));",
      "  process.stdout.write(`${code} typescript=${typescript} analysis=${analysis.length > 0 ? analysis.join(',') : 'none'}`);",
      '});',
    ].join('\n');
    return spawnSync(process.execPath, ['-e', script, root, cache], { encoding: 'utf8' }).stdout;
  };
  assert.match(loads(), /^1 typescript=true analysis=.*rules\/no-unauthenticated-handler\.js/, 'the scan that fills the cache parses and runs the rules');
  // Loading the rules' code reads fnscan's own files: none of that may pass for a dependency of a scanned file.
  const modules = cacheBody<{ modules: Array<[string, string | null]> }>(cache).modules.map(([m]) => m);
  assert.ok(modules.length > 0);
  assert.deepEqual(modules.filter((m) => m.startsWith('..') || path.isAbsolute(m)), [], 'every recorded dependency is a file of the app');
  assert.equal(loads(), '1 typescript=false analysis=none', 'the scan served from the cache does neither');
  fs.appendFileSync(path.join(root, 'api/src/functions/exportOrders.ts'), '\n// edited\n');
  assert.match(loads(), /^1 typescript=true analysis=.*analysis\/behaviour\.js/, 'an edited file is parsed and judged again');
});

test('a module that starts to exist re-judges the files whose import it now resolves', () => {
  const { root, cache } = copyApp('webhook-zoo');
  const endpoint = path.join(root, 'api/src/functions/partnerPing.ts');
  fs.writeFileSync(
    endpoint,
    [
      "import { db } from 'src/lib/db'",
      "import { requireAuth } from 'src/lib/partnerAuth'",
      '',
      'export const handler = async () => {',
      '  requireAuth()',
      '  await db.partner.update({ where: { id: 1 }, data: { seenAt: new Date() } })',
      '  return { statusCode: 204 }',
      '}',
      '',
    ].join('\n'),
  );
  const unresolved = sarif(root, cache);
  fs.writeFileSync(path.join(root, 'api/src/lib/partnerAuth.ts'), 'export const requireAuth = () => true\n');
  assert.ok(pending(root, cache).includes('api/src/functions/partnerPing.ts'));
  const resolved = sarif(root, cache);
  assert.equal(resolved, sarif(root));
  assert.notEqual(resolved, unresolved, 'the stub helper now decides the verdict');
});

test('the cache is keyed on the config and options: another config reuses nothing', () => {
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  assert.deepEqual(pending(root, cache), []);
  const all = pending(root, cache, { config: { rules: { 'no-disabled-tls': 'off' } } });
  assert.equal(all.length, new ScanPlan(options(root)).units.length);
  assert.equal(pending(root, cache, { includeTests: true }).length, new ScanPlan(options(root, undefined, { includeTests: true })).units.length);
  assert.equal(sarif(root, cache, { config: { rules: { 'no-disabled-tls': 'off' } } }), sarif(root, undefined, { config: { rules: { 'no-disabled-tls': 'off' } } }));
});

test("an app's own config edited in place re-judges that app's files, as an uncached scan judges them", (t) => {
  clockAhead(t);
  const base = tempDir('fnscan-cache-configs-');
  const root = path.join(base, 'tree');
  const cache = path.join(base, 'cache');
  const endpoint = "import { db } from 'src/lib/db'\nexport const handler = async () => {\n  await db.user.deleteMany()\n  return { statusCode: 200 }\n}\n";
  const app = (dir: string): Record<string, string> => ({ [`${dir}/redwood.toml`]: '[api]\n', [`${dir}/api/src/functions/purge.ts`]: endpoint });
  writeFiles(root, { ...app('a'), ...app('b'), 'b/fnscan.config.json': JSON.stringify({ publicFunctions: ['purge'] }) });
  const first = sarif(root, cache);
  assert.deepEqual(filesWith(first, 'no-unauthenticated-handler'), ['a/api/src/functions/purge.ts'], "b's own config declares its endpoint public");
  assert.equal(sarif(root, cache), first);
  assert.equal(new ScanPlan(options(root, cache)).phases.answeredBy, 'record', 'nothing changed: the record answers');
  fs.writeFileSync(path.join(root, 'b/fnscan.config.json'), JSON.stringify({ publicFunctions: [] }));
  const edited = sarif(root, cache);
  assert.equal(edited, sarif(root));
  assert.deepEqual(filesWith(edited, 'no-unauthenticated-handler'), ['a/api/src/functions/purge.ts', 'b/api/src/functions/purge.ts']);
});

test("a serverless.ts function's config module edited in place re-judges its handler, as an uncached scan judges it", (t) => {
  clockAhead(t);
  const base = tempDir('fnscan-cache-sls-ts-');
  const root = path.join(base, 'tree');
  const cache = path.join(base, 'cache');
  const config = (http: string) => `export default {\n  handler: \`\${handlerPath(__dirname)}/handler.main\`,\n  events: [{ http: ${http} }],\n}\n`;
  writeFiles(root, {
    'serverless.ts': "import createNote from './src/functions/createNote'\nmodule.exports = { service: 'notes', functions: { createNote } }\n",
    'src/functions/createNote/index.ts': config("{ method: 'post', path: 'notes' }"),
    'src/functions/createNote/handler.ts': "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb'\nconst client = new DynamoDBClient({})\nexport const main = async (event) => {\n  await client.send(new PutItemCommand({ TableName: 'notes', Item: { id: { S: event.body } } }))\n  return { statusCode: 201 }\n}\n",
  });
  const first = sarif(root, cache);
  assert.deepEqual(filesWith(first, 'no-unauthenticated-handler'), ['src/functions/createNote/handler.ts']);
  assert.equal(sarif(root, cache), first);
  assert.equal(new ScanPlan(options(root, cache)).phases.answeredBy, 'record', 'nothing changed: the record answers');
  fs.writeFileSync(path.join(root, 'src/functions/createNote/index.ts'), config("{ method: 'post', path: 'notes', authorizer: 'aws_iam' }"));
  const edited = sarif(root, cache);
  assert.equal(edited, sarif(root));
  assert.deepEqual(filesWith(edited, 'no-unauthenticated-handler'), [], 'IAM now stands in front of the function');
});

test('a corrupt, truncated or foreign cache file is ignored, and replaced by a valid one', () => {
  const { root, cache } = copyApp('acme-store');
  const expected = sarif(root);
  const file = path.join(cache, 'scan-cache.json');
  sarif(root, cache);
  const good = fs.readFileSync(file, 'utf8');
  const tamperedBody = good.replace(/"h":"[^"]+"/, '"h":"0000"');
  const corruptions = [
    'not json at all',
    good.slice(0, good.length >> 1),
    tamperedBody,
    `${JSON.stringify({ format: 1, key: 'x', sum: 'y' })}\n{}`,
    '',
    '\u0000\u0001\u0002',
  ];
  for (const corrupt of corruptions) {
    fs.writeFileSync(file, corrupt);
    assert.equal(new ScanPlan(options(root, cache)).pending.length, new ScanPlan(options(root)).units.length);
    assert.equal(sarif(root, cache), expected);
    assert.deepEqual(pending(root, cache), [], 'the scan wrote a valid cache again');
  }
  fs.rmSync(file);
  fs.mkdirSync(file);
  assert.equal(sarif(root, cache), expected, 'a cache path that is a folder is ignored too');
});

test('the cache is written atomically: a complete file, no temporary files left behind', () => {
  const { root, cache } = copyApp('webhook-zoo');
  sarif(root, cache);
  assert.deepEqual(fs.readdirSync(cache), ['scan-cache.json']);
  const [header] = fs.readFileSync(path.join(cache, 'scan-cache.json'), 'utf8').split('\n', 1);
  assert.equal((JSON.parse(header) as { format: number }).format, 3);
});

test('cached paths are relative: the repository and its cache can move together', () => {
  const { root, cache } = copyApp('webhook-zoo');
  const original = sarif(root, cache);
  const moved = path.join(path.dirname(root), 'moved');
  fs.mkdirSync(moved);
  const movedRoot = path.join(moved, 'webhook-zoo');
  fs.renameSync(root, movedRoot);
  fs.renameSync(cache, path.join(moved, 'cache'));
  assert.deepEqual(pending(movedRoot, path.join(moved, 'cache')), []);
  const text = fs.readFileSync(path.join(moved, 'cache', 'scan-cache.json'), 'utf8');
  assert.ok(!text.includes(path.dirname(root)), 'no absolute path in the cache');
  assert.equal(sarif(movedRoot, path.join(moved, 'cache')), original);
});

test('files removed from the tree are dropped from the cache', () => {
  const { root, cache } = copyApp('webhook-zoo');
  sarif(root, cache);
  fs.rmSync(path.join(root, 'api/src/functions/logFirst.ts'));
  sarif(root, cache);
  const files = stored(root, cache);
  assert.equal(files.has('api/src/functions/logFirst.ts'), false);
  assert.equal(files.has('api/src/functions/githubPush.ts'), true);
});

test('a suppression with an expiry date marks its file as dated, so a cached verdict holds for one day only', () => {
  const dir = tempDir('fnscan-dated-');
  const file = path.join(dir, 'a.ts');
  fs.writeFileSync(file, "// fnscan-disable-next-line no-disabled-tls until=2099-01-01 -- vendor fix pending\nexport const agent = { rejectUnauthorized: false }\n");
  assert.equal(hashFile(file, 1 << 20).dated, true);
  fs.writeFileSync(file, 'export const agent = { rejectUnauthorized: true }\n');
  assert.equal(hashFile(file, 1 << 20).dated, false);
});

test('unchanged files are vouched for by their stat; an edit is seen even when size and mtime are kept', async () => {
  const { root, cache } = copyApp('webhook-zoo');
  // A signature is only trusted once the file is older than the timestamp granularity (2 s).
  await new Promise((resolve) => setTimeout(resolve, 2100));
  const before = sarif(root, cache);
  assert.match(fs.readFileSync(path.join(cache, 'scan-cache.json'), 'utf8'), /"t":"\d+:/, 'signatures recorded');
  assert.deepEqual(pending(root, cache), []);

  const helper = path.join(root, 'api/src/lib/webhooks.ts');
  const { atime, mtime } = fs.statSync(helper);
  const text = fs.readFileSync(helper, 'utf8');
  const edited = text.replace("verifyEvent('sha256Verifier', {\n    event,\n    secret: process.env.GITHUB", "verifyEvent('sha256Verifiex', {\n    event,\n    secret: process.env.GITHUB");
  assert.equal(edited.length, text.length);
  assert.notEqual(edited, text);
  fs.writeFileSync(helper, edited);
  fs.utimesSync(helper, atime, mtime);
  assert.ok(pending(root, cache).includes('api/src/functions/githubPush.ts'));
  const after = sarif(root, cache);
  assert.equal(after, sarif(root));
  assert.notEqual(after, before);
});

test('a file touched but unchanged is read once to find that out, then vouched for by its new stat', async () => {
  const { root, cache } = copyApp('webhook-zoo');
  const wait = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 2100));
  const signatures = (): Map<string, string | undefined> => stored(root, cache);
  const current = (file: string): string => {
    const stat = fs.statSync(path.join(root, file));
    return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}:${stat.dev}`;
  };
  await wait();
  const before = sarif(root, cache);
  // Every file rewritten with the same bytes (as a checkout of another branch and back would).
  for (const file of signatures().keys()) fs.writeFileSync(path.join(root, file), fs.readFileSync(path.join(root, file)));
  await wait();
  assert.ok([...signatures()].every(([file, t]) => t !== current(file)), 'the recorded signatures no longer match');
  assert.deepEqual(pending(root, cache), [], 'same content: nothing is judged again');
  assert.equal(sarif(root, cache), before);
  assert.ok([...signatures()].every(([file, t]) => t === current(file)), 'the cache now holds the new signatures');
});

test('a file judged right after it was written gets its signature on a later scan', async () => {
  const { root, cache } = copyApp('acme-store');
  const signatures = (): Array<string | undefined> => [...stored(root, cache).values()];
  const before = sarif(root, cache);
  assert.ok(signatures().every((t) => t === undefined), 'files younger than 2 s get no signature');
  await new Promise((resolve) => setTimeout(resolve, 2100));
  assert.equal(sarif(root, cache), before);
  assert.ok(signatures().every((t) => t !== undefined), 'once old enough, the hit records one');
});

test('a summary built on a kept one records the file being judged when the kept one read it', () => {
  // w.ts has requireAuth summarised (it reads x.ts, which exports deny). While x.ts is judged,
  // guard() is summarised on top of that kept summary; y.ts then reuses guard's summary, so y.ts
  // must depend on x.ts too, although x.ts was the file being judged when guard was summarised.
  const handler = (imports: string, call: string) =>
    [imports, "import { db } from 'src/lib/db'", '', 'export const handler = async () => {', `  ${call}`, '  await db.cart.deleteMany()', '  return { statusCode: 204 }', '}', ''].join('\n');
  const root = tempProject({
    'api/src/lib/db.ts': 'export const db = {} as any\n',
    'api/src/lib/auth.ts': "import { deny } from 'src/functions/x'\nexport const requireAuth = () => {\n  if (!context.currentUser) deny()\n}\n",
    'api/src/lib/guard.ts': "import { requireAuth } from 'src/lib/auth'\nexport const guard = () => requireAuth()\n",
    'api/src/functions/w.ts': handler("import { requireAuth } from 'src/lib/auth'", 'requireAuth()'),
    'api/src/functions/x.ts':
      handler("import { guard } from 'src/lib/guard'", 'guard()') + "export const deny = () => {\n  throw new Error('Unauthenticated')\n}\n",
    'api/src/functions/y.ts': handler("import { guard } from 'src/lib/guard'", 'guard()'),
  });
  const cache = path.join(tempDir('fnscan-cache-'), 'cache');
  assert.equal(sarif(root, cache), sarif(root));
  const x = path.join(root, 'api/src/functions/x.ts');
  fs.writeFileSync(x, fs.readFileSync(x, 'utf8').replace("throw new Error('Unauthenticated')", 'return'));
  assert.ok(pending(root, cache).includes('api/src/functions/y.ts'));
  assert.equal(sarif(root, cache), sarif(root), 'exactly as an uncached scan of the edited tree');
});

test('a project search shared by several files keeps each of them stale until the searched files are unchanged', () => {
  // Both endpoints call verifyEvent without a secret; the rule then searches the project once for
  // WEBHOOK_SECRET and both files reuse the answer, so a new file that names it re-judges both.
  const endpoint = (header: string) =>
    [
      "import { verifyEvent } from '@redwoodjs/api/webhooks'",
      '',
      'export const handler = async (event) => {',
      `  verifyEvent('sha256Verifier', { event, options: { signatureHeader: '${header}' } })`,
      '  return { statusCode: 204 }',
      '}',
      '',
    ].join('\n');
  const root = tempProject({ 'api/src/functions/forumHook.ts': endpoint('x-forum-signature'), 'api/src/functions/shopHook.ts': endpoint('x-shop-signature') });
  const cache = path.join(tempDir('fnscan-cache-'), 'cache');
  const flagged = (text: string) => filesWith(text, 'require-webhook-secret');
  const both = ['api/src/functions/forumHook.ts', 'api/src/functions/shopHook.ts'];
  assert.deepEqual(flagged(sarif(root, cache)), both, 'no secret anywhere');
  assert.deepEqual(pending(root, cache), []);

  writeFiles(root, { 'api/src/lib/webhookConfig.ts': 'export const secret = process.env.WEBHOOK_SECRET\n' });
  const stale = pending(root, cache);
  assert.ok(both.every((f) => stale.includes(f)), stale.join(', '));
  const after = sarif(root, cache);
  assert.deepEqual(flagged(after), [], 'the secret is configured in the project now');
  assert.equal(after, sarif(root), 'exactly as an uncached scan');
});

test('what many files depend on alike is stored once: the cache grows with the files, not files times dependencies', () => {
  // Each endpoint triggers the project-wide search, so each depends on every file of the project.
  const project = (endpoints: number): Record<string, string> => {
    const files: Record<string, string> = {};
    for (let i = 0; i < endpoints; i++) {
      files[`api/src/functions/hook${i}.ts`] = [
        "import { verifyEvent } from '@redwoodjs/api/webhooks'",
        "import { logger } from 'src/lib/logger'",
        'export const handler = async (event) => {',
        `  verifyEvent('sha256Verifier', { event, options: { signatureHeader: 'x-hook-${i}' } })`,
        "  logger.info('ok')",
        '  return { statusCode: 204 }',
        '}',
        '',
      ].join('\n');
      files[`api/src/services/things${i}/things${i}.ts`] = `export const things${i} = () => ${i}\n`;
    }
    files['api/src/lib/logger.ts'] = 'export const logger = { info: (m) => m }\n';
    return files;
  };
  const cacheBytes = (endpoints: number): { bytes: number; body: { modules: unknown[]; groups: unknown[] } } => {
    const root = tempProject(project(endpoints));
    const cache = path.join(tempDir('fnscan-cache-'), 'cache');
    const text = sarif(root, cache);
    assert.equal(filesWith(text, 'require-webhook-secret').length, endpoints, 'every endpoint ran the search');
    const stored = fs.readFileSync(path.join(cache, 'scan-cache.json'), 'utf8');
    return { bytes: stored.length, body: JSON.parse(stored.slice(stored.indexOf('\n') + 1)) as { modules: unknown[]; groups: unknown[] } };
  };
  const small = cacheBytes(20);
  const large = cacheBytes(80);
  // Per endpoint: itself, its service and the service's folder listing, each a row once, however many files read them.
  assert.ok(large.body.modules.length <= 3 * 80 + 20, `${large.body.modules.length} module rows`);
  assert.ok(large.body.groups.length <= 10, `${large.body.groups.length} groups`);
  // Four times the files, about four times the bytes: a copy of every dependency in every entry would take sixteen.
  assert.ok(large.bytes < 4.5 * small.bytes, `${small.bytes} bytes for 20 endpoints, ${large.bytes} for 80`);
});

test('files a rule reads or lists itself, outside the imports, are dependencies too', () => {
  const { root, cache } = copyApp('acme-store');
  // A rule that searches the project the way a "does anything mention X" check does.
  const searching = defineRule({
    meta: { id: 'searching-rule', title: 'Test', description: 'Test.', precision: 'high', defaultLevel: 'warning', tags: [], messages: { found: 'Notes say {{word}}.' } },
    checkSource(ctx) {
      if (ctx.file.role !== 'endpoint' || !ctx.file.path.endsWith('healthz.ts')) return;
      const notes = path.join(ctx.file.project.root, 'notes');
      const names = fs.existsSync(notes) ? fs.readdirSync(notes) : [];
      for (const name of names) {
        if (fs.readFileSync(path.join(notes, name), 'utf8').includes('DANGER')) ctx.report({ messageId: 'found', data: { word: 'DANGER' }, at: { start: 0, end: 1 } });
      }
    },
  });
  const extra = { rules: [searching] };
  const run = (withCache: boolean): string => sarif(root, withCache ? cache : undefined, extra);
  assert.equal(run(true), run(false));
  fs.mkdirSync(path.join(root, 'notes'));
  fs.writeFileSync(path.join(root, 'notes', 'a.md'), 'all fine\n');
  assert.equal(run(true), run(false), 'a folder that appears');
  fs.writeFileSync(path.join(root, 'notes', 'b.md'), 'DANGER\n');
  const listed = run(true);
  assert.equal(listed, run(false), 'a file added to a listed folder');
  assert.match(listed, /Notes say DANGER/);
  fs.writeFileSync(path.join(root, 'notes', 'b.md'), 'fixed\n');
  assert.equal(run(true), run(false), 'a file read by the rule changes');
  assert.deepEqual(pending(root, cache, extra), []);
});


const journalOf = (cache: string): string => path.join(cache, 'scan-cache.journal');
/**
 * Removes the unchanged-tree record, so that the next scan goes through the scan cache: with it,
 * a scan after a small edit takes the other outcomes from the record and leaves the cache alone.
 */
const dropRecord = (cache: string): void => fs.rmSync(path.join(cache, 'scan-result.json'), { force: true });
const journalLines = (cache: string): string[] => fs.readFileSync(journalOf(cache), 'latin1').split('\n').filter(Boolean);

test('an edit goes to the journal: the cache file stays as written, and the next scan reads both', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  const written = fs.readFileSync(path.join(cache, 'scan-cache.json'));
  assert.equal(fs.existsSync(journalOf(cache)), false, 'a fill writes the whole cache');

  const functions = path.join(root, 'api/src/functions');
  const [first, second] = fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort();
  fs.appendFileSync(path.join(functions, first), '\nexport const debug = { rejectUnauthorized: false }\n');
  dropRecord(cache);
  assert.equal(sarif(root, cache), sarif(root));
  assert.deepEqual(fs.readFileSync(path.join(cache, 'scan-cache.json')), written, 'the cache file is not written again');
  assert.equal(journalLines(cache).length, 1);
  assert.deepEqual(pending(root, cache), [], 'the journaled entry is used');

  fs.rmSync(path.join(functions, second));
  dropRecord(cache);
  assert.equal(sarif(root, cache), sarif(root));
  assert.equal(journalLines(cache).length, 2);
  assert.equal(stored(root, cache).has(`api/src/functions/${second}`), false, 'a removal is journaled too');
  assert.deepEqual(pending(root, cache), []);
});

test('a journal line that does not check out is left out: its files are judged again, with the same results', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  const functions = path.join(root, 'api/src/functions');
  const endpoint = fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort()[0];
  fs.appendFileSync(path.join(functions, endpoint), '\nexport const debug = { rejectUnauthorized: false }\n');
  dropRecord(cache);
  sarif(root, cache);
  const [line] = journalLines(cache);
  const space = line.indexOf(' ');
  const header = JSON.parse(line.slice(0, space)) as Record<string, unknown>;
  const body = line.slice(space + 1);
  const spoilt = [
    `${JSON.stringify({ ...header, base: 'another-cache-file' })} ${body}`,
    `${JSON.stringify({ ...header, key: 'another' })} ${body}`,
    // Valid JSON of the right shape: only the sum shows the change.
    `${JSON.stringify(header)} ${body.replace('"error"', '"note"')}`,
    line.slice(0, line.length - 20),
    'not a journal line',
  ];
  const expected = sarif(root);
  for (const text of spoilt) {
    fs.writeFileSync(journalOf(cache), `${text}\n`);
    assert.deepEqual(pending(root, cache), [`api/src/functions/${endpoint}`], text.slice(0, 60));
    assert.equal(sarif(root, cache), expected);
  }
  // Lines after a bad one still apply.
  fs.writeFileSync(journalOf(cache), `not a journal line\n${line}\n`);
  assert.deepEqual(pending(root, cache), []);
});

test('the journal is folded into the cache file once it would outgrow a quarter of it (at least 256 KB)', (t) => {
  clockAhead(t);
  const root = tempProject({
    'api/src/functions/hello.ts': "export const handler = async () => ({ statusCode: 200, body: 'hi' })\n",
    'api/src/lib/agents.ts': 'export const agents = [\n' + '  { rejectUnauthorized: false },\n'.repeat(2000) + ']\n',
  });
  const cache = path.join(root, 'node_modules/.cache/fnscan');
  sarif(root, cache);
  const hello = path.join(root, 'api/src/functions/hello.ts');
  fs.appendFileSync(hello, '// edited\n');
  dropRecord(cache);
  sarif(root, cache);
  assert.equal(journalLines(cache).length, 1, 'a small change goes to the journal');
  const before = fs.readFileSync(path.join(cache, 'scan-cache.json'));
  // 2,000 findings in the changed file: far more than the journal may hold.
  fs.appendFileSync(path.join(root, 'api/src/lib/agents.ts'), '// edited\n');
  dropRecord(cache);
  assert.equal(sarif(root, cache), sarif(root));
  assert.equal(fs.existsSync(journalOf(cache)), false, 'the journal is folded in and removed');
  assert.notDeepEqual(fs.readFileSync(path.join(cache, 'scan-cache.json')), before);
  assert.deepEqual(pending(root, cache), []);
});

test('a journal planted as a link is replaced, never written through', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  const target = path.join(tempDir('fnscan-outside-'), 'precious.txt');
  fs.writeFileSync(target, 'keep me\n');
  fs.symlinkSync(target, journalOf(cache));
  const functions = path.join(root, 'api/src/functions');
  fs.appendFileSync(path.join(functions, fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort()[0]), '\n// edited\n');
  dropRecord(cache);
  assert.equal(sarif(root, cache), sarif(root));
  assert.equal(fs.readFileSync(target, 'utf8'), 'keep me\n');
  assert.equal(fs.lstatSync(journalOf(cache)).isFile(), true);
  assert.deepEqual(pending(root, cache), []);
});

test('a folder planted where the journal goes changes no result and does not stop the cache from being written', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  fs.mkdirSync(journalOf(cache));
  const functions = path.join(root, 'api/src/functions');
  fs.appendFileSync(path.join(functions, fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort()[0]), '\n// edited\n');
  dropRecord(cache);
  const result = scan(options(root, cache));
  assert.equal(result.cacheNotWritten, undefined, 'the whole cache is written instead');
  assert.equal(formatSarif(result, { root, category: 'fnscan', includeSuppressed: true, toolVersion: '0.0.0' }), sarif(root));
  assert.deepEqual(pending(root, cache), []);
});

test('a Pages _middleware that starts to exist, and an edit to a mounted router, re-judge the routes behind them', () => {
  const base = tempDir('fnscan-cache-routes-');
  const root = path.join(base, 'site');
  const cache = path.join(base, 'cache');
  writeFiles(root, {
    'package.json': JSON.stringify({ name: 'site', private: true, scripts: { deploy: 'wrangler pages deploy dist' } }),
    'functions/api/admin/reset.ts': "export const onRequestPost = async ({ env }) => {\n  await env.DB.prepare('DELETE FROM users').run()\n  return new Response(null, { status: 204 })\n}\n",
    'functions/api/app.ts': "import { Hono } from 'hono'\nimport { handle } from 'hono/cloudflare-pages'\nimport users from '../../lib/users'\nconst app = new Hono()\napp.route('/api/app/users', users)\nexport const onRequest = handle(app)\n",
    'lib/users.ts': "import { Hono } from 'hono'\nconst users = new Hono()\nusers.delete('/:id', async (c) => {\n  await c.env.DB.prepare('DELETE FROM users WHERE id = ?').bind(c.req.param('id')).run()\n  return c.body(null, 204)\n})\nexport default users\n",
  });
  const before = sarif(root, cache);
  assert.deepEqual(filesWith(before, 'no-unauthenticated-handler'), ['functions/api/admin/reset.ts', 'functions/api/app.ts']);
  writeFiles(root, {
    'functions/api/admin/_middleware.ts': "export const onRequest = async (context) => {\n  if (context.request.headers.get('x-admin-key') !== context.env.ADMIN_KEY) return new Response('Forbidden', { status: 403 })\n  return context.next()\n}\n",
    'lib/users.ts': "import { Hono } from 'hono'\nimport { bearerAuth } from 'hono/bearer-auth'\nconst users = new Hono()\nusers.use('*', bearerAuth({ verifyToken: async (token, c) => token === c.env.USERS_TOKEN }))\nusers.delete('/:id', async (c) => {\n  await c.env.DB.prepare('DELETE FROM users WHERE id = ?').bind(c.req.param('id')).run()\n  return c.body(null, 204)\n})\nexport default users\n",
  });
  const after = sarif(root, cache);
  assert.equal(after, sarif(root));
  assert.deepEqual(filesWith(after, 'no-unauthenticated-handler'), []);
});

test("a Worker's entry moved in wrangler.toml: the cached scan judges the new entry, as an uncached one does", () => {
  const base = tempDir('fnscan-cache-worker-');
  const root = path.join(base, 'worker');
  const cache = path.join(base, 'cache');
  const purge = "export default {\n  async fetch(request, env) {\n    await env.DB.prepare('DELETE FROM users').run()\n    return new Response('ok')\n  },\n}\n";
  writeFiles(root, { 'wrangler.toml': 'name = "api"\nmain = "src/old.ts"\n', 'src/old.ts': purge, 'src/index.ts': purge });
  assert.deepEqual(filesWith(sarif(root, cache), 'no-unauthenticated-handler'), ['src/old.ts']);
  writeFiles(root, { 'wrangler.toml': 'name = "api"\nmain = "src/index.ts"\n' });
  const after = sarif(root, cache);
  assert.equal(after, sarif(root));
  assert.deepEqual(filesWith(after, 'no-unauthenticated-handler'), ['src/index.ts']);
});
