import ts from '../../core/typescript';
import type * as TS from 'typescript';
import type { ProjectAnalysis } from '../../core/analysis';
import type { SourceFileInfo } from '../../core/files';
import { calleeName, objectProperty, propertyValue, stringLiteralValue, unwrap } from '../../core/ast';

/**
 * The paths `createLogger` from `@redwoodjs/api/logger` redacts when the app does not pass its own
 * `redact` option (`redactionsList` in @redwoodjs/api 8.9.0).
 */
export const REDWOOD_REDACTIONS: readonly string[] = [
  'access_token', 'data.access_token', 'data.*.access_token', 'data.*.accessToken', 'accessToken', 'data.accessToken',
  'DATABASE_URL', 'data.*.email', 'data.email', 'email', 'event.headers.authorization', 'data.hashedPassword',
  'data.*.hashedPassword', 'hashedPassword', 'host', 'jwt', 'data.jwt', 'data.*.jwt', 'JWT', 'data.JWT', 'data.*.JWT',
  'password', 'data.password', 'data.*.password', 'params', 'data.salt', 'data.*.salt', 'salt', 'secret', 'data.secret',
  'data.*.secret',
];

const REDWOOD_LOGGER = /^@(?:redwoodjs|cedarjs)\/api\/logger$/;
const MAX_HOPS = 4;

/** What fnscan knows of a Redwood logger's configuration. */
export interface RedwoodLogger {
  /** Redacted paths: the default list or a literal `redact` list; undefined when not known. */
  redactions?: readonly string[];
  /** No `level` option: Redwood logs `warn` and above in production unless `LOG_LEVEL` says otherwise. */
  defaultLevel: boolean;
}

/**
 * The configuration of a logger when it is Redwood's `createLogger` (or a child of one), followed
 * through imports; undefined for any other logger (nothing is assumed redacted or silent).
 */
export function redwoodLogger(analysis: ProjectAnalysis, receiver: TS.Expression, file: SourceFileInfo, hops = 0): RedwoodLogger | undefined {
  if (hops > MAX_HOPS) return undefined;
  const resolved = analysis.resolveValue(receiver, file);
  const node = resolved.node;
  if (!ts.isCallExpression(node)) return undefined;
  const callee = unwrap(node.expression);
  // `const log = logger.child({ fn: 'sync' })` keeps the parent's configuration.
  if (calleeName(node) === 'child' && ts.isPropertyAccessExpression(callee)) {
    return redwoodLogger(analysis, callee.expression, resolved.file, hops + 1);
  }
  if (!ts.isIdentifier(callee) || !REDWOOD_LOGGER.test(analysis.importSource(resolved.file, callee.text)?.specifier ?? '')) return undefined;
  if (calleeName(node) !== 'createLogger') return undefined;
  const config = node.arguments[0] && unwrap(node.arguments[0]);
  if (config && !ts.isObjectLiteralExpression(config)) return { defaultLevel: false };
  const options = config ? propertyValue(objectProperty(config, 'options')) : undefined;
  if (options === undefined) return { redactions: REDWOOD_REDACTIONS, defaultLevel: true };
  const optionsObject = unwrap(options);
  if (!ts.isObjectLiteralExpression(optionsObject)) return { defaultLevel: false };
  const defaultLevel = objectProperty(optionsObject, 'level') === undefined;
  const redact = objectProperty(optionsObject, 'redact');
  return { redactions: redact ? literalPaths(analysis, propertyValue(redact), resolved.file) : REDWOOD_REDACTIONS, defaultLevel };
}

/** `['a', 'b.c']` or `{ paths: [...] }`, also extending Redwood's list (`[...redactionsList, 'partnerToken']`, as its docs show). */
function literalPaths(analysis: ProjectAnalysis, value: TS.Expression | undefined, file: SourceFileInfo): readonly string[] | undefined {
  let list = value && unwrap(value);
  if (list && ts.isObjectLiteralExpression(list)) list = propertyValue(objectProperty(list, 'paths'));
  list = list && unwrap(list);
  if (!list || !ts.isArrayLiteralExpression(list)) return undefined;
  const paths: string[] = [];
  for (const element of list.elements) {
    if (ts.isSpreadElement(element)) {
      if (!isRedwoodRedactions(analysis, element.expression, file)) return undefined;
      paths.push(...REDWOOD_REDACTIONS);
      continue;
    }
    const path = stringLiteralValue(element);
    if (path === undefined) return undefined;
    paths.push(path);
  }
  return paths;
}

/** `redactionsList` imported from Redwood's logger. */
function isRedwoodRedactions(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo): boolean {
  const id = unwrap(expr);
  if (!ts.isIdentifier(id)) return false;
  const source = analysis.importSource(file, id.text);
  return source !== undefined && source.name === 'redactionsList' && REDWOOD_LOGGER.test(source.specifier);
}

/** Whether pino redacts the value at `path` (keys from the logged object down), `*` matching one key. */
export function isRedacted(paths: readonly string[], path: readonly string[]): boolean {
  return paths.some((p) => {
    const parts = p.split('.');
    return parts.length === path.length && parts.every((part, i) => part === '*' || part === path[i]);
  });
}
