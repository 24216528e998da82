// The few statistics the benchmark reports: medians of timings and quantiles of file sizes.

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  // Even counts average the middle two; the benchmark uses odd counts, so this is the plain middle.
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

export interface SizeQuantiles {
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles of file sizes, in bytes. */
export function sizeQuantiles(sizes: readonly number[]): SizeQuantiles {
  const sorted = [...sizes].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { median: at(50), p90: at(90), p99: at(99), max: at(100) };
}

export interface Timing {
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export function timing(samplesMs: readonly number[]): Timing {
  return { samplesMs, medianMs: median(samplesMs), minMs: Math.min(...samplesMs), maxMs: Math.max(...samplesMs) };
}
