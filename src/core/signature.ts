import type fs from 'node:fs';

/**
 * Stat signatures: what `stat` says about a file, as one string that stands for its content
 * without reading it, the way git's index does. Used by the scan cache, the editor engine and
 * the TypeScript loader.
 */

/** Changes the timestamps of a file could hide within (coarse file systems tick every 2 s). */
export const RACY_MS = 2000;

/**
 * Size, modification and change times, inode and device. The change time is in it so that a
 * rewrite that keeps the size and puts the modification time back is still seen.
 */
export function statSignature(stat: fs.Stats): string {
  return `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}:${stat.dev}`;
}

/** Changed too recently for its signature to vouch for its content: a change within the same tick would not show. */
export function isRacy(stat: fs.Stats, now = Date.now()): boolean {
  return now - Math.max(stat.mtimeMs, stat.ctimeMs) < RACY_MS;
}

/** The signature of a regular file old enough for it to vouch for the content; otherwise undefined. */
export function vouchingSignature(stat: fs.Stats | undefined, now = Date.now()): string | undefined {
  return stat?.isFile() && !isRacy(stat, now) ? statSignature(stat) : undefined;
}
