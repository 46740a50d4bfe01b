import type { Finding } from './types';

/**
 * Inline suppressions: `fnscan-disable-next-line <rule>[, <rule>] -- <reason>` on the line above,
 * or `fnscan-disable-line <rule> -- <reason>` on the finding's own line, in `//`, `/* *\/` or `#`
 * comments. A suppression without a reason is not honoured: the finding stays.
 */
export interface Suppression {
  /** 1-based line the suppression applies to. */
  targetLine: number;
  /** 1-based line of the comment itself. */
  commentLine: number;
  rules: string[];
  reason: string;
  until?: string;
}

const DIRECTIVE = /fnscan-disable-(next-line|line)\b([^\n]*)/;

export function parseSuppressions(text: string): Suppression[] {
  const result: Suppression[] = [];
  if (!text.includes('fnscan-disable-')) return result;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = DIRECTIVE.exec(lines[i]);
    if (!match) continue;
    const before = lines[i].slice(0, match.index);
    if (!/(\/\/|\/\*|#)\s*$/.test(before)) continue;
    const body = match[2].replace(/\*\/\s*$/, '');
    const sep = body.indexOf('--');
    const head = (sep === -1 ? body : body.slice(0, sep)).trim();
    const reasonPart = sep === -1 ? '' : body.slice(sep + 2).trim();
    const untilMatch = /(?:^|\s)until=(\d{4}-\d{2}-\d{2})\b/.exec(head);
    const rules = head
      .replace(/(?:^|\s)until=\S+/, '')
      .split(/[\s,]+/)
      .map((r) => r.replace(/^fnscan\//, ''))
      .filter(Boolean);
    result.push({
      targetLine: match[1] === 'next-line' ? i + 2 : i + 1,
      commentLine: i + 1,
      rules,
      reason: reasonPart,
      until: untilMatch?.[1],
    });
  }
  return result;
}

export function applySuppressions(findings: Finding[], text: string, _knownRules: string[]): Finding[] {
  const suppressions = parseSuppressions(text);
  if (suppressions.length === 0) return findings;
  const today = new Date().toISOString().slice(0, 10);
  for (const finding of findings) {
    const match = suppressions.find(
      (s) =>
        s.targetLine === finding.location.startPos.line &&
        s.reason.length > 0 &&
        (s.rules.length === 0 || s.rules.includes(finding.ruleId)) &&
        (s.until === undefined || s.until >= today),
    );
    if (match) finding.suppression = { justification: match.reason };
  }
  return findings;
}
