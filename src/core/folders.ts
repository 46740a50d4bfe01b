import path from 'node:path';
import type { FolderEntry } from './discovery-record';

type EntryKind = 'file' | 'dir' | 'other';

/**
 * The folder listings discovery read, kept so that import resolution can settle most of its
 * probes (`./parse`, `./parse.ts`, `./parse.tsx`, …) without a system call each. Only what a
 * listing settles exactly is answered: an entry that is a symlink, a folder discovery did not
 * list (ignored, outside the scanned paths), or a name that a case- or normalisation-insensitive
 * file system could match to another entry is left to `stat`, so the answer is always the one
 * `stat` would give.
 */
export class KnownFolders {
  private readonly listings = new Map<string, Map<string, EntryKind>>();
  private readonly folded = new Map<string, Set<string>>();
  /** Listings recorded by an earlier scan (discovery-record.ts), decoded when first asked about. */
  private readonly later = new Map<string, () => readonly FolderEntry[]>();

  /** Records a folder's listing as `readdirSync(dir, { withFileTypes: true })` gave it; returns its names. */
  add(dir: string, entries: readonly FolderEntry[]): Map<string, EntryKind> {
    const kinds = new Map<string, EntryKind>();
    for (const entry of entries) kinds.set(entry.name, entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other');
    this.listings.set(dir, kinds);
    return kinds;
  }

  /** Records a folder's listing to be read when first needed. */
  addLater(dir: string, entries: () => readonly FolderEntry[]): void {
    this.later.set(dir, entries);
  }

  private listing(dir: string): Map<string, EntryKind> | undefined {
    const listing = this.listings.get(dir);
    if (listing) return listing;
    const later = this.later.get(dir);
    if (!later) return undefined;
    this.later.delete(dir);
    return this.add(dir, later());
  }

  /** Whether an absolute, normalised path is a regular file; undefined when only the disk can say. */
  isFile(file: string): boolean | undefined {
    const dir = path.dirname(file);
    const kind = this.kindOf(dir, file);
    if (kind === 'absent' || kind === 'dir') return false;
    return kind === 'file' ? true : undefined;
  }

  /**
   * What a listed folder says of one of its entries: 'absent' when no entry could be it; for a
   * path whose folder was not listed, 'absent' too when that folder itself is absent (or a file),
   * as its parent's listing shows.
   */
  private kindOf(dir: string, entry: string): EntryKind | 'absent' | undefined {
    const listing = this.listing(dir);
    if (!listing) {
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      const folder = this.kindOf(parent, dir);
      return folder === 'absent' || folder === 'file' ? 'absent' : undefined;
    }
    const name = entry.slice(dir.length + (dir.endsWith(path.sep) ? 0 : 1));
    const kind = listing.get(name);
    if (kind !== undefined) return kind;
    return this.foldedNames(dir, listing).has(fold(name)) ? undefined : 'absent';
  }

  private foldedNames(dir: string, listing: Map<string, EntryKind>): Set<string> {
    let names = this.folded.get(dir);
    if (!names) {
      names = new Set([...listing.keys()].map(fold));
      this.folded.set(dir, names);
    }
    return names;
  }
}

function fold(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
