import path from 'node:path';
import ts from '../core/typescript';
import type * as TS from 'typescript';
import { defineRule, type Report, type SourceContext, type SuggestionReport, type TextContext } from '../core/rule';
import { dottedName, objectProperty, propertyKeyName, propertyValue, unwrap, walk, type FunctionLike } from '../core/ast';
import type { ProjectAnalysis } from '../core/analysis';
import type { SourceFileInfo } from '../core/files';
import { ClientFinder, UseIndex, type Client } from './tls/clients';
import {
  DISABLING_ENV_VALUES,
  disablingEnvSettings,
  insecureParams,
  connectionStringChecker,
  withoutComment,
} from './tls/connection-strings';
import { isOutsideProductionOnly } from './tls/guards';
import { parseVercelEnv } from './secrets/env-file';
import { acceptsEveryCertificate, envValue, isConstantFalse, isFalseInProduction, resolveFunction } from './tls/values';
import { noDisabledTls as meta } from './meta';

/** Files holding none of these words cannot disable verification in a way the rule knows; they are never walked. */
const PREFILTER = /rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|strictSSL|checkServerIdentity|sslmode|sslaccept|PGSSLMODE/;

type Option = 'rejectUnauthorized' | 'strictSSL' | 'checkServerIdentity';
type DisablingEnvName = keyof typeof DISABLING_ENV_VALUES;

const ENV_MESSAGES: Record<DisablingEnvName, string> = {
  NODE_TLS_REJECT_UNAUTHORIZED: 'nodeTlsRejectUnauthorized',
  PGSSLMODE: 'pgSslMode',
};

/** An option that disables verification, reported once the whole file is walked (its client may come later). */
interface OptionHit {
  option: Option;
  property: TS.ObjectLiteralElementLike;
  object: TS.ObjectLiteralExpression;
  suggestion?: SuggestionReport;
  /** The value as written when it is `false` in production only by `NODE_ENV` (`!isProduction`). */
  inProduction?: string;
}

interface ObjectFacts {
  client: Client | undefined;
  /** `requestCert` makes it server options, where `rejectUnauthorized` governs client certificates. */
  requestsClientCert: boolean;
}

export default defineRule({
  meta,

  checkSource(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    new SourceCheck(ctx).run();
  },

  checkText(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    checkConfigText(ctx);
  },
});

class SourceCheck {
  private readonly uses = new UseIndex();
  private readonly hits: OptionHit[] = [];
  private readonly objects = new Map<TS.ObjectLiteralExpression, ObjectFacts>();
  private readonly sf: TS.SourceFile;

  constructor(private readonly ctx: SourceContext) {
    this.sf = ctx.file.sf;
  }

  run(): void {
    walk(this.sf, (node) => {
      if (ts.isIdentifier(node)) {
        this.uses.record(node);
      } else if (node.parent && ts.isObjectLiteralExpression(node.parent)) {
        this.checkProperty(node as TS.ObjectLiteralElementLike, node.parent);
      } else if (ts.isBinaryExpression(node)) {
        this.checkAssignment(node);
      } else if (isStringPart(node)) {
        this.checkString(node);
      }
    });
    const finder = new ClientFinder(this.ctx.analysis, this.ctx.file, this.uses);
    for (const hit of this.hits) this.reportOption(hit, finder);
  }

  private checkProperty(property: TS.ObjectLiteralElementLike, object: TS.ObjectLiteralExpression): void {
    if (!(ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property) || ts.isMethodDeclaration(property))) {
      return;
    }
    const name = propertyKeyName(property.name);
    const value = propertyValue(property);
    const { analysis, file } = this.ctx;
    if (name === 'rejectUnauthorized' || name === 'strictSSL') {
      if (value && isConstantFalse(analysis, value, file)) {
        this.hits.push({ option: name, property, object, suggestion: this.trueSuggestion(name, property) });
      } else if (value && isFalseInProduction(analysis, value, file)) {
        this.hits.push({ option: name, property, object, inProduction: shortText(value, this.sf) });
      }
    } else if (name === 'checkServerIdentity') {
      const fn: FunctionLike | undefined = ts.isMethodDeclaration(property)
        ? property
        : value && resolveFunction(analysis, value, file);
      if (fn && acceptsEveryCertificate(fn)) this.hits.push({ option: name, property, object });
    } else if (name === 'NODE_TLS_REJECT_UNAUTHORIZED' || name === 'PGSSLMODE') {
      if (value && envValue(analysis, value, file) === DISABLING_ENV_VALUES[name]) {
        this.report({ messageId: ENV_MESSAGES[name], at: property });
      }
    }
  }

  /** Offered only when `false` is written at the property itself: elsewhere the constant may serve other code. */
  private trueSuggestion(name: string, property: TS.ObjectLiteralElementLike): SuggestionReport | undefined {
    if (!ts.isPropertyAssignment(property)) return undefined;
    const literal = unwrap(property.initializer);
    if (literal.kind !== ts.SyntaxKind.FalseKeyword) return undefined;
    return { description: `Set ${name} to true`, span: { start: literal.getStart(this.sf), end: literal.getEnd() }, text: 'true' };
  }

  private checkAssignment(node: TS.BinaryExpression): void {
    const op = node.operatorToken.kind;
    if (
      op !== ts.SyntaxKind.EqualsToken &&
      op !== ts.SyntaxKind.QuestionQuestionEqualsToken &&
      op !== ts.SyntaxKind.BarBarEqualsToken
    ) {
      return;
    }
    const target = unwrap(node.left);
    if (!ts.isPropertyAccessExpression(target) && !ts.isElementAccessExpression(target)) return;
    const { analysis, file } = this.ctx;
    const name = ts.isPropertyAccessExpression(target)
      ? target.name.text
      : analysis.stringValue(target.argumentExpression, file)?.value;
    if (name === undefined) return;
    if (name === 'NODE_TLS_REJECT_UNAUTHORIZED' || name === 'PGSSLMODE') {
      if (isProcessEnvIn(analysis, file, target.expression) && envValue(analysis, node.right, file) === DISABLING_ENV_VALUES[name]) {
        this.report({ messageId: ENV_MESSAGES[name], at: node });
      }
    } else if (name === 'rejectUnauthorized' || name === 'strictSSL') {
      const base = dottedName(target.expression);
      const option = base ? `${base}.${name}` : name;
      if (isConstantFalse(analysis, node.right, file)) {
        this.report({ messageId: 'optionAssignment', data: { target: option }, at: node });
      } else if (isFalseInProduction(analysis, node.right, file)) {
        this.report({ messageId: 'optionAssignmentInProduction', data: { target: option, value: shortText(node.right, this.sf) }, at: node });
      }
    } else if (name === 'checkServerIdentity') {
      const fn = resolveFunction(analysis, node.right, file);
      if (fn && acceptsEveryCertificate(fn)) this.report({ messageId: 'checkServerIdentity', at: node });
    }
  }

  private checkString(node: TS.StringLiteral | TS.NoSubstitutionTemplateLiteral | TS.TemplateLiteralLikeNode): void {
    if (!node.text.includes('ssl')) return;
    const start = node.getStart(this.sf);
    const raw = this.ctx.file.text.slice(start, node.getEnd());
    const isConnectionString = connectionStringChecker(raw);
    for (const hit of insecureParams(raw)) {
      if (!isConnectionString(hit.start - 1)) continue;
      this.report({
        messageId: hit.messageId,
        data: { param: hit.param },
        at: { start: start + hit.start, end: start + hit.end },
      });
    }
  }

  private reportOption(hit: OptionHit, finder: ClientFinder): void {
    const { client, requestsClientCert } = this.objectFacts(hit.object, finder);
    if (hit.option === 'rejectUnauthorized' && (client?.server || requestsClientCert)) return;
    const base = { rejectUnauthorized: 'rejectUnauthorized', strictSSL: 'strictSsl', checkServerIdentity: 'checkServerIdentity' }[
      hit.option
    ];
    const inProduction = hit.inProduction === undefined ? '' : 'InProduction';
    this.report({
      messageId: `${base}${inProduction}${client ? 'Client' : ''}`,
      data: { ...(client ? { client: client.name } : {}), ...(hit.inProduction === undefined ? {} : { value: hit.inProduction }) },
      at: hit.property,
      suggestions: hit.suggestion ? [hit.suggestion] : undefined,
    });
  }

  /** What an options object is handed to, worked out once per object however many options it holds. */
  private objectFacts(object: TS.ObjectLiteralExpression, finder: ClientFinder): ObjectFacts {
    let facts = this.objects.get(object);
    if (!facts) {
      facts = { client: finder.clientOf(object), requestsClientCert: objectProperty(object, 'requestCert') !== undefined };
      this.objects.set(object, facts);
    }
    return facts;
  }

  /** Disabling that only runs outside production (per `NODE_ENV`) is reported one level lower. */
  private report(report: Report): void {
    const at = report.at;
    const node = 'kind' in at ? at : undefined;
    const lower = node !== undefined && isOutsideProductionOnly(node);
    this.ctx.report(lower ? { ...report, level: 'warning' } : report);
  }
}

function isStringPart(node: TS.Node): node is TS.StringLiteral | TS.NoSubstitutionTemplateLiteral | TS.TemplateLiteralLikeNode {
  return (
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateHead(node) ||
    ts.isTemplateMiddle(node) ||
    ts.isTemplateTail(node)
  );
}

function isProcessEnv(node: TS.Expression): boolean {
  const name = dottedName(node);
  return name !== undefined && /(^|\.)process\.env$/.test(name);
}

/** `process.env`, or `env` imported from `node:process` or destructured from `process` (`const { env } = process`). */
function isProcessEnvIn(analysis: ProjectAnalysis, file: SourceFileInfo, node: TS.Expression): boolean {
  if (isProcessEnv(node)) return true;
  const id = unwrap(node);
  if (!ts.isIdentifier(id)) return false;
  // A local binding shadows the import: `const env = { ... }` in a function is not the process's.
  const declaration = analysis.declarationOf(id, file);
  if (declaration && declaration.file === file && !ts.isObjectBindingPattern(declaration.node)) return false;
  const imported = analysis.importSource(file, id.text);
  if (imported) return imported.name === 'env' && (imported.specifier === 'process' || imported.specifier === 'node:process');
  // A destructured name is declared by its pattern.
  const pattern = analysis.declarationOf(id, file)?.node;
  if (!pattern || !ts.isObjectBindingPattern(pattern)) return false;
  const element = pattern.elements.find((el) => ts.isIdentifier(el.name) && el.name.text === id.text);
  const key = element && (element.propertyName ?? element.name);
  const holder = pattern.parent;
  return key !== undefined && ts.isIdentifier(key) && key.text === 'env' && ts.isVariableDeclaration(holder) && holder.initializer !== undefined && dottedName(unwrap(holder.initializer)) === 'process';
}

function checkConfigText(ctx: TextContext): void {
  // vercel.json's env blocks are JSON: read as data, reported at the value.
  if (path.basename(ctx.file.path) === 'vercel.json') {
    for (const assignment of parseVercelEnv(ctx.file.text)) {
      const name = assignment.key as DisablingEnvName;
      if (Object.hasOwn(DISABLING_ENV_VALUES, name) && assignment.value === DISABLING_ENV_VALUES[name]) {
        ctx.report({ messageId: ENV_MESSAGES[name], at: { start: assignment.start, end: assignment.end } });
      }
    }
    return;
  }
  let offset = 0;
  const prisma = ctx.file.path.endsWith('.prisma');
  for (const line of ctx.file.text.split('\n')) {
    const code = withoutComment(line, prisma);
    for (const setting of disablingEnvSettings(code)) {
      ctx.report({ messageId: ENV_MESSAGES[setting.name], at: { start: offset + setting.start, end: offset + setting.end } });
    }
    for (const hit of insecureParams(code)) {
      ctx.report({ messageId: hit.messageId, data: { param: hit.param }, at: { start: offset + hit.start, end: offset + hit.end } });
    }
    offset += line.length + 1;
  }
}

/** An expression as written, on one line and cut short for a message. */
function shortText(expr: TS.Expression, sf: TS.SourceFile): string {
  const text = expr.getText(sf).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
