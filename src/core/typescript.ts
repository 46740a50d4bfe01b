/**
 * TypeScript's compiler API, loaded on first use. Modules write
 *
 *   import ts from '../core/typescript';      // values: ts.isIdentifier, ts.SyntaxKind, ...
 *   import type * as TS from 'typescript';    // types: TS.Node, TS.CallExpression, ...
 *
 * because compiling TypeScript's 9 MB module takes about 180 ms (measured on the bench machine),
 * a large part of a scan that the cache answers entirely, and such a scan never parses a file or
 * tests a node.
 *
 * The default export starts as a getter that loads the package and then replaces itself with a
 * plain value, so every use after the first costs what an ordinary import costs.
 *
 * Loading goes through a V8 code cache when there is one: the bytecode of TypeScript's module and
 * of the parser functions a scan runs, kept in fnscan's own `dist/` folder, never in the scanned
 * tree or the working directory. `npm run build` makes it (scripts/code-cache.cjs); an
 * installation without one (npm packages leave it out: it is made for one V8) writes it when the
 * first process that compiled TypeScript exits, if `dist/` is writable. It is used only for the
 * exact TypeScript source it was made from (SHA-256 of the file) and the same V8; anything else,
 * or any failure, compiles TypeScript or loads it with a plain `require`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import type * as TS from 'typescript';
import { writeFileAtomically } from './atomic';

declare const typescript: typeof TS;
export { typescript as default };

// `module.exports`, not `exports`: under tsx (the tests) esbuild replaces the exports object.
const target: object = module.exports;
Object.defineProperty(target, 'default', {
  configurable: true,
  enumerable: true,
  get(): typeof TS {
    const loaded = loadTypeScript();
    Object.defineProperty(target, 'default', { value: loaded, enumerable: true });
    return loaded;
  },
});

/** How TypeScript was loaded in this thread, for tests and `npm run bench`. */
export let typeScriptLoad: 'not yet' | 'already loaded' | 'code cache' | 'compiled' | 'require' = 'not yet';

/** The code cache and the facts that must match for it to be used. */
export const CODE_CACHE_FILE = path.join(__dirname, '..', 'typescript.v8cache');
const CODE_CACHE_META = `${CODE_CACHE_FILE}.json`;

interface CodeCacheMeta {
  /** SHA-256 (hex) of the TypeScript module's source the cache was made from. */
  source: string;
  /** The V8 that made it (V8 rejects a cache from another version anyway; this skips reading it). */
  v8: string;
}

/** The TypeScript the package itself would `require`, through the code cache when it fits. */
function loadTypeScript(): typeof TS {
  const file = require.resolve('typescript');
  // Someone (ESLint's TypeScript parser, say) loaded it first: share that instance.
  const existing = require.cache[file];
  if (existing?.loaded) {
    typeScriptLoad = 'already loaded';
    return existing.exports as typeof TS;
  }
  try {
    let found = false;
    const loaded = compileTypeScript(file, (sourceHash) => {
      const data = readCodeCache(sourceHash);
      found = data !== undefined;
      return data;
    });
    if (loaded) {
      typeScriptLoad = loaded.script.cachedDataRejected === false ? 'code cache' : 'compiled';
      // A cache made for this source and V8 that V8 still refused (other flags) is left alone:
      // replacing it would only make the usual runs refuse the new one.
      if (!found) writeCodeCacheOnExit(loaded.script, loaded.sourceHash);
      return loaded.exports;
    }
  } catch {
    // fall through to the plain loader
  }
  typeScriptLoad = 'require';
  return require('typescript') as typeof TS;
}

/** The code cache, if it was made from this TypeScript source by this V8. */
export function readCodeCache(sourceHash: string): Buffer | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(CODE_CACHE_META, 'utf8')) as Partial<CodeCacheMeta>;
    if (meta.source !== sourceHash || meta.v8 !== process.versions.v8) return undefined;
    return fs.readFileSync(CODE_CACHE_FILE);
  } catch {
    return undefined;
  }
}

/**
 * Compiles and runs TypeScript's CommonJS module the way `require` would (same wrapper
 * parameters, registered in `require.cache` so later `require('typescript')` calls get this
 * instance), with `cachedData` from `cacheFor(sha256 of the source)`. Undefined when the module
 * cannot be read; a module that throws while loading is removed from `require.cache` again.
 */
export function compileTypeScript(
  file: string,
  cacheFor: (sourceHash: string) => Buffer | undefined,
): { exports: typeof TS; script: vm.Script; sourceHash: string } | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const sourceHash = crypto.createHash('sha256').update(bytes).digest('hex');
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${bytes.toString('utf8')}\n});`;
  const script = new vm.Script(wrapped, { filename: file, cachedData: cacheFor(sourceHash) });
  const dir = path.dirname(file);
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dir);
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  require.cache[file] = mod;
  try {
    run.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, dir);
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  mod.loaded = true;
  return { exports: mod.exports as typeof TS, script, sourceHash };
}

/**
 * Writes the code cache of a loaded script; returns the cache's size in bytes. Each file is
 * written to a temporary name and renamed over the old one, the bytecode before its description,
 * so a reader racing a writer at worst gets a cache V8 refuses (it checks the source itself).
 */
export function writeCodeCache(script: vm.Script, sourceHash: string): number {
  const data = script.createCachedData();
  const meta: CodeCacheMeta = { source: sourceHash, v8: process.versions.v8 };
  writeFileAtomically(CODE_CACHE_FILE, data);
  writeFileAtomically(CODE_CACHE_META, JSON.stringify(meta));
  return data.length;
}

/**
 * Whether this module runs from fnscan's build (`dist/core/typescript.js`), whose `dist/` folder
 * may hold a code cache; the sources run by the tests have no such folder to write into.
 */
const FROM_BUILD = path.basename(path.dirname(__dirname)) === 'dist';

/**
 * TypeScript was compiled from source because there was no cache for it (an npm installation,
 * another Node or TypeScript version): write one when the process exits, so that it holds the parser functions
 * this run compiled too. Only the main thread writes; a `dist/` folder that cannot be written
 * costs nothing but the next start-up.
 */
function writeCodeCacheOnExit(script: vm.Script, sourceHash: string): void {
  if (!FROM_BUILD || !isMainThread) return;
  try {
    fs.accessSync(path.dirname(CODE_CACHE_FILE), fs.constants.W_OK);
  } catch {
    return;
  }
  process.once('exit', () => {
    try {
      writeCodeCache(script, sourceHash);
    } catch {
      // Only start-up time is lost.
    }
  });
}
