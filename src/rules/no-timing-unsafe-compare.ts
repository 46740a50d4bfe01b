import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { unwrap } from '../core/ast';
import { originOf, type Origin } from './no-timing-unsafe-compare/origins';
import { isSecretOrigin } from './no-timing-unsafe-compare/secrets';
import { noTimingUnsafeCompare as meta } from './meta';

/** A secret reaches a comparison only through one of these words (or a constant named like one). */
const PREFILTER = /createHmac|process\.env|headers|secret|token|key|signature|digest/i;

/** The equality operator a token is, if it is one. */
function equalityOperator(kind: TS.SyntaxKind): string | undefined {
  switch (kind) {
    case ts.SyntaxKind.EqualsEqualsEqualsToken:
      return '===';
    case ts.SyntaxKind.ExclamationEqualsEqualsToken:
      return '!==';
    case ts.SyntaxKind.EqualsEqualsToken:
      return '==';
    case ts.SyntaxKind.ExclamationEqualsToken:
      return '!=';
    default:
      return undefined;
  }
}

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    const nodes = ctx.analysis.nodesOf(ctx.file);
    for (const binary of nodes.binaries) {
      const op = equalityOperator(binary.operatorToken.kind);
      if (op) checkComparison(ctx, binary, op, binary.left, binary.right);
    }
    for (const call of nodes.calls) {
      const compared = methodComparison(call);
      if (!compared) continue;
      // `.includes()` looks a guess up in a list: only a list of secrets leaks (`['Bearer', 'Token'].includes(scheme)` does not).
      if (compared.op === '.includes()' && !isSecretOrigin(originOf(ctx.analysis, compared.left, ctx.file))) continue;
      checkComparison(ctx, call, compared.op, compared.left, compared.right);
    }
  },
});

/**
 * `a.equals(b)` and `Buffer.compare(a, b)`: byte-by-byte comparisons of Buffers that stop at the
 * first difference, as `===` does; `crypto.timingSafeEqual` is the constant-time one. And
 * `KEYS.split(',').includes(key)`: `===` against each element; `startsWith`/`endsWith`, which
 * compare a prefix or suffix the same way.
 */
function methodComparison(call: TS.CallExpression): { op: string; left: TS.Expression; right: TS.Expression } | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const name = callee.name.text;
  if (name === 'equals' && call.arguments.length === 1) return { op: '.equals()', left: callee.expression, right: call.arguments[0] };
  if (name === 'includes' && call.arguments.length === 1) return { op: '.includes()', left: callee.expression, right: call.arguments[0] };
  // `auth.startsWith(\`Bearer ${process.env.API_TOKEN}\`)`: compared character by character, and any suffix passes.
  if ((name === 'startsWith' || name === 'endsWith') && call.arguments.length === 1) return { op: `.${name}()`, left: callee.expression, right: call.arguments[0] };
  if (name === 'compare' && call.arguments.length === 2 && ts.isIdentifier(callee.expression) && callee.expression.text === 'Buffer') {
    return { op: 'Buffer.compare()', left: call.arguments[0], right: call.arguments[1] };
  }
  return undefined;
}

function checkComparison(ctx: SourceContext, node: TS.Node, op: string, leftSide: TS.Expression, rightSide: TS.Expression): void {
  const { analysis, file } = ctx;
  const left = originOf(analysis, leftSide, file);
  const right = originOf(analysis, rightSide, file);
  const secret = secretSide(left, right);
  if (!secret) return;
  if (secret.kind === 'hmac') ctx.report({ messageId: 'hmac', data: { op }, at: node });
  else if (secret.kind === 'env') ctx.report({ messageId: 'env', data: { op, read: secret.read }, at: node });
  else if (secret.kind === 'header') ctx.report({ messageId: 'header', data: { op, name: secret.name }, at: node });
}

/**
 * The secret of a comparison whose other side is a value from outside: not a constant, not a
 * length, not a second environment variable or header (those compare configuration, not a guess).
 */
function secretSide(left: Origin | undefined, right: Origin | undefined): Origin | undefined {
  for (const side of [left, right]) {
    if (side && (side.kind === 'constant' || side.kind === 'length')) return undefined;
  }
  if (left && right && left.kind === right.kind && left.kind !== 'hmac') return undefined;
  const secrets = [left, right].filter(isSecretOrigin) as Origin[];
  if (secrets.length === 0) return undefined;
  return secrets.find((s) => s.kind === 'hmac') ?? secrets.find((s) => s.kind === 'env') ?? secrets[0];
}
