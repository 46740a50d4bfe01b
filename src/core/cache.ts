import crypto from 'node:crypto';
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import type { Finding, SkippedFile } from './types';
import type { Rule } from './rule';
import type { FnscanConfig } from './config';
import { NOT_REGULAR, readRegularFile, relativePath, withRegularFile, type ReadLimits, type SourceFileInfo } from './files';
import type { ProjectInfo } from './project';
import { ProjectAnalysis, type ModuleHost, type StandaloneKey, type StandaloneOptions } from './analysis';
import type { KnownFolders } from './folders';
import { writeFileAtomically } from './atomic';
import { statSignature, vouchingSignature } from './signature';
import { readGitIndex, vouchedBlob, type GitIndex } from './gitindex';
import { readSummedFile, sha256Hex as sha256, splitLines, writeSummedFile } from './summed';
import { watchingFileSystem } from './fswatch';

/**
 * The scan cache (`--cache`): the findings of each file from an earlier scan, reused while the
 * file, every module the analysis read while judging it, and every import it resolved are
 * unchanged. Entries are keyed on content hashes, never on timestamps; the whole cache is keyed
 * on fnscan's version and code, TypeScript's version, the rules, the config and the options, so
 * a cached scan gives exactly the findings an uncached one would. Paths are stored relative to
 * the scan root, so a restored cache works in another checkout of the same repository.
 */

/** What the per-file work found, plus what it depended on when caching is on. */
export interface UnitOutcome {
  findings: Finding[];
  skipped: SkippedFile[];
  dependencies?: Dependencies;
}

export interface Dependencies {
  /** Modules the analysis loaded besides the file itself: absolute path to content hash (null: unreadable). */
  modules: Record<string, string | null>;
  /** Imports the analysis resolved: importing module, specifier, resolved path (null: not found). */
  resolutions: Array<[string, string, string | null]>;
  /**
   * What the values computed once per project and reused by this file read (see
   * `DependencyTracker.standalone`), each with an id naming its content: many files share them,
   * and the cache stores each once.
   */
  shared?: SharedDependencies[];
}

export interface SharedDependencies {
  id: string;
  modules: Record<string, string | null>;
  resolutions: Array<[string, string, string | null]>;
}

/** One file to scan, with what the cache needs to know about it. */
export interface CacheUnit {
  path: string;
  project: ProjectInfo;
  hash: string | null;
  /** The text has an `until=` suppression, whose meaning changes with the date. */
  dated: boolean;
  /** Stat signature recorded with the hash (see ContentHashes). */
  signature?: string;
  /** The git blob the file held when hashed, if git's index vouched for it (see ContentHashes). */
  blob?: string;
}

const FORMAT = 3;
const FILE_NAME = 'scan-cache.json';
/** Changes since the cache file was written, a line per scan that changed a few entries. */
const JOURNAL_NAME = 'scan-cache.journal';

/** The parts of a scan that decide its results, besides the files themselves. */
export interface CacheKeyParts {
  rules: readonly Rule[];
  config: FnscanConfig;
  includeTests: boolean;
  limits: ReadLimits;
}

export function cacheKey(parts: CacheKeyParts): string {
  return sha256(
    stableJson({
      format: FORMAT,
      fnscan: ownVersion(),
      code: codeFingerprint(),
      // From its package.json: loading TypeScript itself is what a fully cached scan avoids.
      typescript: (require('typescript/package.json') as { version: string }).version,
      rules: parts.rules.map((r) => ({
        meta: r.meta,
        checkSource: r.checkSource?.toString() ?? null,
        checkText: r.checkText?.toString() ?? null,
      })),
      config: parts.config,
      includeTests: parts.includeTests,
      limits: parts.limits,
    }),
  );
}

/** A hash of the project as discovery saw it (aliases, platform config), relative to the root. */
export function projectKey(project: ProjectInfo, root: string): string {
  const json = JSON.stringify(project);
  const prefix = JSON.stringify(root + path.sep).slice(1, -1);
  const exact = JSON.stringify(root);
  return sha256(json.split(prefix).join('./').split(exact).join('"."')).slice(0, 16);
}

interface StoredEntry {
  /** Content hash of the file. */
  h: string | null;
  /** Stat signature that vouches for the hash without reading the file. */
  t?: string;
  /** The git blob id of the content hashed, when git's index vouched for it then: in a checkout where it vouches for the same blob, the hash holds unread. */
  b?: string;
  /** Project key (on disk, an index into the table of project keys). */
  p: string;
  /** The UTC date the findings hold for, when a suppression has an expiry date. */
  d?: string;
  /** Findings and skipped files, paths relative to the root; absent when there are none. */
  o?: unknown;
  /** What the outcome depended on besides the file itself, in groups; absent when nothing. */
  deps?: DependencyGroup[];
}

/**
 * The modules a file's judgement read (relative path and content hash) and the imports it
 * resolved (relative folder of the importing module, specifier, relative target or null). An
 * import resolves from the importing module's folder and project alone, so a folder stands for
 * every module in it. Many files depend on exactly the same things (the same logger, the same
 * auth helper), so the cache file stores each module, resolution and group once, and each entry
 * names its groups: its own, and one per value computed once for the project that it reused (a
 * project-wide search read by every file is one group, not a copy per file). A group is checked
 * once per scan, not once per file.
 */
export interface DependencyGroup {
  modules: Array<[string, string | null]>;
  resolutions: Array<[string, string, string | null]>;
}

/** The cache file's body: tables shared by the entries, then the entries by relative path. */
interface StoredBody extends DependencyTables {
  files: Record<string, { h: string | null; t?: string; b?: string; p: number; d?: string; o?: unknown; g?: number[] }>;
}

/** What a file with no findings and no skips stores: nothing (`o` is left out). */
const NO_OUTCOME = { findings: [], skipped: [] };

/** What a cache lookup needs from the scan: current hashes and import resolution from a folder. */
export interface CacheContext {
  hashOf(file: string): string | null;
  resolve(fromDir: string, specifier: string, project: ProjectInfo): string | undefined;
}

export class ScanCache {
  private readonly file: string;
  private readonly today = utcDay();
  private readonly projectKeys = new Map<ProjectInfo, string>();
  private readonly rootPrefix: string;
  /** Whether each dependency group still holds, per project, for this scan. */
  private readonly checked = new Map<DependencyGroup, Map<ProjectInfo, boolean>>();
  /** The groups of fresh entries, identical ones as one object. */
  private readonly groups = new DependencyGroups((file) => this.relative(file));
  /** The entries stored, changed or removed since the cache was read or last saved. */
  private readonly changed = new Set<string>();
  /** Files found unchanged by content whose stat had changed (see `lookup`). */
  private refreshes = 0;
  /** Of `changed`, the entries changed in more than their stat signature (stored, removed, a blob recorded). */
  private readonly contentChanged = new Set<string>();

  private constructor(
    location: string,
    private readonly root: string,
    private readonly key: string,
    private readonly entries: Map<string, StoredEntry>,
    /** The cache file as read (its body's sum and size), and the lines of its journal that apply to it. */
    private base: { sum: string; size: number; journal: Buffer } | undefined,
  ) {
    this.file = path.join(location, FILE_NAME);
    this.journalFile = path.join(location, JOURNAL_NAME);
    this.rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  }

  private readonly journalFile: string;

  /**
   * Opens the cache: the cache file, then the entries its journal changed since it was written. A
   * missing, truncated, corrupt or foreign cache file is an empty cache; a journal line that does
   * not check out is left out (every entry is checked by content on use, so a lost line costs
   * time, never results).
   */
  static open(location: string, root: string, key: string): ScanCache {
    const read = readEntries(path.join(location, FILE_NAME), key);
    if (!read) return new ScanCache(location, root, key, new Map(), undefined);
    const journal = applyJournal(path.join(location, JOURNAL_NAME), read.entries, key, read.sum);
    return new ScanCache(location, root, key, read.entries, { sum: read.sum, size: read.size, journal });
  }

  /** The stored outcome of a file, if it and everything it depended on are unchanged. */
  lookup(unit: CacheUnit, context: CacheContext): UnitOutcome | undefined {
    const entry = this.entries.get(this.relative(unit.path));
    if (!entry || entry.h !== unit.hash || entry.p !== this.projectKey(unit.project)) return undefined;
    if (unit.dated && entry.d !== this.today) return undefined;
    try {
      if (entry.deps && !entry.deps.every((group) => this.holds(group, unit.project, context))) return undefined;
      const outcome = decodeOutcome(entry.o ?? NO_OUTCOME, (p) => this.absolute(p));
      if (unit.signature !== undefined && entry.t !== unit.signature) {
        // Touched but unchanged (a branch switched back, a copy): the file was read again to find
        // that out. Its new signature spares the next scan that read.
        entry.t = unit.signature;
        this.changed.add(this.relative(unit.path));
        this.refreshes++;
      }
      if (unit.blob !== undefined && entry.b !== unit.blob) {
        // The blob git's index now vouches for: the next checkout of it finds this entry unread.
        entry.b = unit.blob;
        this.changed.add(this.relative(unit.path));
        this.contentChanged.add(this.relative(unit.path));
      }
      return outcome;
    } catch {
      return undefined;
    }
  }

  /** How many files' stats changed while their content did not (a checkout, a copy, a touch). */
  get refreshed(): number {
    return this.refreshes;
  }

  /** Whether every module of a group has its recorded hash and every import its recorded target. */
  private holds(group: DependencyGroup, project: ProjectInfo, context: CacheContext): boolean {
    let byProject = this.checked.get(group);
    if (!byProject) {
      byProject = new Map();
      this.checked.set(group, byProject);
    }
    let holds = byProject.get(project);
    if (holds === undefined) {
      holds =
        group.modules.every(([module, hash]) => context.hashOf(this.absolute(module)) === hash) &&
        group.resolutions.every(([dir, specifier, target]) => {
          const now = context.resolve(this.absolute(dir), specifier, project);
          return (now === undefined ? null : this.relative(now)) === target;
        });
      byProject.set(project, holds);
    }
    return holds;
  }

  /** Every stored file (relative to the root) with the stat signature that vouches for it, if any. */
  stored(): Map<string, string | undefined> {
    return new Map([...this.entries].map(([file, entry]) => [file, entry.t]));
  }

  /** What the cache recorded about a file's content, for ContentHashes. */
  previous(file: string): KnownFile | undefined {
    const entry = this.entries.get(this.relative(file));
    if (entry === undefined || (entry.t === undefined && entry.b === undefined)) return undefined;
    return { signature: entry.t, blob: entry.b, hash: entry.h, dated: entry.d !== undefined };
  }

  /** Records a fresh outcome; outcomes whose text still holds the absolute root are not stored. */
  store(unit: CacheUnit, outcome: UnitOutcome): void {
    if (!outcome.dependencies) return;
    const key = this.relative(unit.path);
    const stored = storedOutcome(outcome, (p) => this.relative(p), this.root);
    if (stored === undefined) {
      this.entries.delete(key);
      this.changed.add(key);
      this.contentChanged.add(key);
      return;
    }
    const deps = this.groups.of(outcome.dependencies);
    this.entries.set(key, {
      h: unit.hash,
      ...(unit.signature !== undefined && { t: unit.signature }),
      ...(unit.blob !== undefined && { b: unit.blob }),
      p: this.projectKey(unit.project),
      ...(unit.dated && { d: this.today }),
      ...(stored !== 0 && { o: stored }),
      ...(deps.length > 0 && { deps }),
    });
    this.changed.add(key);
    this.contentChanged.add(key);
  }

  /**
   * What the unchanged-tree record (unchanged.ts) keeps of these files: each one's stored outcome,
   * dependency groups, project and signature. Undefined when a file's outcome was not stored as it
   * is (not judged with the content and signature the scan found).
   */
  recordEntries(units: readonly CacheUnit[]): RecordEntry[] | undefined {
    const entries: RecordEntry[] = [];
    for (const unit of units) {
      const entry = this.entries.get(this.relative(unit.path));
      if (!entry || entry.h !== unit.hash || entry.t === undefined || entry.t !== unit.signature) return undefined;
      entries.push({ outcome: entry.o ?? 0, groups: entry.deps ?? [], project: entry.p, signature: entry.t, dated: unit.dated });
    }
    return entries;
  }

  /** Forgets files under the scanned paths that no longer exist. */
  prune(scanned: readonly string[], existing: ReadonlySet<string>): void {
    const roots = scanned.map((p) => this.relative(p));
    for (const key of this.entries.keys()) {
      const under = roots.some((r) => r === '' || key === r || key.startsWith(`${r}/`));
      if (under && !existing.has(key)) {
        this.entries.delete(key);
        this.changed.add(key);
        this.contentChanged.add(key);
      }
    }
  }

  /**
   * Writes the cache if anything changed: to a temporary file, then renamed over the old one.
   * Returns why it could not be written (an error code), if it could not. With `refreshesWasted`
   * (a scan in a tree the cache was not written in: a fresh checkout, whose stats the next
   * checkout will not have), entries whose only change is a refreshed stat signature are not
   * worth the write: at 8,000 functions, 4.4 MB and about 0.15 s of every CI run.
   */
  save(refreshesWasted = false): string | undefined {
    if (this.changed.size === 0 || (refreshesWasted && this.contentChanged.size === 0)) return undefined;
    try {
      if (!this.saveToJournal()) this.saveWhole();
      this.changed.clear();
      this.contentChanged.clear();
      return undefined;
    } catch (error) {
      // A cache that cannot be written costs the next scan time, never results.
      return (error as NodeJS.ErrnoException).code ?? 'unwritable';
    }
  }

  /**
   * A few changed entries (an edit's) go to the journal, one line per save, instead of writing
   * the whole cache again (at 8,000 functions, 4.4 MB and about 0.2 s). Written like the cache
   * file, to a temporary file renamed over the old journal: never appended through a link a
   * checkout could plant. False when the journal would outgrow a quarter of the cache file, or
   * cannot be written.
   */
  private saveToJournal(): boolean {
    if (!this.base) return false;
    // A quarter of the entries changed (a fresh checkout refreshes every signature): the journal
    // would outgrow a quarter of the cache file, so do not spend encoding it to find that out.
    if (this.changed.size > Math.max(MIN_JOURNAL_ENTRIES, this.entries.size / 4)) return false;
    const entries = [...this.changed].sort().map((key): [string, StoredEntry | undefined] => [key, this.entries.get(key)]);
    const body: JournalBody = {
      ...tabulate(entries.filter((e): e is [string, StoredEntry] => e[1] !== undefined)),
      removed: entries.filter(([, entry]) => entry === undefined).map(([key]) => key),
    };
    const encoded = Buffer.from(asciiJson(body), 'latin1');
    const header = JSON.stringify({ base: this.base.sum, key: this.key, sum: sha256(encoded) });
    const line = Buffer.concat([Buffer.from(`${header} `), encoded, NEWLINE]);
    const journal = Buffer.concat([this.base.journal, line]);
    if (journal.length > Math.max(MIN_JOURNAL_BYTES, this.base.size / 4)) return false;
    try {
      writeFileAtomically(this.journalFile, journal);
    } catch {
      // Something that is no journal is in its place (a folder, say): the whole cache is written instead.
      return false;
    }
    this.base.journal = journal;
    return true;
  }

  /** Writes every entry to the cache file, and drops the journal it replaces. */
  private saveWhole(): void {
    // Encoded once: the sum and the file get the same bytes (hashing the text would encode it again).
    const body = Buffer.from(asciiJson(tabulate([...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))), 'latin1');
    const { sum } = writeSummedFile(this.file, { format: FORMAT, key: this.key }, body);
    this.base = { sum, size: body.length, journal: Buffer.alloc(0) };
    try {
      fs.rmSync(this.journalFile, { force: true });
    } catch {
      // One left behind (a folder planted under its name, say) names the old cache file's sum: it is ignored.
    }
  }

  private projectKey(project: ProjectInfo): string {
    let key = this.projectKeys.get(project);
    if (key === undefined) {
      key = projectKey(project, this.root);
      this.projectKeys.set(project, key);
    }
    return key;
  }

  /** Forward-slash path relative to the root (plain slicing for the usual file under the root). */
  relative(file: string): string {
    return relativePath(this.root, file);
  }

  absolute(relative: string): string {
    return absoluteUnder(this.root, this.rootPrefix, relative);
  }
}

/** The project keys, module rows, import rows and groups a body stores once each (the scan cache's and the record's). */
export interface DependencyTables {
  projects: string[];
  modules: Array<[string, string | null]>;
  resolutions: Array<[string, string, string | null]>;
  /** Module rows, then resolution rows. */
  groups: Array<[number[], number[]]>;
}

/** The entries (in the order given) as the file's body, with projects, rows and groups stored once each. */
function tabulate(entries: Array<[string, StoredEntry]>): StoredBody {
  const tables = new TableWriter();
  const files: StoredBody['files'] = {};
  for (const [file, { h, t, b, p, d, o, deps }] of entries) {
    const g = deps?.map((group) => tables.group(group));
    // Undefined parts are left out by JSON.stringify.
    files[file] = { h, t, b, p: tables.project(p), d, o, g };
  }
  return { ...tables.tables, files };
}

/**
 * Adds rows to the tables of a cache file or record, each distinct row once. Rows of tables read
 * from an earlier record keep their indexes (its repeated lines point at them); a row added again
 * is not matched against them, only against those added here.
 */
export class TableWriter {
  readonly tables: DependencyTables;
  private readonly known = { projects: new Map<string, number>(), modules: new Map<string, number>(), resolutions: new Map<string, number>(), groups: new Map<string, number>() };
  private readonly groupAt = new Map<DependencyGroup, number>();

  constructor(base?: DependencyTables) {
    this.tables = base
      ? { projects: [...base.projects], modules: [...base.modules], resolutions: [...base.resolutions], groups: [...base.groups] }
      : { projects: [], modules: [], resolutions: [], groups: [] };
    this.tables.projects.forEach((p, i) => this.known.projects.set(p, i));
  }

  project(key: string): number {
    return indexOf(this.tables.projects, this.known.projects, key, key);
  }

  group(group: DependencyGroup): number {
    let at = this.groupAt.get(group);
    if (at === undefined) {
      const row: [number[], number[]] = [
        group.modules.map((m) => indexOf(this.tables.modules, this.known.modules, m, JSON.stringify(m))),
        group.resolutions.map((r) => indexOf(this.tables.resolutions, this.known.resolutions, r, JSON.stringify(r))),
      ];
      at = indexOf(this.tables.groups, this.known.groups, row, JSON.stringify(row));
      this.groupAt.set(group, at);
    }
    return at;
  }
}

/** The row's index in `table`, adding it if new (`known` indexes rows by `key`). */
function indexOf<T>(table: T[], known: Map<string, number>, row: T, key: string): number {
  let at = known.get(key);
  if (at === undefined) {
    at = table.push(row) - 1;
    known.set(key, at);
  }
  return at;
}

/**
 * The largest cache file read: far above what a project writes (4.4 MB for 11,000 files), so only
 * a file that is not a cache at all is refused.
 */
const MAX_CACHE_BYTES = 1024 * 1024 * 1024;

function readEntries(file: string, key: string): { entries: Map<string, StoredEntry>; sum: string; size: number } | undefined {
  const read = readSummedFile(file, MAX_CACHE_BYTES);
  if (!read || read.header.format !== FORMAT || read.header.key !== key) return undefined;
  try {
    return { entries: untabulate(parseAsciiJson(read.body) as StoredBody), sum: read.header.sum as string, size: read.body.length };
  } catch {
    return undefined;
  }
}

/** Written as ASCII (see asciiJson): decoded byte for byte, and parsed as a one-byte string. */
function parseAsciiJson(bytes: Buffer): unknown {
  return JSON.parse(bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8'));
}

/** One journal line's body: the changed entries as the cache file stores them, and the removed ones. */
interface JournalBody extends StoredBody {
  removed: string[];
}

/** The journal is written whole again up to this size however small the cache file is. */
const MIN_JOURNAL_BYTES = 256 * 1024;
/** Below this many changed entries the journal is tried whatever the share of the cache they are. */
const MIN_JOURNAL_ENTRIES = 256;
const NEWLINE = Buffer.from('\n');

/**
 * Applies, in order, the journal lines written for the cache file with body sum `base`, and
 * returns those lines' bytes (the ones kept when the journal is next written).
 */
function applyJournal(file: string, entries: Map<string, StoredEntry>, key: string, base: string): Buffer {
  const read = readRegularFile(file, MAX_CACHE_BYTES);
  if ('skipped' in read) return Buffer.alloc(0);
  const kept: Buffer[] = [];
  for (const line of splitLines(read.bytes)) {
    try {
      const space = line.indexOf(0x20);
      if (space < 0) continue;
      const header = JSON.parse(line.toString('latin1', 0, space)) as { base?: unknown; key?: unknown; sum?: unknown };
      const body = line.subarray(space + 1);
      if (header.base !== base || header.key !== key || header.sum !== sha256(body)) continue;
      const parsed = parseAsciiJson(body) as JournalBody;
      if (!Array.isArray(parsed.removed) || !parsed.removed.every((k) => typeof k === 'string')) continue;
      for (const [relative, entry] of untabulate(parsed)) entries.set(relative, entry);
      for (const relative of parsed.removed) entries.delete(relative);
      kept.push(line, NEWLINE);
    } catch {
      // A line that does not parse is left out.
    }
  }
  return Buffer.concat(kept);
}

/**
 * JSON with every character outside ASCII written as a `\u` escape. A finding's message or a path
 * with one `…` in it would make the whole 4 MB body a two-byte string: decoding it as UTF-8 took
 * 9 ms and parsing it 35 ms at 8,000 functions, against 2 ms and 22 ms for the same JSON in ASCII.
 */
export function asciiJson(value: unknown): string {
  const json = JSON.stringify(value);
  // One UTF-8 byte per character means all of them are ASCII: no pass of the expression needed.
  if (Buffer.byteLength(json, 'utf8') === json.length) return json;
  return json.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The entries of a cache file's body; throws on anything malformed (the cache is then empty). */
function untabulate(body: StoredBody): Map<string, StoredEntry> {
  const { projects, modules, resolutions, groups, files } = body;
  const isRow = (row: unknown, size: number): boolean => Array.isArray(row) && row.length === size;
  if (!Array.isArray(projects) || !projects.every((p) => typeof p === 'string')) throw new Error('projects');
  if (!Array.isArray(modules) || !modules.every((m) => isRow(m, 2) && typeof m[0] === 'string')) throw new Error('modules');
  if (!Array.isArray(resolutions) || !resolutions.every((r) => isRow(r, 3) && typeof r[0] === 'string' && typeof r[1] === 'string')) throw new Error('resolutions');
  const at = <T>(table: T[], i: unknown): T => {
    if (typeof i !== 'number' || !(i in table)) throw new Error('row');
    return table[i];
  };
  if (!Array.isArray(groups)) throw new Error('groups');
  const shared = groups.map((g): DependencyGroup => {
    if (!isRow(g, 2) || !Array.isArray(g[0]) || !Array.isArray(g[1])) throw new Error('group');
    return { modules: g[0].map((i) => at(modules, i)), resolutions: g[1].map((i) => at(resolutions, i)) };
  });
  if (typeof files !== 'object' || files === null) throw new Error('files');
  const entries = new Map<string, StoredEntry>();
  for (const file of Object.keys(files)) {
    const { h, t, b, p, d, o, g } = files[file];
    if ((typeof h !== 'string' && h !== null) || (o !== undefined && (typeof o !== 'object' || o === null))) throw new Error('entry');
    if (g !== undefined && !Array.isArray(g)) throw new Error('entry groups');
    if (b !== undefined && typeof b !== 'string') throw new Error('entry blob');
    const entry: StoredEntry = { h, t, p: at(projects, p), d, o };
    if (b !== undefined) entry.b = b;
    if (g !== undefined) entry.deps = g.map((i) => at(shared, i));
    entries.set(file, entry);
  }
  return entries;
}

/**
 * The absolute path of a path stored relative to the root: `path.resolve`'s answer, by plain
 * concatenation for the usual normalised path below the root (this runs for every cached finding).
 */
export function absoluteUnder(root: string, rootPrefix: string, relative: string): string {
  const plain = path.sep === '/' && relative !== '' && !relative.startsWith('..') && !relative.includes('/.') && !relative.includes('//');
  return plain ? rootPrefix + relative : path.resolve(root, relative);
}

/** Today's date in UTC (what dated suppressions are judged against), as `YYYY-MM-DD`. */
export function utcDay(): string {
  return new Date().toISOString().slice(0, 10);
}

/** What the unchanged-tree record keeps of one file (see unchanged.ts). */
export interface RecordEntry {
  /** The outcome as stored (see `storedOutcome`). */
  outcome: unknown;
  groups: readonly DependencyGroup[];
  /** The project's key (see `projectKey`). */
  project: string;
  /** The stat signature its content was judged (or found in the cache) with. */
  signature: string;
  dated: boolean;
}

/**
 * Turns what judgements depended on into groups with paths relative to the root, one object per
 * distinct group (by the shared id when there is one, else by content), so that identical groups
 * are stored and checked once.
 */
export class DependencyGroups {
  private readonly known = new Map<string, DependencyGroup>();

  constructor(private readonly relative: (file: string) => string) {}

  /** A file's own group, then one per value shared across the project that it reused; empty groups are left out. */
  of(dependencies: Dependencies): DependencyGroup[] {
    const { modules, resolutions, shared = [] } = dependencies;
    return [this.group(undefined, modules, resolutions), ...shared.map((d) => this.group(d.id, d.modules, d.resolutions))].filter(
      (g): g is DependencyGroup => g !== undefined,
    );
  }

  private group(
    id: string | undefined,
    modules: Record<string, string | null>,
    resolutions: Array<[string, string, string | null]>,
  ): DependencyGroup | undefined {
    const known = id === undefined ? undefined : this.known.get(`shared:${id}`);
    if (known) return known;
    const moduleRows = Object.entries(modules).map(([m, h]): [string, string | null] => [this.relative(m), h]);
    const seen = new Set<string>();
    const resolutionRows: Array<[string, string, string | null]> = [];
    for (const [from, specifier, target] of resolutions) {
      const row: [string, string, string | null] = [this.relative(path.dirname(from)), specifier, target === null ? null : this.relative(target)];
      const rowKey = JSON.stringify(row);
      if (seen.has(rowKey)) continue;
      seen.add(rowKey);
      resolutionRows.push(row);
    }
    if (moduleRows.length === 0 && resolutionRows.length === 0) return undefined;
    const key = id === undefined ? JSON.stringify([moduleRows, resolutionRows]) : `shared:${id}`;
    let group = this.known.get(key);
    if (!group) {
      group = { modules: moduleRows, resolutions: resolutionRows };
      this.known.set(key, group);
    }
    return group;
  }
}

/** Marks a property whose value is `undefined`, which JSON would drop (findings are compared key by key). */
const UNDEFINED = { $undefined: true };

/** Whether stored JSON holds an `undefined` marker anywhere (the usual answer is no). */
export function holdsUndefinedMarker(json: Buffer): boolean {
  return json.includes('"$undefined"');
}

/**
 * An outcome as the cache and the record store it: paths relative to the root, 0 when there is
 * nothing in it; undefined when its text still holds the absolute root (a message quoting a path
 * outside the root, say), which a cache restored elsewhere must not repeat.
 */
export function storedOutcome(outcome: UnitOutcome, relative: (p: string) => string, root: string): unknown {
  // Most files have nothing to store: no copy to make, and no text that could hold the root.
  if (outcome.findings.length === 0 && outcome.skipped.length === 0) return 0;
  const encoded = encodeOutcome(outcome, relative);
  return JSON.stringify(encoded).includes(root) ? undefined : encoded;
}

function encodeOutcome(outcome: UnitOutcome, relative: (p: string) => string): unknown {
  const findings = outcome.findings.map((f) => ({
    ...f,
    location: { ...f.location, file: relative(f.location.file) },
    related: f.related.map((r) => ({ ...r, file: relative(r.file) })),
  }));
  const skipped = outcome.skipped.map((s) => ({ ...s, file: relative(s.file) }));
  return JSON.parse(JSON.stringify({ findings, skipped }, (_key, value: unknown) => (value === undefined ? UNDEFINED : value)));
}

/** An outcome as `store` kept it (paths relative to the root), with absolute paths again. */
export function decodeOutcome(stored: unknown, absolute: (p: string) => string, use: 'copy' | 'in place' | 'as parsed' = 'copy'): UnitOutcome {
  const empty = stored as { findings?: unknown[]; skipped?: unknown[] };
  if (empty.findings?.length === 0 && empty.skipped?.length === 0) return { findings: [], skipped: [] };
  // A copy when the stored entry is written back as it is when the cache is saved; used as parsed
  // when the JSON it came from holds no `undefined` marker.
  const revived = use === 'copy' ? revive(stored) : use === 'in place' ? reviveInPlace(stored) : stored;
  const { findings, skipped } = revived as { findings: Finding[]; skipped: SkippedFile[] };
  if (!Array.isArray(findings) || !Array.isArray(skipped)) throw new Error('malformed cache entry');
  for (const f of findings) {
    f.location.file = absolute(f.location.file);
    for (const r of f.related) r.file = absolute(r.file);
  }
  for (const s of skipped) s.file = absolute(s.file);
  return { findings, skipped };
}

/** A deep copy of parsed JSON, with `undefined` markers turned back into `undefined`. */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (typeof value !== 'object' || value === null) return value;
  if (isUndefinedMarker(value)) return undefined;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = revive((value as Record<string, unknown>)[key]);
  return copy;
}

/** `revive` without the copy, for parsed JSON used once. */
function reviveInPlace(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveInPlace(value[i]);
    return value;
  }
  if (isUndefinedMarker(value)) return undefined;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) object[key] = reviveInPlace(object[key]);
  return object;
}

function isUndefinedMarker(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { $undefined?: unknown }).$undefined === true && Object.keys(value).length === 1;
}

/** What the cache knew of a file: its stat signature and git blob when hashed (either may be unknown), the hash, and whether it was dated. */
export interface KnownFile {
  signature: string | undefined;
  blob: string | undefined;
  hash: string | null;
  dated: boolean;
}

/**
 * Content hashes of the files a scan reads, each file read once. Hashes are taken before the
 * file is parsed, so a file that changes mid-scan is found stale next time, never the reverse.
 * A file whose size, mtime, ctime and inode are those recorded with its cached hash is not read
 * again (git's index does the same); a signature is only recorded once the file is older than
 * the timestamp granularity, so a write within the same tick cannot go unnoticed.
 *
 * In a fresh checkout every signature is new. There git's index (gitindex.ts) can vouch for a
 * file's content instead: a file whose stat is the one its index entry recorded holds that
 * entry's blob, so a cache entry that recorded the same blob holds the file's hash unread. A blob
 * is recorded with a hash only when the index vouched for the file both before and after it was
 * read (the same stat signature), so the two describe the same bytes.
 */
export class ContentHashes {
  /** One record per file (not a map per fact): this runs for every file of a warm scan. */
  private readonly files = new Map<string, FileState>();
  /** Stat signatures taken before any hash was asked for (the unchanged-tree check), each file stat-ed once. */
  private readonly signatures = new Map<string, string | undefined>();
  /** Where to look for git's index, and how many entries it may have to be worth reading, once `consultGit` was called. */
  private gitRoot: { root: string; maxEntries: number } | undefined;
  /** Git's index of the scanned tree, read when a file first has to be hashed after that (null: none usable). */
  private git: GitIndex | null | undefined;
  /** Files read to hash them (the rest had their hash from a signature or a blob). */
  reads = 0;

  constructor(
    private readonly maxFileBytes: number,
    private readonly previous: (file: string) => KnownFile | undefined = () => undefined,
  ) {}

  /**
   * Lets files be vouched for by the index of the git work tree `root` is in, from now on. For
   * scans that may hash many files (a checkout, a branch switched): reading the index costs about
   * as much as reading a few dozen files, more than an edit run's handful. An index of more than
   * 16 entries per file the scan may hash (a small folder of a large monorepo) is not read:
   * parsing an entry costs about a twentieth of reading a file here.
   */
  consultGit(root: string, files: number): void {
    this.gitRoot = { root, maxEntries: files * GIT_ENTRIES_PER_FILE };
  }

  of(file: string): string | null {
    return this.state(file).hash;
  }

  /**
   * The hash, whether the file has a dated suppression, and the stat signature to record with the
   * hash (if the file is old enough for it to be trusted), hashing the file if need be.
   */
  state(file: string): Readonly<FileState> {
    let state = this.files.get(file);
    if (state === undefined) {
      state = this.compute(file);
      this.files.set(file, state);
    }
    return state;
  }

  set(file: string, hash: string | null): void {
    const state = this.files.get(file);
    if (!state) this.files.set(file, { hash, dated: false, signature: undefined, blob: undefined });
    else if (state.hash !== hash) {
      // Another content than the one the blob was recorded for.
      state.hash = hash;
      state.blob = undefined;
    }
  }

  /** The file's stat signature, if it is old enough to vouch for its content (see `statSignature`). */
  signature(file: string): string | undefined {
    const known = this.files.get(file);
    if (known) return known.signature;
    if (this.signatures.has(file)) return this.signatures.get(file);
    const signature = fileSignature(file);
    this.signatures.set(file, signature);
    return signature;
  }

  private compute(file: string): FileState {
    // A listing's name ends in `/*`; checked on the last character first, as this runs for every file.
    if (isListing(file)) return { hash: listingHash(path.dirname(file)), dated: false, signature: undefined, blob: undefined };
    const signature = this.signatures.has(file) ? this.signatures.get(file) : fileSignature(file);
    const before = signature === undefined ? undefined : this.previous(file);
    if (before && before.signature === signature) return { hash: before.hash, dated: before.dated, signature, blob: before.blob };
    const blob = signature === undefined ? undefined : this.blobOf(file, signature);
    if (blob !== undefined && before?.blob === blob) return { hash: before.hash, dated: before.dated, signature, blob };
    this.reads++;
    const read = hashFile(file, this.maxFileBytes, blob === undefined ? undefined : signature);
    return { hash: read.hash, dated: read.dated, signature, blob: read.unchanged ? blob : undefined };
  }

  private blobOf(file: string, signature: string): string | undefined {
    // Files hashed before `consultGit` (the record's check) do not settle whether there is an index.
    if (this.gitRoot === undefined) return undefined;
    if (this.git === undefined) this.git = readGitIndex(this.gitRoot.root, this.gitRoot.maxEntries) ?? null;
    return this.git === null ? undefined : vouchedBlob(this.git, file, signature);
  }
}

/** See `ContentHashes.consultGit`. */
const GIT_ENTRIES_PER_FILE = 16;

interface FileState {
  hash: string | null;
  dated: boolean;
  signature: string | undefined;
  blob: string | undefined;
}

/** The names (and kinds) in a folder, as a hash; null when it cannot be listed. */
function listingHash(dir: string): string | null {
  try {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).map((e) => `${e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'f'}:${e.name}`);
    return crypto.createHash('sha256').update(entries.sort().join('\0')).digest('base64url');
  } catch {
    return null;
  }
}

function fileSignature(file: string): string | undefined {
  return vouchingSignature(fs.statSync(file, { throwIfNoEntry: false }));
}

/**
 * Hash of a file's bytes. Like the scanner's own reader, it never blocks on a FIFO and never
 * reads more than the size limit: an oversized file is known by its size, which is all its
 * (skipped) outcome depends on.
 */
export function hashFile(file: string, maxFileBytes: number, stillAs?: string): { hash: string | null; dated: boolean; unchanged: boolean } {
  return withRegularFile(
    file,
    (fd, size): { hash: string | null; dated: boolean; unchanged: boolean } => {
      if (size > maxFileBytes) return { hash: `too-large:${size}`, dated: false, unchanged: false };
      const bytes = fs.readFileSync(fd);
      if (bytes.length > maxFileBytes) return { hash: `too-large:${bytes.length}`, dated: false, unchanged: false };
      // `stillAs`: whether the file, once read, still has this stat signature (it was not written meanwhile).
      const unchanged = stillAs !== undefined && statSignature(fs.fstatSync(fd)) === stillAs;
      return { hash: crypto.createHash('sha256').update(bytes).digest('base64url'), dated: bytes.includes('until='), unchanged };
    },
    (detail) => ({ hash: detail === NOT_REGULAR ? 'not-a-file' : null, dated: false, unchanged: false }),
  );
}

/**
 * The module host of one thread's scan of one project, handing out a fresh analysis per file
 * (so no file's findings depend on which files came before it) while sharing parsed modules
 * and import resolutions. With content hashes it also records, per file, the modules loaded and
 * the imports resolved while judging it: what its cache entry depends on.
 */
export class DependencyTracker implements ModuleHost {
  private readonly resolutions = new Map<string, string | null>();
  /** Files some other file loaded: kept parsed for the rest of the project. */
  private readonly imported = new Set<string>();
  private current: string | undefined;
  private recorded: Recording | undefined;
  /** Values computed on their own for every file of the project (see `standalone`), with what they read. */
  private readonly kept = new Map<StandaloneKey, { value: unknown; read: SharedDependencies | undefined }>();
  /** The standalone computations under way, innermost last, each recording what it reads. */
  private readonly open: Array<{ key: StandaloneKey; read: Recording | undefined; touchesCurrent: boolean }> = [];

  constructor(
    private readonly modules: ModuleHost,
    private readonly hashes?: ContentHashes,
  ) {}

  get folders(): KnownFolders | undefined {
    return this.modules.folders;
  }

  analysisFor(file: string): ProjectAnalysis {
    this.current = file;
    this.recorded = this.hashes ? newRecording() : undefined;
    return new TrackedAnalysis(this);
  }

  /** What the file analysed since `analysisFor` depended on (undefined when not recording). */
  dependencies(): Dependencies | undefined {
    const recorded = this.recorded;
    this.current = undefined;
    this.recorded = undefined;
    if (!recorded) return undefined;
    return {
      modules: Object.fromEntries(recorded.modules),
      resolutions: [...recorded.resolutions.values()],
      ...(recorded.shared.size > 0 && { shared: [...recorded.shared] }),
    };
  }

  isDependency(file: string): boolean {
    return this.imported.has(file);
  }

  load(file: string, project: ProjectInfo): SourceFileInfo | undefined {
    return this.quietly(() => {
      if (file !== this.current) this.imported.add(file);
      this.noteRead(file);
      return this.modules.load(file, project);
    });
  }

  /**
   * Runs the rules on the current file while recording what they read from disk themselves,
   * outside the module graph (a rule that searches the project for a word, say): each file read,
   * stat-ed or tested becomes a dependency by content hash, each folder listed by its listing.
   */
  watch<T>(run: () => T): T {
    if (!this.recorded) return run();
    const record = (target: unknown, listing: boolean): void => {
      if (this.quiet > 0 || typeof target !== 'string' || !this.recorded) return;
      const file = path.resolve(target);
      this.noteRead(listing ? path.join(file, LISTING) : file);
    };
    return watchingFileSystem(record, run);
  }

  /**
   * A value that does not depend on which file is being judged: computed once per project by
   * `compute` (on a fresh analysis, so everything it needs is loaded while it runs) and kept when
   * `options.keep` allows, with the modules, files and resolutions it read; every later file that
   * uses it takes those as its own dependencies, so the cache stays exact. A value that holds
   * trees and read the file being judged is not kept (that file's tree is dropped after it).
   * Undefined when the same key is already being computed further up (a cycle): the caller
   * computes in place.
   */
  standalone<T>(key: StandaloneKey, compute: () => T, options: StandaloneOptions<T>): T | undefined {
    const kept = this.kept.get(key);
    if (kept) {
      if (kept.read) this.replay(kept.read);
      return kept.value as T;
    }
    if (this.open.some((frame) => frame.key === key)) return undefined;
    const frame = { key, read: this.recorded ? newRecording() : undefined, touchesCurrent: false };
    this.open.push(frame);
    let value: T;
    try {
      value = compute();
    } finally {
      this.open.pop();
    }
    if (!(frame.touchesCurrent && options.holdsTrees) && options.keep(value)) {
      this.kept.set(key, { value, read: frame.read && keptReads(frame.read) });
    }
    if (frame.touchesCurrent) for (const outer of this.open) outer.touchesCurrent = true;
    return value;
  }

  /** Records a module, file or listing read for the file being judged and every computation under way. */
  private noteRead(key: string): void {
    if (!this.recorded) {
      if (key === this.current) for (const frame of this.open) frame.touchesCurrent = true;
      return;
    }
    const hash = (): string | null => this.quietly(() => this.hashes!.of(key));
    if (key !== this.current && !this.recorded.modules.has(key)) this.recorded.modules.set(key, hash());
    for (const frame of this.open) {
      if (key === this.current) frame.touchesCurrent = true;
      // The file being judged too: another file reusing the value depends on it.
      if (!frame.read!.modules.has(key)) frame.read!.modules.set(key, hash());
    }
  }

  private noteResolution(from: string, specifier: string, target: string | null): void {
    const key = `${from}\0${specifier}`;
    const entry: [string, string, string | null] = [from, specifier, target];
    this.recorded?.resolutions.set(key, entry);
    for (const frame of this.open) frame.read?.resolutions.set(key, entry);
  }

  /**
   * Takes a kept value's reads as reads of the current file and of the computations under way,
   * by reference: the cache stores the group once for all the files that reuse it. The group
   * may hold the current file (a kept value that holds trees loaded it while another file was
   * judged, which keeps its tree for the rest of the project); that is not touching it.
   */
  private replay(read: SharedDependencies): void {
    this.recorded!.shared.add(read);
    for (const frame of this.open) frame.read!.shared.add(read);
  }

  private quiet = 0;

  private quietly<T>(run: () => T): T {
    this.quiet++;
    try {
      return run();
    } finally {
      this.quiet--;
    }
  }

  /**
   * Shares resolutions between the files of the project: an import resolves against the
   * importing module's folder and the project's aliases, so modules of one folder share them.
   */
  resolve(from: SourceFileInfo, specifier: string, resolve: () => string | undefined): string | undefined {
    const key = `${path.dirname(from.path)}\0${specifier}`;
    let target = this.resolutions.get(key);
    if (target === undefined) {
      target = this.quietly(resolve) ?? null;
      this.resolutions.set(key, target);
    }
    this.noteResolution(from.path, specifier, target);
    return target ?? undefined;
  }
}

/** The name standing for a folder's listing among a file's dependencies (`dir/*`). */
const LISTING = '*';

/** Whether a dependency is a folder's listing (`dir/*`) rather than a file. */
function isListing(file: string): boolean {
  return file.endsWith(LISTING) && path.basename(file) === LISTING;
}

interface Recording {
  modules: Map<string, string | null>;
  resolutions: Map<string, [string, string, string | null]>;
  /** Kept values reused, whose reads count as this recording's too. */
  shared: Set<SharedDependencies>;
}

function newRecording(): Recording {
  return { modules: new Map(), resolutions: new Map(), shared: new Set() };
}

/** A finished computation's reads, its own and those of the kept values it reused, as one group named by its content. */
function keptReads(read: Recording): SharedDependencies {
  const modules = new Map(read.modules);
  const resolutions = new Map(read.resolutions);
  for (const inner of read.shared) {
    for (const [key, hash] of Object.entries(inner.modules)) if (!modules.has(key)) modules.set(key, hash);
    for (const entry of inner.resolutions) resolutions.set(`${entry[0]}\0${entry[1]}`, entry);
  }
  const group = { modules: Object.fromEntries(modules), resolutions: [...resolutions.values()] };
  return { id: sha256(JSON.stringify(group)), ...group };
}

class TrackedAnalysis extends ProjectAnalysis {
  constructor(private readonly tracker: DependencyTracker) {
    super(tracker);
  }

  override standalone<T>(key: StandaloneKey, compute: (fresh: ProjectAnalysis) => T, options: StandaloneOptions<T>): T | undefined {
    return this.tracker.standalone(key, () => compute(new TrackedAnalysis(this.tracker)), options);
  }

  override resolveImport(from: SourceFileInfo, specifier: string): string | undefined {
    return this.tracker.resolve(from, specifier, () => super.resolveImport(from, specifier));
  }
}

/**
 * Resolves an import as the analysis would, from the importing module's folder (resolution
 * looks at nothing else of the importer), for checking cached resolutions: once per project,
 * folder and specifier, as `DependencyTracker.resolve` shares them.
 */
export function importResolver(folders?: KnownFolders): (fromDir: string, specifier: string, project: ProjectInfo) => string | undefined {
  const byProject = new Map<ProjectInfo, { analysis: ProjectAnalysis; known: Map<string, string | undefined> }>();
  const noModules: ModuleHost = { load: () => undefined, folders };
  return (fromDir, specifier, project) => {
    let resolver = byProject.get(project);
    if (!resolver) {
      resolver = { analysis: new ProjectAnalysis(noModules), known: new Map() };
      byProject.set(project, resolver);
    }
    const key = `${fromDir}\0${specifier}`;
    if (!resolver.known.has(key)) {
      // A stand-in importer in that folder.
      const importer = { path: path.join(fromDir, 'index.ts'), project } as SourceFileInfo;
      resolver.known.set(key, resolver.analysis.resolveImport(importer, specifier));
    }
    return resolver.known.get(key);
  };
}

let version: string | undefined;

function ownVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

let fingerprint: string | undefined;

/** A hash of fnscan's own code (the folder this module was loaded from), so a changed build never reuses results. */
function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = crypto.createHash('sha256');
  const base = path.join(__dirname, '..');
  const visit = (dir: string): void => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.[cm]?[jt]s$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        hash.update(`${path.relative(base, full)}\0`).update(fs.readFileSync(full)).update('\0');
      }
    }
  };
  visit(base);
  fingerprint = hash.digest('hex');
  return fingerprint;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

