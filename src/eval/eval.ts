import fs from 'node:fs';
import path from 'node:path';
import { scan } from '../core/engine';
import { rules } from '../rules';
import { isSourcePath, isTextConfigPath } from '../core/files';
import { key, readExpectations, type Expectation } from './expectations';

/**
 * `npm run eval`: per-rule precision and recall of fnscan over the fixture apps, measured
 * against the inline `ruleid:` annotations. Prints a table; exits 1 if any rule is below 1.0,
 * so a regression is visible in CI logs as well as in the fixture tests.
 */
const FIXTURES = path.resolve(__dirname, '../../fixtures');

interface Tally {
  tp: number;
  fp: number;
  fn: number;
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(full);
    return isSourcePath(full) || isTextConfigPath(full) || entry.name.startsWith('.env') ? [full] : [];
  });
}

function main(): number {
  const tallies = new Map<string, Tally>(rules.map((r) => [r.meta.id, { tp: 0, fp: 0, fn: 0 }]));
  const apps = fs.readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const app of apps) {
    const root = path.join(FIXTURES, app);
    const expected = new Set(listFiles(root).flatMap(readExpectations).map((e: Expectation) => key(e)));
    const result = scan({ paths: [root], rules: [...rules], config: {}, includeTests: false });
    const actual = new Set(
      result.findings
        .filter((f) => !f.suppression)
        .map((f) => key({ file: f.location.file, line: f.location.startPos.line, ruleId: f.ruleId })),
    );
    for (const k of actual) tally(tallies, k).tp += expected.has(k) ? 1 : 0;
    for (const k of actual) if (!expected.has(k)) tally(tallies, k).fp++;
    for (const k of expected) if (!actual.has(k)) tally(tallies, k).fn++;
  }
  const rows = [...tallies.entries()].map(([id, t]) => {
    const precision = t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp);
    const recall = t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn);
    return { id, ...t, precision, recall };
  });
  const width = Math.max(...rows.map((r) => r.id.length));
  console.log(`${'rule'.padEnd(width)}  expected  found  precision  recall`);
  for (const r of rows) {
    console.log(
      `${r.id.padEnd(width)}  ${String(r.tp + r.fn).padStart(8)}  ${String(r.tp + r.fp).padStart(5)}  ${r.precision.toFixed(3).padStart(9)}  ${r.recall.toFixed(3).padStart(6)}`,
    );
  }
  console.log(`\n${apps.length} fixture apps: ${apps.join(', ')}`);
  return rows.every((r) => r.precision === 1 && r.recall === 1) ? 0 : 1;
}

function tally(tallies: Map<string, Tally>, k: string): Tally {
  const ruleId = k.slice(k.lastIndexOf(':') + 1);
  let t = tallies.get(ruleId);
  if (!t) {
    t = { tp: 0, fp: 0, fn: 0 };
    tallies.set(ruleId, t);
  }
  return t;
}

process.exitCode = main();
