import type { Level } from '../../core/types';
import { charClasses, classCount, DIGIT, LOWER, shannonEntropy, UPPER, isWordLike } from './entropy';
import { credentialKind, nameWords, namesNonSecret } from './names';
import { findKnownSecret, isAwsSecretShape, type PatternHints } from './patterns';
import { hasDemoWords, isDefaultPassword, isPlaceholder, isPublicValue } from './placeholders';
import { findUrlCredential } from './urls';

/** Why a value is taken for a secret: what kind it is, how sure we are, and the secret itself. */
export interface Verdict {
  kind: string;
  level: Level;
  /** The exact secret (a token inside a longer string, a URL's password): hashed, never printed. */
  secret: string;
}

export interface ValueHints extends PatternHints {
  /** A sibling value is an AWS access key ID, so a 40-character key beside it is its secret. */
  awsKeyIdNearby?: boolean;
  /** The value sits in a Firebase web config, whose `apiKey` is public by design. */
  firebaseConfig?: boolean;
}

/** Longer values are data (images, bundles, docs), not credentials, unless a known format says so. */
const MAX_GENERIC_LENGTH = 1000;

/**
 * Whether a value looks generated rather than written by a person: long enough, no spaces,
 * letters and digits, no placeholder or demo words, not made of words, with enough entropy.
 */
export function looksGenerated(value: string): boolean {
  if (value.length < 8 || value.length > MAX_GENERIC_LENGTH || /\s/.test(value)) return false;
  if (isPlaceholder(value) || hasDemoWords(value) || isWordLike(value)) return false;
  if (value.includes('://') || /^(?:\.{1,2}\/|~\/)/.test(value)) return false;
  if (/^[^@]{1,64}@[^@]{1,255}\.[A-Za-z]{2,24}$/.test(value)) return false;
  if (/^(?:sha1|sha256|sha384|sha512|md5)-/.test(value)) return false;
  if (/^[A-Z][A-Z0-9]{0,64}_[A-Z0-9_]{0,64}$/.test(value)) return false;
  const classes = charClasses(value);
  if (!(classes & (LOWER | UPPER))) return false;
  const entropy = shannonEntropy(value);
  if (!(classes & DIGIT)) {
    // Without digits only mixed-case, high-entropy values pass (`NcswptIbWFgh`); shorter ones are words.
    const mixedCase = (classes & LOWER) !== 0 && (classes & UPPER) !== 0;
    return mixedCase && value.length >= 12 && entropy >= (value.length >= 20 ? 3.8 : 3.3);
  }
  if (value.length < 16) return classCount(classes) >= 3 && entropy >= 2.75;
  return entropy >= 3;
}

/** Generated beyond doubt: long, mixed case with digits, high entropy (used without a credential name). */
export function looksStronglyGenerated(value: string): boolean {
  const classes = charClasses(value);
  return (
    value.length >= 20 &&
    (classes & (LOWER | UPPER | DIGIT)) === (LOWER | UPPER | DIGIT) &&
    looksGenerated(value) &&
    shannonEntropy(value) >= 4
  );
}

/** A known format or a URL password anywhere in the value. */
export function classifyUnnamed(value: string, hints: ValueHints): Verdict | undefined {
  const known = findKnownSecret(value, hints);
  // A Google key in a Firebase web config or under a public name (`NEXT_PUBLIC_FIREBASE_API_KEY`) ships to browsers.
  if (known && !(known.patternId === 'google-api-key' && (hints.firebaseConfig || (hints.name !== undefined && namesNonSecret(hints.name))))) {
    return { kind: known.label, level: known.level, secret: known.token };
  }
  const url = findUrlCredential(value);
  if (url) return { kind: 'password in a URL', level: 'error', secret: url.password };
  return undefined;
}

/** A value assigned to a name (variable, property, env key): formats first, then what the name says. */
export function classifyNamed(value: string, name: string, hints: ValueHints): Verdict | undefined {
  if (hints.firebaseConfig && findKnownSecret(value)?.patternId === 'google-api-key') return undefined;
  const lowerName = name.toLowerCase();
  const unnamed = classifyUnnamed(value, { ...hints, name: lowerName });
  if (unnamed) return unnamed;
  if (isAwsSecretShape(value) && !isPlaceholder(value) && (hints.awsKeyIdNearby || isAwsSecretName(name))) {
    return { kind: 'AWS secret access key', level: 'error', secret: value };
  }
  const kind = credentialKind(name);
  if (!kind || isPublicValue(value) || !looksGenerated(value)) return undefined;
  return { kind, level: 'warning', secret: value };
}

function isAwsSecretName(name: string): boolean {
  const words = nameWords(name);
  return words.includes('aws') ? credentialKind(name) !== undefined : words.join('') === 'secretaccesskey';
}

/**
 * The fallback of `process.env.X || '...'`. Reported when it looks real, or when `X` names a
 * credential and the fallback is anything but a placeholder: a weak default key is a hardcoded key.
 */
export function classifyFallback(value: string, envName: string, hints: ValueHints): Verdict | undefined {
  const unnamed = classifyUnnamed(value, { ...hints, name: envName.toLowerCase() });
  if (unnamed) return unnamed;
  const kind = credentialKind(envName);
  if (kind) {
    if (value.length < 6 || /\s/.test(value) || isPlaceholder(value) || isDefaultPassword(value) || isPublicValue(value) || isFilePath(value)) return undefined;
    return { kind, level: 'warning', secret: value };
  }
  return looksStronglyGenerated(value) && !namesNonSecret(envName) ? { kind: 'secret', level: 'warning', secret: value } : undefined;
}

/**
 * `./service-account.json`, `/etc/secrets/key.pem`, `certs/client.key`: where a credential is kept,
 * the usual default of `GOOGLE_APPLICATION_CREDENTIALS` or `*_KEY_PATH`, not the credential.
 */
function isFilePath(value: string): boolean {
  if (/^file:\/\/[\w.@/~-]+$/.test(value)) return true;
  if (!/^[\w.@/~-]+$/.test(value)) return false;
  return /^(?:\.{1,2}\/|\/|~\/)/.test(value) || /\.(?:json|pem|key|crt|cer|p12|pfx|jks|keystore|ya?ml|txt)$/.test(value);
}

const AUTH_SCHEME = /^(Bearer|Basic|Token|Bot|Digest|ApiKey)[ ]{1,8}(\S{1,4096})$/i;

/** The value of an `Authorization` header: `Bearer <token>`, `Basic <base64 user:password>`. */
export function classifyAuthorization(value: string, hints: ValueHints): Verdict | undefined {
  const match = AUTH_SCHEME.exec(value.trim());
  if (!match) return classifyNamed(value, 'authToken', hints);
  const scheme = match[1];
  const credential = match[2];
  const known = classifyUnnamed(credential, hints);
  if (known) return known;
  if (/^basic$/i.test(scheme)) {
    return isRealBasicCredential(credential) ? { kind: 'Basic credential', level: 'error', secret: credential } : undefined;
  }
  if (credential.length < 8 || isPlaceholder(credential) || !looksGenerated(credential)) return undefined;
  return { kind: `${capitalise(scheme)} token`, level: 'error', secret: credential };
}

/** `Basic dXNlcjpwYXNz` decodes to `user:pass`; placeholders and default passwords are not real. */
function isRealBasicCredential(encoded: string): boolean {
  if (!/^[A-Za-z0-9+/]{8,4096}={0,2}$/.test(encoded)) return false;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1 || /[\u0000-\u001f\ufffd]/.test(decoded)) return false;
  const password = decoded.slice(colon + 1);
  return password.length >= 6 && !isPlaceholder(password) && !hasDemoWords(password);
}

function capitalise(word: string): string {
  return word[0].toUpperCase() + word.slice(1).toLowerCase();
}
