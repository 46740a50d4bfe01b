import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { applyBaseline, BASELINE_HEADER, BaselineError, readBaseline, writeBaseline } from '../src/core/baseline';
import { findingFingerprints, findingIdentities } from '../src/core/fingerprint';
import type { Finding } from '../src/core/types';

const ROOT = path.resolve('/repo');
/** A made-up key; only its hash may reach the baseline. */
const KEY = 'sk_live_FNSCANBASELINE00000001';

interface Spec {
  rule?: string;
  file?: string;
  line: number;
  context?: string;
  secret?: string;
}

/** Findings as the engine would give them; `line` moves the finding without changing its code. */
function finding(spec: Spec): Finding {
  const start = spec.line * 100;
  return {
    ruleId: spec.rule ?? 'no-disabled-tls',
    messageId: 'm',
    data: {},
    message: 'message',
    level: 'error',
    location: {
      file: path.join(ROOT, spec.file ?? 'api/src/lib/client.ts'),
      start,
      end: start + 10,
      startPos: { line: spec.line, column: 3 },
      endPos: { line: spec.line, column: 13 },
    },
    related: [],
    context: spec.context ?? 'rejectUnauthorized: false',
    secretHash: spec.secret === undefined ? undefined : crypto.createHash('sha256').update(spec.secret).digest('hex'),
    suggestions: [],
  };
}

const TODAY: Spec[] = [
  { line: 4 },
  { line: 9 },
  { line: 12, context: 'strictSSL: false' },
  { line: 2, rule: 'no-hardcoded-secret', file: '.env.defaults', context: KEY, secret: KEY },
  { line: 7, rule: 'no-unauthenticated-handler', file: 'api/src/functions/my file.ts', context: 'export const handler = async () => {}' },
];

test('the baseline file: header, one sorted `<identity> <rule> <file>` line per finding, no line numbers, no secret', () => {
  const text = writeBaseline(TODAY.map(finding), ROOT);
  const lines = text.split('\n');
  assert.equal(lines[0], BASELINE_HEADER);
  assert.equal(lines.at(-1), '', 'ends with a newline');
  const entries = lines.slice(1, -1);
  assert.equal(entries.length, TODAY.length);
  assert.deepEqual(
    entries.map((l) => l.replace(/^[0-9a-f]{64} /, '')),
    [
      'no-hardcoded-secret .env.defaults',
      'no-unauthenticated-handler api/src/functions/my file.ts',
      'no-disabled-tls api/src/lib/client.ts',
      'no-disabled-tls api/src/lib/client.ts',
      'no-disabled-tls api/src/lib/client.ts',
    ],
  );
  const clientIds = entries.slice(2).map((l) => l.slice(0, 64));
  assert.deepEqual(clientIds, [...clientIds].sort(), 'ties sort by identity');
  assert.equal(new Set(entries.map((l) => l.slice(0, 64))).size, entries.length, 'identical findings get distinct identities');
  assert.ok(!text.includes(KEY) && !text.includes('FNSCANBASELINE'), 'the secret never appears');
  assert.ok(!/\b(4|9|12)\b/.test(entries.map((l) => l.slice(65)).join('\n')), 'no line numbers');
});

test('writing is deterministic and independent of the order findings arrive in', () => {
  const forward = writeBaseline(TODAY.map(finding), ROOT);
  assert.equal(writeBaseline(TODAY.map(finding), ROOT), forward);
  assert.equal(writeBaseline([...TODAY].reverse().map(finding), ROOT), forward);
});

test('unchanged code moved to other lines stays unchanged; nothing is absent', () => {
  const baseline = writeBaseline(TODAY.map(finding), ROOT);
  const drifted = TODAY.map((s) => finding({ ...s, line: s.line + 40 }));
  assert.deepEqual(applyBaseline(drifted, baseline, ROOT), { absent: [] });
  assert.deepEqual(drifted.map((f) => f.baselineState), TODAY.map(() => 'unchanged'));
});

test('a new occurrence of identical code is new; the existing ones stay unchanged', () => {
  const baseline = writeBaseline(TODAY.map(finding), ROOT);
  const now = [...TODAY, { line: 30 }].map(finding);
  assert.deepEqual(applyBaseline(now, baseline, ROOT), { absent: [] });
  assert.equal(now.filter((f) => f.baselineState === 'new').length, 1);
  assert.equal(now.filter((f) => f.baselineState === 'unchanged').length, TODAY.length);
});

test('a fixed finding is reported absent by identity', () => {
  const all = TODAY.map(finding);
  const baseline = writeBaseline(all, ROOT);
  const fixedIdentity = findingIdentities(all, ROOT)[2];
  const remaining = TODAY.filter((_, i) => i !== 2).map(finding);
  assert.deepEqual(applyBaseline(remaining, baseline, ROOT), { absent: [fixedIdentity] });
  assert.ok(remaining.every((f) => f.baselineState === 'unchanged'));
});

test('changed code, a rotated secret, another rule or a moved file make a new finding', () => {
  const baseline = writeBaseline(TODAY.map(finding), ROOT);
  const variants: Spec[] = [
    { ...TODAY[0], context: 'rejectUnauthorized: 0' },
    { ...TODAY[3], secret: 'sk_live_FNSCANBASELINE00000002' },
    { ...TODAY[0], rule: 'no-hardcoded-secret' },
    { ...TODAY[0], file: 'api/src/lib/other.ts' },
  ];
  for (const v of variants) {
    const f = finding(v);
    applyBaseline([f], baseline, ROOT);
    assert.equal(f.baselineState, 'new', JSON.stringify(v));
  }
});

test('whitespace changes inside the flagged code do not change its identity', () => {
  const baseline = writeBaseline([finding({ line: 4, context: 'rejectUnauthorized: false' })], ROOT);
  const f = finding({ line: 5, context: '  rejectUnauthorized:   false ' });
  applyBaseline([f], baseline, ROOT);
  assert.equal(f.baselineState, 'unchanged');
});

test('the root is what paths are relative to: the same repo checked out elsewhere matches', () => {
  const baseline = writeBaseline(TODAY.map(finding), ROOT);
  const elsewhere = TODAY.map((s) => {
    const f = finding(s);
    f.location.file = path.join('/ci/workspace', path.relative(ROOT, f.location.file));
    return f;
  });
  assert.deepEqual(applyBaseline(elsewhere, baseline, '/ci/workspace'), { absent: [] });
  assert.ok(elsewhere.every((f) => f.baselineState === 'unchanged'));
});

test('the baseline identity of a single occurrence derives from its SARIF fnscan/v1 fingerprint', () => {
  const f = finding({ line: 12, context: 'strictSSL: false' });
  const [fingerprint] = findingFingerprints([f], ROOT);
  const [identity] = findingIdentities([f], ROOT);
  assert.equal(identity, crypto.createHash('sha256').update(`${fingerprint}\0${0}`).digest('hex'));
});

test('merging two branches is a line-wise union: sorted lines, no shared header churn', () => {
  const base = writeBaseline(TODAY.slice(0, 2).map(finding), ROOT);
  const branchA = writeBaseline([...TODAY.slice(0, 2), TODAY[3]].map(finding), ROOT);
  const branchB = writeBaseline([...TODAY.slice(0, 2), TODAY[4]].map(finding), ROOT);
  const union = [...new Set([...branchA.split('\n'), ...branchB.split('\n')])].filter(Boolean);
  const merged = writeBaseline([...TODAY.slice(0, 2), TODAY[3], TODAY[4]].map(finding), ROOT);
  assert.deepEqual(union.sort(), merged.split('\n').filter(Boolean).sort());
  assert.ok(base.split('\n').every((line) => branchA.includes(line) && branchB.includes(line)));
});

test('readBaseline refuses files that are not fnscan baselines, naming the line', () => {
  assert.throws(() => readBaseline('{"version":"2.1.0"}\n'), BaselineError);
  assert.throws(() => readBaseline(`${BASELINE_HEADER}\n${'a'.repeat(64)} no-disabled-tls x.ts\nnot an entry\n`), /line 3/);
  assert.throws(() => readBaseline(`${BASELINE_HEADER}\n${'A'.repeat(64)} rule file\n`), /line 2/);
  assert.deepEqual(readBaseline(`${BASELINE_HEADER}\r\n\r\n# a note\r\n${'b'.repeat(64)} rule a file with spaces.ts\r\n`), ['b'.repeat(64)]);
  assert.deepEqual(readBaseline(`${BASELINE_HEADER}\n`), []);
});
