// File names are bytes, and attacker-controlled. Node decodes a directory's names as UTF-8 and turns
// bytes that are not UTF-8 into U+FFFD, which would report a name that does not exist and make the
// file impossible to open. The walker reads such a directory again as bytes; this shows those names.

/** The name as text: valid UTF-8 as is, each byte of an invalid sequence as `\xNN`. */
export function displayBytes(bytes: Uint8Array): string {
  let text = '';
  let start = 0; // start of the current run of valid UTF-8
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length > 0) {
      i += length;
      continue;
    }
    text += Buffer.from(bytes.subarray(start, i)).toString('utf8');
    text += `\\x${(bytes[i] as number).toString(16).padStart(2, '0')}`;
    i++;
    start = i;
  }
  return text + Buffer.from(bytes.subarray(start)).toString('utf8');
}

// The length of the valid UTF-8 sequence at bytes[i] (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 when the byte there does not start one.
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
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

/** Whether the bytes are valid UTF-8 (then their decoded text is exact). */
export function isUtf8Bytes(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length;) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return false;
    i += length;
  }
  return true;
}
