// Write a file so that readers see either the old file or the whole new one: write a temporary file
// beside it, flush it to disk, rename it over the target. A crash or Ctrl-C leaves at most the
// temporary file, which an interrupted run removes (see pendingTemporaryFiles).

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const pending = new Set<string>();

/** Temporary files being written now; a signal handler removes them before exiting. */
export function pendingTemporaryFiles(): ReadonlySet<string> {
  return pending;
}

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  pending.add(temporary);
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    pending.delete(temporary);
    // Make the rename itself durable where the platform allows it.
    const dir = await open(dirname(path), 'r').catch(() => undefined);
    await dir?.sync().catch(() => undefined);
    await dir?.close();
  } catch (error) {
    pending.delete(temporary);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
