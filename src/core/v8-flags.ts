/**
 * The V8 flags a process that exists to scan (the `fnscan` command, the bench's scans) sets for
 * itself before it loads TypeScript. Hosts that only load fnscan (ESLint, an API caller) keep
 * their own flags: a flag is process-wide, and it changes which code caches V8 accepts.
 *
 * `--no-allocation-site-pretenuring`: V8 moves an allocation site's objects straight to the old
 * generation once a young collection finds nearly all of them alive. Whether a scan meets that
 * depends on when its collections fall, and once it does, that site's short-lived objects are
 * allocated old for the rest of the scan, keep the young ones they point to alive through the
 * collections that follow, and pile up until a full collection. The same scan of the same tree
 * then peaked at about 265 MB instead of 150 MB, and ran slower (BENCHMARKS.md, item 81). Most of
 * what a scan allocates dies with the file it belongs to, so pretenuring rarely pays for it; with
 * the flag every run peaked as the low runs did, at the same speed.
 */
import v8 from 'node:v8';

export const SCAN_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring'];

let applied: readonly string[] = [];

/** Sets SCAN_V8_FLAGS in this process (once); call it before anything loads TypeScript. */
export function useScanFlags(): void {
  if (applied.length > 0) return;
  for (const flag of SCAN_V8_FLAGS) v8.setFlagsFromString(flag);
  applied = SCAN_V8_FLAGS;
}

/** The flags this process set through useScanFlags: none, or SCAN_V8_FLAGS. */
export function appliedV8Flags(): readonly string[] {
  return applied;
}
