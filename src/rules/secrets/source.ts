import ts from '../../core/typescript';
import type * as TS from 'typescript';
import type { ProjectAnalysis } from '../../core/analysis';
import type { SourceFileInfo } from '../../core/files';
import type { RelatedReport, SuggestionReport } from '../../core/rule';
import type { Level, Span } from '../../core/types';
import { calleeName, dottedName, envReadName, envReadText, isEnvRead, propertyKeyName, stringLiteralValue, unwrap } from '../../core/ast';
import { classifyAuthorization, classifyFallback, classifyNamed, classifyUnnamed, type ValueHints, type Verdict } from './classify';
import { maskSecret } from './mask';
import { isWordLike } from './entropy';
import { envNameFor, isAuthorizationName, isDisplayableName } from './names';
import { ANY_KEYWORD, findKnownSecret, findKnownSecrets } from './patterns';
import { isPlaceholder, isPublicValue } from './placeholders';
import { keyExpression, sinkOf, type Sink } from './sinks';
import { isSigningKeyName, weaknessOf, type Weakness } from './weak';

/** One finding-to-be, tied to the node it is about so that each literal is reported once. */
export interface Candidate {
  at: TS.Node | Span;
  messageId: string;
  data: Record<string, string>;
  level: Level;
  secret: string;
  related?: RelatedReport[];
  suggestions?: SuggestionReport[];
  /** A sink's evidence (the value is used as a key) outranks what the literal's context says. */
  priority: number;
}

/** A sink whose key is a constant defined in another module; judged once that module is analysed. */
export interface ImportedKey {
  use: TS.Expression;
  sink: Sink;
  literal: TS.StringLiteralLike;
  file: SourceFileInfo;
}

/** What one walk of a file finds: candidates keyed by literal, and keys imported from elsewhere. */
export interface FileSecrets {
  byLiteral: Map<TS.Node, Candidate>;
  imported: ImportedKey[];
  /** Known-format secrets written in comments (commented-out code, notes). */
  inComments: Candidate[];
  /** Weak defaults of signing keys (`process.env.JWT_SECRET || 'changeme'`), for `no-weak-webhook-secret`. */
  weakFallbacks: WeakFallback[];
}

/** A signing key's env read whose fallback, written in the code, is a placeholder or guessable. */
export interface WeakFallback {
  at: TS.Node;
  read: string;
  weakness: Weakness;
  length: number;
}

const CONTEXT_PRIORITY = 1;
const SINK_PRIORITY = 2;
/** Shorter literals are never credentials by their context; sinks accept shorter keys. */
const MIN_CONTEXT_LENGTH = 8;
const MIN_SINK_KEY_LENGTH = 6;

/**
 * Syntax kinds read once, on first use (TypeScript loads lazily): `ts.SyntaxKind` is behind a
 * getter on the TypeScript module object, too slow to touch for every node of every file.
 */
const syntaxKinds = () =>
  ({
  StringLiteral: ts.SyntaxKind.StringLiteral,
  NoSubstitutionTemplateLiteral: ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  TemplateHead: ts.SyntaxKind.TemplateHead,
  TemplateMiddle: ts.SyntaxKind.TemplateMiddle,
  TemplateTail: ts.SyntaxKind.TemplateTail,
  }) as const;
let kinds: ReturnType<typeof syntaxKinds> | undefined;

type LiteralContext =
  | { kind: 'named'; name: string; suggest: boolean; object?: TS.ObjectLiteralExpression }
  | { kind: 'fallback'; env: string; read?: string }
  | { kind: 'none' };

/** What a file holds, from its node index, memoised so that other files' sinks can ask what it reports. */
export function fileSecrets(file: SourceFileInfo, analysis: ProjectAnalysis): FileSecrets {
  return analysis.memo('no-hardcoded-secret/file', file, () => collect(file, analysis));
}

function collect(file: SourceFileInfo, analysis: ProjectAnalysis): FileSecrets {
  const byLiteral = new Map<TS.Node, Candidate>();
  const imported: ImportedKey[] = [];
  const weakFallbacks: WeakFallback[] = [];
  // Only a file that names a secret or a JWT key can read one with a fallback.
  const namesKey = SIGNING_KEY_TEXT.test(file.text);
  const hints: ValueHints = { twilio: mentionsTwilio(file.text), mailgun: mentionsMailgun(file.text) };
  // Only a file whose text holds a token keyword can hide a token in a comment.
  const literalSpans: Span[] | undefined = ANY_KEYWORD.test(file.text) ? [] : undefined;
  const add = (literal: TS.Node, candidate: Candidate): void => {
    const existing = byLiteral.get(literal);
    if (!existing || existing.priority < candidate.priority) byLiteral.set(literal, candidate);
  };

  // The literals, calls and `new` expressions outside type syntax, in source order, from the walk
  // that indexed the file when it was parsed.
  const K = (kinds ??= syntaxKinds());
  for (const node of analysis.nodesOf(file).values) {
    switch (node.kind) {
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral: {
        literalSpans?.push({ start: node.getStart(file.sf), end: node.end });
        const literal = node as TS.StringLiteralLike;
        const context = namesKey || literal.text.length >= MIN_CONTEXT_LENGTH ? literalContext(literal) : undefined;
        const candidate = (context && literalCandidate(literal, context, file, hints)) ?? splitKeyCandidate(literal, hints);
        if (candidate) add(node, candidate);
        else if (namesKey && context?.kind === 'fallback') {
          const weak = weakFallback(literal, context);
          if (weak) weakFallbacks.push(weak);
        }
        break;
      }
      case K.TemplateHead:
      case K.TemplateMiddle:
      case K.TemplateTail: {
        literalSpans?.push({ start: node.getStart(file.sf), end: node.end });
        const text = (node as TS.TemplateLiteralLikeNode).text;
        const verdict = text.length >= MIN_CONTEXT_LENGTH ? classifyUnnamed(text, hints) : undefined;
        if (verdict) add(node, contextCandidate(node, 'literal', {}, verdict));
        break;
      }
      default: {
        const sink = sinkOf(node as TS.CallExpression | TS.NewExpression, file, analysis);
        if (sink) sinkKey(sink, file, analysis, add, imported);
      }
    }
  }
  // A value gets at most one of the two rules: a sink may have reported the literal after the walk passed it.
  const weak = weakFallbacks.filter((w) => !byLiteral.has(w.at));
  return { byLiteral, imported, inComments: literalSpans ? commentSecrets(file, literalSpans, hints) : [], weakFallbacks: weak };
}

/**
 * Known formats outside every string literal, inside a comment: `// old key: sk_live_...`.
 * Literals were judged by the walk (a placeholder or publishable key there stays unreported).
 */
function commentSecrets(file: SourceFileInfo, literalSpans: Span[], hints: ValueHints): Candidate[] {
  const loose = findKnownSecrets(file.text, hints).filter((s) => !literalSpans.some((l) => l.start <= s.start && s.end <= l.end));
  if (loose.length === 0) return [];
  const comments = commentRanges(file);
  return loose
    .filter((s) => comments.some((c) => c.start <= s.start && s.end <= c.end))
    .map((s) => ({
      at: { start: s.start, end: s.end },
      messageId: 'comment',
      data: { kind: s.label, masked: maskSecret(s.token) },
      level: s.level,
      secret: s.token,
      priority: CONTEXT_PRIORITY,
    }));
}

/** Comment ranges of a file, from the TypeScript scanner. */
function commentRanges(file: SourceFileInfo): Span[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, file.sf.languageVariant, file.text);
  const ranges: Span[] = [];
  const single = ts.SyntaxKind.SingleLineCommentTrivia;
  const multi = ts.SyntaxKind.MultiLineCommentTrivia;
  const end = ts.SyntaxKind.EndOfFileToken;
  for (let token = scanner.scan(); token !== end; token = scanner.scan()) {
    if (token === single || token === multi) ranges.push({ start: scanner.getTokenStart(), end: scanner.getTokenEnd() });
  }
  return ranges;
}

const PRIVATE_KEY_HEADER = /^-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/;

/**
 * A private key written one line per literal, kept under a line-length limit: `'-----BEGIN RSA
 * PRIVATE KEY-----\n' + 'MIIE...' + ...`, or an array of lines joined later. Every part is
 * written in the code, so the key is too; it is reported at its first line.
 */
function splitKeyCandidate(header: TS.StringLiteralLike, hints: ValueHints): Candidate | undefined {
  // Runs on every literal nothing else reported: one character rules out nearly all of them.
  if (header.text.charCodeAt(0) !== 45 /* - */ || !PRIVATE_KEY_HEADER.test(header.text)) return undefined;
  let whole: TS.Node = header;
  while (whole.parent && ts.isBinaryExpression(whole.parent) && whole.parent.operatorToken.kind === ts.SyntaxKind.PlusToken) whole = whole.parent;
  while (whole.parent && ts.isParenthesizedExpression(whole.parent)) whole = whole.parent;
  let parts: string[] | undefined;
  if (whole !== header) parts = concatenatedLiterals(whole as TS.Expression);
  else if (ts.isArrayLiteralExpression(header.parent) && header.parent.elements[0] === header) {
    const texts = header.parent.elements.map((el) => (ts.isStringLiteralLike(el) ? el.text : undefined));
    parts = texts.every((t): t is string => t !== undefined) ? [texts.join('\n')] : undefined;
  }
  if (!parts) return undefined;
  const verdict = classifyUnnamed(parts.join(''), hints);
  return verdict && contextCandidate(header, 'literal', {}, verdict);
}

/** The strings of a `+` chain made only of string literals, in order; undefined if any part is not one. */
function concatenatedLiterals(expr: TS.Expression): string[] | undefined {
  const node = unwrap(expr);
  if (ts.isStringLiteralLike(node)) return [node.text];
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.PlusToken) return undefined;
  const left = concatenatedLiterals(node.left);
  const right = left && concatenatedLiterals(node.right);
  return left && right ? [...left, ...right] : undefined;
}

const SIGNING_KEY_TEXT = /SECRET|JWT_/;

/**
 * `process.env.JWT_SECRET || 'changeme'`: where the variable is unset, the app signs with a value
 * anyone who reads the code knows. Placeholders are no hardcoded secret (`literalCandidate` leaves
 * them), but as a signing key's default they are the weakest one. Empty fallbacks and paths are
 * left alone: they hold no key.
 */
function weakFallback(node: TS.StringLiteralLike, context: { env: string; read?: string }): WeakFallback | undefined {
  const value = node.text.trim();
  if (value === '' || !isSigningKeyName(context.env) || /^(?:\.{0,2}\/|~\/|file:)|\.(?:pem|key|json)$/.test(value)) return undefined;
  const weakness = weaknessOf(value);
  return weakness && { at: node, read: context.read ?? `process.env.${context.env}`, weakness, length: value.length };
}

function literalCandidate(node: TS.StringLiteralLike, context: LiteralContext, file: SourceFileInfo, hints: ValueHints): Candidate | undefined {
  const value = node.text;
  if (value.length < MIN_CONTEXT_LENGTH) return undefined;
  if (context.kind === 'fallback') {
    const verdict = classifyFallback(value, context.env, { ...hints, ...objectHints(propertyObjectOf(node), node) });
    return verdict && contextCandidate(node, 'envFallback', { env: context.read ?? `process.env.${context.env}` }, verdict);
  }
  if (context.kind === 'none' || !isDisplayableName(context.name) || findKnownSecret(context.name)) {
    const verdict = classifyUnnamed(value, hints) ?? (SCHEME_AND_CREDENTIAL.test(value) ? classifyAuthorization(value, hints) : undefined);
    return verdict && contextCandidate(node, 'literal', {}, verdict);
  }
  const last = context.name.split('.').pop() ?? context.name;
  if (isAuthorizationName(last)) {
    const verdict = classifyAuthorization(value, hints);
    return verdict && contextCandidate(node, 'authorizationHeader', { name: last }, verdict);
  }
  // `const STAGING_AUTH = 'Basic c3RhZ2luZzp...'`: the value says it is an Authorization header's, whatever it is named.
  if (SCHEME_AND_CREDENTIAL.test(value)) {
    const verdict = classifyAuthorization(value, hints);
    if (verdict) return contextCandidate(node, 'hardcoded', { name: context.name }, verdict);
  }
  const verdict = classifyNamed(value, last, { ...hints, ...objectHints(context.object, node) });
  if (!verdict) return undefined;
  const candidate = contextCandidate(node, 'hardcoded', { name: context.name }, verdict);
  if (context.suggest) candidate.suggestions = [envSuggestion(node, file, last)];
  return candidate;
}

function contextCandidate(node: TS.Node, messageId: string, data: Record<string, string>, verdict: Verdict): Candidate {
  return {
    at: node,
    messageId,
    data: { ...data, kind: verdict.kind, masked: maskSecret(verdict.secret) },
    level: verdict.level,
    secret: verdict.secret,
    priority: CONTEXT_PRIORITY,
  };
}

function envSuggestion(node: TS.Node, file: SourceFileInfo, name: string): SuggestionReport {
  const env = envNameFor(name);
  return { description: `Read it from process.env.${env}`, span: { start: node.getStart(file.sf), end: node.getEnd() }, text: `process.env.${env}` };
}

/**
 * Where a literal sits: assigned to a name (variable, property, class field, parameter default,
 * `obj.x = ...`, JSX attribute, `headers.set(name, value)`, compared with a name), the fallback
 * of an env read, or nowhere in particular.
 */
const AUTH_SCHEME_PREFIX = /^(?:Bearer|Basic|Token|Bot) $/i;

/** A whole Authorization value, scheme and credential: `Basic <base64>`, `Bearer <token>`. */
const SCHEME_AND_CREDENTIAL = /^(?:Bearer|Basic) \S{8,}$/;

function literalContext(node: TS.StringLiteralLike): LiteralContext {
  let child: TS.Node = node;
  let parent = node.parent;
  while (
    ts.isParenthesizedExpression(parent) ||
    ts.isAsExpression(parent) ||
    ts.isSatisfiesExpression(parent) ||
    ts.isNonNullExpression(parent) ||
    ts.isTypeAssertionExpression(parent) ||
    // `'Bearer ' + '<token>'`: the token takes the place of the whole header value.
    (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.PlusToken && parent.right === child && AUTH_SCHEME_PREFIX.test(stringLiteralValue(parent.left) ?? ''))
  ) {
    child = parent;
    parent = parent.parent;
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === child && ts.isIdentifier(parent.name)) {
    return { kind: 'named', name: parent.name.text, suggest: true };
  }
  if (ts.isPropertyAssignment(parent) && parent.initializer === child) {
    const name = propertyKeyName(parent.name);
    const object = ts.isObjectLiteralExpression(parent.parent) ? parent.parent : undefined;
    return name === undefined ? { kind: 'none' } : { kind: 'named', name, suggest: true, object };
  }
  if ((ts.isPropertyDeclaration(parent) || ts.isEnumMember(parent)) && parent.initializer === child) {
    const name = propertyKeyName(parent.name);
    return name === undefined ? { kind: 'none' } : { kind: 'named', name, suggest: ts.isPropertyDeclaration(parent) };
  }
  if ((ts.isParameter(parent) || ts.isBindingElement(parent)) && parent.initializer === child) {
    return bindingContext(parent);
  }
  if (ts.isJsxAttribute(parent) && parent.initializer === child) {
    return { kind: 'named', name: parent.name.getText(), suggest: false };
  }
  // `process.env.X ? process.env.X : '...'`: the same fallback as `||`.
  if (ts.isConditionalExpression(parent) && parent.whenFalse === child) {
    const env = envReadName(unwrap(parent.condition));
    if (env !== undefined && env === envReadName(unwrap(parent.whenTrue))) return { kind: 'fallback', env, read: envReadText(parent.condition) };
  }
  if (ts.isBinaryExpression(parent) && parent.right === child) return binaryContext(parent, parent.left);
  if (ts.isBinaryExpression(parent) && parent.left === child && isComparison(parent)) return namedBy(parent.right);
  if (ts.isCallExpression(parent)) return envHelperContext(parent, child) ?? headerSetterContext(parent, child);
  return { kind: 'none' };
}

/**
 * `env('ADMIN_JWT_SECRET', '<value>')`, `env.int('PORT', 1337)`: the config helper Strapi (and
 * many apps of their own) read variables through, whose second argument is the fallback.
 */
function envHelperContext(call: TS.CallExpression, child: TS.Node): LiteralContext | undefined {
  if (call.arguments[1] !== child) return undefined;
  const callee = unwrap(call.expression);
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : undefined;
  const env = stringLiteralValue(call.arguments[0]);
  if (name !== 'env' || env === undefined || !/^[A-Z][A-Z0-9_]*$/.test(env)) return undefined;
  return { kind: 'fallback', env, read: `env('${env}')` };
}

function binaryContext(binary: TS.BinaryExpression, left: TS.Expression): LiteralContext {
  const op = binary.operatorToken.kind;
  if (op === ts.SyntaxKind.EqualsToken) {
    const named = namedBy(left);
    return named.kind === 'named' ? { ...named, suggest: true } : named;
  }
  const fallback = op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken;
  // `process.env.X ??= '...'` sets the default for every later read.
  const defaults = op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken;
  if ((fallback || defaults) && isEnvRead(left)) {
    const env = envReadName(left);
    return env === undefined ? { kind: 'none' } : { kind: 'fallback', env, read: envReadText(left) };
  }
  return isComparison(binary) ? namedBy(left) : { kind: 'none' };
}


function isComparison(binary: TS.BinaryExpression): boolean {
  const op = binary.operatorToken.kind;
  return (
    op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    op === ts.SyntaxKind.EqualsEqualsToken ||
    op === ts.SyntaxKind.ExclamationEqualsToken
  );
}

/** `config.apiKey`, `headers['x-api-key']`, `token`: the name an expression reads or writes. */
function namedBy(expression: TS.Expression): LiteralContext {
  const name = dottedName(unwrap(expression));
  return name === undefined ? { kind: 'none' } : { kind: 'named', name, suggest: false };
}

/** `{ apiKey = '...' }` in a parameter, and `const { SECRET = '...' } = process.env`. */
function bindingContext(binding: TS.ParameterDeclaration | TS.BindingElement): LiteralContext {
  if (!ts.isIdentifier(binding.name)) return { kind: 'none' };
  const name = binding.name.text;
  if (ts.isBindingElement(binding) && ts.isObjectBindingPattern(binding.parent)) {
    const declaration = binding.parent.parent;
    const source = ts.isVariableDeclaration(declaration) ? declaration.initializer : undefined;
    if (source && dottedName(unwrap(source)) === 'process.env') {
      const key = binding.propertyName ? propertyKeyName(binding.propertyName) : name;
      return key === undefined ? { kind: 'none' } : { kind: 'fallback', env: key };
    }
  }
  return { kind: 'named', name, suggest: true };
}

/** `headers.set('Authorization', '...')`, `res.setHeader('x-api-key', '...')`. */
function headerSetterContext(call: TS.CallExpression, child: TS.Node): LiteralContext {
  const callee = unwrap(call.expression);
  const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
  if (!method || !['set', 'append', 'setHeader', 'header', 'setRequestHeader'].includes(method)) return { kind: 'none' };
  if (call.arguments[1] !== child) return { kind: 'none' };
  const header = stringLiteralValue(call.arguments[0]);
  return header === undefined ? { kind: 'none' } : { kind: 'named', name: header, suggest: false };
}

/**
 * Facts about sibling properties: a Firebase web config (its `authDomain`, `storageBucket`, a web
 * `appId`, or the object handed to `initializeApp`), an AWS access key ID beside a secret.
 */
function objectHints(object: TS.ObjectLiteralExpression | undefined, self: TS.Node): ValueHints {
  if (!object) return {};
  const parent = unwrap(object).parent;
  let firebaseConfig = parent !== undefined && ts.isCallExpression(parent) && calleeName(parent) === 'initializeApp';
  let awsKeyIdNearby = false;
  for (const property of object.properties) {
    const name = ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property) ? propertyKeyName(property.name) : undefined;
    if (name === 'authDomain' || name === 'messagingSenderId' || name === 'storageBucket') firebaseConfig = true;
    if (ts.isPropertyAssignment(property) && property.initializer !== self) {
      const value = stringLiteralValue(unwrap(property.initializer));
      if (value !== undefined && /^(?:AKIA|ASIA)[A-Z2-7]{16}$/.test(value)) awsKeyIdNearby = true;
      if (name === 'appId' && value !== undefined && FIREBASE_WEB_APP_ID.test(value)) firebaseConfig = true;
    }
  }
  return { firebaseConfig, awsKeyIdNearby };
}

/** Firebase's web app id: `1:99812311234:web:0a1b2c3d4e5f60718293a4`. */
const FIREBASE_WEB_APP_ID = /^\d+:\d+:web:[0-9a-f]+$/;

/** The object a value is the property of, through a fallback (`apiKey: process.env.X ?? '...'`). */
function propertyObjectOf(node: TS.Node): TS.ObjectLiteralExpression | undefined {
  let current = node;
  while (current.parent && (ts.isBinaryExpression(current.parent) || ts.isConditionalExpression(current.parent) || ts.isParenthesizedExpression(current.parent))) current = current.parent;
  const property = current.parent;
  return property && ts.isPropertyAssignment(property) && property.initializer === current ? property.parent : undefined;
}

/**
 * A sink's key: a literal right there, a constant of this file (reported at its definition,
 * with the use as related location), or a constant imported from another module (judged later).
 */
function sinkKey(
  sink: Sink,
  file: SourceFileInfo,
  analysis: ProjectAnalysis,
  add: (literal: TS.Node, candidate: Candidate) => void,
  imported: ImportedKey[],
): void {
  const key = sink.key;
  if (ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key)) {
    if (!isUsableKey(key.text, sink)) return;
    const candidate = sinkCandidate(key, 'sinkLiteral', {}, sink, key.text);
    const property = key.parent;
    if (ts.isPropertyAssignment(property) && property.initializer === key) {
      const name = propertyKeyName(property.name);
      if (name !== undefined) candidate.suggestions = [envSuggestion(key, file, name)];
    }
    add(key, candidate);
    return;
  }
  const constant = resolveConstant(key, file, analysis);
  if (!constant || !isUsableKey(constant.literal.text, sink)) return;
  if (constant.file !== file) {
    imported.push({ use: key, sink, literal: constant.literal, file: constant.file });
    return;
  }
  const name = definitionName(constant.literal) ?? key.getText(file.sf);
  const candidate = sinkCandidate(constant.literal, 'sinkConstant', { name }, sink, constant.literal.text);
  candidate.related = [
    { file, span: { start: key.getStart(file.sf), end: key.getEnd() }, message: `\`${sink.display}\` uses \`${name}\` as its ${sink.role}.` },
  ];
  add(constant.literal, candidate);
}

export function sinkCandidate(at: TS.Node, messageId: string, data: Record<string, string>, sink: Sink, value: string): Candidate {
  const known = findKnownSecret(value);
  const secret = known?.token ?? value;
  return {
    at,
    messageId,
    data: { ...data, role: known?.label ?? sink.role, sink: sink.display, masked: maskSecret(secret) },
    level: known?.level ?? 'error',
    secret,
    priority: SINK_PRIORITY,
  };
}

function isUsableKey(value: string, sink: Sink): boolean {
  if (value.length < MIN_SINK_KEY_LENGTH || isPlaceholder(value) || isPublicValue(value)) return false;
  return !sink.takesLabels || !isWordLike(value) || findKnownSecret(value) !== undefined;
}

/** Follows `KEY`, `config.webhookKey` and imports to the string literal that defines the key. */
function resolveConstant(
  expression: TS.Expression,
  file: SourceFileInfo,
  analysis: ProjectAnalysis,
): { literal: TS.StringLiteralLike; file: SourceFileInfo } | undefined {
  let resolved = constantValue(expression, file, analysis, 0);
  // `const key = new TextEncoder().encode('...')` (jose's key in Next.js's auth guide): the constant holds the key encoded.
  if (resolved && ts.isCallExpression(resolved.node)) {
    const inner = keyExpression(resolved.node);
    const at = resolved.file;
    if (inner !== resolved.node) resolved = ts.isIdentifier(inner) || ts.isPropertyAccessExpression(inner) ? constantValue(inner, at, analysis, 0) : { node: inner, file: at };
  }
  if (!resolved) return undefined;
  const node = resolved.node;
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ? { literal: node, file: resolved.file } : undefined;
}

/** The expression a constant, a property path of constant objects (`settings.signing.key`) or a namespace import's export (`keys.HOOK`) stands for. */
function constantValue(expression: TS.Expression, file: SourceFileInfo, analysis: ProjectAnalysis, depth: number): { node: TS.Node; file: SourceFileInfo } | undefined {
  const node = unwrap(expression);
  if (ts.isIdentifier(node)) return analysis.resolveValue(node, file);
  if (!ts.isPropertyAccessExpression(node) || depth > 4) return undefined;
  const name = node.name.text;
  if (ts.isIdentifier(node.expression)) {
    const source = analysis.importSource(file, node.expression.text);
    if (source?.name === '*') {
      const module = analysis.importedModule(file, source.specifier);
      const decl = module ? analysis.exportedDeclaration(module, name) : undefined;
      return decl && ts.isVariableDeclaration(decl.node) && decl.node.initializer ? analysis.resolveValue(decl.node.initializer, decl.file) : undefined;
    }
  }
  const base = constantValue(node.expression, file, analysis, depth + 1);
  if (!base || !ts.isObjectLiteralExpression(base.node)) return undefined;
  const property = base.node.properties.find((p) => ts.isPropertyAssignment(p) && propertyKeyName(p.name) === name);
  return property && ts.isPropertyAssignment(property) ? analysis.resolveValue(property.initializer, base.file) : undefined;
}

/** The variable or property a literal initialises, for messages: `PARTNER_HOOK`, `partnerHook`. */
export function definitionName(literal: TS.StringLiteralLike): string | undefined {
  const context = literalContext(literal);
  return context.kind === 'named' && isDisplayableName(context.name) ? context.name : undefined;
}

/** Case-insensitive without scanning the text with a case-insensitive regex. */
export function mentionsMailgun(text: string): boolean {
  return text.includes('mailgun') || text.includes('Mailgun') || text.includes('MAILGUN');
}

export function mentionsTwilio(text: string): boolean {
  return text.includes('twilio') || text.includes('Twilio') || text.includes('TWILIO');
}
