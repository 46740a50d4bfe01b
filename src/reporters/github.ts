import type { ScanResult } from '../core/engine';
import { relativePath } from '../core/files';
import type { Finding, Level } from '../core/types';
import type { ReportOptions } from './index';

const COMMAND: Record<Level, string> = { error: 'error', warning: 'warning', note: 'notice' };

/**
 * GitHub Actions workflow commands, one annotation per unsuppressed finding.
 * See https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
export function formatGithub(result: ScanResult, options: Pick<ReportOptions, 'root'>): string {
  return result.findings
    .filter((f) => !f.suppression)
    .map((f) => `::${COMMAND[f.level]} ${properties(f, options.root)}::${escapeData(f.message)}\n`)
    .join('');
}

function properties(f: Finding, root: string): string {
  const { startPos, endPos } = f.location;
  const props: [string, string | number][] = [
    ['file', relativePath(root, f.location.file)],
    ['line', startPos.line],
  ];
  // GitHub accepts columns only on single-line annotations; its endColumn is inclusive.
  if (startPos.line === endPos.line) {
    props.push(['col', startPos.column], ['endLine', endPos.line], ['endColumn', Math.max(startPos.column, endPos.column - 1)]);
  } else {
    props.push(['endLine', endPos.line]);
  }
  props.push(['title', f.ruleId]);
  return props.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
}

/** The escaping of @actions/core: `%`, CR and LF in the message. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Properties also escape `:` and `,`, which delimit them. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
