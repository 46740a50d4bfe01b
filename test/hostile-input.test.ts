import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { run } from '../src/cli/main';
import { scan, type ScanResult } from '../src/core/engine';
import { DEFAULT_LIMITS } from '../src/core/files';
import type { Rule } from '../src/core/rule';
import type { SkipReason } from '../src/core/types';
import { rules } from '../src/rules';
import { BIN, REPO, buildIfStale, captureIo } from './support/cli';

/**
 * One Redwood app full of hostile files (binary, non-UTF-8, oversized, nested tens of thousands
 * deep, symlink loops and links out of the tree, a FIFO, a tsconfig linked to /dev/zero, thousands
 * of files in one folder) around a few real findings. The scan must finish, name every hostile
 * file with its reason in every output, keep every real finding, and exit 1 (findings), never 3.
 */
const DEEP = 50_000;
const MANY = 3000;

const temps: string[] = [];
after(() => {
  for (const dir of temps) {
    spawnSync('chmod', ['-R', 'u+rwX', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

function write(root: string, rel: string, data: string | Buffer): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, data);
}

function link(root: string, rel: string, target: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.symlinkSync(target, path.join(root, rel));
}

const TLS_LINE = "export const agent = new https.Agent({ rejectUnauthorized: false })";

/** Real findings as `file:line:rule`; each must survive the hostile files around it. */
const REAL_FINDINGS = [
  'api/src/functions/partnerHook.ts:7:require-webhook-verification',
  'api/src/lib/tls.ts:3:no-disabled-tls',
  'api/src/lib/bomCrlf.ts:4:no-disabled-tls',
  'api/src/lib/bigString.ts:4:no-disabled-tls',
  'api/src/functions/importsDeep.ts:5:no-disabled-tls',
  '.env.defaults:3:no-disabled-tls',
];

/** Hostile files and the reason each must be skipped for. */
const HOSTILE: Record<string, SkipReason> = {
  'api/src/lib/syntaxError.ts': 'syntax-error',
  'api/src/lib/blob.js': 'binary',
  'api/src/lib/lateNul.ts': 'binary',
  'api/src/lib/latin1.ts': 'not-utf8',
  'api/src/lib/huge.ts': 'too-large',
  'api/src/lib/deepBrackets.ts': 'too-deep',
  'api/src/lib/deepChain.ts': 'too-deep',
  'api/src/lib/deepArrows.ts': 'too-deep',
  'api/src/lib/deepTemplates.ts': 'too-deep',
  'api/src/lib/deepTernaries.ts': 'too-deep',
  'api/src/lib/loopA.ts': 'unreadable',
  'api/src/lib/loopB.ts': 'unreadable',
  'api/src/lib/dangling.ts': 'unreadable',
  'api/src/lib/fifo.ts': 'unreadable',
  'api/src/lib/outside.ts': 'symlink-outside-root',
  'api/src/lib/outsideDir': 'symlink-outside-root',
  'api/src/lib/devZero.ts': 'symlink-outside-root',
};

interface Tree {
  root: string;
  outside: string;
}

function hostileTree(): Tree {
  const root = tempDir('fnscan-hostile-');
  const outside = tempDir('fnscan-outside-');
  write(outside, 'outside.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
  write(outside, 'nested/alsoOutside.ts', `import https from 'node:https'\n${TLS_LINE}\n`);

  write(root, 'redwood.toml', '[web]\n  port = 8910\n[api]\n  port = 8911\n');
  write(root, 'package.json', '{ "private": true, "workspaces": ["api"] }\n');
  write(root, '.env.defaults', '\ufeff# committed defaults\r\nLOG_LEVEL=info\r\nNODE_TLS_REJECT_UNAUTHORIZED=0\r\n');
  link(root, 'api/tsconfig.json', '/dev/zero');

  // Real findings.
  write(
    root,
    'api/src/functions/partnerHook.ts',
    [
      "import { verifyEvent } from '@redwoodjs/api/webhooks'",
      "import { db } from 'src/lib/db'",
      '',
      'export const handler = async (event) => {',
      '  const payload = JSON.parse(event.body)',
      '  // The partner never signed anything.',
      "  verifyEvent('skipVerifier', { event })",
      '  await db.order.update({ where: { id: payload.id }, data: { paid: true } })',
      '  return { statusCode: 200 }',
      '}',
      '',
    ].join('\n'),
  );
  write(root, 'api/src/lib/db.ts', "import { PrismaClient } from '@prisma/client'\nexport const db = new PrismaClient()\n");
  write(root, 'api/src/lib/tls.ts', `import https from 'node:https'\n\n${TLS_LINE}\n`);
  write(root, 'api/src/lib/bomCrlf.ts', `\ufeff// Saved on Windows.\r\nimport https from 'node:https'\r\n\r\n${TLS_LINE}\r\n`);
  write(root, 'api/src/lib/bigString.ts', `import https from 'node:https'\nexport const banner = '${'x'.repeat(400_000)}'\n\n${TLS_LINE}\n`);
  write(
    root,
    'api/src/functions/importsDeep.ts',
    "import https from 'node:https'\nimport { chain } from 'src/lib/deepChain'\n\nexport const handler = async () => ({ statusCode: 200, body: String(chain) })\n" +
      `${TLS_LINE}\n`,
  );

  // Hostile files.
  write(root, 'api/src/lib/syntaxError.ts', 'export const = ;\n');
  write(root, 'api/src/lib/blob.js', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 0xff, 0xfe, 0, 0x10]));
  write(root, 'api/src/lib/lateNul.ts', `${'export const a = 1\n'.repeat(2000)}// \u0000\n`);
  write(root, 'api/src/lib/latin1.ts', Buffer.concat([Buffer.from('// caf'), Buffer.from([0xe9]), Buffer.from('\nexport const x = 1\n')]));
  write(root, 'api/src/lib/huge.ts', `export const x = 1\n${'//'.padEnd(99, '-')}\n`.repeat(11_000));
  write(root, 'api/src/lib/deepBrackets.ts', `export const x = ${'('.repeat(DEEP)}1${')'.repeat(DEEP)}\n`);
  write(root, 'api/src/lib/deepChain.ts', `export const chain = ${Array(DEEP).fill('a').join(' + ')}\n`);
  write(root, 'api/src/lib/deepArrows.ts', `export const f = ${'() => '.repeat(DEEP)}1\n`);
  write(root, 'api/src/lib/deepTemplates.ts', `export const t = ${'`${'.repeat(DEEP)}1${'}`'.repeat(DEEP)}\n`);
  write(root, 'api/src/lib/deepTernaries.ts', `export const q = ${'a ? b : '.repeat(DEEP)}c\n`);
  link(root, 'api/src/lib/loopA.ts', 'loopB.ts');
  link(root, 'api/src/lib/loopB.ts', 'loopA.ts');
  link(root, 'api/src/lib/dangling.ts', 'missing.ts');
  link(root, 'api/src/lib/self', '.');
  link(root, 'api/src/lib/outside.ts', path.join(outside, 'outside.ts'));
  link(root, 'api/src/lib/outsideDir', path.join(outside, 'nested'));
  link(root, 'api/src/lib/devZero.ts', '/dev/zero');
  const fifo = spawnSync('mkfifo', [path.join(root, 'api/src/lib/fifo.ts')]);
  assert.equal(fifo.status, 0, 'mkfifo is needed for the FIFO case');
  for (let i = 0; i < MANY; i++) write(root, `api/src/lib/many/m${String(i).padStart(4, '0')}.ts`, `export const v${i} = ${i}\n`);
  return { root, outside };
}

function keys(result: ScanResult, root: string): string[] {
  return result.findings.map((f) => `${rel(root, f.location.file)}:${f.location.startPos.line}:${f.ruleId}`);
}

function rel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

function skippedByFile(result: ScanResult, root: string): Record<string, string> {
  return Object.fromEntries(result.skipped.map((s) => [rel(root, s.file), s.reason]));
}

/** The built CLI, with colour off (the `before` hook below rebuilds a dist/ older than the sources). */
function cli(args: string[], cwd: string, options: { uid?: number; gid?: number; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
    ...options,
  });
}

before(buildIfStale);

describe('a hostile tree around real findings', () => {
  let tree: Tree;
  let result: ScanResult;

  before(() => {
    tree = hostileTree();
    result = scan({ paths: [tree.root], rules: [...rules], config: {}, includeTests: false });
  });

  it('keeps every real finding', () => {
    const found = keys(result, tree.root);
    for (const expected of REAL_FINDINGS) assert.ok(found.includes(expected), `missing ${expected}; found ${found.join(', ')}`);
  });

  it('skips each hostile file for the right reason, and nothing else', () => {
    assert.deepEqual(skippedByFile(result, tree.root), HOSTILE);
  });

  it('reports nothing from hostile files or from outside the tree', () => {
    for (const f of result.findings) {
      const file = rel(tree.root, f.location.file);
      assert.ok(!file.startsWith('..'), `finding outside the scanned root: ${file}`);
      assert.ok(!(file in HOSTILE), `finding in a skipped file: ${file}`);
    }
  });

  it('scans the thousands of files in one folder', () => {
    assert.ok(result.filesScanned >= MANY, `only ${result.filesScanned} files scanned`);
  });

  it('gives BOM and CRLF files the line and column a reader sees', () => {
    const inBom = result.findings.find((f) => f.location.file.endsWith('bomCrlf.ts'));
    assert.deepEqual(inBom?.location.startPos, { line: 4, column: TLS_LINE.indexOf('rejectUnauthorized') + 1 });
    assert.equal(inBom?.location.endPos.line, 4);
    const inEnv = result.findings.find((f) => f.location.file.endsWith('.env.defaults'));
    assert.deepEqual(inEnv?.location.startPos, { line: 3, column: 'NODE_TLS_REJECT_UNAUTHORIZED='.length + 1 });
    assert.deepEqual(inEnv?.location.endPos, { line: 3, column: 'NODE_TLS_REJECT_UNAUTHORIZED=0'.length + 1 });
  });

  it('gives the same result twice', () => {
    const again = scan({ paths: [tree.root], rules: [...rules], config: {}, includeTests: false });
    assert.deepEqual(keys(again, tree.root), keys(result, tree.root));
    assert.deepEqual(again.skipped, result.skipped);
  });

  it('follows a link out of the tree only with followSymlinks, and reports it under the link', () => {
    const followed = scan({ paths: [tree.root], rules: [...rules], config: {}, includeTests: false, followSymlinks: true });
    const found = keys(followed, tree.root);
    assert.ok(found.includes('api/src/lib/outside.ts:2:no-disabled-tls'), found.join(', '));
    assert.ok(found.includes('api/src/lib/outsideDir/alsoOutside.ts:2:no-disabled-tls'), found.join(', '));
    const skipped = skippedByFile(followed, tree.root);
    assert.equal(skipped['api/src/lib/outside.ts'], undefined);
    assert.equal(skipped['api/src/lib/devZero.ts'], undefined, 'a device is never read, linked or not');
    assert.ok(followed.findings.every((f) => f.location.file.startsWith(tree.root + path.sep)));
  });

  describe('through the built CLI', () => {
    const outputs = new Map<string, SpawnSyncReturns<string>>();
    before(() => {
      for (const format of ['stylish', 'json', 'sarif', 'github']) outputs.set(format, cli(['--format', format], tree.root));
    });

    it('exits 1 (findings) in every format, not 3', () => {
      for (const [format, r] of outputs) assert.equal(r.status, 1, `${format}: exit ${r.status}\n${r.stderr}`);
    });

    it('names every skipped file with its reason on stderr', () => {
      for (const [format, r] of outputs) {
        assert.match(r.stderr, new RegExp(`^${Object.keys(HOSTILE).length} files skipped:$`, 'm'), format);
        for (const [file, reason] of Object.entries(HOSTILE)) {
          assert.ok(r.stderr.includes(`  ${file} (${reason}: `), `${format}: ${file} (${reason}) not on stderr`);
        }
      }
    });

    it('lists every skipped file with its reason in the JSON `skipped`, beside the real findings', () => {
      const report = JSON.parse(outputs.get('json')!.stdout) as {
        findings: { file: string; line: number; ruleId: string }[];
        skipped: { file: string; reason: string }[];
      };
      assert.deepEqual(Object.fromEntries(report.skipped.map((s) => [s.file, s.reason])), HOSTILE);
      const found = report.findings.map((f) => `${f.file}:${f.line}:${f.ruleId}`);
      for (const expected of REAL_FINDINGS) assert.ok(found.includes(expected), `JSON lacks ${expected}`);
    });

    it('lists every skipped file in the SARIF tool notifications, with no absolute path of the machine', () => {
      const raw = outputs.get('sarif')!.stdout;
      const log = JSON.parse(raw) as {
        runs: {
          invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } ; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
          results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
        }[];
      };
      const notes = log.runs[0].invocations[0].toolExecutionNotifications;
      for (const [file, reason] of Object.entries(HOSTILE)) {
        const note = notes.find((n) => n.locations[0].physicalLocation.artifactLocation.uri === file);
        assert.ok(note, `no notification for ${file}`);
        assert.ok(note.message.text.includes(`(${reason})`), note.message.text);
      }
      assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
      for (const forbidden of [tree.root, tree.outside, os.tmpdir(), os.homedir()]) {
        assert.ok(!raw.includes(forbidden), `the SARIF contains ${forbidden}`);
      }
      for (const result of log.runs[0].results) {
        const uri = result.locations[0].physicalLocation.artifactLocation.uri;
        assert.ok(!uri.startsWith('/') && !uri.startsWith('..') && !/^[a-z]+:/i.test(uri), uri);
      }
    });

    it('--follow-symlinks reports the linked file under its link, still with relative SARIF URIs', () => {
      const r = cli(['--format', 'sarif', '--follow-symlinks'], tree.root);
      assert.equal(r.status, 1, r.stderr);
      assert.ok(r.stdout.includes('"uri":"api/src/lib/outside.ts"'));
      for (const forbidden of [tree.root, tree.outside, os.homedir()]) assert.ok(!r.stdout.includes(forbidden), forbidden);
    });
  });
});

describe('file size limit', () => {
  it('defaults to 1 MB', () => {
    assert.equal(DEFAULT_LIMITS.maxFileBytes, 1024 * 1024);
  });

  it('is set by --max-file-size, or by `maxFileSize` in the config, the flag winning', async () => {
    const root = tempDir('fnscan-size-');
    write(root, 'small.ts', 'export const a = 1\n');
    write(root, 'medium.ts', `export const b = '${'m'.repeat(3000)}'\n`);
    const skippedWith = async (args: string[]): Promise<string[]> => {
      const io = captureIo(root);
      const code = await run(['--format', 'json', ...args], io);
      assert.equal(code, 0, io.err);
      return (JSON.parse(io.out) as { skipped: { file: string; reason: string }[] }).skipped.map((s) => `${s.file}:${s.reason}`);
    };
    assert.deepEqual(await skippedWith([]), []);
    assert.deepEqual(await skippedWith(['--max-file-size', '2000']), ['medium.ts:too-large']);
    write(root, 'fnscan.config.json', '{ "maxFileSize": 10 }\n');
    assert.deepEqual(await skippedWith([]), ['medium.ts:too-large', 'small.ts:too-large']);
    assert.deepEqual(await skippedWith(['--max-file-size', '5000']), []);
  });
});

describe('nesting', () => {
  /** Shapes whose tree grows with every repetition, each with a finding inside so the rules walk all of it. */
  const SHAPES: Record<string, (n: number) => string> = {
    brackets: (n) => `${'('.repeat(n)}{ rejectUnauthorized: false }${')'.repeat(n)}`,
    chain: (n) => `${Array(n).fill('a').join(' + ')} + ({ rejectUnauthorized: false })`,
    arrows: (n) => `${'(event) => '.repeat(n)}({ rejectUnauthorized: false })`,
    templates: (n) => `${'`${'.repeat(n)}({ rejectUnauthorized: false })${'}`'.repeat(n)}`,
    ternaries: (n) => `${'event.a ? event.b : '.repeat(n)}({ rejectUnauthorized: false })`,
    calls: (n) => `${'f('.repeat(n)}{ rejectUnauthorized: false }${')'.repeat(n)}`,
    properties: (n) => `{ rejectUnauthorized: false, x: process${'.env'.repeat(n)} }`,
    objects: (n) => `${'{ a: '.repeat(n)}{ rejectUnauthorized: false }${' }'.repeat(n)}`,
  };

  const depthOf = (text: string): number => {
    const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true);
    let max = 0;
    const stack: [ts.Node, number][] = [[sf, 1]];
    while (stack.length > 0) {
      const [node, depth] = stack.pop()!;
      max = Math.max(max, depth);
      ts.forEachChild(node, (child) => {
        stack.push([child, depth + 1]);
      });
    }
    return max;
  };
  const source = (shape: (n: number) => string, n: number): string => `export const x = ${shape(n)}\n`;

  /** The largest repetition count whose tree stays `margin` levels under the limit. */
  const justUnder = (shape: (n: number) => string, margin: number): number => {
    const perUnit = (depthOf(source(shape, 40)) - depthOf(source(shape, 20))) / 20;
    const base = depthOf(source(shape, 0));
    return Math.floor((DEFAULT_LIMITS.maxNesting - margin - base) / perUnit);
  };

  it('scans every shape just under the limit, finding is kept, the same way twice', () => {
    const root = tempDir('fnscan-nesting-');
    for (const [name, shape] of Object.entries(SHAPES)) {
      const n = justUnder(shape, 5);
      assert.ok(depthOf(source(shape, n)) <= DEFAULT_LIMITS.maxNesting, name);
      write(root, `${name}.ts`, source(shape, n));
    }
    for (let round = 0; round < 2; round++) {
      const result = scan({ paths: [root], rules: [...rules], config: {}, includeTests: false });
      assert.deepEqual(result.skipped, []);
      assert.deepEqual(result.findings.map((f) => path.basename(f.location.file)).sort(), Object.keys(SHAPES).map((s) => `${s}.ts`).sort());
    }
  });

  it(`skips every shape ${DEEP} deep as too deep, the same way whichever part gave up`, () => {
    const root = tempDir('fnscan-nesting-');
    for (const [name, shape] of Object.entries(SHAPES)) write(root, `${name}.ts`, source(shape, DEEP));
    const result = scan({ paths: [root], rules: [...rules], config: {}, includeTests: false });
    assert.deepEqual(result.findings, []);
    for (const s of result.skipped) assert.deepEqual([s.reason, s.detail], ['too-deep', `nests more than ${DEFAULT_LIMITS.maxNesting} levels deep`]);
    assert.equal(result.skipped.length, Object.keys(SHAPES).length);
  });

  it('does not count brackets in comments and strings', () => {
    const root = tempDir('fnscan-nesting-');
    write(root, 'tls.ts', `// ${'('.repeat(5000)}\nconst s = '${'['.repeat(5000)}'\nexport const o = { rejectUnauthorized: false }\n`);
    const result = scan({ paths: [root], rules: [...rules], config: {}, includeTests: false });
    assert.deepEqual(result.skipped, []);
    assert.equal(result.findings.length, 1);
  });
});

describe('unreadable files', () => {
  const NOBODY = 65534;

  it('are skipped as unreadable, and the rest is scanned', (t) => {
    const root = tempDir('fnscan-locked-');
    write(root, 'tls.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
    write(root, 'locked.ts', 'export const a = 1\n');
    fs.chmodSync(path.join(root, 'locked.ts'), 0o000);
    let as: { uid?: number; gid?: number } = {};
    if (process.getuid?.() === 0) {
      // Root reads a mode-000 file anyway; run the CLI as `nobody`, for whom the mode holds.
      fs.chmodSync(root, 0o755);
      fs.chmodSync(path.join(root, 'tls.ts'), 0o644);
      const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path.join(REPO, 'dist', 'cli', 'main.js'))})`], {
        uid: NOBODY,
        gid: NOBODY,
      });
      if (probe.error || probe.status !== 0) {
        t.skip('running as root, and the CLI cannot run as `nobody` here: chmod 000 cannot make a file unreadable for root');
        return;
      }
      as = { uid: NOBODY, gid: NOBODY };
    }
    const r = cli(['--format', 'json'], root, as);
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { findings: { file: string }[]; skipped: { file: string; reason: string; detail: string }[] };
    assert.deepEqual(report.skipped, [{ file: 'locked.ts', reason: 'unreadable', detail: 'EACCES' }]);
    assert.deepEqual(report.findings.map((f) => f.file), ['tls.ts']);
    assert.match(r.stderr, /^ {2}locked\.ts \(unreadable: EACCES\)$/m);
  });
});

describe('hostile config files', () => {
  it('does not follow a config link out of the scanned folder, nor echo what it points at', async () => {
    const outside = tempDir('fnscan-outside-');
    write(outside, 'private.json', 'hunter2-not-json\n');
    const root = tempDir('fnscan-config-');
    write(root, 'a.ts', 'export const a = 1\n');
    link(root, 'fnscan.config.json', path.join(outside, 'private.json'));
    const io = captureIo(root);
    assert.equal(await run([], io), 2);
    assert.match(io.err, /links outside the scanned folder/);
    assert.ok(!io.err.includes('hunter2'));
  });

  it('never quotes the text of a config that is not JSON', async () => {
    const root = tempDir('fnscan-config-');
    write(root, 'a.ts', 'export const a = 1\n');
    write(root, 'fnscan.config.json', 'sk_live_NOT_JSON_AT_ALL\n');
    const io = captureIo(root);
    assert.equal(await run([], io), 2);
    assert.match(io.err, /is not valid JSON/);
    assert.ok(!io.err.includes('sk_live'), io.err);
  });

  it('refuses a config that is a device, without reading it', async () => {
    const root = tempDir('fnscan-config-');
    write(root, 'a.ts', 'export const a = 1\n');
    link(root, 'cfg.json', '/dev/zero');
    const io = captureIo(root);
    assert.equal(await run(['--config', 'cfg.json'], io), 2);
    assert.match(io.err, /cannot be read \(is not a regular file\)/);
  });

  it('ignores a tsconfig whose `paths` and `baseUrl` have the wrong types', async () => {
    const root = tempDir('fnscan-config-');
    write(root, 'redwood.toml', '[web]\n');
    write(root, 'api/tsconfig.json', '{ "compilerOptions": { "baseUrl": 5, "paths": { "x/*": ["y/*"] } } }');
    write(root, 'api/src/lib/tls.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
    const io = captureIo(root);
    assert.equal(await run(['--format', 'json'], io), 1, io.err);
  });
});

describe('file names written to inject GitHub Actions workflow commands', () => {
  /** The runner takes a line as a command when, after leading spaces, it starts with `::`, or when it holds `##[` anywhere. */
  const commandLines = (text: string): string[] =>
    text.split(/\r?\n/).filter((line) => line.trimStart().startsWith('::') || line.includes('##['));

  it(
    'never reach the start of an output line as a command',
    async () => {
      const root = tempDir('fnscan-names-');
      write(root, '::stop-commands::fnscan.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
      write(root, '##[error]forged.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
      write(root, '::warning::broken.ts', 'export const = ;\n');
      const forged: string[] = [];
      for (const format of ['stylish', 'json', 'github']) {
        const io = captureIo(root);
        assert.equal(await run(['--format', format], io), 1, io.err);
        const lines = [...commandLines(io.out), ...commandLines(io.err)];
        // fnscan's own annotations in the github format are the commands it means to send.
        forged.push(...lines.filter((line) => !(format === 'github' && /^::error file=/.test(line))).map((line) => `${format}: ${line}`));
      }
      assert.deepEqual(forged, []);
    },
  );
});

describe('platform config files', () => {
  it(
    'linked to a device do not hang the scan',
    () => {
      const root = tempDir('fnscan-platform-');
      write(root, 'api/hello.ts', 'export const handler = async () => ({ statusCode: 200 })\n');
      for (const name of ['netlify.toml', 'serverless.yml', 'template.yaml']) link(root, name, '/dev/zero');
      const r = cli(['--format', 'json'], root, { timeout: 5000 });
      assert.equal(r.signal, null, 'the scan was still running after 5 s');
    },
  );
});

describe('a scan cache in the checkout', () => {
  it('linked to a device or made a FIFO does not hang a --cache scan, and is not used', () => {
    for (const [kind, name] of [['device', 'scan-cache.json'], ['fifo', 'scan-cache.json'], ['device', 'scan-result.json'], ['fifo', 'scan-result.json']] as const) {
      const root = tempDir('fnscan-cachefile-');
      write(root, 'api/hello.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
      const file = path.join(root, 'node_modules/.cache/fnscan', name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (kind === 'device') fs.symlinkSync('/dev/zero', file);
      else assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo is needed for the FIFO case');
      const r = cli(['--cache', '--format', 'json'], root, { timeout: 10_000 });
      assert.equal(r.signal, null, `${name} as a ${kind}: the scan was still running after 10 s`);
      assert.equal(r.status, 1, `${name} as a ${kind}: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> };
      assert.deepEqual(report.findings.map((f) => f.ruleId), ['no-disabled-tls'], `${name} as a ${kind}`);
    }
  });
});

describe('a cache journal in the checkout', () => {
  it('linked to a device or made a FIFO does not hang a --cache scan, and is not used', () => {
    for (const kind of ['device', 'fifo'] as const) {
      const root = tempDir('fnscan-journal-');
      write(root, 'api/hello.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
      const first = cli(['--cache', '--format', 'json'], root, { timeout: 10_000 });
      assert.equal(first.status, 1, first.stderr);
      // The journal is read whenever the cache file it goes with is valid: after the first scan.
      const file = path.join(root, 'node_modules/.cache/fnscan/scan-cache.journal');
      if (kind === 'device') fs.symlinkSync('/dev/zero', file);
      else assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo is needed for the FIFO case');
      write(root, 'api/hello.ts', `import https from 'node:https'\n${TLS_LINE}\n// edited\n`);
      const r = cli(['--cache', '--format', 'json'], root, { timeout: 10_000 });
      assert.equal(r.signal, null, `scan-cache.journal as a ${kind}: the scan was still running after 10 s`);
      assert.equal(r.status, 1, `scan-cache.journal as a ${kind}: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> };
      assert.deepEqual(report.findings.map((f) => f.ruleId), ['no-disabled-tls'], `scan-cache.journal as a ${kind}`);
      assert.equal(fs.lstatSync(file).isFile(), true, 'replaced by a journal of its own');
    }
  });
});

describe('a kept output in the cache folder', () => {
  it('linked to a device or made a FIFO does not hang a --cache scan, and is not used', () => {
    const roots = (['device', 'fifo'] as const).map((kind) => {
      const root = tempDir('fnscan-keptoutput-');
      write(root, 'api/hello.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
      return { kind, root };
    });
    // A file gets a stat signature (which the unchanged-tree record needs) once it is 2 seconds old.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_100);
    for (const { kind, root } of roots) {
      const first = cli(['--cache', '--format', 'json'], root, { timeout: 10_000 });
      assert.equal(first.status, 1, first.stderr);
      const file = path.join(root, 'node_modules/.cache/fnscan/scan-output');
      assert.ok(fs.existsSync(file), 'the first scan kept its output');
      fs.rmSync(file);
      if (kind === 'device') fs.symlinkSync('/dev/zero', file);
      else assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo is needed for the FIFO case');
      const r = cli(['--cache', '--format', 'json'], root, { timeout: 10_000 });
      assert.equal(r.signal, null, `scan-output as a ${kind}: the scan was still running after 10 s`);
      assert.deepEqual({ status: r.status, stdout: r.stdout }, { status: first.status, stdout: first.stdout }, `scan-output as a ${kind}`);
    }
  });
});

describe("the record's table of files in the cache folder", () => {
  it('linked to a device or made a FIFO does not hang a --cache scan after an edit, and is not used', () => {
    const roots = (['device', 'fifo'] as const).map((kind) => {
      const root = tempDir('fnscan-units-');
      write(root, 'api/hello.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
      write(root, 'api/other.ts', 'export const other = 1\n');
      return { kind, root };
    });
    // The record is written once every file is 2 seconds old (it vouches for them by their stat).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_100);
    for (const { kind, root } of roots) {
      assert.equal(cli(['--cache', '--format', 'json'], root, { timeout: 10_000 }).status, 1);
      const file = path.join(root, 'node_modules/.cache/fnscan/scan-units.json');
      assert.ok(fs.existsSync(file), 'the first scan wrote the table');
      fs.rmSync(file);
      if (kind === 'device') fs.symlinkSync('/dev/zero', file);
      else assert.equal(spawnSync('mkfifo', [file]).status, 0, 'mkfifo is needed for the FIFO case');
      // The table is read when the record no longer vouches for every file.
      write(root, 'api/other.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
      const r = cli(['--cache', '--format', 'json'], root, { timeout: 10_000 });
      assert.equal(r.signal, null, `scan-units.json as a ${kind}: the scan was still running after 10 s`);
      assert.equal(r.status, 1, `scan-units.json as a ${kind}: ${r.stderr}`);
      const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string }> };
      assert.deepEqual(report.findings.map((f) => f.ruleId), ['no-disabled-tls', 'no-disabled-tls'], `scan-units.json as a ${kind}`);
    }
  });
});

describe('exit code 3', () => {
  /** A rule with a bug: it throws on one file. */
  const buggy: Rule = {
    meta: { ...rules[0].meta, id: 'buggy-rule' },
    checkSource(ctx) {
      if (ctx.file.path.endsWith('trigger.ts')) throw new TypeError("Cannot read properties of undefined (reading 'x')");
    },
  };

  it('is kept for a bug in fnscan, and names the file it was on; hostile input alone gives 1', async () => {
    const root = tempDir('fnscan-bug-');
    write(root, 'fine.ts', `import https from 'node:https'\n${TLS_LINE}\n`);
    write(root, 'deep.ts', `export const x = ${'('.repeat(DEEP)}1${')'.repeat(DEEP)}\n`);
    const clean = captureIo(root);
    assert.equal(await run(['--format', 'json'], clean, { rules: [...rules, buggy] }), 1, clean.err);
    write(root, 'sub/trigger.ts', 'export const a = 1\n');
    const io = captureIo(root);
    assert.equal(await run(['--format', 'json'], io, { rules: [...rules, buggy] }), 3);
    assert.match(io.err, /^fnscan hit an internal error on sub\/trigger\.ts: rule buggy-rule failed: /m);
    // The rest of the scan is still reported: fine.ts's finding and the deep file's skip.
    const report = JSON.parse(io.out) as { findings: Array<{ file: string }>; skipped: Array<{ file: string; reason: string }> };
    assert.ok(report.findings.some((f) => f.file === 'fine.ts'));
    assert.deepEqual(report.skipped.map((s) => `${s.file} ${s.reason}`).sort(), ['deep.ts too-deep', 'sub/trigger.ts internal-error']);
  });
});
