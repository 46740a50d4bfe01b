import crypto from 'node:crypto';
import { UsageError } from './project';

/**
 * One of `count` slices of a project, for spreading a scan over CI machines (`--shard 2/4`).
 * A file belongs to the shard given by a hash of its path relative to the scan root, so every
 * machine agrees without coordination and adding a file moves no other file. Each shard still
 * reads the modules its files import, so a file's findings do not depend on the shard.
 */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new UsageError(`\`--shard ${text}\` must be i/n with 1 <= i <= n, e.g. 2/4.`);
  }
  return { index, count };
}

/** The 1-based shard a path (relative, forward slashes) belongs to. */
export function shardOf(relativePath: string, count: number): number {
  const digest = crypto.createHash('sha256').update(relativePath).digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

export function inShard(relativePath: string, shard: Shard | undefined): boolean {
  return shard === undefined || shard.count === 1 || shardOf(relativePath, shard.count) === shard.index;
}
