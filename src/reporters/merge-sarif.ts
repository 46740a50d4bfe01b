import type * as Sarif from 'sarif';
import { MAX_RESULTS_PER_RUN } from './sarif';

/**
 * `fnscan merge-sarif`: joins the SARIF of `--shard i/n` scans into the one run an unsharded scan
 * writes: rules deduplicated (first seen first) with every `ruleIndex` recomputed, results in the
 * scan's order (file, line, column, rule, message), skipped-file notifications in file order,
 * and `executionSuccessful` only if every shard's was. Each shard holds whole files, so results
 * of one file never need interleaving with another shard's.
 */
export class MergeError extends Error {}

const LEVEL_RANK: Record<string, number> = { error: 3, warning: 2, note: 1 };

/** `inputs` are the SARIF texts with names for error messages. */
export function mergeSarif(inputs: ReadonlyArray<{ name: string; text: string }>): string {
  if (inputs.length === 0) throw new MergeError('merge-sarif needs at least one SARIF file.');
  const logs = inputs.map(({ name, text }) => parseLog(name, text));
  const runs = logs.map((log) => log.runs[0]);
  const first = runs[0];
  for (const [i, run] of runs.entries()) checkSameTool(first, run, inputs[i].name);

  const rules = mergeRules(runs);
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const results = runs.flatMap((run) => run.results ?? []);
  for (const result of results) {
    if ('ruleIndex' in result && result.ruleId !== undefined) result.ruleIndex = ruleIndex.get(result.ruleId);
  }
  const ordered = results
    .map((result, order) => ({ result, key: resultKey(result), order }))
    .sort((a, b) => compareKeys(a.key, b.key) || a.order - b.order)
    .map((r) => r.result);
  const kept = limited(ordered, rules);

  const invocations = runs.map((run) => run.invocations?.[0]);
  const notifications = mergeNotifications(invocations.flatMap((inv) => inv?.toolExecutionNotifications ?? []));
  if (kept.length < ordered.length) {
    notifications.push({
      level: 'warning',
      message: {
        text: `fnscan found ${ordered.length} results, more than the ${MAX_RESULTS_PER_RUN} GitHub accepts in one run; only the ${kept.length} most severe are included.`,
      },
    });
  }

  const run = first;
  run.tool.driver.rules = rules;
  if (run.invocations?.[0]) {
    run.invocations = [
      {
        ...run.invocations[0],
        executionSuccessful: invocations.every((inv) => inv?.executionSuccessful !== false),
        toolExecutionNotifications: notifications,
      },
    ];
  }
  run.results = kept;
  const log: Sarif.Log = { ...logs[0], runs: [run] };
  return `${JSON.stringify(log)}\n`;
}

function parseLog(name: string, text: string): Sarif.Log {
  let log: Sarif.Log;
  try {
    log = JSON.parse(text) as Sarif.Log;
  } catch {
    throw new MergeError(`\`${name}\` is not valid JSON.`);
  }
  if (typeof log !== 'object' || log === null || log.version !== '2.1.0' || !Array.isArray(log.runs)) {
    throw new MergeError(`\`${name}\` is not a SARIF 2.1.0 log.`);
  }
  if (log.runs.length !== 1 || typeof log.runs[0]?.tool?.driver?.name !== 'string') {
    throw new MergeError(`\`${name}\` must hold exactly one run, as \`fnscan --format sarif\` writes.`);
  }
  return log;
}

function checkSameTool(first: Sarif.Run, run: Sarif.Run, name: string): void {
  const same =
    run.tool.driver.name === first.tool.driver.name &&
    run.tool.driver.version === first.tool.driver.version &&
    run.automationDetails?.id === first.automationDetails?.id;
  if (!same) {
    throw new MergeError(`\`${name}\` comes from another tool, version or category than the first file; shards must be scanned alike.`);
  }
}

function mergeRules(runs: Sarif.Run[]): Sarif.ReportingDescriptor[] {
  const byId = new Map<string, Sarif.ReportingDescriptor>();
  for (const run of runs) {
    for (const rule of run.tool.driver.rules ?? []) if (!byId.has(rule.id)) byId.set(rule.id, rule);
  }
  return [...byId.values()];
}

type Key = [string, number, number, string, string];

/** The scan's own order: file (the URI, decoded), line, column, rule, message. */
function resultKey(result: Sarif.Result): Key {
  const location = result.locations?.[0]?.physicalLocation;
  return [
    decodeUri(location?.artifactLocation?.uri ?? ''),
    location?.region?.startLine ?? 0,
    location?.region?.startColumn ?? 0,
    result.ruleId ?? '',
    result.message.text ?? '',
  ];
}

function compareKeys(a: Key, b: Key): number {
  return compare(a[0], b[0]) || a[1] - b[1] || a[2] - b[2] || compare(a[3], b[3]) || compare(a[4], b[4]);
}

/** Skipped-file notices in file order (as the scan lists skipped files), other notices after them. */
function mergeNotifications(all: Sarif.Notification[]): Sarif.Notification[] {
  const uriOf = (n: Sarif.Notification): string | undefined => n.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
  const aboutFiles = all
    .filter((n) => uriOf(n) !== undefined)
    .map((n, order) => ({ n, uri: decodeUri(uriOf(n)!), order }))
    .sort((a, b) => compare(a.uri, b.uri) || a.order - b.order)
    .map((x) => x.n);
  const other = all.filter((n) => uriOf(n) === undefined && !/^fnscan found \d+ results, more than/.test(n.message.text ?? ''));
  return [...aboutFiles, ...other];
}

/** GitHub's limit, applied as the SARIF writer does: the most severe results, in scan order. */
function limited(results: Sarif.Result[], rules: Sarif.ReportingDescriptor[]): Sarif.Result[] {
  if (results.length <= MAX_RESULTS_PER_RUN) return results;
  const severity = new Map(rules.map((r) => [r.id, Number(r.properties?.['security-severity'] ?? 0)]));
  return results
    .map((result, order) => ({ result, order }))
    .sort(
      (a, b) =>
        (LEVEL_RANK[b.result.level ?? 'warning'] ?? 0) - (LEVEL_RANK[a.result.level ?? 'warning'] ?? 0) ||
        (severity.get(b.result.ruleId ?? '') ?? 0) - (severity.get(a.result.ruleId ?? '') ?? 0) ||
        a.order - b.order,
    )
    .slice(0, MAX_RESULTS_PER_RUN)
    .sort((a, b) => a.order - b.order)
    .map((r) => r.result);
}

function decodeUri(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
