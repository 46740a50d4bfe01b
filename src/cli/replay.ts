import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from '../core/atomic';
import { readRegularFile } from '../core/files';

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
  try {
    const read = readRegularFile(path.join(location, FILE_NAME), MAX_BYTES);
    if ('skipped' in read) return undefined;
    const bytes = read.bytes;
    const newline = bytes.indexOf(0x0a);
    if (newline < 0) return undefined;
    const header = JSON.parse(bytes.toString('utf8', 0, newline)) as Partial<Header>;
    if (header.format !== FORMAT || header.stamp !== stamp || header.key !== key) return undefined;
    if (typeof header.exitCode !== 'number' || !Array.isArray(header.writes)) return undefined;
    const body = bytes.subarray(newline + 1);
    if (header.sum !== sha256(body)) return undefined;
    const writes: KeptOutput['writes'] = [];
    let at = 0;
    for (const [to, length] of header.writes) {
      if (!CHANNELS.includes(to) || !Number.isSafeInteger(length) || length < 0) return undefined;
      writes.push({ to, bytes: body.subarray(at, at + length) });
      at += length;
    }
    return at === body.length ? { exitCode: header.exitCode, writes } : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `output` under `stamp` and `key`, replacing the last one. Never throws: it only saves time. */
export function writeOutput(location: string, stamp: string, key: string, output: Output): void {
  const parts = output.writes.map((w) => Buffer.from(w.text, 'utf8'));
  const body = Buffer.concat(parts);
  const header: Header = {
    format: FORMAT,
    stamp,
    key,
    exitCode: output.exitCode,
    writes: output.writes.map((w, i) => [w.to, parts[i].length]),
    sum: sha256(body),
  };
  try {
    fs.mkdirSync(location, { recursive: true });
    writeFileAtomically(path.join(location, FILE_NAME), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]));
  } catch {
    // The scan cache's own save reports an unwritable location.
  }
}

export function outputKey(parts: unknown): string {
  return sha256(Buffer.from(JSON.stringify(parts), 'utf8'));
}

function sha256(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}
