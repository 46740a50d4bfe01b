import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type SourceContext } from '../core/rule';
import type { SourceFileInfo } from '../core/files';
import { calleeName, objectProperty, propertyKeyName, propertyValue } from '../core/ast';
import { isRedwoodModule } from '../analysis/vocabulary';
import { isConstantFalse, resolveConstant } from './tls/values';
import { noWeakDbauthCookie as meta } from './meta';

const PREFILTER = /DbAuthHandler/;
const FLAGS = ['HttpOnly', 'Secure', 'SameSite'];

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    for (const node of ctx.analysis.nodesOf(ctx.file).news) {
      if (isDbAuthHandler(ctx, node)) checkOptions(ctx, node.arguments?.[2]);
    }
  },
});

function isDbAuthHandler(ctx: SourceContext, node: TS.NewExpression): boolean {
  if (calleeName(node) !== 'DbAuthHandler') return false;
  const callee = node.expression;
  const source = ts.isIdentifier(callee) ? ctx.analysis.importSource(ctx.file, callee.text)?.specifier : undefined;
  // Redwood before v4 exported it from `@redwoodjs/api`.
  return source === undefined || isRedwoodModule(source, 'auth-dbauth-api') || isRedwoodModule(source, 'api');
}

interface Located {
  node: TS.ObjectLiteralExpression;
  file: SourceFileInfo;
}

/** `cookie.attributes` (Redwood 5+) and the deprecated flags written on `cookie` itself. */
function checkOptions(ctx: SourceContext, optionsArg: TS.Expression | undefined): void {
  const options = optionsArg && objectAt(ctx, optionsArg, ctx.file);
  const cookieProperty = options && objectProperty(options.node, 'cookie');
  const cookie = options && objectAt(ctx, propertyValue(cookieProperty), options.file);
  if (!cookie) return;
  // Flags written in another module are reported at the nearest place in this file, with a pointer.
  const anchor = cookieProperty && options.file === ctx.file ? cookieProperty : optionsArg!;
  const attributes = objectAt(ctx, propertyValue(objectProperty(cookie.node, 'attributes')), cookie.file);
  if (attributes) checkFlags(ctx, attributes, true, anchor);
  if (FLAGS.some((flag) => flagProperty(cookie.node, flag))) checkFlags(ctx, cookie, false, anchor);
}

function checkFlags(ctx: SourceContext, flags: Located, complete: boolean, anchor: TS.Node): void {
  const { analysis } = ctx;
  const { node: object, file } = flags;
  const report = (messageId: string, at: TS.Node) => {
    if (file === ctx.file) ctx.report({ messageId, at });
    else {
      const span = { start: at.getStart(file.sf), end: at.getEnd() };
      ctx.report({ messageId, at: anchor, related: [{ file, span, message: 'The cookie attribute is set here.' }] });
    }
  };
  const spread = object.properties.some(ts.isSpreadAssignment);
  const httpOnly = flagProperty(object, 'HttpOnly');
  const secure = flagProperty(object, 'Secure');
  const sameSite = flagProperty(object, 'SameSite');
  const httpOnlyValue = propertyValue(httpOnly);
  const secureValue = propertyValue(secure);
  const sameSiteValue = propertyValue(sameSite);
  if (httpOnly && httpOnlyValue && isConstantFalse(analysis, httpOnlyValue, file)) report('httpOnlyOff', httpOnly);
  else if (!httpOnly && complete && !spread) report('httpOnlyMissing', object);
  if (secure && secureValue && isConstantFalse(analysis, secureValue, file)) report('secureOff', secure);
  const sameSiteText = sameSiteValue && analysis.stringValue(sameSiteValue, file)?.value;
  if (sameSite && sameSiteText?.toLowerCase() === 'none' && !secure && !spread) report('sameSiteNone', sameSite);
}

/**
 * Redwood writes each attribute's key as given into `Set-Cookie`, and browsers read attribute names
 * case-insensitively (RFC 6265, 5.2): `httpOnly: true` makes an HttpOnly cookie too.
 */
function flagProperty(object: TS.ObjectLiteralExpression, flag: string): TS.ObjectLiteralElementLike | undefined {
  const wanted = flag.toLowerCase();
  return object.properties.find(
    (prop) => (ts.isPropertyAssignment(prop) || ts.isShorthandPropertyAssignment(prop)) && propertyKeyName(prop.name)?.toLowerCase() === wanted,
  );
}

function objectAt(ctx: SourceContext, expr: TS.Expression | undefined, file: SourceFileInfo): Located | undefined {
  if (!expr) return undefined;
  const resolved = resolveConstant(ctx.analysis, expr, file);
  return ts.isObjectLiteralExpression(resolved.node) ? { node: resolved.node, file: resolved.file } : undefined;
}
