import fs from 'node:fs';
import path from 'node:path';
import ts from './typescript';
import type * as TS from 'typescript';
import type { SourceFileInfo } from './files';
import type { ProjectInfo } from './project';
import { indexNodes, propertyKeyName, stringLiteralValue, syntaxKinds, unwrap, type ImportedName, type NodeIndex, type TreeTables } from './ast';
import type { KnownFolders } from './folders';

/** Where the analysis gets parsed modules from: the CLI engine and the ESLint adapter each provide one. */
export interface ModuleHost {
  /** The parsed module at an absolute path, or undefined if it is missing, skipped or not JS/TS. */
  load(file: string, project: ProjectInfo): SourceFileInfo | undefined;
  /** Folder listings already read, which settle most import probes without a system call. */
  readonly folders?: KnownFolders;
  /**
   * Told of each import an analysis is about to resolve, before it looks at the disk: a host
   * that outlives the files it reads (an editor) watches the folders the answer depends on.
   */
  resolving?(from: SourceFileInfo, specifier: string): void;
}

export interface Resolved<T extends TS.Node = TS.Expression> {
  node: T;
  file: SourceFileInfo;
}

/** A syntax node the value is about, or a string naming a question about the project. */
export type StandaloneKey = TS.Node | string;

export interface StandaloneOptions<T> {
  /** Whether the value may be reused (it does not depend on where it was asked from). */
  keep(value: T): boolean;
  /** The value refers to syntax nodes, so it is not kept when it read the file being judged. */
  holdsTrees: boolean;
}

interface StandaloneStore {
  kept: Map<StandaloneKey, unknown>;
  open: Set<StandaloneKey>;
}

const RESOLVE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mts', '.cts', '.mjs', '.cjs'];
const MAX_HOPS = 8;

/**
 * Cross-file knowledge shared by every rule: import resolution, constant propagation and
 * per-module memos. One instance lives for one scan (or one ESLint run, invalidated by content).
 */
export class ProjectAnalysis {
  private readonly resolutions = new Map<string, string | null>();
  private readonly memos = new Map<string, Map<SourceFileInfo, unknown>>();
  private readonly sharedValues = new Map<string, unknown>();
  /** Answers already given: rules ask about the same identifiers many times. */
  private readonly declarations = new WeakMap<TS.Node, { file: SourceFileInfo; found: Resolved<TS.Node> | undefined }>();
  private readonly values = new WeakMap<TS.Node, { file: SourceFileInfo; found: Resolved }>();
  /**
   * Imported names and exported declarations already followed, by module and name: a handler
   * names the same import many times. Per analysis, not with the trees, since following them
   * loads modules, which the dependency tracker must see in each analysis that relies on them.
   */
  private readonly imports = new Map<SourceFileInfo, Map<string, { module: SourceFileInfo; name: string } | null>>();
  private readonly exports = new Map<SourceFileInfo, Map<string, Resolved<TS.Node> | null>>();

  constructor(
    private readonly host: ModuleHost,
    private readonly standalones: StandaloneStore = { kept: new Map(), open: new Set() },
  ) {}

  /**
   * A value about one node (or one named question) computed by `compute` on a fresh analysis of
   * the same modules (empty memos), so it does not depend on what this analysis met before; kept
   * for later questions when `options.keep` allows. Undefined when the same key is already being
   * computed further up (a cycle): the caller computes in place. The engine's analyses share these
   * across the files of a project and record what each value read (see DependencyTracker);
   * `holdsTrees` says the value refers to syntax nodes, so it must not outlive the file being judged.
   */
  standalone<T>(key: StandaloneKey, compute: (fresh: ProjectAnalysis) => T, options: StandaloneOptions<T>): T | undefined {
    const store = this.standalones;
    if (store.kept.has(key)) return store.kept.get(key) as T;
    if (store.open.has(key)) return undefined;
    store.open.add(key);
    try {
      const value = compute(new ProjectAnalysis(this.host, store));
      if (options.keep(value)) store.kept.set(key, value);
      return value;
    } finally {
      store.open.delete(key);
    }
  }

  load(file: string, project: ProjectInfo): SourceFileInfo | undefined {
    return this.host.load(file, project);
  }

  /**
   * One object per analysis for a layer built on top of it (the behaviour analyzer). Held on the
   * instance, not in a module-level WeakMap: V8 keeps a WeakMap's young entries alive through
   * scavenges, which promoted every parsed tree to the old generation.
   */
  shared<T>(name: string, create: () => T): T {
    let value = this.sharedValues.get(name) as T | undefined;
    if (value === undefined) {
      value = create();
      this.sharedValues.set(name, value);
    }
    return value;
  }

  /** Per-file memo for derived facts (summaries, endpoint facts), keyed by a name. */
  memo<T>(name: string, file: SourceFileInfo, compute: () => T): T {
    let table = this.memos.get(name);
    if (!table) {
      table = new Map();
      this.memos.set(name, table);
    }
    if (table.has(file)) return table.get(file) as T;
    // The placeholder cuts recursion through cyclic imports; it must not outlive a failed compute.
    table.set(file, undefined);
    try {
      const value = compute();
      table.set(file, value);
      return value;
    } catch (error) {
      table.delete(file);
      throw error;
    }
  }

  /** The file's node index (calls, `new`, binaries, returns, literal values, declared names), from the walk that checked its depth. */
  nodesOf(file: SourceFileInfo): NodeIndex {
    return file.index ?? this.memo('node-index', file, () => indexNodes(file.sf));
  }

  /**
   * Whether any declaration of the file binds `name` (a variable, parameter, function, class or
   * import). A name none binds (`JSON`, `process`, `console`) is a global: it resolves to itself.
   */
  declares(file: SourceFileInfo, name: string): boolean {
    return this.nodesOf(file).declaredNames.has(name);
  }

  /** Resolves an import specifier the way Redwood's babel config does. Bare packages give undefined. */
  resolveImport(from: SourceFileInfo, specifier: string): string | undefined {
    const key = `${from.path}\0${specifier}`;
    const cached = this.resolutions.get(key);
    if (cached !== undefined) return cached ?? undefined;
    this.host.resolving?.(from, specifier);
    const result = this.resolveUncached(from, specifier) ?? null;
    this.resolutions.set(key, result);
    return result ?? undefined;
  }

  private resolveUncached(from: SourceFileInfo, specifier: string): string | undefined {
    for (const base of importBases(path.dirname(from.path), specifier, from.project)) {
      const found = probe(base, this.host.folders);
      if (found) return found;
    }
    return undefined;
  }

  /** The project module an import specifier in `from` refers to, loaded; undefined for a package or a missing file. */
  importedModule(from: SourceFileInfo, specifier: string): SourceFileInfo | undefined {
    const target = this.resolveImport(from, specifier);
    return target ? this.load(target, from.project) : undefined;
  }

  /** The module a named import refers to, with the imported name. */
  importedBinding(file: SourceFileInfo, localName: string): { module: SourceFileInfo; name: string } | undefined {
    return byModuleAndName(this.imports, file, localName, () => this.followImport(file, localName));
  }

  private followImport(file: SourceFileInfo, localName: string): { module: SourceFileInfo; name: string } | undefined {
    const tables = this.tablesOf(file);
    const binding = (tables.importBindings ??= importBindings(file.sf)).get(localName);
    if (!binding) return undefined;
    const module = this.importedModule(file, binding.specifier);
    return module ? { module, name: binding.name } : undefined;
  }

  /** The package an identifier was imported from (`@redwoodjs/api/webhooks`), with the imported name. */
  importSource(file: SourceFileInfo, localName: string): ImportedName | undefined {
    const tables = this.tablesOf(file);
    return (tables.importSources ??= collectImportSources(file.sf)).get(localName);
  }

  private tablesOf(file: SourceFileInfo): TreeTables {
    return this.nodesOf(file).tables;
  }

  /** Follows an exported name to its declaration, through re-exports. */
  exportedDeclaration(module: SourceFileInfo, name: string): Resolved<TS.Node> | undefined {
    // Frozen: the answer is shared by every later question about this name.
    return byModuleAndName(this.exports, module, name, () => {
      const found = this.followExport(module, name, 0);
      return found && Object.freeze(found);
    });
  }

  private followExport(module: SourceFileInfo, name: string, hops: number): Resolved<TS.Node> | undefined {
    if (hops > MAX_HOPS) return undefined;
    for (const statement of module.sf.statements) {
      const exported = hasExportModifier(statement);
      if (ts.isVariableStatement(statement) && (exported || name !== 'default')) {
        if (!exported) continue;
        for (const decl of statement.declarationList.declarations) {
          if (ts.isIdentifier(decl.name) && decl.name.text === name) return { node: decl, file: module };
        }
      } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && exported) {
        const isDefault = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
        if ((isDefault && name === 'default') || statement.name?.text === name) return { node: statement, file: module };
      } else if (ts.isExportAssignment(statement) && name === 'default') {
        return { node: statement.expression, file: module };
      } else if (ts.isExportDeclaration(statement)) {
        const found = this.throughExportDeclaration(module, statement, name, hops);
        if (found) return found;
      }
    }
    // `module.exports.x = ...` / `exports.x = ...`; `module.exports = x` is what `require()` gives (the default).
    for (const statement of module.sf.statements) {
      if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) continue;
      const { left, right, operatorToken } = statement.expression;
      if (operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isPropertyAccessExpression(left)) continue;
      const target = left.expression.getText(module.sf);
      if (name === 'default' && target === 'module' && left.name.text === 'exports') return { node: right, file: module };
      // `module.exports = require('./verify')`: that module's exports are this one's.
      const required = target === 'module' && left.name.text === 'exports' ? this.requiredThrough(module, right) : undefined;
      if (required !== undefined) {
        const loaded = this.importedModule(module, required);
        return loaded ? this.followExport(loaded, name, hops + 1) : undefined;
      }
      // `module.exports = { requireUser, verify: verifyToken, ...require('./more') }`: each property is a named export for `require()`'s destructuring.
      if (target === 'module' && left.name.text === 'exports' && ts.isObjectLiteralExpression(right)) {
        const property = right.properties.find((p) => p.name !== undefined && propertyKeyName(p.name) === name);
        for (const spread of property ? [] : right.properties) {
          const from = ts.isSpreadAssignment(spread) ? this.requiredThrough(module, spread.expression) : undefined;
          const loaded = from === undefined ? undefined : this.importedModule(module, from);
          const found = loaded ? this.followExport(loaded, name, hops + 1) : undefined;
          if (found) return found;
        }
        if (property && ts.isShorthandPropertyAssignment(property)) return this.localDeclaration(module, name) ?? this.requiredBinding(module, name, hops);
        if (property && ts.isPropertyAssignment(property)) {
          const value = unwrap(property.initializer);
          return ts.isIdentifier(value) ? (this.localDeclaration(module, value.text) ?? { node: value, file: module }) : { node: value, file: module };
        }
        if (property && ts.isMethodDeclaration(property)) return { node: property, file: module };
      }
      if ((target === 'exports' || target === 'module.exports') && left.name.text === name) {
        return { node: right, file: module };
      }
    }
    return undefined;
  }

  private throughExportDeclaration(
    module: SourceFileInfo,
    statement: TS.ExportDeclaration,
    name: string,
    hops: number,
  ): Resolved<TS.Node> | undefined {
    const spec = statement.moduleSpecifier ? stringLiteralValue(statement.moduleSpecifier) : undefined;
    const clause = statement.exportClause;
    if (clause && ts.isNamedExports(clause)) {
      for (const element of clause.elements) {
        if (element.name.text !== name) continue;
        const local = (element.propertyName ?? element.name).text;
        if (spec === undefined) return this.localDeclaration(module, local);
        const next = this.importedModule(module, spec);
        return next ? this.followExport(next, local, hops + 1) : undefined;
      }
    } else if (!clause && spec !== undefined) {
      const next = this.importedModule(module, spec);
      return next ? this.followExport(next, name, hops + 1) : undefined;
    }
    return undefined;
  }

  /** The top-level declaration of a name in a module (function, const, class). */
  /** `const { requireAuth } = require('./claims')` (or `{ check: requireAuth }`): the export it binds, in that module. */
  private requiredBinding(module: SourceFileInfo, name: string, hops: number): Resolved<TS.Node> | undefined {
    for (const statement of module.sf.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const decl of statement.declarationList.declarations) {
        if (!ts.isObjectBindingPattern(decl.name) || !decl.initializer) continue;
        const specifier = requiredSpecifier(decl.initializer);
        const element = specifier === undefined ? undefined : decl.name.elements.find((el) => ts.isIdentifier(el.name) && el.name.text === name);
        if (!element || specifier === undefined) continue;
        const exported = element.propertyName ? propertyKeyName(element.propertyName) : name;
        const loaded = this.importedModule(module, specifier);
        return loaded && exported !== undefined ? this.followExport(loaded, exported, hops + 1) : undefined;
      }
    }
    return undefined;
  }

  /** `require('./verify')`, or a constant of the module bound to one (`const v = require('./verify'); module.exports = v`): the specifier. */
  private requiredThrough(module: SourceFileInfo, expr: TS.Expression): string | undefined {
    const value = unwrap(expr);
    if (!ts.isIdentifier(value)) return requiredSpecifier(value);
    const declaration = this.localDeclaration(module, value.text)?.node;
    return declaration && ts.isVariableDeclaration(declaration) && declaration.initializer && isConstDeclaration(declaration) ? requiredSpecifier(declaration.initializer) : undefined;
  }

  localDeclaration(file: SourceFileInfo, name: string): Resolved<TS.Node> | undefined {
    for (const statement of file.sf.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const decl of statement.declarationList.declarations) {
          if (ts.isIdentifier(decl.name) && decl.name.text === name) return { node: decl, file };
        }
      } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name) {
        return { node: statement, file };
      }
    }
    return undefined;
  }

  /**
   * Declaration of the binding an identifier refers to: a local const/function in an enclosing
   * scope, or (through imports) a declaration in another module of the project.
   */
  declarationOf(id: TS.Identifier, file: SourceFileInfo): Resolved<TS.Node> | undefined {
    const known = this.declarations.get(id);
    if (known && known.file === file) return known.found;
    // Frozen: the answer is shared by every later question about this identifier.
    const found = this.findDeclaration(id, file);
    if (found) Object.freeze(found);
    this.declarations.set(id, { file, found });
    return found;
  }

  private findDeclaration(id: TS.Identifier, file: SourceFileInfo): Resolved<TS.Node> | undefined {
    // A name no declaration of the file binds (`JSON`, `process`) is neither local nor imported.
    if (!this.declares(file, id.text)) return undefined;
    const local = findScopedDeclaration(id, (this.tablesOf(file).scopes ??= new Map()));
    // `const { requireUser } = require('./auth')`: the binding stands for what that module exports.
    if (local && ts.isObjectBindingPattern(local) && isRequirePattern(local)) {
      const source = this.importSource(file, id.text);
      const module = source && source.name !== '*' ? this.importedModule(file, source.specifier) : undefined;
      const found = module && source ? this.exportedDeclaration(module, source.name) : undefined;
      if (found) return found;
    }
    if (local) return { node: local, file };
    const imported = this.importedBinding(file, id.text);
    if (imported) return this.exportedDeclaration(imported.module, imported.name);
    return undefined;
  }

  /**
   * Follows `const` bindings and imports to the expression that gives a value. Stops at anything
   * that is not a constant binding, so a reassigned `let` is never taken for its initialiser.
   */
  resolveValue(node: TS.Expression, file: SourceFileInfo, hops = 0): Resolved {
    if (hops > 0) return this.followValue(node, file, hops);
    const known = this.values.get(node);
    if (known && known.file === file) return known.found;
    // Frozen: the answer is shared by every later question about this expression.
    const found = Object.freeze(this.followValue(node, file, 0));
    this.values.set(node, { file, found });
    return found;
  }

  private followValue(node: TS.Expression, file: SourceFileInfo, hops: number): Resolved {
    const current = unwrap(node);
    if (hops > MAX_HOPS || !ts.isIdentifier(current)) return { node: current, file };
    const decl = this.declarationOf(current, file);
    if (!decl) return { node: current, file };
    if (ts.isVariableDeclaration(decl.node) && decl.node.initializer && isConstDeclaration(decl.node)) {
      return this.resolveValue(decl.node.initializer, decl.file, hops + 1);
    }
    if (ts.isExportAssignment(decl.node.parent ?? decl.node) || ts.isExpression(decl.node)) {
      return this.resolveValue(decl.node as TS.Expression, decl.file, hops + 1);
    }
    return { node: current, file };
  }

  /** A constant string an expression evaluates to, following constants across modules. */
  stringValue(node: TS.Expression, file: SourceFileInfo): (Resolved & { value: string }) | undefined {
    const resolved = this.resolveValue(node, file);
    const value = stringLiteralValue(resolved.node);
    return value === undefined ? undefined : { ...resolved, value };
  }
}

/** The answer `table` holds for a module and a name, computed the first time (`null` there: none). */
function byModuleAndName<T extends object>(
  table: Map<SourceFileInfo, Map<string, T | null>>,
  module: SourceFileInfo,
  name: string,
  compute: () => T | undefined,
): T | undefined {
  let known = table.get(module);
  if (known === undefined) {
    known = new Map();
    table.set(module, known);
  }
  let found = known.get(name);
  if (found === undefined) {
    found = compute() ?? null;
    known.set(name, found);
  }
  return found ?? undefined;
}

/**
 * The paths an import specifier may name from a folder, before extensions and index files are
 * tried: a relative one from the folder, anything else through the project's path aliases. None
 * for a package: such an import resolves to nothing whatever the files are.
 */
export function importBases(fromDir: string, specifier: string, project: ProjectInfo): string[] {
  if (specifier.startsWith('.')) return [path.resolve(fromDir, specifier)];
  const bases: string[] = [];
  for (const alias of project.paths) {
    if (alias.wildcard ? specifier.startsWith(alias.prefix) : specifier === alias.prefix) {
      const rest = alias.wildcard ? specifier.slice(alias.prefix.length) : '';
      for (const target of alias.targets) bases.push(alias.wildcard ? target + rest : target);
    }
  }
  return bases;
}

/**
 * Whether an import names a package (or a Node builtin) rather than one of the project's own
 * modules: not relative, not absolute, not Redwood's `src/...` alias. A tsconfig alias still reads
 * as a package here; callers that must tell it apart also ask `resolveImport`.
 */
export function isPackageSpecifier(specifier: string): boolean {
  return !specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('src/');
}

/** A package, not one of the project's usual path aliases either (`@/lib/auth`, `~/auth`, `#lib/auth`). */
export function isExternalPackage(specifier: string): boolean {
  return isPackageSpecifier(specifier) && !/^[@~#]\//.test(specifier);
}

function probe(base: string, folders: KnownFolders | undefined): string | undefined {
  for (const candidate of probeShapes(base)) {
    const known = folders?.isFile(candidate);
    if (known !== undefined) {
      if (known) return candidate;
      continue;
    }
    try {
      // Missing candidates are the common case: no exception for them (a file in the path still throws).
      if (fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    } catch {
      // not there; try the next shape
    }
  }
  return undefined;
}

/** The files an import of `base` may mean, in the order they are tried (made as they are asked for). */
function* probeShapes(base: string): Generator<string> {
  yield base;
  for (const e of RESOLVE_EXTENSIONS) yield base + e;
  // Compiled `.js` specifiers in TS sources point at `.ts` files.
  const jsExt = /\.(m|c)?js$/.exec(base);
  if (jsExt) for (const e of ['.ts', '.tsx', '.mts', '.cts']) yield base.slice(0, -jsExt[0].length) + e;
  for (const e of RESOLVE_EXTENSIONS) yield path.join(base, 'index' + e);
  // Redwood's directory-named imports: src/services/foo -> src/services/foo/foo.ts
  const name = path.basename(base);
  for (const e of RESOLVE_EXTENSIONS) yield path.join(base, name + e);
}

function hasExportModifier(node: TS.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false);
}

export function isConstDeclaration(decl: TS.VariableDeclaration): boolean {
  const list = decl.parent;
  return ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
}

function collectImportSources(sf: TS.SourceFile): Map<string, ImportedName> {
  const map = new Map<string, ImportedName>();
  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const specifier = packageSpecifier(stringLiteralValue(statement.moduleSpecifier));
      if (specifier === undefined) continue;
      const clause = statement.importClause;
      if (clause.name) map.set(clause.name.text, { specifier, name: 'default' });
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) map.set(el.name.text, { specifier, name: (el.propertyName ?? el.name).text });
      } else if (bindings && ts.isNamespaceImport(bindings)) {
        map.set(bindings.name.text, { specifier, name: '*' });
      }
    } else if (ts.isVariableStatement(statement)) {
      // const x = require('pkg') / const { a, b: c } = require('pkg') / const x = require('pkg').b (Cloudinary's `.v2`)
      for (const decl of statement.declarationList.declarations) {
        const written = decl.initializer && unwrap(decl.initializer);
        const member = written && ts.isPropertyAccessExpression(written) && ts.isIdentifier(decl.name) ? written : undefined;
        const init = member ? unwrap(member.expression) : written;
        if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') continue;
        const specifier = packageSpecifier(init.arguments[0] && stringLiteralValue(init.arguments[0]));
        if (specifier === undefined) continue;
        if (ts.isIdentifier(decl.name)) map.set(decl.name.text, { specifier, name: member?.name.text ?? '*' });
        else if (ts.isObjectBindingPattern(decl.name)) {
          for (const el of decl.name.elements) {
            if (!ts.isIdentifier(el.name)) continue;
            const imported = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            map.set(el.name.text, { specifier, name: imported });
          }
        }
      }
    }
  }
  return map;
}

/** Finds the declaration of an identifier by walking enclosing scopes (blocks, functions, module). */
function findScopedDeclaration(id: TS.Identifier, tables: ScopeTables): TS.Node | undefined {
  const name = id.text;
  const K = syntaxKinds();
  for (let scope: TS.Node | undefined = id.parent; scope; scope = scope.parent) {
    const kind = scope.kind;
    if (kind === K.Block || kind === K.SourceFile || kind === K.ModuleBlock) {
      const found = scopeDeclarations(scope as TS.Block | TS.SourceFile | TS.ModuleBlock, tables).get(name);
      if (found !== undefined) return found ?? undefined;
    } else if (ts.isFunctionLike(scope)) {
      for (const param of scope.parameters) {
        if (bindsName(param.name, name)) return param;
      }
    }
  }
  return undefined;
}

/**
 * Each name a block or module declares, mapped to the first statement that declares it, in
 * statement order: a variable declaration (or the binding pattern holding the name), a function
 * or class declaration, or `null` for an import (a binding from another module). Built once per
 * scope and kept with the tree (`TreeTables.scopes`), since trees never change, instead of
 * scanning the statements for every identifier.
 */
type ScopeTables = Map<TS.Node, Map<string, TS.Node | null>>;

function scopeDeclarations(scope: TS.SourceFile | TS.Block | TS.ModuleBlock, tables: ScopeTables): Map<string, TS.Node | null> {
  let table = tables.get(scope);
  if (table) return table;
  const declared = new Map<string, TS.Node | null>();
  const add = (name: string, node: TS.Node | null): void => {
    if (!declared.has(name)) declared.set(name, node);
  };
  for (const statement of scope.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (ts.isIdentifier(decl.name)) add(decl.name.text, decl);
        else for (const bound of boundNames(decl.name)) add(bound, decl.name);
      }
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      add(statement.name.text, statement);
    } else if (ts.isImportDeclaration(statement)) {
      for (const bound of importedNames(statement)) add(bound, null);
    }
  }
  table = declared;
  tables.set(scope, table);
  return table;
}

function boundNames(binding: TS.BindingName): string[] {
  if (ts.isIdentifier(binding)) return [binding.text];
  return binding.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : boundNames(el.name)));
}

function importedNames(statement: TS.ImportDeclaration): string[] {
  const clause = statement.importClause;
  if (!clause) return [];
  const names = clause.name ? [clause.name.text] : [];
  const b = clause.namedBindings;
  if (b && ts.isNamespaceImport(b)) names.push(b.name.text);
  else if (b) names.push(...b.elements.map((el) => el.name.text));
  return names;
}

/**
 * For each local name bound by an `import` with a string specifier (default or named, not
 * namespace), the first such import: its specifier and the exported name. One pass per tree.
 */
function importBindings(sf: TS.SourceFile): Map<string, ImportedName> {
  const table = new Map<string, ImportedName>();
  for (const statement of sf.statements) {
    if (!ts.isImportDeclaration(statement) || !statement.importClause) continue;
    const specifier = packageSpecifier(stringLiteralValue(statement.moduleSpecifier));
    if (specifier === undefined) continue;
    const clause = statement.importClause;
    const here = new Map<string, string>();
    if (clause.name) here.set(clause.name.text, 'default');
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) here.set(element.name.text, (element.propertyName ?? element.name).text);
    }
    for (const [local, name] of here) if (!table.has(local)) table.set(local, { specifier, name });
  }
  return table;
}

/**
 * A Deno import named as the npm package it is (Supabase Edge Functions, Deno Deploy): `npm:stripe@16`
 * is `stripe`, `jsr:@supabase/supabase-js@2` is `@supabase/supabase-js`, `jsr:@hono/hono/jwt` and
 * `https://deno.land/x/hono@v4.0.0/middleware.ts` are Hono's, `https://esm.sh/stripe@14?target=deno`
 * is `stripe`. Anything else, relative paths included, is kept as written.
 */
export function packageSpecifier(specifier: string | undefined): string | undefined {
  if (specifier === undefined || !/^(?:npm:|jsr:|https?:)/.test(specifier)) return specifier;
  const bare = specifier
    .replace(/^(?:npm:|jsr:)\/?/, '')
    .replace(/^https?:\/\/(?:esm\.sh|cdn\.skypack\.dev|cdn\.jsdelivr\.net\/npm|unpkg\.com)\//, '')
    .replace(/^https?:\/\/deno\.land\/x\//, '');
  if (bare === specifier) return specifier;
  // `@scope/name@1.2/sub` or `name@1.2/sub`: drop the version and any query.
  const match = /^((?:@[^/@]+\/)?[^/@?]+)(?:@[^/?]*)?(\/[^?]*)?/.exec(bare);
  if (!match) return specifier;
  const name = match[1] === '@hono/hono' ? 'hono' : match[1];
  const sub = (match[2] ?? '').replace(/\.(?:ts|js|mjs)$/, '').replace(/\/mod$/, '');
  return name + sub;
}

/** `require('./x')`: the specifier. */
export function requiredSpecifier(expr: TS.Expression): string | undefined {
  const call = unwrap(expr);
  return ts.isCallExpression(call) && ts.isIdentifier(call.expression) && call.expression.text === 'require' && call.arguments.length === 1 ? stringLiteralValue(call.arguments[0]) : undefined;
}

/** The pattern of `const { a, b: c } = require('x')`. */
function isRequirePattern(pattern: TS.ObjectBindingPattern): boolean {
  const declaration = pattern.parent;
  if (!ts.isVariableDeclaration(declaration) || !declaration.initializer) return false;
  const init = unwrap(declaration.initializer);
  return ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require';
}

function bindsName(binding: TS.BindingName, name: string): boolean {
  if (ts.isIdentifier(binding)) return binding.text === name;
  return binding.elements.some((el) => !ts.isOmittedExpression(el) && bindsName(el.name, name));
}
