// Raw SHA-256 speed of the two engines, without the pool, files or signatures: the number behind
// engine "auto" = node (design.md measured node:crypto about 4x hash-wasm on SHA-NI hardware).
//
// The buffer is fed in 512 KiB slices, the size the hashing worker reads with, so both engines see
// the same update() pattern as in real use (hash-wasm copies each slice into wasm memory).

import { createHash } from 'node:crypto';
import { createSHA256 } from 'hash-wasm';
import { median } from './measure.js';
import { fillRandom } from './prng.js';
import type { Random } from './prng.js';

const SLICE = 512 * 1024;

export interface EngineResult {
  readonly engine: 'node' | 'wasm';
  readonly label: string;
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly mibPerSec: { readonly median: number; readonly min: number; readonly max: number };
}

export interface EngineComparison {
  readonly bufferBytes: number;
  readonly results: readonly EngineResult[];
  /** node MiB/s divided by wasm MiB/s, at the medians. */
  readonly nodeOverWasm: number;
}

/** Hashes one buffer with each engine: a warm-up each, then `rounds` interleaved rounds. */
export async function compareEngines(random: Random, bytes: number, rounds: number): Promise<EngineComparison> {
  const buffer = new Uint8Array(bytes);
  fillRandom(random, buffer);
  const wasm = await createSHA256();
  const engines = [
    { engine: 'node' as const, label: 'node:crypto createHash', hash: () => hashWith(buffer, createHash('sha256')) },
    { engine: 'wasm' as const, label: 'hash-wasm createSHA256', hash: () => hashWith(buffer, wasm.init()) },
  ];

  // Same answer from both, or the comparison means nothing.
  const digests = engines.map((e) => e.hash());
  if (digests[0] !== digests[1]) throw new Error(`engines disagree: ${digests.join(' vs ')}`);

  const samples = engines.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    engines.forEach((e, i) => {
      const started = performance.now();
      e.hash();
      samples[i]?.push(performance.now() - started);
    });
  }

  const mib = bytes / (1024 * 1024);
  const results = engines.map((e, i): EngineResult => {
    const ms = samples[i] ?? [];
    return {
      engine: e.engine,
      label: e.label,
      samplesMs: ms,
      medianMs: median(ms),
      mibPerSec: { median: mib / (median(ms) / 1000), min: mib / (Math.max(...ms) / 1000), max: mib / (Math.min(...ms) / 1000) },
    };
  });
  const [node, wasmResult] = results;
  return { bufferBytes: bytes, results, nodeOverWasm: (node?.mibPerSec.median ?? Number.NaN) / (wasmResult?.mibPerSec.median ?? Number.NaN) };
}

/** The common shape of both engines' incremental hashers. */
interface Incremental {
  update(data: Uint8Array): unknown;
  digest(encoding: 'hex'): string;
}

function hashWith(buffer: Uint8Array, hasher: Incremental): string {
  for (let offset = 0; offset < buffer.length; offset += SLICE) hasher.update(buffer.subarray(offset, offset + SLICE));
  return hasher.digest('hex');
}
