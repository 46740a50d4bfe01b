'use strict';
/**
 * One process of `npm run bench:warmup`: the per-file work of a whole tree, `passes` times in
 * this process, timed in windows of `window` files. Prints one JSON line: { files, passes } with
 * the milliseconds of each window of each pass (the last window of a pass may hold fewer files).
 *
 *   node windows.cjs fnscan <tree> <window> <passes>   the engine's work (FileWork.runAll, no cache), fresh state each pass
 *   node windows.cjs floor <tree> <window> <passes>    read + ts.createSourceFile of the same files, as the bench's floor
 */
const fs = require('node:fs');
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'dist');
const [mode, tree, windowArg, passesArg] = process.argv.slice(2);
const window = Number(windowArg);
const passes = Number(passesArg);

// The engine runs with the V8 flags the `fnscan` command sets; the floor with Node's own.
if (mode === 'fnscan') require(path.join(DIST, 'core', 'v8-flags.js')).useScanFlags();
const { ScanPlan, FileWork } = require(path.join(DIST, 'core', 'engine.js'));
const { rules } = require(path.join(DIST, 'rules', 'index.js'));
const root = path.resolve(tree);
const plan = new ScanPlan({ paths: [root], rules: [...rules], config: {}, includeTests: false, root });

/** One pass of `run`, which calls `done` after each file: the milliseconds of each window of files. */
function timed(run) {
  const windows = [];
  let start = performance.now();
  let inWindow = 0;
  run(() => {
    if (++inWindow < window) return;
    const now = performance.now();
    windows.push(now - start);
    start = now;
    inWindow = 0;
  });
  if (inWindow > 0) windows.push(performance.now() - start);
  return windows;
}

/** One pass of the mode's work, calling `done` after each file. */
function work(done) {
  if (mode === 'fnscan') {
    new FileWork(plan.setup, undefined, plan.folders).runAll(plan.pending, done);
  } else {
    for (const unit of plan.units) {
      parseAll([unit]);
      done();
    }
  }
}

if (mode !== 'fnscan' && mode !== 'floor') throw new Error(`unknown mode ${mode}`);
// The floor's TypeScript is loaded (by a plain `require`) before any window is timed; only the
// floor loads it: the engine would share an instance loaded first instead of its code cache.
const parseAll = mode === 'floor' ? require('./floor-work.cjs').parseAll : undefined;
const results = [];
for (let pass = 0; pass < passes; pass++) results.push(timed(work));
process.stdout.write(`${JSON.stringify({ files: mode === 'fnscan' ? plan.pending.length : plan.units.length, passes: results })}\n`);
