import path from 'node:path';
import type * as TS from 'typescript';
import ts from './typescript';
import { objectProperty, propertyKeyName, propertyValue, stringLiteralValue, unwrap } from './ast';
import { DEFAULT_LIMITS, parseSource, readTextFile } from './files';
import type { ConfigSite, LambdaFunction } from './platforms';

/** A `paths` alias of the project's tsconfig (`@functions/*`), as discovery reads it. */
export interface ConfigAlias {
  prefix: string;
  wildcard: boolean;
  targets: string[];
}

/** A config file that could not be read: said, with its reason. */
export interface BrokenConfig {
  file: string;
  detail: string;
}

const MODULE_SHAPES = ['', '.ts', '.js', '.mts', '.mjs', '.cts', '.cjs', '/index.ts', '/index.js'];
/** How far constants and imports are followed: the template's functions are two modules away. */
const MAX_HOPS = 8;

/** An expression of one of the config's modules. */
interface Located {
  node: TS.Expression;
  file: string;
  sf: TS.SourceFile;
}

/**
 * The Serverless Framework's config written as a module (`serverless.ts`, as the
 * `aws-nodejs-typescript` template has it, or `serverless.js`), read as data and never run: the
 * object the module exports (`module.exports = config`, `export default`, `export =`), its
 * `functions`, and each function's `handler`, `events` and `url`, through the constants and
 * imports they come from (`import hello from '@functions/hello'`, `export { default as hello } from
 * './hello'`, `...functions`). The template's `` `${handlerPath(__dirname)}/handler.main` `` names
 * the folder of the module it is written in. A function whose handler is computed any other way
 * is left out.
 */
export function readServerlessModule(file: string, aliases: readonly ConfigAlias[], broken: BrokenConfig[]): LambdaFunction[] {
  const reader = new ModuleReader(path.dirname(file), aliases, broken);
  const config = reader.exported(file, 0);
  const functions = config && reader.member(config, 'functions');
  return functions ? reader.functions(functions, 0).flatMap(([name, fn]) => reader.lambda(name, fn) ?? []) : [];
}

class ModuleReader {
  private readonly modules = new Map<string, TS.SourceFile | undefined>();

  constructor(
    private readonly root: string,
    private readonly aliases: readonly ConfigAlias[],
    private readonly broken: BrokenConfig[],
  ) {}

  /** What a module exports whole (`module.exports = x`, `export default x`, `export = x`), as an object. */
  exported(file: string, hops: number): Located | undefined {
    const sf = this.module(file);
    if (!sf) return undefined;
    for (const statement of sf.statements) {
      let value: TS.Expression | undefined;
      if (ts.isExportAssignment(statement)) value = statement.expression;
      else if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const target = statement.expression.left;
        const exports = ts.isPropertyAccessExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === 'module' && target.name.text === 'exports';
        if (exports) value = statement.expression.right;
      }
      if (value) return this.object({ node: value, file, sf }, hops);
    }
    return undefined;
  }

  /** The object literal an expression stands for, through the module's constants and imports. */
  private object(at: Located, hops: number): Located | undefined {
    const node = unwrap(at.node);
    if (ts.isObjectLiteralExpression(node)) return { ...at, node };
    return ts.isIdentifier(node) && hops <= MAX_HOPS ? this.binding(node.text, at.file, at.sf, hops + 1) : undefined;
  }

  /** What a name is bound to at the top of a module: a constant, or an import (default or named). */
  private binding(name: string, file: string, sf: TS.SourceFile, hops: number): Located | undefined {
    for (const statement of sf.statements) {
      if (ts.isVariableStatement(statement)) {
        const declared = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name);
        if (declared?.initializer) return this.object({ node: declared.initializer, file, sf }, hops);
      }
      const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
      if (!clause || !ts.isStringLiteral((statement as TS.ImportDeclaration).moduleSpecifier)) continue;
      const named = clause.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements.find((e) => e.name.text === name) : undefined;
      if (clause.name?.text !== name && !named) continue;
      const target = this.resolve(file, ((statement as TS.ImportDeclaration).moduleSpecifier as TS.StringLiteral).text);
      return target === undefined ? undefined : named ? this.named(target, (named.propertyName ?? named.name).text, hops) : this.exported(target, hops);
    }
    return undefined;
  }

  /** A module's export of this name: `export const hello = {...}`, or `export { default as hello } from './hello'`. */
  private named(file: string, name: string, hops: number): Located | undefined {
    const sf = this.module(file);
    if (!sf || hops > MAX_HOPS) return undefined;
    if (name === 'default') return this.exported(file, hops + 1);
    for (const statement of sf.statements) {
      if (!ts.isExportDeclaration(statement) || !statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
      const element = statement.exportClause.elements.find((e) => e.name.text === name);
      if (!element) continue;
      const inner = (element.propertyName ?? element.name).text;
      if (!statement.moduleSpecifier) return this.binding(inner, file, sf, hops + 1);
      const target = ts.isStringLiteral(statement.moduleSpecifier) ? this.resolve(file, statement.moduleSpecifier.text) : undefined;
      return target === undefined ? undefined : this.named(target, inner, hops + 1);
    }
    return this.binding(name, file, sf, hops + 1);
  }

  /** An object's property, as an object (`functions`). */
  member(object: Located, name: string): Located | undefined {
    const value = propertyValue(objectProperty(object.node as TS.ObjectLiteralExpression, name));
    return value && this.object({ ...object, node: value }, 0);
  }

  /** The functions of `functions: { hello, ...more, other: { handler, events } }`, by name. */
  functions(object: Located, hops: number): Array<[string, Located]> {
    const found: Array<[string, Located]> = [];
    for (const p of (object.node as TS.ObjectLiteralExpression).properties) {
      if (ts.isSpreadAssignment(p)) {
        const spread = hops < MAX_HOPS ? this.object({ ...object, node: p.expression }, hops) : undefined;
        if (spread) found.push(...this.functions(spread, hops + 1));
        continue;
      }
      const name = ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p) ? propertyKeyName(p.name) : undefined;
      const value = propertyValue(p);
      const fn = name !== undefined && value ? this.object({ ...object, node: value }, hops) : undefined;
      if (name !== undefined && fn) found.push([name, fn]);
    }
    return found;
  }

  /** One function: its handler module and export, and what its HTTP events or URL put in front of it. */
  lambda(name: string, fn: Located): LambdaFunction | undefined {
    const config = fn.node as TS.ObjectLiteralExpression;
    const handlerNode = propertyValue(objectProperty(config, 'handler'));
    const handler = handlerNode && this.handlerPath({ ...fn, node: handlerNode });
    if (!handler || !handler.includes('.')) return undefined;
    const events = valueOf(config, 'events');
    const httpEvents = events && ts.isArrayLiteralExpression(events)
      ? events.elements.map((e) => unwrap(e)).filter((e): e is TS.ObjectLiteralExpression => ts.isObjectLiteralExpression(e) && (valueOf(e, 'http') ?? valueOf(e, 'httpApi')) !== undefined)
      : [];
    const url = valueOf(config, 'url');
    const hasUrl = url !== undefined && url.kind !== ts.SyntaxKind.FalseKeyword;
    if (httpEvents.length === 0 && !hasUrl) return undefined;
    const eventsProtected = httpEvents.every((e) => {
      const spec = valueOf(e, 'http') ?? valueOf(e, 'httpApi');
      return spec !== undefined && ts.isObjectLiteralExpression(spec) && (objectProperty(spec, 'authorizer') !== undefined || valueOf(spec, 'private')?.kind === ts.SyntaxKind.TrueKeyword);
    });
    const authorizer = url !== undefined && ts.isObjectLiteralExpression(url) ? valueOf(url, 'authorizer') : undefined;
    const iamUrl = authorizer !== undefined && stringLiteralValue(authorizer) === 'aws_iam';
    const urlOpen = hasUrl && !iamUrl;
    const cut = handler.lastIndexOf('.');
    return {
      name,
      modulePath: path.resolve(this.root, handler.slice(0, cut)),
      exportName: handler.slice(cut + 1),
      gateway: {
        protected: httpEvents.length > 0 ? eventsProtected && !urlOpen : !urlOpen,
        openUrl: urlOpen,
        site: siteOf(fn, urlOpen ? url! : httpEvents[0] ?? config),
      },
    };
  }

  /** `'src/functions/hello/handler.main'`, or the template's `` `${handlerPath(__dirname)}/handler.main` ``. */
  private handlerPath(at: Located): string | undefined {
    const node = unwrap(at.node);
    const text = stringLiteralValue(node);
    if (text !== undefined || !ts.isTemplateExpression(node)) return text;
    // `handlerPath(__dirname)` is the module's folder relative to the service; `__dirname` alone, the folder itself.
    const folder = path.relative(this.root, path.dirname(at.file)).split(path.sep).join('/');
    let result = node.head.text;
    for (const span of node.templateSpans) {
      const part = unwrap(span.expression);
      if (ts.isIdentifier(part) && part.text === '__dirname') result += path.dirname(at.file);
      else if (ts.isCallExpression(part) && part.arguments.length === 1 && ts.isIdentifier(part.arguments[0]) && part.arguments[0].text === '__dirname') result += folder;
      else return undefined;
      result += span.literal.text;
    }
    return result;
  }

  /** An import's module: relative, or through the project's tsconfig `paths`. */
  private resolve(from: string, specifier: string): string | undefined {
    const bases = specifier.startsWith('.') ? [path.resolve(path.dirname(from), specifier)] : [];
    for (const alias of this.aliases) {
      if (alias.wildcard ? specifier.startsWith(alias.prefix) : specifier === alias.prefix) {
        bases.push(...alias.targets.map((target) => (alias.wildcard ? target + specifier.slice(alias.prefix.length) : target)));
      }
    }
    for (const base of bases) {
      for (const shape of MODULE_SHAPES) if (this.module(base + shape)) return base + shape;
    }
    return undefined;
  }

  /** A module of the config, parsed once (never run); one that does not parse is said once and read as empty. */
  private module(file: string): TS.SourceFile | undefined {
    if (this.modules.has(file)) return this.modules.get(file);
    let sf: TS.SourceFile | undefined;
    const read = /\.[cm]?[jt]s$/.test(file) ? readTextFile(file, DEFAULT_LIMITS) : undefined;
    if (read && 'text' in read) {
      const parsed = parseSource(file, read.text, DEFAULT_LIMITS);
      if ('sf' in parsed) sf = parsed.sf;
      else this.broken.push({ file, detail: `${parsed.skipped.detail}: the functions it declares are not judged` });
    }
    this.modules.set(file, sf);
    return sf;
  }
}

/** A property's value written in the object, unwrapped (`events`, `http`, `authorizer`). */
function valueOf(object: TS.ObjectLiteralExpression, name: string): TS.Expression | undefined {
  const value = propertyValue(objectProperty(object, name));
  return value && unwrap(value);
}

function siteOf(at: Located, node: TS.Node): ConfigSite {
  return { file: at.file, start: node.getStart(at.sf), end: node.getEnd() };
}
