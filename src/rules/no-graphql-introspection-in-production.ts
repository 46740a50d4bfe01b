import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { calleeName, objectProperty, propertyValue } from '../core/ast';
import { isRedwoodModule } from '../analysis/vocabulary';
import { resolveConstant } from './tls/values';
import { noGraphqlIntrospectionInProduction as meta } from './meta';

const PREFILTER = /allowIntrospection|allowGraphiQL|createGraphQLHandler|createGraphQLYoga|redwoodFastifyGraphQLServer/;
const OPTIONS = { allowIntrospection: 'introspection', allowGraphiQL: 'graphiql' } as const;

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    for (const call of ctx.analysis.nodesOf(ctx.file).calls) {
      if (isGraphQLHandler(ctx, call)) checkOptions(ctx, call.arguments[0]);
      else if (registersGraphQLServer(ctx, call)) checkOptions(ctx, call.arguments[1]);
    }
  },
});

function isGraphQLHandler(ctx: SourceContext, call: TS.CallExpression): boolean {
  const name = calleeName(call);
  if (name !== 'createGraphQLHandler' && name !== 'createGraphQLYoga') return false;
  const source = ts.isIdentifier(call.expression) ? ctx.analysis.importSource(ctx.file, call.expression.text)?.specifier : undefined;
  return source === undefined || isRedwoodModule(source, 'graphql-server');
}

/** `fastify.register(redwoodFastifyGraphQLServer, options)` in a Redwood server file (`api/src/server.ts`). */
function registersGraphQLServer(ctx: SourceContext, call: TS.CallExpression): boolean {
  const plugin = call.arguments[0];
  if (calleeName(call) !== 'register' || !plugin || !ts.isIdentifier(plugin)) return false;
  const source = ctx.analysis.importSource(ctx.file, plugin.text);
  return source !== undefined && source.name === 'redwoodFastifyGraphQLServer' && isRedwoodModule(source.specifier, 'fastify');
}

/** Only a constant `true` is reported: `process.env.NODE_ENV === 'development'` and the like are the intended switch. */
function checkOptions(ctx: SourceContext, arg: TS.Expression | undefined): void {
  if (!arg) return;
  const options = resolveConstant(ctx.analysis, arg, ctx.file);
  if (!ts.isObjectLiteralExpression(options.node)) return;
  for (const [option, messageId] of Object.entries(OPTIONS)) {
    const property = objectProperty(options.node, option);
    const value = propertyValue(property);
    if (!property || !value) continue;
    const resolved = resolveConstant(ctx.analysis, value, options.file);
    if (resolved.node.kind !== ts.SyntaxKind.TrueKeyword) continue;
    const at = options.file === ctx.file ? property : arg;
    ctx.report({ messageId, at });
  }
}
