// Hash one file: open it once (confined), fstat that same fd, refuse anything but a regular file, and
// stream it through a buffer the caller reuses, so memory stays flat whatever the file size.
//
// The read stops once it has more bytes than fstat reported: a file that grows while it is read is not
// the file that was signed, and a file of /proc or /sys (a listed file linked to /proc/self/pagemap on a
// live host) reports size 0 yet reads on for hundreds of GiB. Such a file is unreadable here, after at
// most one buffer more than its size.

import { closeSync, fstatSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { describeError } from '../errors.js';
import type { ConfinedOpener } from '../fs/confined-open.js';
import type { Hasher } from './engine.js';

export type HashedFile =
  | { readonly ok: true; readonly digest: string; readonly size: number; readonly viaLink: boolean }
  | {
      readonly ok: false;
      readonly status: 'missing' | 'unsafe' | 'unreadable' | 'over-limit';
      readonly reason: string;
    };

/** Hashes the file at `path` (relative to the opener's root); a file larger than `maxBytes` is not read ("over-limit"). */
export function hashFile(
  opener: ConfinedOpener,
  path: string,
  hasher: Hasher,
  buffer: Buffer,
  maxBytes = Number.POSITIVE_INFINITY,
): HashedFile {
  const opened = opener.open(path);
  if (opened.kind !== 'open') return { ok: false, status: opened.kind, reason: opened.reason };
  const { fd } = opened;
  try {
    const info = fstatSync(fd);
    if (!info.isFile())
      return { ok: false, status: 'unsafe', reason: `${opened.real} is ${describeType(info)}, not a regular file` };
    if (info.size > maxBytes)
      return { ok: false, status: 'over-limit', reason: `${opened.real} is over the byte limit` };
    // A short read from a regular file means end of file: most files take one read and one digest.
    const first = readSync(fd, buffer, 0, buffer.length, null);
    if (first > info.size) return grew(opened.real, info.size);
    if (first < buffer.length)
      return { ok: true, digest: hasher.digestOnce(buffer.subarray(0, first)), size: first, viaLink: opened.viaLink };
    hasher.reset();
    hasher.update(buffer);
    let size = first;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      size += n;
      if (size > info.size) return grew(opened.real, info.size);
      hasher.update(n === buffer.length ? buffer : buffer.subarray(0, n));
    }
    return { ok: true, digest: hasher.digest(), size, viaLink: opened.viaLink };
  } catch (error) {
    return { ok: false, status: 'unreadable', reason: `${opened.real}: ${describeError(error)}` };
  } finally {
    closeSync(fd);
  }
}

// Built only on failure: nothing per file on the hot path.
function grew(real: string, size: number): HashedFile {
  return {
    ok: false,
    status: 'unreadable',
    reason: `${real} holds more than the ${size} bytes its size says (a file being written, or one of /proc or /sys); not read further`,
  };
}

function describeType(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isDirectory()) return 'a directory';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'a special file';
}
