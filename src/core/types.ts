/** Shared vocabulary of the engine. Nothing here knows about terminals, ESLint or SARIF. */

export type Level = 'error' | 'warning' | 'note';
export const LEVELS: readonly Level[] = ['note', 'warning', 'error'];

export type Precision = 'very-high' | 'high' | 'medium' | 'low';

/** 1-based line and 1-based column, columns counted in UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
}

export interface Span {
  /** 0-based offsets into the file text (UTF-16 code units), end exclusive. */
  start: number;
  end: number;
}

export interface Location extends Span {
  /** Absolute path on disk. */
  file: string;
  startPos: Position;
  /** Column is exclusive (one past the last character), as SARIF wants. */
  endPos: Position;
}

export interface RelatedLocation extends Location {
  message: string;
}

export interface Fix {
  description: string;
  span: Span;
  text: string;
}

export interface Finding {
  ruleId: string;
  messageId: string;
  data: Record<string, string>;
  /** Rendered one-sentence message. */
  message: string;
  level: Level;
  location: Location;
  related: RelatedLocation[];
  /** Whitespace-normalised text of the reported code, the basis of stable identities. */
  context: string;
  /** sha256 of a detected secret value, never the value itself. */
  secretHash?: string;
  suggestions: Fix[];
  /** Set when an inline suppression matched. */
  suppression?: { justification: string };
  /** Set when the scan was compared with a baseline. */
  baselineState?: 'new' | 'unchanged';
  /**
   * GitHub's `primaryLocationLineHash` of the finding's line, taken by the CLI engine from the text
   * it scanned (so a cached finding needs no second read); the SARIF reporter reads the file when
   * it is missing.
   */
  lineHash?: string;
}

export type SkipReason =
  | 'too-large'
  | 'binary'
  | 'not-utf8'
  | 'syntax-error'
  | 'too-deep'
  | 'unreadable'
  | 'symlink-outside-root'
  /** A platform config names an entry module the tree lacks (a Worker's `main` pointing at a build output). */
  | 'missing-entry'
  | 'internal-error';

export interface SkippedFile {
  file: string;
  reason: SkipReason;
  detail: string;
}
