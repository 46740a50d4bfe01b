import type ts from 'typescript';
import type { Level, Precision, Span } from './types';
import type { SourceFileInfo, TextFileInfo } from './files';
import type { ProjectAnalysis } from './analysis';
import type { FnscanConfig } from './config';

/** Typed metadata: the single source for ESLint `meta`, SARIF descriptors and docs. */
export interface RuleMeta {
  id: string;
  /** Short title, sentence case, no trailing period. */
  title: string;
  /** One sentence for SARIF `fullDescription` and ESLint `docs.description`. */
  description: string;
  /** Absent for rules that are not about security (e.g. `invalid-suppression`). */
  cwe?: number;
  /** CVSS-like score as GitHub expects: (0, 10]. Absent for non-security rules. */
  securitySeverity?: number;
  precision: Precision;
  defaultLevel: Level;
  tags: string[];
  /** Closed map of message ids to one-sentence templates with `{{name}}` placeholders. */
  messages: Record<string, string>;
  /** Whether the rule also reads committed config files (.env.defaults, redwood.toml). */
  readsConfigFiles?: boolean;
  /** Whether some findings carry suggestions (ESLint shows them; nothing is applied automatically). */
  hasSuggestions?: boolean;
}

export interface RelatedReport {
  file: SourceFileInfo | TextFileInfo;
  span: Span;
  message: string;
}

export interface SuggestionReport {
  description: string;
  span: Span;
  text: string;
}

export interface Report {
  messageId: string;
  data?: Record<string, string>;
  /** What to point at: a node of the current file, or a span of it. */
  at: ts.Node | Span;
  /** Overrides the rule's default level for this finding (e.g. a low-confidence match). */
  level?: Level;
  related?: RelatedReport[];
  /** The secret value, if any. Only its hash leaves the engine. */
  secret?: string;
  suggestions?: SuggestionReport[];
}

export interface SourceContext {
  file: SourceFileInfo;
  analysis: ProjectAnalysis;
  config: FnscanConfig;
  report(report: Report): void;
}

export interface TextContext {
  file: TextFileInfo;
  config: FnscanConfig;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  /** Runs on every parsed JS/TS file. */
  checkSource?(ctx: SourceContext): void;
  /** Runs on committed config and env files. */
  checkText?(ctx: TextContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
