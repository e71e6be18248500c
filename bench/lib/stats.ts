/** Latency summary in ms: the nearest-rank percentiles of what was recorded. */
export type Summary = { count: number; p50: number; p99: number; max: number };

export function summarize(values: number[]): Summary {
  if (values.length === 0) return { count: 0, p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)];
  return { count: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1]) };
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** ours / baseline, or NaN when either side is missing. */
export const ratio = (ours: number, base: number) => (Number.isFinite(ours) && Number.isFinite(base) && base !== 0 ? round(ours / base, 2) : NaN);
