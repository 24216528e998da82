// Trust judgement of a signing key, with keys made at test time: an anchor, a key it certified, one
// whose certification it revoked, one revoked by its owner, one expired, and a key whose stale copy
// (an old self-signature with an expiry) meets a refreshed copy.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PublicKey } from 'openpgp';
import { Keyring } from '../../../src/pgp/keyring.js';
import type { KeyFileRef } from '../../../src/pgp/keyring.js';
import { assessSigner, assessSigningKey, trustCacheKey } from '../../../src/pgp/trust.js';
import type { AssessOptions, TrustAssessment } from '../../../src/pgp/trust.js';
import { certified, makeKey, refreshed, revoked, selfRevoked, subkeyRevoked } from '../../helpers/keys.js';
import type { TestKey } from '../../helpers/keys.js';

const DAY = 86_400_000;
// Judged after every key and certification is made: certifications are dated to the second.
let now: Date;
const STALE: KeyFileRef = { origin: 'installation', path: 'BMO/stale.key' };
const FRESH: KeyFileRef = { origin: 'bundled', path: 'bundled:fresh.asc' };

let anchor: TestKey;
let other: TestKey;
let good: TestKey;
let stranger: TestKey;
let withdrawn: TestKey;
let ownerRevoked: TestKey;
let expired: TestKey;
let stale: TestKey;
let fresh: TestKey;
let certifiedAhead: TestKey;
let revokedAhead: TestKey;
let retiredAhead: TestKey;
let subkeyWithdrawn: TestKey;
let reinstated: TestKey;

function keyringOf(...copies: Array<[PublicKey, KeyFileRef?]>): Keyring {
  const keyring = new Keyring({ anchors: [anchor.fingerprint] });
  keyring.addKeys([anchor.publicKey], { origin: 'keys', path: 'anchor.asc' });
  for (const [key, file] of copies) keyring.addKeys([key], file ?? { origin: 'keys', path: 'k.asc' });
  return keyring;
}

function options(keyring: Keyring, anchors = [anchor.fingerprint], at?: Date): AssessOptions {
  return { keyring, anchors, now: at ?? now };
}

async function judge(signer: TestKey, keyring: Keyring, signedAt?: Date): Promise<TrustAssessment> {
  const key = keyring.get(signer.fingerprint);
  assert.ok(key, 'the signer is in the keyring');
  return assessSigner(key, key, signedAt ?? new Date(now.getTime() - DAY), options(keyring));
}

before(async () => {
  const tenDaysAgo = new Date(Date.now() - 10 * DAY);
  anchor = await makeKey('Anchor', { date: tenDaysAgo });
  other = await makeKey('Other Master', { date: tenDaysAgo });
  good = await certified(anchor, await makeKey('Good'));
  stranger = await certified(other, await makeKey('Stranger'));
  withdrawn = await revoked(anchor, await certified(anchor, await makeKey('Withdrawn')), 'left the project');
  ownerRevoked = await selfRevoked(await certified(anchor, await makeKey('Owner Revoked')));
  expired = await certified(anchor, await makeKey('Expired', { date: tenDaysAgo, expiresIn: 2 * 86_400 }));
  // A key made ten days ago to expire after two; five days ago its owner refreshed it to never expire.
  // The stale copy carries the anchor's certification, the fresh one only the new self-signatures.
  stale = await certified(anchor, await makeKey('Refreshed', { date: tenDaysAgo, expiresIn: 2 * 86_400 }));
  fresh = await refreshed(stale, new Date(Date.now() - 5 * DAY));
  // Dated an hour after the clock the judgements use: a signer's clock ahead, or a host behind.
  const hourAhead = new Date(Date.now() + 3_600_000);
  certifiedAhead = await certified(anchor, await makeKey('Certified Ahead', { date: tenDaysAgo }), hourAhead);
  revokedAhead = await revoked(
    anchor,
    await certified(anchor, await makeKey('Revoked Ahead', { date: tenDaysAgo }), new Date(Date.now() - 5 * DAY)),
    'left the project',
    hourAhead,
  );
  retiredAhead = await selfRevoked(await certified(anchor, await makeKey('Retired Ahead', { date: tenDaysAgo })), {
    retired: true,
    date: hourAhead,
  });
  subkeyWithdrawn = await subkeyRevoked(
    await certified(anchor, await makeKey('Subkey Withdrawn', { date: tenDaysAgo, signingSubkey: {} })),
  );
  reinstated = await certified(
    anchor,
    await revoked(
      anchor,
      await certified(anchor, await makeKey('Reinstated', { date: tenDaysAgo }), new Date(Date.now() - 5 * DAY)),
      'under review',
      new Date(Date.now() - 2 * DAY),
    ),
  );
  now = new Date();
});

describe('assessSigner', () => {
  describe('when the signer is an anchor', () => {
    it('is trusted because it is an anchor', async () => {
      const t = await judge(anchor, keyringOf());
      assert.equal(t.state, 'trusted');
      assert.equal(t.reason, 'the key is a trust anchor');
      assert.equal(t.isAnchor, true);
      assert.equal(t.gnupg, 'trusted');
    });
  });

  describe('when an anchor certified the signer', () => {
    it('is trusted, naming the anchor', async () => {
      const t = await judge(good, keyringOf([good.publicKey]));
      assert.equal(t.state, 'trusted');
      assert.equal(t.reason, `certified by anchor ${anchor.keyId}`);
      assert.deepEqual(
        t.certifications.map((c) => [c.anchor, c.state, c.hash]),
        [[anchor.fingerprint, 'valid', 'SHA512']],
      );
    });

    it("is untrusted when the anchor's own key is not loaded", async () => {
      const keyring = new Keyring();
      keyring.addKeys([good.publicKey], { origin: 'keys', path: 'good.asc' });
      const t = await judge(good, keyring);
      assert.equal(t.state, 'untrusted');
      assert.match(t.reason, /is not valid: the anchor's public key [0-9A-F]{16} is not among the loaded keys$/);
    });
  });

  describe('when only a key that is not an anchor certified the signer', () => {
    it('is untrusted', async () => {
      const keyring = new Keyring();
      keyring.addKeys([other.publicKey, stranger.publicKey], { origin: 'keys', path: 'k.asc' });
      const t = await judge(stranger, keyring);
      assert.equal(t.state, 'untrusted');
      assert.equal(t.reason, 'the signing key is not certified by any trust anchor');
      assert.equal(t.gnupg, 'untrusted');
    });
  });

  describe('when the anchor revoked its certification', () => {
    it('is revoked, with the reason', async () => {
      const t = await judge(withdrawn, keyringOf([withdrawn.publicKey]));
      assert.equal(t.state, 'revoked');
      assert.match(
        t.reason,
        new RegExp(
          `^the certification by anchor ${anchor.keyId} is revoked \\(revoked on \\d{4}-\\d\\d-\\d\\d: left the project\\)$`,
        ),
      );
    });

    it('is trusted again when the anchor certified the key after revoking, and both facts are reported', async () => {
      const t = await judge(reinstated, keyringOf([reinstated.publicKey]));
      assert.equal(t.state, 'trusted', t.reason);
      assert.equal(t.gnupg, 'trusted');
      assert.deepEqual(t.certifications.map((c) => c.state).sort(), ['revoked', 'valid']);
    });

    it('stays revoked when the revocation and the certification come from different files', async () => {
      const t = await judge(withdrawn, keyringOf([good.publicKey], [withdrawn.publicKey, STALE]));
      assert.equal(t.state, 'revoked');
    });
  });

  describe("when an anchor's statement is dated after this host's clock (as GnuPG 2.2 reads it)", () => {
    it('counts a certification, with a CERTIFICATION_IN_FUTURE warning', async () => {
      const t = await judge(certifiedAhead, keyringOf([certifiedAhead.publicKey]));
      assert.equal(t.state, 'trusted', t.reason);
      assert.equal(t.gnupg, 'trusted');
      assert.deepEqual(
        t.warnings.map((w) => w.code),
        ['CERTIFICATION_IN_FUTURE'],
      );
      assert.match(t.warnings[0]?.message ?? '', /after this host's clock .*check the clock$/);
    });

    it("counts the owner's soft revocation (key retired): the key is revoked", async () => {
      const t = await judge(retiredAhead, keyringOf([retiredAhead.publicKey]));
      assert.equal(t.state, 'revoked', t.reason);
      assert.equal(t.gnupg, 'revoked-key');
    });

    it('counts a certification revocation: the key is revoked, not trusted', async () => {
      const t = await judge(revokedAhead, keyringOf([revokedAhead.publicKey]));
      assert.equal(t.state, 'revoked', t.reason);
      assert.match(t.reason, /left the project/);
    });
  });

  describe('when the owner revoked the key', () => {
    it('is revoked, and GnuPG sees a revoked key', async () => {
      const t = await judge(ownerRevoked, keyringOf([ownerRevoked.publicKey]));
      assert.equal(t.state, 'revoked');
      assert.match(t.reason, /^the signing key was revoked by its owner/);
      assert.equal(t.gnupg, 'revoked-key');
    });

    it('is revoked when the subkey that signed is, while GnuPG (and so FreePBX) still trusts the key', async () => {
      const keyring = keyringOf([subkeyWithdrawn.publicKey]);
      const key = keyring.get(subkeyWithdrawn.fingerprint);
      const subkey = key?.subkeys[0];
      assert.ok(key && subkey);
      const t = await assessSigner(key, subkey, new Date(now.getTime() - DAY), options(keyring));
      assert.equal(t.state, 'revoked');
      assert.equal(t.reason, 'the signing subkey was revoked by its owner');
      assert.equal(t.gnupg, 'trusted');
    });
  });

  describe('when the key has expired', () => {
    it('is expired, with the date', async () => {
      const t = await judge(expired, keyringOf([expired.publicKey]), new Date(now.getTime() - 9 * DAY));
      assert.equal(t.state, 'expired');
      assert.ok(t.expiredAt && t.expiredAt.getTime() < now.getTime());
      assert.equal(t.reason, `the signing key expired on ${t.expiredAt.toISOString()}`);
      assert.equal(t.gnupg, 'expired');
    });
  });

  describe('when a stale copy of a key meets a refreshed copy', () => {
    it('is expired with the stale copy alone', async () => {
      const t = await judge(stale, keyringOf([stale.publicKey, STALE]));
      assert.equal(t.state, 'expired');
    });

    for (const order of ['stale first', 'fresh first'] as const) {
      it(`is trusted with both (${order}): the newest self-signature wins, and the report can say whose it is`, async () => {
        const copies: Array<[PublicKey, KeyFileRef]> = [
          [stale.publicKey, STALE],
          [fresh.publicKey, FRESH],
        ];
        const keyring = keyringOf(...(order === 'stale first' ? copies : copies.reverse()));
        const t = await judge(stale, keyring);
        assert.equal(t.state, 'trusted', t.reason);
        assert.equal(t.expiredAt, undefined);
        assert.ok(t.selfSignature);
        assert.deepEqual(keyring.originOf(t.selfSignature.id), FRESH);
        assert.deepEqual(
          t.certifications.map((c) => keyring.originOf(c.signatureId)),
          [STALE],
          "the anchor's certification came with the stale copy",
        );
      });
    }
  });
});

describe('assessSigningKey and trustCacheKey', () => {
  it('judge a key the same with or without a memoised key judgement', async () => {
    const keyring = keyringOf([withdrawn.publicKey], [good.publicKey]);
    for (const signer of [good, withdrawn, anchor]) {
      const key = keyring.get(signer.fingerprint);
      assert.ok(key);
      const memo = await assessSigningKey(key, key, options(keyring));
      const signedAt = new Date(now.getTime() - DAY);
      assert.deepEqual(
        await assessSigner(key, key, signedAt, options(keyring), memo),
        await assessSigner(key, key, signedAt, options(keyring)),
      );
    }
  });

  it('give the same cache key for keyrings with the same copies of the signer and the anchors, whatever else they hold', () => {
    const small = keyringOf([good.publicKey]);
    const large = keyringOf([withdrawn.publicKey], [good.publicKey], [stranger.publicKey]);
    const keyOf = (keyring: Keyring): string => {
      const key = keyring.get(good.fingerprint);
      assert.ok(key);
      return trustCacheKey(key, key, options(keyring));
    };
    assert.equal(keyOf(small), keyOf(large));
  });

  it('give another cache key when the anchors, the time, or the material of the signer or of an anchor change', async () => {
    const keyring = keyringOf([good.publicKey]);
    const key = keyring.get(good.fingerprint);
    assert.ok(key);
    const base = trustCacheKey(key, key, options(keyring));
    assert.notEqual(trustCacheKey(key, key, options(keyring, [anchor.fingerprint, other.fingerprint])), base);
    assert.notEqual(trustCacheKey(key, key, options(keyring, [anchor.fingerprint], new Date(now.getTime() + 1))), base);

    const revokedToo = keyringOf([good.publicKey], [(await revoked(anchor, good)).publicKey]);
    const again = revokedToo.get(good.fingerprint);
    assert.ok(again);
    assert.notEqual(trustCacheKey(again, again, options(revokedToo)), base);

    const refreshedAnchor = await refreshed(anchor, new Date(now.getTime() - DAY));
    const withOtherAnchor = keyringOf([good.publicKey], [refreshedAnchor.publicKey]);
    const same = withOtherAnchor.get(good.fingerprint);
    assert.ok(same);
    assert.notEqual(trustCacheKey(same, same, options(withOtherAnchor)), base, "the anchor's own key changed");
  });
});
