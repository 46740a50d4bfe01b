/** JSON with comments and trailing commas, as tsconfig and wrangler.jsonc allow. */

/** The parsed value, or undefined when the text is not JSON even without comments and trailing commas. */
export function parseJsonc(text: string): unknown {
  try {
    // Most configs are plain JSON; stripping comments character by character is for the rest.
    return JSON.parse(text);
  } catch {
    // not plain JSON: comments or trailing commas, perhaps
  }
  try {
    return JSON.parse(stripJsonComments(text));
  } catch {
    return undefined;
  }
}

/** Comments and trailing commas stripped, outside strings. */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i++;
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
