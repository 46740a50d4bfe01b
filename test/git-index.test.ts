import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { ScanPlan } from '../src/core/engine';
import { parseIndex, readGitIndex, vouchedBlob, type GitIndex } from '../src/core/gitindex';
import { ContentHashes } from '../src/core/cache';
import { statSignature } from '../src/core/signature';
import { FIXTURES } from './support/fixtures';
import { tempDir } from './support/project';
import { clockAhead, restoreTimes } from './support/clock';
import { scanOptions as options, scanSarif as sarif } from './support/cached';

/**
 * src/core/gitindex.ts reads git's index as data so that a fresh checkout with a restored cache
 * finds its entries without reading every file. These build real repositories with the git on
 * this machine and check the reader against git's own listing, and the cache against uncached
 * scans.
 */

const HAS_GIT = spawnSync('git', ['--version']).status === 0;

/** Runs git in `cwd` with no user or system configuration; its stdout. */
function git(cwd: string, ...args: string[]): string {
  const run = spawnSync('git', ['-c', 'user.email=fnscan@example.invalid', '-c', 'user.name=fnscan', '-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', '-c', 'core.quotePath=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: cwd },
  });
  assert.equal(run.status, 0, `git ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

function skipWithoutGit(t: TestContext): boolean {
  if (!HAS_GIT) t.skip('git is not installed');
  return !HAS_GIT;
}

/** Waits past the timestamp tick, so that the index git writes next is newer than the files written before. */
function nextTick(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
}

/** A repository with these files committed; its real path. */
function repo(files: Record<string, string>, ...initArgs: string[]): string {
  const root = fs.realpathSync(tempDir('fnscan-git-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  git(root, 'init', '-q', ...initArgs);
  nextTick();
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'files');
  return root;
}

/** Git's own view of its index: each stage-0 path with its mode, blob and recorded stat. */
function gitListing(root: string): Map<string, { mode: string; blob: string; ino: number; size: number; mtimeMs: number; ctimeMs: number }> {
  const listing = new Map<string, { mode: string; blob: string; ino: number; size: number; mtimeMs: number; ctimeMs: number }>();
  const lines = git(root, 'ls-files', '--stage', '--debug').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = /^(\d+) ([0-9a-f]{40}) 0\t(.+)$/.exec(lines[i]);
    if (!head) continue;
    const time = (line: string): number => {
      const [s, ns] = line.trim().split(/\s+/)[1].split(':').map(Number);
      return s * 1000 + ns / 1e6;
    };
    const ino = Number(/ino: (\d+)/.exec(lines[i + 3])![1]);
    const size = Number(/size: (\d+)/.exec(lines[i + 5])![1]);
    listing.set(head[3], { mode: head[1], blob: head[2], ino, size, ctimeMs: time(lines[i + 1]), mtimeMs: time(lines[i + 2]) });
  }
  return listing;
}

function indexOf(root: string): GitIndex {
  const index = readGitIndex(root);
  assert.ok(index, 'a usable index');
  return index;
}

function vouched(index: GitIndex, file: string): string | undefined {
  return vouchedBlob(index, file, statSignature(fs.statSync(file)));
}

const FILES = {
  'api/src/functions/hook.ts': 'export const handler = async () => ({ statusCode: 200 })\n',
  'api/src/lib/auth.ts': 'export const requireAuth = () => {}\n',
  'web/src/App.tsx': 'export const App = () => null\n',
  'redwood.toml': '[web]\n',
  'ünïcode/naïve.ts': 'export const a = 1\n',
};

for (const version of ['2', '3', '4']) {
  test(`index version ${version}: every regular file with the blob and stat git lists`, (t) => {
    if (skipWithoutGit(t)) return;
    const root = repo(FILES);
    if (version === '3') git(root, 'update-index', '--skip-worktree', 'redwood.toml');
    else git(root, 'update-index', '--index-version', version);
    const index = indexOf(root);
    const listing = gitListing(root);
    const expected = [...listing].filter(([name]) => version !== '3' || name !== 'redwood.toml');
    assert.deepEqual([...index.entries.keys()].sort(), expected.map(([name]) => name).sort());
    for (const [name, entry] of expected) {
      const read = index.entries.get(name)!;
      assert.equal(read.blob, entry.blob, name);
      assert.equal(read.ino, entry.ino, name);
      assert.equal(read.size, entry.size, name);
      assert.ok(Math.abs(read.mtimeMs - entry.mtimeMs) < 0.001 && Math.abs(read.ctimeMs - entry.ctimeMs) < 0.001, name);
    }
    assert.equal(index.worktree, root);
  });
}

test('entries git does not vouch for by stat are left out: assumed unchanged, skip-worktree, intent-to-add, conflicts, links, submodules', (t) => {
  if (skipWithoutGit(t)) return;
  const root = repo(FILES);
  git(root, 'update-index', '--assume-unchanged', 'api/src/lib/auth.ts');
  git(root, 'update-index', '--skip-worktree', 'web/src/App.tsx');
  fs.writeFileSync(path.join(root, 'new.ts'), 'export const b = 2\n');
  git(root, 'add', '-N', 'new.ts');
  fs.symlinkSync('redwood.toml', path.join(root, 'link.toml'));
  git(root, 'add', 'link.toml');
  const blob = git(root, 'rev-parse', 'HEAD:redwood.toml').trim();
  git(root, 'update-index', '--add', '--cacheinfo', `160000,${git(root, 'rev-parse', 'HEAD').trim()},vendor/sub`);
  // A conflict: stages 1 to 3 of one path, as a merge leaves them.
  const conflict = [1, 2, 3].map((stage) => `100644 ${blob} ${stage}\tconflicted.ts`).join('\n');
  spawnSync('git', ['update-index', '--index-info'], { cwd: root, input: `${conflict}\n` });
  assert.match(git(root, 'ls-files', '--stage'), /conflicted\.ts/);
  const index = indexOf(root);
  assert.deepEqual([...index.entries.keys()].sort(), ['api/src/functions/hook.ts', 'redwood.toml', 'ünïcode/naïve.ts']);
});

test('an index this reader does not take gives none: split, SHA-256 objects, corrupt, truncated, not an index', (t) => {
  if (skipWithoutGit(t)) return;
  const split = repo(FILES);
  git(split, 'update-index', '--split-index');
  assert.equal(readGitIndex(split), undefined, 'split index');

  const sha256 = repo(FILES, '--object-format=sha256');
  assert.equal(readGitIndex(sha256), undefined, 'SHA-256 object ids');

  const root = repo(FILES);
  const file = path.join(root, '.git', 'index');
  const bytes = fs.readFileSync(file);
  assert.ok(parseIndex(bytes), 'the index as written');
  const flipped = Buffer.from(bytes);
  flipped[40] ^= 1;
  assert.equal(parseIndex(flipped), undefined, 'a flipped bit fails the checksum');
  for (const cut of [0, 12, 40, bytes.length - 21]) assert.equal(parseIndex(bytes.subarray(0, cut)), undefined, `cut at ${cut}`);
  fs.writeFileSync(file, 'not an index at all, but long enough to be read');
  assert.equal(readGitIndex(root), undefined, 'not an index');
  fs.rmSync(file);
  fs.mkdirSync(file);
  assert.equal(readGitIndex(root), undefined, 'a folder in its place');
  assert.equal(readGitIndex(tempDir('fnscan-no-git-')), undefined, 'no repository');
});

test('an index with more entries than the scan may hash files is not read at all', (t) => {
  if (skipWithoutGit(t)) return;
  const root = repo(FILES);
  assert.equal(readGitIndex(root, Object.keys(FILES).length - 1), undefined);
  assert.equal(indexOf(root).entries.size, Object.keys(FILES).length);
  assert.ok(readGitIndex(root, Object.keys(FILES).length));
});

test('an index altered anywhere, its checksum made to hold, is read or refused but never throws', (t) => {
  if (skipWithoutGit(t)) return;
  const root = repo(FILES);
  git(root, 'update-index', '--skip-worktree', 'redwood.toml');
  const v3 = fs.readFileSync(path.join(root, '.git', 'index'));
  git(root, 'update-index', '--no-skip-worktree', 'redwood.toml');
  git(root, 'update-index', '--index-version', '4');
  const v4 = fs.readFileSync(path.join(root, '.git', 'index'));
  const sealed = (body: Buffer): Buffer => Buffer.concat([body, crypto.createHash('sha1').update(body).digest()]);
  fc.assert(
    fc.property(fc.constantFrom(v3, v4), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat(), (index, flips, cut) => {
      const body = Buffer.from(index.subarray(0, index.length - 20));
      for (const [at, value] of flips) body[at % body.length] = value;
      // Cut anywhere (or not at all), so truncated entries, names and extensions are all met.
      const entries = parseIndex(sealed(body.subarray(0, cut % (body.length + 1))));
      assert.ok(entries === undefined || entries instanceof Map);
    }),
    { numRuns: 400, seed: 20261206 },
  );
});

test('a linked worktree (a `.git` file naming its folder) has its own index', (t) => {
  if (skipWithoutGit(t)) return;
  const root = repo(FILES);
  const linked = path.join(fs.realpathSync(tempDir('fnscan-git-worktree-')), 'linked');
  git(root, 'worktree', 'add', '-q', linked);
  assert.ok(fs.statSync(path.join(linked, '.git')).isFile());
  const index = indexOf(path.join(linked, 'api'));
  assert.equal(index.worktree, linked);
  assert.deepEqual([...index.entries.keys()].sort(), [...indexOf(root).entries.keys()].sort());
});

test('a file vouches for its blob only with the stat git recorded, and only when older than the index', (t) => {
  if (skipWithoutGit(t)) return;
  const root = repo(FILES);
  const hook = path.join(root, 'api/src/functions/hook.ts');
  const listing = gitListing(root);
  let index = indexOf(root);
  assert.equal(vouched(index, hook), listing.get('api/src/functions/hook.ts')!.blob);
  assert.equal(vouched(index, path.join(root, 'ünïcode/naïve.ts')), listing.get('ünïcode/naïve.ts')!.blob);
  const outside = path.join(tempDir('fnscan-outside-'), 'hook.ts');
  fs.copyFileSync(hook, outside);
  assert.equal(vouched(index, outside), undefined, 'outside the work tree');

  // Rewritten with the same size, its mtime put back exactly: the change time still differs.
  const stat = fs.statSync(hook);
  const reference = path.join(tempDir('fnscan-times-'), 'times');
  fs.writeFileSync(reference, '');
  restoreTimes(reference, hook);
  nextTick();
  fs.writeFileSync(hook, fs.readFileSync(hook, 'utf8').replace('200', '201'));
  restoreTimes(hook, reference);
  assert.equal(fs.statSync(hook).size, stat.size);
  assert.equal(fs.statSync(hook).mtimeMs, stat.mtimeMs);
  assert.equal(vouched(index, hook), undefined, 'rewritten in place');

  // Staged again: the index vouches for the new blob.
  nextTick();
  git(root, 'add', 'api/src/functions/hook.ts');
  index = indexOf(root);
  assert.equal(vouched(index, hook), gitListing(root).get('api/src/functions/hook.ts')!.blob);
  assert.notEqual(vouched(index, hook), listing.get('api/src/functions/hook.ts')!.blob);

  // An entry as new as the index itself may hide a write in the same tick: not vouched for.
  const entry = index.entries.get('api/src/functions/hook.ts')!;
  assert.equal(vouchedBlob({ ...index, writtenMs: entry.mtimeMs }, hook, statSignature(fs.statSync(hook))), undefined);
});

test('files hashed before the index was consulted (the record\'s check) do not stop it being consulted later', (t) => {
  if (skipWithoutGit(t)) return;
  clockAhead(t);
  const root = repo(FILES);
  const hook = path.join(root, 'api/src/functions/hook.ts');
  const auth = path.join(root, 'api/src/lib/auth.ts');
  const blob = gitListing(root).get('api/src/lib/auth.ts')!.blob;
  // What a restored cache would say of auth.ts: hashed with this blob, under another stat.
  const hashes = new ContentHashes(1 << 20, (file) => (file === auth ? { signature: undefined, blob, hash: 'from the cache', dated: false } : undefined));
  hashes.of(hook);
  assert.equal(hashes.reads, 1);
  hashes.consultGit(root, 10);
  assert.equal(hashes.of(auth), 'from the cache');
  assert.equal(hashes.reads, 1, 'auth.ts was not read');
});

/** A clone of `root` (a fresh checkout: new inodes and times) with a copy of its cache (callers move the clock past the racy window: `clockAhead`). */
function checkout(root: string, cache: string): { clone: string; cache: string } {
  const base = fs.realpathSync(tempDir('fnscan-clone-'));
  const clone = path.join(base, 'app');
  git(base, 'clone', '-q', root, clone);
  fs.cpSync(cache, path.join(base, 'cache'), { recursive: true });
  return { clone, cache: path.join(base, 'cache') };
}

/** An app from the fixtures committed to a repository, scanned once with a cache; the app's folder and the cache. */
function committedApp(app: string): { root: string; cache: string } {
  const root = fs.realpathSync(tempDir('fnscan-git-app-'));
  fs.cpSync(path.join(FIXTURES, app), root, { recursive: true });
  git(root, 'init', '-q');
  nextTick();
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'app');
  const cache = path.join(fs.realpathSync(tempDir('fnscan-git-cache-')), 'cache');
  sarif(root, cache);
  return { root, cache };
}

test('a fresh checkout with the cache restored finds its entries through git\'s index, unread, with the uncached SARIF', (t) => {
  if (skipWithoutGit(t)) return;
  clockAhead(t);
  const app = committedApp('webhook-zoo');
  const { clone, cache } = checkout(app.root, app.cache);
  const plan = new ScanPlan(options(clone, cache));
  assert.deepEqual(plan.pending, [], 'nothing judged again');
  const index = indexOf(clone);
  const racy = plan.units.filter((u) => vouched(index, u.path) === undefined).length;
  assert.equal(plan.hashes!.reads, racy, 'only files git could not vouch for (written in the index\'s own tick) were read');
  assert.ok(racy < plan.units.length / 2, `most files were not read (${racy} of ${plan.units.length} were)`);
  assert.equal(sarif(clone, cache), sarif(clone));
});

test('in a checkout, a file rewritten after git wrote it, same size and mtime, is read and judged again', (t) => {
  if (skipWithoutGit(t)) return;
  clockAhead(t);
  const app = committedApp('acme-store');
  const { clone, cache } = checkout(app.root, app.cache);
  const endpoint = path.join(clone, 'api/src/functions/myOrders.ts');
  const reference = path.join(path.dirname(clone), 'times');
  fs.writeFileSync(reference, '');
  restoreTimes(reference, endpoint);
  const text = fs.readFileSync(endpoint, 'utf8');
  // The same size, the mtime put back exactly: only the change time and the bytes tell.
  const edited = text.replace(/requireAuth\(\)/, 'String(0x000)');
  assert.notEqual(edited, text);
  assert.equal(Buffer.byteLength(edited), Buffer.byteLength(text));
  nextTick();
  fs.writeFileSync(endpoint, edited);
  restoreTimes(endpoint, reference);
  assert.equal(fs.statSync(endpoint).mtimeMs, fs.statSync(reference).mtimeMs);
  const uncached = sarif(clone);
  assert.notEqual(uncached, sarif(app.root), 'the edit changes the findings');
  assert.ok(new ScanPlan(options(clone, cache)).pending.some((u) => u.path === endpoint), 'the edited file is judged again');
  assert.equal(sarif(clone, cache), uncached);
  // And again, from the cache that scan wrote.
  assert.equal(sarif(clone, cache), uncached);
});

test('in a checkout, a file changed and staged (the index vouches for another blob) is read and judged again', (t) => {
  if (skipWithoutGit(t)) return;
  clockAhead(t);
  const app = committedApp('acme-store');
  const { clone, cache } = checkout(app.root, app.cache);
  // requireAuth that never throws: the endpoints that call it lose their check.
  const helper = path.join(clone, 'api/src/lib/auth.ts');
  fs.writeFileSync(helper, fs.readFileSync(helper, 'utf8').replaceAll('throw new', 'void new'));
  nextTick();
  git(clone, 'add', 'api/src/lib/auth.ts');
  assert.ok(vouched(indexOf(clone), helper), 'the index vouches for the staged file');
  const uncached = sarif(clone);
  assert.notEqual(uncached, sarif(app.root), 'the edit changes the findings');
  assert.ok(new ScanPlan(options(clone, cache)).pending.some((u) => u.path === helper), 'the staged file is judged again');
  assert.equal(sarif(clone, cache), uncached);
});

test('blob ids the cache recorded come from files git vouched for before and after they were read', (t) => {
  if (skipWithoutGit(t)) return;
  clockAhead(t);
  const app = committedApp('acme-store');
  const body = JSON.parse(fs.readFileSync(path.join(app.cache, 'scan-cache.json'), 'latin1').split('\n')[1]) as { files: Record<string, { b?: string }> };
  const listing = gitListing(app.root);
  const withBlob = Object.entries(body.files).filter(([, entry]) => entry.b !== undefined);
  assert.ok(withBlob.length > 0, 'some entries recorded their blob');
  for (const [file, entry] of withBlob) assert.equal(entry.b, listing.get(file)?.blob, file);
});
