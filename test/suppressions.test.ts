import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scan } from '../src/core/engine';
import { DEFAULT_LIMITS, parseSource, type SourceFileInfo, type TextFileInfo } from '../src/core/files';
import type { ProjectInfo } from '../src/core/project';
import { defineRule, type RuleMeta } from '../src/core/rule';
import { applySuppressions, parseDirectives, type SuppressionContext } from '../src/core/suppressions';
import type { FnscanConfig } from '../src/core/config';
import type { Finding } from '../src/core/types';
import { ruleById } from '../src/rules';

const TODAY = '2025-06-15';
const PROJECT: ProjectInfo = { kind: 'plain', root: '/project', paths: [] };
const TLS = ruleById('no-disabled-tls')!.meta;
const SECRET = ruleById('no-hardcoded-secret')!.meta;
const INVALID = ruleById('invalid-suppression')!.meta;

function source(text: string, name = '/project/api/src/lib/client.ts'): SourceFileInfo {
  const parsed = parseSource(name, text, DEFAULT_LIMITS);
  assert.ok('sf' in parsed, 'test source parses');
  return { kind: 'source', path: name, text, sf: parsed.sf, role: 'source', project: PROJECT };
}

function envFile(text: string): TextFileInfo {
  return { kind: 'text', path: '/project/.env.defaults', text, project: PROJECT };
}

/** A finding of `rule` starting on `line` (1-based); only rule, line and file matter to suppressions. */
function findingAt(file: SourceFileInfo | TextFileInfo, line: number, rule: RuleMeta = TLS): Finding {
  const pos = { line, column: 1 };
  return {
    ruleId: rule.id,
    messageId: Object.keys(rule.messages)[0],
    data: {},
    message: 'm',
    level: rule.defaultLevel,
    location: { file: file.path, start: 0, end: 1, startPos: pos, endPos: { line, column: 2 } },
    related: [],
    context: 'c',
    suggestions: [],
  };
}

function apply(
  file: SourceFileInfo | TextFileInfo,
  findings: Finding[],
  options: { rules?: RuleMeta[]; config?: FnscanConfig; today?: string } = {},
): { kept: Finding[]; problems: string[] } {
  const context: SuppressionContext = {
    rules: options.rules ?? [TLS, SECRET, INVALID],
    config: options.config ?? {},
    today: options.today ?? TODAY,
  };
  const out = applySuppressions(findings, file, context);
  return {
    kept: out.filter((f) => f.ruleId !== INVALID.id && !f.suppression),
    problems: out.filter((f) => f.ruleId === INVALID.id).map((f) => `${f.location.startPos.line}:${f.messageId}:${f.message}`),
  };
}

test('next-line and same-line directives suppress the named rule on their target line, with the reason', () => {
  const file = source(
    [
      '// fnscan-disable-next-line no-disabled-tls -- internal CA',
      'const a = 1',
      'const b = 2 // fnscan-disable-line no-disabled-tls -- vendor sandbox',
      'const c = 3 /* fnscan-disable-line fnscan/no-disabled-tls -- prefixed id */',
      'const d = 4',
    ].join('\n'),
  );
  const findings = [1, 2, 3, 4, 5].map((line) => findingAt(file, line));
  const { kept, problems } = apply(file, findings);
  assert.deepEqual(kept.map((f) => f.location.startPos.line), [1, 5]);
  assert.deepEqual(findings.map((f) => f.suppression?.justification), [undefined, 'internal CA', 'vendor sandbox', 'prefixed id', undefined]);
  assert.deepEqual(problems, []);
});

test('several rules in one directive, comma or space separated', () => {
  const file = source('// fnscan-disable-next-line no-disabled-tls, no-hardcoded-secret -- fixture data\nconst a = 1\n');
  const findings = [findingAt(file, 2, TLS), findingAt(file, 2, SECRET)];
  assert.deepEqual(apply(file, findings), { kept: [], problems: [] });
});

test('a directive only covers the rules it names', () => {
  const file = source('// fnscan-disable-next-line no-hardcoded-secret -- fixture data\nconst a = 1\n');
  const tls = findingAt(file, 2, TLS);
  const { kept, problems } = apply(file, [tls, findingAt(file, 2, SECRET)]);
  assert.deepEqual(kept, [tls]);
  assert.deepEqual(problems, []);
});

test('a directive without a reason suppresses nothing and is reported', () => {
  const file = source('// fnscan-disable-next-line no-disabled-tls\nconst a = 1\nconst b = 2 // fnscan-disable-line no-disabled-tls --   \n');
  const { kept, problems } = apply(file, [findingAt(file, 2), findingAt(file, 3)]);
  assert.equal(kept.length, 2);
  assert.deepEqual(problems, [
    '1:missingReason:The suppression of `no-disabled-tls` gives no reason after `--`, so it suppresses nothing.',
    '3:missingReason:The suppression of `no-disabled-tls` gives no reason after `--`, so it suppresses nothing.',
  ]);
});

test('until= is honoured through that day and expires after it (today is injected)', () => {
  const text = '// fnscan-disable-next-line no-disabled-tls until=2025-06-15 -- vendor fix due\nconst a = 1\n';
  const onTheDay = source(text);
  assert.deepEqual(apply(onTheDay, [findingAt(onTheDay, 2)], { today: '2025-06-15' }), { kept: [], problems: [] });
  const dayAfter = source(text);
  const { kept, problems } = apply(dayAfter, [findingAt(dayAfter, 2)], { today: '2025-06-16' });
  assert.equal(kept.length, 1);
  assert.deepEqual(problems, ['1:expired:The suppression of `no-disabled-tls` expired on 2025-06-15, so it suppresses nothing.']);
});

test('until= written into the reason is honoured too and is not part of the justification', () => {
  const text = 'const a = 1 // fnscan-disable-line no-disabled-tls -- local dev proxy, until=2025-06-01\n';
  const file = source(text);
  const f = findingAt(file, 1);
  assert.deepEqual(apply(file, [f], { today: '2025-05-31' }), { kept: [], problems: [] });
  assert.equal(f.suppression?.justification, 'local dev proxy');
  const later = source(text);
  assert.deepEqual(apply(later, [findingAt(later, 1)], { today: '2025-06-02' }).problems, [
    '1:expired:The suppression of `no-disabled-tls` expired on 2025-06-01, so it suppresses nothing.',
  ]);
  const onlyDate = source('const a = 1 // fnscan-disable-line no-disabled-tls -- until=2030-01-01\n');
  assert.deepEqual(apply(onlyDate, [findingAt(onlyDate, 1)]).problems, [
    '1:missingReason:The suppression of `no-disabled-tls` gives no reason after `--`, so it suppresses nothing.',
  ]);
});

test('a malformed until= date suppresses nothing', () => {
  for (const until of ['2025-02-30', '2025-6-1', 'tomorrow', '']) {
    const file = source(`// fnscan-disable-next-line no-disabled-tls until=${until} -- soon\nconst a = 1\n`);
    const { kept, problems } = apply(file, [findingAt(file, 2)]);
    assert.equal(kept.length, 1, until);
    assert.deepEqual(problems, [`1:badUntil:The suppression of \`no-disabled-tls\` has \`until=${until}\`, which is not a YYYY-MM-DD date, so it suppresses nothing.`]);
  }
});

test('unknown rules and invalid-suppression itself are reported; the known rules of the directive still work', () => {
  const file = source('// fnscan-disable-next-line no-disabled-tsl, no-disabled-tls, invalid-suppression -- typo\nconst a = 1\n');
  const { kept, problems } = apply(file, [findingAt(file, 2)]);
  assert.deepEqual(kept, []);
  assert.deepEqual(problems, [
    '1:unknownRule:`no-disabled-tsl` is not a fnscan rule that can be suppressed.',
    '1:unknownRule:`invalid-suppression` is not a fnscan rule that can be suppressed.',
  ]);
  const configured = source('// fnscan-disable-next-line invalid-suppression -- noisy\nconst a = 1\n');
  assert.deepEqual(apply(configured, [], { config: { rules: { 'invalid-suppression': 'error' } } }).problems, [
    '1:unknownRule:`invalid-suppression` is not a fnscan rule that can be suppressed.',
  ]);
});

test('an unused suppression is reported, per rule, when its rule ran', () => {
  const file = source('// fnscan-disable-next-line no-disabled-tls, no-hardcoded-secret -- legacy\nconst a = 1\n');
  const { problems } = apply(file, [findingAt(file, 2, SECRET), findingAt(file, 3, TLS)]);
  assert.deepEqual(problems, ['1:unused:The suppression of `no-disabled-tls` matches no `no-disabled-tls` finding on line 2.']);
});

test('a suppression of a rule turned off in the config is neither unknown nor unused', () => {
  const file = source('// fnscan-disable-next-line no-disabled-tls -- legacy\nconst a = 1\n');
  const { problems } = apply(file, [], { rules: [SECRET, INVALID], config: { rules: { 'no-disabled-tls': 'off' } } });
  assert.deepEqual(problems, []);
});

test('directive problems and misspelled directives are reported', () => {
  const file = source('// fnscan-disable-nextline no-disabled-tls -- typo\nconst a = 1\n// fnscan-disable-next-line -- no rule\nconst b = 2\n');
  const { kept, problems } = apply(file, [findingAt(file, 2), findingAt(file, 4)]);
  assert.equal(kept.length, 2);
  assert.deepEqual(problems, [
    '1:unknownDirective:`fnscan-disable-nextline` is not a fnscan directive, so it suppresses nothing.',
    '3:noRule:This suppression names no rule, so it suppresses nothing.',
  ]);
});

test('directive-looking text in strings, templates, regexes, JSX text or mid-comment is not a directive', () => {
  const file = source(
    [
      "const a = '// fnscan-disable-line no-disabled-tls -- in a string'",
      'const b = `/* fnscan-disable-line no-disabled-tls -- in a template */`',
      'const c = `${a} // fnscan-disable-line no-disabled-tls -- template tail`',
      'const d = /[// fnscan-disable-line no-disabled-tls -- in a regex class]/',
      '// see fnscan-disable-line in the docs',
      'const e = <p>// fnscan-disable-line no-disabled-tls -- jsx text</p>',
      'const f = 1',
    ].join('\n'),
    '/project/api/src/lib/page.tsx',
  );
  assert.deepEqual(parseDirectives(file), []);
  const findings = [1, 2, 3, 4, 6].map((line) => findingAt(file, line));
  assert.equal(apply(file, findings).kept.length, 5);
});

test('JSX comment directives and block comments work', () => {
  const file = source(
    'const e = (\n  <div>\n    {/* fnscan-disable-next-line no-disabled-tls -- demo page */}\n    <Agent rejectUnauthorized={false} />\n  </div>\n)\n',
    '/project/web/src/page.tsx',
  );
  assert.deepEqual(apply(file, [findingAt(file, 4)]), { kept: [], problems: [] });
});

test('# comments in env files; // is not a comment there', () => {
  const file = envFile(
    [
      '# fnscan-disable-next-line no-hardcoded-secret -- placeholder replaced at deploy',
      'SESSION_SECRET=abc',
      'API_KEY=def # fnscan-disable-line no-hardcoded-secret -- documented sample key',
      '// fnscan-disable-next-line no-hardcoded-secret -- not an env comment',
      'OTHER=ghi',
      'URL=https://x.test/#fnscan-disable-line no-hardcoded-secret -- fragment, not a comment',
    ].join('\n'),
  );
  const { kept } = apply(file, [2, 3, 5, 6].map((line) => findingAt(file, line, SECRET)));
  assert.deepEqual(kept.map((f) => f.location.startPos.line), [5, 6]);
});

test('CRLF files: the target line is still the next line', () => {
  const file = source('// fnscan-disable-next-line no-disabled-tls -- windows checkout\r\nconst a = 1\r\nconst b = 2\r\n');
  const { kept } = apply(file, [findingAt(file, 2), findingAt(file, 3)]);
  assert.deepEqual(kept.map((f) => f.location.startPos.line), [3]);
});

test('problems are findings of invalid-suppression: level from the rule or the config, location on the directive', () => {
  const file = source('const x = 1\n  // fnscan-disable-next-line no-disabled-tls\nconst a = 1\n');
  const [problem] = applySuppressions([], file, { rules: [TLS, INVALID], config: {}, today: TODAY });
  assert.equal(problem.level, 'note');
  assert.deepEqual(problem.location, {
    file: file.path,
    start: 14,
    end: 57,
    startPos: { line: 2, column: 3 },
    endPos: { line: 2, column: 46 },
  });
  assert.equal(problem.context, '// fnscan-disable-next-line no-disabled-tls');
  const [raised] = applySuppressions([], file, { rules: [TLS, INVALID], config: { rules: { 'invalid-suppression': 'error' } }, today: TODAY });
  assert.equal(raised.level, 'error');
});

test('with invalid-suppression disabled, valid directives still suppress and nothing else is reported', () => {
  const file = source('// fnscan-disable-next-line no-disabled-tls -- ok\nconst a = 1\n// fnscan-disable-next-line nope\n');
  const out = applySuppressions([findingAt(file, 2)], file, { rules: [TLS], config: {}, today: TODAY });
  assert.equal(out.length, 1);
  assert.equal(out[0].suppression?.justification, 'ok');
});

test('the engine applies suppressions to source and env files and reports invalid ones', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-suppress-'));
  try {
    fs.mkdirSync(path.join(root, 'lib'));
    fs.writeFileSync(
      path.join(root, 'lib', 'client.ts'),
      'flag()\n// fnscan-disable-next-line no-disabled-tls until=2999-12-31 -- pinned CA\nflag()\n// fnscan-disable-next-line no-disabled-tls until=2000-01-01 -- expired\nflag()\n',
    );
    fs.writeFileSync(path.join(root, '.env.defaults'), '# fnscan-disable-next-line no-hardcoded-secret -- sample\nFLAG=1\nFLAG=2\n');
    const probe = (meta: RuleMeta, pattern: RegExp) =>
      defineRule({
        meta,
        checkSource(ctx) {
          for (const m of ctx.file.text.matchAll(pattern)) ctx.report({ messageId: Object.keys(meta.messages)[0], at: { start: m.index, end: m.index + m[0].length } });
        },
        checkText(ctx) {
          for (const m of ctx.file.text.matchAll(pattern)) ctx.report({ messageId: Object.keys(meta.messages)[0], at: { start: m.index, end: m.index + m[0].length } });
        },
      });
    const result = scan({
      paths: [root],
      rules: [probe(TLS, /^flag\(\)/gm), probe(SECRET, /^FLAG=\d/gm), ruleById('invalid-suppression')!],
      config: {},
      includeTests: false,
    });
    const rows = result.findings.map((f) => `${path.basename(f.location.file)}:${f.location.startPos.line}:${f.ruleId}:${f.suppression ? 'suppressed' : 'open'}`);
    assert.deepEqual(rows, [
      '.env.defaults:2:no-hardcoded-secret:suppressed',
      '.env.defaults:3:no-hardcoded-secret:open',
      'client.ts:1:no-disabled-tls:open',
      'client.ts:3:no-disabled-tls:suppressed',
      'client.ts:4:invalid-suppression:open',
      'client.ts:5:no-disabled-tls:open',
    ]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('a `// fnscan-disable…` written inside a JSDoc block is documentation, not a directive', () => {
  const text = [
    '/**',
    ' * Usage: `// fnscan-disable-next-line <rule> -- <reason>` on the line above.',
    ' */',
    'export const x = 1',
    '/* fnscan-disable-next-line no-disabled-tls -- a real block-comment directive */',
    'export const y = 2',
    '',
  ].join('\n');
  const file = source(text);
  const directives = parseDirectives(file);
  assert.deepEqual(directives.map((d) => d.targetLine), [6]);
});
