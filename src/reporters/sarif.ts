import fs from 'node:fs';
import path from 'node:path';
import type * as Sarif from 'sarif';
import type { ScanResult } from '../core/engine';
import type { RuleMeta } from '../core/rule';
import type { Finding, Level, Location, SkippedFile } from '../core/types';
import { findingFingerprints, lineHashes, realRoot, repoRelative } from '../core/fingerprint';
import { ruleDocUrl, ruleHelp } from '../core/ruledocs';

export interface SarifOptions {
  /** Absolute directory that result URIs are relative to (the repository root, usually the cwd). */
  root: string;
  /** `automationDetails.id` is `<category>/`. Default `fnscan`. */
  category: string;
  includeSuppressed: boolean;
  toolVersion: string;
  /**
   * Called when there are more results than GitHub accepts in one run: the most severe
   * `kept` of `found` are written. The SARIF also says so in a tool notification.
   */
  onLimit?(limit: { found: number; kept: number }): void;
}

/** GitHub rejects a run with more results than this. */
export const MAX_RESULTS_PER_RUN = 25_000;
const MAX_DESCRIPTION = 1024;
const MAX_RULE_NAME = 255;
const MAX_TAGS = 20;
const MAX_LOCATIONS = 1000;
const SRCROOT = '%SRCROOT%';
const LEVEL_RANK: Record<Level, number> = { error: 3, warning: 2, note: 1 };

/**
 * SARIF 2.1.0 for GitHub code scanning: one run, every rule that ran, repository-relative URIs
 * under `%SRCROOT%` (whose absolute location is deliberately not recorded), GitHub's own line
 * hash plus fnscan's stable identity as fingerprints. No code from the scanned files is copied
 * into the log.
 */
export function formatSarif(result: ScanResult, options: SarifOptions): string {
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [buildRun(result, options)],
  };
  // Compact: GitHub reads it, and an upload's size is limited; `jq .` shows it indented.
  return `${JSON.stringify(log)}\n`;
}

function buildRun(result: ScanResult, options: SarifOptions): Sarif.Run {
  const toRelative = repoRelative(options.root);
  const scrub = scrubber(options.root);
  const uris = new Map<string, string>();
  const artifact: Artifact = (file) => {
    let uri = uris.get(file);
    if (uri === undefined) {
      uri = toUri(toRelative(file));
      uris.set(file, uri);
    }
    return { uri, uriBaseId: SRCROOT };
  };
  const fingerprints = findingFingerprints(result.findings, options.root);
  const ruleIndex = new Map(result.rules.map((meta, i) => [meta.id, i]));
  const hashes = new LineHashCache();

  const candidates = result.findings
    .map((finding, i) => ({ finding, fingerprint: fingerprints[i], order: i }))
    .filter(({ finding }) => options.includeSuppressed || !finding.suppression);
  const kept = mostSevere(candidates, result.rules);
  const notifications = result.skipped.map((s) => skippedNotification(s, toRelative(s.file), artifact, scrub));
  if (kept.length < candidates.length) {
    options.onLimit?.({ found: candidates.length, kept: kept.length });
    notifications.push({
      level: 'warning',
      message: {
        text: `fnscan found ${candidates.length} results, more than the ${MAX_RESULTS_PER_RUN} GitHub accepts in one run; only the ${kept.length} most severe are included.`,
      },
    });
  }

  const results = kept.map(({ finding, fingerprint }) => {
    const index = ruleIndex.get(finding.ruleId);
    if (index === undefined) throw new Error(`Finding of rule \`${finding.ruleId}\`, which is not among the rules that ran.`);
    const lineHash = finding.lineHash ?? hashes.get(finding.location.file)?.[finding.location.startPos.line - 1];
    return toResult(finding, index, { 'fnscan/v1': fingerprint, lineHash }, artifact, scrub);
  });

  return {
    tool: {
      driver: {
        name: 'fnscan',
        version: options.toolVersion,
        informationUri: 'https://github.com/fnscan/fnscan',
        rules: result.rules.map(descriptor),
      },
    },
    automationDetails: { id: `${options.category.replace(/\/+$/, '') || 'fnscan'}/` },
    originalUriBaseIds: {
      [SRCROOT]: { description: { text: 'The repository root (the directory fnscan reported paths against).' } },
    },
    columnKind: 'utf16CodeUnits',
    invocations: [
      {
        executionSuccessful: !result.skipped.some((s) => s.reason === 'internal-error'),
        toolExecutionNotifications: notifications,
      },
    ],
    results,
    // Which slice of the files this run covers, for `fnscan merge-sarif` to check that the shards
    // it joins are one whole scan (it removes this property again).
    ...(result.shard !== undefined && { properties: { [SHARD_PROPERTY]: `${result.shard.index}/${result.shard.count}` } }),
  };
}

/** The run property naming a `--shard` scan's slice, `i/n`. */
export const SHARD_PROPERTY = 'fnscan/shard';

function toResult(
  finding: Finding,
  ruleIndex: number,
  fingerprints: { 'fnscan/v1': string; lineHash?: string },
  artifact: Artifact,
  scrub: (text: string) => string,
): Sarif.Result {
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.level,
    message: { text: scrub(finding.message) },
    locations: [{ physicalLocation: physical(finding.location, artifact) }],
    ...(finding.related.length > 0 && {
      relatedLocations: finding.related.slice(0, MAX_LOCATIONS).map((r, i) => ({
        id: i + 1,
        physicalLocation: physical(r, artifact),
        message: { text: scrub(r.message) },
      })),
    }),
    partialFingerprints: {
      ...(fingerprints.lineHash !== undefined && { primaryLocationLineHash: fingerprints.lineHash }),
      'fnscan/v1': fingerprints['fnscan/v1'],
    },
    ...(finding.baselineState && { baselineState: finding.baselineState }),
    ...(finding.suppression && { suppressions: [{ kind: 'inSource', justification: finding.suppression.justification }] }),
  };
}

function descriptor(meta: RuleMeta): Sarif.ReportingDescriptor {
  const security = meta.securitySeverity !== undefined;
  const tags = [
    ...new Set([...(security ? ['security'] : []), ...(meta.cwe ? [`external/cwe/cwe-${meta.cwe}`] : []), ...meta.tags]),
  ];
  return {
    id: meta.id,
    name: clamp(pascalCase(meta.id), MAX_RULE_NAME),
    shortDescription: { text: clamp(meta.title, MAX_DESCRIPTION) },
    fullDescription: { text: clamp(meta.description, MAX_DESCRIPTION) },
    help: ruleHelp(meta),
    helpUri: ruleDocUrl(meta.id),
    defaultConfiguration: { level: meta.defaultLevel },
    properties: {
      tags: tags.slice(0, MAX_TAGS),
      precision: meta.precision,
      'problem.severity': meta.defaultLevel === 'note' ? 'recommendation' : meta.defaultLevel,
      ...(security && { 'security-severity': meta.securitySeverity!.toFixed(1) }),
    },
  };
}

type Artifact = (file: string) => Sarif.ArtifactLocation;

function physical(location: Location, artifact: Artifact): Sarif.PhysicalLocation {
  return {
    artifactLocation: artifact(location.file),
    region: {
      startLine: location.startPos.line,
      startColumn: location.startPos.column,
      endLine: location.endPos.line,
      endColumn: location.endPos.column,
    },
  };
}

function skippedNotification(
  skipped: SkippedFile,
  relativePath: string,
  artifact: Artifact,
  scrub: (text: string) => string,
): Sarif.Notification {
  return {
    level: skipped.reason === 'internal-error' ? 'error' : 'warning',
    message: { text: `Skipped \`${relativePath}\` (${skipped.reason}): ${scrub(skipped.detail).replace(/[.!?]?$/, '.')}` },
    locations: [{ physicalLocation: { artifactLocation: artifact(skipped.file) } }],
  };
}

interface Candidate {
  finding: Finding;
  fingerprint: string;
  order: number;
}

/** All candidates if they fit in one run; otherwise the most severe that fit, back in scan order. */
function mostSevere(candidates: Candidate[], rules: readonly RuleMeta[]): Candidate[] {
  if (candidates.length <= MAX_RESULTS_PER_RUN) return candidates;
  const severity = new Map(rules.map((r) => [r.id, r.securitySeverity ?? 0]));
  return [...candidates]
    .sort(
      (a, b) =>
        LEVEL_RANK[b.finding.level] - LEVEL_RANK[a.finding.level] ||
        (severity.get(b.finding.ruleId) ?? 0) - (severity.get(a.finding.ruleId) ?? 0) ||
        a.order - b.order,
    )
    .slice(0, MAX_RESULTS_PER_RUN)
    .sort((a, b) => a.order - b.order);
}

/** Line hashes per file, read from disk as GitHub's upload action would; undefined when unreadable. For findings the engine did not hash. */
class LineHashCache {
  private readonly byFile = new Map<string, string[] | undefined>();

  get(file: string): string[] | undefined {
    if (!this.byFile.has(file)) this.byFile.set(file, this.compute(file));
    return this.byFile.get(file);
  }

  private compute(file: string): string[] | undefined {
    try {
      return lineHashes(fs.readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  }
}

/** A relative path as a URI reference: each segment percent-encoded, so `:` or `#` cannot change its meaning. */
function toUri(relativePath: string): string {
  return relativePath.split('/').map(encodeURIComponent).join('/');
}

/** Removes the machine's absolute root from free text, so no local path leaks into the log. */
function scrubber(root: string): (text: string) => string {
  const prefixes = [...new Set([path.resolve(root), realRoot(root)])].map((p) => p + path.sep);
  return (text) => prefixes.reduce((t, prefix) => t.split(prefix).join(''), text);
}

function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function clamp(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
