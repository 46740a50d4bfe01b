'use strict';
/**
 * One measured variant of `npm run bench`, run in a fresh process against the built dist/:
 *
 *   node child.cjs <result.json> fnscan <cwd> <cli args...>   the CLI, as `fnscan` runs it
 *   node child.cjs <result.json> floor <root> <jobs>           read + ts.createSourceFile of every file the scan reads
 *   node child.cjs <result.json> eslint <root>                 ESLint with fnscan/eslint-plugin's configs.recommended
 *   node child.cjs <result.json> stale <root> <cache dir>      how many files a --cache scan would analyse again
 *
 * Writes { maxRssKb, cpuMs, ...detail } to result.json; the parent measures wall time.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** The build under test: a snapshot the parent took (so a rebuild during the run changes nothing), or dist/. */
const PACKAGE = process.env.FNSCAN_BENCH_PACKAGE || path.join(__dirname, '..', '..');
const DIST = path.join(PACKAGE, 'dist');
const [resultFile, mode, ...args] = process.argv.slice(2);

async function fnscan(cwd, argv) {
  // The V8 flags bin/fnscan.js sets before anything else.
  require(path.join(DIST, 'core', 'v8-flags.js')).useScanFlags();
  const { run } = require(path.join(DIST, 'cli', 'main.js'));
  const sink = () => {};
  const code = await run(argv, { stdout: sink, stderr: sink, stdoutIsTTY: false, stderrIsTTY: false, env: { NO_COLOR: '1' }, cwd });
  if (code !== 0 && code !== 1) throw new Error(`fnscan exited with ${code}`);
  // How TypeScript was loaded ('code cache' from the build, 'not yet' when the cache answered everything).
  return { exitCode: code, typescript: require(path.join(DIST, 'core', 'typescript.js')).typeScriptLoad };
}

/**
 * The parse floor: the files the scan itself would read (ScanPlan's own selection), each read and
 * parsed with the engine's own call (same script kind, no parent pointers), nothing else. With
 * jobs > 1, the same thread model and chunks as `--jobs` (parallel.ts): this thread and jobs - 1
 * workers take chunks from one queue, each worker holding two at a time.
 */
async function floor(root, jobs) {
  const { ScanPlan } = require(path.join(DIST, 'core', 'engine.js'));
  const { planChunks } = require(path.join(DIST, 'core', 'parallel.js'));
  const { parseAll } = require('./floor-work.cjs');
  const plan = new ScanPlan({ paths: [root], rules: [], config: {}, includeTests: false, root });
  const units = plan.units.map((u) => ({ path: u.path, kind: u.kind, project: u.project }));
  if (jobs <= 1) return { files: parseAll(units) };
  const { Worker } = require('node:worker_threads');
  const chunks = planChunks(units, jobs).map((chunk) => chunk.map((u) => ({ path: u.path, kind: u.kind })));
  let next = 0;
  let unfinished = chunks.length;
  let files = 0;
  let failure;
  let wake;
  const settled = () => {
    if (wake) wake();
    wake = undefined;
  };
  const workers = [];
  for (let i = 1; i < jobs && next < chunks.length; i++) {
    const worker = new Worker(path.join(__dirname, 'floor-work.cjs'));
    workers.push(worker);
    const give = () => {
      if (next < chunks.length) worker.postMessage(chunks[next++]);
    };
    worker.on('message', (n) => {
      files += n;
      unfinished--;
      give();
      settled();
    });
    worker.on('error', (error) => {
      failure = failure || error;
      settled();
    });
    give();
    give();
  }
  try {
    while (!failure && unfinished > 0) {
      if (next < chunks.length) {
        files += parseAll(chunks[next++]);
        unfinished--;
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        await new Promise((resolve) => {
          wake = resolve;
        });
      }
    }
    if (failure) throw failure;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { files };
}

/**
 * How many files a `--cache` scan would analyse again: the rest come from the cache. Planned on a
 * copy of the cache: planning records discovery (scan-discovery.json), which must not change what
 * the measured run finds.
 */
function stale(root, cacheDir) {
  const { ScanPlan } = require(path.join(DIST, 'core', 'engine.js'));
  const { rules } = require(path.join(DIST, 'rules', 'index.js'));
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-bench-stale-'));
  try {
    fs.cpSync(cacheDir, copy, { recursive: true });
    const plan = new ScanPlan({ paths: [root], rules: [...rules], config: {}, includeTests: false, root, cache: { location: copy } });
    return { stale: plan.pending.length };
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

async function eslint(root) {
  const { ESLint } = require('eslint');
  // `fnscan/eslint-plugin` of the build under test (the package's `exports` map it to dist/eslint/plugin.js).
  const plugin = require(path.join(DIST, 'eslint', 'plugin.js'));
  const linter = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [plugin.configs.recommended], cache: false });
  const results = await linter.lintFiles(['.']);
  return { files: results.length, problems: results.reduce((n, r) => n + r.messages.length, 0) };
}

async function main() {
  let detail;
  if (mode === 'fnscan') detail = await fnscan(args[0], args.slice(1));
  else if (mode === 'floor') detail = await floor(args[0], Number(args[1]));
  else if (mode === 'eslint') detail = await eslint(args[0]);
  else if (mode === 'stale') detail = stale(args[0], args[1]);
  else throw new Error(`unknown mode ${mode}`);
  const usage = process.resourceUsage();
  fs.writeFileSync(resultFile, JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, ...detail }));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exitCode = 1;
});
