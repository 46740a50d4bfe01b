import { isOneRepeatedChar, isSequential } from './entropy';

/**
 * Values that stand for a secret without being one. A placeholder is never reported, whatever
 * its context: an empty value, a template marker, a `changeme`, a lone word such as `secret`.
 */
const PLACEHOLDER_WORDS = new Set([
  'abc', 'abc123', 'apikey', 'bar', 'baz', 'changeme', 'changethis', 'default', 'dummy', 'empty',
  'example', 'fake', 'foo', 'foobar', 'key', 'mypassword', 'mysecret', 'na', 'nil', 'none',
  'notset', 'null', 'pass', 'passwd', 'password', 'placeholder', 'qwerty', 'redacted', 'replaceme',
  'required', 'sample', 'secret', 'secretkey', 'shh', 'tbd', 'test', 'todo', 'token', 'undefined',
  'unset', 'value', 'xxx', 'yoursecret',
]);

/** Template markers: `<key>`, `[token]`, `{{ secret }}`, `${VAR}`, `$VAR`, `%VAR%`, `%s`, `__KEY__`. */
const TEMPLATE_MARKER =
  /^(?:<[^<>]{0,200}>|\[[^[\]]{0,200}\]|\{\{[^{}]{0,200}\}\}|\$\{[^{}]{0,200}\}|\$[A-Za-z_][A-Za-z0-9_]{0,100}|%[A-Za-z_]{1,100}%|%[sd]|__[A-Z_]{1,100}__)$/;

/** Fragments that only placeholders contain. Checked on the lower-cased value. */
const PLACEHOLDER_FRAGMENT =
  /change[-_ ]?(?:me|this|it)|replace[-_ ]?(?:me|this|with)|please[-_ ]?change|placeholder|example|not[-_ ]?(?:a[-_ ]?)?secret|(?:^|[^a-z])your(?:[^a-z]|key|api|secret|token|pass|own)|insert[-_ ]|generate[-_ ](?:with|one|a|your|using|by)[-_ ]|dummy|redacted|xxxx|\.\.\.|…|<[a-z]|\$\{|\{\{/;

/** A known token prefix in front of a placeholder (`sk_test_xxx`, `whsec_test`, `ghp_your_token`). */
const TOKEN_PREFIX = /^(?:[srp]k_(?:live|test)_|whsec_|gh[pousr]_|github_pat_|xox[abposr]-|npm_|SG\.|sk-(?:proj-)?)/;

/** `{token}`, `$S{accessToken}`, `:{id}`: a name in braces is a template slot. */
const BRACED_NAME = /\{[A-Za-z_][A-Za-z0-9_.]{0,63}\}/;

/** Examples every reader has seen: the payload of jwt.io's sample token (`John Doe`, `1234567890`). */
const KNOWN_EXAMPLE = /eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ/;

/**
 * Lower-case words joined by `_` or `-` that say the value is not real (`fake_key_for_build`,
 * `not-a-real-token`): after a token's prefix, where real tokens are random. Words alone do not
 * make a placeholder: `whsec_test_key_for_development` is a development secret, and as a fallback
 * it is what production verifies with when the variable is missing.
 */
const WORDS_ONLY = /^[a-z]+(?:[_-][a-z]+)+$/;
const NOT_REAL_WORD = /(?:^|[_-])(?:fake|dummy|placeholder|mock|stub|invalid|bogus|not[_-](?:a[_-])?real)(?:[_-]|$)/;

export function isPlaceholder(value: string): boolean {
  if (KNOWN_EXAMPLE.test(value)) return true;
  const prefix = TOKEN_PREFIX.exec(value.trim());
  if (prefix === null) return isPlaceholderText(value);
  const rest = value.trim().slice(prefix[0].length);
  return isPlaceholderText(value) || isPlaceholderText(rest) || (WORDS_ONLY.test(rest) && NOT_REAL_WORD.test(rest));
}

function isPlaceholderText(value: string): boolean {
  const v = value.trim();
  if (v === '' || isOneRepeatedChar(v) || TEMPLATE_MARKER.test(v) || BRACED_NAME.test(v)) return true;
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower.replace(/[^a-z0-9]/g, ''))) return true;
  if (/^[0-9]{1,8}$/.test(v) || isSequential(v)) return true;
  return PLACEHOLDER_FRAGMENT.test(lower);
}

/** Words that make a value a demo or development value rather than a generated one (after undoing l33t). */
const DEMO_FRAGMENT = /pass(?:word|wd)?|secret|test|demo|sample|dev(?:elop)?|local|admin|qwerty|letmein|hunter|fake|mock|12345/;

export function hasDemoWords(value: string): boolean {
  const plain = value
    .toLowerCase()
    .replace(/0/g, 'o')
    .replace(/1/g, 'l')
    .replace(/3/g, 'e')
    .replace(/4|@/g, 'a')
    .replace(/5|\$/g, 's')
    .replace(/7/g, 't');
  return DEMO_FRAGMENT.test(plain) || DEMO_FRAGMENT.test(value.toLowerCase());
}

/**
 * Keys that are public by design: Stripe and Clerk publishable keys, Mapbox public tokens,
 * PostHog project keys (`phc_`, sent by every browser), PEM public keys and certificates, SSH
 * public keys.
 */
export function isPublicValue(value: string): boolean {
  return (
    /^pk_(?:live|test)_/.test(value) ||
    /^phc_[A-Za-z0-9]{20,}$/.test(value) ||
    /^pk\.ey/.test(value) ||
    /^-----BEGIN (?:PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY)/.test(value) ||
    /^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d{3}) /.test(value)
  );
}

/** Passwords that every database image and tutorial ships with: development defaults, not secrets. */
const DEFAULT_PASSWORDS = new Set([
  'admin', 'changeit', 'docker', 'guest', 'mongo', 'mysql', 'pass', 'password', 'postgres', 'prisma',
  'rabbit', 'redis', 'root', 'secret', 'test', 'user',
  // Local emulators' documented credentials (MinIO, LocalStack).
  'minioadmin', 'localstack',
]);

export function isDefaultPassword(value: string): boolean {
  return DEFAULT_PASSWORDS.has(value.toLowerCase());
}
