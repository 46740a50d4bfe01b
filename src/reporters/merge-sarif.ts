import type * as Sarif from 'sarif';
import { parseShard, type Shard } from '../core/shard';
import { MAX_RESULTS_PER_RUN, SHARD_PROPERTY } from './sarif';

/**
 * `fnscan merge-sarif`: joins the SARIF of `--shard i/n` scans into the one run an unsharded scan
 * writes: rules deduplicated (first seen first) with every `ruleIndex` recomputed, results in the
 * scan's order (file, line, column, rule, message), skipped-file notifications in file order,
 * and `executionSuccessful` only if every shard's was. Each shard holds whole files, so results
 * of one file never need interleaving with another shard's.
 *
 * The shards must be one whole scan: every slice of `--shard i/n` exactly once. A merge that
 * silently lacked a shard would make code scanning close the alerts of that shard's files.
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
  checkShards(runs, inputs.map((input) => input.name));

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
  if (run.properties) {
    delete run.properties[SHARD_PROPERTY];
    if (Object.keys(run.properties).length === 0) delete run.properties;
  }
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

/**
 * Shards of one scan: all from `--shard` scans into the same number of slices, each slice exactly
 * once. Runs without the property (fnscan before it, scans of different paths) are joined as
 * given, but not mixed with shards.
 */
function checkShards(runs: Sarif.Run[], names: string[]): void {
  const slices = runs.map((run, i) => sliceOf(run, names[i]));
  const sharded = slices.findIndex((s) => s !== undefined);
  if (sharded < 0) return;
  const plain = slices.findIndex((s) => s === undefined);
  if (plain >= 0) {
    throw new MergeError(`\`${names[plain]}\` is not from a --shard scan but \`${names[sharded]}\` is; merge the shards of one scan.`);
  }
  const shards = slices as Shard[];
  const { count } = shards[0];
  const seen = new Map<number, string>();
  for (const [i, shard] of shards.entries()) {
    if (shard.count !== count) {
      throw new MergeError(`\`${names[i]}\` is shard ${shard.index}/${shard.count}, but \`${names[0]}\` is one of ${count}; merge the shards of one scan.`);
    }
    const other = seen.get(shard.index);
    if (other !== undefined) throw new MergeError(`Shard ${shard.index}/${count} is given twice: \`${other}\` and \`${names[i]}\`.`);
    seen.set(shard.index, names[i]);
  }
  const missing = Array.from({ length: count }, (_, i) => `${i + 1}/${count}`).filter((_, i) => !seen.has(i + 1));
  if (missing.length === 1) {
    throw new MergeError(`Shard ${missing[0]} is missing: without it, code scanning would close the alerts in its files.`);
  }
  if (missing.length > 1) {
    throw new MergeError(`Shards ${missing.join(', ')} are missing: without them, code scanning would close the alerts in their files.`);
  }
}

function sliceOf(run: Sarif.Run, name: string): Shard | undefined {
  const value: unknown = run.properties?.[SHARD_PROPERTY];
  if (value === undefined) return undefined;
  try {
    if (typeof value === 'string') return parseShard(value);
  } catch {
    // not i/n: said below
  }
  throw new MergeError(`\`${name}\` names its shard as ${JSON.stringify(value).slice(0, 40)}, not i/n.`);
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
