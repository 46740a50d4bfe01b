import { isOneRepeatedChar, isSequential, isWordLike, shannonEntropy } from './entropy';
import { hasDemoWords, isPlaceholder } from './placeholders';

/** Why a committed signing or session secret is weak. */
export type Weakness = 'placeholder' | 'short' | 'guessable';

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

/** Words of a secret's name that say it signs sessions or tokens: `JWT_SECRET`, `NEXTAUTH_SECRET`, `COOKIE_SECRET`. */
const SIGNS_SESSIONS = new Set(['JWT', 'SESSION', 'SESSIONS', 'COOKIE', 'COOKIES', 'AUTH', 'NEXTAUTH', 'AUTH0', 'TOKEN', 'TOKENS', 'IRON']);

/**
 * The secrets an app signs with, by name: the webhook and session secrets of `isCoveredName`, and
 * the keys that sign its own sessions and tokens (`JWT_SECRET`, `ACCESS_TOKEN_SECRET`,
 * `NEXTAUTH_SECRET`, `COOKIE_SECRET`, `JWT_SIGNING_KEY`). Not a client secret an OAuth provider
 * issued (`GITHUB_OAUTH_CLIENT_SECRET`): a placeholder there breaks the login, it forges nothing.
 */
export function isSigningKeyName(key: string): boolean {
  const words = key.toUpperCase().split(/[^A-Z0-9]+/).filter((w) => w !== '');
  // The secret itself, not something about it (`JWT_SECRET_ALGORITHM`, `WEBHOOK_SECRET_HEADER`).
  const last = words.at(-1) === 'KEY' && words.at(-2) === 'SECRET' ? words.length - 2 : words.length - 1;
  if (words[last] !== 'SECRET') return words[0] === 'JWT' && words.at(-1) === 'KEY' && !words.includes('PUBLIC');
  if (isCoveredName(key)) return true;
  return !words.includes('CLIENT') && words.some((w) => SIGNS_SESSIONS.has(w));
}

/** The value Redwood's app template suggests for `WEBHOOK_SECRET`, and asks to change. */
const REDWOOD_PLACEHOLDER = 'THIS_IS_NOT_SECRET_PLEASE_CHANGE';
const MIN_LENGTH = 16;
/** Bits per character below which a value of this length is words or a pattern, not random. */
const MIN_ENTROPY = 3;

export function weaknessOf(value: string): Weakness | undefined {
  if (value === REDWOOD_PLACEHOLDER || isPlaceholder(value)) return 'placeholder';
  if (value.length < MIN_LENGTH) return 'short';
  if (shannonEntropy(value) < MIN_ENTROPY || isWordLike(value) || isSequential(value) || isOneRepeatedChar(value) || hasDemoWords(value)) {
    return 'guessable';
  }
  return undefined;
}
