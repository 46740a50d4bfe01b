import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PARTS, PARTS_OFF_ENV, PART_FUNCTIONS, handlerCost, partLines, partShares, patchBehaviour, patchedBuild } from '../scripts/bench/parts';

const root = path.join(__dirname, '..');
const built = path.join(root, 'dist', 'analysis', 'behaviour.js');

test('bench:parts: the patch finds every part function of the current build once', () => {
  const source = fs.readFileSync(built, 'utf8');
  const patched = patchBehaviour(source);
  for (const part of PARTS) {
    for (const { name, returns } of PART_FUNCTIONS[part]) {
      const guarded = patched.split('\n').filter((line) => line.includes(`${name}(`) && line.endsWith(`{ if (OFF_${part}) return ${returns};`));
      assert.equal(guarded.length, 1, `${name} guarded once`);
    }
  }
  assert.equal(patched.split('\n').length, source.split('\n').length + 1, 'one header line, nothing else added');
});

test('bench:parts: a function the build no longer declares (or declares twice) stops the patch', () => {
  const source = fs.readFileSync(built, 'utf8');
  assert.throws(() => patchBehaviour(source.replace(/^function isSwallowed\(/m, 'function isSwallowedRenamed(')), /`isSwallowed` on 0 lines/);
  assert.throws(() => patchBehaviour(`${source}\nfunction onIfAlso() {}\n    onIf(a) {\n`), /`onIf` on 2 lines/);
  assert.throws(() => patchBehaviour(source.replace('"use strict";\n', '')), /use strict/);
});

test('bench:parts: the patched copy turns a part off only when asked', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-parts-test-'));
  try {
    const dist = patchedBuild(root, work);
    const copy = path.join(dist, 'analysis', 'behaviour.js');
    // `isRejectingResponse` is a look-around check: a 401 answer is one, unless `look` is off.
    const probe = `
      const ts = require(${JSON.stringify(path.join(dist, 'core', 'typescript.js'))}).default;
      const { isRejectingResponse } = require(${JSON.stringify(copy)});
      const sf = ts.createSourceFile('x.ts', 'x = { statusCode: 401 }', ts.ScriptTarget.Latest, true);
      process.stdout.write(String(isRejectingResponse(sf.statements[0].expression.right)));`;
    const run = (off: string): string => execFileSync(process.execPath, ['-e', probe], { env: { ...process.env, [PARTS_OFF_ENV]: off }, encoding: 'utf8' });
    assert.equal(run(''), 'true');
    assert.equal(run('follow,dispatch'), 'true');
    assert.equal(run('look'), 'false');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('bench:parts: each part costs what turning it off saved; the rest is what is left', () => {
  const none = { one: 1000, more: 1600, passes: 2 }; // 300 a steady pass
  const costs = [
    handlerCost({ one: 1900, more: 3100, passes: 2 }, none), // all on: 600 steady over 300, cold 900
    handlerCost({ one: 1800, more: 2900, passes: 2 }, none), // look off
    handlerCost({ one: 1500, more: 2400, passes: 2 }, none), // and follow
    handlerCost({ one: 1300, more: 2100, passes: 2 }, none), // and dispatch
  ];
  assert.deepEqual(costs[0], { steady: 300, cold: 900 });
  const shares = partShares(costs);
  assert.deepEqual(
    shares.map((s) => [s.name, s.cost.steady, s.cost.cold]),
    [['look', 50, 100], ['follow', 100, 300], ['dispatch', 50, 200], ['rest', 100, 300]],
  );
  const lines = partLines(costs[0], shares);
  assert.match(lines[1], /look-around checks .* 17% .* 11%$/);
  assert.throws(() => partShares(costs.slice(1)), /expected 4 costs/);
});
