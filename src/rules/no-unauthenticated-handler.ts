import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import { UNAUTHENTICATED } from '../analysis/endpoint';
import { behaviourOf } from '../analysis/behaviour';
import { isFunctionLike, unwrap } from '../core/ast';
import { reportEndpointVerdicts } from './handler-verdicts';

const AUTH_HELPERS = new Set(['isAuthenticated', 'hasRole', 'requireAuth']);

export default defineRule({
  meta: {
    id: UNAUTHENTICATED,
    title: 'Endpoints doing sensitive work authenticate the caller',
    description:
      'A serverless function is a public HTTP endpoint; this one does sensitive work (database, email, files, credentialed API calls) without authenticating the caller.',
    cwe: 306,
    securitySeverity: 8.2,
    precision: 'high',
    defaultLevel: 'error',
    tags: ['security', 'authentication'],
    messages: {
      unauthenticated: 'Handler `{{name}}` {{work}} without authenticating the caller.',
      wrapperOnly:
        'Handler `{{name}}` {{work}} without authenticating the caller; `useRequireAuth` only decodes the caller and rejects nobody.',
      stubOnly: 'Handler `{{name}}` {{work}} and its only auth check is a stub that allows every caller.',
      openFunctionUrl:
        'Handler `{{name}}` is open to anyone through a function URL with `AuthType: NONE` and checks no caller in code.',
      stubAuth: '`{{name}}` in `{{module}}` always allows the caller, so calls to it authenticate nobody.',
    },
  },
  checkSource(ctx) {
    if (ctx.file.role === 'endpoint') reportEndpointVerdicts(UNAUTHENTICATED, ctx);
    else reportStubAuth(ctx);
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
