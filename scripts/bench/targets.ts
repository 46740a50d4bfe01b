/**
 * The speed targets of `npm run bench` (issue #5), judged from one run's measurements, so a run
 * ends with what it met and missed instead of leaving the arithmetic to the reader.
 */

export type Variant =
  | 'floor-1'
  | 'floor-N'
  | 'cold-1'
  | 'cold-N'
  | 'cache-fill'
  | 'warm'
  | 'edit-endpoint'
  | 'edit-lib'
  | 'settled'
  | 'settled-again'
  | 'checkout'
  | 'eslint';

/** One variant's measurement in one round. */
export interface Sample {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  detail: Record<string, unknown>;
}

/** What one tree size measured: samples per variant in round order, and files re-analysed after each edit. */
export interface SizeSamples {
  size: number;
  samples: Partial<Record<Variant, Sample[]>>;
  stale: Partial<Record<Variant, number>>;
}

export const COLD_MAX = 1.5;
export const WARM_MAX = 0.3;
export const MEMORY_MAX = 2;
/** Allowed growth of wall time per unit of growth in size (8,000 / 2,000 functions: 4.4). */
export const GROWTH_SLACK = 1.1;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The targets at the largest size (growth from the one before it), each with the ratios it is
 * judged on: medians, and for cold and warm also each round's ratio to that round's floor.
 */
export function targetLines(results: readonly SizeSamples[]): string[] {
  const big = results.at(-1);
  if (!big) return [];
  const wall = (r: SizeSamples, v: Variant): number | undefined => {
    const s = r.samples[v];
    return s && s.length > 0 ? median(s.map((x) => x.wallMs)) : undefined;
  };
  const rss = (v: Variant): number | undefined => {
    const s = big.samples[v];
    return s && s.length > 0 ? median(s.map((x) => x.maxRssKb)) : undefined;
  };
  const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a / b);
  const rounds = (v: Variant, floor: Variant): string => {
    const a = big.samples[v] ?? [];
    const b = big.samples[floor] ?? [];
    return a.map((s, i) => (b[i] ? (s.wallMs / b[i].wallMs).toFixed(2) : '?')).join(', ');
  };
  const x = (value: number | undefined): string => (value === undefined ? 'not measured' : `${value.toFixed(2)}x`);
  /** `cold-1 1.36x floor-1 (rounds 1.40, 1.25, 1.55)`, or `cold-1 not measured`. */
  const against = (v: Variant, floor: Variant, value: number | undefined, label = `${v} `): string =>
    value === undefined ? `${label}not measured` : `${label}${x(value)} ${floor} (rounds ${rounds(v, floor)})`;
  const verdict = (values: Array<number | undefined>, max: number): string =>
    values.some((v) => v === undefined) ? 'not judged' : values.every((v) => v! <= max) ? 'met' : 'missed';

  const lines = [`## targets at ${big.size} functions (set for 8,000; one run, ratios to the floor of the same run)`, ''];

  const cold1 = ratio(wall(big, 'cold-1'), wall(big, 'floor-1'));
  const coldN = ratio(wall(big, 'cold-N'), wall(big, 'floor-N'));
  lines.push(
    `- cold <= ${COLD_MAX}x the floor: ${verdict([cold1, coldN], COLD_MAX)}. ${against('cold-1', 'floor-1', cold1)}, ${against('cold-N', 'floor-N', coldN)}`,
  );

  const warm1 = ratio(wall(big, 'warm'), wall(big, 'floor-1'));
  const warmN = ratio(wall(big, 'warm'), wall(big, 'floor-N'));
  lines.push(
    `- warm, nothing changed <= ${WARM_MAX}x the floor: ${verdict([warm1], WARM_MAX)} against floor-1, ${verdict([warmN], WARM_MAX)} against floor-N. ${against('warm', 'floor-1', warm1, '')}, ${against('warm', 'floor-N', warmN, '')}`,
  );

  const warm = wall(big, 'warm');
  const edits = (['edit-endpoint', 'edit-lib'] as const)
    .filter((v) => big.samples[v])
    .map((v) => {
      const over = warm === undefined ? '' : `, ${Math.round(wall(big, v)! - warm)} ms over warm`;
      return `${v} re-analysed ${big.stale[v] ?? '?'} file(s)${over}`;
    });
  lines.push(`- one changed file costs one file's work plus its dependents: ${edits.length > 0 ? edits.join('; ') : 'not measured'}`);

  const mem1 = ratio(rss('cold-1'), rss('floor-1'));
  const memN = ratio(rss('cold-N'), rss('floor-N'));
  lines.push(`- peak memory <= ${MEMORY_MAX}x the floor's: ${verdict([mem1, memN], MEMORY_MAX)}. cold-1 ${x(mem1)}, cold-N ${x(memN)} (same threads)`);

  const mid = results.at(-2);
  if (mid) {
    const max = (big.size / mid.size) * GROWTH_SLACK;
    const growth1 = ratio(wall(big, 'cold-1'), wall(mid, 'cold-1'));
    const growthN = ratio(wall(big, 'cold-N'), wall(mid, 'cold-N'));
    lines.push(
      `- linear growth, ${big.size}/${mid.size} functions <= ${max.toFixed(1)}: ${verdict([growth1, growthN], max)}. cold-1 ${x(growth1)}, cold-N ${x(growthN)}`,
    );
  }
  return lines;
}
