import type * as TS from 'typescript';
import { defineRule, type RelatedReport, type SourceContext } from '../core/rule';
import { isOutsideProductionOnly } from './tls/guards';
import { cargoOf, optionsCargo, requestCall, type Cargo, type RequestCall } from './no-insecure-transport/requests';
import { isLocalHost, plainHttpHost, urlPrefix, type UrlPrefix } from './no-insecure-transport/urls';
import { noInsecureTransport as meta } from './meta';

/** A request needs a client (by name or by a method call on an instance) or a plain-HTTP URL in the file. */
const PREFILTER = /http:\/\/|\bfetch\b|\baxios\b|\bgot\b|\bky\b|['"](?:node:)?http['"]|\.(?:get|post|put|patch|delete|head|request|create|extend)\(/i;

const SCHEME = /^\s*[a-z][a-z0-9+.-]*:/i;

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    for (const call of ctx.analysis.nodesOf(ctx.file).calls) checkCall(ctx, call);
  },
});

function checkCall(ctx: SourceContext, call: TS.CallExpression): void {
  const { analysis, file } = ctx;
  const request = requestCall(analysis, call, file);
  if (!request) return;
  const target = targetOf(ctx, request, call);
  if (!target || isOutsideProductionOnly(call)) return;
  // Credentials in a preset are reported once, where the preset is made.
  if (request.preset && optionsCargo(analysis, request.preset.options)) return;
  const cargo = cargoOf(analysis, file, request, call);
  if (!cargo) return;
  ctx.report({
    ...message(cargo),
    data: { ...message(cargo).data, client: request.client, host: target.host },
    at: target.at,
    level: cargo.kind === 'body' ? 'warning' : undefined,
    related: target.related,
  });
}

function message(cargo: Cargo): { messageId: string; data: Record<string, string> } {
  switch (cargo.kind) {
    case 'header':
      return { messageId: 'header', data: { header: cargo.name } };
    case 'login':
      return { messageId: 'login', data: { option: cargo.option } };
    case 'env':
      return { messageId: 'env', data: { name: cargo.name } };
    case 'body':
      return { messageId: 'body', data: {} };
  }
}

interface Target {
  host: string;
  at: TS.Node;
  related: RelatedReport[];
}

/** The non-local plain-HTTP host a request goes to, and where to point: the URL as written in the call. */
function targetOf(ctx: SourceContext, request: RequestCall, call: TS.CallExpression): Target | undefined {
  const { analysis, file } = ctx;
  if (request.nodeHttpHost) {
    const host = analysis.stringValue(request.nodeHttpHost, file)?.value.toLowerCase();
    if (!host || isLocalHost(host)) return undefined;
    return { host, at: request.nodeHttpHost.getSourceFile() === file.sf ? request.nodeHttpHost : call.expression, related: [] };
  }
  let prefix = request.url ? urlPrefix(analysis, request.url, file) : undefined;
  if (request.preset && (!prefix || !SCHEME.test(prefix.text))) {
    prefix = urlPrefix(analysis, request.preset.base.node, request.preset.base.file);
  }
  if (!prefix) return undefined;
  const host = plainHttpHost(prefix);
  if (!host || isLocalHost(host)) return undefined;
  const written = request.url ?? request.preset?.base.node;
  const at = written && written.getSourceFile() === file.sf ? written : call.expression;
  return { host, at, related: relatedDefinition(ctx, prefix, at) };
}

/** Points to where the URL is written when that is not the call itself (a constant, a preset). */
function relatedDefinition(ctx: SourceContext, prefix: UrlPrefix, at: TS.Node): RelatedReport[] {
  const source = prefix.source;
  const inside = source.file === ctx.file && source.node.getStart(ctx.file.sf) >= at.getStart(ctx.file.sf) && source.node.getEnd() <= at.getEnd();
  if (inside) return [];
  return [{ file: source.file, span: { start: source.node.getStart(source.file.sf), end: source.node.getEnd() }, message: 'The `http://` URL is defined here.' }];
}
