import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { run } from '../src/cli/main';
import { tempDir, writeFiles, type Files } from './support/project';
import { writeAt, ENDPOINTS, MODULES, OPTIONAL, SHAPE_NAMES, VARIANTS, apply, initialFiles, step, type Session } from './support/sessions';

/**
 * Random editing sessions on a small Redwood app (test/support/sessions.ts), each `--cache` run
 * checked against an uncached run of the same tree: same exit code, same SARIF, byte for byte.
 * Every cache layer is on the way: the kept output, the unchanged-tree record and its table of
 * files (which takes a handful of changes; an edit of every endpoint goes past it), the scan
 * cache and its journal. A session runs with one set of options (tests included, suppressed
 * findings kept, another threshold or size limit, a baseline, a shard), and now and then switches
 * to another on the same cache folder.
 *
 * `npm test` runs a few sessions with a fixed seed. For a longer hunt:
 *   FNSCAN_SESSIONS=200 FNSCAN_SESSIONS_SEED=$RANDOM node --import tsx --test test/cache-sessions.test.ts
 * A failure prints the seed and path that reproduce it (FNSCAN_SESSIONS_PATH replays one;
 * FNSCAN_SHRINK=1 shrinks it to a smallest failing session).
 */
const RUNS = Number(process.env.FNSCAN_SESSIONS ?? 40);
const SEED = Number(process.env.FNSCAN_SESSIONS_SEED ?? 20261206);
const REPLAY = process.env.FNSCAN_SESSIONS_PATH;

interface Outcome {
  code: number;
  sarif: string;
}

async function fnscan(root: string, argv: string[]): Promise<Outcome> {
  const sink = (): void => {};
  const code = await run([...argv, '-f', 'sarif', '-o', 'out/fnscan.sarif'], { stdout: sink, stderr: sink, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: root });
  return { code, sarif: fs.readFileSync(path.join(root, 'out/fnscan.sarif'), 'utf8') };
}

/** Options a session runs with throughout: each is part of what the cache and the kept output are keyed on. */
const OPTIONS: string[][] = [
  [],
  ['--include-tests'],
  ['--include-suppressed', '--fail-on', 'error'],
  ['--max-file-size', '600'],
  // The findings of the session's first tree, written before its first scan.
  ['--baseline', 'baseline.json'],
  ['--shard', '2/3'],
];

/** One cached run against an uncached one of the same tree. */
async function check(session: Session, options: string[], history: string[], at: string): Promise<void> {
  const uncached = await fnscan(session.root, options);
  // Then twice more 3 s later, the files old enough for their stats to vouch for them: the first
  // of those gives them their stats, the second writes the unchanged-tree record (or repeats the
  // output), which the next edits are judged against.
  for (const run of ['', ', 3 s later', ', once more']) {
    if (run === ', 3 s later') session.offset += 3000;
    const cached = await fnscan(session.root, ['--cache', ...options]);
    assert.equal(cached.code, uncached.code, `exit code after ${at}${run}`);
    assert.equal(cached.sarif, uncached.sarif, `SARIF after ${at}${run}`);
  }
  history.push(uncached.sarif);
}

test(`random editing sessions: every --cache run gives the uncached run's SARIF and exit code (${RUNS} sessions, seed ${SEED})`, async (t: TestContext) => {
  let session: Session | undefined;
  const realNow = Date.now.bind(Date);
  t.mock.method(Date, 'now', () => realNow() + (session?.offset ?? 0));
  const seen = new Set<string>();
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.nat(SHAPE_NAMES.length - 1), { minLength: ENDPOINTS, maxLength: ENDPOINTS }),
      // Now and then the session switches options, on the same cache folder.
      fc.array(fc.oneof({ weight: 12, arbitrary: step }, { weight: 1, arbitrary: fc.record({ kind: fc.constant('options' as const), index: fc.nat(OPTIONS.length - 1) }) }), {
        minLength: 3,
        maxLength: 14,
      }),
      fc.nat(OPTIONS.length - 1),
      async (shapes, steps, first) => {
        let options = OPTIONS[first];
        const root = tempDir('fnscan-sessions-');
        session = { root, offset: 0 };
        writeAt(root, initialFiles(shapes));
        await run(['--write-baseline', 'baseline.json'], { stdout: () => {}, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, env: {}, cwd: root });
        const history: string[] = [];
        await check(session, options, history, 'the first scan');
        for (const [i, s] of steps.entries()) {
          if (s.kind === 'scan') await check(session, options, history, `step ${i}`);
          else if (s.kind === 'options') options = OPTIONS[s.index];
          else apply(session, s);
        }
        await check(session, options, history, 'the last step');
        for (const sarif of history) seen.add(sarif);
        fs.rmSync(root, { recursive: true, force: true });
      },
    ),
    { numRuns: RUNS, seed: SEED, path: REPLAY, endOnFailure: !process.env.FNSCAN_SHRINK },
  );
  // The sessions changed what was found, or they would check nothing.
  assert.ok(seen.size >= RUNS + 2, `only ${seen.size} distinct results`);
});

test('each endpoint shape has a verdict of its own, and each helper variant changes some (the sessions move between real findings)', async () => {
  const root = tempDir('fnscan-sessions-');
  writeAt(root, initialFiles(Array.from({ length: ENDPOINTS }, (_, i) => i % SHAPE_NAMES.length)));
  writeFiles(root, { 'api/src/lib/extra.ts': OPTIONAL['api/src/lib/extra.ts'] });
  const base = (await fnscan(root, [])).sarif;
  const results = (JSON.parse(base) as { runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }).runs[0].results;
  const byShape = new Map<string, Set<string>>();
  for (const r of results) {
    const match = /functions\/e(\d\d)\.ts$/.exec(r.locations[0].physicalLocation.artifactLocation.uri);
    if (!match) continue;
    const shape = SHAPE_NAMES[Number(match[1]) % SHAPE_NAMES.length];
    if (!byShape.has(shape)) byShape.set(shape, new Set());
    byShape.get(shape)!.add(r.ruleId);
  }
  assert.deepEqual(Object.fromEntries([...byShape].map(([shape, ids]) => [shape, [...ids].sort()]).sort()), {
    key: ['no-hardcoded-secret'],
    open: ['no-unauthenticated-handler'],
    service: ['no-unauthenticated-handler'],
    tls: ['no-disabled-tls'],
  });
  // The alias matters where the helper it leads to is a stub: unresolved, `requireAuth()` is trusted as written.
  const setting: Record<string, Files> = { 'api/tsconfig.json': { 'api/src/lib/auth.ts': VARIANTS['api/src/lib/auth.ts'][1] } };
  for (const [file, variants] of Object.entries(MODULES)) {
    writeFiles(root, setting[file] ?? {});
    const before = (await fnscan(root, [])).sarif;
    for (let v = 1; v < variants.length; v++) {
      writeFiles(root, { [file]: VARIANTS[file][v] });
      assert.ok((await fnscan(root, [])).sarif !== before, `${file}, variant ${v}: the same findings as variant 0`);
    }
    writeFiles(root, { [file]: VARIANTS[file][0], 'api/src/lib/auth.ts': VARIANTS['api/src/lib/auth.ts'][0] });
  }
  assert.equal((await fnscan(root, [])).sarif === base, true, 'the app as it started');
});
