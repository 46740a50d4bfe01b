/**
 * Whether a variable or property name says its value is a credential: `token`, `accessToken`,
 * `resetToken`, `user.password`, `apiKey`, `clientSecret`, `jwt`. Names about a credential
 * rather than holding one (`tokenType`, `passwordResetUrl`, `hasToken`, `hashedPassword`,
 * `nextPageToken`, `csrfToken`) are not.
 */
export function namesCredential(name: string): boolean {
  const words = splitWords(name);
  if (words.length === 0 || words.length > 6) return false;
  const last = words[words.length - 1];
  const before = words[words.length - 2];
  if (NOT_HOLDING.has(words[0]) || (before !== undefined && NOT_CREDENTIAL_BEFORE.has(before))) return false;
  if (CREDENTIAL_NOUNS.has(last)) return true;
  return (last === 'key' || last === 'keys') && before !== undefined && KEY_QUALIFIERS.has(before);
}

const CREDENTIAL_NOUNS = new Set([
  'password', 'passwords', 'passwd', 'pwd', 'passphrase', 'secret', 'secrets', 'token', 'tokens', 'jwt',
  'credential', 'credentials', 'creds', 'apikey',
]);

const KEY_QUALIFIERS = new Set(['api', 'private', 'secret', 'signing', 'access', 'session', 'encryption', 'master']);

/** First words of predicates and counters: `hasToken`, `isPasswordValid`, `numTokens`. */
const NOT_HOLDING = new Set(['has', 'is', 'should', 'can', 'no', 'num', 'max', 'min', 'show', 'validate', 'check']);

/** Words before the noun that make it a pointer, a digest or a public value. */
const NOT_CREDENTIAL_BEFORE = new Set([
  'next', 'prev', 'previous', 'page', 'pagination', 'cursor', 'continuation', 'sync', 'csrf', 'xsrf', 'hashed', 'hash',
  'masked', 'redacted', 'public', 'publishable', 'encrypted',
]);

/** `x-api-key`, `API_KEY`, `apiKey` and `APIKey` all give `api`, `key`. */
function splitWords(name: string): string[] {
  const out: string[] = [];
  for (const part of name.slice(0, 96).split(/[^A-Za-z0-9]+/)) {
    for (const piece of part.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)) {
      const word = withoutTrailingDigits(piece.toLowerCase());
      if (word) out.push(word);
    }
  }
  return out;
}

function withoutTrailingDigits(word: string): string {
  let end = word.length;
  while (end > 0 && word.charCodeAt(end - 1) >= 48 && word.charCodeAt(end - 1) <= 57) end--;
  return word.slice(0, end);
}
