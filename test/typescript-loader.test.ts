import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * src/core/typescript.ts loads TypeScript from the V8 code cache the build writes. These run the
 * built dist/ (`npm test` builds first) in child processes, so each starts with TypeScript unloaded.
 */
const dist = path.join(__dirname, '..', 'dist');
const loader = path.join(dist, 'core', 'typescript.js');
const v8Flags = path.join(dist, 'core', 'v8-flags.js');
/** Child code's first line for a process that sets the scan's V8 flags, as the `fnscan` command does. */
const withScanFlags = `require(${JSON.stringify(v8Flags)}).useScanFlags();\n`;
const CACHES = ['typescript.v8cache', 'typescript.scan.v8cache'];

function inChild(code: string, flags: string[] = []): { load: string; [key: string]: unknown } {
  const run = spawnSync(process.execPath, [...flags, '-e', code], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { load: string };
}

const parseAndReport = `
  const loader = require(${JSON.stringify(loader)});
  // Read before TypeScript is loaded, \`default\` is the stand-in; the first name read through it loads.
  const standIn = loader.default;
  const sf = standIn.createSourceFile('a.tsx', 'export const handler = async () => <div>{1}</div>', standIn.ScriptTarget.Latest, false, standIn.ScriptKind.TSX);
  const ts = loader.default;
  console.log(JSON.stringify({
    load: loader.typeScriptLoad,
    statements: sf.statements.length,
    viewOfRequire: Object.getPrototypeOf(ts) === require(require.resolve('typescript', { paths: [${JSON.stringify(dist)}] })),
  }));
`;

test('the build writes a code cache for the TypeScript it depends on, without and with the scan\'s V8 flags', () => {
  for (const cache of CACHES) {
    assert.ok(fs.statSync(path.join(dist, cache)).size > 100_000, cache);
    const meta = JSON.parse(fs.readFileSync(path.join(dist, `${cache}.json`), 'utf8')) as { source: string; v8: string };
    assert.match(meta.source, /^[0-9a-f]{64}$/);
    assert.equal(meta.v8, process.versions.v8);
  }
});

test('a fresh process loads TypeScript from the code cache, and sees the one instance require() returns', () => {
  assert.deepEqual(inChild(parseAndReport), { load: 'code cache', statements: 1, viewOfRequire: true });
});

test('a process with the scan\'s V8 flags loads TypeScript from the cache made with them', () => {
  assert.deepEqual(inChild(withScanFlags + parseAndReport), { load: 'code cache', statements: 1, viewOfRequire: true });
  const code = `${withScanFlags}console.log(JSON.stringify({ load: 'none', file: require(${JSON.stringify(loader)}).codeCacheFile() }));`;
  assert.equal(inChild(code).file, path.join(dist, 'typescript.scan.v8cache'));
});

test('V8 refuses the cache made without the scan\'s V8 flags once they are set: the reason for two caches', () => {
  const code = `
    ${withScanFlags}
    const { compileTypeScript } = require(${JSON.stringify(loader)});
    const plain = require('node:fs').readFileSync(${JSON.stringify(path.join(dist, 'typescript.v8cache'))});
    const loaded = compileTypeScript(require.resolve('typescript', { paths: [${JSON.stringify(dist)}] }), () => plain);
    console.log(JSON.stringify({ load: 'direct', rejected: loaded.script.cachedDataRejected }));
  `;
  assert.deepEqual(inChild(code), { load: 'direct', rejected: true });
});

test('the fnscan command sets the scan\'s V8 flags before TypeScript loads, and loads it from their cache', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-flags-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const hook = path.join(dir, 'hook.cjs');
  const report = path.join(dir, 'report.json');
  fs.writeFileSync(
    hook,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)}, JSON.stringify({
      load: require(${JSON.stringify(loader)}).typeScriptLoad,
      flags: require(${JSON.stringify(v8Flags)}).appliedV8Flags(),
    })));`,
  );
  const bin = path.join(__dirname, '..', 'bin', 'fnscan.js');
  const run = spawnSync(process.execPath, ['-r', hook, bin, path.join(__dirname, '..', 'fixtures', 'acme-store'), '-q', '--fail-on', 'none'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(fs.readFileSync(report, 'utf8')), { load: 'code cache', flags: ['--no-allocation-site-pretenuring'] });
});

test('a scan\'s workers are told to set the flags the main thread set', () => {
  const code = `
    const { ScanPlan } = require(${JSON.stringify(path.join(dist, 'core', 'engine.js'))});
    const { startEarlyWorker } = require(${JSON.stringify(path.join(dist, 'core', 'parallel.js'))});
    const { rules } = require(${JSON.stringify(path.join(dist, 'rules', 'index.js'))});
    const plan = () => new ScanPlan({ paths: [${JSON.stringify(path.join(__dirname, '..', 'fixtures', 'acme-store'))}], rules: [...rules], config: {}, includeTests: false });
    const flagsOf = () => {
      const early = startEarlyWorker(plan(), 2, 1);
      void early.worker.terminate();
      return early.setup.scanFlags;
    };
    const before = flagsOf();
    require(${JSON.stringify(v8Flags)}).useScanFlags();
    console.log(JSON.stringify({ load: 'none', before, after: flagsOf() }));
  `;
  assert.deepEqual(inChild(code), { load: 'none', before: false, after: true });
});

test('TypeScript already loaded by someone else (ESLint\'s parser) is reused, not loaded twice', () => {
  const code = `require(require.resolve('typescript', { paths: [${JSON.stringify(dist)}] }));\n${parseAndReport}`;
  assert.deepEqual(inChild(code), { load: 'already loaded', statements: 1, viewOfRequire: true });
});

test('V8 flags the cache was not made with: V8 refuses it and TypeScript is compiled from source', () => {
  assert.deepEqual(inChild(parseAndReport, ['--disallow-code-generation-from-strings']), { load: 'compiled', statements: 1, viewOfRequire: true });
});

test('a cache is handed to V8 only for the TypeScript source it was made from', () => {
  const code = `
    const { readCodeCache } = require(${JSON.stringify(loader)});
    const meta = require(${JSON.stringify(path.join(dist, 'typescript.v8cache.json'))});
    console.log(JSON.stringify({ load: 'not loaded', own: readCodeCache(meta.source)?.length > 0, other: readCodeCache('0'.repeat(64)) === undefined }));
  `;
  assert.deepEqual(inChild(code), { load: 'not loaded', own: true, other: true });
  const meta = JSON.parse(fs.readFileSync(path.join(dist, 'typescript.v8cache.json'), 'utf8')) as { source: string };
  const typescriptSource = fs.readFileSync(require.resolve('typescript', { paths: [dist] }));
  assert.equal(meta.source, crypto.createHash('sha256').update(typescriptSource).digest('hex'));
});

test('a cache V8 cannot use is refused by V8, and TypeScript still loads', () => {
  const code = `
    const { compileTypeScript } = require(${JSON.stringify(loader)});
    const file = require.resolve('typescript', { paths: [${JSON.stringify(dist)}] });
    const loaded = compileTypeScript(file, () => Buffer.from('not a code cache at all'));
    const sf = loaded.exports.createSourceFile('a.ts', 'const a = 1', 99);
    console.log(JSON.stringify({ load: 'direct', rejected: loaded.script.cachedDataRejected, statements: sf.statements.length }));
  `;
  assert.deepEqual(inChild(code), { load: 'direct', rejected: true, statements: 1 });
});

/**
 * An installation without a code cache (npm packages leave it out): a copy of the build with its
 * own folder, TypeScript reached through a link to this repository's node_modules.
 */
function installationWithoutCache(t: { after(fn: () => void): void }): { dist: string; cache: string; meta: string } {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-install-')));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const copy = path.join(root, 'dist');
  fs.cpSync(dist, copy, { recursive: true });
  fs.symlinkSync(path.join(__dirname, '..', 'node_modules'), path.join(root, 'node_modules'), 'dir');
  for (const name of CACHES) {
    fs.rmSync(path.join(copy, name));
    fs.rmSync(path.join(copy, `${name}.json`));
  }
  const cache = path.join(copy, 'typescript.v8cache');
  return { dist: copy, cache, meta: `${cache}.json` };
}

/** A scan of a fixture app by the copy's engine, in a fresh process; how the loader got TypeScript. */
function scanLoading(copy: string, scanFlags = false): { load: string; check?: string } {
  const code = `
    ${scanFlags ? `require(${JSON.stringify(path.join(copy, 'core', 'v8-flags.js'))}).useScanFlags();` : ''}
    const { scan } = require(${JSON.stringify(path.join(copy, 'core', 'engine.js'))});
    const { rules } = require(${JSON.stringify(path.join(copy, 'rules', 'index.js'))});
    const result = scan({ paths: [${JSON.stringify(path.join(__dirname, '..', 'fixtures', 'acme-store'))}], rules: [...rules], config: {}, includeTests: false });
    if (result.findings.length === 0) throw new Error('the scan found nothing');
    const loader = require(${JSON.stringify(path.join(copy, 'core', 'typescript.js'))});
    console.log(JSON.stringify({ load: loader.typeScriptLoad, check: loader.typeScriptSourceCheck }));
  `;
  return inChild(code);
}

/** What the loader reported for a scan by the copy's engine. */
function scanWith(copy: string, scanFlags = false): string {
  return scanLoading(copy, scanFlags).load;
}

/** TypeScript's stat signature as the loader records it (src/core/signature.ts). */
function typescriptSignature(): string {
  const stat = fs.statSync(require.resolve('typescript', { paths: [dist] }));
  return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}:${stat.dev}`;
}

test('an installation without a code cache writes one when its first scan ends, and the next scan loads from it', (t) => {
  const install = installationWithoutCache(t);
  assert.equal(scanWith(install.dist), 'compiled');
  const meta = JSON.parse(fs.readFileSync(install.meta, 'utf8')) as { source: string; v8: string };
  const typescriptSource = fs.readFileSync(require.resolve('typescript', { paths: [install.dist] }));
  assert.equal(meta.source, crypto.createHash('sha256').update(typescriptSource).digest('hex'));
  assert.equal(meta.v8, process.versions.v8);
  assert.ok(fs.statSync(install.cache).size > 100_000);
  assert.equal(scanWith(install.dist), 'code cache');
  assert.deepEqual(fs.readdirSync(install.dist).filter((f) => f.endsWith('.tmp')), []);
});

test('an installation without a code cache writes the scan\'s own from a process with its flags, and leaves the other alone', (t) => {
  const install = installationWithoutCache(t);
  const scanCache = path.join(install.dist, 'typescript.scan.v8cache');
  assert.equal(scanWith(install.dist, true), 'compiled');
  assert.ok(fs.statSync(scanCache).size > 100_000);
  assert.equal(fs.existsSync(install.cache), false, 'a process without the flags could not use it');
  assert.equal(scanWith(install.dist, true), 'code cache');
  assert.equal(scanWith(install.dist), 'compiled');
  assert.equal(scanWith(install.dist), 'code cache');
});

test('the stat signature recorded with the cache spares later loads hashing TypeScript; a stale one falls back to the hash', (t) => {
  const install = installationWithoutCache(t);
  assert.deepEqual(scanLoading(install.dist), { load: 'compiled', check: 'hash' });
  const meta = JSON.parse(fs.readFileSync(install.meta, 'utf8')) as { source: string; v8: string; file?: string };
  // node_modules' TypeScript was installed long before this test: old enough to vouch for its bytes.
  assert.equal(meta.file, typescriptSignature());
  assert.deepEqual(scanLoading(install.dist), { load: 'code cache', check: 'signature' });
  // Another signature (TypeScript reinstalled, say): the source is hashed, and the hash still finds the cache.
  fs.writeFileSync(install.meta, JSON.stringify({ ...meta, file: '1:2:3:4:5' }));
  assert.deepEqual(scanLoading(install.dist), { load: 'code cache', check: 'hash' });
  // Neither the signature nor the hash: the cache is not handed to V8.
  fs.writeFileSync(install.meta, JSON.stringify({ ...meta, file: '1:2:3:4:5', source: '0'.repeat(64) }));
  assert.deepEqual(scanLoading(install.dist), { load: 'compiled', check: 'hash' });
});

test('the build records TypeScript\'s signature with its cache, unless TypeScript had just changed', () => {
  const meta = JSON.parse(fs.readFileSync(path.join(dist, 'typescript.v8cache.json'), 'utf8')) as { file?: string };
  if (meta.file !== undefined) assert.equal(meta.file, typescriptSignature());
  const code = `
    const loader = require(${JSON.stringify(loader)});
    loader.default.createSourceFile('a.ts', 'const a = 1', 99);
    console.log(JSON.stringify({ load: loader.typeScriptLoad, check: loader.typeScriptSourceCheck }));
  `;
  assert.deepEqual(inChild(code), { load: 'code cache', check: meta.file === undefined ? 'hash' : 'signature' });
});

test('a code cache that cannot be written costs nothing but start-up time', (t) => {
  const install = installationWithoutCache(t);
  // A folder where the cache file would go: every write fails.
  fs.mkdirSync(install.cache);
  assert.equal(scanWith(install.dist), 'compiled');
  assert.equal(scanWith(install.dist), 'compiled');
  assert.ok(fs.statSync(install.cache).isDirectory());
  assert.deepEqual(fs.readdirSync(install.dist).filter((f) => f.endsWith('.tmp')), []);
});

test('a cache V8 refuses for other flags is kept, not replaced by one for those flags', () => {
  const before = fs.readFileSync(path.join(dist, 'typescript.v8cache'));
  assert.equal(inChild(parseAndReport, ['--disallow-code-generation-from-strings']).load, 'compiled');
  assert.ok(fs.readFileSync(path.join(dist, 'typescript.v8cache')).equals(before));
});

test('TypeScript loaded from the sources (the tests) writes no cache next to them', () => {
  const code = `
    const loader = require('./src/core/typescript.ts');
    loader.default.createSourceFile('a.ts', 'const a = 1', 99);
    console.log(JSON.stringify({ load: loader.typeScriptLoad, file: loader.codeCacheFile() }));
  `;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', cwd: path.join(__dirname, '..') });
  assert.equal(run.status, 0, run.stderr);
  const { load, file } = JSON.parse(run.stdout.trim().split('\n').pop()!) as { load: string; file: string };
  assert.equal(load, 'compiled');
  assert.equal(path.dirname(file), path.join(__dirname, '..', 'src'), 'where dist/ would be');
  assert.equal(fs.existsSync(file), false);
});

test('every TypeScript export the sources use is a plain value of the view, which V8 keeps in its fast form', () => {
  const code = `
    const loader = require(${JSON.stringify(loader)});
    void loader.default.version;
    const ts = loader.default;
    const real = Object.getPrototypeOf(ts);
    const own = loader.DIRECT_NAMES.filter((name) => Object.getOwnPropertyDescriptor(ts, name)?.value === real[name]);
    console.log(JSON.stringify({
      load: 'view',
      fast: %HasFastProperties(ts),
      moduleFast: %HasFastProperties(real),
      names: loader.DIRECT_NAMES.length,
      own: own.length,
      // Anything else still answers, through the module itself.
      inherited: typeof ts.isContinueStatement === 'function' && !Object.hasOwn(ts, 'isContinueStatement'),
    }));
  `;
  const report = inChild(code, ['--allow-natives-syntax']);
  assert.equal(report.fast, true);
  assert.equal(report.moduleFast, false, 'the module itself is a hash table: the reason for the view');
  assert.equal(report.own, report.names);
  assert.equal(report.inherited, true);

  // Every `ts.name` written in src/ that TypeScript exports is in the list.
  const typescript = require('typescript') as Record<string, unknown>;
  const { DIRECT_NAMES } = require('../src/core/typescript') as { DIRECT_NAMES: string[] };
  const used = new Set<string>();
  const walkSources = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walkSources(file);
      else if (file.endsWith('.ts')) for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bts\.([A-Za-z_]\w*)/g)) used.add(m[1]);
    }
  };
  walkSources(path.join(__dirname, '..', 'src'));
  const missing = [...used].filter((name) => name in typescript && !DIRECT_NAMES.includes(name)).sort();
  assert.deepEqual(missing, []);
  assert.ok(used.has('isIdentifier') && used.has('forEachChild'), 'the scan of src/ found the sources');
});

test('after a scan, every loaded module\'s exports object is in V8\'s fast form, TypeScript\'s stand-in included', () => {
  // Compiled modules read `typescript_1.default` before every `ts.isIdentifier(...)` (millions of
  // times a scan) and call other modules' functions through their exports objects; an exports
  // object turned into a hash table (by a getter, a redefined property, a re-export) makes each
  // such read a generic lookup.
  const code = `
    const path = require('node:path');
    const loader = require(${JSON.stringify(loader)});
    const before = { fast: %HasFastProperties(loader), load: loader.typeScriptLoad };
    const { run } = require(${JSON.stringify(path.join(dist, 'cli', 'main.js'))});
    const sink = () => {};
    run([${JSON.stringify(path.join(__dirname, '..', 'fixtures', 'acme-store'))}, '-q', '--fail-on', 'none'], { stdout: sink, stderr: sink, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: process.cwd() }).then(() => {
      const loaded = Object.keys(require.cache).filter((file) => file.startsWith(${JSON.stringify(dist + path.sep)}));
      const slow = loaded.filter((file) => !%HasFastProperties(require.cache[file].exports)).map((file) => path.relative(${JSON.stringify(dist)}, file));
      const ts = loader.default;
      console.log(JSON.stringify({
        load: 'scan',
        before,
        modules: loaded.length,
        slow,
        view: Object.getPrototypeOf(ts) === require(require.resolve('typescript', { paths: [${JSON.stringify(dist)}] })) && Object.hasOwn(ts, 'isIdentifier'),
      }));
    });
  `;
  const report = inChild(code, ['--allow-natives-syntax']) as unknown as { before: { fast: boolean; load: string }; modules: number; slow: string[]; view: boolean };
  assert.deepEqual(report.before, { fast: true, load: 'not yet' }, 'the stand-in is a plain value, and holding it loads nothing');
  assert.ok(report.modules > 30, `the scan loaded ${report.modules} modules`);
  assert.deepEqual(report.slow, []);
  assert.equal(report.view, true, 'after the first use, `default` is the loaded view');
});

test('TypeScript\'s stand-in loads it on the first name read or tested, and answers as the view does', () => {
  const code = `
    const loader = require(${JSON.stringify(loader)});
    const standIn = loader.default;
    const before = loader.typeScriptLoad;
    const has = 'isIdentifier' in standIn;
    const after = loader.typeScriptLoad;
    console.log(JSON.stringify({
      load: after,
      before,
      has,
      same: standIn.isIdentifier === loader.default.isIdentifier && standIn.SyntaxKind.Identifier === loader.default.SyntaxKind.Identifier,
      replaced: standIn !== loader.default,
    }));
  `;
  assert.deepEqual(inChild(code), { load: 'code cache', before: 'not yet', has: true, same: true, replaced: true });
});
