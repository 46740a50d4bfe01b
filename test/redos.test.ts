import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import * as vocabulary from '../src/analysis/vocabulary';
import { scan } from '../src/core/engine';
import { DEFAULT_LIMITS, parseSource, type SourceFileInfo, type TextFileInfo } from '../src/core/files';
import { compileGlobs } from '../src/core/glob';
import type { ProjectInfo } from '../src/core/project';
import { parseDirectives } from '../src/core/suppressions';
import { rules } from '../src/rules';
import {
  classifyAuthorization,
  classifyFallback,
  classifyNamed,
  classifyUnnamed,
  looksGenerated,
  looksStronglyGenerated,
} from '../src/rules/secrets/classify';
import { charClasses, isOneRepeatedChar, isSequential, isWordLike, shannonEntropy } from '../src/rules/secrets/entropy';
import { parseEnvFile, parseTomlStrings } from '../src/rules/secrets/env-file';
import { maskSecret } from '../src/rules/secrets/mask';
import { credentialKind, envNameFor, isDisplayableName, nameWords } from '../src/rules/secrets/names';
import { ANY_KEYWORD, findKnownSecrets, findPrivateKey, isAwsSecretShape, SECRET_PATTERNS } from '../src/rules/secrets/patterns';
import { hasDemoWords, isDefaultPassword, isPlaceholder, isPublicValue } from '../src/rules/secrets/placeholders';
import { findUrlCredential, isDevelopmentHost } from '../src/rules/secrets/urls';
import { disablingEnvSettings, insecureParams, withoutComment } from '../src/rules/tls/connection-strings';
import { tempProject } from './support/project';

/**
 * No catastrophic backtracking, and no quadratic loop, on text a stranger wrote. Each check runs
 * on adversarial input (long runs of near-matches) at 4 KB, then at 128 KB, and must stay within
 * BUDGET times a trivial linear scan of the same text: a linear regex costs a few to a few dozen
 * trivial scans; a quadratic one costs thousands at 4 KB already, so it fails there, fast.
 * Whole-file checks compare the scan of 16 KB and 64 KB of the same shape instead: four times the
 * text must cost about four times as much, not sixteen.
 */
const BUDGET = 1000;
const SIZES = [4 * 1024, 128 * 1024];
/** Whole-file scans: 4x the text must cost less than this many times as much (linear is 4, quadratic 16). */
const SCALE_BUDGET = 9;

/** The trivial scan: one pass over the characters, nothing V8 can skip. */
function trivialScan(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h + text.charCodeAt(i)) | 0;
  return h;
}

function best(fn: () => unknown, runs: number): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

const baselines = new Map<string, number>();
function baseline(text: string): number {
  let value = baselines.get(text);
  if (value === undefined) {
    value = Math.max(best(() => trivialScan(text), 5), 0.001);
    baselines.set(text, value);
  }
  return value;
}

/** `unit` repeated to `size` characters, then one character no pattern accepts, so `...$` anchors must fail. */
function fill(unit: string, size: number): string {
  return `${unit.repeat(Math.ceil(size / unit.length)).slice(0, size)}\u0001`;
}

/**
 * How many trivial scans one run costs. A run over budget is measured again before the verdict, so
 * a GC pause cannot fail a check; not when it is far over on a large text, where a second run of a
 * quadratic check would only waste seconds.
 */
function cost(run: (text: string) => unknown, text: string): number {
  let spent = best(() => run(text), 1);
  const over = spent / (BUDGET * baseline(text));
  if (over > 1 && (text.length <= SIZES[0] + 1 || over < 10)) spent = Math.min(spent, best(() => run(text), 3));
  return spent / baseline(text);
}

/**
 * A description of each input on which a check exceeds the budget. Each input stops at the first
 * size that fails: a quadratic check already fails at the small size, and cheaply.
 */
function overBudget(label: string, run: (text: string) => unknown, units: readonly string[]): string[] {
  const slow: string[] = [];
  for (const unit of units) {
    for (const size of SIZES) {
      const ratio = cost(run, fill(unit, size));
      if (ratio > BUDGET) {
        slow.push(`${label} on ${JSON.stringify(unit.slice(0, 40))} x ${size}: ${Math.round(ratio)}x a trivial scan`);
        break;
      }
    }
  }
  return slow;
}

/** Runs of single characters and short shapes that make greedy quantifiers work hardest. */
const GENERIC_UNITS = [' ', '\t', '\r', '\n', 'a', 'aA0', 'a ', 'a=', '-', '_', '/', '.', ':', '=', '@', '"', '\\', '#'];

/** Literal pieces of a regex source (`sk_live_`, `fnscan-disable`), from which near-matches are made. */
function fragments(source: string): string[] {
  const out = new Set<string>();
  let current = '';
  let inClass = false;
  const flush = (): void => {
    if (current.length >= 2) out.add(current);
    current = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[++i];
      if (!inClass && /[^A-Za-z0-9]/.test(next)) current += next;
      else flush();
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      flush();
    } else if (c === '{') {
      flush();
      while (i < source.length && source[i] !== '}') i++;
    } else if ('()|?*+^$.'.includes(c)) {
      flush();
    } else {
      current += c;
    }
  }
  flush();
  return [...out].slice(0, 4);
}

function nearMisses(pieces: string[]): string[] {
  return pieces.flatMap((p) => [p, `${p}aaaaaaa1`, `${p} `, `aaaaaaaaa${p}`]);
}

function exercise(regex: RegExp): (text: string) => unknown {
  const global = new RegExp(regex.source, regex.flags.includes('g') ? regex.flags : `${regex.flags}g`);
  return (text) => {
    global.lastIndex = 0;
    let count = 0;
    for (let m = global.exec(text); m !== null; m = global.exec(text)) {
      if (m[0] === '') global.lastIndex++;
      count++;
    }
    return count;
  };
}

const REPO = path.resolve(__dirname, '..');

/** Source files whose regexes never see scanned text, and why. */
const NOT_ON_SCANNED_TEXT: Record<string, string> = {
  'src/core/ruledocs.ts': "renders fnscan's own rule docs",
  'src/eval': "the evaluation tool, over fnscan's own fixtures",
  'src/cli/options.ts': 'command-line arguments',
};

interface Literal {
  where: string;
  regex: RegExp;
}

function regexLiterals(dir: string): Literal[] {
  const found: Literal[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(REPO, full).split(path.sep).join('/');
    if (Object.keys(NOT_ON_SCANNED_TEXT).some((skip) => rel === skip || rel.startsWith(`${skip}/`))) continue;
    if (entry.isDirectory()) {
      found.push(...regexLiterals(full));
      continue;
    }
    if (!entry.name.endsWith('.ts')) continue;
    const sf = ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isRegularExpressionLiteral(node)) {
        const text = node.text;
        const slash = text.lastIndexOf('/');
        const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
        found.push({ where: `${rel}:${line}`, regex: new RegExp(text.slice(1, slash), text.slice(slash + 1)) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** Super-linear regexes whose input is short by construction, with where the bound comes from. */
const BOUNDED_INPUT: { file: string; source: string; bound: string }[] = [
  { file: 'src/reporters/sarif.ts', source: String.raw`\/+$`, bound: 'the --category value from the command line' },
  { file: 'src/core/platforms.ts', source: String.raw`\/+$`, bound: 'a route made from a file path (at most PATH_MAX)' },
  { file: 'src/rules/secrets/names.ts', source: '[0-9]+$', bound: 'words of a name cut to 128 characters by nameWords' },
  { file: 'src/rules/no-sensitive-logging/names.ts', source: '[0-9]+$', bound: 'words of a name cut to 96 characters by splitWords' },
];

const boundedInput = (literal: Literal): boolean =>
  BOUNDED_INPUT.some((b) => literal.where.startsWith(`${b.file}:`) && literal.regex.source === b.source);

describe('every regex literal that can see scanned text', () => {
  const literals = regexLiterals(path.join(REPO, 'src'));
  const byFile = new Map<string, Literal[]>();
  for (const literal of literals) {
    const file = literal.where.slice(0, literal.where.lastIndexOf(':'));
    byFile.set(file, [...(byFile.get(file) ?? []), literal]);
  }

  it('are found (the census is not empty)', () => {
    assert.ok(literals.length >= 100, `only ${literals.length} regex literals found`);
    for (const file of ['src/core/suppressions.ts', 'src/rules/secrets/patterns.ts', 'src/rules/tls/connection-strings.ts', 'src/analysis/vocabulary.ts']) {
      assert.ok(byFile.has(file), `no regex found in ${file}`);
    }
  });

  for (const [file, inFile] of [...byFile].sort()) {
    it(`${file}: ${inFile.length} regexes stay linear`, () => {
      const slow = inFile
        .filter((literal) => !boundedInput(literal))
        .flatMap((literal) =>
          overBudget(`${literal.where} /${literal.regex.source}/`, exercise(literal.regex), [
            ...GENERIC_UNITS,
            ...nearMisses(fragments(literal.regex.source)),
          ]),
        );
      assert.deepEqual(slow, []);
    });
  }
});

describe('secret patterns and entropy checks', () => {
  it('each exported secret pattern, on runs of near-matches of its keywords', () => {
    assert.ok(SECRET_PATTERNS.length >= 10);
    const slow = SECRET_PATTERNS.flatMap((pattern) => {
      const units = pattern.keywords.flatMap((k) => [
        k,
        `${k}${'A1b2'.repeat(4)}`,
        `${k}${'A1b2'.repeat(4)}-`,
        `${k}${'0'.repeat(40)}_`,
        `${k}=`,
        `aaaaaaaaaa${k}`,
        `${k} `,
      ]);
      return overBudget(`pattern ${pattern.id}`, exercise(pattern.regex), [...units, ...nearMisses(fragments(pattern.regex.source))]);
    });
    assert.deepEqual(slow, []);
  });

  const keywordUnits = SECRET_PATTERNS.flatMap((p) => p.keywords.map((k) => `${k}${'A1b2'.repeat(4)} `));
  const valueUnits = [
    ...GENERIC_UNITS,
    ...keywordUnits,
    '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n',
    'postgres://u:p@',
    'a://',
    'your',
    'change-',
    'aB',
    'Bearer ',
    '${',
  ];

  const checks: [string, (text: string) => unknown][] = [
    ['findKnownSecrets', (t) => findKnownSecrets(t)],
    ['findKnownSecrets (twilio hint)', (t) => findKnownSecrets(t, { twilio: true, name: 'twilio_key' })],
    ['findPrivateKey', findPrivateKey],
    ['ANY_KEYWORD', (t) => ANY_KEYWORD.test(t)],
    ['findUrlCredential', findUrlCredential],
    ['isDevelopmentHost', isDevelopmentHost],
    ['shannonEntropy', shannonEntropy],
    ['charClasses', charClasses],
    ['isOneRepeatedChar', isOneRepeatedChar],
    ['isSequential', isSequential],
    ['isWordLike', isWordLike],
    ['isAwsSecretShape', isAwsSecretShape],
    ['looksGenerated', looksGenerated],
    ['looksStronglyGenerated', looksStronglyGenerated],
    ['classifyUnnamed', (t) => classifyUnnamed(t, {})],
    ['classifyNamed (value)', (t) => classifyNamed(t, 'apiSecret', { awsKeyIdNearby: true })],
    ['classifyNamed (name)', (t) => classifyNamed('q8Zr2LmX9vT4pK7w', t, {})],
    ['classifyFallback', (t) => classifyFallback(t, 'SESSION_SECRET', {})],
    ['classifyAuthorization', (t) => classifyAuthorization(t, {})],
    ['classifyAuthorization (Bearer)', (t) => classifyAuthorization(`Bearer ${t}`, {})],
    ['classifyAuthorization (Basic)', (t) => classifyAuthorization(`Basic ${t}`, {})],
    ['isPlaceholder', isPlaceholder],
    ['hasDemoWords', hasDemoWords],
    ['isPublicValue', isPublicValue],
    ['isDefaultPassword', isDefaultPassword],
    ['maskSecret', maskSecret],
    ['nameWords', nameWords],
    ['credentialKind', credentialKind],
    ['envNameFor', envNameFor],
    ['isDisplayableName', isDisplayableName],
  ];
  for (const [label, run] of checks) {
    it(`${label}, on long values`, () => {
      assert.deepEqual(overBudget(label, run, valueUnits), []);
    });
  }
});

describe('env, TOML and TLS connection-string parsing', () => {
  const lineUnits = [
    ...GENERIC_UNITS,
    'A=\n',
    'A=',
    'export ',
    'export A=\n',
    'A="',
    'A="\\',
    "A='\n",
    'A=`',
    'A: ',
    'A = "x\n',
    'a = """\n',
    "a = '''",
    'a.b.c = ',
    '"a".b = 1\n',
    '[a]\n',
    '# A=1\n',
    'A=1 # c\n',
    'NODE_TLS_REJECT_UNAUTHORIZED=',
    ' NODE_TLS_REJECT_UNAUTHORIZED ',
    'export NODE_TLS_REJECT_UNAUTHORIZED',
    '"NODE_TLS_REJECT_UNAUTHORIZED"',
    'PGSSLMODE = "',
    '?sslmode=no-verify',
    '&sslmode=require',
    '?uselibpqcompat=true',
    'sslaccept=accept_invalid_certs',
    '?ssl',
  ];
  const checks: [string, (text: string) => unknown][] = [
    ['parseEnvFile', parseEnvFile],
    ['parseTomlStrings', parseTomlStrings],
    ['insecureParams', insecureParams],
    ['disablingEnvSettings', disablingEnvSettings],
    ['withoutComment', withoutComment],
  ];
  for (const [label, run] of checks) {
    it(`${label}, on long runs of near-matches`, () => {
      assert.deepEqual(overBudget(label, run, lineUnits), []);
    });
  }
});

describe('the handler vocabulary', () => {
  const patterns = Object.entries(vocabulary).filter((e): e is [string, RegExp] => e[1] instanceof RegExp);

  it('is all checked', () => {
    assert.ok(patterns.length >= 6, `only ${patterns.length} vocabulary regexes`);
  });

  it('each exported regex, on names and text of near-matches', () => {
    const slow = patterns.flatMap(([name, regex]) =>
      overBudget(name, exercise(regex), [...GENERIC_UNITS, ...nearMisses(fragments(regex.source)), 'aB', 'hook', '-ipn', 'x-']),
    );
    assert.deepEqual(slow, []);
  });
});

const PLAIN: ProjectInfo = { kind: 'plain', root: '/project', paths: [] };

function sourceInfo(text: string): SourceFileInfo {
  const parsed = parseSource('/project/a.ts', text, { ...DEFAULT_LIMITS, maxFileBytes: Infinity });
  assert.ok('sf' in parsed, 'the generated source parses');
  return { kind: 'source', path: '/project/a.ts', text, sf: parsed.sf, role: 'source', project: PLAIN };
}

function textInfo(text: string): TextFileInfo {
  return { kind: 'text', path: '/project/.env.defaults', text, project: PLAIN };
}

describe('the suppression parser', () => {
  /** Each case builds a whole file around a run of `size` characters. */
  const cases: { label: string; file: (run: string) => SourceFileInfo | TextFileInfo; unit: string }[] = [
    { label: 'many `//` openers before a directive', file: (r) => sourceInfo(`${r}fnscan-disable-line x -- y\n`), unit: '// ' },
    { label: 'many `#` openers before a directive', file: (r) => textInfo(`${r}fnscan-disable-line x -- y\n`), unit: '# ' },
    { label: 'a long rule list', file: (r) => sourceInfo(`// fnscan-disable-line ${r}-- y\n`), unit: 'a, ' },
    { label: 'many until= in the reason', file: (r) => sourceInfo(`// fnscan-disable-line x -- ${r}\n`), unit: 'until=' },
    {
      label: 'a whitespace run in a reason',
      file: (r) => sourceInfo(`// fnscan-disable-line no-disabled-tls -- a${r}b\nexport const x = 1\n`),
      unit: ' ',
    },
    {
      label: 'a run of carriage returns in an env file line',
      file: (r) => textInfo(`# fnscan-disable-line x -- y\nA=${r}x\n`),
      unit: '\r',
    },
    {
      label: 'many directive keywords on one line',
      file: (r) => sourceInfo(`export const a = 1\n// x ${r}\n`),
      unit: 'fnscan-disable ',
    },
    {
      label: 'many directive keywords on one env line',
      file: (r) => textInfo(`A=1 ${r}\n`),
      unit: 'fnscan-disable ',
    },
  ];
  for (const c of cases) {
    it(`stays linear on ${c.label}`, () => {
      const slow: string[] = [];
      for (const size of [8 * 1024, 64 * 1024]) {
        const file = c.file(c.unit.repeat(Math.ceil(size / c.unit.length)));
        const ratio = cost(() => parseDirectives(file), file.text);
        if (ratio > BUDGET) {
          slow.push(`${c.label} at ${size}: ${Math.round(ratio)}x a trivial scan`);
          break;
        }
      }
      assert.deepEqual(slow, []);
    });
  }
});

describe('ignore globs from a config file in the scanned tree', () => {
  it('match deep paths in linear time', () => {
    const deep = `${Array(40).fill('a').join('/')}/b.ts`;
    const slow: string[] = [];
    for (const pattern of ['**/**/**/**/x', '*a*a*a*a*a*x', '**a**a**a**x']) {
      const matcher = compileGlobs([pattern]);
      const cheap = compileGlobs(['**/x']);
      const ratio = best(() => matcher(deep), 3) / Math.max(best(() => cheap(deep), 3), 0.001);
      if (ratio > BUDGET) slow.push(`${pattern}: ${Math.round(ratio)}x a trivial pattern`);
    }
    assert.deepEqual(slow, []);
  });
});

describe('whole files: the scan grows linearly with the text', () => {
  const runs = (unit: string) => (size: number) => unit.repeat(Math.ceil(size / unit.length));
  const shapes: { label: string; file: string; text: (size: number) => string }[] = [
    { label: 'near-miss secrets in one string', file: 'api/src/lib/a.ts', text: (n) => `export const s = '${runs('sk_live_abcdefghijklmnopqrs ')(n)}'\n` },
    { label: 'near-miss secrets in comments', file: 'api/src/lib/a.ts', text: (n) => `export const a = 1\n${runs('// ghp_abcdefghijklmnopqrstuvwxyz\n')(n)}` },
    { label: 'PEM headers without key material', file: 'api/src/lib/a.ts', text: (n) => `export const s = \`${runs('-----BEGIN RSA PRIVATE KEY-----\\nAAAA\\n')(n)}\`\n` },
    { label: 'URL user-info runs', file: 'api/src/lib/a.ts', text: (n) => `export const s = '${runs('postgres://u:p@')(n)}'\n` },
    { label: 'credential-named constants', file: 'api/src/lib/a.ts', text: (n) => runs("export const apiKey_ = 'q8Zr2LmX9vT4pK7w';\n")(n) },
    { label: 'Authorization headers', file: 'api/src/lib/a.ts', text: (n) => `export const h = [${runs("{ Authorization: 'Bearer abcdefghijklmnopqrstuvw12' },")(n)}]\n` },
    { label: 'a long handler', file: 'api/src/functions/h.ts', text: (n) => `export const handler = async (event) => {\n${runs('  if (event.headers.x) { await db.user.findMany() }\n')(n)}  return { statusCode: 200 }\n}\n` },
    { label: 'env lines', file: '.env.defaults', text: (n) => runs('NODE_TLS_REJECT_UNAUTHORIZED=0\nA_SECRET="x\n')(n) },
    { label: 'TOML lines', file: 'netlify.toml', text: (n) => runs('a = """\nb = "x\n')(n) },
    {
      label: 'connection-string parameters in one string',
      file: 'api/src/lib/a.ts',
      text: (n) => `export const s = '${runs('?sslmode=no-verify&')(n)}'\n`,
    },
    {
      label: 'libpq parameters in one string',
      file: 'api/src/lib/a.ts',
      text: (n) => `export const s = 'postgres://h/d?uselibpqcompat=true${runs('&sslmode=require')(n)}'\n`,
    },
    {
      label: 'one object with many rejectUnauthorized properties',
      file: 'api/src/lib/a.ts',
      text: (n) => `export const o = {${runs(' rejectUnauthorized: false,')(n)} }\n`,
    },
  ];

  function scanTime(shape: (typeof shapes)[number], size: number, runs: number): number {
    const root = tempProject({ 'redwood.toml': '[web]\n', [shape.file]: shape.text(size) }, 'fnscan-redos-');
    return best(() => {
      const result = scan({ paths: [root], rules: [...rules], config: {}, includeTests: false });
      assert.deepEqual(result.skipped, []);
    }, runs);
  }

  for (const shape of shapes) {
    it(`${shape.label}`, () => {
      let base = scanTime(shape, 16 * 1024, 2);
      let grown = scanTime(shape, 64 * 1024, 1);
      // A scan of a few milliseconds is at the mercy of one collection or a busy neighbour: over
      // budget, both sizes are timed again, best of five, before the ratio counts.
      if (grown > SCALE_BUDGET * base) {
        base = Math.min(base, scanTime(shape, 16 * 1024, 5));
        grown = Math.min(grown, scanTime(shape, 64 * 1024, 5));
      }
      const sizes = `16 KB: ${base.toFixed(0)} ms, 64 KB: ${grown.toFixed(0)} ms`;
      assert.ok(grown < SCALE_BUDGET * base, `${sizes} (x${(grown / base).toFixed(1)})`);
    });
  }
});
