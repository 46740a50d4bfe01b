import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';
import { ESLint as ESLint9 } from 'eslint9';
import { createPlugin } from '../src/eslint/create-plugin';
import { scan } from '../src/core/engine';
import { projectConfig } from '../src/core/project';
import { isSourcePath } from '../src/core/files';
import { rules } from '../src/rules';
import { FIXTURES, fixtureApps } from './support/fixtures';
import { tempDir, writeFiles } from './support/project';

/** `file:line:rule` with the file relative to the app, so both hosts can be compared. */
function key(app: string, file: string, line: number, ruleId: string): string {
  return `${path.relative(app, file).split(path.sep).join('/')}:${line}:${ruleId}`;
}

/** What `fnscan <app>` reports: the app's config, and each project's own for its files. */
function cliKeys(app: string): string[] {
  const config = projectConfig(app, rules.map((r) => r.meta.id))?.config ?? {};
  const result = scan({ paths: [app], rules: [...rules], config, includeTests: false, projectConfigs: true });
  return result.findings
    .filter((f) => !f.suppression && isSourcePath(f.location.file))
    .map((f) => key(app, f.location.file, f.location.startPos.line, f.ruleId))
    .sort();
}

/** ESLint 10 (the dev dependency) and ESLint 9 (installed as `eslint9`): the plugin supports both. */
const HOSTS = [
  { name: `ESLint ${ESLint.version}`, ESLint },
  { name: `ESLint ${ESLint9.version}`, ESLint: ESLint9 as unknown as typeof ESLint },
];

async function eslintKeys(app: string, Host: typeof ESLint): Promise<string[]> {
  // A fresh plugin per app: nothing carried over from another app or test.
  const plugin = createPlugin();
  const eslint = new Host({ cwd: app, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
  const results = await eslint.lintFiles(['.']);
  const keys: string[] = [];
  for (const result of results) {
    for (const message of result.messages) {
      const ruleId = message.ruleId ?? '';
      assert.ok(ruleId.startsWith('fnscan/'), `${result.filePath}:${message.line}: ${message.message}`);
      keys.push(key(app, result.filePath, message.line, ruleId.slice('fnscan/'.length)));
    }
  }
  return keys.sort();
}

let compared = 0;

for (const host of HOSTS) for (const name of fixtureApps()) {
  test(`fixture ${name}: ${host.name} reports exactly what the CLI reports in JS/TS files`, async () => {
    const app = path.join(FIXTURES, name);
    const cli = cliKeys(app);
    const eslint = await eslintKeys(app, host.ESLint);
    const onlyCli = cli.filter((k) => !eslint.includes(k));
    const onlyEslint = eslint.filter((k) => !cli.includes(k));
    assert.deepEqual({ onlyCli, onlyEslint }, { onlyCli: [], onlyEslint: [] });
    compared += cli.length;
  });
}

test('a tree of several apps, each with its own config or its workspace root\'s: both hosts judge every file by the same one', async () => {
  const root = tempDir('fnscan-parity-configs-');
  const purge = "import { db } from 'src/lib/db'\nexport const handler = async () => {\n  await db.user.deleteMany()\n  return { statusCode: 200 }\n}\n";
  const tls = "import https from 'node:https'\nexport const agent = new https.Agent({ rejectUnauthorized: false })\n";
  const app = (dir: string): Record<string, string> => ({
    [`${dir}/redwood.toml`]: '[api]\n',
    [`${dir}/api/src/functions/purge.ts`]: purge,
    [`${dir}/api/src/lib/agent.ts`]: tls,
    [`${dir}/api/src/generated/agent.ts`]: tls,
  });
  writeFiles(root, {
    'package.json': JSON.stringify({ private: true, workspaces: ['apps/*'] }),
    'fnscan.config.json': JSON.stringify({ rules: { 'no-disabled-tls': 'off' } }),
    ...app('apps/inherits'),
    ...app('apps/own'),
    'apps/own/fnscan.config.json': JSON.stringify({ publicFunctions: ['purge'], ignore: ['api/src/generated/**'] }),
  });
  const cli = cliKeys(root);
  assert.deepEqual(cli, [
    'apps/inherits/api/src/functions/purge.ts:2:no-unauthenticated-handler',
    'apps/own/api/src/lib/agent.ts:2:no-disabled-tls',
  ]);
  for (const host of HOSTS) assert.deepEqual(await eslintKeys(root, host.ESLint), cli, host.name);
});

// Some fixtures hold only traps (both sides empty); together they must hold findings to compare.
test('the fixtures gave findings to compare', () => {
  assert.ok(compared > 0);
});
