import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from './types';
import { relativePath } from './engine';

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

/**
 * Hash of every line (up to `lastLine`): element `n - 1` is line `n`'s value, e.g. `a7f2ff13bc495cf2:1`.
 *
 * The 64-bit arithmetic runs on two 32-bit halves held in doubles: every intermediate product
 * (a half times 37, or times a UTF-16 code unit) stays below 2^53, so it is exact, and `>>> 0`
 * takes it modulo 2^32. BigInt gave the same values at about five times the cost.
 */
export function lineHashes(text: string, lastLine = Infinity): string[] {
  const window = new Array<number>(WINDOW).fill(0);
  const lineAt = new Array<number>(WINDOW).fill(0);
  const hashes: string[] = [];
  const seen = new Map<string, number>();
  let hi = 0;
  let lo = 0;
  let index = 0;
  let line = 0;
  let atLineStart = true;
  let afterCR = false;

  const emit = (): void => {
    const value = hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0');
    const count = (seen.get(value) ?? 0) + 1;
    seen.set(value, count);
    hashes[lineAt[index] - 1] = `${value}:${count}`;
    lineAt[index] = 0;
  };
  const push = (code: number): void => {
    const leaving = window[index];
    window[index] = code;
    // hash = 37 * hash + code - 37^WINDOW * leaving, modulo 2^64
    const timesLo = lo * 37 + code;
    let nextLo = timesLo >>> 0;
    let nextHi = (hi * 37 + Math.floor(timesLo / TWO_32)) >>> 0;
    const minusLo = POW_LO * leaving;
    const minusHi = (POW_HI * leaving + Math.floor(minusLo / TWO_32)) >>> 0;
    const lowPart = minusLo >>> 0;
    if (nextLo < lowPart) nextHi = (nextHi - 1) >>> 0;
    nextLo = (nextLo - lowPart) >>> 0;
    nextHi = (nextHi - minusHi) >>> 0;
    hi = nextHi;
    lo = nextLo;
    index = (index + 1) % WINDOW;
  };
  const read = (raw: number): void => {
    if (raw === SPACE || raw === TAB || (afterCR && raw === LF)) {
      afterCR = false;
      return;
    }
    afterCR = raw === CR;
    const code = raw === CR ? LF : raw;
    if (lineAt[index] !== 0) emit();
    if (atLineStart) {
      atLineStart = false;
      lineAt[index] = ++line;
    }
    if (code === LF) atLineStart = true;
    push(code);
  };

  // A line's hash is final once its window has passed; stop when `lastLine`'s is.
  for (let i = 0; i < text.length; i++) {
    read(text.charCodeAt(i));
    if (hashes.length >= lastLine) return hashes.slice(0, lastLine);
  }
  read(EOF);
  for (let i = 0; i < WINDOW; i++) {
    if (lineAt[index] !== 0) emit();
    push(0);
  }
  return hashes.length > lastLine ? hashes.slice(0, lastLine) : hashes;
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
