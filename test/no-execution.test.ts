import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { scan } from '../src/core/engine';
import { SingleFileScanner } from '../src/core/single-file';
import { rules } from '../src/rules';
import { BIN, buildIfStale } from './support/cli';
import { tempDir } from './support/project';

/**
 * A tree whose every executable corner is booby-trapped: JS and ESM config files, package.json
 * scripts, a tsconfig that extends a JS file and names a plugin, a library module with top-level
 * side effects (imported by an endpoint, so the analysis reads it), a fake `@redwoodjs/api` in
 * node_modules, a serverless.yml that would run a file. Each trap writes its own marker file
 * outside the tree. fnscan is run on it every way it can be run; no marker may appear.
 *
 * The spawned CLI also runs with a preload that logs any module compiled from the tree, any
 * child process, DNS lookup, socket connection or fetch, and with code generation from strings
 * disallowed, so an `eval` anywhere in fnscan or its dependencies would fail the run.
 */
function write(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** CommonJS that leaves a marker named after its trap. */
const cjsTrap = (markers: string, name: string): string =>
  `require('fs').writeFileSync(${JSON.stringify(path.join(markers, name))}, 'executed')\nmodule.exports = {}\n`;
const esmTrap = (markers: string, name: string): string =>
  `import fs from 'node:fs'\nfs.writeFileSync(${JSON.stringify(path.join(markers, name))}, 'executed')\nexport default {}\n`;
const shellTrap = (markers: string, name: string): string =>
  `node -e "require('fs').writeFileSync('${path.join(markers, name)}', 'executed')"`;

function trappedTree(markers: string): string {
  const root = tempDir('fnscan-traps-');
  write(root, 'redwood.toml', '[web]\n  port = 8910\n[api]\n  port = 8911\n');
  const scripts = Object.fromEntries(
    ['preinstall', 'install', 'postinstall', 'prepare', 'pretest', 'test', 'start', 'fnscan', 'lint'].map((s) => [
      s,
      shellTrap(markers, `script-${s}`),
    ]),
  );
  // A `fnscan` key makes fnscan read this file as its configuration.
  write(root, 'package.json', JSON.stringify({ private: true, main: 'index.js', scripts, fnscan: { rules: {} } }, null, 2));
  write(root, 'index.js', cjsTrap(markers, 'package-main'));
  for (const name of ['fnscan.config.js', 'fnscan.config.cjs', 'eslint.config.js', '.eslintrc.js', 'babel.config.js', 'jest.config.js', 'prettier.config.js', 'next.config.js']) {
    write(root, name, cjsTrap(markers, name));
  }
  for (const name of ['fnscan.config.mjs', 'eslint.config.mjs', 'next.config.mjs']) write(root, name, esmTrap(markers, name));
  write(root, 'fnscan.config.ts', esmTrap(markers, 'fnscan.config.ts'));
  write(root, 'web/vite.config.ts', esmTrap(markers, 'vite.config.ts'));
  write(root, 'evil.js', cjsTrap(markers, 'evil.js'));
  // The Serverless Framework's TypeScript config: its functions are read from the syntax tree, never run.
  write(root, 'serverless.ts', esmTrap(markers, 'serverless.ts'));
  write(root, 'serverless.yml', 'service: shop\ncustom:\n  value: ${file(./evil.js):value}\nfunctions:\n  hello:\n    handler: api/src/functions/hook.handler\n');
  write(root, 'netlify.toml', `[build]\n  command = "${shellTrap(markers, 'netlify-command').replace(/"/g, '\\"')}"\n`);
  write(root, '.env.defaults', `GREETING=$(${shellTrap(markers, 'env-substitution')})\n`);

  write(
    root,
    'api/tsconfig.json',
    JSON.stringify({
      extends: './tsconfig.evil.js',
      compilerOptions: { baseUrl: './', paths: { 'src/*': ['./src/*'] }, plugins: [{ name: 'evil-plugin' }] },
    }),
  );
  write(root, 'api/tsconfig.evil.js', cjsTrap(markers, 'tsconfig-extends'));
  write(root, 'api/jsconfig.json', JSON.stringify({ extends: 'evil-plugin' }));
  write(root, 'node_modules/evil-plugin/package.json', '{ "name": "evil-plugin", "main": "index.js" }');
  write(root, 'node_modules/evil-plugin/index.js', cjsTrap(markers, 'evil-plugin'));
  write(root, 'node_modules/@redwoodjs/api/package.json', '{ "name": "@redwoodjs/api", "main": "index.js" }');
  write(root, 'node_modules/@redwoodjs/api/index.js', cjsTrap(markers, 'fake-redwood-api'));
  write(root, 'node_modules/@redwoodjs/api/webhooks/index.js', cjsTrap(markers, 'fake-redwood-webhooks'));

  write(
    root,
    'api/src/lib/sideEffect.ts',
    [
      "import https from 'node:https'",
      `require('fs').writeFileSync(${JSON.stringify(path.join(markers, 'lib-side-effect'))}, 'executed')`,
      "export const agent = new https.Agent({ rejectUnauthorized: false })",
      '',
    ].join('\n'),
  );
  write(root, 'api/src/lib/sideEffect.test.ts', esmTrap(markers, 'test-file'));
  write(
    root,
    'api/src/functions/hook.ts',
    [
      "import { verifyEvent } from '@redwoodjs/api/webhooks'",
      "import { agent } from 'src/lib/sideEffect'",
      "import plugin from 'evil-plugin'",
      '',
      'export const handler = async (event) => {',
      "  verifyEvent('skipVerifier', { event })",
      '  return { statusCode: 200, body: String(agent) + String(plugin) }',
      '}',
      '',
    ].join('\n'),
  );
  return root;
}

const PRELOAD = `'use strict';
const fs = require('fs');
const Module = require('module');
const log = (what) => fs.appendFileSync(process.env.FNSCAN_TRAP_LOG, what + '\\n');
const tree = process.env.FNSCAN_TRAP_TREE;
const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (filename.startsWith(tree)) log('compiled ' + filename);
  return compile.call(this, content, filename);
};
const wrap = (object, names, label) => {
  for (const name of names) {
    const original = object[name];
    if (typeof original !== 'function') continue;
    object[name] = function (...args) {
      log(label + '.' + name);
      return original.apply(this, args);
    };
  }
};
wrap(require('child_process'), ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'], 'child_process');
wrap(require('dns'), ['lookup', 'resolve', 'resolve4', 'resolve6'], 'dns');
wrap(require('net').Socket.prototype, ['connect'], 'net.Socket');
wrap(process, ['dlopen'], 'process');
if (typeof globalThis.fetch === 'function') wrap(globalThis, ['fetch'], 'globalThis');
`;

interface Harness {
  markers: string;
  tree: string;
  log: string;
  preload: string;
}

function harness(): Harness {
  const markers = tempDir('fnscan-markers-');
  const tools = tempDir('fnscan-preload-');
  const preload = path.join(tools, 'preload.cjs');
  fs.writeFileSync(preload, PRELOAD);
  return { markers, tree: trappedTree(markers), log: path.join(tools, 'trap.log'), preload };
}

function spawnTrapped(h: Harness, args: string[], cwd = h.tree): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '--require', h.preload, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FNSCAN_TRAP_LOG: h.log, FNSCAN_TRAP_TREE: h.tree },
    timeout: 120_000,
  });
}

function markersLeft(h: Harness): string[] {
  return fs.readdirSync(h.markers).sort();
}

function trapLog(h: Harness): string[] {
  return fs.existsSync(h.log) ? fs.readFileSync(h.log, 'utf8').split('\n').filter(Boolean) : [];
}

before(buildIfStale);

describe('fnscan never runs what it scans', () => {
  let h: Harness;
  before(() => {
    h = harness();
  });

  it('the traps and the preload work: running the tree leaves a marker and a log line', () => {
    const control = spawnTrapped(h, ['-e', `require(${JSON.stringify(path.join(h.tree, 'evil.js'))})`]);
    assert.equal(control.status, 0, control.stderr);
    assert.deepEqual(markersLeft(h), ['evil.js']);
    assert.deepEqual(trapLog(h), [`compiled ${path.join(h.tree, 'evil.js')}`]);
    const evalControl = spawnTrapped(h, ['-e', 'eval("1")']);
    assert.notEqual(evalControl.status, 0, 'code generation from strings is refused');
    fs.rmSync(path.join(h.markers, 'evil.js'));
    fs.rmSync(h.log);
  });

  for (const format of ['stylish', 'json', 'sarif', 'github']) {
    it(`the CLI (${format}) reads the trapped files but runs none of them`, () => {
      const r = spawnTrapped(h, [BIN, '--format', format, '--include-tests']);
      assert.equal(r.status, 1, r.stderr);
      assert.ok(r.stdout.includes('sideEffect.ts'), 'the side-effect module was scanned (its finding is reported)');
      assert.ok(r.stdout.includes('hook.ts'), 'the endpoint was scanned');
      assert.deepEqual(markersLeft(h), []);
      assert.deepEqual(trapLog(h), []);
    });
  }

  it('the CLI with --follow-symlinks, --baseline and --write-baseline runs none of them either', () => {
    const out = tempDir('fnscan-out-');
    const baseline = path.join(out, 'baseline.json');
    assert.equal(spawnTrapped(h, [BIN, '--write-baseline', baseline]).status, 0);
    assert.equal(spawnTrapped(h, [BIN, '--follow-symlinks', '--baseline', baseline, '--format', 'sarif']).status, 0);
    assert.deepEqual(markersLeft(h), []);
    assert.deepEqual(trapLog(h), []);
  });

  it('refuses a JS or TS config file named on the command line, without loading it', () => {
    for (const config of ['fnscan.config.js', 'fnscan.config.mjs', 'fnscan.config.cjs', 'fnscan.config.ts']) {
      const r = spawnTrapped(h, [BIN, '--config', config]);
      assert.equal(r.status, 2, `${config}: ${r.stderr}`);
      assert.match(r.stderr, /must be JSON \(fnscan never runs JS config\)/);
    }
    assert.deepEqual(markersLeft(h), []);
    assert.deepEqual(trapLog(h), []);
  });

  it('the engine, with and without test files, and the single-file engine run none of them', () => {
    for (const includeTests of [false, true]) {
      const result = scan({ paths: [h.tree], rules: [...rules], config: {}, includeTests });
      assert.ok(result.findings.some((f) => f.location.file.endsWith('sideEffect.ts')));
    }
    const hook = path.join(h.tree, 'api', 'src', 'functions', 'hook.ts');
    const findings = new SingleFileScanner(rules).scan({ file: hook, text: fs.readFileSync(hook, 'utf8'), cwd: h.tree });
    assert.ok(findings.length > 0, 'the single-file engine analysed the endpoint');
    assert.deepEqual(markersLeft(h), []);
  });
});
