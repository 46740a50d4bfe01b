/**
 * Minimal glob matching for ignore patterns: `**` crosses folders, `*` and `?` do not.
 * A pattern without a slash matches a name at any depth, as in .gitignore. Compiled once to
 * regular expressions with no nested quantifiers, so matching is linear in the path length.
 */
export function compileGlobs(patterns: string[]): (relPath: string) => boolean {
  const regexes = patterns.map(globToRegExp);
  return (relPath) => regexes.some((re) => re.test(relPath));
}

export function globToRegExp(pattern: string): RegExp {
  let p = pattern.trim().replace(/^\.\//, '');
  const anchored = p.includes('/') && !p.startsWith('**/');
  if (p.endsWith('/')) p += '**';
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '*' && p[i + 1] === '*') {
      const slashAfter = p[i + 2] === '/';
      re += slashAfter ? '(?:[^/]*/)*' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  // A pattern naming a folder also covers everything under it.
  return new RegExp(`${anchored ? '^' : '(?:^|/)'}${re}(?:/.*)?$`);
}
