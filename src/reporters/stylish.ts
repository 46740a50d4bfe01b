import type { ScanResult } from '../core/engine';
import { relativePath } from '../core/files';
import type { Finding, Level } from '../core/types';
import type { ReportOptions } from './index';

/** ESLint-style text for a terminal: findings grouped by file, aligned columns, one summary line. */
export function formatStylish(result: ScanResult, options: Pick<ReportOptions, 'root' | 'color'>): string {
  const paint = painter(options.color);
  const shown = result.findings.filter((f) => !f.suppression);
  let out = '';
  for (const group of groupByFile(shown)) {
    out += `\n${paint.underline(printable(relativePath(options.root, group[0].location.file)))}\n`;
    out += formatGroup(group, options.root, paint);
  }
  if (out) out += '\n';
  return out + summaryLine(result, options.color) + '\n';
}

/** `✖ 3 problems (1 error, 1 warning, 1 note)` or `✔ No problems found in 42 files.` (unless fnscan failed on a file), plus suppressed. */
export function summaryLine(result: ScanResult, color: boolean): string {
  const paint = painter(color);
  const shown = result.findings.filter((f) => !f.suppression);
  const suppressed = result.findings.length - shown.length;
  const note = suppressed > 0 ? ` (${suppressed} suppressed)` : '';
  if (shown.length === 0) {
    const crashed = result.skipped.filter((s) => s.reason === 'internal-error').length;
    if (crashed > 0) return paint.red(`✖ No problems found, but fnscan failed on ${plural(crashed, 'file')}`) + `${note}.`;
    return paint.green(`✔ No problems found in ${plural(result.filesScanned, 'file')}`) + `${note}.`;
  }
  const count = (level: Level) => shown.filter((f) => f.level === level).length;
  const errors = count('error');
  const text =
    `✖ ${plural(shown.length, 'problem')} ` +
    `(${plural(errors, 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('note'), 'note')})`;
  return (errors > 0 ? paint.red : paint.yellow)(paint.bold(text)) + note;
}

function formatGroup(group: Finding[], root: string, paint: Painter): string {
  const rows = group.map((f) => ({
    line: String(f.location.startPos.line),
    column: String(f.location.startPos.column),
    level: f.level,
    message: printable(f.message).replace(/([^ ])\.$/, '$1'),
    finding: f,
  }));
  const width = (key: 'line' | 'column' | 'level' | 'message') => Math.max(...rows.map((r) => r[key].length));
  const [line, column, level, message] = [width('line'), width('column'), width('level'), width('message')];
  let out = '';
  for (const row of rows) {
    const position = paint.dim(`${row.line.padStart(line)}:${row.column.padEnd(column)}`);
    const levelText = LEVEL_COLOR[row.level](paint)(row.level.padEnd(level));
    out += `  ${position}  ${levelText}  ${row.message.padEnd(message)}  ${paint.dim(row.finding.ruleId)}\n`;
    for (const related of row.finding.related) {
      const where = `${printable(relativePath(root, related.file))}:${related.startPos.line}`;
      out += `    ${paint.dim('↳')} ${where} ${printable(related.message)}\n`;
    }
  }
  return out;
}

function groupByFile(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const group = groups.get(f.location.file);
    if (group) group.push(f);
    else groups.set(f.location.file, [f]);
  }
  return [...groups.values()];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Shows control and bidi-override characters as `\u{..}` escapes, so a crafted file name or
 * message cannot move the cursor, recolour the terminal or reorder what the reader sees.
 */
export function printable(text: string): string {
  return defuseWorkflowCommands(
    text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`),
  );
}

/**
 * CI runners read `::command::` at the start of a line (after spaces) and `##[command]` anywhere
 * as instructions. A file named like one must not become one when its path is printed.
 */
function defuseWorkflowCommands(text: string): string {
  const defused = text.split('##[').join('#\\u{23}[');
  return defused.trimStart().startsWith('::') ? defused.replace('::', '\\u{3a}:') : defused;
}

type Paint = (text: string) => string;
interface Painter {
  red: Paint;
  yellow: Paint;
  cyan: Paint;
  green: Paint;
  dim: Paint;
  bold: Paint;
  underline: Paint;
}

const LEVEL_COLOR: Record<Level, (p: Painter) => Paint> = {
  error: (p) => p.red,
  warning: (p) => p.yellow,
  note: (p) => p.cyan,
};

function painter(color: boolean): Painter {
  const sgr = (open: number, close: number): Paint =>
    color ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
  return {
    red: sgr(31, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
    green: sgr(32, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
    underline: sgr(4, 24),
  };
}
