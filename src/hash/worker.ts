// The hashing worker (piscina). It never sees keys: only paths and the digests they should have, and
// it answers with data (a status byte and a size per file, details for the few that fail).
// Also called directly on the main thread for small jobs (see pool.ts). Directory resolutions are
// cached for one run only (task.run), so a later run never sees a tree as it was before.

import { ConfinedOpener } from '../fs/confined-open.js';
import { createHasher } from './engine.js';
import type { Hasher } from './engine.js';
import { hashFile } from './hash-file.js';
import { walkModule } from '../unlisted/walk.js';
import type { WalkResult, WalkTask } from '../unlisted/walk.js';
import { DIGEST_BYTES, FILE } from './types.js';
import type { FileDetail, HashTask, HashTaskResult } from './types.js';

// Reused for every file of every batch: reads are synchronous, so no two files share it at once.
const buffer = Buffer.allocUnsafe(512 * 1024);
const hashers = new Map<string, Promise<Hasher>>();
let openers = { run: '', byRoot: new Map<string, ConfinedOpener>() };

const FAILURE = { missing: FILE.MISSING, unsafe: FILE.UNSAFE, unreadable: FILE.UNREADABLE } as const;

export default async function hashBatch(task: HashTask): Promise<HashTaskResult> {
  const hasher = await hasherFor(task);
  const opener = openerFor(task);
  const count = task.paths.length;
  const status = new Uint8Array(count).fill(FILE.PENDING);
  const size = new Float64Array(count);
  const details: FileDetail[] = [];
  const expectedDigests = Buffer.from(task.expected, 'hex');
  // No expectations: the caller wants the digests themselves (pbxsig sign).
  const digests = task.expected === '' ? new Uint8Array(count * DIGEST_BYTES) : undefined;
  const started = performance.now();
  let done = 0;
  while (done < count) {
    const i = done++;
    const file = hashFile(opener, task.paths[i] as string, hasher, buffer);
    if (!file.ok) {
      status[i] = FAILURE[file.status];
      details.push({ index: i, reason: file.reason });
    } else if (digests) {
      size[i] = file.size;
      digests.set(file.digest, i * DIGEST_BYTES);
      status[i] = FILE.MATCH | (file.viaLink ? FILE.VIA_LINK : 0);
    } else {
      size[i] = file.size;
      const match =
        Buffer.compare(file.digest, expectedDigests.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES)) === 0;
      status[i] = (match ? FILE.MATCH : FILE.MISMATCH) | (file.viaLink ? FILE.VIA_LINK : 0);
      if (!match) details.push({ index: i, actual: Buffer.from(file.digest).toString('hex') });
    }
    if (performance.now() - started >= task.budgetMs) break;
  }
  return digests ? { done, status, size, details, digests } : { done, status, size, details };
}

/** Named task "walk": the files of a module directory that its manifest does not list. */
export function walk(task: WalkTask): Promise<WalkResult> {
  return Promise.resolve().then(() => walkModule(task, openerFor(task)));
}

function hasherFor(task: HashTask): Promise<Hasher> {
  const key = `${task.engine}:${task.algorithm}`;
  let hasher = hashers.get(key);
  if (!hasher) {
    hasher = createHasher(task.engine, task.algorithm);
    hashers.set(key, hasher);
  }
  return hasher;
}

function openerFor(task: { readonly run: string; readonly root: string; readonly confine: string }): ConfinedOpener {
  if (openers.run !== task.run) openers = { run: task.run, byRoot: new Map() };
  const key = `${task.root}\0${task.confine}`;
  let opener = openers.byRoot.get(key);
  if (!opener) {
    opener = new ConfinedOpener(task.root, task.confine);
    openers.byRoot.set(key, opener);
  }
  return opener;
}
