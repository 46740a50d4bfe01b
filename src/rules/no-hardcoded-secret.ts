import path from 'node:path';
import ts from '../core/typescript';
import { defineRule, type SourceContext, type TextContext } from '../core/rule';
import { classifyNamed, type ValueHints } from './secrets/classify';
import { parseConfigFile, type Assignment } from './secrets/env-file';
import { maskSecret } from './secrets/mask';
import { findKnownSecrets } from './secrets/patterns';
import { isDisplayableName } from './secrets/names';
import { definitionName, fileSecrets, mentionsMailgun, mentionsTwilio, sinkCandidate, type Candidate, type ImportedKey } from './secrets/source';
import { noHardcodedSecret as meta } from './meta';

export default defineRule({
  meta,

  checkSource(ctx) {
    const own = fileSecrets(ctx.file, ctx.analysis);
    const candidates = [...own.byLiteral.values(), ...own.inComments, ...importedKeyCandidates(ctx, own.imported)];
    const start = (c: Candidate): number => ('kind' in c.at ? c.at.getStart(ctx.file.sf) : c.at.start);
    candidates.sort((a, b) => start(a) - start(b));
    for (const c of candidates) {
      ctx.report({
        messageId: c.messageId,
        data: c.data,
        at: c.at,
        level: c.level,
        secret: c.secret,
        related: c.related,
        suggestions: c.suggestions,
      });
    }
  },

  checkText(ctx) {
    const assignments = parseConfigFile(path.basename(ctx.file.path), ctx.file.text);
    const hints: ValueHints = {
      twilio: mentionsTwilio(ctx.file.text),
      mailgun: mentionsMailgun(ctx.file.text),
      awsKeyIdNearby: assignments.some((a) => /^(?:AKIA|ASIA)[A-Z2-7]{16}$/.test(a.value)),
    };
    for (const assignment of assignments) reportAssignment(ctx, assignment, hints);
    reportOutsideAssignments(ctx, assignments, hints);
  },
});

/**
 * A key imported from another module is reported at the use, once per constant, unless that
 * module already reports the constant at its definition (a credential name, a known format).
 */
function importedKeyCandidates(ctx: SourceContext, imported: ImportedKey[]): Candidate[] {
  const seen = new Set<unknown>();
  const candidates: Candidate[] = [];
  for (const key of imported) {
    if (seen.has(key.literal)) continue;
    seen.add(key.literal);
    if (fileSecrets(key.file, ctx.analysis).byLiteral.has(key.literal)) continue;
    const name = useName(ctx, key) ?? definitionName(key.literal) ?? 'a constant';
    const candidate = sinkCandidate(key.use, 'sinkImported', { name }, key.sink, key.literal.text);
    candidate.related = [
      {
        file: key.file,
        span: { start: key.literal.getStart(key.file.sf), end: key.literal.getEnd() },
        message: `\`${name}\` is defined with a hardcoded value.`,
      },
    ];
    candidates.push(candidate);
  }
  return candidates;
}

/** `WEBHOOK_KEYS.billing` reads better than the bare property name `billing`. */
function useName(ctx: SourceContext, key: ImportedKey): string | undefined {
  if (!ts.isPropertyAccessExpression(key.use)) return undefined;
  const text = key.use.getText(ctx.file.sf);
  return isDisplayableName(text) ? text : undefined;
}

/** Known formats in comment lines (`# OLD_KEY=sk_live_...`) and in values the parsers skip (TOML arrays). */
function reportOutsideAssignments(ctx: TextContext, assignments: Assignment[], hints: ValueHints): void {
  for (const secret of findKnownSecrets(ctx.file.text, hints)) {
    if (assignments.some((a) => a.start <= secret.start && secret.end <= a.end)) continue;
    const lineStart = ctx.file.text.lastIndexOf('\n', secret.start) + 1;
    ctx.report({
      messageId: ctx.file.text.slice(lineStart, secret.start).includes('#') ? 'comment' : 'literal',
      data: { kind: secret.label, masked: maskSecret(secret.token) },
      at: { start: secret.start, end: secret.end },
      level: secret.level,
      secret: secret.token,
    });
  }
}

function reportAssignment(ctx: TextContext, assignment: Assignment, hints: ValueHints): void {
  const verdict = classifyNamed(assignment.value, assignment.key, hints);
  if (!verdict) return;
  ctx.report({
    messageId: 'hardcoded',
    data: { name: assignment.key, kind: verdict.kind, masked: maskSecret(verdict.secret) },
    at: { start: assignment.start, end: assignment.end },
    level: verdict.level,
    secret: verdict.secret,
  });
}
