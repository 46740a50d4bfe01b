import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { run } from '../src/cli/main';
import { scan, type ScanResult } from '../src/core/engine';
import { readTextFile, DEFAULT_LIMITS } from '../src/core/files';
import type { Finding } from '../src/core/types';
import { FORMATS } from '../src/reporters';
import { rules } from '../src/rules';
import { captureIo } from './support/cli';
import { FIXTURES, fixtureApps } from './support/fixtures';
import { tempDir, tempProject } from './support/project';

/**
 * Secrets are never printed whole, in any output. Every fixture app (and a planted project of
 * freshly generated secrets, some in suppressed findings, skipped files and comments) is scanned
 * in every format, with and without test files; each secret the scan reports is recovered from
 * the source at the finding's location (the one whose sha256 is the finding's `secretHash`), and
 * must appear in no stdout, stderr, report file or baseline, neither whole nor as the tail of any
 * long alphanumeric run in it. Failure messages name the finding, never the secret.
 */
const SECRET_RULE = 'no-hardcoded-secret';

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** Offsets where a token can start or end: the ends of the text and either side of any non-alphanumeric character. */
function boundaries(text: string): number[] {
  const at = new Set([0, text.length]);
  for (let i = 0; i < text.length; i++) {
    if (!/[A-Za-z0-9]/.test(text[i])) {
      at.add(i);
      at.add(i + 1);
    }
  }
  return [...at].sort((a, b) => a - b);
}

/** The values of the string literals of a file that overlap a span, escapes undone. */
function literalValues(file: string, text: string, start: number, end: number): string[] {
  if (!/\.[cm]?[jt]sx?$/.test(file)) return [];
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const values: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.end <= start || node.getStart(sf) >= end) return;
    if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node)) values.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return values;
}

/**
 * The secret a finding hashed: a token-bounded piece of the source at its location or at a
 * related one (a use of a constant defined in another module points at the definition), or of
 * the string literal there.
 */
function recoverSecret(finding: Finding): string | undefined {
  for (const place of [finding.location, ...finding.related]) {
    const read = readTextFile(place.file, DEFAULT_LIMITS);
    if (!('text' in read)) continue;
    const { start, end } = place;
    const sources = [read.text.slice(start, end), ...literalValues(place.file, read.text, start, end)];
    for (const source of sources) {
      const cuts = boundaries(source);
      for (let i = 0; i < cuts.length; i++) {
        for (let j = cuts.length - 1; j > i; j--) {
          const candidate = source.slice(cuts[i], cuts[j]);
          if (sha256(candidate) === finding.secretHash) return candidate;
        }
      }
    }
  }
  return undefined;
}

/** How a secret could show up in an output: as written, JSON-escaped, or as a long alphanumeric run's tail. */
function traces(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  for (const run of secret.match(/[A-Za-z0-9]{12,}/g) ?? []) forms.add(run.slice(-12));
  return [...forms];
}

function where(finding: Finding): string {
  return `${path.relative(FIXTURES, finding.location.file)}:${finding.location.startPos.line}`;
}

interface Output {
  label: string;
  text: string;
}

/** Every output of the CLI for a scan: each format to stdout, to a file, quiet, with suppressed findings, and a baseline. */
async function allOutputs(target: string, includeTests: boolean): Promise<Output[]> {
  const outDir = tempDir('fnscan-leak-out-');
  const base = [target, ...(includeTests ? ['--include-tests'] : []), '--fail-on', 'none'];
  const runs: [string, string[]][] = [];
  for (const format of FORMATS) {
    runs.push([format, ['--format', format]]);
    runs.push([`${format} --include-suppressed`, ['--format', format, '--include-suppressed']]);
    runs.push([`${format} --quiet`, ['--format', format, '--quiet']]);
    runs.push([`${format} --output`, ['--format', format, '--output', path.join(outDir, `report.${format}`)]]);
  }
  runs.push(['--write-baseline', ['--write-baseline', path.join(outDir, 'baseline.json')]]);
  runs.push(['--baseline', ['--baseline', path.join(outDir, 'baseline.json'), '--format', 'sarif']]);
  const outputs: Output[] = [];
  for (const [label, args] of runs) {
    const io = captureIo(path.dirname(target), { NO_COLOR: '1', DEBUG: '*', FNSCAN_DEBUG: '1' });
    const code = await run([...base, ...args], io);
    assert.equal(code, 0, `${label}: exit ${code}`);
    outputs.push({ label: `${label} stdout`, text: withoutRuleDocs(io.out) }, { label: `${label} stderr`, text: io.err });
  }
  for (const name of fs.readdirSync(outDir)) {
    outputs.push({ label: name, text: withoutRuleDocs(fs.readFileSync(path.join(outDir, name), 'utf8')) });
  }
  return outputs;
}

/**
 * A SARIF log less its rule descriptors: they are the rules' own docs, the same whatever is
 * scanned, and quote public test vectors (the Redwood docs' webhook secret) that fixtures reuse.
 */
function withoutRuleDocs(text: string): string {
  if (!text.includes('"runs"')) return text;
  const log = JSON.parse(text) as { runs: { tool: { driver: { rules?: unknown } } }[] };
  for (const r of log.runs) delete r.tool.driver.rules;
  return JSON.stringify(log, null, 2);
}

/** Recovers each reported secret and checks that no output carries it. Returns how many were checked. */
async function assertNoLeak(target: string, result: ScanResult, includeTests: boolean, planted: string[] = []): Promise<number> {
  const reported = result.findings.filter((f) => f.secretHash !== undefined);
  const secrets: { secret: string; at: string }[] = planted.map((secret, i) => ({ secret, at: `planted secret #${i}` }));
  for (const finding of reported) {
    assert.equal(finding.ruleId, SECRET_RULE, `only the secret rule hashes secrets (${where(finding)})`);
    const secret = recoverSecret(finding);
    assert.ok(secret !== undefined, `no text at ${where(finding)} hashes to its secretHash`);
    secrets.push({ secret, at: where(finding) });
  }
  // Nothing reported, nothing to look for: the outputs of such a scan are not worth producing.
  if (secrets.length === 0) return 0;
  const outputs = await allOutputs(target, includeTests);
  for (const { secret, at } of secrets) {
    for (const output of outputs) {
      for (const trace of traces(secret)) {
        assert.ok(!output.text.includes(trace), `the secret of ${at} (or part of it) appears in ${output.label}`);
      }
    }
  }
  return reported.length;
}

describe('no output carries a secret', () => {
  let checked = 0;

  for (const app of fixtureApps()) {
    for (const includeTests of [false, true]) {
      it(`fixture ${app}${includeTests ? ' with --include-tests' : ''}`, async () => {
        const target = path.join(FIXTURES, app);
        const result = scan({ paths: [target], rules: [...rules], config: {}, includeTests });
        checked += await assertNoLeak(target, result, includeTests);
      });
    }
  }

  it('the fixtures give the check something to check', () => {
    assert.ok(checked >= 10, `only ${checked} secret findings in the fixtures`);
  });

  it('a planted project: fresh secrets of each format, suppressed, in comments, in skipped files and env files', async () => {
    const { root, secrets } = plantedProject();
    for (const includeTests of [false, true]) {
      const result = scan({ paths: [root], rules: [...rules], config: {}, includeTests });
      const hashes = new Set(result.findings.map((f) => f.secretHash));
      for (const [i, secret] of secrets.reported.entries()) {
        assert.ok(hashes.has(sha256(secret)), `planted reportable secret #${i} was not reported`);
      }
      assert.ok(result.findings.some((f) => f.suppression && f.secretHash), 'a suppressed secret finding exists');
      assert.ok(result.skipped.length >= 2, 'the files that hide secrets behind a syntax error or NUL byte are skipped');
      await assertNoLeak(root, result, includeTests, [...secrets.reported, ...secrets.unreported]);
    }
  });
});

/** A seeded generator, so the planted secrets are random-looking yet the same on every run. */
function generator(seed: number): (alphabet: string, length: number) => string {
  let state = seed >>> 0;
  return (alphabet, length) => {
    let out = '';
    for (let i = 0; i < length; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      out += alphabet[state % alphabet.length];
    }
    return out;
  };
}

const ALNUM = 'ABCDEFGHJKMNPQRSTVWXYZabcdefghjkmnpqrstvwxyz0123456789';
const BASE64 = `${ALNUM}+/`;

function plantedProject(): { root: string; secrets: { reported: string[]; unreported: string[] } } {
  const random = generator(0x5eed);
  const stripe = `sk_${'live'}_${random(ALNUM, 32)}`;
  const github = `ghp_${random(ALNUM, 36)}`;
  const awsId = `AKIA${random('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`;
  const awsSecret = random(BASE64, 40);
  const dbPassword = random(ALNUM, 20);
  const slack = `xoxb-${random('0123456789', 12)}-${random('0123456789', 13)}-${random(ALNUM, 24)}`;
  const envStripe = `sk_${'live'}_${random(ALNUM, 32)}`;
  const suppressed = `ghp_${random(ALNUM, 36)}`;
  const inComment = `sk_${'live'}_${random(ALNUM, 32)}`;
  const pemBody = Array.from({ length: 20 }, () => random(BASE64, 64)).join('\n');
  const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`;
  const inBroken = `sk_${'live'}_${random(ALNUM, 32)}`;
  const inBinary = `ghp_${random(ALNUM, 36)}`;

  const root = tempProject({
    'redwood.toml': '[web]\n  port = 8910\n[api]\n  port = 8911\n',
    '.env.defaults': `STRIPE_SECRET_KEY=${envStripe}\n`,
    'api/src/lib/payments.ts': `export const stripeKey = '${stripe}'\n`,
    'api/src/lib/github.ts': `export const client = { auth: '${github}' }\n`,
    'api/src/lib/aws.ts': `export const credentials = {\n  accessKeyId: '${awsId}',\n  secretAccessKey: '${awsSecret}',\n}\n`,
    'api/src/lib/db.ts': `export const url = 'postgres://app:${dbPassword}@db.prod.internal:5432/app'\n`,
    'api/src/lib/slack.ts': `export const token = "${slack}"\n`,
    'api/src/lib/signing.ts': `export const privateKey = \`${pem}\`\n`,
    'api/src/lib/suppressed.ts': `// fnscan-disable-next-line no-hardcoded-secret -- rotated, kept for the migration test\nexport const legacyToken = '${suppressed}'\n`,
    'api/src/lib/commented.ts': `// const stripe = new Stripe('${inComment}')\nexport const stripe = null\n`,
    'api/src/lib/payments.test.ts': `export const testKey = '${stripe}'\n`,
    'api/src/lib/broken.ts': `export const key = '${inBroken}'\nexport const = ;\n`,
    'api/src/lib/binary.ts': Buffer.concat([Buffer.from(`export const key = '${inBinary}'\n// `), Buffer.from([0, 1, 2])]),
  }, 'fnscan-leak-');
  return {
    root,
    secrets: { reported: [stripe, github, awsId, awsSecret, dbPassword, slack, envStripe, suppressed, inComment, pem], unreported: [inBroken, inBinary] },
  };
}
