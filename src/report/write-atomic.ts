// Write a file so that readers see either the old file or the whole new one: write a temporary file
// beside it, flush it to disk, rename it over the target. A crash or a signal leaves at most the
// temporary file, which an interrupted run removes (see pendingTemporaryFiles). A failure names the
// file the user asked for, never the hidden temporary one.

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError, describeSystemError } from '../errors.js';

const pending = new Set<string>();

/** Temporary files being written now; a signal handler removes them before exiting. */
export function pendingTemporaryFiles(): ReadonlySet<string> {
  return pending;
}

/** A file being written in pieces (an NDJSON stream), that appears under its name only when committed. */
export interface AtomicFile {
  readonly path: string;
  write(text: string): Promise<void>;
  /** Flushes to disk and renames into place. */
  commit(): Promise<void>;
  /** Removes the temporary file; the target is left as it was. */
  abort(): Promise<void>;
}

export async function openAtomic(path: string): Promise<AtomicFile> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const failed = (error: unknown): InputError =>
    new InputError('OUTPUT_UNWRITABLE', `${path}: cannot write: ${describeSystemError(error)}`, { cause: error });
  pending.add(temporary);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temporary, 'wx', 0o644);
  } catch (error) {
    pending.delete(temporary);
    throw failed(error);
  }
  const abort = async (): Promise<void> => {
    await handle?.close().catch(() => undefined);
    handle = undefined;
    await unlink(temporary).catch(() => undefined);
    pending.delete(temporary);
  };
  return {
    path,
    async write(text) {
      try {
        if (!handle) throw new Error('already closed');
        await handle.writeFile(text);
      } catch (error) {
        await abort();
        throw failed(error);
      }
    },
    async commit() {
      try {
        if (!handle) throw new Error('already closed');
        await handle.sync();
        await handle.close();
        handle = undefined;
        await rename(temporary, path);
        pending.delete(temporary);
      } catch (error) {
        await abort();
        throw failed(error);
      }
      // Make the rename itself durable where the platform allows it.
      const dir = await open(dirname(path), 'r').catch(() => undefined);
      await dir?.sync().catch(() => undefined);
      await dir?.close();
    },
    abort,
  };
}

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const file = await openAtomic(path);
  await file.write(data);
  await file.commit();
}
