import fs from 'node:fs';
import path from 'node:path';
import { scan, type ScanResult } from '../../src/core/engine';
import { rules } from '../../src/rules';
import { readExpectations, key, type Expectation } from '../../src/eval/expectations';
import { isSourcePath, isTextConfigPath } from '../../src/core/files';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');

export function fixtureApps(): string[] {
  return fs
    .readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function scanFixture(app: string, options: { includeTests?: boolean; ruleIds?: string[] } = {}): ScanResult {
  const selected = options.ruleIds ? rules.filter((r) => options.ruleIds!.includes(r.meta.id)) : [...rules];
  return scan({ paths: [path.join(FIXTURES, app)], rules: selected, config: {}, includeTests: options.includeTests ?? false });
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (isSourcePath(full) || isTextConfigPath(full) || entry.name.startsWith('.env')) out.push(full);
  }
  return out.sort();
}

export function expectationsFor(app: string): Expectation[] {
  return listFiles(path.join(FIXTURES, app)).flatMap(readExpectations);
}

/** Findings as `file:line:rule` keys, suppressed ones left out, relative to the fixtures folder. */
export function findingKeys(result: ScanResult): string[] {
  return result.findings
    .filter((f) => !f.suppression)
    .map((f) => key({ file: rel(f.location.file), line: f.location.startPos.line, ruleId: f.ruleId }))
    .sort();
}

export function expectationKeys(expectations: Expectation[]): string[] {
  return expectations.map((e) => key({ ...e, file: rel(e.file) })).sort();
}

function rel(file: string): string {
  return path.relative(FIXTURES, file).split(path.sep).join('/');
}
