import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO } from './support/cli';
import { tempDir, writeFiles } from './support/project';

/**
 * The plugin as a user installs it: a fresh project that depends on fnscan (a symlink in
 * node_modules, as `npm install <path>` makes, with no network), `eslint.config.mjs` of two
 * lines, and `npx eslint .`. The package is built from the current sources into a temporary
 * folder first, so the test never passes on a stale dist/.
 */

/** A package folder like the published one: package.json and dist/, with this repo's dependencies. */
function buildPackage(): string {
  const pkg = tempDir('fnscan-pkg-');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(REPO, 'tsconfig.json'), '--outDir', path.join(pkg, 'dist'), '--declaration', 'false'], {
    encoding: 'utf8',
  });
  // Type errors still emit JavaScript; only a missing plugin means the package cannot be used.
  assert.ok(fs.existsSync(path.join(pkg, 'dist', 'eslint', 'plugin.js')), `the build emitted no plugin:\n${tsc.stdout}${tsc.stderr}`);
  fs.copyFileSync(path.join(REPO, 'package.json'), path.join(pkg, 'package.json'));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  return pkg;
}

function userProject(pkg: string): string {
  const dir = tempDir('fnscan-npx-');
  writeFiles(dir, {
    'package.json': JSON.stringify({ name: 'shop', private: true, devDependencies: { fnscan: `file:${pkg}` } }, null, 2),
    'eslint.config.mjs': "import fnscan from 'fnscan/eslint-plugin';\nexport default [fnscan.configs.recommended];\n",
    'redwood.toml': '[web]\n  port = 8910\n[api]\n  port = 8911\n',
    'api/jsconfig.json': '{ "compilerOptions": { "baseUrl": "./", "paths": { "src/*": ["./src/*"] } } }\n',
    'api/src/lib/db.js': "import { PrismaClient } from '@prisma/client'\n\nexport const db = new PrismaClient()\n",
    'api/src/lib/webhooks.js': [
      "import { verifyEvent } from '@redwoodjs/api/webhooks'",
      '',
      'export const withWebhookVerification = (fn) => async (event, context) => {',
      "  verifyEvent('timestampSchemeVerifier', { event, secret: process.env.WEBHOOK_SECRET })",
      '  return fn(event, context)',
      '}',
      '',
    ].join('\n'),
    'api/src/functions/orderPaid.js': [
      "import { db } from 'src/lib/db'",
      "import { withWebhookVerification } from 'src/lib/webhooks'",
      '',
      'export const handler = withWebhookVerification(async (event) => {',
      '  const { id } = JSON.parse(event.body)',
      '  await db.order.update({ where: { id }, data: { paid: true } })',
      '  return { statusCode: 200 }',
      '})',
      '',
    ].join('\n'),
    'api/src/lib/mailer.js': "export const smtpTls = { rejectUnauthorized: false }\n",
  });
  // What `npm install` of a local path leaves behind: a link to the package, and ESLint's bin.
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(pkg, path.join(dir, 'node_modules', 'fnscan'), 'dir');
  fs.symlinkSync(path.join(REPO, 'node_modules', 'eslint'), path.join(dir, 'node_modules', 'eslint'), 'dir');
  fs.symlinkSync(path.join('..', 'eslint', 'bin', 'eslint.js'), path.join(dir, 'node_modules', '.bin', 'eslint'));
  return dir;
}

test('`npx eslint .` with the two-line config reports fnscan findings and exits 1', () => {
  const dir = userProject(buildPackage());
  const run = spawnSync('npx', ['--no', 'eslint', '.', '--format', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', npm_config_offline: 'true' },
  });
  assert.equal(run.status, 1, run.stderr);
  const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number; column: number }> }>;
  const found = results.flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`));
  // The wrapped handler in orderPaid.js is clean: the helper in src/lib was read from disk.
  assert.deepEqual(found, ['api/src/lib/mailer.js:1:26 fnscan/no-disabled-tls']);

  const stylish = spawnSync('npx', ['--no', 'eslint', '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(stylish.status, 1);
  assert.match(stylish.stdout, /1:26 {2}error {2}`rejectUnauthorized: false` turns off certificate verification.* {2}fnscan\/no-disabled-tls/);
});
