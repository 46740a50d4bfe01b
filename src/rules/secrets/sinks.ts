import ts from '../../core/typescript';
import type * as TS from 'typescript';
import type { ProjectAnalysis } from '../../core/analysis';
import type { SourceFileInfo } from '../../core/files';
import { calleeName, dottedName, objectProperty, propertyValue, unwrap } from '../../core/ast';

/**
 * Calls whose argument is a key by definition: whatever literal reaches it is a hardcoded
 * credential, whatever its name. `key` is the argument, with `Buffer.from(x)` and
 * `new TextEncoder().encode(x)` already looked through.
 */
export interface Sink {
  /** How the call reads in a message: `verifyEvent`, `jwt.sign`, `new Webhook`. */
  display: string;
  /** What the key is for: `webhook secret`, `JWT signing key`, `HMAC key`. */
  role: string;
  key: TS.Expression;
  /**
   * The call also takes fixed labels as keys (`createHmac('sha256', 'WebAppData')` in Telegram's
   * scheme, key-derivation contexts): a key that reads as words is then not taken for a secret.
   */
  takesLabels?: boolean;
}

const REDWOOD_WEBHOOK_CALLS = new Set(['verifyEvent', 'verifySignature', 'signPayload']);

export function sinkOf(call: TS.CallExpression | TS.NewExpression, file: SourceFileInfo, analysis: ProjectAnalysis): Sink | undefined {
  const name = calleeName(call);
  if (name === undefined) return undefined;
  const args = call.arguments ?? ts.factory.createNodeArray<TS.Expression>();
  const isNew = ts.isNewExpression(call);
  const from = (specifiers: string[]): boolean => importedFrom(call, file, analysis, specifiers);

  if (REDWOOD_WEBHOOK_CALLS.has(name) && !isNew) {
    const options = args[1] && unwrap(args[1]);
    if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
    return make(name, 'webhook secret', propertyValue(objectProperty(options, 'secret')));
  }
  switch (name) {
    case 'createHmac':
      return isNew ? undefined : make(dottedName(call.expression) ?? name, 'HMAC key', args[1], true);
    case 'sign':
    case 'verify':
      if (!isNew && isJsonWebToken(call as TS.CallExpression, file, analysis)) {
        return make(`jwt.${name}`, name === 'sign' ? 'JWT signing key' : 'JWT verification key', args[1]);
      }
      return name === 'sign' && isSignJwtChain(call.expression) ? make('SignJWT.sign', 'JWT signing key', args[0]) : undefined;
    case 'jwtVerify':
      return from(['jose']) ? make(name, 'JWT verification key', args[1]) : undefined;
    case 'constructEvent':
    case 'constructEventAsync':
      return isNew ? undefined : make(dottedName(call.expression) ?? name, 'webhook signing secret', args[2]);
    case 'Webhook':
      return isNew && from(['svix', 'standardwebhooks']) ? make('new Webhook', 'webhook signing secret', args[0]) : undefined;
    case 'Stripe':
      return isNew && from(['stripe']) ? make('new Stripe', 'Stripe API key', args[0]) : undefined;
    // `twilio(accountSid, authToken)`, `new Twilio(accountSid, authToken)`: the second argument is the account's password.
    case 'twilio':
    case 'Twilio':
      return from(['twilio']) && args.length >= 2 ? make(isNew ? 'new Twilio' : 'twilio', 'Twilio auth token', args[1]) : undefined;
    default:
      return undefined;
  }
}

function make(display: string, role: string, argument: TS.Expression | undefined, takesLabels = false): Sink | undefined {
  return argument ? { display, role, key: keyExpression(argument), takesLabels } : undefined;
}

const STRING_METHODS = new Set(['slice', 'substring', 'substr', 'trim', 'toString', 'replace']);

/**
 * The expression that holds the key: `Buffer.from(x, 'base64')`, `new TextEncoder().encode(x)`
 * and string methods such as `x.slice(6)` (stripping Svix's `whsec_`) all carry the key `x`.
 */
export function keyExpression(argument: TS.Expression): TS.Expression {
  let expression = unwrap(argument);
  for (let hops = 0; hops < 4 && ts.isCallExpression(expression); hops++) {
    const callee = unwrap(expression.expression);
    if ((dottedName(callee) === 'Buffer.from' || calleeName(expression) === 'encode') && expression.arguments.length > 0) {
      expression = unwrap(expression.arguments[0]);
    } else if (ts.isPropertyAccessExpression(callee) && STRING_METHODS.has(callee.name.text)) {
      expression = unwrap(callee.expression);
    } else {
      break;
    }
  }
  return expression;
}

/** `jwt.sign(...)` on the `jsonwebtoken` module, or `sign`/`verify` imported from it. */
function isJsonWebToken(call: TS.CallExpression, file: SourceFileInfo, analysis: ProjectAnalysis): boolean {
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    const receiver = callee.expression.text;
    const source = analysis.importSource(file, receiver);
    return source ? source.specifier === 'jsonwebtoken' : receiver === 'jwt' || receiver === 'jsonwebtoken';
  }
  return ts.isIdentifier(callee) && analysis.importSource(file, callee.text)?.specifier === 'jsonwebtoken';
}

/** `new SignJWT(payload).setProtectedHeader(...).sign(key)` from `jose`. */
function isSignJwtChain(callee: TS.Expression): boolean {
  let current: TS.Expression = unwrap(callee);
  for (let hops = 0; hops < 16; hops++) {
    if (ts.isPropertyAccessExpression(current) || ts.isCallExpression(current)) current = unwrap(current.expression);
    else return ts.isNewExpression(current) && calleeName(current) === 'SignJWT';
  }
  return false;
}

function importedFrom(call: TS.CallExpression | TS.NewExpression, file: SourceFileInfo, analysis: ProjectAnalysis, specifiers: string[]): boolean {
  const callee = unwrap(call.expression);
  const local = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : undefined;
  const source = local === undefined ? undefined : analysis.importSource(file, local);
  return source !== undefined && specifiers.includes(source.specifier);
}
