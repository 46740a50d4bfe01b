import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { SkippedFile } from './types';
import type { ProjectInfo } from './project';

export type FileRole = 'endpoint' | 'test' | 'source';

export interface SourceFileInfo {
  kind: 'source';
  /** Absolute path. */
  path: string;
  text: string;
  sf: ts.SourceFile;
  role: FileRole;
  project: ProjectInfo;
}

export interface TextFileInfo {
  kind: 'text';
  path: string;
  text: string;
  project: ProjectInfo;
}

export interface ReadLimits {
  maxFileBytes: number;
  /** Deepest bracket nesting the parser and walkers are allowed to see. */
  maxNesting: number;
}

export const DEFAULT_LIMITS: ReadLimits = { maxFileBytes: 1024 * 1024, maxNesting: 500 };

const SOURCE_EXTENSIONS = new Set(['.js', '.jsx', '.ts', '.tsx', '.mjs', '.cjs', '.mts', '.cts']);
const TEXT_FILE_NAMES = new Set([
  '.env.defaults',
  '.env.example',
  '.env.sample',
  'redwood.toml',
  'cedar.toml',
  'netlify.toml',
]);

export function isSourcePath(file: string): boolean {
  return SOURCE_EXTENSIONS.has(path.extname(file)) && !file.endsWith('.d.ts');
}

export function isTextConfigPath(file: string): boolean {
  return TEXT_FILE_NAMES.has(path.basename(file));
}

const TEST_NAME = /\.(test|spec|scenarios|fixtures|mock)\.[cm]?[jt]sx?$/;
const TEST_DIR = /(^|\/)(__tests__|__mocks__|__fixtures__)\//;

export function isTestPath(relPath: string): boolean {
  const p = relPath.split(path.sep).join('/');
  return TEST_NAME.test(p) || TEST_DIR.test(p) || p.endsWith('.d.ts');
}

export type ReadResult = { text: string } | { skipped: SkippedFile };

/** Reads a file as UTF-8 text, refusing what the parser should never see. */
export function readTextFile(file: string, limits: ReadLimits): ReadResult {
  let buf: Buffer;
  try {
    const stat = fs.statSync(file);
    if (stat.size > limits.maxFileBytes) {
      return skip(file, 'too-large', `${stat.size} bytes is over the ${limits.maxFileBytes}-byte limit`);
    }
    buf = fs.readFileSync(file);
  } catch (error) {
    return skip(file, 'unreadable', (error as NodeJS.ErrnoException).code ?? String(error));
  }
  if (buf.subarray(0, 8192).includes(0)) return skip(file, 'binary', 'contains NUL bytes');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return skip(file, 'not-utf8', 'is not valid UTF-8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text };
}

function skip(file: string, reason: SkippedFile['reason'], detail: string): ReadResult {
  return { skipped: { file, reason, detail } };
}

/**
 * Deepest nesting of brackets, counted linearly. The TypeScript parser and every walker here
 * recurse, so pathological nesting is refused before parsing rather than blowing the stack.
 */
export function maxBracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) {
      depth--;
    }
  }
  return max;
}

function scriptKind(file: string): ts.ScriptKind {
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

export type ParseResult = { sf: ts.SourceFile } | { skipped: SkippedFile };

export function parseSource(file: string, text: string, limits: ReadLimits): ParseResult {
  const depth = maxBracketDepth(text);
  if (depth > limits.maxNesting) {
    return { skipped: { file, reason: 'too-deep', detail: `nests ${depth} levels deep (limit ${limits.maxNesting})` } };
  }
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const diagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (diagnostics.length > 0) {
    const first = diagnostics[0];
    const { line } = sf.getLineAndCharacterOfPosition(first.start);
    const message = ts.flattenDiagnosticMessageText(first.messageText, ' ');
    return { skipped: { file, reason: 'syntax-error', detail: `line ${line + 1}: ${message}` } };
  }
  return { sf };
}
