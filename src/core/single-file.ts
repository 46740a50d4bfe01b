import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as TS from 'typescript';
import type { Finding } from './types';
import type { Rule } from './rule';
import { RuleRunner } from './engine';
import { ProjectAnalysis, importBases, type ModuleHost } from './analysis';
import { DEFAULT_LIMITS, checkTree, parseSource, readTextFile, type ReadLimits, type SourceFileInfo } from './files';
import { configFolders, findEnclosingProjectRoot, isWalkedDir, projectAt, projectConfig, roleOf, type ProjectInfo } from './project';
import { CONFIG_FILES, type FnscanConfig } from './config';
import { compileGlobs } from './glob';
import { isRacy, statSignature } from './signature';

/**
 * The engine for hosts that check one file at a time and live long (ESLint, editors): each file
 * finds its project the way the CLI does, imported modules come from disk and are parsed once,
 * and everything derived from a module is dropped as soon as that module changes on disk.
 */
export interface SingleFileInput {
  /** Absolute path, or relative to `cwd`. The file need not be saved. */
  file: string;
  /** The text to check, which may differ from the file on disk. */
  text: string;
  /** A tree of `text` already parsed by this process's TypeScript with parents set, to avoid a second parse. */
  sf?: TS.SourceFile;
  cwd: string;
}

/** Files that decide what a project is (kind, aliases, endpoints, config); a change to any starts it afresh. */
const PROJECT_FILES = [
  'redwood.toml',
  'cedar.toml',
  'api/tsconfig.json',
  'api/jsconfig.json',
  'tsconfig.json',
  'jsconfig.json',
  'fnscan.config.json',
  'package.json',
  'netlify.toml',
  'vercel.json',
  'serverless.yml',
  'serverless.yaml',
  'template.yaml',
  'template.yml',
  'wrangler.toml',
  'wrangler.json',
  'wrangler.jsonc',
  'firebase.json',
  'functions/package.json',
];

/**
 * Disk state (a project's own files, the modules files import) is re-checked at most this often.
 * Statting every imported module for every linted file costs more than the rules themselves in a
 * large app; a change on disk is seen by every lint that starts this long after it.
 */
export const RECHECK_MS = 100;

export class SingleFileScanner {
  private readonly sessions = new Map<string, ProjectSession>();
  /**
   * Folder lookups (real path, enclosing project root as the CLI finds it), made once per folder:
   * they cost dozens of system calls per file otherwise. Forgotten whenever a project's own files
   * change; a project created or removed elsewhere is seen when ESLint restarts.
   */
  private readonly folders = new Map<string, { real: string; project: string | undefined }>();

  constructor(private readonly rules: readonly Rule[]) {}

  /** Findings for one file, suppressed ones included (marked), as `RuleRunner` gives them. */
  scan(input: SingleFileInput): Finding[] {
    const absolute = path.resolve(input.cwd, input.file);
    const folder = this.folder(path.dirname(absolute));
    const file = path.join(folder.real, path.basename(absolute));
    const root = folder.project ?? plainRoot(file, input.cwd);
    return this.sessionFor(root).scan(file, input.text, input.sf);
  }

  private folder(dir: string): { real: string; project: string | undefined } {
    let found = this.folders.get(dir);
    if (!found) {
      const real = realDir(dir);
      found = { real, project: findEnclosingProjectRoot(real)?.root };
      this.folders.set(dir, found);
    }
    return found;
  }

  private sessionFor(root: string): ProjectSession {
    const existing = this.sessions.get(root);
    if (existing && !existing.due('project')) return existing;
    // A config above the project (its workspace's) decides its files too.
    const above = configFolders(root).slice(1).flatMap((dir) => CONFIG_FILES.map((name) => path.join(dir, name)));
    const fingerprint = [...PROJECT_FILES.map((name) => path.join(root, name)), ...above].map(stamp).join('|');
    if (existing?.fingerprint === fingerprint) return existing;
    if (existing) this.folders.clear();
    const session = new ProjectSession(projectAt(root), fingerprint, this.rules);
    this.sessions.set(root, session);
    return session;
  }
}

interface CachedModule {
  stamp: string;
  /** The text read, or undefined when the file could not be read. */
  text: string | undefined;
  /** Undefined when the file could not be read or parsed; the CLI skips it too. */
  info: SourceFileInfo | undefined;
  /** Changed too recently for its stamp to be trusted: compared by content until it settles. */
  racy: boolean;
}

/**
 * Everything one project (a Redwood app, a function-platform project, or a plain folder) keeps
 * between files: the parsed modules that files import, and the analysis with its memos. Linted
 * files themselves are not kept (ESLint parsed them; keeping every tree would grow with the repo).
 */
class ProjectSession implements ModuleHost {
  private readonly modules = new Map<string, CachedModule>();
  /** Digest of the text each file was last checked with, to notice edits. */
  private readonly checked = new Map<string, string>();
  private readonly config: FnscanConfig;
  private readonly limits: ReadLimits;
  private readonly isIgnored: (rel: string) => boolean;
  private analysis!: ProjectAnalysis;
  private runner!: RuleRunner;
  /** The file being checked, served to the analysis in place of its saved version. */
  private current: SourceFileInfo | undefined;
  /** When disk state was last checked, per kind (`performance.now()`). */
  private readonly checkedAt = { project: performance.now(), modules: -Infinity };
  /**
   * The folders the analysis's import resolutions looked in (and the folders an import could
   * name), each with its stamp from before it was looked in: a module created, removed or
   * renamed there changes where an import resolves, though no module read has changed.
   */
  private readonly importFolders = new Map<string, string>();

  constructor(
    private readonly project: ProjectInfo,
    readonly fingerprint: string,
    private readonly rules: readonly Rule[],
  ) {
    // The project's own config, or its workspace's (`projectConfig`), as the CLI judges the project's files.
    project.settings = projectConfig(project.root, rules.map((r) => r.meta.id)) ?? { dir: project.root, config: {} };
    this.config = project.settings.config;
    this.limits = { ...DEFAULT_LIMITS, maxFileBytes: this.config.maxFileSize ?? DEFAULT_LIMITS.maxFileBytes };
    this.isIgnored = compileGlobs(this.config.ignore ?? []);
    this.resetAnalysis();
  }

  scan(file: string, text: string, parsed: TS.SourceFile | undefined): Finding[] {
    if (!this.isScannedByCli(file)) return [];
    if (roleOf(file, this.project) === 'test') return [];
    if (this.due('modules')) this.dropChangedModules();
    // An edit can import a module created since the last check, which a cached resolution would miss.
    const digest = crypto.createHash('sha1').update(text).digest('base64');
    const previous = this.checked.get(file);
    if (previous !== undefined && previous !== digest) this.resetAnalysis();
    this.checked.set(file, digest);

    const info = this.sourceInfo(file, text, parsed);
    if (!info) return [];
    this.current = info;
    try {
      return this.runner.runSource(info, []);
    } finally {
      this.current = undefined;
    }
  }

  load(file: string, project: ProjectInfo): SourceFileInfo | undefined {
    if (this.current?.path === file) return this.current;
    const cached = this.modules.get(file);
    if (cached) return cached.info;
    const entry = this.readModule(file, project);
    this.modules.set(file, entry);
    return entry.info;
  }

  resolving(from: SourceFileInfo, specifier: string): void {
    for (const base of importBases(path.dirname(from.path), specifier, from.project)) {
      for (const folder of [path.dirname(base), base]) {
        if (!this.importFolders.has(folder)) this.importFolders.set(folder, stamp(folder));
      }
    }
  }

  private readModule(file: string, project: ProjectInfo): CachedModule {
    const before = fs.statSync(file, { throwIfNoEntry: false });
    const read = readTextFile(file, this.limits);
    const text = 'text' in read ? read.text : undefined;
    const info = text === undefined ? undefined : this.parse(file, text, project);
    return { stamp: stampOf(before), text, info, racy: before !== undefined && isRacy(before) };
  }

  private parse(file: string, text: string, project: ProjectInfo): SourceFileInfo | undefined {
    try {
      const parsed = parseSource(file, text, this.limits);
      if ('skipped' in parsed) return undefined;
      return { kind: 'source', path: file, text, sf: parsed.sf, index: parsed.index, role: roleOf(file, project), project };
    } catch {
      return undefined;
    }
  }

  /**
   * The checked file as the analysis sees it: the module already loaded for an importer when the
   * text is the same (so memos about it stay valid), else the parser's tree, else a parse.
   */
  private sourceInfo(file: string, text: string, parsed: TS.SourceFile | undefined): SourceFileInfo | undefined {
    if (Buffer.byteLength(text) > this.limits.maxFileBytes) return undefined;
    const cached = this.modules.get(file);
    if (cached?.info?.text === text) return cached.info;
    if (!parsed) return this.parse(file, text, this.project);
    const checked = checkTree(file, parsed, this.limits);
    if ('skipped' in checked) return undefined;
    return { kind: 'source', path: file, text, sf: parsed, index: checked.index, role: roleOf(file, this.project), project: this.project };
  }

  /** Whether `RECHECK_MS` has passed since this kind of disk state was last checked; if so, it counts as checked now. */
  due(kind: 'project' | 'modules'): boolean {
    const now = performance.now();
    if (now - this.checkedAt[kind] < RECHECK_MS) return false;
    this.checkedAt[kind] = now;
    return true;
  }

  /**
   * Forgets modules changed on disk since they were read; if any did, or a folder an import
   * resolved in changed, every derived fact goes too.
   */
  private dropChangedModules(): void {
    let changed = false;
    for (const [folder, before] of this.importFolders) {
      if (stamp(folder) !== before) changed = true;
    }
    for (const [file, entry] of this.modules) {
      const now = fs.statSync(file, { throwIfNoEntry: false });
      let same = stampOf(now) === entry.stamp;
      if (same && entry.racy) {
        const read = readTextFile(file, this.limits);
        same = ('text' in read ? read.text : undefined) === entry.text;
        entry.racy = now !== undefined && isRacy(now);
      }
      if (!same) {
        this.modules.delete(file);
        changed = true;
      }
    }
    if (changed) this.resetAnalysis();
  }

  private resetAnalysis(): void {
    // The new analysis resolves every import again, noting the folders as it goes.
    this.importFolders.clear();
    this.analysis = new ProjectAnalysis(this);
    this.runner = new RuleRunner([...this.rules], this.config, this.analysis, false);
  }

  /** Whether the CLI, scanning this project's root, would reach the file at all. */
  private isScannedByCli(file: string): boolean {
    const rel = path.relative(this.project.root, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return true;
    const parts = rel.split(path.sep);
    for (const dir of parts.slice(0, -1)) if (!isWalkedDir(dir, this.project.kind)) return false;
    // The globs are relative to the config's folder (the project root, or the folder above it holding the config).
    return !this.isIgnored(path.relative(this.project.settings!.dir, file).split(path.sep).join('/'));
  }
}

/** What a rewrite changes: the ctime too, so a rewrite that keeps the size and puts the mtime back is seen (as the CLI's cache sees it). */
function stampOf(stat: fs.Stats | undefined): string {
  return stat ? statSignature(stat) : 'missing';
}

function stamp(file: string): string {
  return stampOf(fs.statSync(file, { throwIfNoEntry: false }));
}

/** Resolves symlinks, as the CLI's walk does, so roles and imports agree. */
function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/** Outside any project, the CLI's project is the scanned folder: here the working directory, if it holds the file. */
function plainRoot(file: string, cwd: string): string {
  const base = realDir(path.resolve(cwd));
  const rel = path.relative(base, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.dirname(file) : base;
}
