import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { isConstDeclaration, isPackageSpecifier } from '../core/analysis';
import type { SourceFileInfo } from '../core/files';
import { calleeName, dottedName, isFunctionLike, objectProperty, propertyValue, unwrap, walk, type FunctionLike } from '../core/ast';
import { isOutsideProductionOnly } from './tls/guards';
import { noErrorExposure as meta } from './meta';

/** An error reaches a response from a `catch` or a parameter named like an error. */
const PREFILTER = /\bcatch\b|\b(?:e|err|error|ex|exc|exception)\b/;
const STATUS_HINT = /\b5\d\d\b|http-status/;

/** The 5xx names of `StatusCodes` (http-status-codes) and of the http-status package; other statuses are not server errors. */
const SERVER_STATUS_NAMES: ReadonlyMap<string, number> = new Map([
  ['INTERNAL_SERVER_ERROR', 500],
  ['NOT_IMPLEMENTED', 501],
  ['BAD_GATEWAY', 502],
  ['SERVICE_UNAVAILABLE', 503],
  ['GATEWAY_TIMEOUT', 504],
  ['HTTP_VERSION_NOT_SUPPORTED', 505],
  ['INSUFFICIENT_STORAGE', 507],
  ['NETWORK_AUTHENTICATION_REQUIRED', 511],
]);
const STATUS_PACKAGE = /^http-status(?:-codes)?$/;

/** Names a parameter gets when it holds an error (`(err) => ...`, `onError(error)`). */
const ERROR_PARAMETER = /^(?:e|err|error|ex|exc|exception)$/;

const MAX_HOPS = 3;

export default defineRule({
  meta,

  checkSource(ctx) {
    const { text } = ctx.file;
    if (!PREFILTER.test(text) || !STATUS_HINT.test(text)) return;
    // The node kinds a response can be, from the file's node index (each report stands alone, so
    // the order of kinds does not matter).
    const { returns, expressionArrows, calls, news } = ctx.analysis.nodesOf(ctx.file);
    const helpers = new Map<FunctionLike, Shape[]>();
    for (const node of [...returns, ...expressionArrows, ...calls, ...news]) {
      const response = responseOf(ctx, node, helpers);
      if (response) reportExposures(ctx, response.bodies, response.status);
    }
  },
});

/** A 5xx response and the expressions that become its body. */
interface Response {
  status: number;
  bodies: TS.Expression[];
}

/** A response as written: the expression that gives its status and the one that becomes its body. */
interface Shape {
  status: TS.Expression;
  body: TS.Expression;
}

function responseOf(ctx: SourceContext, node: TS.Node, helpers: Map<FunctionLike, Shape[]>): Response | undefined {
  const shape = shapeOf(ctx, node);
  if (shape) {
    const status = serverStatus(ctx, shape.status);
    return status !== undefined ? { status, bodies: [shape.body] } : undefined;
  }
  // A helper's response can carry a caught error only where one is in scope: resolving every call's callee costs.
  return ts.isCallExpression(node) && inErrorScope(node) ? helperResponse(ctx, node, helpers) : undefined;
}

/** Inside a `catch`, or a function whose first parameter is named like an error (`.catch((err) => ...)`, Express error middleware). */
function inErrorScope(node: TS.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isCatchClause(current)) return true;
    if (isFunctionLike(current)) {
      const first = current.parameters[0];
      if (first && ts.isIdentifier(first.name) && ERROR_PARAMETER.test(first.name.text)) return true;
    }
    if (ts.isSourceFile(current)) return false;
  }
  return false;
}

/**
 * A response: a Lambda-style `return { statusCode, body }`, Express/Vercel `res.status(500).json(body)`,
 * Node's `res.writeHead(500).end(body)` or `res.statusCode = 500` then `res.end(body)`, and
 * fetch-style `new Response(body, { status })` or `Response.json(body, { status })`.
 */
function shapeOf(ctx: SourceContext, node: TS.Node): Shape | undefined {
  if (ts.isReturnStatement(node) && node.expression) return lambdaShape(node.expression);
  if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) return lambdaShape(node.body);
  if (ts.isCallExpression(node)) return chainedShape(node) ?? nodeShape(node) ?? fetchShape(ctx, node, node.arguments);
  if (ts.isNewExpression(node) && RESPONSE_CLASS.test(calleeName(node) ?? '')) return fetchShape(ctx, node, node.arguments ?? []);
  return undefined;
}

function lambdaShape(expr: TS.Expression): Shape | undefined {
  const obj = unwrap(expr);
  if (!ts.isObjectLiteralExpression(obj)) return undefined;
  const status = propertyValue(objectProperty(obj, 'statusCode'));
  const body = propertyValue(objectProperty(obj, 'body'));
  return status && body ? { status, body } : undefined;
}

const SENDS = /^(?:json|send|end|write)$/;

/** `res.status(500).json(body)`, `res.writeHead(500).end(body)`. */
function chainedShape(call: TS.CallExpression): Shape | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !SENDS.test(callee.name.text) || !call.arguments[0]) return undefined;
  const receiver = unwrap(callee.expression);
  if (!ts.isCallExpression(receiver) || !STATUS_SETTERS.test(calleeName(receiver) ?? '') || !receiver.arguments[0]) return undefined;
  return { status: receiver.arguments[0], body: call.arguments[0] };
}

const STATUS_SETTERS = /^(?:status|writeHead)$/;

/** `res.end(body)` after `res.statusCode = 500`, `res.writeHead(500)` or `res.status(500)` on its own line. */
function nodeShape(call: TS.CallExpression): Shape | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee) || !SENDS.test(callee.name.text) || !call.arguments[0] || !inErrorScope(call)) return undefined;
  const res = dottedName(unwrap(callee.expression));
  const status = res === undefined ? undefined : statusSetBefore(call, res);
  return status ? { status, body: call.arguments[0] } : undefined;
}

/** The status the nearest earlier statement of the same function gave `res`, in this block or an enclosing one. */
function statusSetBefore(call: TS.CallExpression, res: string): TS.Expression | undefined {
  for (let node: TS.Node = call; node.parent && !isFunctionLike(node); node = node.parent) {
    const block = node.parent;
    if (!ts.isBlock(block) && !ts.isSourceFile(block)) continue;
    for (let i = block.statements.indexOf(node as TS.Statement) - 1; i >= 0; i--) {
      const status = statusSetBy(block.statements[i], res);
      if (status) return status;
    }
  }
  return undefined;
}

function statusSetBy(statement: TS.Statement, res: string): TS.Expression | undefined {
  if (!ts.isExpressionStatement(statement)) return undefined;
  const expr = unwrap(statement.expression);
  if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    return dottedName(unwrap(expr.left)) === `${res}.statusCode` ? expr.right : undefined;
  }
  if (!ts.isCallExpression(expr) || !STATUS_SETTERS.test(calleeName(expr) ?? '')) return undefined;
  const callee = unwrap(expr.expression);
  return ts.isPropertyAccessExpression(callee) && dottedName(unwrap(callee.expression)) === res ? expr.arguments[0] : undefined;
}

/** The Fetch API's `Response`, and Next.js's subclass `NextResponse`. */
const RESPONSE_CLASS = /^(?:Next)?Response$/;

function fetchShape(ctx: SourceContext, node: TS.CallExpression | TS.NewExpression, args: readonly TS.Expression[]): Shape | undefined {
  const name = calleeName(node);
  const isResponse = ts.isNewExpression(node) ? RESPONSE_CLASS.test(name ?? '') : name === 'json' && /Response$/.test(receiverName(node) ?? '');
  if (!isResponse || !args[0] || !args[1]) return undefined;
  const init = ctx.analysis.resolveValue(args[1], ctx.file).node;
  if (!ts.isObjectLiteralExpression(init)) return undefined;
  const status = propertyValue(objectProperty(init, 'status'));
  return status ? { status, body: args[0] } : undefined;
}

/**
 * `fail(500, err.stack)`: a call of a function of the same file that builds a response from its
 * parameters. The status is the argument its status parameter receives (or the helper's own
 * constant), the body the arguments its body is made of.
 */
function helperResponse(ctx: SourceContext, call: TS.CallExpression, helpers: Map<FunctionLike, Shape[]>): Response | undefined {
  const helper = localFunction(ctx, call);
  if (!helper) return undefined;
  let shapes = helpers.get(helper);
  if (!shapes) helpers.set(helper, (shapes = shapesIn(ctx, helper)));
  for (const shape of shapes) {
    const status = serverStatus(ctx, argumentFor(helper, call, shape.status) ?? shape.status);
    const bodies = argumentsIn(helper, call, shape.body, shape.status);
    if (status !== undefined && bodies.length > 0) return { status, bodies };
  }
  return undefined;
}

function localFunction(ctx: SourceContext, call: TS.CallExpression): FunctionLike | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isIdentifier(callee) || call.arguments.length === 0) return undefined;
  let found: { node: TS.Node; file: SourceFileInfo } | undefined = ctx.analysis.resolveValue(callee, ctx.file);
  if (ts.isIdentifier(found.node)) found = ctx.analysis.declarationOf(found.node, found.file);
  return found && found.file === ctx.file && isFunctionLike(found.node) ? found.node : undefined;
}

/** The responses a function builds itself, not in functions nested in it. */
function shapesIn(ctx: SourceContext, fn: FunctionLike): Shape[] {
  const shapes: Shape[] = [];
  const own = shapeOf(ctx, fn);
  if (own) shapes.push(own);
  // A block, or an arrow's expression body that builds the response: `(status, message) => Response.json({ message }, { status })`.
  if (fn.body) {
    walk(fn.body, (node) => {
      if (isFunctionLike(node)) return false;
      const shape = shapeOf(ctx, node);
      if (shape) shapes.push(shape);
      return undefined;
    });
  }
  return shapes;
}

/** The argument a parameter named by `expr` receives. */
function argumentFor(fn: FunctionLike, call: TS.CallExpression, expr: TS.Expression): TS.Expression | undefined {
  const node = unwrap(expr);
  if (!ts.isIdentifier(node)) return undefined;
  const index = fn.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === node.text);
  return index >= 0 ? call.arguments[index] : undefined;
}

/**
 * The arguments whose parameters `expr` reads on a 5xx answer: the branch of `s >= 500 ? 'Internal
 * error' : message` that only other statuses take is left out.
 */
function argumentsIn(fn: FunctionLike, call: TS.CallExpression, expr: TS.Expression, status: TS.Expression): TS.Expression[] {
  const args = new Set<TS.Expression>();
  const statusParam = ts.isIdentifier(unwrap(status)) ? (unwrap(status) as TS.Identifier).text : undefined;
  walk(expr, (node) => {
    if (statusParam && ts.isConditionalExpression(node)) {
      const serverBranch = branchForServerErrors(node.condition, statusParam);
      if (serverBranch !== undefined) {
        for (const arg of argumentsIn(fn, call, serverBranch ? node.whenTrue : node.whenFalse, status)) args.add(arg);
        return false;
      }
    }
    const arg = ts.isIdentifier(node) && isValueUse(node) ? argumentFor(fn, call, node) : undefined;
    if (arg) args.add(arg);
  });
  return [...args];
}

/** For `s >= 500` (or `s > 499`, `s < 500`, `500 <= s`...): whether a 5xx status makes it true; undefined for any other condition. */
function branchForServerErrors(condition: TS.Expression, statusParam: string): boolean | undefined {
  const node = unwrap(condition);
  if (!ts.isBinaryExpression(node)) return undefined;
  const [param, bound, flipped] = ts.isIdentifier(unwrap(node.left)) && ts.isNumericLiteral(unwrap(node.right))
    ? [unwrap(node.left), Number((unwrap(node.right) as TS.NumericLiteral).text), false]
    : ts.isIdentifier(unwrap(node.right)) && ts.isNumericLiteral(unwrap(node.left))
      ? [unwrap(node.right), Number((unwrap(node.left) as TS.NumericLiteral).text), true]
      : [undefined, NaN, false];
  if (!param || (param as TS.Identifier).text !== statusParam) return undefined;
  const K = ts.SyntaxKind;
  // Written as `param op bound`; a flipped comparison reads the other way round.
  let op = node.operatorToken.kind;
  if (flipped) op = op === K.LessThanToken ? K.GreaterThanToken : op === K.GreaterThanToken ? K.LessThanToken : op === K.LessThanEqualsToken ? K.GreaterThanEqualsToken : op === K.GreaterThanEqualsToken ? K.LessThanEqualsToken : op;
  if (op === K.GreaterThanEqualsToken && bound <= 500 && bound > 400) return true;
  if (op === K.GreaterThanToken && bound < 500 && bound >= 400) return true;
  if (op === K.LessThanToken && bound <= 500 && bound > 400) return false;
  if (op === K.LessThanEqualsToken && bound < 500 && bound >= 400) return false;
  return undefined;
}

function receiverName(call: TS.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : undefined;
}

/**
 * A constant status from 500 to 599, written as a number or as a name of the http-status-codes
 * package (`StatusCodes.INTERNAL_SERVER_ERROR`); computed statuses (`err.statusCode ?? 500`) are
 * not judged.
 */
function serverStatus(ctx: SourceContext, expr: TS.Expression | undefined): number | undefined {
  if (!expr) return undefined;
  const { node, file } = ctx.analysis.resolveValue(expr, ctx.file);
  if (!ts.isNumericLiteral(node)) return namedServerStatus(ctx, node, file);
  const status = Number(node.text);
  return status >= 500 && status <= 599 ? status : undefined;
}

/** `StatusCodes.BAD_GATEWAY`, `httpStatus.INTERNAL_SERVER_ERROR`, or the name imported on its own. */
function namedServerStatus(ctx: SourceContext, node: TS.Expression, file: SourceFileInfo): number | undefined {
  const holder = ts.isPropertyAccessExpression(node) ? unwrap(node.expression) : node;
  const name = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isIdentifier(node) ? node.text : undefined;
  const status = name === undefined ? undefined : SERVER_STATUS_NAMES.get(name);
  if (status === undefined || !ts.isIdentifier(holder)) return undefined;
  return STATUS_PACKAGE.test(ctx.analysis.importSource(file, holder.text)?.specifier ?? '') ? status : undefined;
}

/**
 * Reports, for each error whose stack or message ends up in a response body, one place: where its
 * stack leaks if it does (the worse leak), else the first place its message does.
 */
function reportExposures(ctx: SourceContext, bodies: readonly TS.Expression[], status: number): void {
  // `const isProd = process.env.NODE_ENV === 'production'`, then `isProd ? 'Internal error' : err.message`.
  const constantOf = (id: TS.Identifier): TS.Expression | undefined => {
    const value = ctx.analysis.resolveValue(id, ctx.file);
    return value.node !== id && ts.isExpression(value.node) ? value.node : undefined;
  };
  const found = new Map<TS.Node, { exposure: Exposure; at: TS.Node }>();
  const visit = (root: TS.Node, hops: number): void => {
    walk(root, (node) => {
      if (isFunctionLike(node)) return false;
      const exposure = exposureAt(ctx, node);
      if (exposure) {
        const known = found.get(exposure.error);
        const worse = !known || (known.exposure.kind === 'message' && exposure.kind !== 'message');
        if (worse && !isOutsideProductionOnly(node, constantOf) && !onlyForOwnErrorClass(ctx, node, exposure.name)) found.set(exposure.error, { exposure, at: ts.isTemplateSpan(node) ? node.expression : node });
        return false;
      }
      if (ts.isIdentifier(node) && hops < MAX_HOPS && isValueUse(node)) {
        // `const message = err instanceof Error ? err.message : String(err)`, then `{ error: message }`
        const resolved = ctx.analysis.resolveValue(node, ctx.file);
        if (resolved.node !== node && resolved.file === ctx.file) visit(resolved.node, hops + 1);
      }
      return undefined;
    });
  };
  for (const body of bodies) visit(body, 0);
  for (const { exposure, at } of found.values()) {
    ctx.report({ messageId: exposure.kind, data: { name: exposure.name, status: String(status) }, at });
  }
}

/** Error classes of the language and of Node: their messages are not written for the caller. */
const BUILTIN_ERRORS = /^(?:Error|TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError|AggregateError|DOMException)$/;

/**
 * `err instanceof PublicError ? err.message : 'Internal error'`, or the branch of
 * `if (err instanceof PublicError)`: the message of an error class the app defines itself, which
 * it throws with text written for the caller. A library's class (`Prisma.PrismaClientKnownRequestError`)
 * or the language's own `Error` says nothing of the kind.
 */
function onlyForOwnErrorClass(ctx: SourceContext, node: TS.Node, name: string): boolean {
  let child = node;
  for (let parent = node.parent; parent && !isFunctionLike(parent); child = parent, parent = parent.parent) {
    const condition = ts.isConditionalExpression(parent) && child === parent.whenTrue ? parent.condition
      : ts.isIfStatement(parent) && child === parent.thenStatement ? parent.expression
      : undefined;
    if (condition && testsOwnErrorClass(ctx, condition, name)) return true;
  }
  return false;
}

function testsOwnErrorClass(ctx: SourceContext, condition: TS.Expression, name: string): boolean {
  const test = unwrap(condition);
  if (!ts.isBinaryExpression(test)) return false;
  if (test.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return testsOwnErrorClass(ctx, test.left, name) || testsOwnErrorClass(ctx, test.right, name);
  if (test.operatorToken.kind !== ts.SyntaxKind.InstanceOfKeyword) return false;
  const subject = unwrap(test.left);
  const type = unwrap(test.right);
  if (!ts.isIdentifier(subject) || subject.text !== name || !ts.isIdentifier(type) || BUILTIN_ERRORS.test(type.text)) return false;
  const source = ctx.analysis.importSource(ctx.file, type.text);
  if (source) return !isPackageSpecifier(source.specifier);
  return ctx.analysis.declarationOf(type, ctx.file) !== undefined;
}

interface Exposure {
  kind: 'stack' | 'message' | 'axios';
  name: string;
  /** The declaration of the error variable, so one error is reported once per response. */
  error: TS.Node;
}

/** `err.stack`, `err.message`, `String(err)`, `err.toString()`, `${err}` where `err` holds a caught error. */
function exposureAt(ctx: SourceContext, node: TS.Node): Exposure | undefined {
  if (ts.isPropertyAccessExpression(node)) {
    // `err.message`, and TypeScript's `(err as Error).message`
    const target = unwrap(node.expression);
    const member = node.name.text;
    if (!ts.isIdentifier(target) || (member !== 'stack' && member !== 'message' && member !== 'toString')) return undefined;
    if (member === 'toString' && !(ts.isCallExpression(node.parent) && node.parent.expression === node)) return undefined;
    const error = errorDeclaration(ctx, target);
    if (!error) return undefined;
    return { kind: member === 'stack' ? 'stack' : 'message', name: target.text, error };
  }
  if (ts.isCallExpression(node) && node.arguments.length > 0) {
    const kind = stringifiedAs(node);
    const arg = unwrap(node.arguments[0]);
    const error = kind && ts.isIdentifier(arg) ? errorDeclaration(ctx, arg) : undefined;
    return kind && error && ts.isIdentifier(arg) ? { kind, name: arg.text, error } : undefined;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    // `'Failed: ' + err` calls `err.toString()`
    for (const side of [node.left, node.right]) {
      const operand = unwrap(side);
      const error = ts.isIdentifier(operand) ? errorDeclaration(ctx, operand) : undefined;
      if (error && ts.isIdentifier(operand)) return { kind: 'message', name: operand.text, error };
    }
  }
  if (ts.isTemplateSpan(node)) {
    const expr = unwrap(node.expression);
    const error = ts.isIdentifier(expr) ? errorDeclaration(ctx, expr) : undefined;
    return error && ts.isIdentifier(expr) ? { kind: 'message', name: expr.text, error } : undefined;
  }
  if (ts.isIdentifier(node) && isSerialised(node)) {
    // `JSON.stringify({ error })` sends `{}` for an `Error`, but an axios error has a `toJSON()`.
    const error = errorDeclaration(ctx, node);
    return error && fromAxios(ctx, error) ? { kind: 'axios', name: node.text, error } : undefined;
  }
  return undefined;
}

/** An object serialised whole: `{ error }`, `{ error: err }`, `JSON.stringify(err)`, `res.json(err)`, `[err]`. */
function isSerialised(id: TS.Identifier): boolean {
  let child: TS.Node = id;
  let parent = id.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent)) {
    child = parent;
    parent = parent.parent;
  }
  if (ts.isShorthandPropertyAssignment(parent) || ts.isArrayLiteralExpression(parent)) return true;
  if (ts.isPropertyAssignment(parent)) return parent.initializer === child;
  return ts.isCallExpression(parent) && parent.arguments[0] === child && /^(?:stringify|json|send)$/.test(calleeName(parent) ?? '');
}

/**
 * A caught error an axios request throws: the `catch` of a `try` that calls axios (`axios.get`,
 * `axios(...)`, an instance from `axios.create()`), or `.catch(err => ...)` on such a call. Its
 * `toJSON()` holds the message, the stack and the request's config with its headers.
 */
function fromAxios(ctx: SourceContext, error: TS.Node): boolean {
  const scope = ts.isVariableDeclaration(error) && ts.isCatchClause(error.parent) ? error.parent.parent.tryBlock
    : ts.isParameter(error) && ts.isCallExpression(error.parent.parent) && calleeName(error.parent.parent) === 'catch' ? error.parent.parent.expression
    : undefined;
  if (!scope) return false;
  let found = false;
  walk(scope, (node) => {
    if (found || isFunctionLike(node)) return false;
    if (ts.isCallExpression(node) && isAxiosCall(ctx, node)) found = true;
    return undefined;
  });
  return found;
}

function isAxiosCall(ctx: SourceContext, call: TS.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const root = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : callee;
  if (!ts.isIdentifier(root)) return false;
  if (ctx.analysis.importSource(ctx.file, root.text)?.specifier === 'axios') return true;
  // `const api = axios.create({ baseURL })`, here or in another module.
  const value = ctx.analysis.resolveValue(root, ctx.file);
  const made = ts.isExpression(value.node) ? unwrap(value.node) : undefined;
  if (!made || !ts.isCallExpression(made) || calleeName(made) !== 'create') return false;
  const maker = unwrap(made.expression);
  return ts.isPropertyAccessExpression(maker) && ts.isIdentifier(maker.expression) && ctx.analysis.importSource(value.file, maker.expression.text)?.specifier === 'axios';
}

/**
 * What a call makes of its first argument: `String(err)` its message; `util.inspect(err)`,
 * `serializeError(err)` and `JSON.stringify(err, Object.getOwnPropertyNames(err))` its stack too.
 */
function stringifiedAs(call: TS.CallExpression): 'stack' | 'message' | undefined {
  const name = calleeName(call);
  if (name === 'String' && ts.isIdentifier(unwrap(call.expression))) return 'message';
  if (name === 'inspect' || name === 'serializeError') return 'stack';
  if (name === 'stringify' && call.arguments.length > 1 && /getOwnPropertyNames/.test(call.arguments[1].getText())) return 'stack';
  return undefined;
}

/**
 * The declaration of an identifier when it holds a caught error: a `catch (err)` binding, the
 * parameter of a `.catch(err => ...)` callback, a parameter named like an error, or a constant
 * that is one of these under another name (`const error = err as Error`).
 */
function errorDeclaration(ctx: SourceContext, id: TS.Identifier, hops = 0): TS.Node | undefined {
  const name = id.text;
  for (let scope: TS.Node | undefined = id.parent; scope; scope = scope.parent) {
    if (ts.isCatchClause(scope)) {
      const decl = scope.variableDeclaration;
      if (decl && ts.isIdentifier(decl.name) && decl.name.text === name) return decl;
    }
    if (isFunctionLike(scope)) {
      const param = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name);
      if (!param) continue;
      const isCatchCallback = ts.isCallExpression(scope.parent) && calleeName(scope.parent) === 'catch';
      return isCatchCallback || ERROR_PARAMETER.test(name) ? param : undefined;
    }
  }
  return hops < MAX_HOPS ? aliasedError(ctx, id, hops) : undefined;
}

function aliasedError(ctx: SourceContext, id: TS.Identifier, hops: number): TS.Node | undefined {
  const decl = ctx.analysis.declarationOf(id, ctx.file);
  if (!decl || decl.file !== ctx.file || !ts.isVariableDeclaration(decl.node) || !decl.node.initializer || !isConstDeclaration(decl.node)) return undefined;
  const value = unwrap(decl.node.initializer);
  return ts.isIdentifier(value) ? errorDeclaration(ctx, value, hops + 1) : undefined;
}

/** An identifier read as a value, not a property name or the name being declared. */
function isValueUse(id: TS.Identifier): boolean {
  const parent = id.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === id;
  if (ts.isPropertyAssignment(parent) || ts.isVariableDeclaration(parent) || ts.isParameter(parent)) return parent.name !== id;
  return true;
}
