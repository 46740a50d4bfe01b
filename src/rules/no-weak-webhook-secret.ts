import path from 'node:path';
import { defineRule, type TextContext } from '../core/rule';
import { classifyNamed } from './secrets/classify';
import { parseConfigFile, type Assignment } from './secrets/env-file';
import { fileSecrets } from './secrets/source';
import { isCoveredName, weaknessOf } from './secrets/weak';
import { noWeakWebhookSecret as meta } from './meta';

const PREFILTER = /WEBHOOK|SESSION_SECRET|SIGNING_SECRET/i;

/** Files people copy from rather than load: placeholders there are the point of the file. */
const EXAMPLE_FILES = new Set(['.env.example', '.env.sample']);

export default defineRule({
  meta,

  checkSource(ctx) {
    for (const weak of fileSecrets(ctx.file, ctx.analysis).weakFallbacks) {
      const what = weak.weakness === 'placeholder' ? 'a placeholder' : weak.weakness === 'short' ? `a value of only ${weak.length} characters` : 'a guessable value';
      ctx.report({ messageId: 'fallback', data: { read: weak.read, what }, at: weak.at });
    }
  },

  checkText(ctx) {
    if (!PREFILTER.test(ctx.file.text)) return;
    const name = path.basename(ctx.file.path);
    const assignments = parseConfigFile(name, ctx.file.text);
    for (const assignment of assignments) {
      if (isCoveredName(assignment.key) && !assignment.description) check(ctx, assignment, EXAMPLE_FILES.has(name));
    }
  },
});

function check(ctx: TextContext, assignment: Assignment, exampleFile: boolean): void {
  const value = assignment.value.trim();
  // Empty values and references (`${WEBHOOK_SECRET}`) ask the environment for the real one.
  if (value === '' || /^\$\{?[A-Za-z_]/.test(value)) return;
  // A value that looks like a real secret is `no-hardcoded-secret`'s finding, never this rule's.
  if (classifyNamed(value, assignment.key, {})) return;
  const weakness = weaknessOf(value);
  if (!weakness || (exampleFile && weakness === 'placeholder')) return;
  ctx.report({
    messageId: weakness,
    data: { name: assignment.key, length: String(value.length) },
    at: { start: assignment.start, end: assignment.end },
  });
}
