import type { ScanResult } from '../core/engine';
import { formatGithub } from './github';
import { formatJson } from './json';
import { formatSarif } from './sarif';
import { formatStylish } from './stylish';

export interface ReportOptions {
  /** Absolute directory that reported paths are relative to (the cwd). */
  root: string;
  /** ANSI colours (stylish only). */
  color: boolean;
  /** Keep inline-suppressed findings, marked as such (json and sarif). */
  includeSuppressed: boolean;
  /** SARIF `automationDetails` category. */
  category: string;
  toolVersion: string;
  /** Told when GitHub's per-run result limit made the SARIF keep only the most severe results. */
  onLimit?(limit: { found: number; kept: number }): void;
}

/** A reporter turns a scan result into the text of one output format; it never writes anything itself. */
export type Reporter = (result: ScanResult, options: ReportOptions) => string;

export const reporters = {
  stylish: formatStylish,
  json: formatJson,
  sarif: (result, options) =>
    formatSarif(result, {
      root: options.root,
      category: options.category,
      includeSuppressed: options.includeSuppressed,
      toolVersion: options.toolVersion,
      onLimit: options.onLimit,
    }),
  github: formatGithub,
} satisfies Record<string, Reporter>;

export type Format = keyof typeof reporters;

export const FORMATS = Object.keys(reporters) as Format[];
