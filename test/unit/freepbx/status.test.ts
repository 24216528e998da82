import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { STATE, freepbxStatus } from '../../../src/freepbx/status.js';
import type { FreepbxInputs, GnupgSignatureView } from '../../../src/freepbx/status.js';

// A fixed clock: nothing here depends on the real time.
const NOW = new Date('2025-06-01T00:00:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const KEY_ID = 'B53D215A755231A3';
const USER_ID = 'FreePBX Mirror Servers <security@freepbx.org>';

function good(signer: Extract<GnupgSignatureView, { kind: 'good' }>['signer']): GnupgSignatureView {
  return { kind: 'good', keyId: KEY_ID, userId: USER_ID, signer };
}

const V1 = { version: '1', type: undefined, expiresAfter: undefined };
const V2_PUBLIC = { version: '2', type: 'public', expiresAfter: undefined };
const V2_LOCAL = { version: '2', type: 'local', expiresAfter: undefined };

function inputs(overrides: Partial<FreepbxInputs> = {}): FreepbxInputs {
  return { signed: true, signature: good('trusted'), ini: V1, fileDetails: [], now: NOW, ...overrides };
}

const MISSING = '/var/www/html/admin/modules/core/Core.class.php missing';
const ALTERED = '/var/www/html/admin/modules/core/views/main.php altered';

describe('freepbxStatus', () => {
  describe('when the signature is good, the signer trusted and every file matches', () => {
    it('gives 129 (GOOD|TRUSTED) with no details', () => {
      assert.deepEqual(freepbxStatus(inputs()), { status: 129, flags: ['GOOD', 'TRUSTED'], details: [] });
    });
  });

  describe('when files are missing or altered under a trusted signature', () => {
    it('gives 130 (TAMPERED|TRUSTED) with the file details passed through in order', () => {
      assert.deepEqual(freepbxStatus(inputs({ fileDetails: [MISSING, ALTERED] })), {
        status: 130,
        flags: ['TAMPERED', 'TRUSTED'],
        details: [MISSING, ALTERED],
      });
    });
  });

  describe('when the signature is good but the key is untrusted', () => {
    const result = freepbxStatus(inputs({ signature: good('untrusted'), fileDetails: [MISSING] }));

    it('gives 7 (GOOD|TAMPERED|INVALID)', () => {
      assert.equal(result.status, 7);
      assert.deepEqual(result.flags, ['GOOD', 'TAMPERED', 'INVALID']);
    });

    it('gives the single detail FreePBX shows, and checks no file', () => {
      assert.deepEqual(result.details, ['module.sig check failed! Signed by unknown, untrusted key.']);
    });
  });

  describe('when the signature does not match (BADSIG)', () => {
    it('gives 2 (TAMPERED) with the BADSIG detail and checks no file', () => {
      const result = freepbxStatus(
        inputs({ signature: { kind: 'bad', keyId: KEY_ID, userId: USER_ID }, fileDetails: [MISSING] }),
      );
      assert.deepEqual(result, {
        status: 2,
        flags: ['TAMPERED'],
        details: [`module.sig check failed! Bad Signature, Tampered! ([GNUPG:] BADSIG ${KEY_ID} ${USER_ID})`],
      });
    });
  });

  describe('when the signing key is unknown (NO_PUBKEY)', () => {
    it('gives 4 (INVALID)', () => {
      const result = freepbxStatus(inputs({ signature: { kind: 'no-key', keyId: KEY_ID }, fileDetails: [MISSING] }));
      assert.equal(result.status, 4);
      assert.deepEqual(result.flags, ['INVALID']);
      assert.deepEqual(result.details, ['module.sig check failed! ']);
    });
  });

  describe('when GnuPG cannot check the signature (ERRSIG, e.g. a "Hash:" header naming another digest)', () => {
    it('gives 4 (INVALID) with the ERRSIG line, and checks no file', () => {
      const statusLine = `[GNUPG:] ERRSIG ${KEY_ID} 22 8 01 1796135724 1 -`;
      assert.deepEqual(freepbxStatus(inputs({ signature: { kind: 'error', statusLine }, fileDetails: [MISSING] })), {
        status: 4,
        flags: ['INVALID'],
        details: [`module.sig check failed! Unknown Signature (${statusLine})`],
      });
    });
  });

  describe('when the signing key has expired (EXPKEYSIG)', () => {
    it('gives 33 (GOOD|EXPIRED) with the EXPKEYSIG detail', () => {
      assert.deepEqual(freepbxStatus(inputs({ signature: good('expired'), fileDetails: [MISSING] })), {
        status: 33,
        flags: ['GOOD', 'EXPIRED'],
        details: [`module.sig check failed! Signed by Expired Key ([GNUPG:] EXPKEYSIG ${KEY_ID} ${USER_ID})`],
      });
    });
  });

  describe("when the signer's certification by a master is revoked", () => {
    it('gives 64 (REVOKED)', () => {
      assert.deepEqual(freepbxStatus(inputs({ signature: good('revoked-certification') })), {
        status: 64,
        flags: ['REVOKED'],
        details: ['module.sig check failed! Signed by Revoked Key'],
      });
    });

    it('gives 64 even for a version-2 local manifest', () => {
      assert.equal(freepbxStatus(inputs({ signature: good('revoked-certification'), ini: V2_LOCAL })).status, 64);
    });
  });

  describe('when the signing key was revoked by its owner (REVKEYSIG)', () => {
    // GnuPG 2.2.40 prints REVKEYSIG and TRUST_UNDEFINED (see test/e2e/gnupg.test.ts).
    it('gives 7, like any untrusted signer, and checks no file', () => {
      const result = freepbxStatus(inputs({ signature: good('revoked-key'), fileDetails: [MISSING] }));
      assert.equal(result.status, 7);
      assert.deepEqual(result.flags, ['GOOD', 'TAMPERED', 'INVALID']);
      assert.deepEqual(result.details, ['module.sig check failed! Signed by unknown, untrusted key.']);
    });
  });

  describe('when module.sig holds no OpenPGP data gpg can read', () => {
    it('gives 0 with no flags', () => {
      const result = freepbxStatus(inputs({ signature: { kind: 'unreadable' }, ini: undefined }));
      assert.equal(result.status, 0);
      assert.deepEqual(result.flags, []);
    });
  });

  describe('when there is no module.sig', () => {
    it('gives 8 (UNSIGNED) with the detail "unsigned"', () => {
      assert.deepEqual(freepbxStatus(inputs({ signed: false, ini: undefined, fileDetails: [MISSING] })), {
        status: 8,
        flags: ['UNSIGNED'],
        details: ['unsigned'],
      });
    });
  });

  describe('when a trusted manifest has an expiresafter in the past', () => {
    const past = { ...V2_PUBLIC, expiresAfter: NOW_SECONDS - 1 };

    it('gives 64 (REVOKED) "Module signature expired" for version 2', () => {
      assert.deepEqual(freepbxStatus(inputs({ ini: past, fileDetails: [MISSING] })), {
        status: 64,
        flags: ['REVOKED'],
        details: ['Module signature expired'],
      });
    });

    it('ignores it for version 1 and checks the files', () => {
      assert.equal(freepbxStatus(inputs({ ini: { ...past, version: '1' } })).status, 129);
      assert.equal(freepbxStatus(inputs({ ini: { ...past, version: '1' }, fileDetails: [MISSING] })).status, 130);
    });

    it('reads an expiresafter of 0 as long past', () => {
      assert.equal(freepbxStatus(inputs({ ini: { ...V2_PUBLIC, expiresAfter: 0 } })).status, 64);
    });
  });

  describe('when a trusted version-2 manifest has an expiresafter not yet reached', () => {
    it('goes on to the file check', () => {
      const ini = { ...V2_PUBLIC, expiresAfter: NOW_SECONDS + 1 };
      assert.equal(freepbxStatus(inputs({ ini })).status, 129);
      assert.equal(freepbxStatus(inputs({ ini, fileDetails: [ALTERED] })).status, 130);
    });
  });

  describe('when a version-2 type=local manifest is signed by an untrusted key', () => {
    it('goes on to the file check, giving 130 with the details when files are missing', () => {
      assert.deepEqual(freepbxStatus(inputs({ signature: good('untrusted'), ini: V2_LOCAL, fileDetails: [MISSING] })), {
        status: 130,
        flags: ['TAMPERED', 'TRUSTED'],
        details: [MISSING],
      });
    });

    it('gives 129 when every file matches', () => {
      assert.equal(freepbxStatus(inputs({ signature: good('untrusted'), ini: V2_LOCAL })).status, 129);
    });

    it('also checks the files when the signature is bad', () => {
      const signature: GnupgSignatureView = { kind: 'bad', keyId: KEY_ID, userId: USER_ID };
      assert.equal(freepbxStatus(inputs({ signature, ini: V2_LOCAL, fileDetails: [MISSING] })).status, 130);
    });

    it('applies a passed expiresafter, giving 64', () => {
      const ini = { ...V2_LOCAL, expiresAfter: NOW_SECONDS - 1 };
      assert.equal(freepbxStatus(inputs({ signature: good('untrusted'), ini, fileDetails: [MISSING] })).status, 64);
    });
  });

  describe('when a type=local manifest is version 1 and the key untrusted', () => {
    it('gives 7 and checks no file', () => {
      const ini = { ...V2_LOCAL, version: '1' };
      assert.equal(freepbxStatus(inputs({ signature: good('untrusted'), ini, fileDetails: [MISSING] })).status, 7);
    });
  });

  describe('when PHP cannot parse the INI under a trusted signature', () => {
    it('gives 129 with nothing checked', () => {
      assert.deepEqual(freepbxStatus(inputs({ ini: undefined, fileDetails: [] })), {
        status: 129,
        flags: ['GOOD', 'TRUSTED'],
        details: [],
      });
    });
  });

  describe('flags', () => {
    it('name exactly the bits set, in STATE order', () => {
      const result = freepbxStatus(inputs({ signature: good('untrusted') }));
      const fromBits = result.flags.reduce((bits, name) => bits | STATE[name], 0);
      assert.equal(fromBits, result.status);
      assert.deepEqual(STATE, {
        GOOD: 1,
        TAMPERED: 2,
        INVALID: 4,
        UNSIGNED: 8,
        UNSUPPORTED: 16,
        EXPIRED: 32,
        REVOKED: 64,
        TRUSTED: 128,
      });
    });
  });
});
