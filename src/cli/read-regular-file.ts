// A file the user named for the CLI to read whole (a passphrase file, a report to compare): a regular
// file only, opened without blocking, and no larger than its kind may be. A FIFO with no writer would
// otherwise hold the process past Ctrl-C and SIGTERM (an open that waits cannot be interrupted), and
// /dev/zero would be read until memory ran out.

import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { InputError, describeError, describeSystemError, errnoCode } from '../errors.js';

/** The bytes of the regular file at `path`; `what`, when given, names its kind in messages ("passphrase file"). */
export async function readRegularFile(path: string, maxBytes: number, what = ''): Promise<Buffer> {
  const named = what === '' ? path : `${what} ${path}`;
  const failed = (reason: string): InputError => new InputError('INPUT_UNREADABLE', `${named}: ${reason}`);
  const because = (error: unknown): string => (errnoCode(error) ? describeSystemError(error) : describeError(error));
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw failed(because(error));
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw failed('not a regular file');
    if (info.size > maxBytes) throw failed(`${info.size} bytes; the most it may hold is ${maxBytes}`);
    // One byte more than the limit: a file that grew since fstat is refused, not cut short.
    const buffer = Buffer.alloc(Math.min(maxBytes, info.size) + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total === buffer.length) throw failed(`grew while it was read, past ${buffer.length - 1} bytes`);
    }
    return buffer.subarray(0, total);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw failed(because(error));
  } finally {
    await handle.close();
  }
}
