import { isDefaultPassword, isPlaceholder } from './placeholders';

/**
 * Credentials in the user-info part of a URL: `postgres://app:<password>@db.example.net/app`.
 * Not reported: no password, a placeholder or a well-known default password, or a host that
 * only exists on a developer's machine (`localhost`, loopback addresses, `*.local`, a bare
 * docker-compose service name such as `db`) or in documentation (`example.com`, `.test`). A
 * scheme whose host is an account (`cloudinary://key:secret@cloud-name`) has no such host.
 */
export interface UrlCredential {
  user: string;
  password: string;
  host: string;
  /** Offsets of the password in the scanned text. */
  start: number;
  end: number;
}

const MAX_USERINFO = 512;
const MAX_HOST = 255;

export function findUrlCredential(text: string): UrlCredential | undefined {
  if (!text.includes('@')) return undefined;
  for (let sep = text.indexOf('://'); sep !== -1; sep = text.indexOf('://', sep + 3)) {
    const scheme = schemeBefore(text, sep);
    if (scheme === undefined) continue;
    const found = credentialAfter(text, sep + 3);
    if (found && isReportable(found, scheme)) return found;
  }
  return undefined;
}

/** `postgres://`, `https://`, `mongodb+srv://`: letters, then letters, digits, `+`, `-`, `.`. */
function schemeBefore(text: string, sep: number): string | undefined {
  let i = sep - 1;
  while (i >= 0 && sep - i <= 32 && /[A-Za-z0-9+.-]/.test(text[i])) i--;
  return i < sep - 1 && /[A-Za-z]/.test(text[i + 1]) ? text.slice(i + 1, sep).toLowerCase() : undefined;
}

/** Schemes whose host part is an account name, not a machine: `cloudinary://key:secret@cloud-name`. */
const ACCOUNT_SCHEMES: ReadonlySet<string> = new Set(['cloudinary']);

function credentialAfter(text: string, from: number): UrlCredential | undefined {
  const limit = Math.min(text.length, from + MAX_USERINFO);
  let at = -1;
  let colon = -1;
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (c === '/' || c === '?' || c === '#' || c === '"' || c === "'" || c === '`' || c <= ' ') break;
    if (c === '@') at = i;
    else if (c === ':' && colon === -1) colon = i;
  }
  if (at === -1 || colon === -1 || colon > at) return undefined;
  const hostEnd = hostEndAt(text, at + 1);
  return {
    user: text.slice(from, colon),
    password: text.slice(colon + 1, at),
    host: text.slice(at + 1, hostEnd).toLowerCase(),
    start: colon + 1,
    end: at,
  };
}

function hostEndAt(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_HOST);
  let i = from;
  while (i < limit && /[A-Za-z0-9.\-[\]_]/.test(text[i])) {
    // `[::1]` keeps its colons; a colon after a name starts the port.
    if (text[i] === '[') {
      const close = text.indexOf(']', i);
      if (close === -1 || close >= limit) return i;
      i = close + 1;
      continue;
    }
    i++;
  }
  return i;
}

function isReportable(found: UrlCredential, scheme: string): boolean {
  const { user, password, host } = found;
  if (password.length < 4 || isPlaceholder(password) || password === user) return false;
  if (isDefaultPassword(password)) return false;
  if (/^[$%:{<[*]/.test(password)) return false;
  return ACCOUNT_SCHEMES.has(scheme) || !isDevelopmentHost(host);
}

export function isDevelopmentHost(host: string): boolean {
  if (host === '') return false;
  if (host === 'localhost' || host === '0.0.0.0' || host === '[::1]' || host === 'host.docker.internal') return true;
  if (/^127\./.test(host)) return true;
  // A single label is a docker-compose service or a hosts-file alias (`db`, `postgres`).
  if (!host.includes('.') && !host.startsWith('[')) return true;
  if (/\.(?:local|localhost|test|example|invalid)$/.test(host)) return true;
  return /(?:^|\.)example\.(?:com|org|net)$/.test(host);
}
