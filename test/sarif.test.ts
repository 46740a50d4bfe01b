import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { scan, type ScanResult } from '../src/core/engine';
import { defineRule, type Rule, type RuleMeta } from '../src/core/rule';
import { walk } from '../src/core/ast';
import { rules, ruleById } from '../src/rules';
import { formatSarif, MAX_RESULTS_PER_RUN, type SarifOptions } from '../src/reporters/sarif';
import { lineHashes, lineHashesAt } from '../src/core/fingerprint';
import { writeBaseline, applyBaseline } from '../src/core/baseline';
import { docProblems, readRuleDoc } from '../src/core/ruledocs';
import type { Finding } from '../src/core/types';
import { FIXTURES, fixtureApps, listFiles, scanFixture } from './support/fixtures';

const REPO = path.resolve(__dirname, '..');
const SCHEMA = path.join(__dirname, 'schemas', 'sarif-schema-2.1.0.json');
const SNAPSHOT = path.join(__dirname, '__snapshots__', 'sample-project.sarif');
const MULTITOOL = path.join(REPO, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
const VERSION = '0.0.0-test';
/** A made-up live key: the test checks it never reaches the SARIF. */
const SECRET = 'sk_live_FNSCANTEST0000secret0001';

function metaOf(id: string): RuleMeta {
  const rule = ruleById(id);
  assert.ok(rule, `rule ${id} is registered`);
  return rule.meta;
}

/** The probes use a rule's first message, whatever the rule's authors named it. */
function firstMessageId(id: string): string {
  return Object.keys(metaOf(id).messages)[0];
}

/**
 * Probe rules: the real metadata of two shipped rules with a tiny check of their own, so these
 * tests exercise SARIF, suppressions and baselines whatever state the real detectors are in.
 * `rejectUnauthorized: false` is reported at the default level (error), `rejectUnauthorized: 0`
 * at `warning`, with a related location on the `https` import.
 */
const tlsProbe: Rule = defineRule({
  meta: metaOf('no-disabled-tls'),
  checkSource(ctx) {
    const imports = ctx.file.sf.statements.filter(ts.isImportDeclaration);
    walk(ctx.file.sf, (node) => {
      if (!ts.isPropertyAssignment(node) || !ts.isIdentifier(node.name) || node.name.text !== 'rejectUnauthorized') return;
      const related = imports.map((i) => ({ file: ctx.file, span: { start: i.getStart(ctx.file.sf), end: i.end }, message: 'Import of `https`.' }));
      if (node.initializer.kind === ts.SyntaxKind.FalseKeyword) ctx.report({ messageId: firstMessageId('no-disabled-tls'), at: node, related });
      if (ts.isNumericLiteral(node.initializer)) ctx.report({ messageId: firstMessageId('no-disabled-tls'), at: node, level: 'warning' });
    });
  },
});

const secretProbe: Rule = defineRule({
  meta: metaOf('no-hardcoded-secret'),
  checkText(ctx) {
    for (const m of ctx.file.text.matchAll(/^(\w+)=(sk_live_\w+)$/gm)) {
      const start = m.index + m[1].length + 1;
      ctx.report({ messageId: firstMessageId('no-hardcoded-secret'), data: { name: m[1], masked: 'sk_live_…' }, at: { start, end: start + m[2].length }, secret: m[2] });
    }
  },
});

const PROBES: Rule[] = [tlsProbe, secretProbe, ruleById('invalid-suppression')!];

/** A small Redwood-shaped project that produces every kind of SARIF content fnscan writes. */
const SAMPLE: Record<string, string> = {
  'redwood.toml': '[web]\n  port = 8910\n',
  '.env.defaults': [
    '# Defaults committed for local development',
    `STRIPE_KEY=${SECRET}`,
    '# fnscan-disable-next-line no-hardcoded-secret -- revoked key kept for the migration notes',
    'OLD_KEY=sk_live_FNSCANTEST0000secret0002',
    '',
  ].join('\n'),
  'api/src/functions/payments.ts': [
    "import https from 'node:https'",
    '',
    "const label = '😀'; export const agent = new https.Agent({ rejectUnauthorized: false })",
    'export const lenient = new https.Agent({ rejectUnauthorized: 0 })',
    '// fnscan-disable-next-line no-disabled-tls -- internal CA, pinned in infra/ca.pem',
    'export const internal = new https.Agent({ rejectUnauthorized: false })',
    'export const legacy = new https.Agent({ rejectUnauthorized: false }) // fnscan-disable-line no-disabled-tls',
    "export const handler = async () => ({ statusCode: 200, body: label + 'FNSCAN_MARKER_TEXT' })",
    '',
  ].join('\n'),
  'api/src/lib/odd name#1%.ts': "import https from 'node:https'\nexport const a = new https.Agent({ rejectUnauthorized: false })\n",
  'api/src/lib/ünïcode.ts': "export const options = { rejectUnauthorized: false }\n",
  'api/src/lib/broken.ts': 'export const = ;\n',
};

let tmp: string;
let sampleRoot: string;
const outputs: { name: string; root: string; text: string; result: ScanResult; includeSuppressed: boolean }[] = [];

function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

function scanSample(root: string): ScanResult {
  return scan({ paths: [root], rules: PROBES, config: {}, includeTests: false });
}

function sarifOf(result: ScanResult, root: string, extra: Partial<SarifOptions> = {}): string {
  return formatSarif(result, { root, category: 'fnscan', includeSuppressed: false, toolVersion: VERSION, ...extra });
}

function parse(text: string): Sarif.Log {
  return JSON.parse(text) as Sarif.Log;
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-sarif-'));
  sampleRoot = path.join(tmp, 'sample');
  writeTree(sampleRoot, SAMPLE);
  const sample = scanSample(sampleRoot);
  outputs.push({ name: 'sample', root: sampleRoot, text: sarifOf(sample, sampleRoot), result: sample, includeSuppressed: false });
  const withState = scanSample(sampleRoot);
  applyBaseline(withState.findings, writeBaseline(withState.findings.slice(1), sampleRoot), sampleRoot);
  outputs.push({
    name: 'sample-suppressed-baseline',
    root: sampleRoot,
    text: sarifOf(withState, sampleRoot, { includeSuppressed: true, category: 'fnscan/api' }),
    result: withState,
    includeSuppressed: true,
  });
  // One slice of a --shard scan, whose run names its shard in a property.
  const shard = scan({ paths: [sampleRoot], rules: PROBES, config: {}, includeTests: false, shard: { index: 1, count: 2 } });
  outputs.push({ name: 'sample-shard', root: sampleRoot, text: sarifOf(shard, sampleRoot), result: shard, includeSuppressed: false });
  for (const app of fixtureApps()) {
    const result = scanFixture(app);
    outputs.push({ name: `fixture-${app}`, root: REPO, text: sarifOf(result, REPO), result, includeSuppressed: false });
  }
  for (const o of outputs) fs.writeFileSync(path.join(tmp, `${o.name}.sarif`), o.text);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the sample project yields the findings these tests rely on', () => {
  const counts = new Map<string, number>();
  for (const f of outputs[0].result.findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(counts), { 'no-hardcoded-secret': 2, 'no-disabled-tls': 6, 'invalid-suppression': 1 });
  assert.deepEqual(
    outputs[0].result.skipped.map((s) => [path.basename(s.file), s.reason]),
    [['broken.ts', 'syntax-error']],
  );
});

test('every SARIF file validates against the codeql-action schema (ajv, draft 2020-12)', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  for (const o of outputs) {
    assert.ok(validate(parse(o.text)), `${o.name}: ${JSON.stringify(validate.errors, null, 2)}`);
  }
});

test('the schema check itself rejects what GitHub rejects', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  const log = parse(outputs[0].text);
  log.runs[0].results![0].level = 'critical' as Sarif.Result.level;
  assert.equal(validate(log), false);
});

test('the SARIF multitool finds no error or warning (SARIF and GitHub rule sets), all files in one run', (t) => {
  if (process.platform !== 'linux') return t.skip('the multitool binary installed here is the Linux one');
  const stat = fs.statSync(MULTITOOL);
  if ((stat.mode & 0o100) === 0) fs.chmodSync(MULTITOOL, stat.mode | 0o100);
  const files = outputs.map((o) => path.join(tmp, `${o.name}.sarif`));
  const out = path.join(tmp, 'validation.sarif');
  const run = spawnSync(
    MULTITOOL,
    ['validate', ...files, '--rule-kind', 'Sarif;Ghas', '--level', 'Error;Warning', '-o', out, '--log', 'ForceOverwrite'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(run.status, 0, run.stderr || run.stdout);
  // The exit code is 0 even when it finds errors, so read its report, and check it read every file.
  assert.match(run.stdout, new RegExp(`Done\\. ${files.length} files scanned\\.`), run.stdout);
  const report = parse(fs.readFileSync(out, 'utf8'));
  const problems = (report.runs[0].results ?? [])
    .filter((r) => (r.level ?? 'warning') === 'error' || (r.level ?? 'warning') === 'warning')
    .map((r) => `${r.ruleId} ${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri}: ${JSON.stringify(r.message)}`);
  assert.deepEqual(problems, []);
});

test('the multitool gate is not blind: it reports a broken file', (t) => {
  if (process.platform !== 'linux') return t.skip('the multitool binary installed here is the Linux one');
  const log = parse(outputs[0].text);
  delete (log as { $schema?: string }).$schema;
  log.runs[0].tool.driver.rules![0].shortDescription = { text: '' };
  const file = path.join(tmp, 'broken-on-purpose.sarif');
  fs.writeFileSync(file, JSON.stringify(log));
  const out = path.join(tmp, 'broken-validation.sarif');
  spawnSync(MULTITOOL, ['validate', file, '--rule-kind', 'Sarif;Ghas', '--level', 'Error;Warning', '-o', out, '--log', 'ForceOverwrite']);
  const ids = (parse(fs.readFileSync(out, 'utf8')).runs[0].results ?? []).filter((r) => r.level === 'error').map((r) => r.ruleId);
  assert.ok(ids.includes('GH1013') && ids.includes('GH2012'), `got ${ids.join(', ')}`);
});

test('GitHub ingestion rules hold in every SARIF file', () => {
  for (const o of outputs) assertGithubReady(o.name, o.text, o.root, o.result, o.includeSuppressed);
});

function assertGithubReady(name: string, text: string, root: string, result: ScanResult, includeSuppressed: boolean): void {
  const log = parse(text);
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json', name);
  assert.equal(log.version, '2.1.0', name);
  assert.equal(log.runs.length, 1, `${name}: exactly one run`);
  const run = log.runs[0];
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.match(run.automationDetails?.id ?? '', /^fnscan(\/[^/]+)*\/$/, name);
  assert.equal(run.originalUriBaseIds?.['%SRCROOT%']?.uri, undefined, `${name}: %SRCROOT% records no machine path`);
  assert.ok(Array.isArray(run.results), `${name}: results is an array`);
  assert.equal(typeof run.invocations?.[0]?.executionSuccessful, 'boolean');

  const driver = run.tool.driver;
  assert.equal(driver.name, 'fnscan');
  assert.equal(driver.version, VERSION);
  const ids = (driver.rules ?? []).map((r) => r.id);
  assert.deepEqual(ids, result.rules.map((r) => r.id), `${name}: one descriptor per rule that ran, in registry order`);
  assert.equal(new Set(ids).size, ids.length, `${name}: no rule duplicated`);
  for (const rule of driver.rules ?? []) {
    const meta = result.rules.find((m) => m.id === rule.id)!;
    for (const d of [rule.shortDescription?.text, rule.fullDescription?.text]) {
      assert.ok(d && d.length > 0 && d.length <= 1024, `${name} ${rule.id}: description 1..1024 characters`);
    }
    assert.ok((rule.name ?? '').length > 0 && rule.name!.length <= 255 && /^[A-Z][A-Za-z]+$/.test(rule.name!), `${rule.id}: PascalCase name`);
    assert.ok(rule.help?.text && rule.help.text.length > 0, `${rule.id}: help.text`);
    assert.ok(rule.help?.markdown && rule.help.markdown.length > 0, `${rule.id}: help.markdown`);
    assert.equal(rule.helpUri, `https://github.com/fnscan/fnscan/blob/main/rules/${rule.id}.md`);
    assert.equal(rule.defaultConfiguration?.level, meta.defaultLevel);
    const props = rule.properties as Record<string, unknown>;
    const tags = props.tags as string[];
    assert.ok(tags.length <= 20 && new Set(tags).size === tags.length, `${rule.id}: tags`);
    assert.equal(props.precision, meta.precision);
    assert.ok(['error', 'warning', 'recommendation'].includes(props['problem.severity'] as string), `${rule.id}: problem.severity`);
    if (meta.securitySeverity !== undefined) {
      const severity = props['security-severity'];
      assert.equal(typeof severity, 'string', `${rule.id}: security-severity is a string`);
      assert.match(severity as string, /^\d+(\.\d+)?$/, `${rule.id}: security-severity is numeric`);
      assert.ok(Number(severity) > 0 && Number(severity) <= 10, `${rule.id}: security-severity in (0, 10]`);
      assert.equal(Number(severity), meta.securitySeverity);
      assert.ok(tags.includes('security') && tags.includes(`external/cwe/cwe-${meta.cwe}`), `${rule.id}: security and CWE tags`);
    } else {
      assert.equal(props['security-severity'], undefined, `${rule.id}: not a security rule`);
      assert.ok(!tags.includes('security'), `${rule.id}: not tagged security`);
    }
  }

  const shown = result.findings.filter((f) => f.suppression === undefined || includeSuppressed);
  assert.equal(run.results!.length, shown.length, `${name}: one result per reported finding`);
  run.results!.forEach((r, i) => {
    const finding = shown[i];
    assert.equal(r.ruleId, finding.ruleId);
    assert.equal(ids[r.ruleIndex!], r.ruleId, `${name}: ruleIndex points at the rule`);
    assert.equal(r.level, finding.level, `${name}: level comes from the finding`);
    assert.equal(r.message.text, finding.message);
    assert.equal(r.locations?.length, 1);
    const loc = r.locations![0].physicalLocation!;
    assertRelativeUri(name, loc.artifactLocation!.uri!, root, finding.location.file);
    assert.equal(loc.artifactLocation!.uriBaseId, '%SRCROOT%');
    assert.deepEqual(loc.region, {
      startLine: finding.location.startPos.line,
      startColumn: finding.location.startPos.column,
      endLine: finding.location.endPos.line,
      endColumn: finding.location.endPos.column,
    });
    assert.ok(loc.region!.endColumn! >= 1 && loc.region!.startLine! >= 1);
    assert.match(r.partialFingerprints?.['fnscan/v1'] ?? '', /^[0-9a-f]{64}$/);
    assert.match(r.partialFingerprints?.primaryLocationLineHash ?? '', /^[0-9a-f]{1,16}:\d+$/);
  });

  assert.ok(!text.includes(root + path.sep) && !text.includes(fs.realpathSync(root) + path.sep), `${name}: no absolute path`);
  assert.ok(!text.includes(os.tmpdir()) && !text.includes(REPO) && !text.includes('file:'), `${name}: no machine path`);
  assert.ok(!text.includes('"snippet"') && !text.includes('"contents"'), `${name}: no file text`);
}

function assertRelativeUri(name: string, uri: string, root: string, file: string): void {
  assert.ok(!uri.startsWith('/') && !/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.includes('\\'), `${name}: ${uri} is relative`);
  assert.ok(!uri.split('/').includes('..'), `${name}: ${uri} stays inside the root`);
  assert.equal(path.join(fs.realpathSync(root), ...uri.split('/').map(decodeURIComponent)), file, `${name}: ${uri} resolves`);
}

test('the sample SARIF matches its snapshot byte for byte (UPDATE_SNAPSHOTS=1 rewrites it)', () => {
  // Written compact; kept indented in the snapshot so that a change reads as a diff.
  assert.equal(outputs[0].text, `${JSON.stringify(JSON.parse(outputs[0].text))}\n`, 'compact JSON, one trailing newline');
  const text = `${JSON.stringify(JSON.parse(outputs[0].text), null, 2)}\n`;
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    fs.mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
    fs.writeFileSync(SNAPSHOT, text);
  }
  assert.ok(fs.existsSync(SNAPSHOT), `no snapshot at ${SNAPSHOT}; run UPDATE_SNAPSHOTS=1 npm test`);
  assert.equal(
    text,
    fs.readFileSync(SNAPSHOT, 'utf8'),
    'SARIF output changed (the writer, a rule doc or a rule message); review the diff, then UPDATE_SNAPSHOTS=1 npm test',
  );
});

test('results carry what the sample project put in them', () => {
  const run = parse(outputs[0].text).runs[0];
  const results = run.results!;
  const uris = results.map((r) => r.locations![0].physicalLocation!.artifactLocation!.uri);
  assert.ok(uris.includes('api/src/lib/odd%20name%231%25.ts'), 'space, # and % are percent-encoded');
  assert.ok(uris.includes('api/src/lib/%C3%BCn%C3%AFcode.ts'), 'non-ASCII is percent-encoded UTF-8');
  assert.ok(uris.includes('.env.defaults'));

  const emojiLine = results.find((r) => r.locations![0].physicalLocation!.region!.startLine === 3)!;
  const line3 = SAMPLE['api/src/functions/payments.ts'].split('\n')[2];
  assert.equal(emojiLine.locations![0].physicalLocation!.region!.startColumn, line3.indexOf('rejectUnauthorized') + 1, 'UTF-16 columns');
  assert.equal(emojiLine.level, 'error');
  assert.deepEqual(
    emojiLine.relatedLocations?.map((l) => [l.id, l.message?.text, l.physicalLocation?.region?.startLine]),
    [[1, 'Import of `https`.', 1]],
  );
  const lenient = results.find((r) => r.locations![0].physicalLocation!.region!.startLine === 4)!;
  assert.equal(lenient.level, 'warning', 'a finding reported at warning stays warning');

  assert.ok(!results.some((r) => r.suppressions), 'suppressed findings are left out by default');
  assert.equal(results.filter((r) => r.ruleId === 'no-disabled-tls').length, 5);
  const invalid = results.filter((r) => r.ruleId === 'invalid-suppression');
  assert.deepEqual(invalid.map((r) => [r.level, r.locations![0].physicalLocation!.region!.startLine]), [['note', 7]]);
  assert.ok(results.every((r) => r.baselineState === undefined), 'no baseline, no baselineState');

  const text = outputs[0].text;
  assert.ok(!text.includes(SECRET) && !text.includes('FNSCANTEST0000'), 'no secret in the SARIF');
  assert.ok(!text.includes('FNSCAN_MARKER_TEXT') && !text.includes("label = '"), 'no scanned code in the SARIF');

  const notes = run.invocations![0].toolExecutionNotifications!;
  assert.equal(run.invocations![0].executionSuccessful, true, 'a skipped file is not a failed run');
  assert.deepEqual(
    notes.map((n) => [n.level, n.locations?.[0]?.physicalLocation?.artifactLocation?.uri]),
    [['warning', 'api/src/lib/broken.ts']],
  );
  assert.match(notes[0].message.text!, /^Skipped `api\/src\/lib\/broken\.ts` \(syntax-error\): line 1: /);
  assert.equal(run.automationDetails?.id, 'fnscan/');
});

test('with --include-suppressed and a baseline, suppressions and baseline states are written', () => {
  const run = parse(outputs[1].text).runs[0];
  assert.equal(run.automationDetails?.id, 'fnscan/api/');
  const suppressed = run.results!.filter((r) => r.suppressions);
  assert.deepEqual(
    suppressed.map((r) => [r.ruleId, r.suppressions]),
    [
      ['no-hardcoded-secret', [{ kind: 'inSource', justification: 'revoked key kept for the migration notes' }]],
      ['no-disabled-tls', [{ kind: 'inSource', justification: 'internal CA, pinned in infra/ca.pem' }]],
    ],
  );
  const states = run.results!.map((r) => r.baselineState);
  assert.deepEqual(states, ['new', ...states.slice(1).map(() => 'unchanged')], 'the finding left out of the baseline is new');
});

test('levels, rules and fixture findings come through one to one for every fixture app', () => {
  for (const o of outputs.filter((x) => x.name.startsWith('fixture-'))) {
    const run = parse(o.text).runs[0];
    const shown = o.result.findings.filter((f) => !f.suppression);
    assert.deepEqual(
      run.results!.map((r) => `${r.ruleId}:${r.level}`),
      shown.map((f) => `${f.ruleId}:${f.level}`),
      o.name,
    );
    assert.deepEqual(run.tool.driver.rules!.map((r) => r.id), rules.map((r) => r.meta.id), `${o.name}: every rule declared`);
  }
});

test('two scans give byte-identical SARIF', () => {
  assert.equal(sarifOf(scanSample(sampleRoot), sampleRoot), outputs[0].text);
  for (const app of fixtureApps()) assert.equal(sarifOf(scanFixture(app), REPO), sarifOf(scanFixture(app), REPO), app);
});

test('fingerprints and baseline identities survive lines inserted at the top of every file', () => {
  const projects = [{ name: 'sample', dir: sampleRoot, scan: scanSample }];
  for (const app of fixtureApps()) {
    projects.push({ name: app, dir: path.join(FIXTURES, app), scan: (dir: string) => scan({ paths: [dir], rules: [...rules], config: {}, includeTests: false }) });
  }
  let compared = 0;
  for (const project of projects) {
    const copy = path.join(tmp, 'drift', project.name);
    fs.cpSync(project.dir, copy, { recursive: true });
    for (const file of listFiles(copy)) {
      const comment = /\.[cm]?[jt]sx?$/.test(file) ? '// inserted by the drift test\n' : '# inserted by the drift test\n';
      fs.writeFileSync(file, `${comment}\n\n${comment}${fs.readFileSync(file, 'utf8')}`);
    }
    const before = project.scan(project.dir);
    const afterDrift = project.scan(copy);
    const fingerprints = (result: ScanResult, root: string) =>
      (parse(sarifOf(result, root, { includeSuppressed: true })).runs[0].results ?? []).map((r) => r.partialFingerprints);
    const a = fingerprints(before, project.dir);
    const b = fingerprints(afterDrift, copy);
    assert.equal(a.length, b.length, `${project.name}: same findings after the edit`);
    assert.deepEqual(b, a, `${project.name}: fnscan/v1 and primaryLocationLineHash unchanged`);
    assert.equal(writeBaseline(afterDrift.findings, copy), writeBaseline(before.findings, project.dir), `${project.name}: baseline unchanged`);
    const { absent } = applyBaseline(afterDrift.findings, writeBaseline(before.findings, project.dir), copy);
    assert.deepEqual(absent, []);
    assert.ok(afterDrift.findings.every((f) => f.baselineState === 'unchanged'));
    assert.ok(afterDrift.findings.every((f, i) => f.location.startPos.line === before.findings[i].location.startPos.line + 4));
    compared += a.length;
  }
  assert.ok(compared >= 9, 'the comparison covered real findings');
});

test('fingerprints do not depend on which other findings are written (the CLI drops baseline-known ones)', () => {
  const full = parse(outputs[0].text).runs[0].results!;
  const result = scanSample(sampleRoot);
  const subset = parse(sarifOf({ ...result, findings: result.findings.filter((_, i) => i % 2 === 1) }, sampleRoot)).runs[0].results!;
  const byLocation = (r: Sarif.Result) => JSON.stringify(r.locations);
  for (const r of subset) {
    assert.deepEqual(r.partialFingerprints, full.find((f) => byLocation(f) === byLocation(r))?.partialFingerprints);
  }
  assert.ok(subset.length >= 3);
});

test('primaryLocationLineHash: the published codeql-action test vectors', () => {
  // Expected values from github/codeql-action src/fingerprints.test.ts ("hash" test).
  assert.deepEqual(lineHashes(''), ['c129715d7a2bc9a3:1']);
  assert.deepEqual(lineHashes(' a\nb\n  \t\tc\n d'), ['271789c17abda88f:1', '54703d4cd895b18:1', '180aee12dab6264:1', 'a23a3dc5e078b07b:1']);
  const greetings = ['e9496ae3ebfced30:1', 'fb7c023a8b9ccb3f:1', 'ce8ba1a563dcdaca:1', 'e20e36e16fcb0cc8:1', 'b3edc88f2938467e:1', 'c8e28b0b4002a3a0:1', 'c129715d7a2bc9a3:1'];
  assert.deepEqual(lineHashes(' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End'), ['8b7cf3e952e7aeb2:1', 'b1ae1287ec4718d9:1', 'bff680108adb0fcc:1', 'c6805c5e1288b612:1', 'b86d3392aea1be30:1', 'e6ceba753e1a442:1']);
  assert.deepEqual(lineHashes(' hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n'), greetings);
  assert.deepEqual(lineHashes(' hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r'), greetings, 'CR line ends');
  assert.deepEqual(lineHashes(' hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n'), greetings, 'CRLF line ends');
  assert.deepEqual(lineHashes(' hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n'), greetings, 'mixed line ends');
  assert.deepEqual(lineHashes('Lorem ipsum dolor sit amet.\n'.repeat(10)), [
    ...[1, 2, 3, 4, 5, 6].map((n) => `a7f2ff13bc495cf2:${n}`),
    'a7f2ff1481e87703:1', 'a9cf91f7bbf1862b:1', '55ec222b86bcae53:1', 'cc97dc7b1d7d8f7b:1', 'c129715d7a2bc9a3:1',
  ]);
});

test('primaryLocationLineHash: values derived by hand from the definition', () => {
  // A line's hash is the window of the 100 characters starting at its first non-blank character,
  // c0..c99, as sum(c_i * 37^(99 - i)) mod 2^64, printed as unsigned hex. After the text comes
  // 65535 and then zeros. So for "a\nb": line 1 is [97 'a', 10 '\n', 98 'b', 65535, 0, ...] and
  // line 2 is [98, 65535, 0, ...]. This direct sum shares no code with the rolling implementation.
  const direct = (codes: number[]) =>
    (codes.reduce((sum, c, i) => sum + BigInt(c) * 37n ** BigInt(99 - i), 0n) % 2n ** 64n).toString(16);
  assert.deepEqual(lineHashes('a\nb'), [`${direct([97, 10, 98, 65535])}:1`, `${direct([98, 65535])}:1`]);
  assert.deepEqual(lineHashes('\t a  \r\n b'), lineHashes('a\nb'), 'blanks and CRLF do not count');
  // The empty file is one line holding only the end marker: 65535 * 37^99 mod 2^64, which is the
  // published c129715d7a2bc9a3 above.
  assert.equal(direct([65535]), 'c129715d7a2bc9a3');
  // A repeated line gets :2, :3 ... when its whole window repeats.
  const repeated = lineHashes('x\n'.repeat(60));
  assert.deepEqual(lineHashesAt('x\n'.repeat(60), [2, 1, 61, 2, 62, 0]), [repeated[1], repeated[0], repeated[60], repeated[1], undefined, undefined], 'chosen lines, repeats counted');
  const many = [...Array.from({ length: 40 }, (_, i) => 61 - i), 62, 0];
  assert.deepEqual(lineHashesAt('x\n'.repeat(60), many), many.map((line) => repeated[line - 1]), 'many lines asked for at once');
  assert.deepEqual(lineHashes('x\n'.repeat(60)).slice(0, 2), [`${direct([...'x\n'.repeat(50)].map((c) => c.charCodeAt(0)))}:1`, `${direct([...'x\n'.repeat(50)].map((c) => c.charCodeAt(0)))}:2`]);
});

test('primaryLocationLineHash: random texts, including high code units, against the direct sum', () => {
  // Oracle: drop spaces and tabs, turn CR and CRLF into LF, append 65535; a line starts at the first
  // character kept after an LF; its hash is the direct BigInt sum over the 100 codes from there.
  const oracle = (text: string): string[] => {
    const codes: number[] = [];
    const starts: number[] = [];
    let atLineStart = true;
    for (let i = 0; i <= text.length; i++) {
      let code = i === text.length ? 65535 : text.charCodeAt(i);
      if (code === 32 || code === 9 || (code === 10 && text.charCodeAt(i - 1) === 13)) continue;
      if (code === 13) code = 10;
      if (atLineStart) starts.push(codes.length);
      atLineStart = code === 10;
      codes.push(code);
    }
    const seen = new Map<string, number>();
    return starts.map((start) => {
      const window = Array.from({ length: 100 }, (_, k) => codes[start + k] ?? 0);
      const value = (window.reduce((sum, c, k) => sum + BigInt(c) * 37n ** BigInt(99 - k), 0n) % 2n ** 64n).toString(16);
      const count = (seen.get(value) ?? 0) + 1;
      seen.set(value, count);
      return `${value}:${count}`;
    });
  };
  const alphabet = ['a', 'Z', ' ', '\t', '\n', '\r', '\r\n', '\uffff', '\ufffe', '\u00e9', '\ud83d\ude00', '}'];
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  for (let round = 0; round < 200; round++) {
    const text = Array.from({ length: next() % 400 }, () => alphabet[next() % alphabet.length]).join('');
    const all = lineHashes(text);
    assert.deepEqual(all, oracle(text), JSON.stringify(text));
    const last = 1 + (next() % all.length);
    assert.deepEqual(lineHashes(text, last), all.slice(0, last), `up to line ${last} of ${JSON.stringify(text)}`);
    const wanted = Array.from({ length: 1 + (next() % 4) }, () => next() % (all.length + 2));
    assert.deepEqual(lineHashesAt(text, wanted), wanted.map((line) => all[line - 1]), `lines ${wanted.join(', ')} of ${JSON.stringify(text)}`);
  }
});

test('line hashes come from the scanned text; without one, the file is read, and an unreadable file only loses its hash', () => {
  const gone = path.join(tmp, 'moved');
  fs.cpSync(sampleRoot, gone, { recursive: true });
  const moved = scan({ paths: [gone], rules: PROBES, config: {}, includeTests: false });
  const hashed = parse(sarifOf(moved, gone)).runs[0].results!;
  const unhashed = { ...moved, findings: moved.findings.map(({ lineHash: _, ...f }) => f) };
  assert.ok(moved.findings.every((f) => f.lineHash !== undefined), 'the engine hashes every finding it scanned');
  assert.deepEqual(parse(sarifOf(unhashed, gone)).runs[0].results, hashed, 'read from disk, the same hashes');

  fs.rmSync(path.join(gone, '.env.defaults'));
  const run = parse(sarifOf(unhashed, gone)).runs[0];
  const env = run.results!.filter((r) => r.locations![0].physicalLocation!.artifactLocation!.uri === '.env.defaults');
  assert.equal(env.length, 1);
  assert.equal(env[0].partialFingerprints?.primaryLocationLineHash, undefined);
  assert.match(env[0].partialFingerprints?.['fnscan/v1'] ?? '', /^[0-9a-f]{64}$/);
});

test('an internal error marks the run unsuccessful; a skipped file does not', () => {
  const base = scanSample(sampleRoot);
  const failed: ScanResult = { ...base, skipped: [...base.skipped, { file: path.join(sampleRoot, 'api/src/lib/x.ts'), reason: 'internal-error', detail: `boom in ${sampleRoot}/api/src/lib/x.ts` }] };
  const run = parse(sarifOf(failed, sampleRoot)).runs[0];
  assert.equal(run.invocations![0].executionSuccessful, false);
  const note = run.invocations![0].toolExecutionNotifications!.find((n) => n.level === 'error')!;
  assert.equal(note.message.text, 'Skipped `api/src/lib/x.ts` (internal-error): boom in api/src/lib/x.ts.', 'the root is scrubbed from details');
});

test(`more than ${MAX_RESULTS_PER_RUN} results: the most severe are kept and the caller is told`, () => {
  const template = scanSample(sampleRoot).findings.find((f) => f.ruleId === 'no-disabled-tls')!;
  const findings: Finding[] = [];
  for (let i = 0; i < MAX_RESULTS_PER_RUN; i++) findings.push({ ...template, level: 'warning', context: `warning ${i}` });
  findings.push({ ...template, level: 'note', context: 'the note' });
  findings.push({ ...template, level: 'error', context: 'the error' });
  const result: ScanResult = { findings, skipped: [], projects: [], filesScanned: 1, rules: PROBES.map((r) => r.meta) };
  const calls: unknown[] = [];
  const run = parse(sarifOf(result, sampleRoot, { onLimit: (limit) => calls.push(limit) })).runs[0];
  assert.deepEqual(calls, [{ found: MAX_RESULTS_PER_RUN + 2, kept: MAX_RESULTS_PER_RUN }]);
  assert.equal(run.results!.length, MAX_RESULTS_PER_RUN);
  assert.equal(run.results!.at(-1)!.level, 'error', 'the error is kept, in scan order');
  assert.ok(!run.results!.some((r) => r.level === 'note'), 'the note is dropped first');
  assert.ok(run.invocations![0].toolExecutionNotifications!.some((n) => /only the 25000 most severe/.test(n.message.text!)));
});

for (const rule of rules) {
  test(`rule doc rules/${rule.meta.id}.md exists with every section (it becomes the SARIF help)`, () => {
    assert.deepEqual(docProblems(readRuleDoc(rule.meta.id)), [], `rules/${rule.meta.id}.md`);
  });
}

test('rule metadata fits GitHub without clamping', () => {
  for (const { meta } of rules) {
    assert.ok(meta.title.length <= 1024 && meta.description.length <= 1024, meta.id);
    assert.ok(meta.tags.length + 2 <= 20, meta.id);
    if (meta.securitySeverity !== undefined) assert.ok(meta.securitySeverity > 0 && meta.securitySeverity <= 10 && meta.cwe, meta.id);
  }
});

/** The scan step of action.yml, run as GitHub would run it, on the build `npm test` just made. */
function runActionStep(workspace: string, inputs: Record<string, string>): { code: number | null; outputs: string; stdout: string; stderr: string } {
  const action = parseYaml(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
    runs: { steps: { id?: string; run?: string; env?: Record<string, string> }[] };
  };
  const step = action.runs.steps.find((s) => s.id === 'scan')!;
  const outputFile = path.join(tmp, `github-output-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(outputFile, '');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: outputFile, NO_COLOR: '1', RUNNER_TEMP: path.join(tmp, 'runner-temp') };
  for (const [name, expression] of Object.entries(step.env ?? {})) {
    const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(expression)?.[1];
    env[name] = expression === '${{ github.action_path }}' ? REPO : (inputs[input ?? ''] ?? '');
  }
  const run = spawnSync('bash', ['-c', step.run!], { cwd: workspace, env, encoding: 'utf8' });
  return { code: run.status, outputs: fs.readFileSync(outputFile, 'utf8'), stdout: run.stdout, stderr: run.stderr };
}

test('the GitHub Action runs fnscan, writes the SARIF and passes the exit code on', (t) => {
  if (process.platform === 'win32') return t.skip('needs bash');
  assert.ok(fs.existsSync(path.join(REPO, 'dist', 'cli', 'main.js')), 'run `npm run build` first (npm test does)');
  const workspace = path.join(tmp, 'action-workspace');
  writeTree(workspace, {
    'redwood.toml': '[web]\n  port = 8910\n',
    'api/src/lib/a b.ts': '// fnscan-disable-next-line no-disabled-tls\nexport const a = 1\n',
  });
  const defaults = { paths: '.', category: 'fnscan', 'fail-on': 'warning', baseline: '', output: 'fnscan.sarif', 'include-tests': 'false' };

  const clean = runActionStep(workspace, { ...defaults, paths: 'api\nredwood.toml', category: 'fnscan/api' });
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(clean.outputs, 'sarif-file=fnscan.sarif\nexit-code=0\n');
  const run = parse(fs.readFileSync(path.join(workspace, 'fnscan.sarif'), 'utf8')).runs[0];
  assert.equal(run.automationDetails?.id, 'fnscan/api/');
  assert.deepEqual(
    run.results!.map((r) => [r.ruleId, r.level, r.locations![0].physicalLocation!.artifactLocation!.uri]),
    [['invalid-suppression', 'note', 'api/src/lib/a%20b.ts']],
  );

  const failing = runActionStep(workspace, { ...defaults, 'fail-on': 'note', output: 'out/scan.sarif' });
  assert.equal(failing.code, 1, failing.stderr);
  assert.equal(failing.outputs, 'sarif-file=out/scan.sarif\nexit-code=1\n');
  assert.ok(fs.existsSync(path.join(workspace, 'out', 'scan.sarif')));

  const misused = runActionStep(workspace, { ...defaults, 'include-tests': 'yes' });
  assert.equal(misused.code, 2);
  assert.match(misused.stdout, /^::error::include-tests must be true or false, not 'yes'\.$/m);
});

test('the GitHub Action keeps fnscan\'s cache in the runner\'s temp folder, restored and saved around the scan', async (t) => {
  if (process.platform === 'win32') return t.skip('needs bash');
  const workspace = path.join(tmp, 'action-cache-workspace');
  writeTree(workspace, {
    'redwood.toml': '[web]\n  port = 8910\n',
    'api/src/functions/insecure.ts': "import https from 'node:https'\nexport const agent = new https.Agent({ rejectUnauthorized: false })\n",
  });
  const inputs = { paths: '.', category: 'fnscan', 'fail-on': 'warning', baseline: '', output: 'fnscan.sarif', 'include-tests': 'false' };
  const cacheFile = path.join(tmp, 'runner-temp', 'fnscan-cache', 'scan-cache.json');

  const plain = runActionStep(workspace, inputs);
  assert.equal(plain.code, 1, plain.stderr);
  const uncached = fs.readFileSync(path.join(workspace, 'fnscan.sarif'), 'utf8');
  assert.equal(fs.existsSync(cacheFile), false, 'no cache unless asked for');
  // Files written in the last 2 seconds get no stat signature (cache.ts): past that, the fill
  // records them and the second run has nothing to write.
  await new Promise((resolve) => setTimeout(resolve, 2100));

  const inodes: number[] = [];
  for (const round of ['fills', 'reuses']) {
    const cached = runActionStep(workspace, { ...inputs, cache: 'true' });
    assert.equal(cached.code, 1, `${round}: ${cached.stderr}`);
    assert.equal(fs.readFileSync(path.join(workspace, 'fnscan.sarif'), 'utf8'), uncached, `${round}: same SARIF`);
    inodes.push(fs.statSync(cacheFile).ino);
  }
  // A cache is replaced by renaming a new file over it: the same file means nothing was re-judged.
  assert.equal(inodes[1], inodes[0], 'the second run answered everything from the cache');
  assert.equal(fs.existsSync(path.join(workspace, 'node_modules')), false, 'nothing written into the checkout');
  const misused = runActionStep(workspace, { ...inputs, cache: 'yes' });
  assert.equal(misused.code, 2);
  assert.match(misused.stdout, /^::error::cache must be true or false, not 'yes'\.$/m);

  // The steps around the scan: restore before it, save after it even when findings fail it, one key.
  type Step = { id?: string; uses?: string; if?: string; with: Record<string, string> };
  const steps = (parseYaml(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as { runs: { steps: Step[] } }).runs.steps;
  const scan = steps.findIndex((s) => s.id === 'scan');
  const restore = steps.findIndex((s) => s.uses === 'actions/cache/restore@v4');
  const save = steps.findIndex((s) => s.uses === 'actions/cache/save@v4');
  assert.ok(restore >= 0 && restore < scan && save > scan, 'restore, scan, save');
  assert.equal(steps[restore].if, "inputs.cache == 'true'");
  assert.match(steps[save].if ?? '', /^always\(\) && inputs\.cache == 'true' && /);
  assert.equal(steps[restore].with.key, steps[save].with.key);
  assert.equal(steps[restore].with.path, '${{ runner.temp }}/fnscan-cache');
  assert.equal(steps[save].with.path, steps[restore].with.path);
  assert.ok(steps[restore].with.key.startsWith(steps[restore].with['restore-keys']));
});
