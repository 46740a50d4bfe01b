import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { run, type Io } from '../src/cli/main';
import { isSourcePath, isTextConfigPath } from '../src/core/files';
import { FIXTURES, fixtureApps } from './support/fixtures';

/**
 * Random mutations of the fixture sources (truncations, byte flips, token shuffles, inserted deep
 * nesting, BOMs, CRLFs, NUL and Latin-1 bytes, duplicated slices), each written into a copy of its
 * fixture app and scanned through the CLI's `run()`: no crash (exit 0 or 1, never 2 or 3), JSON
 * that parses, SARIF that parses and validates, and the same JSON on a second run.
 *
 * `npm test` runs a few cases with a fixed seed. For a longer hunt:
 *   FNSCAN_FUZZ_RUNS=500 FNSCAN_FUZZ_SEED=$RANDOM node --import tsx --test test/fuzz.test.ts
 * A failure prints the seed and path that reproduce it (FNSCAN_FUZZ_PATH replays one).
 */
const RUNS = Number(process.env.FNSCAN_FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FNSCAN_FUZZ_SEED ?? 20261125);
const REPLAY = process.env.FNSCAN_FUZZ_PATH;

const temps: string[] = [];
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

interface FixtureFile {
  app: string;
  /** Relative to the app. */
  rel: string;
}

function listApp(app: string, dir = path.join(FIXTURES, app)): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listApp(app, full);
    return [path.relative(path.join(FIXTURES, app), full)];
  });
}

const apps = new Map(fixtureApps().map((app) => [app, listApp(app)]));
const targets: FixtureFile[] = [...apps].flatMap(([app, files]) =>
  files.filter((rel) => isSourcePath(rel) || isTextConfigPath(rel)).map((rel) => ({ app, rel })),
);

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'shuffle'; swaps: [number, number][] }
  | { kind: 'nest'; at: number; open: string; close: string; depth: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'duplicate'; from: number; to: number; at: number }
  | { kind: 'crlf' }
  | { kind: 'bom' };

const NESTINGS: [string, string][] = [
  ['(', ')'],
  ['[', ']'],
  ['{ a: ', ' }'],
  ['a + ', ''],
  ['() => ', ''],
  ['`${', '}`'],
  ['x ? y : ', ''],
  ['f(', ')'],
  ['if (a) ', ''],
  ['<A<', '>>'],
];

const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fraction }),
  fc.record({ kind: fc.constant('flip' as const), at: fraction, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('shuffle' as const), swaps: fc.array(fc.tuple(fraction, fraction), { minLength: 1, maxLength: 6 }) }),
  fc
    .record({ at: fraction, nesting: fc.constantFrom(...NESTINGS), depth: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 400, max: 5000 })) })
    .map(({ at, nesting, depth }) => ({ kind: 'nest' as const, at, open: nesting[0], close: nesting[1], depth })),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fraction,
    bytes: fc.oneof(fc.constant<number[]>([0]), fc.constant<number[]>([0xe9]), fc.constant<number[]>([0xef, 0xbb, 0xbf]), fc.constant<number[]>([0x0d]), fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), from: fraction, to: fraction, at: fraction }),
  fc.constant({ kind: 'crlf' as const }),
  fc.constant({ kind: 'bom' as const }),
);

const at = (length: number, f: number): number => Math.min(length, Math.floor(f * length));

function tokens(text: string): string[] {
  return text.split(/(\s+|[(){}[\];,.:=])/).filter((t) => t !== '');
}

function apply(bytes: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, at(bytes.length, m.at));
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      copy[Math.min(copy.length - 1, at(copy.length, m.at))] = m.byte;
      return copy;
    }
    case 'shuffle': {
      const parts = tokens(bytes.toString('latin1'));
      if (parts.length < 2) return bytes;
      for (const [a, b] of m.swaps) {
        const i = Math.min(parts.length - 1, at(parts.length, a));
        const j = Math.min(parts.length - 1, at(parts.length, b));
        [parts[i], parts[j]] = [parts[j], parts[i]];
      }
      return Buffer.from(parts.join(''), 'latin1');
    }
    case 'nest': {
      const i = at(bytes.length, m.at);
      const inner = Buffer.from(`${m.open.repeat(m.depth)}1${m.close.repeat(m.depth)}`);
      return Buffer.concat([bytes.subarray(0, i), inner, bytes.subarray(i)]);
    }
    case 'insert': {
      const i = at(bytes.length, m.at);
      return Buffer.concat([bytes.subarray(0, i), Buffer.from(m.bytes), bytes.subarray(i)]);
    }
    case 'duplicate': {
      const [from, to] = [at(bytes.length, m.from), at(bytes.length, m.to)].sort((a, b) => a - b);
      const i = at(bytes.length, m.at);
      return Buffer.concat([bytes.subarray(0, i), bytes.subarray(from, to), bytes.subarray(i)]);
    }
    case 'crlf':
      return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
  }
}

/** A copy of the target's fixture app with the target file replaced by its mutation. */
function mutatedApp(target: FixtureFile, mutations: Mutation[]): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-fuzz-')));
  temps.push(root);
  for (const rel of apps.get(target.app)!) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, target.app, rel), path.join(root, rel));
  }
  const bytes = mutations.reduce(apply, fs.readFileSync(path.join(FIXTURES, target.app, target.rel)));
  fs.writeFileSync(path.join(root, target.rel), bytes);
  return root;
}

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: { NO_COLOR: '1' },
    cwd,
  };
  const code = await run(args, io);
  return { code, out, err };
}

const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false });
addFormats(ajv);
const validateSarif = ajv.compile(JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));

test('there are fixture files to mutate', () => {
  assert.ok(targets.length >= 20, `only ${targets.length} fixture files`);
});

test(`mutated fixtures never crash the scan, and give valid, deterministic output (${RUNS} runs, seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...targets), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (target, mutations) => {
      const root = mutatedApp(target, mutations);
      const first = await cli(['--format', 'json', '--include-tests'], root);
      assert.ok(first.code === 0 || first.code === 1, `exit ${first.code}: ${first.err}`);
      assert.ok(!/internal error/i.test(first.err), first.err);
      const report = JSON.parse(first.out) as { findings: unknown[]; skipped: { file: string; reason: string }[] };
      assert.ok(Array.isArray(report.findings) && Array.isArray(report.skipped));
      assert.ok(!report.skipped.some((s) => s.reason === 'internal-error'), JSON.stringify(report.skipped));

      const second = await cli(['--format', 'json', '--include-tests'], root);
      assert.equal(second.code, first.code);
      assert.equal(second.out, first.out, 'a second scan of the same tree gives the same JSON');

      const sarif = await cli(['--format', 'sarif', '--include-tests'], root);
      assert.equal(sarif.code, first.code);
      const log = JSON.parse(sarif.out) as unknown;
      assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors?.slice(0, 3)));
      fs.rmSync(root, { recursive: true, force: true });
    }),
    { numRuns: RUNS, seed: SEED, path: REPLAY, endOnFailure: true },
  );
});
