import crypto from 'node:crypto';
import path from 'node:path';
import ts from 'typescript';
import type { Finding, Level, Location, RelatedLocation, SkippedFile, Span } from './types';
import type { Report, Rule, RuleMeta } from './rule';
import type { ProjectInfo } from './project';
import { discover } from './project';
import { DEFAULT_LIMITS, parseSource, readTextFile, type ReadLimits, type SourceFileInfo, type TextFileInfo } from './files';
import { roleOf } from './project';
import { ProjectAnalysis, type ModuleHost } from './analysis';
import { renderMessage } from './messages';
import { applySuppressions } from './suppressions';
import type { FnscanConfig } from './config';

export interface ScanOptions {
  paths: string[];
  rules: Rule[];
  config: FnscanConfig;
  /** Report secrets (and other file-level findings) in test files too. */
  includeTests: boolean;
  limits?: ReadLimits;
  followSymlinks?: boolean;
  onProgress?(done: number, total: number): void;
}

export interface ScanResult {
  findings: Finding[];
  skipped: SkippedFile[];
  projects: ProjectInfo[];
  filesScanned: number;
  rules: RuleMeta[];
}

/** Parses each file at most once per scan and hands the analysis what imports need. */
export class FileCache implements ModuleHost {
  private readonly sources = new Map<string, SourceFileInfo | null>();
  readonly skipped = new Map<string, SkippedFile>();

  constructor(private readonly limits: ReadLimits) {}

  load(file: string, project: ProjectInfo): SourceFileInfo | undefined {
    const cached = this.sources.get(file);
    if (cached !== undefined) return cached ?? undefined;
    const info = this.parse(file, project);
    this.sources.set(file, info ?? null);
    return info;
  }

  private parse(file: string, project: ProjectInfo): SourceFileInfo | undefined {
    const read = readTextFile(file, this.limits);
    if ('skipped' in read) {
      this.skipped.set(file, read.skipped);
      return undefined;
    }
    try {
      const parsed = parseSource(file, read.text, this.limits);
      if ('skipped' in parsed) {
        this.skipped.set(file, parsed.skipped);
        return undefined;
      }
      return { kind: 'source', path: file, text: read.text, sf: parsed.sf, role: roleOf(file, project), project };
    } catch (error) {
      this.skipped.set(file, stackOverflowOr(file, error));
      return undefined;
    }
  }
}

export function scan(options: ScanOptions): ScanResult {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const discovery = discover(options.paths, {
    ignore: options.config.ignore ?? [],
    followSymlinks: options.followSymlinks ?? false,
  });
  const cache = new FileCache(limits);
  const analysis = new ProjectAnalysis(cache);
  const runner = new RuleRunner(options.rules, options.config, analysis, options.includeTests);
  const findings: Finding[] = [];
  const skipped = [...discovery.skipped];
  let done = 0;

  for (const entry of discovery.files) {
    if (entry.kind === 'source') {
      const file = cache.load(entry.path, entry.project);
      if (file) findings.push(...runner.runSource(file, skipped));
    } else {
      const read = readTextFile(entry.path, limits);
      if ('skipped' in read) skipped.push(read.skipped);
      else findings.push(...runner.runText({ kind: 'text', path: entry.path, text: read.text, project: entry.project }));
    }
    options.onProgress?.(++done, discovery.files.length);
  }
  for (const entry of discovery.files) {
    const reason = cache.skipped.get(entry.path);
    if (reason) skipped.push(reason);
  }

  return {
    findings: sortFindings(findings),
    skipped: dedupeSkipped(skipped),
    projects: discovery.projects,
    filesScanned: discovery.files.length,
    rules: runner.enabledRules.map((r) => r.meta),
  };
}

/** Runs the enabled rules on one file and turns their reports into findings. Shared by the CLI and ESLint. */
export class RuleRunner {
  readonly enabledRules: Rule[];

  constructor(
    rules: Rule[],
    private readonly config: FnscanConfig,
    readonly analysis: ProjectAnalysis,
    private readonly includeTests: boolean,
  ) {
    this.enabledRules = rules.filter((r) => config.rules?.[r.meta.id] !== 'off');
  }

  runSource(file: SourceFileInfo, skipped: SkippedFile[]): Finding[] {
    if (file.role === 'test' && !this.includeTests) return [];
    const findings: Finding[] = [];
    for (const rule of this.enabledRules) {
      if (!rule.checkSource) continue;
      try {
        rule.checkSource({
          file,
          analysis: this.analysis,
          config: this.config,
          report: (r) => findings.push(this.toFinding(rule.meta, file, r)),
        });
      } catch (error) {
        if (error instanceof RangeError) {
          skipped.push(stackOverflowOr(file.path, error));
          return [];
        }
        throw new InternalError(file.path, rule.meta.id, error);
      }
    }
    return applySuppressions(findings, file, { rules: this.enabledRules.map((r) => r.meta), config: this.config });
  }

  runText(file: TextFileInfo): Finding[] {
    const findings: Finding[] = [];
    for (const rule of this.enabledRules) {
      if (!rule.checkText) continue;
      try {
        rule.checkText({ file, config: this.config, report: (r) => findings.push(this.toFinding(rule.meta, file, r)) });
      } catch (error) {
        throw new InternalError(file.path, rule.meta.id, error);
      }
    }
    return applySuppressions(findings, file, { rules: this.enabledRules.map((r) => r.meta), config: this.config });
  }

  private toFinding(meta: RuleMeta, file: SourceFileInfo | TextFileInfo, report: Report): Finding {
    const data = report.data ?? {};
    const template = meta.messages[report.messageId];
    if (template === undefined) throw new Error(`Rule ${meta.id} has no message \`${report.messageId}\`.`);
    const span = toSpan(report.at, file);
    const location = locate(file, span);
    return {
      ruleId: meta.id,
      messageId: report.messageId,
      data,
      message: renderMessage(template, data),
      level: this.levelFor(meta, report.level),
      location,
      related: (report.related ?? []).map(
        (r): RelatedLocation => ({ ...locate(r.file, r.span), message: r.message }),
      ),
      context: normaliseContext(file.text.slice(span.start, span.end)),
      secretHash: report.secret === undefined ? undefined : sha256(report.secret),
      suggestions: report.suggestions ?? [],
    };
  }

  private levelFor(meta: RuleMeta, reported: Level | undefined): Level {
    if (reported === 'note') return 'note';
    const configured = this.config.rules?.[meta.id];
    if (configured && configured !== 'off') return configured;
    return reported ?? meta.defaultLevel;
  }
}

export class InternalError extends Error {
  constructor(
    readonly file: string,
    readonly ruleId: string,
    readonly cause: unknown,
  ) {
    super(`Rule ${ruleId} failed on ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

function stackOverflowOr(file: string, error: unknown): SkippedFile {
  if (error instanceof RangeError) return { file, reason: 'too-deep', detail: 'nesting too deep to analyse' };
  return { file, reason: 'internal-error', detail: error instanceof Error ? error.message : String(error) };
}

function toSpan(at: ts.Node | Span, file: SourceFileInfo | TextFileInfo): Span {
  if ('kind' in at && typeof at.kind === 'number' && file.kind === 'source') {
    const node = at as ts.Node;
    return { start: node.getStart(file.sf), end: node.getEnd() };
  }
  return at as Span;
}

export function locate(file: SourceFileInfo | TextFileInfo, span: Span): Location {
  const starts = lineStarts(file);
  return {
    file: file.path,
    start: span.start,
    end: span.end,
    startPos: position(starts, span.start),
    endPos: position(starts, Math.max(span.end, span.start + 1)),
  };
}

const lineStartCache = new WeakMap<object, number[]>();

function lineStarts(file: SourceFileInfo | TextFileInfo): number[] {
  if (file.kind === 'source') return file.sf.getLineStarts() as number[];
  let starts = lineStartCache.get(file);
  if (!starts) {
    starts = [0];
    for (let i = 0; i < file.text.length; i++) if (file.text.charCodeAt(i) === 10) starts.push(i + 1);
    lineStartCache.set(file, starts);
  }
  return starts;
}

function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

export function normaliseContext(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function sha256(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      compare(a.location.file, b.location.file) ||
      a.location.startPos.line - b.location.startPos.line ||
      a.location.startPos.column - b.location.startPos.column ||
      compare(a.ruleId, b.ruleId) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dedupeSkipped(skipped: SkippedFile[]): SkippedFile[] {
  const byFile = new Map<string, SkippedFile>();
  for (const s of skipped) if (!byFile.has(s.file)) byFile.set(s.file, s);
  return [...byFile.values()].sort((a, b) => compare(a.file, b.file));
}

export function relativePath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
