import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { run, type Io } from '../src/cli/main';
import type { Rule } from '../src/core/rule';
import type { Level } from '../src/core/types';
import { BIN, REPO } from './support/cli';
import { tempDir, writeFiles } from './support/project';

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const SECRET = 'zq' + 'X7Lk29PwQe81Rt55Yu';

/** Flags the string literals `flag-error`, `flag-warning` and `flag-note` at that level. */
const flagRule: Rule = {
  meta: {
    id: 'fake-flag',
    title: 'Fake flag',
    description: 'Flags marker strings so the CLI can be tested without the real rules.',
    cwe: 1,
    securitySeverity: 5,
    precision: 'high',
    defaultLevel: 'warning',
    tags: [],
    messages: { flagged: 'String `{{value}}` is flagged.' },
  },
  checkSource(ctx) {
    const visit = (node: ts.Node): void => {
      const match = ts.isStringLiteral(node) ? /^flag-(error|warning|note)$/.exec(node.text) : null;
      if (match) ctx.report({ messageId: 'flagged', data: { value: match[0] }, at: node, level: match[1] as Level });
      ts.forEachChild(node, visit);
    };
    visit(ctx.file.sf);
  },
};

/** Reports a secret with a masked message, the way the secret rule must. */
const secretRule: Rule = {
  meta: { ...flagRule.meta, id: 'fake-secret', messages: { secret: 'Secret `{{masked}}` is hard-coded.' } },
  checkSource(ctx) {
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteral(node) && node.text === SECRET) {
        ctx.report({ messageId: 'secret', data: { masked: 'zq…Yu' }, at: node, level: 'error', secret: node.text });
      }
      ts.forEachChild(node, visit);
    };
    visit(ctx.file.sf);
  },
};

const crashingRule: Rule = {
  meta: { ...flagRule.meta, id: 'fake-crash' },
  checkSource(ctx) {
    if (ctx.file.text.includes('crash-me')) throw new TypeError(`Cannot read properties of undefined (reading 'x')`);
  },
};

const FAKE_RULES = [flagRule, secretRule];

/** A throwaway project: keys are paths relative to its root. */
function project(files: Record<string, string>): string {
  const root = tempDir('fnscan-cli-');
  writeFiles(root, files);
  return root;
}

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], cwd: string, io: Partial<Io> = {}, rules: Rule[] = FAKE_RULES): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    argv,
    {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      stdoutIsTTY: false,
      stderrIsTTY: false,
      env: {},
      cwd,
      ...io,
    },
    { rules },
  );
  return { code, stdout, stderr };
}

const WARN_AND_NOTE = {
  'api/src/lib/a.ts': "export const a = 'flag-warning';\nexport const b = 'flag-note';\n",
};

describe('exit codes and --fail-on (run)', () => {
  it('exits 0 with a clean line when nothing is found', async () => {
    const root = project({ 'api/src/lib/a.ts': 'export const a = 1;\n', 'api/src/lib/b.ts': 'export const b = 2;\n' });
    const r = await cli([], root);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '✔ No problems found in 2 files.\n');
    assert.equal(r.stderr, '');
  });

  it('exits 1 on a warning by default and groups the report by file', async () => {
    const root = project({
      ...WARN_AND_NOTE,
      'api/src/functions/z.ts': "\n  export const z = 'flag-error';\n",
    });
    const r = await cli([], root);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      [
        '',
        'api/src/functions/z.ts',
        '  2:20  error  String `flag-error` is flagged  fake-flag',
        '',
        'api/src/lib/a.ts',
        '  1:18  warning  String `flag-warning` is flagged  fake-flag',
        '  2:18  note     String `flag-note` is flagged     fake-flag',
        '',
        '✖ 3 problems (1 error, 1 warning, 1 note)',
        '',
      ].join('\n'),
    );
  });

  it('follows --fail-on error, warning, note and none', async () => {
    const root = project(WARN_AND_NOTE);
    assert.equal((await cli(['--fail-on', 'error'], root)).code, 0);
    assert.equal((await cli(['--fail-on', 'warning'], root)).code, 1);
    const notesOnly = project({ 'a.ts': "export const b = 'flag-note';\n" });
    assert.equal((await cli([], notesOnly)).code, 0);
    assert.equal((await cli(['--fail-on', 'note'], notesOnly)).code, 1);
    const errors = project({ 'a.ts': "export const b = 'flag-error';\n" });
    assert.equal((await cli(['--fail-on', 'none'], errors)).code, 0);
  });

  it('never counts suppressed findings, but says how many there were', async () => {
    const root = project({
      'a.ts': "// fnscan-disable-next-line fake-flag -- a documented test marker\nexport const a = 'flag-error';\n",
    });
    const r = await cli(['--fail-on', 'note'], root);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '✔ No problems found in 1 file (1 suppressed).\n');
  });

  it('keeps test files out unless --include-tests', async () => {
    const root = project({ 'api/src/lib/a.test.ts': "export const a = 'flag-error';\n" });
    assert.equal((await cli([], root)).code, 0);
    const r = await cli(['--include-tests'], root);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /api\/src\/lib\/a\.test\.ts/);
  });

  it('exits 3 on a crash in a rule, naming file and rule without echoing the file', async () => {
    const root = project({ 'api/src/lib/a.ts': `export const k = '${SECRET}'; // crash-me\n` });
    const r = await cli([], root, {}, [crashingRule]);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '✖ No problems found, but fnscan failed on 1 file.\n');
    assert.equal(
      r.stderr,
      "1 file skipped:\n  api/src/lib/a.ts (internal-error: rule fake-crash failed: Cannot read properties of undefined (reading 'x'))\n" +
        "fnscan hit an internal error on api/src/lib/a.ts: rule fake-crash failed: Cannot read properties of undefined (reading 'x'). Please report it.\n",
    );
    assert.ok(!r.stdout.includes(SECRET) && !r.stderr.includes(SECRET));
  });

  it('reports the other files and the other rules when a rule crashes on one file, and still exits 3', async () => {
    const root = project({
      'api/src/lib/a.ts': `export const k = '${SECRET}';\nexport const f = 'flag-error'; // crash-me\n`,
      'api/src/lib/b.ts': "export const b = 'flag-error';\n",
      'api/src/lib/c.ts': "export const c = 'crash-me';\n",
    });
    const r = await cli(['--format', 'json'], root, {}, [flagRule, crashingRule, secretRule]);
    assert.equal(r.code, 3);
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; file: string }>; skipped: Array<{ file: string; reason: string; detail: string }> };
    // Every rule but the crashing one still reports on a.ts; b.ts is untouched.
    assert.deepEqual(
      report.findings.map((f) => `${f.file} ${f.ruleId}`),
      ['api/src/lib/a.ts fake-secret', 'api/src/lib/a.ts fake-flag', 'api/src/lib/b.ts fake-flag'],
    );
    assert.deepEqual(
      report.skipped.map((s) => `${s.file} ${s.reason} ${s.detail}`),
      [
        "api/src/lib/a.ts internal-error rule fake-crash failed: Cannot read properties of undefined (reading 'x')",
        "api/src/lib/c.ts internal-error rule fake-crash failed: Cannot read properties of undefined (reading 'x')",
      ],
    );
    assert.match(r.stderr, /^fnscan hit an internal error on api\/src\/lib\/a\.ts \(and on 1 more file\): rule fake-crash failed: /m);
  });

  it('exits 3 when a rule reports a message id it does not define', async () => {
    const root = project({ 'a.ts': 'export {};\n' });
    const throwing: Rule = {
      ...flagRule,
      checkSource(ctx) {
        ctx.report({ messageId: 'no-such-message', at: ctx.file.sf.statements[0] });
      },
    };
    const r = await cli([], root, {}, [throwing]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^fnscan hit an internal error on a\.ts: rule fake-flag failed: Rule fake-flag has no message `no-such-message`/m);
  });
});

describe('usage and config errors (run)', () => {
  it('exits 2 on a path that does not exist, naming it as typed', async () => {
    const r = await cli(['nope'], project({}));
    assert.deepEqual(r, { code: 2, stdout: '', stderr: 'Path `nope` does not exist.\n' });
  });

  it('exits 2 with one sentence on unknown options and bad values', async () => {
    const root = project({});
    for (const argv of [['--bogus'], ['--format', 'xml'], ['--fail-on', 'info'], ['--max-file-size', '1kb'], ['--format']]) {
      const r = await cli(argv, root);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^[A-Z][^\n]*\.\n$/, argv.join(' '));
    }
    assert.equal((await cli(['--bogus'], root)).stderr, "Unknown option '--bogus'.\n");
  });

  it('refuses --baseline together with --write-baseline', async () => {
    const r = await cli(['--baseline', 'a', '--write-baseline', 'b'], project({}));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot be used with/);
  });

  it('refuses --write-baseline for one --shard, whose findings are only a slice', async () => {
    const root = project({ 'a.ts': "export const a = 'flag-warning';\n" });
    const r = await cli(['--shard', '1/2', '--write-baseline', 'b.txt'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /'--write-baseline <file>' cannot be used with option '--shard <i\/n>'/);
    assert.equal(fs.existsSync(path.join(root, 'b.txt')), false);
  });

  it('exits 2 on a config file that is not JSON, names an unknown rule, or is JS', async () => {
    const root = project({
      'bad.json': '{ "rules": ',
      'unknown.json': '{ "rules": { "no-such-rule": "off" } }',
      'fnscan.config.js': 'module.exports = {}',
      'a.ts': 'export {};\n',
    });
    const bad = await cli(['--config', 'bad.json'], root);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^Config file `[^`]*bad\.json` is not valid JSON/);
    const unknown = await cli(['--config', 'unknown.json'], root);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /names an unknown rule `no-such-rule`/);
    const js = await cli(['--config', 'fnscan.config.js'], root);
    assert.equal(js.code, 2);
    assert.match(js.stderr, /must be JSON \(fnscan never runs JS config\)/);
    assert.equal((await cli(['--config', 'missing.json'], root)).code, 2);
  });

  it('finds fnscan.config.json or package.json "fnscan" in the first scanned path', async () => {
    const own = project({ 'fnscan.config.json': '{ "colour": true }', 'a.ts': 'export {};\n' });
    const r = await cli([], own);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown key `colour`/);
    const pkg = project({
      'app/package.json': '{ "name": "x", "fnscan": { "rules": { "fake-flag": "off" } } }',
      'app/a.ts': "export const a = 'flag-error';\n",
    });
    assert.equal((await cli(['app'], pkg)).code, 0);
  });

  it('a file or folder inside an app uses the config at the app root, ignore globs relative to it', async () => {
    const root = project({
      'redwood.toml': '[api]\n',
      'fnscan.config.json': JSON.stringify({ rules: { 'fake-flag': 'off' } }),
      'api/src/lib/a.ts': "export const a = 'flag-error';\n",
    });
    assert.equal((await cli(['api/src/lib/a.ts'], root)).code, 0, 'a file');
    assert.equal((await cli(['api'], root)).code, 0, 'a folder');
    assert.equal((await cli(['api/src/lib/a.ts', '--config', 'none.json'], root)).code, 2, '--config still wins');

    const ignoring = project({
      'redwood.toml': '[api]\n',
      'fnscan.config.json': JSON.stringify({ ignore: ['api/src/legacy/**'] }),
      'api/src/legacy/old.ts': "export const a = 'flag-error';\n",
      'api/src/lib/a.ts': "export const a = 'flag-warning';\n",
    });
    const files = async (args: string[]) =>
      (JSON.parse((await cli([...args, '--format', 'json'], ignoring)).stdout) as { findings: Array<{ file: string }> }).findings.map((f) => f.file);
    assert.deepEqual(await files(['.']), ['api/src/lib/a.ts']);
    assert.deepEqual(await files(['api']), ['api/src/lib/a.ts'], 'the glob is relative to the app root, not to api/');
  });

  it('applies rule levels, off switches and ignore globs from the config', async () => {
    const root = project({
      'fnscan.config.json': JSON.stringify({ rules: { 'fake-flag': 'error' }, ignore: ['generated/**'] }),
      'a.ts': "export const a = 'flag-warning';\n",
      'generated/b.ts': "export const b = 'flag-error';\n",
    });
    const r = await cli(['--fail-on', 'error', '--format', 'json'], root);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(
      report.findings.map((f: { file: string; level: string }) => `${f.file} ${f.level}`),
      ['a.ts error'],
    );
  });
});

describe('configs of several apps (run)', () => {
  const levels = async (args: string[], cwd: string): Promise<string[]> =>
    (JSON.parse((await cli([...args, '--format', 'json'], cwd)).stdout) as { findings: Array<{ file: string; level: string }> }).findings.map((f) => `${f.file} ${f.level}`);

  it('judges each app of a scan by its own config, and the apps without one by the scanned folder\'s', async () => {
    const root = project({
      'fnscan.config.json': JSON.stringify({ rules: { 'fake-flag': 'error' } }),
      'a/redwood.toml': '[api]\n',
      'a/fnscan.config.json': JSON.stringify({ rules: { 'fake-flag': 'off' } }),
      'a/api/src/lib/x.ts': "export const x = 'flag-warning';\n",
      'b/redwood.toml': '[api]\n',
      'b/package.json': JSON.stringify({ name: 'b', fnscan: { rules: { 'fake-flag': 'warning' }, ignore: ['api/src/generated/**'] } }),
      'b/api/src/generated/y.ts': "export const y = 'flag-warning';\n",
      'b/api/src/lib/z.ts': "export const z = 'flag-warning';\n",
      'c/redwood.toml': '[api]\n',
      'c/api/src/lib/w.ts': "export const w = 'flag-warning';\n",
    });
    // a: off; b: its own level, its ignore glob relative to b/; c: the scanned folder's config.
    assert.deepEqual(await levels([], root), ['b/api/src/lib/z.ts warning', 'c/api/src/lib/w.ts error']);
    assert.deepEqual(await levels(['b'], root), ['b/api/src/lib/z.ts warning'], 'an app scanned alone: the same verdicts');
    assert.deepEqual(
      await levels(['--config', 'fnscan.config.json'], root),
      ['a/api/src/lib/x.ts error', 'b/api/src/generated/y.ts error', 'b/api/src/lib/z.ts error', 'c/api/src/lib/w.ts error'],
      '--config applies to every file',
    );
  });

  it("takes the config of an app's workspace root when it has none, and never a config above a folder that is no workspace", async () => {
    const app = { 'apps/api/redwood.toml': '[api]\n', 'apps/api/api/src/lib/x.ts': "export const x = 'flag-warning';\n" };
    const config = { 'fnscan.config.json': JSON.stringify({ rules: { 'fake-flag': 'off' } }) };
    const workspace = project({ 'package.json': JSON.stringify({ private: true, workspaces: ['apps/*'] }), ...config, ...app });
    assert.deepEqual(await levels(['apps/api'], workspace), [], 'scanned alone, the app takes the workspace root\'s config');
    const nearer = project({
      'package.json': JSON.stringify({ private: true, workspaces: ['apps/*'] }),
      ...config,
      ...app,
      'apps/api/fnscan.config.json': JSON.stringify({ rules: { 'fake-flag': 'error' } }),
    });
    assert.deepEqual(await levels([], nearer), ['apps/api/api/src/lib/x.ts error'], 'the nearest config wins; configs are not merged');
    // A repository whose own config ignores its fixtures: an app under it is not a workspace package.
    const repo = project({ 'package.json': JSON.stringify({ name: 'tool' }), ...config, ...app });
    assert.deepEqual(await levels(['apps/api'], repo), ['apps/api/api/src/lib/x.ts warning']);
  });
});

describe('output options (run)', () => {
  it('writes --output to a file and prints the summary line on stderr', async () => {
    const root = project(WARN_AND_NOTE);
    const r = await cli(['--output', 'reports/fnscan.txt'], root, { stdoutIsTTY: true });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '✖ 2 problems (0 errors, 1 warning, 1 note)\n');
    const written = fs.readFileSync(path.join(root, 'reports/fnscan.txt'), 'utf8');
    assert.match(written, /api\/src\/lib\/a\.ts\n {2}1:18 {2}warning/);
    assert.ok(!written.includes('\u001b'), 'a report file is never coloured');
    const quiet = await cli(['--output', 'q.json', '--format', 'json', '--quiet'], root);
    assert.equal(quiet.stderr, '1 finding below error level counts towards --fail-on warning but is hidden by --quiet.\n');
  });

  it('exits 2 when --output cannot be written', async () => {
    const root = project({ 'a.ts': 'export {};\n', 'file': '' });
    const r = await cli(['--output', 'file/inside.txt'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Cannot write `file\/inside\.txt` \(\w+\)\.\n$/);
  });

  it('exits 2 when --cache-location is a file, before scanning', async () => {
    const root = project({ 'a.ts': "export const a = 'flag-warning';\n", 'cache-file': 'not a folder' });
    const r = await cli(['--cache', '--cache-location', 'cache-file'], root);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '--cache-location `cache-file` is a file; it must be a folder (fnscan keeps its cache files in it).\n');
  });

  it('a cache that cannot be written changes no result: the report as without --cache, and a note', async () => {
    const root = project({ 'a.ts': "export const a = 'flag-warning';\n", 'file': '' });
    const plain = await cli([], root);
    // A folder inside a file can be neither created nor written (ENOTDIR, even as root).
    const r = await cli(['--cache', '--cache-location', 'file/cache'], root);
    assert.equal(r.code, plain.code);
    assert.equal(r.stdout, plain.stdout);
    assert.equal(r.stderr, 'The cache could not be written to file/cache (ENOTDIR); the next --cache scan will not be faster.\n');
    const quiet = await cli(['--cache', '--cache-location', 'file/cache', '--quiet', '--fail-on', 'none'], root);
    assert.deepEqual([quiet.code, quiet.stderr], [0, '']);
  });

  it('--quiet shows errors only, no progress, and shortens the skipped list to a count', async () => {
    const root = project({
      'a.ts': "export const a = 'flag-warning';\nexport const b = 'flag-error';\n",
      'big.ts': `export const big = '${'x'.repeat(300)}';\n`,
    });
    const r = await cli(['--quiet', '--max-file-size', '200', '--fail-on', 'error'], root, { stderrIsTTY: true });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '\na.ts\n  2:18  error  String `flag-error` is flagged  fake-flag\n\n✖ 1 problem (1 error, 0 warnings, 0 notes)\n');
    assert.equal(r.stderr, '1 file skipped.\n');
  });

  it('lists skipped files with their reason, relative to the cwd', async () => {
    const root = project({
      'fnscan.config.json': '{ "maxFileSize": 100 }',
      'api/src/big.ts': `export const big = '${'x'.repeat(300)}';\n`,
      'api/src/small.ts': 'export {};\n',
    });
    const r = await cli([], root);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^1 file skipped:\n {2}api\/src\/big\.ts \(too-large: \d+ bytes is over the 100-byte limit\)\n$/);
    assert.equal((await cli(['--max-file-size', '100000'], root)).stderr, '', '--max-file-size wins over the config');
  });

  it('shows one updating progress line on a TTY stderr, and clears it', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`f${i}.ts`] = 'export {};\n';
    const root = project(files);
    const tty = await cli([], root, { stderrIsTTY: true });
    assert.match(tty.stderr, /^\r\u001b\[2KScanning 1\/5 files…/);
    assert.match(tty.stderr, /Scanning 5\/5 files…\r\u001b\[2K$/);
    assert.equal((await cli([], root)).stderr, '', 'no progress when stderr is not a terminal');
  });

  it('colours stylish output on a TTY unless NO_COLOR, and when FORCE_COLOR', async () => {
    const root = project({ 'a.ts': "export const a = 'flag-error';\n" });
    assert.ok((await cli([], root, { stdoutIsTTY: true })).stdout.includes('\u001b[31m'));
    assert.ok(!(await cli([], root, { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout.includes('\u001b'));
    assert.ok((await cli([], root, { env: { FORCE_COLOR: '1' } })).stdout.includes('\u001b[31m'));
    assert.ok(!(await cli([], root, { stdoutIsTTY: true, env: { FORCE_COLOR: '0' } })).stdout.includes('\u001b'));
  });

  it('shows paths outside the cwd with ../', async () => {
    const root = project({ 'other/a.ts': "export const a = 'flag-error';\n", 'here/keep.txt': '' });
    const r = await cli(['--format', 'github', '../other'], path.join(root, 'here'));
    assert.equal(r.stdout, '::error file=../other/a.ts,line=1,col=18,endLine=1,endColumn=29,title=fake-flag::String `flag-error` is flagged.\n');
  });

  it('never prints a secret from the file, in any of its own formats', async () => {
    const root = project({ 'api/src/lib/keys.ts': `export const key = '${SECRET}';\n` });
    for (const format of ['stylish', 'json', 'github']) {
      const r = await cli(['--format', format, '--include-suppressed'], root);
      assert.equal(r.code, 1);
      assert.ok(r.stdout.includes('zq…Yu'), `${format} shows the masked form`);
      assert.ok(!r.stdout.includes(SECRET.slice(2)) && !r.stderr.includes(SECRET.slice(2)), `${format} leaks the secret`);
    }
  });
});

describe('--format json (run)', () => {
  it('follows schema version 1 with relative paths and no absolute path anywhere', async () => {
    const root = project({
      ...WARN_AND_NOTE,
      'b.ts': "// fnscan-disable-next-line fake-flag -- fixture for docs\nexport const s = 'flag-error';\n",
    });
    const plain = await cli(['--format', 'json'], root);
    assert.equal(plain.code, 1);
    assert.ok(!plain.stdout.includes(root));
    const report = JSON.parse(plain.stdout);
    assert.deepEqual(Object.keys(report), ['schemaVersion', 'tool', 'findings', 'skipped', 'summary']);
    assert.deepEqual(report.tool, { name: 'fnscan', version: VERSION });
    assert.deepEqual(report.findings[0], {
      ruleId: 'fake-flag',
      level: 'warning',
      message: 'String `flag-warning` is flagged.',
      file: 'api/src/lib/a.ts',
      line: 1,
      column: 18,
      endLine: 1,
      endColumn: 32,
      related: [],
    });
    assert.deepEqual(report.summary, { files: 2, errors: 0, warnings: 1, notes: 1, suppressed: 1 });
    const all = JSON.parse((await cli(['--format', 'json', '--include-suppressed'], root)).stdout);
    assert.deepEqual(
      all.findings.map((f: { file: string; suppressed?: boolean }) => `${f.file}:${f.suppressed ?? false}`),
      ['api/src/lib/a.ts:false', 'api/src/lib/a.ts:false', 'b.ts:true'],
    );
  });

  it('is byte-identical across runs', async () => {
    const root = project({ ...WARN_AND_NOTE, 'z/y.ts': "export const c = 'flag-error';\n" });
    const first = await cli(['--format', 'json'], root);
    const second = await cli(['--format', 'json'], root);
    assert.equal(first.stdout, second.stdout);
  });
});

describe('bin/fnscan.js end to end (built dist, NO_COLOR=1)', () => {
  function spawn(argv: string[], cwd: string) {
    const r = spawnSync(process.execPath, [BIN, ...argv], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('prints the package version and exits 0', () => {
    assert.deepEqual(spawn(['--version'], REPO), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('prints help with examples and exit codes, and exits 0', () => {
    const r = spawn(['--help'], REPO);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: fnscan \[options\] \[paths\.\.\.\]/);
    assert.match(r.stdout, /Examples:/);
    assert.match(r.stdout, /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
  });

  it('exits 2 with one sentence on a usage error', () => {
    const root = project({});
    assert.deepEqual(spawn(['--nope'], root), { code: 2, stdout: '', stderr: "Unknown option '--nope'.\n" });
    assert.deepEqual(spawn(['missing-dir'], root), { code: 2, stdout: '', stderr: 'Path `missing-dir` does not exist.\n' });
    const bad = project({ 'fnscan.config.json': '[1]' });
    const r = spawn([], bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /must hold a JSON object\.\n$/);
  });

  it('scans a clean project to the same JSON twice', () => {
    const root = project({ 'redwood.toml': '[web]\n', 'api/src/lib/db.ts': 'export const db = {};\n' });
    const first = spawn(['--format', 'json'], root);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, spawn(['--format', 'json'], root).stdout);
    assert.equal(JSON.parse(first.stdout).schemaVersion, 1);
  });

  it("ends quietly, with the scan's own exit code, when the reader of its output goes away (`| head`)", () => {
    // `true` exits without reading, so every write fnscan makes finds the pipe closed.
    for (const argv of ['--help', 'fixtures/acme-store']) {
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${BIN}" ${argv} | true`], { cwd: REPO, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(r.stderr, '', argv);
      assert.equal(r.status, argv === '--help' ? 0 : 1, argv);
    }
  });

  // Needs the real no-disabled-tls rule, which another helper is writing.
  it('reports `rejectUnauthorized: false` with the real rules and exits 1', () => {
    const root = project({
      'api/src/lib/http.ts': "import https from 'node:https';\nexport const agent = new https.Agent({ rejectUnauthorized: false });\n",
    });
    const r = spawn(['--format', 'github'], root);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^::error file=api\/src\/lib\/http\.ts,line=2,.*title=no-disabled-tls::/m);
  });
});

// The CLI's side of the contract with src/reporters/sarif.ts and src/core/baseline.ts, written
// against their agreed signatures while those modules were being written.
describe('sarif and baseline flags', () => {
  it('--format sarif writes SARIF 2.1.0 with the category and relative URIs', async () => {
    const root = project(WARN_AND_NOTE);
    const r = await cli(['--format', 'sarif', '--category', 'api-scan'], root);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs[0].automationDetails.id, 'api-scan/');
    assert.equal(log.runs[0].results.length, 2);
    for (const result of log.runs[0].results) {
      assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'api/src/lib/a.ts');
    }
  });

  it('--include-suppressed keeps suppressed results in SARIF', async () => {
    const root = project({ 'a.ts': "// fnscan-disable-next-line fake-flag -- fixture\nexport const s = 'flag-error';\n" });
    const without = JSON.parse((await cli(['--format', 'sarif'], root)).stdout);
    assert.equal(without.runs[0].results.length, 0);
    const withThem = JSON.parse((await cli(['--format', 'sarif', '--include-suppressed'], root)).stdout);
    assert.equal(withThem.runs[0].results.length, 1);
    assert.equal(withThem.runs[0].results[0].suppressions[0].justification, 'fixture');
  });

  it('--write-baseline exits 0, and --baseline then reports and counts only new findings', async () => {
    const root = project(WARN_AND_NOTE);
    const written = await cli(['--write-baseline', '.fnscan-baseline.json'], root);
    assert.equal(written.code, 0, written.stderr);
    assert.equal(written.stdout, '');
    assert.ok(fs.existsSync(path.join(root, '.fnscan-baseline.json')));

    const same = await cli(['--baseline', '.fnscan-baseline.json', '--fail-on', 'note'], root);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout, '✔ No problems found in 1 file.\n');
    assert.match(same.stderr, /2 findings already in the baseline were not reported\./);

    fs.writeFileSync(path.join(root, 'api/src/lib/new.ts'), "export const n = 'flag-warning';\n");
    const changed = await cli(['--baseline', '.fnscan-baseline.json', '--format', 'json'], root);
    assert.equal(changed.code, 1, changed.stderr);
    const report = JSON.parse(changed.stdout);
    assert.deepEqual(
      report.findings.map((f: { file: string; baselineState: string }) => `${f.file} ${f.baselineState}`),
      ['api/src/lib/new.ts new'],
    );
  });

  it('--baseline calls entries gone only for files this scan covered (its paths, its shard)', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 8; i++) files[`api/src/lib/m${i}.ts`] = `export const m = 'flag-warning';\n`;
    files['web/src/w.ts'] = "export const w = 'flag-warning';\n";
    const root = project(files);
    assert.equal((await cli(['--write-baseline', 'b.txt'], root)).code, 0);
    const gone = /baseline entr(y|ies) no longer match/;
    for (const shard of ['1/3', '2/3', '3/3']) {
      const r = await cli(['--baseline', 'b.txt', '--shard', shard], root);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, gone, `shard ${shard}`);
    }
    assert.doesNotMatch((await cli(['api', '--baseline', 'b.txt'], root)).stderr, gone);
    assert.doesNotMatch((await cli(['api/src/lib/m0.ts', '--baseline', 'b.txt'], root)).stderr, gone);
    // A finding fixed in a covered file is still noticed, by the shard and by the path that hold it.
    fs.writeFileSync(path.join(root, 'web/src/w.ts'), 'export const w = 1;\n');
    const notes = async (args: string[]): Promise<string> => (await cli([...args, '--baseline', 'b.txt'], root)).stderr;
    assert.match(await notes(['web']), /^1 baseline entry no longer matches any finding/m);
    assert.doesNotMatch(await notes(['api']), gone);
    const byShard = await Promise.all(['1/3', '2/3', '3/3'].map((shard) => notes(['--shard', shard])));
    assert.equal(byShard.filter((text) => gone.test(text)).length, 1, 'exactly the shard that holds web/src/w.ts');
    assert.match(await notes([]), /^1 baseline entry no longer matches any finding/m);
  });

  it('--baseline with SARIF keeps known results marked unchanged, and counts only new ones', async () => {
    const root = project(WARN_AND_NOTE);
    await cli(['--write-baseline', '.fnscan-baseline'], root);
    fs.writeFileSync(path.join(root, 'api/src/lib/new.ts'), "export const n = 'flag-warning';\n");
    const r = await cli(['--baseline', '.fnscan-baseline', '--format', 'sarif'], root);
    assert.equal(r.code, 1, r.stderr);
    const states = JSON.parse(r.stdout).runs[0].results.map(
      (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; baselineState: string }) =>
        `${x.locations[0].physicalLocation.artifactLocation.uri} ${x.baselineState}`,
    );
    assert.deepEqual(states.filter((s: string) => s.endsWith(' new')), ['api/src/lib/new.ts new']);
    assert.equal(states.filter((s: string) => s.endsWith(' unchanged')).length, 2);
    assert.match(r.stderr, /2 findings already in the baseline were kept in the SARIF as `unchanged` but not counted\./);
  });

  it('exits 2 when the baseline file cannot be read', async () => {
    const r = await cli(['--baseline', 'missing.json'], project({ 'a.ts': 'export {};\n' }));
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'Baseline file `missing.json` cannot be read (ENOENT).\n');
  });

  it('reads the baseline before scanning: a missing one stops the run before any work', async () => {
    const dir = project({ 'a.ts': 'export {};\n' });
    const r = await cli(['--baseline', 'missing.json', '--cache', '--cache-location', 'cache'], dir);
    assert.equal(r.code, 2);
    assert.equal(fs.existsSync(path.join(dir, 'cache')), false, 'no scan ran, so no cache was written');
  });

  it('exits 2 when the baseline file is not a baseline', async () => {
    const r = await cli(['--baseline', 'package.json'], project({ 'a.ts': 'export {};\n', 'package.json': '{}' }));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^[^\n]*baseline[^\n]*\.\n$/);
  });
});
