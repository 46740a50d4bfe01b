import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { UNAUTHENTICATED } from './meta';
import { behaviourOf } from '../analysis/behaviour';
import { isFunctionLike, unwrap } from '../core/ast';
import { reportEndpointVerdicts } from './handler-verdicts';
import { noUnauthenticatedHandler as meta } from './meta';

const AUTH_HELPERS = new Set(['isAuthenticated', 'hasRole', 'requireAuth']);

export default defineRule({
  meta,
  checkSource(ctx) {
    if (ctx.file.role === 'endpoint') return reportEndpointVerdicts(UNAUTHENTICATED, ctx);
    // Next.js server actions are endpoints that any module may hold.
    if (ctx.file.text.includes('use server')) reportEndpointVerdicts(UNAUTHENTICATED, ctx);
    reportStubAuth(ctx);
  },
});

/** The Redwood no-auth template (`isAuthenticated` returns `true`) makes every auth check a no-op. */
function reportStubAuth(ctx: SourceContext): void {
  const { file } = ctx;
  if (!/(^|[\\/])auth(\/index)?\.[cm]?[jt]s$/.test(file.path) || !file.text.includes('isAuthenticated')) return;
  const behaviour = behaviourOf(ctx.analysis);
  for (const statement of file.sf.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    for (const [nameNode, fn] of exportedFunctions(statement)) {
      if (!AUTH_HELPERS.has(nameNode.text) || !behaviour.isStubAuth(fn, file, nameNode.text)) continue;
      ctx.report({
        messageId: 'stubAuth',
        data: { name: nameNode.text, module: moduleName(file.path, file.project.root) },
        at: nameNode,
        // The template itself is not an exposure; the handlers that rely on it are errors.
        level: 'warning',
      });
    }
  }
}

function exportedFunctions(statement: TS.Statement): Array<[TS.Identifier, import('../core/ast').FunctionLike]> {
  if (ts.isFunctionDeclaration(statement) && statement.name) return [[statement.name, statement]];
  if (!ts.isVariableStatement(statement)) return [];
  return statement.declarationList.declarations.flatMap((decl): Array<[TS.Identifier, import('../core/ast').FunctionLike]> => {
    const init = decl.initializer && unwrap(decl.initializer);
    return ts.isIdentifier(decl.name) && init && isFunctionLike(init) ? [[decl.name, init]] : [];
  });
}

function moduleName(file: string, root: string): string {
  return file.slice(root.length + 1).split('\\').join('/').replace(/^api\//, '').replace(/\.[cm]?[jt]s$/, '');
}
