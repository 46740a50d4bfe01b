import { parseJsonc } from '../../core/jsonc';

/**
 * Assignments in committed env and TOML files, with the span of each value so a finding points
 * at the value itself. Parsing follows dotenv: `export` prefixes, `KEY=value` and `KEY: value`,
 * single, double (with escapes) and backtick quotes that may span lines, `#` comments.
 */
export interface Assignment {
  key: string;
  value: string;
  /** Offsets of the value (inside its quotes) in the file text. */
  start: number;
  end: number;
  /** Under Netlify's `[template.environment]`: a description for the Deploy to Netlify button, not a value. */
  description?: boolean;
}

const ENV_KEY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]{0,127})[ \t]*(?:=|:[ \t])[ \t]*/;

export function parseEnvFile(text: string): Assignment[] {
  const closingQuote = quoteFinder(text);
  const assignments: Assignment[] = [];
  let pos = 0;
  while (pos < text.length) {
    const lineEnd = endOfLine(text, pos);
    const key = ENV_KEY.exec(text.slice(pos, Math.min(lineEnd, pos + 256)));
    if (!key) {
      pos = lineEnd + 1;
      continue;
    }
    const valueStart = pos + key[0].length;
    const quote = text[valueStart];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = closingQuote(valueStart + 1, quote);
      if (close !== -1) {
        const raw = text.slice(valueStart + 1, close);
        assignments.push({ key: key[1], value: quote === '"' ? unescapeDouble(raw) : raw, start: valueStart + 1, end: close });
        pos = endOfLine(text, close) + 1;
        continue;
      }
    }
    const hash = text.slice(valueStart, lineEnd).indexOf('#');
    const end = trimEnd(text, valueStart, hash === -1 ? lineEnd : valueStart + hash);
    assignments.push({ key: key[1], value: text.slice(valueStart, end), start: valueStart, end });
    pos = lineEnd + 1;
  }
  return assignments;
}

/** String-valued keys of a TOML file (`[build.environment] STRIPE_KEY = "..."`); arrays and tables are skipped. */
/** The `key = "value"` assignments of a committed config file: TOML, and Prisma's schema (`url = "postgres://..."`). */
export function parseConfigFile(fileName: string, text: string): Assignment[] {
  if (fileName === 'vercel.json') return parseVercelEnv(text);
  return fileName.endsWith('.toml') || fileName.endsWith('.prisma') ? parseTomlStrings(text) : parseEnvFile(text);
}

/**
 * The `env` and `build.env` blocks of `vercel.json` (a legacy way to set a deployment's variables,
 * committed with the code): each string value, at its place in the text.
 */
export function parseVercelEnv(text: string): Assignment[] {
  const parsed = parseJsonc(text) as { env?: unknown; build?: { env?: unknown } } | undefined;
  const blocks = [parsed?.env, parsed?.build?.env].filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b));
  const wanted = new Map<string, Set<string>>();
  for (const block of blocks) {
    for (const [key, value] of Object.entries(block)) {
      if (typeof value === 'string') wanted.set(key, (wanted.get(key) ?? new Set()).add(value));
    }
  }
  const assignments: Assignment[] = [];
  // Every `"KEY": "value"` pair of the text whose key and value an env block holds.
  const pair = /"((?:[^"\\\n]|\\.)*)"\s*:\s*"((?:[^"\\\n]|\\.)*)"/g;
  for (let m = pair.exec(text); m; m = pair.exec(text)) {
    const key = jsonString(m[1]);
    const value = jsonString(m[2]);
    // `"@stripe-secret"` names a secret kept by Vercel (`vercel secrets add`), not a value.
    if (key === undefined || value === undefined || value.startsWith('@') || !wanted.get(key)?.has(value)) continue;
    const end = m.index + m[0].length - 1;
    assignments.push({ key, value, start: end - m[2].length, end });
  }
  return assignments;
}

function jsonString(raw: string): string | undefined {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return undefined;
  }
}

export function parseTomlStrings(text: string): Assignment[] {
  const closingQuote = quoteFinder(text);
  const assignments: Assignment[] = [];
  let pos = 0;
  let table = '';
  while (pos < text.length) {
    const lineEnd = endOfLine(text, pos);
    const line = text.slice(pos, lineEnd);
    const header = TABLE_HEADER.exec(line);
    if (header) table = header[1].replace(/["'\s]/g, '');
    const equals = line.indexOf('=');
    const name = equals === -1 ? undefined : tomlKeyName(line.slice(0, equals));
    if (name === undefined) {
      pos = lineEnd + 1;
      continue;
    }
    let valueStart = pos + equals + 1;
    while (text[valueStart] === ' ' || text[valueStart] === '\t') valueStart++;
    const quote = text[valueStart];
    if (quote === '"' || quote === "'") {
      const triple = text.startsWith(quote.repeat(3), valueStart);
      const open = triple ? 3 : 1;
      const close = closingQuote(valueStart + open, triple ? quote.repeat(3) : quote);
      if (close !== -1 && (triple || close <= lineEnd)) {
        const raw = text.slice(valueStart + open, close);
        const value = quote === '"' ? unescapeDouble(raw) : raw;
        assignments.push({ key: name, value, start: valueStart + open, end: close, ...(isTemplateDescription(table, line.slice(0, equals)) ? { description: true } : {}) });
        pos = endOfLine(text, close) + 1;
        continue;
      }
    }
    pos = lineEnd + 1;
  }
  return assignments;
}

/** `[build.environment]`, `[[redirects]]`, `["quoted".key]`: the table the following keys belong to. */
const TABLE_HEADER = /^\s*\[\[?([^\]]*)\]\]?\s*(?:#.*)?$/;

/**
 * Netlify's `[template.environment]`: what the Deploy to Netlify button asks for, each value a
 * description shown to whoever deploys (`STRIPE_WEBHOOK_SECRET = "Signing secret of the endpoint"`).
 */
function isTemplateDescription(table: string, rawKey: string): boolean {
  return table === 'template.environment' || (table === '' && rawKey.trim().replace(/["'\s]/g, '').startsWith('template.environment.'));
}

/** The last segment of a bare, quoted or dotted TOML key, or undefined if the text is not a key. */
function tomlKeyName(raw: string): string | undefined {
  const key = raw.trim();
  if (key === '' || key.length > 400 || key.startsWith('#') || key.startsWith('[')) return undefined;
  let inQuote = false;
  for (const c of key) {
    if (c === '"') inQuote = !inQuote;
    else if (!inQuote && !/[A-Za-z0-9_.\- \t-]/.test(c)) return undefined;
  }
  return lastKeySegment(key);
}

/** `a.b.KEY` gives `KEY`; a quoted segment keeps its dots (`"quoted.key"`). */
function lastKeySegment(key: string): string {
  let segment = '';
  let inQuote = false;
  for (const c of key) {
    if (c === '"') inQuote = !inQuote;
    else if (c === '.' && !inQuote) segment = '';
    else segment += c;
  }
  return segment.trim();
}

function endOfLine(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

/**
 * Finds the matching quote; a backslash escapes the next character in double quotes only.
 * Once a quote has no match after some point, later searches give up at once, so a file full
 * of unterminated quotes is still read in linear time.
 */
function quoteFinder(text: string): (from: number, quote: string) => number {
  const unmatchedFrom = new Map<string, number>();
  return (from, quote) => {
    if (from >= (unmatchedFrom.get(quote) ?? Infinity)) return -1;
    if (quote.length > 1) {
      const at = text.indexOf(quote, from);
      if (at === -1) unmatchedFrom.set(quote, from);
      return at;
    }
    for (let i = from; i < text.length; i++) {
      const c = text[i];
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) return i;
    }
    unmatchedFrom.set(quote, from);
    return -1;
  };
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\([nrt"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c));
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && (text[e - 1] === ' ' || text[e - 1] === '\t' || text[e - 1] === '\r')) e--;
  return e;
}
