import fs from 'node:fs';
import type { ProjectAnalysis } from '../../core/analysis';
import { discover, isTestFile, type ProjectInfo } from '../../core/project';

const MAX_BYTES = 1024 * 1024;

/**
 * Whether any committed env or config file, or any source file of the project other than tests,
 * mentions an environment variable name (as a whole word). Searched once per project and scan
 * (the engine shares the answer between the files of a project, each taking the files read as
 * its dependencies), and only when a rule needs it.
 */
export function projectMentions(analysis: ProjectAnalysis, project: ProjectInfo, name: string, ignore: string[]): boolean {
  const key = `project-mentions\0${project.root}\0${name}\0${JSON.stringify(ignore)}`;
  const word = new RegExp(`(?<![A-Za-z0-9_])${name}(?![A-Za-z0-9_])`);
  const found = analysis.standalone(key, () => search(project, word, ignore), { keep: () => true, holdsTrees: false });
  // Undefined only while the same search is under way, which it never calls back into.
  return found ?? search(project, word, ignore);
}

function search(project: ProjectInfo, word: RegExp, ignore: string[]): boolean {
  const { files } = discover([project.root], { ignore, ignoreRoot: project.settings?.dir, followSymlinks: false });
  for (const file of files) {
    // Nested apps are projects of their own.
    if (file.project.root !== project.root || isTestFile(file.path, project)) continue;
    try {
      if (fs.statSync(file.path).size > MAX_BYTES) continue;
      if (word.test(fs.readFileSync(file.path, 'utf8'))) return true;
    } catch {
      // unreadable: the scan reports it; it mentions nothing here
    }
  }
  return false;
}
