import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { calleeName, dottedName, enclosingFunction, someNode, unwrap, walk } from '../core/ast';
import { redwoodVerifyCall } from '../analysis/vocabulary';
import { noJwtVerifierBodyTrust as meta } from './meta';

const PREFILTER = /jwtVerifier/;
const BODY = /^(?:event|evt|req|request)\.body$/;
const REQUEST = /^(?:event|evt|req|request)$/;

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    for (const call of ctx.analysis.nodesOf(ctx.file).calls) checkCall(ctx, call);
  },
});

function checkCall(ctx: SourceContext, call: TS.CallExpression): void {
  const verify = redwoodVerifyCall(ctx.analysis, ctx.file, call);
  if (!verify) return;
  const type = call.arguments[0] && ctx.analysis.stringValue(call.arguments[0], ctx.file)?.value;
  if (type !== 'jwtVerifier') return;
  const fn = enclosingFunction(call);
  if (!fn || hashesBody(fn)) return;
  const body = bodyUse(fn, call) ?? bodyUseByCaller(ctx, fn);
  if (!body) return;
  const span = { start: body.getStart(ctx.file.sf), end: body.getEnd() };
  ctx.report({
    messageId: 'bodyNotBound',
    data: { call: `${verify}('jwtVerifier')`, body: ts.isBindingElement(body) ? 'body' : dottedName(body) ?? 'event.body' },
    at: call,
    related: [{ file: ctx.file, span, message: 'The body is used here.' }],
  });
}

/** A read of the request body in the function, outside the verifier's own arguments: `event.body`, or `body` destructured from the request. */
function bodyUse(fn: TS.Node, verify: TS.CallExpression): TS.Node | undefined {
  let found: TS.Node | undefined;
  walk(fn, (node) => {
    if (found || node === verify) return false;
    if (ts.isPropertyAccessExpression(node) && BODY.test(dottedName(node) ?? '')) found = node;
    else if (ts.isBindingElement(node) && destructuresBody(node)) found = node;
    return undefined;
  });
  return found;
}

/**
 * A helper of the same module that only verifies (`const verify = (event) => verifyEvent(...)`):
 * the body its caller reads after calling it.
 */
function bodyUseByCaller(ctx: SourceContext, helper: TS.Node): TS.Node | undefined {
  const name = functionName(helper);
  if (name === undefined) return undefined;
  for (const call of ctx.analysis.nodesOf(ctx.file).calls) {
    const callee = unwrap(call.expression);
    if (!ts.isIdentifier(callee) || callee.text !== name) continue;
    const caller = enclosingFunction(call);
    if (!caller || caller === helper || hashesBody(caller)) continue;
    const body = bodyUse(caller, call);
    if (body) return body;
  }
  return undefined;
}

/** `function verify() {}`, `const verify = () => {}`: the name a function is called by. */
function functionName(fn: TS.Node): string | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text;
  const holder = fn.parent;
  return holder && ts.isVariableDeclaration(holder) && holder.initializer === fn && ts.isIdentifier(holder.name) ? holder.name.text : undefined;
}

/** `const { body } = event`, `async ({ body, headers }) =>`: `body` bound from the request. */
function destructuresBody(element: TS.BindingElement): boolean {
  const key = element.propertyName ?? element.name;
  if (!ts.isIdentifier(key) || key.text !== 'body' || !ts.isObjectBindingPattern(element.parent)) return false;
  const holder = element.parent.parent;
  if (ts.isVariableDeclaration(holder)) return holder.initializer !== undefined && REQUEST.test(dottedName(unwrap(holder.initializer)) ?? '');
  return ts.isParameter(holder) && ts.isFunctionLike(holder.parent) && holder.parent.parameters[0] === holder;
}

/** Netlify's token carries a `sha256` claim of the body; a handler that hashes the body can compare it. */
function hashesBody(fn: TS.Node): boolean {
  return someNode(fn, (node) => ts.isCallExpression(node) && calleeName(node) === 'createHash');
}
