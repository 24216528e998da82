// Times whole verifyModules() calls: signature, trust path and hashing, exactly what a user waits for.
//
// One warm-up run per configuration first (loads openpgp.js and hash-wasm, fills the page cache),
// then rounds that run every configuration once each. Interleaving spreads slow drifts (thermal
// throttling, a noisy neighbour on a VM) over all configurations instead of punishing whichever ran
// last; the starting configuration rotates each round so no one always runs first after another.

import { verifyModules } from '../src/index.js';
import type { VerifyOptions, VerifyReport } from '../src/index.js';
import type { Shape, Signer } from './fixtures.js';

export interface Config {
  readonly id: string;
  readonly label: string;
  readonly engine: NonNullable<VerifyOptions['engine']>;
  readonly threads: NonNullable<VerifyOptions['threads']>;
}

export interface Stats {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Throughput at the median, the fastest and the slowest run. */
  readonly mibPerSec: { readonly median: number; readonly min: number; readonly max: number };
  readonly filesPerSec: { readonly median: number; readonly min: number; readonly max: number };
}

export interface ConfigResult {
  readonly config: Config;
  /** The thread count verifyModules() actually used ("auto" resolved). */
  readonly threadsUsed: number;
  readonly engineUsed: string;
  readonly samplesMs: readonly number[];
  readonly stats: Stats;
}

/** Runs `rounds` interleaved rounds of every configuration over one shape, after a warm-up each. */
export async function measureShape(
  shape: Shape,
  signer: Signer,
  configs: readonly Config[],
  rounds: number,
  progress: (line: string) => void,
): Promise<ConfigResult[]> {
  const settings = new Map<string, VerifyReport['settings']>();
  for (const config of configs) {
    const { report } = await timedVerify(shape, signer, config);
    settings.set(config.id, report.settings);
    progress(`  warm-up ${config.label}: ${report.durationMs} ms`);
  }

  const samples = new Map<string, number[]>(configs.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    const order = configs.map((_, i) => configs[(i + round) % configs.length] as Config);
    for (const config of order) {
      const { ms } = await timedVerify(shape, signer, config);
      samples.get(config.id)?.push(ms);
    }
    progress(`  round ${round + 1}/${rounds} done`);
  }

  return configs.map((config) => {
    const ms = samples.get(config.id) ?? [];
    const used = settings.get(config.id);
    return {
      config,
      threadsUsed: used?.threads ?? -1,
      engineUsed: used?.engine ?? '?',
      samplesMs: ms,
      stats: summarize(ms, shape),
    };
  });
}

/** One verifyModules() call, timed; throws unless every module verified with every file checked. */
async function timedVerify(
  shape: Shape,
  signer: Signer,
  config: Config,
): Promise<{ ms: number; report: VerifyReport }> {
  const started = performance.now();
  const report = await verifyModules({
    modules: shape.modules,
    keys: [signer.keysDir],
    anchors: [signer.anchor.fingerprint],
    engine: config.engine,
    threads: config.threads,
  });
  const ms = performance.now() - started;
  // A fast wrong answer is worthless: a run only counts if the verification really succeeded.
  const { summary } = report;
  if (summary.verified !== shape.modules.length || summary.files !== shape.files || summary.bytes !== shape.bytes) {
    const verdicts = report.modules.map((m) => `${m.name}: ${m.verdict}`).join(', ');
    throw new Error(
      `${shape.name} / ${config.label}: expected ${shape.modules.length} verified modules, ${shape.files} files, ${shape.bytes} bytes; got ${summary.verified} verified, ${summary.files} files, ${summary.bytes} bytes (${verdicts})`,
    );
  }
  return { ms, report };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  // Even counts average the middle two; the benchmark uses odd counts, so this is the plain middle.
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

function summarize(ms: readonly number[], shape: Shape): Stats {
  const medianMs = median(ms);
  const minMs = Math.min(...ms);
  const maxMs = Math.max(...ms);
  const mib = shape.bytes / (1024 * 1024);
  // Throughput is inverse to time: the fastest run (minMs) gives the highest rate.
  const rate = (amount: number) => ({
    median: amount / (medianMs / 1000),
    min: amount / (maxMs / 1000),
    max: amount / (minMs / 1000),
  });
  return { medianMs, minMs, maxMs, mibPerSec: rate(mib), filesPerSec: rate(shape.files) };
}
