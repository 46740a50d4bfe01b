/**
 * A secret's shape without its value: at most its first four characters, then its length.
 * Values shorter than 12 characters show nothing but their length, and values shorter than 20
 * show two characters, so a short password is never half printed.
 */
export function maskSecret(value: string): string {
  const length = value.length;
  const shown = length >= 20 ? 4 : length >= 12 ? 2 : 0;
  const prefix = printablePrefix(value, shown);
  return prefix === '' ? `${length} chars` : `${prefix}…(${length} chars)`;
}

/** The first `count` characters, cut at the first one that would garble a one-line message. */
function printablePrefix(value: string, count: number): string {
  let end = 0;
  while (end < count && end < value.length) {
    const c = value.charCodeAt(end);
    // Printable ASCII except the backtick, which would break the message's code spans.
    if (c < 0x21 || c > 0x7e || c === 0x60) break;
    end++;
  }
  return value.slice(0, end);
}
