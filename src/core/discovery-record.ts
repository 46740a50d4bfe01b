import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readSummedFile, writeSummedFile } from './summed';
import { isRacy, statSignature, vouchingSignature } from './signature';
import { KnownFolders } from './folders';
import { watchingFileSystem } from './fswatch';
import { discover, realPathOr, type DiscoverOptions, type DiscoveredFile, type Discovery, type ProjectInfo } from './project';

/**
 * The discovery record (`scan-discovery.json` beside the scan cache): what discovery found in the
 * last `--cache` scan, with the folder listings it walked, so that a scan of an unchanged tree
 * takes its files, projects and listings from here with one `stat` per folder instead of walking
 * it (opening and reading every folder and judging every entry: about 150 ms of a 0.5 s warm
 * scan at 8,000 functions, a third of it garbage collection).
 *
 * It rests on what git's untracked cache rests on: adding, removing or renaming an entry changes
 * its folder's modification and change times. A listing is trusted only when
 *
 * - the folder's stat signature (size, nanosecond modification and change times, inode, device)
 *   is the one taken just before the listing was read; the change time cannot be set back, so
 *   `touch -d` on a folder does not hide a new file;
 * - the folder was already 2 seconds old when it was listed (`isRacy`: a change within the same
 *   timestamp tick would not show);
 * - the folder is on the device where, when the record was written, creating and removing a file
 *   in a probe folder beside the cache moved that folder's modification time
 *   (`probeFolderTimes`). Git leaves its cache off by default because some file systems do not
 *   do that; this asks the file system instead of assuming.
 *
 * The whole discovery is replayed only when every folder it listed still has its signature and
 * every other path it looked at (project markers, `tsconfig.json` paths, platform configs) is as
 * it was before discovery first looked at it: a regular file by its stat signature, anything
 * else by what it is (missing, a folder, something else). Discovery that met a symlink, skipped
 * anything, or read a file too recent to vouch for or that changed while it ran is not replayed.
 * Otherwise discovery runs, taking each folder whose signature still holds from its recorded
 * listing. Each scanned file's own stat still decides whether its content changed.
 *
 * The record names the tree it was written in (its root folder's device, inode and creation
 * time). In another tree (a fresh checkout with the cache restored, CI's usual run) discovery
 * walks without recording: every folder there is new, and will be again in the next checkout.
 */

const FILE_NAME = 'scan-discovery.json';
const FORMAT = 1;
/** Far above what a scan writes (about 2 MB at 8,000 functions): only a file that is no record is refused. */
const MAX_BYTES = 512 * 1024 * 1024;

/** An entry of a folder, as discovery reads it: a `Dirent`, or one a listing kept. */
export interface FolderEntry {
  readonly name: string;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

const FILE = 'f';
const DIR = 'd';
const LINK = 'l';
const OTHER = 'o';

class KeptEntry implements FolderEntry {
  constructor(
    readonly name: string,
    private readonly kind: string,
  ) {}

  isFile(): boolean {
    return this.kind === FILE;
  }

  isDirectory(): boolean {
    return this.kind === DIR;
  }

  isSymbolicLink(): boolean {
    return this.kind === LINK;
  }
}

/** One folder's listing: the stat signature taken before it was read (its device last), and a kind letter per name. */
interface Listing {
  signature: string;
  kinds: string;
  names: string[];
}

/**
 * The body is text, walked by offsets (a JSON body took about 10 ms to parse at 8,000 functions):
 * a JSON line (`Head`), then a line per file found, `F TAB project TAB kind TAB path` (kind `s`
 * for source, `t` for text), then a line per folder listed, `D TAB folder TAB signature TAB kinds
 * TAB names`, the names joined by `/` (which no name holds). Paths or names holding a tab or a
 * newline are never written.
 */
const FIELD = '\t';
const NAME = '/';

interface Head {
  /** Whether the files and projects below may be replayed (see the module comment). */
  replayable: boolean;
  /** Every path discovery looked at besides the folders it listed, with its state then (`pathState`). */
  reads: Array<[string, string]>;
  projects: ProjectInfo[];
}

/**
 * A record as read: its body kept as one string and walked by offsets, so that replaying it makes
 * no more strings than the discovery it stands for (splitting it into lines and fields made the
 * garbage collector the largest cost of a replay).
 */
class RecordRead {
  private byFolder?: Map<string, string>;

  constructor(
    readonly inputs: string,
    /** The identity of the tree it was written in (`treeOf`). */
    readonly tree: string,
    readonly head: Head,
    readonly text: string,
    /** Where the `F` lines start, and the `D` lines. */
    readonly filesAt: number,
    readonly foldersAt: number,
  ) {}

  /** The `D` lines by folder, for discovery that walks folders. */
  get folders(): Map<string, string> {
    if (!this.byFolder) {
      this.byFolder = new Map();
      for (let at = this.foldersAt; at < this.text.length; ) {
        const end = lineEnd(this.text, at);
        const dirEnd = this.text.indexOf(FIELD, at + 2);
        if (dirEnd > at + 2 && dirEnd < end) this.byFolder.set(this.text.slice(at + 2, dirEnd), this.text.slice(at, end));
        at = end + 1;
      }
    }
    return this.byFolder;
  }
}

/** How a `--cache` scan's discovery went, and how many folders it took from the record and read. */
export interface RecordedDiscovery {
  discovery: Discovery;
  how: 'replayed' | 'walked' | 'new tree';
  reused: number;
  read: number;
}

/**
 * Discovery for a `--cache` scan with the record in `location`: replayed when the record still
 * holds for these `inputs` (anything discovery's result depends on besides the disk), walked
 * without recording in another tree than the record's (the first of `paths` is its root), and
 * otherwise walked, taking unchanged folders from the record, and recorded.
 */
export function discoverRecorded(paths: string[], options: DiscoverOptions, location: string, inputs: unknown): RecordedDiscovery {
  const root = paths.length > 0 ? realPathOr(paths[0]) : '';
  const record = DiscoveryRecord.open(location, crypto.createHash('sha256').update(JSON.stringify(inputs)).digest('hex'), root);
  const replayed = record.replay();
  if (replayed) return { discovery: replayed, how: 'replayed', reused: record.reused, read: record.read };
  if (record.otherTree) {
    const discovery = discover(paths, options);
    record.mark();
    return { discovery, how: 'new tree', reused: 0, read: 0 };
  }
  const discovery = record.watch(() => discover(paths, { ...options, listFolder: record.list }));
  record.save(discovery);
  return { discovery, how: 'walked', reused: record.reused, read: record.read };
}

class DiscoveryRecord {
  /** Folders listed from the record in this scan, and those read from the disk. */
  reused = 0;
  read = 0;
  /** The listings this scan used that the next may trust, by folder. */
  private readonly current = new Map<string, Listing>();
  /** Folders listed from the disk whose listing cannot be kept (too recent, a name a line cannot hold). */
  private untrusted = 0;
  /** Paths discovery looked at besides the folders it listed, with their state just before it first did. */
  private readonly touched = new Map<string, string | undefined>();

  private constructor(
    private readonly location: string,
    /** What discovery's result depends on besides the disk: the scanned paths, the config, fnscan itself. */
    private readonly inputs: string,
    /** The identity of the tree this scan walks (`treeOf`). */
    private readonly tree: string,
    private readonly recorded: RecordRead | undefined,
  ) {}

  /** The record in `location`, for discovery with these inputs of the tree at `root` (the first scanned path). */
  static open(location: string, inputs: string, root: string): DiscoveryRecord {
    return new DiscoveryRecord(location, inputs, treeOf(root), readRecord(path.join(location, FILE_NAME)));
  }

  /**
   * Whether the record was written in another tree than this one: the usual CI run, a fresh
   * checkout with the cache of an earlier one restored, where every folder is new. Recording
   * there (a `stat` per folder, watching discovery, writing the record: about 0.1 s at 8,000
   * functions) is wasted, as the next checkout's folders will be new again; `mark` notes the tree
   * instead, so that a scan in it again (a developer's next run) records.
   */
  get otherTree(): boolean {
    return this.recorded !== undefined && this.recorded.tree !== this.tree;
  }

  /** Writes a record of this tree that holds nothing else. Best effort. */
  mark(): void {
    try {
      writeSummedFile(path.join(this.location, FILE_NAME), { format: FORMAT, inputs: this.inputs, tree: this.tree }, Buffer.from(`${JSON.stringify(emptyHead())}\n`));
    } catch {
      // Not written: the next scan in this tree walks it again.
    }
  }

  /** The recorded discovery, when every folder and every other path it read is as recorded. */
  replay(): Discovery | undefined {
    const record = this.recorded;
    if (!record || record.inputs !== this.inputs || record.tree !== this.tree || !record.head.replayable) return undefined;
    const { text } = record;
    const folders = new KnownFolders();
    let count = 0;
    for (let at = record.foldersAt; at < text.length; count++) {
      const end = lineEnd(text, at);
      const dirEnd = text.indexOf(FIELD, at + 2);
      if (dirEnd < 0 || dirEnd > end) return undefined;
      const dir = text.slice(at + 2, dirEnd);
      const signature = signatureOf(dir);
      if (signature === undefined || !text.startsWith(signature, dirEnd + 1) || text[dirEnd + 1 + signature.length] !== FIELD) return undefined;
      const line = { start: at, end };
      folders.addLater(dir, () => entriesOf(decodeListing(text.slice(line.start, line.end), dir)));
      at = end + 1;
    }
    if (!record.head.reads.every(([file, state]) => pathState(file) === state)) return undefined;
    const projects = record.head.projects;
    const files: DiscoveredFile[] = [];
    for (let at = record.filesAt; at < record.foldersAt; ) {
      const end = lineEnd(text, at);
      const file = decodeFile(text, at, end, projects);
      if (!file) return undefined;
      files.push(file);
      at = end + 1;
    }
    this.reused = count;
    return { projects, files, skipped: [], folders };
  }

  /** Lists `dir` as `readdirSync(dir, { withFileTypes: true })` would, from the record when it still vouches for the folder. */
  readonly list = (dir: string): FolderEntry[] => {
    const now = Date.now();
    // Before the listing is read: a change after this stat shows as another signature next time.
    const stat = statOf(dir);
    const signature = stat && statSignature(stat);
    const line = this.recorded?.folders.get(dir);
    const recorded = line === undefined ? undefined : decodeListing(line, dir);
    if (recorded && recorded.signature === signature) {
      this.reused++;
      this.current.set(dir, recorded);
      return entriesOf(recorded);
    }
    // Throws as discovery expects when the folder cannot be read.
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    this.read++;
    const names = entries.map((e) => e.name);
    if (stat?.isDirectory() && !isRacy(stat, now) && writable(dir) && names.every(writable)) {
      this.current.set(dir, { signature: signature!, kinds: entries.map(kindOf).join(''), names });
    } else {
      this.untrusted++;
    }
    return entries;
  };

  /**
   * Runs discovery, noting every path it looks at besides the folders it lists, and its state
   * before the first look: a path that changes between then and `save` is not vouched for.
   */
  watch<T>(run: () => T): T {
    // Listings are checked by their folder's signature.
    return watchingFileSystem((target, listing) => {
      if (listing || typeof target !== 'string') return;
      const file = path.resolve(target);
      if (!this.touched.has(file)) this.touched.set(file, pathState(file));
    }, run);
  }

  /**
   * Writes the record again when what it would hold differs from what it holds: the listings this
   * discovery used that the next may trust, and, when it can be replayed, what it found. A record
   * is for one set of inputs (scanned paths, config, fnscan): a scan with others writes its own over it.
   * Best effort: a cache folder that cannot be written to, or a file system that fails the probe,
   * leaves the record as it was, and scans walk their folders as before.
   */
  save(discovery: Discovery): void {
    const listed = [...this.current].map(([dir, l]) => `D${FIELD}${[dir, l.signature, l.kinds, l.names.join(NAME)].join(FIELD)}`);
    // Its state now, or undefined when it changed while discovery ran (what discovery made of it may be either).
    const reads = [...this.touched]
      .filter(([p]) => !this.current.has(p))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([p, before]): [string, string | undefined] => {
        const now = pathState(p);
        return [p, now === before ? now : undefined];
      });
    const projects = new Map(discovery.projects.map((p, i) => [p, i]));
    const replayable =
      this.untrusted === 0 &&
      discovery.skipped.length === 0 &&
      reads.every(([p, state]) => state !== undefined && writable(p)) &&
      [...this.current.values()].every((l) => !l.kinds.includes(LINK)) &&
      discovery.files.every((f) => projects.has(f.project) && writable(f.path));
    const bodyOf = (folders: string[], replay: boolean): string => {
      const head: Head = { replayable: replay, reads: replay ? (reads as Array<[string, string]>) : [], projects: replay ? discovery.projects : [] };
      const files = replay ? discovery.files.map((f) => `F${FIELD}${projects.get(f.project)}${FIELD}${f.kind === 'source' ? 's' : 't'}${FIELD}${f.path}`) : [];
      return `${[JSON.stringify(head), ...files, ...folders.sort()].join('\n')}\n`;
    };
    // Nothing to keep, and nothing kept before: no record at all.
    if (!replayable && listed.length === 0 && !this.recorded) return;
    const body = bodyOf(listed, replayable);
    if (this.recorded?.inputs === this.inputs && this.recorded.tree === this.tree && this.recorded.text === body) return;
    try {
      fs.mkdirSync(this.location, { recursive: true });
      const dev = probeFolderTimes(this.location);
      if (dev === undefined) return;
      // Listings of folders on another device than the probed one are dropped, and the discovery with them.
      const onDevice = listed.filter((line) => deviceOf(line.split(FIELD)[2] ?? '') === dev);
      const written = onDevice.length === listed.length ? body : bodyOf(onDevice, false);
      writeSummedFile(path.join(this.location, FILE_NAME), { format: FORMAT, inputs: this.inputs, tree: this.tree }, Buffer.from(written));
    } catch {
      // Not written: the next scan walks its folders.
    }
  }
}

/** A head that replays nothing. */
function emptyHead(): Head {
  return { replayable: false, reads: [], projects: [] };
}

/**
 * A tree's identity: the device, inode and creation time of its root folder, which a checkout
 * anew changes and edits never do. The creation time is there for CI runners made from one
 * image, where a job's new workspace folder may well get the inode number the last job's had.
 */
function treeOf(root: string): string {
  const stat = statOf(root);
  return stat ? `${stat.ino}:${stat.dev}:${stat.birthtimeMs}` : '';
}

function readRecord(file: string): RecordRead | undefined {
  const read = readSummedFile(file, MAX_BYTES);
  if (!read) return undefined;
  const { header } = read;
  if (header.format !== FORMAT || typeof header.inputs !== 'string' || typeof header.tree !== 'string') return undefined;
  try {
    const text = read.body.toString('utf8');
    const headEnd = lineEnd(text, 0);
    const head = JSON.parse(text.slice(0, headEnd)) as Head;
    if (typeof head.replayable !== 'boolean' || !Array.isArray(head.reads) || !Array.isArray(head.projects)) return undefined;
    // The `F` lines come first, then the `D` lines: one search finds where the folders start.
    const filesAt = headEnd + 1;
    const firstFolder = text.indexOf('\nD\t', headEnd);
    const foldersAt = text.startsWith('D\t', filesAt) ? filesAt : firstFolder < 0 ? text.length : firstFolder + 1;
    return new RecordRead(header.inputs, header.tree, head, text, filesAt, foldersAt);
  } catch {
    return undefined;
  }
}

/** Where the line starting at `at` ends (its newline, or the end of the text). */
function lineEnd(text: string, at: number): number {
  const end = text.indexOf('\n', at);
  return end < 0 ? text.length : end;
}

/** A `D` line's listing of `dir`; undefined when it is not well formed. */
function decodeListing(line: string, dir: string): Listing | undefined {
  const fields = line.slice(dir.length + 3).split(FIELD);
  if (fields.length !== 3) return undefined;
  const [signature, kinds, joined] = fields;
  const names = joined === '' ? [] : joined.split(NAME);
  if (names.length !== kinds.length || !/^[fdlo]*$/.test(kinds) || names.includes('')) return undefined;
  return { signature, kinds, names };
}

/** The `F` line from `at` to `end` as the file it names (`F TAB project TAB kind TAB path`); undefined when it is not well formed. */
function decodeFile(text: string, at: number, end: number, projects: readonly ProjectInfo[]): DiscoveredFile | undefined {
  const kindAt = text.indexOf(FIELD, at + 2) + 1;
  if (kindAt <= at + 3 || kindAt > end || text[at] !== 'F') return undefined;
  const project = projects[Number(text.slice(at + 2, kindAt - 1))];
  const kind = text[kindAt];
  if (!project || (kind !== 's' && kind !== 't') || text[kindAt + 1] !== FIELD) return undefined;
  return { path: text.slice(kindAt + 2, end), kind: kind === 's' ? 'source' : 'text', project };
}

function entriesOf(listing: Listing | undefined): FolderEntry[] {
  if (!listing) throw new Error('A recorded listing does not read.');
  return listing.names.map((name, i) => new KeptEntry(name, listing.kinds[i]));
}

/** Whether a record line can hold this path or name: no tab or newline in it (a file name may hold either). */
function writable(text: string): boolean {
  return !text.includes(FIELD) && !text.includes('\n');
}

function kindOf(entry: FolderEntry): string {
  return entry.isFile() ? FILE : entry.isDirectory() ? DIR : entry.isSymbolicLink() ? LINK : OTHER;
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

function signatureOf(dir: string): string | undefined {
  const stat = statOf(dir);
  return stat?.isDirectory() ? statSignature(stat) : undefined;
}

/**
 * What discovery could learn from a path it looked at: missing, a folder, something other than a
 * regular file, or a regular file by its stat signature. Undefined for a file too recent for its
 * signature to vouch for its content.
 */
function pathState(file: string): string | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    return `error:${(error as NodeJS.ErrnoException).code ?? 'unknown'}`;
  }
  if (!stat) return 'missing';
  if (stat.isDirectory()) return 'folder';
  if (!stat.isFile()) return 'other';
  const signature = vouchingSignature(stat);
  return signature === undefined ? undefined : `file:${signature}`;
}

/** The device a stat signature ends with (`statSignature`'s last field). */
function deviceOf(signature: string): number {
  return Number(signature.slice(signature.lastIndexOf(':') + 1));
}

/** An hour back: far outside any timestamp tick. */
const PROBE_PAST_MS = 60 * 60 * 1000;

/**
 * Whether adding and removing a file moves a folder's modification time on the file system of
 * `location` (a folder that exists), tried on a new folder there whose times are set an hour
 * back before each change. The device it tried, or undefined when either change left the time
 * where it was (or the probe could not run).
 */
export function probeFolderTimes(location: string): number | undefined {
  let probe: string | undefined;
  try {
    probe = fs.mkdtempSync(path.join(location, '.folder-probe-'));
    const past = new Date(Date.now() - PROBE_PAST_MS);
    const moved = (): boolean => fs.statSync(probe!).mtimeMs > past.getTime() + 1000;
    const file = path.join(probe, 'entry');
    fs.utimesSync(probe, past, past);
    fs.writeFileSync(file, '');
    if (!moved()) return undefined;
    fs.utimesSync(probe, past, past);
    fs.rmSync(file);
    if (!moved()) return undefined;
    return fs.statSync(probe).dev;
  } catch {
    return undefined;
  } finally {
    if (probe) fs.rmSync(probe, { recursive: true, force: true });
  }
}
