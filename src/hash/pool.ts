// Schedules hash jobs over a piscina worker pool, or on the main thread when the job is too small to
// pay for starting threads (see chooseThreads).
//
// A task round trip costs about 45 microseconds (design.md), more than hashing a median 1.5 KB file,
// so files travel in batches. Batches are cut by count and also by time: a worker hands back what it
// has not reached after `BATCH_BUDGET_MS`, and the rest is queued again. So one batch holding two
// huge files cannot leave the other threads idle at the end, and we need no stat of every file up
// front to balance the load.
//
// Every batch is queued at once, and each worker holds a backlog of several: piscina hands out the
// next task from the main thread's event loop, which is busy loading openpgp.js and verifying
// signatures while the workers hash. With a backlog the workers never wait for it.

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Piscina } from 'piscina';
import { DIGEST_BYTES, FILE } from './types.js';
import type { EngineName, HashAlgorithm, HashJob, HashTask, HashTaskResult } from './types.js';
import type { WalkResult, WalkTask } from './walk.js';

const BATCH_BUDGET_MS = 25;
const MAX_BATCH = 256;
const BACKLOG_PER_WORKER = 4;

// `--threads auto` chooses between the main thread and the pool with a cost model fitted to
// measurements on a 2-core machine: trees of 1,500 to 24,000 FreePBX-sized files and of four 64 MB
// files, main thread against a 2-thread pool. A file costs about 10 microseconds of system calls and
// JavaScript on the main thread and 15 in a worker (cold code; and on 2 vCPUs concurrent file system
// calls slow each other). Hashing costs about 0.75 ms a MB wherever it runs and divides well between
// threads. The pool costs about 70 ms more: starting workers, shutting them down. So for FreePBX's
// file sizes the pool wins from about 10,000 files (a whole installation, not a single module), and
// for big files from about 100 MB. `npm run bench` measures both sides.
const MODEL = { inlinePerFileMs: 0.01, workerPerFileMs: 0.015, poolFixedMs: 70, hashPerMbMs: 0.75 };
const SIZE_SAMPLE = 256;

/**
 * Threads for `--threads auto`: 0 (the main thread) or every core, whichever the model predicts is
 * faster. The total size is estimated from a stat of an even sample of the files: an estimate only,
 * never used to decide what is read.
 */
export function chooseThreads(jobs: readonly HashJob[]): number {
  const cores = Math.max(1, availableParallelism());
  if (cores < 2 || jobs.length === 0) return 0;
  const megabytes = estimateBytes(jobs) / 1024 / 1024;
  const inline = jobs.length * MODEL.inlinePerFileMs + megabytes * MODEL.hashPerMbMs;
  const pooled = MODEL.poolFixedMs + (jobs.length * MODEL.workerPerFileMs + megabytes * MODEL.hashPerMbMs) / cores;
  return pooled < inline ? cores : 0;
}

function estimateBytes(jobs: readonly HashJob[]): number {
  const step = Math.max(1, Math.floor(jobs.length / SIZE_SAMPLE));
  let sampled = 0;
  let bytes = 0;
  for (let i = 0; i < jobs.length; i += step) {
    const job = jobs[i] as HashJob;
    const info = statSync(join(job.root, job.path), { throwIfNoEntry: false });
    if (info?.isFile()) bytes += info.size;
    sampled++;
  }
  return (bytes / sampled) * jobs.length;
}

export type FileResult =
  | { readonly status: 'match' | 'mismatch'; readonly size: number; readonly viaLink: boolean; readonly actual?: string }
  | { readonly status: 'missing' | 'unsafe' | 'unreadable'; readonly reason: string };

/** Results of a run, packed: a status byte and a size per job, details only for failures. */
export class HashResults {
  readonly #status: Uint8Array;
  readonly #size: Float64Array;
  readonly #details = new Map<number, { reason?: string; actual?: string }>();

  constructor(count: number) {
    this.#status = new Uint8Array(count).fill(FILE.PENDING);
    this.#size = new Float64Array(count);
  }

  /** Stores a task's results for jobs [start, start + result.done). */
  store(start: number, result: HashTaskResult): void {
    this.#status.set(result.status.subarray(0, result.done), start);
    this.#size.set(result.size.subarray(0, result.done), start);
    for (const detail of result.details) {
      this.#details.set(start + detail.index, {
        ...(detail.reason !== undefined ? { reason: detail.reason } : {}),
        ...(detail.actual !== undefined ? { actual: detail.actual } : {}),
      });
    }
  }

  /** The result for job `index`, or undefined while it is pending. */
  get(index: number): FileResult | undefined {
    const code = this.#status[index];
    if (code === undefined || code === FILE.PENDING) return undefined;
    const status = code & ~FILE.VIA_LINK;
    const detail = this.#details.get(index);
    if (status === FILE.MATCH || status === FILE.MISMATCH) {
      const base = { size: this.#size[index] ?? 0, viaLink: (code & FILE.VIA_LINK) !== 0 };
      return status === FILE.MATCH ? { status: 'match', ...base } : { status: 'mismatch', ...base, ...(detail?.actual ? { actual: detail.actual } : {}) };
    }
    const reason = detail?.reason ?? 'unknown';
    return { status: status === FILE.MISSING ? 'missing' : status === FILE.UNSAFE ? 'unsafe' : 'unreadable', reason };
  }
}

export interface HashPoolOptions {
  /** Worker threads; 0 hashes on the calling thread. */
  readonly threads: number;
  readonly engine: EngineName;
  readonly algorithm: HashAlgorithm;
}

/** Called after each batch with the range of jobs that now have results. */
export type ProgressHandler = (start: number, end: number) => void;

export interface HashRun {
  /** Filled in as batches finish; complete when `done` resolves. */
  readonly results: HashResults;
  readonly done: Promise<void>;
}

let runs = 0;

export class HashPool {
  readonly threads: number;
  readonly #run = `${process.pid}-${++runs}-${Date.now()}`;
  readonly #options: HashPoolOptions;
  // Loaded only when threads are used (piscina costs about 10 ms to load); threads start as soon as
  // it is, so they warm up while the caller verifies signatures.
  readonly #piscina: Promise<Piscina<HashTask | WalkTask, HashTaskResult | WalkResult>> | undefined;

  constructor(options: HashPoolOptions) {
    this.#options = options;
    this.threads = options.threads;
    this.#piscina =
      options.threads > 0
        ? import('piscina').then(
            ({ Piscina }) =>
              new Piscina<HashTask | WalkTask, HashTaskResult | WalkResult>({
                filename: new URL('./worker.js', import.meta.url).href,
                minThreads: options.threads,
                maxThreads: options.threads,
                concurrentTasksPerWorker: BACKLOG_PER_WORKER,
                idleTimeout: 60_000,
              }),
          )
        : undefined;
  }

  /** Hashes and checks every job. Expected failures (missing, unsafe, unreadable) are results. */
  async run(jobs: readonly HashJob[], onProgress?: ProgressHandler): Promise<HashResults> {
    const run = this.start(jobs, onProgress);
    await run.done;
    return run.results;
  }

  /** Starts hashing every job; results fill in as batches finish. */
  start(jobs: readonly HashJob[], onProgress?: ProgressHandler): HashRun {
    const results = new HashResults(jobs.length);
    return { results, done: this.#schedule(jobs, results, onProgress) };
  }

  async #schedule(jobs: readonly HashJob[], results: HashResults, onProgress: ProgressHandler | undefined): Promise<void> {
    if (jobs.length === 0) return;
    const lanes = Math.max(1, this.threads);
    const batchSize = Math.min(MAX_BATCH, Math.max(1, Math.ceil(jobs.length / (lanes * 16))));
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
        // The pool queues every batch at once; on the main thread, one at a time.
        while (!failed && (this.#piscina || active === 0)) {
          const range = nextRange();
          if (!range) break;
          active++;
          this.#execute(this.#task(jobs, range.start, range.end)).then(
            (result) => {
              results.store(range.start, result);
              const done = range.start + result.done;
              if (done < range.end) requeued.push({ start: done, end: range.end });
              onProgress?.(range.start, done);
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

  /** Lists what a module directory holds beyond its manifest (see walk.ts), on the same threads. */
  async walk(task: Omit<WalkTask, 'run'>): Promise<WalkResult> {
    const full: WalkTask = { ...task, run: this.#run };
    if (this.#piscina) return (await (await this.#piscina).run(full, { name: 'walk' })) as WalkResult;
    const { walk } = await import('./worker.js');
    return walk(full);
  }

  async close(): Promise<void> {
    await (await this.#piscina)?.destroy();
  }

  #task(jobs: readonly HashJob[], start: number, end: number): HashTask {
    const first = jobs[start] as HashJob;
    const paths: string[] = [];
    const expected = new Uint8Array((end - start) * DIGEST_BYTES);
    for (let i = start; i < end; i++) {
      const job = jobs[i] as HashJob;
      paths.push(job.path);
      expected.set(Buffer.from(job.expected, 'hex'), (i - start) * DIGEST_BYTES);
    }
    return {
      run: this.#run,
      engine: this.#options.engine,
      algorithm: this.#options.algorithm,
      root: first.root,
      confine: first.confine,
      paths,
      expected,
      budgetMs: this.#piscina ? BATCH_BUDGET_MS : Number.POSITIVE_INFINITY,
    };
  }

  async #execute(task: HashTask): Promise<HashTaskResult> {
    if (this.#piscina) return (await (await this.#piscina).run(task)) as HashTaskResult;
    const { default: hashBatch } = await import('./worker.js');
    return hashBatch(task);
  }
}
