import ts from '../core/typescript';
import type * as TS from 'typescript';
import type { SourceFileInfo } from '../core/files';
import { isConstDeclaration, isExternalPackage, isPackageSpecifier, requiredSpecifier, type ProjectAnalysis } from '../core/analysis';
import {
  calleeName,
  enclosingFunction,
  containsIdentifier,
  dottedName,
  envReadName,
  envReadText,
  isFalseLiteral,
  isFunctionLike,
  isLiteralFallback,
  lastName,
  objectProperty,
  propertyKeyName,
  propertyValue,
  returnsOrThrows,
  singleReturn,
  someNode,
  stringLiteralValue,
  syntaxKinds,
  unwrap,
  walk,
  within,
  type FunctionLike,
} from '../core/ast';
import { FIREBASE_CALL_NAMES, firebaseWork, firestoreLookupKey } from './firebase';
import { QUERY_CALL_NAMES, chainOf, dynamoCommandWork, isLookup, queryWork, taggedQueryWork } from './queries';
import { emptyFacts, mergeFacts, type Anchored, type AuthFact, type Facts, type Stretch, type VerifyFact, type BrokenReason } from './facts';
import {
  AUTH_HEADERS,
  CREDENTIAL_ENV,
  DELIVERY_ID_HEADERS,
  EVENT_HEADERS,
  EXEC_MODULES,
  FS_CALLS,
  FS_MODULES,
  MAX_TOLERANCE_MS,
  MESSAGE_SDK_CALLS,
  MESSAGE_SENDERS,
  PRISMA_READS,
  PRISMA_WRITES,
  PUBLIC_ENV,
  PRIVATE_MODEL,
  isSignatureHeader,
  SIGNATURE_HEADER_TEXT,
  TIME_CHECKING_REDWOOD_VERIFIER,
  TIMESTAMP_HEADERS,
  isRedwoodWebhooksModule,
} from './vocabulary';

/** Last names of the property reads `onAccess` looks at (request bodies, the current user). */
const ACCESS_NAMES = new Set(['body', 'bodyRaw', 'rawBody', 'currentUser', 'user', 'auth', 'userId']);

/** Calls that establish who the caller is. They authenticate when their result decides a refusal. */
const AUTH_CALLS = new Set([
  'requireAuth',
  'isAuthenticated',
  'hasRole',
  'getCurrentUser',
  'validateSession',
  // Next.js / Vercel / Netlify ecosystems
  'getServerSession',
  'getSession',
  'auth',
  'currentUser',
  'getAuth',
  'getToken',
  'getUser',
  'verifyIdToken',
  'verifySessionCookie',
  'authenticate',
  'protect',
  // iron-session, Lucia (`validateRequest()` in its Next.js guide)
  'getIronSession',
  'validateRequest',
  'validateSession',
  // Supabase's JWT check (verifies the token's signature, as `getUser` asks the server)
  'getClaims',
]);
/** Next.js's functions that throw to end the request. */
const NEXT_REFUSALS = new Set(['redirect', 'permanentRedirect', 'notFound', 'unauthorized', 'forbidden']);
/** Calls that return a function running the one they are given (React's `cache`, memoisers). */
const MEMOISERS = new Set(['cache', 'unstable_cache', 'memoize', 'memoizee', 'mem', 'once']);

/** The names `onLibraryCall` knows: any other call is work or nothing (a test keeps this in step with its branches). */
export const LIBRARY_CALL_NAMES: ReadonlySet<string> = new Set([
  'verifyEvent',
  'verifySignature',
  'constructEventWithoutVerification',
  'constructEvent',
  'constructEventAsync',
  'verifyWebhook',
  'verifySlackRequest',
  'isValidSlackRequest',
  'validateRequest',
  'validateRequestWithBody',
  'validateExpressRequest',
  'validateIncomingRequest',
  'webhook',
  'verify',
  'verifyWithFallback',
  'verifyAndReceive',
  'verifyMessage',
  'verifyTypedData',
  'verifyDetached',
  'verifyKey',
  'jwtVerify',
  'validate',
  'unmarshal',
  'isSignatureValid',
  'createHmac',
  'timingSafeEqual',
  'safeCompare',
  'tsscmp',
  'equals',
  'compare',
  'authenticate',
  'sign',
]);

/** Auth calls of libraries that always return a promise (see `isAsyncAuthCall`). */
const ASYNC_AUTH_CALLS = new Set(['getServerSession', 'currentUser', 'getIronSession', 'validateRequest', 'getUser']);

/** Auth calls that refuse the caller by throwing (or redirecting), so a bare call is a check. */
const THROWING_AUTH_CALLS = new Set(['requireAuth', 'protect']);
/** Auth calls whose promise rejects for a caller they do not accept: awaited, they refuse by throwing. */
const REJECTING_AUTH_CALLS = new Set(['verifyIdToken', 'verifySessionCookie']);
const MAX_CALL_DEPTH = 6;
const CONSTANT_TIME_COMPARES = new Set(['timingSafeEqual', 'safeCompare', 'tsscmp']);
/** How many names in a call's argument `credentialThrough` follows to their constants. */
const MAX_NAMES_FOLLOWED = 24;

/** The analysis's behaviour analyzer (one per analysis, like its memos). */
export function behaviourOf(analysis: ProjectAnalysis): BehaviourAnalyzer {
  return analysis.shared('behaviour', () => new BehaviourAnalyzer(analysis));
}

/**
 * Facts of one function with how they were reached: `height` is the longest chain of calls
 * followed below it, and `cut` says a call was not followed (a cycle, or the depth limit), so the
 * facts depend on where the function was asked from.
 */
interface Summary {
  facts: Facts;
  height: number;
  cut: boolean;
}

/**
 * Summarises what a function does, following calls into project helpers (across files) but not
 * into packages. Memoised per function node; recursion is cut at a fixed depth and on cycles.
 *
 * A helper called from another module is summarised on its own (a fresh analysis, from depth 0).
 * Callers use that summary when it is complete (nothing cut) and fits under their remaining depth;
 * otherwise they follow the calls in place. Either way it depends on the helper alone, so the
 * engine keeps it for every file of the project and no file's verdict depends on which files were
 * judged before it.
 */
export class BehaviourAnalyzer {
  private readonly memo = new WeakMap<TS.Node, Summary>();
  private readonly inProgress = new Set<TS.Node>();
  /** The summaries being built, innermost last: what each callee's summary adds to its caller's. */
  private readonly building: Array<{ height: number; cut: boolean }> = [];

  constructor(readonly analysis: ProjectAnalysis) {}

  /** What `fn` (declared in `file`) does; `from` is the module calling it, if another one. */
  factsOf(fn: FunctionLike, file: SourceFileInfo, depth = 0, from?: SourceFileInfo): Facts {
    const summary = this.summaryOf(fn, file, depth, from);
    const caller = this.building.at(-1);
    if (caller) {
      caller.height = Math.max(caller.height, summary.height + 1);
      caller.cut ||= summary.cut;
    }
    return summary.facts;
  }

  private summaryOf(fn: FunctionLike, file: SourceFileInfo, depth: number, from: SourceFileInfo | undefined): Summary {
    const cached = this.memo.get(fn);
    if (cached) return cached;
    if (this.inProgress.has(fn) || depth > MAX_CALL_DEPTH) return { facts: emptyFacts(), height: 0, cut: true };
    if (from && from.path !== file.path) {
      const own = this.analysis.standalone(
        fn,
        (fresh) => behaviourOf(fresh).summarise(fn, file, 0),
        { keep: (summary) => !summary.cut, holdsTrees: true },
      );
      if (own && !own.cut && depth + own.height <= MAX_CALL_DEPTH) {
        this.memo.set(fn, own);
        return own;
      }
    }
    return this.summarise(fn, file, depth);
  }

  /** Follows the calls in `fn` from here. */
  private summarise(fn: FunctionLike, file: SourceFileInfo, depth: number): Summary {
    this.inProgress.add(fn);
    const facts = emptyFacts();
    const state = { height: 0, cut: false };
    this.building.push(state);
    try {
      if (fn.body) this.collect(fn.body, file, facts, depth);
      // `(c) => c.json({ key: c.env.RESEND_API_KEY })`: the body is what it answers.
      if (fn.body && !ts.isBlock(fn.body)) this.onReturned(fn.body as TS.Expression, fn.body, file, facts);
      narrowOptionalChecks(facts);
    } finally {
      this.building.pop();
      this.inProgress.delete(fn);
    }
    const summary = { facts, ...state };
    this.memo.set(fn, summary);
    return summary;
  }

  /**
   * Facts of module-level code (receivers built at import time, e.g. Slack Bolt). `routesRead`: the
   * file's Express routes are judged one by one, each with its own middleware, so their
   * registrations are not read here.
   */
  moduleFacts(file: SourceFileInfo, routesRead = false): Facts {
    const facts = emptyFacts();
    for (const statement of file.sf.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const decl of statement.declarationList.declarations) {
          const init = decl.initializer && unwrap(decl.initializer);
          if (init && ts.isNewExpression(init)) this.onNew(init, file, facts);
        }
      } else if (!routesRead && ts.isExpressionStatement(statement) && file.text.includes('validate')) {
        // Express-style routes registered at load time: `app.post('/sms', twilio.webhook({ validate: false }), ...)`.
        walk(statement, (node) => {
          if (isFunctionLike(node)) return false;
          if (ts.isCallExpression(node) && calleeName(node) === 'webhook') this.onLibraryCall(node, unwrap(node.expression), 'webhook', file, facts);
          return undefined;
        });
      }
    }
    return facts;
  }

  /** Twilio's `webhook()` middleware on a route validates the signature unless `{ validate: false }` turns it off. */
  twilioWebhookFacts(call: TS.CallExpression, file: SourceFileInfo): Facts {
    const facts = emptyFacts();
    if (!this.onLibraryCall(call, unwrap(call.expression), calleeName(call) ?? '', file, facts)) {
      facts.verifies.push({ file, node: call, via: 'Twilio `webhook()`', replay: 'none', anchor: call });
    }
    return facts;
  }

  /** The module and exported name an identifier of `file` was imported as. */
  importedFrom(file: SourceFileInfo, local: string): { specifier: string; name: string } | undefined {
    return this.analysis.importSource(file, local);
  }

  /** Resolves the function a call invokes, when it is project code. */
  resolveCallee(call: TS.CallExpression, file: SourceFileInfo): { fn: FunctionLike; file: SourceFileInfo } | undefined {
    const callee = unwrap(call.expression);
    if (ts.isIdentifier(callee)) return this.functionFor(callee, file);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const source = this.analysis.importSource(file, callee.expression.text);
      if (source?.name !== '*') return undefined;
      const module = this.analysis.importedModule(file, source.specifier);
      const decl = module ? this.analysis.exportedDeclaration(module, callee.name.text) : undefined;
      return decl ? asFunction(decl.node, decl.file) : undefined;
    }
    return undefined;
  }

  /** The expression a constant stands for, followed through `const` bindings and imports. */
  valueOf(expr: TS.Expression, file: SourceFileInfo): { node: TS.Node; file: SourceFileInfo } {
    return this.analysis.resolveValue(expr, file);
  }

  /** What another module exports under `name` (`export { x as handler } from '...'`): the function or the value's expression. */
  exportedValue(file: SourceFileInfo, specifier: string, name: string): { node: TS.Node; file: SourceFileInfo } | undefined {
    const module = this.analysis.importedModule(file, specifier);
    const decl = module ? this.analysis.exportedDeclaration(module, name) : undefined;
    if (!decl) return undefined;
    const node = ts.isVariableDeclaration(decl.node) ? decl.node.initializer : decl.node;
    return node ? { node, file: decl.file } : undefined;
  }

  /** The function an identifier names, through const aliases (`const handler = purge`) and imports. */
  functionFor(id: TS.Identifier, file: SourceFileInfo): { fn: FunctionLike; file: SourceFileInfo } | undefined {
    // A global (`console`, `fetch`) names no function of the project.
    if (!this.analysis.declares(file, id.text)) return undefined;
    const value = this.analysis.resolveValue(id, file);
    if (isFunctionLike(value.node)) return { fn: value.node, file: value.file };
    // `export const getUser = cache(async () => ...)`: React's `cache` and memoisers run the function they wrap.
    if (ts.isCallExpression(value.node) && MEMOISERS.has(calleeName(value.node) ?? '') && value.node.arguments[0]) {
      const wrapped = unwrap(value.node.arguments[0]);
      if (isFunctionLike(wrapped)) return { fn: wrapped, file: value.file };
    }
    // `const verifyUser = require('../lib/verify-user')`: what that module assigns to `module.exports`.
    if (ts.isCallExpression(value.node) && calleeName(value.node) === 'require' && value.node.arguments.length === 1) {
      const specifier = stringLiteralValue(value.node.arguments[0]);
      const exported = specifier === undefined ? undefined : this.exportedValue(value.file, specifier, 'default');
      return exported ? asFunction(exported.node, exported.file) : undefined;
    }
    if (!ts.isIdentifier(value.node)) return undefined;
    const decl = this.analysis.declarationOf(value.node, value.file);
    return decl ? asFunction(decl.node, decl.file) : undefined;
  }

  /** Helpers' answers to `trustsCallerHeader`. */
  private readonly trustedHeaders = new WeakMap<FunctionLike, string | undefined>();
  /** What the walk in progress collects into; saved and restored around a helper's own walk. */
  private walking: { body: TS.Node; file: SourceFileInfo; facts: Facts; depth: number } | undefined;
  /** One callback for every child of every walk, so the call sites in the walk stay monomorphic. */
  private readonly visitChild = (child: TS.Node): undefined => {
    this.visit(child);
    return undefined;
  };

  private collect(body: TS.Node, file: SourceFileInfo, facts: Facts, depth: number): void {
    const outer = this.walking;
    this.walking = { body, file, facts, depth };
    try {
      this.visit(body);
    } finally {
      this.walking = outer;
    }
  }

  /** One switch on `kind` per node: this runs on every node of every handler. */
  private visit(node: TS.Node): void {
    const { body, file, facts, depth } = this.walking!;
    const K = syntaxKinds();
    switch (node.kind) {
      case K.CallExpression:
        this.onCall(node as TS.CallExpression, file, facts, depth);
        break;
      case K.NewExpression:
        this.onNew(node as TS.NewExpression, file, facts);
        break;
      case K.ThrowStatement:
        facts.rejects = true;
        break;
      case K.ReturnStatement:
        this.onReturn(node as TS.ReturnStatement, file, facts);
        break;
      case K.PropertyAccessExpression:
      case K.ElementAccessExpression:
        this.onAccess(node as TS.PropertyAccessExpression | TS.ElementAccessExpression, file, facts);
        break;
      case K.BinaryExpression:
        this.onBinary(node as TS.BinaryExpression, file, facts);
        break;
      case K.IfStatement:
        this.onIf(node as TS.IfStatement, file, facts);
        break;
      case K.TaggedTemplateExpression: {
        const query = taggedQueryWork(node as TS.TaggedTemplateExpression);
        if (query) {
          facts.sensitive.push({ file, node, work: query.work, write: query.write, anchor: node, model: query.table, append: query.append });
          if (query.insert) this.addInsertDedupe(node as TS.TaggedTemplateExpression, query.insert.quiet, file, facts);
        }
        break;
      }
      // Functions declared here run only when called; their calls are followed at the call site.
      case K.FunctionDeclaration:
      case K.MethodDeclaration:
      case K.ClassDeclaration:
        if (node !== body) return;
        break;
      case K.ArrowFunction:
      case K.FunctionExpression:
        // `useRequireAuth({ handlerFn: async () => ... })` inside a wrapper runs that handler.
        if (node !== body && isStoredFunction(node) && !isHandlerFnOption(node)) return;
        break;
    }
    ts.forEachChild(node, this.visitChild);
  }

  private onAccess(node: TS.PropertyAccessExpression | TS.ElementAccessExpression, file: SourceFileInfo, facts: Facts): void {
    const header = headerRead(node);
    if (header) {
      const site = ts.isCallExpression(node.parent) && node.parent.expression === node ? node.parent : node;
      this.onHeader(header, site, file, facts);
      return;
    }
    // Only these last names can matter below; most accesses are ruled out without building a dotted name.
    if (ts.isPropertyAccessExpression(node) && ACCESS_NAMES.has(node.name.text)) {
      const name = dottedName(node);
      if (name && /(^|\.)(event|req|request|evt)\.(body|bodyRaw|rawBody)$/.test(name)) facts.readsBody = true;
      if (name && /(^|\.)context\.currentUser$/.test(name)) {
        if ((guardsRejection(node) && !refusesOnlyWhenPresent(node, name)) || this.handedToRefusingHelper(node, file)) facts.auth.push({ file, node, via: '`context.currentUser`', anchor: node });
        else {
          // `return context.currentUser ? work() : { statusCode: 401 }`: a guard of one branch.
          const branch = positiveGuardBranch(node);
          if (branch) facts.auth.push({ file, node, via: '`context.currentUser`', anchor: node, onlyWithin: branch });
        }
      }
      if (name && /clientContext\.user$/.test(name)) {
        if (guardsRejection(node) || this.handedToRefusingHelper(node, file)) facts.auth.push({ file, node, via: '`context.clientContext.user`', anchor: node });
        else {
          // `return user ? { statusCode: 200, body: await list(user) } : { statusCode: 401 }`.
          const branch = positiveGuardBranch(node);
          if (branch) facts.auth.push({ file, node, via: '`context.clientContext.user`', anchor: node, onlyWithin: branch });
        }
      }
      // Firebase callable functions: `request.auth` (v2), `context.auth` (v1), set only for a
      // signed-in caller whose ID token Firebase checked. Read through (`request.auth.uid`), it
      // throws for anyone else before the work.
      if (name && /^(?:request|context)\.auth$/.test(name)) {
        if ((guardsRejection(node) && !refusesOnlyWhenPresent(node, name)) || throwsWhenAbsent(node) || this.handedToRefusingHelper(node, file)) facts.auth.push({ file, node, via: `\`${name}\``, anchor: node });
        else {
          const branch = positiveGuardBranch(node);
          if (branch) facts.auth.push({ file, node, via: `\`${name}\``, anchor: node, onlyWithin: branch });
        }
      }
      // Express: what Passport, express-jwt or a signed session put on the request (`if (!req.user) return res.sendStatus(401)`).
      if (name && /^req\.(?:user|auth|session\.(?:user|userId))$/.test(name)) {
        if ((guardsRejection(node) && !refusesOnlyWhenPresent(node, name)) || this.handedToRefusingHelper(node, file)) facts.auth.push({ file, node, via: `\`${name}\``, anchor: node });
        else {
          // `if (req.user) next(); else res.status(401)...`: a middleware that lets only a known caller on.
          const branch = positiveGuardNode(node);
          if (branch && passesOnOnlyWithin(node, branch)) facts.auth.push({ file, node, via: `\`${name}\``, anchor: node });
          else if (branch) facts.auth.push({ file, node, via: `\`${name}\``, anchor: node, onlyWithin: { sf: node.getSourceFile(), pos: branch.pos, end: branch.end } });
        }
      }
    }
  }

  /**
   * `requireRole(context.currentUser, 'support')`: the caller's value handed to a project helper
   * that throws when it is absent (`if (!user) throw new AuthenticationError()`, first thing), so
   * the call refuses a signed-out caller.
   */
  private handedToRefusingHelper(node: TS.Node, file: SourceFileInfo): boolean {
    let current: TS.Node = node;
    while (current.parent && (ts.isParenthesizedExpression(current.parent) || ts.isNonNullExpression(current.parent) || ts.isAsExpression(current.parent))) current = current.parent;
    const call = current.parent;
    if (!call || !ts.isCallExpression(call) || call.expression === current || isSwallowed(call)) return false;
    const index = call.arguments.indexOf(current as TS.Expression);
    const target = index < 0 ? undefined : this.resolveCallee(call, file);
    const parameter = target?.fn.parameters[index];
    const body = target?.fn.body;
    if (!target || !parameter || !ts.isIdentifier(parameter.name) || !body || !ts.isBlock(body)) return false;
    // An async helper's rejection reaches the caller only through `await`.
    if (isAsyncFunction(target.fn) && awaitedValue(call) === call) return false;
    const name = parameter.name.text;
    const first = body.statements[0];
    return first !== undefined && ts.isIfStatement(first) && testsNegatively(first.expression, name) && alwaysLeaves(first.thenStatement) &&
      someNode(first.thenStatement, ts.isThrowStatement, isFunctionLike);
  }

  private onHeader(header: string, node: TS.Node, file: SourceFileInfo, facts: Facts): void {
    if (isSignatureHeader(header)) {
      facts.signatureHeaders.push({ file, node, header });
      if (testedForPresence(node)) facts.signaturePresenceChecked = true;
      // Paddle's `ts=...;h1=...`, Stripe's `t=...,v1=...`: the time is in the signature header.
      const window = signedClockCheck(node, header, file);
      if (window) facts.timestampChecks.push({ file, node: window });
    } else if (DELIVERY_ID_HEADERS.has(header)) {
      if (usedInDedupe(node)) facts.dedupe.push({ file, node });
    } else if (EVENT_HEADERS.has(header)) {
      facts.eventHeaders.push({ file, node });
    } else if (TIMESTAMP_HEADERS.test(header)) {
      const fn = enclosingBody(node);
      if (fn && /\bDate\.now\(\)|new Date\(\)\.getTime\(\)/.test(fn.getText(file.sf))) {
        if (hmacLeavesOut(fn, node, header, file)) facts.unsignedTimestamps.push({ file, node });
        else facts.timestampChecks.push({ file, node });
      }
    }
    // Compared with a credential from the environment, the comparison decides (`onBinary`): a
    // comparison whose result refuses nobody does not become a check by a 401 elsewhere.
    if (AUTH_HEADERS.has(header) && functionRejects(node, true) && !this.headerTestedForPresenceOnly(node) && !forwardedToClient(node) && !this.comparedWithCredential(node, file) && !this.passedToDecoder(node, file)) {
      facts.auth.push({ file, node, via: `the \`${header}\` header`, anchor: node });
    }
  }

  private onBinary(node: TS.BinaryExpression, file: SourceFileInfo, facts: Facts): void {
    if (!isEquality(node.operatorToken.kind)) return;
    facts.compares.push({ file, node });
    // Comparing a caller-supplied value with a credential from the environment authenticates.
    const credential = [node.left, node.right].map((side) => this.credentialEnvOf(side, file)).find(Boolean);
    // Compared with a secret, a refusal of any 4xx it decides keeps the caller out (Telegram's example answers 405).
    if (credential && decidesClientError(node)) {
      facts.auth.push({ file, node, via: `a comparison with \`${credential}\``, anchor: node });
    } else if (!credential) this.onSignedCompare(node, [node.left, node.right], file, facts);
  }

  /** A signed link checked: the caller shows a value only the holder of the secret could make. */
  private onSignedCompare(node: TS.Node, sides: readonly TS.Expression[], file: SourceFileInfo, facts: Facts): void {
    // Compared with a configured value (`expected === process.env.APP_ID`), the body, or another
    // digest, nothing the caller sent as a signature is checked.
    const secret = sides.map((side) => this.signedWith(side, file)).find(Boolean);
    if (!secret) return;
    const kinds = sides.slice(0, 2).map((side) => this.compareSide(side, file, 0));
    if (kinds.includes('env') || kinds.includes('body') || (kinds[0] === 'hmac' && kinds[1] === 'hmac')) return;
    if (secret && functionRejects(node, true)) facts.auth.push({ file, node, via: `${SIGNED_VALUE} \`process.env.${secret}\``, anchor: node });
  }

  /**
   * `if (!token.isValid()) return { statusCode: 401 }`: a check of something the caller presents
   * (a token, session, API key, cookie, headers), in code fnscan has no name for, that answers
   * 401/403. A signature check is not one: signatures are the webhook rules' business.
   */
  private onIf(node: TS.IfStatement, file: SourceFileInfo, facts: Facts): void {
    this.onBodyClockCheck(node, file, facts);
    if (this.onPasswordCheck(node, file, facts) || skipsAbsentCaller(node)) return;
    // 401/403; or, for a helper that compares what the caller sent with a secret, any refusal
    // (`if (!isAuthorized(event)) return { statusCode: 404 }`, a redirect), as an inline comparison may.
    if (!refusesWithAuthStatus(node.thenStatement) &&
      !(someNode(node.thenStatement, isRefusal, isFunctionLike) && someNode(node.expression, (n) => ts.isCallExpression(n) && this.comparesCredential(n, file), isFunctionLike))) return;
    // Thrown into a `catch` that carries on, the refusal still stops the rest of the `try`.
    const swallowedIn = branchRefuses(node, node.thenStatement) ? undefined : swallowingTry(node);
    const texts = [node.expression.getText(file.sf)];
    const laundered: string[] = [];
    let decoded = false;
    someNode(node.expression, (n) => {
      // Names of properties (`headers`, `origin` in `event.headers.origin`) are in the condition's text already.
      if (ts.isIdentifier(n) && isValueIdentifier(n)) {
        // `if (!getSession(event))`: the promise of the project's async helper, not awaited, is tested.
        if (ts.isCallExpression(n.parent) && n.parent.expression === n && promiseTested(n.parent)) {
          const helper = this.resolveCallee(n.parent, file);
          if (helper !== undefined && isAsyncFunction(helper.fn)) decoded = true;
        }
        const value = this.analysis.resolveValue(n, file).node;
        // `const session = await db.order.findUnique(...)`: a row named like a credential is no
        // credential, unless it was found by one the caller sent (`{ where: { token } }`).
        const row = ts.isExpression(value) ? unwrap(value) : value;
        if (CALLER_CREDENTIAL_WORDS.test(n.text) && ts.isCallExpression(row) && /^(?:db|prisma)\.\w+\.find\w*$/.test(dottedName(unwrap(row.expression)) ?? '') && !row.arguments.some((a) => CALLER_CREDENTIAL_WORDS.test(a.getText()))) {
          laundered.push(n.text);
          return false;
        }
        texts.push(value.getText());
        // `if (!session)` on iron-session's session object, which always exists.
        if (ts.isCallExpression(row) && calleeName(row) === 'getIronSession' && !(n.parent && ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n)) decoded = true;
        // A name bound by destructuring (`const { data: { session } } = await ...`): what it came from.
        let source: TS.Node = value === n ? (this.analysis.declarationOf(n, file)?.node ?? n) : value;
        while (source.parent && (ts.isBindingElement(source.parent) || ts.isObjectBindingPattern(source.parent) || source.parent.kind === ts.SyntaxKind.ArrayBindingPattern)) source = source.parent;
        const text = source.parent && ts.isVariableDeclaration(source.parent) && source.parent.initializer ? source.parent.initializer.getText() : '';
        // `const { user } = context.clientContext`: the caller it names comes from there.
        if (text) texts.push(text);
        // `const claims = jwt.decode(token)`: anyone can write a token that decodes; Supabase's
        // `auth.getSession()` does not check the session cookie's JWT either.
        if (isDecodedValue(value) || UNCHECKED_SESSION.test(text) || (ts.isCallExpression(row) && this.checksNobody(row, file))) decoded = true;
        // `const session = auth()` without `await`: the promise, always truthy, is what is tested;
        // so is the promise of the project's own async helper (`getSessionFromCookie(event)`).
        if (ts.isCallExpression(value) && value.parent && !ts.isAwaitExpression(value.parent)) {
          const asyncAuth = this.isAsyncAuthCall(unwrap(value.expression), calleeName(value) ?? '', file);
          const helper = asyncAuth ? undefined : this.resolveCallee(value, file);
          if (asyncAuth || (helper !== undefined && isAsyncFunction(helper.fn))) decoded = true;
        }
      }
      return false;
    });
    if (laundered.length > 0) texts[0] = texts[0].replace(new RegExp(`\\b(?:${laundered.join('|')})\\b`, 'g'), '');
    // A clock check (`Math.abs(Date.now() - ts) > 300_000`) is about replays, not about who calls;
    // a hash of the caller's token (`createHash('sha256').update(token).digest('hex')`) is no signature.
    if (decoded || texts.some((t) => SIGNATURE_WORDS.test(t.replace(TOKEN_HASH, '')) || CLOCK_WORDS.test(t))) return;
    // A CAPTCHA (Turnstile, reCAPTCHA, hCaptcha) tells a human from a bot, not who is calling.
    if (texts.some((t) => CAPTCHA_VERIFY.test(t)) || someNode(node.expression, (n) => ts.isCallExpression(n) && this.verifiesCaptcha(n, file), isFunctionLike)) return;
    // `if (!verifyRequest(request)) return 401`: a helper of any name that compares what the caller sent with a credential.
    // Compared with a value from the environment, the comparison decides (`onBinary`): a public one checks nobody.
    if (this.comparedWithPublicValue(node.expression, file)) return;
    // `Origin`, `Referer`, `Host`, `x-user-id`: any client sends what it likes in them.
    // A header compared with a value written in the code (`x-internal === 'true'`, `x-vercel-cron === '1'`) is a flag anyone sets.
    const told = texts.map((t) => t.replace(SPOOFABLE_HEADER_READ, '').replace(HEADER_VS_LITERAL, (match, ...names: Array<string | undefined>) => (CREDENTIAL_HEADER_NAME.test(names.slice(0, 6).find(Boolean) ?? '') ? match : '')));
    if (!told.some((t) => CALLER_CREDENTIAL_WORDS.test(t)) && !someNode(node.expression, (n) => ts.isCallExpression(n) && this.comparesCredential(n, file), isFunctionLike)) return;
    if (this.testsPresenceOnly(node, file) || this.testsFunctionItself(node.expression, file) || this.testsNamingHeaderOnly(node, file)) return;
    facts.auth.push({ file, node: node.expression, via: 'a credential check that answers 401/403', anchor: node, ...(swallowedIn ? { swallowedIn } : {}) });
  }

  /**
   * A login: `const ok = await bcrypt.compare(password, user.passwordHash); if (!ok) return { error }`.
   * The caller proves who they are with the password, so what follows runs for that user only,
   * whatever the refusal looks like (server actions answer with a value, not a 401).
   */
  private onPasswordCheck(node: TS.IfStatement, file: SourceFileInfo, facts: Facts): boolean {
    let mentions = mentionsPassword.get(file);
    if (mentions === undefined) mentionsPassword.set(file, (mentions = /assw|bcrypt|argon|scrypt|verifyHash/i.test(file.text)));
    if (!mentions || !returnsOrThrows(node.thenStatement)) return false;
    // Only a failed check refuses (`!ok`, `!(await bcrypt.compare(...))`): refusing on a match
    // (`if (await bcrypt.compare(newPassword, hash)) return 400`, no reuse) authenticates nobody.
    const checked = someNode(node.expression, (n) => {
      if (!ts.isPrefixUnaryExpression(n) || n.operator !== ts.SyntaxKind.ExclamationToken) return false;
      const operand = unwrap(n.operand);
      if (ts.isCallExpression(operand)) return PASSWORD_CHECK.test(operand.expression.getText(file.sf));
      if (!ts.isIdentifier(operand)) return false;
      const value = this.analysis.resolveValue(operand, file);
      return value.node !== operand && ts.isExpression(value.node) && ts.isCallExpression(unwrap(value.node)) && PASSWORD_CHECK.test((unwrap(value.node) as TS.CallExpression).expression.getText(value.file.sf));
    });
    if (!checked || !branchRefuses(node, node.thenStatement)) return false;
    facts.auth.push({ file, node: node.expression, via: 'a password check', anchor: node });
    return true;
  }

  /**
   * `if (!event.headers.authorization) return 401`, `if (!cookie.includes('session='))`: the
   * condition only asks whether the caller sent something, and the value never reaches anything
   * that could check it. Any value gets in.
   */
  private testsPresenceOnly(node: TS.IfStatement, file: SourceFileInfo): boolean {
    const reads: string[] = [];
    if (!this.isPresenceTest(node.expression, file, reads, 0) || reads.length === 0) return false;
    const fn = enclosingBody(node);
    return fn !== undefined && !usedBeyondPresence(fn, reads);
  }

  /**
   * `const tenantId = event.headers['x-tenant-id']; if (!tenantId) return 401`: the presence of a
   * header that names the caller (a tenant, an organisation, a user) rather than carrying a secret.
   * Any client sends what it likes in it, so the refusal keeps nobody out, whatever the value is
   * then used for.
   */
  private testsNamingHeaderOnly(node: TS.IfStatement, file: SourceFileInfo): boolean {
    if (!this.isPresenceTest(node.expression, file, [], 0)) return false;
    const headers: string[] = [];
    let unknown = false;
    walk(node.expression, (n) => {
      if (unknown) return false;
      const header = headerRead(n);
      if (header !== undefined) {
        headers.push(header);
        return false;
      }
      if (ts.isIdentifier(n) && isValueIdentifier(n)) {
        const value = this.analysis.resolveValue(n, file).node;
        const read = value === n ? undefined : headerIn(value);
        if (read === undefined) unknown = true;
        else headers.push(read);
        return false;
      }
      return undefined;
    });
    return !unknown && headers.length > 0 && headers.every((h) => !CREDENTIAL_HEADER_NAME.test(h));
  }

  /** `if (!isAuthenticated)`: a function, not its answer, is always truthy, so the branch never runs. */
  private testsFunctionItself(expr: TS.Expression, file: SourceFileInfo): boolean {
    let node = unwrap(expr);
    while (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) node = unwrap(node.operand);
    return ts.isIdentifier(node) && this.functionFor(node, file) !== undefined;
  }

  /** Whether `expr` only tests reads of the request (`!x`, `a || b`, `x.startsWith('Bearer ')`); collects what it reads. */
  private isPresenceTest(expr: TS.Expression, file: SourceFileInfo, reads: string[], depth: number): boolean {
    const node = unwrap(expr);
    if (depth > 6) return false;
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) return this.isPresenceTest(node.operand, file, reads, depth + 1);
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op !== ts.SyntaxKind.BarBarToken && op !== ts.SyntaxKind.AmpersandAmpersandToken) return false;
      return this.isPresenceTest(node.left, file, reads, depth + 1) && this.isPresenceTest(node.right, file, reads, depth + 1);
    }
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      if (ts.isPropertyAccessExpression(callee) && isShapeTest(node, callee)) return this.isRequestRead(callee.expression, file, reads, depth + 1);
    }
    return this.isRequestRead(node, file, reads, depth);
  }

  /** `event.headers.authorization`, `req.cookies.session`, or a constant of this file bound to one (`?? ''` allowed). */
  private isRequestRead(expr: TS.Expression, file: SourceFileInfo, reads: string[], depth: number): boolean {
    const node = unwrap(expr);
    if (depth > 6) return false;
    if (ts.isBinaryExpression(node)) return isLiteralFallback(node) && this.isRequestRead(node.left, file, reads, depth + 1);
    // The read reshaped: `header?.replace('Bearer ', '')`, `header.split(' ')[1]`.
    if (ts.isElementAccessExpression(node) && ts.isNumericLiteral(unwrap(node.argumentExpression))) return this.isRequestRead(node.expression, file, reads, depth + 1);
    // A Fetch-style header read: `request.headers.get('authorization')`, Hono's `c.req.header('authorization')`.
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      if (ts.isPropertyAccessExpression(callee) && STRING_TRANSFORMS.has(callee.name.text)) return this.isRequestRead(callee.expression, file, reads, depth + 1);
      if (!ts.isPropertyAccessExpression(callee) || headerRead(callee) === undefined) return false;
      reads.push(node.getText(file.sf));
      return true;
    }
    const dotted = dottedName(node);
    if (dotted === undefined) return false;
    if (ts.isIdentifier(node)) {
      const value = this.analysis.resolveValue(node, file);
      if (value.node === node) {
        // `const { authorization } = event.headers`: a name destructured from the request's headers.
        const pattern = this.analysis.declarationOf(node, file);
        // A helper's parameter named for the raw credential it is handed: `getUserFromToken(authorization)`.
        if (pattern && TOKEN_PARAMETER.test(node.text) && (ts.isParameter(pattern.node) || ts.isParameter(pattern.node.parent))) {
          reads.push(dotted);
          return true;
        }
        const holder = pattern && ts.isObjectBindingPattern(pattern.node) ? pattern.node.parent : undefined;
        if (!holder || !ts.isVariableDeclaration(holder) || !isConstDeclaration(holder) || !holder.initializer) return false;
        // `= event.queryStringParameters ?? {}` too: the fallback holds no credential.
        let source = unwrap(holder.initializer);
        if (ts.isBinaryExpression(source) && (source.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || source.operatorToken.kind === ts.SyntaxKind.BarBarToken) && ts.isObjectLiteralExpression(unwrap(source.right))) {
          source = unwrap(source.left);
        }
        if (!/^(?:event|evt|req|request)\.(?:headers|cookies|queryStringParameters|query)$/.test(dottedName(source) ?? '')) return false;
      } else if (value.file !== file || !this.isRequestRead(value.node, file, reads, depth + 1)) {
        return false;
      }
    } else if (!REQUEST_VALUE.test(dotted)) {
      return false;
    }
    reads.push(dotted);
    return true;
  }

  /** A credential header read whose value is only tested for presence, under its own name or a constant's. */
  private headerTestedForPresenceOnly(read: TS.Node): boolean {
    // `event.headers.authorization`, or a Fetch API `req.headers.get('authorization')` (no dotted name: followed by the constant it is bound to).
    const fetchStyle = ts.isCallExpression(read);
    const dotted = fetchStyle ? undefined : dottedName(read);
    const fn = enclosingBody(read);
    if (fn === undefined || (!fetchStyle && (dotted === undefined || !REQUEST_VALUE.test(dotted)))) return false;
    const names = dotted === undefined ? [] : [dotted];
    let bound: TS.Node = read;
    for (;;) {
      const up = bound.parent && (ts.isParenthesizedExpression(bound.parent) || (ts.isBinaryExpression(bound.parent) && bound.parent.left === bound && isLiteralFallback(bound.parent)))
        ? bound.parent
        : transformOf(bound);
      if (!up) break;
      bound = up;
    }
    const declaration = bound.parent;
    if (declaration && ts.isVariableDeclaration(declaration) && declaration.initializer === bound) {
      if (!ts.isIdentifier(declaration.name) || !isConstDeclaration(declaration)) return false;
      names.push(declaration.name.text);
    } else if (fetchStyle) {
      return onlyTestedInPlace(bound);
    }
    return !usedBeyondPresence(fn, names);
  }

  /**
   * A comparison of a hand-written HMAC check that cannot prove the request signed: the digest or
   * the signature header compared with a configured value (`expected === process.env.APP_ID`), or
   * one side the request's own body (`sig !== payload.signature`, `timingSafeEqual(digest, Buffer.from(body))`).
   */
  comparesUnrelated(site: { file: SourceFileInfo; node: TS.Node }): boolean {
    const node = site.node;
    const sides = ts.isBinaryExpression(node) ? [node.left, node.right]
      : ts.isCallExpression(node) && calleeName(node) === 'equals' && ts.isPropertyAccessExpression(unwrap(node.expression)) ? [(unwrap(node.expression) as TS.PropertyAccessExpression).expression, ...node.arguments]
      : ts.isCallExpression(node) ? [...node.arguments] : [];
    if (sides.length < 2) return false;
    const kinds = sides.slice(0, 2).map((side) => this.compareSide(side, site.file, 0));
    return kinds.includes('env') || (kinds.includes('body') && (kinds.includes('header') || kinds.includes('hmac')));
  }

  /** What a compared value is, through constants, `Buffer.from()`, `String()` and a scheme prefix. */
  private compareSide(expr: TS.Expression, file: SourceFileInfo, depth: number): 'env' | 'header' | 'body' | 'hmac' | undefined {
    const e = unwrap(expr);
    if (depth > 4) return undefined;
    if (envReadName(e) !== undefined) return 'env';
    if (headerRead(e) !== undefined || (ts.isCallExpression(e) && headerRead(unwrap(e.expression)) !== undefined)) return 'header';
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.PlusToken && stringLiteralValue(unwrap(e.left)) !== undefined) return this.compareSide(e.right, file, depth + 1);
      if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) return this.compareSide(e.left, file, depth + 1);
      return undefined;
    }
    if (ts.isTemplateExpression(e)) return e.templateSpans.length === 1 ? this.compareSide(e.templateSpans[0].expression, file, depth + 1) : undefined;
    if (ts.isCallExpression(e)) {
      const callee = unwrap(e.expression);
      const name = calleeName(e) ?? '';
      if ((name === 'from' && dottedName(callee) === 'Buffer.from') || (name === 'String' && ts.isIdentifier(callee))) return e.arguments[0] ? this.compareSide(e.arguments[0], file, depth + 1) : undefined;
      if (name === 'toString' && ts.isPropertyAccessExpression(callee)) return this.compareSide(callee.expression, file, depth + 1);
      if (name === 'digest' || name === 'createHmac' || /(^|\.)subtle\.sign$/.test(dottedName(callee) ?? '')) return 'hmac';
      if ((BODY_READERS.has(name) && readsRequestBody(callee)) || (name === 'parse' && dottedName(callee) === 'JSON.parse')) return 'body';
      return undefined;
    }
    if (ts.isAwaitExpression(e)) return this.compareSide(e.expression, file, depth + 1);
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const dotted = dottedName(e) ?? '';
      if (/(^|\.)(event|evt|req|request)\.(body|rawBody)$/.test(dotted)) return 'body';
      // A field of the parsed payload: `payload.signature` where `payload = JSON.parse(body)`.
      return this.compareSide(e.expression, file, depth + 1) === 'body' ? 'body' : undefined;
    }
    if (ts.isIdentifier(e)) {
      const value = this.analysis.resolveValue(e, file);
      return value.node !== e && ts.isExpression(value.node) ? this.compareSide(value.node, value.file, depth + 1) : undefined;
    }
    return undefined;
  }

  /**
   * `if (Math.abs(Date.now() - payload.webhookTimestamp) > 60_000) return 400` on the parsed body
   * (Linear's `webhookTimestamp`): a time the body's signature covers, so a window on replays.
   */
  private onBodyClockCheck(node: TS.IfStatement, file: SourceFileInfo, facts: Facts): void {
    if (!(textFlags(file) & READS_CLOCK)) return;
    const text = node.expression.getText(file.sf);
    if (!/Date\.now\(\)|getTime\(\)/.test(text) || !/timestamp|\bts\b|sent_?at|created|issued|event_?time/i.test(text) || !someNode(node.thenStatement, isRefusal, isFunctionLike)) return;
    const read = someNode(node.expression, (n) => (ts.isPropertyAccessExpression(n) && BODY_TIME_FIELD.test(n.name.text) && this.compareSide(n.expression, file, 0) === 'body'));
    if (read) facts.timestampChecks.push({ file, node });
  }

  /** A project helper whose only grip on the caller is a decoded token or a header anyone sets. */
  private checksNobody(call: TS.CallExpression, file: SourceFileInfo): boolean {
    const target = this.resolveCallee(call, file);
    if (!target) return false;
    const facts = this.factsOf(target.fn, target.file, 1, file);
    return decodesOnly(facts, target.fn) !== undefined || this.trustedHeader(facts, target.fn) !== undefined;
  }

  /** `trustsCallerHeader`, once per helper: it reads the helper's text. */
  private trustedHeader(facts: Facts, fn: FunctionLike): string | undefined {
    if (this.trustedHeaders.has(fn)) return this.trustedHeaders.get(fn);
    const header = trustsCallerHeader(facts, fn);
    this.trustedHeaders.set(fn, header);
    return header;
  }

  /**
   * `verifyToken(event.headers.authorization?.split(' ')[1])` where the helper only decodes the
   * token, or `jwt.verify(token, key)`, whose own fact (a callback, a swallowed failure) decides.
   */
  private passedToDecoder(read: TS.Node, file: SourceFileInfo, bound = 0): boolean {
    const current = reshaped(read);
    const call = current.parent;
    // `const token = (event.headers.authorization || '').slice(7)`: every use of the constant must be one.
    if (call && ts.isVariableDeclaration(call) && call.initializer === current && ts.isIdentifier(call.name) && isConstDeclaration(call) && bound === 0) {
      const name = call.name.text;
      const fn = enclosingBody(call);
      const uses: TS.Identifier[] = [];
      if (fn) someNode(fn, (n) => { if (ts.isIdentifier(n) && n.text === name && n !== call.name && isValueIdentifier(n)) uses.push(n); return false; });
      return uses.length > 0 && uses.every((use) => this.passedToDecoder(use, file, bound + 1));
    }
    if (!call || !ts.isCallExpression(call) || call.expression === current) return false;
    // `jwt.verify(token, key)`, jose's `jwtVerify(token, key)`: the call's own fact says whether it checks.
    const name = calleeName(call);
    const callee = unwrap(call.expression);
    if ((name === 'verify' && this.verifyKind(call, file, this.packageOf(callee, file)) === 'jwt') || (name === 'jwtVerify' && this.packageOf(callee, file) === 'jose')) return true;
    // `const token = ...; const claims = jwt.decode(token)`: read, never checked.
    if (name !== undefined && JWT_DECODERS.has(name) && this.decodesJwt(call, callee, name, file)) return true;
    const target = this.resolveCallee(call, file);
    return target !== undefined && decodesOnly(this.factsOf(target.fn, target.file, 1, file), target.fn) !== undefined;
  }

  /** `event.headers['x-cron-secret'] === process.env.CRON_SECRET`, maybe after `?? ''` or `.trim()`. */
  private comparedWithCredential(read: TS.Node, file: SourceFileInfo): boolean {
    const current = reshaped(read);
    const compare = current.parent;
    if (!compare || !ts.isBinaryExpression(compare) || !isEquality(compare.operatorToken.kind)) return false;
    const other = compare.left === current ? compare.right : compare.left;
    return this.credentialEnvOf(other, file) !== undefined || envReadName(unwrap(other)) !== undefined;
  }

  /** The credential from the environment `expr` holds, as written (`process.env.API_KEY`, a Worker's `env.API_KEY`). */
  private credentialEnvOf(expr: TS.Expression, file: SourceFileInfo, depth = 0): string | undefined {
    let read = expr;
    let name = envReadName(read);
    if (name === undefined) {
      const value = this.analysis.resolveValue(expr, file).node;
      if (!ts.isExpression(value)) return undefined;
      read = value;
      name = envReadName(read);
    }
    // After a scheme: `` `Bearer ${process.env.CRON_SECRET}` ``, `'Bearer ' + process.env.CRON_SECRET`.
    const part = name === undefined && depth === 0 ? afterScheme(unwrap(read)) : undefined;
    if (part) return this.credentialEnvOf(part, file, depth + 1);
    // `NEXT_PUBLIC_API_KEY` ships in the browser bundle: comparing with it checks nobody.
    return name && !PUBLIC_ENV.test(name) && (CREDENTIAL_ENV.test(name) || (KEY_ENV.test(name) && !PUBLIC_KEY_ENV.test(name))) ? envReadText(read) : undefined;
  }

  /** `event.headers['x-site-key'] !== process.env.RECAPTCHA_SITE_KEY`: compared with a value from the environment that is no credential. */
  private comparedWithPublicValue(condition: TS.Expression, file: SourceFileInfo): boolean {
    let compared = false;
    const other = someNode(condition, (n) => {
      if (!ts.isBinaryExpression(n) || !isEquality(n.operatorToken.kind)) return false;
      const sides = [n.left, n.right];
      if (sides.some((side) => this.credentialEnvOf(side, file) !== undefined)) return true;
      const env = sides.some((side) => envReadName(unwrap(side)) !== undefined || envReadName(this.analysis.resolveValue(side, file).node as TS.Expression) !== undefined);
      compared ||= env;
      return !env;
    }, isFunctionLike);
    return compared && !other;
  }

  /**
   * A signed link's expected value: `createHmac('sha256', process.env.UNSUB_SECRET).update(email)
   * .digest('hex')`, here or in a constant, maybe in a `Buffer.from(...)`: the secret's name.
   */
  private signedWith(expr: TS.Expression, file: SourceFileInfo, depth = 0): string | undefined {
    const inner = unwrap(expr);
    if (ts.isCallExpression(inner) && dottedName(unwrap(inner.expression)) === 'Buffer.from' && inner.arguments[0]) return this.signedWith(inner.arguments[0], file, depth);
    const value = this.analysis.resolveValue(inner, file);
    const node = ts.isExpression(value.node) ? unwrap(value.node) : value.node;
    // Held in constants on the way (`const b = Buffer.from(expected)`), or after the scheme's
    // prefix (`'sha256=' + hmac.digest('hex')`, `` `sha256=${digest}` ``).
    if (node !== inner && depth < 4 && ts.isExpression(node)) {
      const part = ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && stringLiteralValue(unwrap(node.left)) !== undefined ? node.right
        : ts.isTemplateExpression(node) && node.templateSpans.length === 1 && node.templateSpans[0].literal.text === '' ? node.templateSpans[0].expression
        : ts.isCallExpression(node) && dottedName(unwrap(node.expression)) === 'Buffer.from' ? node.arguments[0]
        : undefined;
      if (part) return this.signedWith(part, value.file, depth + 1);
    }
    if (!ts.isCallExpression(value.node)) return undefined;
    // `signEmail(email)`, a project helper that answers the HMAC (`(email) => createHmac(...).update(email).digest('hex')`).
    if (calleeName(value.node) !== 'digest') {
      const helper = depth < 4 ? this.resolveCallee(value.node, value.file) : undefined;
      const answer = helper && singleReturn(helper.fn);
      return answer ? this.signedWith(answer, helper.file, depth + 1) : undefined;
    }
    const name = HMAC_WITH_ENV_KEY.exec(value.node.getText(value.file.sf))?.[1];
    return name && CREDENTIAL_ENV.test(name) ? name : undefined;
  }

  private onReturn(node: TS.ReturnStatement, file: SourceFileInfo, facts: Facts): void {
    if (node.expression) this.onReturned(node.expression, node, file, facts);
  }

  /** What a function answers, from a `return` (`site`) or an arrow's expression body. */
  private onReturned(value: TS.Expression, site: TS.Node, file: SourceFileInfo, facts: Facts): void {
    if (isRejectingResponse(value)) facts.rejects = true;
    this.onAnswered(value, site, file, facts);
  }

  /** A credential from the environment the function answers with: in place, through a local constant, or all of `process.env`. */
  private onAnswered(value: TS.Expression, site: TS.Node, file: SourceFileInfo, facts: Facts): void {
    if (!(textFlags(file) & READS_ENV)) return;
    const reads = credentialReads(file);
    const secret = (reads.length > 0 && ((holdsCredentialRead(value, reads) && answeredSecretIn(value, file) && returnedCredential(value)) || this.credentialThroughConstant(value, file, reads))) || wholeEnvironment(value);
    if (secret) facts.sensitive.push({ file, node: site, work: `returns \`${secret}\``, write: false, anchor: site });
  }

  /**
   * `const apiSecret = process.env.API_SECRET; return { body: JSON.stringify({ apiSecret }) }`, also
   * encoded first (`Buffer.from(process.env.JWT_SECRET).toString('base64')`) or in a config object.
   */
  private credentialThroughConstant(answer: TS.Expression, file: SourceFileInfo, reads: readonly number[]): string | undefined {
    let found: string | undefined;
    someNode(
      answer,
      (n) => {
        if (!ts.isIdentifier(n) || !(isValueIdentifier(n) || ts.isShorthandPropertyAssignment(n.parent)) || !valueFlowsTo(n, answer) || !passesThroughCalls(n, answer)) return false;
        const value = this.analysis.resolveValue(n, file);
        if (value.node === n || value.file !== file || !ts.isExpression(value.node) || !holdsCredentialRead(value.node, reads)) return false;
        found = (answeredSecretIn(value.node, file) && returnedCredential(value.node)) || undefined;
        return found !== undefined;
      },
      isFunctionLike,
    );
    return found;
  }

  private onNew(node: TS.NewExpression, file: SourceFileInfo, facts: Facts): void {
    const name = calleeName(node);
    // DynamoDB's `new PutItemCommand({ TableName, Item })`, sent with `client.send(...)`.
    if (name !== undefined && name.endsWith('Command')) {
      const query = dynamoCommandWork(node);
      if (query) facts.sensitive.push({ file, node, work: query.work, write: query.write, anchor: node, model: query.table, append: query.append });
      // `new PutCommand({ Item: { id: deliveryId }, ConditionExpression: 'attribute_not_exists(id)' })`
      // fails on a repeat (ConditionalCheckFailedException): a de-duplication, unless a `catch` carries on.
      const options = node.arguments?.[0] && unwrap(node.arguments[0]);
      const item = options && ts.isObjectLiteralExpression(options) ? propertyValue(objectProperty(options, 'Item')) : undefined;
      const conditionNode = options && ts.isObjectLiteralExpression(options) ? propertyValue(objectProperty(options, 'ConditionExpression')) : undefined;
      const condition = conditionNode && stringLiteralValue(conditionNode);
      if ((name === 'PutCommand' || name === 'PutItemCommand') && item && condition?.includes('attribute_not_exists(') && this.keyedByDelivery([item], file)) {
        facts.dedupe.push(isSwallowed(node) ? { file, node, idempotent: true } : { file, node });
      }
    }
    const source = this.packageOf(node.expression, file);
    // Amazon SES: `ses.send(new SendEmailCommand({ Destination, Message }))`, v1's client or v2's.
    if (name !== undefined && SES_SEND.test(name) && (source === '@aws-sdk/client-ses' || source === '@aws-sdk/client-sesv2')) {
      facts.sensitive.push({ file, node, work: `sends email with \`${name}\``, write: true, anchor: node });
    }
    // Cloudflare's send_email binding: `env.MAILER.send(new EmailMessage(from, to, raw))`.
    if (source === 'cloudflare:email' && name === 'EmailMessage') {
      facts.sensitive.push({ file, node, work: 'sends email with `EmailMessage`', write: true, anchor: node });
    }
    const options = node.arguments?.[0] && unwrap(node.arguments[0]);
    if (source === '@slack/bolt' && name && /^(App|AwsLambdaReceiver|ExpressReceiver|HTTPReceiver)$/.test(name)) {
      const off = options && ts.isObjectLiteralExpression(options) ? propertyValue(objectProperty(options, 'signatureVerification')) : undefined;
      facts.verifies.push({
        file,
        node: off ? off.parent : node,
        via: `Slack Bolt \`${name}\``,
        replay: 'window',
        broken: off && isFalseLiteral(off) ? 'signatureVerificationOff' : undefined,
        anchor: node,
      });
    }
  }

  /**
   * Runs on every call of every function followed, so the callee is unwrapped and named once,
   * and names are tested before any dotted name is built.
   */
  private onCall(call: TS.CallExpression, file: SourceFileInfo, facts: Facts, depth: number): void {
    const callee = unwrap(call.expression);
    const local = lastName(callee);
    if (local !== undefined && JWT_DECODERS.has(local) && this.decodesJwt(call, callee, local, file)) facts.decodes.push({ file, node: call, via: dottedName(callee) ?? local });
    // `JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())`: a JWT's payload read by hand.
    if (local === 'parse' && call.arguments.length > 0 && decodesPayloadByHand(call, file)) facts.decodes.push({ file, node: call, via: 'JSON.parse' });
    // Express's `res.json(x)`, `res.status(200).send(x)`: what the function answers, returned or not.
    if (local !== undefined && RESPONSE_WRITERS.has(local) && call.arguments.length > 0 && ts.isPropertyAccessExpression(callee) && EXPRESS_RESPONSE.test(rootIdentifier(callee)?.text ?? '')) {
      this.onAnswered(call.arguments[0], call, file, facts);
    }
    // Next.js's `redirect()`, `notFound()`, `unauthorized()`, `forbidden()` throw: a helper calling them refuses.
    if (local !== undefined && NEXT_REFUSALS.has(local) && ts.isIdentifier(callee) && isStatementCall(call)) facts.rejects = true;
    if (local !== undefined && BODY_READERS.has(local) && readsRequestBody(callee)) facts.readsBody = true;
    if (local !== undefined && this.onLibraryCall(call, callee, local, file, facts)) return;
    const target = this.resolveCallee(call, file);
    if (target) {
      const name = local ?? 'helper';
      if (AUTH_CALLS.has(name) && this.isStubAuth(target.fn, target.file, name, file)) {
        // `requireAuth = (event) => event.headers['x-user-id']`: say which header it trusts.
        const header = name === 'requireAuth' ? this.trustedHeader(this.factsOf(target.fn, target.file, depth + 1, file), target.fn) : undefined;
        facts.stubAuthCalls.push({ file: target.file, node: target.fn, ...(header ? { header } : {}) });
        return;
      }
      const callee = this.factsOf(target.fn, target.file, depth + 1, file);
      const before = facts.verifies.length;
      const authBefore = facts.auth.length;
      mergeFacts(facts, callee, call);
      // `const partner = portalPartner(event); if (!partner) return 401`: a helper that checks a
      // token only when one is sent, and answers nothing otherwise, checks every caller its answer refuses.
      if (answerDecidesRefusal(call)) {
        for (let i = authBefore; i < facts.auth.length; i++) {
          const auth = facts.auth[i];
          if (auth.optional) facts.auth[i] = { file: auth.file, node: auth.node, via: auth.via, anchor: auth.anchor };
        }
      }
      // `function requireAuth(event) { const claims = jwt.decode(token); if (!claims) throw ... }`:
      // anyone can write a token that decodes, so its refusal keeps nobody out.
      const decoder = decodesOnly(callee, target.fn);
      // (A helper that reads only such a header has no auth facts to drop: only an auth name's trust is at stake.)
      const header = decoder || !AUTH_CALLS.has(name) ? undefined : this.trustedHeader(callee, target.fn);
      if (decoder || header) {
        // A decoding helper that refuses what does not decode (`if (!claims) throw ...`) is one the handler relies on to check the caller.
        const refuses = decoder !== undefined && someNode(target.fn, isRefusal, (n) => n !== target.fn && isFunctionLike(n));
        if (facts.auth.length > authBefore || AUTH_CALLS.has(name) || refuses) facts.stubAuthCalls.push({ file: target.file, node: target.fn, ...(decoder ? { decodes: decoder } : { header }) });
        facts.auth.length = authBefore;
        return;
      }
      this.checkHelperAuthUse(call, name, target, callee, file, facts);
      const swallowed = isSwallowed(call);
      if (swallowed) {
        for (let i = before; i < facts.verifies.length; i++) {
          const v = facts.verifies[i];
          if (!v.broken && throwsOnFailure(v)) facts.verifies[i] = { ...v, broken: 'swallowed' };
        }
      }
      // `if (!verify(request, secret))` on an async helper: its promise is tested, always truthy, so every signature passes.
      if (isAsyncFunction(target.fn) && promiseTested(call)) {
        for (let i = before; i < facts.verifies.length; i++) {
          if (!facts.verifies[i].broken) facts.verifies[i] = { ...facts.verifies[i], file, node: call, via: `\`${name}()\``, broken: 'unawaited' };
        }
      }
      if (facts.auth.length > authBefore && helperAuthIsLost(call, target.fn, callee, swallowed)) {
        facts.auth.length = authBefore;
        // A helper that throws into a `catch` that carries on still stops the rest of the `try`.
        const block = swallowed && callee.rejects ? swallowingTry(call) : undefined;
        if (block) facts.auth.push({ file, node: call, via: `\`${name}()\``, anchor: call, swallowedIn: block });
      } else if (facts.auth.length > authBefore && !helperThrows(callee, target.fn) && (answerFallsThrough(call) || testedOnlyWithACaller(call))) {
        // `const user = await sessionUser(req); if (!user) { res.status(401).json(...) }` with no
        // `return`: the helper's check decides only through its answer, and the answer stops nothing.
        facts.auth.length = authBefore;
      }
      return;
    }
    if (local === undefined) return;
    if (AUTH_CALLS.has(local)) this.onUnresolvedAuthCall(call, local, file, facts);
    // `import { auth as clerkAuth } from '@clerk/nextjs/server'`: the package's name tells.
    else if (ts.isIdentifier(callee) && AUTH_CALLS.has(this.analysis.importSource(file, local)?.name ?? '')) this.onUnresolvedAuthCall(call, local, file, facts);
  }

  /**
   * `try { const { payload } = await jwtVerify(token, key); orders = await db.order.findMany(...) } catch {}`:
   * a check whose failure a `catch` swallows still stops the rest of its `try` block.
   */
  private pushSwallowed(call: TS.CallExpression, via: string, file: SourceFileInfo, facts: Facts): void {
    // jose's promise, not awaited, rejects after the block has run on.
    if (via === '`jwtVerify`' && awaitedValue(call) === call) return;
    const block = swallowingTry(call);
    if (block) facts.auth.push({ file, node: call, via, anchor: call, swallowedIn: block });
  }

  /** An auth helper from the project: `requireAuth()` rejects by throwing; boolean ones must guard a rejection. */
  private checkHelperAuthUse(
    call: TS.CallExpression,
    name: string,
    target: { fn: FunctionLike; file: SourceFileInfo },
    callee: Facts,
    file: SourceFileInfo,
    facts: Facts,
  ): void {
    if (!AUTH_CALLS.has(name)) return;
    const rejectsItself = callee.rejects;
    const via = `\`${name}()\` from \`${relativeName(target.file)}\``;
    if ((rejectsItself && (THROWING_AUTH_CALLS.has(name) || !resultIsChecked(call))) || guardsRejection(call)) {
      facts.auth.push({ file, node: call, via, anchor: call });
    } else {
      const branch = positiveGuardBranch(call);
      if (branch) facts.auth.push({ file, node: call, via, anchor: call, onlyWithin: branch });
    }
  }

  /**
   * `jwt.decode(token)`, jwt-decode's `jwtDecode(token)`, jose's `decodeJwt(token)`: a token's
   * claims read without checking its signature. (jwt-simple's `decode(token, secret)` checks it.)
   */
  private decodesJwt(call: TS.CallExpression, callee: TS.Expression, local: string, file: SourceFileInfo): boolean {
    if (local !== 'decode') return true;
    const source = this.packageOf(callee, file);
    if (source !== undefined) return JWT_DECODING_PACKAGES.test(source);
    const receiver = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : undefined;
    return receiver !== undefined && ts.isIdentifier(receiver) && /^jwt$/i.test(receiver.text) &&
      (call.arguments.length === 1 || (call.arguments.length === 2 && ts.isObjectLiteralExpression(unwrap(call.arguments[1]))));
  }

  /** Auth helpers whose module cannot be read (a package, a missing file): trust the call as written. */
  private onUnresolvedAuthCall(call: TS.CallExpression, name: string, file: SourceFileInfo, facts: Facts): void {
    // Supabase's `auth.getSession()` reads the session cookie without checking its JWT: a forged
    // cookie passes, and Supabase says never to trust it in server code (`getUser()` checks).
    const callee = unwrap(call.expression);
    if (name === 'getSession' && ts.isPropertyAccessExpression(callee) && lastName(unwrap(callee.expression)) === 'auth') return;
    // Clerk v6's `auth.protect()` is async: called as a statement without `await`, its rejection
    // is lost and the action runs on (v5's `auth().protect()` threw at once).
    if (name === 'protect' && ts.isPropertyAccessExpression(callee) && ts.isIdentifier(unwrap(callee.expression)) && isStatementCall(call) && awaitedValue(call) === call) return;
    // iron-session's `getIronSession()` always returns a session object: only a field of it
    // (`session.isLoggedIn`, `session.userId`) tells a signed-in caller.
    if (name === 'getIronSession' && !testsAField(call)) return;
    // `const session = getServerSession(options); if (!session) ...`: a promise is always truthy.
    if (this.isAsyncAuthCall(callee, name, file) && awaitedValue(call) === call && call.parent && (ts.isVariableDeclaration(call.parent) || ts.isPrefixUnaryExpression(call.parent) || ts.isIfStatement(call.parent))) return;
    const via = `\`${name}()\``;
    // Firebase's `verifyIdToken()` and `verifySessionCookie()` reject a bad token: awaited, the
    // rejection ends the request, unless a `catch` carries on.
    if (REJECTING_AUTH_CALLS.has(name) && awaitedValue(call) !== call) {
      const block = swallowingTry(call);
      facts.auth.push(block ? { file, node: call, via, anchor: call, swallowedIn: block } : { file, node: call, via, anchor: call });
      return;
    }
    // `verifySessionCookie(cookie).then((claims) => work)`: the callback runs only for a token it accepts.
    const then = REJECTING_AUTH_CALLS.has(name) ? thenCallback(call) : undefined;
    if (then) {
      facts.auth.push({ file, node: call, via, anchor: call, onlyWithin: { sf: then.getSourceFile(), pos: then.pos, end: then.end } });
      return;
    }
    if ((THROWING_AUTH_CALLS.has(name) && !(isStatementCall(call) && isSwallowed(call))) || guardsRejection(call)) {
      facts.auth.push({ file, node: call, via, anchor: call });
    } else if ((THROWING_AUTH_CALLS.has(name) && isStatementCall(call)) || guardsRejection(call, true)) {
      const block = swallowingTry(call);
      if (block) facts.auth.push({ file, node: call, via, anchor: call, swallowedIn: block });
    } else {
      const branch = positiveGuardBranch(call);
      if (branch) facts.auth.push({ file, node: call, via, anchor: call, onlyWithin: branch });
    }
  }

  /**
   * Auth calls that always return a promise: next-auth's `getServerSession`, Clerk's
   * `currentUser`, iron-session, Lucia's `validateRequest`, Supabase's and Kinde's `getUser`, and
   * `auth()` exported by the project's own module (next-auth v5's `NextAuth(...)`; Clerk's `auth()`
   * was synchronous before v6).
   */
  private isAsyncAuthCall(callee: TS.Expression, name: string, file: SourceFileInfo): boolean {
    if (ASYNC_AUTH_CALLS.has(name)) return true;
    if (name !== 'auth' || !ts.isIdentifier(callee)) return false;
    const imported = this.analysis.importSource(file, callee.text);
    // A relative path, or a path alias (`@/auth`, `~/auth`): the project's own module.
    return imported !== undefined && !isExternalPackage(imported.specifier);
  }

  /**
   * `isAuthenticated = () => true`, a `requireAuth` that can never throw: the Redwood no-auth
   * template. `from` is the module calling it, if another one.
   */
  isStubAuth(fn: FunctionLike, file: SourceFileInfo, name: string, from?: SourceFileInfo): boolean {
    if (!['requireAuth', 'isAuthenticated', 'hasRole'].includes(name)) return false;
    if (name === 'requireAuth') {
      // One that checks through a call that throws (`return jwt.verify(token, secret)`) is no stub.
      const facts = this.factsOf(fn, file, 0, from);
      return !facts.rejects && facts.auth.length === 0;
    }
    return alwaysReturnsTrue(fn, (id) => {
      const target = this.functionFor(id, file);
      return target ? alwaysReturnsTrue(target.fn) : false;
    });
  }

  /**
   * Returns true when the call was a known library call (and records what it means). `callee` is
   * the call's callee unwrapped and `local` its last name (`calleeName`); `name` below is the name
   * the package exports, for an import renamed here (`import { verifyEvent as verify }`).
   */
  private onLibraryCall(call: TS.CallExpression, callee: TS.Expression, local: string, file: SourceFileInfo, facts: Facts): boolean {
    let name = local;
    let source: string | undefined;
    if (ts.isIdentifier(callee)) {
      // One look at the imports gives both the exported name and the package.
      const imported = this.analysis.importSource(file, callee.text);
      if (imported && imported.name !== 'default' && imported.name !== '*') name = imported.name;
      source = imported && isPackageSpecifier(imported.specifier) ? imported.specifier : undefined;
    } else {
      source = this.packageOf(callee, file);
    }
    if (name === '') return false;
    // Every test below starts with the name: most calls (logging, JSON, models) skip them all.
    if (!LIBRARY_CALL_NAMES.has(name)) return this.onWorkCall(call, callee, name, source, file, facts);
    const dotted = dottedOf(callee, name);

    if ((name === 'verifyEvent' || name === 'verifySignature') && source !== undefined && isRedwoodWebhooksModule(source)) {
      facts.verifies.push({ ...this.redwoodVerify(call, name, file), anchor: call });
      return true;
    }
    // Passport's custom callback: `passport.authenticate('jwt', (err, user) => { if (!user) return res.status(401)... })(req, res, next)`.
    if (name === 'authenticate' && (source === 'passport' || /(^|\.)passport$/i.test(dotted.slice(0, -'.authenticate'.length)))) {
      const callback = call.arguments.map((a): TS.Node => unwrap(a)).find((a): a is FunctionLike => isFunctionLike(a));
      if (callback && refusesWithoutUser(callback)) facts.auth.push({ file, node: call, via: '`passport.authenticate` with a callback that refuses', anchor: call });
      return true;
    }
    if (name === 'constructEventWithoutVerification') {
      facts.verifies.push({ file, node: call, via: '`constructEventWithoutVerification`', replay: 'none', broken: 'withoutVerification', anchor: call });
      return true;
    }
    if (name === 'constructEvent' || name === 'constructEventAsync') {
      facts.verifies.push({ ...this.stripeVerify(call, name, file), anchor: call });
      return true;
    }
    if (name === 'verifyWebhook' && source?.startsWith('@clerk/')) {
      facts.verifies.push({ file, node: call, via: 'Clerk `verifyWebhook`', replay: 'window', anchor: call, broken: isSwallowed(call) ? 'swallowed' : undefined });
      return true;
    }
    if (name === 'verifySlackRequest') {
      facts.verifies.push({ file, node: call, via: '`verifySlackRequest`', replay: 'window', anchor: call, broken: isSwallowed(call) ? 'swallowed' : undefined });
      return true;
    }
    if (name === 'isValidSlackRequest') {
      facts.verifies.push({ file, node: call, via: '`isValidSlackRequest`', replay: 'window', anchor: call, broken: booleanUse(call, false) });
      return true;
    }
    if (/^(validateRequest|validateRequestWithBody|validateExpressRequest|validateIncomingRequest)$/.test(name) && (source === 'twilio' || /twilio/i.test(dotted))) {
      facts.verifies.push({ file, node: call, via: `Twilio \`${name}\``, replay: 'none', anchor: call, broken: booleanUse(call, false) });
      return true;
    }
    if (name === 'webhook' && (source === 'twilio' || /twilio/i.test(dotted))) {
      const options = call.arguments[0] && unwrap(call.arguments[0]);
      const validate = options && ts.isObjectLiteralExpression(options) ? propertyValue(objectProperty(options, 'validate')) : undefined;
      if (validate && isFalseLiteral(validate)) {
        facts.verifies.push({ file, node: validate.parent, via: 'Twilio `webhook()`', replay: 'none', broken: 'validateOff', anchor: call });
        return true;
      }
      return false;
    }
    if (name === 'verify' || name === 'verifyWithFallback' || name === 'verifyAndReceive') {
      const kind = this.verifyKind(call, file, source);
      if (kind === 'svix') {
        facts.verifies.push({ file, node: call, via: 'Svix `Webhook.verify`', replay: 'window', anchor: call, broken: isSwallowed(call) ? 'swallowed' : undefined });
        return true;
      }
      if (kind === 'octokit') {
        const broken = name === 'verifyAndReceive' ? undefined : booleanUse(call, true);
        facts.verifies.push({ file, node: call, via: `Octokit \`${name}\``, replay: 'none', anchor: call, broken });
        return true;
      }
      if (kind === 'jwt') {
        // `jwt.verify(token, key, (err, claims) => ...)` throws nothing: only a callback that refuses
        // on `err` checks, and only what runs inside it.
        const callback = call.arguments.map((a): TS.Node => unwrap(a)).find((a): a is FunctionLike => isFunctionLike(a));
        if (callback) {
          if (callback.body && callbackRefusesOnError(callback)) facts.auth.push({ file, node: call, via: '`jwt.verify`', anchor: call, onlyWithin: { sf: file.sf, pos: callback.body.pos, end: callback.body.end } });
          return true;
        }
        // `try { claims = jwt.verify(...) } catch { log }`: a bad token carries on, unless something checks;
        // the rest of the `try` block still runs only for a good one.
        if (!isSwallowed(call) || resultIsChecked(call) || assignedAndChecked(call)) facts.auth.push({ file, node: call, via: '`jwt.verify`', anchor: call });
        else this.pushSwallowed(call, '`jwt.verify`', file, facts);
        return true;
      }
      if (kind === 'resend') {
        facts.verifies.push({ file, node: call, via: 'Resend `webhooks.verify`', replay: 'window', anchor: call });
        return true;
      }
    }
    if (/^(verify|verifyMessage|verifyTypedData|verifyDetached|verifyKey)$/.test(name) && source !== undefined && decidesRefusal(call)) {
      // A package's signature check (openpgp, ethers, tweetnacl, discord-interactions' `verifyKey`, node:crypto) deciding a refusal authenticates.
      facts.auth.push({ file, node: call, via: `${SIGNATURE_CHECK}\`${dotted}\``, anchor: call });
      return true;
    }
    if (name === 'jwtVerify' && source === 'jose') {
      // As with `jwt.verify`: a rejection a `catch` swallows lets a bad token carry on, unless something
      // checks; so does a promise's `.catch(() => null)`, unless its answer is checked.
      const caught = promiseCatch(call);
      if (caught) {
        if (resultIsChecked(caught) || assignedAndChecked(caught)) facts.auth.push({ file, node: call, via: '`jwtVerify`', anchor: call });
      } else if (!isSwallowed(call) || resultIsChecked(call) || assignedAndChecked(call) || returnedFromTry(call)) {
        facts.auth.push({ file, node: call, via: '`jwtVerify`', anchor: call });
      } else {
        this.pushSwallowed(call, '`jwtVerify`', file, facts);
      }
      return true;
    }
    // Paddle Billing's SDK: `unmarshal` throws unless the `h1` HMAC matches and the signed time is
    // within five seconds; `isSignatureValid` answers the same as a boolean.
    if ((name === 'unmarshal' || name === 'isSignatureValid') && (source === '@paddle/paddle-node-sdk' || /(^|\.)webhooks\.(?:unmarshal|isSignatureValid)$/.test(dotted))) {
      const broken = name === 'unmarshal' ? (isSwallowed(call) ? 'swallowed' : undefined) : booleanUse(call, true);
      facts.verifies.push({ file, node: call, via: `Paddle \`webhooks.${name}\``, replay: 'window', anchor: call, broken });
      return true;
    }
    if (name === 'validate' && /webhooks\.validate$/.test(dotted)) {
      facts.verifies.push({ file, node: call, via: 'Shopify `webhooks.validate`', replay: 'none', anchor: call, broken: shopifyValidUnchecked(call) ? 'validUnchecked' : undefined });
      return true;
    }
    if (name === 'createHmac') {
      facts.hmac.push({ file, node: call });
      return true;
    }
    // Web Crypto (Workers, Deno, edge runtimes): `crypto.subtle.sign('HMAC', key, body)` then a comparison,
    // or `crypto.subtle.verify('HMAC', key, signature, body)`, whose boolean must decide.
    if ((name === 'sign' || name === 'verify') && SUBTLE_SIGNING.test(dotted) && isHmacAlgorithm(call.arguments[0])) {
      if (name === 'sign') facts.hmac.push({ file, node: call });
      else facts.verifies.push({ file, node: call, via: 'Web Crypto `crypto.subtle.verify`', replay: 'none', anchor: call, broken: booleanUse(call, true) });
      return true;
    }
    // Discord's interactions and other Ed25519-signed webhooks: `crypto.subtle.verify('Ed25519', publicKey, signature, body)`.
    if (name === 'verify' && /(^|\.)subtle\.verify$/.test(dotted) && algorithmName(call.arguments[0]) === 'ED25519') {
      facts.verifies.push({ file, node: call, via: 'Web Crypto `crypto.subtle.verify` (Ed25519)', replay: 'none', anchor: call, broken: booleanUse(call, true) });
      return true;
    }
    if (name === 'timingSafeEqual' || name === 'safeCompare' || name === 'tsscmp') {
      facts.compares.push({ file, node: call });
      const credential = call.arguments.map((a) => this.credentialEnvOf(a, file)).find(Boolean);
      if (credential && decidesClientError(call)) {
        facts.auth.push({ file, node: call, via: `a comparison with \`${credential}\``, anchor: call });
      } else if (!credential) this.onSignedCompare(call, call.arguments, file, facts);
      return true;
    }
    // `signature.equals(expected)`, `Buffer.compare(a, b)`: comparisons (not constant-time ones: no-timing-unsafe-compare).
    if ((name === 'equals' && !ts.isIdentifier(callee) && call.arguments.length === 1) || dotted === 'Buffer.compare') {
      facts.compares.push({ file, node: call });
      return true;
    }
    return this.onWorkCall(call, callee, name, source, file, facts);
  }

  /**
   * Calls that do sensitive work or de-duplicate. The dotted name (`db.user.create`) is built only
   * for calls whose last name can match: for an identifier callee it is the identifier, for a
   * property access its last name is `name`. An element access's string key may hold dots
   * (`x['a.b']()`), so those calls take every test.
   */
  private onWorkCall(
    call: TS.CallExpression,
    callee: TS.Expression,
    name: string,
    source: string | undefined,
    file: SourceFileInfo,
    facts: Facts,
  ): boolean {
    // A string key (`x['a.b']()`) may hold dots, so its last name proves nothing: every test runs.
    const keyed = ts.isElementAccessExpression(callee);
    // The last segment of the dotted name: an identifier callee keeps its local name.
    const last = ts.isIdentifier(callee) ? callee.text : name;
    const prisma = keyed || PRISMA_OPERATIONS.has(last) ? prismaCall(dottedOf(callee, name)) : null;
    // Twilio's client is usually called `client` too: `client.messages.create` sends an SMS.
    if (prisma && !(prisma[1] === 'client' && prisma[2] === 'messages')) {
      const model = prisma[3] ? prisma[2] : undefined;
      const op = prisma[3] ?? prisma[2];
      // `const db = new Map(); db.delete(key)`: a store in memory, named like a database.
      if (!model && !op.startsWith('$') && this.isInMemoryStore(callee, file)) return false;
      if (PRISMA_WRITES.has(op)) {
        const append = APPENDING_WRITES.has(op) || (op.startsWith('update') && /\bincrement\b/.test(call.getText(file.sf)));
        facts.sensitive.push({ file, node: call, work: modelWrite(prisma[1], model, call), write: true, anchor: call, model, append });
        // `upsert` and `update` succeed on a repeat: only an insert that a unique id makes fail
        // de-duplicates; keyed by the event id, they make their own write idempotent.
        if (model && this.keyedByDelivery(call.arguments, file)) {
          // `const { count } = await db.delivery.updateMany({ where: { id, processedAt: null } })`,
          // then `if (count === 0) return`: an atomic claim whose answer stops the repeat.
          // `createMany({ data, skipDuplicates: true })` passes a repeat without an error.
          const quiet = NOT_DEDUPING_WRITES.has(op) || (op === 'createMany' && /\bskipDuplicates\s*:\s*true\b/.test(call.getText(file.sf)));
          const claims = !quiet || resultDecides(call);
          facts.dedupe.push(claims ? { file, node: call } : { file, node: call, idempotent: true });
        }
        return true;
      }
      if (PRISMA_READS.has(op)) {
        // Model-less raw reads are mostly liveness pings (`SELECT 1`); private data is read through models.
        if (model && PRIVATE_MODEL.test(model)) {
          facts.sensitive.push({ file, node: call, work: `reads \`${prisma[1]}.${model}\``, write: false, anchor: call });
        }
        if (model && this.keyedByDelivery(call.arguments, file)) facts.dedupe.push({ file, node: call });
        return true;
      }
    }
    if (FIREBASE_CALL_NAMES.has(last) && this.onFirebaseCall(call, callee, last, file, facts)) return true;
    // Supabase Storage: `supabase.storage.from('avatars').upload(...)`; a client on the caller's JWT is held by the bucket's policies.
    if (SUPABASE_STORAGE_CALLS.has(last) && ts.isPropertyAccessExpression(callee) && isStorageBucket(unwrap(callee.expression))) {
      if (this.supabaseScope(callee, file) === 'user') return true;
      facts.sensitive.push({ file, node: call, work: `changes Supabase Storage files with \`${last}\``, write: !/^createSigned/.test(last), anchor: call });
      return true;
    }
    // Supabase's `auth.admin` API needs the service-role key: every call acts on any user.
    if (SUPABASE_ADMIN_CALLS.has(last) && ts.isPropertyAccessExpression(callee) && /(?:^|\.)auth\.admin$/.test(dottedName(callee.expression) ?? '')) {
      const write = last !== 'listUsers' && last !== 'getUserById';
      facts.sensitive.push({ file, node: call, work: `${write ? 'changes' : 'reads'} Supabase Auth users with \`auth.admin.${last}\``, write, anchor: call });
      return true;
    }
    if (QUERY_CALL_NAMES.has(last)) {
      const query = queryWork(call, callee, last, this.valueOfId(file));
      // A Supabase client made with the anon key and the caller's session: row-level security decides, as the caller.
      if (query?.viaFrom && this.supabaseScope(callee, file) === 'user') return true;
      if (query) {
        facts.sensitive.push({ file, node: call, work: query.work, write: query.write, anchor: call, model: query.table, append: query.append });
        if (query.insert) this.addInsertDedupe(call, query.insert.quiet, file, facts);
        else if (query.upsert && this.keyedByDelivery([chainOf(call)], file)) facts.dedupe.push({ file, node: call, idempotent: true });
      }
      // `knex('deliveries').where({ id: deliveryId }).first()`: a look-up of the delivery id.
      if (isLookup(call, callee, last) && this.keyedByDelivery([chainOf(call)], file)) facts.dedupe.push({ file, node: call });
      if (query) return true;
    }
    if (keyed || last === '$emit' || last === 'set') {
      const dotted = dottedOf(callee, name);
      if (dotted === 'this.$emit' || dotted === 'this.db.set') {
        facts.sensitive.push({ file, node: call, work: `passes the payload on with \`${dotted}\``, write: true, anchor: call });
        return true;
      }
    }
    if (MESSAGE_SENDERS.has(name) || ((keyed || MESSAGE_SDK_LAST_NAMES.has(last)) && MESSAGE_SDK_CALLS.test(dottedOf(callee, name)) && !this.isModelClient(callee, file))) {
      // A contact form: the caller's message, mailed to the app's own fixed address, reaches only its team.
      if (!this.relaysToFixedRecipients(call, file)) facts.sensitive.push({ file, node: call, work: `sends messages with \`${dottedOf(callee, name)}\``, write: true, anchor: call });
      return true;
    }
    // `getSignedUrl(s3, new PutObjectCommand({ Bucket, Key: body.key }))`: a URL that writes or
    // reads whatever object the caller names. A key the function makes (`${randomUUID()}.jpg`) is its own upload slot.
    if (name === 'getSignedUrl' && source === '@aws-sdk/s3-request-presigner') {
      const signed = this.presignedForCallerKey(call, file);
      if (signed) facts.sensitive.push({ file, node: call, work: `signs a URL for \`${signed.command}\` on an object key the caller chose`, write: signed.write, anchor: call });
      return true;
    }
    // The AI SDK's `streamText({ model: openai('gpt-4o'), messages })`: the provider's key pays for it.
    if (source === 'ai' && AI_SDK_CALLS.has(name)) {
      const credential = this.aiModelCredential(call, file);
      if (credential === undefined) return false;
      facts.sensitive.push({ file, node: call, work: `calls \`${name}\` with \`${credential}\``, write: true, anchor: call });
      return true;
    }
    if (source && FS_MODULES.has(source) && FS_CALLS.test(name)) {
      facts.sensitive.push({ file, node: call, work: `accesses files with \`${dottedOf(callee, name)}\``, write: true, anchor: call });
      return true;
    }
    // `execSync('df -h').toString()`: the command is the inner call, visited on its own.
    if (source && EXEC_MODULES.has(source) && !(ts.isPropertyAccessExpression(callee) && ts.isCallExpression(unwrap(callee.expression)))) {
      facts.sensitive.push({ file, node: call, work: `runs commands with \`${dottedOf(callee, name)}\``, write: true, anchor: call });
      return true;
    }
    if (name === 'setnx' || name === 'setNX' || (name === 'set' && call.arguments.some(isNxOption))) {
      // `SET NX` answers whether the key was new; ignored, the answer stops no repeat.
      if (resultDecides(call)) facts.dedupe.push({ file, node: call });
      return true;
    }
    if (name === 'fetch' || HTTP_VERBS.has(name) || (mayBeHttpClient(callee, name) && HTTP_CLIENT.test(dottedOf(callee, name)))) {
      // Asking a CAPTCHA service whether the caller is human spends nothing and reveals nothing.
      if (call.arguments[0] && CAPTCHA_VERIFY.test(call.arguments[0].getText(file.sf))) return true;
      if (this.exchangesOAuthCode(call, file)) {
        facts.auth.push({ file, node: call, via: 'the OAuth code exchange', anchor: call });
        return true;
      }
      const credential = call.arguments.map((a) => this.credentialThrough(a, file)).find(Boolean);
      if (credential) {
        if (!this.postsContactForm(call, file)) facts.sensitive.push({ file, node: call, work: `calls a third-party API with \`${credential}\``, write: true, anchor: call });
        return true;
      }
      return false;
    }
    return this.onClientCall(call, callee, name, file, facts);
  }

  /**
   * Firestore, Realtime Database, Auth, Messaging and Storage calls of Firebase's SDKs. A document
   * created under the event id (`.doc(event.id).create(...)`) fails on a repeat, as an insert does;
   * a look-up of one (`.doc(event.id).get()`) de-duplicates, as a query of the id does.
   */
  private onFirebaseCall(call: TS.CallExpression, callee: TS.Expression, name: string, file: SourceFileInfo, facts: Facts): boolean {
    const valueOf = this.valueOfId(file);
    const work = firebaseWork(call, callee, name, valueOf);
    if (work) {
      facts.sensitive.push({ file, node: call, work: work.work, write: work.write, anchor: call, model: work.table, append: work.append });
      if (work.insert) this.addInsertDedupe(call, work.insert.quiet, file, facts);
      else if (work.upsert && this.keyedByDelivery([chainOf(call)], file)) facts.dedupe.push({ file, node: call, idempotent: true });
      return true;
    }
    const key = firestoreLookupKey(call, callee, name, valueOf);
    if (key && this.keyedByDelivery([key], file)) facts.dedupe.push({ file, node: call });
    return false;
  }

  /**
   * An insert keyed by the event id (`db.insert(processed).values({ id: event.id })`, `INSERT INTO
   * deliveries VALUES ($1)` with the delivery id) fails on a repeat: a de-duplication, as a Prisma
   * `create` is. One that ignores the conflict, or whose failure a `catch` swallows, stops the
   * work only when its result is checked.
   */
  private addInsertDedupe(node: TS.CallExpression | TS.TaggedTemplateExpression, quiet: boolean, file: SourceFileInfo, facts: Facts): void {
    const whole = chainOf(node);
    if (!this.keyedByDelivery([whole], file)) return;
    const claims = (!quiet && !isSwallowed(whole)) || resultDecides(whole);
    facts.dedupe.push(claims ? { file, node } : { file, node, idempotent: true });
  }

  /**
   * Whether these expressions hold the webhook's delivery or event id: by name (`event.id`,
   * `deliveryId`), as a delivery header read in place (`req.headers.get('x-github-delivery')`), or
   * through a constant holding one (`const gh = event.headers['x-github-delivery']`).
   */
  private keyedByDelivery(nodes: readonly TS.Node[], file: SourceFileInfo): boolean {
    const texts = nodes.map((n) => n.getText(file.sf));
    if (texts.some((t) => DEDUPE_ARGUMENT.test(t) || DELIVERY_HEADER_TEXT.test(t))) return true;
    // Constants are followed only in files that read a delivery header at all.
    let reads = readsDeliveryHeader.get(file);
    if (reads === undefined) readsDeliveryHeader.set(file, (reads = DELIVERY_HEADER_TEXT.test(file.text)));
    if (!reads) return false;
    return nodes.some((n) =>
      someNode(n, (id) => {
        if (!ts.isIdentifier(id)) return false;
        const value = this.analysis.resolveValue(id, file);
        return value.node !== id && DELIVERY_HEADER_TEXT.test(value.node.getText(value.file.sf));
      }),
    );
  }

  /** For `queryWork`: the value an identifier holds in this file (a constant's SQL, a client's creation). */
  private valueOfId(file: SourceFileInfo): (id: TS.Identifier) => TS.Node {
    return (id) => (this.analysis.declares(file, id.text) ? this.analysis.resolveValue(id, file).node : id);
  }

  /** `new Map()`, `new Set()`, `new Keyv()`, an LRU cache: a store in memory, whatever it is called. */
  private isInMemoryStore(callee: TS.Expression, file: SourceFileInfo): boolean {
    const root = rootIdentifier(callee);
    if (!root || !this.analysis.declares(file, root.text)) return false;
    const value = this.analysis.resolveValue(root, file).node;
    return ts.isNewExpression(value) && IN_MEMORY_STORES.test(calleeName(value) ?? '');
  }

  /**
   * Which key the Supabase client a builder starts from was made with: `user` for the anon or
   * publishable key (the caller's session, row-level security applies), `admin` for the service
   * role or a secret key (it bypasses row-level security), undefined when fnscan cannot tell.
   * Followed through the project's `createClient()` helper (`utils/supabase/server`).
   */
  private supabaseScope(callee: TS.Expression, file: SourceFileInfo): 'user' | 'admin' | undefined {
    const root = rootIdentifier(callee);
    if (!root || !this.analysis.declares(file, root.text)) return undefined;
    // `async function updateTask(supabaseClient, id, task)`: a client handed in as a parameter is
    // one this module made, when every client it makes is made the same way.
    const declaration = this.analysis.declarationOf(root, file)?.node;
    if (declaration && ts.isParameter(declaration)) return this.moduleSupabaseScope(file);
    // `supabaseForRequest(req).from('notes')`: the client is made by the call in the chain.
    const calledInPlace = ts.isCallExpression(root.parent) && root.parent.expression === root;
    const value = calledInPlace ? { node: root.parent, file } : this.analysis.resolveValue(root, file);
    const made = ts.isExpression(value.node) ? unwrap(value.node) : value.node;
    if (!ts.isCallExpression(made)) return undefined;
    const creator = unwrap(made.expression);
    const helper = ts.isIdentifier(creator) ? this.functionFor(creator, value.file) : undefined;
    const text = helper ? helper.fn.getText(helper.file.sf) : made.arguments.map((a) => a.getText(value.file.sf)).join(' ');
    if (/service_?role|secret/i.test(text)) return 'admin';
    return /anon|publishable/i.test(text) ? 'user' : undefined;
  }

  /** The scope of every Supabase client a module makes (`createClient(...)`), if they all share one. */
  private moduleSupabaseScope(file: SourceFileInfo): 'user' | 'admin' | undefined {
    if (!file.text.includes('createClient')) return undefined;
    return this.analysis.memo('behaviour/supabase-module-scope', file, () => this.supabaseScopeOfModule(file));
  }

  private supabaseScopeOfModule(file: SourceFileInfo): 'user' | 'admin' | undefined {
    const scopes = new Set<string>();
    walk(file.sf, (n) => {
      if (ts.isCallExpression(n) && calleeName(n) === 'createClient') {
        const text = n.arguments.map((a) => a.getText(file.sf)).join(' ');
        scopes.add(/service_?role|secret/i.test(text) ? 'admin' : /anon|publishable/i.test(text) ? 'user' : 'unknown');
      }
      return undefined;
    });
    return scopes.size === 1 && !scopes.has('unknown') ? ([...scopes][0] as 'user' | 'admin') : undefined;
  }

  /** `stripe.refunds.create(...)` on a client built with a secret from the environment. */
  private onClientCall(call: TS.CallExpression, callee: TS.Expression, name: string, file: SourceFileInfo, facts: Facts): boolean {
    // `supabaseAdmin.auth.getUser(jwt)` checks a caller: it is no work, even on a client with a secret;
    // `supabaseAdmin.from('posts')` starts a query, judged by what it then does (a public read is none).
    if (AUTH_CALLS.has(name) || name === 'from' || name === 'select' || CONFIGURING_CALLS.has(name)) return false;
    // A dotted name with a dot: a static path (`a.b.c`), or an element key holding one.
    const pathed = ts.isPropertyAccessExpression(callee) ? isStaticPath(callee) : ts.isElementAccessExpression(callee) && dottedOf(callee, name).includes('.');
    if (!pathed) return false;
    const root = rootIdentifier(callee);
    if (!root) return false;
    // A global (`console`, `JSON`) has no client behind it.
    if (!this.analysis.declares(file, root.text)) return false;
    const value = this.analysis.resolveValue(root, file);
    const made = value.node;
    let credential: string | undefined;
    // `const sdk = require('pkg')`, `const cloudinary = require('cloudinary').v2`.
    const required = ts.isCallExpression(made) ? requiredSpecifier(made) !== undefined : ts.isPropertyAccessExpression(made) && requiredSpecifier(made.expression) !== undefined;
    if ((ts.isNewExpression(made) || ts.isCallExpression(made)) && !required) {
      // `const res = await fetch(url, { headers })`, then `res.json()`: the response, not a client; the
      // request itself is judged. `new Ratelimit({ redis })` (Upstash) only counts the caller's requests.
      if ((ts.isCallExpression(made) && calleeName(made) === 'fetch') || (ts.isNewExpression(made) && calleeName(made) === 'Ratelimit')) return false;
      credential = (made.arguments ?? []).map((a) => this.credentialThrough(a, value.file)).find(Boolean) ?? this.implicitCredential(made, value.file);
    } else if ((ts.isIdentifier(made) || required) && !LOCAL_SDK_CALLS.has(name) && !dottedOf(callee, name).includes('.utils.')) {
      // An import the analysis could not follow to a value, or `const sdk = require('...')` (in a lib module, maybe).
      const bound = ts.isIdentifier(made) ? made : ts.isVariableDeclaration(made.parent) && ts.isIdentifier(made.parent.name) ? made.parent.name : root;
      credential = this.configuredCredential(bound.text, value.file, 0);
    }
    if (!credential) return false;
    const request = requestThrough(call) ?? { node: call, named: dottedOf(callee, name) };
    facts.sensitive.push({ file, node: request.node, work: `calls \`${request.named}\` with \`${credential}\``, write: true, anchor: request.node });
    return true;
  }

  /** Anthropic's `client.messages.create(...)` asks a model, where Twilio's sends an SMS: judged as the client call it is. */
  private isModelClient(callee: TS.Expression, file: SourceFileInfo): boolean {
    const root = rootIdentifier(callee);
    const made = root && this.analysis.resolveValue(root, file);
    return made !== undefined && ts.isNewExpression(made.node) && this.packageOf(made.node.expression, made.file) === '@anthropic-ai/sdk';
  }

  /**
   * SDKs a module imports and hands a credential by a call, by their names there, with the
   * credential: `mailchimp.setConfig({ apiKey: process.env.MAILCHIMP_API_KEY })`, Cloudinary's
   * `cloudinary.config({ api_secret: ... })`. Their later calls are the API's, made with it.
   */
  private configuredSdks(file: SourceFileInfo): ReadonlyMap<string, string> {
    return this.analysis.memo('behaviour/configured-sdks', file, () => {
      if (!CONFIGURING_TEXT.test(file.text)) return NO_SDKS;
      const found = new Map<string, string>();
      walk(file.sf, (n) => {
        if (!ts.isCallExpression(n) || !CONFIGURING_CALLS.has(calleeName(n) ?? '')) return undefined;
        const root = rootIdentifier(n.expression);
        const source = root && this.analysis.importSource(file, root.text);
        if (!root || !source || !isPackageSpecifier(source.specifier) || found.has(root.text)) return undefined;
        // Cloudinary's settings hold a public `api_key` beside the `api_secret`: name the secret.
        const handed = n.arguments.flatMap((a) => {
          const options = unwrap(a);
          return ts.isObjectLiteralExpression(options) ? options.properties.map(propertyValue).filter((v) => v !== undefined) : [a];
        });
        const credentials = handed.map((h) => this.credentialThrough(h, file)).filter((c) => c !== undefined);
        const credential = credentials.find((c) => SECRET_NAMED.test(c)) ?? credentials[0];
        if (credential) found.set(root.text, credential);
        return undefined;
      });
      return found;
    });
  }

  /**
   * The key behind an AI SDK call's `model`: a provider package's default instance reads its own
   * variable (`openai('gpt-4o')`: `OPENAI_API_KEY`); one made by `createOpenAI({ apiKey })` holds
   * the key it was given, or reads the same variable when given none. Followed through constants
   * and imports (`model: chatModel` from src/lib/ai.ts).
   */
  private aiModelCredential(call: TS.CallExpression, file: SourceFileInfo): string | undefined {
    const first = call.arguments[0] && unwrap(call.arguments[0]);
    const options = first && ts.isIdentifier(first) ? this.analysis.resolveValue(first, file) : first && { node: first, file };
    if (!options || !ts.isObjectLiteralExpression(options.node)) return undefined;
    const written = propertyValue(objectProperty(options.node, 'model'));
    const model = written && this.analysis.resolveValue(written, options.file);
    if (!model || !ts.isCallExpression(model.node)) return undefined;
    const provider = unwrap(model.node.expression);
    const implicit = AI_SDK_PROVIDERS.get(this.packageOf(provider, model.file) ?? '');
    if (implicit) return `process.env.${implicit}`;
    // `const openrouter = createOpenAI({ apiKey: process.env.OPENROUTER_API_KEY, baseURL })`.
    const root = rootIdentifier(provider);
    const made = root && this.analysis.resolveValue(root, model.file);
    if (!made || !ts.isCallExpression(made.node)) return undefined;
    const env = AI_SDK_PROVIDERS.get(this.packageOf(made.node.expression, made.file) ?? '');
    if (!env) return undefined;
    const settings = made.node.arguments[0] && unwrap(made.node.arguments[0]);
    const apiKey = settings && ts.isObjectLiteralExpression(settings) ? propertyValue(objectProperty(settings, 'apiKey')) : undefined;
    return apiKey ? this.credentialThrough(apiKey, made.file) : `process.env.${env}`;
  }

  /**
   * The credential an SDK was configured with, where `name` names the SDK module in `file`:
   * configured there, or in the project module the name comes from, followed through imports,
   * re-exports (`export { cloudinary } from './cloudinary'` in a barrel) and CommonJS
   * (`const mailchimp = require('./utils/mailchimp')` of a module ending `module.exports = mailchimp`).
   */
  private configuredCredential(name: string, file: SourceFileInfo, hops: number): string | undefined {
    const here = this.configuredSdks(file).get(name);
    if (here !== undefined || hops > MAX_SDK_HOPS) return here;
    const imported = this.analysis.importedBinding(file, name) ?? this.requiredModule(file, name);
    for (const next of imported ? [imported] : this.reexportsOf(file, name)) {
      // A module's default export, `export default mailchimp` or `module.exports = mailchimp`, names its binding there.
      const exported = next.name === 'default' ? this.analysis.exportedDeclaration(next.module, 'default') : undefined;
      const local = exported ? unwrap(exported.node as TS.Expression) : undefined;
      const found = exported
        ? local && ts.isIdentifier(local) ? this.configuredCredential(local.text, exported.file, hops + 1) : undefined
        : this.configuredCredential(next.name, next.module, hops + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** `const name = require('./module')`: that module's default export (what `module.exports` holds). */
  private requiredModule(file: SourceFileInfo, name: string): { module: SourceFileInfo; name: string } | undefined {
    const declared = this.analysis.localDeclaration(file, name)?.node;
    const specifier = declared && ts.isVariableDeclaration(declared) && declared.initializer ? requiredSpecifier(declared.initializer) : undefined;
    const module = specifier === undefined ? undefined : this.analysis.importedModule(file, specifier);
    return module ? { module, name: 'default' } : undefined;
  }

  /** Where `name` may come from in a barrel: `export { name } from './module'`, or any `export * from './module'`. */
  private reexportsOf(file: SourceFileInfo, name: string): { module: SourceFileInfo; name: string }[] {
    const found: { module: SourceFileInfo; name: string }[] = [];
    for (const statement of file.sf.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
      const clause = statement.exportClause;
      const element = clause && ts.isNamedExports(clause) ? clause.elements.find((e) => e.name.text === name) : undefined;
      if (clause && !element) continue;
      const specifier = stringLiteralValue(statement.moduleSpecifier);
      const module = specifier === undefined ? undefined : this.analysis.importedModule(file, specifier);
      if (module) found.push({ module, name: (element?.propertyName ?? element?.name)?.text ?? name });
    }
    return found;
  }

  /**
   * A paid API's client that reads its key from the environment by itself: `new OpenAI()`
   * (`OPENAI_API_KEY`), `new Anthropic()`. Given an `apiKey` option, the option says which key it
   * holds, and that is judged as written.
   */
  private implicitCredential(made: TS.NewExpression | TS.CallExpression, file: SourceFileInfo): string | undefined {
    const pkg = this.packageOf(made.expression, file);
    const implicit = pkg === undefined ? undefined : IMPLICIT_CREDENTIALS.get(pkg);
    if (!implicit) return undefined;
    if (!ts.isNewExpression(made) || !implicit.made.includes(calleeName(made) ?? '')) return undefined;
    const options = made.arguments?.[0] && unwrap(made.arguments[0]);
    if (options && (!ts.isObjectLiteralExpression(options) || implicit.keys.some((key) => objectProperty(options, key)))) return undefined;
    return `process.env.${implicit.env}`;
  }

  /** A call of a project helper whose body compares something with a credential from the environment (`timingSafeEqual(given, expected)`). */
  private comparesCredential(call: TS.CallExpression, file: SourceFileInfo): boolean {
    const target = this.resolveCallee(call, file);
    if (!target?.fn.body) return false;
    const body = target.fn.body;
    return someNode(
      body,
      (n) => {
        const sides = ts.isBinaryExpression(n) && comparisonKinds().has(n.operatorToken.kind) ? [n.left, n.right] : ts.isCallExpression(n) && CONSTANT_TIME_COMPARES.has(calleeName(n) ?? '') ? n.arguments : undefined;
        return sides !== undefined && sides.some((side) => this.credentialThrough(side, target.file) !== undefined);
      },
      (n) => n !== body && isFunctionLike(n),
    );
  }

  /**
   * A contact form: `sendMail({ to: 'support@acme.com', replyTo: email, text: message })` with
   * `{ email, message } = req.body`. Every recipient (`to`, `cc`, `bcc`) is written in the code or
   * the environment, so the caller cannot point the message at anyone else, and the message
   * carries what the caller sent, which is what the endpoint is for. A fixed message to a fixed
   * address (a digest a cron route sends) is still work: the caller only decides when it goes.
   */
  private relaysToFixedRecipients(call: TS.CallExpression, file: SourceFileInfo): boolean {
    const first = call.arguments[0] && unwrap(call.arguments[0]);
    const options = first && ts.isIdentifier(first) ? this.analysis.resolveValue(first, file).node : first;
    return options !== undefined && this.mailsFixedRecipients(options, call, file);
  }

  /**
   * The same contact form posted to a mail API over HTTP: `fetch('https://api.resend.com/emails',
   * { body: JSON.stringify({ to: env.SUPPORT_EMAIL, reply_to: email, text: message }) })`.
   */
  private postsContactForm(call: TS.CallExpression, file: SourceFileInfo): boolean {
    const [url, init] = call.arguments;
    if (!url || !init || !MAIL_API.test(url.getText(file.sf))) return false;
    const options = unwrap(init);
    const body = ts.isObjectLiteralExpression(options) ? propertyValue(objectProperty(options, 'body')) : undefined;
    const json = body && unwrap(body);
    const mail = json && ts.isCallExpression(json) && dottedName(unwrap(json.expression)) === 'JSON.stringify' && json.arguments[0] ? unwrap(json.arguments[0]) : undefined;
    return mail !== undefined && this.mailsFixedRecipients(mail, call, file);
  }

  private mailsFixedRecipients(options: TS.Node, call: TS.CallExpression, file: SourceFileInfo): boolean {
    if (!ts.isObjectLiteralExpression(options)) return false;
    // Postmark writes `To`, `Cc` and `Bcc`.
    const recipients = options.properties.filter((p) => RECIPIENT_KEYS.has((p.name ? propertyKeyName(p.name) ?? '' : '').toLowerCase()));
    if (!recipients.some((p) => (p.name ? propertyKeyName(p.name) ?? '' : '').toLowerCase() === 'to')) return false;
    const fn = enclosingBody(call);
    const fixed = recipients.every((property) => {
      const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      // `const to = ['support@acme.dev']; to.push(email)`: a list the handler adds to is no fixed one.
      return value !== undefined && this.isFixedAddress(value, file, 0) && !(fn !== undefined && ts.isIdentifier(unwrap(value)) && addsTo(fn, (unwrap(value) as TS.Identifier).text));
    });
    return fixed && carriesCallerText(options, call);
  }

  private isFixedAddress(expr: TS.Expression, file: SourceFileInfo, depth: number): boolean {
    const node = unwrap(expr);
    if (stringLiteralValue(node) !== undefined || envReadName(node) !== undefined) return true;
    if (depth > 3) return false;
    if (ts.isArrayLiteralExpression(node)) return node.elements.length > 0 && node.elements.every((e) => !ts.isSpreadElement(e) && this.isFixedAddress(e, file, depth + 1));
    // `team === 'sales' ? TEAMS.sales : TEAMS.support`, `process.env.SUPPORT_EMAIL ?? 'help@acme.dev'`.
    if (ts.isConditionalExpression(node)) return this.isFixedAddress(node.whenTrue, file, depth + 1) && this.isFixedAddress(node.whenFalse, file, depth + 1);
    if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.BarBarToken || node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
      return this.isFixedAddress(node.left, file, depth + 1) && this.isFixedAddress(node.right, file, depth + 1);
    }
    // `TEAM_INBOXES[department]`: one of the addresses a constant map holds.
    if (ts.isElementAccessExpression(node)) {
      const base = this.analysis.resolveValue(unwrap(node.expression), file);
      return ts.isObjectLiteralExpression(base.node) && base.node.properties.length > 0 &&
        base.node.properties.every((p) => ts.isPropertyAssignment(p) && this.isFixedAddress(p.initializer, base.file, depth + 1));
    }
    // `siteConfig.contactEmail` of a constant object, here or imported.
    if (ts.isPropertyAccessExpression(node)) {
      const base = this.analysis.resolveValue(unwrap(node.expression), file);
      const value = ts.isObjectLiteralExpression(base.node) ? propertyValue(objectProperty(base.node, node.name.text)) : undefined;
      return value !== undefined && this.isFixedAddress(value, base.file, depth + 1);
    }
    if (!ts.isIdentifier(node)) return false;
    const value = this.analysis.resolveValue(node, file);
    return value.node !== node && ts.isExpression(value.node) && this.isFixedAddress(value.node, value.file, depth + 1);
  }

  /** The S3 command a presigned URL is made for, when its `Key` comes from the request. */
  private presignedForCallerKey(call: TS.CallExpression, file: SourceFileInfo): { command: string; write: boolean } | undefined {
    const arg = call.arguments[1] && unwrap(call.arguments[1]);
    const made = arg && ts.isIdentifier(arg) ? this.analysis.resolveValue(arg, file).node : arg;
    if (!made || !ts.isNewExpression(made)) return undefined;
    const command = calleeName(made);
    const options = made.arguments?.[0] && unwrap(made.arguments[0]);
    const key = options && ts.isObjectLiteralExpression(options) ? propertyValue(objectProperty(options, 'Key')) : undefined;
    const fn = enclosingBody(call);
    if (!command || !key || !fn || !fromTheRequest(key, fn) || madeUnique(key, fn)) return undefined;
    return { command, write: !/^(?:Get|Head)Object/.test(command) };
  }

  /** A project helper that asks a CAPTCHA service (`verifyTurnstile(token)`), by what it calls. */
  private verifiesCaptcha(call: TS.CallExpression, file: SourceFileInfo): boolean {
    const helper = this.resolveCallee(call, file);
    return helper !== undefined && CAPTCHA_VERIFY.test(helper.fn.getText());
  }

  /**
   * `fetch('https://github.com/login/oauth/access_token', { body: JSON.stringify({ client_id, client_secret, code }) })`:
   * an OAuth callback trading the code the provider gave the caller's browser for the caller's
   * token. The provider vouches for the caller (a wrong code gets no token), so the exchange is the
   * login, as in Redwood's OAuth recipe. The URL and the form may be held in constants or set on a
   * URL object (`url.searchParams.set('code', code)`); the code must come from the request (its
   * query, parameters or body), not from the database or the environment.
   */
  private exchangesOAuthCode(call: TS.CallExpression, file: SourceFileInfo): boolean {
    const parts: TS.Node[] = [];
    let looked = 0;
    for (const arg of call.arguments) {
      parts.push(arg);
      someNode(
        arg,
        (n) => {
          if (!ts.isIdentifier(n) || !isValueIdentifier(n) || looked++ > MAX_NAMES_FOLLOWED) return false;
          const value = this.analysis.resolveValue(n, file);
          if (value.node !== n && value.file === file) parts.push(value.node);
          return false;
        },
        isFunctionLike,
      );
    }
    const text = parts.map((p) => p.getText(file.sf)).join('\n');
    if (!OAUTH_TOKEN_URL.test(text) && !text.includes('authorization_code')) return false;
    // `url.searchParams.set('code', code)` on the URL object requested.
    const fn = enclosingBody(call);
    const url = call.arguments[0] && unwrap(call.arguments[0]);
    if (fn && url && ts.isIdentifier(url)) {
      walk(fn, (n) => {
        if (ts.isCallExpression(n) && n.arguments.length === 2 && dottedName(unwrap(n.expression))?.startsWith(`${url.text}.searchParams.`)) parts.push(n);
        return undefined;
      });
    }
    return parts.some((part) => someNode(part, (n) => {
      const code = codeValue(n);
      return code !== undefined && fn !== undefined && fromTheRequest(code, fn);
    }));
  }

  /**
   * `credentialIn`, also through the constants the expression names: `const key =
   * process.env.STRIPE_SECRET_KEY`, then `` `Bearer ${key}` `` or `new Stripe(key)`.
   */
  private credentialThrough(expr: TS.Expression, file: SourceFileInfo, depth = 0): string | undefined {
    const direct = credentialIn(expr, file);
    if (direct !== undefined) return direct;
    let found: string | undefined;
    let looked = 0;
    someNode(
      expr,
      (n) => {
        if (!ts.isIdentifier(n) || looked++ > MAX_NAMES_FOLLOWED) return false;
        const parent = n.parent;
        // A property's name (`headers.Authorization`, `{ Authorization: ... }`) is no value.
        if ((ts.isPropertyAccessExpression(parent) && parent.name === n) || (ts.isPropertyAssignment(parent) && parent.name === n)) return false;
        const value = this.analysis.resolveValue(n, file);
        if (value.node === n || !ts.isExpression(value.node)) return false;
        // Two constants deep: `const want = Buffer.from(expected)`, `const expected = process.env.SERVICE_KEY`.
        found = depth === 0 ? this.credentialThrough(value.node, value.file, 1) : credentialIn(value.node, value.file);
        return found !== undefined;
      },
      isFunctionLike,
    );
    return found;
  }

  private verifyKind(call: TS.CallExpression, file: SourceFileInfo, source: string | undefined): 'svix' | 'octokit' | 'jwt' | 'resend' | undefined {
    if (source === '@octokit/webhooks-methods') return 'octokit';
    if (source === 'jsonwebtoken') return 'jwt';
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const receiver = unwrap(callee.expression);
    const receiverName = dottedName(receiver) ?? '';
    if (/(^|\.)jwt$|jsonwebtoken/i.test(receiverName)) return 'jwt';
    if (/resend\.webhooks$/i.test(receiverName)) return 'resend';
    const root = rootIdentifier(receiver);
    const rootSource = root ? this.analysis.importSource(file, root.text)?.specifier : undefined;
    if (rootSource === 'jsonwebtoken') return 'jwt';
    let value: { node: TS.Node; file: SourceFileInfo } = ts.isIdentifier(receiver) ? this.analysis.resolveValue(receiver, file) : { node: receiver, file };
    // `const wh = makeWebhook(); wh.verify(...)`: the instance a project factory returns.
    if (ts.isCallExpression(value.node)) value = this.factoryProduct(value.node, value.file) ?? value;
    if (ts.isNewExpression(value.node)) {
      const klass = this.packageOf(value.node.expression, value.file);
      if (klass === 'svix' || klass === 'standardwebhooks') return 'svix';
      if (klass === '@octokit/webhooks') return 'octokit';
    }
    return undefined;
  }

  /** What a project function called here returns when it builds one object: `return new Webhook(secret)`. */
  private factoryProduct(call: TS.CallExpression, file: SourceFileInfo): { node: TS.Node; file: SourceFileInfo } | undefined {
    const target = this.resolveCallee(call, file);
    const body = target?.fn.body;
    if (!target || !body) return undefined;
    if (!ts.isBlock(body)) return ts.isNewExpression(unwrap(body)) ? { node: unwrap(body), file: target.file } : undefined;
    const returned = body.statements.find((st): st is TS.ReturnStatement => ts.isReturnStatement(st) && st.expression !== undefined);
    const product = returned?.expression && unwrap(returned.expression);
    return product && ts.isNewExpression(product) ? { node: product, file: target.file } : undefined;
  }

  private redwoodVerify(call: TS.CallExpression, name: string, file: SourceFileInfo): VerifyFact {
    const typeArg = call.arguments[0];
    const options = call.arguments[1] && unwrap(call.arguments[1]);
    const verifyOptions = options && ts.isObjectLiteralExpression(options) ? propertyValue(objectProperty(options, 'options')) : undefined;
    // `options: VERIFY_OPTIONS`, a constant object here or in a helper module.
    const resolvedOptions = verifyOptions && this.analysis.resolveValue(verifyOptions, file);
    const opts = resolvedOptions?.node;
    const optsFile = resolvedOptions?.file ?? file;
    const type = typeArg ? this.analysis.stringValue(typeArg, file)?.value : undefined;
    const via = `\`${name}('${type ?? '…'}')\``;
    let broken: BrokenReason | undefined;
    if (type === 'skipVerifier') broken = 'skipVerifier';
    else if (type === undefined && typeArg && this.isEnvDerived(typeArg, file)) broken = 'envVerifierType';
    else if (isSwallowed(call)) broken = 'swallowed';
    let replay: 'window' | 'none' = type === TIME_CHECKING_REDWOOD_VERIFIER ? 'window' : 'none';
    let replayNote: string | undefined;
    if (opts && ts.isObjectLiteralExpression(opts) && objectProperty(opts, 'eventTimestamp')) replay = 'window';
    const tolerance = opts && ts.isObjectLiteralExpression(opts) ? propertyValue(objectProperty(opts, 'tolerance')) : undefined;
    const ms = tolerance ? this.numberOf(tolerance, optsFile) : undefined;
    if (replay === 'window' && ms !== undefined && ms > MAX_TOLERANCE_MS) {
      replay = 'none';
      replayNote = `a tolerance of ${Math.round(ms / 60000)} minutes`;
    }
    const node = broken === 'skipVerifier' && typeArg ? typeArg : call;
    return { file, node, via, replay, replayNote, broken };
  }

  private stripeVerify(call: TS.CallExpression, name: string, file: SourceFileInfo): VerifyFact {
    const toleranceArg = call.arguments[3];
    const seconds = toleranceArg ? this.numberOf(toleranceArg, file) : undefined;
    let replay: 'window' | 'none' = 'window';
    let replayNote: string | undefined;
    if (seconds !== undefined && (seconds <= 0 || seconds > MAX_TOLERANCE_MS / 1000)) {
      replay = 'none';
      replayNote = seconds <= 0 ? `a tolerance of ${seconds} seconds (it turns the check off)` : `a tolerance of ${Math.round(seconds / 60)} minutes`;
    }
    // `constructEventAsync` rejects on a bad signature: not awaited (nor returned), the rejection is lost.
    const lost = name === 'constructEventAsync' && !awaitedOrReturned(call);
    return { file, node: call, via: `Stripe \`${name}\``, replay, replayNote, broken: lost ? 'unawaitedRejection' : isSwallowed(call) ? 'swallowed' : undefined };
  }

  /** A number written as arithmetic on literals and constants (`ONE_DAY`, `24 * HOUR_MS`), here or in other modules. */
  private numberOf(expr: TS.Expression, file: SourceFileInfo, depth = 0): number | undefined {
    const node = unwrap(expr);
    if (ts.isNumericLiteral(node)) return Number(node.text.replace(/_/g, ''));
    if (depth > 8) return undefined;
    if (ts.isIdentifier(node)) {
      const value = this.analysis.resolveValue(node, file);
      return value.node === node ? undefined : this.numberOf(value.node, value.file, depth + 1);
    }
    if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
      const inner = this.numberOf(node.operand, file, depth + 1);
      return inner === undefined ? undefined : -inner;
    }
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      if (op !== ts.SyntaxKind.AsteriskToken && op !== ts.SyntaxKind.PlusToken && op !== ts.SyntaxKind.MinusToken && op !== ts.SyntaxKind.SlashToken) return undefined;
      const l = this.numberOf(node.left, file, depth + 1);
      const r = l === undefined ? undefined : this.numberOf(node.right, file, depth + 1);
      if (l === undefined || r === undefined) return undefined;
      if (op === ts.SyntaxKind.AsteriskToken) return l * r;
      if (op === ts.SyntaxKind.PlusToken) return l + r;
      if (op === ts.SyntaxKind.MinusToken) return l - r;
      return r === 0 ? undefined : l / r;
    }
    return undefined;
  }

  private isEnvDerived(expr: TS.Expression, file: SourceFileInfo): boolean {
    const value = this.analysis.resolveValue(expr, file).node;
    if (envReadName(value) !== undefined) return true;
    if (ts.isBinaryExpression(value)) return envReadName(value.left) !== undefined || envReadName(value.right) !== undefined;
    if (ts.isConditionalExpression(value)) return /process\.env/.test(value.getText());
    return false;
  }

  private packageOf(expr: TS.Expression, file: SourceFileInfo): string | undefined {
    const root = rootIdentifier(expr);
    if (!root) return undefined;
    const source = this.analysis.importSource(file, root.text);
    return source && isPackageSpecifier(source.specifier) ? source.specifier : undefined;
  }
}

/** The AI SDK's calls (package `ai`) that run a model. */
const AI_SDK_CALLS: ReadonlySet<string> = new Set(['generateText', 'streamText', 'generateObject', 'streamObject', 'embed', 'embedMany', 'generateImage']);
/** AI SDK provider packages, with the variable each default instance (and each `create…()` given no `apiKey`) reads its key from. */
const AI_SDK_PROVIDERS: ReadonlyMap<string, string> = new Map([
  ['@ai-sdk/openai', 'OPENAI_API_KEY'],
  ['@ai-sdk/anthropic', 'ANTHROPIC_API_KEY'],
  ['@ai-sdk/google', 'GOOGLE_GENERATIVE_AI_API_KEY'],
  ['@ai-sdk/mistral', 'MISTRAL_API_KEY'],
  ['@ai-sdk/groq', 'GROQ_API_KEY'],
]);

/** Calls that hand an SDK module its settings (`setConfig`, Cloudinary's `config`): no work themselves. */
const CONFIGURING_CALLS: ReadonlySet<string> = new Set(['setConfig', 'config', 'configure']);
const CONFIGURING_TEXT = /\b(?:setConfig|config|configure)\(/;
const NO_SDKS: ReadonlyMap<string, string> = new Map();
/** How many modules a configured SDK is followed through: the endpoint, a barrel, a lib module and one more. */
const MAX_SDK_HOPS = 3;
const SECRET_NAMED = /SECRET|TOKEN|PASSWORD|PRIVATE/i;
/**
 * Calls of a configured SDK that build a value locally instead of calling its API: Cloudinary's
 * delivery URLs and tags; its `utils` (`cloudinary.utils.api_sign_request`) are tested by path.
 */
const LOCAL_SDK_CALLS: ReadonlySet<string> = new Set(['url', 'image', 'video']);

/** SDK clients that take their key from the environment when given none of the options (`keys`) that hand one over. */
const IMPLICIT_CREDENTIALS: ReadonlyMap<string, { made: readonly string[]; env: string; keys: readonly string[] }> = new Map([
  ['openai', { made: ['OpenAI'], env: 'OPENAI_API_KEY', keys: ['apiKey'] }],
  ['@anthropic-ai/sdk', { made: ['Anthropic'], env: 'ANTHROPIC_API_KEY', keys: ['apiKey'] }],
  ['@langchain/openai', { made: ['ChatOpenAI', 'OpenAIEmbeddings', 'OpenAI'], env: 'OPENAI_API_KEY', keys: ['apiKey', 'openAIApiKey'] }],
  ['@langchain/anthropic', { made: ['ChatAnthropic'], env: 'ANTHROPIC_API_KEY', keys: ['apiKey', 'anthropicApiKey'] }],
  ['replicate', { made: ['Replicate'], env: 'REPLICATE_API_TOKEN', keys: ['auth'] }],
]);

/** `db.user.create`, `prisma.$queryRaw`, `ctx.client.post.update`: the client, the model or raw operation, the operation. */
/** Prisma clients as projects call them (`tx` inside `$transaction`), and Drizzle's model-less `db.delete(t)`. */
const PRISMA_CALL = /^(?:.*\.)?(db|prisma|prismadb|database|client|tx)\.(\$?\w+)(?:\.(\w+))?$/;
const PRISMA_CLIENT_HINT = /(?:db|prisma|database|client|tx)\./;
const HTTP_CLIENT = /^(axios|got|ky)(\.|$)/;
const HTTP_CLIENT_NAMES = new Set(['axios', 'got', 'ky']);
/** Every operation `PRISMA_CALL` can lead to: the last segment of the dotted name. */
const PRISMA_OPERATIONS: ReadonlySet<string> = new Set([...PRISMA_WRITES, ...PRISMA_READS]);
/** The last segments `MESSAGE_SDK_CALLS` accepts. */
/** Supabase Storage's calls on a bucket that change files or hand out access to them. */
const SUPABASE_STORAGE_CALLS = new Set(['upload', 'update', 'remove', 'move', 'copy', 'createSignedUrl', 'createSignedUrls', 'createSignedUploadUrl', 'uploadToSignedUrl']);

/** `x.storage.from('bucket')`. */
function isStorageBucket(expr: TS.Expression): boolean {
  if (!ts.isCallExpression(expr) || calleeName(expr) !== 'from') return false;
  const callee = unwrap(expr.expression);
  return ts.isPropertyAccessExpression(callee) && lastName(unwrap(callee.expression)) === 'storage';
}

/** Supabase's `auth.admin` calls (service role only). */
const SUPABASE_ADMIN_CALLS = new Set(['createUser', 'deleteUser', 'updateUserById', 'inviteUserByEmail', 'generateLink', 'listUsers', 'getUserById', 'signOut']);
const MESSAGE_SDK_LAST_NAMES = new Set(['create', 'send', 'sendMultiple', 'sendEmailWithTemplate']);
const HTTP_VERBS = new Set(['post', 'put', 'patch', 'delete', 'request']);
const HEADERS_NAME = /^headers$/i;
const HEADERS_PATH = /(^|\.)headers$/i;

/** Writes that succeed whether or not the id was seen before. */
const NOT_DEDUPING_WRITES = new Set(['upsert', 'update', 'updateMany', 'set', 'hset', 'put']);

/** Redis `SET ... NX`: `'NX'` (ioredis), `{ NX: true }` (node-redis), `{ nx: true }` (Upstash). */
function isNxOption(arg: TS.Expression): boolean {
  const node = unwrap(arg);
  if (stringLiteralValue(node)?.toUpperCase() === 'NX') return true;
  if (!ts.isObjectLiteralExpression(node)) return false;
  const nx = objectProperty(node, 'NX') ?? objectProperty(node, 'nx');
  const value = propertyValue(nx);
  return value !== undefined && unwrap(value).kind === ts.SyntaxKind.TrueKeyword;
}

/** The id of a delivery, or BigCommerce's `hash` of its payload (the same for a resent event). */
const DEDUPE_ARGUMENT = /\b(?:event|evt|webhookEvent|payload|body|msg|message|notification)\.(?:id|hash)\b|\b\w*(?:eventId|EventId|deliveryId|DeliveryId|webhookId|WebhookId|idempotencyKey|IdempotencyKey|messageId|svixId|MessageSid|SmsSid)\b/;


/** What `onWorkCall`'s tests read as the callee's dotted name: `db.user.create`, or the name when there is none. */
function dottedOf(callee: TS.Expression, name: string): string {
  return dottedName(callee) ?? name;
}

/** Whether `dottedName` gives a name for the node: identifiers, `this`, property and literal-key element accesses. */
function isStaticPath(node: TS.Expression): boolean {
  let current: TS.Expression = node;
  for (;;) {
    if (ts.isIdentifier(current) || current.kind === ts.SyntaxKind.ThisKeyword) return true;
    if (ts.isElementAccessExpression(current)) {
      if (stringLiteralValue(current.argumentExpression) === undefined) return false;
      current = current.expression;
    } else if (ts.isPropertyAccessExpression(current) || ts.isParenthesizedExpression(current) || ts.isNonNullExpression(current) || ts.isAsExpression(current)) {
      current = current.expression;
    } else {
      return false;
    }
  }
}

/** `db.user.create` as [client, model, operation] (or [client, operation] for raw calls), when it reads like Prisma. */
/** `writes to \`db.user\`` (or `prisma.user`, as the client is called); without a model, Drizzle's `db.delete(users)` names its table, else the database. */
function modelWrite(client: string, model: string | undefined, call: TS.CallExpression): string {
  if (model) return `writes to \`${client}.${model}\``;
  const table = call.arguments[0] && unwrap(call.arguments[0]);
  return table && ts.isIdentifier(table) ? `writes to the \`${table.text}\` table` : 'writes to the database';
}

function prismaCall(dotted: string): RegExpExecArray | null {
  // The pattern's own necessary condition first: the pattern backtracks over names that hold no client.
  return PRISMA_CLIENT_HINT.test(dotted) ? PRISMA_CALL.exec(dotted) : null;
}

/** A necessary condition for `HTTP_CLIENT` to match the dotted name: its first segment, or the name, is a client. */
function mayBeHttpClient(callee: TS.Expression, name: string): boolean {
  return HTTP_CLIENT_NAMES.has(name) || HTTP_CLIENT_NAMES.has(rootIdentifier(callee)?.text ?? '');
}

function asFunction(node: TS.Node, file: SourceFileInfo): { fn: FunctionLike; file: SourceFileInfo } | undefined {
  if (isFunctionLike(node)) return { fn: node, file };
  if (ts.isVariableDeclaration(node) && node.initializer) {
    const init = unwrap(node.initializer);
    if (isFunctionLike(init)) return { fn: init, file };
  }
  if (ts.isExpression(node)) {
    const expr = unwrap(node);
    if (isFunctionLike(expr)) return { fn: expr, file };
  }
  return undefined;
}

/** Function expressions stored for later or nested declarations: they run only when called. */
function isDeferredFunction(node: TS.Node): boolean {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isClassDeclaration(node)) return true;
  return (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && isStoredFunction(node);
}

/** `useRequireAuth({ handlerFn: async () => ... })`: the handler a wrapper builds. */
function isHandlerFnOption(node: TS.Node): boolean {
  const prop = node.parent;
  return prop !== undefined && ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && prop.name.text === 'handlerFn';
}

/** A function expression stored for later (`const f = () => ...`, `{ f: () => ... }`), not run where it stands. */
function isStoredFunction(node: TS.Node): boolean {
  const K = syntaxKinds();
  const parent = node.parent?.kind;
  return parent === K.VariableDeclaration || parent === K.PropertyAssignment;
}

export function rootIdentifier(expr: TS.Expression): TS.Identifier | undefined {
  let current: TS.Expression = unwrap(expr);
  for (;;) {
    if (ts.isIdentifier(current)) return current;
    if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = unwrap(current.expression);
    else if (ts.isCallExpression(current)) current = unwrap(current.expression);
    else return undefined;
  }
}

/** The lower-cased header name an access reads: `event.headers['x-a']`, `headers.authorization`, `req.headers.get('x-a')`. */
export function headerRead(node: TS.Node): string | undefined {
  if (ts.isElementAccessExpression(node)) {
    const key = stringLiteralValue(node.argumentExpression);
    if (key && namesHeaders(node.expression)) return key.toLowerCase();
  }
  if (ts.isPropertyAccessExpression(node)) {
    const isCallee = ts.isCallExpression(node.parent);
    if (!isCallee && namesHeaders(node.expression)) return node.name.text.toLowerCase();
    // req.headers.get('x-a') / headers.get('x-a') / headers().get('x-a') from next/headers
    if (node.name.text === 'get' && isCallee) {
      // (`(await headers()).get('x-a')` in Next.js 15, where `headers()` is async.)
      let holder: TS.Expression = node.expression;
      while (ts.isParenthesizedExpression(holder) || ts.isAwaitExpression(holder)) holder = holder.expression;
      const fromHeadersCall = ts.isCallExpression(holder) && calleeName(holder) === 'headers';
      const key = (fromHeadersCall || namesHeaders(node.expression) || isExpressRequest(node.expression)) && node.parent.arguments[0] && stringLiteralValue(node.parent.arguments[0]);
      if (key) return key.toLowerCase();
    }
    // Hono's `c.req.header('x-a')`, Express's `req.header('x-a')`.
    if (node.name.text === 'header' && isCallee && node.parent.arguments.length === 1 && /(^|\.)req$/.test(dottedName(node.expression) ?? '')) {
      const key = stringLiteralValue(node.parent.arguments[0]);
      if (key) return key.toLowerCase();
    }
  }
  return undefined;
}

/** The header a value reads, as written in it (`event.headers['x-tenant-id']?.trim()`). */
function headerIn(value: TS.Node): string | undefined {
  let header: string | undefined;
  someNode(value, (n) => (header = headerRead(n)) !== undefined, isFunctionLike);
  return header;
}

/** Express's request by its usual name: `req.get('stripe-signature')` reads a header. */
function isExpressRequest(expr: TS.Expression): boolean {
  const holder = unwrap(expr);
  return ts.isIdentifier(holder) && holder.text === 'req';
}

/** `req.json()`, `request.text()`: a fetch-style request's body read (the last name checked first). */
function readsRequestBody(callee: TS.Expression): boolean {
  return !ts.isIdentifier(callee) && /(^|\.)(req|request)\.(text|json|formData|arrayBuffer|blob)$/.test(dottedName(callee) ?? '');
}

const BODY_READERS = new Set(['text', 'json', 'formData', 'arrayBuffer', 'blob']);

/** `headers`, `req.headers`, `event['headers']`: a static path whose last name is `headers`. */
function namesHeaders(expr: TS.Expression): boolean {
  const holder = unwrap(expr);
  // The last name first, so that most expressions need no dotted name built.
  const last = ts.isIdentifier(holder)
    ? holder.text
    : ts.isPropertyAccessExpression(holder)
      ? holder.name.text
      : ts.isElementAccessExpression(holder)
        ? stringLiteralValue(holder.argumentExpression)
        : undefined;
  return last !== undefined && HEADERS_NAME.test(last) && HEADERS_PATH.test(dottedName(holder) ?? '');
}

/**
 * The read of a credential from the environment in `expr`, as written: `process.env.X_TOKEN`,
 * `Netlify.env.get('X_TOKEN')` (edge functions, Deno), Cloudflare's bindings `env.X_TOKEN`,
 * `c.env.X_TOKEN`, `context.env.X_TOKEN` (not Vite's `import.meta.env`, which ships to browsers).
 */
function credentialIn(expr: TS.Expression, file: SourceFileInfo): string | undefined {
  const text = expr.getText(file.sf);
  if (!text.includes('env.')) return undefined;
  for (const match of text.matchAll(CREDENTIAL_READ)) {
    const name = match[1] ?? match[3] ?? match[4];
    if (CREDENTIAL_ENV.test(name) && !NAMES_ABOUT_A_CREDENTIAL.test(name) && !PUBLIC_ENV.test(name)) return match[0];
  }
  return undefined;
}

/**
 * A secret a handler must not answer with: a credential, or a connection string, whose URL holds
 * the database's password (`DATABASE_URL`).
 */
function answeredSecretIn(expr: TS.Expression, file: SourceFileInfo): string | undefined {
  const credential = credentialIn(expr, file);
  if (credential !== undefined) return credential;
  const text = expr.getText(file.sf);
  for (const match of text.matchAll(CREDENTIAL_READ)) {
    if (CONNECTION_STRING_ENV.test(match[1] ?? match[3] ?? match[4])) return match[0];
  }
  return undefined;
}

/** Connection strings with the password in them: Prisma's `DATABASE_URL`, Vercel Postgres, MongoDB, Redis. */
const CONNECTION_STRING_ENV = /^(?:DATABASE_URL|DIRECT_URL|SHADOW_DATABASE_URL|POSTGRES_(?:PRISMA_)?URL(?:_NON_POOLING)?|MONGO(?:DB)?_(?:URI|URL)|REDIS_URL|MYSQL_URL|(?:PG|DATABASE)_CONNECTION_STRING)$/;

/** `AUTH0_DOMAIN`, `NEXTAUTH_URL`, `AUTH_CLIENT_ID`: where a credential is used, or whose it is, not the credential. */
const NAMES_ABOUT_A_CREDENTIAL = /_(?:URL|URI|DOMAIN|HOST|ID|NAME|REGION|ISSUER|AUDIENCE)$/i;

const CREDENTIAL_READ = /process\.env\.([A-Za-z0-9_]+)|(?:Netlify|Deno)\.env\.get\(\s*(['"])([A-Za-z0-9_]+)\2\s*\)|(?<![\w$.])(?:(?:c|ctx|context|this)\.)?env\.([A-Z][A-Z0-9_]*)/g;

function enclosingBody(node: TS.Node): TS.Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current;
  }
  return undefined;
}

/** Is this a `return { statusCode: 401 }`, `new Response(..., { status: 403 })`, `res.status(401)`-style refusal? */
export function isRejectingResponse(expr: TS.Expression, codes = /^(40[013]|429)$/): boolean {
  const inner = unwrap(expr);
  const code = writtenStatus(inner) ?? honoStatus(inner) ?? helperStatus(inner) ?? constantStatus(inner);
  return code !== undefined && codes.test(code);
}

/** An answer kept in a constant of the file: `const unauthorized = { statusCode: 401, body: '...' }`, then `return unauthorized`. */
function constantStatus(expr: TS.Expression): string | undefined {
  const value = ts.isIdentifier(expr) ? topLevelInitializer(expr.getSourceFile(), expr.text) : undefined;
  return value && ts.isObjectLiteralExpression(value) ? writtenStatus(value) : undefined;
}

/** A status written in an answer: `{ statusCode: 401 }`, `{ status: 403 }`, `res.status(401)`, `res.sendStatus(403)`. */
function writtenStatus(answer: TS.Expression): string | undefined {
  const match = /\b(?:statusCode|status)\s*:\s*(\d{3})\b|\.status\((\d{3})\)|\bsendStatus\((\d{3})\)/.exec(answer.getText());
  return match?.[1] ?? match?.[2] ?? match?.[3];
}

/** A helper named for the refusal it answers: `return unauthorized()`, `forbiddenResponse()`. */
const REFUSAL_HELPER = /^(?:unauthori[sz]ed|unauthenticated|notAuthori[sz]ed|notAuthenticated|forbidden|accessDenied)(?:Response|Reply|Result)?$/i;

/**
 * The status a response helper answers with: one handed the status (`respond(401, { error })`,
 * `json(403, ...)`, `errorResponse('no', 401)`), one named for it (`unauthorized()`), or a
 * function of the same file that answers with one (`const deny = () => ({ statusCode: 401 })`).
 */
function helperStatus(expr: TS.Expression): string | undefined {
  if (!ts.isCallExpression(expr)) return undefined;
  // A function of the file or an import, not a method: `text.slice(0, 400)` answers nothing.
  const callee = unwrap(expr.expression);
  if (!ts.isIdentifier(callee)) return undefined;
  for (const arg of expr.arguments) {
    const value = unwrap(arg);
    if (ts.isNumericLiteral(value) && /^[1-5]\d\d$/.test(value.text)) return value.text;
  }
  if (REFUSAL_HELPER.test(callee.text)) return /forbidden|denied/i.test(callee.text) ? '403' : '401';
  const helper = topLevelFunction(expr.getSourceFile(), callee.text);
  if (!helper?.body) return undefined;
  let status: string | undefined;
  // Its own answers only, not a nested function's, nor another helper's in turn.
  const answers = ts.isBlock(helper.body) ? [] : [helper.body];
  walk(helper.body, (n) => {
    if (isFunctionLike(n)) return false;
    if (ts.isReturnStatement(n) && n.expression) answers.push(n.expression);
    return undefined;
  });
  for (const answer of answers) status ??= writtenStatus(unwrap(answer));
  return status;
}

/** A function declared at the top of the file under this name: `function deny() {}` or `const deny = () => ...`. */
function topLevelFunction(sf: TS.SourceFile, name: string): FunctionLike | undefined {
  const declared = sf.statements.find((s): s is TS.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name);
  if (declared) return declared;
  const init = topLevelInitializer(sf, name);
  return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
}

/** What a `const` (or `let`) declared at the top of the file under this name is initialised with. */
function topLevelInitializer(sf: TS.SourceFile, name: string): TS.Expression | undefined {
  for (const statement of sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer) return unwrap(d.initializer);
    }
  }
  return undefined;
}

/** Hono's context answers with the status second: `c.json({ error }, 401)`, `c.text('Forbidden', 403)`. */
const HONO_RESPONSES = new Set(['json', 'text', 'body', 'html', 'newResponse']);

function honoStatus(expr: TS.Expression): string | undefined {
  if (!ts.isCallExpression(expr) || expr.arguments.length < 2) return undefined;
  const callee = unwrap(expr.expression);
  if (!ts.isPropertyAccessExpression(callee) || !HONO_RESPONSES.has(callee.name.text)) return undefined;
  const status = unwrap(expr.arguments[1]);
  return ts.isNumericLiteral(status) ? status.text : undefined;
}

/**
 * Whether a comparison decides a refusal: `if (given !== secret) return new Response('no', { status: 405 })`.
 * The test's own branch answers a 4xx, redirects or throws, or its branch returns and a refusal
 * follows it; the comparison may be held in a constant first (`const ok = given === secret`).
 * A comparison that decides nothing (its result only logged) keeps nobody out, whatever else
 * the function refuses.
 */
function decidesClientError(node: TS.Node): boolean {
  let current: TS.Node = node;
  while (current.parent && (ts.isPrefixUnaryExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || ts.isBinaryExpression(current.parent))) current = current.parent;
  const parent = current.parent;
  if (parent && ts.isConditionalExpression(parent) && parent.condition === current) return [parent.whenTrue, parent.whenFalse].some((branch) => isRefusingAnswer(branch));
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === current && ts.isIdentifier(parent.name) && isConstDeclaration(parent)) {
    const name = parent.name.text;
    const fn = enclosingBody(parent);
    return fn !== undefined && someNode(fn, (n) => ts.isIdentifier(n) && n.text === name && n !== parent.name && n.pos > parent.end && decidesClientError(n), (n) => n !== fn && isFunctionLike(n));
  }
  if (!parent || !ts.isIfStatement(parent) || parent.expression !== current) return false;
  if ([parent.thenStatement, parent.elseStatement].some((branch) => branch !== undefined && someNode(branch, isRefusal, isFunctionLike))) return true;
  // `if (given === secret) { ...; return ok } return { statusCode: 401 }`.
  const block = parent.parent;
  if (parent.elseStatement || !returnsOrThrows(parent.thenStatement) || !ts.isBlock(block)) return false;
  const next = block.statements[block.statements.indexOf(parent) + 1];
  return next !== undefined && someNode(next, isRefusal, isFunctionLike);
}

/** A throw, a 4xx answer that stops the function, or a redirect (to a login page, most often). */
function isRefusal(n: TS.Node): boolean {
  return ts.isThrowStatement(n) ||
    (ts.isReturnStatement(n) && n.expression !== undefined && isRefusingAnswer(n.expression)) ||
    (ts.isCallExpression(n) && /\.status\(4\d\d\)|sendStatus\(4\d\d\)|\.redirect\(/.test(n.getText()) && !fallsThrough(n));
}

function isRefusingAnswer(expr: TS.Expression): boolean {
  return isRejectingResponse(expr, /^(?:4\d\d|30[1237])$/) || /\.redirect\(/.test(unwrap(expr).getText());
}

/** Whether the function a comparison is made in can refuse the caller: by throwing, or answering 401/403 (Express's `res.status(401)` too). */
export function refusesAround(node: TS.Node): boolean {
  return functionRejects(node, true);
}

/** Whether the enclosing function has a path that refuses the caller (a 401/403 return or a throw). */
function functionRejects(node: TS.Node, authOnly: boolean): boolean {
  const fn = enclosingBody(node);
  if (!fn) return false;
  const statuses = authOnly ? AUTH_STATUSES : CLIENT_ERROR_STATUSES;
  return someNode(fn, (n) => isRejection(n, statuses), (n) => n !== fn && isFunctionLike(n) && isDeferredFunction(n));
}

const AUTH_STATUSES = /^(401|403)$/;
const CLIENT_ERROR_STATUSES = /^(40[013]|429)$/;

/** A `throw`, an answer with one of `statuses`, or Express's `res.status(401)` that does not fall through. */
function isRejection(n: TS.Node, statuses: RegExp): boolean {
  return ts.isThrowStatement(n) ||
    (ts.isReturnStatement(n) && n.expression !== undefined && isRejectingResponse(n.expression, statuses)) ||
    (ts.isCallExpression(n) && /\.status\((401|403)\)/.test(n.getText()) && !fallsThrough(n));
}

/**
 * `const key = headers['x-api-key']; if (key && key !== expected) return 403`: every 401/403 or
 * `throw` of the function is answered only when a credential is there, so a request without one
 * is refused nowhere.
 */
function refusesOnlyWithCredential(read: TS.Node): boolean {
  const fn = enclosingBody(read);
  if (!fn) return false;
  let refusals = 0;
  const unconditional = someNode(fn, (n) => {
    if (!isRejection(n, AUTH_STATUSES)) return false;
    refusals++;
    // Answered only when a credential is there: inside a branch that runs only then, or by an `if` that needs it.
    for (let current: TS.Node = n; current.parent && current.parent !== fn; current = current.parent) {
      const parent = current.parent;
      if (ts.isIfStatement(parent) && parent.thenStatement === current && (refusingIfNeedsCredential(parent) || testsNamingHeaderPresence(parent.expression, fn))) return false;
      const condition = gatingCondition(parent, current);
      if (condition && credentialsTested(condition, [current])) return false;
    }
    return true;
  }, (n) => n !== fn && isFunctionLike(n) && isDeferredFunction(n));
  return refusals > 0 && !unconditional;
}

/** Mail APIs whose JSON body names the recipients at its top (`to`, Postmark's `To`): Resend, Postmark. */
const MAIL_API = /api\.resend\.com\/emails|api\.postmarkapp\.com\/email/;

/** `'HMAC'` or `{ name: 'HMAC' }`: Web Crypto's algorithm argument for a keyed hash. */
function isHmacAlgorithm(arg: TS.Expression | undefined): boolean {
  return algorithmName(arg) === 'HMAC';
}

/** Web Crypto's algorithm argument, upper-cased: `'HMAC'`, `{ name: 'Ed25519' }`. */
function algorithmName(arg: TS.Expression | undefined): string | undefined {
  if (!arg) return undefined;
  const a = unwrap(arg);
  if (ts.isObjectLiteralExpression(a)) {
    const name = propertyValue(objectProperty(a, 'name'));
    return name === undefined ? undefined : stringLiteralValue(name)?.toUpperCase();
  }
  return stringLiteralValue(a)?.toUpperCase();
}

/**
 * A read used nowhere but in the condition it is written in, and there only for presence or
 * shape: `if (!c.req.header('authorization'))`, `if (!request.headers.get('authorization')?.startsWith('Bearer '))`.
 */
function onlyTestedInPlace(read: TS.Node): boolean {
  let current = read;
  for (;;) {
    const parent = current.parent;
    if (!parent) return false;
    if (ts.isIfStatement(parent)) return parent.expression === current;
    if (ts.isParenthesizedExpression(parent) || (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken)) {
      current = parent;
    } else if (ts.isBinaryExpression(parent) && (parent.operatorToken.kind === ts.SyntaxKind.BarBarToken || parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)) {
      current = parent;
    } else if (ts.isPropertyAccessExpression(parent) && parent.expression === current && ts.isCallExpression(parent.parent) && parent.parent.expression === parent && isShapeTest(parent.parent, parent)) {
      current = parent.parent;
    } else {
      return false;
    }
  }
}

/**
 * `createClient(url, anonKey, { global: { headers: { Authorization: req.headers.get('Authorization') } } })`:
 * the caller's header handed on to a Supabase client checks nothing by itself; what the client
 * then does (`auth.getUser()`, row-level security) decides.
 */
function forwardedToClient(read: TS.Node): boolean {
  for (let current: TS.Node = read; current.parent; current = current.parent) {
    const parent = current.parent;
    if (ts.isCallExpression(parent)) {
      if (parent.expression === current) continue;
      return SUPABASE_CLIENT_MAKERS.has(calleeName(parent) ?? '');
    }
    if (!(ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) || ts.isObjectLiteralExpression(parent) || ts.isNonNullExpression(parent) ||
      ts.isAsExpression(parent) || ts.isParenthesizedExpression(parent) || ts.isBinaryExpression(parent) || ts.isTemplateSpan(parent) || ts.isTemplateExpression(parent))) return false;
  }
  return false;
}

const SUPABASE_CLIENT_MAKERS = new Set(['createClient', 'createServerClient', 'createBrowserClient']);

/** `call.then(fn)`: the function the promise's value is handed to. */
function thenCallback(call: TS.CallExpression): FunctionLike | undefined {
  const access = call.parent;
  if (!access || !ts.isPropertyAccessExpression(access) || access.expression !== call || access.name.text !== 'then') return undefined;
  const chained = access.parent;
  const fn = chained && ts.isCallExpression(chained) && chained.expression === access && chained.arguments[0] ? unwrap(chained.arguments[0]) : undefined;
  return fn && isFunctionLike(fn) ? fn : undefined;
}

/** The caller's value as a bare name tested for presence: `session`, `user`, `context.currentUser`, `req.auth`, `token`. */
const CALLER_VALUE = /^(?:currentUser|user|session|auth|claims|token|decoded|payload)$/i;

/**
 * `if (token) { jwt.verify(token, key) }`, `if (req.headers.authorization) await requireAuth(req)`,
 * `token ? verify(token) : null`: a check made only when the request carries a credential lets a
 * request without one by. Such a check covers only its branch (what runs there, and in helpers
 * called there), unless the other branch refuses, an earlier test refused the credential's
 * absence, or what the check gives (or a flag set beside it) guards a refusal outside the branch.
 * A helper's summary keeps the narrowing, so `optionalAuth(event)` covers nothing of its caller.
 */
function narrowOptionalChecks(facts: Facts): void {
  const gates: Stretch[] = [];
  for (let i = 0; i < facts.auth.length; i++) {
    const auth = facts.auth[i];
    if (auth.onlyWithin || auth.swallowedIn) continue;
    // `if (key && key !== process.env.API_KEY) return 403`: a request without the key is never refused, so the check covers nothing.
    const skipped = HEADER_READ.test(auth.via) ? (refusesOnlyWithCredential(auth.node) ? enclosingBody(auth.node) : undefined) : refusalNeedsCredential(auth);
    const stretch = skipped ? { sf: skipped.getSourceFile(), pos: skipped.pos, end: skipped.pos } : credentialGate(auth);
    if (!stretch) continue;
    facts.auth[i] = { ...auth, onlyWithin: stretch, optional: true };
    if (!skipped) gates.push(stretch);
  }
  // `if (token) { const claims = verify(token); if (claims.role !== 'admin') return 403 }`: every
  // check inside such a branch runs only when the credential is there.
  if (gates.length === 0) return;
  for (let i = 0; i < facts.auth.length; i++) {
    const auth = facts.auth[i];
    if (auth.onlyWithin || auth.swallowedIn) continue;
    const gate = gates.find((g) => g.sf === auth.anchor.getSourceFile() && g.pos <= auth.anchor.pos && auth.anchor.end <= g.end);
    if (gate) facts.auth[i] = { ...auth, onlyWithin: gate, optional: true };
  }
  // `const idToken = req.headers.authorization?.split(' ')[1]`, then `if (idToken) verifyIdToken(idToken)`
  // in a `try` whose `catch` answers 401: the check of that header is known, and optional, so the
  // header's read with a refusal somewhere stands for no other check of it.
  for (let i = 0; i < facts.auth.length; i++) {
    const auth = facts.auth[i];
    if (auth.onlyWithin || auth.swallowedIn || !HEADER_READ.test(auth.via)) continue;
    const name = boundName(auth.node);
    const optional = name !== undefined && facts.auth.some((o) => o.optional && o.onlyWithin && o.onlyWithin.end > o.onlyWithin.pos && containsIdentifier(o.node, name));
    if (optional) facts.auth[i] = { ...auth, onlyWithin: { sf: auth.node.getSourceFile(), pos: auth.node.pos, end: auth.node.pos }, optional: true };
  }
}

/** The constant a read is kept in, reshaped or not: `const token = event.headers.authorization?.split(' ')[1]` gives `token`. */
function boundName(read: TS.Node): string | undefined {
  let current: TS.Node = read;
  while (current.parent && (ts.isPropertyAccessExpression(current.parent) || ts.isElementAccessExpression(current.parent) || ts.isParenthesizedExpression(current.parent) ||
    ts.isNonNullExpression(current.parent) || ts.isAsExpression(current.parent) || (ts.isCallExpression(current.parent) && current.parent.expression === current) ||
    (ts.isBinaryExpression(current.parent) && current.parent.left === current && isLiteralFallback(current.parent)))) {
    current = current.parent;
  }
  const parent = current.parent;
  return parent && ts.isVariableDeclaration(parent) && parent.initializer === current && ts.isIdentifier(parent.name) ? parent.name.text : undefined;
}

/** `if (key && key !== expected) return 403`, `if (token && !(await verify(token))) throw`: the refusal's `if`, when it refuses only a credential that is there. */
function refusalNeedsCredential(auth: Anchored<AuthFact>): TS.IfStatement | undefined {
  let current: TS.Node = auth.anchor;
  while (current.parent && (ts.isParenthesizedExpression(current.parent) || (ts.isBinaryExpression(current.parent) && current.parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken))) {
    current = current.parent;
  }
  const statement = ts.isIfStatement(auth.anchor) ? auth.anchor : current.parent;
  if (!statement || !ts.isIfStatement(statement) || (statement !== auth.anchor && statement.expression !== current)) return undefined;
  return refusingIfNeedsCredential(statement);
}

/** `!tenantId` where `const tenantId = event.headers['x-tenant-id']` in `fn`: a test that a naming header anyone sets is there. */
function testsNamingHeaderPresence(condition: TS.Expression, fn: TS.Node): boolean {
  const test = unwrap(condition);
  if (!ts.isPrefixUnaryExpression(test) || test.operator !== ts.SyntaxKind.ExclamationToken) return false;
  const operand = unwrap(test.operand);
  let header = headerRead(operand);
  if (header === undefined && ts.isIdentifier(operand)) {
    someNode(fn, (n) => ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === operand.text && n.initializer !== undefined && (header = headerIn(n.initializer)) !== undefined, (n) => n !== fn && isFunctionLike(n));
  }
  return header !== undefined && !CREDENTIAL_HEADER_NAME.test(header);
}

/** The `if`, when it refuses, and only when a credential tested for presence in its condition is there. */
function refusingIfNeedsCredential(statement: TS.IfStatement): TS.IfStatement | undefined {
  if (!returnsOrThrows(statement.thenStatement) && !refusesWithAuthStatus(statement.thenStatement)) return undefined;
  if (gatingCondition(statement, statement.thenStatement) === undefined) return undefined;
  // The credential tested for presence must be what another part of the condition, or the branch,
  // checks: `if (key && key !== expected)`, `if (header) { try { verify(header) } catch { return 401 } }`.
  const conjuncts = conjunctsOf(statement.expression);
  return conjuncts.some((c) => credentialsTested(c, [...conjuncts.filter((other) => other !== c), statement.thenStatement]) !== undefined) ? statement : undefined;
}

/** The branch a check sits in that runs only when the credential it checks is there (see `narrowOptionalChecks`). */
function credentialGate(auth: Anchored<AuthFact>): Stretch | undefined {
  let gate: { branch: TS.Node; owner: TS.Node; condition: TS.Expression; names: string[] } | undefined;
  let fn: TS.Node | undefined;
  const handed = auth.node.getSourceFile() === auth.anchor.getSourceFile() ? [auth.anchor, auth.node] : [auth.anchor];
  for (let current: TS.Node = auth.anchor; current.parent; current = current.parent) {
    const parent = current.parent;
    if (isFunctionLike(parent)) {
      fn = parent;
      break;
    }
    if (gate) continue;
    const condition = gatingCondition(parent, current);
    const names = condition && credentialsTested(condition, handed);
    if (condition && names) gate = { branch: current, owner: parent, condition, names };
  }
  if (!gate && fn) return passedWithoutCredential(auth.anchor, fn, handed);
  if (!gate || !fn) return undefined;
  const { branch, owner, condition, names } = gate;
  // `if (!token) return 401` before it: the branch runs for every request that gets there. (Not
  // when the branch tests the scheme, `header.startsWith('Bearer ')`, and the refusal only presence.)
  const scheme = condition.getText().includes('startsWith');
  const refusedBefore = someNode(fn, (n) => ts.isIfStatement(n) && n.end <= owner.pos && names.some((name) => testsNegatively(n.expression, name)) &&
    returnsOrThrows(n.thenStatement) && (!scheme || n.expression.getText().includes('startsWith')), (n) => n !== fn && isFunctionLike(n));
  if (refusedBefore) return undefined;
  // `const user = token ? verify(token) : null; if (!user) return 401`, `if (h) { claims = verify(h); ok = true } if (!ok) throw`.
  const results = [...namesGivenBy(auth.anchor), ...namesAssignedIn(branch)];
  const refusedAfter = results.length > 0 && someNode(fn, (n) => ts.isIfStatement(n) && !within(branch, n) && results.some((name) => containsIdentifier(n.expression, name)) && ifRefuses(n), (n) => n !== fn && isFunctionLike(n));
  return refusedAfter ? undefined : { sf: branch.getSourceFile(), pos: branch.pos, end: branch.end };
}

/**
 * `if (!token) return null`, `if (!header) return next()`, then the check: a function that lets a
 * request without the credential go on, refusing nothing, checks only the rest of itself. The
 * stretch after that exit, when the check sits there; a caller that tests the answer lifts it.
 */
function passedWithoutCredential(anchor: TS.Node, fn: TS.Node, handed: readonly TS.Node[]): Stretch | undefined {
  const body = (fn as FunctionLike).body;
  if (!body || !ts.isBlock(body)) return undefined;
  let statement: TS.Node = anchor;
  while (statement.parent && statement.parent !== body) statement = statement.parent;
  if (statement.parent !== body) return undefined;
  for (const earlier of body.statements) {
    if (earlier === statement) return undefined;
    if (!ts.isIfStatement(earlier) || earlier.elseStatement || !alwaysLeaves(earlier.thenStatement) || someNode(earlier.thenStatement, isRefusal, isFunctionLike) || refusesWithAuthStatus(earlier.thenStatement)) continue;
    const absent = absenceOperand(earlier.expression);
    if (absent && credentialsTested(absent, handed)) return { sf: body.getSourceFile(), pos: earlier.end, end: body.end };
  }
  return undefined;
}

/** `null` or `undefined`, as written. */
function isNullish(x: TS.Expression): boolean {
  return x.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(x) && x.text === 'undefined');
}

/** `!token`, `token == null`, `token === undefined`: the value a test of absence reads. */
function absenceOperand(condition: TS.Expression): TS.Expression | undefined {
  const e = unwrap(condition);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) return unwrap(e.operand);
  if (!ts.isBinaryExpression(e) || ![ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.EqualsEqualsEqualsToken].includes(e.operatorToken.kind)) return undefined;
  return isNullish(unwrap(e.right)) ? unwrap(e.left) : isNullish(unwrap(e.left)) ? unwrap(e.right) : undefined;
}

/**
 * The condition `branch`, a child of `parent`, runs under: `if (c) branch` (unless the `else`
 * always leaves or refuses), `if (!c) { ... } else branch` (unless the `then` does), `c ? branch : x`, `c && branch`.
 */
function gatingCondition(parent: TS.Node, branch: TS.Node): TS.Expression | undefined {
  if (ts.isIfStatement(parent)) {
    if (parent.thenStatement === branch) {
      const other = parent.elseStatement;
      return other === undefined || !alwaysRefuses(other) ? parent.expression : undefined;
    }
    const test = unwrap(parent.expression);
    if (parent.elseStatement !== branch || !ts.isPrefixUnaryExpression(test) || test.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
    return alwaysRefuses(parent.thenStatement) ? undefined : test.operand;
  }
  if (ts.isConditionalExpression(parent) && parent.whenTrue === branch) return parent.condition;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && parent.right === branch) return parent.left;
  return undefined;
}

/** Every path through the statement leaves the function, or answers 401/403 at its top level (Express's `res.status(401).json(...)`). */
function alwaysRefuses(statement: TS.Statement): boolean {
  if (alwaysLeaves(statement)) return true;
  const statements = ts.isBlock(statement) ? statement.statements : [statement];
  return statements.some((s) => ts.isExpressionStatement(s) && refusesWithAuthStatus(s));
}

/** Every path through the statement leaves the function: it ends in a `return` or `throw`, on each branch of an `if`. */
function alwaysLeaves(statement: TS.Statement): boolean {
  if (ts.isBlock(statement)) {
    const last = statement.statements[statement.statements.length - 1];
    return last !== undefined && alwaysLeaves(last);
  }
  if (ts.isIfStatement(statement)) return statement.elseStatement !== undefined && alwaysLeaves(statement.thenStatement) && alwaysLeaves(statement.elseStatement);
  return ts.isReturnStatement(statement) || ts.isThrowStatement(statement) || (ts.isExpressionStatement(statement) && returnsOrThrows(statement));
}

/**
 * The credentials a condition tests for presence, by the names the check reads them through: a
 * bare read, `!!x`, `typeof x === 'string'`, `x != null`, `x.startsWith('Bearer ')`. A credential
 * is a value one of `checks` is handed, not one from the environment (`if (secret) { ... }` is
 * the deployment's choice), or a credential header or cookie read in place (`''` as its name).
 */
function credentialsTested(condition: TS.Expression, checks: readonly TS.Node[]): string[] | undefined {
  const names: string[] = [];
  for (const conjunct of conjunctsOf(condition)) {
    const operand = presenceOperand(conjunct);
    if (operand === undefined) continue;
    if (ts.isIdentifier(operand)) {
      const name = operand.text;
      if (checks.some((check) => containsIdentifier(check, name)) && !fromEnvironment(operand)) names.push(name);
      continue;
    }
    const header = headerRead(operand);
    if ((header !== undefined && CREDENTIAL_HEADER_NAME.test(header)) || /(^|\.)cookies\.\w+$/.test(dottedName(operand) ?? '')) names.push('');
  }
  return names.length > 0 ? names : undefined;
}

/** `x`, `!!x`, `typeof x === 'string'`, `x !== undefined`, `x?.startsWith('Bearer ')`: the `x` a test of presence reads. */
function presenceOperand(conjunct: TS.Expression): TS.Expression | undefined {
  let e = unwrap(conjunct);
  while (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken && ts.isPrefixUnaryExpression(unwrap(e.operand))) {
    const inner = unwrap(e.operand) as TS.PrefixUnaryExpression;
    if (inner.operator !== ts.SyntaxKind.ExclamationToken) return undefined;
    e = unwrap(inner.operand);
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op !== ts.SyntaxKind.ExclamationEqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsToken && op !== ts.SyntaxKind.EqualsEqualsEqualsToken) return undefined;
    const left = unwrap(e.left);
    const right = unwrap(e.right);
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken) return ts.isTypeOfExpression(left) && ts.isStringLiteral(right) && right.text === 'string' ? unwrap(left.expression) : undefined;
    return isNullish(right) ? left : isNullish(left) ? right : undefined;
  }
  if (ts.isCallExpression(e)) {
    const callee = unwrap(e.expression);
    return ts.isPropertyAccessExpression(callee) && callee.name.text === 'startsWith' ? unwrap(callee.expression) : undefined;
  }
  return ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) ? e : undefined;
}

/** `const secret = process.env.CRON_SECRET`: a name whose declaration in its function reads the environment. */
function fromEnvironment(id: TS.Identifier): boolean {
  const fn = enclosingBody(id);
  if (!fn) return false;
  return someNode(fn, (n) => ts.isVariableDeclaration(n) && n.initializer !== undefined && boundIdentifiers(n.name).some((b) => b.text === id.text) && /\benv\b/.test(n.initializer.getText()), (n) => n !== fn && isFunctionLike(n));
}

/** The names a check's value is kept under: `const user = token ? verify(token) : null`, `claims = await verify(h)`, `const ok = sig && verify(sig)`. */
function namesGivenBy(anchor: TS.Node): string[] {
  let current: TS.Node = anchor;
  while (current.parent && (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) ||
    ts.isNonNullExpression(current.parent) || (ts.isConditionalExpression(current.parent) && current.parent.condition !== current) ||
    // `const isValid = signature && (await verifyKey(...))`
    (ts.isBinaryExpression(current.parent) && current.parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && current.parent.right === current))) {
    current = current.parent;
  }
  const parent = current.parent;
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === current) return boundIdentifiers(parent.name).map((id) => id.text);
  if (parent && ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === current && ts.isIdentifier(parent.left)) return [parent.left.text];
  return [];
}

/** The variables a branch assigns to (`ok = true`, `userId = claims.sub`). */
function namesAssignedIn(branch: TS.Node): string[] {
  const names: string[] = [];
  walk(branch, (n) => {
    if (isFunctionLike(n)) return false;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left)) names.push(n.left.text);
    return undefined;
  });
  return names;
}

/**
 * `if (session && session.user.role !== 'admin') return 403`, `if (context.currentUser && !hasRole('admin')) throw`:
 * a refusal in the `then` branch of a condition that first asks whether there is a caller at all
 * (a bare read of the caller's value, or of `name`) refuses nobody who is not signed in.
 */
function skipsAbsentCaller(statement: TS.IfStatement, name?: string): boolean {
  if (!returnsOrThrows(statement.thenStatement) && !refusesWithAuthStatus(statement.thenStatement)) return false;
  if (statement.elseStatement && returnsOrThrows(statement.elseStatement)) return false;
  // Alone or around the refusal, the test must name a caller (`user`, `session`, `request.auth`):
  // the value `name` is read into may be anything (`if (error) return null`).
  if (nestedUnderCallerTest(statement)) return true;
  // `if (user)` names the caller itself; `if (denied)` may stand for a test of one.
  const written = conjunctsOf(statement.expression);
  const operands = written.length === 1 && ts.isIdentifier(written[0]) && !testsCallerPresence(written[0]) ? expandedConjuncts(statement, written[0].text) : written;
  // `if (user) { if (!isAdmin(user)) return 403 }`, `if (user?.banned) return 403`: alone, the test refuses only a caller who is there.
  // (A branch that answers with work, `if (context.currentUser?.roles === 'admin') { ...; return 200 }`, guards that work instead.)
  if (operands.length < 2) return (testsCallerPresence(operands[0]) || optionallyRead(operands[0]) || optionalEqualsLiteral(operands[0])) && someNode(statement.thenStatement, isRefusal, isFunctionLike);
  return operands.some((o) => testsCallerPresence(o, name));
}

/** `session?.user?.role === 'banned'`: equal to a written value only when the caller is there. */
function optionalEqualsLiteral(operand: TS.Expression): boolean {
  const e = unwrap(operand);
  if (!ts.isBinaryExpression(e) || (e.operatorToken.kind !== ts.SyntaxKind.EqualsEqualsEqualsToken && e.operatorToken.kind !== ts.SyntaxKind.EqualsEqualsToken)) return false;
  const literal = (x: TS.Expression) => { const u = unwrap(x); return ts.isStringLiteralLike(u) || ts.isNumericLiteral(u) || u.kind === ts.SyntaxKind.TrueKeyword; };
  return (literal(e.right) && optionallyRead(unwrap(e.left))) || (literal(e.left) && optionallyRead(unwrap(e.right)));
}

/** `user?.app_metadata?.banned`, `context.currentUser?.banned`: a value read through a caller's value that may be absent. */
function optionallyRead(operand: TS.Expression): boolean {
  let current = operand;
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
    const base = unwrap(current.expression);
    if (current.questionDotToken && testsCallerPresence(base)) return true;
    current = base;
  }
  return false;
}

/** A bare read of the caller's value (or of `name`), or Redwood's `isAuthenticated()`: true only when someone is signed in. */
function testsCallerPresence(operand: TS.Expression, name?: string): boolean {
  if (ts.isCallExpression(operand)) return operand.arguments.length === 0 && ts.isIdentifier(operand.expression) && operand.expression.text === 'isAuthenticated';
  if (!ts.isIdentifier(operand) && !ts.isPropertyAccessExpression(operand)) return false;
  const read = dottedName(operand);
  if (read === undefined) return false;
  return (name !== undefined && (read === name || read.startsWith(`${name}.`))) || CALLER_VALUE.test(read.slice(read.lastIndexOf('.') + 1));
}

/**
 * `if (user) { if (!isAdmin(user)) return 403 }`: a refusal inside the branch of a test that
 * there is a caller at all, with no refusal for the other branch, lets a signed-out caller by.
 */
function nestedUnderCallerTest(statement: TS.IfStatement): boolean {
  for (let current: TS.Node = statement; current.parent && !isFunctionLike(current.parent); current = current.parent) {
    const outer = current.parent;
    if (!ts.isIfStatement(outer) || outer.thenStatement !== current) continue;
    if (outer.elseStatement && returnsOrThrows(outer.elseStatement)) return false;
    if (conjunctsOf(outer.expression).some((o) => testsCallerPresence(o))) return true;
  }
  return false;
}

/**
 * The operands of an `if`'s condition, a constant of its function standing for its own
 * (`const denied = user && !user.isAdmin; if (denied) ...` gives `user`, `!user.isAdmin`).
 */
function expandedConjuncts(statement: TS.IfStatement, name: string): TS.Expression[] {
  // The statements before the `if` in its blocks, out to the function: where such a constant is made.
  for (let current: TS.Node = statement; current.parent && !isFunctionLike(current); current = current.parent) {
    const block = current.parent;
    if (!ts.isBlock(block) && !ts.isSourceFile(block)) continue;
    for (const s of block.statements) {
      if (s === current) break;
      if (!ts.isVariableStatement(s)) continue;
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === name && d.initializer && isConstDeclaration(d)) return conjunctsOf(d.initializer);
      }
    }
  }
  return conjunctsOf(statement.expression);
}

/** The operands of a chain of `&&`: `a && (b && c)` gives `a`, `b`, `c`. */
function conjunctsOf(expr: TS.Expression): TS.Expression[] {
  const e = unwrap(expr);
  return ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken ? [...conjunctsOf(e.left), ...conjunctsOf(e.right)] : [e];
}

/**
 * `if (context.auth && !context.auth.token.admin) throw ...`: the condition the read is made in
 * tests that the caller is there before it refuses. `name` is the caller's value as read (`context.auth`).
 */
function refusesOnlyWhenPresent(node: TS.Node, name: string): boolean {
  let condition: TS.Node = node;
  // `if (context.currentUser?.banned) throw`: a read through `?.`, never negated nor compared, is
  // falsy for a signed-out caller.
  let optional = node.parent !== undefined && (ts.isPropertyAccessExpression(node.parent) || ts.isElementAccessExpression(node.parent)) && node.parent.questionDotToken !== undefined;
  while (condition.parent && !ts.isIfStatement(condition.parent) && !isFunctionLike(condition.parent) && !ts.isBlock(condition.parent)) {
    condition = condition.parent;
    if (ts.isPrefixUnaryExpression(condition) || (ts.isBinaryExpression(condition) && condition.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken)) optional = false;
  }
  const statement = condition.parent;
  if (statement === undefined || !ts.isIfStatement(statement) || statement.expression !== condition) return false;
  // (A branch with the work, `if (context.currentUser?.roles?.includes('admin')) { ...; return 200 }`, is guarded by the test.)
  if (optional && someNode(statement.thenStatement, isRefusal, isFunctionLike) && !(statement.elseStatement && returnsOrThrows(statement.elseStatement))) return true;
  return skipsAbsentCaller(statement, name);
}

/**
 * `const uid = request.auth.uid` (also `request.auth!.uid`, `const { uid } = request.auth`): a
 * property read through a value that may be absent, with no `?.`, throws when it is. Written at the
 * top of the function's body, outside any test of it, the code after it runs only when it is set.
 */
function throwsWhenAbsent(node: TS.Expression): boolean {
  let read: TS.Node = node;
  while (read.parent && (ts.isNonNullExpression(read.parent) || ts.isParenthesizedExpression(read.parent) || ts.isAsExpression(read.parent))) read = read.parent;
  const parent = read.parent;
  if (!parent) return false;
  let statement: TS.Node | undefined;
  if (ts.isVariableDeclaration(parent) && parent.initializer === read) {
    if (!ts.isObjectBindingPattern(parent.name)) return false;
    statement = parent;
  } else {
    if (!ts.isPropertyAccessExpression(parent) || parent.expression !== read || parent.questionDotToken) return false;
    for (let current: TS.Node = parent; current.parent && !statement; current = current.parent) {
      const up = current.parent;
      if (ts.isVariableDeclaration(up) || ts.isExpressionStatement(up)) statement = up;
      else if ((ts.isPropertyAccessExpression(up) || ts.isElementAccessExpression(up) || ts.isCallExpression(up)) && up.questionDotToken) return false;
      else if (!(ts.isPropertyAccessExpression(up) || ts.isElementAccessExpression(up) || ts.isCallExpression(up) || ts.isObjectLiteralExpression(up) ||
        ts.isPropertyAssignment(up) || ts.isShorthandPropertyAssignment(up) || ts.isAwaitExpression(up) || ts.isAsExpression(up) ||
        ts.isParenthesizedExpression(up) || ts.isNonNullExpression(up))) return false;
    }
  }
  // Up to the statement in the function's own body: not in a branch, a loop or a `try`.
  let current: TS.Node | undefined = statement;
  while (current && (ts.isVariableDeclaration(current) || ts.isVariableDeclarationList(current))) current = current.parent;
  const block = current?.parent;
  return block !== undefined && ts.isBlock(block) && block.parent !== undefined && isFunctionLike(block.parent);
}

/** A Passport callback `(err, user) => ...` that answers 401/403 (or throws) when no user was authenticated. */
function refusesWithoutUser(callback: FunctionLike): boolean {
  const user = callback.parameters[1]?.name;
  if (!user || !ts.isIdentifier(user)) return false;
  return someNode(callback.body ?? callback, (n) => ts.isIfStatement(n) && /^!\s*\w+$/.test(n.expression.getText()) && n.expression.getText().endsWith(user.text) && refusesWithAuthStatus(n.thenStatement), isFunctionLike);
}

/**
 * An Express answer (`res.status(401).json(...)`) does not stop the function: in an `if` branch
 * that neither returns nor throws, and with no `else`, what follows the `if` runs anyway
 * (`next()`, the work). Elsewhere it is taken to end the request.
 */
function fallsThrough(call: TS.Node): boolean {
  for (let current: TS.Node = call; current.parent; current = current.parent) {
    const parent = current.parent;
    if (isFunctionLike(parent)) return false;
    if (ts.isIfStatement(parent) && parent.thenStatement === current) {
      // `break` leaves the `case` (or the loop): what follows the `if` there does not run.
      return parent.elseStatement === undefined && !returnsOrThrows(current as TS.Statement) && !someNode(current, ts.isBreakStatement, isFunctionLike);
    }
  }
  return false;
}

/** The expression is a condition whose branch refuses the caller: `if (!context.currentUser) return 401`. */
function guardsRejection(node: TS.Node, acceptSwallowed = false): boolean {
  let current: TS.Node = node;
  while (current.parent && !isAssertionOf(current.parent, current) && (ts.isPrefixUnaryExpression(current.parent) || ts.isParenthesizedExpression(current.parent) ||
    ts.isBinaryExpression(current.parent) || ts.isAwaitExpression(current.parent) || ts.isPropertyAccessExpression(current.parent) ||
    ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent) ||
    // An argument of a call, or the method read on the value: `context.currentUser?.roles?.includes('admin')`.
    ts.isCallExpression(current.parent) && (current.parent.expression !== current || ts.isPropertyAccessExpression(current)))) {
    current = current.parent;
  }
  const parent = current.parent;
  if (parent && isAssertionOf(parent, current)) return true;
  if (parent && ts.isIfStatement(parent) && parent.expression === current) return ifRefuses(parent, acceptSwallowed) && !skipsAbsentCaller(parent);
  if (parent && ts.isVariableDeclaration(parent)) return boundIdentifiers(parent.name).some((id) => variableGuardsRejection(id, acceptSwallowed));
  if (parent && ts.isConditionalExpression(parent) && parent.condition === current) return answersRefusal(parent, current);
  if (parent && parent.kind === ts.SyntaxKind.SwitchStatement && (parent as TS.SwitchStatement).expression === current) return switchRefusesByDefault(parent as TS.SwitchStatement);
  return false;
}

/**
 * `switch (session?.user?.role) { case 'admin': break; default: return 403 }`: every value but the
 * ones named is refused, an absent caller's too (unless a case names an absent value).
 */
function switchRefusesByDefault(node: TS.SwitchStatement): boolean {
  const clauses = node.caseBlock.clauses;
  const fallback = clauses.find((c): c is TS.DefaultClause => ts.isDefaultClause(c));
  if (!fallback || !fallback.statements.some((st) => ts.isThrowStatement(st) || (ts.isReturnStatement(st) && refusesWithAuthStatus(st)) || (ts.isExpressionStatement(st) && refusesWithAuthStatus(st)))) return false;
  return !clauses.some((c) => ts.isCaseClause(c) && /^(?:null|undefined|false|''|"")$/.test(c.expression.getText()));
}

/** `!user` where `const user = session?.user` (or `session.user`) in the same function, `name` being `session`. */
function isTestOfAlias(condition: TS.Expression, name: string, fn: TS.Node): boolean {
  const test = unwrap(condition);
  const operand = ts.isPrefixUnaryExpression(test) && test.operator === ts.SyntaxKind.ExclamationToken ? unwrap(test.operand) : test;
  if (!ts.isIdentifier(operand)) return false;
  const alias = operand.text;
  return someNode(fn, (n) => {
    if (!ts.isVariableDeclaration(n) || !ts.isIdentifier(n.name) || n.name.text !== alias || !n.initializer) return false;
    const root = rootIdentifier(n.initializer);
    const value = unwrap(n.initializer);
    return root !== undefined && root.text === name && (ts.isPropertyAccessExpression(value) || ts.isElementAccessExpression(value));
  }, (n) => n !== fn && isFunctionLike(n));
}

/** `user`, `!user`: a bare test of the value named `name`. */
function isTestOf(condition: TS.Expression, name: string): boolean {
  const test = unwrap(condition);
  const operand = ts.isPrefixUnaryExpression(test) && test.operator === ts.SyntaxKind.ExclamationToken ? unwrap(test.operand) : test;
  return ts.isIdentifier(operand) && operand.text === name;
}

/**
 * `return !context.currentUser ? { statusCode: 401 } : null`, or that held in a constant the
 * function answers with (`const denied = ...; if (denied) return denied`): the branch a failed
 * test takes is a refusal, and the refusal is what the function answers.
 */
function answersRefusal(conditional: TS.ConditionalExpression, test: TS.Node): boolean {
  const failed = ts.isPrefixUnaryExpression(test) && test.operator === ts.SyntaxKind.ExclamationToken ? conditional.whenTrue : conditional.whenFalse;
  const refusal = isRejectingResponse(failed, /^(401|403)$/);
  // `const denied = !user ? true : !user.isAdmin; if (denied) return 403`: a flag that is set for an absent caller.
  if (!refusal && unwrap(failed).kind !== ts.SyntaxKind.TrueKeyword) return false;
  let current: TS.Node = conditional;
  while (current.parent && ts.isParenthesizedExpression(current.parent)) current = current.parent;
  const parent = current.parent;
  if (refusal && parent && (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === current))) return true;
  if (!parent || !ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name) || !isConstDeclaration(parent)) return false;
  const name = parent.name.text;
  const fn = enclosingBody(parent);
  return fn !== undefined && someNode(fn, (n) => ts.isIfStatement(n) && ts.isIdentifier(unwrap(n.expression)) && (unwrap(n.expression) as TS.Identifier).text === name &&
    someNode(n.thenStatement, (r) => refusal
      ? ts.isReturnStatement(r) && r.expression !== undefined && ts.isIdentifier(unwrap(r.expression)) && (unwrap(r.expression) as TS.Identifier).text === name
      : isRefusal(r), isFunctionLike), (n) => n !== fn && isFunctionLike(n));
}

/**
 * `const session = await auth(); if (session?.user) { ...work }`, `if (await isAdmin()) { ... }`:
 * the branch that runs only for a caller the check accepts, when the result is tested that way
 * (not negated, not compared with null) and refuses nobody.
 */
/**
 * A credential from the environment whose value `answer` gives away, as written: not one only
 * tested (`!!X`, `Boolean(X)`, `X ? 'configured' : 'missing'`, `X !== undefined`), measured
 * (`X?.length`) or typed (`typeof X`).
 */
function returnedCredential(answer: TS.Expression): string | undefined {
  const found: string[] = [];
  someNode(
    answer,
    (n) => {
      if (!ts.isExpression(n)) return false;
      const name = envReadName(n);
      if (name === undefined || PUBLIC_ENV.test(name) || !(CREDENTIAL_ENV.test(name) || CONNECTION_STRING_ENV.test(name)) || !valueFlowsTo(n, answer)) return false;
      const read = envReadText(n);
      if (read !== undefined) found.push(read);
      return false;
    },
    isFunctionLike,
  );
  // `{ apiKey: process.env.CLOUDINARY_API_KEY, apiSecret: process.env.CLOUDINARY_API_SECRET }`: name the secret.
  return found.find((read) => SECRET_NAMED.test(read)) ?? found[0];
}

function isEquality(op: TS.SyntaxKind): boolean {
  return op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
}

/** Comparison operators, read on first use (TypeScript loads lazily). */
let comparisons: ReadonlySet<TS.SyntaxKind> | undefined;
const comparisonKinds = (): ReadonlySet<TS.SyntaxKind> =>
  (comparisons ??= new Set([
    ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken,
    ts.SyntaxKind.ExclamationEqualsToken, ts.SyntaxKind.LessThanToken, ts.SyntaxKind.GreaterThanToken,
    ts.SyntaxKind.LessThanEqualsToken, ts.SyntaxKind.GreaterThanEqualsToken,
  ]));

/** `Response.json(process.env)`, `{ ...process.env }`: every variable of the server, secrets and all. */
function wholeEnvironment(answer: TS.Expression): string | undefined {
  const found = someNode(
    answer,
    (n) => {
      if (!ts.isPropertyAccessExpression(n) || n.name.text !== 'env' || !ts.isIdentifier(n.expression) || n.expression.text !== 'process') return false;
      const parent = n.parent;
      if (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) return false;
      // `Object.keys(process.env)` gives the names only.
      if (ts.isCallExpression(parent) && /^Object\.(?:keys)$/.test(dottedName(unwrap(parent.expression)) ?? '')) return false;
      return valueFlowsTo(n, answer) && passesThroughCalls(n, answer);
    },
    isFunctionLike,
  );
  return found ? 'process.env' : undefined;
}

/** Calls that hand back what they are given, encoded or wrapped: `Buffer.from(x)`, `btoa(x)`, `JSON.stringify(x)`, `Response.json(x)`. */
const PASS_THROUGH_CALLS = new Set(['from', 'btoa', 'stringify', 'String', 'encodeURIComponent', 'encode', 'json', 'send', 'text', 'end', 'assign', 'toString']);

/**
 * Whether `read` reaches `answer` through calls that give it back (`Buffer.from(key).toString('base64')`),
 * not as the argument of a call that answers something else (`getIronSession(cookies(), options)`).
 */
function passesThroughCalls(read: TS.Node, answer: TS.Node): boolean {
  for (let current = read; current !== answer && current.parent; current = current.parent) {
    const parent = current.parent;
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression !== current) {
      const name = calleeName(parent);
      if (ts.isCallExpression(parent) && !PASS_THROUGH_CALLS.has(name ?? '')) return false;
      if (ts.isNewExpression(parent) && name !== 'Response' && name !== 'NextResponse') return false;
    }
  }
  return true;
}

/** Whether the value of `read` (not a test or a measure of it) reaches `answer`. */
function valueFlowsTo(read: TS.Node, answer: TS.Node): boolean {
  for (let current = read; current !== answer && current.parent; current = current.parent) {
    const parent = current.parent;
    if (ts.isPrefixUnaryExpression(parent) || ts.isTypeOfExpression(parent)) return false;
    if (ts.isBinaryExpression(parent)) {
      const op = parent.operatorToken.kind;
      if (comparisonKinds().has(op)) return false;
      // `X && 'configured'` gives X only when it is empty.
      if (op === ts.SyntaxKind.AmpersandAmpersandToken && parent.left === current) return false;
    }
    if (ts.isConditionalExpression(parent) && parent.condition === current) return false;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === current && parent.name.text === 'length') return false;
    if (ts.isCallExpression(parent) && ts.isIdentifier(parent.expression) && parent.expression.text === 'Boolean') return false;
    // `jwt.verify(token, SECRET)`, `createHmac('sha256', SECRET)`: a key the call uses, and does not give back.
    if (ts.isCallExpression(parent) && parent.expression !== current && KEY_CONSUMERS.has(calleeName(parent) ?? '')) return false;
  }
  return true;
}

/** Calls that take a secret as the key of what they compute or check, and answer with something else (Cloudinary's `api_sign_request` a signature). */
const KEY_CONSUMERS = new Set(['verify', 'sign', 'jwtVerify', 'createHmac', 'createHash', 'compare', 'compareSync', 'timingSafeEqual', 'hash', 'hashSync', 'importKey', 'encrypt', 'decrypt', 'verifyEvent', 'verifySignature', 'constructEvent', 'constructEventAsync', 'api_sign_request', 'sign_request']);

/**
 * An Express middleware (`(req, res, next)`) whose every `next()` lies in `branch`: what runs
 * after it (the route) runs only on that branch.
 */
function passesOnOnlyWithin(node: TS.Node, branch: { pos: number; end: number }): boolean {
  const fn = enclosingFunction(node);
  const next = fn?.parameters[2]?.name;
  if (!fn?.body || !next || !ts.isIdentifier(next)) return false;
  let calls = 0;
  const outside = someNode(
    fn.body,
    (n) => {
      if (!ts.isCallExpression(n) || !ts.isIdentifier(n.expression) || n.expression.text !== next.text) return false;
      calls++;
      return n.pos < branch.pos || n.end > branch.end;
    },
    (n) => n !== fn.body && isFunctionLike(n),
  );
  return calls > 0 && !outside;
}

function positiveGuardBranch(call: TS.Expression): Stretch | undefined {
  const branch = positiveGuardNode(call);
  return branch && { sf: call.getSourceFile(), pos: branch.pos, end: branch.end };
}

function positiveGuardNode(call: TS.Expression): { pos: number; end: number } | undefined {
  let current: TS.Node = awaitedValue(call);
  while (current.parent && (ts.isParenthesizedExpression(current.parent) || (ts.isPropertyAccessExpression(current.parent) && current.parent.expression === current) ||
    (ts.isBinaryExpression(current.parent) && current.parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken))) {
    current = current.parent;
  }
  const parent = current.parent;
  if (parent && ts.isIfStatement(parent) && parent.expression === current) return parent.thenStatement;
  if (parent && ts.isConditionalExpression(parent) && parent.condition === current) return parent.whenTrue;
  if (parent && parent.kind === ts.SyntaxKind.SwitchStatement && (parent as TS.SwitchStatement).expression === current) return casesMatchingAValue(parent as TS.SwitchStatement);
  if (!parent || !ts.isVariableDeclaration(parent)) return undefined;
  const fn = enclosingBody(parent);
  if (!fn) return undefined;
  const names = boundIdentifiers(parent.name).map((id) => id.text);
  // One step of aliasing: `const user = session?.user`, then `if (user) { ... }`.
  someNode(fn, (n) => {
    if (ts.isVariableDeclaration(n) && n !== parent && n.initializer && names.some((name) => containsIdentifier(n.initializer!, name))) {
      names.push(...boundIdentifiers(n.name).map((id) => id.text));
    }
    return false;
  }, (n) => n !== fn && isFunctionLike(n));
  let branch: { pos: number; end: number } | undefined;
  someNode(fn, (n) => {
    // `if (session) {...}`, `session ? work : refuse`, `switch (session?.user?.role) { case 'admin': ... }`
    const test = ts.isIfStatement(n) ? n.expression : ts.isConditionalExpression(n) ? n.condition : n.kind === ts.SyntaxKind.SwitchStatement ? (n as TS.SwitchStatement).expression : undefined;
    if (!test || !names.some((name) => containsIdentifier(test, name))) return false;
    if (names.some((name) => testsNegatively(test, name))) return true;
    if (ts.isIfStatement(n)) branch = n.thenStatement;
    else if (ts.isConditionalExpression(n)) branch = n.whenTrue;
    else branch = casesMatchingAValue(n as TS.SwitchStatement);
    return true;
  }, (n) => n !== fn && isFunctionLike(n));
  return branch;
}

/**
 * The clauses of a `switch` that run only for a value (`case 'admin':`), as one node when they
 * sit together before any `default`: a caller without a session never reaches them.
 */
function casesMatchingAValue(node: TS.SwitchStatement): { pos: number; end: number } | undefined {
  const clauses = node.caseBlock.clauses;
  const cases = clauses.filter((c): c is TS.CaseClause => ts.isCaseClause(c));
  if (cases.length === 0 || cases.some((c) => /^(?:null|undefined|false|''|"")$/.test(c.expression.getText()))) return undefined;
  // A `default` only at the end: the cases before it run only for a value.
  const firstDefault = clauses.findIndex((c) => ts.isDefaultClause(c));
  if (firstDefault !== -1 && firstDefault !== clauses.length - 1) return undefined;
  return { pos: cases[0].pos, end: cases[cases.length - 1].end };
}

/** `!session`, `session === null`, `session == undefined`: the branch runs for a caller the check refused. */
function testsNegatively(expr: TS.Expression, name: string): boolean {
  return someNode(expr, (n) =>
    (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken && containsIdentifier(n.operand, name)) ||
    (ts.isBinaryExpression(n) && containsIdentifier(n, name) && /^[=!]==?$/.test(n.operatorToken.getText()) &&
      [n.left, n.right].some((side) => /^(?:null|undefined|false)$/.test(side.getText()))),
  );
}

/** The call's result, bound to a name, is tested by a field somewhere (`if (!session.isLoggedIn)`). */
function testsAField(call: TS.CallExpression): boolean {
  const parent = awaitedValue(call).parent;
  if (!parent || !ts.isVariableDeclaration(parent) || !ts.isIdentifier(parent.name)) return false;
  const name = parent.name.text;
  const fn = enclosingBody(parent);
  return fn !== undefined && someNode(fn, (n) => ts.isIfStatement(n) && someNode(n.expression, (e) => ts.isPropertyAccessExpression(e) && ts.isIdentifier(unwrap(e.expression)) && (unwrap(e.expression) as TS.Identifier).text === name));
}

/**
 * One of the `if`'s branches leaves the function: the refusal. With `acceptSwallowed`, also one
 * that a `catch` carrying on swallows (it still stops the rest of its `try`).
 */
function ifRefuses(node: TS.IfStatement, acceptSwallowed = false): boolean {
  return branchRefuses(node, node.thenStatement, acceptSwallowed) || (node.elseStatement !== undefined && branchRefuses(node, node.elseStatement, acceptSwallowed));
}

/** A refusal by throwing (`throw`, `redirect()`) inside a `try` whose `catch` carries on refuses nobody. */
function branchRefuses(node: TS.IfStatement, branch: TS.Statement, acceptSwallowed = false): boolean {
  if (!returnsOrThrows(branch)) return false;
  return acceptSwallowed || someNode(branch, ts.isReturnStatement, isFunctionLike) || !isSwallowed(node);
}

/** The `try` block around a node (in its own function) whose `catch` carries on. */
function swallowingTry(node: TS.Node): TS.Block | undefined {
  for (let current: TS.Node = node; current.parent; current = current.parent) {
    const parent = current.parent;
    if (isFunctionLike(parent)) return undefined;
    if (ts.isTryStatement(parent) && parent.tryBlock === current && parent.catchClause) {
      const recovery = parent.catchClause.block;
      // The catch refuses (`res.status(401).json(...)` in an Express middleware), records the
      // failure for a later refusal, or the try records the success (`valid = true`, then `if (!valid) return 401`).
      const recovers = !returnsOrThrows(recovery) && !setsGuardingFlag(recovery) && !refusesWithAuthStatus(recovery) && !setsGuardingFlag(parent.tryBlock) &&
        !(endsItsFunction(parent) && answersClientError(recovery));
      return recovers || returnsThePayload(recovery) ? parent.tryBlock : undefined;
    }
  }
  return undefined;
}

/**
 * Nothing of its function runs after the statement: it is the last of its block, and so is every
 * block or `if` around it up to the function's body (`if (req.method === 'POST') { try { ... } catch { ... } }`).
 */
function endsItsFunction(statement: TS.Statement): boolean {
  let current: TS.Node = statement;
  for (let parent = current.parent; parent; current = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent)) continue;
    if (!ts.isBlock(parent) || parent.statements[parent.statements.length - 1] !== current) return false;
    if (isFunctionLike(parent.parent)) return true;
  }
  return false;
}

/** `catch { res.status(400).end() }`: the catch answers a client error (Svix's and Stripe's guides answer 400). */
function answersClientError(block: TS.Block): boolean {
  return someNode(block, (n) => ts.isCallExpression(n) && /\.status\(4\d\d\)|sendStatus\(4\d\d\)/.test(n.getText()), isFunctionLike);
}

/** `assert(hasRole('admin'))`, `invariant(user, 'no user')`, `assert.ok(x)`: throws unless the value holds. */
function isAssertionOf(parent: TS.Node, value: TS.Node): boolean {
  return ts.isCallExpression(parent) && parent.arguments[0] === value && /^(?:assert\w*|invariant|ok|strict)$/.test(calleeName(parent) ?? '');
}

/** `const { data: { user } } = ...` binds `user`. */
function boundIdentifiers(name: TS.BindingName): TS.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : boundIdentifiers(el.name)));
}

function variableGuardsRejection(name: TS.Identifier, acceptSwallowed = false): boolean {
  const fn = enclosingBody(name);
  if (!fn) return false;
  return someNode(
    fn,
    (n) =>
      (ts.isIfStatement(n) && containsIdentifier(n.expression, name.text) && ifRefuses(n, acceptSwallowed) && !skipsAbsentCaller(n, name.text)) ||
      // `const denied = !user ? { statusCode: 401 } : null; if (denied) return denied`, also on an
      // alias of the value (`const user = session?.user`).
      (ts.isConditionalExpression(n) && (isTestOf(n.condition, name.text) || isTestOfAlias(n.condition, name.text, fn)) && answersRefusal(n, unwrap(n.condition))) ||
      (n.kind === ts.SyntaxKind.SwitchStatement && containsIdentifier((n as TS.SwitchStatement).expression, name.text) && switchRefusesByDefault(n as TS.SwitchStatement)) ||
      // `assertUser(user)`, `invariant(user, ...)`: a helper that throws unless the value holds.
      (ts.isCallExpression(n) && n.arguments.length > 0 && isAssertionOf(n, n.arguments[0]) && containsIdentifier(n.arguments[0], name.text)) ||
      // `try { await signatures[0].verified } catch { return 401 }`: the value throws into a refusal.
      (ts.isTryStatement(n) && n.catchClause !== undefined && containsIdentifier(n.tryBlock, name.text) && returnsOrThrows(n.catchClause.block)),
  );
}

/** A boolean verifier's result must decide something. Unawaited promises are always truthy. */
function booleanUse(call: TS.CallExpression, returnsPromise: boolean): BrokenReason | undefined {
  let current: TS.Node = call;
  let awaited = false;
  while (current.parent && (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || ts.isPrefixUnaryExpression(current.parent))) {
    if (ts.isAwaitExpression(current.parent)) awaited = true;
    current = current.parent;
  }
  if (returnsPromise && !awaited && !ts.isReturnStatement(current.parent)) return 'unawaited';
  return resultIsChecked(call) ? undefined : 'resultIgnored';
}

function resultIsChecked(call: TS.CallExpression): boolean {
  let current: TS.Node = call;
  // `token ? jwt.verify(token, key) : null`: a branch's value is the whole expression's.
  while (current.parent && (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent) ||
    ts.isPrefixUnaryExpression(current.parent) || ts.isBinaryExpression(current.parent) ||
    (ts.isConditionalExpression(current.parent) && current.parent.condition !== current))) {
    // `isValid = twilio.validateRequest(...)`, assigned to a variable declared before: what the variable decides.
    const parent = current.parent;
    if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === current && ts.isIdentifier(parent.left)) {
      return variableGuardsRejection(parent.left);
    }
    current = current.parent;
  }
  const parent = current.parent;
  if (!parent) return false;
  if (ts.isIfStatement(parent) || ts.isConditionalExpression(parent) || ts.isReturnStatement(parent) ||
    ts.isArrowFunction(parent) || ts.isWhileStatement(parent)) return true;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return variableGuardsRejection(parent.name);
  return false;
}

/** The expression that holds a call's result: the call, or the `await` (and parentheses) around it. */
function awaitedValue(call: TS.Expression): TS.Node {
  let current: TS.Node = call;
  while (current.parent && (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent))) current = current.parent;
  return current;
}

/** Shopify's `validate` resolves to `{ valid }` and never throws: `.valid` must be checked. */
function shopifyValidUnchecked(call: TS.CallExpression): boolean {
  const current = awaitedValue(call);
  const parent = current.parent;
  if (parent && ts.isPropertyAccessExpression(parent) && parent.name.text === 'valid') return !guardsRejection(parent);
  if (parent && ts.isVariableDeclaration(parent)) {
    if (ts.isObjectBindingPattern(parent.name)) {
      const valid = parent.name.elements.find((el) => (el.propertyName ?? el.name).getText() === 'valid');
      return !(valid && ts.isIdentifier(valid.name) && variableGuardsRejection(valid.name));
    }
    if (ts.isIdentifier(parent.name)) {
      const fn = enclosingBody(parent);
      const name = parent.name.text;
      const checked = fn !== undefined && someNode(fn, (n) => ts.isPropertyAccessExpression(n) && n.name.text === 'valid' && ts.isIdentifier(n.expression) && n.expression.text === name && guardsRejection(n));
      return !checked;
    }
  }
  return true;
}

/** A check whose outcome refuses the caller: its result guards a refusal, or it throws into a refusing catch. */
function decidesRefusal(call: TS.CallExpression): boolean {
  if (guardsRejection(call) || (resultIsChecked(call) && functionRejects(call, false))) return true;
  for (let current: TS.Node = call; current.parent; current = current.parent) {
    const parent = current.parent;
    if (isFunctionLike(parent)) return false;
    if (ts.isTryStatement(parent) && parent.tryBlock === current && parent.catchClause) return returnsOrThrows(parent.catchClause.block);
  }
  return false;
}

/** What only asks whether a request value has a shape, never whether it is right. */
const SHAPE_TESTS = new Set(['startsWith', 'endsWith', 'includes']);
/** A read of what the caller sent: a header, a cookie, a query parameter (`event.headers.x`, also under middy's `request.event`). */
const REQUEST_VALUE = /^(?:(?:request\.)?event|evt|req|request)\.(?:headers|multiValueHeaders|cookies|queryStringParameters|query)\.|^(?:headers|cookies)\./;

/** `x.startsWith('Bearer ')`, `cookie.includes('session=')`: a shape test with written arguments. */
function isShapeTest(call: TS.CallExpression, callee: TS.PropertyAccessExpression): boolean {
  return SHAPE_TESTS.has(callee.name.text) && call.arguments.every((arg) => ts.isStringLiteralLike(unwrap(arg)));
}

/**
 * Parameter names that hold what the caller sent, unchecked: the header's value or the token in
 * it. A parameter named for a checked value (`session`, `user`) may be handed one already checked.
 */
const TOKEN_PARAMETER = /^(?:authorization|auth(?:orization)?Header|bearer(?:Token)?|(?:access|id|auth|bearer|raw)?Token|jwt)$/i;

/** `x ?? ''`, `x || ''`. */
/**
 * Whether a request value, under any of `names` (its dotted read, the constants bound to it), is
 * used for more than a presence or shape test in a condition: handed to a call (`getUser(token)`,
 * which may be the check: the benefit of the doubt), compared, returned or stored. Logging is not
 * a use, and a constant bound to it is followed under its own name.
 */
function usedBeyondPresence(fn: TS.Node, names: readonly string[]): boolean {
  // Each name's last segment, tested before any dotted name is built: this walks whole functions.
  const lasts = new Set(names.map((name) => name.slice(name.lastIndexOf('.') + 1)));
  return someNode(fn, (n) => {
    let last: string | undefined;
    if (ts.isIdentifier(n)) last = n.text;
    else if (ts.isPropertyAccessExpression(n)) last = n.name.text;
    else if (ts.isElementAccessExpression(n)) last = stringLiteralValue(n.argumentExpression);
    if (last === undefined || !lasts.has(last)) return false;
    const name = dottedName(n);
    if (name === undefined || !names.includes(name)) return false;
    if (ts.isIdentifier(n) && !isValueIdentifier(n)) return false;
    if (feedsOnlyDecoder(n)) return false;
    // `const token = event.headers.authorization?.replace('Bearer ', '')`: the read that makes another of the names.
    const shaped = reshaped(n);
    if (shaped.parent && ts.isVariableDeclaration(shaped.parent) && shaped.parent.initializer === shaped && ts.isIdentifier(shaped.parent.name) && names.includes(shaped.parent.name.text)) return false;
    // `token.length`, `token.split(' ')`: a longer read of the value is a use unless it too is a presence test.
    if ((ts.isPropertyAccessExpression(n.parent) || ts.isElementAccessExpression(n.parent)) && n.parent.expression === n) {
      const longer = n.parent;
      return !(ts.isPropertyAccessExpression(longer) && ts.isCallExpression(longer.parent) && longer.parent.expression === longer && isShapeTest(longer.parent, longer) && isPresenceUse(longer.parent, names));
    }
    return !isPresenceUse(n as TS.Expression, names);
  });
}

/**
 * The outermost expression that is still `read`, reshaped: `(event.headers.authorization || '').slice(7)`,
 * `headers.authorization?.split(' ')[1]`, `token!`, `token as string`.
 */
function reshaped(read: TS.Node): TS.Node {
  let current = read;
  for (;;) {
    const parent = current.parent;
    const up = parent && (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent) || ts.isAsExpression(parent) ||
      (ts.isBinaryExpression(parent) && parent.left === current && isLiteralFallback(parent)) ||
      (ts.isElementAccessExpression(parent) && parent.expression === current)) ? parent : transformOf(current);
    if (!up) return current;
    current = up;
  }
}

/** String methods that reshape a credential without checking it: `.replace('Bearer ', '')`, `.split(' ')`, `.trim()`. */
const STRING_TRANSFORMS = new Set(['replace', 'replaceAll', 'trim', 'slice', 'substring', 'split', 'toLowerCase', 'toUpperCase']);

/** The expression a value is reshaped into (`x.replace(...)`, `x.split(' ')[1]`), if it is. */
function transformOf(value: TS.Node): TS.Node | undefined {
  const parent = value.parent;
  if (!parent) return undefined;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === value && STRING_TRANSFORMS.has(parent.name.text) &&
    ts.isCallExpression(parent.parent) && parent.parent.expression === parent) {
    return parent.parent;
  }
  if (ts.isElementAccessExpression(parent) && parent.expression === value && ts.isNumericLiteral(unwrap(parent.argumentExpression))) return parent;
  return undefined;
}

/** The last names of calls that may read a JWT's claims without checking it (`decodesJwt` decides). */
const JWT_DECODERS = new Set(['decode', 'jwtDecode', 'decodeJwt']);
/** A key held to compare with what the caller sends: `CRON_KEY`, `ADMIN_KEY` (a credential only when kept secret). */
const KEY_ENV = /(?:^|_)KEY$/i;
/** ...unless public: a browser key (`ANON`, `SITE_KEY`, maps) besides what `PUBLIC_ENV` names. */
const PUBLIC_KEY_ENV = /ANON|MAPS|SITE_?KEY/i;

/** The value after a literal scheme: `` `Bearer ${x}` ``, `'Bearer ' + x`. */
function afterScheme(node: TS.Expression): TS.Expression | undefined {
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && stringLiteralValue(unwrap(node.left)) !== undefined) return node.right;
  if (ts.isTemplateExpression(node) && node.templateSpans.length === 1 && node.templateSpans[0].literal.text === '') return node.templateSpans[0].expression;
  return undefined;
}

/** Express's response methods that send a body, on the response by its usual names. */
const RESPONSE_WRITERS = new Set(['json', 'send', 'end', 'jsonp']);
const EXPRESS_RESPONSE = /^(?:res|response|reply)$/;

/** `JSON.parse(atob(part))` or `JSON.parse(Buffer.from(part, 'base64url'))` in a function that splits a token at its dots. */
function decodesPayloadByHand(call: TS.CallExpression, file: SourceFileInfo): boolean {
  // `JSON.parse(event.body)` is most of them: only a call (`atob(...)`, `Buffer.from(...).toString()`) can decode.
  if (!ts.isCallExpression(unwrap(call.arguments[0]))) return false;
  const argument = call.arguments[0].getText(file.sf);
  if (!/base64|atob\(/.test(argument)) return false;
  const fn = enclosingBody(call);
  return fn !== undefined && /\.split\(\s*['"`]\.['"`]\s*\)/.test(fn.getText(file.sf));
}

/** `(err, claims) => { if (err) return res.status(401).end(); ... }`: the callback refuses when verification failed. */
function callbackRefusesOnError(callback: FunctionLike): boolean {
  const err = callback.parameters[0]?.name;
  if (!err || !ts.isIdentifier(err) || !callback.body) return false;
  return someNode(callback.body, (n) => ts.isIfStatement(n) && containsIdentifier(n.expression, err.text) && !ts.isPrefixUnaryExpression(unwrap(n.expression)) &&
    someNode(n.thenStatement, isRefusal, isFunctionLike), isFunctionLike);
}

/** `jwtVerify(token, key).catch(() => null)`: the `.catch()` call that takes the promise's rejection. */
function promiseCatch(call: TS.CallExpression): TS.CallExpression | undefined {
  const access = call.parent;
  if (!access || !ts.isPropertyAccessExpression(access) || access.expression !== call || access.name.text !== 'catch') return undefined;
  return ts.isCallExpression(access.parent) && access.parent.expression === access ? access.parent : undefined;
}

/** A delivery's time as providers put it in the signed body: Linear's `webhookTimestamp`, `timestamp`, `sent_at`, `created`. */
const BODY_TIME_FIELD = /^(?:webhookTimestamp|timestamp|ts|sentAt|sent_at|createdAt|created_at|created|issuedAt|issued_at|eventTime|event_time)$|[Tt]imestamp/;

/** What `onHeader` names an auth fact from a header read. */
const HEADER_READ = /^the `[^`]+` header$/;
/** Packages whose `decode` reads a JWT without checking its signature. */
const JWT_DECODING_PACKAGES = /^(?:jsonwebtoken|jose|jwt-decode|jws|djwt|hono\/(?:utils\/)?jwt|@tsndr\/cloudflare-worker-jwt)$/;
/** Calls that may check a token in a way fnscan does not model (aws-jwt-verify's `verifier.verify`, an introspection). */
const CHECKING_CALL = /verif|validat|authenticat|introspect|getUser|getClaims/i;

/**
 * The decoder, when an auth helper's only grip on the caller is a decoded token: it decodes, checks
 * nothing itself (no verification, no auth fact) and makes no call that might check the token.
 */
function decodesOnly(callee: Facts, fn: FunctionLike): string | undefined {
  // The header the token came from (`the \`cookie\` header`) is no check of its own.
  if (callee.decodes.length === 0 || callee.verifies.length > 0 || callee.auth.some((a) => !HEADER_READ.test(a.via))) return undefined;
  const checks = someNode(fn, (n) => ts.isCallExpression(n) && CHECKING_CALL.test(calleeName(n) ?? ''));
  return checks ? undefined : callee.decodes[0].via;
}

/** What a helper that checks the caller would read besides the headers anyone sets. */
const CREDENTIAL_SOURCE = /authorization|cookie|token|session|api[-_]?key|jwt|bearer|password|secret|signature|clientContext|currentUser/i;

/**
 * The header, when an auth helper's only grip on the caller is one the caller sets at will
 * (`const id = event.headers['x-user-id']; if (!id) throw ...`): no check, no credential read.
 */
function trustsCallerHeader(callee: Facts, fn: FunctionLike): string | undefined {
  if (callee.auth.length > 0 || callee.verifies.length > 0 || callee.decodes.length > 0 || !fn.body) return undefined;
  const text = fn.body.getText();
  const read = text.match(SPOOFABLE_HEADER_READ);
  if (!read || CREDENTIAL_SOURCE.test(text.replace(SPOOFABLE_HEADER_READ, '').replace(/Unauthori[sz]ed|Unauthenticated/g, ''))) return undefined;
  if (someNode(fn.body, (n) => ts.isCallExpression(n) && CHECKING_CALL.test(calleeName(n) ?? ''))) return undefined;
  return /['"`]([^'"`]+)['"`]|\.(\w+)$/.exec(read[0])?.slice(1).find(Boolean)?.toLowerCase();
}

/** Calls that read a token without checking it: `jwt.decode`, `jwtDecode`, `atob`, `JSON.parse`. */
const DECODERS = new Set(['decode', 'jwtDecode', 'decodeJwt', 'decodeProtectedHeader', 'atob', 'parse']);

/** `jwt.decode(token)`, also as the last of `m && jwt.decode(m[1])` or the first of `jwt.decode(t) || {}`. */
function isDecodedValue(value: TS.Node): boolean {
  const node = ts.isExpression(value) ? unwrap(value) : value;
  if (ts.isCallExpression(node)) return DECODERS.has(calleeName(node) ?? '');
  if (!ts.isBinaryExpression(node)) return false;
  const op = node.operatorToken.kind;
  if (op === ts.SyntaxKind.AmpersandAmpersandToken) return isDecodedValue(node.right);
  return (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) && isDecodedValue(node.left);
}

/** `jwt.decode(token.split(' ')[1])`: the value, however sliced, goes only to a decoder. */
function feedsOnlyDecoder(read: TS.Node): boolean {
  let current: TS.Node = read;
  for (;;) {
    const parent: TS.Node | undefined = current.parent;
    if (!parent) return false;
    if (ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent) || ts.isParenthesizedExpression(parent) ||
      ts.isNonNullExpression(parent) || ts.isAsExpression(parent) || (ts.isCallExpression(parent) && parent.expression === current) ||
      (ts.isBinaryExpression(parent) && parent.left === current && isLiteralFallback(parent))) {
      current = parent;
    } else if (ts.isCallExpression(parent)) {
      return DECODERS.has(calleeName(parent) ?? '');
    } else {
      return false;
    }
  }
}

/** An identifier that reads a binding: not a property's name (`x.cookie`, `{ cookie: 1 }`) nor a declared name. */
function isValueIdentifier(id: TS.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === id;
  if (ts.isPropertyAssignment(parent) || ts.isBindingElement(parent)) return parent.initializer === id;
  if (ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isFunctionDeclaration(parent) || ts.isMethodDeclaration(parent)) return false;
  return true;
}

/** The value only decides a condition (`!x`, `x && y`, `x.startsWith('Bearer ')`), is logged, or is bound to a constant among `names`. */
function isPresenceUse(read: TS.Expression, names: readonly string[]): boolean {
  let current: TS.Node = read;
  for (;;) {
    const parent: TS.Node | undefined = current.parent;
    if (!parent) return false;
    if (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent) || ts.isAsExpression(parent)) {
      current = parent;
    } else if (ts.isPropertyAccessExpression(parent) && parent.expression === current && ts.isCallExpression(parent.parent) && parent.parent.expression === parent && isShapeTest(parent.parent, parent)) {
      current = parent.parent;
    } else if (ts.isBinaryExpression(parent) && parent.left === current && isLiteralFallback(parent)) {
      current = parent;
    } else if (transformOf(current)) {
      current = transformOf(current)!;
    } else if (ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) {
      return true;
    } else if (ts.isBinaryExpression(parent) && (parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || parent.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      current = parent;
    } else if (ts.isIfStatement(parent)) {
      return parent.expression === current;
    } else if (ts.isConditionalExpression(parent)) {
      return parent.condition === current;
    } else if (ts.isVariableDeclaration(parent) && parent.initializer === current) {
      // Bound to a constant the caller follows under its own name; a `let` may go anywhere.
      return ts.isIdentifier(parent.name) && isConstDeclaration(parent) && names.includes(parent.name.text);
    } else if (ts.isCallExpression(parent)) {
      return isLogCall(parent);
    } else {
      return false;
    }
  }
}

/** The delivery-id headers, written in code (`'x-github-delivery'`, `"svix-id"`). */
const DELIVERY_HEADER_TEXT = new RegExp(`['"\`](?:${[...DELIVERY_ID_HEADERS].map((h) => h.replace(/[-]/g, '\\-')).join('|')})['"\`]`, 'i');
/** Prisma writes that add a row. */
const APPENDING_WRITES = new Set(['create', 'createMany', 'createManyAndReturn', 'upsert']);
/** Password checks of bcrypt, argon2 and the helpers projects write around them. */
const PASSWORD_CHECK = /\b(?:bcrypt\w*\.compare(?:Sync)?|argon2\.verify|\w*(?:compare|verify|check|match)\w*Passwords?|verifyHash)$/i;
/** Per file: whether it mentions a password at all. */
const mentionsPassword = new WeakMap<SourceFileInfo, boolean>();
/** Per file: whether it names a delivery-id header anywhere. */
const readsDeliveryHeader = new WeakMap<SourceFileInfo, boolean>();

/** Where a file's text reads a credential from the environment (`process.env.X_SECRET`), found once per file. */
const credentialReadsOf = new WeakMap<SourceFileInfo, readonly number[]>();
function credentialReads(file: SourceFileInfo): readonly number[] {
  let reads = credentialReadsOf.get(file);
  if (reads === undefined) {
    // `CREDENTIAL_READ` tried only where the text says `env`, from a little before it: a scan of
    // the whole text with its look-behind costs more than the rest of this check.
    const found: number[] = [];
    const text = file.text;
    for (let at = text.indexOf('env', 0); at >= 0; at = text.indexOf('env', at + 3)) {
      const from = Math.max(0, at - 8);
      const window = text.slice(from, at + 80);
      for (const match of window.matchAll(CREDENTIAL_READ)) {
        const start = from + match.index;
        const name = match[1] ?? match[3] ?? match[4];
        if (start <= at && (CREDENTIAL_ENV.test(name) || CONNECTION_STRING_ENV.test(name))) found.push(start);
      }
    }
    credentialReadsOf.set(file, (reads = found));
  }
  return reads;
}

/** Whether a node's text holds one of those reads: a position test instead of the node's text. */
function holdsCredentialRead(node: TS.Node, reads: readonly number[]): boolean {
  return reads.some((at) => at >= node.pos && at < node.end);
}

/** What a file's text mentions at all, found once per file: checks that need one skip files without it. */
const READS_ENV = 1;
const READS_CLOCK = 2;
const fileFlags = new WeakMap<SourceFileInfo, number>();
function textFlags(file: SourceFileInfo): number {
  let flags = fileFlags.get(file);
  if (flags === undefined) {
    const text = file.text;
    flags = (text.includes('env') ? READS_ENV : 0) | (text.includes('Date.now') || text.includes('getTime') ? READS_CLOCK : 0);
    fileFlags.set(file, flags);
  }
  return flags;
}
/** Amazon SES's commands that send mail. */
const SES_SEND = /^Send(?:Raw|Templated|Bulk|BulkTemplated)?EmailCommand$/;
/** Constructors of stores kept in memory. */
const IN_MEMORY_STORES = /^(?:Map|Set|WeakMap|WeakSet|Keyv|LRUCache|LRU|QuickLRU|NodeCache|Cache)$/;

/** Supabase's session read from the cookie, its JWT unchecked (`supabase.auth.getSession()`). */
const UNCHECKED_SESSION = /\bauth\s*\.\s*getSession\s*\(/;
/**
 * What a test of the caller reads: a credential, the request's headers, or the address API Gateway
 * measured (`requestContext.identity.sourceIp`), which an allowlist may test (a header the caller
 * writes is `no-spoofable-ip-allowlist`'s finding).
 */
const CALLER_CREDENTIAL_WORDS = /auth|token|session|api[_-]?key|cookie|credential|jwt|bearer|password|headers|clientContext|\bc\.get\(\s*['"]user['"]\s*\)|\bc\.var\.user\b|\brequestContext\.(?:identity|http)\.sourceIp\b/i;
/** Reads of headers the caller sets at will, which prove nothing about who calls: the browser's `Origin` and `Referer` only bind browsers. */
const SPOOFABLE_HEADER_READ = /headers(?:\.get\(\s*['"`](?:origin|referr?er|host|user-agent|sec-fetch-[a-z]+|x-forwarded-(?:for|host)|x-real-ip|x-user(?:-?id|-email|name)?)['"`]\s*\)|\[\s*['"`](?:origin|referr?er|host|user-agent|sec-fetch-[a-z]+|x-forwarded-(?:for|host)|x-real-ip|x-user(?:-?id|-email|name)?)['"`]\s*\]|\.(?:origin|referr?er|host)\b)/gi;
const SIGNATURE_WORDS = /sig|hmac|digest/i;
/** A header read compared with a literal, either way round. */
const HEADER_VS_LITERAL = /headers(?:\.get\(\s*['"`]([\w-]+)['"`]\s*\)|\[\s*['"`]([\w-]+)['"`]\s*\]|\.([A-Za-z_$][\w$]*))\s*[!=]==?\s*(?:['"`][^'"`\n]*['"`]|\d+|true|false)|(?:['"`][^'"`\n]*['"`]|\d+|true|false)\s*[!=]==?\s*[\w$.?]*headers(?:\.get\(\s*['"`]([\w-]+)['"`]\s*\)|\[\s*['"`]([\w-]+)['"`]\s*\]|\.([A-Za-z_$][\w$]*))/gi;
/** Header names that carry a credential. */
const CREDENTIAL_HEADER_NAME = /auth|token|key|secret|sig|cookie|session|jwt|bearer|pass|credential/i;
/** CAPTCHA verification endpoints: Cloudflare Turnstile, Google reCAPTCHA (and Enterprise), hCaptcha. */
const CAPTCHA_VERIFY = /challenges\.cloudflare\.com\/turnstile|google\.com\/recaptcha\/api\/siteverify|recaptchaenterprise\.googleapis\.com|hcaptcha\.com\/siteverify/;
/** How an auth fact from a signed value is named; a webhook's manual HMAC check is one too (see endpoint.ts). */
export const SIGNED_VALUE = 'a value signed with';
/** A plain hash of a value (`createHash('sha256').update(token).digest('hex')`): no signature. */
const TOKEN_HASH = /\bcreateHash\([^()]*\)(?:\.update\([^()]*\))*\.digest\([^()]*\)/g;
/** An HMAC keyed with a secret from the environment: `createHmac('sha256', process.env.X)`. */
const HMAC_WITH_ENV_KEY = /\bcreateHmac\(\s*['"`]\w+['"`]\s*,\s*process\.env\.(\w+)/;
const CLOCK_WORDS = /timestamp|Date\.now\(\)/i;

/** A branch that refuses with 401/403, or throws an authentication error. */
function refusesWithAuthStatus(branch: TS.Statement): boolean {
  return someNode(branch, (n) => {
    if (ts.isReturnStatement(n) && n.expression) return isRejectingResponse(n.expression, /^(401|403)$/);
    if (ts.isCallExpression(n)) return /\.status\((401|403)\)|sendStatus\((401|403)\)/.test(n.getText()) && !fallsThrough(n);
    if (ts.isThrowStatement(n)) return /Unauthori[sz]ed|Forbidden|Authentication|401|403/.test(n.getText());
    return false;
  }, isFunctionLike);
}

/** Only verifiers that throw on failure can be bypassed by a catch that carries on. */
function throwsOnFailure(v: VerifyFact): boolean {
  return !/Octokit|Twilio|Shopify|isValidSlackRequest/.test(v.via);
}

/**
 * Inside a `try` whose `catch` neither returns nor rethrows, a failed verification is logged and
 * processing continues: Redwood's `WebhookVerificationError` swallowed.
 */
export function isSwallowed(node: TS.Node): boolean {
  return swallowingTry(node) !== undefined;
}

/** `catch { return JSON.parse(event.body) }`: a helper that hands out the unverified payload when verification fails. */
function returnsThePayload(block: TS.Block): boolean {
  const returned: TS.Expression[] = [];
  walk(block, (n) => {
    if (isFunctionLike(n)) return false;
    if (ts.isReturnStatement(n) && n.expression) returned.push(unwrap(n.expression));
    return undefined;
  });
  if (returned.some(readsBody)) return true;
  // A name the function bound to the body before: `const payload = JSON.parse(event.body)`.
  const names = returned.filter(ts.isIdentifier).map((id) => id.text);
  const fn = names.length > 0 ? enclosingBody(block) : undefined;
  return fn !== undefined && someNode(fn, (n) => ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && names.includes(n.name.text) && n.initializer !== undefined && readsBody(n.initializer));
}

function readsBody(expr: TS.Node): boolean {
  return someNode(expr, (e) => ts.isPropertyAccessExpression(e) && /(^|\.)(event|evt|req|request)\.(body|rawBody)$/.test(dottedName(e) ?? ''));
}

/** `catch { verified = false }` followed by `if (!verified) return 401`: the catch records the failure for a later refusal. */
function setsGuardingFlag(block: TS.Block): boolean {
  let guards = false;
  walk(block, (n) => {
    if (guards || isFunctionLike(n)) return false;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left) && variableGuardsRejection(n.left)) {
      guards = true;
    }
    return undefined;
  });
  return guards;
}

/** `await x(...)`, `return x(...)`, `x(...).then(...)`: the promise's rejection reaches someone. */
function awaitedOrReturned(call: TS.CallExpression): boolean {
  let current: TS.Node = call;
  while (current.parent && (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent))) current = current.parent;
  const parent = current.parent;
  if (!parent) return false;
  if (ts.isAwaitExpression(parent) || ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === current)) return true;
  // `.then(...)`/`.catch(...)` on it, or handed to `Promise.all`, `await`ed later through a variable.
  if (ts.isPropertyAccessExpression(parent) && parent.expression === current) return true;
  if (ts.isCallExpression(parent) && parent.arguments.includes(current as TS.Expression)) return true;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const fn = enclosingBody(parent);
    const name = parent.name.text;
    return fn !== undefined && someNode(fn, (n) => ts.isAwaitExpression(n) && containsIdentifier(n.expression, name));
  }
  return false;
}

const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/**
 * The request a credentialed client's builder call leads to, which tells what the handler does
 * better than the builder: `client.initIndex('products').saveObjects(...)`, or
 * `const model = genAI.getGenerativeModel(...)` then `model.generateContent(...)` in the same
 * function. Undefined when the call is the request itself.
 */
function requestThrough(call: TS.CallExpression): { node: TS.CallExpression; named: string } | undefined {
  let node = call;
  let named = dottedName(unwrap(call.expression)) ?? calleeName(call) ?? '';
  // Not `.then(...)` and the like: what a promise settles to is no further request.
  for (let link = node.parent; ts.isPropertyAccessExpression(link) && link.expression === node && !PROMISE_METHODS.has(link.name.text) && ts.isCallExpression(link.parent) && link.parent.expression === link; link = node.parent) {
    named += `(…).${link.name.text}`;
    node = link.parent;
  }
  if (node !== call) return { node, named };
  // Bound as it is, not awaited: `const calls = await client.calls.list()` holds the answer of a request, not a builder.
  const bound = call.parent;
  if (!bound || !ts.isVariableDeclaration(bound) || !ts.isIdentifier(bound.name) || !isConstDeclaration(bound)) return undefined;
  const fn = enclosingBody(bound);
  const name = bound.name.text;
  let found: TS.CallExpression | undefined;
  if (fn) {
    someNode(fn, (n) => {
      if (n.pos < bound.end || !ts.isCallExpression(n)) return false;
      const target = unwrap(n.expression);
      if (ts.isPropertyAccessExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === name) found = n;
      return found !== undefined;
    }, (n) => n !== fn && isFunctionLike(n));
  }
  return found && { node: found, named: dottedName(unwrap(found.expression)) ?? name };
}

/**
 * The promise of a call, not what it resolves to, is what is tested: `if (!getSession(req))`, or
 * `const session = getSession(req)` never awaited afterwards.
 */
function promiseTested(call: TS.CallExpression): boolean {
  let current: TS.Node = call;
  while (current.parent && (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isNonNullExpression(current.parent))) current = current.parent;
  const parent = current.parent;
  if (!parent) return false;
  if ((ts.isPrefixUnaryExpression(parent) && parent.operator === ts.SyntaxKind.ExclamationToken) || (ts.isIfStatement(parent) && parent.expression === current)) return true;
  return ts.isVariableDeclaration(parent) && parent.initializer === current && ts.isIdentifier(parent.name) && !awaitedOrReturned(call);
}

/** `console.info(...)`, `logger.warn(...)`: what a value handed here does is get printed. */
function isLogCall(call: TS.CallExpression): boolean {
  return /^(?:console|logger|log)\./.test(dottedName(unwrap(call.expression)) ?? '');
}

/** A call whose result is dropped: `requireAuth()`, `await checkKey(event)` as a statement of their own. */
function isStatementCall(call: TS.CallExpression): boolean {
  const current = awaitedValue(call);
  return current.parent !== undefined && ts.isExpressionStatement(current.parent);
}

/**
 * The checks inside a project helper authenticate nobody when the call drops what they decide: a
 * helper that can neither throw nor answer 401 whose result decides nothing (`hasRole('admin')`
 * on its own: its checks only shape the boolean it returns), an async helper not awaited (its
 * answer is a promise, and its rejection is lost), or one inside a `try` whose `catch` carries on.
 */
function helperAuthIsLost(call: TS.CallExpression, fn: FunctionLike, callee: Facts, swallowed: boolean): boolean {
  // `const session = getSession(req)` with no `await`: a promise, always truthy, whatever the helper decides.
  if (isAsyncFunction(fn) && promiseTested(call)) return true;
  // A helper that can neither throw nor answer 401 decides only through its result: lost when the
  // result is dropped (`hasRole('admin')` alone) or bound to a name that is only logged.
  if (!helperThrows(callee, fn)) return isStatementCall(call) || onlyLogged(call);
  if (!isStatementCall(call)) return false;
  if (swallowed) return true;
  const awaited = ts.isAwaitExpression(call.parent) || (ts.isParenthesizedExpression(call.parent) && ts.isAwaitExpression(call.parent.parent));
  return !awaited && isAsyncFunction(fn);
}

/** The helper refuses by throwing: itself, or through a check that throws out of it (`return jwt.verify(token, secret)`). */
function helperThrows(callee: Facts, fn: FunctionLike): boolean {
  // (A check made only when a credential is sent throws too: its fact keeps saying what it covers.
  // One made by a helper it calls is judged at that call, the fact's anchor in `fn`.)
  return callee.rejects || callee.auth.some((a) => (!a.onlyWithin || a.optional) && !a.swallowedIn && THROWING_CHECKS.test(a.via) && errorEscapes(a.anchor, fn));
}

/**
 * `const user = await sessionUser(req)`, then `if (!user) { res.status(401).json(...) }` with no
 * `return` or `else`: the only test of the answer answers 401 and carries on to the work.
 */
function answerFallsThrough(call: TS.CallExpression): boolean {
  const current = awaitedValue(call);
  const declaration = current.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.initializer !== current || !ts.isIdentifier(declaration.name)) return false;
  if (guardsRejection(call)) return false;
  const fn = enclosingBody(declaration);
  const name = declaration.name.text;
  return fn !== undefined && someNode(fn, (n) =>
    ts.isIfStatement(n) && containsIdentifier(n.expression, name) &&
    someNode(n.thenStatement, (c) => ts.isCallExpression(c) && /\.status\((401|403)\)|sendStatus\((401|403)\)/.test(c.getText()) && fallsThrough(c), isFunctionLike),
  (n) => n !== fn && isFunctionLike(n));
}

/** `if (context.currentUser && !hasRole('admin')) throw ...`: the call is tested in a condition that skips an absent caller. */
function testedOnlyWithACaller(call: TS.CallExpression): boolean {
  let current: TS.Node = call;
  while (current.parent && (ts.isPrefixUnaryExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || ts.isBinaryExpression(current.parent) || ts.isAwaitExpression(current.parent))) current = current.parent;
  const statement = current.parent;
  if (statement !== undefined && ts.isIfStatement(statement) && statement.expression === current) return skipsAbsentCaller(statement);
  // `const user = await getUser(req); const denied = user && !user.isAdmin; if (denied) return 403`:
  // every test of the answer, or of a constant made of it, refuses only a caller who is there.
  const declaration = awaitedValue(call).parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name)) return false;
  const fn = enclosingBody(declaration);
  if (!fn) return false;
  const names = [declaration.name.text];
  someNode(fn, (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && isConstDeclaration(n) && containsIdentifier(n.initializer, names[0])) names.push(n.name.text);
    return false;
  }, (n) => n !== fn && isFunctionLike(n));
  const tests: TS.IfStatement[] = [];
  someNode(fn, (n) => {
    if (ts.isIfStatement(n) && names.some((name) => containsIdentifier(n.expression, name))) tests.push(n);
    return false;
  }, (n) => n !== fn && isFunctionLike(n));
  return tests.length > 0 && tests.every((t) => !ifRefuses(t) || skipsAbsentCaller(t, names[0]));
}

/**
 * A check's failure leaves the helper `fn` as an error: the check is made in `fn` itself (not in a
 * callback, a `new Promise` executor), takes no callback (`jwt.verify(t, s, (err) => ...)` throws
 * nothing), is not caught by a promise's `.catch()`, and no `try` around it catches it without
 * throwing again.
 */
function errorEscapes(node: TS.Node, fn: FunctionLike): boolean {
  if (ts.isCallExpression(node)) {
    if (node.arguments.some((a) => isFunctionLike(unwrap(a)))) return false;
    const handled = awaitedValue(node).parent;
    if (handled && ts.isPropertyAccessExpression(handled) && (handled.name.text === 'catch' || (handled.name.text === 'then' && ts.isCallExpression(handled.parent) && handled.parent.arguments.length > 1))) return false;
  }
  for (let current: TS.Node = node; current.parent; current = current.parent) {
    const parent = current.parent;
    if (isFunctionLike(parent)) return parent === fn;
    if (ts.isTryStatement(parent) && parent.tryBlock === current && parent.catchClause && !someNode(parent.catchClause.block, ts.isThrowStatement, isFunctionLike)) return false;
  }
  return true;
}

/** How an auth fact from a package's signature check (`nacl.sign.detached.verify`) starts its `via`. */
export const SIGNATURE_CHECK = 'a signature check with ';

/** What the auth facts of checks that throw on a bad credential are called (`via`). */
const THROWING_CHECKS = /^`(?:jwt\.verify|jwtVerify|verifyIdToken\(\)|verifySessionCookie\(\)|requireAuth\(\))`$/;

/** `const isAdmin = hasRole('admin')` whose name is then only logged, or never read. */
function onlyLogged(call: TS.CallExpression): boolean {
  const current = awaitedValue(call);
  const declaration = current.parent;
  if (!declaration || !ts.isVariableDeclaration(declaration) || declaration.initializer !== current || !ts.isIdentifier(declaration.name)) return false;
  const fn = enclosingBody(declaration);
  if (!fn) return false;
  const name = declaration.name.text;
  return !someNode(fn, (n) => {
    if (!ts.isIdentifier(n) || n.text !== name || n === declaration.name || !isValueIdentifier(n)) return false;
    for (let up: TS.Node = n; up.parent && up !== fn; up = up.parent) {
      if (ts.isCallExpression(up.parent) && up.parent.arguments.includes(up as TS.Expression)) {
        return !isLogCall(up.parent);
      }
      if (ts.isStatement(up.parent)) break;
    }
    return true;
  });
}

function isAsyncFunction(fn: FunctionLike): boolean {
  return ts.canHaveModifiers(fn) && (ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword) ?? false);
}

/** The call's result (or a name destructured from it) decides an early return: `if (count === 0) return`. */
function resultDecides(call: TS.Expression): boolean {
  if (guardsRejection(call)) return true;
  const current = awaitedValue(call);
  const parent = current.parent;
  return parent !== undefined && ts.isVariableDeclaration(parent) && boundIdentifiers(parent.name).some((id) => variableGuardsRejection(id));
}

/**
 * The call's answer decides a refusal, also through names made from it: `const claims = await
 * authenticate(req); const { sub } = claims ?? {}; if (!sub) return 401`.
 */
function answerDecidesRefusal(call: TS.CallExpression): boolean {
  if (resultDecides(call)) return true;
  const holder = awaitedValue(call).parent;
  const fn = holder && ts.isVariableDeclaration(holder) ? enclosingBody(holder) : undefined;
  if (!fn || !holder || !ts.isVariableDeclaration(holder)) return false;
  const names = boundIdentifiers(holder.name).map((id) => id.text);
  const prune = (n: TS.Node) => n !== fn && isFunctionLike(n);
  someNode(fn, (n) => {
    if (ts.isVariableDeclaration(n) && n !== holder && n.initializer && names.some((name) => containsIdentifier(n.initializer!, name))) names.push(...boundIdentifiers(n.name).map((id) => id.text));
    return false;
  }, prune);
  // (`if (viewer && viewer.role !== 'finance') return 403` lets a request without one by.)
  return someNode(fn, (n) => ts.isIfStatement(n) && names.some((name) => containsIdentifier(n.expression, name)) && ifRefuses(n) && !names.some((name) => skipsAbsentCaller(n, name)), prune);
}

/** `claims = jwt.verify(...)` (or `const claims = ...`) whose variable then guards a refusal. */
function assignedAndChecked(call: TS.CallExpression): boolean {
  let current: TS.Node = call;
  while (current.parent && (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent))) current = current.parent;
  const parent = current.parent;
  if (parent && ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === current && ts.isIdentifier(parent.left)) {
    return variableGuardsRejection(parent.left);
  }
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return variableGuardsRejection(parent.name);
  return false;
}

/**
 * `try { const { payload } = await jwtVerify(token, key); return payload } catch { log }`: the
 * verified claims are what the helper answers, and a failure answers nothing, which the caller
 * must check (the Next.js docs' `decrypt` helper).
 */
function returnedFromTry(call: TS.CallExpression): boolean {
  let current: TS.Node = call;
  while (current.parent && (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent))) current = current.parent;
  const declaration = current.parent;
  const names: string[] = [];
  if (declaration && ts.isVariableDeclaration(declaration)) {
    walk(declaration.name, (n) => {
      if (ts.isIdentifier(n) && n.parent && (ts.isBindingElement(n.parent) || ts.isVariableDeclaration(n.parent)) && n.parent.name === n) names.push(n.text);
    });
  }
  for (let at: TS.Node | undefined = current.parent; at && !isFunctionLike(at); at = at.parent) {
    if (!ts.isTryStatement(at)) continue;
    return someNode(at.tryBlock, (n) => ts.isReturnStatement(n) && n.expression !== undefined && (n.expression === current || names.some((name) => containsIdentifier(n.expression!, name))), isFunctionLike);
  }
  return false;
}

/**
 * A hand-written HMAC in the same function that signs something else than the timestamp
 * (`.update(event.body)` only): the clock check is then on a value the caller may change, so a
 * replay just sends a fresh timestamp. Without an HMAC here (a helper verifies), no verdict.
 */
const CLOCK_READ = /\bDate\.now\(\)|new Date\(\)\.getTime\(\)/;

/**
 * A refusal on the clock (`if (Math.abs(Date.now() / 1000 - ts) > 5) return 401`) of a time that
 * the HMAC covers (`.update(\`${ts}:${body}\`)`), in the function that reads the signature header:
 * a window parsed from the signature header itself. An unsigned time proves nothing. Without an
 * HMAC in the function, a time parsed out of the signature header that a helper verifies whole.
 */
function signedClockCheck(read: TS.Node, header: string, file: SourceFileInfo): TS.IfStatement | undefined {
  const fn = enclosingBody(read);
  if (!fn || !CLOCK_READ.test(fn.getText())) return undefined;
  const checks: TS.IfStatement[] = [];
  const signed = new Set<string>();
  walk(fn, (n) => {
    if (ts.isIfStatement(n) && CLOCK_READ.test(n.expression.getText()) && returnsOrThrows(n.thenStatement)) checks.push(n);
    // What `.update(...)` feeds an HMAC, or what Web Crypto's `subtle.sign`/`subtle.verify` sign.
    const data = !ts.isCallExpression(n) ? undefined : calleeName(n) === 'update' ? hmacUpdateData(n, file) : webCryptoSignedData(n);
    if (data) {
      someNode(data, (id) => {
        if (ts.isIdentifier(id)) signed.add(id.text);
        return false;
      });
    }
    return undefined;
  });
  // `const signedPayload = \`${timestamp}.${body}\`; hmac.update(signedPayload)`: what the signed constants are made of is signed too.
  if (signed.size > 0) {
    const declarations: TS.VariableDeclaration[] = [];
    walk(fn, (n) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) declarations.push(n);
    });
    for (let hop = 0, before = -1; hop < 3 && before !== signed.size; hop++) {
      before = signed.size;
      for (const d of declarations) {
        if (!signed.has((d.name as TS.Identifier).text)) continue;
        someNode(d.initializer!, (id) => {
          if (ts.isIdentifier(id)) signed.add(id.text);
          return false;
        });
      }
    }
  }
  if (signed.size > 0 || checks.length === 0) return checks.find((check) => someNode(check.expression, (id) => ts.isIdentifier(id) && id.text !== 'Date' && signed.has(id.text)));
  // No HMAC here: a helper verifies the whole header, time included (Calendly's and Stripe's
  // `t=...,v1=...`), and the time checked is parsed out of that same header.
  const fromHeader = mentionsOfRead(fn, read, header, file);
  return checks.find((check) => fromHeader.test(check.expression.getText(file.sf)));
}

/**
 * Whether the signature leaves out the time read from `header`. With an HMAC or a Web Crypto
 * signature in the same function, it signs other data (`.update(body)`, `subtle.verify('HMAC', key, sig, body)`).
 * Without one, the call the signature is handed to (`verifySentrySignature(raw, signature)`) gets
 * neither the time nor the request it could read it from, and nothing else here takes the time but
 * the clock arithmetic. Sentry signs only the body of its webhooks, and its `sentry-hook-timestamp`
 * is such a time.
 */
function hmacLeavesOut(fn: TS.Node, read: TS.Node, header: string, file: SourceFileInfo): boolean {
  const signed: TS.Expression[] = [];
  const calls: TS.CallExpression[] = [];
  let signs = false;
  walk(fn, (n) => {
    if (ts.isCallExpression(n)) {
      calls.push(n);
      const name = calleeName(n);
      const data = webCryptoSignedData(n);
      if (name === 'createHmac') signs = true;
      else if (name === 'update' && hmacUpdateData(n, file)) signed.push(...n.arguments);
      else if (data) {
        signs = true;
        signed.push(data);
      }
    }
    return undefined;
  });
  const mentions = mentionsOfRead(fn, read, header, file);
  if (signs) return signed.length > 0 && !signed.some((arg) => mentions.test(arg.getText(file.sf)));
  return handedOnWithoutTime(fn, calls, mentions, file);
}

/** The names a header read goes by in its function: the header, the constant it is read into, and constants built from those. */
function mentionsOfRead(fn: TS.Node, read: TS.Node, header: string, file: SourceFileInfo): RegExp {
  const names = [header];
  let bound: TS.Node = read;
  while (bound.parent && (ts.isParenthesizedExpression(bound.parent) || ts.isAsExpression(bound.parent) || ts.isBinaryExpression(bound.parent) ||
    (ts.isCallExpression(bound.parent) && bound.parent.expression !== bound))) {
    bound = bound.parent;
  }
  if (bound.parent && ts.isVariableDeclaration(bound.parent) && ts.isIdentifier(bound.parent.name)) names.push(bound.parent.name.text);
  const mentionsOf = () => new RegExp(names.map((n) => `(?<![\\w-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).join('|'));
  // What is signed may be built first: `const base = \`v0:${ts}:${body}\``, then `.update(base)`.
  for (let round = 0; round < 2; round++) {
    const mentions = mentionsOf();
    walk(fn, (n) => {
      // Also destructured: `const { t } = parseSignatureHeader(header)`.
      if (ts.isVariableDeclaration(n) && n.initializer && mentions.test(n.initializer.getText(file.sf))) {
        for (const id of boundIdentifiers(n.name)) if (!names.includes(id.text)) names.push(id.text);
      }
      return undefined;
    });
  }
  return mentionsOf();
}

/**
 * What `.update(data)` feeds an HMAC or a hash: `createHmac(...).update(data)`, or an `hmac` made
 * with `createHmac` in the same module. A database's `.update({ status })` signs nothing.
 */
function hmacUpdateData(call: TS.CallExpression, file: SourceFileInfo): TS.Expression | undefined {
  let receiver = ts.isPropertyAccessExpression(call.expression) ? unwrap(call.expression.expression) : undefined;
  while (receiver && ts.isCallExpression(receiver) && calleeName(receiver) === 'update' && ts.isPropertyAccessExpression(receiver.expression)) {
    receiver = unwrap(receiver.expression.expression);
  }
  if (!receiver) return undefined;
  const hmac = ts.isCallExpression(receiver)
    ? /^create(?:Hmac|Hash)$/.test(calleeName(receiver) ?? '')
    : ts.isIdentifier(receiver) && new RegExp(`(?<![\\w$])${receiver.text.replace(/\$/g, '\\$')}\\s*=\\s*(?:[\\w.]+\\.)?create(?:Hmac|Hash)\\(`).test(file.text);
  return hmac ? call.arguments[0] : undefined;
}

/** What Web Crypto signs or checks: the data of `crypto.subtle.sign('HMAC', key, data)` or `.verify('Ed25519', key, sig, data)`. */
function webCryptoSignedData(call: TS.CallExpression): TS.Expression | undefined {
  const name = calleeName(call);
  if ((name !== 'sign' && name !== 'verify') || !SUBTLE_SIGNING.test(dottedName(unwrap(call.expression)) ?? '')) return undefined;
  return call.arguments[name === 'sign' ? 2 : 3];
}

const SUBTLE_SIGNING = /(^|\.)subtle\.(?:sign|verify)$/;

const RECIPIENT_KEYS = new Set(['to', 'cc', 'bcc']);

/** `to.push(email)`, `to.unshift(...)`, `to.splice(...)`: the function adds to a list. */
function addsTo(fn: TS.Node, name: string): boolean {
  return someNode(fn, (n) => ts.isCallExpression(n) && /^(?:push|unshift|splice|concat)$/.test(calleeName(n) ?? '') && ts.isPropertyAccessExpression(unwrap(n.expression)) &&
    ts.isIdentifier(unwrap((unwrap(n.expression) as TS.PropertyAccessExpression).expression)) && (unwrap((unwrap(n.expression) as TS.PropertyAccessExpression).expression) as TS.Identifier).text === name);
}

/** What a request carries in: its body, form, query or search parameters. */
const CALLER_INPUT = /\bbody\b|\.json\(\)|\.formData\(\)|\.text\(\)|\bquery(?:StringParameters)?\b|\bsearchParams\b/;

/**
 * Whether a message's fields (other than its recipients) hold what the request carried, directly
 * or through constants of the function (`const form = await req.formData()`, then
 * `const email = String(form.get('email'))`).
 */
function carriesCallerText(options: TS.ObjectLiteralExpression, call: TS.Node): boolean {
  const fn = enclosingBody(call);
  const fields = options.properties.filter((p) => !['to', 'cc', 'bcc', 'from'].includes((p.name ? propertyKeyName(p.name) ?? '' : '').toLowerCase()));
  return fn !== undefined && fields.some((field) => tracesTo(field, fn, CALLER_INPUT));
}

/** OAuth token endpoints: GitHub's `login/oauth/access_token`, `oauth2.googleapis.com/token`, `/oauth2/v2.0/token`, Slack's `oauth.v2.access`. */
const OAUTH_TOKEN_URL = /\boauth2?(?:\/v\d+(?:\.\d+)?)?\/(?:access_?)?token\b|oauth2\.googleapis\.com\/token\b|\/oauth(?:\.v2)?\.access\b/i;

/** The value sent as an OAuth `code`: `{ code }`, `code: query.code`, `.set('code', code)`, `` `code=${code}` ``. */
function codeValue(n: TS.Node): TS.Expression | undefined {
  if (ts.isShorthandPropertyAssignment(n) && n.name.text === 'code') return n.name;
  if (ts.isPropertyAssignment(n) && propertyKeyName(n.name) === 'code') return n.initializer;
  if (ts.isCallExpression(n) && n.arguments.length === 2 && stringLiteralValue(n.arguments[0]) === 'code') return n.arguments[1];
  if (ts.isTemplateSpan(n)) {
    const before = ts.isTemplateExpression(n.parent) && n.parent.templateSpans.indexOf(n) > 0 ? n.parent.templateSpans[n.parent.templateSpans.indexOf(n) - 1].literal.text : (n.parent as TS.TemplateExpression).head.text;
    if (/(?:^|[?&])code=$/.test(before)) return n.expression;
  }
  return undefined;
}

/** What the request carries: its query, path parameters or body (`const { code } = event.queryStringParameters`). */
const REQUEST_PART = /\b(?:query(?:StringParameters)?|searchParams|params|body)\b|\.json\(\)|\.formData\(\)/;

/** A key with a part the function makes up (`` `${randomUUID()}/${body.filename}` ``): the caller cannot name an existing object. */
function madeUnique(key: TS.Expression, fn: TS.Node): boolean {
  return tracesTo(key, fn, UNIQUE_PART);
}

const UNIQUE_PART = /\b(?:randomUUID|uuid(?:v4)?|v4|nanoid|cuid2?|createId|ulid|randomBytes)\s*\(/;

/** Whether a value is read from the request, directly or through constants of the function. */
function fromTheRequest(value: TS.Expression, fn: TS.Node): boolean {
  return tracesTo(value, fn, REQUEST_PART);
}

/**
 * Whether a value's text matches `pattern`, or that of what a constant it names was made from,
 * bound in `fn` (also destructured), up to three constants deep.
 */
function tracesTo(value: TS.Node, fn: TS.Node, pattern: RegExp, hops = 0): boolean {
  if (pattern.test(value.getText())) return true;
  return hops < 3 && someNode(value, (n) => ts.isIdentifier(n) && isValueIdentifier(n) && someNode(fn, (d) =>
    ts.isVariableDeclaration(d) && d.initializer !== undefined && boundIdentifiers(d.name).some((id) => id.text === n.text) && tracesTo(d.initializer, fn, pattern, hops + 1)));
}

/** Calls that only turn a time into a number, compare it with the clock or log it. */
const CLOCK_ARITHMETIC = /^(?:Number(?:\.\w+)?|parse(?:Int|Float)|isNaN|isFinite|BigInt|String|Math\.\w+|Date(?:\.\w+)?|dayjs|moment|console\.\w+|logger\.\w+|log\.\w+)$/;


/**
 * No HMAC here: the time is left out when the calls that take the signature take neither the time
 * nor the request (or its headers), and no other call takes the time.
 */
function handedOnWithoutTime(fn: TS.Node, calls: TS.CallExpression[], timeMentions: RegExp, file: SourceFileInfo): boolean {
  const signatureNames: string[] = [];
  walk(fn, (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && SIGNATURE_HEADER_TEXT.test(n.initializer.getText(file.sf))) signatureNames.push(n.name.text);
    return undefined;
  });
  const signatureMention = signatureNames.length === 0 ? SIGNATURE_HEADER_TEXT : new RegExp(`${SIGNATURE_HEADER_TEXT.source}|(?<![\\w$])(?:${signatureNames.join('|')})(?![\\w$])`, 'i');
  const params = new Set<string>();
  if (isFunctionLike(fn)) for (const p of fn.parameters) if (ts.isIdentifier(p.name)) params.add(p.name.text);
  // The request itself or its headers (`verify(event)`, `verify({ headers: req.headers, body })`); not one part (`event.body`).
  const handsOnRequest = (arg: TS.Expression) => someNode(arg, (n) => ts.isIdentifier(n) && (n.text === 'headers' ||
    params.has(n.text) && !((ts.isPropertyAccessExpression(n.parent) || ts.isElementAccessExpression(n.parent)) && n.parent.expression === n)));
  let verifierCalls = 0;
  for (const call of calls) {
    // A header read by name (`headers.get('x')`, `req.header('x')`) hands the time on to nobody.
    if (headerRead(unwrap(call.expression)) !== undefined || CLOCK_ARITHMETIC.test(dottedName(unwrap(call.expression)) ?? '')) continue;
    if (call.arguments.some((arg) => timeMentions.test(arg.getText(file.sf)))) return false;
    if (!call.arguments.some((arg) => signatureMention.test(arg.getText(file.sf)))) continue;
    if (call.arguments.some(handsOnRequest)) return false;
    verifierCalls++;
  }
  return verifierCalls > 0;
}

/** A header value used only as `if (!sig) return ...`. */
function testedForPresence(node: TS.Node): boolean {
  let current: TS.Node = node;
  while (current.parent && (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent))) current = current.parent;
  const parent = current.parent;
  if (parent && ts.isPrefixUnaryExpression(parent)) return true;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const fn = enclosingBody(parent);
    const name = parent.name.text;
    return fn !== undefined && someNode(fn, (n) => ts.isIfStatement(n) && containsIdentifier(n.expression, name));
  }
  return false;
}

/** A delivery-id header stored or looked up (in a db call or a cache `set NX`) de-duplicates. */
function usedInDedupe(node: TS.Node): boolean {
  let current: TS.Node = node;
  // `String(req.headers['x-github-delivery'])`, `` `gh:${id}` ``, `id!`, `id.toString()`: the id as a key.
  while (current.parent && (ts.isParenthesizedExpression(current.parent) || ts.isAsExpression(current.parent) || ts.isBinaryExpression(current.parent) ||
    ts.isNonNullExpression(current.parent) || ts.isTemplateSpan(current.parent) || ts.isTemplateExpression(current.parent) ||
    (ts.isCallExpression(current.parent) && ts.isIdentifier(current.parent.expression) && current.parent.expression.text === 'String') ||
    (ts.isPropertyAccessExpression(current.parent) && current.parent.name.text === 'toString' && ts.isCallExpression(current.parent.parent)))) {
    current = ts.isPropertyAccessExpression(current.parent) ? current.parent.parent! : current.parent;
  }
  const parent = current.parent;
  const names: string[] = [];
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) names.push(parent.name.text);
  const fn = enclosingBody(node);
  if (!fn) return false;
  return someNode(fn, (n) => {
    if (!ts.isCallExpression(n)) return false;
    const dotted = dottedName(unwrap(n.expression)) ?? '';
    const method = calleeName(n) ?? '';
    // A write that succeeds on a repeat (`upsert`, `update`, a plain `SET`) records the id but stops nothing.
    if (method === 'set' ? !n.arguments.some(isNxOption) : NOT_DEDUPING_WRITES.has(method) && !resultDecides(n)) return false;
    // Firestore's `collection('x').add(doc)` files the document under a new id: a repeat adds another.
    if (method === 'add' && addsUnderNewId(n)) return false;
    // `createMany({ ..., skipDuplicates: true })` passes a repeat without an error.
    if (method === 'createMany' && /\bskipDuplicates\s*:\s*true\b/.test(n.getText()) && !resultDecides(n)) return false;
    // Cloudflare KV by its binding (`if (await env.DELIVERIES.get(id)) return`): a look-up whose answer stops the repeat.
    const kvLookup = method === 'get' && /(^|\.)env\.[A-Z][A-Z0-9_]*\.get$/.test(dotted) && resultDecides(n);
    // Redis and key-value caches: only an answer that stops the repeat (`SET NX`, `SADD`, a look-up)
    // de-duplicates; `LPUSH` or an ignored `SADD` records the id and lets the repeat through.
    if (!kvLookup && KEY_VALUE_STORE.test(dotted) && !(KEY_VALUE_DEDUPE.has(method) && resultDecides(n))) return false;
    // A module's `new Set()` lives in one instance: a repeat to another (or after a cold start) passes.
    if (method === 'add' && inMemoryCollection(n)) return false;
    const isStore = kvLookup || /(^|\.)(db|prisma|redis|cache|kv)\./.test(dotted) || /^(setnx|setNX|set|add|create|findUnique|findFirst)$/.test(method);
    if (!isStore) return false;
    const args = n.arguments;
    return args.some((a) => a === current || a.pos <= node.pos && node.end <= a.end) || names.some((name) => args.some((a) => containsIdentifier(a, name)));
  });
}

/** Redis clients and caches, as projects name them. */
const KEY_VALUE_STORE = /(?:^|\.)(?:redis|cache|kv|upstash)\.\w+$/i;
/** What answers whether a key was there: conditional writes, counters and look-ups. */
const KEY_VALUE_DEDUPE = new Set(['set', 'setnx', 'setNX', 'sadd', 'sAdd', 'hsetnx', 'hSetNX', 'incr', 'get', 'exists', 'sismember', 'sIsMember', 'hexists', 'hExists', 'hget', 'hGet', 'getdel', 'getDel']);

/** `seen.add(id)` on a `new Set()` (or Map) of the module or function: memory of one instance. */
function inMemoryCollection(call: TS.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return false;
  const name = callee.expression.text;
  let found = false;
  someNode(call.getSourceFile(), (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) {
      const init = unwrap(n.initializer);
      found = ts.isNewExpression(init) && ts.isIdentifier(init.expression) && /^(?:Set|Map)$/.test(init.expression.text);
      return true;
    }
    return false;
  });
  return found;
}

function addsUnderNewId(call: TS.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const receiver = unwrap(callee.expression);
  return ts.isCallExpression(receiver) && calleeName(receiver) === 'collection';
}

function alwaysReturnsTrue(fn: FunctionLike, followCall?: (id: TS.Identifier) => boolean): boolean {
  if (!fn.body) return false;
  if (!ts.isBlock(fn.body)) return isTruthyConstant(fn.body, followCall);
  const returns: TS.ReturnStatement[] = [];
  let throws = false;
  walk(fn.body, (n) => {
    if (n !== fn.body && isFunctionLike(n)) return false;
    if (ts.isReturnStatement(n)) returns.push(n);
    if (ts.isThrowStatement(n)) throws = true;
    return undefined;
  });
  return !throws && returns.length > 0 && returns.every((r) => r.expression !== undefined && isTruthyConstant(r.expression, followCall));
}

function isTruthyConstant(expr: TS.Expression, followCall?: (id: TS.Identifier) => boolean): boolean {
  const node = unwrap(expr);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (followCall && ts.isCallExpression(node) && ts.isIdentifier(node.expression)) return followCall(node.expression);
  return false;
}

function relativeName(file: SourceFileInfo): string {
  const rel = file.path.slice(file.project.root.length + 1).split('\\').join('/');
  return rel.replace(/^api\//, '').replace(/\.(ts|js|tsx|jsx|mjs|cjs|mts|cts)$/, '');
}
