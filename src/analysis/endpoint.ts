import path from 'node:path';
import ts from 'typescript';
import type { SourceFileInfo } from '../core/files';
import type { ProjectAnalysis } from '../core/analysis';
import type { FnscanConfig } from '../core/config';
import type { Level } from '../core/types';
import type { RelatedReport, SuggestionReport } from '../core/rule';
import { calleeName, isFunctionLike, objectProperty, propertyValue, unwrap, walk, type FunctionLike } from '../core/ast';
import { compileGlobs } from '../core/glob';
import { BehaviourAnalyzer } from './behaviour';
import { emptyFacts, mergeFacts, type Anchored, type Facts, type SensitiveFact, type Site, type VerifyFact } from './facts';
import { WEBHOOK_NAME } from './vocabulary';

export const UNAUTHENTICATED = 'no-unauthenticated-handler';
export const WEBHOOK_VERIFICATION = 'require-webhook-verification';
export const REPLAY = 'require-replay-protection';

/** One verdict about an endpoint, already attributed to exactly one of the three handler rules. */
export interface HandlerFinding {
  ruleId: string;
  messageId: string;
  data: Record<string, string>;
  at: ts.Node;
  level?: Level;
  related: RelatedReport[];
  suggestions?: SuggestionReport[];
}

const analyzers = new WeakMap<ProjectAnalysis, BehaviourAnalyzer>();

export function behaviourOf(analysis: ProjectAnalysis): BehaviourAnalyzer {
  let analyzer = analyzers.get(analysis);
  if (!analyzer) {
    analyzer = new BehaviourAnalyzer(analysis);
    analyzers.set(analysis, analyzer);
  }
  return analyzer;
}

/**
 * Judges an endpoint once; the three handler rules each report their share. A handler gets one
 * finding per root cause: a webhook with a bypassable check gets the verification finding, not
 * also "unauthenticated".
 */
export function endpointFindings(file: SourceFileInfo, analysis: ProjectAnalysis, config: FnscanConfig): HandlerFinding[] {
  if (file.role !== 'endpoint') return [];
  return analysis.memo('endpoint-findings', file, () => judge(file, analysis, config));
}

interface HandlerShape {
  /** The `handler` identifier that names the endpoint in code. */
  nameNode: ts.Node;
  functions: Array<{ fn: FunctionLike; file: SourceFileInfo }>;
  /** `useRequireAuth` wraps the handler: it decodes the caller but rejects nobody. */
  usesRequireAuthWrapper: boolean;
  /** The handler is produced by a package we cannot see into (serverless-http, middy...). */
  opaque: boolean;
  exempt: boolean;
}

function judge(file: SourceFileInfo, analysis: ProjectAnalysis, config: FnscanConfig): HandlerFinding[] {
  const behaviour = behaviourOf(analysis);
  const shape = findHandler(file, behaviour);
  if (!shape || shape.exempt) return [];
  const facts = emptyFacts();
  mergeFacts(facts, behaviour.moduleFacts(file));
  for (const { fn, file: fnFile } of shape.functions) {
    mergeFacts(facts, behaviour.factsOf(fn, fnFile));
    if (constructsDbAuthHandler(fn)) return [];
  }
  const name = endpointName(file);
  const ctx: JudgeContext = { file, name, nameNode: shape.nameNode, facts };
  addManualHmacCheck(facts);

  const broken = facts.verifies.filter((v) => v.broken);
  const sound = facts.verifies.filter((v) => !v.broken);
  const isWebhook =
    facts.verifies.length > 0 ||
    facts.signatureHeaders.length > 0 ||
    facts.eventHeaders.length > 0 ||
    (WEBHOOK_NAME.test(name) && facts.readsBody);

  const findings: HandlerFinding[] = broken.map((v) => brokenFinding(ctx, v));
  // A webhook-named endpoint that checks a shared secret or a user authenticates its caller.
  if (isWebhook && facts.verifies.length === 0 && !shape.opaque && facts.auth.length === 0) {
    if (facts.sensitive.length > 0) findings.push(unverifiedFinding(ctx));
    else if (!isDeclaredPublic(file, name, config)) findings.push(publicNote(ctx));
    return findings;
  }
  if (sound.length > 0) {
    const early = actsBeforeVerifying(facts, sound);
    if (early) findings.push(early(ctx));
    else if (broken.length === 0) findings.push(...replayFindings(ctx, sound));
    return findings;
  }
  if (broken.length > 0 || shape.opaque || facts.auth.length > 0 || isDeclaredPublic(file, name, config)) return findings;
  const work = firstWork(facts);
  if (!work) return [publicNote(ctx)];
  return [unauthenticatedFinding(ctx, work, shape.usesRequireAuthWrapper)];
}

interface JudgeContext {
  file: SourceFileInfo;
  name: string;
  nameNode: ts.Node;
  facts: Facts;
}

/** Reports at the offending node when it is in the endpoint file, else at the handler with a pointer. */
function placed(ctx: JudgeContext, site: Site, message: string): { at: ts.Node; related: RelatedReport[] } {
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

function unauthenticatedFinding(ctx: JudgeContext, work: Anchored<SensitiveFact>, wrapperOnly: boolean): HandlerFinding {
  const rel = [related(work, `The handler ${work.work} here.`)];
  const stub = ctx.facts.stubAuthCalls[0];
  if (stub) {
    rel.push(related(stub, 'This auth helper allows every caller.'));
    return { ruleId: UNAUTHENTICATED, messageId: 'stubOnly', data: { name: ctx.name, work: work.work }, at: ctx.nameNode, related: rel };
  }
  return {
    ruleId: UNAUTHENTICATED,
    messageId: wrapperOnly ? 'wrapperOnly' : 'unauthenticated',
    data: { name: ctx.name, work: work.work },
    at: ctx.nameNode,
    related: rel,
  };
}

function publicNote(ctx: JudgeContext): HandlerFinding {
  return { ruleId: UNAUTHENTICATED, messageId: 'publicHandler', data: { name: ctx.name }, at: ctx.nameNode, level: 'note', related: [] };
}

function replayFindings(ctx: JudgeContext, sound: VerifyFact[]): HandlerFinding[] {
  const { facts } = ctx;
  if (sound.some((v) => v.replay === 'window') || facts.dedupe.length > 0 || facts.timestampChecks.length > 0) return [];
  const v = sound[0];
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

function contains(outer: ts.Node, inner: ts.Node): boolean {
  return outer.getStart() <= inner.getStart() && inner.getEnd() <= outer.getEnd();
}

/** `createHmac` plus a comparison plus a refusal, in the handler or its helpers: a hand-written check. */
function addManualHmacCheck(facts: Facts): void {
  if (facts.verifies.length > 0 || facts.hmac.length === 0 || facts.compares.length === 0 || !facts.rejects) return;
  const site = facts.hmac[0];
  facts.verifies.push({ ...site, via: 'a manual HMAC check', replay: 'none', anchor: site.node });
}

function capitalise(text: string): string {
  return text.replace(/^\w/, (c) => c.toUpperCase());
}

/** Redwood's endpoint name: `functions/x.ts`, `functions/x/x.ts` and `functions/x/index.ts` are all `x`. */
export function endpointName(file: SourceFileInfo): string {
  const base = path.basename(file.path).replace(/\.[^.]+$/, '');
  return base === 'index' ? path.basename(path.dirname(file.path)) : base;
}

function isDeclaredPublic(file: SourceFileInfo, name: string, config: FnscanConfig): boolean {
  const declared = config.publicFunctions ?? [];
  if (declared.includes(name)) return true;
  const rel = path.relative(file.project.root, file.path).split(path.sep).join('/');
  return compileGlobs(declared.filter((d) => d.includes('/') || d.includes('*')))(rel);
}

function constructsDbAuthHandler(fn: FunctionLike): boolean {
  let found = false;
  walk(fn, (n) => {
    if (found) return false;
    if (ts.isNewExpression(n) && calleeName(n) === 'DbAuthHandler') found = true;
    return undefined;
  });
  return found;
}

/** Finds `export const handler = ...`, `export function handler`, `exports.handler = ...`. */
function findHandler(file: SourceFileInfo, behaviour: BehaviourAnalyzer): HandlerShape | undefined {
  for (const statement of file.sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === 'handler' && isExported(statement)) {
      return shapeOf(statement.name, statement, file, behaviour);
    }
    if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name) && decl.name.text === 'handler' && decl.initializer) {
          return shapeOf(decl.name, decl.initializer, file, behaviour);
        }
      }
    }
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression)) {
      const { left, right } = statement.expression;
      if (ts.isPropertyAccessExpression(left) && left.name.text === 'handler' && /^(module\.)?exports$/.test(left.expression.getText(file.sf))) {
        return shapeOf(left.name, right, file, behaviour);
      }
    }
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      const el = statement.exportClause.elements.find((e) => e.name.text === 'handler');
      if (el) {
        const local = behaviour.functionFor(el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName : (el.name as ts.Identifier), file);
        if (local) return { nameNode: el.name, functions: [local], usesRequireAuthWrapper: false, opaque: false, exempt: false };
      }
    }
  }
  return undefined;
}

function shapeOf(nameNode: ts.Node, value: ts.Node, file: SourceFileInfo, behaviour: BehaviourAnalyzer): HandlerShape {
  const shape: HandlerShape = { nameNode, functions: [], usesRequireAuthWrapper: false, opaque: false, exempt: false };
  addValue(shape, value, file, behaviour, 0);
  return shape;
}

function addValue(shape: HandlerShape, value: ts.Node, file: SourceFileInfo, behaviour: BehaviourAnalyzer, depth: number): void {
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

function addCall(shape: HandlerShape, call: ts.CallExpression, file: SourceFileInfo, behaviour: BehaviourAnalyzer, depth: number): void {
  const name = calleeName(call);
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
  if (wrapper) shape.functions.push(wrapper);
  else shape.opaque = true;
  for (const arg of call.arguments) {
    const a = unwrap(arg);
    if (isFunctionLike(a) || ts.isIdentifier(a) || ts.isCallExpression(a)) {
      const before = shape.opaque;
      addValue(shape, a, file, behaviour, depth + 1);
      // An argument that is not a function (a config value) does not make the handler opaque.
      if (!isFunctionLike(a) && ts.isIdentifier(a)) shape.opaque = before;
    }
  }
  // A chained builder like middy(fn).use(...) is seen through its innermost call.
  if (ts.isPropertyAccessExpression(call.expression) && ts.isCallExpression(call.expression.expression)) {
    addCall(shape, call.expression.expression, file, behaviour, depth + 1);
  }
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}
