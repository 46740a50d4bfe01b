import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import ts from './typescript';
import type * as TS from 'typescript';
import type { SkippedFile } from './types';
import type { ProjectInfo } from './project';
import { indexTree, type NodeIndex } from './ast';

export type FileRole = 'endpoint' | 'test' | 'source';

export interface SourceFileInfo {
  kind: 'source';
  /** Absolute path. */
  path: string;
  text: string;
  sf: TS.SourceFile;
  role: FileRole;
  project: ProjectInfo;
  /** The tree's nodes by kind, listed by the walk that checked its depth (see `ProjectAnalysis.nodesOf`). */
  index?: NodeIndex;
}

export interface TextFileInfo {
  kind: 'text';
  path: string;
  text: string;
  project: ProjectInfo;
}

export interface ReadLimits {
  maxFileBytes: number;
  /** Deepest syntax tree (levels of nodes) the rules are allowed to walk. */
  maxNesting: number;
}

/**
 * 300 levels is nearly three times the deepest tree seen in real code, minified bundles included
 * (about 110), and well below the shallowest nesting that exhausts the TypeScript parser's stack
 * (nested tuple types, about 490 levels on a fresh Node stack), so whether a file is scanned does
 * not depend on how much stack happens to be left.
 */
export const DEFAULT_LIMITS: ReadLimits = { maxFileBytes: 1024 * 1024, maxNesting: 300 };

const SOURCE_EXTENSIONS = new Set(['.js', '.jsx', '.ts', '.tsx', '.mjs', '.cjs', '.mts', '.cts']);
const TEXT_FILE_NAMES = new Set([
  '.env.defaults',
  '.env.example',
  '.env.sample',
  'redwood.toml',
  'cedar.toml',
  'netlify.toml',
  // A Worker's `[vars]` are committed plain text (secrets belong in `wrangler secret put`).
  'wrangler.toml',
  // Prisma's schema: a datasource `url` written out holds the database password (Redwood: api/db/schema.prisma).
  'schema.prisma',
  // Vercel's legacy `env` and `build.env` blocks set a deployment's variables in the committed file.
  'vercel.json',
]);

export function isSourcePath(file: string): boolean {
  return SOURCE_EXTENSIONS.has(path.extname(file)) && !file.endsWith('.d.ts');
}

export function isTextConfigPath(file: string): boolean {
  return TEXT_FILE_NAMES.has(path.basename(file));
}

/**
 * `file` relative to `root`, with forward slashes. Scanned paths are absolute and normalised, so
 * one under the root is a slice; anything else goes through `path.relative`.
 */
export function relativePath(root: string, file: string): string {
  const rel = relativeUnder(root, file);
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}

/** `path.relative(root, file)`, by slicing when the file lies under the root. */
export function relativeUnder(root: string, file: string): string {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const plain = file.startsWith(prefix) && !file.includes(`${path.sep}..`) && !file.endsWith(path.sep);
  return plain ? file.slice(prefix.length) : path.relative(root, file);
}

const TEST_NAME = /\.(test|spec|scenarios|fixtures|mock|e2e)\.[cm]?[jt]sx?$/;
const TEST_DIR = /(^|\/)(__tests__|__mocks__|__fixtures__)\//;
/** Modules the test runner loads before the tests (`jest.setup.ts`, CRA's `setupTests.js`, `vitest.setup.ts`): they run under tests only. */
const TEST_SETUP = /(?:^|\/)(?:(?:jest|vitest)[.-]setup(?:[.-][\w-]+)?|setupTests|setup-?tests|test-?setup)\.[cm]?[jt]sx?$/i;
/**
 * Folders that hold tests, their helpers and data by convention (Playwright's and Cypress's,
 * `test/`, `fixtures/`), at the top of the project or of one of its sides (`e2e/`, `web/cypress/`).
 * Deeper, such names are code: a Redwood service for a `Test` model (`api/src/services/tests/`),
 * `lib/e2e/` encryption, `lib/playwright/` rendering, a Next.js route segment (`app/tests/`).
 */
const TEST_FOLDER = /^(?:(?!(?:app|pages|src|api|lib|functions|netlify)\/)[^/]+\/)?(?:tests?|e2e|cypress|playwright|fixtures)\//;

/** A test file by its name or a `__tests__`-style folder, wherever it is. */
export function isTestPath(relPath: string): boolean {
  const p = path.sep === '/' ? relPath : relPath.split(path.sep).join('/');
  return TEST_NAME.test(p) || TEST_DIR.test(p) || TEST_SETUP.test(p) || p.endsWith('.d.ts');
}

/**
 * A file in a conventional test folder (`tests/`, `e2e/`, `cypress/`, `fixtures/`) near the top of
 * the project. Weaker than `isTestPath`: a function folder may have such a name
 * (`functions/test/test.ts` is an endpoint), so `roleOf` asks the platform first.
 */
export function isInTestFolder(relPath: string): boolean {
  return TEST_FOLDER.test(path.sep === '/' ? relPath : relPath.split(path.sep).join('/'));
}

export type ReadResult = { text: string } | { skipped: SkippedFile };

/** Reads a file as UTF-8 text, refusing what the parser should never see. */
export function readTextFile(file: string, limits: Pick<ReadLimits, 'maxFileBytes'>): ReadResult {
  const read = readRegularFile(file, limits.maxFileBytes);
  if ('skipped' in read) return read;
  const buf = read.bytes;
  if (buf.includes(0)) return skip(file, 'binary', 'contains NUL bytes');
  // Strict: invalid UTF-8 is refused rather than turned into replacement characters. Validated
  // natively, then decoded by Buffer (a cold process pays several times more for TextDecoder).
  if (!isUtf8(buf)) return skip(file, 'not-utf8', 'is not valid UTF-8');
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

/** Non-blocking, so opening a FIFO cannot hang the scan; it is then refused as not a regular file. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
const CHUNK_BYTES = 64 * 1024;

/** Why `withRegularFile` refused a device, FIFO, folder or socket. */
export const NOT_REGULAR = 'is not a regular file';

/**
 * Opens a file without blocking and hands `read` its descriptor and size if it is a regular file,
 * then closes it; otherwise `refused` gets why: `NOT_REGULAR`, or the error code of a failed open,
 * stat or read. Every read of a file fnscan did not write itself goes through here.
 */
export function withRegularFile<T>(file: string, read: (fd: number, size: number) => T, refused: (detail: string) => T): T {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (error) {
    return refused(errorCode(error));
  }
  try {
    const stat = fs.fstatSync(fd);
    return stat.isFile() ? read(fd, stat.size) : refused(NOT_REGULAR);
  } catch (error) {
    return refused(errorCode(error));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The bytes of a regular file of at most `maxBytes`. Devices, FIFOs and directories are refused
 * and at most `maxBytes + 1` bytes are ever read, so a link to `/dev/zero` or a file that grows
 * (or a `/proc` file whose size says 0) can neither hang the scan nor exhaust its memory.
 */
export function readRegularFile(file: string, maxBytes: number): { bytes: Buffer } | { skipped: SkippedFile } {
  return withRegularFile(
    file,
    (fd, size): { bytes: Buffer } | { skipped: SkippedFile } => {
      if (size > maxBytes) return skip(file, 'too-large', `${size} bytes is over the ${maxBytes}-byte limit`);
      const bytes = readAtMost(fd, maxBytes + 1, size + 1);
      if (bytes.length > maxBytes) return skip(file, 'too-large', `is over the ${maxBytes}-byte limit`);
      return { bytes };
    },
    (detail) => skip(file, 'unreadable', detail),
  );
}

/** The first bytes (at most `bytes`) of a regular file; undefined if it is not one or cannot be read. */
export function readFileHead(file: string, bytes: number): Buffer | undefined {
  return withRegularFile(
    file,
    (fd) => {
      const head = Buffer.allocUnsafe(bytes);
      return head.subarray(0, fs.readSync(fd, head, 0, bytes, 0));
    },
    () => undefined,
  );
}

/**
 * Reads up to `max` bytes. The first read asks for the size fstat gave plus one byte, so a
 * regular file takes one read: coming up short once that size is reached is its end. A file whose
 * size lied (a `/proc` file says 0) or that grew is read on in chunks until a read returns nothing.
 */
export function readAtMost(fd: number, max: number, expected: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let size = Math.min(max, expected);
  while (total < max) {
    const chunk = Buffer.allocUnsafe(Math.min(size, max - total));
    const n = fs.readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (n < chunk.length && total >= expected - 1) break;
    size = CHUNK_BYTES;
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function skip(file: string, reason: SkippedFile['reason'], detail: string): { skipped: SkippedFile } {
  return { skipped: { file, reason, detail } };
}

function scriptKind(file: string): TS.ScriptKind {
  switch (path.extname(file)) {
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.JS;
  }
}

let options: TS.CreateSourceFileOptions | undefined;

/**
 * How every module is parsed: the latest syntax, and JSDoc comments left as comments. No rule
 * reads JSDoc (directives are read from the comment text), and building its tags is a large part
 * of parsing a file that has them: Redwood's function generator writes a 15-line JSDoc block
 * above every handler, which takes about 45% of parsing such a file.
 */
export function parseOptions(): TS.CreateSourceFileOptions {
  return (options ??= { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone });
}

export type ParseResult = { sf: TS.SourceFile; index: NodeIndex } | { skipped: SkippedFile };

/**
 * Parses a file, refusing trees deeper than `limits.maxNesting`. The parser and several walkers
 * recurse, so depth is measured on the tree (by a walk that stops at the limit) rather than
 * guessed from the text: brackets in comments or strings do not count, and long chains such as
 * `a + a + ... + a`, which parse into trees as deep as they are long, do. A parser that runs out
 * of stack is a skip too.
 */
export function parseSource(file: string, text: string, limits: ReadLimits): ParseResult {
  let sf: TS.SourceFile;
  try {
    // Parent pointers are set by checkTree's walk, which visits every node anyway.
    sf = ts.createSourceFile(file, text, parseOptions(), false, scriptKind(file));
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return tooDeep(file, limits);
  }
  return checkTree(file, sf, limits);
}

/**
 * Judges a parsed tree as the scan does, wherever it was parsed (ESLint parses its own): too
 * deep, or with syntax errors, it is refused. The depth is measured by the walk that lists the
 * tree's nodes for the rules, which stops at the limit, so no tree costs a second walk.
 */
export function checkTree(file: string, sf: TS.SourceFile, limits: ReadLimits): ParseResult {
  const index = indexTree(sf, limits.maxNesting);
  if (!index) return tooDeep(file, limits);
  const diagnostics = (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (diagnostics.length > 0) {
    const first = diagnostics[0];
    const { line } = sf.getLineAndCharacterOfPosition(first.start);
    const message = ts.flattenDiagnosticMessageText(first.messageText, ' ');
    return { skipped: { file, reason: 'syntax-error', detail: `line ${line + 1}: ${message}` } };
  }
  return { sf, index };
}

/** One message whether the parser or the depth check refused the file, so the output never depends on which. */
function tooDeep(file: string, limits: ReadLimits): ParseResult {
  return { skipped: { file, reason: 'too-deep', detail: `nests more than ${limits.maxNesting} levels deep` } };
}

export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
