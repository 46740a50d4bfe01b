import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { run, type Io } from '../src/cli/main';
import { ScanPlan } from '../src/core/engine';
import { reporters } from '../src/reporters';
import { FIXTURES } from './support/fixtures';
import { tempDir, writeFiles } from './support/project';
import { clockAhead } from './support/clock';

/**
 * A `--cache` run of an unchanged tree repeats the output the last run of the same scan and
 * options kept (src/cli/replay.ts). Files get a stat signature only once they are 2 seconds old:
 * these tests move the clock a minute ahead instead of waiting. A run repeated its output when
 * it neither finished the scan nor called a reporter.
 */

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The --output file's bytes, when the run was given one. */
  file?: string;
  repeated: boolean;
}

async function fnscan(t: TestContext, cwd: string, argv: string[], io: Partial<Io> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const finish = t.mock.method(ScanPlan.prototype, 'finish');
  const rendered = (['sarif', 'json', 'stylish'] as const).map((format) => t.mock.method(reporters, format));
  try {
    const code = await run(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd, ...io });
    const output = argv.indexOf('-o');
    const file = output < 0 ? undefined : fs.readFileSync(path.resolve(cwd, argv[output + 1]), 'utf8');
    const repeated = finish.mock.callCount() === 0 && rendered.every((r) => r.mock.callCount() === 0);
    return { code, stdout, stderr, ...(file !== undefined && { file }), repeated };
  } finally {
    finish.mock.restore();
    for (const r of rendered) r.mock.restore();
  }
}

/** The same run without --cache: what every cached run must print. */
async function uncached(t: TestContext, cwd: string, argv: string[], io: Partial<Io> = {}): Promise<Omit<Run, 'repeated'>> {
  const { repeated: _, ...rest } = await fnscan(t, cwd, argv.filter((a) => a !== '--cache'), io);
  return rest;
}

function copyApp(app: string): string {
  const root = path.join(tempDir('fnscan-replay-'), app);
  fs.cpSync(path.join(FIXTURES, app), root, { recursive: true });
  return root;
}

const kept = (root: string): string => path.join(root, 'node_modules/.cache/fnscan/scan-output');

for (const argv of [
  ['--cache', '-f', 'sarif', '-o', 'out/fnscan.sarif'],
  ['--cache', '-f', 'json'],
  ['--cache', '--fail-on', 'none', '--quiet'],
]) {
  test(`fnscan ${argv.join(' ')}: the run after the one that filled the cache repeats its output, byte for byte`, async (t) => {
    clockAhead(t);
    const root = copyApp('acme-store');
    const expected = await uncached(t, root, argv);
    const fill = await fnscan(t, root, argv);
    assert.deepEqual({ ...fill, repeated: false }, { ...expected, repeated: false });
    assert.equal(fill.repeated, false);
    assert.ok(fs.existsSync(kept(root)), 'the fill keeps its output');
    for (let i = 0; i < 2; i++) assert.deepEqual(await fnscan(t, root, argv), { ...expected, repeated: true });
  });
}

test('an edit, another option, colour, working directory or baseline gets its own output, as without --cache', async (t) => {
  clockAhead(t);
  const root = copyApp('acme-store');
  const json = ['--cache', '-f', 'json'];
  const stylish = ['--cache', '--fail-on', 'error'];
  await fnscan(t, root, json);
  assert.equal((await fnscan(t, root, json)).repeated, true);

  const other = await fnscan(t, root, stylish);
  assert.deepEqual(other, { ...(await uncached(t, root, stylish)), repeated: false }, 'another format and exit threshold');
  assert.deepEqual(await fnscan(t, root, stylish), { ...other, repeated: true });
  const onTerminal = { stdoutIsTTY: true, stderrIsTTY: true };
  const coloured = await fnscan(t, root, stylish, onTerminal);
  assert.deepEqual(coloured, { ...(await uncached(t, root, stylish, onTerminal)), repeated: false }, 'on a terminal');
  assert.match(coloured.stdout, /\u001b\[/);
  const noColor = { ...onTerminal, env: { NO_COLOR: '1' } };
  assert.deepEqual(await fnscan(t, root, stylish, noColor), { ...(await uncached(t, root, stylish, noColor)), repeated: false }, 'NO_COLOR');

  // The same paths, written out in full: only the working directory (which reported paths are relative to) differs.
  const absolute = ['--cache', '--cache-location', path.join(root, 'node_modules/.cache/fnscan'), root];
  await fnscan(t, root, absolute);
  assert.equal((await fnscan(t, root, absolute)).repeated, true);
  const api = path.join(root, 'api');
  const inApi = await fnscan(t, api, absolute);
  assert.deepEqual(inApi, { ...(await uncached(t, api, absolute)), repeated: false }, 'another working directory');

  const functions = path.join(root, 'api/src/functions');
  const endpoint = path.join(functions, fs.readdirSync(functions).filter((f) => f.endsWith('.ts')).sort()[0]);
  fs.appendFileSync(endpoint, "\nexport const debug = { rejectUnauthorized: false }\n");
  const edited = await fnscan(t, root, stylish);
  assert.deepEqual(edited, { ...(await uncached(t, root, stylish)), repeated: false }, 'an edited file');
  assert.notEqual(edited.stdout, other.stdout);

  await fnscan(t, root, ['--write-baseline', 'baseline.json']);
  const compared = ['--cache', '--baseline', 'baseline.json', '-f', 'sarif', '-o', 'b.sarif'];
  await fnscan(t, root, compared);
  await fnscan(t, root, compared);
  assert.equal((await fnscan(t, root, compared)).repeated, true);
  const baseline = path.join(root, 'baseline.json');
  const entries = fs.readFileSync(baseline, 'utf8').trimEnd().split('\n');
  fs.writeFileSync(baseline, `${entries.slice(0, -1).join('\n')}\n`);
  const rebased = await fnscan(t, root, compared);
  assert.deepEqual(rebased, { ...(await uncached(t, root, compared)), repeated: false }, 'another baseline');
});

test('what the result holds beside the files (here the count of files found) is part of the stamp', async (t) => {
  clockAhead(t);
  const root = tempDir('fnscan-replay-');
  writeFiles(root, { 'api/src/functions/hello.ts': "export const handler = async () => ({ statusCode: 200, body: 'hi' })\n" });
  const argv = ['--cache'];
  assert.equal((await fnscan(t, root, argv)).stdout, '✔ No problems found in 1 file.\n');
  assert.equal((await fnscan(t, root, argv)).repeated, true);
  // A test file is found but not read (its findings are not wanted): no file the record covers changed.
  writeFiles(root, { 'api/src/functions/hello.test.ts': "it('says hi', () => {})\n" });
  const more = await fnscan(t, root, argv);
  assert.deepEqual(more, { code: 0, stdout: '✔ No problems found in 2 files.\n', stderr: '', repeated: false });
});

test('a file discovery skips (a dangling symlink) is part of the stamp', async (t) => {
  clockAhead(t);
  const root = tempDir('fnscan-replay-');
  writeFiles(root, { 'api/src/functions/hello.ts': "export const handler = async () => ({ statusCode: 200, body: 'hi' })\n" });
  await fnscan(t, root, ['--cache']);
  assert.equal((await fnscan(t, root, ['--cache'])).repeated, true);
  fs.symlinkSync(path.join(root, 'nowhere.ts'), path.join(root, 'api/src/functions/gone.ts'));
  const skipped = await fnscan(t, root, ['--cache']);
  assert.deepEqual(skipped, { ...(await uncached(t, root, ['--cache'])), repeated: false });
  assert.match(skipped.stderr, /gone\.ts \(unreadable: dangling or looping symlink\)/);
});

test('the output file is written again when the run is repeated', async (t) => {
  clockAhead(t);
  const root = copyApp('acme-store');
  const argv = ['--cache', '-f', 'sarif', '-o', 'fnscan.sarif'];
  const first = await fnscan(t, root, argv);
  fs.rmSync(path.join(root, 'fnscan.sarif'));
  assert.deepEqual(await fnscan(t, root, argv), { ...first, repeated: true });
});

test('a kept output that does not check out is not used', async (t) => {
  clockAhead(t);
  const root = copyApp('acme-store');
  const argv = ['--cache', '-f', 'json'];
  const expected = await fnscan(t, root, argv);
  const file = kept(root);
  const valid = fs.readFileSync(file);
  const newline = valid.indexOf(0x0a);
  const header = JSON.parse(valid.toString('utf8', 0, newline)) as Record<string, unknown>;
  const body = valid.subarray(newline + 1).toString('utf8');
  const spoilt = [
    valid.subarray(0, valid.length - 10),
    // Same length, one character changed: only the sum shows it.
    Buffer.from(`${JSON.stringify(header)}\n${body.replace('"error"', '"errar"')}`),
    Buffer.from(`${JSON.stringify({ ...header, writes: [['somewhere', 10]] })}\n${body}`),
    Buffer.from(`${JSON.stringify({ ...header, stamp: 'another' })}\n${body}`),
    Buffer.from('{}\n'),
    Buffer.from([0xff, 0x00, 0x0a, 0xfe]),
  ];
  for (const bytes of spoilt) {
    fs.writeFileSync(file, bytes);
    assert.deepEqual(await fnscan(t, root, argv), { ...expected, repeated: false });
  }
  assert.deepEqual(await fnscan(t, root, argv), { ...expected, repeated: true }, 'the run before kept it again');
});
