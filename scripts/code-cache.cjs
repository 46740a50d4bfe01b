'use strict';
/**
 * Part of `npm run build`: makes dist/typescript.v8cache, the V8 code cache fnscan loads
 * TypeScript's compiler API from (see src/core/typescript.ts). TypeScript is compiled, then the
 * fixture apps are scanned with it so that the parser, scanner and node helpers a scan uses are
 * compiled too, and V8's cache of all of that is written next to the build.
 *
 * The cache only saves start-up time, so a failure here is reported and the build goes on; the
 * test suite checks that a fresh build loads TypeScript from it.
 */
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');

function main() {
  const { compileTypeScript, writeCodeCache } = require(path.join(dist, 'core', 'typescript.js'));
  const file = require.resolve('typescript', { paths: [dist] });
  const loaded = compileTypeScript(file, () => undefined);
  if (!loaded) throw new Error(`cannot read ${file}`);
  // The engine finds this instance in require.cache and scans the fixtures with it.
  const { scan } = require(path.join(dist, 'core', 'engine.js'));
  const { rules } = require(path.join(dist, 'rules', 'index.js'));
  const apps = path.join(root, 'fixtures');
  scan({ paths: [apps], rules: [...rules], config: {}, includeTests: true });
  const bytes = writeCodeCache(loaded);
  console.log(`code cache: ${(bytes / 1024 / 1024).toFixed(1)} MiB of TypeScript bytecode in dist/typescript.v8cache`);
}

try {
  main();
} catch (error) {
  console.warn(`code cache not written (fnscan still works, with a slower start): ${error instanceof Error ? error.message : error}`);
}
