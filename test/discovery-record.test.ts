import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ScanPlan, type ScanOptions } from '../src/core/engine';
import { discover } from '../src/core/project';
import { probeFolderTimes } from '../src/core/discovery-record';
import { fixtureApps } from './support/fixtures';
import { tempDir, writeFiles } from './support/project';
import { clockAhead, restoreTimes } from './support/clock';
import { copyFixtureApp, scanOptions as options, scanSarif as sarif } from './support/cached';

const copyApp = (app: string): { root: string; cache: string } => copyFixtureApp(app, 'fnscan-discovery-');

/**
 * The discovery record (src/core/discovery-record.ts): a `--cache` scan of a tree whose folders
 * and project files did not change takes what discovery found from the record, with one `stat`
 * per folder. Folders count as changed by their stat signature (adding, removing or renaming an
 * entry moves its folder's times). These move the clock a minute ahead (`clockAhead`) so that the
 * folders just written count as old enough to vouch for, as a real tree's would.
 */

/** How a `--cache` scan's discovery went: replayed from the record, or walked (how many folders it read from the disk). */
function discoveryOf(root: string, cache: string, extra: Partial<ScanOptions> = {}): { replayed: boolean; how: string; reused: number; read: number } {
  const listings = new ScanPlan(options(root, cache, extra)).folderListings!;
  return { ...listings, replayed: listings.how === 'replayed' };
}

/** What discovery found, as plain data: the files with their kind and project, the projects, what it skipped. */
function found(plan: ScanPlan | ReturnType<typeof discover>): unknown {
  const discovery = plan instanceof ScanPlan ? (plan as unknown as { discovery: ReturnType<typeof discover> }).discovery : plan;
  return {
    files: discovery.files.map((f) => [f.path, f.kind, JSON.stringify(f.project)]),
    projects: JSON.stringify(discovery.projects),
    skipped: discovery.skipped,
  };
}

const ENDPOINT = 'export const handler = async () => {\n  await db.user.deleteMany()\n  return { statusCode: 200 }\n}\n';

for (const app of fixtureApps()) {
  test(`${app}: discovery replayed from the record finds what walking the tree finds, and the SARIF is the uncached one`, (t) => {
    clockAhead(t);
    const { root, cache } = copyApp(app);
    const uncached = sarif(root);
    assert.equal(sarif(root, cache), uncached);
    const plan = new ScanPlan(options(root, cache));
    assert.equal(plan.folderListings!.how, 'replayed');
    assert.deepEqual(found(plan), found(discover([root], { ignore: [], followSymlinks: false })));
    assert.equal(sarif(root, cache), uncached);
  });
}

test('an endpoint added to a listed folder is found: the folder\'s signature changed, even with its mtime put back', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  const functions = path.join(root, 'api/src/functions');
  const reference = path.join(path.dirname(root), 'times');
  fs.writeFileSync(reference, '');
  restoreTimes(reference, functions);
  sarif(root, cache);
  assert.equal(discoveryOf(root, cache).replayed, true);
  fs.writeFileSync(path.join(functions, 'purgeUsers.ts'), ENDPOINT);
  // The folder's mtime as it was: only its change time tells.
  restoreTimes(functions, reference);
  assert.equal(fs.statSync(functions).mtimeMs, fs.statSync(reference).mtimeMs);
  const uncached = sarif(root);
  assert.match(uncached, /purgeUsers\.ts/, 'the new endpoint has a finding');
  const walked = discoveryOf(root, cache);
  assert.equal(walked.replayed, false);
  assert.equal(walked.read, 1, 'only the changed folder was read from the disk');
  assert.equal(sarif(root, cache), uncached);
  assert.equal(discoveryOf(root, cache).replayed, true, 'recorded again');
  assert.equal(sarif(root, cache), uncached);
});

test('files removed, a folder added, a file replaced by a folder: each found as a walk finds it', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('webhook-zoo');
  sarif(root, cache);
  const functions = path.join(root, 'api/src/functions');
  const changes: Array<[string, () => void]> = [
    ['a file removed', () => fs.rmSync(path.join(functions, fs.readdirSync(functions).find((n) => n.endsWith('.ts'))!))],
    ['a folder with an endpoint added', () => writeFiles(functions, { 'purge/purge.ts': ENDPOINT })],
    ['a file replaced by a folder', () => {
      const file = path.join(root, 'api/src/lib', fs.readdirSync(path.join(root, 'api/src/lib')).find((n) => n.endsWith('.ts'))!);
      fs.rmSync(file);
      writeFiles(file, { 'index.ts': 'export const requireAuth = () => true\n' });
    }],
  ];
  for (const [change, apply] of changes) {
    assert.equal(discoveryOf(root, cache).replayed, true, `before: ${change}`);
    apply();
    assert.equal(discoveryOf(root, cache).replayed, false, change);
    assert.deepEqual(found(new ScanPlan(options(root, cache))), found(discover([root], { ignore: [], followSymlinks: false })), change);
    assert.equal(sarif(root, cache), sarif(root), change);
  }
});

test('a project file discovery read (tsconfig paths) or looked for (a marker above the scanned folder) changed: discovery runs again', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  assert.equal(discoveryOf(root, cache).replayed, true);
  // The api tsconfig's paths are part of the project: another alias, another project.
  const tsconfig = path.join(root, 'api/tsconfig.json');
  const config = fs.existsSync(tsconfig) ? (JSON.parse(fs.readFileSync(tsconfig, 'utf8')) as { compilerOptions?: Record<string, unknown> }) : {};
  const compilerOptions = { ...config.compilerOptions, paths: { ...(config.compilerOptions?.paths as object), 'shared/*': ['src/lib/*'] } };
  fs.writeFileSync(tsconfig, JSON.stringify({ ...config, compilerOptions }));
  assert.equal(discoveryOf(root, cache).replayed, false, 'tsconfig changed');
  assert.deepEqual(found(new ScanPlan(options(root, cache))), found(discover([root], { ignore: [], followSymlinks: false })));
  assert.equal(sarif(root, cache), sarif(root));

  // A folder that is no app, scanned on its own: a redwood.toml written above it makes it part of one.
  const base = tempDir('fnscan-discovery-marker-');
  const api = path.join(base, 'api');
  writeFiles(api, { 'src/functions/purge.ts': ENDPOINT });
  const apiCache = path.join(base, 'cache');
  sarif(api, apiCache);
  assert.equal(discoveryOf(api, apiCache).replayed, true);
  fs.writeFileSync(path.join(base, 'redwood.toml'), '[web]\n');
  assert.equal(discoveryOf(api, apiCache).replayed, false, 'a marker above');
  assert.equal(sarif(api, apiCache), sarif(api));
});

test('folders changed within the last 2 seconds are not vouched for: nothing is replayed until they settle', () => {
  // The real clock: the folders were just written.
  const { root, cache } = copyApp('acme-store');
  for (const dir of [root, path.join(root, 'api'), path.join(root, 'api/src'), path.join(root, 'api/src/functions')]) fs.utimesSync(dir, new Date(), new Date());
  sarif(root, cache);
  const again = discoveryOf(root, cache);
  assert.equal(again.replayed, false);
  assert.ok(again.read >= 4, `the recent folders were read from the disk (${again.read})`);
});

test('a tree with a symlink is walked every time, with the uncached result', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  const lib = path.join(root, 'api/src/lib');
  const target = path.join(lib, fs.readdirSync(lib).find((n) => n.endsWith('.ts'))!);
  fs.symlinkSync(target, path.join(lib, 'linked.ts'));
  sarif(root, cache);
  assert.equal(discoveryOf(root, cache).replayed, false);
  assert.equal(sarif(root, cache), sarif(root));
});

test('the record answers only for the same inputs: another scanned path or config walks again', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  assert.equal(discoveryOf(root, cache).replayed, true);
  const ignoring = { config: { ignore: ['api/src/lib/**'] } };
  assert.equal(discoveryOf(root, cache, ignoring).replayed, false, 'another config');
  assert.equal(sarif(root, cache, ignoring), sarif(root, undefined, ignoring));
  const api = path.join(root, 'api');
  assert.equal(discoveryOf(api, cache, { paths: [api] }).replayed, false, 'another path');
  assert.equal(sarif(root, cache), sarif(root));
});

test('a corrupt, truncated or foreign record is ignored, and a valid one written again', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('webhook-zoo');
  const expected = sarif(root, cache);
  const file = path.join(cache, 'scan-discovery.json');
  const valid = fs.readFileSync(file);
  const body = valid.subarray(valid.indexOf(0x0a) + 1).toString('utf8');
  const header = JSON.parse(valid.subarray(0, valid.indexOf(0x0a)).toString('utf8')) as Record<string, unknown>;
  const corruptions = [
    valid.subarray(0, valid.length - 40),
    Buffer.from(valid.toString('utf8').replace('"replayable":true', '"replayable":false')),
    Buffer.from(`${JSON.stringify({ ...header, format: 99 })}\n${body}`),
    Buffer.from('\u0000\u0001\u0002'),
    Buffer.from(''),
  ];
  for (const corrupt of corruptions) {
    fs.writeFileSync(file, corrupt);
    assert.equal(discoveryOf(root, cache).replayed, false);
    assert.equal(sarif(root, cache), expected);
    assert.equal(discoveryOf(root, cache).replayed, true, 'written again');
  }
});

test('the probe: adding and removing a file moves a folder\'s mtime here; a file system where it does not leaves no record', (t) => {
  clockAhead(t);
  const location = tempDir('fnscan-probe-');
  assert.equal(probeFolderTimes(location), fs.statSync(location).dev);
  assert.deepEqual(fs.readdirSync(location), [], 'the probe leaves nothing behind');

  // A file system that keeps folder times as they were: the probe sees its folder unmoved.
  const { root, cache } = copyApp('acme-store');
  const statSync = fs.statSync;
  t.mock.method(fs, 'statSync', function (this: unknown, ...args: Parameters<typeof fs.statSync>) {
    const stat = statSync.apply(this, args) as fs.Stats;
    if (typeof args[0] === 'string' && path.basename(args[0]).startsWith('.folder-probe-')) return Object.assign(Object.create(Object.getPrototypeOf(stat) as object) as fs.Stats, stat, { mtimeMs: 0 });
    return stat;
  });
  assert.equal(probeFolderTimes(location), undefined);
  assert.equal(sarif(root, cache), sarif(root));
  assert.equal(fs.existsSync(path.join(cache, 'scan-discovery.json')), false, 'no record');
  assert.equal(discoveryOf(root, cache).replayed, false);
});

test('the record is the same bytes for the same tree, and a walk that finds the same does not write it again', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('monorepo');
  sarif(root, cache);
  const file = path.join(cache, 'scan-discovery.json');
  const first = fs.readFileSync(file);
  fs.rmSync(file);
  sarif(root, cache);
  assert.deepEqual(fs.readFileSync(file), first);
  // A symlink makes every scan walk; each walk finds what the record holds.
  fs.symlinkSync('package.json', path.join(root, 'linked.json'));
  assert.equal(discoveryOf(root, cache).how, 'walked');
  // Every write renames a new file into place: the same inode means no write.
  const written = fs.statSync(file).ino;
  assert.equal(discoveryOf(root, cache).how, 'walked');
  assert.equal(fs.statSync(file).ino, written, 'not written again');
});

test('in a tree the record was not written in (a fresh checkout with the cache restored) discovery walks without recording and stats alone are not written, then the next scan records', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  assert.equal(discoveryOf(root, cache).how, 'replayed');
  // Another copy of the tree (new folders, as `git clone` makes) with a copy of the cache, at the same place.
  const moved = `${root}-old`;
  fs.renameSync(root, moved);
  fs.cpSync(moved, root, { recursive: true });
  const restore = (name: string): string => {
    fs.cpSync(cache, `${cache}-${name}`, { recursive: true });
    return `${cache}-${name}`;
  };
  const uncached = sarif(root);
  // The scan cache's files (the cache and its journal, if any), by name.
  const scanCache = (dir: string): Record<string, string> =>
    Object.fromEntries(fs.readdirSync(dir).filter((n) => n.startsWith('scan-cache')).map((n) => [n, fs.readFileSync(path.join(dir, n), 'latin1')]));
  // No file here has the stat the unchanged-tree record was written with: planning goes straight
  // to the scan cache's lookups (by content) and never opens that record.
  const probe = restore('probe');
  const opened: string[] = [];
  const openSync = fs.openSync;
  const spy = t.mock.method(fs, 'openSync', (...args: Parameters<typeof fs.openSync>) => {
    opened.push(path.basename(String(args[0])));
    return openSync(...args);
  });
  assert.equal(new ScanPlan(options(root, probe)).phases.answeredBy, 'lookups');
  spy.mock.restore();
  assert.ok(opened.includes('scan-cache.json'), 'the scan cache was opened (the spy sees the reads)');
  assert.deepEqual(opened.filter((name) => name === 'scan-result.json' || name === 'scan-units.json'), []);
  const ci = restore('ci');
  const restoredCache = scanCache(ci);
  assert.equal(sarif(root, ci), uncached, 'a scan in the new tree');
  // Only stats changed (every file is found by its content): the scan cache is not written for stats the next checkout will not have.
  assert.deepEqual(scanCache(ci), restoredCache, 'the scan cache as restored');
  // An endpoint added in such a tree is judged, and the cache written with it.
  fs.writeFileSync(path.join(root, 'api/src/functions/purgeUsers.ts'), ENDPOINT);
  const ci2 = restore('ci2');
  assert.equal(sarif(root, ci2), sarif(root));
  assert.notDeepEqual(scanCache(ci2), restoredCache, 'a judged file is written');
  fs.rmSync(path.join(root, 'api/src/functions/purgeUsers.ts'));
  const restored = restore('local');
  assert.equal(discoveryOf(root, restored).how, 'new tree');
  const marked = fs.readFileSync(path.join(restored, 'scan-discovery.json'), 'utf8');
  assert.equal(marked.split('\n').filter(Boolean).length, 2, 'the record names the tree and holds nothing else');
  // A developer's next scan in that tree records it, and the one after replays it.
  assert.equal(discoveryOf(root, restored).how, 'walked');
  assert.equal(discoveryOf(root, restored).how, 'replayed');
  assert.equal(sarif(root, restored), uncached);
});

test('a project file that changes while discovery runs, after discovery read it, is not vouched for', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  const tsconfig = path.join(root, 'api/tsconfig.json');
  assert.ok(fs.existsSync(tsconfig));
  // Once discovery has read the file and closed it, the file gets another alias: what discovery made of it is already stale.
  const open = fs.openSync;
  const close = fs.closeSync;
  const opened = new Map<number, string>();
  let changed = false;
  const watchOpen = t.mock.method(fs, 'openSync', (...args: Parameters<typeof fs.openSync>) => {
    const fd = open(...args);
    if (typeof args[0] === 'string') opened.set(fd, args[0]);
    return fd;
  });
  const watchClose = t.mock.method(fs, 'closeSync', (fd: number) => {
    close(fd);
    if (opened.get(fd) === tsconfig && !changed) {
      changed = true;
      fs.writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { paths: { 'shared/*': ['src/lib/*'] } } }));
    }
  });
  sarif(root, cache);
  assert.ok(changed, 'the file was changed after discovery read it');
  // The clock stays a minute ahead: the rewritten file is old enough to vouch for by its stat.
  watchOpen.mock.restore();
  watchClose.mock.restore();
  assert.notEqual(discoveryOf(root, cache).how, 'replayed');
  assert.deepEqual(found(new ScanPlan(options(root, cache))), found(discover([root], { ignore: [], followSymlinks: false })));
  assert.equal(sarif(root, cache), sarif(root));
});

test('a root folder with the inode of the recorded one but another creation time is another tree (runners made from one image)', (t) => {
  clockAhead(t);
  const { root, cache } = copyApp('acme-store');
  sarif(root, cache);
  assert.equal(discoveryOf(root, cache).how, 'replayed');
  const statSync = fs.statSync;
  t.mock.method(fs, 'statSync', function (this: unknown, ...args: Parameters<typeof fs.statSync>) {
    const stat = statSync.apply(this, args) as fs.Stats;
    if (args[0] !== root) return stat;
    return Object.assign(Object.create(Object.getPrototypeOf(stat) as object) as fs.Stats, stat, { birthtimeMs: stat.birthtimeMs + 1 });
  });
  assert.equal(discoveryOf(root, cache).how, 'new tree');
});
