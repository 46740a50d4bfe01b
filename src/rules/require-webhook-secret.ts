import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { calleeName, objectProperty } from '../core/ast';
import { redwoodVerifyCall } from '../analysis/vocabulary';
import { resolveConstant } from './tls/values';
import { projectMentions } from './require-webhook-secret/project-mentions';
import { requireWebhookSecret as meta } from './meta';

const PREFILTER = /verifyEvent|verifySignature/;

/**
 * Verifiers that accept a signature made with an empty key. `timestampSchemeVerifier` throws on an
 * empty secret and `jwtVerifier` (jsonwebtoken) refuses one, so both fail closed.
 */
const HMAC_VERIFIERS = new Set(['sha1Verifier', 'sha256Verifier', 'base64Sha1Verifier', 'base64Sha256Verifier']);
const SECRET_KEY_VERIFIER = 'secretKeyVerifier';

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    const unkeyed: Array<{ call: TS.CallExpression; type: string }> = [];
    for (const call of ctx.analysis.nodesOf(ctx.file).calls) {
      const type = unkeyedVerifier(ctx, call);
      if (type) unkeyed.push({ call, type });
    }
    if (unkeyed.length === 0 || mentionsWebhookSecret(ctx)) return;
    for (const { call, type } of unkeyed) {
      const name = calleeName(call)!;
      ctx.report({
        messageId: type === SECRET_KEY_VERIFIER ? 'emptySecretKey' : 'emptyKey',
        data: { call: `${name}('${type}')` },
        at: call,
      });
    }
  },
});

/** The verifier type of a Redwood `verifyEvent`/`verifySignature` call that passes no `secret`. */
function unkeyedVerifier(ctx: SourceContext, call: TS.CallExpression): string | undefined {
  if (!redwoodVerifyCall(ctx.analysis, ctx.file, call)) return undefined;
  const typeArg = call.arguments[0];
  const type = typeArg && ctx.analysis.stringValue(typeArg, ctx.file)?.value;
  if (!type || !(HMAC_VERIFIERS.has(type) || type === SECRET_KEY_VERIFIER)) return undefined;
  const options = call.arguments[1] && resolveConstant(ctx.analysis, call.arguments[1], ctx.file).node;
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  if (objectProperty(options, 'secret') || options.properties.some(ts.isSpreadAssignment)) return undefined;
  return type;
}

function mentionsWebhookSecret(ctx: SourceContext): boolean {
  if (/(?<![A-Za-z0-9_])WEBHOOK_SECRET(?![A-Za-z0-9_])/.test(ctx.file.text)) return true;
  return projectMentions(ctx.analysis, ctx.file.project, 'WEBHOOK_SECRET', ctx.config.ignore ?? []);
}
