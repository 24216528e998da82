// File sizes of a real installed FreePBX 17 (35 modules, 16,685 listed files): median 1.5 KB, p90
// 15 KB, p99 120 KB, max 2.4 MB, about 132 MB listed. A log-normal cannot have all of these at once
// (one with the right p90 and p99 is too heavy above p99 for the total), so sizes come from a quantile
// function: log-linear between these knots. The knots below p50 and above p99 are not measured; they
// are chosen so that the total lands near the real one (about 136 MB for 16,685 files).
//
// Drawn stratified (the i-th of n sizes at a random point of the i-th n-th of [0, 1)), then shuffled:
// any seed gives the same quantiles, so a tree of a few hundred files already has the real median,
// and the big files do not pile up by chance in one run and not in another.

import type { Random } from './prng.js';

export const MIN_SIZE = 40;
export const MAX_SIZE = Math.round(2.4 * 1024 * 1024);

/** [cumulative share, size in bytes]; ascending in both. */
const KNOTS: ReadonlyArray<readonly [number, number]> = [
  [0, MIN_SIZE],
  [0.1, 300],
  [0.5, 1_500],
  [0.9, 15_000],
  [0.95, 24_000],
  [0.99, 120_000],
  [0.999, 250_000],
  [0.9999, 800_000],
  [1, MAX_SIZE],
];

/** The size at cumulative share `u` (0 <= u <= 1). */
export function sizeAt(u: number): number {
  for (let i = 1; i < KNOTS.length; i++) {
    const [p1, v1] = KNOTS[i] as readonly [number, number];
    if (u <= p1) {
      const [p0, v0] = KNOTS[i - 1] as readonly [number, number];
      return Math.round(v0 * Math.exp(((u - p0) / (p1 - p0)) * Math.log(v1 / v0)));
    }
  }
  return MAX_SIZE;
}

/** A tree this large has the real largest file (2.4 MB); a smaller one stops short of it. */
const WITH_MAX = 10_000;

/** `count` sizes with the real distribution, in random order; none above `cap` (default none). */
export function drawSizes(random: Random, count: number, cap = MAX_SIZE): number[] {
  const u = (i: number): number => (i === count - 1 && count >= WITH_MAX ? 1 : (i + random()) / count);
  const sizes = Array.from({ length: count }, (_, i) => Math.min(cap, sizeAt(u(i))));
  for (let i = sizes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sizes[i], sizes[j]] = [sizes[j] as number, sizes[i] as number];
  }
  return sizes;
}
