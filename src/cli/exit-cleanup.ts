// What must happen however the process ends: a half-written report removed, the terminal cursor shown
// again. Ctrl-C (SIGINT), a stop by systemd (SIGTERM) and a closed terminal or session (SIGHUP) all
// run it, then exit as the signal would (128 + n); a normal exit runs it too.

import { unlinkSync } from 'node:fs';
import { pendingTemporaryFiles } from '../report/write-atomic.js';

const cleanups = new Set<() => void>();

/** Runs `cleanup` when the process ends, unless the returned function was called first. */
export function atExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every cleanup once: synchronous work only, it may run in process.on('exit'). */
export function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // A cleanup that fails (the terminal is gone) must not stop the others.
    }
  }
  for (const file of pendingTemporaryFiles()) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
}

export const STOP_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/** Installs the handlers: on a stop signal, clean up, say so and exit with 128 + n. */
export function installExitHandlers(exit: (status: number) => void = (status) => process.exit(status)): void {
  for (const signal of Object.keys(STOP_SIGNALS) as StopSignal[]) {
    process.once(signal, () => {
      runCleanups();
      process.stderr.write(`pbxsig: stopped by ${signal}\n`);
      exit(128 + STOP_SIGNALS[signal]);
    });
  }
  process.once('exit', runCleanups);
}
