import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import type { SourceFileInfo } from '../core/files';
import { calleeName, containsIdentifier, returnsOrThrows, someNode, unwrap, walk, withoutLiteralFallback } from '../core/ast';
import { originOf } from './no-timing-unsafe-compare/origins';
import { noSpoofableIpAllowlist as meta } from './meta';

/**
 * A spoofable header's name (the `-ip` ones hold the word `ip`; `forwarded` in any case), or an
 * address variable or helper that may hold its value: the word `ip`/`IP`, a camel-case
 * `callerIp`/`clientIP`/`allowedIPs`, or a `_ip`/`_IPS` suffix. The name parts are case-sensitive,
 * so words that merely end in "ip" (`ship`, `zip`, `tips`) do not count.
 */
export const PREFILTER = /[Ff]orwarded|FORWARDED|\b[Ii][Pp][Ss]?\b|[a-z0-9](?:Ip|IP)[sS]?\b|_(?:IP|ip)[sS]?\b/;

/**
 * Headers any caller can send with any address in them. Platform headers that the edge overwrites
 * (`x-nf-client-connection-ip` on Netlify, the gateway's `requestContext.identity.sourceIp`) are not here.
 */
const SPOOFABLE_HEADERS = new Set([
  'client-ip',
  'x-forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'x-cluster-client-ip',
  'fastly-client-ip',
  'forwarded',
  'x-forwarded',
  'forwarded-for',
  'cf-connecting-ip',
]);

/** Methods that test an address against a list or a prefix. */
const LIST_METHODS = new Set(['includes', 'has', 'indexOf']);
const ADDRESS_METHODS = new Set(['startsWith', 'endsWith', 'includes', 'match', 'test']);
/** Helpers that check an address against ranges: `ipRangeCheck(ip, ranges)`, `isAllowedIp(ip)`, `inSubnet(ip)`. */
const ADDRESS_HELPER = /allow|trust|range|cidr|subnet|whitelist|blacklist|blocklist|denylist/i;
/** ...but a rate limiter keyed by address decides nothing about who the caller is. */
const NOT_ACCESS_HELPER = /rate|limit|throttle|log|record|track|count/i;

function isEquality(op: TS.SyntaxKind): boolean {
  return (
    op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    op === ts.SyntaxKind.EqualsEqualsToken ||
    op === ts.SyntaxKind.ExclamationEqualsToken
  );
}

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    const decisions = new Set<TS.Node>();
    walk(ctx.file.sf, (node) => {
      const header = ts.isCallExpression(node)
        ? addressCheckedByCall(ctx, node)
        : ts.isBinaryExpression(node)
          ? addressCompared(ctx, node)
          : ts.isElementAccessExpression(node)
            ? addressLookedUp(ctx, node)
            : undefined;
      const decision = header ? decisionOf(node) : undefined;
      if (!header || !decision || decisions.has(decision)) return;
      // `ip === a || ip === b` is one decision, reported once.
      decisions.add(decision);
      ctx.report({ messageId: 'spoofable', data: { header }, at: node });
    });
  },
});

/** The spoofable header an expression's value comes from. */
function spoofableHeader(ctx: SourceContext, expr: TS.Expression): string | undefined {
  const origin = originOf(ctx.analysis, expr, ctx.file);
  if (origin?.kind === 'header') return SPOOFABLE_HEADERS.has(origin.name) ? origin.name : undefined;
  const { node, file } = ctx.analysis.resolveValue(expr, ctx.file);
  // `getClientIp(req) ?? ''`: the address, when there is one.
  return isRequestIpCall(ctx, { node: withoutLiteralFallback(node as TS.Expression), file }) ? 'x-forwarded-for' : undefined;
}

/**
 * `requestIp.getClientIp(req)`: the request-ip package returns the first address it finds in
 * `X-Client-IP`, `X-Forwarded-For` and other headers before it looks at the socket.
 */
function isRequestIpCall(ctx: SourceContext, { node, file }: { node: TS.Expression; file: SourceFileInfo }): boolean {
  if (!ts.isCallExpression(node) || calleeName(node) !== 'getClientIp') return false;
  const callee = unwrap(node.expression);
  const holder = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : callee;
  return ts.isIdentifier(holder) && ctx.analysis.importSource(file, holder.text)?.specifier === 'request-ip';
}

/** `ALLOWED.includes(ip)`, `ip.startsWith('10.')`, `/^10\./.test(ip)`, `ipRangeCheck(ip, ranges)`. */
function addressCheckedByCall(ctx: SourceContext, call: TS.CallExpression): string | undefined {
  const name = calleeName(call);
  if (!name) return undefined;
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    if (ADDRESS_METHODS.has(name)) {
      const header = spoofableHeader(ctx, callee.expression);
      if (header) return header;
    }
    if (LIST_METHODS.has(name) || name === 'test') {
      return call.arguments[0] ? spoofableHeader(ctx, call.arguments[0]) : undefined;
    }
  }
  if (name === 'check' && ts.isPropertyAccessExpression(callee) && isBlockList(ctx, callee.expression)) {
    return call.arguments[0] ? spoofableHeader(ctx, call.arguments[0]) : undefined;
  }
  if (!ADDRESS_HELPER.test(name) || NOT_ACCESS_HELPER.test(name) || LIST_METHODS.has(name)) return undefined;
  for (const arg of call.arguments) {
    const header = spoofableHeader(ctx, arg);
    if (header) return header;
  }
  return undefined;
}

/** `new BlockList()` of `node:net` (also `new net.BlockList()`), whose `check(ip)` tests an address against its ranges. */
function isBlockList(ctx: SourceContext, expr: TS.Expression): boolean {
  const { node, file } = ctx.analysis.resolveValue(expr, ctx.file);
  if (!ts.isNewExpression(node) || calleeName(node) !== 'BlockList') return false;
  const callee = unwrap(node.expression);
  const holder = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : callee;
  return ts.isIdentifier(holder) && NET_MODULE.test(ctx.analysis.importSource(file, holder.text)?.specifier ?? '');
}

const NET_MODULE = /^(?:node:)?net$/;

/** `ip === '203.0.113.7'` or `ip !== process.env.OFFICE_IP`: an address compared with a constant or a configured value. */
function addressCompared(ctx: SourceContext, node: TS.BinaryExpression): string | undefined {
  if (!isEquality(node.operatorToken.kind)) return undefined;
  for (const [side, other] of [[node.left, node.right], [node.right, node.left]] as const) {
    const header = spoofableHeader(ctx, side);
    if (header && (ctx.analysis.stringValue(other, ctx.file)?.value || isConfigured(ctx, other))) return header;
  }
  return undefined;
}

/** A value from the environment: `process.env.OFFICE_IP`, or a constant holding one. */
function isConfigured(ctx: SourceContext, expr: TS.Expression): boolean {
  return originOf(ctx.analysis, expr, ctx.file)?.kind === 'env';
}

/**
 * `if (!ALLOWED[ip])`: an address looked up in a map written out in the code (`{ '203.0.113.7': true }`)
 * and tested. A lookup that is returned or stored picks a value (`REGIONS[ip]`), and a map that
 * starts empty counts requests.
 */
function addressLookedUp(ctx: SourceContext, node: TS.ElementAccessExpression): string | undefined {
  const map = ctx.analysis.resolveValue(node.expression, ctx.file).node;
  if (!ts.isObjectLiteralExpression(map) || map.properties.length === 0) return undefined;
  const decision = decisionOf(node);
  if (!decision || ts.isReturnStatement(decision) || ts.isArrowFunction(decision)) return undefined;
  return spoofableHeader(ctx, node.argumentExpression);
}

/**
 * The statement a test's result decides: the `if` whose branch returns or throws, the function
 * whose return value it is, or the constant that such an `if` tests. A `?:` only picks a value.
 */
function decisionOf(node: TS.Node): TS.Node | undefined {
  let current: TS.Node = node;
  while (current.parent && isPartOfCondition(current.parent)) current = current.parent;
  const parent = current.parent;
  if (!parent) return undefined;
  if (ts.isIfStatement(parent) && parent.expression === current) {
    return returnsOrThrows(parent.thenStatement) || (parent.elseStatement !== undefined && returnsOrThrows(parent.elseStatement)) ? parent : undefined;
  }
  if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === current)) return parent;
  if (ts.isVariableDeclaration(parent) && parent.initializer === current && ts.isIdentifier(parent.name)) {
    return testedByIf(parent.name) ? parent : undefined;
  }
  return undefined;
}

function isPartOfCondition(node: TS.Node): boolean {
  if (ts.isParenthesizedExpression(node) || ts.isAwaitExpression(node)) return true;
  if (ts.isPrefixUnaryExpression(node)) return node.operator === ts.SyntaxKind.ExclamationToken;
  if (!ts.isBinaryExpression(node)) return false;
  const op = node.operatorToken.kind;
  return op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || isEquality(op);
}

/** `const allowed = ALLOWED.includes(ip)` followed by `if (!allowed) return ...`. */
function testedByIf(name: TS.Identifier): boolean {
  let scope: TS.Node | undefined = name.parent;
  while (scope && !ts.isBlock(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  if (!scope) return false;
  return someNode(
    scope,
    (n) => ts.isIfStatement(n) && containsIdentifier(n.expression, name.text) && (returnsOrThrows(n.thenStatement) || (n.elseStatement !== undefined && returnsOrThrows(n.elseStatement))),
  );
}
