import fs from 'node:fs';
import path from 'node:path';
import type { ProjectAnalysis } from '../../core/analysis';
import type { ProjectInfo } from '../../core/project';
import { discover } from '../../core/project';
import { isTestPath } from '../../core/files';

const MAX_BYTES = 1024 * 1024;

/** Per analysis (one scan, or one ESLint generation), per project root. */
const memo = new WeakMap<ProjectAnalysis, Map<string, boolean>>();

/**
 * Whether any committed env or config file, or any source file of the project other than tests,
 * mentions an environment variable name (as a whole word). Read once per project and scan, and
 * only when a rule needs it.
 */
export function projectMentions(analysis: ProjectAnalysis, project: ProjectInfo, name: string, ignore: string[]): boolean {
  let byRoot = memo.get(analysis);
  if (!byRoot) {
    byRoot = new Map();
    memo.set(analysis, byRoot);
  }
  const key = `${project.root}\0${name}`;
  const cached = byRoot.get(key);
  if (cached !== undefined) return cached;
  const found = search(project, new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`), ignore);
  byRoot.set(key, found);
  return found;
}

function search(project: ProjectInfo, word: RegExp, ignore: string[]): boolean {
  const { files } = discover([project.root], { ignore, followSymlinks: false });
  for (const file of files) {
    // Nested apps are projects of their own.
    if (file.project.root !== project.root || isTestPath(path.relative(project.root, file.path))) continue;
    try {
      if (fs.statSync(file.path).size > MAX_BYTES) continue;
      if (word.test(fs.readFileSync(file.path, 'utf8'))) return true;
    } catch {
      // unreadable: the scan reports it; it mentions nothing here
    }
  }
  return false;
}
