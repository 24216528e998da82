// Worker lanes started before a run knows its work. A worker thread takes 65-85 ms to boot and load the
// lane code on an idle core, and up to 180 ms beside a main thread that is loading its own code; started
// first, a lane is ready about when the first units are published, instead of that much later. The CLI
// warms lanes as its first step when the command will hash files (see cli/warm-start.ts); the run that
// follows takes them (Lanes.start) or they are let go unused.
//
// Process-wide on purpose: a warm pool is for the one run that follows, in this process.

import { startLanePool } from './pool.js';
import type { LanePool } from './pool.js';

interface Warm {
  readonly workers: number;
  readonly pool: LanePool;
}

let warm: Warm | undefined;

/** Starts `workers` worker lanes now, for the next run of this process to take. */
export function warmLanes(workers: number): void {
  if (warm || workers <= 0) return;
  const pool = startLanePool(workers);
  // A thread that fails to boot fails the task the run gives it (Lanes); here it must not crash the
  // process through an 'error' event nobody listens to.
  pool.on('error', () => undefined);
  warm = { workers, pool };
}

/** How many warm lanes are waiting to be taken (0 when none). */
export function warmLaneCount(): number {
  return warm?.workers ?? 0;
}

/**
 * The warm pool, when it has at least `workers` threads; it is then the caller's to destroy. A warm
 * pool that cannot serve (too few threads, or none wanted) is let go.
 */
export function takeWarmLanes(workers: number): LanePool | undefined {
  const taken = warm;
  warm = undefined;
  if (!taken) return undefined;
  if (workers > 0 && taken.workers >= workers) return taken.pool;
  void destroy(taken);
  return undefined;
}

/** Lets go of warm lanes no run took (the CLI calls this before it exits). */
export async function releaseWarmLanes(): Promise<void> {
  const left = warm;
  warm = undefined;
  if (left) await destroy(left);
}

async function destroy(left: Warm): Promise<void> {
  try {
    await left.pool.destroy();
  } catch {
    // A thread that never started has nothing to stop.
  }
}
