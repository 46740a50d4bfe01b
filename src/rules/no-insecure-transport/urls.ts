import ts from '../../core/typescript';
import type * as TS from 'typescript';
import type { ProjectAnalysis, Resolved } from '../../core/analysis';
import type { SourceFileInfo } from '../../core/files';
import { stringLiteralValue } from '../../core/ast';

/** What is known of a URL expression: its leading text and whether that text is all of it. */
export interface UrlPrefix {
  text: string;
  complete: boolean;
  /** Where the leading text was written (a literal here or a constant elsewhere). */
  source: Resolved<TS.Node>;
}

const MAX_DEPTH = 6;

/**
 * The known start of a URL: a string constant (followed across modules), a template whose leading
 * parts are constants (`${PARTNER_API}/orders`), or a `+` concatenation starting with one.
 */
export function urlPrefix(analysis: ProjectAnalysis, expr: TS.Expression, file: SourceFileInfo, depth = 0): UrlPrefix | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const resolved = analysis.resolveValue(expr, file);
  const node = resolved.node;
  const literal = stringLiteralValue(node);
  if (literal !== undefined) return { text: literal, complete: true, source: resolved };
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    let source: Resolved<TS.Node> = resolved;
    for (let i = 0; i < node.templateSpans.length; i++) {
      const span = node.templateSpans[i];
      const part = urlPrefix(analysis, span.expression, resolved.file, depth + 1);
      // `http://${user}:${password}@reports.partner.com/upload`: credentials not known, the host is.
      const host = part ? undefined : hostAfterUserinfo(text, node.templateSpans, i);
      if (host) {
        text = `${text.slice(0, text.indexOf('//') + 2)}${host.text}`;
        i = host.span;
        if (host.span === node.templateSpans.length - 1) return { text, complete: true, source };
        continue;
      }
      if (!part) return text ? { text, complete: false, source } : undefined;
      if (text === '') source = part.source;
      text += part.text;
      if (!part.complete) return { text, complete: false, source };
      text += span.literal.text;
    }
    return { text, complete: true, source };
  }
  // `new URL('http://api.partner.com/v1')`: the URL object of a written-out URL.
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL' && node.arguments?.length === 1) {
    return urlPrefix(analysis, node.arguments[0], resolved.file, depth + 1);
  }
  // `new URL(path, 'http://tracking.partner.example')`: a relative path keeps the base's scheme and host.
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'URL' && node.arguments?.length === 2) {
    const base = urlPrefix(analysis, node.arguments[1], resolved.file, depth + 1);
    const first = node.arguments[0];
    // Only a path written as relative keeps the base: an absolute or unknown one may replace it.
    const path = ts.isTemplateExpression(first) ? first.head.text : stringLiteralValue(first);
    const relative = path !== undefined && /^[/.?#]|^[\w-]+(?:\/|$)/.test(path) && !path.startsWith('//') && !/^[a-z][a-z0-9+.-]*:/i.test(path);
    return base && relative ? { ...base, complete: false } : undefined;
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = urlPrefix(analysis, node.left, resolved.file, depth + 1);
    if (!left || !left.complete) return left;
    const right = urlPrefix(analysis, node.right, resolved.file, depth + 1);
    return right ? { text: left.text + right.text, complete: right.complete, source: left.source } : { ...left, complete: false };
  }
  return undefined;
}

/**
 * Within a URL's authority (`http://` written, no path yet), the text after an `@` that a later
 * literal part of the template holds, with the span it ends: the host after unknown credentials.
 */
function hostAfterUserinfo(text: string, spans: readonly TS.TemplateSpan[], from: number): { text: string; span: number } | undefined {
  if (!/^\s*https?:\/\/[^/?#@]*$/i.test(text)) return undefined;
  for (let i = from; i < spans.length; i++) {
    const literal = spans[i].literal.text;
    const at = literal.indexOf('@');
    const path = literal.search(/[/?#]/);
    if (at !== -1 && (path === -1 || at < path)) return { text: literal.slice(at + 1), span: i };
    if (path !== -1) return undefined;
  }
  return undefined;
}

/**
 * The host of a plain-HTTP URL, lower-cased, without credentials or port; undefined for other
 * schemes and when the host is not known (`http://${host}/x`, `http://api.${domain}`).
 */
export function plainHttpHost(prefix: UrlPrefix): string | undefined {
  const match = /^\s*http:\/\//i.exec(prefix.text);
  if (!match) return undefined;
  const rest = prefix.text.slice(match[0].length);
  const end = rest.search(/[/?#]/);
  let authority = end === -1 ? rest : rest.slice(0, end);
  const ended = end !== -1 || prefix.complete;
  authority = authority.slice(authority.lastIndexOf('@') + 1);
  let host: string;
  let portFollows = false;
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    if (close === -1) return undefined;
    host = authority.slice(1, close);
    portFollows = close < authority.length - 1;
  } else {
    const colon = authority.indexOf(':');
    portFollows = colon !== -1;
    host = colon === -1 ? authority : authority.slice(0, colon);
  }
  host = host.toLowerCase();
  if (!host) return undefined;
  // `http://api.partner.com${path}`: the host ends where the path starts, if it looks finished.
  if (!ended && !portFollows && !/\.[a-z]{2,}$|^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return undefined;
  return host;
}

/**
 * Hosts traffic to which never leaves the machine or the private network: loopback, link-local
 * (including the cloud metadata service), private IPv4 and IPv6 ranges, single-label service
 * names (`http://erp`, Docker and Kubernetes services), reserved and local-only domains, and the
 * documentation domains.
 */
export function isLocalHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '0.0.0.0' || host === '::') return true;
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (ipv4) {
    const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  if (host.includes(':')) return /^(?:f[cd]|fe[89ab])/i.test(host);
  if (!host.includes('.')) return true;
  return /\.(?:localhost|local|internal|lan|home\.arpa|localdomain|test|example|invalid)$/.test(host) ||
    /(?:^|\.)example\.(?:com|net|org)$/.test(host);
}
