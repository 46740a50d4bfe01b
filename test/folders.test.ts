import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { discover } from '../src/core/project';
import { ProjectAnalysis, type ModuleHost } from '../src/core/analysis';
import type { SourceFileInfo } from '../src/core/files';
import { FIXTURES, fixtureApps } from './support/fixtures';
import { tempProject } from './support/project';

/** The module specifiers a file's text imports or requires, plus a few that resolve nowhere. */
function specifiersIn(text: string): string[] {
  const found = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  return [...found, './missing', 'src/lib/missing', 'src/services/missing/missing', '../lib'];
}

/** What `stat` says: the truth the listings must agree with whenever they answer. */
function statIsFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

test('folder listings answer what they settle, exactly as stat would, and leave the rest to stat', () => {
  const root = tempProject({
    'api/src/lib/auth.ts': 'export const requireAuth = () => {}\n',
    'api/src/services/posts/posts.ts': 'export const posts = () => []\n',
    'api/src/functions/hook/hook.ts': 'export const handler = () => {}\n',
    'api/node_modules/pkg/index.js': 'module.exports = {}\n',
  });
  fs.symlinkSync(path.join(root, 'api/src/lib/auth.ts'), path.join(root, 'api/src/lib/linked.ts'));
  const { folders } = discover([root], { ignore: [], followSymlinks: false });
  const at = (rel: string) => path.join(root, rel);

  assert.equal(folders.isFile(at('api/src/lib/auth.ts')), true);
  assert.equal(folders.isFile(at('api/src/lib/auth')), false, 'missing in a listed folder');
  assert.equal(folders.isFile(at('api/src/services/posts')), false, 'a folder');
  assert.equal(folders.isFile(at('api/src/lib/auth/index.ts')), false, 'below a name that is not a folder');
  assert.equal(folders.isFile(at('api/src/lib/missing/deeper/index.ts')), false, 'below a folder that does not exist');
  assert.equal(folders.isFile(at('api/src/lib/auth.ts/index.ts')), false, 'below a file');
  assert.equal(folders.isFile(at('api/node_modules/pkg/index.js')), undefined, 'a folder discovery never lists');
  assert.equal(folders.isFile(at('api/src/lib/linked.ts')), undefined, 'a symlink');
  assert.equal(folders.isFile(at('api/src/lib/Auth.ts')), undefined, 'a case-insensitive file system could match it');
  assert.equal(folders.isFile(at('api/src/Lib/auth.ts')), undefined, 'so could a folder of another case');
  assert.equal(folders.isFile(path.join(path.dirname(root), 'elsewhere.ts')), undefined, 'outside the scanned paths');

  // Every shape an import probe may try, here: where the listings answer, stat agrees.
  const bases = ['api/src/lib/auth', 'api/src/lib/linked', 'api/src/services/posts', 'api/src/functions/hook', 'api/src/lib/nope', 'api/node_modules/pkg'];
  for (const base of bases) {
    for (const tail of ['', '.ts', '.js', '/index.ts', '/index.js', `/${path.basename(base)}.ts`]) {
      const file = at(base + tail);
      const known = folders.isFile(file);
      if (known !== undefined) assert.equal(known, statIsFile(file), file);
    }
  }
});

test('imports resolve the same with the listings as with a stat per probe, in every fixture app', () => {
  const stat: ModuleHost = { load: () => undefined };
  let compared = 0;
  for (const app of fixtureApps()) {
    const discovery = discover([path.join(FIXTURES, app)], { ignore: [], followSymlinks: false });
    const listed = new ProjectAnalysis({ load: () => undefined, folders: discovery.folders });
    const plain = new ProjectAnalysis(stat);
    for (const file of discovery.files) {
      if (file.kind !== 'source') continue;
      const from = { path: file.path, project: file.project } as SourceFileInfo;
      for (const specifier of specifiersIn(fs.readFileSync(file.path, 'utf8'))) {
        assert.equal(listed.resolveImport(from, specifier), plain.resolveImport(from, specifier), `${file.path}: ${specifier}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 100, `${compared} imports compared`);
});
