import fs from 'node:fs';
import path from 'node:path';
import { scan, type ScanOptions, type ScanResult } from '../../src/core/engine';
import { rules } from '../../src/rules';
import { formatSarif } from '../../src/reporters/sarif';
import { FIXTURES } from './fixtures';
import { tempDir } from './project';

/** Scan options for `root` with every shipped rule, and a scan cache in `cache` when given; each project's own config read, as the CLI reads them. */
export function scanOptions(root: string, cache?: string, extra: Partial<ScanOptions> = {}): ScanOptions {
  return { paths: [root], rules: [...rules], config: {}, includeTests: false, root, projectConfigs: true, ...(cache && { cache: { location: cache } }), ...extra };
}

/** The SARIF of such a scan, suppressed results included: what cached and uncached scans must agree on byte for byte. */
export function scanSarif(root: string, cache?: string, extra: Partial<ScanOptions> = {}): string {
  return resultSarif(scan(scanOptions(root, cache, extra)), root);
}

/** A scan result's SARIF in the form `scanSarif` gives (for results from `completeScan` and the like). */
export function resultSarif(result: ScanResult, root: string): string {
  return formatSarif(result, { root, category: 'fnscan', includeSuppressed: true, toolVersion: '0.0.0' });
}

/** A copy of a fixture app in a new temp folder, and a cache folder beside it (not created). */
export function copyFixtureApp(app: string, prefix: string): { root: string; cache: string } {
  const base = tempDir(prefix);
  const root = path.join(base, app);
  fs.cpSync(path.join(FIXTURES, app), root, { recursive: true });
  return { root, cache: path.join(base, 'cache') };
}
