import type { Finding } from './types';
import { findingIdentities, repoRelative } from './fingerprint';

/**
 * A baseline records the findings a project accepts for now, so only new ones fail the build.
 * The file is plain text: a header line, then one `<identity> <rule> <file>` line per finding,
 * sorted, with no line numbers and no timestamps, so re-running on unchanged code writes the
 * same bytes and concurrent branches merge cleanly. Only the identity is read back; rule and file
 * are there for the reviewer. See fingerprint.ts for what the identity covers.
 */
export const BASELINE_HEADER = '# fnscan baseline v1: <identity> <rule> <file>, one line per accepted finding';

const ENTRY = /^([0-9a-f]{64}) \S+ (.+)$/;

export class BaselineError extends Error {}

/** Serialises the findings as a baseline file. Pass every finding of the scan, suppressed ones included. */
export function writeBaseline(findings: Finding[], root: string): string {
  const toRelative = repoRelative(root);
  const identities = findingIdentities(findings, root);
  const entries = findings.map((f, i) => ({ identity: identities[i], rule: f.ruleId, file: toRelative(f.location.file) }));
  entries.sort((a, b) => compare(a.file, b.file) || compare(a.rule, b.rule) || compare(a.identity, b.identity));
  const lines = entries.map((e) => `${e.identity} ${e.rule} ${e.file}`);
  return [BASELINE_HEADER, ...lines].join('\n') + '\n';
}

/**
 * Sets each finding's `baselineState`: `unchanged` when the baseline holds its identity, else `new`.
 * Returns the identities the baseline holds that no finding matched (fixed or moved code), among
 * the entries whose file (relative to the root, as written) `covers` accepts: a scan of some of
 * the paths, or one shard, cannot tell whether the others' findings are gone.
 */
export function applyBaseline(
  findings: Finding[],
  baselineText: string,
  root: string,
  covers: (file: string) => boolean = () => true,
): { absent: string[] } {
  const entries = readEntries(baselineText);
  const remaining = new Set(entries.map((e) => e.identity));
  const identities = findingIdentities(findings, root);
  findings.forEach((finding, i) => {
    finding.baselineState = remaining.delete(identities[i]) ? 'unchanged' : 'new';
  });
  const absent = entries.filter((e) => remaining.has(e.identity) && covers(e.file)).map((e) => e.identity);
  return { absent: [...new Set(absent)].sort() };
}

/** The identities of a baseline file, checked line by line. */
export function readBaseline(text: string): string[] {
  return readEntries(text).map((e) => e.identity);
}

function readEntries(text: string): Array<{ identity: string; file: string }> {
  const lines = text.split(/\r?\n/);
  if (lines[0] !== BASELINE_HEADER) {
    throw new BaselineError('The baseline file does not start with the fnscan baseline header; write it with `--write-baseline`.');
  }
  const entries: Array<{ identity: string; file: string }> = [];
  lines.forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const match = ENTRY.exec(line);
    if (!match) throw new BaselineError(`Baseline line ${i + 1} is not \`<sha256> <rule> <file>\`.`);
    entries.push({ identity: match[1], file: match[2] });
  });
  return entries;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
