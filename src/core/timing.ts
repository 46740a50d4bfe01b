import { performance } from 'node:perf_hooks';

/**
 * Where a scan's time went (`--timing`): milliseconds in each rule's code and per file judged,
 * summed over every thread that judged files. A rule's time includes parsing the modules it
 * reads first (a handler's `src/lib` helpers); a file's time is its parse and every rule on it.
 */
export class WorkTimes {
  readonly rules = new Map<string, number>();
  readonly files = new Map<string, number>();
  /** Loading TypeScript, in every thread that parsed. */
  typescript = 0;

  addRule(id: string, ms: number): void {
    this.rules.set(id, (this.rules.get(id) ?? 0) + ms);
  }

  addFile(file: string, ms: number): void {
    this.files.set(file, (this.files.get(file) ?? 0) + ms);
  }

  /** Times `work` as `file`'s. */
  timeFile<T>(file: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.addFile(file, performance.now() - start);
    }
  }

  /** What a worker thread sends back with each chunk; it starts afresh after. */
  take(): WireTimes {
    const wire: WireTimes = { rules: [...this.rules], files: [...this.files], typescript: this.typescript };
    this.rules.clear();
    this.files.clear();
    this.typescript = 0;
    return wire;
  }

  merge(wire: WireTimes): void {
    for (const [id, ms] of wire.rules) this.addRule(id, ms);
    for (const [file, ms] of wire.files) this.addFile(file, ms);
    this.typescript += wire.typescript;
  }
}

export interface WireTimes {
  rules: Array<[string, number]>;
  files: Array<[string, number]>;
  typescript: number;
}

/** Wall time of the phases of one scan, in milliseconds. */
export interface ScanPhases {
  /** Finding the files. */
  discovery: number;
  /** The unchanged-tree record, or opening the scan cache and a lookup per file. */
  cache: number;
  /** How the cache answered: the record for every file, or lookups file by file. */
  answeredBy: 'record' | 'lookups' | 'nothing';
  /** Files judged (not answered by the cache), and the time it took in all. */
  judged: number;
  judging: number;
  /** With worker threads: the files each thread judged, this one first. */
  threads?: number[];
  /** The files were judged by a worker started while planning (see `startEarlyWorker`). */
  early?: boolean;
  /** Writing the scan cache and the unchanged-tree record, when caching. */
  saving: number;
}

/** Milliseconds since `start`. */
export function since(start: number): number {
  return performance.now() - start;
}
