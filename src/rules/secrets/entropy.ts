/** Randomness measures for candidate secret values. Every function here is one linear pass. */

const asciiCounts = new Uint32Array(128);

/** Shannon entropy in bits per character (UTF-16 code units). */
export function shannonEntropy(value: string): number {
  const length = value.length;
  if (length === 0) return 0;
  asciiCounts.fill(0);
  let other: Map<number, number> | undefined;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) asciiCounts[c]++;
    else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let bits = 0;
  const add = (count: number): void => {
    if (count === 0) return;
    const p = count / length;
    bits -= p * Math.log2(p);
  };
  asciiCounts.forEach(add);
  other?.forEach(add);
  return bits;
}

export const LOWER = 1;
export const UPPER = 2;
export const DIGIT = 4;
export const SYMBOL = 8;

/** Bit set of the character classes present (LOWER, UPPER, DIGIT, SYMBOL). */
export function charClasses(value: string): number {
  let classes = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) classes |= LOWER;
    else if (c >= 65 && c <= 90) classes |= UPPER;
    else if (c >= 48 && c <= 57) classes |= DIGIT;
    else classes |= SYMBOL;
  }
  return classes;
}

export function classCount(classes: number): number {
  return (classes & 1) + ((classes >> 1) & 1) + ((classes >> 2) & 1) + ((classes >> 3) & 1);
}

/** `xxxxxxxx`, `********`, `0000`: one character repeated (separators ignored). */
export function isOneRepeatedChar(value: string): boolean {
  let first = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46) continue; // - _ .
    if (first === -1) first = c;
    else if (c !== first) return false;
  }
  return first !== -1;
}

/** `1234567890`, `abcdefgh`, `0123456789abcdef`: mostly runs of consecutive characters. */
export function isSequential(value: string): boolean {
  if (value.length < 4) return false;
  let steps = 0;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if (d === 1 || d === -1) steps++;
  }
  return steps >= 0.6 * (value.length - 1);
}

/**
 * Made of words, not random: every separator-delimited part is a run of letters of one case or
 * a short number (`rw-auth-token-v2`, `us-east-1`, `text-gray-500`, `auth.password.label`), or
 * the whole value is a camelCase or PascalCase identifier (`hashedPassword`, `XMLHttpRequest`).
 */
export function isWordLike(value: string): boolean {
  if (isCamelCaseWords(value) || isAcronymWords(value)) return true;
  const parts = value.split(/[-_.:/ ]/);
  if (parts.length < 2) return false;
  return parts.every((part) => /^(?:[a-z]{0,16}|[A-Z]{0,16}|[A-Z][a-z]{1,15}|[0-9]{1,4}|[a-z][0-9]{1,2})$/.test(part));
}

/** `hashedPassword`, `ResetTokenExpiresAt2`: words of one capital and lower-case letters, optional short number. */
function isCamelCaseWords(value: string): boolean {
  const digits = /[0-9]{0,3}$/.exec(value)?.[0].length ?? 0;
  const letters = value.length - digits;
  if (letters < 2 || !(isLower(value.charCodeAt(0)) || isUpper(value.charCodeAt(0)))) return false;
  let capitals = 0;
  for (let i = 1; i < letters; i++) {
    const c = value.charCodeAt(i);
    if (isUpper(c)) {
      if (isUpper(value.charCodeAt(i - 1))) return false;
      capitals++;
    } else if (!isLower(c)) {
      return false;
    }
  }
  return capitals > 0 && isLower(value.charCodeAt(letters - 1));
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** `XMLHttpRequest`, `OAuthBearerToken`: letters only, every case-delimited piece three letters or more. */
function isAcronymWords(value: string): boolean {
  if (!/^[A-Za-z]{1,200}$/.test(value)) return false;
  return value.split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/).every((piece) => piece.length >= 3);
}
