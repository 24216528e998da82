// How many threads `--threads auto` uses: the main thread or every core, from a cost model.

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { HashJob } from './types.js';

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
  // A file is one hash stream: the work divides over at most as many threads as there are files.
  const lanes = Math.min(cores, jobs.length);
  const pooled = MODEL.poolFixedMs + (jobs.length * MODEL.workerPerFileMs + megabytes * MODEL.hashPerMbMs) / lanes;
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
