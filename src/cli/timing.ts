import type { ScanPlan } from '../core/engine';
import { relativePath } from '../core/files';
import { printable } from '../reporters/stylish';

const SLOWEST_FILES = 5;

/**
 * `--timing`: the wall time of each phase of the run, then (when files were judged) the time in
 * each rule's code and the slowest files, summed over every thread that judged files.
 */
export function formatTiming(plan: ScanPlan, run: { report: number; total: number; repeated: boolean }, root: string): string {
  const { phases, times } = plan;
  const parts = [`discovery ${ms(phases.discovery)}${listingsNote(plan.folderListings)}`];
  if (phases.answeredBy === 'record') parts.push(`unchanged-tree record ${ms(phases.cache)}`);
  else if (phases.answeredBy === 'lookups') parts.push(`scan cache ${ms(phases.cache)} (${count(plan.hashes?.reads ?? 0, 'file')} read to hash)`);
  const loading = times && times.typescript >= 1 ? ` (loading TypeScript ${ms(times.typescript)})` : '';
  const threads = phases.early
    ? ' in a worker started while the record was checked'
    : phases.threads
      ? ` on ${phases.threads.length} threads (${phases.threads.map((n) => n.toLocaleString('en-US')).join(' + ')})`
      : '';
  if (!run.repeated) parts.push(`judging ${count(phases.judged, 'file')}${threads} ${ms(phases.judging)}${loading}`);
  if (!run.repeated && phases.answeredBy !== 'nothing') parts.push(`writing the cache ${ms(phases.saving)}`);
  parts.push(`${run.repeated ? 'repeating the last output' : 'report'} ${ms(run.report)}`);
  const lines = [`Timing: ${parts.join(', ')}; total ${ms(run.total)} (wall time; Node's start not included).`];
  const rules = [...(times?.rules ?? [])].filter(([, t]) => t > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (rules.length > 0) {
    const sum = rules.reduce((n, [, t]) => n + t, 0);
    const width = Math.max(...rules.map(([id]) => id.length));
    lines.push('Time in each rule (all threads; a rule\'s time includes parsing the modules it reads first):');
    for (const [id, t] of rules) lines.push(`  ${id.padEnd(width)}  ${ms(t).padStart(9)}  ${((100 * t) / sum).toFixed(1).padStart(5)}%`);
  }
  const files = [...(times?.files ?? [])].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, SLOWEST_FILES);
  if (files.length > 0) {
    lines.push('Slowest files (parse and rules):');
    for (const [file, t] of files) lines.push(`  ${printable(relativePath(root, file))}  ${ms(t)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** With `--cache`: whether discovery was the recorded one, a walk of a new tree, or how many folders it listed from the record. */
function listingsNote(listings: ScanPlan['folderListings']): string {
  if (!listings) return '';
  if (listings.how === 'replayed') return ` (recorded, ${count(listings.reused, 'folder')} unchanged)`;
  if (listings.how === 'new tree') return ' (a tree the record was not written in: walked, not recorded)';
  return ` (${count(listings.reused, 'folder')} listed from the record, ${listings.read.toLocaleString('en-US')} read)`;
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

function count(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : `${word}s`}`;
}
