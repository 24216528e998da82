// Look at one unlisted file, for the few the walker cannot judge by name: its mode (lstat), its first
// bytes, or its digest when it may be a known file. The path is a real path (every link already
// resolved inside the root), so it is opened with O_NOFOLLOW (a component swapped for a link
// meanwhile gives ELOOP, not a file elsewhere) and O_NONBLOCK (a FIFO cannot block us); only a regular
// file is read, and never more than KNOWN_MAX_BYTES.

import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { describeError } from '../errors.js';
import { KNOWN_MAX_BYTES } from './known-files.js';
import { HEAD_BYTES } from './policy.js';

/** A real path: a string, or bytes when a name in it is not valid UTF-8. */
export type FsPath = string | Buffer;

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

export type Inspected =
  | {
      readonly kind: 'file';
      readonly executable: boolean;
      readonly size: number;
      /** First HEAD_BYTES bytes (fewer for a shorter file), when asked for. */
      readonly head?: Uint8Array;
      /** Hex SHA-256, when asked for and the file is at most KNOWN_MAX_BYTES. */
      readonly sha256?: string;
    }
  | { readonly kind: 'not-regular' }
  | { readonly kind: 'failed'; readonly reason: string };

/** Whether the file at `real` has an execute bit (lstat: no open); undefined when it cannot be seen. */
export function isExecutable(real: FsPath): boolean | undefined {
  try {
    const info = lstatSync(real, { throwIfNoEntry: false });
    return info ? (info.mode & 0o111) !== 0 : undefined;
  } catch {
    return undefined;
  }
}

/** Opens the regular file at `real` and reads what is asked for. */
export function inspectFile(real: FsPath, want: { readonly head: boolean; readonly hash: boolean }): Inspected {
  let fd: number;
  try {
    fd = openSync(real, OPEN_FLAGS);
  } catch (error) {
    return { kind: 'failed', reason: describeError(error) };
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { kind: 'not-regular' };
    const executable = (info.mode & 0o111) !== 0;
    if (want.hash && info.size <= KNOWN_MAX_BYTES) {
      // One byte more than fstat said: a file that changes while it is read is not hashed (it
      // matches nothing), so content appended after a known prefix cannot pass as the known file.
      const bytes = readUpTo(fd, info.size + 1);
      const sha256 = bytes.length === info.size ? createHash('sha256').update(bytes).digest('hex') : undefined;
      return {
        kind: 'file',
        executable,
        size: bytes.length,
        head: bytes.subarray(0, HEAD_BYTES),
        ...(sha256 !== undefined ? { sha256 } : {}),
      };
    }
    if (want.head) return { kind: 'file', executable, size: info.size, head: readUpTo(fd, HEAD_BYTES) };
    return { kind: 'file', executable, size: info.size };
  } catch (error) {
    return { kind: 'failed', reason: describeError(error) };
  } finally {
    closeSync(fd);
  }
}

function readUpTo(fd: number, limit: number): Buffer {
  const buffer = Buffer.allocUnsafe(limit);
  let total = 0;
  while (total < limit) {
    const n = readSync(fd, buffer, total, limit - total, null);
    if (n === 0) break;
    total += n;
  }
  return buffer.subarray(0, total);
}
