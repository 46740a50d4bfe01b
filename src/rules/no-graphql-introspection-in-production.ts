import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { calleeName, envReadName, objectProperty, propertyValue, stringLiteralValue, unwrap } from '../core/ast';
import type { SourceFileInfo } from '../core/files';
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

/**
 * A constant `true`, or a switch on `NODE_ENV` that is on in production (`=== 'production'`), is
 * reported; `process.env.NODE_ENV === 'development'` and the like are the intended switch.
 */
function checkOptions(ctx: SourceContext, arg: TS.Expression | undefined): void {
  if (!arg) return;
  const options = resolveConstant(ctx.analysis, arg, ctx.file);
  if (!ts.isObjectLiteralExpression(options.node)) return;
  for (const [option, messageId] of Object.entries(OPTIONS)) {
    const found = effectiveOption(ctx, options.node, options.file, option, 0);
    if (!found) continue;
    const resolved = resolveConstant(ctx.analysis, found.value, found.file);
    const always = resolved.node.kind === ts.SyntaxKind.TrueKeyword;
    if (!always && !onInProduction(resolved.node)) continue;
    // Set in another module (`...graphqlDefaults` from src/lib): reported at the handler, shown where it is set.
    const elsewhere = found.file !== ctx.file;
    const related = elsewhere
      ? [{ file: found.file, span: { start: found.property.getStart(found.file.sf), end: found.property.getEnd() }, message: `\`${option}\` is set here.` }]
      : [];
    ctx.report({ messageId: always ? messageId : `${messageId}InProduction`, at: elsewhere ? arg : found.property, related });
  }
}

/** The definition of `option` that wins: the last property, or one from a spread constant (`...devOptions`) after it. */
function effectiveOption(
  ctx: SourceContext,
  object: TS.ObjectLiteralExpression,
  file: SourceFileInfo,
  option: string,
  depth: number,
): { property: TS.Node; value: TS.Expression; file: SourceFileInfo } | undefined {
  for (let i = object.properties.length - 1; i >= 0; i--) {
    const property = object.properties[i];
    if (ts.isSpreadAssignment(property)) {
      const spread = depth < 4 ? resolveConstant(ctx.analysis, property.expression, file) : undefined;
      // An object the file cannot see may set the option: nothing before it counts.
      if (!spread || !ts.isObjectLiteralExpression(spread.node)) return undefined;
      const inner = effectiveOption(ctx, spread.node, spread.file, option, depth + 1);
      if (inner) return inner;
    } else if (property === objectProperty(object, option)) {
      const value = propertyValue(property);
      return value ? { property, value, file } : undefined;
    }
  }
  return undefined;
}

/** `process.env.NODE_ENV === 'production'`, `!== 'development'`: true where the app is deployed. */
function onInProduction(node: TS.Node): boolean {
  if (!ts.isBinaryExpression(node)) return false;
  const op = node.operatorToken.kind;
  const equal = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
  const unequal = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
  if (!equal && !unequal) return false;
  const sides = [unwrap(node.left), unwrap(node.right)];
  const env = sides.findIndex((side) => envReadName(side) === 'NODE_ENV');
  const literal = env === -1 ? undefined : stringLiteralValue(sides[1 - env]);
  if (literal === undefined) return false;
  return equal ? literal === 'production' : literal !== 'production';
}
