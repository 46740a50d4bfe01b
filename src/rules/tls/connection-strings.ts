import type { Span } from '../../core/types';

export interface ParamHit extends Span {
  messageId: 'connectionString' | 'libpqRequire';
  param: string;
}

/** Ends a query parameter value: end of text, next parameter, fragment, space, quote or `${`. */
const END = String.raw`(?=$|[&#\s'"\x60$;])`;
const NO_VERIFY = new RegExp(String.raw`[?&]((?:sslmode=no-verify|sslaccept=accept_invalid_certs))` + END, 'g');
const LIBPQ_COMPAT = new RegExp(String.raw`[?&]uselibpqcompat=true` + END);
const LIBPQ_UNVERIFIED = new RegExp(String.raw`[?&](sslmode=(?:require|prefer))` + END, 'g');
const ROOT_CERT = /[?&]sslrootcert=/;

/**
 * Connection-string parameters that turn verification off, with spans relative to `text`:
 * node-postgres `sslmode=no-verify`, Prisma `sslaccept=accept_invalid_certs`, and libpq-compatible
 * `sslmode=require|prefer` (no certificate check unless `sslrootcert` names a CA).
 */
export function insecureParams(text: string): ParamHit[] {
  const hits: ParamHit[] = [];
  if (!text.includes('ssl')) return hits;
  for (const match of text.matchAll(NO_VERIFY)) {
    const start = match.index + 1;
    hits.push({ start, end: start + match[1].length, messageId: 'connectionString', param: match[1] });
  }
  if (LIBPQ_COMPAT.test(text) && !ROOT_CERT.test(text)) {
    for (const match of text.matchAll(LIBPQ_UNVERIFIED)) {
      const start = match.index + 1;
      hits.push({ start, end: start + match[1].length, messageId: 'libpqRequire', param: match[1] });
    }
  }
  return hits;
}

/**
 * A string in code counts as a connection string (not prose that mentions one) when the parameter
 * is glued to the start of the string, or sits in a `scheme://` URL. The checker answers many
 * parameters of one string in linear total time: run starts are found in one pass, and each
 * whitespace-free run is judged once.
 */
export function connectionStringChecker(raw: string): (paramStart: number) => boolean {
  let runStarts: Int32Array | undefined;
  const verdicts = new Map<number, boolean>();
  return (paramStart) => {
    runStarts ??= whitespaceRunStarts(raw);
    const runStart = runStarts[paramStart];
    let verdict = verdicts.get(runStart);
    if (verdict === undefined) {
      SCHEME.lastIndex = runStart;
      verdict = runStart === 0 || SCHEME.test(raw);
      verdicts.set(runStart, verdict);
    }
    return verdict;
  };
}

const SCHEME = /[a-z][a-z0-9+.-]*:\/\//iy;

/** For each offset, where its run of non-whitespace characters starts. */
function whitespaceRunStarts(raw: string): Int32Array {
  const starts = new Int32Array(raw.length + 1);
  for (let i = 1; i <= raw.length; i++) starts[i] = /\s/.test(raw[i - 1]) ? i : starts[i - 1];
  return starts;
}

export interface EnvSetting extends Span {
  name: 'NODE_TLS_REJECT_UNAUTHORIZED' | 'PGSSLMODE';
}

/** Env vars whose value turns verification off for the whole process (or for node-postgres). */
export const DISABLING_ENV_VALUES: Readonly<Record<EnvSetting['name'], string>> = {
  // fnscan-disable-next-line no-disabled-tls -- a table of the values the rule looks for, not an environment
  NODE_TLS_REJECT_UNAUTHORIZED: '0',
  // fnscan-disable-next-line no-disabled-tls -- as above
  PGSSLMODE: 'no-verify',
};

const ENV_ASSIGNMENT = /(?:^|[\s{,])(?:export\s+)?(["']?)(NODE_TLS_REJECT_UNAUTHORIZED|PGSSLMODE)\1\s*=\s*/g;

/**
 * `NODE_TLS_REJECT_UNAUTHORIZED=0` and `PGSSLMODE=no-verify` in one line of a dotenv or TOML file
 * (comment already cut off), with the spans of the values relative to the line.
 */
export function disablingEnvSettings(code: string): EnvSetting[] {
  const found: EnvSetting[] = [];
  for (const match of code.matchAll(ENV_ASSIGNMENT)) {
    const name = match[2] as EnvSetting['name'];
    const value = readValue(code, match.index + match[0].length);
    if (value && value.text === DISABLING_ENV_VALUES[name]) found.push({ name, start: value.start, end: value.end });
  }
  return found;
}

function readValue(code: string, at: number): { text: string; start: number; end: number } | undefined {
  const quote = code[at];
  if (quote === '"' || quote === "'") {
    const close = code.indexOf(quote, at + 1);
    if (close === -1) return undefined;
    return { text: code.slice(at + 1, close), start: at + 1, end: close };
  }
  let end = at;
  while (end < code.length && !/[\s,}#]/.test(code[end])) end++;
  return { text: code.slice(at, end), start: at, end };
}

/**
 * The part of a dotenv/TOML line before its comment: a `#` at the start or after a space, outside
 * quotes. A Prisma schema comments with `//` (never `#`), matched the same way so `postgres://`
 * stays whole.
 */
export function withoutComment(line: string, prisma = false): string {
  if (prisma) {
    const comment = line.search(/(?:^|\s)\/\//);
    return comment === -1 ? line : line.slice(0, comment);
  }
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return line.slice(0, i);
    }
  }
  return line;
}
