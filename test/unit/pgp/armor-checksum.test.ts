// The armor checksum as GnuPG 2.2.40 checks it (src/pgp/armor-checksum.ts); test/e2e/gnupg.test.ts
// holds pbxsig's verdict beside GnuPG's own for the same three cases.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkArmorChecksum, crc24 } from '../../../src/pgp/armor-checksum.js';

// RFC 4880 6.1's CRC-24 of "123456789" is 0x21CF02 (the check value of CRC-24/OPENPGP).
const DATA = Buffer.from('123456789');
const BODY = DATA.toString('base64');
const GOOD = Buffer.from([0x21, 0xcf, 0x02]).toString('base64');

function block(...lines: string[]): string {
  return [
    '-----BEGIN PGP SIGNATURE-----',
    'Comment: armor headers end at the blank line',
    '',
    ...lines,
    '-----END PGP SIGNATURE-----',
    '',
  ].join('\n');
}

describe('the armor checksum', () => {
  it('is the CRC-24 of the decoded data', () => {
    assert.deepEqual([...crc24(DATA)], [0x21, 0xcf, 0x02]);
    assert.deepEqual([...crc24(new Uint8Array())], [0xb7, 0x04, 0xce]);
  });

  it('matches when the line holds the CRC-24 of the body, whatever follows its first four characters', () => {
    assert.deepEqual(checkArmorChecksum(block(BODY, `=${GOOD}`)), { state: 'match' });
    assert.deepEqual(checkArmorChecksum(block(BODY.slice(0, 4), BODY.slice(4), `=${GOOD}x`)), { state: 'match' });
  });

  it('may be absent', () => {
    assert.deepEqual(checkArmorChecksum(block(BODY)), { state: 'absent' });
  });

  it('is a mismatch when it holds another value, and malformed when shorter than four base64 characters', () => {
    assert.deepEqual(checkArmorChecksum(block(BODY, '=AAAA')), { state: 'mismatch', written: 'AAAA', computed: GOOD });
    assert.deepEqual(checkArmorChecksum(block(BODY, '=AAA')), { state: 'malformed', line: '=AAA' });
    assert.deepEqual(checkArmorChecksum(block(BODY, '=AA==')), { state: 'malformed', line: '=AA==' });
  });
});
