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
 * The default export starts as a stand-in that loads the package on the first use of any name and
 * then gives way to the loaded view (below), so every use after the first costs what an ordinary
 * import costs.
 *
 * Loading goes through a V8 code cache when there is one: the bytecode of TypeScript's module and
 * of the parser functions a scan runs, kept in fnscan's own `dist/` folder, never in the scanned
 * tree or the working directory, one for a process with the scan's V8 flags and one for a process
 * without them (`codeCacheFile`). `npm run build` makes both (scripts/code-cache.cjs); an
 * installation without one (npm packages leave it out: it is made for one V8) writes it when the
 * first process that compiled TypeScript exits, if `dist/` is writable. It is used only for the
 * exact TypeScript source it was made from (SHA-256 of the file) and the same V8; anything else,
 * or any failure, compiles TypeScript or loads it with a plain `require`. The file's stat
 * signature, recorded with the hash, vouches for the source on later loads, so they do not hash
 * its 9 MB again (signature.ts; the racy-timestamp rule the scan cache follows).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import type * as TS from 'typescript';
import { writeFileAtomically } from './atomic';
import { vouchingSignature } from './signature';
import { appliedV8Flags } from './v8-flags';

declare const typescript: typeof TS;
export { typescript as default };

// `module.exports`, not `exports`: under tsx (the tests) esbuild replaces the exports object.
const target = module.exports as { default: typeof TS };
let loadedView: typeof TS | undefined;

function view(): typeof TS {
  if (loadedView === undefined) {
    loadedView = directView(loadTypeScript());
    target.default = loadedView;
  }
  return loadedView;
}

/**
 * Every `ts.isIdentifier(node)` in the compiled modules reads `default` from this module's exports
 * object first, about 9.5 million times in a cold scan of the bench tree. So `default` stays a
 * plain, writable data property from start to end: redefining it (a getter that replaced itself
 * with a value, as it was) turns the exports object into a hash table, and every one of those reads
 * into a generic lookup. Until the first use it holds this stand-in, which loads TypeScript when
 * any name is read and answers from the view; the loaded view then takes its place.
 */
const standIn = new Proxy({} as typeof TS, {
  get: (_, name) => Reflect.get(view(), name),
  has: (_, name) => Reflect.has(view(), name),
});
Object.defineProperty(target, 'default', { value: standIn, writable: true, enumerable: true, configurable: true });

/**
 * The parts of TypeScript's API that fnscan's sources use (a test keeps the list complete). Each
 * export of TypeScript's module is a getter on an object of some 2,250 properties, which V8 keeps
 * as a hash table: every `ts.isIdentifier(node)` looked the name up and called a getter, about
 * 9.5 million times in a cold scan of the bench tree. V8 keeps an object with fewer than 128
 * properties added one by one in its fast form, so the list must stay under that (also tested).
 */
export const DIRECT_NAMES: readonly string[] = [
  'JSDocParsingMode', 'Node', 'NodeFlags', 'ScriptKind', 'ScriptTarget', 'SourceFile', 'SyntaxKind',
  'canHaveModifiers', 'createScanner', 'createSourceFile', 'factory', 'flattenDiagnosticMessageText',
  'forEachChild', 'getLeadingCommentRanges', 'getModifiers', 'getTrailingCommentRanges', 'version',
  'isArrayLiteralExpression', 'isArrowFunction', 'isAsExpression', 'isAwaitExpression', 'isBinaryExpression',
  'isBindingElement', 'isBlock', 'isBreakStatement', 'isCallExpression', 'isCaseClause', 'isCatchClause', 'isClassDeclaration', 'isClassLike',
  'isComputedPropertyName', 'isConditionalExpression', 'isDefaultClause', 'isElementAccessExpression', 'isEnumMember',
  'isExportAssignment', 'isExportDeclaration', 'isExpression', 'isExpressionStatement', 'isForInStatement',
  'isForOfStatement', 'isForStatement',
  'isFunctionDeclaration', 'isFunctionExpression', 'isFunctionLike', 'isIdentifier', 'isIfStatement',
  'isImportDeclaration', 'isJsxAttribute', 'isJsxText', 'isMethodDeclaration', 'isNamedExports',
  'isNamedImports', 'isNamespaceImport', 'isNewExpression', 'isNoSubstitutionTemplateLiteral',
  'isNonNullExpression', 'isNumericLiteral', 'isObjectBindingPattern', 'isObjectLiteralExpression',
  'isOmittedExpression', 'isParameter', 'isParenthesizedExpression', 'isPrefixUnaryExpression',
  'isPrivateIdentifier', 'isPropertyAccessExpression', 'isPropertyAssignment', 'isPropertyDeclaration',
  'isRegularExpressionLiteral', 'isReturnStatement', 'isSatisfiesExpression', 'isShorthandPropertyAssignment',
  'isSourceFile', 'isSpreadAssignment', 'isSpreadElement', 'isStatement', 'isStringLiteral', 'isSwitchStatement', 'isStringLiteralLike', 'isTemplateExpression',
  'isTemplateHead', 'isTemplateMiddle', 'isTemplateSpan', 'isTemplateTail', 'isThrowStatement',
  'isTryStatement', 'isTypeAssertionExpression', 'isTypeOfExpression', 'isVariableDeclaration',
  'isVariableDeclarationList', 'isVariableStatement', 'isWhileStatement',
];

/**
 * TypeScript's module seen through an object that holds `DIRECT_NAMES` as plain values and
 * inherits everything else from the module itself, so any other name still works (only slower).
 * Measured on the bench tree (8,000 functions, cold, six alternating rounds): 4.17 -> 3.99 s.
 */
export function directView(module: typeof TS): typeof TS {
  const view = Object.create(module) as typeof TS;
  for (const name of DIRECT_NAMES) {
    const value = (module as unknown as Record<string, unknown>)[name];
    // Defined, not assigned: the inherited property is a getter without a setter.
    if (value !== undefined) Object.defineProperty(view, name, { value, enumerable: true, writable: false, configurable: false });
  }
  return view;
}

/** How TypeScript was loaded in this thread, for tests and `npm run bench`. */
export let typeScriptLoad: 'not yet' | 'already loaded' | 'code cache' | 'compiled' | 'require' = 'not yet';

/**
 * The code cache for this process's V8 flags: V8 refuses a cache made under other flags, so a
 * process that set the scan's own (v8-flags.ts) keeps its cache beside the one of a process that
 * did not (an ESLint host, the API). Its description, with the facts that must match for it to be
 * used, is the same name with `.json` added.
 */
export function codeCacheFile(): string {
  return path.join(__dirname, '..', appliedV8Flags().length > 0 ? 'typescript.scan.v8cache' : 'typescript.v8cache');
}

interface CodeCacheMeta {
  /** SHA-256 (hex) of the TypeScript module's source the cache was made from. */
  source: string;
  /** The V8 that made it (V8 rejects a cache from another version anyway; this skips reading it). */
  v8: string;
  /**
   * The module's stat signature when `source` was computed from its bytes; absent when the file
   * had changed too recently to vouch for them. While the file still has it, `source` holds.
   */
  file?: string;
}

/** How the last load in this thread knew the TypeScript source: by its stat signature or by hashing it (for the tests). */
export let typeScriptSourceCheck: 'signature' | 'hash' | undefined;

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
    const meta = readCodeCacheMeta();
    const known = meta?.file !== undefined ? { signature: meta.file, source: meta.source } : undefined;
    const loaded = compileTypeScript(
      file,
      (sourceHash) => {
        const data = readCodeCache(sourceHash, meta);
        found = data !== undefined;
        return data;
      },
      known,
    );
    if (loaded) {
      typeScriptLoad = loaded.script.cachedDataRejected === false ? 'code cache' : 'compiled';
      typeScriptSourceCheck = loaded.hashed ? 'hash' : 'signature';
      // A cache made for this source and V8 that V8 still refused (other flags) is left alone:
      // replacing it would only make the usual runs refuse the new one.
      if (!found) writeCodeCacheOnExit(loaded);
      return loaded.exports;
    }
  } catch {
    // fall through to the plain loader
  }
  typeScriptLoad = 'require';
  return require('typescript') as typeof TS;
}

/** The code cache's description, if there is a readable one made by this V8. */
function readCodeCacheMeta(): CodeCacheMeta | undefined {
  try {
    const meta = JSON.parse(fs.readFileSync(`${codeCacheFile()}.json`, 'utf8')) as Partial<CodeCacheMeta>;
    if (typeof meta.source !== 'string' || meta.v8 !== process.versions.v8) return undefined;
    return { source: meta.source, v8: meta.v8, ...(typeof meta.file === 'string' && { file: meta.file }) };
  } catch {
    return undefined;
  }
}

/** The code cache, if it was made from this TypeScript source by this V8. */
export function readCodeCache(sourceHash: string, meta = readCodeCacheMeta()): Buffer | undefined {
  if (meta?.source !== sourceHash) return undefined;
  try {
    return fs.readFileSync(codeCacheFile());
  } catch {
    return undefined;
  }
}

/** How `require` wraps a CommonJS module; the module is read between the two, so one decode gives the whole text. */
const WRAPPER_HEAD = Buffer.from('(function (exports, require, module, __filename, __dirname) { ');
const WRAPPER_TAIL = Buffer.from('\n});');

/**
 * A module's source wrapped as `require` wraps it, decoded once (a 9 MB module joined to its
 * wrapper afterwards is copied again when V8 compiles it), with its bytes and stat signature
 * taken from the same open file. Undefined when it cannot be read.
 */
function readWrappedModule(file: string): { text: string; source: Buffer; signature: string | undefined } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    const buffer = Buffer.allocUnsafe(WRAPPER_HEAD.length + stat.size + WRAPPER_TAIL.length);
    WRAPPER_HEAD.copy(buffer, 0);
    let read = 0;
    while (read < stat.size) {
      const n = fs.readSync(fd, buffer, WRAPPER_HEAD.length + read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    const end = WRAPPER_HEAD.length + read;
    WRAPPER_TAIL.copy(buffer, end);
    return {
      text: buffer.toString('utf8', 0, end + WRAPPER_TAIL.length),
      source: buffer.subarray(WRAPPER_HEAD.length, end),
      // One that shrank while it was read vouches for nothing; one changed otherwise has new times,
      // so the signature taken before the read matches none of its later stats.
      signature: read === stat.size ? vouchingSignature(stat) : undefined,
    };
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** A compiled and loaded TypeScript module, with what its code cache is written with. */
export interface LoadedTypeScript {
  exports: typeof TS;
  script: vm.Script;
  /** SHA-256 (hex) of the source. */
  sourceHash: string;
  /** The source's stat signature when it was read, if old enough to vouch for it. */
  signature: string | undefined;
  /** Whether the source was hashed (false: `known` vouched for it). */
  hashed: boolean;
}

/**
 * Compiles and runs TypeScript's CommonJS module the way `require` would (same wrapper
 * parameters, registered in `require.cache` so later `require('typescript')` calls get this
 * instance), with `cachedData` from `cacheFor(sha256 of the source)`. The hash is not computed
 * when the file's stat signature is `known.signature`: `known.source` is then the hash. Undefined
 * when the module cannot be read; a module that throws while loading is removed from
 * `require.cache` again.
 */
export function compileTypeScript(
  file: string,
  cacheFor: (sourceHash: string) => Buffer | undefined,
  known?: { signature: string; source: string },
): LoadedTypeScript | undefined {
  const read = readWrappedModule(file);
  if (!read) return undefined;
  const vouched = known !== undefined && read.signature === known.signature;
  const sourceHash = vouched ? known.source : crypto.createHash('sha256').update(read.source).digest('hex');
  const script = new vm.Script(read.text, { filename: file, cachedData: cacheFor(sourceHash) });
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
  return { exports: mod.exports as typeof TS, script, sourceHash, signature: read.signature, hashed: !vouched };
}

/**
 * Writes the code cache of a loaded script; returns the cache's size in bytes. Each file is
 * written to a temporary name and renamed over the old one, the bytecode before its description,
 * so a reader racing a writer at worst gets a cache V8 refuses (it checks the source itself).
 */
export function writeCodeCache({ script, sourceHash, signature }: Pick<LoadedTypeScript, 'script' | 'sourceHash' | 'signature'>): number {
  const data = script.createCachedData();
  const meta: CodeCacheMeta = { source: sourceHash, v8: process.versions.v8, ...(signature !== undefined && { file: signature }) };
  const file = codeCacheFile();
  writeFileAtomically(file, data);
  writeFileAtomically(`${file}.json`, JSON.stringify(meta));
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
function writeCodeCacheOnExit(loaded: LoadedTypeScript): void {
  if (!FROM_BUILD || !isMainThread) return;
  try {
    fs.accessSync(path.dirname(codeCacheFile()), fs.constants.W_OK);
  } catch {
    return;
  }
  process.once('exit', () => {
    try {
      writeCodeCache(loaded);
    } catch {
      // Only start-up time is lost.
    }
  });
}
