// Schedules hash jobs over a piscina worker pool, or on the main thread when the job is too small to
// pay for starting threads.
//
// A task round trip costs about 45 microseconds (design.md), more than hashing a median 1.5 KB file,
// so files travel in batches. Batches are cut by count and also by time: a worker hands back what it
// has not reached after `BATCH_BUDGET_MS`, and the rest goes back to the front of the queue. So one
// batch holding two huge files cannot leave the other threads idle at the end, and we need no stat
// of every file up front to balance the load.

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { EngineName, FileOutcome, HashAlgorithm, HashJob, HashTask, HashTaskResult } from './types.js';

const BATCH_BUDGET_MS = 25;
const MAX_BATCH = 1024;
/** Below this many files (and bytes), threads cost more to start than they save. */
const INLINE_MAX_FILES = 64;

export interface HashPoolOptions {
  /** Worker threads; 0 hashes on the calling thread. */
  readonly threads: number;
  readonly engine: EngineName;
  readonly algorithm: HashAlgorithm;
}

export type OutcomeHandler = (index: number, outcome: FileOutcome) => void;

/** Thread count for `--threads auto`: every core, or none for a handful of files. */
export function autoThreads(fileCount: number): number {
  return fileCount <= INLINE_MAX_FILES ? 0 : Math.max(1, availableParallelism());
}

export class HashPool {
  readonly threads: number;
  readonly #options: HashPoolOptions;
  readonly #piscina: Piscina<HashTask, HashTaskResult> | undefined;

  constructor(options: HashPoolOptions) {
    this.#options = options;
    this.threads = options.threads;
    // Threads start now, so they warm up while the caller verifies signatures.
    this.#piscina =
      options.threads > 0
        ? new Piscina<HashTask, HashTaskResult>({
            filename: new URL('./worker.js', import.meta.url).href,
            minThreads: options.threads,
            maxThreads: options.threads,
            idleTimeout: 60_000,
          })
        : undefined;
  }

  /**
   * Hashes every job; `onOutcome` receives each result with the job's index, in no particular order.
   * Resolves when all are done. Expected failures (missing, unsafe, unreadable) are outcomes, not errors.
   */
  async run(jobs: readonly HashJob[], onOutcome: OutcomeHandler): Promise<void> {
    if (jobs.length === 0) return;
    const lanes = Math.max(1, this.threads);
    const batchSize = Math.min(MAX_BATCH, Math.max(1, Math.ceil(jobs.length / (lanes * 8))));
    const maxInFlight = this.#piscina ? lanes * 2 : 1;
    const requeued: Array<{ start: number; end: number }> = [];
    let cursor = 0;

    const nextRange = (): { start: number; end: number } | undefined => {
      const again = requeued.pop();
      if (again) return again;
      if (cursor >= jobs.length) return undefined;
      const start = cursor;
      const first = jobs[start] as HashJob;
      let end = start + 1;
      // A task carries one root and confine, so a batch never spans two modules.
      while (end < jobs.length && end - start < batchSize) {
        const job = jobs[end] as HashJob;
        if (job.root !== first.root || job.confine !== first.confine) break;
        end++;
      }
      cursor = end;
      return { start, end };
    };

    await new Promise<void>((resolve, reject) => {
      let active = 0;
      let failed = false;
      const pump = (): void => {
        while (!failed && active < maxInFlight) {
          const range = nextRange();
          if (!range) break;
          active++;
          const first = jobs[range.start] as HashJob;
          const task: HashTask = {
            engine: this.#options.engine,
            algorithm: this.#options.algorithm,
            root: first.root,
            confine: first.confine,
            paths: jobs.slice(range.start, range.end).map((job) => job.path),
            budgetMs: this.#piscina ? BATCH_BUDGET_MS : Number.POSITIVE_INFINITY,
          };
          this.#execute(task).then(
            (result) => {
              result.outcomes.forEach((outcome, i) => onOutcome(range.start + i, outcome));
              const done = range.start + result.outcomes.length;
              if (done < range.end) requeued.push({ start: done, end: range.end });
              active--;
              pump();
            },
            (error: unknown) => {
              failed = true;
              reject(error instanceof Error ? error : new Error(String(error)));
            },
          );
        }
        if (!failed && active === 0) resolve();
      };
      pump();
    });
  }

  async close(): Promise<void> {
    await this.#piscina?.destroy();
  }

  async #execute(task: HashTask): Promise<HashTaskResult> {
    if (this.#piscina) return this.#piscina.run(task);
    const { default: hashBatch } = await import('./worker.js');
    return hashBatch(task);
  }
}
