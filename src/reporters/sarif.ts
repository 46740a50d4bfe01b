import type { ScanResult } from '../core/engine';

export interface SarifOptions {
  /** Absolute directory that result URIs are relative to (the repository root, usually the cwd). */
  root: string;
  /** `automationDetails.id` is `<category>/`. Default `fnscan`. */
  category: string;
  includeSuppressed: boolean;
  toolVersion: string;
}

// Placeholder until the SARIF writer lands (being written now); keeps the CLI compiling.
export function formatSarif(_result: ScanResult, _options: SarifOptions): string {
  throw new Error('SARIF output is not implemented yet.');
}
