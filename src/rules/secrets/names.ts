/**
 * What a name says about the value it holds. `STRIPE_SECRET_KEY`, `apiKey`, `x-api-key`,
 * `clientSecret` name credentials; `hashedPassword`, `passwordLabel`, `tokenType`,
 * `publishableKey`, `resetToken` do not.
 */

/** Any of these words anywhere in a name means the value is not a usable secret. */
const NOT_SECRET_ANYWHERE = new Set([
  'anon', 'csrf', 'dummy', 'encrypted', 'example', 'fake', 'hash', 'hashed', 'mock', 'placeholder',
  'pub', 'public', 'publishable', 'salt', 'salted', 'sample', 'test', 'xsrf',
]);

/** These words right before the final noun make it a pointer or a one-time value, not a credential. */
const NOT_SECRET_BEFORE_NOUN = new Set([
  'cancel', 'cancellation', 'continuation', 'cursor', 'next', 'page', 'pagination', 'reset', 'sync',
]);

/** `<qualifier>Key` is a credential; a bare `key` (React, i18n, cache) is not. */
const KEY_QUALIFIERS = new Set([
  'access', 'account', 'admin', 'aes', 'api', 'auth', 'cipher', 'cookie', 'crypto', 'encrypt',
  'encryption', 'hmac', 'jwt', 'license', 'master', 'private', 'secret', 'service', 'session',
  'shared', 'sign', 'signing', 'webhook', 'write',
]);

/** `DB_PASS`, `SMTP_PASS`: `pass` only names a password after one of these. */
const PASS_OWNERS = new Set([
  'admin', 'amqp', 'auth', 'basic', 'database', 'db', 'email', 'ftp', 'ldap', 'mail', 'mongo',
  'mysql', 'pg', 'postgres', 'rabbit', 'redis', 'root', 'sftp', 'smtp', 'ssh', 'user',
]);

const NOUNS = ['password', 'passwd', 'passphrase', 'secret', 'token'];

/** Lower-case words of an identifier, header or env name: `x-api-key` and `APIKey` give `api`, `key`. */
export function nameWords(name: string): string[] {
  const words: string[] = [];
  for (const part of name.slice(0, 128).split(/[^A-Za-z0-9]+/)) {
    for (const piece of part.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)) {
      const word = piece.toLowerCase().replace(/[0-9]+$/, '');
      if (word) words.push(...splitCompound(word));
    }
  }
  return words;
}

/** `apikey` -> `api`, `key`; `clientsecret` -> `client`, `secret`; `authtoken` -> `auth`, `token`. */
function splitCompound(word: string): string[] {
  for (const noun of NOUNS) {
    if (word.length > noun.length && word.endsWith(noun)) return [word.slice(0, -noun.length), noun];
  }
  if (word.length > 3 && word.endsWith('key') && KEY_QUALIFIERS.has(word.slice(0, -3))) return [word.slice(0, -3), 'key'];
  return [word];
}

/**
 * The kind of credential a name announces (`password`, `secret`, `token`, `API key`...), or
 * undefined. The last word decides: `tokenType` and `secretName` are not credentials.
 */
export function credentialKind(name: string): string | undefined {
  const words = nameWords(name);
  if (words.length === 0 || words.length > 8) return undefined;
  if (words.some((w) => NOT_SECRET_ANYWHERE.has(w))) return undefined;
  // Search-only keys (Algolia, Typesense) ship to browsers; admin and write keys do not.
  if (words.includes('search') && !words.some((w) => w === 'admin' || w === 'write')) return undefined;
  const last = words[words.length - 1];
  const before = words.slice(0, -1);
  if (before.length > 0 && NOT_SECRET_BEFORE_NOUN.has(before[before.length - 1])) return undefined;
  switch (last) {
    case 'password':
    case 'passwd':
    case 'pwd':
    case 'passphrase':
      return 'password';
    case 'pass':
      return before.some((w) => PASS_OWNERS.has(w)) ? 'password' : undefined;
    case 'secret':
      return 'secret';
    case 'token':
      return 'token';
    case 'key':
      if (before.includes('api')) return 'API key';
      if (before.includes('private')) return 'private key';
      return before.some((w) => KEY_QUALIFIERS.has(w)) ? 'secret key' : undefined;
    case 'credential':
    case 'credentials':
    case 'creds':
      return 'credential';
    default:
      return undefined;
  }
}

/**
 * Names that say the value is public or a fake (`SUPABASE_ANON_KEY`, `NEXT_PUBLIC_…`,
 * `RECAPTCHA_SITE_KEY`, `MOCK_TOKEN`): only a known secret format is reported under them.
 */
export function namesNonSecret(name: string): boolean {
  const words = nameWords(name);
  return words.some((w) => NOT_SECRET_ANYWHERE.has(w)) || (words.includes('site') && words[words.length - 1] === 'key');
}

/** `authorization`, `Proxy-Authorization`: header names whose value is a credential. */
export function isAuthorizationName(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'authorization' || lower === 'proxy-authorization';
}

/** The environment variable a value should come from: `apiKey` -> `API_KEY`, `x-api-key` -> `X_API_KEY`. */
export function envNameFor(name: string): string {
  const last = name.split('.').pop() ?? name;
  const words: string[] = [];
  for (const part of last.split(/[^A-Za-z0-9]+/)) {
    for (const piece of part.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)) {
      if (piece) words.push(piece.toUpperCase());
    }
  }
  return words.join('_') || 'SECRET';
}

/** Names that can appear in a message: identifiers, dotted paths and header names, never a value. */
export function isDisplayableName(name: string): boolean {
  return /^[A-Za-z_$][\w$.-]{0,63}$/.test(name);
}
