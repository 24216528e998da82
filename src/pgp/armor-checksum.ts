// The armor checksum of a signature block ("=XXXX", a CRC-24 of the decoded data; RFC 4880 6.1), checked
// as GnuPG checks it. openpgp.js ignores the line (RFC 9580 makes it optional), but GnuPG 2.2.40 stops
// at a wrong one ("CRC error") or at one shorter than four characters ("malformed CRC") and checks no
// signature, so FreePBX fails the module. Observed with gpg 2.2.40 (test/unit/pgp/armor-checksum.test.ts):
// no checksum line is fine; only the first four characters after "=" count.

export type ArmorChecksum =
  | { readonly state: 'absent' }
  | { readonly state: 'match' }
  | { readonly state: 'mismatch'; readonly written: string; readonly computed: string }
  | { readonly state: 'malformed'; readonly line: string };

const BASE64_CHAR = /^[A-Za-z0-9+/]$/;

/** The checksum of the armored block `armored` (from its BEGIN line to its END line). */
export function checkArmorChecksum(armored: string): ArmorChecksum {
  const lines = armored.split('\n').map((line) => line.trim());
  // The body starts after the armor headers' blank line and ends at the checksum or the END line.
  let i = lines.findIndex((line) => line.startsWith('-----BEGIN '));
  if (i < 0) return { state: 'absent' };
  for (i++; i < lines.length && lines[i] !== ''; i++);
  const body: string[] = [];
  let checksum: string | undefined;
  for (i++; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('-----END ')) break;
    if (line.startsWith('=')) {
      checksum = line;
      break;
    }
    body.push(line);
  }
  if (checksum === undefined) return { state: 'absent' };
  const written = checksum.slice(1, 5);
  if (written.length < 4 || ![...written].every((c) => BASE64_CHAR.test(c)))
    return { state: 'malformed', line: checksum };
  const computed = Buffer.from(crc24(Buffer.from(body.join(''), 'base64'))).toString('base64');
  return computed === written ? { state: 'match' } : { state: 'mismatch', written, computed };
}

/** CRC-24 (RFC 4880 6.1) of `data`, as three bytes. */
export function crc24(data: Uint8Array): Uint8Array {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return Uint8Array.of((crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff);
}
