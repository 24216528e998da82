// Schedules hash jobs over a piscina worker pool, or on the main thread when the job is too small to
// pay for starting threads (see threads.ts).
//
// A task round trip costs about 45 microseconds (design.md), more than hashing a median 1.5 KB file,
// so files travel in batches. Batches are also cut by time: a worker hands back what it has not
// reached after `BATCH_BUDGET_MS`, and the rest is queued again. So one batch holding two huge files
// cannot leave the other threads idle at the end, and no file needs a stat up front.
//
// Jobs can be added while others run (a run is fed module by module, as each is planned). Each worker
// holds a backlog of several batches: piscina hands out the next task from the main thread's event
// loop, which is busy planning and verifying signatures while the workers hash.

import type { Piscina } from 'piscina';
import { InternalError } from '../errors.js';
import { HashResults } from './results.js';
import { DIGEST_BYTES } from './types.js';
import type { EngineName, HashAlgorithm, HashJob, HashTask, HashTaskResult } from './types.js';
import type { WalkResult, WalkTask } from '../unlisted/walk.js';

const BATCH_BUDGET_MS = 25;
const MAX_BATCH = 128;
const BACKLOG_PER_WORKER = 4;

export interface HashPoolOptions {
  /** Worker threads; 0 hashes on the calling thread. */
  readonly threads: number;
  readonly engine: EngineName;
  readonly algorithm: HashAlgorithm;
}

/** Called after each batch with the range of jobs that now have results. */
export type ProgressHandler = (start: number, end: number) => void;

/** One run of jobs: add them (in as many parts as you like), seal, await done. */
export interface HashRun {
  /** Queues jobs; returns the index of the first (results are kept by job index). */
  add(jobs: readonly HashJob[]): number;
  /** No more jobs will be added: `done` resolves once every job has a result. */
  seal(): void;
  /** Jobs added that have no result yet. */
  readonly outstanding: number;
  /**
   * Resolves once at most `limit` jobs are outstanding (at once if so already, or if the run failed:
   * `done` carries the error). Lets a producer hold back, so memory follows the backlog, not the tree.
   */
  whenAtMost(limit: number): Promise<void>;
  /** Filled in as batches finish. */
  readonly results: HashResults;
  readonly done: Promise<void>;
}

let runs = 0;

export class HashPool {
  readonly threads: number;
  readonly engine: EngineName;
  readonly #options: HashPoolOptions;
  readonly #run = `${process.pid}-${++runs}-${Date.now()}`;
  // Loaded only when threads are used (piscina costs about 10 ms to load).
  readonly #piscina: Promise<Piscina<HashTask | WalkTask, HashTaskResult | WalkResult>> | undefined;

  constructor(options: HashPoolOptions) {
    this.#options = options;
    this.threads = options.threads;
    this.engine = options.engine;
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
                // A worker's garbage is short-lived (one batch's messages and stats): a smaller young
                // generation than V8's default keeps each worker's RSS about 10 MB lower.
                resourceLimits: { maxYoungGenerationSizeMb: 8 },
              }),
          )
        : undefined;
  }

  /**
   * Resolves once the worker threads have been spawned. Await it before long synchronous work (such as
   * planning an installation): the threads then boot meanwhile, on the other cores.
   */
  async started(): Promise<void> {
    await this.#piscina;
  }

  /** Hashes and checks every job. Expected failures (missing, unsafe, unreadable) are results. */
  async run(jobs: readonly HashJob[], onProgress?: ProgressHandler): Promise<HashResults> {
    const run = this.begin(onProgress);
    run.add(jobs);
    run.seal();
    await run.done;
    return run.results;
  }

  /** Starts a run that takes jobs as they come. */
  begin(onProgress?: ProgressHandler): HashRun {
    const results = new HashResults();
    // Released as their batches finish: a long audit holds only the jobs still to do.
    const jobs: Array<HashJob | undefined> = [];
    const ready: Array<{ start: number; end: number }> = [];
    const requeued: Array<{ start: number; end: number }> = [];
    let head = 0;
    let active = 0;
    let finishedJobs = 0;
    let sealed = false;
    let failed = false;
    let waiters: Array<{ readonly limit: number; readonly resolve: () => void }> = [];
    const wake = (): void => {
      const outstanding = jobs.length - finishedJobs;
      const waiting: typeof waiters = [];
      for (const w of waiters) {
        if (failed || outstanding <= w.limit) w.resolve();
        else waiting.push(w);
      }
      waiters = waiting;
    };
    let resolveDone: () => void = () => undefined;
    let rejectDone: (error: Error) => void = () => undefined;
    const done = new Promise<void>((resolve, reject) => {
      resolveDone = resolve;
      rejectDone = reject;
    });
    const lanes = Math.max(1, this.threads);

    // Batches handed to piscina at once: each worker's backlog and one more. Only these exist as
    // task messages; the rest wait as index ranges, so a large run does not hold its jobs twice.
    const inFlight = this.#piscina ? lanes * (BACKLOG_PER_WORKER + 1) : 1;
    const pump = (): void => {
      while (!failed && active < inFlight) {
        const range = requeued.pop() ?? ready[head];
        if (!range) break;
        if (range === ready[head]) head++;
        active++;
        this.#execute(this.#task(jobs, range.start, range.end)).then(
          (result) => {
            results.store(range.start, result);
            const finished = range.start + result.done;
            for (let i = range.start; i < finished; i++) jobs[i] = undefined;
            finishedJobs += result.done;
            if (finished < range.end) requeued.push({ start: finished, end: range.end });
            onProgress?.(range.start, finished);
            active--;
            pump();
            wake();
          },
          (error: unknown) => {
            failed = true;
            rejectDone(error instanceof Error ? error : new Error(String(error)));
            wake();
          },
        );
      }
      if (!failed && sealed && active === 0 && requeued.length === 0 && head === ready.length) resolveDone();
    };

    return {
      results,
      done,
      get outstanding() {
        return jobs.length - finishedJobs;
      },
      whenAtMost: (limit) =>
        failed || jobs.length - finishedJobs <= limit
          ? Promise.resolve()
          : new Promise<void>((resolve) => waiters.push({ limit, resolve })),
      add: (added) => {
        const first = jobs.length;
        for (const job of added) jobs.push(job);
        results.reserve(jobs.length);
        // Enough batches for every lane, none larger than MAX_BATCH; one root and confine per batch.
        const size = Math.min(MAX_BATCH, Math.max(1, Math.ceil(added.length / (lanes * 4))));
        let start = first;
        while (start < jobs.length) {
          const lead = jobs[start] as HashJob;
          let end = start + 1;
          while (end < jobs.length && end - start < size) {
            const job = jobs[end] as HashJob;
            if (job.root !== lead.root || job.confine !== lead.confine) break;
            end++;
          }
          ready.push({ start, end });
          start = end;
        }
        pump();
        return first;
      },
      seal: () => {
        sealed = true;
        pump();
      },
    };
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

  #task(jobs: ReadonlyArray<HashJob | undefined>, start: number, end: number): HashTask {
    const lead = jobs[start] as HashJob;
    const paths: string[] = [];
    let expected = '';
    for (let i = start; i < end; i++) {
      const job = jobs[i] as HashJob;
      paths.push(job.path);
      expected += job.expected;
    }
    // A batch either checks every digest or asks for every digest.
    if (expected.length !== 0 && expected.length !== (end - start) * DIGEST_BYTES * 2)
      throw new InternalError('a batch mixes checked and computed digests');
    return {
      run: this.#run,
      engine: this.#options.engine,
      algorithm: this.#options.algorithm,
      root: lead.root,
      confine: lead.confine,
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
