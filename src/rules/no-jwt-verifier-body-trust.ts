import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { calleeName, dottedName, enclosingFunction, someNode, unwrap, walk } from '../core/ast';
import { isRedwoodWebhooksModule } from '../analysis/vocabulary';

const PREFILTER = /jwtVerifier/;
const BODY = /^(?:event|evt|req|request)\.body$/;

export default defineRule({
  meta: {
    id: 'no-jwt-verifier-body-trust',
    title: "Redwood's jwtVerifier is not trusted to vouch for the body",
    description:
      "Redwood's `jwtVerifier` checks the signed token in the header but never compares it with the body, so a handler that acts on `event.body` accepts any body sent with one captured token.",
    cwe: 345,
    securitySeverity: 6.5,
    precision: 'high',
    defaultLevel: 'warning',
    tags: ['security', 'webhooks'],
    messages: {
      bodyNotBound:
        "`{{call}}` checks only the token, not that it covers the body, so anyone holding one captured token can send `{{body}}` with any content until the token expires.",
    },
  },

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    for (const call of ctx.analysis.nodesOf(ctx.file).calls) checkCall(ctx, call);
  },
});

function checkCall(ctx: SourceContext, call: TS.CallExpression): void {
  const callee = unwrap(call.expression);
  if (!ts.isIdentifier(callee)) return;
  const source = ctx.analysis.importSource(ctx.file, callee.text);
  if (!source || !isRedwoodWebhooksModule(source.specifier) || !/^(?:verifyEvent|verifySignature)$/.test(source.name)) return;
  const type = call.arguments[0] && ctx.analysis.stringValue(call.arguments[0], ctx.file)?.value;
  if (type !== 'jwtVerifier') return;
  const fn = enclosingFunction(call);
  if (!fn || hashesBody(fn)) return;
  const body = bodyUse(fn, call);
  if (!body) return;
  const span = { start: body.getStart(ctx.file.sf), end: body.getEnd() };
  ctx.report({
    messageId: 'bodyNotBound',
    data: { call: `${calleeName(call)}('jwtVerifier')`, body: dottedName(body) ?? 'event.body' },
    at: call,
    related: [{ file: ctx.file, span, message: 'The body is used here.' }],
  });
}

/** A read of the request body in the function, outside the verifier's own arguments. */
function bodyUse(fn: TS.Node, verify: TS.CallExpression): TS.Node | undefined {
  let found: TS.Node | undefined;
  walk(fn, (node) => {
    if (found || node === verify) return false;
    if (ts.isPropertyAccessExpression(node) && BODY.test(dottedName(node) ?? '')) found = node;
    return undefined;
  });
  return found;
}

/** Netlify's token carries a `sha256` claim of the body; a handler that hashes the body can compare it. */
function hashesBody(fn: TS.Node): boolean {
  return someNode(fn, (node) => ts.isCallExpression(node) && calleeName(node) === 'createHash');
}
