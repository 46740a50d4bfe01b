import path from 'node:path';
import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { relativeUnder } from '../core/files';
import { calleeName, dottedName, envReadName, envReadText, propertyKeyName, someNode, stringLiteralValue, unwrap, withoutLiteralFallback } from '../core/ast';
import { isOutsideProductionOnly } from './tls/guards';
import { isCredentialEnv, isCredentialHeader } from './no-timing-unsafe-compare/secrets';
import { headerName } from './no-timing-unsafe-compare/origins';
import { namesCredential } from './no-sensitive-logging/names';
import { isRedacted, redwoodLogger } from './no-sensitive-logging/redaction';
import { noSensitiveLogging as meta } from './meta';

/** A log call needs a logger; a leak needs a request, an env read or a credential's name. */
const LOGGER_HINT = /console\.|\blog(?:ger)?\b|\.log\b|Logger\b/;
const LEAK_HINT = /event|req|headers|body|process\.env|Deno\.env|token|passw|pwd|secret|jwt|api_?key|credential|creds/i;

const LEVEL_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'];
/** `console.dir(value, { depth: null })` prints a value like `console.log`. */
const CONSOLE_METHODS = new Set([...LEVEL_METHODS, 'dir']);
/** The level methods, and pino's `fatal` and `child`. */
const LOGGER_METHODS = new Set([...LEVEL_METHODS, 'fatal', 'child']);
/** Below Redwood's production default level (`warn`). */
const QUIET_METHODS = new Set(['info', 'debug', 'trace']);
const LOGGER_NAME = /^(?:[Ll]og|[Ll]ogger|\w*Logger|pino|winston)$/;
/** Names of the request a handler receives as its first parameter. */
const EVENT_NAMES = /^(?:event|evt|req|request|rawEvent)$/;
const REQUEST_PART = /^(?:event|evt|req|request|rawEvent)\.(headers|multiValueHeaders|body|rawBody|cookies)$/;
/** Types of the request a handler receives (aws-lambda, @netlify/functions, Fetch, Next, @vercel/node, node:http). */
const REQUEST_TYPE = /^(?:APIGateway\w*Event\w*|ALBEvent|LambdaFunctionURLEvent\w*|HandlerEvent|FetchEvent|H3Event|RequestEvent|Request|NextRequest|NextApiRequest|FastifyRequest|VercelRequest|IncomingMessage|HttpRequest)$/;
/** Calls whose result prints their argument. */
const STRINGIFIERS = new Set(['stringify', 'String', 'inspect', 'format']);
const MAX_DEPTH = 6;

export default defineRule({
  meta,

  checkSource(ctx) {
    const { file } = ctx;
    if (!LOGGER_HINT.test(file.text) || !LEAK_HINT.test(file.text) || isOutsideApi(ctx)) return;
    for (const call of ctx.analysis.nodesOf(file).calls) checkCall(ctx, call);
  },
});

/** Browser code and local scripts of a Redwood app log to a console nobody collects. */
function isOutsideApi(ctx: SourceContext): boolean {
  const { project, path: file } = ctx.file;
  if (project.kind !== 'redwood') return false;
  const top = relativeUnder(project.root, file).split(path.sep, 1)[0];
  return top === 'web' || top === 'scripts';
}

interface Leak {
  node: TS.Node;
  messageId: string;
  name: string;
  /** The credential a string holds (`resetToken` in `link`). */
  credential?: string;
  /** An object, which a template or `+` turns into `[object Object]` rather than its contents. */
  object?: boolean;
}

function checkCall(ctx: SourceContext, call: TS.CallExpression): void {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return;
  const method = callee.name.text;
  // Any other method is no log call, and needs no receiver name.
  if (!LOGGER_METHODS.has(method) && !CONSOLE_METHODS.has(method)) return;
  const receiver = dottedName(callee.expression);
  if (receiver === undefined) return;
  const isConsole = receiver === 'console';
  const last = receiver.split('.').pop() ?? '';
  if (isConsole ? !CONSOLE_METHODS.has(method) : !(LOGGER_METHODS.has(method) && LOGGER_NAME.test(last))) return;
  if (isOutsideProductionOnly(call)) return;
  const redwood = isConsole ? undefined : redwoodLogger(ctx.analysis, callee.expression, ctx.file);
  // Redwood's logger drops everything below `warn` in production unless its level is configured.
  const silentInProduction = redwood?.defaultLevel === true && QUIET_METHODS.has(method);
  let leak: Leak | undefined;
  for (const arg of call.arguments) leak = worse(leak, findLeak(ctx, arg, [], false, redwood?.redactions, 0));
  if (!leak) return;
  ctx.report({
    messageId: leak.messageId,
    data: { call: `${receiver}.${method}`, name: leak.name, ...(leak.credential ? { credential: leak.credential } : {}) },
    at: leak.node,
    level: silentInProduction ? 'note' : undefined,
  });
}

/**
 * The first sensitive value in a logged expression. `keys` is the path of object keys from the
 * logged object down to the value (null once the value is turned into a string, which no
 * redaction reaches); `coerced` says a template or `+` turns it into a string, where objects
 * print as `[object Object]`.
 */
function findLeak(
  ctx: SourceContext,
  expr: TS.Expression,
  keys: string[] | null,
  coerced: boolean,
  redactions: readonly string[] | undefined,
  depth: number,
): Leak | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(expr);
  // Of several values logged together (`{ expected, received, secret }`), the worst is named.
  if (ts.isObjectLiteralExpression(node)) {
    let worst: Leak | undefined;
    for (const prop of node.properties) worst = worse(worst, coerced ? undefined : propertyLeak(ctx, prop, keys, redactions, depth));
    return worst;
  }
  if (ts.isArrayLiteralExpression(node)) {
    let worst: Leak | undefined;
    for (const element of node.elements) {
      const value = ts.isSpreadElement(element) ? element.expression : element;
      worst = worse(worst, findLeak(ctx, value, keys && [...keys, '*'], coerced, redactions, depth + 1));
    }
    return worst;
  }
  if (ts.isTemplateExpression(node)) {
    for (const span of node.templateSpans) {
      const leak = findLeak(ctx, span.expression, null, true, redactions, depth + 1);
      if (leak) return leak;
    }
    return undefined;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    return findLeak(ctx, node.left, null, true, redactions, depth + 1) ?? findLeak(ctx, node.right, null, true, redactions, depth + 1);
  }
  if (ts.isCallExpression(node) && STRINGIFIERS.has(calleeName(node) ?? '') && node.arguments[0]) {
    // A Fetch API `Request` keeps its fields in getters: `JSON.stringify(request)` is `{}`.
    if (dottedName(unwrap(node.expression)) === 'JSON.stringify' && isFetchRequest(ctx, node.arguments[0])) return undefined;
    return findLeak(ctx, node.arguments[0], null, false, redactions, depth + 1);
  }
  const copied = ts.isCallExpression(node) ? entriesSource(node) : undefined;
  if (copied) return findLeak(ctx, copied, keys, coerced, redactions, depth + 1);
  const leak = classify(ctx, node);
  if (!leak || (coerced && leak.object)) return undefined;
  if (keys && redactions && isRedacted(redactions, keys)) return undefined;
  return leak;
}

/** How much a leak gives away: every secret, a secret, the whole request, its credentials, a named credential, the body. */
const SEVERITY: Record<string, number> = { envAll: 7, env: 6, event: 5, headers: 4, cookies: 4, header: 3, cookie: 3, named: 2, holds: 2, body: 1 };

function worse(a: Leak | undefined, b: Leak | undefined): Leak | undefined {
  if (!a || !b) return a ?? b;
  return (SEVERITY[b.messageId] ?? 0) > (SEVERITY[a.messageId] ?? 0) ? b : a;
}

function propertyLeak(
  ctx: SourceContext,
  prop: TS.ObjectLiteralElementLike,
  keys: string[] | null,
  redactions: readonly string[] | undefined,
  depth: number,
): Leak | undefined {
  if (ts.isSpreadAssignment(prop)) return findLeak(ctx, prop.expression, keys, false, redactions, depth + 1);
  const key = ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop) ? propertyKeyName(prop.name) : undefined;
  if (key === undefined) return undefined;
  const value = ts.isPropertyAssignment(prop) ? prop.initializer : (prop as TS.ShorthandPropertyAssignment).name;
  return findLeak(ctx, value, keys && [...keys, key], false, redactions, depth + 1);
}

/** What a single value is, when it is sensitive: a request, its headers or body, a secret. */
function classify(ctx: SourceContext, node: TS.Expression): Leak | undefined {
  if (ts.isIdentifier(node)) return identifierLeak(ctx, node);
  if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return accessLeak(node);
  if (!ts.isCallExpression(node)) return undefined;
  // Deno's and Netlify's `Deno.env.get('STRIPE_SECRET_KEY')`; `Deno.env.toObject()` is the whole environment.
  const env = envReadName(node);
  if (env !== undefined) return isCredentialEnv(env) ? { node, messageId: 'env', name: envReadText(node) ?? env } : undefined;
  if (dottedName(unwrap(node.expression)) === 'Deno.env.toObject') return { node, messageId: 'envAll', name: 'Deno.env.toObject()', object: true };
  if (isParsedBody(node)) return { node, messageId: 'body', name: node.getText(ctx.file.sf), object: true };
  const cookie = cookieRead(node);
  if (cookie) return cookie;
  // `req.headers.get('authorization')` on a Fetch API request
  const header = headerName(node);
  return header !== undefined ? headerLeak(node, header) : undefined;
}

/**
 * Next.js's cookie API: `req.cookies.getAll()` is all of them, `cookies().get('session')` and
 * `req.cookies.get('token')` one; a session or credential cookie is the caller's login.
 */
function cookieRead(call: TS.CallExpression): Leak | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const jar = unwrap(callee.expression);
  const isJar = (ts.isPropertyAccessExpression(jar) && jar.name.text === 'cookies') || (ts.isCallExpression(jar) && calleeName(jar) === 'cookies' && jar.arguments.length === 0);
  if (!isJar) return undefined;
  const method = callee.name.text;
  if (method === 'getAll' && call.arguments.length === 0) return { node: call, messageId: 'cookies', name: call.getText(), object: true };
  const name = method === 'get' && call.arguments.length === 1 ? stringLiteralValue(unwrap(call.arguments[0])) : undefined;
  return name !== undefined && isLoginCookie(name) ? { node: call, messageId: 'cookie', name } : undefined;
}

/** `session`, `sid`, `connect.sid`, `__Secure-next-auth.session-token`, `sb-access-token`, `token`. */
function isLoginCookie(name: string): boolean {
  return namesCredential(name) || /(?:^|[._-])(?:session|sid|auth)(?:$|[._-])/i.test(name);
}

function accessLeak(node: TS.PropertyAccessExpression | TS.ElementAccessExpression): Leak | undefined {
  // `cookies().get('session')?.value`: the cookie read decides.
  if (ts.isPropertyAccessExpression(node) && node.name.text === 'value') {
    const read = unwrap(node.expression);
    if (ts.isCallExpression(read)) return cookieRead(read);
  }
  const env = envReadName(node);
  if (env !== undefined) return isCredentialEnv(env) ? { node, messageId: 'env', name: envReadText(node) ?? env } : undefined;
  const dotted = dottedName(node);
  if (dotted === 'process.env') return { node, messageId: 'envAll', name: 'process.env', object: true };
  const part = dotted ? REQUEST_PART.exec(dotted) : null;
  if (part) return requestPartLeak(node, part[1], dotted!);
  const header = headerName(node);
  if (header !== undefined) return headerLeak(node, header);
  const member = ts.isPropertyAccessExpression(node) ? node.name.text : propertyKeyName(node.argumentExpression as TS.PropertyName);
  if (member && namesCredential(member) && dotted) return { node, messageId: 'named', name: dotted };
  return undefined;
}

function headerLeak(node: TS.Node, header: string): Leak | undefined {
  return isCredentialHeader(header) || header === 'cookie' ? { node, messageId: 'header', name: header } : undefined;
}

/** A part of the request under `name`: its headers, its cookies (the parsed `Cookie` header) or its body. */
function requestPartLeak(node: TS.Node, part: string, name: string): Leak | undefined {
  if (part === 'headers' || part === 'multiValueHeaders') return { node, messageId: 'headers', name, object: true };
  if (part === 'cookies') return { node, messageId: 'cookies', name, object: true };
  return part === 'body' || part === 'rawBody' ? { node, messageId: 'body', name } : undefined;
}

function identifierLeak(ctx: SourceContext, id: TS.Identifier): Leak | undefined {
  const decl = ctx.analysis.declarationOf(id, ctx.file);
  if (decl && decl.file === ctx.file) {
    const declared = decl.node;
    if (ts.isParameter(declared) && EVENT_NAMES.test(id.text) && isFirstParameter(declared) && mayBeRequest(declared)) {
      return { node: id, messageId: 'event', name: id.text, object: true };
    }
    const part = destructuredRequestPart(declared, id.text);
    if (part) return requestPartLeak(id, part, id.text);
    if (ts.isVariableDeclaration(declared) && declared.initializer) {
      const init = withoutLiteralFallback(declared.initializer);
      if (ts.isCallExpression(init) && isParsedBody(init)) return { node: id, messageId: 'body', name: id.text, object: true };
      // `const session = cookies().get('session')?.value`
      const cookie = ts.isCallExpression(init) ? cookieRead(init) : ts.isPropertyAccessExpression(init) ? accessLeak(init) : undefined;
      if (cookie && (cookie.messageId === 'cookie' || cookie.messageId === 'cookies')) return { ...cookie, node: id };
      // `const secret = process.env.GITHUB_WEBHOOK_SECRET`
      const env = envReadName(init);
      if (env !== undefined && isCredentialEnv(env)) return { node: id, messageId: 'env', name: envReadText(init) ?? env };
      const dotted = dottedName(init);
      const fromRequest = dotted ? REQUEST_PART.exec(dotted) : null;
      if (fromRequest) return requestPartLeak(id, fromRequest[1], id.text);
      // `const auth = req.headers.get('authorization')`, `const token = event.headers['x-api-key']`
      const header = headerName(init);
      const leak = header !== undefined ? headerLeak(id, header) : undefined;
      if (leak) return leak;
      // `const link = \`${APP_URL}/reset?token=${resetToken}\``: a string built around a credential holds it.
      if (ts.isTemplateExpression(init)) {
        for (const span of init.templateSpans) {
          const part = unwrap(span.expression);
          const inner = ts.isIdentifier(part) ? (namesCredential(part.text) ? part.text : undefined) : ts.isPropertyAccessExpression(part) && namesCredential(part.name.text) ? dottedName(part) : undefined;
          if (inner) return { node: id, messageId: 'holds', name: id.text, credential: inner };
        }
      }
    }
  }
  return namesCredential(id.text) ? { node: id, messageId: 'named', name: id.text } : undefined;
}

/**
 * The key of the request a destructured name holds: `const { headers, body } = event`, or a
 * handler's `async ({ headers, body }) => ...`.
 */
function destructuredRequestPart(declared: TS.Node, name: string): string | undefined {
  const pattern = ts.isParameter(declared) ? declared.name : declared;
  if (!ts.isObjectBindingPattern(pattern)) return undefined;
  if (ts.isParameter(declared) ? !isRequestParameter(declared) : !isDestructuredRequest(pattern)) return undefined;
  const element = pattern.elements.find((el) => ts.isIdentifier(el.name) && el.name.text === name);
  return element && (element.propertyName ? propertyKeyName(element.propertyName) : name);
}

function isDestructuredRequest(pattern: TS.ObjectBindingPattern): boolean {
  if (!ts.isVariableDeclaration(pattern.parent) || !pattern.parent.initializer) return false;
  const source = dottedName(unwrap(pattern.parent.initializer));
  return source !== undefined && EVENT_NAMES.test(source);
}

/**
 * The first parameter of a function that receives a request: typed as one, or the function is the
 * module's handler (`export const handler`, `export default`). A destructured parameter has no
 * name to go by, and `({ headers }) => ...` also takes messages and responses.
 */
function isRequestParameter(param: TS.ParameterDeclaration): boolean {
  if (!isFirstParameter(param)) return false;
  const type = param.type;
  // By kind: `isTypeReferenceNode` is not among the TypeScript functions core/typescript keeps fast.
  if (type && type.kind === ts.SyntaxKind.TypeReference) {
    const { typeName } = type as TS.TypeReferenceNode;
    const name = ts.isIdentifier(typeName) ? typeName.text : typeName.right.text;
    if (REQUEST_TYPE.test(name)) return true;
  }
  return isHandler(param.parent);
}

/**
 * Whether a first parameter named like a request (`event`, `request`) may hold one: untyped, typed
 * `any` or as a platform's request, or the module's handler's. `trackEvent(event: AnalyticsEvent)`
 * and `audit(request: { action: string })` take the app's own values.
 */
function mayBeRequest(param: TS.ParameterDeclaration): boolean {
  const type = param.type;
  if (!type || type.kind === ts.SyntaxKind.AnyKeyword || isHandler(param.parent)) return true;
  if (type.kind !== ts.SyntaxKind.TypeReference) return false;
  const { typeName } = type as TS.TypeReferenceNode;
  return REQUEST_TYPE.test(ts.isIdentifier(typeName) ? typeName.text : typeName.right.text);
}

/**
 * A handler's Fetch API request: its first parameter, typed `Request` or `NextRequest`, or untyped
 * in a function that answers with a Fetch `Response` (Netlify's v2 functions, route handlers).
 */
function isFetchRequest(ctx: SourceContext, expr: TS.Expression): boolean {
  const id = unwrap(expr);
  if (!ts.isIdentifier(id)) return false;
  const decl = ctx.analysis.declarationOf(id, ctx.file);
  const param = decl?.file === ctx.file ? decl.node : undefined;
  if (!param || !ts.isParameter(param) || !isFirstParameter(param)) return false;
  const type = param.type;
  if (type) {
    const name = type.kind === ts.SyntaxKind.TypeReference ? (type as TS.TypeReferenceNode).typeName : undefined;
    return name !== undefined && ts.isIdentifier(name) && /^(?:Next)?Request$/.test(name.text);
  }
  const fn = param.parent as TS.FunctionLikeDeclaration;
  return fn.body !== undefined && someNode(fn.body, (n) => (ts.isNewExpression(n) && /^(?:Next)?Response$/.test(calleeName(n) ?? '')) || (ts.isCallExpression(n) && /^(?:Next)?Response\.(?:json|redirect)$/.test(dottedName(unwrap(n.expression)) ?? '')));
}

function isHandler(fn: TS.Node): boolean {
  const parent = fn.parent;
  if (ts.isExportAssignment(parent)) return true;
  if (ts.isFunctionDeclaration(fn)) {
    const isDefault = ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;
    return isDefault || fn.name?.text === 'handler';
  }
  return ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && parent.name.text === 'handler';
}

function isFirstParameter(param: TS.ParameterDeclaration): boolean {
  const fn = param.parent;
  return ts.isFunctionLike(fn) && fn.parameters[0] === param;
}

/**
 * What a copy of entries copies: `Object.fromEntries(req.headers)` (a Fetch API `Headers`),
 * `Object.entries(event.headers)`, `req.headers.entries()`.
 */
function entriesSource(call: TS.CallExpression): TS.Expression | undefined {
  const callee = unwrap(call.expression);
  const dotted = dottedName(callee);
  if ((dotted === 'Object.fromEntries' || dotted === 'Object.entries') && call.arguments.length === 1) return call.arguments[0];
  const isEntriesMethod = ts.isPropertyAccessExpression(callee) && callee.name.text === 'entries' && call.arguments.length === 0;
  return isEntriesMethod ? callee.expression : undefined;
}

/** `JSON.parse(event.body)`, `await request.json()`, `await req.text()`. */
function isParsedBody(call: TS.CallExpression): boolean {
  const name = calleeName(call);
  if (name === 'parse' && dottedName(unwrap(call.expression)) === 'JSON.parse' && call.arguments[0]) {
    // `JSON.parse(event.body || '{}')`, `JSON.parse(event.body ?? '{}')`
    let parsed = unwrap(call.arguments[0]);
    if (ts.isBinaryExpression(parsed) && (parsed.operatorToken.kind === ts.SyntaxKind.BarBarToken || parsed.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
      parsed = unwrap(parsed.left);
    }
    const arg = dottedName(parsed);
    return arg !== undefined && /^(?:event|evt|req|request|rawEvent)\.(?:body|rawBody)$/.test(arg);
  }
  if (name !== 'json' && name !== 'text' && name !== 'formData') return false;
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && /^(?:req|request)$/.test(callee.expression.text);
}
