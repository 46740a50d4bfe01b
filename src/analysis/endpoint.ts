import path from 'node:path';
import ts from '../core/typescript';
import type * as TS from 'typescript';
import { DEFAULT_LIMITS, readTextFile, type SourceFileInfo } from '../core/files';
import { isExternalPackage, type ProjectAnalysis } from '../core/analysis';
import type { FnscanConfig } from '../core/config';
import type { Level } from '../core/types';
import type { RelatedReport, SuggestionReport } from '../core/rule';
import { calleeName, isFunctionLike, objectProperty, propertyValue, someNode, stringLiteralValue, unwrap, walk, within, type FunctionLike } from '../core/ast';
import { compileGlobs } from '../core/glob';
import { endpointInfo } from '../core/project';
import { HTTP_METHODS, middlewareGuards, type ConfigSite, type EndpointInfo, type GatewayAuth } from '../core/platforms';
import type { Span } from '../core/types';
import { BehaviourAnalyzer, behaviourOf, refusesAround, SIGNATURE_CHECK, SIGNED_VALUE } from './behaviour';
import { emptyFacts, mergeFacts, type Anchored, type AuthFact, type Facts, type SensitiveFact, type Site, type VerifyFact } from './facts';
import { PROVIDER_EVENT_NAME, SIGNATURE_HEADER_TEXT, WEBHOOK_NAME } from './vocabulary';
import { firebaseTrigger } from './firebase';
import { libraryStep, routerAppOf, type RouteScope, type RouteStep, type RouterApp } from './routers';
import { REPLAY, UNAUTHENTICATED, WEBHOOK_VERIFICATION } from '../rules/meta';

/** One verdict about an endpoint, already attributed to exactly one of the three handler rules. */
export interface HandlerFinding {
  ruleId: string;
  messageId: string;
  data: Record<string, string>;
  at: TS.Node | Span;
  level?: Level;
  related: RelatedReport[];
  suggestions?: SuggestionReport[];
}

/**
 * Judges an endpoint once; the three handler rules each report their share. A handler gets one
 * finding per root cause: a webhook with a bypassable check gets the verification finding, not
 * also "unauthenticated".
 */
export function endpointFindings(file: SourceFileInfo, analysis: ProjectAnalysis, config: FnscanConfig): HandlerFinding[] {
  if (file.role === 'test') return [];
  return analysis.memo('endpoint-findings', file, () => judge(file, analysis, config));
}

interface HandlerShape {
  /** What names the endpoint in code: the `handler` identifier, or the `export default` keywords. */
  nameNode: TS.Node | Span;
  /** Name for messages: the function or route, with the HTTP method for per-method exports. */
  name: string;
  /** What the platform's config puts in front of this handler (Lambda authorizers, function URLs). */
  gateway?: GatewayAuth;
  /** The platform drops repeated events itself (Pipedream `dedupe: 'unique'`). */
  platformDedupe?: TS.Node;
  functions: Array<{ fn: FunctionLike; file: SourceFileInfo }>;
  /** `useRequireAuth` wraps the handler: it decodes the caller but rejects nobody. */
  usesRequireAuthWrapper: boolean;
  /** The handler is produced by a package we cannot see into (serverless-http, middy...). */
  opaque: boolean;
  exempt: boolean;
  /** A route of an Express or Hono app: its path, which the webhook-name test reads instead of the function's name. */
  routePath?: string;
  /** What package middleware in front of the handler does (`expressjwt()`, `twilio.webhook()`), anchored where it is passed. */
  middlewareFacts?: Facts;
  /** For a route registered in another module: where it is written, and where it is mounted. */
  routeSites?: RelatedReport[];
  /** A Firebase callable function (`onCall`): Firebase's client SDK calls it, never a third party's webhook. */
  callable?: boolean;
  /** The function's own name, where one module holds several functions (Firebase's exports). */
  functionName?: string;
}

function judge(file: SourceFileInfo, analysis: ProjectAnalysis, config: FnscanConfig): HandlerFinding[] {
  const info = endpointInfoOf(file);
  if (!info) return judgeServerActions(file, analysis, config);
  // Netlify refuses HTTP calls to scheduled functions in production: no URL, so no caller to check.
  if (info.platform === 'netlify' && (info.scheduled || runsOnSchedule(file))) return [];
  // An edge function runs only on the paths routed to it: in its `config`, or in netlify.toml.
  if (info.edge && !info.edge.routed && !declaresPath(file)) return [];
  const behaviour = behaviourOf(analysis);
  return findHandlers(file, info, behaviour).flatMap((shape) => withRouteSite(judgeHandler(file, info, shape, behaviour, config), shape));
}

/** A route registered in another module (a router the app mounts) is reported at the export, and shown where it is written. */
function withRouteSite(findings: HandlerFinding[], shape: HandlerShape): HandlerFinding[] {
  if (shape.routeSites) for (const f of findings) f.related.unshift(...shape.routeSites);
  return findings;
}

function judgeHandler(
  file: SourceFileInfo,
  info: EndpointInfo,
  shape: HandlerShape,
  behaviour: BehaviourAnalyzer,
  config: FnscanConfig,
): HandlerFinding[] {
  if (shape.exempt) return [];
  const facts = emptyFacts();
  mergeFacts(facts, behaviour.moduleFacts(file, shape.routePath !== undefined));
  if (shape.middlewareFacts) mergeFacts(facts, shape.middlewareFacts);
  for (const { fn, file: fnFile } of shape.functions) {
    mergeFacts(facts, behaviour.factsOf(fn, fnFile, 0, file));
    if (constructsDbAuthHandler(fn)) return [];
  }
  if (shape.platformDedupe) facts.dedupe.push({ file, node: shape.platformDedupe });
  const name = shape.name;
  const ctx: JudgeContext = { file, name, nameNode: shape.nameNode, facts };
  addManualHmacCheck(facts, behaviour);
  addPackageSignatureCheck(facts);
  for (let i = 0; i < facts.verifies.length; i++) {
    const v = facts.verifies[i];
    if (!v.broken && onlyWhenSigned(v.node)) facts.verifies[i] = { ...v, broken: 'onlyWhenSigned' };
    else if (!v.broken && skippedOnRequest(v.node, facts.sensitive)) facts.verifies[i] = { ...v, broken: 'skippedOnRequest' };
  }

  const broken = facts.verifies.filter((v) => v.broken);
  const sound = facts.verifies.filter((v) => !v.broken);
  // A server action answers the app's own forms: never a webhook, whatever its name or headers.
  const functionName = shape.functionName ?? info.name;
  const isWebhook =
    !info.serverAction &&
    !shape.callable &&
    (facts.verifies.length > 0 ||
    facts.signatureHeaders.length > 0 ||
    facts.eventHeaders.length > 0 ||
    (webhookNamed(shape.routePath, functionName) && facts.readsBody) ||
    // A Pipedream HTTP source exists to receive third-party events.
    (info.platform === 'pipedream' && facts.readsBody));
  // An authorizer in front of the function (API Gateway, SAM) authenticates the caller.
  const gatewayProtected = shape.gateway?.protected === true;

  const findings: HandlerFinding[] = broken.map((v) => brokenFinding(ctx, v));
  // A webhook-named endpoint that checks a shared secret or a user authenticates its caller.
  if (isWebhook && facts.verifies.length === 0 && !shape.opaque && facts.auth.length === 0 && !gatewayProtected) {
    if (facts.sensitive.length > 0) findings.push(unverifiedFinding(ctx));
    return findings;
  }
  if (sound.length > 0) {
    const early = actsBeforeVerifying(facts, sound);
    if (early) findings.push(early(ctx));
    else if (broken.length === 0) findings.push(...replayFindings(ctx, sound));
    return findings;
  }
  if (broken.length > 0 || shape.opaque || gatewayProtected || isDeclaredPublic(file, functionName, config)) return findings;
  if (facts.auth.length > 0) {
    const unguarded = facts.sensitive.find((work) => !facts.auth.some((auth) => authCovers(auth, work)));
    if (unguarded) findings.push(unguardedFinding(ctx, unguarded));
    return findings;
  }
  // A Next.js middleware running an auth library guards routes before they run (not server
  // actions: they are posted to whatever page the caller names, so Next.js asks for a check in each).
  const middleware = file.project.platforms?.nextAuthMiddleware;
  if (info.platform === 'next' && !info.serverAction && middleware && middlewareGuards(middleware, info.name)) return findings;
  const work = firstWork(facts);
  const openUrl = shape.gateway?.openUrl ? [configRelated(shape.gateway.site, file)] : [];
  if (work) {
    const finding = unauthenticatedFinding(ctx, work, shape.usesRequireAuthWrapper, behaviour.analysis);
    finding.related.push(...openUrl);
    return [finding];
  }
  // A public endpoint doing no sensitive work (a health check, a calculator) is not a finding,
  // unless a function URL opens it to anyone with nothing in front: then each call is billed.
  return openUrl.length > 0 ? [openUrlFinding(ctx, openUrl)] : [];
}

/** A function named like a webhook receiver (`stripeWebhook`), or a route with such a segment (`/webhooks/:provider`). */
function webhookNamed(routePath: string | undefined, functionName: string): boolean {
  const named = (name: string): boolean => WEBHOOK_NAME.test(name) || PROVIDER_EVENT_NAME.test(name);
  if (routePath === undefined) return named(functionName.split('/').pop() ?? '');
  return routePath.split('/').some((segment) => segment !== '' && !segment.startsWith(':') && named(segment));
}

/** The SAM/serverless line that opens a function URL to anyone, as a related location. */
function configRelated(site: ConfigSite, file: SourceFileInfo): RelatedReport {
  const read = readTextFile(site.file, DEFAULT_LIMITS);
  const text = 'text' in read ? read.text : '';
  return {
    file: { kind: 'text', path: site.file, text, project: file.project },
    span: { start: site.start, end: site.end },
    message: 'The function URL is open (`AuthType: NONE`): nothing in front of the code checks the caller.',
  };
}

/** Redwood and platform endpoints by path; Pipedream HTTP components by content. */
function endpointInfoOf(file: SourceFileInfo): EndpointInfo | undefined {
  if (file.role === 'endpoint') return endpointInfo(file.path, file.project);
  if (file.role === 'source' && file.text.includes('$.interface.http')) {
    return { platform: 'pipedream', exports: ['default'], name: path.basename(file.path).replace(/\.[^.]+$/, '') };
  }
  return undefined;
}

/** The message a handler finding takes when the handler is a server action. */
const SERVER_ACTION_MESSAGES: Record<string, string> = {
  unauthenticated: 'serverAction',
  unguardedPath: 'serverActionUnguarded',
  optionalCheck: 'serverActionOptionalCheck',
  stubOnly: 'serverActionStub',
  decodeOnly: 'serverActionDecodeOnly',
  headerOnly: 'serverActionHeaderOnly',
};

/**
 * Next.js server actions: the exported functions of a `'use server'` module, and functions whose
 * body starts with `'use server'`. Each is a public POST endpoint, whoever the page that renders
 * its form lets in, so each is judged on its own.
 */
function judgeServerActions(file: SourceFileInfo, analysis: ProjectAnalysis, config: FnscanConfig): HandlerFinding[] {
  // The directive means a server function wherever it is written: in a Next.js app, or in a
  // workspace package of actions that an app imports (its own package.json names no framework).
  if (file.role !== 'source' || !file.text.includes('use server')) return [];
  // A Next.js app with the pages router only has no server actions: the directive does nothing there.
  const platforms = file.project.platforms;
  if (platforms?.next && platforms.nextAppDirs.length === 0) return [];
  const actions = serverActions(file);
  if (actions.length === 0) return [];
  const behaviour = behaviourOf(analysis);
  return actions.flatMap(({ name, nameNode, value, from }) => {
    const info: EndpointInfo = { platform: 'next', exports: [], name, serverAction: true };
    // `export { wipe } from '@/lib/impl'` in a 'use server' module makes `wipe` an action too.
    const elsewhere = from ? behaviour.exportedValue(file, from.specifier, from.name) : { node: value, file };
    if (!elsewhere) return [];
    const shape = shapeOf(nameNode, elsewhere.node, name, elsewhere.file, behaviour);
    return judgeHandler(file, info, shape, behaviour, config).map((f) => ({
      ...f,
      messageId: SERVER_ACTION_MESSAGES[f.messageId] ?? f.messageId,
      related: f.related.map((r) => ({ ...r, message: r.message.replace(/^The handler /, 'The action ') })),
    }));
  });
}

interface ServerAction {
  name: string;
  nameNode: TS.Node | Span;
  value: TS.Node;
  /** A re-export: the module and name the action comes from. */
  from?: { specifier: string; name: string };
}

function serverActions(file: SourceFileInfo): ServerAction[] {
  const sf = file.sf;
  if (startsWithUseServer(sf.statements)) {
    const actions: ServerAction[] = [];
    for (const [exportName, found] of exportedValues(file)) {
      if (found.from) {
        actions.push({ name: exportName, nameNode: found.nameNode, value: found.value, from: found.from });
        continue;
      }
      const value = ts.isExpression(found.value) ? unwrap(found.value) : found.value;
      if (!isFunctionLike(value) && !ts.isIdentifier(value) && !ts.isCallExpression(value)) continue;
      const declared = ts.isFunctionDeclaration(value) ? value.name?.text : undefined;
      actions.push({ name: exportName === 'default' ? (declared ?? 'default') : exportName, nameNode: found.nameNode, value: found.value });
    }
    return actions;
  }
  const actions: ServerAction[] = [];
  const visit = (node: TS.Node): void => {
    if (isFunctionLike(node) && node.body && ts.isBlock(node.body) && startsWithUseServer(node.body.statements)) {
      const named = actionName(node);
      actions.push({ name: named?.text ?? 'inline action', nameNode: named ?? node.body.statements[0], value: node });
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return actions;
}

/** A directive prologue holding `'use server'`. */
function startsWithUseServer(statements: TS.NodeArray<TS.Statement>): boolean {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === 'use server') return true;
  }
  return false;
}

/** The name an inline action is known by: its own, or that of the variable or property holding it. */
function actionName(fn: FunctionLike): TS.Identifier | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name;
  if (ts.isMethodDeclaration(fn) && ts.isIdentifier(fn.name)) return fn.name;
  const holder = fn.parent;
  if (holder && (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder)) && ts.isIdentifier(holder.name)) return holder.name;
  return undefined;
}

/**
 * `export const config = { schedule: '@daily' }` (also declared, then exported in a list) or
 * `export const handler = schedule('@daily', fn)` with `schedule` imported from `@netlify/functions`.
 */
function runsOnSchedule(file: SourceFileInfo): boolean {
  if (!file.text.includes('schedule')) return false;
  const exported = exportedValues(file);
  const config = exported.get('config');
  const configValue = config && !config.from ? localValue(file, config.value) : undefined;
  if (configValue && ts.isObjectLiteralExpression(configValue) && objectProperty(configValue, 'schedule')) return true;
  const handler = exported.get('handler');
  const handlerValue = handler && !handler.from ? localValue(file, handler.value) : undefined;
  if (!handlerValue || !ts.isCallExpression(handlerValue)) return false;
  const callee = unwrap(handlerValue.expression);
  return ts.isIdentifier(callee) && importedFrom(file, callee.text) === 'schedule@@netlify/functions';
}

/** `export const config = { path: '/admin/*' }` (a Netlify edge function's own route). */
function declaresPath(file: SourceFileInfo): boolean {
  const config = exportedValues(file).get('config');
  const value = config && !config.from ? localValue(file, config.value) : undefined;
  return value !== undefined && ts.isObjectLiteralExpression(value) && objectProperty(value, 'path') !== undefined;
}

/** A value, through one local `const` it names (`const config = {...}; export { config }`). */
function localValue(file: SourceFileInfo, value: TS.Node): TS.Node {
  const expr = ts.isExpression(value) ? unwrap(value) : value;
  if (!ts.isIdentifier(expr)) return expr;
  for (const statement of file.sf.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (ts.isIdentifier(decl.name) && decl.name.text === expr.text && decl.initializer) return unwrap(decl.initializer);
    }
  }
  return expr;
}

/** `name@module` for a local name bound by a named import, read from the file's imports alone. */
function importedFrom(file: SourceFileInfo, local: string): string | undefined {
  for (const statement of file.sf.statements) {
    if (!ts.isImportDeclaration(statement)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    const el = bindings.elements.find((e) => e.name.text === local);
    const specifier = stringLiteralValue(statement.moduleSpecifier);
    if (el && specifier !== undefined) return `${(el.propertyName ?? el.name).text}@${specifier}`;
  }
  return undefined;
}

interface JudgeContext {
  file: SourceFileInfo;
  name: string;
  nameNode: TS.Node | Span;
  facts: Facts;
}

/** Reports at the offending node when it is in the endpoint file, else at the handler with a pointer. */
function placed(ctx: JudgeContext, site: Site, message: string): { at: TS.Node | Span; related: RelatedReport[] } {
  if (site.file === ctx.file) return { at: site.node, related: [] };
  return { at: ctx.nameNode, related: [related(site, message)] };
}

function related(site: Site, message: string): RelatedReport {
  return { file: site.file, span: { start: site.node.getStart(site.file.sf), end: site.node.getEnd() }, message };
}

function brokenFinding(ctx: JudgeContext, v: VerifyFact): HandlerFinding {
  const where = placed(ctx, v, `${capitalise(v.via)} is bypassable here.`);
  const suggestions: SuggestionReport[] = [];
  if (v.broken === 'skipVerifier' && v.file === ctx.file && ts.isStringLiteral(v.node)) {
    const quote = v.node.getText(v.file.sf)[0];
    suggestions.push({
      description: 'Use a real verifier such as timestampSchemeVerifier',
      span: { start: v.node.getStart(v.file.sf), end: v.node.getEnd() },
      text: `${quote}timestampSchemeVerifier${quote}`,
    });
  }
  return {
    ruleId: WEBHOOK_VERIFICATION,
    messageId: v.broken!,
    data: { name: ctx.name, via: v.via },
    ...where,
    suggestions,
  };
}

/** The most telling sensitive act: a write if there is one, else the first read. */
function firstWork(facts: Facts): Anchored<SensitiveFact> | undefined {
  return facts.sensitive.find((s) => s.write) ?? facts.sensitive[0];
}

function unverifiedFinding(ctx: JudgeContext): HandlerFinding {
  const work = firstWork(ctx.facts)!;
  const header = ctx.facts.signatureHeaders[0];
  const rel = [related(work, `The handler ${work.work} here.`)];
  if (ctx.facts.signaturePresenceChecked && header) {
    return {
      ruleId: WEBHOOK_VERIFICATION,
      messageId: 'presenceOnly',
      data: { name: ctx.name, header: header.header, work: work.work },
      at: ctx.nameNode,
      related: [related(header, `\`${header.header}\` is read here but never verified.`), ...rel],
    };
  }
  return { ruleId: WEBHOOK_VERIFICATION, messageId: 'unverified', data: { name: ctx.name, work: work.work }, at: ctx.nameNode, related: rel };
}

function unauthenticatedFinding(ctx: JudgeContext, work: Anchored<SensitiveFact>, wrapperOnly: boolean, analysis: ProjectAnalysis): HandlerFinding {
  const rel = [related(work, `The handler ${work.work} here.`)];
  const stub = ctx.facts.stubAuthCalls[0];
  if (stub?.decodes) {
    rel.push(related(stub, `This auth helper only decodes the token (\`${stub.decodes}\`); it never checks the signature.`));
    return { ruleId: UNAUTHENTICATED, messageId: 'decodeOnly', data: { name: ctx.name, work: work.work, decoder: stub.decodes }, at: ctx.nameNode, related: rel };
  }
  if (stub?.header) {
    rel.push(related(stub, `This auth helper only reads the \`${stub.header}\` header, which any caller can set.`));
    return { ruleId: UNAUTHENTICATED, messageId: 'headerOnly', data: { name: ctx.name, work: work.work, header: stub.header }, at: ctx.nameNode, related: rel };
  }
  if (stub) {
    rel.push(related(stub, 'This auth helper allows every caller.'));
    return { ruleId: UNAUTHENTICATED, messageId: 'stubOnly', data: { name: ctx.name, work: work.work }, at: ctx.nameNode, related: rel };
  }
  return {
    ruleId: UNAUTHENTICATED,
    messageId: wrapperOnly ? 'wrapperOnly' : 'unauthenticated',
    data: { name: ctx.name, work: work.work },
    at: ctx.nameNode,
    related: [...rel, ...unresolvedImports(ctx.file, analysis)],
  };
}

/**
 * The endpoint's imports of project code fnscan found no file for (`@/lib/auth` with no tsconfig
 * `paths` for `@/`): a check made in one is not seen, and the finding says so where it points.
 */
function unresolvedImports(file: SourceFileInfo, analysis: ProjectAnalysis): RelatedReport[] {
  const notes: RelatedReport[] = [];
  for (const statement of file.sf.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.importClause?.isTypeOnly) continue;
    const specifier = statement.moduleSpecifier.text;
    if (isExternalPackage(specifier) || analysis.resolveImport(file, specifier) !== undefined) continue;
    notes.push({
      file,
      span: { start: statement.moduleSpecifier.getStart(file.sf), end: statement.moduleSpecifier.getEnd() },
      message: `fnscan found no file for \`${specifier}\`, so a check made in it is not seen${specifier.startsWith('.') ? '' : ' (a path alias needs tsconfig `paths`)'}.`,
    });
  }
  return notes;
}

/**
 * Sensitive work on a path that skips the handler's checks: a write before every check in the
 * same function, or work that no check's branch leads to (`if (method === 'GET') requireAuth()`,
 * then a DELETE that falls through). Checks in another function (a wrapper) cover everything.
 */
function authCovers(auth: Anchored<AuthFact>, work: Anchored<SensitiveFact>): boolean {
  // A check that only guards a branch covers the work in that branch, done there or by a helper called there.
  const stretch = auth.onlyWithin;
  if (stretch) return [work.node, work.anchor].some((n) => n.getSourceFile() === stretch.sf && stretch.pos <= n.pos && n.end <= stretch.end);
  // A refusal a `catch` swallows stops the rest of its `try` block, and nothing after it.
  if (auth.swallowedIn) {
    return work.anchor.getSourceFile() === auth.swallowedIn.getSourceFile() && within(auth.swallowedIn, work.anchor) && work.anchor.pos >= auth.anchor.end;
  }
  // `try { requireAuth() } finally { await db.session.deleteMany() }`: `finally` runs when the check throws too.
  if (inFinallyOfTryHolding(work.anchor, auth.anchor)) return false;
  const fn = runningFunction(auth.anchor);
  if (fn === undefined || fn !== runningFunction(work.anchor)) return true;
  const branch = branchOf(auth.anchor, fn);
  if (branch !== undefined && !within(branch, work.anchor)) {
    const owner = branch.parent;
    // Another branch of the same `if`, `switch` or `?:`: the check is on a path the work is not.
    if (within(owner, work.anchor)) return false;
    // After it: only a branch that always leaves (`if (GET) { requireAuth(); ...; return }`) tells;
    // otherwise the paths may be correlated (`if (method !== 'GET') requireAuth()`), so the benefit of the doubt.
    return !(work.anchor.pos >= owner.end && endsInExit(branch));
  }
  // A read before the check still answers after it; a write has already happened, and only
  // bookkeeping must come first: a rate-limit counter, a request log.
  // Positions with trivia (`pos`): enough to order two nodes, and no scan for their start.
  if (!work.write || auth.anchor.pos <= work.anchor.pos || within(work.anchor, auth.anchor)) return true;
  return work.append === true && work.model !== undefined && isBookkeeping(work.model);
}

/** Last words of the models a handler may add to before it knows the caller: logs and counters of requests. */
const BOOKKEEPING_LAST_WORDS = new Set(['log', 'logs', 'attempt', 'attempts', 'hit', 'hits', 'metric', 'metrics', 'view', 'views', 'throttle', 'throttles']);

/**
 * `rateLimit`, `rate_limits`, `requestLog`, `loginAttempt`, `failedLogin`, `pageView`, `auditEvent`:
 * bookkeeping, judged by the model's words (`creditLimit`, `friendRequest` and `visitor` are not).
 */
export function isBookkeeping(model: string): boolean {
  const words = model.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (BOOKKEEPING_LAST_WORDS.has(last)) return true;
  if (words.includes('rate') && /^limit(?:s|er|ers)?$/.test(last)) return true;
  if (words[0] === 'failed' && /^logins?$/.test(last)) return true;
  if (words.includes('analytics') || (words.includes('usage') && /^(?:events?|records?)$/.test(last))) return true;
  return words[0] === 'audit' && /^(?:events?|trails?|entry|entries)$/.test(last);
}

/** The branch always leaves the function: its last statement returns or throws. */
function endsInExit(branch: TS.Node): boolean {
  const statements = ts.isBlock(branch) ? branch.statements : ts.isCaseClause(branch) || ts.isDefaultClause(branch) ? branch.statements : undefined;
  const last = statements ? statements[statements.length - 1] : branch;
  return last !== undefined && ts.isStatement(last) && (ts.isReturnStatement(last) || ts.isThrowStatement(last) || (ts.isBlock(last) && endsInExit(last)));
}

/** `work` sits in the `finally` block of a `try` whose block holds the check. */
function inFinallyOfTryHolding(work: TS.Node, check: TS.Node): boolean {
  for (let current: TS.Node = work; current.parent; current = current.parent) {
    const parent = current.parent;
    if (isFunctionLike(parent)) return false;
    if (ts.isTryStatement(parent) && parent.finallyBlock === current) return within(parent.tryBlock, check) && check.getSourceFile() === work.getSourceFile();
  }
  return false;
}

/** Callbacks that run as part of the call they are given to: loops over arrays, transactions, `.then`. */
const RUNS_IN_PLACE = /^(?:map|forEach|flatMap|filter|reduce|some|every|find|findIndex|\$transaction|transaction|then)$/;

/**
 * The function whose run a node is part of: the enclosing one, past callbacks that run in place
 * (`ids.map(id => db.post.delete(...))`, `db.$transaction(async tx => ...)`), so that work in them
 * is ordered against the checks of the function around them.
 */
function runningFunction(node: TS.Node): TS.Node | undefined {
  let fn = enclosingFunction(node);
  while (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parent && ts.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn as TS.Expression) && RUNS_IN_PLACE.test(calleeName(fn.parent) ?? '')) {
    fn = enclosingFunction(fn);
  }
  return fn;
}

function enclosingFunction(node: TS.Node): TS.Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current;
  }
  return undefined;
}

/** The innermost part of `fn` that may not run on every path through it: an `if` branch, a `case`, a loop body, a `catch`, the right of `&&`. */
function branchOf(node: TS.Node, fn: TS.Node): TS.Node | undefined {
  for (let child = node, parent = node.parent; parent && parent !== fn; child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) && child !== parent.expression) return child;
    if (ts.isConditionalExpression(parent) && child !== parent.condition) return child;
    if (ts.isBinaryExpression(parent) && child === parent.right) {
      const op = parent.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return child;
    }
    if (ts.isCaseClause(parent) || ts.isDefaultClause(parent) || ts.isCatchClause(parent)) return parent;
    if ((ts.isForStatement(parent) || ts.isForOfStatement(parent) || ts.isForInStatement(parent) || ts.isWhileStatement(parent)) && child === parent.statement) {
      return child;
    }
  }
  return undefined;
}

function unguardedFinding(ctx: JudgeContext, work: Anchored<SensitiveFact>): HandlerFinding {
  // The check shown is one in the work's own function, as called there (`requireAuth()`, not the `if` inside it).
  const fn = runningFunction(work.anchor);
  const checks = ctx.facts.auth.filter((a) => runningFunction(a.anchor) === fn);
  // None there: a check of one branch of a middleware (`if (req.user) { ... }; next()`) that the work runs after.
  // A check made only when a credential is sent says why it misses; a check by name (`jwt.verify`)
  // comes before a credential header read in a function that refuses somewhere.
  const named = (a: Anchored<AuthFact>) => !a.via.startsWith('the `');
  const auth = checks.find((a) => a.optional && named(a)) ?? checks.find((a) => a.node === a.anchor && named(a)) ?? checks.find((a) => a.node === a.anchor) ?? checks[0] ?? ctx.facts.auth[0];
  const site: Site = auth.anchor.getSourceFile() === ctx.file.sf ? { file: ctx.file, node: auth.anchor } : auth;
  const checked = auth.swallowedIn
    ? 'The caller is checked here, but a `catch` that carries on swallows the refusal.'
    : auth.optional
      ? 'The caller is checked here, only when the request carries a credential.'
      : 'The caller is checked here, on another path or only afterwards.';
  return {
    ruleId: UNAUTHENTICATED,
    messageId: auth.optional ? 'optionalCheck' : 'unguardedPath',
    data: { name: ctx.name, work: work.work, via: auth.via },
    at: ctx.nameNode,
    related: [related(work, `The handler ${work.work} here.`), related(site, checked)],
  };
}

function openUrlFinding(ctx: JudgeContext, related: RelatedReport[]): HandlerFinding {
  return { ruleId: UNAUTHENTICATED, messageId: 'openFunctionUrl', data: { name: ctx.name }, at: ctx.nameNode, level: 'warning', related };
}

/**
 * Repeats are stopped (an insert keyed by the event id, `SET NX`, a lookup) or harmless: every
 * write is an upsert or update keyed by the event id, so a replay writes the same state again.
 */
function dedupes(facts: Facts): boolean {
  if (facts.dedupe.some((d) => !d.idempotent)) return true;
  const idempotent = new Set(facts.dedupe.map((d) => d.node));
  return idempotent.size > 0 && facts.sensitive.every((s) => !s.write || idempotent.has(s.node));
}

function replayFindings(ctx: JudgeContext, sound: VerifyFact[]): HandlerFinding[] {
  const { facts } = ctx;
  if (sound.some((v) => v.replay === 'window') || facts.timestampChecks.length > 0 || dedupes(facts)) return [];
  const v = sound[0];
  const unsigned = facts.unsignedTimestamps[0];
  if (unsigned && !v.replayNote) {
    return [{ ruleId: REPLAY, messageId: 'unsignedTimestamp', data: { name: ctx.name, via: v.via }, ...placed(ctx, unsigned, 'The timestamp is checked here, but the signature does not cover it.') }];
  }
  const where = placed(ctx, v, `${capitalise(v.via)} verifies the signature here without a time window.`);
  return [
    {
      ruleId: REPLAY,
      messageId: v.replayNote ? 'weakWindow' : 'noReplayProtection',
      data: { name: ctx.name, via: v.via, note: v.replayNote ?? '' },
      ...where,
    },
  ];
}

/** A write in the handler's own body that runs before the first verification. */
function actsBeforeVerifying(facts: Facts, sound: Anchored<VerifyFact>[]): ((ctx: JudgeContext) => HandlerFinding) | undefined {
  const firstVerify = Math.min(...sound.map((v) => v.anchor.getStart()));
  const verifyFile = sound[0].anchor.getSourceFile();
  const write = facts.sensitive.find(
    (s) => s.write && s.anchor.getSourceFile() === verifyFile && s.anchor.getStart() < firstVerify && !contains(s.anchor, sound[0].anchor),
  );
  if (!write) return undefined;
  return (ctx) => ({
    ruleId: WEBHOOK_VERIFICATION,
    messageId: 'actsBeforeVerify',
    data: { name: ctx.name, work: write.work, via: sound[0].via },
    ...placed(ctx, { file: write.file, node: write.anchor.getSourceFile() === ctx.file.sf ? write.anchor : write.node }, `The payload is used here before verification.`),
  });
}

function contains(outer: TS.Node, inner: TS.Node): boolean {
  return outer.getStart() <= inner.getStart() && inner.getEnd() <= outer.getEnd();
}

/**
 * `createHmac` plus a comparison of signatures plus a refusal, in a handler that receives a signed
 * request (reads a signature header or the body): a hand-written check. An HMAC that signs a
 * response, in a handler that authenticates its user, is not one.
 */
function addManualHmacCheck(facts: Facts, behaviour: BehaviourAnalyzer): void {
  // A signed value checked counts as auth too; for a webhook it is this manual HMAC check.
  if (facts.verifies.length > 0 || facts.hmac.length === 0 || facts.auth.some((a) => !a.via.startsWith(SIGNED_VALUE))) return;
  if (facts.signatureHeaders.length === 0 && !facts.readsBody) return;
  // The comparison must be able to refuse: a `throw` or a 401/403 answer (`return { statusCode: 401 }`, `res.status(401)`).
  const comparesSignatures = facts.compares.some(
    (c) => (!ts.isBinaryExpression(c.node) || /sig|hmac|digest|\bmac\b|hash|expected/i.test(c.node.getText(c.file.sf))) && (facts.rejects || refusesAround(c.node)) && !behaviour.comparesUnrelated(c),
  );
  if (!comparesSignatures) return;
  const site = facts.hmac[0];
  facts.verifies.push({ ...site, via: 'a manual HMAC check', replay: 'none', anchor: site.node });
}

/**
 * A package's signature check that decides a refusal (tweetnacl's Ed25519 `sign.detached.verify`,
 * as Discord's interactions are checked) on a request that carries a webhook signature header:
 * that is the webhook's verification, and its replay protection is then asked for.
 */
function addPackageSignatureCheck(facts: Facts): void {
  if (facts.verifies.length > 0 || facts.signatureHeaders.length === 0) return;
  for (const auth of facts.auth) {
    if (!auth.via.startsWith(SIGNATURE_CHECK) || auth.onlyWithin || auth.swallowedIn) continue;
    facts.verifies.push({ file: auth.file, node: auth.node, via: auth.via.slice(SIGNATURE_CHECK.length), replay: 'none', anchor: auth.anchor });
  }
}

/**
 * `if (signature) { ...verify... }` with nothing refusing the request that has none: leaving the
 * header out skips the check. The test names the signature header, or a constant of the function
 * that reads it.
 */
function onlyWhenSigned(node: TS.Node): boolean {
  for (let current: TS.Node = node; current.parent && !isFunctionLike(current.parent); current = current.parent) {
    const statement = current.parent;
    // `const event = signature ? stripe.webhooks.constructEvent(body, signature, secret) : JSON.parse(body)`.
    const conditional = ts.isConditionalExpression(statement) && statement.whenTrue === current;
    if (!conditional && (!ts.isIfStatement(statement) || statement.thenStatement !== current)) continue;
    if (ts.isIfStatement(statement) && statement.elseStatement && someNode(statement.elseStatement, (n) => ts.isReturnStatement(n) || ts.isThrowStatement(n), isFunctionLike)) return false;
    // (`signature ? verify(...) : null`, then a test of the answer: the unsigned request gets nothing to act on.)
    if (ts.isConditionalExpression(statement) && /^(?:null|undefined|false|''|""|reject\w*\(.*|fail\w*\(.*)$/s.test(unwrap(statement.whenFalse).getText())) return false;
    const test = unwrap(ts.isIfStatement(statement) ? statement.expression : (statement as TS.ConditionalExpression).condition);
    const operand = ts.isBinaryExpression(test) && test.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken ? unwrap(test.left) : test;
    if (!ts.isIdentifier(operand) && !ts.isPropertyAccessExpression(operand) && !ts.isElementAccessExpression(operand) && !ts.isCallExpression(operand)) continue;
    if (readsSignatureHeader(operand.getText()) || (ts.isIdentifier(operand) && readsSignatureHeader(constantText(statement, operand.text)))) return true;
  }
  return false;
}

/**
 * `if (req.headers.get('x-msw-mock') === 'true') evt = await req.json(); else evt = wh.verify(...)`,
 * then the work: the check sits in one branch of a test of what the request itself says (a header,
 * a query parameter; read in the test or in a constant it names), and the other branch acts, or
 * carries on to work after the `if`. Any sender can pass that test.
 */
function skippedOnRequest(node: TS.Node, sensitive: ReadonlyArray<Anchored<SensitiveFact>>): boolean {
  for (let current: TS.Node = node; current.parent && !isFunctionLike(current.parent); current = current.parent) {
    const statement = current.parent;
    if (!ts.isIfStatement(statement) || (statement.thenStatement !== current && statement.elseStatement !== current)) continue;
    const other = statement.thenStatement === current ? statement.elseStatement : statement.thenStatement;
    const test = statement.expression;
    const texts = [test.getText(), ...syntaxNames(test).map((name) => constantText(statement, name))];
    // A bypass the deployment turns on (`process.env.ENABLE_MOCKS && ...`) is its own decision.
    if (!texts.some((text) => REQUEST_SAYS.test(text)) || texts.some((text) => ENV_READ.test(text))) continue;
    const sf = statement.getSourceFile();
    const within = (n: TS.Node, start: number, end: number): boolean => n.getSourceFile() === sf && n.pos >= start && n.end <= end;
    if (other && sensitive.some((w) => within(w.node, other.pos, other.end))) return true;
    if (other && someNode(other, (n) => ts.isReturnStatement(n) || ts.isThrowStatement(n), isFunctionLike)) continue;
    let fn: TS.Node = statement;
    while (fn.parent && !isFunctionLike(fn)) fn = fn.parent;
    if (sensitive.some((w) => within(w.node, statement.end, fn.end))) return true;
  }
  return false;
}

/** A read of what the request says about itself: a header or a query parameter. */
const REQUEST_SAYS = /\.headers\.get\(|\bheaders\(\)\.get\(|\b\w*[hH]eader\w*\.get\(|\.headers\[|\.headers\.[\w$]+|\.header\(|\bsearchParams\.get\(|\.query\.|\.query\[|queryStringParameters/;

const ENV_READ = /\bprocess\.env\b|\bimport\.meta\.env\b|\b(?:Deno|Netlify)\.env\b|\benv\.[A-Z]/;

/** The identifiers a test is written with (`isMock && enabled`). */
function syntaxNames(test: TS.Node): string[] {
  const names: string[] = [];
  walk(test, (n) => {
    if (ts.isIdentifier(n)) names.push(n.text);
  });
  return names;
}

function readsSignatureHeader(text: string): boolean {
  return SIGNATURE_HEADER_TEXT.test(text);
}

/** The initializer text of a constant named `name` in the function around `node`. */
function constantText(node: TS.Node, name: string): string {
  let fn: TS.Node | undefined = node.parent;
  while (fn && !isFunctionLike(fn)) fn = fn.parent;
  let text = '';
  if (fn) {
    someNode(fn, (n) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) text = n.initializer.getText();
      return text !== '';
    });
  }
  return text;
}

function capitalise(text: string): string {
  return text.replace(/^\w/, (c) => c.toUpperCase());
}

function isDeclaredPublic(file: SourceFileInfo, name: string, config: FnscanConfig): boolean {
  const declared = config.publicFunctions ?? [];
  if (declared.includes(name)) return true;
  // Relative to the folder of the config that declares them (the project's own, or its workspace's).
  const rel = path.relative(file.project.settings?.dir ?? file.project.root, file.path).split(path.sep).join('/');
  return compileGlobs(declared.filter((d) => d.includes('/') || d.includes('*')))(rel);
}

function constructsDbAuthHandler(fn: FunctionLike): boolean {
  // The class is named where it is constructed: a file whose text lacks the name needs no walk.
  if (!fn.getSourceFile().text.includes('DbAuthHandler')) return false;
  return someNode(fn, (n) => ts.isNewExpression(n) && calleeName(n) === 'DbAuthHandler');
}

interface ExportedValue {
  nameNode: TS.Node | Span;
  value: TS.Node;
  /** `export { x as handler } from 'src/lib/handlers'`: the value lives in another module. */
  from?: { specifier: string; name: string };
}

/** The handlers a file exports under the platform's names: `handler`, `default`, `GET`/`POST`... */
function findHandlers(file: SourceFileInfo, info: EndpointInfo, behaviour: BehaviourAnalyzer): HandlerShape[] {
  if (info.firebase) return firebaseHandlers(file, behaviour);
  if (info.served) return servedHandlers(file, info, behaviour);
  const exported = exportedValues(file);
  const shapes: HandlerShape[] = [];
  const routesSeen = new Set<string>();
  for (const exportName of info.exports) {
    const found = exported.get(exportName);
    if (!found) continue;
    const method = HTTP_METHODS.includes(exportName) ? exportName : pagesMethod(exportName);
    const own = info.perExport?.[exportName];
    const name = own?.name ?? (method ? `${method} ${info.name}` : info.name);
    let valueFile = file;
    let exportedNode: TS.Node | undefined = found.value;
    if (found.from) {
      const elsewhere = behaviour.exportedValue(file, found.from.specifier, found.from.name);
      exportedNode = elsewhere?.node;
      valueFile = elsewhere?.file ?? file;
    }
    const value = exportedNode && (info.platform === 'pipedream' ? pipedreamRun(exportedNode) : requestMethodOf(exportedNode));
    // `export default app`, `handle(app)`, or a Worker's `export default { fetch: app.fetch }`.
    const app = exportedNode && info.platform !== 'pipedream' ? (routerAppOf(exportedNode, valueFile, behaviour) ?? (value && value !== exportedNode ? routerAppOf(value, valueFile, behaviour) : undefined)) : undefined;
    if (app) {
      for (const route of routeShapes(app, method, found.nameNode, file, behaviour, routesSeen)) {
        // An authorizer in front of the function (serverless.yml, SAM) is in front of every route.
        route.gateway = own?.gateway ?? info.gateway;
        shapes.push(route);
      }
      continue;
    }
    if (!value) {
      // A re-export fnscan cannot follow: a handler it cannot see into.
      if (found.from) shapes.push({ ...shapeOf(found.nameNode, found.value, name, file, behaviour), opaque: true });
      continue;
    }
    const shape = shapeOf(found.nameNode, value, name, valueFile, behaviour);
    if (info.pagesDepth !== undefined) addPagesMiddleware(shape, file, info.pagesDepth, behaviour);
    if (info.platform === 'pipedream') shape.platformDedupe = pipedreamDedupe(found.value);
    shape.gateway = own?.gateway ?? info.gateway;
    shapes.push(shape);
  }
  return shapes;
}

/**
 * Firebase deploys every export of its entry module that is an HTTPS function, each under the
 * export's name: `export const api = onRequest(app)`, `exports.addMessage = functions.https.onCall(...)`.
 * Each is judged in the module that defines it (a re-export, `export * from './users'`, is judged
 * there). An Express app is judged route by route; `invoker: 'private'` (or named service
 * accounts) lets only those principals through Cloud Run's IAM, as an authorizer does.
 */
function firebaseHandlers(file: SourceFileInfo, behaviour: BehaviourAnalyzer): HandlerShape[] {
  const shapes: HandlerShape[] = [];
  const routesSeen = new Set<string>();
  const importOf = (local: string): string | undefined => behaviour.importedFrom(file, local)?.specifier;
  for (const [exportName, found] of exportedValues(file)) {
    if (found.from || !ts.isExpression(found.value)) continue;
    const local = unwrap(found.value);
    const value = ts.isIdentifier(local) ? behaviour.valueOf(local, file) : { node: local, file };
    if (value.file !== file || !ts.isExpression(value.node)) continue;
    const trigger = firebaseTrigger(value.node, importOf);
    if (!trigger) continue;
    const gateway: GatewayAuth | undefined = trigger.invoker
      ? { protected: true, openUrl: false, site: { file: file.path, start: trigger.invoker.getStart(file.sf), end: trigger.invoker.end } }
      : undefined;
    const app = trigger.kind === 'request' ? routerAppOf(trigger.handler, file, behaviour) : undefined;
    if (app) {
      for (const route of routeShapes(app, undefined, found.nameNode, file, behaviour, routesSeen)) {
        route.gateway = gateway;
        route.functionName = exportName;
        shapes.push(route);
      }
      continue;
    }
    const shape = shapeOf(found.nameNode, trigger.handler, exportName, file, behaviour);
    shape.gateway = gateway;
    shape.callable = trigger.kind === 'call';
    shape.functionName = exportName;
    shapes.push(shape);
  }
  return shapes;
}

/**
 * A Supabase Edge Function hands its handler to `Deno.serve(handler)` (also `Deno.serve(options,
 * handler)`, `Deno.serve({ handler })`, or the standard library's `serve(handler)`) at the top of
 * its module; a Hono app's `app.fetch` is judged route by route.
 */
function servedHandlers(file: SourceFileInfo, info: EndpointInfo, behaviour: BehaviourAnalyzer): HandlerShape[] {
  const shapes: HandlerShape[] = [];
  const routesSeen = new Set<string>();
  for (const statement of file.sf.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    const call = unwrap(statement.expression);
    if (!ts.isCallExpression(call) || !isServeCall(call, file, behaviour)) continue;
    const last = call.arguments[call.arguments.length - 1];
    let handler: TS.Expression | undefined = last && unwrap(last);
    if (handler && ts.isObjectLiteralExpression(handler)) handler = propertyValue(objectProperty(handler, 'handler'));
    if (!handler) continue;
    const app = routerAppOf(handler, file, behaviour);
    if (app) {
      shapes.push(...routeShapes(app, undefined, call.expression, file, behaviour, routesSeen));
      continue;
    }
    shapes.push(shapeOf(call.expression, handler, info.name, file, behaviour));
  }
  // The edge runtime also serves a module's `export default { fetch }` (or a Hono app exported so).
  const exported = shapes.length === 0 ? exportedValues(file).get('default') : undefined;
  if (exported && !exported.from) {
    const app = routerAppOf(exported.value, file, behaviour);
    if (app) return routeShapes(app, undefined, exported.nameNode, file, behaviour, routesSeen);
    const fetch = requestMethodOf(exported.value);
    if (fetch && fetch !== exported.value) shapes.push(shapeOf(exported.nameNode, fetch, info.name, file, behaviour));
  }
  return shapes;
}

/** `Deno.serve(...)`, or `serve(...)` from Deno's standard library (`https://deno.land/std@.../http/server.ts`, `jsr:@std/http`). */
function isServeCall(call: TS.CallExpression, file: SourceFileInfo, behaviour: BehaviourAnalyzer): boolean {
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee)) return ts.isIdentifier(callee.expression) && callee.expression.text === 'Deno' && callee.name.text === 'serve';
  if (!ts.isIdentifier(callee) || callee.text !== 'serve') return false;
  const source = behaviour.importedFrom(file, 'serve')?.specifier;
  // Also through an import map's alias (`"std/": "https://deno.land/std@0.177.0/"`, then `std/http/server.ts` or `std/server`).
  return source !== undefined && /(?:^|\/)(?:std(?:@[^/]*)?\/(?:http|server)|@std\/http)/.test(source);
}

/**
 * One shape per route of an exported Express or Hono app (`GET /api/users`), each with the
 * middleware that runs before it. Under a per-method export (`export const POST = handle(app)`)
 * only that method's routes are reachable; a route two exports reach is judged once.
 */
function routeShapes(app: RouterApp, method: string | undefined, exportName: TS.Node | Span, file: SourceFileInfo, behaviour: BehaviourAnalyzer, seen: Set<string>): HandlerShape[] {
  const shapes: HandlerShape[] = [];
  for (const route of app.routes) {
    const methods = method ? route.methods.filter((m) => m === method || m === 'ALL') : route.methods;
    if (methods.length === 0) continue;
    const key = `${methods.join(',')} ${route.path} ${route.file.path}:${route.at.pos}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const inFile = route.file === file;
    // `app.on(['POST', 'PUT'], '/orders', ...)` is one handler: one finding, both methods named.
    const name = `${methods.join(', ')} ${route.path ?? 'route'}`;
    const shape: HandlerShape = { nameNode: inFile ? route.at : exportName, name, functions: [], usesRequireAuthWrapper: false, opaque: false, exempt: false, routePath: route.path ?? '' };
    if (!inFile) {
      // Reported at the export: shown where the route is written, and where this module mounts its router.
      const mount = route.mounts.find((m) => m.file === file);
      shape.routeSites = [related({ file: route.file, node: route.at }, `\`${name}\` is registered here.`)];
      if (mount) shape.routeSites.push(related({ file, node: mount.node }, 'Its router is mounted here.'));
    }
    for (const step of route.steps) addRouteStep(shape, step, behaviour, { path: route.path, methods });
    shapes.push(shape);
  }
  return shapes;
}

/** `onRequestPost` handles POST requests (Cloudflare Pages); `onRequest` every method. */
function pagesMethod(exportName: string): string | undefined {
  const method = /^onRequest([A-Z][a-z]+)$/.exec(exportName)?.[1].toUpperCase();
  return method && HTTP_METHODS.includes(method) ? method : undefined;
}

/**
 * Cloudflare Pages runs the `onRequest` of every `_middleware` module from `functions/` down to
 * the route's folder before the route (a function or an array of them), whatever its method.
 */
function addPagesMiddleware(shape: HandlerShape, file: SourceFileInfo, depth: number, behaviour: BehaviourAnalyzer): void {
  for (let up = depth; up >= 0; up--) {
    const specifier = up === 0 ? './_middleware' : `${'../'.repeat(up)}_middleware`;
    const middleware = behaviour.exportedValue(file, specifier, 'onRequest');
    if (!middleware) continue;
    if (isFunctionLike(middleware.node)) {
      shape.functions.push({ fn: middleware.node, file: middleware.file });
      continue;
    }
    if (!ts.isExpression(middleware.node)) continue;
    const list = unwrap(middleware.node);
    const steps = ts.isArrayLiteralExpression(list) ? list.elements.filter((e) => !ts.isSpreadElement(e) && !ts.isOmittedExpression(e)) : [list];
    for (const step of steps) addRouteStep(shape, { node: step, file: middleware.file }, behaviour);
  }
}

/** A middleware or handler of a route: the project's own code is followed; a package's is known or gets the benefit of the doubt. */
function addRouteStep(shape: HandlerShape, step: RouteStep, behaviour: BehaviourAnalyzer, route?: RouteScope): void {
  if (step.unseen) {
    shape.opaque = true;
    return;
  }
  const node = unwrap(step.node);
  const library = libraryStep(node, step.file, behaviour, route);
  if (!library) {
    if (route?.path !== undefined && skipsRoute(node, step.file, route.path, behaviour)) return;
    addValue(shape, node, step.file, behaviour, 1);
    return;
  }
  const facts = (shape.middlewareFacts ??= emptyFacts());
  if (library.kind === 'wraps') addRouteStep(shape, library.step, behaviour, route);
  else if (library.kind === 'auth') facts.auth.push({ file: step.file, node, via: library.via, anchor: node });
  else if (library.kind === 'verifier' && ts.isCallExpression(node)) mergeFacts(facts, behaviour.twilioWebhookFacts(node, step.file));
  else if (library.kind === 'unknown') shape.opaque = true;
}

/**
 * A project middleware that lets this route's path through before its check:
 * `app.use((req, res, next) => { if (PUBLIC.some((p) => req.path.startsWith(p))) return next(); ... })`.
 * Only tests fnscan can work out from the route's path count; any other test keeps the middleware.
 */
function skipsRoute(node: TS.Node, file: SourceFileInfo, path: string, behaviour: BehaviourAnalyzer): boolean {
  const target = isFunctionLike(node) ? { fn: node, file } : ts.isIdentifier(node) ? behaviour.functionFor(node, file) : undefined;
  const fn = target?.fn;
  const req = fn?.parameters[0]?.name;
  const next = fn?.parameters[2]?.name;
  if (!fn?.body || !ts.isBlock(fn.body) || !req || !ts.isIdentifier(req) || !next || !ts.isIdentifier(next)) return false;
  for (const statement of fn.body.statements) {
    if (!ts.isIfStatement(statement)) break;
    if (callsOnward(statement.thenStatement, next.text) && pathTest(statement.expression, req.text, path, target!.file) === true) return true;
  }
  return false;
}

/** `return next()`, `{ next(); return }`: the branch hands the request on and stops. */
function callsOnward(branch: TS.Statement, next: string): boolean {
  const calls = (e: TS.Node | undefined) => e !== undefined && ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === next;
  if (ts.isReturnStatement(branch)) return calls(branch.expression && unwrap(branch.expression));
  if (!ts.isBlock(branch) || branch.statements.length === 0) return false;
  const last = branch.statements[branch.statements.length - 1];
  if (ts.isReturnStatement(last) && last.expression && calls(unwrap(last.expression))) return true;
  return ts.isReturnStatement(last) && !last.expression && branch.statements.some((s) => ts.isExpressionStatement(s) && calls(unwrap(s.expression)));
}

/** Whether a test of the request's path holds for `path`: `req.path.startsWith('/public')`, `LIST.includes(req.path)`, `LIST.some((p) => req.path.startsWith(p))`, `||` of those. */
function pathTest(expr: TS.Expression, req: string, path: string, file: SourceFileInfo): boolean | undefined {
  const e = unwrap(expr);
  const isPath = (x: TS.Expression) => { const u = unwrap(x); return ts.isPropertyAccessExpression(u) && ts.isIdentifier(u.expression) && u.expression.text === req && /^(?:path|url|originalUrl)$/.test(u.name.text); };
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.BarBarToken) {
      const sides = [pathTest(e.left, req, path, file), pathTest(e.right, req, path, file)];
      return sides.includes(true) ? true : sides.includes(undefined) ? undefined : false;
    }
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken) {
      const literal = isPath(e.left) ? stringLiteralValue(unwrap(e.right)) : isPath(e.right) ? stringLiteralValue(unwrap(e.left)) : undefined;
      return literal === undefined ? undefined : literal === path;
    }
    return undefined;
  }
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(unwrap(e.expression))) return undefined;
  const callee = unwrap(e.expression) as TS.PropertyAccessExpression;
  const method = callee.name.text;
  const arg = e.arguments[0];
  if (method === 'startsWith' && isPath(callee.expression) && arg) {
    const prefix = stringLiteralValue(unwrap(arg));
    return prefix === undefined ? undefined : path.startsWith(prefix);
  }
  const list = stringList(callee.expression, file);
  if (!list || !arg) return undefined;
  if (method === 'includes' && isPath(arg)) return list.includes(path);
  const test = unwrap(arg);
  // `LIST.some((p) => req.path.startsWith(p))`
  if (method === 'some' && ts.isArrowFunction(test) && test.parameters.length === 1 && ts.isIdentifier(test.parameters[0].name) && ts.isExpression(test.body)) {
    const item = test.parameters[0].name.text;
    const body = unwrap(test.body);
    if (ts.isCallExpression(body) && ts.isPropertyAccessExpression(unwrap(body.expression)) && body.arguments.length === 1) {
      const inner = unwrap(body.expression) as TS.PropertyAccessExpression;
      const own = unwrap(body.arguments[0]);
      if (inner.name.text === 'startsWith' && isPath(inner.expression) && ts.isIdentifier(own) && own.text === item) return list.some((prefix) => path.startsWith(prefix));
    }
  }
  return undefined;
}

/** `['/a', '/b']`, or a module constant holding one. */
function stringList(expr: TS.Expression, file: SourceFileInfo): string[] | undefined {
  let value = unwrap(expr);
  if (ts.isIdentifier(value)) {
    const name = value.text;
    const declaration = file.sf.statements.filter(ts.isVariableStatement).flatMap((s) => [...s.declarationList.declarations]).find((d) => ts.isIdentifier(d.name) && d.name.text === name);
    if (!declaration?.initializer) return undefined;
    value = unwrap(declaration.initializer);
  }
  if (!ts.isArrayLiteralExpression(value)) return undefined;
  const items = value.elements.map((el) => stringLiteralValue(unwrap(el as TS.Expression)));
  return items.every((i): i is string => i !== undefined) ? items : undefined;
}

function exportedValues(file: SourceFileInfo): Map<string, ExportedValue> {
  const result = new Map<string, ExportedValue>();
  const sf = file.sf;
  for (const statement of sf.statements) {
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && isExported(statement)) {
      const isDefault = ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      const key = isDefault ? 'default' : statement.name?.text;
      if (key) result.set(key, { nameNode: statement.name ?? keywordSpan(statement, sf), value: statement });
    } else if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.initializer) result.set(decl.name.text, { nameNode: decl.name, value: decl.initializer });
      }
    } else if (ts.isExportAssignment(statement)) {
      result.set('default', { nameNode: keywordSpan(statement, sf), value: statement.expression });
    } else if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression)) {
      const { left, right } = statement.expression;
      const target = left.getText(sf);
      if (target === 'module.exports') result.set('default', { nameNode: left, value: right });
      else if (ts.isPropertyAccessExpression(left) && /^(module\.)?exports$/.test(left.expression.getText(sf))) {
        result.set(left.name.text, { nameNode: left.name, value: right });
      }
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      const specifier = statement.moduleSpecifier && stringLiteralValue(statement.moduleSpecifier);
      for (const el of statement.exportClause.elements) {
        const local = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName : el.name;
        if (!ts.isIdentifier(local)) continue;
        if (!statement.moduleSpecifier) result.set(el.name.text, { nameNode: el.name, value: local });
        else if (specifier !== undefined) result.set(el.name.text, { nameNode: el.name, value: local, from: { specifier, name: local.text } });
      }
    }
  }
  return result;
}

/** `export default` has no name to point at: report on the `export default` keywords. */
function keywordSpan(statement: TS.Node, sf: TS.SourceFile): Span {
  const start = statement.getStart(sf);
  return { start, end: start + 'export default'.length };
}

/**
 * `export default { fetch(request) {...} }` (Vercel, Cloudflare style) handles requests in `fetch`,
 * as does a class's `fetch` method (`export default class extends WorkerEntrypoint`); a class
 * without one handles no HTTP request.
 */
function requestMethodOf(value: TS.Node): TS.Node | undefined {
  const expr = ts.isExpression(value) ? unwrap(value) : value;
  if (ts.isObjectLiteralExpression(expr)) return methodOf(expr, 'fetch');
  if (ts.isClassLike(expr)) return expr.members.find((m) => ts.isMethodDeclaration(m) && m.name.getText() === 'fetch' && m.body !== undefined);
  return value;
}

/** Pipedream: `defineComponent({ props: { http: '$.interface.http' }, run(event) {...} })`. */
function pipedreamRun(value: TS.Node): TS.Node | undefined {
  let expr = ts.isExpression(value) ? unwrap(value) : value;
  if (ts.isCallExpression(expr) && expr.arguments[0]) expr = unwrap(expr.arguments[0]);
  return ts.isObjectLiteralExpression(expr) ? methodOf(expr, 'run') : undefined;
}

/** Pipedream drops events whose emitted `id` it has seen when the component says `dedupe: 'unique'`. */
function pipedreamDedupe(value: TS.Node): TS.Node | undefined {
  let expr = ts.isExpression(value) ? unwrap(value) : value;
  if (ts.isCallExpression(expr) && expr.arguments[0]) expr = unwrap(expr.arguments[0]);
  if (!ts.isObjectLiteralExpression(expr)) return undefined;
  const dedupe = propertyValue(objectProperty(expr, 'dedupe'));
  return dedupe && ts.isStringLiteral(dedupe) && dedupe.text === 'unique' ? dedupe : undefined;
}

function methodOf(obj: TS.ObjectLiteralExpression, name: string): TS.Node | undefined {
  const prop = objectProperty(obj, name);
  if (!prop) return undefined;
  if (ts.isMethodDeclaration(prop)) return prop;
  return propertyValue(prop);
}

function shapeOf(nameNode: TS.Node | Span, value: TS.Node, name: string, file: SourceFileInfo, behaviour: BehaviourAnalyzer): HandlerShape {
  const shape: HandlerShape = { nameNode, name, functions: [], usesRequireAuthWrapper: false, opaque: false, exempt: false };
  addValue(shape, value, file, behaviour, 0);
  return shape;
}

function addValue(shape: HandlerShape, value: TS.Node, file: SourceFileInfo, behaviour: BehaviourAnalyzer, depth: number): void {
  if (depth > 4) return;
  if (isFunctionLike(value)) {
    shape.functions.push({ fn: value, file });
    return;
  }
  if (!ts.isExpression(value)) return;
  const expr = unwrap(value);
  if (isFunctionLike(expr)) {
    shape.functions.push({ fn: expr, file });
  } else if (ts.isIdentifier(expr)) {
    const target = behaviour.functionFor(expr, file);
    if (target) shape.functions.push(target);
    else shape.opaque = true;
  } else if (ts.isCallExpression(expr)) {
    addCall(shape, expr, file, behaviour, depth);
  } else {
    shape.opaque = true;
  }
}

/** The calls that start a server action builder (next-safe-action, zsa). */
const ACTION_BUILDERS = new Set(['createSafeActionClient', 'createServerAction', 'createServerActionProcedure']);
/** Builder methods that take a function: the action itself, or a middleware that runs before it. */
const ACTION_BUILDER_METHODS = new Set(['action', 'stateAction', 'handler', 'use']);

/**
 * `authActionClient.schema(s).action(async ({ parsedInput }) => ...)` (next-safe-action) and
 * `authedProcedure.createServerAction().handler(...)` (zsa): the action and every middleware on
 * its builder chain, back through the constants that hold it (`actionClient.use(checkSession)`,
 * `createServerActionProcedure().handler(...)`) to the builder's creation. Only a chain that
 * reaches one of the known builders is read; anything else stays a wrapper fnscan cannot see into.
 */
function addActionBuilder(shape: HandlerShape, call: TS.CallExpression, file: SourceFileInfo, behaviour: BehaviourAnalyzer, depth: number): boolean {
  const parts: { node: TS.Node; file: SourceFileInfo }[] = [];
  let current: TS.Node = call;
  let currentFile = file;
  for (let step = 0; step < 24; step++) {
    const expr = ts.isExpression(current) ? unwrap(current) : current;
    if (ts.isIdentifier(expr)) {
      const value = behaviour.valueOf(expr, currentFile);
      if (value.node === expr || !ts.isExpression(value.node)) return false;
      current = value.node;
      currentFile = value.file;
      continue;
    }
    if (!ts.isCallExpression(expr)) return false;
    const callee = unwrap(expr.expression);
    const name = calleeName(expr) ?? '';
    if (ts.isIdentifier(callee)) {
      if (!ACTION_BUILDERS.has(name)) return false;
      // zsa: `createServerActionProcedure(authedProcedure)` runs the parent procedure's handlers first.
      if (name === 'createServerActionProcedure' && expr.arguments[0]) {
        current = expr.arguments[0];
        continue;
      }
      for (const part of parts) addValue(shape, part.node, part.file, behaviour, depth + 1);
      return true;
    }
    if (!ts.isPropertyAccessExpression(callee)) return false;
    if (ACTION_BUILDER_METHODS.has(name)) {
      for (const arg of expr.arguments) {
        const a = unwrap(arg);
        if (isFunctionLike(a) || ts.isIdentifier(a)) parts.push({ node: a, file: currentFile });
      }
    }
    current = callee.expression;
  }
  return false;
}

/** middy's packages: the core (`@middy/core`, v1's `middy`) and its official middlewares. */
const MIDDY_CORE = new Set(['@middy/core', 'middy']);
/** Official middlewares that hand the event to other handlers: what runs then is not read. */
const MIDDY_ROUTERS = /^@middy\/(?:http-router|ws-router|cloudformation-router)$/;
/** The builder methods of a middy handler: each takes what runs around (or as) the handler. */
const MIDDY_METHODS = new Set(['use', 'before', 'after', 'onError', 'handler']);
/**
 * The hooks of a middleware that run before the handler: only they can keep a caller out. `after`
 * and `onError` run once the handler has done its work, so a check there guards nothing.
 */
const MIDDY_GUARDS = new Set(['before', 'handler']);

/**
 * `middy(baseHandler).use(jsonBodyParser()).use(auth())` and v5's `middy().use(...).handler(fn)`:
 * the handler and the `before` hook of every middleware in front of it. middy's official
 * middlewares (`@middy/*`) parse, validate, normalise and answer errors; none authenticates, so
 * they are known and skipped. A project's own middleware is read through its `before` hook (of an
 * object, a factory's object, or a class); any other package's middleware leaves the handler to
 * the benefit of the doubt.
 * `wrapped`: the parameters of a project wrapper whose body builds the chain
 * (`middyfy = (handler) => middy(handler).use(...)`), which stand for the function the caller passes.
 */
function addMiddyChain(
  shape: HandlerShape,
  call: TS.CallExpression,
  file: SourceFileInfo,
  behaviour: BehaviourAnalyzer,
  depth: number,
  wrapped: ReadonlySet<string> = new Set(),
): boolean {
  const steps: { method: string; args: readonly TS.Expression[] }[] = [];
  let current: TS.Expression = call;
  for (let rooted = false; !rooted; ) {
    const expr = unwrap(current);
    if (!ts.isCallExpression(expr) || steps.length >= 24) return false;
    const callee = unwrap(expr.expression);
    if (ts.isIdentifier(callee)) {
      // The chain starts at `middy(fn)`, its first argument the handler.
      if (!MIDDY_CORE.has(behaviour.importedFrom(file, callee.text)?.specifier ?? '')) return false;
      steps.push({ method: 'handler', args: expr.arguments.slice(0, 1) });
      rooted = true;
    } else {
      if (!ts.isPropertyAccessExpression(callee) || !MIDDY_METHODS.has(callee.name.text)) return false;
      steps.push({ method: callee.name.text, args: expr.arguments });
      current = callee.expression;
    }
  }
  for (const { method, args } of steps) {
    if (!MIDDY_GUARDS.has(method) && method !== 'use') continue;
    for (const arg of args) {
      const a = unwrap(arg);
      if (ts.isIdentifier(a) && wrapped.has(a.text)) continue;
      if (method === 'use') {
        const list = ts.isArrayLiteralExpression(a) ? a.elements : [a];
        for (const m of list) if (!ts.isSpreadElement(m) && !ts.isOmittedExpression(m)) addMiddyMiddleware(shape, m, file, behaviour, depth + 1);
      } else {
        addValue(shape, a, file, behaviour, depth + 1);
      }
    }
  }
  return true;
}

/** One middleware of a middy chain: its `before` hook joins the handler's functions; an unknown package's makes it opaque. */
function addMiddyMiddleware(shape: HandlerShape, middleware: TS.Expression, file: SourceFileInfo, behaviour: BehaviourAnalyzer, depth: number): void {
  if (depth > 6) return;
  const expr = unwrap(middleware);
  const root = ts.isCallExpression(expr) ? unwrap(expr.expression) : expr;
  const imported = ts.isIdentifier(root) ? behaviour.importedFrom(file, root.text) : undefined;
  // A package's, not a module of the project a path alias names (`@middleware/auth`).
  if (imported && isExternalPackage(imported.specifier) && !behaviour.analysis.importedModule(file, imported.specifier)) {
    const official = imported.specifier.startsWith('@middy/') ? !MIDDY_ROUTERS.test(imported.specifier) : imported.specifier === 'middy/middlewares';
    if (!official) shape.opaque = true;
    return;
  }
  let value: { node: TS.Node; file: SourceFileInfo } = { node: expr, file };
  if (ts.isCallExpression(expr)) {
    const factory = behaviour.resolveCallee(expr, file);
    const returned = factory && returnedExpression(factory.fn);
    value = returned ? { node: returned, file: factory.file } : value;
  }
  if (ts.isIdentifier(value.node)) value = behaviour.valueOf(value.node, value.file);
  const instance = ts.isObjectLiteralExpression(value.node) ? undefined : classOfInstance(value.node, value.file, behaviour);
  if (!ts.isObjectLiteralExpression(value.node) && !instance) {
    shape.opaque = true;
    return;
  }
  const hooksFile = instance?.file ?? value.file;
  const before = instance
    ? instance.node.members.find((m) => (ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m)) && m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === 'before')
    : objectProperty(value.node as TS.ObjectLiteralExpression, 'before');
  if (!before) return;
  if (ts.isMethodDeclaration(before)) shape.functions.push({ fn: before, file: hooksFile });
  else if (ts.isShorthandPropertyAssignment(before)) addValue(shape, before.name, hooksFile, behaviour, depth);
  else {
    const hook = ts.isPropertyDeclaration(before) ? before.initializer : propertyValue(before as TS.ObjectLiteralElementLike);
    if (hook) addValue(shape, hook, hooksFile, behaviour, depth);
  }
}

/** `new AuthMiddleware(options)`: the project's class it makes, when that class extends nothing (whose `before` could come from elsewhere). */
function classOfInstance(node: TS.Node, file: SourceFileInfo, behaviour: BehaviourAnalyzer): { node: TS.ClassLikeDeclaration; file: SourceFileInfo } | undefined {
  const id = ts.isNewExpression(node) ? unwrap(node.expression) : undefined;
  if (!id || !ts.isIdentifier(id)) return undefined;
  const declared = behaviour.analysis.declarationOf(id, file);
  if (!declared) return undefined;
  const found = ts.isVariableDeclaration(declared.node) && declared.node.initializer ? unwrap(declared.node.initializer) : declared.node;
  if (!ts.isClassLike(found)) return undefined;
  return found.heritageClauses?.length ? undefined : { node: found, file: declared.file };
}

/** What a function returns when it is one expression: an arrow's body, or a block's only top-level `return`. */
function returnedExpression(fn: FunctionLike): TS.Expression | undefined {
  if (!fn.body) return undefined;
  if (!ts.isBlock(fn.body)) return unwrap(fn.body as TS.Expression);
  const returns = fn.body.statements.filter(ts.isReturnStatement);
  return returns.length === 1 && returns[0].expression ? unwrap(returns[0].expression) : undefined;
}

function addCall(shape: HandlerShape, call: TS.CallExpression, file: SourceFileInfo, behaviour: BehaviourAnalyzer, depth: number): void {
  const name = calleeName(call);
  if (name !== undefined && addMiddyChain(shape, call, file, behaviour, depth)) return;
  if (name !== undefined && ACTION_BUILDER_METHODS.has(name) && addActionBuilder(shape, call, file, behaviour, depth)) return;
  if (name === 'createGraphQLHandler' || name === 'createAuthHandler') {
    shape.exempt = true;
    return;
  }
  if (name === 'useRequireAuth') {
    shape.usesRequireAuthWrapper = true;
    const options = call.arguments[0] && unwrap(call.arguments[0]);
    const handlerFn = options && ts.isObjectLiteralExpression(options) ? propertyValue(objectProperty(options, 'handlerFn')) : undefined;
    if (handlerFn) addValue(shape, handlerFn, file, behaviour, depth + 1);
    else shape.opaque = true;
    return;
  }
  const wrapper = behaviour.resolveCallee(call, file);
  if (wrapper) {
    shape.functions.push(wrapper);
    // `middyfy = (handler) => middy(handler).use(...)`: the middlewares the wrapper puts in front.
    const built = returnedExpression(wrapper.fn);
    if (built && ts.isCallExpression(built)) {
      const params = new Set(wrapper.fn.parameters.flatMap((p) => (ts.isIdentifier(p.name) ? [p.name.text] : [])));
      addMiddyChain(shape, built, wrapper.file, behaviour, depth + 1, params);
    }
  } else shape.opaque = true;
  // `compose([withLogging, protect], fn)`: a middleware array's functions wrap the handler too.
  // The array may be written in the call or held by a constant, here or in another module.
  const args = call.arguments.flatMap((arg) => {
    const a = unwrap(arg);
    const list = ts.isIdentifier(a) ? behaviour.valueOf(a, file) : { node: a, file };
    if (!ts.isArrayLiteralExpression(list.node)) return [{ node: arg, file }];
    return list.node.elements.filter((el) => !ts.isSpreadElement(el) && !ts.isOmittedExpression(el)).map((el) => ({ node: el, file: list.file }));
  });
  for (const arg of args) {
    const a = unwrap(arg.node);
    if (isFunctionLike(a) || ts.isIdentifier(a) || ts.isCallExpression(a)) {
      const before = shape.opaque;
      addValue(shape, a, arg.file, behaviour, depth + 1);
      // An argument that is not a function (a config value) does not make the handler opaque.
      if (!isFunctionLike(a) && ts.isIdentifier(a)) shape.opaque = before;
    }
  }
  // A chained builder like middy(fn).use(...) is seen through its innermost call.
  if (ts.isPropertyAccessExpression(call.expression) && ts.isCallExpression(call.expression.expression)) {
    addCall(shape, call.expression.expression, file, behaviour, depth + 1);
  }
}

function isExported(node: TS.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}
