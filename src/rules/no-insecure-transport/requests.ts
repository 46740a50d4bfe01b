import ts from '../../core/typescript';
import type * as TS from 'typescript';
import type { ProjectAnalysis, Resolved } from '../../core/analysis';
import type { SourceFileInfo } from '../../core/files';
import { calleeName, dottedName, envReadName, objectProperty, propertyKeyName, propertyValue, unwrap, walk } from '../../core/ast';
import { isCredentialEnv, isCredentialHeader } from '../no-timing-unsafe-compare/secrets';

/** An outgoing HTTP request (or a client preset), as far as the call shows it. */
export interface RequestCall {
  /** How the call reads in code: `fetch`, `axios.post`, `partnerApi.get`, `http.request`. */
  client: string;
  /** The URL, or the base URL a relative path is resolved against. */
  url?: TS.Expression;
  /** The preset an instance call was made from (`const api = axios.create({ baseURL, headers })`). */
  preset?: Preset;
  /** Node `http` options: the URL is plain HTTP by construction and the host is an option. */
  nodeHttpHost?: TS.Expression;
  /** Option objects that may carry headers, credentials or a body. */
  options: Array<Resolved<TS.Expression>>;
  /** A body passed positionally (`axios.post(url, data)`). */
  body?: TS.Expression;
  /** A preset (`axios.create`, `got.extend`): it sends nothing by itself, so a body is not judged. */
  isPreset: boolean;
  /** The package of a preset. */
  pkg?: string;
}

const BODY_METHODS = new Set(['post', 'put', 'patch']);
const NO_BODY_METHODS = new Set(['get', 'delete', 'head', 'options']);
const FETCH_MODULES = new Set(['node-fetch', 'undici', 'cross-fetch', 'isomorphic-fetch']);
const NODE_HTTP = new Set(['http', 'node:http']);
/**
 * Every method name a request or preset can be called by on a receiver (`http.get`, `axios.create`,
 * `api.post`); any other method call (`logger.info`, `db.user.create`) is none, and is ruled out
 * before its receiver is looked up or resolved.
 */
const REQUEST_METHODS: ReadonlySet<string> = new Set([...BODY_METHODS, ...NO_BODY_METHODS, 'request', 'create', 'extend']);
/** `const api = axios.create(...)` is one hop; a cycle of constants (`const a = a.get()`) must end. */
const MAX_PRESET_DEPTH = 4;

/** Recognises fetch, axios (and its instances), got, ky and Node's `http.request`/`http.get`. */
export function requestCall(analysis: ProjectAnalysis, call: TS.CallExpression, file: SourceFileInfo, depth = 0): RequestCall | undefined {
  const callee = unwrap(call.expression);
  const name = calleeName(call);
  if (!name) return undefined;
  const args = call.arguments;
  const here = (e: TS.Expression | undefined): Array<Resolved<TS.Expression>> => (e ? [resolveObject(analysis, e, file)] : []);

  if (ts.isIdentifier(callee)) {
    const source = analysis.importSource(file, callee.text);
    const pkg = source?.specifier;
    if (name === 'fetch' && (!source || FETCH_MODULES.has(pkg ?? ''))) {
      // `fetch(new Request(url, { headers }))`, also through a constant: the Request carries both.
      const request = args[0] ? resolveObject(analysis, args[0], file) : undefined;
      if (request && ts.isNewExpression(request.node) && calleeName(request.node) === 'Request' && request.node.arguments?.[0]) {
        const init = request.node.arguments[1];
        return { client: 'fetch', url: request.node.arguments[0], options: [...(init ? [resolveObject(analysis, init, request.file)] : []), ...here(args[1])], isPreset: false };
      }
      return { client: 'fetch', url: args[0], options: here(args[1]), isPreset: false };
    }
    if (pkg === 'axios' || pkg === 'got' || pkg === 'ky') {
      // `axios(config)` or `axios(url, config)`
      const config = here(args[0])[0];
      if (pkg === 'axios' && config && ts.isObjectLiteralExpression(config.node)) {
        return { client: callee.text, url: property(config, 'url'), options: [config], isPreset: false };
      }
      return { client: callee.text, url: args[0], options: here(args[1]), isPreset: false };
    }
    return undefined;
  }
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || !REQUEST_METHODS.has(name)) return undefined;
  const receiver = callee.expression;
  const client = `${receiver.text}.${name}`;
  const pkg = analysis.importSource(file, receiver.text)?.specifier;

  if (pkg && NODE_HTTP.has(pkg) && (name === 'request' || name === 'get')) {
    const first = args[0] ? resolveObject(analysis, args[0], file) : undefined;
    if (first && ts.isObjectLiteralExpression(first.node)) {
      const host = property(first, 'hostname') ?? property(first, 'host');
      return host ? { client, nodeHttpHost: host, options: [first], isPreset: false } : undefined;
    }
    return { client, url: args[0], options: here(args[1]), isPreset: false };
  }
  if (pkg === 'axios' || pkg === 'got' || pkg === 'ky') {
    if (name === 'create' || name === 'extend') {
      const config = here(args[0]);
      const base = config[0] && (property(config[0], 'baseURL') ?? property(config[0], 'prefixUrl') ?? property(config[0], 'prefix'));
      return base ? { client, url: base, options: config, isPreset: true, pkg } : undefined;
    }
    if (name === 'request') {
      const config = here(args[0]);
      return { client, url: config[0] && property(config[0], 'url'), options: config, isPreset: false };
    }
    return methodCall(client, pkg, name, args, here);
  }
  const preset = depth < MAX_PRESET_DEPTH ? presetOf(analysis, receiver, file, depth) : undefined;
  const instanceCall = preset ? methodCall(client, preset.pkg, name, args, here) : undefined;
  return instanceCall && { ...instanceCall, preset };
}

export interface Preset {
  pkg: string;
  base: Resolved<TS.Expression>;
  options: Array<Resolved<TS.Expression>>;
}

/** `const partnerApi = axios.create({ baseURL, headers })`: the preset an instance was made from. */
function presetOf(analysis: ProjectAnalysis, receiver: TS.Identifier, file: SourceFileInfo, depth: number): Preset | undefined {
  const value = analysis.resolveValue(receiver, file);
  if (value.node === receiver || !ts.isCallExpression(value.node)) return undefined;
  const made = requestCall(analysis, value.node, value.file, depth + 1);
  if (!made?.isPreset || !made.url || !made.pkg) return undefined;
  return { pkg: made.pkg, base: { node: made.url, file: value.file }, options: made.options };
}

/** axios `client.post(url, data, config)` and `client.get(url, config)`; got and ky take `(url, options)` for every method. */
function methodCall(
  client: string,
  pkg: string,
  method: string,
  args: readonly TS.Expression[],
  here: (e: TS.Expression | undefined) => Array<Resolved<TS.Expression>>,
): RequestCall | undefined {
  if (!BODY_METHODS.has(method) && !NO_BODY_METHODS.has(method)) return undefined;
  if (pkg === 'axios' && BODY_METHODS.has(method)) return { client, url: args[0], body: args[1], options: here(args[2]), isPreset: false };
  return { client, url: args[0], options: here(args[1]), isPreset: false };
}

function resolveObject(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo): Resolved<TS.Expression> {
  const resolved = analysis.resolveValue(expr, file);
  return { node: resolved.node, file: resolved.file };
}

function property(options: Resolved<TS.Expression>, name: string): TS.Expression | undefined {
  return ts.isObjectLiteralExpression(options.node) ? propertyValue(objectProperty(options.node, name)) : undefined;
}

/** What a request carries that must not travel in clear text; credentials come before a body. */
export type Cargo =
  | { kind: 'header'; name: string }
  | { kind: 'login'; option: string }
  | { kind: 'env'; name: string }
  | { kind: 'body' };

export function cargoOf(analysis: ProjectAnalysis, file: SourceFileInfo, request: RequestCall, call: TS.CallExpression): Cargo | undefined {
  const credentials = optionsCargo(analysis, request.options);
  if (credentials) return credentials;
  const env = credentialEnvIn(analysis, file, call.arguments) ?? credentialEnvIn(analysis, file, queryParametersSet(call, request.url));
  if (env) return { kind: 'env', name: env };
  if (request.isPreset) return undefined;
  if (request.body && !isEmpty(request.body)) return { kind: 'body' };
  return request.options.some((o) => hasBody(o)) ? { kind: 'body' } : undefined;
}

/** Credentials in option objects (headers, `auth`, `username`/`password`), which every request made with them carries. */
export function optionsCargo(analysis: ProjectAnalysis, options: Array<Resolved<TS.Expression>>): Cargo | undefined {
  for (const option of options) {
    const found = optionCredentials(analysis, option);
    if (found) return found;
  }
  return undefined;
}

function optionCredentials(analysis: ProjectAnalysis, options: Resolved<TS.Expression>): Cargo | undefined {
  if (!ts.isObjectLiteralExpression(options.node)) return undefined;
  const headers = property(options, 'headers');
  if (headers) {
    const found = credentialHeaderIn(analysis, headers, options.file);
    if (found) return { kind: 'header', name: found };
  }
  for (const option of ['auth', 'username', 'password']) {
    if (objectProperty(options.node, option)) return { kind: 'login', option };
  }
  return undefined;
}

function hasBody(options: Resolved<TS.Expression>): boolean {
  return ['body', 'data', 'json', 'form'].some((option) => {
    const value = property(options, option);
    return value !== undefined && !isEmpty(value);
  });
}

/** The first credential header of a headers object (`{ Authorization }`, `new Headers({...})`). */
function credentialHeaderIn(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo): string | undefined {
  let node = analysis.resolveValue(expr, file).node;
  if (ts.isNewExpression(node) && calleeName(node) === 'Headers' && node.arguments?.[0]) node = unwrap(node.arguments[0]);
  if (!ts.isObjectLiteralExpression(node)) return undefined;
  for (const prop of node.properties) {
    const key = ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop) ? propertyKeyName(prop.name) : undefined;
    if (key && (isCredentialHeader(key.toLowerCase()) || key.toLowerCase() === 'cookie')) return key;
  }
  return undefined;
}

/**
 * A credential from the environment anywhere in the call (a header value, a query parameter, the
 * URL's password), also through a constant holding it (`const pass = process.env.FEED_PASSWORD`).
 */
function credentialEnvIn(analysis: ProjectAnalysis, file: SourceFileInfo, args: readonly TS.Expression[]): string | undefined {
  let found: string | undefined;
  // `const url = \`http://...&appid=${key}\``, then `fetch(url)`: the constant's value is in the call too.
  const values = args.flatMap((arg) => {
    const inner = unwrap(arg);
    if (!ts.isIdentifier(inner)) return [arg];
    const value = analysis.resolveValue(inner, file);
    return value.node !== inner && value.file === file && ts.isExpression(value.node) ? [arg, value.node] : [arg];
  });
  for (const arg of values) {
    walk(arg, (node) => {
      if (found) return false;
      let read: TS.Node = node;
      if (ts.isIdentifier(node) && ts.isTemplateSpan(node.parent)) read = analysis.resolveValue(node, file).node;
      if (ts.isPropertyAccessExpression(read) || ts.isElementAccessExpression(read)) {
        const name = envReadName(read);
        if (name && isCredentialEnv(name)) found = name;
      }
      return undefined;
    });
  }
  return found;
}

/**
 * What the function adds to a URL object before it is requested: the values of
 * `url.searchParams.set('key', process.env.X)` (and `append`), `url.password = ...`, `url.username = ...`.
 */
function queryParametersSet(call: TS.CallExpression, url: TS.Expression | undefined): TS.Expression[] {
  const id = url && unwrap(url);
  if (!id || !ts.isIdentifier(id)) return [];
  let fn: TS.Node | undefined = call.parent;
  while (fn && !ts.isFunctionLike(fn) && !ts.isSourceFile(fn)) fn = fn.parent;
  const values: TS.Expression[] = [];
  if (!fn) return values;
  walk(fn, (node) => {
    if (ts.isCallExpression(node) && node.arguments.length === 2 && /^(?:set|append)$/.test(calleeName(node) ?? '') && dottedName(unwrap(node.expression)) === `${id.text}.searchParams.${calleeName(node)}`) {
      values.push(node.arguments[1]);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && /^(?:password|username)$/.test(dottedName(node.left)?.slice(id.text.length + 1) ?? '') && dottedName(node.left)?.startsWith(`${id.text}.`)) {
      values.push(node.right);
    }
    return undefined;
  });
  return values;
}

function isEmpty(expr: TS.Expression): boolean {
  const node = unwrap(expr);
  if (node.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isIdentifier(node)) return node.text === 'undefined';
  return dottedName(node) === undefined && ts.isObjectLiteralExpression(node) && node.properties.length === 0;
}
