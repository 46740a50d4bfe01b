import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { calleeName, enclosingFunction, objectProperty, propertyKeyName, propertyValue, stringLiteralValue, unwrap, walk } from '../core/ast';
import { resolveConstant } from './tls/values';
import { originOf } from './no-timing-unsafe-compare/origins';
import { noPermissiveCors as meta } from './meta';

const PREFILTER = /credentials/i;

/** Handlers whose `cors.origin: '*'` makes GraphQL Yoga echo the caller's origin (Yoga's `getCORSHeadersByRequestAndOptions`). */
const YOGA_FACTORIES = new Set(['createGraphQLHandler', 'createGraphQLYoga', 'createYoga', 'redwoodFastifyGraphQLServer']);
const HEADER_SETTERS = new Set(['setHeader', 'header', 'set', 'append']);

type Grant = 'reflect' | 'wildcard';

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    const setters = new Map<TS.Node, HeaderCalls>();
    walk(ctx.file.sf, (node) => {
      if (ts.isObjectLiteralExpression(node)) {
        checkCorsOptions(ctx, node);
        checkHeaderObject(ctx, node);
      } else if (ts.isCallExpression(node)) {
        collectHeaderCall(ctx, node, setters);
      } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isElementAccessExpression(node.left)) {
        // `headers['Access-Control-Allow-Origin'] = origin`, with the headers object returned later.
        collectHeader(ctx, node, node.left.argumentExpression, node.right, setters);
      }
    });
    for (const calls of setters.values()) {
      if (calls.origin && calls.credentials) report(ctx, calls.origin.node, calls.origin.grant, 'Access-Control-Allow-Origin', calls.origin.shown);
    }
  },
});

function report(ctx: SourceContext, at: TS.Node, grant: Grant, where: string, origin: string): void {
  ctx.report({ messageId: grant, data: { where, origin }, at, level: grant === 'wildcard' ? 'warning' : undefined });
}

/** `{ origin: '*', credentials: true }`, `{ origin: true, credentials: true }` in a CORS configuration. */
function checkCorsOptions(ctx: SourceContext, obj: TS.ObjectLiteralExpression): void {
  const originProperty = objectProperty(obj, 'origin');
  const credentials = propertyValue(objectProperty(obj, 'credentials'));
  if (!originProperty || !credentials || !isConstantTrue(ctx, credentials)) return;
  const origin = propertyValue(originProperty);
  const value = origin && resolveConstant(ctx.analysis, origin, ctx.file).node;
  if (!value) return;
  const owner = ownerOf(obj);
  let grant: Grant | undefined;
  let shown: string;
  if (value.kind === ts.SyntaxKind.TrueKeyword) {
    grant = 'reflect';
    shown = 'origin: true';
  } else if (ts.isRegularExpressionLiteral(value) && MATCHES_EVERYTHING.test(value.text)) {
    grant = 'reflect';
    shown = `origin: ${value.text}`;
  } else if (isWildcard(value)) {
    grant = owner && YOGA_FACTORIES.has(owner) ? 'reflect' : 'wildcard';
    shown = "origin: '*'";
  } else return;
  report(ctx, originProperty, grant, owner ?? 'cors', shown);
}

// A pattern every origin matches: dot-star, dot-plus, anchored or not.
const MATCHES_EVERYTHING = /^\/\^?\.[*+]\$?\/[a-z]*$/;

function isWildcard(node: TS.Node): boolean {
  if (stringLiteralValue(node) === '*') return true;
  return ts.isArrayLiteralExpression(node) && node.elements.some((e) => stringLiteralValue(unwrap(e as TS.Expression)) === '*');
}

/** The Redwood factory a `cors` option belongs to: `createGraphQLHandler({ cors })`, `new DbAuthHandler(e, c, { cors })`. */
function ownerOf(obj: TS.ObjectLiteralExpression): string | undefined {
  const property = obj.parent;
  if (!ts.isPropertyAssignment(property) || propertyKeyName(property.name) !== 'cors') return undefined;
  const options = property.parent;
  const call = options.parent;
  if (!call || !(ts.isCallExpression(call) || ts.isNewExpression(call))) return undefined;
  const name = calleeName(call);
  if (name && YOGA_FACTORIES.has(name)) return name;
  // `fastify.register(redwoodFastifyGraphQLServer, { cors })` in a server file
  const plugin = call.arguments?.[0];
  if (name === 'register' && plugin && ts.isIdentifier(plugin) && YOGA_FACTORIES.has(plugin.text)) return plugin.text;
  return name === 'DbAuthHandler' ? name : undefined;
}

/** A response's headers object: `'Access-Control-Allow-Origin': '*'` next to `'Access-Control-Allow-Credentials': 'true'`. */
function checkHeaderObject(ctx: SourceContext, obj: TS.ObjectLiteralExpression): void {
  let allowOrigin: TS.ObjectLiteralElementLike | undefined;
  let credentials = false;
  for (const prop of obj.properties) {
    const key = ts.isPropertyAssignment(prop) ? propertyKeyName(prop.name)?.toLowerCase() : undefined;
    if (key === 'access-control-allow-origin') allowOrigin = prop;
    else if (key === 'access-control-allow-credentials') credentials = isTrueHeaderValue(ctx, (prop as TS.PropertyAssignment).initializer);
  }
  if (!allowOrigin || !credentials) return;
  const grant = originGrant(ctx, (allowOrigin as TS.PropertyAssignment).initializer);
  if (grant) report(ctx, allowOrigin, grant.grant, 'Access-Control-Allow-Origin', grant.shown);
}

interface HeaderCalls {
  origin?: { node: TS.Node; grant: Grant; shown: string };
  credentials: boolean;
}

/** `res.setHeader('Access-Control-Allow-Origin', origin)` and friends, gathered per function. */
function collectHeaderCall(ctx: SourceContext, call: TS.CallExpression, byFunction: Map<TS.Node, HeaderCalls>): void {
  const name = calleeName(call);
  if (!name || !HEADER_SETTERS.has(name) || call.arguments.length < 2) return;
  collectHeader(ctx, call, call.arguments[0], call.arguments[1], byFunction);
}

/** A header set by name, by a call or an assignment: `res.setHeader(name, value)`, `headers[name] = value`. */
function collectHeader(ctx: SourceContext, at: TS.Node, name: TS.Expression, value: TS.Expression, byFunction: Map<TS.Node, HeaderCalls>): void {
  const header = ctx.analysis.stringValue(name, ctx.file)?.value.toLowerCase();
  if (header !== 'access-control-allow-origin' && header !== 'access-control-allow-credentials') return;
  const scope = enclosingFunction(at) ?? ctx.file.sf;
  const calls = byFunction.get(scope) ?? { credentials: false };
  byFunction.set(scope, calls);
  if (header === 'access-control-allow-credentials') {
    calls.credentials ||= isTrueHeaderValue(ctx, value);
  } else {
    const grant = originGrant(ctx, value);
    if (grant && !calls.origin) calls.origin = { node: at, ...grant };
  }
}

/** `*`, or the caller's own `Origin` header echoed back without a check against a list. */
function originGrant(ctx: SourceContext, value: TS.Expression): { grant: Grant; shown: string } | undefined {
  if (ctx.analysis.stringValue(value, ctx.file)?.value === '*') return { grant: 'wildcard', shown: '*' };
  // `allowed ? origin : DEFAULT_ORIGIN`: the branch that echoes decides, and the checks before it.
  const node = unwrap(value);
  if (ts.isConditionalExpression(node)) return originGrant(ctx, node.whenTrue) ?? originGrant(ctx, node.whenFalse);
  const origin = originOf(ctx.analysis, value, ctx.file);
  if (origin?.kind !== 'header' || origin.name !== 'origin' || isChecked(ctx, value)) return undefined;
  return { grant: 'reflect', shown: 'Origin' };
}

/** Whether the enclosing function compares the echoed value (or the Origin header) with something first. */
function isChecked(ctx: SourceContext, value: TS.Expression): boolean {
  const fn = enclosingFunction(value);
  if (!fn) return false;
  const target = unwrap(value);
  // The echoed name, and names derived from it (`const host = new URL(origin).hostname`).
  const names = new Set<string>(ts.isIdentifier(target) ? [target.text] : []);
  const mentionsOrigin = (node: TS.Node): boolean => {
    const text = node.getText();
    return /headers(?:\??\.origin\b|\[['"`]origin['"`]\]|\.get\(['"`]origin['"`]\))/i.test(text) || [...names].some((name) => new RegExp(`\\b${name}\\b`).test(text));
  };
  for (let round = 0; round < 3; round++) {
    walk(fn, (node) => {
      // Not the response being built (`const headers = { 'Access-Control-Allow-Origin': origin }`).
      if (ts.isVariableDeclaration(node) && node.initializer && !ts.isObjectLiteralExpression(unwrap(node.initializer)) && mentionsOrigin(node.initializer)) {
        // `const host = new URL(origin).hostname`, `const { hostname } = new URL(origin)`.
        const bound = ts.isIdentifier(node.name) ? [node.name] : ts.isObjectBindingPattern(node.name) ? node.name.elements.map((el) => el.name) : [];
        for (const id of bound) if (ts.isIdentifier(id)) names.add(id.text);
      }
      return undefined;
    });
  }
  let checked = false;
  walk(fn, (node) => {
    if (checked) return false;
    // `origin.indexOf('shop.io') !== -1`: the call decides, visited next.
    if (ts.isBinaryExpression(node) && /^(?:===|!==|==|!=)$/.test(node.operatorToken.getText()) && mentionsOrigin(node) && !comparesATest(node)) checked = true;
    else if (ts.isCallExpression(node) && ORIGIN_TESTS.has(calleeName(node) ?? '') && mentionsOrigin(node)) checked = isExactOriginTest(ctx, node, mentionsOrigin);
    // `ORIGINS[origin]`: a lookup in a map of allowed origins.
    else if (ts.isElementAccessExpression(node) && mentionsOrigin(node.argumentExpression)) checked = true;
    // `isAllowedOrigin(origin)`, `validateOrigin(origin)`: a check named for what it does.
    else if (ts.isCallExpression(node) && ORIGIN_CHECK_NAME.test(calleeName(node) ?? '') && node.arguments.some(mentionsOrigin)) checked = true;
    return undefined;
  });
  return checked;
}

function comparesATest(node: TS.BinaryExpression): boolean {
  return [node.left, node.right].some((side) => {
    const inner = unwrap(side);
    return ts.isCallExpression(inner) && ORIGIN_TESTS.has(calleeName(inner) ?? '');
  });
}

const ORIGIN_TESTS = new Set(['includes', 'has', 'test', 'match', 'endsWith', 'startsWith', 'indexOf', 'hasOwn', 'hasOwnProperty']);
const ORIGIN_CHECK_NAME = /allow|valid|trust|permit|whitelist|safe/i;

/**
 * Whether an origin test matches whole origins. Bypassable ones let a look-alike in:
 * `origin.endsWith('shop.io')` (`evilshop.io`), `origin.startsWith('https://shop.io')`
 * (`https://shop.io.evil.net`), `origin.includes('shop.io')`, an unanchored `/shop\.io/`. A list's
 * `includes(origin)`, a set's `has(origin)` and `endsWith('.shop.io')` are exact.
 */
function isExactOriginTest(ctx: SourceContext, call: TS.CallExpression, mentionsOrigin: (node: TS.Node) => boolean): boolean {
  const callee = unwrap(call.expression);
  const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
  const argument = call.arguments[0] && unwrap(call.arguments[0]);
  switch (calleeName(call)) {
    case 'startsWith':
      return false;
    case 'endsWith': {
      const suffixes = argument && suffixesOf(ctx, argument);
      return suffixes === undefined || suffixes.every((suffix) => suffix.startsWith('.') || suffix.includes('://'));
    }
    case 'includes':
    case 'indexOf':
      // `origin.includes('shop.io')` is a substring test; `ALLOWED.includes(origin)` a lookup.
      return receiver === undefined || !mentionsOrigin(receiver);
    case 'test':
      return receiver === undefined || !ts.isRegularExpressionLiteral(receiver) || isAnchored(receiver);
    case 'match':
      return argument === undefined || !ts.isRegularExpressionLiteral(argument) || isAnchored(argument);
    default:
      return true;
  }
}

/**
 * The suffixes an `endsWith` argument can be: a string, or the parameter of a callback run over a
 * constant list (`ALLOWED.some((d) => origin.endsWith(d))`). `undefined` when the code does not tell.
 */
function suffixesOf(ctx: SourceContext, argument: TS.Expression): string[] | undefined {
  const literal = stringLiteralValue(argument);
  if (literal !== undefined) return [literal];
  if (!ts.isIdentifier(argument)) return undefined;
  const callback = enclosingFunction(argument);
  const param = callback?.parameters[0];
  if (!callback || !param || !ts.isIdentifier(param.name) || param.name.text !== argument.text) return undefined;
  const iteration = callback.parent;
  if (!ts.isCallExpression(iteration) || iteration.arguments[0] !== callback || !LIST_TESTS.has(calleeName(iteration) ?? '')) return undefined;
  const callee = unwrap(iteration.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const list = resolveConstant(ctx.analysis, callee.expression, ctx.file).node;
  if (!ts.isArrayLiteralExpression(list)) return undefined;
  const values = list.elements.map((e) => stringLiteralValue(unwrap(e as TS.Expression)));
  return values.every((v): v is string => v !== undefined) ? values : undefined;
}

const LIST_TESTS = new Set(['some', 'find', 'findIndex', 'filter', 'every']);

/** `/^https:\/\/shop\.io$/`: the whole origin must match. */
function isAnchored(regex: TS.RegularExpressionLiteral): boolean {
  const source = regex.text.slice(1, regex.text.lastIndexOf('/'));
  return source.startsWith('^') && source.endsWith('$') && !source.endsWith('\\$');
}

function isTrueHeaderValue(ctx: SourceContext, value: TS.Expression): boolean {
  return isConstantTrue(ctx, value) || ctx.analysis.stringValue(value, ctx.file)?.value.toLowerCase() === 'true';
}

function isConstantTrue(ctx: SourceContext, value: TS.Expression): boolean {
  return resolveConstant(ctx.analysis, value, ctx.file).node.kind === ts.SyntaxKind.TrueKeyword;
}
