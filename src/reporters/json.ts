import type { ScanResult } from '../core/engine';
import { relativePath } from '../core/files';
import type { Finding, Location } from '../core/types';
import type { ReportOptions } from './index';

/** Bump when a field changes meaning or disappears; adding an optional field does not bump it. */
export const JSON_SCHEMA_VERSION = 1;

/**
 * The documented machine format (docs/json-format.md). Built field by field, never by spreading a
 * finding, so nothing read from the scanned files (code context, fix text, hashes) can leak into it.
 */
export function formatJson(
  result: ScanResult,
  options: Pick<ReportOptions, 'root' | 'includeSuppressed' | 'toolVersion'>,
): string {
  const reported = result.findings.filter((f) => options.includeSuppressed || !f.suppression);
  const active = result.findings.filter((f) => !f.suppression);
  const count = (level: Finding['level']) => active.filter((f) => f.level === level).length;
  const report = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: 'fnscan', version: options.toolVersion },
    findings: reported.map((f) => finding(f, options.root)),
    skipped: result.skipped.map((s) => ({ file: relativePath(options.root, s.file), reason: s.reason, detail: s.detail })),
    summary: {
      files: result.filesScanned,
      errors: count('error'),
      warnings: count('warning'),
      notes: count('note'),
      suppressed: result.findings.length - active.length,
    },
  };
  // `##[` can only occur inside strings here; escaping `#` keeps a CI runner from reading a command.
  return JSON.stringify(report, null, 2).split('##[').join('#\\u0023[') + '\n';
}

function finding(f: Finding, root: string): object {
  return {
    ruleId: f.ruleId,
    level: f.level,
    message: f.message,
    ...region(f.location, root),
    related: f.related.map((r) => ({ ...region(r, root), message: r.message })),
    ...(f.suppression ? { suppressed: true, justification: f.suppression.justification } : {}),
    ...(f.baselineState ? { baselineState: f.baselineState } : {}),
  };
}

function region(location: Location, root: string) {
  return {
    file: relativePath(root, location.file),
    line: location.startPos.line,
    column: location.startPos.column,
    endLine: location.endPos.line,
    endColumn: location.endPos.column,
  };
}
