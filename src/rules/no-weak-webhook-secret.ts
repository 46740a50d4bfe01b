import path from 'node:path';
import { defineRule, type TextContext } from '../core/rule';
import { classifyNamed } from './secrets/classify';
import { parseConfigFile, type Assignment } from './secrets/env-file';
import { hasDemoWords, isPlaceholder } from './secrets/placeholders';
import { isOneRepeatedChar, isSequential, isWordLike, shannonEntropy } from './secrets/entropy';
import { noWeakWebhookSecret as meta } from './meta';

const PREFILTER = /WEBHOOK|SESSION_SECRET|SIGNING_SECRET/i;
/** What follows `SECRET` in a name that holds something else: a header's name, a variable's, a key id, a path. */
const NOT_THE_SECRET = /SECRET_?(?:HEADER|HEADER_NAME|NAME|ID|KEY_ID|ENV|VAR|PATH|FILE|URL|ARN|REF|PARAM|PARAMETER|VERSION|ROTATED_AT|UPDATED_AT|CREATED_AT|EXPIRES_AT)$/;
/**
 * Webhook signing secrets (`WEBHOOK_SECRET`, `STRIPE_WEBHOOK_SECRET`, `SLACK_SIGNING_SECRET`,
 * `CLERK_WEBHOOK_SIGNING_SECRET`) and dbAuth's session key; not `WEBHOOK_SECRET_HEADER`.
 */
export function isCoveredName(key: string): boolean {
  const upper = key.toUpperCase();
  if (upper === 'SESSION_SECRET') return true;
  if (NOT_THE_SECRET.test(upper)) return false;
  if (upper.includes('SIGNING_SECRET')) return true;
  const webhook = upper.indexOf('WEBHOOK');
  return webhook !== -1 && upper.indexOf('SECRET', webhook + 7) !== -1;
}
/** The value Redwood's app template suggests for `WEBHOOK_SECRET`, and asks to change. */
const REDWOOD_PLACEHOLDER = 'THIS_IS_NOT_SECRET_PLEASE_CHANGE';
const MIN_LENGTH = 16;
/** Bits per character below which a value of this length is words or a pattern, not random. */
const MIN_ENTROPY = 3;

/** Files people copy from rather than load: placeholders there are the point of the file. */
const EXAMPLE_FILES = new Set(['.env.example', '.env.sample']);

type Weakness = 'placeholder' | 'short' | 'guessable';

export default defineRule({
  meta,

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

export function weaknessOf(value: string): Weakness | undefined {
  if (value === REDWOOD_PLACEHOLDER || isPlaceholder(value)) return 'placeholder';
  if (value.length < MIN_LENGTH) return 'short';
  if (shannonEntropy(value) < MIN_ENTROPY || isWordLike(value) || isSequential(value) || isOneRepeatedChar(value) || hasDemoWords(value)) {
    return 'guessable';
  }
  return undefined;
}
