import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ScanResult } from '../src/core/engine';
import type { Finding, Level, Location, RelatedLocation } from '../src/core/types';
import { FORMATS, reporters, type ReportOptions } from '../src/reporters';
import { escapeData, escapeProperty, formatGithub } from '../src/reporters/github';
import { formatJson } from '../src/reporters/json';
import { formatStylish, printable, summaryLine } from '../src/reporters/stylish';

const ROOT = path.resolve('/repo');
const SECRET = 'sk_live_' + 'A1b2C3d4E5f6G7h8I9j0K1l2';

function at(file: string, line: number, column: number, endLine = line, endColumn = column + 5): Location {
  return {
    file: path.join(ROOT, file),
    start: 0,
    end: 5,
    startPos: { line, column },
    endPos: { line: endLine, column: endColumn },
  };
}

function finding(file: string, line: number, column: number, level: Level, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'no-disabled-tls',
    messageId: 'm',
    data: {},
    message: `Finding at ${line}:${column} is a ${level}.`,
    level,
    location: at(file, line, column),
    related: [],
    context: `const key = '${SECRET}'`,
    secretHash: 'f'.repeat(64),
    suggestions: [{ description: 'fix', span: { start: 0, end: 1 }, text: SECRET }],
    ...extra,
  };
}

function result(findings: Finding[], extra: Partial<ScanResult> = {}): ScanResult {
  return { findings, skipped: [], projects: [], filesScanned: 12, rules: [], ...extra };
}

const options: ReportOptions = {
  root: ROOT,
  color: false,
  includeSuppressed: false,
  category: 'fnscan',
  toolVersion: '9.9.9',
};

describe('reporter map', () => {
  it('offers exactly the four documented formats', () => {
    assert.deepEqual(FORMATS, ['stylish', 'json', 'sarif', 'github']);
  });

  it('never prints code context, fix text or a secret from the file in stylish, json or github', () => {
    const related: RelatedLocation = { ...at('api/src/lib/b.ts', 2, 1), message: 'Secret set here.' };
    const r = result([finding('api/src/lib/a.ts', 1, 1, 'error', { related: [related] })]);
    for (const format of ['stylish', 'json', 'github'] as const) {
      const text = reporters[format](r, { ...options, includeSuppressed: true });
      assert.ok(!text.includes(SECRET.slice(8)), `${format} leaks the secret`);
      assert.ok(!text.includes('f'.repeat(64)), `${format} leaks the secret hash`);
      assert.ok(!text.includes(ROOT + path.sep), `${format} prints an absolute path`);
    }
  });
});

describe('stylish', () => {
  it('groups by file, aligns columns like ESLint and ends with a summary', () => {
    const r = result([
      finding('api/src/functions/a.ts', 3, 7, 'error'),
      finding('api/src/functions/a.ts', 120, 12, 'warning', { ruleId: 'require-webhook-verification' }),
      finding('api/src/lib/b.ts', 9, 1, 'note', {
        related: [{ ...at('api/src/functions/a.ts', 4, 2), message: 'The handler starts here.' }],
      }),
    ]);
    assert.equal(
      formatStylish(r, options),
      [
        '',
        'api/src/functions/a.ts',
        '    3:7   error    Finding at 3:7 is a error       no-disabled-tls',
        '  120:12  warning  Finding at 120:12 is a warning  require-webhook-verification',
        '',
        'api/src/lib/b.ts',
        '  9:1  note  Finding at 9:1 is a note  no-disabled-tls',
        '    ↳ api/src/functions/a.ts:4 The handler starts here.',
        '',
        '✖ 3 problems (1 error, 1 warning, 1 note)',
        '',
      ].join('\n'),
    );
  });

  it('hides suppressed findings but counts them', () => {
    const suppressed = finding('a.ts', 1, 1, 'error', { suppression: { justification: 'test key' } });
    assert.equal(formatStylish(result([suppressed]), options), '✔ No problems found in 12 files (1 suppressed).\n');
    const text = formatStylish(result([suppressed, finding('a.ts', 2, 1, 'warning')]), options);
    assert.match(text, /✖ 1 problem \(0 errors, 1 warning, 0 notes\) \(1 suppressed\)\n$/);
    assert.ok(!text.includes('1:1'));
  });

  it('says when nothing was found, with singular words for one', () => {
    assert.equal(formatStylish(result([], { filesScanned: 1 }), options), '✔ No problems found in 1 file.\n');
    assert.equal(summaryLine(result([finding('a.ts', 1, 1, 'note')]), false), '✖ 1 problem (0 errors, 0 warnings, 1 note)');
  });

  it('shows paths outside the root with ../ and forward slashes', () => {
    const outside = finding('x.ts', 1, 1, 'error');
    outside.location.file = path.join(ROOT, '..', 'other', 'x.ts');
    assert.match(formatStylish(result([outside]), options), /^\n\.\.\/other\/x\.ts\n/);
  });

  it('colours levels with plain ANSI only when asked', () => {
    const r = result([finding('a.ts', 1, 1, 'error'), finding('a.ts', 2, 1, 'warning'), finding('a.ts', 3, 1, 'note')]);
    const coloured = formatStylish(r, { ...options, color: true });
    assert.ok(coloured.includes('\u001b[31merror  \u001b[39m'));
    assert.ok(coloured.includes('\u001b[33mwarning\u001b[39m'));
    assert.ok(coloured.includes('\u001b[36mnote   \u001b[39m'));
    assert.ok(!formatStylish(r, options).includes('\u001b'));
  });

  it('escapes terminal control and bidi characters from file names and messages', () => {
    const evil = finding('a\u001b[2J.ts', 1, 1, 'error', { message: 'Bad \u202etxt.exe\u0007 value.' });
    const text = formatStylish(result([evil]), options);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u202e]/.test(text));
    assert.ok(text.includes('a\\u{1b}[2J.ts'));
    assert.equal(printable('ok\tline'), 'ok\\u{9}line');
  });
});

describe('json', () => {
  it('writes the documented shape with a stable key order and a trailing newline', () => {
    const r = result(
      [
        finding('api/src/functions/a.ts', 3, 7, 'error', {
          related: [{ ...at('api/src/lib/b.ts', 4, 2), message: 'Defined here.' }],
        }),
      ],
      { skipped: [{ file: path.join(ROOT, 'big.ts'), reason: 'too-large', detail: '2000000 bytes is over the limit' }] },
    );
    const text = formatJson(r, options);
    assert.ok(text.endsWith('}\n'));
    assert.equal(
      text,
      JSON.stringify(
        {
          schemaVersion: 1,
          tool: { name: 'fnscan', version: '9.9.9' },
          findings: [
            {
              ruleId: 'no-disabled-tls',
              level: 'error',
              message: 'Finding at 3:7 is a error.',
              file: 'api/src/functions/a.ts',
              line: 3,
              column: 7,
              endLine: 3,
              endColumn: 12,
              related: [{ file: 'api/src/lib/b.ts', line: 4, column: 2, endLine: 4, endColumn: 7, message: 'Defined here.' }],
            },
          ],
          skipped: [{ file: 'big.ts', reason: 'too-large', detail: '2000000 bytes is over the limit' }],
          summary: { files: 12, errors: 1, warnings: 0, notes: 0, suppressed: 0 },
        },
        null,
        2,
      ) + '\n',
    );
  });

  it('leaves suppressed findings out unless asked, and always counts them', () => {
    const r = result([
      finding('a.ts', 1, 1, 'error', { suppression: { justification: 'rotated' } }),
      finding('a.ts', 2, 1, 'warning', { baselineState: 'new' }),
    ]);
    const plain = JSON.parse(formatJson(r, options));
    assert.equal(plain.findings.length, 1);
    assert.equal(plain.findings[0].baselineState, 'new');
    assert.deepEqual(plain.summary, { files: 12, errors: 0, warnings: 1, notes: 0, suppressed: 1 });
    const all = JSON.parse(formatJson(r, { ...options, includeSuppressed: true }));
    assert.equal(all.findings.length, 2);
    assert.equal(all.findings[0].suppressed, true);
    assert.equal(all.findings[0].justification, 'rotated');
    assert.equal(all.findings[1].suppressed, undefined);
    assert.deepEqual(all.summary, plain.summary);
  });

  it('is byte-identical for the same result', () => {
    const make = () => result([finding('b.ts', 1, 1, 'note'), finding('a.ts', 5, 1, 'error')]);
    assert.equal(formatJson(make(), options), formatJson(make(), options));
  });
});

describe('github', () => {
  it('writes one workflow command per finding with the GitHub level names', () => {
    const r = result([
      finding('api/src/a.ts', 3, 7, 'error'),
      finding('api/src/a.ts', 4, 1, 'warning'),
      finding('api/src/a.ts', 5, 2, 'note'),
      finding('api/src/a.ts', 6, 1, 'error', { suppression: { justification: 'fine' } }),
    ]);
    assert.equal(
      formatGithub(r, options),
      '::error file=api/src/a.ts,line=3,col=7,endLine=3,endColumn=11,title=no-disabled-tls::Finding at 3:7 is a error.\n' +
        '::warning file=api/src/a.ts,line=4,col=1,endLine=4,endColumn=5,title=no-disabled-tls::Finding at 4:1 is a warning.\n' +
        '::notice file=api/src/a.ts,line=5,col=2,endLine=5,endColumn=6,title=no-disabled-tls::Finding at 5:2 is a note.\n',
    );
  });

  it('leaves columns out of multi-line annotations, which GitHub rejects', () => {
    const multi = finding('a.ts', 3, 7, 'error', { location: at('a.ts', 3, 7, 9, 2) });
    assert.equal(
      formatGithub(result([multi]), options),
      '::error file=a.ts,line=3,endLine=9,title=no-disabled-tls::Finding at 3:7 is a error.\n',
    );
  });

  it('escapes %, CR and LF in the message and also : and , in properties', () => {
    const odd = finding('dir,with:odd%/a.ts', 1, 1, 'error', { message: '100% sure:\r\nline two, ok' });
    assert.equal(
      formatGithub(result([odd]), options),
      '::error file=dir%2Cwith%3Aodd%25/a.ts,line=1,col=1,endLine=1,endColumn=5,title=no-disabled-tls::100%25 sure:%0D%0Aline two, ok\n',
    );
    assert.equal(escapeData('a%0A\n'), 'a%250A%0A');
    assert.equal(escapeProperty('a:b,c'), 'a%3Ab%2Cc');
  });

  it('prints nothing when there is nothing to annotate', () => {
    assert.equal(formatGithub(result([]), options), '');
  });
});
