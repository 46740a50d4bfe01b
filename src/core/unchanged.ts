import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomically } from './atomic';
import { absoluteUnder, asciiJson, decodeOutcome, holdsUndefinedMarker, importResolver, projectKey, utcDay, type ContentHashes, type UnchangedParts, type UnitOutcome } from './cache';
import { readFileHead, readRegularFile, relativePath } from './files';
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

const FORMAT = 1;
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

interface Body {
  /** In the order of the files the digest covers: 0 for a file with no findings and no skips. */
  outcomes: unknown[];
  extras: UnchangedParts['extras'];
  resolutions: UnchangedParts['resolutions'];
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
 * The outcomes of the scan's files, in their order, if the record vouches for every one of them;
 * undefined otherwise (no record, another scan's, or anything changed). Stats every file once
 * (through `hashes`, which keeps the signatures for the per-file lookups if it comes to that).
 */
export function readUnchanged(check: UnchangedCheck): UnitOutcome[] | undefined {
  const file = path.join(check.location, FILE_NAME);
  try {
    // The header alone first: a scan with changes pays for the digest, not for reading the outcomes.
    const head = readFileHead(file, HEADER_BYTES);
    const header = head && headerOf(head);
    if (!header || header.format !== FORMAT || header.key !== check.key) return undefined;
    if (header.day !== undefined && header.day !== utcDay()) return undefined;
    const digest = treeDigest(check.root, check.key, check.units, (unitPath) => check.hashes.signature(unitPath));
    if (digest === undefined || header.digest !== digest) return undefined;
    const read = readRegularFile(file, MAX_BYTES);
    if ('skipped' in read) return undefined;
    const bytes = read.bytes;
    const newline = bytes.indexOf(0x0a);
    // The same header (the file may have been replaced since), over a body with its sum.
    if (newline < 0 || !bytes.subarray(0, newline).equals(head.subarray(0, newline))) return undefined;
    const raw = bytes.subarray(newline + 1);
    if (header.sum !== sha256(raw)) return undefined;
    const body = JSON.parse(raw.toString('latin1')) as Body;
    const absolute = absoluteFrom(check.root);
    if (!extrasHold(body.extras, check.hashes, absolute)) return undefined;
    if (!resolutionsHold(body.resolutions, check, absolute)) return undefined;
    // The digest matched, so these are the recorded files, in the recorded order.
    const outcomes = body.outcomes;
    if (!Array.isArray(outcomes) || outcomes.length !== check.units.length) return undefined;
    const use = holdsUndefinedMarker(raw) ? 'in place' : 'as parsed';
    return outcomes.map((stored) => (stored === 0 ? { findings: [], skipped: [] } : decodeOutcome(stored, absolute, use)));
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
 * Writes the record of a scan that went through the per-file lookups; nothing when a file has no
 * signature yet (written within the last seconds) or `parts` could not vouch for everything.
 * Never throws: the record only saves time.
 */
export function writeUnchanged(write: UnchangedWrite, parts: UnchangedParts | undefined): void {
  if (!parts) return;
  const signatures = new Map(write.units.map((u) => [u.path, u.signature]));
  const digest = treeDigest(write.root, write.key, write.units, (file) => signatures.get(file));
  if (digest === undefined) return;
  const body: Body = { outcomes: parts.outcomes, extras: parts.extras, resolutions: parts.resolutions };
  const raw = Buffer.from(asciiJson(body), 'latin1');
  const header: Header = {
    format: FORMAT,
    key: write.key,
    digest,
    ...(write.units.some((u) => u.dated) && { day: utcDay() }),
    sum: sha256(raw),
  };
  try {
    fs.mkdirSync(write.location, { recursive: true });
    writeFileAtomically(path.join(write.location, FILE_NAME), Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), raw]));
  } catch {
    // An unwritable location is reported by the scan cache's own save.
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
function extrasHold(extras: Body['extras'], hashes: ContentHashes, absolute: (p: string) => string): boolean {
  if (!Array.isArray(extras)) return false;
  return extras.every(([module, hash, signature]) => {
    const file = absolute(module);
    return signature === '' ? hashes.of(file) === hash : hashes.signature(file) === signature;
  });
}

/** Whether every recorded import still resolves to the recorded target, in its project. */
function resolutionsHold(resolutions: Body['resolutions'], check: UnchangedCheck, absolute: (p: string) => string): boolean {
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

function sha256(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}
