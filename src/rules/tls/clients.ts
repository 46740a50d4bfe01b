import ts from '../../core/typescript';
import type * as TS from 'typescript';
import { isPackageSpecifier, type ProjectAnalysis } from '../../core/analysis';
import type { SourceFileInfo } from '../../core/files';
import { dottedName } from '../../core/ast';

/** The call an options object ends up in, named for messages (`https.Agent`, `pg.Pool`, `got`). */
export interface Client {
  name: string;
  /** A server factory: there `rejectUnauthorized` governs client certificates, not the server's. */
  server: boolean;
}

const SERVER_FACTORIES = new Set(['createServer', 'createSecureServer', 'Server']);
const MAX_DEPTH = 8;

/**
 * Where identifiers are passed on within one file (call arguments, spreads, property values), so an
 * options object bound to a name can be followed to the call that takes it. Filled during the
 * rule's single walk, read after it.
 */
export class UseIndex {
  private readonly byName = new Map<string, TS.Identifier[]>();

  record(node: TS.Identifier): void {
    if (!isPassedOn(node)) return;
    const list = this.byName.get(node.text);
    if (list) list.push(node);
    else this.byName.set(node.text, [node]);
  }

  usesOf(name: string): readonly TS.Identifier[] {
    return this.byName.get(name) ?? [];
  }
}

function isPassedOn(id: TS.Identifier): boolean {
  const parent = id.parent;
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) return parent.arguments?.includes(id) ?? false;
  if (ts.isSpreadAssignment(parent) || ts.isShorthandPropertyAssignment(parent)) return true;
  return ts.isPropertyAssignment(parent) && parent.initializer === id;
}

export class ClientFinder {
  constructor(
    private readonly analysis: ProjectAnalysis,
    private readonly file: SourceFileInfo,
    private readonly uses: UseIndex,
  ) {}

  /** The client an options expression (usually an object literal) is handed to, within this file. */
  clientOf(node: TS.Node, depth = 0): Client | undefined {
    if (depth > MAX_DEPTH) return undefined;
    let current = node;
    let parent = current.parent;
    while (parent && passesValueThrough(parent, current)) {
      current = parent;
      parent = parent.parent;
    }
    if (!parent) return undefined;
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(current as TS.Expression)) {
      return this.describeCallee(parent);
    }
    if (ts.isPropertyAssignment(parent) || ts.isShorthandPropertyAssignment(parent) || ts.isSpreadAssignment(parent)) {
      return this.clientOf(parent.parent, depth + 1);
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === current && ts.isIdentifier(parent.name)) {
      for (const use of this.uses.usesOf(parent.name.text)) {
        if (this.analysis.declarationOf(use, this.file)?.node !== parent) continue;
        const client = this.clientOf(use, depth + 1);
        if (client) return client;
      }
    }
    return undefined;
  }

  /** Names a callee only when it comes from a package or a Node builtin; local helpers stay unnamed. */
  private describeCallee(call: TS.CallExpression | TS.NewExpression): Client | undefined {
    const dotted = dottedName(call.expression);
    if (dotted === undefined) return undefined;
    const [root, ...rest] = dotted.split('.');
    const source = this.analysis.importSource(this.file, root);
    if (!source || !isPackageSpecifier(source.specifier) || this.analysis.resolveImport(this.file, source.specifier)) {
      return undefined;
    }
    const parts = clientParts(source.specifier, source.name, root, rest);
    return { name: parts.join('.'), server: SERVER_FACTORIES.has(parts[parts.length - 1]) };
  }
}

/**
 * `https.Agent`, `undici.Agent`, `pg.Pool`, `got`: the package name stands for a default or
 * namespace import and prefixes a named one. Scoped packages read better as written in the code.
 */
function clientParts(specifier: string, imported: string, local: string, rest: string[]): string[] {
  if (specifier.startsWith('@')) return [local, ...rest];
  const moduleName = specifier.replace(/^node:/, '');
  return imported === '*' || imported === 'default' ? [moduleName, ...rest] : [moduleName, imported, ...rest];
}

function passesValueThrough(parent: TS.Node, child: TS.Node): boolean {
  if (
    ts.isParenthesizedExpression(parent) ||
    ts.isAsExpression(parent) ||
    ts.isSatisfiesExpression(parent) ||
    ts.isNonNullExpression(parent)
  ) {
    return true;
  }
  if (ts.isConditionalExpression(parent)) return child !== parent.condition;
  if (!ts.isBinaryExpression(parent)) return false;
  const op = parent.operatorToken.kind;
  if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return true;
  return op === ts.SyntaxKind.AmpersandAmpersandToken && child === parent.right;
}

