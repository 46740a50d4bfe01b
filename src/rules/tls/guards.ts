import ts from '../../core/typescript';
import type * as TS from 'typescript';
import { envReadName, stringLiteralValue, unwrap } from '../../core/ast';

/**
 * Whether a node runs only when `NODE_ENV` says the app is not in production: it sits in a branch
 * of an `if`, a `?:` or a `&&`/`||` whose condition rules production out on that branch.
 */
export function isOutsideProductionOnly(node: TS.Node, constantOf?: ConstantOf): boolean {
  let child = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (ts.isIfStatement(parent) && child !== parent.expression) {
      if (excludesProduction(parent.expression, child === parent.thenStatement, constantOf)) return true;
    } else if (ts.isConditionalExpression(parent) && child !== parent.condition) {
      if (excludesProduction(parent.condition, child === parent.whenTrue, constantOf)) return true;
    } else if (ts.isBinaryExpression(parent) && child === parent.right) {
      const op = parent.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken && excludesProduction(parent.left, true, constantOf)) return true;
      if (op === ts.SyntaxKind.BarBarToken && excludesProduction(parent.left, false, constantOf)) return true;
    }
  }
  return false;
}

/** The expression a `const` stands for (`isProd` for `process.env.NODE_ENV === 'production'`), when the caller can tell. */
export type ConstantOf = (id: TS.Identifier) => TS.Expression | undefined;

/** Whether `condition` having the truth value `holds` implies `NODE_ENV !== 'production'`. */
function excludesProduction(condition: TS.Expression, holds: boolean, constantOf?: ConstantOf, depth = 0): boolean {
  const c = unwrap(condition);
  if (ts.isIdentifier(c) && constantOf && depth < 3) {
    const value = constantOf(c);
    return value !== undefined && excludesProduction(value, holds, constantOf, depth + 1);
  }
  if (ts.isPrefixUnaryExpression(c) && c.operator === ts.SyntaxKind.ExclamationToken) {
    return excludesProduction(c.operand, !holds, constantOf, depth);
  }
  if (!ts.isBinaryExpression(c)) return false;
  const op = c.operatorToken.kind;
  if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
    return holds
      ? excludesProduction(c.left, true, constantOf, depth) || excludesProduction(c.right, true, constantOf, depth)
      : excludesProduction(c.left, false, constantOf, depth) && excludesProduction(c.right, false, constantOf, depth);
  }
  if (op === ts.SyntaxKind.BarBarToken) {
    return holds
      ? excludesProduction(c.left, true, constantOf, depth) && excludesProduction(c.right, true, constantOf, depth)
      : excludesProduction(c.left, false, constantOf, depth) || excludesProduction(c.right, false, constantOf, depth);
  }
  const equality = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
  const inequality = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
  if (!equality && !inequality) return false;
  const value = nodeEnvComparedTo(c.left, c.right) ?? nodeEnvComparedTo(c.right, c.left);
  if (value === undefined) return false;
  const equal = equality === holds;
  return equal ? value !== 'production' : value === 'production';
}

function nodeEnvComparedTo(envSide: TS.Expression, valueSide: TS.Expression): string | undefined {
  if (envReadName(envSide) !== 'NODE_ENV') return undefined;
  return stringLiteralValue(unwrap(valueSide));
}
