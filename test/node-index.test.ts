import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { indexTree, someNode } from '../src/core/ast';
import { discover } from '../src/core/project';
import { ProjectAnalysis, type ModuleHost } from '../src/core/analysis';
import type { SourceFileInfo } from '../src/core/files';
import { FIXTURES, fixtureApps } from './support/fixtures';

/** The reference: a plain recursive walk, kind tests written out. */
function reference(sf: ts.SourceFile): Record<'calls' | 'news' | 'binaries' | 'returns' | 'expressionArrows' | 'values', ts.Node[]> & { depth: number } {
  const out = { calls: [] as ts.Node[], news: [] as ts.Node[], binaries: [] as ts.Node[], returns: [] as ts.Node[], expressionArrows: [] as ts.Node[], values: [] as ts.Node[], depth: 0 };
  const skipsValues = (n: ts.Node) =>
    ts.isTypeNode(n) || ts.isImportDeclaration(n) || ts.isExportDeclaration(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n);
  const visit = (node: ts.Node, depth: number, inTypes: boolean): void => {
    out.depth = Math.max(out.depth, depth);
    if (ts.isCallExpression(node)) out.calls.push(node);
    if (ts.isNewExpression(node)) out.news.push(node);
    if (ts.isBinaryExpression(node)) out.binaries.push(node);
    if (ts.isReturnStatement(node)) out.returns.push(node);
    if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) out.expressionArrows.push(node);
    const isValue = ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node);
    if (isValue && !inTypes) out.values.push(node);
    const inner = inTypes || skipsValues(node);
    ts.forEachChild(node, (child) => visit(child, depth + 1, inner));
  };
  visit(sf, 1, false);
  return out;
}

/** Every source file of every fixture app, freshly parsed (with or without parent pointers). */
function* fixtureTrees(setParentNodes: boolean): Generator<{ path: string; sf: ts.SourceFile }> {
  for (const app of fixtureApps()) {
    for (const file of discover([path.join(FIXTURES, app)], { ignore: [], followSymlinks: false }).files) {
      if (file.kind !== 'source') continue;
      yield { path: file.path, sf: ts.createSourceFile(file.path, fs.readFileSync(file.path, 'utf8'), ts.ScriptTarget.Latest, setParentNodes) };
    }
  }
}

test('the node index lists what a plain walk finds, in the same order, in every fixture source file', () => {
  let files = 0;
  for (const { path: file, sf } of fixtureTrees(true)) {
    const expected = reference(sf);
    const index = indexTree(sf, expected.depth);
    assert.ok(index, `${file}: within its own depth`);
    assert.equal(indexTree(sf, expected.depth - 1), undefined, `${file}: one level less is too deep`);
    for (const key of ['calls', 'news', 'binaries', 'returns', 'expressionArrows', 'values'] as const) assert.deepEqual(index[key], expected[key], `${file}: ${key}`);
    files++;
  }
  assert.ok(files > 50, `${files} files`);
});

test('literal types, type aliases, interfaces and import paths are not values', () => {
  const text = [
    "import { a } from 'module-path'",
    "export { b } from 'other-path'",
    "type Scheme = 'Bearer' | `x-${string}`",
    "interface Options { mode: 'strict' }",
    "const key: 'literal-type' = 'the-value'",
    'const t = `head ${key} tail`',
    '',
  ].join('\n');
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true);
  const values = indexTree(sf, 300)!.values.map((n) => n.getText(sf));
  assert.deepEqual(values, ["'the-value'", '`head ${', '} tail`']);
});

test('a name the index does not list as declared resolves to nothing, as the full scope and import search finds', () => {
  let checked = 0;
  for (const app of fixtureApps()) {
    const discovery = discover([path.join(FIXTURES, app)], { ignore: [], followSymlinks: false });
    const modules = new Map<string, SourceFileInfo>();
    const host: ModuleHost = {
      load: (file) => {
        if (!modules.has(file) && fs.existsSync(file)) {
          const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
          modules.set(file, { kind: 'source', path: file, text: sf.text, sf, index: indexTree(sf, 300), role: 'source', project: discovery.projects[0] } as SourceFileInfo);
        }
        return modules.get(file);
      },
    };
    for (const entry of discovery.files) {
      if (entry.kind !== 'source') continue;
      const file = { ...host.load(entry.path, entry.project)!, project: entry.project };
      // The same file with every identifier listed as declared: the search always runs in full.
      const everything = new Set<string>();
      const identifiers: ts.Identifier[] = [];
      const collect = (node: ts.Node): void => {
        if (ts.isIdentifier(node)) {
          everything.add(node.text);
          identifiers.push(node);
        }
        ts.forEachChild(node, collect);
      };
      collect(file.sf);
      const full = { ...file, index: { ...file.index!, declaredNames: everything } };
      const quick = new ProjectAnalysis(host);
      const slow = new ProjectAnalysis(host);
      for (const id of identifiers) {
        const a = quick.declarationOf(id, file);
        const b = slow.declarationOf(id, full);
        assert.equal(a?.node, b?.node, `${entry.path}: ${id.text}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 1000, `${checked} identifiers`);
});

test('the index walk sets the parent pointers the parser was asked not to, on every node of every fixture file', () => {
  let nodes = 0;
  for (const { path: file, sf } of fixtureTrees(false)) {
    assert.ok(indexTree(sf, 300), file);
    const check = (node: ts.Node): void => {
      ts.forEachChild(node, (child) => {
        assert.equal(child.parent, node, `${file}: a ${ts.SyntaxKind[child.kind]} at ${child.pos}`);
        nodes++;
        check(child);
      });
    };
    check(sf);
    assert.equal(sf.parent, undefined);
  }
  assert.ok(nodes > 10000, `${nodes} nodes`);
});

test('someNode: the answer of a full search, pruned subtrees left out, and no node tested after the first that passes', () => {
  const sf = ts.createSourceFile('x.ts', 'function f() { if (a) { g(b) } const h = () => c; return d }', ts.ScriptTarget.Latest, true);
  const names = (pred: (n: ts.Node) => boolean, prune?: (n: ts.Node) => boolean): { found: boolean; tested: string[] } => {
    const tested: string[] = [];
    const found = someNode(sf, (n) => {
      if (ts.isIdentifier(n)) tested.push(n.text);
      return pred(n);
    }, prune);
    return { found, tested };
  };
  const isNamed = (name: string) => (n: ts.Node) => ts.isIdentifier(n) && n.text === name;
  assert.deepEqual(names(isNamed('b')), { found: true, tested: ['f', 'a', 'g', 'b'] });
  assert.deepEqual(names(isNamed('zz')), { found: false, tested: ['f', 'a', 'g', 'b', 'h', 'c', 'd'] });
  // The arrow function's body is pruned: `c` is never tested, so never found.
  assert.deepEqual(names(isNamed('c'), ts.isArrowFunction), { found: false, tested: ['f', 'a', 'g', 'b', 'h', 'd'] });
});

test("a module's import and scope tables are made once, kept with its tree and shared by every analysis", () => {
  const text = "import { db } from 'src/lib/db'\nimport * as log from 'pino'\nexport const load = (id) => { const row = db.user.findUnique({ where: { id } }); return row }\n";
  const sf = ts.createSourceFile('/app/api/src/lib/users.ts', text, ts.ScriptTarget.Latest, false);
  const file = { kind: 'source', path: sf.fileName, text, sf, index: indexTree(sf, 300), role: 'source', project: { root: '/app', paths: [] } } as unknown as SourceFileInfo;
  const host: ModuleHost = { load: () => undefined };
  const tables = file.index!.tables;
  assert.deepEqual({ ...tables }, { importSources: undefined, importBindings: undefined, scopes: undefined }, 'nothing is made before it is asked for');
  const row = (): ts.Identifier => {
    let found: ts.Identifier | undefined;
    someNode(sf, (n) => ts.isIdentifier(n) && n.text === 'row' && ts.isReturnStatement(n.parent) && (found = n) !== undefined);
    return found!;
  };
  const first = new ProjectAnalysis(host);
  assert.deepEqual(first.importSource(file, 'log'), { specifier: 'pino', name: '*' });
  assert.equal(first.importedBinding(file, 'db'), undefined, 'the module does not load');
  assert.ok(ts.isVariableDeclaration(first.declarationOf(row(), file)!.node));
  const made = { ...tables };
  assert.ok(made.importSources && made.importBindings && made.scopes && made.scopes.size > 0);
  const second = new ProjectAnalysis(host);
  assert.deepEqual(second.importSource(file, 'db'), { specifier: 'src/lib/db', name: 'db' });
  assert.ok(ts.isVariableDeclaration(second.declarationOf(row(), file)!.node));
  for (const key of ['importSources', 'importBindings', 'scopes'] as const) assert.equal(tables[key], made[key], `${key} is the same table`);
});
