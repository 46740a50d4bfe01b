/**
 * The arithmetic of `npm run bench:ab`: two builds timed in alternating rounds on the same tree,
 * so a busy machine slows both alike, and the verdict read from the pairs, not from one mean.
 */
import { median } from './targets';

/** One round: the wall time of each build, measured back to back. */
export interface AbRound {
  base: number;
  head: number;
}

export interface AbSummary {
  rounds: number;
  baseMean: number;
  headMean: number;
  baseMedian: number;
  headMedian: number;
  /** head / base of the medians: below 1 means the head build is faster. */
  ratio: number;
  /** Rounds in which the head build was faster than the base build it was paired with. */
  headFaster: number;
}

export function summarise(rounds: readonly AbRound[]): AbSummary {
  if (rounds.length === 0) throw new Error('no rounds to summarise');
  const base = rounds.map((r) => r.base);
  const head = rounds.map((r) => r.head);
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    rounds: rounds.length,
    baseMean: mean(base),
    headMean: mean(head),
    baseMedian: median(base),
    headMedian: median(head),
    ratio: median(head) / median(base),
    headFaster: rounds.filter((r) => r.head < r.base).length,
  };
}

/** Which build runs first in a round: they take turns, so neither always runs on a cooler (or warmer) machine. */
export function baseFirst(round: number): boolean {
  return round % 2 === 0;
}

export function summaryLines(summary: AbSummary, labels: { base: string; head: string }): string[] {
  const ms = (value: number): string => `${Math.round(value).toLocaleString('en-US')} ms`;
  const change = (summary.ratio - 1) * 100;
  return [
    `${labels.base}: mean ${ms(summary.baseMean)}, median ${ms(summary.baseMedian)}`,
    `${labels.head}: mean ${ms(summary.headMean)}, median ${ms(summary.headMedian)}`,
    `median ratio ${summary.ratio.toFixed(3)} (${change <= 0 ? '' : '+'}${change.toFixed(1)}%); ${labels.head} faster in ${summary.headFaster} of ${summary.rounds} rounds`,
  ];
}
