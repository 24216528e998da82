// File names and module.sig are bytes; the kernel, PHP and GnuPG never decode them. pbxsig works with
// strings, so bytes that are not UTF-8 are kept in them losslessly: each byte of an invalid sequence
// becomes the private-use character U+EF00 + byte (U+EF80-U+EFFF, the convention of MirBSD's
// OPTU-8). A real U+EF80-U+EFFF in the text is escaped the same way, byte by byte, so every character
// of that range is an escaped byte and the mapping back is exact.
//
// Unlike lone surrogates (Python's surrogateescape), these strings stay well-formed: anything that
// writes a string as UTF-8 (node:crypto's update(), a JSON report, a terminal) keeps distinct byte
// sequences distinct, and never turns them into U+FFFD. Text that is valid UTF-8 and free of that
// private range (every real module.sig and file name) decodes exactly as Buffer#toString('utf8').
// A Latin-1 file name listed in a module.sig is then opened by its exact bytes, and the signature is
// checked over the exact bytes signed.

import { isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xef00;
const ESCAPE_FIRST = 0xef80;
const ESCAPE_LAST = 0xefff;
const ESCAPED = /[\uef80-\uefff]/;

/** UTF-8 text, with each byte of an invalid sequence (or of a U+EF80-U+EFFF) kept as U+EF00 + byte. */
export function decodeBytes(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isUtf8(buffer)) {
    const text = buffer.toString('utf8');
    if (!ESCAPED.test(text)) return text;
  }
  // Decode into UTF-16 code units (never more units than bytes), then read them back as a string.
  const units = new Uint16Array(buffer.length);
  let n = 0;
  for (let i = 0; i < buffer.length;) {
    const length = sequenceLength(buffer, i);
    const cp = length === 0 ? -1 : codePoint(buffer, i, length);
    if (cp < 0 || (cp >= ESCAPE_FIRST && cp <= ESCAPE_LAST)) {
      for (let k = 0; k < Math.max(length, 1); k++) units[n++] = ESCAPE_BASE + (buffer[i + k] as number);
      i += Math.max(length, 1);
      continue;
    }
    if (cp >= 0x10000) {
      units[n++] = 0xd800 + ((cp - 0x10000) >> 10);
      units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    } else {
      units[n++] = cp;
    }
    i += length;
  }
  return Buffer.from(units.buffer, 0, n * 2).toString('utf16le');
}

function codePoint(b: Buffer, i: number, length: number): number {
  const b0 = b[i] as number;
  const c = (k: number): number => (b[i + k] as number) & 0x3f;
  if (length === 1) return b0;
  if (length === 2) return ((b0 & 0x1f) << 6) | c(1);
  if (length === 3) return ((b0 & 0x0f) << 12) | (c(1) << 6) | c(2);
  return ((b0 & 0x07) << 18) | (c(1) << 12) | (c(2) << 6) | c(3);
}

// Length of the well-formed UTF-8 sequence at i (Unicode table 3-7), or 0 when the byte starts none.
function sequenceLength(b: Buffer, i: number): number {
  const b0 = b[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = b[i + k];
    return c !== undefined && c >= lo && c <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Whether `s` holds bytes that decodeBytes() kept as escapes. */
export function hasEscapedBytes(s: string): boolean {
  return ESCAPED.test(s);
}

/** The bytes decodeBytes() read `s` from. */
export function encodeBytes(s: string): Buffer {
  if (!ESCAPED.test(s)) return Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(s.length * 3);
  let n = 0;
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < ESCAPE_FIRST || c > ESCAPE_LAST) continue;
    n += out.write(s.slice(run, i), n, 'utf8');
    out[n++] = c - ESCAPE_BASE;
    run = i + 1;
  }
  n += out.write(s.slice(run), n, 'utf8');
  return out.subarray(0, n);
}

/** A path for node:fs: the string itself, or its exact bytes when it holds escaped bytes. */
export function toFsPath(path: string): string | Buffer {
  return ESCAPED.test(path) ? encodeBytes(path) : path;
}
