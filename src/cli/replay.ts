import path from 'node:path';
import { readSummedFile, sha256Hex, writeSummedFile } from '../core/summed';

/**
 * The last `--cache` run's output (`scan-output` beside the scan cache): what it printed, what it
 * wrote to `--output` and its exit code, under the stamp of the scan result it reported (the
 * unchanged-tree record's, see `ScanPlan.resultStamp`) and a key of everything else the output
 * depends on (the options, the working directory, colour, the baseline's bytes). A run with the
 * same stamp and key would print the same bytes, so it repeats them instead: at 8,000 functions
 * that skips reading 2,772 findings back and writing 2 MB of SARIF, about a third of a warm run.
 */

const FORMAT = 1;
const FILE_NAME = 'scan-output';
const MAX_BYTES = 1024 * 1024 * 1024;

const CHANNELS = ['stdout', 'stderr', 'output'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Output {
  exitCode: number;
  /** In the order they happened; `output` is the `--output` file's text. */
  writes: Array<{ to: Channel; text: string }>;
}

/** An output as kept: each write's UTF-8 bytes (the `--output` file is written from them as they are). */
export interface KeptOutput {
  exitCode: number;
  writes: Array<{ to: Channel; bytes: Buffer }>;
}

interface Header {
  format: number;
  stamp: string;
  key: string;
  exitCode: number;
  /** Each write's channel and length in bytes, in the order of the body. */
  writes: Array<[Channel, number]>;
  sum: string;
}

/** The output kept under `stamp` and `key`, if it is there and whole. */
export function readOutput(location: string, stamp: string, key: string): KeptOutput | undefined {
  const read = readSummedFile(path.join(location, FILE_NAME), MAX_BYTES);
  if (!read) return undefined;
  const header = read.header as Partial<Header>;
  if (header.format !== FORMAT || header.stamp !== stamp || header.key !== key) return undefined;
  if (typeof header.exitCode !== 'number' || !Array.isArray(header.writes)) return undefined;
  const body = read.body;
  const writes: KeptOutput['writes'] = [];
  let at = 0;
  for (const [to, length] of header.writes) {
    if (!CHANNELS.includes(to) || !Number.isSafeInteger(length) || length < 0) return undefined;
    writes.push({ to, bytes: body.subarray(at, at + length) });
    at += length;
  }
  return at === body.length ? { exitCode: header.exitCode, writes } : undefined;
}

/** Keeps `output` under `stamp` and `key`, replacing the last one. Never throws: it only saves time. */
export function writeOutput(location: string, stamp: string, key: string, output: Output): void {
  const parts = output.writes.map((w) => Buffer.from(w.text, 'utf8'));
  const header: Omit<Header, 'sum'> = {
    format: FORMAT,
    stamp,
    key,
    exitCode: output.exitCode,
    writes: output.writes.map((w, i) => [w.to, parts[i].length]),
  };
  try {
    writeSummedFile(path.join(location, FILE_NAME), { ...header }, Buffer.concat(parts));
  } catch {
    // The scan cache's own save reports an unwritable location.
  }
}

export function outputKey(parts: unknown): string {
  return sha256Hex(JSON.stringify(parts));
}
