import crypto from 'node:crypto';
import path from 'node:path';
import { readSummedFile, writeSummedFile } from './summed';
import { absoluteUnder, asciiJson, decodeOutcome, holdsUndefinedMarker, importResolver, projectKey, utcDay, type ContentHashes, type UnchangedParts, type UnitOutcome } from './cache';
import { readFileHead, relativePath } from './files';
import type { KnownFolders } from './folders';
import type { ProjectInfo } from './project';

/**
 * The unchanged-tree record (`scan-result.json` beside the scan cache): the outcome of every file
 * of the last `--cache` scan, with a digest of the files it covered (path, kind, project, stat
 * signature), what their outcomes depended on outside them, and the imports they resolved. A scan
 * whose files all have the signatures of that digest, whose outside dependencies are unchanged and
 * whose imports still resolve the same way has, file for file, the outcomes a lookup in the scan
 * cache would give; it takes them from here without reading the scan cache at all (at 8,000
 * functions, parsing its 4.4 MB and a lookup per file: 0.25 s of a 0.8 s warm scan on a 2-core VM).
 * Anything else, one edited file included, falls back to the per-file lookups; the record is
 * written again by a scan after which the tree is likely to stay as it is (`ScanPlan`).
 */

const FORMAT = 2;
const FILE_NAME = 'scan-result.json';
/** Far above what a scan writes (2.1 MB at 8,000 functions): only a file that is no record is refused. */
const MAX_BYTES = 1024 * 1024 * 1024;
/** More than a header line takes (about 300 bytes). */
const HEADER_BYTES = 4096;

/** A file of the scan, as the record identifies it. */
export interface RecordedUnit {
  path: string;
  kind: 'source' | 'text';
  project: ProjectInfo;
}

interface Header {
  format: number;
  key: string;
  digest: string;
  /** The UTC date the outcomes hold for, when a file has a dated suppression. */
  day?: string;
  sum: string;
}

/**
 * After the header, two lines: what the outcomes depend on outside the files (checked on every
 * use), then the outcomes, in the order of the files the digest covers (0 for a file with no
 * findings and no skips), parsed only when the scan's result is wanted.
 */
interface Checks {
  extras: UnchangedParts['extras'];
  resolutions: UnchangedParts['resolutions'];
}

/** What the record vouches for. */
export interface Unchanged {
  /** The record's header line: changes whenever anything the outcomes came from changes. */
  stamp: string;
  /** The outcomes of the scan's files, in their order. */
  outcomes(): UnitOutcome[];
}

export interface UnchangedCheck {
  location: string;
  /** The scan cache's key (fnscan, rules, config, options). */
  key: string;
  root: string;
  units: readonly RecordedUnit[];
  projects: readonly ProjectInfo[];
  hashes: ContentHashes;
  folders: KnownFolders;
}

export interface UnchangedWrite {
  location: string;
  key: string;
  root: string;
  /** The scan's files with the signatures their outcomes were judged (or found in the cache) with. */
  units: ReadonlyArray<RecordedUnit & { signature?: string; dated: boolean }>;
}

/**
 * The record, if it vouches for every file of the scan; undefined otherwise (no record, another
 * scan's, or anything changed). Stats every file once (through `hashes`, which keeps the
 * signatures for the per-file lookups if it comes to that).
 */
export function readUnchanged(check: UnchangedCheck): Unchanged | undefined {
  const file = path.join(check.location, FILE_NAME);
  try {
    // The header alone first: a scan with changes pays for the digest, not for reading the outcomes.
    const head = readFileHead(file, HEADER_BYTES);
    const header = head && headerOf(head);
    if (!header || header.format !== FORMAT || header.key !== check.key) return undefined;
    if (header.day !== undefined && header.day !== utcDay()) return undefined;
    const digest = treeDigest(check.root, check.key, check.units, (unitPath) => check.hashes.signature(unitPath));
    if (digest === undefined || header.digest !== digest) return undefined;
    // The same header (the file may have been replaced since), over a body with its sum.
    const read = readSummedFile(file, MAX_BYTES);
    if (!read || !read.headerLine.equals(head.subarray(0, head.indexOf(0x0a)))) return undefined;
    const raw = read.body;
    const split = raw.indexOf(0x0a);
    if (split < 0) return undefined;
    const checks = JSON.parse(raw.toString('latin1', 0, split)) as Checks;
    const absolute = absoluteFrom(check.root);
    if (!extrasHold(checks.extras, check.hashes, absolute)) return undefined;
    if (!resolutionsHold(checks.resolutions, check, absolute)) return undefined;
    const stored = raw.subarray(split + 1);
    // The digest matched, so these are the recorded files, in the recorded order.
    const count = check.units.length;
    return {
      stamp: read.headerLine.toString('latin1'),
      outcomes: () => {
        const outcomes = JSON.parse(stored.toString('latin1')) as unknown[];
        if (!Array.isArray(outcomes) || outcomes.length !== count) throw new Error('The unchanged-tree record does not match its digest.');
        const use = holdsUndefinedMarker(stored) ? 'in place' : 'as parsed';
        return outcomes.map((o) => (o === 0 ? { findings: [], skipped: [] } : decodeOutcome(o, absolute, use)));
      },
    };
  } catch {
    return undefined;
  }
}

/** The header line at the start of `head`, parsed; undefined when there is none. */
function headerOf(head: Buffer): Partial<Header> | undefined {
  const newline = head.indexOf(0x0a);
  return newline < 0 ? undefined : (JSON.parse(head.toString('utf8', 0, newline)) as Partial<Header>);
}

/**
 * Writes the record of a scan that went through the per-file lookups and returns its stamp;
 * nothing when a file has no signature yet (written within the last seconds) or `parts` could
 * not vouch for everything. Never throws: the record only saves time.
 */
export function writeUnchanged(write: UnchangedWrite, parts: UnchangedParts | undefined): string | undefined {
  if (!parts) return undefined;
  const signatures = new Map(write.units.map((u) => [u.path, u.signature]));
  const digest = treeDigest(write.root, write.key, write.units, (file) => signatures.get(file));
  if (digest === undefined) return undefined;
  const checks: Checks = { extras: parts.extras, resolutions: parts.resolutions };
  const raw = Buffer.from(`${asciiJson(checks)}\n${asciiJson(parts.outcomes)}`, 'latin1');
  const header: Omit<Header, 'sum'> = {
    format: FORMAT,
    key: write.key,
    digest,
    ...(write.units.some((u) => u.dated) && { day: utcDay() }),
  };
  try {
    return writeSummedFile(path.join(write.location, FILE_NAME), { ...header }, raw).line;
  } catch {
    // An unwritable location is reported by the scan cache's own save.
    return undefined;
  }
}

/**
 * A hash of the root, the key and each file's path, kind, project and stat signature, in scan
 * order; undefined when a file has no signature (too recent to vouch for its content). Hashed as
 * one string: this runs for every file of every `--cache` scan.
 */
function treeDigest(root: string, key: string, units: readonly RecordedUnit[], signatureOf: (file: string) => string | undefined): string | undefined {
  const lines: string[] = [`${root}\0${key}`];
  const projects = new Map<ProjectInfo, string>();
  for (const unit of units) {
    const signature = signatureOf(unit.path);
    if (signature === undefined) return undefined;
    let project = projects.get(unit.project);
    if (project === undefined) {
      project = projectKey(unit.project, root);
      projects.set(unit.project, project);
    }
    lines.push(`${unit.path}\0${unit.kind}\0${project}\0${signature}`);
  }
  return crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * Whether every dependency outside the scan's files is as recorded: a file by its signature;
 * what has none (a listing, a folder, a missing or a recent file) by its hash, taken again.
 */
function extrasHold(extras: Checks['extras'], hashes: ContentHashes, absolute: (p: string) => string): boolean {
  if (!Array.isArray(extras)) return false;
  return extras.every(([module, hash, signature]) => {
    const file = absolute(module);
    return signature === '' ? hashes.of(file) === hash : hashes.signature(file) === signature;
  });
}

/** Whether every recorded import still resolves to the recorded target, in its project. */
function resolutionsHold(resolutions: Checks['resolutions'], check: UnchangedCheck, absolute: (p: string) => string): boolean {
  if (!Array.isArray(resolutions)) return false;
  const projects = new Map(check.projects.map((p) => [projectKey(p, check.root), p]));
  const resolve = importResolver(check.folders);
  return resolutions.every(([key, dir, specifier, target]) => {
    const project = projects.get(key);
    if (!project) return false;
    const now = resolve(absolute(dir), specifier, project);
    return (now === undefined ? null : relativePath(check.root, now)) === target;
  });
}

function absoluteFrom(root: string): (relative: string) => string {
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return (relative) => absoluteUnder(root, prefix, relative);
}

