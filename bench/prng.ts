// A tiny seeded PRNG, so every run of the benchmark hashes the same trees: same file sizes, same
// directory layout, same bytes. Math.random() would make runs (and machines) incomparable.

export interface Random {
  /** Uniform in [0, 1). */
  (): number;
  /** Uniform 32-bit unsigned integer. */
  readonly uint32: () => number;
}

/** mulberry32: fast, 32 bits of state, good enough for test data (not for anything secret). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return Object.assign(() => uint32() / 0x1_0000_0000, { uint32 });
}

/** Standard normal draw (Box-Muller). 1 - u keeps log() away from 0. */
export function normal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal draw with the given median; sigma is the spread of ln(x). */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(random));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

/** Fills bytes with PRNG output. Content does not change hashing speed; it only has to be reproducible. */
export function fillRandom(random: Random, bytes: Uint8Array): void {
  const whole = bytes.length - (bytes.length % 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < whole; i += 4) view.setUint32(i, random.uint32(), true);
  for (let i = whole; i < bytes.length; i++) bytes[i] = random.uint32() & 0xff;
}
