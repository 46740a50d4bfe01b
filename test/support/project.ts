import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import type { FnscanConfig } from '../../src/core/config';
import { scan, type ScanResult } from '../../src/core/engine';
import { ruleById } from '../../src/rules';

/** Files of a throwaway tree, keyed by their path relative to its root. */
export type Files = Record<string, string | Buffer>;

const made: string[] = [];
after(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder in the system's temp folder (by its real path), removed once the test file is done. */
export function tempDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

/** Writes `files` below `root`, making the folders they need. */
export function writeFiles(root: string, files: Files): void {
  for (const [rel, data] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
  }
}

/** A throwaway Redwood app: `files`, and a redwood.toml unless `files` brings its own. */
export function tempProject(files: Files, prefix = 'fnscan-app-'): string {
  const root = tempDir(prefix);
  writeFiles(root, { 'redwood.toml': '[api]\n  port = 8911\n', ...files });
  return root;
}

/** Scans `root` with the shipped rules of these ids, in that order; test files are left out unless `includeTests`. */
export function scanRules(root: string, ruleIds: readonly string[], options: { config?: FnscanConfig; includeTests?: boolean } = {}): ScanResult {
  const selected = ruleIds.map((id) => {
    const rule = ruleById(id);
    if (!rule) throw new Error(`no shipped rule has the id ${id}`);
    return rule;
  });
  return scan({ paths: [root], rules: selected, config: options.config ?? {}, includeTests: options.includeTests ?? false });
}
