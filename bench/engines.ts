// The "engines" suite: raw hashing speed of node:crypto against hash-wasm, per algorithm and per input
// size, without the pool, files or signatures. It is the number behind engine "auto" (src/hash/engine.ts:
// node:crypto about 4x hash-wasm for SHA-256 on SHA-NI hardware), and it shows where wasm
// is the only choice (BLAKE3: Node has none).
//
// Inputs are fed the way pbxsig's hasher feeds them: a buffer up to one read (512 KiB, the size the
// hashing worker reads with) is hashed one-shot (node: crypto.hash(), as Hasher.digestOnce does;
// wasm: init/update/digest), a larger one in 512 KiB update() slices. Small inputs are too quick to
// time one at a time, so one sample hashes many consecutive buffers of that size out of one random
// area (at least `workloadBytes` per sample), each one-shot: per-call overhead is part of the result,
// as it is for FreePBX's many small files.

import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';

// crypto.hash() exists from Node 20.12; on Node 18 the one-shot path is createHash().
const oneShot = (crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }).hash;
const hash = (algorithm: string, data: Uint8Array, encoding: 'hex'): string =>
  oneShot ? oneShot(algorithm, data, encoding) : createHash(algorithm).update(data).digest(encoding);
import { createBLAKE3, createMD5, createSHA1, createSHA256, createSHA512 } from 'hash-wasm';
import type { IHasher } from 'hash-wasm';
import { bytes as formatBytes, fixed } from './format.js';
import { median } from './stats.js';
import { betweenRuns } from './processes.js';
import { fillRandom } from './prng.js';
import type { Random } from './prng.js';

const SLICE = 512 * 1024;
const KiB = 1024;
const MiB = 1024 * 1024;

export const ENGINE_ALGORITHMS = ['sha256', 'sha1', 'sha512', 'md5', 'blake3'] as const;
export type EngineAlgorithm = (typeof ENGINE_ALGORITHMS)[number];
export type EngineName = 'node' | 'wasm';

export interface EnginePlan {
  /** Input sizes in bytes, ascending. */
  readonly sizes: readonly number[];
  /** Bytes hashed per sample at least (a sample of the largest size is one buffer of that size). */
  readonly workloadBytes: number;
  readonly rounds: number;
}

/** --quick: the largest input 8 MiB and 4 MiB a sample, about 2 s in all; full: 64 MiB and 32 MiB a sample, about 30 s. */
export function enginePlan(quick: boolean, rounds: number): EnginePlan {
  return quick
    ? { sizes: [KiB, 16 * KiB, MiB, 8 * MiB], workloadBytes: 4 * MiB, rounds }
    : { sizes: [KiB, 16 * KiB, MiB, 64 * MiB], workloadBytes: 32 * MiB, rounds };
}

export interface Throughput {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One engine on one algorithm at one input size. */
export interface EngineCell {
  readonly algorithm: EngineAlgorithm;
  readonly engine: EngineName;
  /** What was called, e.g. "crypto.hash('sha256')" or "hash-wasm createSHA256". */
  readonly label: string;
  readonly inputBytes: number;
  /** Buffers of inputBytes hashed per sample, one digest each. */
  readonly buffersPerSample: number;
  readonly feed: 'one-shot' | '512 KiB updates';
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** MiB/s at the median, the slowest and the fastest sample. */
  readonly mibPerSec: Throughput;
}

/** node MiB/s / wasm MiB/s at the medians; null where one engine lacks the algorithm. */
export interface EngineRatio {
  readonly algorithm: EngineAlgorithm;
  readonly inputBytes: number;
  readonly nodeOverWasm: number | null;
}

export interface EngineComparison {
  readonly sizes: readonly number[];
  readonly workloadBytes: number;
  readonly rounds: number;
  readonly algorithms: readonly { readonly algorithm: EngineAlgorithm; readonly engines: readonly EngineName[] }[];
  readonly results: readonly EngineCell[];
  readonly ratios: readonly EngineRatio[];
}

/** The common shape of both engines' hashers, as this suite drives them. */
interface Engine {
  readonly algorithm: EngineAlgorithm;
  readonly engine: EngineName;
  readonly label: string;
  /** Hex digest of one buffer, fed as pbxsig feeds a file of that size. */
  digest(data: Uint8Array): string;
}

/** Every cell: a warm-up pass, then `rounds` rounds in which every cell runs once, rotating the start. */
export async function compareEngines(random: Random, plan: EnginePlan): Promise<EngineComparison> {
  const largest = Math.max(...plan.sizes);
  const area = new Uint8Array(Math.max(largest, plan.workloadBytes));
  fillRandom(random, area);
  const engines = await makeEngines();
  checkEngines(engines, area, plan.sizes);

  interface Cell {
    readonly engine: Engine;
    readonly size: number;
    readonly count: number;
  }
  const cells: Cell[] = [];
  for (const algorithm of ENGINE_ALGORITHMS) {
    for (const size of plan.sizes) {
      for (const engine of engines.filter((e) => e.algorithm === algorithm))
        cells.push({ engine, size, count: Math.max(1, Math.floor(plan.workloadBytes / size)) });
    }
  }
  const run = (cell: Cell): number => {
    const started = performance.now();
    for (let i = 0, offset = 0; i < cell.count; i++, offset += cell.size)
      cell.engine.digest(area.subarray(offset, offset + cell.size));
    return performance.now() - started;
  };

  for (const cell of cells) run(cell);
  const samples = cells.map(() => [] as number[]);
  for (let round = 0; round < plan.rounds; round++) {
    for (let k = 0; k < cells.length; k++) {
      const index = (k + round * Math.ceil(cells.length / plan.rounds)) % cells.length;
      samples[index]?.push(run(cells[index] as Cell));
    }
    // One turn of the event loop per round, so a SIGINT reaches run.ts's handler.
    await betweenRuns();
  }

  const results = cells.map((cell, i): EngineCell => {
    const ms = samples[i] ?? [];
    const mib = (cell.size * cell.count) / MiB;
    const medianMs = median(ms);
    const minMs = Math.min(...ms);
    const maxMs = Math.max(...ms);
    return {
      algorithm: cell.engine.algorithm,
      engine: cell.engine.engine,
      label: cell.engine.label,
      inputBytes: cell.size,
      buffersPerSample: cell.count,
      feed: cell.size <= SLICE ? 'one-shot' : '512 KiB updates',
      samplesMs: ms,
      medianMs,
      minMs,
      maxMs,
      mibPerSec: { median: mib / (medianMs / 1000), min: mib / (maxMs / 1000), max: mib / (minMs / 1000) },
    };
  });
  const find = (algorithm: EngineAlgorithm, engine: EngineName, size: number): EngineCell | undefined =>
    results.find((r) => r.algorithm === algorithm && r.engine === engine && r.inputBytes === size);
  const ratios = ENGINE_ALGORITHMS.flatMap((algorithm) =>
    plan.sizes.map((size): EngineRatio => {
      const node = find(algorithm, 'node', size);
      const wasm = find(algorithm, 'wasm', size);
      return {
        algorithm,
        inputBytes: size,
        nodeOverWasm: node && wasm ? node.mibPerSec.median / wasm.mibPerSec.median : null,
      };
    }),
  );
  return {
    sizes: plan.sizes,
    workloadBytes: plan.workloadBytes,
    rounds: plan.rounds,
    algorithms: ENGINE_ALGORITHMS.map((algorithm) => ({
      algorithm,
      engines: engines.filter((e) => e.algorithm === algorithm).map((e) => e.engine),
    })),
    results,
    ratios,
  };
}

/** node:crypto for what this Node's OpenSSL offers (no BLAKE3), hash-wasm for all five. */
async function makeEngines(): Promise<Engine[]> {
  const wasmFactories: Record<EngineAlgorithm, readonly [string, () => Promise<IHasher>]> = {
    sha256: ['createSHA256', createSHA256],
    sha1: ['createSHA1', createSHA1],
    sha512: ['createSHA512', createSHA512],
    md5: ['createMD5', createMD5],
    blake3: ['createBLAKE3', () => createBLAKE3()],
  };
  const engines: Engine[] = [];
  for (const algorithm of ENGINE_ALGORITHMS) {
    if (nodeHas(algorithm)) {
      engines.push({
        algorithm,
        engine: 'node',
        label: `crypto.hash / createHash('${algorithm}')`,
        digest: (data) => (data.length <= SLICE ? hash(algorithm, data, 'hex') : sliced(data, createHash(algorithm))),
      });
    }
    const [name, factory] = wasmFactories[algorithm];
    const wasm = await factory();
    engines.push({
      algorithm,
      engine: 'wasm',
      label: `hash-wasm ${name}`,
      digest: (data) => (data.length <= SLICE ? wasm.init().update(data).digest('hex') : sliced(data, wasm.init())),
    });
  }
  return engines;
}

function nodeHas(algorithm: EngineAlgorithm): boolean {
  try {
    createHash(algorithm);
    return true;
  } catch {
    return false;
  }
}

/** The common shape of both engines' incremental hashers. */
interface Incremental {
  update(data: Uint8Array): unknown;
  digest(encoding: 'hex'): string;
}

function sliced(data: Uint8Array, hasher: Incremental): string {
  for (let offset = 0; offset < data.length; offset += SLICE) hasher.update(data.subarray(offset, offset + SLICE));
  return hasher.digest('hex');
}

// A fast wrong answer is worthless: both engines must give the same digest at every size (and
// BLAKE3, wasm only, its published digest of the empty input).
const BLAKE3_EMPTY = 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262';

function checkEngines(engines: readonly Engine[], area: Uint8Array, sizes: readonly number[]): void {
  for (const algorithm of ENGINE_ALGORITHMS) {
    const mine = engines.filter((e) => e.algorithm === algorithm);
    for (const size of sizes) {
      const digests = mine.map((e) => e.digest(area.subarray(0, size)));
      if (new Set(digests).size !== 1)
        throw new Error(
          `engines: ${algorithm} at ${size} bytes: digests disagree: ${mine.map((e, i) => `${e.label} ${digests[i]}`).join(' vs ')}`,
        );
    }
  }
  const blake3 = engines.find((e) => e.algorithm === 'blake3');
  if (blake3 && blake3.digest(new Uint8Array(0)) !== BLAKE3_EMPTY)
    throw new Error('engines: hash-wasm BLAKE3 of the empty input is not the published digest');
}

// ---- Markdown ------------------------------------------------------------------------------------

export function renderEngines(engines: EngineComparison): string {
  const rate = (cell: EngineCell | undefined): string =>
    cell
      ? `${fixed(cell.mibPerSec.median)} (${fixed(cell.mibPerSec.min)}–${fixed(cell.mibPerSec.max)})`
      : '– (not in this engine)';
  const lines = [
    '',
    `## engines: node:crypto vs hash-wasm, per algorithm and input size; main thread, no pool, no files`,
    '',
    `Method: buffers up to 512 KiB hashed one-shot (node: \`crypto.hash()\`, as pbxsig's hasher does for a file that fits one read; wasm: init/update/digest), larger ones in 512 KiB \`update()\` slices (the worker's read size). ` +
      `A sample hashes consecutive buffers of one size out of one random area, at least ${formatBytes(engines.workloadBytes)} (the largest size: one buffer), one digest each, so per-call overhead counts. ` +
      `Both engines' digests compared at every size first (BLAKE3 against its published empty-input digest). One warm-up pass, then ${engines.rounds} rounds over every cell, start rotated each round; MiB/s at the median (min–max over the samples). 1 MiB = 2^20 bytes.`,
    '',
    '| algorithm | input | node:crypto MiB/s | hash-wasm MiB/s | node / wasm |',
    '|---|--:|--:|--:|--:|',
  ];
  for (const { algorithm } of engines.algorithms) {
    for (const size of engines.sizes) {
      const cell = (engine: EngineName): EngineCell | undefined =>
        engines.results.find((r) => r.algorithm === algorithm && r.engine === engine && r.inputBytes === size);
      const ratio =
        engines.ratios.find((r) => r.algorithm === algorithm && r.inputBytes === size)?.nodeOverWasm ?? null;
      lines.push(
        `| ${algorithm} | ${formatBytes(size)} | ${rate(cell('node'))} | ${rate(cell('wasm'))} | ${ratio === null ? 'wasm only' : `${ratio.toFixed(2)}×`} |`,
      );
    }
  }
  const wasmOnly = engines.algorithms.filter((a) => !a.engines.includes('node')).map((a) => a.algorithm);
  if (wasmOnly.length > 0)
    lines.push('', `Wasm only (this Node's OpenSSL has no such digest): ${wasmOnly.join(', ')}.`);
  return `${lines.join('\n')}\n`;
}
