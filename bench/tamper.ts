// Tampering for the checks every suite runs before timing: one byte changed, then changed back.

import { closeSync, openSync, readSync, writeSync } from 'node:fs';

/** XOR of the first byte with 0xff: applied twice, the file is as before. */
export function flipFirstByte(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    if (readSync(fd, byte, 0, 1, 0) !== 1) throw new Error(`${file} is empty`);
    byte[0] = (byte[0] ?? 0) ^ 0xff;
    writeSync(fd, byte, 0, 1, 0);
  } finally {
    closeSync(fd);
  }
}
