// The one place worker lanes are made: a piscina pool whose threads each run one long lane task
// (worker.ts), so piscina's start-up is paid once per thread and there is no message per unit.

import { createRequire } from 'node:module';
import type { MessagePort } from 'node:worker_threads';
import type { LaneTask } from './worker.js';

// The CLI's bundle (scripts/bundle.js) defines this as its CommonJS lane bundle, which a worker thread
// loads about 25 ms sooner than ES modules (Node's ESM loader must start in each thread); the library
// (dist/src) starts its own compiled worker.js.
declare const PBXSIG_LANE_WORKER: string | undefined;
const LANE_WORKER = typeof PBXSIG_LANE_WORKER === 'string' ? PBXSIG_LANE_WORKER : './worker.js';

/** What the lanes use of piscina's pool. */
export interface LanePool {
  run(task: LaneTask, options: { transferList: MessagePort[] }): Promise<number>;
  destroy(): Promise<void>;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/** Starts `workers` threads at once: each boots and loads the lane code while the caller goes on. */
export function startLanePool(workers: number): LanePool {
  // require(), not import(): piscina is CommonJS, and loading it through the ES module loader costs
  // the main thread about 13 ms more (35 ms against 22, Node 20).
  const { Piscina } = createRequire(import.meta.url)('piscina') as typeof import('piscina');
  return new Piscina({
    filename: new URL(LANE_WORKER, import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Number.POSITIVE_INFINITY,
    // A lane's garbage is short-lived (one module's findings at a time): a smaller young generation
    // than V8's default keeps each worker's RSS about 10 MB lower.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
}
