import type { Finding } from './types';

// Placeholder signatures until the baseline module lands (being written now); keeps the CLI compiling.

/** Serialises today's findings as a baseline file (sorted, one entry per line, no line numbers). */
export function writeBaseline(_findings: Finding[], _root: string): string {
  throw new Error('Baselines are not implemented yet.');
}

/** Marks each finding `new` or `unchanged` against a baseline file's text; returns the baseline entries no longer found. */
export function applyBaseline(_findings: Finding[], _baselineText: string, _root: string): { absent: string[] } {
  throw new Error('Baselines are not implemented yet.');
}
