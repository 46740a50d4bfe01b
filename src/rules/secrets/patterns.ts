import type { Level } from '../../core/types';
import { shannonEntropy, isOneRepeatedChar, isSequential } from './entropy';
import { isPlaceholder } from './placeholders';

/**
 * Known credential formats. Each pattern runs only when one of its keywords occurs in the text
 * (all keywords are found in one pass first), and each regex is a fixed prefix followed by
 * bounded character classes, with no nested quantifiers: the cost is linear in the input.
 */
export interface SecretPattern {
  id: string;
  keywords: readonly string[];
  /** Global regex; the secret is capture group 1 when there is one, else the whole match. */
  regex: RegExp;
  /**
   * Characters that must not follow a match: a longer run is not this token. Checked in code
   * rather than with a trailing lookahead, which would make the regex retry every shorter
   * length of a long run before moving on.
   */
  after?: RegExp;
  /** Length of the public prefix (`sk_live_`) that `describe` and the body checks skip. */
  prefixLength(token: string): number;
  describe(token: string, hints: PatternHints): { label: string; level: Level };
  /** Whether the pattern applies at all, given the context (Twilio keys need a Twilio mention). */
  enabled?(hints: PatternHints): boolean;
  /** Extra acceptance test beyond the shared body checks. */
  accept?(token: string, hints: PatternHints, text: string): boolean;
}

export interface PatternHints {
  /** Lower-case name the value is assigned to, if any (`clerk_secret_key`). */
  name?: string;
  /** The file mentions Twilio, so `SK` + 32 hex is a Twilio API key. */
  twilio?: boolean;
  /** The file mentions Mailgun, so `key-` + 32 hex is a Mailgun key wherever it sits. */
  mailgun?: boolean;
}

export interface KnownSecret {
  patternId: string;
  label: string;
  level: Level;
  /** The secret itself, and where it sits in the scanned text. */
  token: string;
  start: number;
  end: number;
}

const fixed = (label: string, level: Level = 'error') => () => ({ label, level });
const prefixUntil = (separator: string, count = 1) => (token: string) => {
  let at = -1;
  for (let i = 0; i < count; i++) at = token.indexOf(separator, at + 1);
  return at + 1;
};

const GITHUB_KINDS: Record<string, string> = {
  p: 'GitHub personal access token',
  o: 'GitHub OAuth token',
  u: 'GitHub user-to-server token',
  s: 'GitHub app installation token',
  r: 'GitHub refresh token',
};

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    id: 'stripe-secret-key',
    keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'],
    regex: /(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{20,247}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: () => 8,
    describe(token, hints) {
      const live = token.startsWith('live', 3);
      const vendor = hints.name?.includes('clerk') ? 'Clerk' : 'Stripe';
      const kind = token[0] === 'r' ? 'restricted key' : 'secret key';
      return { label: `${vendor} ${live ? '' : 'test-mode '}${kind}`, level: live ? 'error' : 'warning' };
    },
  },
  {
    id: 'webhook-signing-secret',
    keywords: ['whsec_'],
    regex: /(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/]{24,128}={0,2}/g,
    after: /[A-Za-z0-9+/=]/,
    prefixLength: () => 6,
    describe: fixed('webhook signing secret'),
  },
  {
    id: 'github-token',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    regex: /(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: () => 4,
    describe: (token) => ({ label: GITHUB_KINDS[token[2]], level: 'error' }),
  },
  {
    id: 'github-fine-grained-token',
    keywords: ['github_pat_'],
    regex: /(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{80,250}/g,
    after: /[A-Za-z0-9_]/,
    prefixLength: () => 11,
    describe: fixed('GitHub fine-grained personal access token'),
  },
  {
    id: 'aws-access-key-id',
    keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    regex: /(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}/g,
    after: /[A-Z0-9]/,
    prefixLength: () => 4,
    describe: fixed('AWS access key ID'),
    accept: (token) => !token.endsWith('EXAMPLE'),
  },
  {
    id: 'aws-secret-access-key',
    keywords: ['ecret_access_key', 'ECRET_ACCESS_KEY', 'ecretAccessKey'],
    regex: /aws_?secret_?access_?key["']?[ \t]{0,4}[:=][ \t]{0,4}["']?([A-Za-z0-9/+]{40})/gi,
    after: /[A-Za-z0-9/+]/,
    prefixLength: () => 0,
    describe: fixed('AWS secret access key'),
    accept: (token) => isAwsSecretShape(token),
  },
  {
    id: 'slack-token',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-'],
    regex: /(?<![A-Za-z0-9])xox[abposr]-[0-9A-Za-z-]{20,250}/g,
    after: /[0-9A-Za-z-]/,
    prefixLength: () => 5,
    describe: (token) => ({ label: token[3] === 'b' ? 'Slack bot token' : 'Slack token', level: 'error' }),
    accept: (token) => /[0-9]{6}/.test(token),
  },
  {
    id: 'slack-app-token',
    keywords: ['xapp-'],
    regex: /(?<![A-Za-z0-9])xapp-[0-9]-[A-Z0-9]{6,20}-[0-9]{6,20}-[a-f0-9]{32,80}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: prefixUntil('-', 4),
    describe: fixed('Slack app token'),
  },
  {
    id: 'slack-webhook-url',
    keywords: ['hooks.slack.com/'],
    regex: /(?:https?:\/\/)?hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,250}/g,
    prefixLength: (token) => token.indexOf('.com/') + 5,
    describe: fixed('Slack webhook URL'),
    accept: (token) => !isPlaceholderBody(token.slice(token.lastIndexOf('/') + 1)),
  },
  {
    id: 'sendgrid-api-key',
    keywords: ['SG.'],
    regex: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g,
    after: /[A-Za-z0-9_-]/,
    prefixLength: () => 3,
    describe: fixed('SendGrid API key'),
  },
  {
    id: 'openai-api-key',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'],
    regex: /(?<![A-Za-z0-9])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}/g,
    after: /[A-Za-z0-9_-]/,
    prefixLength: prefixUntil('-', 2),
    describe: fixed('OpenAI API key'),
  },
  {
    id: 'openai-legacy-api-key',
    keywords: ['T3BlbkFJ'],
    regex: /(?<![A-Za-z0-9])sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: () => 3,
    describe: fixed('OpenAI API key'),
  },
  {
    id: 'anthropic-api-key',
    keywords: ['sk-ant-'],
    regex: /(?<![A-Za-z0-9])sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,120}/g,
    after: /[A-Za-z0-9_-]/,
    prefixLength: prefixUntil('-', 3),
    describe: fixed('Anthropic API key'),
  },
  {
    id: 'google-api-key',
    keywords: ['AIza'],
    regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}/g,
    after: /[0-9A-Za-z_-]/,
    prefixLength: () => 4,
    // Many Google keys (Maps, Firebase web config) are meant to ship to browsers.
    describe: fixed('Google API key', 'warning'),
  },
  {
    id: 'npm-token',
    keywords: ['npm_'],
    regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: () => 4,
    describe: fixed('npm access token'),
  },
  {
    id: 'twilio-api-key',
    keywords: ['SK'],
    regex: /(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: () => 2,
    describe: fixed('Twilio API key', 'warning'),
    enabled: (hints) => hints.twilio === true || (hints.name?.includes('twilio') ?? false),
  },
  {
    id: 'resend-api-key',
    keywords: ['re_'],
    regex: /(?<![A-Za-z0-9_])re_[A-Za-z0-9]{6,12}_[A-Za-z0-9]{16,40}/g,
    after: /[A-Za-z0-9_]/,
    prefixLength: () => 3,
    describe: fixed('Resend API key'),
  },
  {
    id: 'gitlab-token',
    keywords: ['glpat-'],
    regex: /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,60}/g,
    after: /[A-Za-z0-9_-]/,
    prefixLength: () => 6,
    describe: fixed('GitLab personal access token'),
  },
  {
    id: 'shopify-token',
    keywords: ['shpat_', 'shpss_', 'shpca_', 'shppa_'],
    regex: /(?<![A-Za-z0-9])shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: () => 6,
    describe: fixed('Shopify access token'),
  },
  {
    id: 'huggingface-token',
    keywords: ['hf_'],
    regex: /(?<![A-Za-z0-9_])hf_[A-Za-z]{34}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: () => 3,
    describe: fixed('Hugging Face token'),
  },
  {
    // Internal integration tokens: `secret_` + 43 (until 2024), `ntn_` + 11 digits + 35 since.
    id: 'notion-token',
    keywords: ['secret_', 'ntn_'],
    regex: /(?<![A-Za-z0-9_])(?:secret_[A-Za-z0-9]{43}|ntn_[0-9]{11}[A-Za-z0-9]{35})/g,
    after: /[A-Za-z0-9]/,
    prefixLength: (token) => token.indexOf('_') + 1,
    describe: fixed('Notion integration token'),
  },
  {
    // Supabase's secret API keys (2025): full access, row-level security bypassed. `sb_publishable_` keys are public.
    id: 'supabase-secret-key',
    keywords: ['sb_secret_'],
    regex: /(?<![A-Za-z0-9_])sb_secret_[A-Za-z0-9_-]{20,80}/g,
    after: /[A-Za-z0-9_-]/,
    prefixLength: () => 10,
    describe: fixed('Supabase secret key'),
  },
  {
    // Supabase's legacy service-role key: a JWT whose payload says `"role": "service_role"` (the
    // anon key, `"role": "anon"`, ships to every browser). The CLI's local demo key is public.
    id: 'supabase-service-role-jwt',
    keywords: ['eyJ'],
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,400}\.eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{16,400}/g,
    after: /[A-Za-z0-9_-]/,
    prefixLength: (token) => token.indexOf('.') + 1,
    describe: fixed('Supabase service-role key'),
    accept: (token) => {
      const claims = jwtClaims(token);
      return claims?.role === 'service_role' && claims.iss !== 'supabase-demo';
    },
  },
  {
    // Mailgun's private API key: `key-` + 32 hex (Basic auth as `api:key-...`). `key-<md5>` is also
    // a common cache or object key, so only where the text or the name mentions Mailgun, or as
    // the value itself (`'key-…'` or `'api:key-…'`).
    id: 'mailgun-api-key',
    keywords: ['key-'],
    regex: /(?<![A-Za-z0-9_-])key-[0-9a-f]{32}/g,
    after: /[A-Za-z0-9]/,
    prefixLength: () => 4,
    describe: fixed('Mailgun API key'),
    accept: (token, hints, text) => hints.mailgun === true || (hints.name ?? '').includes('mailgun') || text === token || text === `api:${token}`,
  },
];

/** The claims of a JWT written out, decoded as data (never verified, never trusted beyond naming it). */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A 40-character AWS secret access key: base64 alphabet, mixed case and digits, random. */
export function isAwsSecretShape(value: string): boolean {
  return (
    value.length === 40 &&
    /^[A-Za-z0-9/+]{40}$/.test(value) &&
    /[a-z]/.test(value) &&
    /[A-Z]/.test(value) &&
    /[0-9]/.test(value) &&
    shannonEntropy(value) >= 4
  );
}

/** The part after a known prefix must look generated: no placeholder, no run, some entropy. */
function isPlaceholderBody(body: string): boolean {
  if (isOneRepeatedChar(body) || isSequential(body) || isPlaceholder(body)) return true;
  return body.length >= 16 && shannonEntropy(body) < 3;
}

/** Every keyword in one alternation of plain strings: one linear pass rejects most texts. */
const KEYWORD_SOURCE = [...SECRET_PATTERNS.flatMap((p) => p.keywords), '-----BEGIN ']
  .map((k) => k.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
  .join('|');
export const ANY_KEYWORD = new RegExp(KEYWORD_SOURCE);
const EVERY_KEYWORD = new RegExp(KEYWORD_SOURCE, 'g');

/**
 * The keywords a text holds, found in one pass instead of one substring search per keyword. The
 * next search starts one character after a match, not after its end: keywords overlap
 * (`secret_` and `ecret_access_key` in `aws_secret_access_key`).
 */
function keywordsIn(text: string): Set<string> {
  const seen = new Set<string>();
  EVERY_KEYWORD.lastIndex = 0;
  for (let m = EVERY_KEYWORD.exec(text); m !== null; m = EVERY_KEYWORD.exec(text)) {
    seen.add(m[0]);
    EVERY_KEYWORD.lastIndex = m.index + 1;
  }
  return seen;
}

/** The first known credential in a text (PEM private keys included), or undefined. */
export function findKnownSecret(text: string, hints: PatternHints = {}): KnownSecret | undefined {
  return findKnownSecrets(text, hints)[0];
}

/** Every known credential in a text, in order, overlaps dropped (the earlier, then longer, match wins). */
export function findKnownSecrets(text: string, hints: PatternHints = {}): KnownSecret[] {
  if (!ANY_KEYWORD.test(text)) return [];
  const present = keywordsIn(text);
  const found: KnownSecret[] = [];
  for (const pattern of SECRET_PATTERNS) {
    if (pattern.keywords.some((k) => present.has(k))) found.push(...matches(pattern, text, hints));
  }
  if (present.has('-----BEGIN ')) found.push(...findPrivateKeys(text));
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: KnownSecret[] = [];
  for (const secret of found) {
    if (kept.length === 0 || secret.start >= kept[kept.length - 1].end) kept.push(secret);
  }
  return kept;
}

function matches(pattern: SecretPattern, text: string, hints: PatternHints): KnownSecret[] {
  if (pattern.enabled && !pattern.enabled(hints)) return [];
  const found: KnownSecret[] = [];
  const regex = pattern.regex;
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    const token = m[1] ?? m[0];
    const start = m.index + (m[1] === undefined ? 0 : m[0].lastIndexOf(m[1]));
    const next = text[start + token.length];
    if (pattern.after && next !== undefined && pattern.after.test(next)) continue;
    if (isPlaceholderBody(token.slice(pattern.prefixLength(token)))) continue;
    if (pattern.accept && !pattern.accept(token, hints, text)) continue;
    const { label, level } = pattern.describe(token, hints);
    found.push({ patternId: pattern.id, label, level, token, start, end: start + token.length });
  }
  return found;
}

const MAX_PEM_LENGTH = 16384;
const BEGIN = '-----BEGIN ';

/**
 * `-----BEGIN ... PRIVATE KEY-----` followed by at least 64 base64 characters of real key
 * material. Found with indexOf; each character is examined at most once, since a rejected
 * candidate's body is skipped.
 */
export function findPrivateKey(text: string): KnownSecret | undefined {
  return findPrivateKeys(text, 1)[0];
}

function findPrivateKeys(text: string, limit = Infinity): KnownSecret[] {
  const found: KnownSecret[] = [];
  const nextBegin = cursor(text, BEGIN);
  const nextEnd = cursor(text, '-----END ');
  let at = nextBegin(0);
  while (at !== -1 && found.length < limit) {
    const headerEnd = text.indexOf('-----', at + BEGIN.length);
    const label = headerEnd === -1 || headerEnd - at > 80 ? '' : text.slice(at + BEGIN.length, headerEnd);
    if (!isPrivateKeyLabel(label)) {
      at = nextBegin(at + BEGIN.length);
      continue;
    }
    const bodyStart = headerEnd + 5;
    const stops = [nextEnd(bodyStart), nextBegin(bodyStart), bodyStart + MAX_PEM_LENGTH, text.length];
    const bodyEnd = Math.min(...stops.filter((i) => i !== -1));
    const body = keyMaterial(text.slice(bodyStart, bodyEnd));
    if (body.length >= 64 && !isPlaceholderBody(body) && shannonEntropy(body) >= 4.5) {
      const end = text.startsWith('-----END ', bodyEnd) ? footerEnd(text, bodyEnd) : bodyEnd;
      found.push({ patternId: 'private-key', label: 'private key', level: 'error', token: text.slice(at, end), start: at, end });
      at = nextBegin(end);
      continue;
    }
    at = nextBegin(bodyEnd);
  }
  return found;
}

/**
 * Next occurrence of a marker at or after a position, for positions that only grow: the
 * last answer is reused while still ahead, so a text with no marker is searched once, not once per call.
 */
function cursor(text: string, marker: string): (from: number) => number {
  let found = -2;
  return (from) => {
    if (found === -1 || (found >= from && found !== -2)) return found;
    found = text.indexOf(marker, from);
    return found;
  };
}

/** `RSA PRIVATE KEY`, `OPENSSH PRIVATE KEY`, `PGP PRIVATE KEY BLOCK`, `ENCRYPTED PRIVATE KEY`. */
function isPrivateKeyLabel(label: string): boolean {
  if (!(label.endsWith('PRIVATE KEY') || label.endsWith('PRIVATE KEY BLOCK'))) return false;
  for (let i = 0; i < label.length; i++) {
    const c = label.charCodeAt(i);
    if (!(c === 32 || (c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** Base64 characters of a PEM body, skipping line breaks, escaped `\n`s and `Proc-Type:` headers. */
function keyMaterial(body: string): string {
  let out = '';
  for (const line of body.replace(/\\n/g, '\n').split('\n')) {
    const trimmed = line.trim();
    if (trimmed.includes(':')) continue;
    out += trimmed.replace(/[^A-Za-z0-9+/=]/g, '');
  }
  return out;
}

function footerEnd(text: string, from: number): number {
  const close = text.indexOf('-----', from + 9);
  return close === -1 || close - from > 80 ? from + 9 : close + 5;
}
