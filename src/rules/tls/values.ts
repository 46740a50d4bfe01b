import ts from '../../core/typescript';
import type * as TS from 'typescript';
import type { ProjectAnalysis, Resolved } from '../../core/analysis';
import type { SourceFileInfo } from '../../core/files';
import {
  dottedName,
  envReadName,
  isFunctionLike,
  objectProperty,
  propertyValue,
  stringLiteralValue,
  unwrap,
  walk,
  type FunctionLike,
} from '../../core/ast';

const MAX_DEPTH = 8;

/**
 * Follows constants the way `resolveValue` does, and also reads a property of a constant object
 * literal (`config.tls.verify` where `config = { tls: { verify: false } }`), across modules.
 */
export function resolveConstant(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo, depth = 0): Resolved {
  const resolved = analysis.resolveValue(expr, file);
  const node = resolved.node;
  if (depth >= MAX_DEPTH || !(ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node))) return resolved;
  const key = ts.isPropertyAccessExpression(node) ? node.name.text : stringLiteralValue(node.argumentExpression);
  if (key === undefined) return resolved;
  const base = resolveConstant(analysis, node.expression, resolved.file, depth + 1);
  if (!ts.isObjectLiteralExpression(base.node)) return resolved;
  const value = propertyValue(objectProperty(base.node, key));
  return value ? resolveConstant(analysis, value, base.file, depth + 1) : resolved;
}

/**
 * Whether an expression is the boolean `false` whatever the environment. Node's TLS client turns
 * verification off only for `rejectUnauthorized === false`, so `0`, `null` and `undefined` do not count.
 */
export function isConstantFalse(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo): boolean {
  const { node, file: at } = resolveConstant(analysis, expr, file);
  if (node.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
    return truthiness(analysis, node.operand, at, 0) === true;
  }
  return false;
}

/**
 * Whether an expression tied to `NODE_ENV` is the boolean `false` in production:
 * `!isProduction`, `process.env.NODE_ENV !== 'production'`, `isProd ? false : true`. A value that
 * is `true` there (`NODE_ENV === 'production'`, `!isDev`) is a development switch, left alone.
 */
export function isFalseInProduction(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo): boolean {
  return valueInProduction(analysis, expr, file, 0) === false;
}

/** The boolean an expression has when `NODE_ENV` is `'production'`, when the code tells; `undefined` otherwise. */
function valueInProduction(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo, depth: number): boolean | undefined {
  if (depth >= MAX_DEPTH) return undefined;
  const { node, file: at } = resolveConstant(analysis, expr, file);
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = valueInProduction(analysis, node.operand, at, depth + 1);
    return inner === undefined ? undefined : !inner;
  }
  if (ts.isConditionalExpression(node)) {
    const condition = valueInProduction(analysis, node.condition, at, depth + 1);
    return condition === undefined ? undefined : valueInProduction(analysis, condition ? node.whenTrue : node.whenFalse, at, depth + 1);
  }
  if (!ts.isBinaryExpression(node)) return undefined;
  const op = node.operatorToken.kind;
  const equality = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
  if (!equality && op !== ts.SyntaxKind.ExclamationEqualsEqualsToken && op !== ts.SyntaxKind.ExclamationEqualsToken) return undefined;
  const compared = nodeEnvComparedWith(node.left, node.right) ?? nodeEnvComparedWith(node.right, node.left);
  return compared === undefined ? undefined : (compared === 'production') === equality;
}

function nodeEnvComparedWith(envSide: TS.Expression, valueSide: TS.Expression): string | undefined {
  return envReadName(unwrap(envSide)) === 'NODE_ENV' ? stringLiteralValue(unwrap(valueSide)) : undefined;
}

function truthiness(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo, depth: number): boolean | undefined {
  if (depth >= MAX_DEPTH) return undefined;
  const { node, file: at } = resolveConstant(analysis, expr, file);
  const falsy = falsyConstant(node);
  if (falsy) return false;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (ts.isNumericLiteral(node) || stringLiteralValue(node) !== undefined) return true;
  if (ts.isObjectLiteralExpression(node) || ts.isArrayLiteralExpression(node) || isFunctionLike(node)) return true;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
    const inner = truthiness(analysis, node.operand, at, depth + 1);
    return inner === undefined ? undefined : !inner;
  }
  return undefined;
}

/** `false`, `null`, `undefined`, `void x`, `0`, `''`: written-out values that are falsy. */
export function falsyConstant(expr: TS.Expression): boolean {
  const node = unwrap(expr);
  switch (node.kind) {
    case ts.SyntaxKind.FalseKeyword:
    case ts.SyntaxKind.NullKeyword:
    case ts.SyntaxKind.VoidExpression:
      return true;
  }
  if (ts.isIdentifier(node)) return node.text === 'undefined';
  if (ts.isNumericLiteral(node)) return Number(node.text) === 0;
  return stringLiteralValue(node) === '';
}

/** The text an env var assignment would store: string constants, and numbers (process.env stringifies them). */
export function envValue(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo): string | undefined {
  const { node } = resolveConstant(analysis, expr, file);
  if (ts.isNumericLiteral(node)) return String(Number(node.text));
  return stringLiteralValue(node);
}

/** The function an expression refers to: inline, a const, or a function declaration, across modules. */
export function resolveFunction(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo): FunctionLike | undefined {
  const { node, file: at } = resolveConstant(analysis, expr, file);
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return node;
  if (ts.isIdentifier(node)) {
    const decl = analysis.declarationOf(node, at);
    if (decl && ts.isFunctionDeclaration(decl.node)) return decl.node;
  }
  return undefined;
}

/**
 * Whether a `checkServerIdentity` function accepts every certificate: Node treats any falsy return
 * as "identity verified", so a body that never throws, never returns a value and calls nothing that
 * could throw (only logging, or `checkServerIdentity` with its result thrown away) accepts all.
 */
export function acceptsEveryCertificate(fn: FunctionLike): boolean {
  const body = fn.body;
  if (!body) return false;
  if (!ts.isBlock(body)) return falsyConstant(body);
  let accepts = true;
  walk(body, (node) => {
    if (!accepts) return false;
    if (node !== body && (isFunctionLike(node) || ts.isClassLike(node))) return false;
    if (ts.isThrowStatement(node)) accepts = false;
    else if (ts.isReturnStatement(node) && node.expression && !falsyConstant(node.expression)) accepts = false;
    else if (ts.isCallExpression(node) && !isHarmlessCall(node)) accepts = false;
    return undefined;
  });
  return accepts;
}

const LOGGERS = new Set(['console', 'logger', 'log']);

function isHarmlessCall(call: TS.CallExpression): boolean {
  const name = dottedName(call.expression);
  if (name === undefined) return false;
  const parts = name.split('.');
  if (parts.length >= 2 && LOGGERS.has(parts[0])) return true;
  // The standard check returns its verdict; called as a statement, the verdict is lost.
  return parts[parts.length - 1] === 'checkServerIdentity' && ts.isExpressionStatement(call.parent);
}
