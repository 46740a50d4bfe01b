import ts from './typescript';
import type * as TS from 'typescript';

/** Small, allocation-light AST helpers shared by the analysis and the rules. */

/**
 * Syntax kinds the per-node helpers compare with, read once TypeScript is loaded: a `switch` on
 * these costs a comparison, where `ts.isX(node)` costs two property loads and a call.
 */
function readKinds() {
  const K = ts.SyntaxKind;
  return {
    ParenthesizedExpression: K.ParenthesizedExpression,
    AsExpression: K.AsExpression,
    SatisfiesExpression: K.SatisfiesExpression,
    NonNullExpression: K.NonNullExpression,
    TypeAssertionExpression: K.TypeAssertionExpression,
    AwaitExpression: K.AwaitExpression,
    CallExpression: K.CallExpression,
    NewExpression: K.NewExpression,
    ThrowStatement: K.ThrowStatement,
    ReturnStatement: K.ReturnStatement,
    PropertyAccessExpression: K.PropertyAccessExpression,
    ElementAccessExpression: K.ElementAccessExpression,
    BinaryExpression: K.BinaryExpression,
    IfStatement: K.IfStatement,
    TaggedTemplateExpression: K.TaggedTemplateExpression,
    FunctionDeclaration: K.FunctionDeclaration,
    MethodDeclaration: K.MethodDeclaration,
    ClassDeclaration: K.ClassDeclaration,
    ArrowFunction: K.ArrowFunction,
    FunctionExpression: K.FunctionExpression,
    VariableDeclaration: K.VariableDeclaration,
    PropertyAssignment: K.PropertyAssignment,
    Block: K.Block,
    SourceFile: K.SourceFile,
    ModuleBlock: K.ModuleBlock,
    StringLiteral: K.StringLiteral,
    Identifier: K.Identifier,
    Parameter: K.Parameter,
    BindingElement: K.BindingElement,
    ImportClause: K.ImportClause,
    ImportSpecifier: K.ImportSpecifier,
    NamespaceImport: K.NamespaceImport,
    ImportEqualsDeclaration: K.ImportEqualsDeclaration,
    NoSubstitutionTemplateLiteral: K.NoSubstitutionTemplateLiteral,
    TemplateHead: K.TemplateHead,
    TemplateMiddle: K.TemplateMiddle,
    TemplateTail: K.TemplateTail,
    ImportDeclaration: K.ImportDeclaration,
    ExportDeclaration: K.ExportDeclaration,
    InterfaceDeclaration: K.InterfaceDeclaration,
    TypeAliasDeclaration: K.TypeAliasDeclaration,
    FirstTypeNode: K.FirstTypeNode,
    LastTypeNode: K.LastTypeNode,
  } as const;
}

let kinds: ReturnType<typeof readKinds> | undefined;

export function syntaxKinds(): ReturnType<typeof readKinds> {
  return (kinds ??= readKinds());
}

/** The expression inside parentheses, type assertions, `!` and `await`. */
export function unwrap(node: TS.Expression): TS.Expression {
  const K = syntaxKinds();
  let current = node;
  for (;;) {
    switch (current.kind) {
      case K.ParenthesizedExpression:
      case K.AsExpression:
      case K.SatisfiesExpression:
      case K.NonNullExpression:
      case K.TypeAssertionExpression:
      case K.AwaitExpression:
        current = (current as TS.ParenthesizedExpression).expression;
        break;
      default:
        return current;
    }
  }
}

/** The text of a string-ish literal (plain strings and template literals without substitutions). */
/** `x ?? ''`, `x || 'none'`: a value read with a written default. */
export function isLiteralFallback(node: TS.BinaryExpression): boolean {
  const op = node.operatorToken.kind;
  return (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) && ts.isStringLiteralLike(unwrap(node.right));
}

/** `req.headers.get('authorization') ?? ''`: the value read, without its written default. */
export function withoutLiteralFallback(expr: TS.Expression): TS.Expression {
  const node = unwrap(expr);
  return ts.isBinaryExpression(node) && isLiteralFallback(node) ? unwrap(node.left) : node;
}

export function stringLiteralValue(node: TS.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}

/** Name of a property key, when it is static. */
export function propertyKeyName(name: TS.PropertyName | TS.MemberName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return stringLiteralValue(name.expression);
  return undefined;
}

/** `a.b.c` or `a['b'].c` as a dotted path, or undefined for anything dynamic. */
export function dottedName(node: TS.Node): string | undefined {
  if (ts.isIdentifier(node)) return node.text;
  if (node.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isPropertyAccessExpression(node)) {
    const left = dottedName(node.expression);
    return left === undefined ? undefined : `${left}.${node.name.text}`;
  }
  if (ts.isElementAccessExpression(node)) {
    const key = stringLiteralValue(node.argumentExpression);
    const left = dottedName(node.expression);
    return left === undefined || key === undefined ? undefined : `${left}.${key}`;
  }
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node)) {
    return dottedName(node.expression);
  }
  return undefined;
}

/** The last name of a callee: `verifyEvent`, `constructEvent` for `stripe.webhooks.constructEvent`. */
export function calleeName(call: TS.CallExpression | TS.NewExpression): string | undefined {
  return lastName(unwrap(call.expression));
}

/** The last name of an unwrapped callee: the identifier, the property's name, or an element access's string key. */
export function lastName(callee: TS.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isElementAccessExpression(callee)) return stringLiteralValue(callee.argumentExpression);
  return undefined;
}

export function objectProperty(obj: TS.ObjectLiteralExpression, name: string): TS.ObjectLiteralElementLike | undefined {
  for (const prop of obj.properties) {
    if ((ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop) || ts.isMethodDeclaration(prop)) &&
      propertyKeyName(prop.name) === name) {
      return prop;
    }
  }
  return undefined;
}

/** Value expression of a property (`secret: x` gives `x`, `{ secret }` gives the identifier). */
export function propertyValue(prop: TS.ObjectLiteralElementLike | undefined): TS.Expression | undefined {
  if (!prop) return undefined;
  if (ts.isPropertyAssignment(prop)) return prop.initializer;
  if (ts.isShorthandPropertyAssignment(prop)) return prop.name;
  return undefined;
}

export type FunctionLike =
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction
  | TS.MethodDeclaration;

export function isFunctionLike(node: TS.Node): node is FunctionLike {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node)
  );
}

/** The nodes most rules start from, each list in source (pre-)order. */
export interface NodeIndex {
  calls: TS.CallExpression[];
  news: TS.NewExpression[];
  binaries: TS.BinaryExpression[];
  returns: TS.ReturnStatement[];
  /** Arrow functions whose body is an expression (`() => value`). */
  expressionArrows: TS.ArrowFunction[];
  /**
   * String literals, template parts, calls and `new` expressions that are values: outside type
   * syntax and import, export, interface and type-alias declarations. What no-hardcoded-secret reads.
   */
  values: TS.Node[];
  /**
   * Every name a declaration in the file binds (variables, parameters, binding patterns,
   * functions, classes, imports): a name not in it is declared nowhere in the file, so it is a
   * global, and resolving it needs no scope walk.
   */
  declaredNames: Set<string>;
  /**
   * Tables made from this tree alone on first use (its imports, each scope's declarations) and
   * kept with it, so every analysis of the project (one per judged file) shares them instead of
   * rebuilding them for each file that reaches this module.
   */
  tables: TreeTables;
}

/** A name an import binds locally: the module specifier and the name that module exports (`default`, `*`). */
export interface ImportedName {
  specifier: string;
  name: string;
}

export interface TreeTables {
  /** Every local name bound by `import` or `require`, with where it comes from. */
  importSources: Map<string, ImportedName> | undefined;
  /** Names bound by `import` declarations with a string specifier, except namespaces (the first import of each name). */
  importBindings: Map<string, ImportedName> | undefined;
  /** Each block's or module's declared names (see `ProjectAnalysis`'s scope walk), by scope node. */
  scopes: Map<TS.Node, Map<string, TS.Node | null>> | undefined;
}

/**
 * Lists a tree's calls, `new` expressions, binary expressions, returns, expression-bodied arrows and literal values in one
 * pre-order walk, so that rules looking for these kinds share it instead of each walking the
 * whole tree. Undefined when the tree is more than `maxDepth` levels deep (the root is level 1):
 * the walk stops there, so it never recurses deeper than that, and it is the scan's depth check
 * too (files.ts). Use the index through `ProjectAnalysis.nodesOf`.
 */
export function indexTree(root: TS.Node, maxDepth: number): NodeIndex | undefined {
  const index: NodeIndex = {
    calls: [],
    news: [],
    binaries: [],
    returns: [],
    expressionArrows: [],
    values: [],
    declaredNames: new Set(),
    tables: { importSources: undefined, importBindings: undefined, scopes: undefined },
  };
  const saved = indexing;
  indexing = { K: syntaxKinds(), index, depth: 1, maxDepth, inTypes: false, parent: undefined };
  try {
    return visitForIndex(root) === true ? undefined : index;
  } finally {
    indexing = saved;
  }
}

/** Lists a tree that is known to be within the nesting limit (it was checked when parsed). */
export function indexNodes(root: TS.Node): NodeIndex {
  return indexTree(root, Infinity)!;
}

/** The walk's state, in one place rather than in a closure per node: this runs on every node of every file. */
let indexing:
  | { K: ReturnType<typeof readKinds>; index: NodeIndex; depth: number; maxDepth: number; inTypes: boolean; parent: TS.Node | undefined }
  | undefined;

/** Records one node and walks its children; true stops the walk (too deep). */
function visitForIndex(node: TS.Node): true | undefined {
  const state = indexing!;
  if (state.depth > state.maxDepth) return true;
  // The parser leaves parent pointers to this walk (files.ts); the root keeps its own.
  const parent = state.parent;
  if (parent !== undefined) (node as { parent: TS.Node }).parent = parent;
  const { K, index } = state;
  const kind = node.kind;
  const inTypes = state.inTypes;
  switch (kind) {
    case K.CallExpression:
      index.calls.push(node as TS.CallExpression);
      if (!inTypes) index.values.push(node);
      break;
    case K.NewExpression:
      index.news.push(node as TS.NewExpression);
      if (!inTypes) index.values.push(node);
      break;
    case K.BinaryExpression:
      index.binaries.push(node as TS.BinaryExpression);
      break;
    case K.ReturnStatement:
      index.returns.push(node as TS.ReturnStatement);
      break;
    case K.ArrowFunction:
      if ((node as TS.ArrowFunction).body.kind !== K.Block) index.expressionArrows.push(node as TS.ArrowFunction);
      break;
    case K.VariableDeclaration:
    case K.Parameter:
    case K.BindingElement:
    case K.FunctionDeclaration:
    case K.ClassDeclaration:
    case K.ImportClause:
    case K.ImportSpecifier:
    case K.NamespaceImport:
    case K.ImportEqualsDeclaration: {
      const name = (node as TS.NamedDeclaration).name;
      if (name !== undefined && name.kind === K.Identifier) index.declaredNames.add((name as TS.Identifier).text);
      break;
    }
    case K.StringLiteral:
    case K.NoSubstitutionTemplateLiteral:
    case K.TemplateHead:
    case K.TemplateMiddle:
    case K.TemplateTail:
      if (!inTypes) index.values.push(node);
      return undefined;
    case K.ImportDeclaration:
    case K.ExportDeclaration:
    case K.InterfaceDeclaration:
    case K.TypeAliasDeclaration:
      state.inTypes = true;
      break;
    default:
      // Type syntax holds literal types (`tokenType: 'Bearer'`), never values.
      if (kind >= K.FirstTypeNode && kind <= K.LastTypeNode) state.inTypes = true;
  }
  state.depth++;
  state.parent = node;
  const stop = ts.forEachChild(node, visitForIndex);
  state.parent = parent;
  state.depth--;
  state.inTypes = inTypes;
  return stop;
}

/** Depth-first walk; return `false` from the visitor to skip a node's children. */
export function walk(node: TS.Node, visit: (node: TS.Node) => boolean | void): void {
  // Recursion is safe: every tree a rule sees has passed the nesting limit (files.ts, 300 levels).
  const step = (current: TS.Node): undefined => {
    if (visit(current) !== false) ts.forEachChild(current, step);
    return undefined;
  };
  step(node);
}

/**
 * Whether `test` holds for `node` or a node below it; the subtrees of nodes for which `prune` holds
 * are not searched. Stops at the first node that passes (`forEachChild` stops at a truthy answer).
 */
export function someNode(node: TS.Node, test: (node: TS.Node) => boolean, prune?: (node: TS.Node) => boolean): boolean {
  const step = (current: TS.Node): true | undefined => {
    if (prune?.(current)) return undefined;
    if (test(current)) return true;
    return ts.forEachChild(current, step);
  };
  return step(node) === true;
}

/** `inner` lies in `outer` (full positions, trivia included: no scan for where tokens start). */
export function within(outer: TS.Node, inner: TS.Node): boolean {
  return outer.pos <= inner.pos && inner.end <= outer.end;
}

/** Whether an identifier named `name` occurs in `node`. */
export function containsIdentifier(node: TS.Node, name: string): boolean {
  return someNode(node, (n) => ts.isIdentifier(n) && n.text === name);
}

/** Whether a statement can leave its function: a `return` or `throw` in it, outside nested functions. */
/** What a function answers when it answers one expression: an arrow's body, or the only `return`, last in its block. */
export function singleReturn(fn: FunctionLike): TS.Expression | undefined {
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return body;
  const returns = body.statements.filter(ts.isReturnStatement);
  return returns.length === 1 && body.statements[body.statements.length - 1] === returns[0] ? returns[0].expression : undefined;
}

export function returnsOrThrows(statement: TS.Statement): boolean {
  return someNode(statement, (n) => ts.isReturnStatement(n) || ts.isThrowStatement(n) || isThrowingHelperCall(n), isFunctionLike);
}

/** Helpers named for refusing, called as a statement: `throwUnauthorized()`, `forbidden()`, `res.sendStatus(401)` aside. */
const THROWING_HELPER = /^(?:throw|fail|deny|forbid|forbidden|unauthori[sz]ed|reject|abort|bail|notFound|badRequest|raise|httpError|createError)/i;

/** Next.js's `redirect()` and `permanentRedirect()` (`next/navigation`) throw; `res.redirect()` does not, so only a bare call counts. */
const THROWING_REDIRECT = /^(?:redirect|permanentRedirect)$/;

function isThrowingHelperCall(node: TS.Node): boolean {
  if (!ts.isExpressionStatement(node)) return false;
  const expression = unwrap(node.expression);
  if (!ts.isCallExpression(expression)) return false;
  const callee = unwrap(expression.expression);
  const name = calleeName(expression);
  return name !== undefined && (THROWING_HELPER.test(name) || (ts.isIdentifier(callee) && THROWING_REDIRECT.test(name)));
}

export function isFalseLiteral(node: TS.Expression): boolean {
  const n = unwrap(node);
  return n.kind === ts.SyntaxKind.FalseKeyword || (ts.isNumericLiteral(n) && n.text === '0');
}

export function isTrueLiteral(node: TS.Expression): boolean {
  return unwrap(node).kind === ts.SyntaxKind.TrueKeyword;
}

/** Nearest enclosing function of a node, or undefined at module level. */
export function enclosingFunction(node: TS.Node): FunctionLike | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current;
  }
  return undefined;
}

/** The 'process.env.X' name read by an expression, if it is an env read. */
export function envReadName(node: TS.Expression): string | undefined {
  const n = unwrap(node);
  // `Deno.env.get('X')` and Netlify's edge `Netlify.env.get('X')`.
  if (n.kind === syntaxKinds().CallExpression) {
    const call = n as TS.CallExpression;
    const key = call.arguments.length === 1 ? stringLiteralValue(call.arguments[0]) : undefined;
    return key !== undefined && ENV_GETTERS.has(dottedName(call.expression) ?? '') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : undefined;
  }
  const name = dottedName(n);
  if (!name) return undefined;
  const match = /^(?:process\.env|import\.meta\.env|Deno\.env)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(name);
  // Cloudflare's bindings: `env.API_KEY` (a Worker's `fetch(request, env)`), `c.env.API_KEY` (Hono),
  // `context.env.API_KEY` (Pages), `this.env.API_KEY` (a `WorkerEntrypoint`); upper-case names
  // only, as wrangler's secrets and vars are written.
  return match?.[1] ?? /^(?:(?:c|ctx|context|this)\.)?env\.([A-Z][A-Z0-9_]*)$/.exec(name)?.[1];
}

/** An env read as written, for messages: `process.env.X`, `c.env.X`, `Netlify.env.get('X')`. */
export function envReadText(node: TS.Expression): string | undefined {
  const name = envReadName(node);
  if (name === undefined) return undefined;
  const n = unwrap(node);
  if (n.kind === syntaxKinds().CallExpression) return `${dottedName((n as TS.CallExpression).expression)}('${name}')`;
  const dotted = dottedName(n) ?? '';
  if (dotted.startsWith('import.meta.env.')) return `import.meta.env.${name}`;
  // `process.env['X']`, `Deno.env.X` read as `process.env.X`; Cloudflare's bindings as written.
  return /^(?:(?:c|ctx|context|this)\.)?env\./.test(dotted) ? dotted : `process.env.${name}`;
}

export function isEnvRead(node: TS.Expression): boolean {
  const n = unwrap(node);
  if (envReadName(n) !== undefined) return true;
  // process.env[name] with a dynamic key, or Deno.env.get('X')
  if (ts.isElementAccessExpression(n) && dottedName(n.expression) === 'process.env') return true;
  return ts.isCallExpression(n) && ENV_GETTERS.has(dottedName(n.expression) ?? '');
}

const ENV_GETTERS = new Set(['Deno.env.get', 'Netlify.env.get']);
