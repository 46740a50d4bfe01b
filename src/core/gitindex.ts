import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readAtMost, readFileHead, withRegularFile } from './files';

/**
 * Git's index (`.git/index`), read as data: for each tracked file, the stat git saw when it last
 * wrote or checked the file, and the id of the blob it holds. A file whose stat is still the one
 * recorded has that blob's content (git's own rule for `git status`), so the scan cache can find
 * its entry without reading the file: in a fresh checkout with a restored cache every stat is new,
 * and reading every file once to find its entry was about a third of such a scan.
 *
 * Nothing here runs git or reads anything but the index and the repository's `config` (for the
 * object format). Whatever is not plainly usable gives no index: a split index, a repository with
 * SHA-256 object ids, an index whose checksum does not hold, anything malformed or over the size
 * limit. Entries git itself does not vouch for by stat are left out: conflicts, assume-unchanged
 * and skip-worktree entries, intent-to-add entries, and anything but a regular file.
 */

export interface GitIndex {
  /** The work tree's folder (real path). */
  worktree: string;
  /** The work tree's folder with a trailing separator: files below it are sliced, not `path.relative`d. */
  prefix: string;
  /** Regular files by path relative to the work tree, with `/`. */
  entries: Map<string, GitIndexEntry>;
  /** The index file's own mtime: an entry not older than it may have changed in the same tick (git's racy-clean rule). */
  writtenMs: number;
}

export interface GitIndexEntry {
  ctimeMs: number;
  mtimeMs: number;
  /** As git stores them: the low 32 bits. */
  ino: number;
  size: number;
  /** The blob's id, hex. */
  blob: string;
}

/** What `vouchedBlob` compares a stat signature with: its size and times as a signature starts, built on first use. */
const signatureHeads = new WeakMap<GitIndexEntry, string>();

/** Larger indexes are not read (a tree of a million files has an index of about 100 MB). */
const MAX_INDEX_BYTES = 256 * 1024 * 1024;
const SHA1_BYTES = 20;
const ENTRY_FIXED_BYTES = 62;
const FLAG_ASSUME_VALID = 0x8000;
const FLAG_EXTENDED = 0x4000;
const FLAG_STAGE = 0x3000;
const FLAG_NAME_LENGTH = 0x0fff;
const EXTENDED_SKIP_WORKTREE = 0x4000;
const EXTENDED_INTENT_TO_ADD = 0x2000;
const MODE_TYPE = 0o170000;
const MODE_REGULAR = 0o100000;
const TWO_32 = 2 ** 32;

/**
 * The index of the git work tree `dir` is in, if it has a usable one with at most `maxEntries`
 * entries (its header says how many before the rest is read). Never throws.
 */
export function readGitIndex(dir: string, maxEntries = Infinity): GitIndex | undefined {
  try {
    const found = findGitDir(fs.realpathSync(dir));
    if (!found || !usesSha1(found.gitDir)) return undefined;
    const file = path.join(found.gitDir, 'index');
    const header = readFileHead(file, 12);
    if (!header || header.length < 12 || header.readUInt32BE(8) > maxEntries) return undefined;
    const index = readIndexFile(file);
    const prefix = found.worktree.endsWith(path.sep) ? found.worktree : found.worktree + path.sep;
    return index && { worktree: found.worktree, prefix, ...index };
  } catch {
    return undefined;
  }
}

/**
 * The blob a file holds, if its index entry vouches for it: the file's size, modification and
 * change times and inode (from the stat signature fnscan took, `size:mtimeMs:ctimeMs:ino:dev`)
 * are those the entry recorded, and the entry is older than the index that holds it.
 */
export function vouchedBlob(index: GitIndex, file: string, signature: string): string | undefined {
  // Scanned paths are absolute and normalised; one outside the work tree has no entry.
  if (!file.startsWith(index.prefix)) return undefined;
  const rel = file.slice(index.prefix.length);
  const entry = index.entries.get(path.sep === '/' ? rel : rel.split(path.sep).join('/'));
  if (!entry || entry.mtimeMs >= index.writtenMs) return undefined;
  // Node computes a stat's milliseconds from its seconds and nanoseconds as the parser does, so
  // the same stat gives the same text. Sizes fnscan hashes are far below git's 32 bits; inodes
  // may not be, and git keeps their low 32 bits.
  let head = signatureHeads.get(entry);
  if (head === undefined) {
    head = `${entry.size}:${entry.mtimeMs}:${entry.ctimeMs}:`;
    signatureHeads.set(entry, head);
  }
  if (!signature.startsWith(head)) return undefined;
  const ino = Number(signature.slice(head.length, signature.indexOf(':', head.length)));
  return ino % TWO_32 === entry.ino ? entry.blob : undefined;
}

/** The work tree and git folder of the repository `dir` is in: `.git` as a folder, or a file naming it (worktrees, submodules). */
function findGitDir(dir: string): { worktree: string; gitDir: string } | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const dotGit = path.join(at, '.git');
    const stat = fs.lstatSync(dotGit, { throwIfNoEntry: false });
    if (stat?.isDirectory()) return { worktree: at, gitDir: dotGit };
    if (stat?.isFile()) {
      const line = /^gitdir: (.+)$/m.exec(readHead(dotGit));
      return line ? { worktree: at, gitDir: path.resolve(at, line[1].trim()) } : undefined;
    }
    if (path.dirname(at) === at) return undefined;
  }
}

/** Whether the repository's object ids are SHA-1 (the config names another format otherwise; a worktree's config is its common folder's). */
function usesSha1(gitDir: string): boolean {
  const common = fs.existsSync(path.join(gitDir, 'commondir')) ? path.resolve(gitDir, readHead(path.join(gitDir, 'commondir')).trim()) : gitDir;
  if (!fs.statSync(path.join(common, 'config')).isFile()) return false;
  for (const line of readHead(path.join(common, 'config')).split('\n')) {
    const format = /^objectformat\s*=\s*(\S+)/i.exec(line.trim());
    if (format) return format[1].toLowerCase() === 'sha1';
  }
  return true;
}

/** The first 64 KB of a small git file (a `.git` link, `commondir`, `config`), as text; empty if it cannot be read. */
function readHead(file: string): string {
  return readFileHead(file, 64 * 1024)?.toString('utf8') ?? '';
}

function readIndexFile(file: string): Pick<GitIndex, 'entries' | 'writtenMs'> | undefined {
  return withRegularFile(
    file,
    (fd, size) => {
      if (size > MAX_INDEX_BYTES || size < 12 + SHA1_BYTES) return undefined;
      // The index's time from the descriptor the bytes come from: git replaces the file by renaming, never in place.
      const writtenMs = fs.fstatSync(fd).mtimeMs;
      const bytes = readAtMost(fd, size + 1, size + 1);
      if (bytes.length !== size) return undefined;
      const entries = parseIndex(bytes);
      return entries && { entries, writtenMs };
    },
    () => undefined,
  );
}

/** The regular, stage-0 entries git vouches for by stat; undefined for anything this reader does not take. */
export function parseIndex(bytes: Buffer): Map<string, GitIndexEntry> | undefined {
  if (bytes.length < 12 + SHA1_BYTES) return undefined;
  const body = bytes.subarray(0, bytes.length - SHA1_BYTES);
  if (!crypto.createHash('sha1').update(body).digest().equals(bytes.subarray(body.length))) return undefined;
  if (body.toString('latin1', 0, 4) !== 'DIRC') return undefined;
  const version = body.readUInt32BE(4);
  if (version < 2 || version > 4) return undefined;
  const count = body.readUInt32BE(8);
  const entries = new Map<string, GitIndexEntry>();
  let at = 12;
  let previous = '';
  for (let i = 0; i < count; i++) {
    const start = at;
    if (at + ENTRY_FIXED_BYTES > body.length) return undefined;
    const ctimeMs = body.readUInt32BE(at) * 1000 + body.readUInt32BE(at + 4) / 1e6;
    const mtimeMs = body.readUInt32BE(at + 8) * 1000 + body.readUInt32BE(at + 12) / 1e6;
    const ino = body.readUInt32BE(at + 20);
    const mode = body.readUInt32BE(at + 24);
    const size = body.readUInt32BE(at + 36);
    const blob = body.toString('hex', at + 40, at + 60);
    const flags = body.readUInt16BE(at + 60);
    at += ENTRY_FIXED_BYTES;
    let extended = 0;
    if (flags & FLAG_EXTENDED) {
      if (version < 3 || at + 2 > body.length) return undefined;
      extended = body.readUInt16BE(at);
      at += 2;
    }
    let name: string;
    if (version === 4) {
      // The path: how many bytes to drop from the end of the previous one (a varint), then the rest.
      const strip = readOffsetVarint(body, at);
      if (!strip || strip.value > previous.length) return undefined;
      at = strip.next;
      const end = body.indexOf(0, at);
      if (end < 0) return undefined;
      name = previous.slice(0, previous.length - strip.value) + body.toString('utf8', at, end);
      at = end + 1;
    } else {
      const length = flags & FLAG_NAME_LENGTH;
      const end = length < FLAG_NAME_LENGTH ? at + length : body.indexOf(0, at);
      if (end < 0 || end >= body.length || body[end] !== 0) return undefined;
      name = body.toString('utf8', at, end);
      // One to eight NULs pad each entry to a multiple of 8 bytes.
      at = start + Math.ceil((end - start + 1) / 8) * 8;
    }
    previous = name;
    const vouched =
      (flags & (FLAG_STAGE | FLAG_ASSUME_VALID)) === 0 &&
      (extended & (EXTENDED_SKIP_WORKTREE | EXTENDED_INTENT_TO_ADD)) === 0 &&
      (mode & MODE_TYPE) === MODE_REGULAR;
    if (vouched) entries.set(name, { ctimeMs, mtimeMs, ino, size, blob });
  }
  // Extensions: a split index keeps most entries in another file, so this one alone is not the index.
  while (at + 8 <= body.length) {
    const signature = body.toString('latin1', at, at + 4);
    if (signature === 'link') return undefined;
    at += 8 + body.readUInt32BE(at + 4);
  }
  return at === body.length ? entries : undefined;
}

/** Git's offset varint (index v4's path prefix length): big-endian 7-bit groups, each continuation adding one. */
function readOffsetVarint(bytes: Buffer, at: number): { value: number; next: number } | undefined {
  if (at >= bytes.length) return undefined;
  let c = bytes[at++];
  let value = c & 0x7f;
  while (c & 0x80) {
    if (at >= bytes.length || value > 2 ** 24) return undefined;
    c = bytes[at++];
    value = (value + 1) * 128 + (c & 0x7f);
  }
  return { value, next: at };
}
