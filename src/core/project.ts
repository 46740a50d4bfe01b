import fs from 'node:fs';
import path from 'node:path';
import type { SkippedFile } from './types';
import { DEFAULT_LIMITS, isInTestFolder, isSourcePath, isTestPath, isTextConfigPath, readTextFile, relativePath, relativeUnder, type FileRole } from './files';
import { compileGlobs } from './glob';
import { KnownFolders } from './folders';
import type { FolderEntry } from './discovery-record';
import { isPlatformRoot, platformEndpoint, readPlatforms, type EndpointInfo, type PlatformConfig } from './platforms';
import { parseJsonc } from './jsonc';
import { folderConfig, type FnscanConfig, type FoundConfig } from './config';

/** A Redwood (or Cedar) app, a project of another function platform, or just files. */
export type ProjectKind = 'redwood' | 'functions' | 'plain';

export interface ProjectInfo {
  kind: ProjectKind;
  /** Absolute project root (the folder holding redwood.toml / cedar.toml, or the scanned path). */
  root: string;
  /** Absolute `api/src` for Redwood apps. */
  apiSrc?: string;
  /** Absolute `api/src/functions` for Redwood apps. */
  functionsDir?: string;
  /** tsconfig `paths` of the api side, resolved to absolute directories. */
  paths: PathAlias[];
  /** Endpoint folders and gateway config of other platforms (Netlify, Vercel, Next.js, Lambda). */
  platforms?: PlatformConfig;
  /**
   * The config its files are judged by, when it has one (`projectConfig`) and discovery was asked
   * to read each project's (`DiscoverOptions.configRules`); otherwise the scan's.
   */
  settings?: FoundConfig;
}

export interface PathAlias {
  /** Pattern prefix before `*`, e.g. `src/`. */
  prefix: string;
  /** Whether the pattern had a `*` (prefix match) or is exact. */
  wildcard: boolean;
  targets: string[];
}

export interface DiscoveredFile {
  path: string;
  kind: 'source' | 'text';
  project: ProjectInfo;
}

export interface Discovery {
  projects: ProjectInfo[];
  files: DiscoveredFile[];
  skipped: SkippedFile[];
  /** The listings of the folders walked, for import resolution. */
  folders: KnownFolders;
}

const ALWAYS_IGNORED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.redwood',
  '.netlify',
  '.vercel',
  '.next',
  '.cache',
  'coverage',
]);

const BUILD_OUTPUT_DIRS = new Set(['dist', 'build', 'out']);

export interface DiscoverOptions {
  ignore: string[];
  /** Folder the `ignore` globs are relative to, for files under it; default: the scanned path. */
  ignoreRoot?: string;
  followSymlinks: boolean;
  /**
   * The ids of the known rules, to read each project's config with (`projectConfig`); a project
   * that has one is judged by it, and its `ignore` globs apply to its files instead of `ignore`.
   * Not with an explicit `--config`.
   */
  configRules?: string[];
  /** Lists a folder (`readdirSync` with file types by default; `--cache` scans take unchanged ones from a record: discovery-record.ts). */
  listFolder?: (dir: string) => FolderEntry[];
}

/**
 * Walks the given paths once, finds Redwood (and Cedar) apps, and lists the files to scan.
 * Files outside any app belong to a plain project rooted at the scanned path, so the file-level
 * rules still run on them.
 */
export function discover(inputs: string[], options: DiscoverOptions): Discovery {
  const scanIgnore = { isIgnored: compileGlobs(options.ignore), root: options.ignoreRoot === undefined ? undefined : realPathOr(options.ignoreRoot) };
  const projectIgnores = new Map<ProjectInfo, typeof scanIgnore>();
  const folderConfigs = new Map<string, FnscanConfig | undefined>();
  const projects: ProjectInfo[] = [];
  const files: DiscoveredFile[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  const followedDirs = new Set<string>();
  const folders = new KnownFolders();
  const listFolder = options.listFolder ?? ((dir: string): FolderEntry[] => fs.readdirSync(dir, { withFileTypes: true }));

  for (const input of inputs) {
    const scanRoot = path.resolve(input);
    let rootReal: string;
    try {
      rootReal = fs.realpathSync(scanRoot);
    } catch {
      throw new UsageError(`Path \`${input}\` does not exist.`);
    }
    const stat = fs.statSync(rootReal);
    if (stat.isFile()) {
      // A file named on its own (a pre-commit hook's staged files) is judged as part of its app.
      addFile(rootReal, register(projectAt(path.dirname(rootReal))));
      continue;
    }
    walk(rootReal, register(projectAt(rootReal)), rootReal);
  }

  return {
    projects: projects.filter((p) => p.kind !== 'plain' || files.some((f) => f.project === p)),
    files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    skipped,
    folders,
  };

  /** One object per project, however many paths lead into it: the engine groups files by it. */
  function register(found: ProjectInfo): ProjectInfo {
    const known = projects.find((p) => p.root === found.root && p.kind === found.kind);
    if (known) return known;
    const settings = options.configRules && projectConfig(found.root, options.configRules, folderConfigs);
    if (settings) {
      found.settings = settings;
      projectIgnores.set(found, { isIgnored: compileGlobs(settings.config.ignore ?? []), root: realPathOr(settings.dir) });
    }
    projects.push(found);
    // Said, not silently dropped: a Worker built before it is deployed is judged on nothing here.
    const missing = found.platforms?.missingWorker;
    if (missing) {
      skipped.push({
        file: missing.config,
        reason: 'missing-entry',
        detail: `\`main\` names ${missing.main}, which is not in the tree (a build's output?): the Worker is not judged; point \`main\` at its source to have it judged`,
      });
    }
    // A platform config that does not parse declares no functions: said, so a clean run is not taken for a judged one.
    for (const broken of found.platforms?.brokenConfigs ?? []) skipped.push({ file: broken.file, reason: 'syntax-error', detail: broken.detail });
    return found;
  }

  function addFile(file: string, project: ProjectInfo): void {
    if (seen.has(file)) return;
    if (isSourcePath(file)) {
      seen.add(file);
      files.push({ path: file, kind: 'source', project });
    } else if (isTextConfigPath(file)) {
      seen.add(file);
      files.push({ path: file, kind: 'text', project });
    }
  }

  function walk(dir: string, inherited: ProjectInfo, scanRoot: string): void {
    let entries: FolderEntry[];
    try {
      entries = listFolder(dir);
    } catch (error) {
      skipped.push({ file: dir, reason: 'unreadable', detail: (error as NodeJS.ErrnoException).code ?? 'unreadable' });
      return;
    }
    // Project markers are judged from the listing already read: no extra system calls per folder.
    const names = folders.add(dir, entries);
    let project = inherited;
    if (dir !== inherited.root && (names.has('redwood.toml') || names.has('cedar.toml'))) {
      project = register(redwoodProject(dir));
    } else if (dir !== inherited.root && inherited.kind !== 'redwood' && isPlatformRoot(dir, names)) {
      project = register(functionsProject(dir));
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // Paths by concatenation: `dir` is absolute and normalised, and under `scanRoot` (walks only descend).
    const dirPrefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    const relDir = dir === scanRoot ? '' : relativePath(scanRoot, dir) + '/';
    const { isIgnored, root: ignoreRoot } = projectIgnores.get(project) ?? scanIgnore;
    const ignoreDir = ignoreRoot !== undefined && isWithin(ignoreRoot, dir) ? (dir === ignoreRoot ? '' : relativePath(ignoreRoot, dir) + '/') : relDir;
    for (const entry of entries) {
      const full = dirPrefix + entry.name;
      const rel = relDir + entry.name;
      if (isIgnored(ignoreDir + entry.name)) continue;
      if (entry.isSymbolicLink()) {
        if (!ALWAYS_IGNORED_DIRS.has(entry.name)) handleSymlink(full, rel, project, scanRoot);
      } else if (entry.isDirectory()) {
        if (isWalkedDir(entry.name, project.kind)) walk(full, project, scanRoot);
      } else if (entry.isFile()) {
        addFile(full, project);
      } else if (isSourcePath(full) || isTextConfigPath(full)) {
        skipped.push({ file: full, reason: 'unreadable', detail: 'is not a regular file' });
      }
    }
  }

  function handleSymlink(full: string, rel: string, project: ProjectInfo, scanRoot: string): void {
    let target: string;
    let stat: fs.Stats;
    try {
      target = fs.realpathSync(full);
      stat = fs.statSync(target);
    } catch {
      skipped.push({ file: full, reason: 'unreadable', detail: 'dangling or looping symlink' });
      return;
    }
    const inside = target === scanRoot || target.startsWith(scanRoot + path.sep);
    if (!inside && !options.followSymlinks) {
      if (stat.isDirectory() || isSourcePath(full) || isTextConfigPath(full)) {
        skipped.push({ file: full, reason: 'symlink-outside-root', detail: `points outside the scanned root (${rel})` });
      }
      return;
    }
    if (stat.isFile()) {
      addFile(inside ? target : full, project);
    } else if (stat.isDirectory() && !inside && !followedDirs.has(target)) {
      // Asked to follow: walked under the link's own path, once per real folder, which breaks loops.
      // Directories reached through links inside the root are walked through their real path anyway.
      followedDirs.add(target);
      walk(full, project, scanRoot);
    }
  }
}

/** Whether `dir` is `root` or lies below it. */
function isWithin(root: string, dir: string): boolean {
  return dir === root || dir.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** The real path of `dir`, or its absolute path when it has none (it does not exist). */
export function realPathOr(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

export class UsageError extends Error {}

/** Whether the walk enters a folder of this name inside a project of this kind (never dependencies, VCS or tool caches; no build output in Redwood apps). */
export function isWalkedDir(name: string, kind: ProjectKind): boolean {
  return !ALWAYS_IGNORED_DIRS.has(name) && !(kind === 'redwood' && BUILD_OUTPUT_DIRS.has(name));
}

/** The project a scan of this folder starts in (real path): the enclosing app or platform project, or a plain one rooted here. */
export function projectAt(root: string): ProjectInfo {
  const enclosing = findEnclosingProjectRoot(root);
  if (!enclosing) return plainProject(root);
  return enclosing.kind === 'redwood' ? redwoodProject(enclosing.root) : functionsProject(enclosing.root);
}

function isAppRoot(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'redwood.toml')) || fs.existsSync(path.join(dir, 'cedar.toml'));
}

/**
 * A path inside an app (say `api/`) still belongs to that app: the nearest enclosing Redwood/Cedar
 * app or function-platform project, not looking past a repository root.
 */
export function findEnclosingProjectRoot(dir: string): { root: string; kind: 'redwood' | 'functions' } | undefined {
  // Redwood apps win: inside one, platform markers (api/package.json deps) do not start a project.
  const ancestors: string[] = [];
  for (let current = dir; ; current = path.dirname(current)) {
    ancestors.push(current);
    if (isAppRoot(current)) return { root: current, kind: 'redwood' };
    if (fs.existsSync(path.join(current, '.git')) || path.dirname(current) === current) break;
  }
  const platform = ancestors.find((a) => isPlatformRoot(a));
  return platform ? { root: platform, kind: 'functions' } : undefined;
}

/** Files outside any app: their imports still go through the folder's tsconfig `paths` (`@/config`). */
function plainProject(root: string): ProjectInfo {
  return { kind: 'plain', root, paths: readPathAliases(root, path.join(root, 'src'), false) };
}

function functionsProject(root: string): ProjectInfo {
  const paths = [...readPathAliases(root, path.join(root, 'src'), false), ...workspaceAliases(root)];
  return { kind: 'functions', root, paths, platforms: readPlatforms(root, paths) };
}

/** How far above a project its workspace root may be (`apps/api` in a monorepo: two). */
const MAX_WORKSPACE_DEPTH = 4;

/**
 * The packages of the workspace a project sits in (npm and Yarn `workspaces`, pnpm's
 * `pnpm-workspace.yaml`), as aliases from their names to their sources: `@acme/db` is the module
 * its package.json names (`exports`, `types`, `module`, `main`, with a source of the same name in
 * place of a build) or its `src/index`, and `@acme/db/x` its `x` or `src/x`. Without them a
 * helper in `packages/db` would be a package fnscan cannot see into. Only `dir/*` patterns and
 * plain folders are read; the project's own package is left out.
 */
function workspaceAliases(root: string): PathAlias[] {
  const workspace = workspaceOf(root);
  return workspace ? packageAliases(workspace.dir, workspace.patterns, root) : [];
}

/** The root of the workspace a project sits in (itself, or a folder up to `MAX_WORKSPACE_DEPTH` above it), with its package patterns. */
function workspaceOf(root: string): { dir: string; patterns: string[] } | undefined {
  let dir = root;
  for (let up = 0; up <= MAX_WORKSPACE_DEPTH; up++) {
    const patterns = workspacePatterns(dir);
    if (patterns) return { dir, patterns };
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) break;
    dir = path.dirname(dir);
  }
  return undefined;
}

/**
 * The folders whose config a project's files are judged by, nearest first: its root, then, in a
 * workspace (a monorepo's package), the folders above it up to the workspace root. Not past
 * that: an app in a repository's `fixtures/` is not judged by the repository's own config.
 */
export function configFolders(root: string): string[] {
  const folders = [root];
  const workspace = workspaceOf(root);
  if (workspace) for (let dir = root; dir !== workspace.dir; ) folders.push((dir = path.dirname(dir)));
  return folders;
}

/**
 * The config a project's files are judged by, the same in the CLI and the ESLint plugin: the
 * nearest of `configFolders` that holds one (nearest wins; configs are not merged), or undefined
 * when none does. `seen` keeps each folder's answer across the projects of one discovery.
 */
export function projectConfig(root: string, knownRules: string[], seen = new Map<string, FnscanConfig | undefined>()): FoundConfig | undefined {
  for (const dir of configFolders(root)) {
    if (!seen.has(dir)) seen.set(dir, folderConfig(dir, knownRules));
    const config = seen.get(dir);
    if (config) return { dir, config };
  }
  return undefined;
}

function workspacePatterns(dir: string): string[] | undefined {
  const pkg = readJsonc(path.join(dir, 'package.json')) as { workspaces?: unknown } | undefined;
  const declared = Array.isArray(pkg?.workspaces) ? pkg.workspaces : (pkg?.workspaces as { packages?: unknown } | undefined)?.packages;
  if (Array.isArray(declared)) return declared.filter((p): p is string => typeof p === 'string');
  const pnpm = readTextFile(path.join(dir, 'pnpm-workspace.yaml'), DEFAULT_LIMITS);
  if ('skipped' in pnpm) return undefined;
  // `packages:` then `  - 'packages/*'` lines.
  return [...pnpm.text.matchAll(/^[ \t]*-[ \t]*['"]?([^'"\s#]+)['"]?[ \t]*$/gm)].map((m) => m[1]);
}

function packageAliases(workspace: string, patterns: readonly string[], project: string): PathAlias[] {
  const aliases: PathAlias[] = [];
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) continue;
    const star = /^(.*?)\/\*{1,2}$/.exec(pattern);
    const parents = star ? [path.join(workspace, star[1])] : [];
    const dirs = star ? parents.flatMap((parent) => subfolders(parent)) : [path.join(workspace, pattern)];
    for (const dir of dirs) {
      if (path.resolve(dir) === path.resolve(project)) continue;
      const pkg = readJsonc(path.join(dir, 'package.json')) as PackageEntry | undefined;
      if (!pkg || typeof pkg.name !== 'string') continue;
      aliases.push({ prefix: pkg.name, wildcard: false, targets: entryTargets(dir, pkg) });
      aliases.push({ prefix: `${pkg.name}/`, wildcard: true, targets: [dir + path.sep, path.join(dir, 'src') + path.sep] });
    }
  }
  return aliases;
}

interface PackageEntry {
  name?: unknown;
  exports?: unknown;
  types?: unknown;
  typings?: unknown;
  module?: unknown;
  main?: unknown;
}

/** Where a package's entry may be, without extensions (the resolver tries them): its declared entries, each also as source, then `src/index` and `index`. */
function entryTargets(dir: string, pkg: PackageEntry): string[] {
  const dot = typeof pkg.exports === 'object' && pkg.exports !== null && !Array.isArray(pkg.exports) ? (pkg.exports as Record<string, unknown>)['.'] : pkg.exports;
  const conditions = typeof dot === 'object' && dot !== null ? Object.values(dot as Record<string, unknown>) : [dot];
  const declared = [...conditions, pkg.types, pkg.typings, pkg.module, pkg.main].filter((e): e is string => typeof e === 'string');
  const targets: string[] = [];
  for (const entry of declared) {
    const base = entry.replace(/\.d\.[cm]?ts$|\.[cm]?[jt]sx?$/, '');
    targets.push(path.join(dir, base));
    // `dist/index.js` built from `src/index.ts`: the source, which is what the scan has.
    const source = base.replace(/^(?:\.\/)?(?:dist|build|lib|out)\//, 'src/');
    if (source !== base) targets.push(path.join(dir, source));
  }
  targets.push(path.join(dir, 'src', 'index'), path.join(dir, 'index'));
  return [...new Set(targets)];
}

function subfolders(parent: string): string[] {
  try {
    return fs
      .readdirSync(parent, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => path.join(parent, e.name))
      .sort();
  } catch {
    return [];
  }
}

function redwoodProject(root: string): ProjectInfo {
  const apiSrc = path.join(root, 'api', 'src');
  return {
    kind: 'redwood',
    root,
    apiSrc,
    functionsDir: path.join(apiSrc, 'functions'),
    paths: [...readPathAliases(path.join(root, 'api'), apiSrc), ...workspaceAliases(root)],
  };
}

/** Redwood's own `src/*` alias, plus the api tsconfig/jsconfig `paths` read as JSON (never executed). */
function readPathAliases(apiDir: string, apiSrc: string, redwoodAlias = true): PathAlias[] {
  const aliases: PathAlias[] = redwoodAlias ? [{ prefix: 'src/', wildcard: true, targets: [apiSrc + path.sep] }] : [];
  for (const name of ['tsconfig.json', 'jsconfig.json']) {
    // Where `extends` may lead, worked out only for a config that has one.
    let boundary: string | undefined;
    const within = (): string => (boundary ??= configBoundary(apiDir));
    const { paths, pathsDir, baseUrl } = compilerPaths(path.join(apiDir, name), within, 0);
    if (paths === undefined || pathsDir === undefined) continue;
    const base = baseUrl ?? pathsDir;
    for (const [pattern, targets] of Object.entries(paths)) {
      if (!Array.isArray(targets) || pattern === 'src/*') continue;
      const wildcard = pattern.endsWith('*');
      aliases.push({
        prefix: wildcard ? pattern.slice(0, -1) : pattern,
        wildcard,
        targets: targets
          .filter((t): t is string => typeof t === 'string')
          .map((t) => path.resolve(base, wildcard ? t.replace(/\*$/, '') : t) + (wildcard ? path.sep : '')),
      });
    }
  }
  return aliases;
}

/** The folder a tsconfig's `extends` may lead into: the repository (the folder holding `.git`), else the workspace, else the project. */
function configBoundary(dir: string): string {
  for (let current = realPathOr(dir), up = 0; up <= MAX_WORKSPACE_DEPTH; current = path.dirname(current), up++) {
    if (fs.existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) break;
  }
  return workspaceOf(dir)?.dir ?? dir;
}

/** How many configs deep `extends` is followed (a loop stops there too). */
const MAX_EXTENDS = 5;

interface CompilerPaths {
  paths?: Record<string, unknown>;
  /** The folder of the config that set `paths`. */
  pathsDir?: string;
  baseUrl?: string;
}

/**
 * A tsconfig's `paths` and `baseUrl` as TypeScript reads them, through the configs it `extends`
 * (a monorepo's `tsconfig.base.json` often holds the aliases): a config's own options win over
 * those it extends, `baseUrl` is relative to the config that sets it, and `paths` without one are
 * relative to the config that sets them. Only JSON files named by a relative path and lying in
 * `within` (the repository or workspace) are read, as data: never a package's shared config
 * (`@tsconfig/next`, which sets no project aliases), a script, or a file outside the tree.
 */
function compilerPaths(file: string, within: () => string, depth: number): CompilerPaths {
  const config = readJsonc(file) as { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } } | undefined;
  if (typeof config !== 'object' || config === null) return {};
  const dir = path.dirname(file);
  let found: CompilerPaths = {};
  const parents = typeof config.extends === 'string' ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
  if (depth < MAX_EXTENDS) {
    // With several, later ones win.
    for (const parent of parents) {
      if (typeof parent !== 'string' || !parent.startsWith('.')) continue;
      const named = path.resolve(dir, parent);
      // `"extends": "../../tsconfig.base"` names `tsconfig.base.json`.
      const target = named.endsWith('.json') ? named : `${named}.json`;
      if (!isWithin(within(), realPathOr(target))) continue;
      const inherited = compilerPaths(target, within, depth + 1);
      found = { ...found, ...Object.fromEntries(Object.entries(inherited).filter(([, v]) => v !== undefined)) };
    }
  }
  const options = config.compilerOptions;
  if (typeof options?.baseUrl === 'string') found.baseUrl = path.resolve(dir, options.baseUrl);
  if (typeof options?.paths === 'object' && options.paths !== null && !Array.isArray(options.paths)) {
    found.paths = options.paths as Record<string, unknown>;
    found.pathsDir = dir;
  }
  return found;
}

/** A regular file within the size limit only: a tsconfig linked to a device must not hang discovery. */
function readJsonc(file: string): unknown {
  const read = readTextFile(file, DEFAULT_LIMITS);
  return 'skipped' in read ? undefined : parseJsonc(read.text);
}

export function roleOf(file: string, project: ProjectInfo): FileRole {
  const rel = relativeUnder(project.root, file);
  if (isTestPath(rel)) return 'test';
  if (endpointInfo(file, project)) return 'endpoint';
  return isInTestFolder(rel) && !inFunctionsDir(file, project) ? 'test' : 'source';
}

/** Whether `roleOf` calls the file a test: asked before reading, so the endpoint check runs only for files in test folders. */
export function isTestFile(file: string, project: ProjectInfo): boolean {
  const rel = relativeUnder(project.root, file);
  if (isTestPath(rel)) return true;
  return isInTestFolder(rel) && !inFunctionsDir(file, project) && endpointInfo(file, project) === undefined;
}

/** Redwood's functions folder holds endpoints and their helpers, whatever its subfolders are called. */
function inFunctionsDir(file: string, project: ProjectInfo): boolean {
  if (!project.functionsDir) return false;
  const rel = relativeUnder(project.functionsDir, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Whether (and how) a file is an HTTP endpoint, by its platform's own rule. */
export function endpointInfo(file: string, project: ProjectInfo): EndpointInfo | undefined {
  if (project.functionsDir) {
    const rel = relativeUnder(project.functionsDir, file);
    if (isRedwoodEndpoint(rel)) {
      const base = path.basename(file, path.extname(file));
      return { platform: 'redwood', exports: ['handler'], name: base === 'index' ? path.basename(path.dirname(file)) : base };
    }
    return undefined;
  }
  return project.platforms ? platformEndpoint(file, project.platforms) : undefined;
}

/** Redwood's endpoint rule: `functions/x.{js,ts}`, `functions/x/x.{js,ts}`, `functions/x/index.{js,ts}`. */

function isRedwoodEndpoint(rel: string): boolean {
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  const ext = path.extname(rel);
  if (ext !== '.js' && ext !== '.ts') return false;
  const parts = rel.split(path.sep);
  const name = path.basename(rel, ext);
  if (parts.length === 1) return true;
  if (parts.length === 2) return parts[0] === name || name === 'index';
  return false;
}
