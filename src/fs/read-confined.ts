// Read a whole small file (a module.sig, a key, a config file) through a ConfinedOpener: links may
// not leave the root, a FIFO cannot block us, and the size is capped on the open fd before reading.

import { closeSync, fstatSync, readSync } from 'node:fs';
import { describeError } from '../errors.js';
import type { ConfinedOpener } from './confined-open.js';

export type ConfinedRead =
  | { readonly state: 'missing' }
  | { readonly state: 'read'; readonly bytes: Buffer }
  | { readonly state: 'failed'; readonly reason: string; readonly tooLarge: boolean };

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
    // Read to the end, not to the size fstat gave: the file may change meanwhile.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.max(64 * 1024, info.size + 1));
      const n = readSync(opened.fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes)
        return { state: 'failed', reason: `${opened.real} is larger than ${maxBytes} bytes`, tooLarge: true };
      chunks.push(chunk.subarray(0, n));
    }
    return { state: 'read', bytes: Buffer.concat(chunks, total) };
  } catch (error) {
    return { state: 'failed', reason: `${opened.real}: ${describeError(error)}`, tooLarge: false };
  } finally {
    closeSync(opened.fd);
  }
}
