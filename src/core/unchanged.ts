import crypto from 'node:crypto';
import path from 'node:path';
import { readSummedFile, splitLines, writeSummedFile } from './summed';
import { TableWriter, absoluteUnder, asciiJson, decodeOutcome, holdsUndefinedMarker, importResolver, projectKey, utcDay, type ContentHashes, type DependencyGroup, type DependencyTables, type RecordEntry, type UnitOutcome } from './cache';
import { importBases } from './analysis';
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
 *
 * When a few files changed (an edit), the record's table of files (`scan-units.json`: each file's
 * signature and dependency groups) says which outcomes still hold: a file's own, when its
 * signature is the recorded one and every group it depends on holds, as a scan cache entry's
 * would (a module by its recorded file's signature, or as an outside dependency by its signature
 * or hash; an import by resolving it again). The others are judged again and the record is
 * written anew, repeating the lines of the files it took byte for byte. The scan cache is neither
 * read nor written then: its entries are checked by content, so one that lags costs a later scan
 * a judgement, never a result. Past a handful of changed files (a checkout, say) the per-file
 * lookups take over: they find touched but unchanged files by content instead of judging them.
 */

const FORMAT = 4;
const FILE_NAME = 'scan-result.json';
/** The record's table of files, read only when some file changed. */
const UNITS_NAME = 'scan-units.json';
const UNITS_FORMAT = 1;
/** Far above what a scan writes (2.1 MB at 8,000 functions): only a file that is no record is refused. */
const MAX_BYTES = 1024 * 1024 * 1024;
/** More than a header line takes (about 300 bytes). */
const HEADER_BYTES = 4096;
const NEWLINE = 0x0a;

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
  /**
   * The files recorded by their content (too recent, when the record was written, for their stat
   * to vouch for them): relative path to content hash. The digest holds them by that hash, so a
   * scan that finds their content unchanged takes every outcome from the record. Absent (and the
   * digest empty) when there are too many to list in the header.
   */
  content?: Record<string, string>;
  /** The UTC date the outcomes hold for, when a file has a dated suppression. */
  day?: string;
  sum: string;
}

/** A dependency outside the recorded files: relative path, content hash, stat signature ('' when it has none). */
type Extra = [string, string | null, string];
/** An import to resolve again: project key, importing folder and target relative to the root, specifier. */
type Resolution = [string, string, string, string | null];

/**
 * The record's body: this line (what the outcomes depend on outside the files, checked on every
 * use), then a line per file with its outcome (0 for no findings and no skips), in the order of
 * the files the digest covers, parsed only when the scan's result is wanted.
 */
interface Checks {
  extras: Extra[];
  resolutions: Resolution[];
}

/**
 * `scan-units.json`: this line (each project, module row, import row and group stored once), the
 * recorded files' paths and their signatures (a line each, in the record's order, so a scan can
 * tell how many files changed before reading more), then a line per file: its kind, project
 * (index), whether it is dated (1 or 0) and its groups (indexes). Its header names the record's
 * sum, so it never pairs with another record.
 */
type Tables = DependencyTables;

type UnitRow = ['source' | 'text', number, number, number[]];

/** The record vouches for every file of the scan. */
export interface Unchanged {
  kind: 'all';
  /** The record's header line: changes whenever anything the outcomes came from changes. */
  stamp: string;
  /** The outcomes of the scan's files, in their order. */
  outcomes(): UnitOutcome[];
}

/** What the record keeps of a file, and for a file taken from a record read, the lines to repeat. */
export interface KeptEntry extends RecordEntry {
  /** The file's outcome and row in `base`, repeated as they are. */
  from?: number;
}

/** The record vouches for all but a few files of the scan. */
export interface Reusable {
  kind: 'some';
  /** Per file of the scan, in order: the recorded outcome and what to record of it again, or undefined to judge it. */
  reused: Array<{ entry: KeptEntry; outcome: UnitOutcome } | undefined>;
  /** The record read, whose lines the next one repeats. */
  base: RecordBase;
}

/** A record as read: its tables, files and the lines of its files (an entry's `from` indexes them). */
export interface RecordBase {
  tables: Tables;
  /** Rows the tables held when they were last written afresh; rows written since were appended. */
  live: number;
  paths: string[];
  signatures: string[];
  rows: Buffer[];
  outcomes: Buffer[];
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
  /**
   * Called once the record is found not to answer for every file (a file not as recorded, by its
   * stat or, for one recorded by its content, by that), before the files it still answers for
   * are sorted out.
   */
  onStale?: () => void;
}

export interface UnchangedWrite {
  location: string;
  key: string;
  root: string;
  /** The scan's files, in order. */
  units: readonly RecordedUnit[];
  hashes: ContentHashes;
  /** The record the entries with a `from` come from. */
  base?: RecordBase;
}

/**
 * What the record says of this scan's files: every outcome, when it vouches for all of them; the
 * outcomes that still hold, when only a few files need judging again (see `reusable`); undefined
 * otherwise (no record, another scan's, or too much changed). Stats every file once (through
 * `hashes`, which keeps the signatures for the per-file lookups if it comes to that).
 */
export function readUnchanged(check: UnchangedCheck): Unchanged | Reusable | undefined {
  const file = path.join(check.location, FILE_NAME);
  try {
    // The header alone first: a scan with another key or day reads no further.
    const head = readFileHead(file, HEADER_BYTES);
    const header = head && headerOf(head);
    if (!header || header.format !== FORMAT || header.key !== check.key) return undefined;
    if (header.day !== undefined && header.day !== utcDay()) return undefined;
    const byContent = contentVouched(header.content, check.root);
    const digest = treeDigest(check.root, check.key, check.units, (i) => {
      const unit = check.units[i];
      const hash = byContent?.get(unit.path);
      if (hash === undefined) return check.hashes.signature(unit.path);
      return check.hashes.of(unit.path) === hash ? vouchedByContent(hash) : undefined;
    });
    if (digest === undefined || header.digest !== digest) {
      check.onStale?.();
      return reusable(check, () => readRecord(file, head));
    }
    const record = readRecord(file, head);
    if (!record) return undefined;
    const absolute = absoluteFrom(check.root);
    if (!extrasHold(record.checks.extras, check.hashes, absolute) || !resolutionsHold(record.checks.resolutions, check, absolute)) {
      check.onStale?.();
      return reusable(check, () => record);
    }
    // The digest matched, so these are the recorded files, in the recorded order.
    const count = check.units.length;
    return {
      kind: 'all',
      stamp: record.headerLine.toString('latin1'),
      outcomes: () => {
        const lines = splitLines(record.outcomes);
        if (lines.length !== count) throw new Error('The unchanged-tree record does not match its digest.');
        const use = holdsUndefinedMarker(record.outcomes) ? 'in place' : 'as parsed';
        return lines.map((line) => decodeLine(line, absolute, use));
      },
    };
  } catch {
    return undefined;
  }
}

interface RecordRead {
  headerLine: Buffer;
  sum: string;
  checks: Checks;
  /** The outcome lines, unparsed. */
  outcomes: Buffer;
}

/** The record whose header line `head` starts with (the file may have been replaced since), over a body with its sum. */
function readRecord(file: string, head: Buffer): RecordRead | undefined {
  const read = readSummedFile(file, MAX_BYTES);
  if (!read || !read.headerLine.equals(head.subarray(0, head.indexOf(NEWLINE)))) return undefined;
  const raw = read.body;
  // No line after the checks when the scan had no files.
  const newline = raw.indexOf(NEWLINE);
  const split = newline < 0 ? raw.length : newline;
  const checks = JSON.parse(raw.toString('latin1', 0, split)) as Checks;
  if (!Array.isArray(checks.extras) || !Array.isArray(checks.resolutions)) return undefined;
  return { headerLine: read.headerLine, sum: read.header.sum as string, checks, outcomes: raw.subarray(split + 1) };
}

/** An outcome line as the scan uses it. */
function decodeLine(line: Buffer, absolute: (p: string) => string, use: 'copy' | 'in place' | 'as parsed'): UnitOutcome {
  if (line.length === 1 && line[0] === 0x30) return { findings: [], skipped: [] };
  return decodeOutcome(JSON.parse(line.toString('latin1')), absolute, use);
}

/**
 * The recorded outcomes that still hold for a scan whose files are not all as recorded: each
 * file's whose signature, kind and project are as recorded and whose dependency groups all hold.
 * A group holds when each module in it is unchanged (a recorded file by its signature, an outside
 * one as the full check takes it) and each import resolves, in the file's project, as recorded.
 * Undefined when more than a handful of files would be judged again.
 */
function reusable(check: UnchangedCheck, readRecordBody: () => RecordRead | undefined): Reusable | undefined {
  const read = readSummedFile(path.join(check.location, UNITS_NAME), MAX_BYTES);
  if (!read || read.header.format !== UNITS_FORMAT || read.header.key !== check.key) return undefined;
  const [tableLine, pathsLine, signaturesLine, ...rows] = splitLines(read.body);
  const paths = strings(JSON.parse(pathsLine.toString('latin1')), rows.length);
  const signatures = strings(JSON.parse(signaturesLine.toString('latin1')), rows.length);
  const absolute = absoluteFrom(check.root);
  const recorded = new Map(paths.map((file, i) => [file, i]));
  // Each answer is taken once per scan. A file recorded while too recent to vouch for by its stat
  // was recorded by its content hash (`#` and the hash), and is checked by it.
  const same = flags(paths.length, (i) => {
    const file = absolute(paths[i]);
    const recordedAs = signatures[i];
    return recordedAs.startsWith(BY_CONTENT) ? check.hashes.of(file) === recordedAs.slice(BY_CONTENT.length) : check.hashes.signature(file) === recordedAs;
  });
  const limit = Math.max(MIN_REJUDGED, Math.floor(check.units.length / 100));
  // First the files that are new or not as recorded, which cost no more reading: past the limit
  // (a checkout, another set of files), the scan cache's lookups do better.
  const places = check.units.map((unit) => {
    const at = recorded.get(relativePath(check.root, unit.path));
    return at !== undefined && same(at) ? at : -1;
  });
  let judged = places.filter((at) => at < 0).length;
  if (judged > limit) return undefined;
  const record = readRecordBody();
  if (!record || read.header.record !== record.sum) return undefined;
  const outcomes = splitLines(record.outcomes);
  if (outcomes.length !== rows.length) return undefined;
  const tables = checkedTables(JSON.parse(tableLine.toString('latin1')) as Tables);
  const live = typeof read.header.live === 'number' ? read.header.live : tableRows(tables);
  const extras = new Map(record.checks.extras.map((extra) => [extra[0], extra]));
  const moduleHolds = flags(tables.modules.length, (row) => {
    const [module, hash] = tables.modules[row];
    const at = recorded.get(module);
    if (at !== undefined) return same(at);
    const extra = extras.get(module);
    return extra !== undefined && extra[1] === hash && extraHolds(extra, check.hashes, absolute);
  });
  const resolve = importResolver(check.folders);
  // Imports resolve per project; so do groups, which hold imports.
  const perProject = new Map<string, (group: number) => boolean>();
  const groupHolds = (project: ProjectInfo, key: string): ((group: number) => boolean) => {
    let holds = perProject.get(key);
    if (!holds) {
      const resolves = flags(tables.resolutions.length, (row) => {
        const [dir, specifier, target] = tables.resolutions[row];
        const now = resolve(absolute(dir), specifier, project);
        return (now === undefined ? null : relativePath(check.root, now)) === target;
      });
      holds = flags(tables.groups.length, (group) => tables.groups[group][0].every(moduleHolds) && tables.groups[group][1].every(resolves));
      perProject.set(key, holds);
    }
    return holds;
  };
  const groups = groupObjects(tables);
  const keys = new Map<ProjectInfo, string>();
  // Rows repeat (kind, project, dated, groups: 1,779 distinct among 11,107 at 8,000 functions): each distinct one is parsed once.
  const parsedRows = new Map<string, UnitRow>();
  const reused: Reusable['reused'] = [];
  check.units.forEach((unit, i) => {
    const at = places[i];
    if (at < 0) {
      reused.push(undefined);
      return;
    }
    let key = keys.get(unit.project);
    if (key === undefined) {
      key = projectKey(unit.project, check.root);
      keys.set(unit.project, key);
    }
    const text = rows[at].toString('latin1');
    let row = parsedRows.get(text);
    if (row === undefined) {
      row = checkedRow(JSON.parse(text) as UnitRow, tables);
      parsedRows.set(text, row);
    }
    if (row[0] !== unit.kind || tables.projects[row[1]] !== key || !row[3].every(groupHolds(unit.project, key))) {
      judged++;
      reused.push(undefined);
      return;
    }
    // One recorded by its content, found unchanged, is recorded by its stat once it has one.
    const signature = signatures[at].startsWith(BY_CONTENT) ? (check.hashes.signature(unit.path) ?? signatures[at]) : signatures[at];
    const entry: KeptEntry = { outcome: undefined, groups: row[3].map((g) => groups[g]), project: key, signature, dated: row[2] === 1, from: at };
    // Parsed from its line for this use alone: the next record repeats the line, not the object.
    reused.push({ entry, outcome: decodeLine(outcomes[at], absolute, holdsUndefinedMarker(outcomes[at]) ? 'in place' : 'as parsed') });
  });
  return judged <= limit ? { kind: 'some', reused, base: { tables, live, paths, signatures, rows, outcomes } } : undefined;
}

/** `value` if it is an array of `length` strings; throws otherwise. */
function strings(value: unknown, length: number): string[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === 'string')) {
    throw new Error("The unchanged-tree record's table of files is malformed.");
  }
  return value as string[];
}

/** Starts what the table holds in place of a signature for a file recorded by its content hash. */
const BY_CONTENT = '#';

/**
 * Files recorded by their content that the header lists (more leave the record without a digest),
 * and the bytes their paths and hashes may take there: with the rest of the header (about 300
 * bytes), well within the HEADER_BYTES read.
 */
const MAX_CONTENT_VOUCHED = 8;
const MAX_CONTENT_BYTES = 2048;

/** The header's files recorded by their content, by absolute path; undefined when it lists none. */
function contentVouched(content: unknown, root: string): Map<string, string> | undefined {
  if (content === undefined || typeof content !== 'object' || content === null) return undefined;
  const absolute = absoluteFrom(root);
  const byPath = new Map<string, string>();
  for (const [rel, hash] of Object.entries(content)) if (typeof hash === 'string') byPath.set(absolute(rel), hash);
  return byPath;
}

/** What the record keeps in place of a signature for a file too recent to vouch for by its stat (its content hash), if it can. */
export function vouchedByContent(hash: string | null): string | undefined {
  return hash === null ? undefined : `${BY_CONTENT}${hash}`;
}

/** A scan may judge this many files again (or 1% of its files, if more) and still take the rest from the record. */
const MIN_REJUDGED = 16;

/**
 * Rows appended to the tables past twice what they held when last written afresh (and past this
 * many) make the next record write them afresh. Repeated files keep their rows by reference, so
 * each edit run appends the rows of the files it judged, and the rows they had go on being kept.
 */
const SLACK_ROWS = 64;

function tableRows(tables: Tables): number {
  return tables.modules.length + tables.resolutions.length + tables.groups.length;
}

/** `answer(i)` for indexes below `size`, each taken once. */
function flags(size: number, answer: (index: number) => boolean): (index: number) => boolean {
  const known = new Uint8Array(size);
  return (i) => {
    if (known[i] === 0) known[i] = answer(i) ? 1 : 2;
    return known[i] === 1;
  };
}

/** The groups as the scan cache holds them, one object per group. */
function groupObjects(tables: Tables): DependencyGroup[] {
  return tables.groups.map(([modules, resolutions]) => ({
    modules: modules.map((i) => tables.modules[i]),
    resolutions: resolutions.map((i) => tables.resolutions[i]),
  }));
}

/** The tables as parsed, checked row by row (they are trusted only as far as their sum). */
function checkedTables(tables: Tables): Tables {
  const { projects, modules, resolutions, groups } = tables;
  const valid =
    Array.isArray(projects) &&
    projects.every((p) => typeof p === 'string') &&
    Array.isArray(modules) &&
    modules.every((m) => Array.isArray(m) && m.length === 2 && typeof m[0] === 'string') &&
    Array.isArray(resolutions) &&
    resolutions.every((r) => Array.isArray(r) && r.length === 3 && typeof r[0] === 'string' && typeof r[1] === 'string') &&
    Array.isArray(groups) &&
    groups.every((g) => Array.isArray(g) && g.length === 2 && indexesBelow(g[0], modules.length) && indexesBelow(g[1], resolutions.length));
  if (!valid) throw new Error("The unchanged-tree record's tables are malformed.");
  return tables;
}

function checkedRow(row: UnitRow, tables: Tables): UnitRow {
  const valid = Array.isArray(row) && row.length === 4 && indexesBelow([row[1]], tables.projects.length) && indexesBelow(row[3], tables.groups.length);
  if (!valid) throw new Error("A row of the unchanged-tree record's table of files is malformed.");
  return row;
}

function indexesBelow(list: unknown, size: number): boolean {
  return Array.isArray(list) && list.every((i) => Number.isInteger(i) && i >= 0 && i < size);
}

/** The header line at the start of `head`, parsed; undefined when there is none. */
function headerOf(head: Buffer): Partial<Header> | undefined {
  const newline = head.indexOf(NEWLINE);
  return newline < 0 ? undefined : (JSON.parse(head.toString('utf8', 0, newline)) as Partial<Header>);
}

/**
 * Writes the record of a scan (and its table of files) and returns its stamp; nothing when
 * `entries` could not vouch for every file or an outside dependency changed during the scan.
 * Entries taken from a record read repeat its lines (`write.base`); the others' are made here.
 * Never throws: the record only saves time.
 */
export function writeUnchanged(write: UnchangedWrite, entries: ReadonlyArray<KeptEntry | undefined> | undefined): string | undefined {
  if (!entries || entries.length !== write.units.length || !entries.every((e): e is KeptEntry => e !== undefined)) return undefined;
  // Entries taken from a record come with it.
  const base = write.base;
  if (!base && entries.some((e) => e.from !== undefined)) return undefined;
  // Files recorded by their content are named in the header, and the digest holds them by it:
  // a scan that finds their content unchanged takes every outcome from the record. Past what the
  // header can list, the record has no digest: a scan that finds them unchanged takes the others.
  const byContent = entries.flatMap((e, i) => (e.signature.startsWith(BY_CONTENT) ? [[relativePath(write.root, write.units[i].path), e.signature.slice(BY_CONTENT.length)] as const] : []));
  const listed = byContent.length <= MAX_CONTENT_VOUCHED && Buffer.byteLength(JSON.stringify(byContent)) <= MAX_CONTENT_BYTES;
  const digest = treeDigest(write.root, write.key, write.units, (i) => (listed || !entries[i].signature.startsWith(BY_CONTENT) ? entries[i].signature : undefined));
  const checks = recordChecks(write, entries);
  if (!checks) return undefined;
  // Rows repeated by reference keep the tables they index; past the slack, every row is made again.
  const appending = base !== undefined && tableRows(base.tables) <= 2 * base.live + SLACK_ROWS;
  const tables = appending ? new TableWriter(base.tables) : new TableWriter();
  const outcomes = new Lines();
  outcomes.add(Buffer.from(asciiJson(checks), 'latin1'));
  const rows = new Lines();
  const paths: string[] = [];
  entries.forEach((entry, i) => {
    const unit = write.units[i];
    const from = base === undefined ? undefined : entry.from;
    if (from !== undefined) {
      outcomes.repeat(base!.outcomes, from);
      paths.push(base!.paths[from]);
    } else {
      outcomes.add(Buffer.from(asciiJson(entry.outcome), 'latin1'));
      paths.push(relativePath(write.root, unit.path));
    }
    if (from !== undefined && appending) {
      rows.repeat(base!.rows, from);
    } else {
      const row: UnitRow = [unit.kind, tables.project(entry.project), entry.dated ? 1 : 0, entry.groups.map((g) => tables.group(g))];
      rows.add(Buffer.from(asciiJson(row), 'latin1'));
    }
  });
  const header: Omit<Header, 'sum'> = {
    format: FORMAT,
    key: write.key,
    digest: digest ?? '',
    ...(listed && byContent.length > 0 && { content: Object.fromEntries(byContent) }),
    ...(entries.some((e) => e.dated) && { day: utcDay() }),
  };
  try {
    const written = writeSummedFile(path.join(write.location, FILE_NAME), { ...header }, outcomes.body());
    const files = new Lines();
    for (const line of [tables.tables, paths, entries.map((e) => e.signature)]) files.add(Buffer.from(asciiJson(line), 'latin1'));
    const table = rows.empty ? files.body() : [...files.body(), LINE_BREAK, ...rows.body()];
    const live = appending ? base.live : tableRows(tables.tables);
    writeSummedFile(path.join(write.location, UNITS_NAME), { format: UNITS_FORMAT, key: write.key, record: written.sum, live }, table);
    return written.line;
  } catch {
    // An unwritable location is reported by the scan cache's own save.
    return undefined;
  }
}

const LINE_BREAK = Buffer.from('\n');
/** More parts than this are joined before they are written. */
const MAX_PARTS = 64;

/**
 * A body's lines as they are added. Lines repeated from a body read earlier (`repeat`, lines as
 * `splitLines` gave them) that follow one another there are kept as one span of it: an edit
 * run's record is mostly long runs of the last one's lines, copied once each instead of line by
 * line (at 8,000 functions, 11,000 lines in two bodies).
 */
class Lines {
  private readonly parts: Buffer[] = [];
  private run: { lines: readonly Buffer[]; first: number; last: number } | undefined;

  get empty(): boolean {
    return this.parts.length === 0 && this.run === undefined;
  }

  add(line: Buffer): void {
    this.flush();
    this.parts.push(line);
  }

  repeat(lines: readonly Buffer[], at: number): void {
    if (this.run && this.run.lines === lines && this.run.last + 1 === at) {
      this.run.last = at;
      return;
    }
    this.flush();
    this.run = { lines, first: at, last: at };
  }

  /**
   * The lines with a line break between each two, as the parts of a body: written part by part
   * when they are a few spans, joined first when they are many lines (a write per line would cost
   * more than the copy).
   */
  body(): Buffer[] {
    this.flush();
    const joined: Buffer[] = [];
    this.parts.forEach((part, i) => {
      if (i > 0) joined.push(LINE_BREAK);
      joined.push(part);
    });
    return joined.length > MAX_PARTS ? [Buffer.concat(joined)] : joined;
  }

  /** The run as one part: from its first line's start to its last line's end in the body they share. */
  private flush(): void {
    if (!this.run) return;
    const { lines, first, last } = this.run;
    const start = lines[first];
    const end = lines[last];
    this.parts.push(Buffer.from(start.buffer, start.byteOffset, end.byteOffset + end.length - start.byteOffset));
    this.run = undefined;
  }
}

/**
 * What the outcomes depend on outside the files (modules with their hashes and signatures) and
 * every import they resolved, each group looked at once per project; undefined when an outside
 * module's content is no longer the one recorded.
 */
function recordChecks(write: UnchangedWrite, entries: readonly KeptEntry[]): Checks | undefined {
  const files = new Set(write.units.map((u) => relativePath(write.root, u.path)));
  const absolute = absoluteFrom(write.root);
  const modules = new Map<string, string | null>();
  const resolutions = new Map<string, Resolution>();
  const seen = new Map<DependencyGroup, Set<string>>();
  entries.forEach((entry, i) => {
    for (const group of entry.groups) {
      let projects = seen.get(group);
      if (!projects) {
        projects = new Set();
        seen.set(group, projects);
        for (const [module, hash] of group.modules) if (!files.has(module)) modules.set(module, hash);
      }
      if (projects.has(entry.project)) continue;
      projects.add(entry.project);
      for (const [dir, specifier, target] of group.resolutions) {
        // A package import resolves to nothing whatever the files are: nothing to check again.
        if (target === null && importBases(absolute(dir), specifier, write.units[i].project).length === 0) continue;
        resolutions.set(`${entry.project}\0${dir}\0${specifier}`, [entry.project, dir, specifier, target]);
      }
    }
  });
  const extras: Extra[] = [];
  for (const [module, hash] of [...modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const state = write.hashes.state(absolute(module));
    if (state.hash !== hash) return undefined;
    // A listing, a folder, a missing or a recent file has no signature.
    extras.push([module, hash, state.signature ?? '']);
  }
  return { extras, resolutions: [...resolutions.values()] };
}

/**
 * A hash of the root, the key and each file's path, kind, project and stat signature, in scan
 * order; undefined when a file has no signature (too recent to vouch for its content). Hashed as
 * one string: this runs for every file of every `--cache` scan.
 */
function treeDigest(root: string, key: string, units: readonly RecordedUnit[], signatureAt: (index: number) => string | undefined): string | undefined {
  const lines: string[] = [`${root}\0${key}`];
  const projects = new Map<ProjectInfo, string>();
  for (let i = 0; i < units.length; i++) {
    const unit = units[i];
    const signature = signatureAt(i);
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
function extrasHold(extras: Extra[], hashes: ContentHashes, absolute: (p: string) => string): boolean {
  return extras.every((extra) => extraHolds(extra, hashes, absolute));
}

function extraHolds([module, hash, signature]: Extra, hashes: ContentHashes, absolute: (p: string) => string): boolean {
  const file = absolute(module);
  return signature === '' ? hashes.of(file) === hash : hashes.signature(file) === signature;
}

/** Whether every recorded import still resolves to the recorded target, in its project. */
function resolutionsHold(resolutions: Resolution[], check: UnchangedCheck, absolute: (p: string) => string): boolean {
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
