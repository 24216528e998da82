// The hashing worker (piscina). It never sees keys or manifests: only paths, and it answers with data.
// Also called directly on the main thread for small jobs (see pool.ts), so it keeps no state that a
// second run could trip over: the resolver cache lives for one batch.

import { ConfinedOpener } from './confined-open.js';
import { createHasher } from './engine.js';
import type { Hasher } from './engine.js';
import { hashFile } from './hash-file.js';
import type { FileOutcome, HashTask, HashTaskResult } from './types.js';

// Reused for every file of every batch: reads are synchronous, so no two files share it at once.
const buffer = Buffer.allocUnsafe(512 * 1024);
const hashers = new Map<string, Promise<Hasher>>();

export default async function hashBatch(task: HashTask): Promise<HashTaskResult> {
  const key = `${task.engine}:${task.algorithm}`;
  let hasher = hashers.get(key);
  if (!hasher) {
    hasher = createHasher(task.engine, task.algorithm);
    hashers.set(key, hasher);
  }
  const ready = await hasher;
  const opener = new ConfinedOpener(task.root, task.confine);
  const outcomes: FileOutcome[] = [];
  const started = performance.now();
  for (const path of task.paths) {
    outcomes.push(hashFile(opener, path, ready, buffer));
    if (performance.now() - started >= task.budgetMs) break;
  }
  return { outcomes };
}
