import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decideVerdict } from '../../../src/verify/verdict.js';
import type { Evidence } from '../../../src/verify/verdict.js';

// A module that passes every check; each test spoils what it is about.
const CLEAN: Evidence = {
  signed: true,
  signature: 'good',
  trust: 'trusted',
  altered: 0,
  missing: 0,
  unreadableFiles: 0,
  unsafe: 0,
};

function verdictOf(changes: Partial<Evidence>): string {
  return decideVerdict({ ...CLEAN, ...changes }).verdict;
}

describe('decideVerdict', () => {
  describe('when the signature is good, the signer trusted and every file matches', () => {
    it('gives verified', () => {
      assert.deepEqual(decideVerdict(CLEAN), {
        verdict: 'verified',
        summary: 'good signature by a trusted key; every listed file matches',
      });
    });
  });

  describe('when there is no module.sig', () => {
    it('gives unsigned', () => {
      assert.deepEqual(decideVerdict({ signed: false, altered: 0, missing: 0, unreadableFiles: 0, unsafe: 0 }), {
        verdict: 'unsigned',
        summary: 'no module.sig',
      });
    });

    it('gives unsigned whatever else is reported', () => {
      assert.equal(verdictOf({ signed: false, signature: 'bad', unreadable: 'x', missing: 3 }), 'unsigned');
    });
  });

  describe('when module.sig cannot be read as a clear-signed manifest', () => {
    it('gives invalid-manifest with the reason as summary', () => {
      const reason = 'module.sig cannot be used: no "-----BEGIN PGP SIGNED MESSAGE-----" line';
      assert.deepEqual(
        decideVerdict({ signed: true, unreadable: reason, altered: 0, missing: 0, unreadableFiles: 0, unsafe: 0 }),
        {
          verdict: 'invalid-manifest',
          summary: reason,
        },
      );
    });

    it('takes precedence over a bad signature', () => {
      assert.equal(verdictOf({ unreadable: 'broken armor', signature: 'bad' }), 'invalid-manifest');
    });
  });

  describe('when the signature does not match', () => {
    it('gives bad-signature, naming the failure', () => {
      const decision = decideVerdict({ ...CLEAN, signature: 'bad', signatureFailure: 'digest mismatch' });
      assert.equal(decision.verdict, 'bad-signature');
      assert.equal(decision.summary, 'the signature does not match module.sig: digest mismatch');
    });

    it('gives a default summary when no failure is named', () => {
      assert.equal(
        decideVerdict({ ...CLEAN, signature: 'bad' }).summary,
        'the signature does not match module.sig: bad signature',
      );
    });

    it('takes precedence over file problems, an invalid manifest and trust', () => {
      assert.equal(
        verdictOf({ signature: 'bad', altered: 2, missing: 1, manifestProblem: 'bad digest', trust: 'revoked' }),
        'bad-signature',
      );
    });
  });

  describe('when the signing key is not among the loaded keys', () => {
    it('gives unknown-signer with the failure as summary', () => {
      const decision = decideVerdict({
        ...CLEAN,
        signature: 'no-key',
        signatureFailure: 'no key with ID 86CE877469D2EAD9',
      });
      assert.deepEqual(decision, { verdict: 'unknown-signer', summary: 'no key with ID 86CE877469D2EAD9' });
    });

    it('gives a default summary when no failure is named', () => {
      assert.equal(
        decideVerdict({ ...CLEAN, signature: 'no-key' }).summary,
        'the signing key is not among the loaded keys',
      );
    });

    it('takes precedence over an expired signature and file problems', () => {
      assert.equal(verdictOf({ signature: 'no-key', expiredSignature: new Date(0), missing: 1 }), 'unknown-signer');
    });
  });

  describe('when the signer is revoked', () => {
    it('gives revoked with the trust reason as summary', () => {
      assert.deepEqual(
        decideVerdict({ ...CLEAN, trust: 'revoked', trustReason: 'the certification by 1588A736 is revoked' }),
        {
          verdict: 'revoked',
          summary: 'the certification by 1588A736 is revoked',
        },
      );
    });

    it('gives a default summary without a reason', () => {
      assert.equal(decideVerdict({ ...CLEAN, trust: 'revoked' }).summary, 'the signer is revoked');
    });
  });

  describe("when the manifest's expiresafter has passed", () => {
    it('gives revoked, naming the expiry time', () => {
      const decision = decideVerdict({ ...CLEAN, expiredSignature: new Date('2024-01-02T03:04:05Z') });
      assert.equal(decision.verdict, 'revoked');
      assert.equal(
        decision.summary,
        "the manifest's expiresafter (2024-01-02T03:04:05.000Z) has passed; FreePBX treats it as revoked",
      );
    });

    it('takes precedence over an expired key', () => {
      assert.equal(verdictOf({ expiredSignature: new Date(0), trust: 'expired' }), 'revoked');
    });
  });

  describe('when the signing key has expired', () => {
    it('gives expired with the trust reason as summary', () => {
      assert.deepEqual(decideVerdict({ ...CLEAN, trust: 'expired', trustReason: 'the key expired on 2020-01-01' }), {
        verdict: 'expired',
        summary: 'the key expired on 2020-01-01',
      });
    });

    it('gives a default summary without a reason', () => {
      assert.equal(decideVerdict({ ...CLEAN, trust: 'expired' }).summary, 'the signing key has expired');
    });

    it('loses to a revoked signer', () => {
      // A key can be both; revocation is the more severe finding.
      assert.equal(verdictOf({ trust: 'revoked' }), 'revoked');
      assert.equal(verdictOf({ trust: 'expired', missing: 1 }), 'expired');
    });
  });

  describe('when the signer is not trusted', () => {
    it('gives untrusted-signer with the trust reason as summary', () => {
      assert.deepEqual(decideVerdict({ ...CLEAN, trust: 'untrusted', trustReason: 'no certification by an anchor' }), {
        verdict: 'untrusted-signer',
        summary: 'no certification by an anchor',
      });
    });

    it('gives a default summary without a reason', () => {
      assert.equal(decideVerdict({ ...CLEAN, trust: 'untrusted' }).summary, 'the signer is not trusted');
    });

    it('treats a good signature with no trust assessment as untrusted', () => {
      assert.equal(
        decideVerdict({ signed: true, signature: 'good', altered: 0, missing: 0, unreadableFiles: 0, unsafe: 0 })
          .verdict,
        'untrusted-signer',
      );
    });

    it('takes precedence over an invalid manifest and file problems', () => {
      assert.equal(
        verdictOf({ trust: 'untrusted', manifestProblem: 'no [hashes] section', altered: 1 }),
        'untrusted-signer',
      );
    });
  });

  describe('when the signed manifest is not usable', () => {
    it('gives invalid-manifest with the problem as summary', () => {
      assert.deepEqual(
        decideVerdict({ ...CLEAN, manifestProblem: 'the signed manifest is invalid: line 9: key "a(b" contains "("' }),
        {
          verdict: 'invalid-manifest',
          summary: 'the signed manifest is invalid: line 9: key "a(b" contains "("',
        },
      );
    });

    it('takes precedence over file problems', () => {
      assert.equal(verdictOf({ manifestProblem: 'duplicate path', altered: 1, missing: 1 }), 'invalid-manifest');
    });
  });

  describe('when listed files are not as signed', () => {
    it('gives tampered and names every count in the summary', () => {
      assert.deepEqual(decideVerdict({ ...CLEAN, altered: 2, missing: 3, unreadableFiles: 1, unsafe: 4 }), {
        verdict: 'tampered',
        summary: '10 files not as signed: 2 altered, 3 missing, 1 unreadable, 4 unsafe',
      });
    });

    it('leaves zero counts out of the summary', () => {
      assert.equal(decideVerdict({ ...CLEAN, missing: 2 }).summary, '2 files not as signed: 2 missing');
    });

    it('says "file" for a single problem', () => {
      assert.equal(decideVerdict({ ...CLEAN, altered: 1 }).summary, '1 file not as signed: 1 altered');
    });

    for (const field of ['altered', 'missing', 'unreadableFiles', 'unsafe'] as const) {
      it(`gives tampered for ${field} alone`, () => {
        assert.equal(verdictOf({ [field]: 1 }), 'tampered');
      });
    }
  });
});
