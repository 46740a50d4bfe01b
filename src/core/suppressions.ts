import ts from './typescript';
import type * as TS from 'typescript';
import type { Finding, Level, Location } from './types';
import type { RuleMeta } from './rule';
import type { FnscanConfig } from './config';
import type { SourceFileInfo, TextFileInfo } from './files';
import { renderMessage } from './messages';

/**
 * Inline suppressions, written at the start of a comment:
 *   `// fnscan-disable-next-line <rule>[, <rule>] [until=YYYY-MM-DD] -- <reason>` (the next line)
 *   `// fnscan-disable-line <rule> [until=YYYY-MM-DD] -- <reason>` (its own line)
 * (`until=` is also read from the reason, where people tend to put it),
 * also as `/* … *\/` in JS/TS and as `# …` in env and TOML files. A finding is suppressed when it
 * starts on the target line. A directive with no rule, no reason, a malformed or past `until`
 * date suppresses nothing. Problems with directives (those, unknown rules, unused suppressions)
 * become findings of the `invalid-suppression` rule when that rule is enabled; such findings
 * cannot themselves be suppressed.
 */
export const INVALID_SUPPRESSION = 'invalid-suppression';

export interface Directive {
  kind: 'next-line' | 'line' | 'unknown';
  /** The directive word as written, e.g. `fnscan-disable-next-line`. */
  keyword: string;
  /** 1-based line whose findings it suppresses. */
  targetLine: number;
  /** From the comment opener to the end of the directive, in the file's coordinates. */
  location: Omit<Location, 'file'>;
  /** The directive as written, whitespace-normalised. */
  text: string;
  rules: string[];
  reason: string;
  until?: string;
}

export interface SuppressionContext {
  /** The rules that ran on the file. */
  rules: readonly RuleMeta[];
  config: FnscanConfig;
  /** `YYYY-MM-DD` (UTC) that `until=` dates are compared with; defaults to the real date. */
  today?: string;
}

const KEYWORD = /fnscan-disable[\w-]*/g;
const UNTIL = /(?:^|[\s,;(])until=([^\s,;)]*)/;

/** Marks the findings that a valid directive covers and appends the directive problems as findings. */
export function applySuppressions(
  findings: Finding[],
  file: SourceFileInfo | TextFileInfo,
  context: SuppressionContext,
): Finding[] {
  const directives = parseDirectives(file);
  if (directives.length === 0) return findings;
  const today = context.today ?? new Date().toISOString().slice(0, 10);
  const problems: Problem[] = [];
  for (const directive of directives) {
    const blocking = blockingProblem(directive, today);
    if (blocking) {
      problems.push({ directive, ...blocking });
      continue;
    }
    problems.push(...suppress(directive, findings, context));
  }
  const meta = context.rules.find((r) => r.id === INVALID_SUPPRESSION);
  if (!meta) return findings;
  return [...findings, ...problems.map((p) => toFinding(p, meta, file.path, context.config))];
}

interface Problem {
  directive: Directive;
  messageId: string;
  data: Record<string, string>;
}

function blockingProblem(d: Directive, today: string): Omit<Problem, 'directive'> | undefined {
  const rules = d.rules.join(', ');
  if (d.kind === 'unknown') return { messageId: 'unknownDirective', data: { directive: d.keyword } };
  if (d.rules.length === 0) return { messageId: 'noRule', data: {} };
  if (d.reason === '') return { messageId: 'missingReason', data: { rules } };
  if (d.until !== undefined && !isIsoDate(d.until)) return { messageId: 'badUntil', data: { rules, until: d.until } };
  if (d.until !== undefined && d.until < today) return { messageId: 'expired', data: { rules, until: d.until } };
  return undefined;
}

/** Applies one valid directive; reports the rules it names that are unknown or that matched nothing. */
function suppress(d: Directive, findings: Finding[], context: SuppressionContext): Problem[] {
  const problems: Problem[] = [];
  for (const rule of d.rules) {
    const ran = context.rules.some((r) => r.id === rule);
    if (rule === INVALID_SUPPRESSION || (!ran && !context.config.rules?.[rule])) {
      problems.push({ directive: d, messageId: 'unknownRule', data: { rule } });
      continue;
    }
    let used = false;
    for (const finding of findings) {
      if (finding.ruleId !== rule || finding.location.startPos.line !== d.targetLine) continue;
      finding.suppression ??= { justification: d.reason };
      used = true;
    }
    if (ran && !used) problems.push({ directive: d, messageId: 'unused', data: { rule, line: String(d.targetLine) } });
  }
  return problems;
}

function toFinding(p: Problem, meta: RuleMeta, file: string, config: FnscanConfig): Finding {
  const configured = config.rules?.[meta.id];
  const level: Level = configured && configured !== 'off' ? configured : meta.defaultLevel;
  return {
    ruleId: meta.id,
    messageId: p.messageId,
    data: p.data,
    message: renderMessage(meta.messages[p.messageId], p.data),
    level,
    location: { file, ...p.directive.location },
    related: [],
    context: p.directive.text,
    suggestions: [],
  };
}

/** Finds the directives that open a comment (not those inside strings or mentioned mid-comment). */
export function parseDirectives(file: SourceFileInfo | TextFileInfo): Directive[] {
  const { text } = file;
  if (!text.includes('fnscan-disable')) return [];
  const starts = file.kind === 'source' ? file.sf.getLineStarts() : newlineStarts(text);
  const directives: Directive[] = [];
  for (let i = 0; i < starts.length; i++) {
    const lineStart = starts[i];
    const line = withoutLineBreak(text.slice(lineStart, i + 1 < starts.length ? starts[i + 1] : text.length));
    for (const match of line.matchAll(KEYWORD)) {
      const opener = commentOpenerBefore(line, match.index, file.kind === 'source');
      if (!opener) continue;
      const openerAt = opener.at;
      if (file.kind === 'source' && (insideLiteral(file.sf, lineStart + openerAt) || insideOtherBlockComment(file.sf, lineStart + openerAt))) continue;
      const isBlock = opener.token === '/*';
      directives.push(toDirective(match[0], line, i + 1, lineStart, openerAt, match.index + match[0].length, isBlock));
      break;
    }
  }
  return directives;
}

function toDirective(
  keyword: string,
  line: string,
  lineNumber: number,
  lineStart: number,
  openerAt: number,
  bodyStart: number,
  isBlock: boolean,
): Directive {
  const close = isBlock ? line.indexOf('*/', bodyStart) : -1;
  const body = line.slice(bodyStart, close === -1 ? line.length : close).trimEnd();
  const end = bodyStart + body.length;
  const sep = body.indexOf('--');
  const head = sep === -1 ? body : body.slice(0, sep);
  const tail = sep === -1 ? '' : body.slice(sep + 2);
  // `until=` belongs before `--`, but people also write it into the reason; honour it there too.
  const until = UNTIL.exec(head)?.[1] ?? UNTIL.exec(tail)?.[1];
  const rules = head
    .replace(UNTIL, ' ')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((r) => r.replace(/^fnscan\//, ''));
  const kind = keyword === 'fnscan-disable-next-line' ? 'next-line' : keyword === 'fnscan-disable-line' ? 'line' : 'unknown';
  return {
    kind,
    keyword,
    targetLine: kind === 'next-line' ? lineNumber + 1 : lineNumber,
    location: {
      start: lineStart + openerAt,
      end: lineStart + end,
      startPos: { line: lineNumber, column: openerAt + 1 },
      endPos: { line: lineNumber, column: end + 1 },
    },
    text: line.slice(openerAt, end).replace(/\s+/g, ' ').trim(),
    rules,
    reason: stripSeparators(tail.replace(UNTIL, ' ').trim()),
    until,
  };
}

/*
 * The helpers below walk characters instead of using anchored regexes: lines come from scanned
 * files, and `\s*$`-style patterns retry from every start of a long run (quadratic time).
 */

function withoutLineBreak(line: string): string {
  let end = line.length;
  while (end > 0 && '\r\n\u2028\u2029'.includes(line[end - 1])) end--;
  return line.slice(0, end);
}

/** The `//`, `/*` (source) or `#` (env/TOML, at the start or after a space) right before a keyword, spaces aside. */
function commentOpenerBefore(line: string, keywordAt: number, source: boolean): { token: string; at: number } | undefined {
  let i = keywordAt;
  while (i > 0 && (line[i - 1] === ' ' || line[i - 1] === '\t')) i--;
  if (source) {
    const token = line.slice(i - 2, i);
    return i >= 2 && (token === '//' || token === '/*') ? { token, at: i - 2 } : undefined;
  }
  if (i < 1 || line[i - 1] !== '#') return undefined;
  const before = line[i - 2];
  return i === 1 || before === ' ' || before === '\t' ? { token: '#', at: i - 1 } : undefined;
}

/** A reason written as `-- , because ...;` loses the leading and trailing separator. */
function stripSeparators(reason: string): string {
  let text = reason;
  if (text.startsWith(',') || text.startsWith(';')) text = text.slice(1).trimStart();
  if (text.endsWith(',') || text.endsWith(';')) text = text.slice(0, -1).trimEnd();
  return text;
}

/** Whether an offset falls inside a string, template, regex or JSX text token rather than a comment. */
function insideLiteral(sf: TS.SourceFile, offset: number): boolean {
  const node = deepestNodeAt(sf, offset);
  return isLiteralToken(node) && node.getStart(sf) <= offset;
}

/**
 * Whether an offset falls inside a `/* *\/` comment that opened earlier: a `// fnscan-disable…`
 * written in a JSDoc example is documentation, not a directive.
 */
function insideOtherBlockComment(sf: TS.SourceFile, offset: number): boolean {
  const node = deepestNodeAt(sf, offset);
  if (offset >= node.getStart(sf) && node !== sf) return false;
  const text = sf.text;
  const ranges = [...(ts.getLeadingCommentRanges(text, node.pos) ?? []), ...(ts.getTrailingCommentRanges(text, node.pos) ?? [])];
  return ranges.some((r) => r.kind === ts.SyntaxKind.MultiLineCommentTrivia && r.pos < offset && offset < r.end);
}

/** The deepest node whose full range (its leading trivia included) holds the offset. */
function deepestNodeAt(sf: TS.SourceFile, offset: number): TS.Node {
  let node: TS.Node = sf;
  for (;;) {
    const child: TS.Node | undefined = ts.forEachChild(node, (c) => (c.pos <= offset && offset < c.end ? c : undefined));
    if (!child) return node;
    node = child;
  }
}

function isLiteralToken(node: TS.Node): boolean {
  return (
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateHead(node) ||
    ts.isTemplateMiddle(node) ||
    ts.isTemplateTail(node) ||
    ts.isRegularExpressionLiteral(node) ||
    ts.isJsxText(node)
  );
}

function newlineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
