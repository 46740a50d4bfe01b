'use strict';
/**
 * Part of `npm run build`: makes the V8 code caches fnscan loads TypeScript's compiler API from
 * (see src/core/typescript.ts), one with the scan's V8 flags (dist/typescript.scan.v8cache, for
 * the `fnscan` command) and one without (dist/typescript.v8cache, for ESLint and the API): V8
 * refuses a cache made under other flags. Each is made in its own process: TypeScript is
 * compiled, then the fixture apps are scanned with it so that the parser, scanner and node
 * helpers a scan uses are compiled too, and V8's cache of all of that is written next to the build.
 *
 * The caches only save start-up time, so a failure here is reported and the build goes on; the
 * test suite checks that a fresh build loads TypeScript from them.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const WITH_SCAN_FLAGS = '--scan-flags';

function main(withScanFlags) {
  if (withScanFlags) require(path.join(dist, 'core', 'v8-flags.js')).useScanFlags();
  const { compileTypeScript, writeCodeCache, codeCacheFile } = require(path.join(dist, 'core', 'typescript.js'));
  const file = require.resolve('typescript', { paths: [dist] });
  const loaded = compileTypeScript(file, () => undefined);
  if (!loaded) throw new Error(`cannot read ${file}`);
  // The engine finds this instance in require.cache and scans the fixtures with it.
  const { scan } = require(path.join(dist, 'core', 'engine.js'));
  const { rules } = require(path.join(dist, 'rules', 'index.js'));
  const apps = path.join(root, 'fixtures');
  scan({ paths: [apps], rules: [...rules], config: {}, includeTests: true });
  const bytes = writeCodeCache(loaded);
  console.log(`code cache: ${(bytes / 1024 / 1024).toFixed(1)} MiB of TypeScript bytecode in ${path.relative(root, codeCacheFile())}`);
}

function notWritten(error) {
  console.warn(`code cache not written (fnscan still works, with a slower start): ${error instanceof Error ? error.message : error}`);
}

function attempt(withScanFlags) {
  try {
    main(withScanFlags);
  } catch (error) {
    notWritten(error);
  }
}

if (process.argv.includes(WITH_SCAN_FLAGS)) {
  attempt(true);
} else {
  // The flagged cache is made by a second process meanwhile, its output passed through.
  const other = spawn(process.execPath, [__filename, WITH_SCAN_FLAGS], { stdio: 'inherit' });
  attempt(false);
  other.on('error', notWritten);
}
