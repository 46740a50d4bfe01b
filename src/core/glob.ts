/**
 * Glob matching for ignore patterns and public-function lists: `**` crosses folders, `*` and `?`
 * do not. A pattern without a slash matches a name at any depth, as in .gitignore, and a pattern
 * naming a folder covers everything under it.
 *
 * Patterns come from config files in the scanned tree, so they are matched without regular
 * expressions: segments by dynamic programming, names by the two-pointer wildcard walk. Time is
 * bounded by pattern length × path length, whatever the pattern.
 */
export type GlobMatcher = (relPath: string) => boolean;

const ANY_DEPTH = '**';

export function compileGlobs(patterns: string[]): GlobMatcher {
  const compiled = patterns.map(compileGlob);
  return (relPath) => {
    if (compiled.length === 0) return false;
    const segments = relPath.split('/').filter(Boolean);
    return compiled.some((segs) => matchSegments(segs, segments));
  };
}

/** Pattern segments, with `**` added in front (unanchored names) and behind (folder contents). */
function compileGlob(pattern: string): string[] {
  // A trailing slash only says "a folder"; like .gitignore, only an inner slash anchors to the root.
  const p = trimTrailingSlashes(pattern.trim().replace(/^\.\//, ''));
  const anchored = p.includes('/') && !p.startsWith('**/');
  const segments = p.split('/').filter(Boolean);
  return collapse([...(anchored ? [] : [ANY_DEPTH]), ...segments, ANY_DEPTH]);
}

function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '/') end--;
  return text.slice(0, end);
}

/** `**` next to `**` means nothing more. */
function collapse(segments: string[]): string[] {
  return segments.filter((s, i) => !(s === ANY_DEPTH && segments[i - 1] === ANY_DEPTH));
}

function matchSegments(pattern: string[], path: string[]): boolean {
  // reachable[j]: the pattern prefix seen so far can end right before path segment j.
  let reachable = new Array<boolean>(path.length + 1).fill(false);
  reachable[0] = true;
  for (const seg of pattern) {
    const next = new Array<boolean>(path.length + 1).fill(false);
    if (seg === ANY_DEPTH) {
      let any = false;
      for (let j = 0; j <= path.length; j++) {
        any ||= reachable[j];
        next[j] = any;
      }
    } else {
      for (let j = 0; j < path.length; j++) {
        if (reachable[j] && matchName(seg, path[j])) next[j + 1] = true;
      }
    }
    reachable = next;
  }
  return reachable[path.length];
}

/** `*` and `?` within one name, by the greedy walk with one backtrack point: O(pattern × name). */
export function matchName(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let resume = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n]) && pattern[p] !== '*') {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resume = n;
    } else if (star !== -1) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
