import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from './types';
import { relativePath } from './files';

/**
 * GitHub's `primaryLocationLineHash`, computed the way github/codeql-action's `src/fingerprints.ts`
 * computes it, so a value we emit equals the one the upload action would compute (it never
 * overwrites a present value, it only warns when they differ).
 *
 * The text is read one UTF-16 code unit at a time. Spaces and tabs are skipped, CR and CRLF count
 * as one LF. Each line's hash is a polynomial rolling hash, base 37 in 64-bit wrap-around
 * arithmetic, over the 100 characters that start at the line's first non-blank character, so it
 * reaches into the following lines. The end of the text is marked by 65535 and padded with zeros.
 * A hash already produced for an earlier line gets a higher `:N` suffix.
 */
const WINDOW = 100;
const EOF = 65535;
const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;
const TWO_32 = 2 ** 32;
/** 37^100 modulo 2^64, as two 32-bit halves. */
const [POW_HI, POW_LO] = powerOfBase(WINDOW);

/** Hash of every line (up to `lastLine`): element `n - 1` is line `n`'s value, e.g. `a7f2ff13bc495cf2:1`. */
export function lineHashes(text: string, lastLine = Infinity): string[] {
  const values = lineValues(text, lastLine);
  const seen = new Map<string, number>();
  const hashes: string[] = [];
  for (let i = 0; i < values.count; i++) {
    const value = hex(values.hi[i], values.lo[i]);
    const count = (seen.get(value) ?? 0) + 1;
    seen.set(value, count);
    hashes.push(`${value}:${count}`);
  }
  return hashes;
}

/**
 * The hashes of the given lines only (what a file's findings need), equal to `lineHashes(text)`'s
 * elements for them; undefined for a line the text does not have. Each line's `:N` counts the
 * earlier lines with the same value, compared as numbers, so no other line becomes a string.
 */
export function lineHashesAt(text: string, lines: readonly number[]): Array<string | undefined> {
  const last = lines.reduce((max, line) => Math.max(max, line), 0);
  // Counting repeats costs a pass over the earlier lines per line asked for: for a file with many
  // findings, one pass that formats every line is cheaper.
  if (lines.length > MANY_LINES) {
    const all = lineHashes(text, last);
    return lines.map((line) => all[line - 1]);
  }
  const values = lineValues(text, last);
  const { hi, lo } = values;
  return lines.map((line) => {
    const at = line - 1;
    if (at < 0 || at >= values.count) return undefined;
    let count = 0;
    for (let k = 0; k <= at; k++) if (hi[k] === hi[at] && lo[k] === lo[at]) count++;
    return `${hex(hi[at], lo[at])}:${count}`;
  });
}

/** Beyond this many lines asked for, `lineHashesAt` formats them all (see there). */
const MANY_LINES = 16;

function hex(hi: number, lo: number): string {
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
}

/**
 * Each line's 64-bit value (up to `lastLine`) as high and low 32-bit halves, lines in order.
 *
 * The 64-bit arithmetic runs on two 32-bit halves held in doubles: every intermediate product
 * (a half times 37, or times a UTF-16 code unit) stays below 2^53, so it is exact, and `>>> 0`
 * takes it modulo 2^32. BigInt gave the same values at about five times the cost.
 */
function lineValues(text: string, lastLine: number): { hi: Uint32Array; lo: Uint32Array; count: number } {
  // The window of codes entering the hash, and which line starts at each of its positions (0: none).
  const window = new Uint16Array(WINDOW);
  const lineAt = new Int32Array(WINDOW);
  let his = new Uint32Array(64);
  let los = new Uint32Array(64);
  let count = 0;
  let hi = 0;
  let lo = 0;
  let index = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;
  // The text, then the end marker, then WINDOW zeros to push the last lines' windows through.
  const end = text.length + 1 + WINDOW;
  for (let i = 0; i < end && count < lastLine; i++) {
    let code: number;
    if (i < text.length) {
      const raw = text.charCodeAt(i);
      if (raw === SPACE || raw === TAB || (afterCR && raw === LF)) {
        afterCR = false;
        continue;
      }
      afterCR = raw === CR;
      code = raw === CR ? LF : raw;
    } else {
      code = i === text.length ? EOF : 0;
    }
    if (lineAt[index] !== 0) {
      // The line that started WINDOW codes ago is complete (lines complete in order).
      if (count === his.length) {
        const grownHi = new Uint32Array(count * 2);
        const grownLo = new Uint32Array(count * 2);
        grownHi.set(his);
        grownLo.set(los);
        his = grownHi;
        los = grownLo;
      }
      his[count] = hi;
      los[count] = lo;
      count++;
      lineAt[index] = 0;
    }
    if (i <= text.length) {
      if (atLineStart) {
        atLineStart = false;
        lineAt[index] = ++line;
      }
      if (code === LF) atLineStart = true;
    }
    // hash = 37 * hash + code - 37^WINDOW * leaving, modulo 2^64
    const leaving = window[index];
    window[index] = code;
    const timesLo = lo * 37 + code;
    let nextLo = timesLo >>> 0;
    let nextHi = (hi * 37 + Math.floor(timesLo / TWO_32)) >>> 0;
    const minusLo = POW_LO * leaving;
    const minusHi = (POW_HI * leaving + Math.floor(minusLo / TWO_32)) >>> 0;
    const lowPart = minusLo >>> 0;
    if (nextLo < lowPart) nextHi = (nextHi - 1) >>> 0;
    nextLo = (nextLo - lowPart) >>> 0;
    hi = (nextHi - minusHi) >>> 0;
    lo = nextLo;
    if (++index === WINDOW) index = 0;
  }
  return { hi: his, lo: los, count: Math.min(count, lastLine) };
}

/** 37^n modulo 2^64 as [high, low] 32-bit halves. */
function powerOfBase(n: number): [number, number] {
  let hi = 0;
  let lo = 1;
  for (let i = 0; i < n; i++) {
    const timesLo = lo * 37;
    lo = timesLo >>> 0;
    hi = (hi * 37 + Math.floor(timesLo / TWO_32)) >>> 0;
  }
  return [hi, lo];
}

/**
 * fnscan's own fingerprint of a finding (SARIF `partialFingerprints["fnscan/v1"]`): sha256 of the
 * rule, the file relative to the repository root, the whitespace-normalised reported code and the
 * secret's hash. No line numbers, so it survives edits elsewhere in the file; it changes when the
 * flagged code itself changes or the file moves. Identical findings in one file share it.
 */
export function findingFingerprints(findings: readonly Finding[], root: string): string[] {
  const toRelative = repoRelative(root);
  return findings.map((finding) =>
    sha256(
      [
        'fnscan/v1',
        finding.ruleId,
        toRelative(finding.location.file),
        finding.context.replace(/\s+/g, ' ').trim(),
        finding.secretHash ?? '',
      ].join('\0'),
    ),
  );
}

/**
 * Baseline identity: the fingerprint plus the finding's occurrence index among findings with the
 * same fingerprint, counted in file order, so two identical findings stay two entries. Pass every
 * finding of the scan: the index depends on the others. One sha256 per finding, in the order given.
 */
export function findingIdentities(findings: readonly Finding[], root: string): string[] {
  const fingerprints = findingFingerprints(findings, root);
  const inFileOrder = findings
    .map((_, i) => i)
    .sort((a, b) => findings[a].location.start - findings[b].location.start || a - b);
  const occurrences = new Map<string, number>();
  const identities: string[] = [];
  for (const i of inFileOrder) {
    const occurrence = occurrences.get(fingerprints[i]) ?? 0;
    occurrences.set(fingerprints[i], occurrence + 1);
    identities[i] = sha256(`${fingerprints[i]}\0${occurrence}`);
  }
  return identities;
}

/**
 * Maps absolute paths to forward-slash paths relative to the root. The root is resolved through
 * symlinks once, because scanned files carry their real paths.
 */
export function repoRelative(root: string): (file: string) => string {
  const real = realRoot(root);
  return (file) => relativePath(real, file);
}

export function realRoot(root: string): string {
  const resolved = path.resolve(root);
  try {
    return fs.realpathSync(resolved);
  } catch {
    return resolved;
  }
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}
