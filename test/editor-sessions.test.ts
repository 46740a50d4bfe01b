import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { ESLint } from 'eslint';
import { run } from '../src/cli/main';
import { createPlugin } from '../src/eslint/create-plugin';
import { isSourcePath } from '../src/core/files';
import { RECHECK_MS, SingleFileScanner } from '../src/core/single-file';
import type { Finding } from '../src/core/types';
import { rules } from '../src/rules';
import { tempDir, writeFiles } from './support/project';
import { writeAt, ENDPOINTS, MODULES, OPTIONAL, SHAPES, SHAPE_NAMES, apply, initialFiles, step, type Session } from './support/sessions';

/**
 * The editor's engine (`SingleFileScanner`, behind the ESLint plugin) lives as long as the editor
 * and keeps parsed modules and facts between lints, dropping them when a module changes on disk.
 * Random editing sessions (test/support/sessions.ts) run against one long-lived scanner: after each
 * scan step, every file linted in a shuffled order gives the findings a fresh CLI scan of the tree
 * gives for it (file, line, rule, message). A few sessions go through ESLint itself, with one
 * plugin and one ESLint instance for the session, as an editor's ESLint server holds them.
 *
 * `npm test` runs a few sessions with a fixed seed. For a longer hunt:
 *   FNSCAN_SESSIONS=200 FNSCAN_SESSIONS_SEED=$RANDOM node --import tsx --test test/editor-sessions.test.ts
 * A failure prints the seed and path that reproduce it (FNSCAN_SESSIONS_PATH replays one;
 * FNSCAN_SHRINK=1 shrinks it to a smallest failing session).
 */
const RUNS = Number(process.env.FNSCAN_SESSIONS ?? 20);
/** Sessions through ESLint itself, which parses every file with typescript-eslint: fewer, slower. */
const ESLINT_RUNS = Number(process.env.FNSCAN_ESLINT_SESSIONS ?? Math.max(1, Math.round(RUNS / 5)));
const SEED = Number(process.env.FNSCAN_SESSIONS_SEED ?? 20261206);
const REPLAY = process.env.FNSCAN_SESSIONS_PATH;

function key(root: string, f: Finding): string {
  return `${path.relative(root, f.location.file).split(path.sep).join('/')}:${f.location.startPos.line} ${f.ruleId}: ${f.message}`;
}

/** The JS/TS files a linter would be asked about, relative to the root. */
function sourceFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    // A symlinked module is linted as its target: the CLI reports it there too.
    if (entry.isSymbolicLink()) return [];
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(root, full);
    return isSourcePath(full) ? [path.relative(root, full)] : [];
  });
}

/** A fresh CLI run's findings in JS/TS files (the project's config applies, as in the editor). */
async function freshFindings(root: string): Promise<Array<{ file: string; line: number; ruleId: string; message: string }>> {
  let out = '';
  await run(['-f', 'json', '--fail-on', 'none'], { stdout: (s) => (out += s), stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: root });
  const { findings } = JSON.parse(out) as { findings: Array<{ file: string; line: number; ruleId: string; message: string }> };
  return findings.filter((f) => isSourcePath(f.file));
}

async function fresh(root: string): Promise<string[]> {
  return (await freshFindings(root)).map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`).sort();
}

/** Every file linted through the long-lived scanner, in the given order. */
function linted(scanner: SingleFileScanner, root: string, order: number): string[] {
  const files = sourceFiles(root).sort();
  // A fixed shuffle per step: no verdict may depend on which files were linted before it.
  for (let i = files.length - 1; i > 0; i--) {
    const j = (order * (i + 7)) % (i + 1);
    [files[i], files[j]] = [files[j], files[i]];
  }
  return files
    .flatMap((rel) => scanner.scan({ file: rel, text: fs.readFileSync(path.join(root, rel), 'utf8'), cwd: root }))
    .filter((f) => !f.suppression)
    .map((f) => key(root, f))
    .sort();
}

/**
 * Both clocks the engine reads, moved by the test: `Date.now` (how old a file is) runs `offset`
 * ahead, `performance.now` (when disk state is due for a re-check) runs `elapsed` ahead.
 */
function mockClocks(t: TestContext): { offset: number; elapsed: number } {
  const clocks = { offset: 0, elapsed: 0 };
  const realNow = Date.now.bind(Date);
  const realPerformanceNow = performance.now.bind(performance);
  t.mock.method(Date, 'now', () => realNow() + clocks.offset);
  t.mock.method(performance, 'now', () => realPerformanceNow() + clocks.elapsed);
  return clocks;
}

test(`random editing sessions in one long-lived editor engine: each file's findings are a fresh scan's (${RUNS} sessions, seed ${SEED})`, async (t: TestContext) => {
  // Disk changes are looked for at most every RECHECK_MS; each check is a lint that starts later than that.
  const clocks = mockClocks(t);
  let compared = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.nat(SHAPE_NAMES.length - 1), { minLength: ENDPOINTS, maxLength: ENDPOINTS }),
      fc.array(step, { minLength: 3, maxLength: 14 }),
      fc.nat(1000),
      async (shapes, steps, order) => {
        const root = tempDir('fnscan-editor-');
        writeAt(root, initialFiles(shapes));
        const session: Session = { root, offset: 0 };
        clocks.offset = 0;
        const scanner = new SingleFileScanner([...rules]);
        const check = async (at: string, n: number): Promise<void> => {
          clocks.elapsed += RECHECK_MS + 1;
          assert.deepEqual(linted(scanner, root, order + n), await fresh(root), `findings after ${at}`);
          compared++;
        };
        await check('the first lint', 0);
        for (const [i, s] of steps.entries()) {
          if (s.kind === 'scan') await check(`step ${i}`, i);
          else apply(session, s);
          clocks.offset = session.offset;
        }
        await check('the last step', steps.length);
        fs.rmSync(root, { recursive: true, force: true });
      },
    ),
    { numRuns: RUNS, seed: SEED, path: REPLAY, endOnFailure: !process.env.FNSCAN_SHRINK },
  );
  assert.ok(compared >= RUNS * 2);
});

test('a module rewritten long ago keeping its size and mtime is seen by its ctime, as the CLI sees it', async (t: TestContext) => {
  const clocks = mockClocks(t);
  const root = tempDir('fnscan-editor-');
  writeAt(root, initialFiles(Array.from({ length: ENDPOINTS }, () => 0)));
  const session: Session = { root, offset: 0 };
  const scanner = new SingleFileScanner([...rules]);
  // Only the endpoints are open in the editor: the helper changes on disk alone.
  const endpoints = sourceFiles(root).filter((rel) => rel.includes('functions'));
  const lint = (): string[] => {
    clocks.elapsed += RECHECK_MS + 1;
    return endpoints
      .flatMap((rel) => scanner.scan({ file: rel, text: fs.readFileSync(path.join(root, rel), 'utf8'), cwd: root }))
      .filter((f) => !f.suppression)
      .map((f) => key(root, f))
      .sort();
  };
  assert.deepEqual(lint(), []);
  clocks.offset += 60_000;
  assert.deepEqual(lint(), [], 'the helper, read while recent, is now vouched for by its stat');
  // `requireAuth` becomes a stub that never throws: every endpoint relying on it is open.
  apply(session, { kind: 'sneak', file: 'api/src/lib/auth.ts', variant: 1 });
  clocks.offset = session.offset;
  const expected = await fresh(root);
  assert.ok(expected.some((k) => k.includes('no-unauthenticated-handler')), expected.join('\n'));
  assert.deepEqual(lint(), expected.filter((k) => k.includes('functions')));
});

test('a module created after a file importing it was linted is seen, though the importer did not change', (t: TestContext) => {
  const clocks = mockClocks(t);
  const root = tempDir('fnscan-editor-');
  // Written first, as one writes the call before the helper: the import resolves to nothing yet.
  writeFiles(root, {
    'redwood.toml': '[api]\n  port = 8911\n',
    'api/src/lib/auth.ts': MODULES['api/src/lib/auth.ts'][0],
    'api/src/lib/db.ts': `export const db = {} as any\n`,
    'api/src/functions/e00.ts': SHAPES.extra('e00'),
  });
  const scanner = new SingleFileScanner([...rules]);
  const lint = (): string[] => {
    clocks.elapsed += RECHECK_MS + 1;
    const rel = 'api/src/functions/e00.ts';
    return scanner.scan({ file: rel, text: fs.readFileSync(path.join(root, rel), 'utf8'), cwd: root }).map((f) => f.ruleId);
  };
  assert.deepEqual(lint(), ['no-unauthenticated-handler'], 'audit() is unknown, the write is not guarded');
  writeFiles(root, { 'api/src/lib/extra.ts': OPTIONAL['api/src/lib/extra.ts'] });
  assert.deepEqual(lint(), [], 'audit() now resolves to a helper that calls requireAuth()');
  fs.rmSync(path.join(root, 'api/src/lib/extra.ts'));
  assert.deepEqual(lint(), ['no-unauthenticated-handler'], 'and is gone again');
});

test(`random editing sessions through ESLint with the plugin, one ESLint for the session: every lint gives the CLI's findings (file, line, rule) (${ESLINT_RUNS} sessions, seed ${SEED})`, async (t: TestContext) => {
  const clocks = mockClocks(t);
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.nat(SHAPE_NAMES.length - 1), { minLength: ENDPOINTS, maxLength: ENDPOINTS }),
      fc.array(step, { minLength: 3, maxLength: 10 }),
      async (shapes, steps) => {
        const root = tempDir('fnscan-eslint-');
        writeAt(root, initialFiles(shapes));
        const session: Session = { root, offset: 0 };
        clocks.offset = 0;
        // As an editor's ESLint server holds them: one plugin and one ESLint for the whole session.
        const plugin = createPlugin();
        const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended] });
        const check = async (at: string): Promise<void> => {
          clocks.elapsed += RECHECK_MS + 1;
          // The files, not '.': ESLint itself throws on a dangling symlink, which the CLI reports as skipped.
          const results = await eslint.lintFiles(sourceFiles(root));
          const linted = results
            .flatMap((r) => r.messages.filter((m) => m.ruleId?.startsWith('fnscan/')).map((m) => `${path.relative(root, r.filePath).split(path.sep).join('/')}:${m.line} ${m.ruleId!.slice('fnscan/'.length)}`))
            .sort();
          const expected = (await freshFindings(root)).map((f) => `${f.file}:${f.line} ${f.ruleId}`).sort();
          assert.deepEqual(linted, expected, `findings after ${at}`);
        };
        await check('the first lint');
        for (const [i, s] of steps.entries()) {
          if (s.kind === 'scan') await check(`step ${i}`);
          else apply(session, s);
          clocks.offset = session.offset;
        }
        await check('the last step');
        fs.rmSync(root, { recursive: true, force: true });
      },
    ),
    { numRuns: ESLINT_RUNS, seed: SEED, path: REPLAY, endOnFailure: !process.env.FNSCAN_SHRINK },
  );
});
