// Hash one file: open it once (confined), fstat that same fd, refuse anything but a regular file, and
// stream it through a buffer the caller reuses, so memory stays flat whatever the file size.

import { closeSync, fstatSync, readSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { describeError } from '../errors.js';
import type { ConfinedOpener } from './confined-open.js';
import type { Hasher } from './engine.js';
import type { FileOutcome } from './types.js';

export function hashFile(opener: ConfinedOpener, path: string, hasher: Hasher, buffer: Buffer): FileOutcome {
  const opened = opener.open(path);
  if (opened.kind !== 'open') return { status: opened.kind, reason: opened.reason };
  const { fd } = opened;
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { status: 'unsafe', reason: `${opened.real} is ${describeType(info)}, not a regular file` };
    hasher.reset();
    let size = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hasher.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      size += n;
    }
    const digest = hasher.digestHex();
    return opened.viaLink ? { status: 'ok', digest, size, target: opened.real } : { status: 'ok', digest, size };
  } catch (error) {
    return { status: 'unreadable', reason: `${opened.real}: ${describeError(error)}` };
  } finally {
    closeSync(fd);
  }
}

function describeType(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isDirectory()) return 'a directory';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'a special file';
}
