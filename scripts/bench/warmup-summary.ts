/**
 * The arithmetic of `npm run bench:warmup`: from the window times of two or more passes over the
 * same files in one process, the steady cost (the last pass, when V8 has long optimised the code)
 * and the warm-up (what the first pass cost beyond that steady cost).
 */
import { median } from './targets';

export interface WindowTimes {
  files: number;
  /** Milliseconds per window of files, per pass; a pass's last window may hold fewer files. */
  passes: number[][];
}

export interface WarmupSummary {
  /** Milliseconds per window of files once warm: the median of the last pass's full windows. */
  steadyPerWindow: number;
  /** The first pass's total. */
  firstPass: number;
  /** The first pass beyond what the same files cost once warm. */
  warmUp: number;
}

export function summariseWindows(times: WindowTimes, window: number): WarmupSummary {
  if (times.passes.length < 2) throw new Error('two passes or more are needed: the last one gives the steady cost');
  const full = Math.floor(times.files / window);
  if (full < 1) throw new Error(`fewer files (${times.files}) than one window (${window})`);
  const last = times.passes[times.passes.length - 1].slice(0, full);
  const steadyPerWindow = median(last);
  const firstPass = times.passes[0].reduce((a, b) => a + b, 0);
  return { steadyPerWindow, firstPass, warmUp: firstPass - steadyPerWindow * (times.files / window) };
}
