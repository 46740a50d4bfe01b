import ts from '../../core/typescript';
import type * as TS from 'typescript';
import type { ProjectAnalysis } from '../../core/analysis';
import type { SourceFileInfo } from '../../core/files';
import { calleeName, dottedName, envReadName, envReadText, isFunctionLike, propertyKeyName, singleReturn, stringLiteralValue, unwrap } from '../../core/ast';
import { headerRead } from '../../analysis/behaviour';

/**
 * Where a value comes from, as far as one file and its constants tell: a request header, an
 * HMAC digest, an environment variable, a written-out constant, or a `.length`. Anything else
 * (parameters, `let`s, database reads) is unknown.
 */
export type Origin =
  | { kind: 'header'; name: string }
  | { kind: 'hmac' }
  /** `read`: the env read as written (`process.env.X`, a Worker's `env.X`). */
  | { kind: 'env'; name: string; read: string }
  | { kind: 'constant' }
  | { kind: 'length' };

const MAX_DEPTH = 10;

/** String methods whose result carries the receiver's secret (or a part of it). */
const PASS_THROUGH_METHODS = new Set([
  'replace',
  'replaceAll',
  'trim',
  'trimStart',
  'trimEnd',
  'toLowerCase',
  'toUpperCase',
  'slice',
  'substring',
  'substr',
  'split',
  'toString',
  'normalize',
  'at',
  // A list's elements as they were: `filter(Boolean)`.
  'filter',
]);

/** Functions whose result carries their first argument. */
const PASS_THROUGH_FUNCTIONS = new Set(['String', 'decodeURIComponent', 'decodeURI']);

export function originOf(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo, depth = 0): Origin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(expr);
  if (isConstantLiteral(node)) return { kind: 'constant' };
  const env = envReadName(node);
  if (env !== undefined) return { kind: 'env', name: env, read: envReadText(node) ?? `process.env.${env}` };
  const header = headerName(node);
  if (header !== undefined) return { kind: 'header', name: header };
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'length') return { kind: 'length' };
  if (ts.isIdentifier(node)) return identifierOrigin(analysis, node, file, depth);
  if (ts.isCallExpression(node)) return callOrigin(analysis, node, file, depth);
  if (ts.isElementAccessExpression(node) && ts.isNumericLiteral(unwrap(node.argumentExpression))) {
    return originOf(analysis, node.expression, file, depth + 1);
  }
  if (ts.isTemplateExpression(node)) {
    return strongest(node.templateSpans.map((span) => originOf(analysis, span.expression, file, depth + 1)));
  }
  if (ts.isBinaryExpression(node)) return binaryOrigin(analysis, node, file, depth);
  // `[process.env.PRIMARY_API_KEY, process.env.SECONDARY_API_KEY]`, looked up with `.includes(key)`.
  if (ts.isArrayLiteralExpression(node) && node.elements.length > 0 && !node.elements.some(ts.isSpreadElement)) {
    return strongest(node.elements.map((element) => originOf(analysis, element, file, depth + 1)));
  }
  return undefined;
}

/**
 * The lower-cased header an expression reads: `event.headers['x-a']`, `event.headers.authorization`
 * (also as a call argument), `req.headers.get('x-a')`.
 */
export function headerName(node: TS.Expression): string | undefined {
  if (ts.isCallExpression(node)) return headerRead(node.expression);
  if (ts.isPropertyAccessExpression(node) && /(^|\.)headers$/i.test(dottedName(unwrap(node.expression)) ?? '')) {
    const isCallee = ts.isCallExpression(node.parent) && node.parent.expression === node;
    return isCallee ? undefined : node.name.text.toLowerCase();
  }
  return headerRead(node);
}

function isConstantLiteral(node: TS.Expression): boolean {
  if (stringLiteralValue(node) !== undefined || ts.isNumericLiteral(node) || ts.isRegularExpressionLiteral(node)) return true;
  if (ts.isTypeOfExpression(node)) return true;
  if (ts.isIdentifier(node) && node.text === 'undefined') return true;
  return (
    node.kind === ts.SyntaxKind.NullKeyword ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword
  );
}

function identifierOrigin(analysis: ProjectAnalysis, id: TS.Identifier, file: SourceFileInfo, depth: number): Origin | undefined {
  const resolved = analysis.resolveValue(id, file);
  if (resolved.node !== id) return originOf(analysis, resolved.node, resolved.file, depth + 1);
  const decl = analysis.declarationOf(id, file);
  if (!decl || !ts.isObjectBindingPattern(decl.node)) return undefined;
  // `const { authorization } = event.headers` or `const { CRON_SECRET } = process.env`
  const declaration = decl.node.parent;
  if (!ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const element = decl.node.elements.find((el) => ts.isIdentifier(el.name) && el.name.text === id.text);
  const key = element ? propertyKeyName(element.propertyName) ?? id.text : undefined;
  if (!key) return undefined;
  const holder = dottedName(unwrap(declaration.initializer)) ?? '';
  if (/(^|\.)headers$/i.test(holder)) return { kind: 'header', name: key.toLowerCase() };
  if (/(^|\.)process\.env$/.test(holder)) return { kind: 'env', name: key, read: `process.env.${key}` };
  return undefined;
}

function callOrigin(analysis: ProjectAnalysis, call: TS.CallExpression, file: SourceFileInfo, depth: number): Origin | undefined {
  if (isHmacDigest(analysis, call, file)) return { kind: 'hmac' };
  const name = calleeName(call);
  const callee = unwrap(call.expression);
  if (name && PASS_THROUGH_METHODS.has(name) && ts.isPropertyAccessExpression(callee)) {
    return originOf(analysis, callee.expression, file, depth + 1);
  }
  // `keys.split(',').map((k) => k.trim())`: the same elements, trimmed (a hash of each would be no secret).
  if (name === 'map' && ts.isPropertyAccessExpression(callee) && call.arguments[0] && keepsElements(call.arguments[0])) {
    return originOf(analysis, callee.expression, file, depth + 1);
  }
  if (name && PASS_THROUGH_FUNCTIONS.has(name) && ts.isIdentifier(callee) && call.arguments[0]) {
    return originOf(analysis, call.arguments[0], file, depth + 1);
  }
  // `Buffer.from(signature)`: the same bytes, for `.equals()` or `timingSafeEqual`.
  if (name === 'from' && call.arguments[0] && dottedName(callee) === 'Buffer.from') {
    return originOf(analysis, call.arguments[0], file, depth + 1);
  }
  // `Object.values({ a: process.env.A_API_KEY, b: process.env.B_API_KEY })`: the object's values.
  if (name === 'values' && call.arguments[0] && dottedName(callee) === 'Object.values') {
    const object = unwrap(analysis.resolveValue(call.arguments[0], file).node as TS.Expression);
    if (ts.isObjectLiteralExpression(object) && object.properties.length > 0 && object.properties.every(ts.isPropertyAssignment)) {
      return strongest(object.properties.map((p) => originOf(analysis, (p as TS.PropertyAssignment).initializer, file, depth + 1)));
    }
  }
  // `ipaddr.parse(event.headers['client-ip'])` (ipaddr.js): the same address, parsed for a range check.
  if ((name === 'parse' || name === 'process') && call.arguments[0] && /^ipaddr(?:\.IPv[46])?\.(?:parse|process)$/.test(dottedName(callee) ?? '')) {
    return originOf(analysis, call.arguments[0], file, depth + 1);
  }
  if (ts.isIdentifier(callee)) {
    // A helper that returns one expression: `const callerIp = (event) => event.headers['client-ip'] || ...`
    let helper: { node: TS.Node; file: SourceFileInfo } | undefined = analysis.resolveValue(callee, file);
    if (ts.isIdentifier(helper.node)) helper = analysis.declarationOf(helper.node, helper.file);
    const returned = helper && isFunctionLike(helper.node) ? singleReturn(helper.node) : undefined;
    if (helper && returned) return originOf(analysis, returned, helper.file, depth + 1);
  }
  return undefined;
}

/** `(k) => k.trim()`, `(k) => k.toLowerCase()`, `String`: a callback that hands back each element, reshaped as a string method does. */
function keepsElements(callback: TS.Expression): boolean {
  const fn = unwrap(callback);
  if (ts.isIdentifier(fn)) return PASS_THROUGH_FUNCTIONS.has(fn.text);
  if (!ts.isArrowFunction(fn) || fn.parameters.length !== 1 || !ts.isIdentifier(fn.parameters[0].name) || ts.isBlock(fn.body)) return false;
  const param = fn.parameters[0].name.text;
  const body = unwrap(fn.body);
  if (!ts.isCallExpression(body)) return false;
  const method = unwrap(body.expression);
  return ts.isPropertyAccessExpression(method) && PASS_THROUGH_METHODS.has(method.name.text) && ts.isIdentifier(unwrap(method.expression)) && (unwrap(method.expression) as TS.Identifier).text === param;
}


/**
 * `createHmac(...).update(...).digest(...)`, however the chain is split over lines or statements
 * (`const hmac = createHmac(...)`, then `hmac.update(body)`, `hmac.digest('hex')`).
 */
export function isHmacDigest(analysis: ProjectAnalysis, call: TS.CallExpression, file: SourceFileInfo): boolean {
  if (calleeName(call) !== 'digest') return false;
  let current: TS.Expression = unwrap(call.expression);
  let at = file;
  for (let hops = 0; hops < 8; hops++) {
    if (ts.isPropertyAccessExpression(current)) current = unwrap(current.expression);
    else if (ts.isCallExpression(current)) {
      if (calleeName(current) === 'createHmac') return true;
      current = unwrap(current.expression);
    } else if (ts.isIdentifier(current)) {
      const resolved = analysis.resolveValue(current, at);
      if (resolved.node === current) return false;
      current = resolved.node;
      at = resolved.file;
    } else return false;
  }
  return false;
}

function binaryOrigin(analysis: ProjectAnalysis, node: TS.BinaryExpression, file: SourceFileInfo, depth: number): Origin | undefined {
  const op = node.operatorToken.kind;
  if (op === ts.SyntaxKind.PlusToken) {
    return strongest([originOf(analysis, node.left, file, depth + 1), originOf(analysis, node.right, file, depth + 1)]);
  }
  if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
    // `headers.authorization || headers.Authorization`, `sig ?? ''`: the value is the left side when it is set.
    return originOf(analysis, node.left, file, depth + 1);
  }
  return undefined;
}

const RANK: Record<Origin['kind'], number> = { hmac: 4, header: 3, env: 2, length: 1, constant: 0 };

/** The most telling origin among parts of one value (a secret glued to a constant is still the secret). */
function strongest(origins: Array<Origin | undefined>): Origin | undefined {
  let best: Origin | undefined;
  for (const origin of origins) {
    if (!origin) return undefined;
    if (!best || RANK[origin.kind] > RANK[best.kind]) best = origin;
  }
  return best;
}
