import fs from 'node:fs';
import path from 'node:path';
import type * as YAML from 'yaml';
import { DEFAULT_LIMITS, readTextFile } from './files';
import { parseJsonc } from './jsonc';
import { readServerlessModule, type BrokenConfig, type ConfigAlias } from './serverless-module';

/**
 * Where each function platform keeps its HTTP endpoints, and what its own config says about
 * them. Config files are parsed as data (TOML lines, YAML, JSON); nothing is ever executed.
 */
export type Platform = 'redwood' | 'netlify' | 'vercel' | 'next' | 'lambda' | 'pipedream' | 'cloudflare' | 'firebase' | 'supabase';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A place in a config file that decides how an endpoint is exposed. */
export interface ConfigSite {
  file: string;
  start: number;
  end: number;
}

export interface GatewayAuth {
  /** An authorizer, IAM auth, or an API key requirement sits in front of the code. */
  protected: boolean;
  /** A Lambda function URL with `AuthType: NONE` (or `url: true`): the code is the only guard. */
  openUrl: boolean;
  site: ConfigSite;
}

export interface LambdaFunction {
  /** Function name in the config (`hello`). */
  name: string;
  /** Absolute path without extension, as the config names it (`src/handler`). */
  modulePath: string;
  exportName: string;
  gateway: GatewayAuth;
}

export interface PlatformConfig {
  netlifyDirs: string[];
  /** Netlify functions `netlify.toml` schedules (`[functions."name"] schedule = "@daily"`): no public URL. */
  netlifyScheduled: string[];
  /** Netlify edge functions (`netlify/edge-functions`, `[build] edge_functions`), and those `[[edge_functions]]` routes a path to. */
  netlifyEdgeDirs: string[];
  netlifyEdgeRouted: string[];
  /** Vercel's `api/` folder at a non-Redwood project root. */
  vercelApiDir?: string;
  /** A Next.js project (a `next` dependency or a `next.config.*`), and its `pages/api` and `app` folders. */
  next?: boolean;
  nextPagesApiDirs: string[];
  nextAppDirs: string[];
  /** A Next.js `middleware` that refuses unauthenticated requests, and the paths it does that on. */
  nextAuthMiddleware?: NextMiddleware;
  lambdas: LambdaFunction[];
  /** A Cloudflare Worker: the module `main` names in its wrangler config (without its extension), and the Worker's name. */
  worker?: { module: string; name: string };
  /** A wrangler config whose `main` names a file the tree lacks (a build's output): the Worker cannot be judged. */
  missingWorker?: { config: string; main: string };
  /** Platform configs that could not be parsed (`serverless.yml`, a SAM template, `firebase.json`): the functions they declare are not judged. */
  brokenConfigs?: BrokenConfig[];
  /** Cloudflare Pages Functions: the `functions/` folder of a Pages project. */
  pagesFunctionsDir?: string;
  /** Firebase Cloud Functions: each codebase's source folder (`functions/`), and the build output inside it, whose modules are not the source. */
  firebaseSources: Array<{ dir: string; output?: string }>;
  /** Supabase Edge Functions: `supabase/functions`, one function per folder. */
  supabaseFunctionsDir?: string;
  /** Supabase functions whose `config.toml` names another entry module (`entrypoint = './functions/x/main.ts'`), by path without extension. */
  supabaseEntrypoints: Record<string, string>;
}

export interface EndpointInfo {
  platform: Platform;
  /** Export names that receive requests (`handler`, `default`, `GET`...). */
  exports: string[];
  /** Name used in messages: the function or route. */
  name: string;
  gateway?: GatewayAuth;
  /** Next.js: a server action (`'use server'`), which anyone can call with a POST request. */
  serverAction?: boolean;
  /** Netlify: an edge function, reachable only on a path its `config.path` or `netlify.toml` routes to it (`routed`). */
  edge?: { routed: boolean };
  /** Netlify: the function runs on a schedule that `netlify.toml` sets, and Netlify refuses HTTP calls to it. */
  scheduled?: boolean;
  /** Lambda: each export is its own function, with its own name and gateway config. */
  perExport?: Record<string, { name: string; gateway: GatewayAuth }>;
  /**
   * Cloudflare Pages: how many folders the file sits below `functions/`, for the `_middleware`
   * modules of its folder and every folder above it, which run before it.
   */
  pagesDepth?: number;
  /** Firebase: every export of the module that is an HTTPS function (`onRequest`, `onCall`) is an endpoint of that name. */
  firebase?: boolean;
  /** Supabase Edge Functions: the handler is what the module passes to `Deno.serve()` (or the standard library's `serve()`). */
  served?: boolean;
}

/** Cloudflare Pages' handler exports: `onRequest` for every method, `onRequestPost` and the like for one. */
export const PAGES_EXPORTS = ['onRequest', ...HTTP_METHODS.map((m) => `onRequest${m[0]}${m.slice(1).toLowerCase()}`)];

const WRANGLER_CONFIGS = ['wrangler.toml', 'wrangler.json', 'wrangler.jsonc'];

export function emptyPlatforms(): PlatformConfig {
  return { netlifyDirs: [], netlifyScheduled: [], netlifyEdgeDirs: [], netlifyEdgeRouted: [], nextPagesApiDirs: [], nextAppDirs: [], lambdas: [], firebaseSources: [], supabaseEntrypoints: {} };
}

/** The Serverless Framework's config written as a module: read as data, never run. */
const SERVERLESS_MODULES = ['serverless.ts', 'serverless.js'];
const PLATFORM_MARKERS = ['netlify.toml', 'vercel.json', 'serverless.yml', 'serverless.yaml', ...SERVERLESS_MODULES, 'template.yaml', 'template.yml', 'firebase.json', ...WRANGLER_CONFIGS];
const NEXT_CONFIGS = ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs'];

/**
 * Whether a folder is the root of a function project of some platform (other than Redwood).
 * `names` is the folder's listing when the caller already has it.
 */
export function isPlatformRoot(dir: string, names?: { has(name: string): boolean }): boolean {
  const has = (name: string) => (names ? names.has(name) : fs.existsSync(path.join(dir, name)));
  if (PLATFORM_MARKERS.some(has) || NEXT_CONFIGS.some(has)) return true;
  if (has('supabase') && isDir(path.join(dir, 'supabase', 'functions'))) return true;
  if (!has('package.json')) return false;
  const pkg = readPackage(dir);
  return (
    ['next', '@vercel/node', '@netlify/functions', '@netlify/edge-functions', 'firebase-functions'].some((d) => pkg.deps.has(d)) ||
    (has('api') && isVercelZeroConfig(dir, has, pkg)) ||
    (has('functions') && deploysToPages(pkg))
  );
}

/** Build tools of front-end projects: none of them serves a root `api/` folder, so with one (and no server of its own), that folder is Vercel's. */
const FRONTEND_TOOLS = ['vite', 'react-scripts', 'gatsby', 'parcel', '@vue/cli-service', '@angular/cli', '@angular-devkit/build-angular'];
/**
 * Servers that may mount a root `api/` folder's modules behind their own middleware, and
 * full-stack frameworks that serve their own routes: beside one, only a strong sign of Vercel counts.
 */
const SERVER_FRAMEWORKS = new Set([
  'express', 'fastify', 'koa', '@hapi/hapi', '@nestjs/core', 'restify', 'polka', 'hono', '@hono/node-server', 'elysia', 'h3', 'micro',
  '@feathersjs/feathers', '@adonisjs/core', 'sails', '@remix-run/dev', '@react-router/dev', '@sveltejs/kit', 'astro', 'nuxt', '@solidjs/start',
]);
/** Vercel packages that only make sense deployed there (the CLI, its functions helpers, its analytics); not `@vercel/ncc` or storage clients that run anywhere. */
const VERCEL_DEPLOY_PACKAGES = ['vercel', '@vercel/functions', '@vercel/analytics', '@vercel/speed-insights'];
/** Other hosts' and tools' markers: an `api/` folder beside one is theirs (a Netlify functions folder, Firebase's source, a GitHub Action's helpers). */
const OTHER_HOST_MARKERS = [
  'netlify.toml', 'wrangler.toml', 'wrangler.json', 'wrangler.jsonc', 'firebase.json', 'fly.toml', 'render.yaml', 'app.yaml', 'Procfile',
  'action.yml', 'action.yaml', 'staticwebapp.config.json', 'swa-cli.config.json',
];

/**
 * A Vercel project without `vercel.json` or `@vercel/node` (zero config): Vercel deploys every file
 * of a root `api/` folder as a function. A root `api/` folder alone is too weak a sign (an Express
 * app's routes, an SDK's client calls, browser fetch wrappers), so it counts with a sign of
 * Vercel (the CLI or a Vercel-only package, a `vercel`/`vc` script or a `vercel-build` one,
 * `.vercel/`, `.vercelignore`) or of a front-end build that cannot be serving it (Vite, Create
 * React App, ...), and never in a published library or beside another host's config (Netlify,
 * Cloudflare, Firebase, Fly, Azure Static Web Apps' `host.json`, ...). Beside a server framework
 * or a full-stack framework (Express, Hono, Remix, SvelteKit, ...) only a strong sign counts: the
 * CLI as a dependency, `.vercel/`, `.vercelignore`, a `vercel-build` script.
 */
function isVercelZeroConfig(dir: string, has: (name: string) => boolean, pkg: PackageInfo): boolean {
  const api = path.join(dir, 'api');
  if (!isDir(api) || pkg.library || OTHER_HOST_MARKERS.some(has) || hasAzureFunctions(api)) return false;
  // Strong signs: the project is linked to Vercel or builds with its CLI.
  if (has('.vercel') || has('.vercelignore') || pkg.deps.has('vercel') || pkg.scriptNames.includes('vercel-build')) return true;
  for (const dep of pkg.deps) if (SERVER_FRAMEWORKS.has(dep)) return false;
  if (VERCEL_DEPLOY_PACKAGES.some((d) => pkg.deps.has(d))) return true;
  if (pkg.scripts.some((script) => /(^|[\s&;|(])(?:vercel|vc)(\s|$)/.test(script))) return true;
  return FRONTEND_TOOLS.some((d) => pkg.deps.has(d));
}

/** Azure Functions keep a `host.json` in the functions app: `api/` itself or a folder below it. */
function hasAzureFunctions(api: string): boolean {
  if (fs.existsSync(path.join(api, 'host.json'))) return true;
  try {
    return fs.readdirSync(api, { withFileTypes: true }).some((e) => e.isDirectory() && fs.existsSync(path.join(api, e.name, 'host.json')));
  } catch {
    return false;
  }
}

/** `aliases`: the project's tsconfig `paths`, which a `serverless.ts` may import its functions through. */
export function readPlatforms(root: string, aliases: readonly ConfigAlias[] = []): PlatformConfig {
  const config = emptyPlatforms();
  const netlify = readNetlifyToml(root);
  if (netlify.dir) config.netlifyDirs.push(netlify.dir);
  config.netlifyScheduled = netlify.scheduled;
  if (netlify.edgeDir) config.netlifyEdgeDirs.push(netlify.edgeDir);
  config.netlifyEdgeRouted = netlify.edgeRouted;
  const pkg = readPackage(root);
  const deps = pkg.deps;
  const isNext = deps.has('next') || ['js', 'mjs', 'ts', 'cjs'].some((e) => fs.existsSync(path.join(root, `next.config.${e}`)));
  if (isNext) {
    config.next = true;
    for (const base of ['', 'src']) {
      const pagesApi = path.join(root, base, 'pages', 'api');
      if (isDir(pagesApi)) config.nextPagesApiDirs.push(pagesApi);
      const app = path.join(root, base, 'app');
      if (isDir(app)) config.nextAppDirs.push(app);
    }
    config.nextAuthMiddleware = readNextMiddleware(root);
  } else if (
    isDir(path.join(root, 'api')) &&
    (fs.existsSync(path.join(root, 'vercel.json')) || deps.has('@vercel/node') || isVercelZeroConfig(root, (name) => fs.existsSync(path.join(root, name)), pkg))
  ) {
    config.vercelApiDir = path.join(root, 'api');
  }
  const broken: BrokenConfig[] = [];
  for (const name of ['serverless.yml', 'serverless.yaml']) {
    const file = path.join(root, name);
    if (fs.existsSync(file)) config.lambdas.push(...readServerlessYml(file, broken));
  }
  // One config per service: the YAML one wins, as the Serverless Framework looks for it first.
  if (config.lambdas.length === 0) {
    const module = SERVERLESS_MODULES.map((name) => path.join(root, name)).find((file) => fs.existsSync(file));
    if (module) config.lambdas.push(...readServerlessModule(module, aliases, broken));
  }
  const wrangler = readWrangler(root);
  if (wrangler.main && !wrangler.private) {
    const main = path.resolve(root, wrangler.main);
    config.worker = { module: stripExtension(main), name: wrangler.name ?? 'worker' };
    if (wrangler.config && !fs.existsSync(main)) config.missingWorker = { config: path.join(root, wrangler.config), main: wrangler.main };
  }
  const functions = path.join(root, 'functions');
  if (isDir(functions) && (wrangler.pages || deploysToPages(pkg))) config.pagesFunctionsDir = functions;
  for (const name of ['template.yaml', 'template.yml']) {
    const file = path.join(root, name);
    if (fs.existsSync(file)) config.lambdas.push(...readSamTemplate(file, broken));
  }
  config.firebaseSources = readFirebase(root, pkg, broken);
  const supabase = path.join(root, 'supabase', 'functions');
  if (isDir(supabase)) {
    config.supabaseFunctionsDir = supabase;
    config.supabaseEntrypoints = readSupabaseEntrypoints(path.join(root, 'supabase'));
  }
  if (broken.length > 0) config.brokenConfigs = broken;
  return config;
}

/** Classifies a file of a non-Redwood project as an endpoint, by the platform's own rules. */
export function platformEndpoint(file: string, config: PlatformConfig): EndpointInfo | undefined {
  const ext = path.extname(file);
  const base = path.basename(file, ext);
  const netlify = netlifyFunctionName(config.netlifyDirs, file, base);
  if (netlify !== undefined) {
    return { platform: 'netlify', exports: ['handler', 'default'], name: netlify, ...(config.netlifyScheduled.includes(netlify) ? { scheduled: true } : {}) };
  }
  const edge = netlifyFunctionName(config.netlifyEdgeDirs, file, base);
  if (edge !== undefined) return { platform: 'netlify', exports: ['default'], name: edge, edge: { routed: config.netlifyEdgeRouted.includes(edge) } };
  for (const dir of config.nextPagesApiDirs) {
    const rel = relInside(dir, file);
    if (rel !== undefined) return { platform: 'next', exports: ['default'], name: routeName('/api', rel) };
  }
  for (const dir of config.nextAppDirs) {
    const rel = relInside(dir, file);
    // In the app router every folder is a segment, `index` too: `app/api/search/index/route.ts` is `/api/search/index`.
    if (rel !== undefined && base === 'route') return { platform: 'next', exports: HTTP_METHODS, name: routeName('', path.posix.dirname(rel), false) };
  }
  if (config.vercelApiDir) {
    const rel = relInside(config.vercelApiDir, file);
    if (rel !== undefined && !rel.split('/').some((p) => p.startsWith('_') || p.startsWith('.'))) {
      return { platform: 'vercel', exports: ['default', ...HTTP_METHODS], name: routeName('/api', rel) };
    }
  }
  const withoutExt = file.slice(0, -ext.length);
  if (config.worker?.module === withoutExt) return { platform: 'cloudflare', exports: ['default'], name: config.worker.name };
  if (config.pagesFunctionsDir) {
    const rel = relInside(config.pagesFunctionsDir, file);
    // Every module there is a route, except the folders' `_middleware`, which runs before them.
    if (rel !== undefined && base !== '_middleware') {
      return { platform: 'cloudflare', exports: PAGES_EXPORTS, name: routeName('', rel), pagesDepth: rel.split('/').length - 1 };
    }
  }
  if (config.supabaseFunctionsDir) {
    const named = config.supabaseEntrypoints[withoutExt];
    if (named !== undefined) return { platform: 'supabase', exports: [], name: named, served: true };
    // `supabase/functions/<name>/index.ts`; folders starting with `_` (`_shared`) hold helpers.
    const parts = relInside(config.supabaseFunctionsDir, file)?.split('/');
    if (parts?.length === 2 && !/^[_.]/.test(parts[0]) && /^index\.(?:[cm]?[jt]s|[jt]sx)$/.test(parts[1]) && !Object.values(config.supabaseEntrypoints).includes(parts[0])) {
      return { platform: 'supabase', exports: [], name: parts[0], served: true };
    }
  }
  for (const source of config.firebaseSources) {
    const rel = relInside(source.dir, file);
    if (rel !== undefined && (source.output === undefined || relInside(source.output, file) === undefined)) {
      return { platform: 'firebase', exports: [], name: base, firebase: true };
    }
  }
  const lambdas = config.lambdas.filter((l) => l.modulePath === withoutExt);
  if (lambdas.length > 0) {
    const perExport: Record<string, { name: string; gateway: GatewayAuth }> = {};
    for (const l of lambdas) {
      const seen = perExport[l.exportName];
      perExport[l.exportName] = seen ? { name: seen.name, gateway: combine(seen.gateway, l.gateway) } : { name: l.name, gateway: l.gateway };
    }
    return { platform: 'lambda', exports: Object.keys(perExport), name: lambdas[0].name, perExport };
  }
  return undefined;
}

/** Netlify's rule for the files of a functions folder: `x.ts`, `x/x.ts` or `x/index.ts` is function `x`. */
function netlifyFunctionName(dirs: readonly string[], file: string, base: string): string | undefined {
  for (const dir of dirs) {
    const rel = relInside(dir, file);
    if (rel === undefined) continue;
    const parts = rel.split('/');
    if (parts.length === 1) return base;
    if (parts.length === 2 && (parts[0] === base || base === 'index')) return parts[0];
  }
  return undefined;
}

/** Two config entries for one export: protected only if both are, open if either is. */
function combine(a: GatewayAuth, b: GatewayAuth): GatewayAuth {
  return {
    protected: a.protected && b.protected,
    openUrl: a.openUrl || b.openUrl,
    site: a.openUrl || !a.protected ? a.site : b.site,
  };
}

function routeName(prefix: string, rel: string, indexNamesFolder = true): string {
  const joined = rel
    .replace(/\.[cm]?[jt]sx?$/, '')
    .split('/')
    .filter((p) => p && p !== '.' && !/^\(.*\)$/.test(p))
    .join('/');
  // A file router's `x/index.ts` is `x`.
  const route = indexNamesFolder ? joined.replace(/(^|\/)index$/, '') : joined;
  return `${prefix}/${route}`.replace(/\/+$/, '') || '/';
}

function relInside(dir: string, file: string): string | undefined {
  const rel = path.relative(dir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

interface PackageInfo {
  /** Dependencies and devDependencies. */
  deps: Set<string>;
  /** The names and commands of `scripts`. */
  scriptNames: string[];
  scripts: string[];
  /** A package published for others to import (`exports`, `types`, `module` or `files`), not an app. */
  library: boolean;
  /** The module `main` names, as written. */
  main?: string;
}

function readPackage(dir: string): PackageInfo {
  try {
    const pkg = JSON.parse(readConfigText(path.join(dir, 'package.json')) ?? '') as Record<string, Record<string, unknown> | undefined>;
    const scripts = pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {};
    return {
      deps: new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]),
      scriptNames: Object.keys(scripts),
      scripts: Object.values(scripts).filter((s): s is string => typeof s === 'string'),
      library: ['exports', 'types', 'typings', 'module', 'files'].some((field) => pkg[field] !== undefined),
      ...(typeof pkg.main === 'string' ? { main: pkg.main as string } : {}),
    };
  } catch {
    return { deps: new Set(), scriptNames: [], scripts: [], library: false };
  }
}

/**
 * From netlify.toml: the functions folder (`[functions] directory = "x"` or `[build] functions =
 * "x"`; default `netlify/functions`) and the functions it schedules (`[functions."name"] schedule`).
 */
function readNetlifyToml(root: string): { dir?: string; scheduled: string[]; edgeDir?: string; edgeRouted: string[] } {
  const text = readConfigText(path.join(root, 'netlify.toml')) ?? '';
  let section = '';
  let configured: string | undefined;
  let edgeConfigured: string | undefined;
  const scheduled: string[] = [];
  const edgeRouted: string[] = [];
  for (const line of text.split('\n')) {
    // `[[edge_functions]]` entries route a path to an edge function: `function = "name"`.
    if (/^\s*\[\[\s*edge_functions\s*\]\]\s*$/.test(line)) {
      section = '[[edge_functions]]';
      continue;
    }
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      section = header[1].trim();
      continue;
    }
    const value = /^\s*(\w+)\s*=\s*["']([^"']+)["']/.exec(line);
    if (!value) continue;
    if ((section === 'functions' && value[1] === 'directory') || (section === 'build' && value[1] === 'functions')) configured = value[2];
    if (section === 'build' && value[1] === 'edge_functions') edgeConfigured = value[2];
    if (section === '[[edge_functions]]' && value[1] === 'function') edgeRouted.push(value[2]);
    const fn = /^functions\.(?:"([^"]+)"|'([^']+)'|([\w-]+))$/.exec(section);
    if (fn && value[1] === 'schedule') scheduled.push(fn[1] ?? fn[2] ?? fn[3]);
  }
  const dir = path.resolve(root, configured ?? 'netlify/functions');
  const edgeDir = path.resolve(root, edgeConfigured ?? 'netlify/edge-functions');
  return { dir: isDir(dir) ? dir : undefined, scheduled, edgeDir: isDir(edgeDir) ? edgeDir : undefined, edgeRouted };
}

/**
 * The wrangler config's top-level `main` (a Worker's entry module), `name`, whether it describes
 * a Pages project (`pages_build_output_dir`), and whether no URL reaches the Worker. TOML keys
 * before the first table; wrangler.json(c) parsed (comments and other environments' keys are not
 * the Worker's).
 */
function readWrangler(root: string): { main?: string; name?: string; pages: boolean; private: boolean; config?: string } {
  for (const config of WRANGLER_CONFIGS) {
    const text = readConfigText(path.join(root, config));
    if (text === undefined) continue;
    let key = (k: string): string | undefined => tomlTopLevel(text, k);
    if (!config.endsWith('.toml')) {
      const parsed = parseJsonc(text);
      const json = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
      key = (k) => (json[k] === undefined ? undefined : String(json[k]));
    }
    // `workers_dev = false` and no route: only service bindings reach the Worker, no URL does.
    const routed = key('route') !== undefined || key('routes') !== undefined || /^[ \t]*\[\[[ \t]*routes[ \t]*\]\]/m.test(text);
    return { main: key('main'), name: key('name'), pages: key('pages_build_output_dir') !== undefined, private: key('workers_dev') === 'false' && !routed, config };
  }
  return { pages: false, private: false };
}

/**
 * The source folders of a Firebase project's Cloud Functions: `firebase.json`'s `functions.source`
 * (one codebase, or a list of them; `functions` when not set), or the folder itself when it is a
 * functions package (`firebase-functions` among its dependencies) scanned on its own. A TypeScript
 * codebase compiles to the folder its `main` names (`lib/index.js`): the modules there are output.
 */
function readFirebase(root: string, pkg: PackageInfo, broken: BrokenConfig[]): Array<{ dir: string; output?: string }> {
  const text = readConfigText(path.join(root, 'firebase.json'));
  let dirs: string[] = [];
  if (text !== undefined) {
    const parsed = parseJsonc(text);
    if (parsed === undefined) broken.push({ file: path.join(root, 'firebase.json'), detail: 'is not valid JSON: its functions are not judged' });
    const functions = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>).functions : undefined;
    const codebases = Array.isArray(functions) ? functions : functions !== undefined && functions !== null && typeof functions === 'object' ? [functions] : [];
    dirs = codebases.map((c) => {
      const source = c !== null && typeof c === 'object' ? (c as Record<string, unknown>).source : undefined;
      return path.resolve(root, typeof source === 'string' ? source : 'functions');
    });
  } else if (pkg.deps.has('firebase-functions')) {
    dirs = [root];
  }
  return dirs
    .filter((dir) => (dir === root || relInside(root, dir) !== undefined) && isDir(dir))
    .map((dir) => {
      const output = buildOutput(dir);
      return output ? { dir, output } : { dir };
    });
}

/** `"main": "lib/index.js"` beside a `src/` folder: `lib/` holds what the TypeScript compiler wrote. */
function buildOutput(dir: string): string | undefined {
  const main = readPackage(dir).main;
  const first = main?.replace(/^\.\//, '').split('/')[0];
  if (!first || first === 'src' || first === main || !isDir(path.join(dir, 'src'))) return undefined;
  return path.join(dir, first);
}

/**
 * `[functions.<name>] entrypoint = './functions/<name>/main.ts'` in `supabase/config.toml`: the
 * module that function serves instead of its `index.ts` (paths relative to the `supabase/` folder),
 * keyed by path without extension. Read line by line as TOML; nothing is run.
 */
function readSupabaseEntrypoints(supabaseDir: string): Record<string, string> {
  const text = readConfigText(path.join(supabaseDir, 'config.toml'));
  const entries: Record<string, string> = {};
  if (text === undefined) return entries;
  let fn: string | undefined;
  for (const line of text.split('\n')) {
    const table = /^\s*\[\s*functions\.(?:"([^"]+)"|([\w-]+))\s*\]/.exec(line);
    if (table) {
      fn = table[1] ?? table[2];
      continue;
    }
    if (/^\s*\[/.test(line)) fn = undefined;
    const entry = fn === undefined ? null : /^\s*entrypoint\s*=\s*["']([^"']+)["']/.exec(line);
    if (fn !== undefined && entry) entries[stripExtension(path.resolve(supabaseDir, entry[1]))] = fn;
  }
  return entries;
}

/** A script that runs `wrangler pages` (deploy, dev): the project's `functions/` folder is Pages Functions. */
function deploysToPages(pkg: PackageInfo): boolean {
  return pkg.scripts.some((script) => /\bwrangler\s+pages\b/.test(script));
}

/** The value of a TOML key before the first `[table]`: a string's text, or a bare value (`false`, `[...]`) as written. */
function tomlTopLevel(text: string, key: string): string | undefined {
  for (const line of text.split('\n')) {
    if (/^\s*\[/.test(line)) return undefined;
    const match = /^\s*([\w-]+)\s*=\s*(?:["']([^"']+)["']|([^\s#]+))/.exec(line);
    if (match && match[1] === key) return match[2] ?? match[3];
  }
  return undefined;
}

function stripExtension(file: string): string {
  return file.slice(0, file.length - path.extname(file).length);
}

/**
 * What a Next.js middleware guards, read as text (never run). Paths are regular-expression
 * sources, from Next's `config.matcher` and Clerk's `createRouteMatcher` lists.
 */
export interface NextMiddleware {
  /** The paths the middleware runs on; undefined: every path (no matcher, or one fnscan cannot read). */
  matchers?: string[];
  /** Of those, the only paths it protects (`if (isProtectedRoute(req)) auth.protect()`). */
  protectedOnly?: string[];
  /** Of those, the paths it lets through (`if (!isPublicRoute(req)) auth.protect()`, `publicRoutes`). */
  publicRoutes?: string[];
}

/** An auth middleware and what it guards, or undefined when there is none or it refuses nobody. */
function readNextMiddleware(root: string): NextMiddleware | undefined {
  for (const base of ['', 'src']) {
    for (const ext of ['ts', 'js', 'mjs']) {
      const file = path.join(root, base, `middleware.${ext}`);
      const text = readConfigText(file);
      if (text !== undefined) return middlewareOf(text, (specifier) => readRelative(root, path.dirname(file), specifier));
    }
  }
  return undefined;
}

export function middlewareOf(text: string, readImport: (specifier: string) => string | undefined = () => undefined): NextMiddleware | undefined {
  const matchers = configMatchers(text);
  if (/\bclerkMiddleware\s*\(/.test(text)) {
    // Clerk v5 protects nothing by default: only a callback that calls `protect()` refuses anyone.
    if (/\bclerkMiddleware\s*\(\s*\)/.test(text) || !/\.protect\s*\(/.test(text)) return undefined;
    const guard = /if\s*\(\s*(!?)\s*(\w+)\s*\(\s*\w+\s*\)\s*\)\s*\{?\s*(?:await\s+)?auth(?:\s*\(\s*\))?\.protect\s*\(/.exec(text);
    if (!guard) return { matchers };
    const list = routeMatcherList(text, guard[2]);
    if (list === undefined) return { matchers };
    return guard[1] === '!' ? { matchers, publicRoutes: list } : { matchers, protectedOnly: list };
  }
  if (/\bauthMiddleware\s*\(/.test(text)) {
    return { matchers, publicRoutes: optionList(text, 'publicRoutes') ?? [] };
  }
  if (/next-auth\/middleware|\bwithAuth\b|withMiddlewareAuthRequired/.test(text)) return { matchers };
  // Supabase, Auth0 `getSession`/`getToken`, hand-written checks: only a middleware (or the helper it
  // calls, `updateSession` in utils/supabase/middleware) that redirects or answers 401 refuses anyone.
  if (/updateSession|createServerClient|createMiddlewareClient|getToken|getSession|auth0|getUser/.test(text)) {
    const helper = /import\s*\{[^}]*\bupdateSession\b[^}]*\}\s*from\s*['"]((?:\.|@\/|~\/)[^'"]+)['"]/.exec(text);
    const code = text + (helper ? readImport(helper[1]) ?? '' : '');
    return /\.redirect\s*\(|status\s*:\s*40[13]\b/.test(code) ? { matchers } : undefined;
  }
  return undefined;
}

/** Whether the middleware refuses unauthenticated requests to `route` (`/api/users/[id]`). */
export function middlewareGuards(mw: NextMiddleware, route: string): boolean {
  // `[id]`, `[...slug]`, `[[...slug]]`: any one segment stands for them.
  const sample = route.split('/').map((segment) => (segment.startsWith('[') ? 'x' : segment)).join('/');
  const matches = (patterns: string[]) => patterns.some((p) => patternMatches(p, sample));
  if (mw.matchers && !matches(mw.matchers)) return false;
  if (mw.protectedOnly) return matches(mw.protectedOnly);
  if (mw.publicRoutes) return !matches(mw.publicRoutes);
  return true;
}

/** The strings of `export const config = { matcher: ... }`; undefined when there is none or it is not literal. */
function configMatchers(text: string): string[] | undefined {
  const at = /\bmatcher\s*:\s*/.exec(text);
  if (!at) return undefined;
  const rest = text.slice(at.index + at[0].length);
  const value = rest.startsWith('[') ? rest.slice(0, closingBracket(rest)) : /^(['"`])(?:\\.|(?!\1).){0,300}\1/.exec(rest)?.[0];
  return value === undefined ? undefined : literalStrings(value);
}

/** The strings of `const <name> = createRouteMatcher([...])`. */
function routeMatcherList(text: string, name: string): string[] | undefined {
  const at = new RegExp(`\\b${name}\\s*=\\s*createRouteMatcher\\s*\\(\\s*`).exec(text);
  if (!at) return undefined;
  const rest = text.slice(at.index + at[0].length);
  return rest.startsWith('[') ? literalStrings(rest.slice(0, closingBracket(rest))) : undefined;
}

function optionList(text: string, option: string): string[] | undefined {
  const at = new RegExp(`\\b${option}\\s*:\\s*`).exec(text);
  if (!at) return undefined;
  const rest = text.slice(at.index + at[0].length);
  return rest.startsWith('[') ? literalStrings(rest.slice(0, closingBracket(rest))) : literalStrings(/^(['"`])(?:\\.|(?!\1).){0,300}\1/.exec(rest)?.[0] ?? '');
}

/** The end of a `[...]` that starts the text (strings skipped), or the text's length. */
function closingBracket(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length && i < 4000; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (c === '[') {
      depth++;
    } else if (c === ']' && --depth === 0) {
      return i + 1;
    }
  }
  return Math.min(text.length, 4000);
}

/** The string literals in a bit of source, unescaped as JavaScript would (`'\\.'` is `\.`). */
function literalStrings(source: string): string[] | undefined {
  const out: string[] = [];
  for (const m of source.matchAll(/(['"`])((?:\\.|(?!\1).){0,300})\1/g)) out.push(m[2].replace(/\\(.)/g, '$1'));
  return out.length > 0 && out.length <= 50 ? out : undefined;
}

/**
 * Whether a Next.js matcher (path-to-regexp: `/dashboard/:path*`, with regular-expression groups:
 * `/((?!_next).*)`, `/(api|trpc)(.*)`) matches a path. One that does not compile matches.
 */
function patternMatches(pattern: string, sample: string): boolean {
  const source = pattern
    .replace(/\/:\w+\*/g, '(?:/.*)?')
    .replace(/\/:\w+\+/g, '(?:/.+)')
    .replace(/\/:\w+\?/g, '(?:/[^/]+)?')
    .replace(/:\w+/g, '[^/]+');
  // The pattern comes from the scanned project: one that could backtrack for long (a quantified
  // group holding a quantifier, `(a+)+`) is not run, and counts as matching.
  if (source.length > 300 || NESTED_QUANTIFIER.test(source)) return true;
  try {
    const regex = new RegExp(`^${source}$`);
    return regex.test(sample) || regex.test(`${sample}/`);
  } catch {
    return true;
  }
}

/** A module the middleware imports: relative, or through the usual `@/` and `~/` aliases of `src/` (or the root). */
const NESTED_QUANTIFIER = /\([^()]*[*+][^()]*\)[*+{]/;

function readRelative(root: string, dir: string, specifier: string): string | undefined {
  const bases = specifier.startsWith('.') ? [path.resolve(dir, specifier)] : [path.join(root, 'src', specifier.slice(2)), path.join(root, specifier.slice(2))];
  for (const base of bases) {
    for (const candidate of [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')]) {
      if (!candidate.startsWith(root + path.sep)) continue;
      const text = readConfigText(candidate);
      if (text !== undefined) return text;
    }
  }
  return undefined;
}

/**
 * Config files are read like scanned files: regular files only, within the size limit, valid
 * UTF-8. A `netlify.toml` linked to a device or a huge `serverless.yml` is treated as absent.
 */
function readConfigText(file: string): string | undefined {
  const read = readTextFile(file, DEFAULT_LIMITS);
  return 'text' in read ? read.text : undefined;
}

type YamlNode = YAML.Node | null | undefined;

/** The YAML parser, loaded when a serverless.yml or SAM template is read (most scans have none). */
function yaml(): typeof YAML {
  return require('yaml') as typeof YAML;
}

function siteOf(file: string, node: YamlNode, fallback: YamlNode): ConfigSite {
  const range = (node ?? fallback)?.range ?? [0, 0, 0];
  return { file, start: range[0], end: Math.max(range[1], range[0] + 1) };
}

/** A YAML config, or undefined when it is unreadable or not YAML (which `broken` then says, with the first error's line). */
function parseYaml(file: string, broken: BrokenConfig[]): YAML.Document.Parsed | undefined {
  try {
    const text = readConfigText(file);
    if (text === undefined) return undefined;
    // CloudFormation short tags (!Ref, !GetAtt, !Sub...) are kept as plain values.
    const doc = yaml().parseDocument(text, { customTags: cloudFormationTags(), strict: false, uniqueKeys: false });
    if (doc.errors.length === 0) return doc;
    const first = doc.errors[0];
    const where = first.linePos ? `line ${first.linePos[0].line}: ` : '';
    broken.push({ file, detail: `${where}${first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}: its functions are not judged` });
    return undefined;
  } catch {
    return undefined;
  }
}

function cloudFormationTags(): YAML.Tags {
  const names = ['Ref', 'GetAtt', 'Sub', 'Join', 'If', 'Equals', 'Not', 'And', 'Or', 'FindInMap', 'Select', 'Split', 'ImportValue', 'GetAZs', 'Base64', 'Cidr', 'Condition'];
  return names.flatMap((name) => [
    { tag: `!${name}`, resolve: (value: string) => value } as YAML.ScalarTag,
    { tag: `!${name}`, collection: 'seq', resolve: (value: unknown) => value } as unknown as YAML.CollectionTag,
    { tag: `!${name}`, collection: 'map', resolve: (value: unknown) => value } as unknown as YAML.CollectionTag,
  ]);
}

/** serverless.yml: `functions.<name>.handler: path/file.export` with `events: - http|httpApi`. */
export function readServerlessYml(file: string, broken: BrokenConfig[] = []): LambdaFunction[] {
  const doc = parseYaml(file, broken);
  const functions = doc?.get('functions', true);
  if (!doc || !yaml().isMap(functions)) return [];
  const dir = path.dirname(file);
  const result: LambdaFunction[] = [];
  for (const pair of functions.items) {
    const name = yaml().isScalar(pair.key) ? String(pair.key.value) : undefined;
    const fn = pair.value;
    if (!name || !yaml().isMap(fn)) continue;
    const handler = fn.get('handler');
    if (typeof handler !== 'string' || !handler.includes('.')) continue;
    const cut = handler.lastIndexOf('.');
    const events = fn.get('events', true);
    const httpEvents = yaml().isSeq(events)
      ? events.items.filter((e): e is YAML.YAMLMap => yaml().isMap(e) && (e.has('http') || e.has('httpApi')))
      : [];
    const url = fn.get('url', true);
    const hasUrl = url !== undefined && url !== null && !(yaml().isScalar(url) && url.value === false);
    if (httpEvents.length === 0 && !hasUrl) continue;
    const eventsProtected = httpEvents.every((e) => {
      const spec = e.get('http', true) ?? e.get('httpApi', true);
      return yaml().isMap(spec) && (spec.has('authorizer') || spec.get('private') === true);
    });
    const urlOpen = hasUrl && !(yaml().isMap(url) && url.get('authorizer') === 'aws_iam');
    result.push({
      name,
      modulePath: path.resolve(dir, handler.slice(0, cut)),
      exportName: handler.slice(cut + 1),
      gateway: {
        protected: httpEvents.length > 0 ? eventsProtected && !urlOpen : !urlOpen,
        openUrl: urlOpen,
        site: siteOf(file, urlOpen ? (url as YamlNode) : httpEvents[0], fn),
      },
    });
  }
  return result;
}

/** The `Auth` of an `AWS::Serverless::Api` or `HttpApi` resource an event names (`!Ref OrdersApi`, `{ Ref: OrdersApi }`). */
function samApiAuth(resources: YAML.YAMLMap, ref: unknown): YAML.YAMLMap | undefined {
  const name = typeof ref === 'string' ? ref : yaml().isMap(ref) ? ref.get('Ref') : undefined;
  if (typeof name !== 'string') return undefined;
  const api = resources.get(name, true);
  if (!yaml().isMap(api) || !/^AWS::Serverless::(?:Api|HttpApi)$/.test(String(api.get('Type')))) return undefined;
  const auth = api.getIn(['Properties', 'Auth'], true);
  return yaml().isMap(auth) ? auth : undefined;
}

/** SAM: `AWS::Serverless::Function` with `Api`/`HttpApi` events or a `FunctionUrlConfig`. */
export function readSamTemplate(file: string, broken: BrokenConfig[] = []): LambdaFunction[] {
  const doc = parseYaml(file, broken);
  const resources = doc?.get('Resources', true);
  if (!doc || !yaml().isMap(resources)) return [];
  const globals = doc.getIn(['Globals', 'Function'], true);
  const globalCodeUri = yaml().isMap(globals) ? globals.get('CodeUri') : undefined;
  const defaultAuthorizer = doc.getIn(['Globals', 'Api', 'Auth', 'DefaultAuthorizer']) ?? doc.getIn(['Globals', 'HttpApi', 'Auth', 'DefaultAuthorizer']);
  const dir = path.dirname(file);
  const result: LambdaFunction[] = [];
  for (const pair of resources.items) {
    const name = yaml().isScalar(pair.key) ? String(pair.key.value) : undefined;
    const resource = pair.value;
    if (!name || !yaml().isMap(resource) || resource.get('Type') !== 'AWS::Serverless::Function') continue;
    const props = resource.get('Properties', true);
    if (!yaml().isMap(props)) continue;
    const handler = props.get('Handler');
    const codeUri = props.get('CodeUri') ?? globalCodeUri ?? '.';
    if (typeof handler !== 'string' || typeof codeUri !== 'string' || !handler.includes('.')) continue;
    const events = props.get('Events', true);
    const apiEvents = yaml().isMap(events)
      ? events.items.map((e) => e.value).filter((e): e is YAML.YAMLMap => yaml().isMap(e) && /^(Api|HttpApi)$/.test(String(e.get('Type'))))
      : [];
    const urlConfig = props.get('FunctionUrlConfig', true);
    const urlOpen = yaml().isMap(urlConfig) && urlConfig.get('AuthType') === 'NONE';
    if (apiEvents.length === 0 && !yaml().isMap(urlConfig)) continue;
    const eventsProtected = apiEvents.every((e) => {
      // An event on an API of the template (`RestApiId: !Ref OrdersApi`) inherits that API's `Auth`.
      const api = samApiAuth(resources, e.getIn(['Properties', 'RestApiId']) ?? e.getIn(['Properties', 'ApiId']));
      const authorizer = e.getIn(['Properties', 'Auth', 'Authorizer']) ?? api?.get('DefaultAuthorizer') ?? defaultAuthorizer;
      const apiKey = e.getIn(['Properties', 'Auth', 'ApiKeyRequired']) === true || api?.get('ApiKeyRequired') === true;
      return apiKey || (authorizer !== undefined && authorizer !== 'NONE');
    });
    const cut = handler.lastIndexOf('.');
    result.push({
      name,
      modulePath: path.resolve(dir, codeUri, handler.slice(0, cut)),
      exportName: handler.slice(cut + 1),
      gateway: {
        protected: eventsProtected && !urlOpen,
        openUrl: urlOpen,
        site: siteOf(file, urlOpen ? (urlConfig as YAML.YAMLMap).get('AuthType', true) as YamlNode : apiEvents[0], resource),
      },
    });
  }
  return result;
}
