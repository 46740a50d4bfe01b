import ts from '../core/typescript';
import type * as TS from 'typescript';
import type { SourceFileInfo } from '../core/files';
import { isExternalPackage } from '../core/analysis';
import { calleeName, isFunctionLike, objectProperty, propertyValue, someNode, stringLiteralValue, unwrap, walk, type FunctionLike } from '../core/ast';
import type { BehaviourAnalyzer } from './behaviour';

/**
 * Express and Hono apps served from one function: `export default app` on Vercel,
 * `export const handler = serverless(app)` on Lambda or Netlify, `export const GET = handle(app)`
 * in a Next.js route. Each route the app registers is an endpoint of its own, run after the
 * middleware registered before it on a path that covers it, the way the frameworks run them.
 */

/** One step a request to a route passes through: a middleware or the route's handler, as written. */
export interface RouteStep {
  node: TS.Expression;
  file: SourceFileInfo;
  /** Middleware fnscan cannot see registered (the app handed to `configureAuth(app)`): the route gets the benefit of the doubt. */
  unseen?: boolean;
}

export interface RouterRoute {
  /** `GET`, `POST`..., or `ALL` (`app.all`, or an `app.on` whose methods are not literal); `app.on(['POST', 'PUT'], ...)` has two. */
  methods: string[];
  /** The full path, mounts and `basePath` included; undefined when it is not a literal. */
  path: string | undefined;
  /** What names the route in code: its path literal, or the method's name. */
  at: TS.Node;
  file: SourceFileInfo;
  steps: RouteStep[];
  /** The calls that mount the router it is in (`app.use('/billing', billing)`), outermost first. */
  mounts: RouteStep[];
}

export interface RouterApp {
  routes: RouterRoute[];
}

/** Packages whose function turns an app into a serverless handler, and takes the app first (or as `{ app }`). */
const ADAPTERS = new Set([
  'serverless-http',
  '@vendia/serverless-express',
  '@codegenie/serverless-express',
  'hono/vercel',
  'hono/netlify',
  'hono/aws-lambda',
  'hono/lambda-edge',
  'hono/cloudflare-pages',
  '@hono/node-server/vercel',
]);

/** Package functions that take the app and add no check to its routes. */
const INERT_SETUP: Record<string, ReadonlySet<string>> = {
  '@kinde-oss/kinde-node-express': new Set(['setupKinde']),
  '@sentry/node': new Set(['setupExpressErrorHandler']),
};

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'all']);
const MAX_MOUNTS = 4;

/** The app an endpoint exports, through a serverless adapter, or undefined when it exports no Express or Hono app. */
export function routerAppOf(value: TS.Node, file: SourceFileInfo, behaviour: BehaviourAnalyzer): RouterApp | undefined {
  if (!ts.isExpression(value)) return undefined;
  let expr = unwrap(value);
  // A Worker's `export default { fetch: app.fetch }`.
  if (ts.isPropertyAccessExpression(expr) && expr.name.text === 'fetch') expr = unwrap(expr.expression);
  if (ts.isCallExpression(expr) && ts.isIdentifier(unwrap(expr.expression))) {
    const source = behaviour.importedFrom(file, (unwrap(expr.expression) as TS.Identifier).text);
    if (!source || !ADAPTERS.has(source.specifier)) return undefined;
    const first = expr.arguments[0] && unwrap(expr.arguments[0]);
    if (!first) return undefined;
    expr = ts.isObjectLiteralExpression(first) ? propertyValue(objectProperty(first, 'app')) ?? first : first;
  }
  const reader = new RouteReader(behaviour);
  const app = reader.appAt(expr, file);
  if (!app) return undefined;
  const routes: RouterRoute[] = [];
  reader.readApp(app, '', [], [], routes, 0);
  return { routes };
}

/** An app as declared: the call that creates it, the registrations chained on it, and the name that holds it. */
interface AppDeclaration {
  creation: TS.Expression;
  /** Calls chained on the creation in the declaration, innermost first (`new Hono().basePath('/api').get(...)`). */
  chained: TS.CallExpression[];
  /** The constant that holds the app, whose later statements register routes; absent for an app used in place. */
  name?: string;
  file: SourceFileInfo;
  /** The statement that declares it: registrations after it count. */
  statement?: TS.Statement;
}

interface Middleware {
  /** The path prefix it runs on (`''`: every path); undefined when not a literal (then it is taken to cover all). */
  prefix: string | undefined;
  steps: RouteStep[];
}

class RouteReader {
  private readonly reading = new Set<TS.Node>();

  constructor(private readonly behaviour: BehaviourAnalyzer) {}

  /** The app an expression holds: an identifier followed to its constant, or a creation in place. */
  appAt(expr: TS.Expression, file: SourceFileInfo): AppDeclaration | undefined {
    const value = this.behaviour.valueOf(expr, file);
    if (!ts.isExpression(value.node)) return undefined;
    const chained: TS.CallExpression[] = [];
    let current = unwrap(value.node);
    while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(unwrap(current.expression))) {
      const receiver = unwrap((unwrap(current.expression) as TS.PropertyAccessExpression).expression);
      if (this.isCreation(current, value.file)) break;
      chained.unshift(current);
      current = receiver;
    }
    if (!this.isCreation(current, value.file)) return undefined;
    const decl = value.node.parent;
    const holder = decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) ? decl : undefined;
    const statement = holder?.parent?.parent;
    return {
      creation: current,
      chained,
      name: holder ? (holder.name as TS.Identifier).text : undefined,
      file: value.file,
      statement: statement && ts.isVariableStatement(statement) && statement.parent === value.file.sf ? statement : undefined,
    };
  }

  /** A statement that hands the app to a function, or uses middleware on it in a branch (`if`, `try`). */
  private mayAddMiddleware(statement: TS.Statement, name: string, file: SourceFileInfo): boolean {
    return someNode(
      statement,
      (n) => {
        if (!ts.isCallExpression(n)) return false;
        if (n.arguments.some((a) => isNamed(unwrap(a), name))) return !this.isInertSetup(n, file);
        const callee = unwrap(n.expression);
        return ts.isPropertyAccessExpression(callee) && isNamed(unwrap(callee.expression), name) && (callee.name.text === 'use' || callee.name.text === 'all');
      },
      isFunctionLike,
    );
  }

  /** A package's setup known to protect no route (`setupKinde(config, app)` adds login routes; `protectRoute` protects). */
  private isInertSetup(call: TS.CallExpression, file: SourceFileInfo): boolean {
    const callee = unwrap(call.expression);
    const root = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression : undefined;
    const source = root && this.behaviour.importedFrom(file, root.text);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : source?.name;
    return source !== undefined && name !== undefined && INERT_SETUP[source.specifier]?.has(name) === true;
  }

  /** `express()`, `express.Router()`, `Router()` from express, `new Hono()` (and `OpenAPIHono`). */
  private isCreation(node: TS.Expression, file: SourceFileInfo): boolean {
    if (ts.isNewExpression(node)) {
      const callee = unwrap(node.expression);
      if (!ts.isIdentifier(callee)) return false;
      const source = this.behaviour.importedFrom(file, callee.text);
      return source !== undefined && isHonoModule(source.specifier) && /^(?:Hono|OpenAPIHono)$/.test(source.name);
    }
    if (!ts.isCallExpression(node)) return false;
    const callee = unwrap(node.expression);
    if (ts.isIdentifier(callee)) {
      const source = this.behaviour.importedFrom(file, callee.text);
      return source?.specifier === 'express' && (source.name === 'default' || source.name === '*' || source.name === 'Router');
    }
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'Router' && ts.isIdentifier(callee.expression)) {
      return this.behaviour.importedFrom(file, callee.expression.text)?.specifier === 'express';
    }
    return false;
  }

  /** Adds the routes of `app`, mounted at `prefix` behind `inherited` middleware, to `out`. */
  readApp(app: AppDeclaration, prefix: string, inherited: Middleware[], mountedBy: RouteStep[], out: RouterRoute[], mounts: number): void {
    // A router may be mounted twice (`/admin` behind a check, `/public` not); never inside itself.
    if (this.reading.has(app.creation) || mounts > MAX_MOUNTS) return;
    this.reading.add(app.creation);
    const state: AppState = { prefix, middleware: [...inherited], routePath: undefined, mounts: mountedBy };
    for (const call of app.chained) this.register(call, app.file, state, out, mounts);
    if (app.name && app.statement) {
      const statements = app.file.sf.statements;
      for (let i = statements.indexOf(app.statement) + 1; i < statements.length; i++) {
        const statement = statements[i];
        const calls = ts.isExpressionStatement(statement) ? chainOn(statement.expression, app.name) : undefined;
        if (!calls) {
          // `configureAuth(app)`, or `if (isProd) app.use(requireUser)`: middleware may be added out of
          // sight or on some runs only, for the routes after it.
          if (this.mayAddMiddleware(statement, app.name, app.file)) state.middleware.push({ prefix: undefined, steps: [{ node: app.creation, file: app.file, unseen: true }] });
          continue;
        }
        state.routePath = undefined;
        for (const call of calls) this.register(call, app.file, state, out, mounts);
      }
    }
    this.reading.delete(app.creation);
  }

  private register(call: TS.CallExpression, file: SourceFileInfo, state: AppState, out: RouterRoute[], mounts: number): void {
    const method = calleeName(call) ?? '';
    const args = call.arguments;
    if (method === 'basePath') {
      const base = args[0] && this.pathValue(args[0], file);
      state.prefix = base === undefined ? state.prefix : joinPath(state.prefix, base);
      return;
    }
    if (method === 'route') {
      const path = args[0] && this.pathValue(args[0], file);
      if (args.length === 1) {
        // Express: `app.route('/book').get(...).post(...)` names the path of the calls chained on it.
        state.routePath = path === undefined ? null : joinPath(state.prefix, path);
        return;
      }
      // Hono: `app.route('/users', users)` mounts another app.
      const sub = args[1] && this.appAt(args[1], file);
      const at = path === undefined ? state.prefix : joinPath(state.prefix, path);
      if (sub) this.readApp(sub, at, this.covering(state, path === undefined ? undefined : at), [...state.mounts, { node: call, file }], out, mounts + 1);
      return;
    }
    if (method === 'use') {
      const { paths, rest } = this.splitPath(args, file);
      // `app.use(['/internal', '/ops'], check)` runs on each path.
      const fulls = paths === undefined ? [state.prefix] : paths === null ? [undefined] : paths.map((p) => joinPath(state.prefix, p));
      const steps: RouteStep[] = [];
      for (const handler of this.steps(rest, file)) {
        const sub = this.appAt(handler.node, handler.file);
        if (!sub) {
          if (!isErrorHandler(handler.node)) steps.push(handler);
          continue;
        }
        // `app.use('/admin', requireUser, adminRouter)`: the middleware before the router in the call runs first.
        const before: Middleware[] = steps.length > 0 ? [{ prefix: undefined, steps: [...steps] }] : [];
        for (const full of fulls) this.readApp(sub, full ?? state.prefix, [...this.covering(state, full), ...before], [...state.mounts, { node: call, file }], out, mounts + 1);
      }
      if (steps.length > 0) for (const full of fulls) state.middleware.push({ prefix: full === undefined ? undefined : useScope(full), steps });
      return;
    }
    let methods: string[] | undefined;
    let rest: readonly TS.Expression[] = args;
    if (method === 'on' && args.length >= 3) {
      methods = methodList(args[0]);
      rest = args.slice(1);
    } else if (ROUTE_METHODS.has(method)) {
      methods = [method.toUpperCase()];
    }
    if (!methods) return;
    let paths: Array<string | undefined>;
    const callee = unwrap(call.expression);
    let at: TS.Node = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
    let handlers: readonly TS.Expression[];
    if (state.routePath !== undefined && rest.length >= 1 && !isPathArgument(rest[0])) {
      paths = [state.routePath ?? undefined];
      handlers = rest;
    } else {
      // `app.get('view engine')` reads a setting: a route has a path and a handler.
      if (rest.length < 2) return;
      const written = this.splitPath(rest, file);
      paths = written.paths === undefined || written.paths === null ? [undefined] : written.paths.map((p) => joinPath(state.prefix, p));
      at = rest[0];
      handlers = written.rest;
    }
    const own = this.steps(handlers, file);
    for (const path of paths) {
      const steps = [...state.middleware.filter((m) => covers(m.prefix, path)).flatMap((m) => m.steps), ...own];
      out.push({ methods, path, at, file, steps, mounts: state.mounts });
      // `app.all('*', requireAuthentication)` (Express's own example) runs before the routes after
      // it when it calls `next()`; when it answers instead, they are never reached.
      if (method === 'all') state.middleware.push({ prefix: path === undefined ? undefined : useScope(path), steps: own });
    }
  }

  /** A registration's paths and what follows them: `paths` undefined when it has none, `null` when they are not literal. */
  private splitPath(args: readonly TS.Expression[], file: SourceFileInfo): { paths: string[] | null | undefined; rest: readonly TS.Expression[] } {
    const first = args[0];
    if (!first || !isPathArgument(first)) return { paths: undefined, rest: args };
    const a = unwrap(first);
    const items = ts.isArrayLiteralExpression(a) ? a.elements.map((e) => this.pathValue(e as TS.Expression, file)) : [this.pathValue(a, file)];
    return { paths: items.every((p): p is string => p !== undefined) ? items : null, rest: args.slice(1) };
  }

  /** A path's text: a literal, a constant, or a template of them (`` `${BASE}/admin` ``). */
  private pathValue(node: TS.Expression, file: SourceFileInfo): string | undefined {
    const a = unwrap(node);
    if (ts.isTemplateExpression(a)) {
      let text = a.head.text;
      for (const span of a.templateSpans) {
        const part = this.pathValue(span.expression, file);
        if (part === undefined) return undefined;
        text += part + span.literal.text;
      }
      return text;
    }
    const literal = stringLiteralValue(a);
    if (literal !== undefined || !ts.isIdentifier(a)) return literal;
    const value = this.behaviour.valueOf(a, file);
    return value.node === a ? undefined : stringLiteralValue(value.node);
  }

  /** The middleware in force for a mount at the full path `at`: what covers it, and the global kind. */
  private covering(state: AppState, at: string | undefined): Middleware[] {
    return state.middleware.filter((m) => covers(m.prefix, at));
  }

  /** The functions a registration passes, arrays (`[auth, validate]`) and constants holding them flattened. */
  private steps(args: readonly TS.Expression[], file: SourceFileInfo): RouteStep[] {
    const steps: RouteStep[] = [];
    for (const arg of args) {
      const a = unwrap(arg);
      const list = ts.isIdentifier(a) ? this.behaviour.valueOf(a, file) : { node: a, file };
      if (ts.isArrayLiteralExpression(list.node)) {
        for (const el of list.node.elements) if (!ts.isSpreadElement(el) && !ts.isOmittedExpression(el)) steps.push({ node: el, file: list.file });
      } else {
        steps.push({ node: arg, file });
      }
    }
    return steps;
  }
}

interface AppState {
  prefix: string;
  middleware: Middleware[];
  /** The path `app.route(path)` set for the calls chained on it (`null`: not a literal); undefined outside such a chain. */
  routePath: string | null | undefined;
  mounts: RouteStep[];
}

function isNamed(node: TS.Expression, name: string): boolean {
  return ts.isIdentifier(node) && node.text === name;
}

/** The calls of a statement chained on `name` (`app.get(...).post(...)`), innermost first; undefined for other statements. */
function chainOn(expr: TS.Expression, name: string): TS.CallExpression[] | undefined {
  const calls: TS.CallExpression[] = [];
  let current = unwrap(expr);
  while (ts.isCallExpression(current) && ts.isPropertyAccessExpression(unwrap(current.expression))) {
    calls.unshift(current);
    current = unwrap((unwrap(current.expression) as TS.PropertyAccessExpression).expression);
  }
  return ts.isIdentifier(current) && current.text === name && calls.length > 0 ? calls : undefined;
}

/** A path written as a string, a template, a regular expression or a list of them; a constant named like one (`BASE_PATH`). */
function isPathArgument(node: TS.Expression): boolean {
  const a = unwrap(node);
  return (
    ts.isStringLiteralLike(a) ||
    ts.isTemplateExpression(a) ||
    ts.isRegularExpressionLiteral(a) ||
    (ts.isIdentifier(a) && /(?:^|_)(?:PATH|PREFIX|BASE|ROUTE)$|(?:Path|Prefix|Base|Route)$/.test(a.text)) ||
    (ts.isArrayLiteralExpression(a) && a.elements.length > 0 && a.elements.every((e) => ts.isStringLiteralLike(e) || ts.isRegularExpressionLiteral(e)))
  );
}

/** `app.on('POST', ...)`, `app.on(['GET', 'POST'], ...)`: the methods, or ALL when they are not literal. */
function methodList(node: TS.Expression): string[] {
  const a = unwrap(node);
  const items = ts.isArrayLiteralExpression(a) ? a.elements.map((e) => stringLiteralValue(e)) : [stringLiteralValue(a)];
  return items.every((m): m is string => m !== undefined) ? items.map((m) => m.toUpperCase()) : ['ALL'];
}

/** An Express error handler (`(err, req, res, next) => ...`) runs only after a failure, never on a request's way in. */
function isErrorHandler(node: TS.Expression): boolean {
  const a = unwrap(node);
  return isFunctionLike(a) && a.parameters.length === 4;
}

/** Hono writes `/api/*` and `*` for what Express writes `/api` and nothing. */
function useScope(path: string): string {
  return path.replace(/\/?\*$/, '').replace(/\/$/, '');
}

function joinPath(prefix: string, path: string): string {
  if (path === '' || path === '/' || path === '*') return prefix === '' ? path : prefix + (path === '*' ? '/*' : '');
  return prefix.replace(/\/$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

/**
 * Whether middleware used on `prefix` runs for a route at `path`, segment by segment: a `:param`
 * stands for any one segment, a `*` for the rest; what is not a literal either way is taken to.
 */
function covers(prefix: string | undefined, path: string | undefined): boolean {
  if (prefix === undefined || prefix === '' || path === undefined) return true;
  const want = prefix.split('/');
  const have = path.split('/');
  for (let i = 0; i < want.length; i++) {
    const segment = want[i];
    if (segment.includes('*') || segment.includes('(')) return true;
    if (i >= have.length) return false;
    // A `:param` of the route is some values only: the middleware does not run for all of them.
    if (segment.startsWith(':') ? have[i] !== '' : segment === have[i]) continue;
    return false;
  }
  return true;
}

function isHonoModule(specifier: string): boolean {
  return specifier === 'hono' || specifier.startsWith('hono/') || specifier === '@hono/zod-openapi';
}

/** What a package's middleware on a route does, as far as fnscan knows it. */
export type LibraryStep =
  | { kind: 'auth'; via: string }
  /** A verifier (`twilio.webhook()`): the behaviour analysis reads it as it reads calls. */
  | { kind: 'verifier' }
  /** Parses, logs, limits or decodes without refusing anyone (`express.json()`, `cors()`, `clerkMiddleware()`). */
  | { kind: 'inert' }
  /** A package's middleware fnscan does not know: it may check the caller, so the route gets the benefit of the doubt. */
  | { kind: 'unknown' }
  /** Hono's `createMiddleware(async (c, next) => ...)`: the project's function inside runs as the middleware. */
  | { kind: 'wraps'; step: RouteStep };

/** Middleware that refuses a caller without valid credentials, by package and exported name. */
const AUTH_MIDDLEWARE: Record<string, ReadonlySet<string>> = {
  'express-jwt': new Set(['expressjwt', 'jwt', 'default']),
  'express-oauth2-jwt-bearer': new Set(['auth', 'requiredScopes', 'scopeIncludesAny', 'claimCheck', 'claimEquals', 'claimIncludes']),
  'express-openid-connect': new Set(['auth', 'requiresAuth', 'claimCheck', 'claimEquals', 'claimIncludes']),
  '@clerk/express': new Set(['requireAuth']),
  '@clerk/clerk-sdk-node': new Set(['ClerkExpressRequireAuth']),
  passport: new Set(['authenticate']),
  'express-basic-auth': new Set(['default']),
  '@kinde-oss/kinde-node-express': new Set(['protectRoute']),
  'hono/jwt': new Set(['jwt']),
  'hono/jwk': new Set(['jwk']),
  'hono/bearer-auth': new Set(['bearerAuth']),
  'hono/basic-auth': new Set(['basicAuth']),
  '@hono/auth-js': new Set(['verifyAuth']),
  '@hono/firebase-auth': new Set(['verifyFirebaseAuth']),
  // Cloudflare Pages: `export const onRequest = cloudflareAccessPlugin({ domain, aud })` in a `_middleware`.
  '@cloudflare/pages-plugin-cloudflare-access': new Set(['default']),
};

/** Options that turn an auth middleware into one that lets anonymous callers through. */
const OPTIONAL_AUTH = /^(?:credentialsRequired|authRequired)$/;

/** Packages whose middleware never refuses by the caller's identity (every export). */
const INERT_PACKAGES = new Set([
  'body-parser', 'cors', 'helmet', 'morgan', 'compression', 'cookie-parser', 'express-rate-limit', 'multer',
  'express-validator', 'celebrate', 'zod-express-middleware', 'express-session', 'cookie-session', 'pino-http',
  'express-winston', 'response-time', 'method-override', 'hpp', 'express-mongo-sanitize', 'serve-static',
  '@hono/zod-validator', '@hono/valibot-validator', '@hono/typebox-validator', '@hono/clerk-auth',
  'hono/validator', 'hono/cors', 'hono/logger', 'hono/secure-headers', 'hono/pretty-json', 'hono/etag', 'hono/timing',
  'hono/compress', 'hono/body-limit', 'hono/request-id', 'hono/csrf', 'hono/cache', 'hono/timeout',
  'hono/context-storage', 'hono/trailing-slash', 'hono/method-override', 'hono/language',
]);

/** Inert exports of packages that also have auth middleware, or whose other exports fnscan does not know. */
const INERT_EXPORTS: Record<string, ReadonlySet<string>> = {
  express: new Set(['json', 'raw', 'urlencoded', 'text', 'static']),
  passport: new Set(['initialize', 'session']),
  '@clerk/express': new Set(['clerkMiddleware']),
  '@clerk/clerk-sdk-node': new Set(['ClerkExpressWithAuth']),
};

/** The route a step runs for, which `.unless()` exclusions are matched against. */
export interface RouteScope {
  path: string | undefined;
  methods: string[];
}

/**
 * What a route step that comes from a package is (`cors()`, `passport.authenticate('jwt')`,
 * `upload.single('file')` on a `multer()` instance); undefined for the project's own code,
 * which the behaviour analysis follows.
 */
export function libraryStep(node: TS.Expression, file: SourceFileInfo, behaviour: BehaviourAnalyzer, route?: RouteScope): LibraryStep | undefined {
  let step = unwrap(node);
  let stepFile = file;
  if (isFunctionLike(step)) {
    const delegate = delegatedMiddleware(step);
    return delegate ? libraryStep(delegate, file, behaviour, route) : undefined;
  }
  if (ts.isIdentifier(step)) {
    // `const checkJwt = auth({ audience })`, then `app.get('/x', checkJwt, ...)`: the call that made it.
    const value = behaviour.valueOf(step, file);
    const made = ts.isExpression(value.node) ? unwrap(value.node) : undefined;
    if (made && ts.isCallExpression(made)) {
      step = made;
      stepFile = value.file;
    } else if (made && isFunctionLike(made)) {
      // `const auth = (c, next) => jwt({ secret: c.env.JWT_SECRET })(c, next)`, then `app.use('/api/*', auth)`.
      const delegate = delegatedMiddleware(made);
      if (delegate) return libraryStep(delegate, value.file, behaviour, route);
    }
  }
  // express-unless: `expressjwt({...}).unless({ path: ['/login'] })` skips the check on those paths.
  const callee = ts.isCallExpression(step) ? unwrap(step.expression) : undefined;
  if (callee && ts.isPropertyAccessExpression(callee) && callee.name.text === 'unless' && ts.isCallExpression(unwrap(callee.expression))) {
    const inner = libraryStep(unwrap(callee.expression), stepFile, behaviour, route);
    if (inner?.kind !== 'auth') return inner;
    const skipped = unlessSkips((step as TS.CallExpression).arguments[0], route);
    return skipped === false ? inner : skipped === true ? { kind: 'inert' } : { kind: 'unknown' };
  }
  const target = ts.isCallExpression(step) ? unwrap(step.expression) : step;
  const origin = packageOrigin(target, stepFile, behaviour);
  if (!origin) return undefined;
  const { specifier, name } = origin;
  // Passport's custom-callback form: the callback decides, and the behaviour analysis reads it.
  if (specifier === 'passport' && ts.isCallExpression(step) && step.arguments.some((a) => isFunctionLike(unwrap(a)))) return undefined;
  // Kinde's `protectRoute` is the middleware itself, passed uncalled.
  if (!ts.isCallExpression(step) && specifier === '@kinde-oss/kinde-node-express' && name === 'protectRoute') return { kind: 'auth', via: `\`protectRoute\` from ${specifier}` };
  if (AUTH_MIDDLEWARE[specifier]?.has(name) && ts.isCallExpression(step)) {
    return optionalAuth(step, specifier) ? { kind: 'inert' } : { kind: 'auth', via: `\`${name === 'default' ? calleeName(step) ?? specifier : name}\` from ${specifier}` };
  }
  if (specifier === 'twilio' && name === 'webhook') return { kind: 'verifier' };
  if (specifier === 'hono/factory' && name === 'createMiddleware' && ts.isCallExpression(step) && step.arguments[0]) {
    return { kind: 'wraps', step: { node: step.arguments[0], file: stepFile } };
  }
  if (INERT_PACKAGES.has(specifier) || INERT_EXPORTS[specifier]?.has(name)) return { kind: 'inert' };
  return { kind: 'unknown' };
}

/**
 * A middleware built per request, as Hono's docs show for Workers (the secret is a binding):
 * `(c, next) => jwt({ secret: c.env.JWT_SECRET })(c, next)`, or `const mw = bearerAuth({...});
 * return mw(c, next)`. The call that builds the middleware, when the function hands every request
 * to it: it calls `next` nowhere else, and the hand-over is not inside a branch.
 */
function delegatedMiddleware(fn: FunctionLike): TS.Expression | undefined {
  const next = fn.parameters[1]?.name;
  if (!next || !ts.isIdentifier(next) || !fn.body) return undefined;
  const nextName = next.text;
  const handOvers: TS.CallExpression[] = [];
  let otherUses = 0;
  walk(fn.body, (n) => {
    if (n !== fn.body && isFunctionLike(n)) return false;
    if (ts.isIdentifier(n) && n.text === nextName) {
      const call = n.parent;
      if (call && ts.isCallExpression(call) && call.arguments.includes(n) && call.expression !== n) handOvers.push(call);
      else otherUses++;
    }
    return undefined;
  });
  if (handOvers.length !== 1 || otherUses > 0) return undefined;
  const handOver = handOvers[0];
  // Not inside a branch of the function: every request reaches it.
  for (let at: TS.Node = handOver; at !== fn.body; at = at.parent) {
    const parent = at.parent;
    if (ts.isIfStatement(parent) || ts.isConditionalExpression(parent) || ts.isSwitchStatement(parent) || ts.isCaseClause(parent) || ts.isTryStatement(parent) || ts.isCatchClause(parent)) return undefined;
    if (ts.isBinaryExpression(parent) && parent.right === at) return undefined;
  }
  const made = unwrap(handOver.expression);
  if (ts.isCallExpression(made)) return made;
  if (!ts.isIdentifier(made) || !ts.isBlock(fn.body)) return undefined;
  // `const mw = jwt({ ... }); return mw(c, next)`.
  for (const statement of fn.body.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const decl = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === made.text);
    const init = decl?.initializer && unwrap(decl.initializer);
    if (init && ts.isCallExpression(init)) return init;
  }
  return undefined;
}

/**
 * Whether `.unless(options)` skips the check for this route: true, false, or undefined when
 * fnscan cannot tell (a pattern it does not read, options it cannot see). Strings match the
 * path exactly; a regular expression counts by the literal start it is anchored to.
 */
function unlessSkips(options: TS.Expression | undefined, route: RouteScope | undefined): boolean | undefined {
  const opts = options && unwrap(options);
  if (!opts || !ts.isObjectLiteralExpression(opts) || !route) return undefined;
  const paths = propertyValue(objectProperty(opts, 'path'));
  if (!paths) return opts.properties.length === 0 ? false : undefined;
  const list = ts.isArrayLiteralExpression(unwrap(paths)) ? (unwrap(paths) as TS.ArrayLiteralExpression).elements : [paths];
  let unknown = false;
  for (const entry of list) {
    let pattern = unwrap(entry as TS.Expression);
    let methods: string[] | undefined;
    if (ts.isObjectLiteralExpression(pattern)) {
      const url = propertyValue(objectProperty(pattern, 'url'));
      const listed = propertyValue(objectProperty(pattern, 'methods'));
      methods = listed && ts.isArrayLiteralExpression(unwrap(listed)) ? (unwrap(listed) as TS.ArrayLiteralExpression).elements.map((m) => stringLiteralValue(m)?.toUpperCase() ?? '*') : undefined;
      if (!url) {
        unknown = true;
        continue;
      }
      pattern = unwrap(url);
    }
    if (methods && !methods.includes('*') && !route.methods.every((m) => methods!.includes(m))) continue;
    const matched = patternMatches(pattern, route.path);
    if (matched === true) return true;
    if (matched === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

function patternMatches(pattern: TS.Expression, path: string | undefined): boolean | undefined {
  const literal = stringLiteralValue(pattern);
  if (literal !== undefined) return path === undefined ? undefined : literal === path;
  if (!ts.isRegularExpressionLiteral(pattern) || path === undefined) return undefined;
  // `/^\/api\/public\/.*/`: the escaped literal characters after `^`, up to the first operator.
  const source = pattern.text.slice(1, pattern.text.lastIndexOf('/'));
  if (!source.startsWith('^')) return undefined;
  let prefix = '';
  for (let i = 1; i < source.length; i++) {
    const c = source[i];
    if (c === '\\' && i + 1 < source.length && /[/.\-]/.test(source[i + 1])) prefix += source[++i];
    else if (/[\w/-]/.test(c)) prefix += c;
    else break;
  }
  // A quantifier after the last literal character makes it optional: only what came before it is sure.
  const next = source[1 + sourceLength(source, prefix)];
  if (next === '?' || next === '*' || next === '{') prefix = prefix.slice(0, -1);
  return prefix === '' ? undefined : path.startsWith(prefix);
}

/** How many characters of a regular expression's source (after `^`) spell `prefix`, escapes included. */
function sourceLength(source: string, prefix: string): number {
  let read = 0;
  let i = 1;
  while (read < prefix.length && i < source.length) {
    i += source[i] === '\\' ? 2 : 1;
    read++;
  }
  return i - 1;
}

/** `expressjwt({ credentialsRequired: false })`, `auth({ authRequired: false })`, `passport.authenticate('anonymous')` (alone or in a list). */
function optionalAuth(call: TS.CallExpression, specifier: string): boolean {
  if (specifier === 'passport') {
    const first = call.arguments[0] && unwrap(call.arguments[0]);
    const strategies = first && ts.isArrayLiteralExpression(first) ? first.elements.map((e) => stringLiteralValue(e)) : [first && stringLiteralValue(first)];
    return strategies.includes('anonymous');
  }
  const options = call.arguments[0] && unwrap(call.arguments[0]);
  if (!options || !ts.isObjectLiteralExpression(options)) return false;
  return options.properties.some((p) => ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && OPTIONAL_AUTH.test(p.name.text) && p.initializer.kind === ts.SyntaxKind.FalseKeyword);
}

/**
 * The package a step's callee comes from and the name it exports there: `cors` imported from
 * 'cors', `express.json` (`json` of 'express'), `upload.single` where `upload = multer()`,
 * `passport.initialize` where `passport` is the project's configured instance of the package.
 */
function packageOrigin(target: TS.Expression, file: SourceFileInfo, behaviour: BehaviourAnalyzer, depth = 0): { specifier: string; name: string } | undefined {
  let root = target;
  let last: string | undefined;
  while (ts.isPropertyAccessExpression(root) || ts.isCallExpression(root)) {
    if (ts.isPropertyAccessExpression(root)) last ??= root.name.text;
    root = unwrap(root.expression);
  }
  if (!ts.isIdentifier(root)) return undefined;
  const origin = rootOrigin(root, file, behaviour, depth);
  if (!origin) return undefined;
  // `const checkJwt = auth({...})` used as `checkJwt`: the middleware `auth()` made.
  return target === root ? origin : { specifier: origin.specifier, name: last ?? origin.name };
}

function rootOrigin(root: TS.Identifier, file: SourceFileInfo, behaviour: BehaviourAnalyzer, depth: number): { specifier: string; name: string } | undefined {
  const imported = behaviour.importedFrom(file, root.text);
  if (imported && isExternalPackage(imported.specifier)) return { specifier: imported.specifier, name: imported.name };
  if (depth > 3) return undefined;
  // A constant made by a package (`const upload = multer()`), or one a project module exports (`export default passport`).
  const value = behaviour.valueOf(root, file);
  if (value.node === root || !ts.isExpression(value.node)) return undefined;
  const made = unwrap(value.node);
  if (ts.isIdentifier(made)) return packageOrigin(made, value.file, behaviour, depth + 1);
  if (!ts.isCallExpression(made) && !ts.isNewExpression(made)) return undefined;
  // `const passport = require('./lib/passport')`: what that module exports.
  const required = ts.isCallExpression(made) && calleeName(made) === 'require' && made.arguments[0] ? stringLiteralValue(made.arguments[0]) : undefined;
  if (required !== undefined) {
    const exported = behaviour.exportedValue(value.file, required, 'default');
    return exported && ts.isIdentifier(exported.node) ? packageOrigin(exported.node, exported.file, behaviour, depth + 1) : undefined;
  }
  return packageOrigin(unwrap(made.expression), value.file, behaviour, depth + 1);
}
