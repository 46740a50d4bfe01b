import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ESLint, Linter } from 'eslint';
import plugin from '../src/eslint/plugin';
import { createPlugin } from '../src/eslint/create-plugin';
import { declaresSuggestions } from '../src/eslint/rule-adapter';
import { defineRule, type Rule, type RuleMeta, type SourceContext } from '../src/core/rule';
import { rules } from '../src/rules';
import { scan } from '../src/core/engine';
import { RECHECK_MS } from '../src/core/single-file';
import { tempDir, writeFiles } from './support/project';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { name: string; version: string };
const tsParser = require('@typescript-eslint/parser') as Linter.Parser;

function meta(id: string, extra: Partial<RuleMeta> = {}): RuleMeta {
  return {
    id,
    title: id,
    description: `Test rule ${id}.`,
    precision: 'high',
    defaultLevel: 'error',
    tags: [],
    messages: { found: '`{{name}}` was found.' },
    ...extra,
  };
}

/** A test rule: reports every identifier named `name`, with an optional suggestion to rename it. */
function identifierRule(id: string, name: string, calls: { count: number; sfs: ts.SourceFile[] } = { count: 0, sfs: [] }): Rule {
  return defineRule({
    meta: meta(id, { hasSuggestions: true }),
    checkSource(ctx: SourceContext) {
      calls.count++;
      calls.sfs.push(ctx.file.sf);
      const visit = (node: ts.Node): void => {
        if (ts.isIdentifier(node) && node.text === name) {
          ctx.report({
            messageId: 'found',
            data: { name },
            at: node,
            suggestions: [{ description: 'Rename it', span: { start: node.getStart(ctx.file.sf), end: node.getEnd() }, text: 'renamed' }],
          });
        }
        ts.forEachChild(node, visit);
      };
      visit(ctx.file.sf);
    },
  });
}

/** Disk changes are seen by lints that start `RECHECK_MS` after them. */
function afterRecheck(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, RECHECK_MS + 20));
}

function eslintFor(cwd: string, p = plugin): ESLint {
  return new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [p.configs.recommended] });
}

test('the plugin names itself after package.json and has one rule per fnscan rule', () => {
  assert.deepEqual(plugin.meta, { name: pkg.name, version: pkg.version });
  assert.deepEqual(Object.keys(plugin.rules).sort(), rules.map((r) => r.meta.id).sort());
});

test('each ESLint rule carries the fnscan metadata: problem, docs url, description, messages, no options, no autofix', () => {
  for (const rule of rules) {
    const eslintMeta = plugin.rules[rule.meta.id].meta!;
    assert.equal(eslintMeta.type, 'problem');
    assert.equal(eslintMeta.docs?.url, `https://github.com/fnscan/fnscan/blob/main/rules/${rule.meta.id}.md`);
    assert.equal(eslintMeta.docs?.description, rule.meta.description);
    assert.deepEqual(eslintMeta.messages, rule.meta.messages);
    assert.deepEqual(eslintMeta.schema, []);
    assert.equal(eslintMeta.fixable, undefined);
    assert.equal(eslintMeta.hasSuggestions === true, declaresSuggestions(rule.meta));
    for (const [messageId, template] of Object.entries(rule.meta.messages)) {
      assert.match(template, /[.?!]$/, `${rule.meta.id}.${messageId} is a complete sentence`);
    }
  }
});

test('the rules that suggest a fix declare it, as ESLint requires', () => {
  for (const id of ['no-hardcoded-secret', 'no-disabled-tls', 'require-webhook-verification']) {
    const rule = rules.find((r) => r.meta.id === id);
    assert.ok(rule, `rule ${id} exists`);
    assert.ok(declaresSuggestions(rule.meta), `${id} sets hasSuggestions in its meta`);
  }
});

test('configs.recommended is one flat config object that lints JS and TS with the TypeScript parser', () => {
  const config = plugin.configs.recommended;
  assert.ok(!Array.isArray(config));
  assert.equal(config.languageOptions?.parser, tsParser);
  assert.equal(config.plugins?.fnscan, plugin);
  const expected = Object.fromEntries(
    rules.map((r) => [`fnscan/${r.meta.id}`, r.meta.defaultLevel === 'error' ? 'error' : 'warn']),
  );
  assert.deepEqual(config.rules, expected);
  const files = config.files as string[];
  for (const ext of ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts']) {
    assert.ok(files.some((f) => f.includes(ext)), `${ext} files are linted`);
  }
});

test('the recommended config lints every JS/TS extension and no other file', async () => {
  const dir = tempDir('fnscan-eslint-plugin-');
  const names = ['a.js', 'b.mjs', 'c.cjs', 'd.ts', 'e.mts', 'f.cts', 'g.jsx', 'h.tsx'];
  writeFiles(dir, Object.fromEntries(names.map((n) => [n, 'export const x = 1;\n'])));
  writeFiles(dir, { '.env.defaults': 'A=1\n', 'redwood.toml': '[web]\n', 'notes.md': '# x\n' });
  const results = await eslintFor(dir).lintFiles(['.']);
  assert.deepEqual(results.map((r) => path.basename(r.filePath)).sort(), names);
});

test('the engine runs once per file for all rules, and each ESLint rule reports its own findings at the exact place', async () => {
  const dir = tempDir('fnscan-eslint-plugin-');
  const callsA = { count: 0, sfs: [] as ts.SourceFile[] };
  const callsB = { count: 0, sfs: [] as ts.SourceFile[] };
  const p = createPlugin([identifierRule('rule-a', 'alpha', callsA), identifierRule('rule-b', 'beta', callsB)]);
  const text = 'const alpha = 1;\nfunction f() {\n  return alpha + beta;\n}\n';
  writeFiles(dir, { 'one.ts': text, 'two.js': text, 'three.mjs': text });
  const results = await eslintFor(dir, p).lintFiles(['.']);
  assert.equal(callsA.count, 3);
  assert.equal(callsB.count, 3);

  const one = results.find((r) => r.filePath.endsWith('one.ts'))!;
  const places = one.messages.map((m) => [m.ruleId, m.line, m.column, m.endLine, m.endColumn, m.message]);
  assert.deepEqual(places, [
    ['fnscan/rule-a', 1, 7, 1, 12, '`alpha` was found.'],
    ['fnscan/rule-a', 3, 10, 3, 15, '`alpha` was found.'],
    ['fnscan/rule-b', 3, 18, 3, 22, '`beta` was found.'],
  ]);

  const cli = scan({ paths: [path.join(dir, 'one.ts')], rules: [identifierRule('rule-a', 'alpha'), identifierRule('rule-b', 'beta')], config: {}, includeTests: false });
  assert.deepEqual(
    cli.findings.map((f) => [`fnscan/${f.ruleId}`, f.location.startPos.line, f.location.startPos.column, f.location.endPos.line, f.location.endPos.column, f.message]),
    places,
  );
});

test('the engine reuses the tree @typescript-eslint/parser built, and parses itself under another parser', async () => {
  const dir = tempDir('fnscan-eslint-plugin-');
  const calls = { count: 0, sfs: [] as ts.SourceFile[] };
  const p = createPlugin([identifierRule('rule-a', 'alpha', calls)]);
  let parserTree: unknown;
  const probe = {
    rules: {
      tree: {
        create: (context: import('eslint').Rule.RuleContext) => ({
          Program(node: unknown) {
            const services = context.sourceCode.parserServices as { esTreeNodeToTSNodeMap?: { get(n: unknown): unknown } };
            parserTree = services.esTreeNodeToTSNodeMap?.get(node);
          },
        }),
      },
    },
  };
  const withProbe = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [p.configs.recommended, { files: ['**/*.ts'], plugins: { probe }, rules: { 'probe/tree': 'error' } }],
  });
  const [result] = await withProbe.lintText('const alpha = 1;\n', { filePath: path.join(dir, 'x.ts') });
  assert.equal(result.messages.length, 1);
  assert.ok(parserTree, 'the parser exposes its ts.SourceFile');
  assert.equal(calls.sfs[0], parserTree, 'the engine used the parser tree');

  const espree = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [{ ...p.configs.recommended, languageOptions: {} }],
  });
  const [plain] = await espree.lintText('const alpha = 1;\n', { filePath: path.join(dir, 'y.js') });
  assert.deepEqual(plain.messages.map((m) => [m.line, m.column]), [[1, 7]]);
  assert.notEqual(calls.sfs[1], parserTree);
});

test('suggestions become ESLint suggestions, never an autofix', async () => {
  const dir = tempDir('fnscan-eslint-plugin-');
  const p = createPlugin([identifierRule('rule-a', 'alpha')]);
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [p.configs.recommended], fix: true });
  const [result] = await eslint.lintText('const alpha = 1;\n', { filePath: path.join(dir, 'x.ts') });
  assert.equal(result.output, undefined, 'nothing is fixed automatically');
  const [message] = result.messages;
  assert.equal(message.fix, undefined);
  assert.deepEqual(message.suggestions, [{ desc: 'Rename it', fix: { range: [6, 11], text: 'renamed' } }]);
});

test("fnscan's own suppressions hold in ESLint, and so do ESLint's", async () => {
  const dir = tempDir('fnscan-eslint-plugin-');
  const p = createPlugin([identifierRule('rule-a', 'alpha')]);
  const text = [
    '// fnscan-disable-next-line rule-a -- fixture value',
    'const alpha = 1;',
    '// eslint-disable-next-line fnscan/rule-a -- fixture value',
    'const b = alpha;',
    'const c = alpha;',
    '',
  ].join('\n');
  const [result] = await eslintFor(dir, p).lintText(text, { filePath: path.join(dir, 'x.ts') });
  assert.deepEqual(result.messages.map((m) => [m.ruleId, m.line]), [['fnscan/rule-a', 5]]);
  assert.equal(result.suppressedMessages.length, 1);
  assert.equal(result.suppressedMessages[0].line, 4);
});

/** Reports the file's role and project kind, and whether an imported `check` helper just returns true. */
function projectRule(): Rule {
  return defineRule({
    meta: meta('where', { messages: { at: 'Role {{role}} in a {{kind}} project, helper {{helper}}.' } }),
    checkSource(ctx) {
      let helper = 'none';
      const imported = ctx.analysis.importedBinding(ctx.file, 'check');
      if (imported) {
        const decl = ctx.analysis.exportedDeclaration(imported.module, imported.name);
        helper = ctx.analysis.memo('returns-true', imported.module, () =>
          decl && /return true/.test(decl.node.getText(decl.file.sf)) ? 'stub' : 'real',
        );
      }
      ctx.report({
        messageId: 'at',
        data: { role: ctx.file.role, kind: ctx.file.project.kind, helper },
        at: { start: 0, end: 1 },
      });
    },
  });
}

function redwoodApp(): string {
  const dir = tempDir('fnscan-eslint-plugin-');
  writeFiles(dir, {
    'redwood.toml': '[web]\n  port = 8910\n[api]\n  port = 8911\n',
    'api/tsconfig.json': '{ "compilerOptions": { "baseUrl": "./", "paths": { "src/*": ["./src/*"] } } }\n',
    'api/src/lib/check.ts': 'export function check() {\n  return true;\n}\n',
    'api/src/functions/hello.ts': "import { check } from 'src/lib/check';\nexport const handler = () => check();\n",
    'api/src/functions/hello.test.ts': "import { check } from 'src/lib/check';\ncheck();\n",
    'api/dist/functions/hello.js': 'exports.handler = () => 1;\n',
    'web/src/App.tsx': 'export const App = () => null;\n',
  });
  return dir;
}

async function lintMessages(eslint: ESLint, file: string, text?: string): Promise<string[]> {
  const [result] =
    text === undefined ? await eslint.lintFiles([file]) : await eslint.lintText(text, { filePath: file });
  return result.messages.map((m) => m.message);
}

test('files find their Redwood app, role and imports like the CLI; test files and build output are skipped', async () => {
  const app = redwoodApp();
  const eslint = eslintFor(app, createPlugin([projectRule()]));
  const endpoint = path.join(app, 'api/src/functions/hello.ts');
  assert.deepEqual(await lintMessages(eslint, endpoint), ['Role endpoint in a redwood project, helper stub.']);
  // An editor may start ESLint in a sub-folder: the app is still found above it.
  const fromApi = eslintFor(path.join(app, 'api'), createPlugin([projectRule()]));
  assert.deepEqual(await lintMessages(fromApi, endpoint), ['Role endpoint in a redwood project, helper stub.']);
  assert.deepEqual(await lintMessages(eslint, path.join(app, 'api/src/lib/check.ts')), ['Role source in a redwood project, helper none.']);
  assert.deepEqual(await lintMessages(eslint, path.join(app, 'web/src/App.tsx')), ['Role source in a redwood project, helper none.']);
  assert.deepEqual(await lintMessages(eslint, path.join(app, 'api/src/functions/hello.test.ts')), []);
  assert.deepEqual(await lintMessages(eslint, path.join(app, 'api/dist/functions/hello.js')), []);

  const outside = tempDir('fnscan-eslint-plugin-');
  writeFiles(outside, { 'tool.ts': 'export {};\n' });
  assert.deepEqual(await lintMessages(eslintFor(outside, createPlugin([projectRule()])), path.join(outside, 'tool.ts')), [
    'Role source in a plain project, helper none.',
  ]);
});

test('the file being linted is read from the editor buffer; imported modules are re-read when they change on disk', async () => {
  const app = redwoodApp();
  const eslint = eslintFor(app, createPlugin([projectRule()]));
  const endpoint = path.join(app, 'api/src/functions/hello.ts');
  const helper = path.join(app, 'api/src/lib/check.ts');
  assert.deepEqual(await lintMessages(eslint, endpoint), ['Role endpoint in a redwood project, helper stub.']);

  const unsaved = 'export const handler = () => 1;\n';
  assert.deepEqual(await lintMessages(eslint, endpoint, unsaved), ['Role endpoint in a redwood project, helper none.']);

  // Whole seconds, so the same time can be written back below.
  const second = new Date(Math.floor(Date.now() / 1000) * 1000);
  fs.writeFileSync(helper, 'export function check() {\n  return verifyTheCaller();\n}\n');
  fs.utimesSync(helper, second, second);
  await afterRecheck();
  assert.deepEqual(await lintMessages(eslint, endpoint), ['Role endpoint in a redwood project, helper real.']);

  // A same-size edit within the same clock tick leaves size and mtime as they were: only the content tells.
  const size = fs.statSync(helper).size;
  fs.writeFileSync(helper, 'export function check() {\n  return true;\n}\n'.padEnd(size, ' '));
  fs.utimesSync(helper, second, second);
  assert.equal(fs.statSync(helper).size, size);
  await afterRecheck();
  assert.deepEqual(await lintMessages(eslint, endpoint), ['Role endpoint in a redwood project, helper stub.']);
});

test('code blocks extracted by a processor are not checked as project files', async () => {
  const dir = tempDir('fnscan-eslint-plugin-');
  const p = createPlugin([identifierRule('rule-a', 'alpha')]);
  const processor = {
    preprocess: (text: string) => [{ text, filename: '0.ts' }],
    postprocess: (messages: Linter.LintMessage[][]) => messages.flat(),
  };
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.md'], processor }, p.configs.recommended],
  });
  const [result] = await eslint.lintText('const alpha = 1;\n', { filePath: path.join(dir, 'README.md') });
  assert.deepEqual(result.messages, []);
});

test("the project's fnscan.config.json applies in ESLint too, and a broken one is one clear error", async () => {
  const app = redwoodApp();
  const file = path.join(app, 'api/src/lib/alpha.ts');
  writeFiles(app, { 'api/src/lib/alpha.ts': 'export const alpha = 1;\n', 'fnscan.config.json': '{ "ignore": ["api/src/lib/alpha.ts"] }\n' });
  const eslint = eslintFor(app, createPlugin([identifierRule('rule-a', 'alpha')]));
  assert.deepEqual(await lintMessages(eslint, file), []);

  writeFiles(app, { 'fnscan.config.json': '{ "rules": { "rule-a": "off" } }\n' });
  await afterRecheck();
  assert.deepEqual(await lintMessages(eslint, file), []);

  writeFiles(app, { 'fnscan.config.json': '{ "rules": { "rule-a": "warning" } }\n' });
  await afterRecheck();
  assert.deepEqual(await lintMessages(eslint, file), ['`alpha` was found.']);

  writeFiles(app, { 'fnscan.config.json': '{ "rulez": {} }\n' });
  await afterRecheck();
  await assert.rejects(eslint.lintFiles([file]), /fnscan\.config\.json has an unknown key `rulez`/);
});

test('every finding shows in ESLint at its rule\'s severity, notes included (parity is by file, line and rule)', async () => {
  const dir = tempDir('fnscan-eslint-plugin-');
  const reportAs = (id: string, defaultLevel: RuleMeta['defaultLevel'], level?: RuleMeta['defaultLevel']): Rule =>
    defineRule({
      meta: meta(id, { defaultLevel }),
      checkSource(ctx) {
        ctx.report({ messageId: 'found', data: { name: id }, at: { start: 0, end: 1 }, level });
      },
    });
  const p = createPlugin([reportAs('downgraded', 'warning', 'note'), reportAs('lowered', 'error', 'warning'), reportAs('quiet', 'note')]);
  assert.equal(p.configs.recommended.rules?.['fnscan/quiet'], 'warn');
  const [result] = await eslintFor(dir, p).lintText('export {};\n', { filePath: path.join(dir, 'x.ts') });
  assert.deepEqual(result.messages.map((m) => [m.ruleId, m.severity]), [
    ['fnscan/downgraded', 1],
    ['fnscan/lowered', 2],
    ['fnscan/quiet', 1],
  ]);
});

test('docs/eslint.md lists every rule at its recommended level, and says which only read config files', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', 'docs', 'eslint.md'), 'utf8');
  for (const rule of rules) {
    const level = rule.meta.defaultLevel === 'error' ? 'error' : 'warn';
    const row = new RegExp(`^\\| \`fnscan/${rule.meta.id}\` \\| ${level} \\|(.*)\\|$`, 'm').exec(doc);
    assert.ok(row, `${rule.meta.id} is in the table`);
    const configFilesOnly = rule.checkSource === undefined && rule.checkText !== undefined;
    assert.equal(/CLI only/.test(row[1]), configFilesOnly, `${rule.meta.id}: "CLI only" exactly when it reads config files only`);
  }
});

test('files the CLI refuses as too deep are skipped in ESLint too, and brackets in comments do not count', async () => {
  const dir = tempDir('fnscan-eslint-plugin-');
  const files = {
    'comment.ts': `// ${'('.repeat(400)}\nconst alpha = 1;\n`,
    'deep.ts': `const alpha = ${'['.repeat(350)}${']'.repeat(350)};\n`,
  };
  writeFiles(dir, files);
  const cli = scan({ paths: [dir], rules: [identifierRule('rule-a', 'alpha')], config: {}, includeTests: false });
  assert.deepEqual(cli.findings.map((f) => path.basename(f.location.file)), ['comment.ts']);
  assert.deepEqual(cli.skipped.map((s) => [path.basename(s.file), s.reason]), [['deep.ts', 'too-deep']]);
  const results = await eslintFor(dir, createPlugin([identifierRule('rule-a', 'alpha')])).lintFiles(['.']);
  const found = results.filter((r) => r.messages.length > 0).map((r) => path.basename(r.filePath));
  assert.deepEqual(found, ['comment.ts']);
});
