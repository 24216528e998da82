// Read a whole small file (a module.sig, a key, a config file) through a ConfinedOpener: links may
// not leave the root, a FIFO cannot block us, and the size is capped on the open fd before reading.

import { closeSync, fstatSync, readSync } from 'node:fs';
import { describeError } from '../errors.js';
import type { ConfinedOpener } from './confined-open.js';

export type ConfinedRead =
  | { readonly state: 'missing' }
  | { readonly state: 'read'; readonly bytes: Buffer }
  | { readonly state: 'failed'; readonly reason: string; readonly tooLarge: boolean };

/** The first buffer for a file that says it is empty (a file of /proc does). */
const MIN_BUFFER = 4096;

export function readConfined(opener: ConfinedOpener, path: string, maxBytes: number): ConfinedRead {
  const opened = opener.open(path);
  if (opened.kind === 'missing') return { state: 'missing' };
  if (opened.kind !== 'open') return { state: 'failed', reason: opened.reason, tooLarge: false };
  try {
    const info = fstatSync(opened.fd);
    if (!info.isFile()) return { state: 'failed', reason: `${opened.real} is not a regular file`, tooLarge: false };
    if (info.size > maxBytes)
      return {
        state: 'failed',
        reason: `${opened.real} is ${info.size} bytes; the limit is ${maxBytes}`,
        tooLarge: true,
      };
    // Read to the end, not to the size fstat gave: the file may change meanwhile. One buffer a byte
    // larger than that size holds the usual file, and the read that finds its end needs no new one;
    // it grows only for a file that grew (framework's module.sig is over a megabyte: no chunks, no copy).
    let buffer: Buffer = Buffer.allocUnsafe(Math.min(Math.max(info.size + 1, MIN_BUFFER), maxBytes + 1));
    let total = 0;
    for (;;) {
      if (total === buffer.length) buffer = grown(buffer, maxBytes + 1);
      const n = readSync(opened.fd, buffer, total, buffer.length - total, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes)
        return { state: 'failed', reason: `${opened.real} is larger than ${maxBytes} bytes`, tooLarge: true };
    }
    return { state: 'read', bytes: buffer.subarray(0, total) };
  } catch (error) {
    return { state: 'failed', reason: `${opened.real}: ${describeError(error)}`, tooLarge: false };
  } finally {
    closeSync(opened.fd);
  }
}

// Twice the size, at most `limit` bytes: the caller reads no more than one byte past its bound.
function grown(buffer: Buffer, limit: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, limit));
  buffer.copy(bigger);
  return bigger;
}
