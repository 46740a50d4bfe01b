import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from './atomic';
import { readRegularFile } from './files';

/**
 * The framing every cache file uses: one line of JSON header, then a body whose SHA-256 (hex)
 * the header's last field, `sum`, gives.
 */
export interface SummedFile {
  header: Record<string, unknown>;
  /** The header line's bytes, without its newline. */
  headerLine: Buffer;
  body: Buffer;
}

/**
 * Reads a summed file like a scanned one (regular files only, never blocking, at most `maxBytes`:
 * cache files may lie inside a checkout, where a FIFO or a link to a device must not hang a scan).
 * Undefined when it is missing, not a regular file, has no header or its body does not match the sum.
 */
export function readSummedFile(file: string, maxBytes: number): SummedFile | undefined {
  const read = readRegularFile(file, maxBytes);
  if ('skipped' in read) return undefined;
  const bytes = read.bytes;
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return undefined;
  try {
    const header = JSON.parse(bytes.toString('utf8', 0, newline)) as unknown;
    if (typeof header !== 'object' || header === null) return undefined;
    const body = bytes.subarray(newline + 1);
    // Checked on the bytes as written: invalid UTF-8 cannot match, and nothing is decoded twice.
    if ((header as { sum?: unknown }).sum !== sha256Hex(body)) return undefined;
    return { header: header as Record<string, unknown>, headerLine: bytes.subarray(0, newline), body };
  } catch {
    return undefined;
  }
}

/**
 * Writes `header` (its sum added last) and `body` (one buffer, or a few parts in order) atomically,
 * creating the folder; gives the header line and the sum. Throws on failure.
 */
export function writeSummedFile(file: string, header: Record<string, unknown>, body: Buffer | readonly Buffer[]): { line: string; sum: string } {
  const parts = Buffer.isBuffer(body) ? [body] : body;
  const hash = crypto.createHash('sha256');
  for (const part of parts) hash.update(part);
  const sum = hash.digest('hex');
  const line = JSON.stringify({ ...header, sum });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomically(file, [Buffer.from(`${line}\n`), ...parts]);
  return { line, sum };
}

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The lines of a body split at each newline (its JSON values never hold a raw one); a last line without one counts too. */
export function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) {
      lines.push(bytes.subarray(start));
      break;
    }
    lines.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return lines;
}
