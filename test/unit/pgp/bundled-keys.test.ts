// FreePBX's keys bundled with pbxsig: each is the text its sha256 pins, holds the key its fingerprint
// names, is valid today, and judges as FreePBX's chain of trust says (docs/freepbx-keys.md).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { FREEPBX_ANCHORS } from '../../../src/pgp/anchors.js';
import { BUNDLED_KEYS } from '../../../src/pgp/bundled-keys.js';
import { verifyConfig } from '../../../src/pgp/config.js';
import { bundledKeyPath, loadKeySources } from '../../../src/pgp/key-sources.js';
import { assessSigner } from '../../../src/pgp/trust.js';

const MASTERS = ['9F9169F4B33B4659', '1588A7366BD35B34'];
const MIRRORS = ['B53D215A755231A3', '86CE877469D2EAD9', '3DDB2122FE6D84F7'];

describe("FreePBX's bundled keys", () => {
  it('are the two masters and the three mirror signing keys, each text as its sha256 pins it', () => {
    assert.deepEqual(BUNDLED_KEYS.map((k) => k.keyId).sort(), [...MASTERS, ...MIRRORS].sort());
    for (const key of BUNDLED_KEYS) {
      assert.equal(createHash('sha256').update(key.armored, 'utf8').digest('hex'), key.sha256, key.keyId);
      assert.equal(key.fingerprint.slice(-16), key.keyId);
    }
    assert.deepEqual(
      BUNDLED_KEYS.filter((k) => MASTERS.includes(k.keyId))
        .map((k) => k.fingerprint)
        .sort(),
      [...FREEPBX_ANCHORS].sort(),
      'the masters are the default anchors',
    );
  });

  describe('when loaded with no other key', () => {
    it('give one key each, named as bundled, none expired or revoked today', async () => {
      const { keyring, warnings } = await loadKeySources([], { anchors: FREEPBX_ANCHORS });
      assert.deepEqual(warnings, []);
      assert.equal(keyring.size, 5);
      assert.deepEqual(keyring.sources, [], 'no file on disk was read');
      for (const bundled of BUNDLED_KEYS) {
        const key = keyring.get(bundled.fingerprint);
        assert.ok(key, bundled.keyId);
        assert.deepEqual(keyring.copiesOf(bundled.fingerprint), [
          { origin: 'bundled', path: bundledKeyPath(bundled.keyId) },
        ]);
        assert.equal(await key.getExpirationTime(undefined, verifyConfig), Infinity, bundled.keyId);
        assert.equal(await key.isRevoked(undefined, undefined, new Date(), verifyConfig), false, bundled.keyId);
      }
    });

    it("make every mirror key trusted under FreePBX's masters, as FreePBX's GnuPG judges them", async () => {
      const { keyring } = await loadKeySources([], { anchors: FREEPBX_ANCHORS });
      for (const keyId of MIRRORS) {
        const key = keyring.candidates(keyId)[0]?.key;
        assert.ok(key, keyId);
        const trust = await assessSigner(key, key, undefined, {
          keyring,
          anchors: FREEPBX_ANCHORS,
          now: new Date(),
        });
        assert.equal(trust.state, 'trusted', `${keyId}: ${trust.reason}`);
        assert.equal(trust.gnupg, 'trusted', keyId);
        for (const c of trust.certifications)
          assert.deepEqual(keyring.originOf(c.signatureId), { origin: 'bundled', path: bundledKeyPath(keyId) });
      }
    });

    it('are left out when asked', async () => {
      const { keyring } = await loadKeySources([], { bundled: false });
      assert.equal(keyring.size, 0);
    });
  });
});
