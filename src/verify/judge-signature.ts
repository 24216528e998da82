// The coordinator's signature step: check a module.sig's signature, then judge its signer, and put
// the answer in report form with GnuPG's view beside ours. Everything that needs openpgp.js is
// reached through this module, which verify-modules.ts imports lazily so hashing starts first.

import type { PublicKey, Subkey } from 'openpgp';
import { ManifestError } from '../errors.js';
import type { GnupgSignatureView } from '../freepbx/status.js';
import type { Clearsigned } from '../manifest/cleartext.js';
import { verifyConfig } from '../pgp/config.js';
import type { KeyFileRef, Keyring } from '../pgp/keyring.js';
import { checkSignature } from '../pgp/signature.js';
import type { SignatureCheck } from '../pgp/signature.js';
import { assessSigner, assessSigningKey, trustCacheKey } from '../pgp/trust.js';
import type { KeyTrust, TrustAssessment } from '../pgp/trust.js';
import type { KeyMaterialReport, KeySourceReport, Notice, SignerReport } from '../report/types.js';

export { loadKeySources } from '../pgp/key-sources.js';

/** Key judgements by trustCacheKey(): share one across keyrings to judge each key once per session. */
export type TrustCache = Map<string, Promise<KeyTrust>>;

export interface JudgeContext {
  readonly keyring: Keyring;
  readonly anchors: readonly string[];
  readonly now: Date;
  /**
   * Where key judgements are memoised. Without one, each keyring gets its own (so a key is judged
   * once per keyring); a cache shared by a whole session also serves installations whose copies of
   * the signing key and the anchors are the same. Entries are small data (no key objects).
   */
  readonly trustCache?: TrustCache;
}

const cacheOfKeyring = new WeakMap<Keyring, TrustCache>();

export type Judgement =
  | { readonly kind: 'unreadable'; readonly error: ManifestError }
  | {
      readonly kind: 'checked';
      readonly check: SignatureCheck;
      readonly trust: TrustAssessment | undefined;
      readonly signer: SignerReport;
      readonly gnupg: GnupgSignatureView;
      readonly warnings: readonly Notice[];
    };

export async function judgeSignature(clear: Clearsigned, context: JudgeContext): Promise<Judgement> {
  let check: SignatureCheck;
  try {
    check = await checkSignature(clear, context.keyring, context.now);
  } catch (error) {
    if (error instanceof ManifestError) return { kind: 'unreadable', error };
    throw error;
  }
  const trust =
    check.outcome === 'good'
      ? await assessSigner(
          check.key,
          check.signingKey,
          check.facts.created,
          context,
          await keyTrust(check.key, check.signingKey, context),
        )
      : undefined;
  const key = check.outcome === 'no-key' ? undefined : check.key;
  const userId = key ? await primaryUserId(key) : null;

  const warnings: Notice[] = [];
  if (check.outcome === 'good' && check.facts.hash === 'SHA1') {
    warnings.push({
      code: 'SIGNATURE_SHA1',
      message:
        'signed with a SHA-1 digest (as every official FreePBX module is); accepted, but SHA-1 is collision-prone',
    });
  }
  const created = check.facts.created;
  if (check.outcome === 'good' && created !== undefined && created > context.now) {
    warnings.push({
      code: 'SIGNATURE_IN_FUTURE',
      message: `signed at ${created.toISOString()}, after this host's clock (${context.now.toISOString()}): GnuPG and FreePBX accept it; check the clock`,
    });
  }
  for (const w of trust?.warnings ?? []) warnings.push(w);

  const fingerprint = key ? key.getFingerprint().toUpperCase() : null;
  const signingFingerprint = check.outcome === 'good' ? check.signingKey.getFingerprint().toUpperCase() : null;
  const signer: SignerReport = {
    keyId: check.facts.issuerKeyId,
    fingerprint,
    subkeyFingerprint: signingFingerprint !== null && signingFingerprint !== fingerprint ? signingFingerprint : null,
    userId,
    signedAt: check.facts.created?.toISOString() ?? null,
    digest: check.facts.hash,
    check: check.outcome,
    ...(check.outcome === 'bad' ? { checkFailure: check.reason } : {}),
    trust: trust
      ? {
          state: trust.state,
          reason: trust.reason,
          anchor: trust.isAnchor,
          gnupg: trust.gnupg,
          certifications: trust.certifications.map((c) => ({
            anchor: c.anchor,
            userId: c.userId,
            created: c.created?.toISOString() ?? null,
            hash: c.hash,
            state: c.state,
            ...(c.reason !== undefined ? { reason: c.reason } : {}),
            gnupgAccepts: c.gnupgAccepts,
            ...sourceField(context.keyring.originOf(c.signatureId)),
          })),
        }
      : null,
    keyMaterial: fingerprint !== null ? keyMaterial(context.keyring, fingerprint, trust) : null,
  };
  return { kind: 'checked', check, trust, signer, gnupg: gnupgView(check, trust, userId ?? ''), warnings };
}

// One judgement per key and keyring content (see trustCacheKey), however many modules the key signed.
function keyTrust(key: PublicKey, signingKey: PublicKey | Subkey, context: JudgeContext): Promise<KeyTrust> {
  let cache = context.trustCache ?? cacheOfKeyring.get(context.keyring);
  if (!cache) {
    cache = new Map();
    cacheOfKeyring.set(context.keyring, cache);
  }
  const cacheKey = trustCacheKey(key, signingKey, context);
  let judged = cache.get(cacheKey);
  if (!judged) {
    judged = assessSigningKey(key, signingKey, context);
    cache.set(cacheKey, judged);
  }
  return judged;
}

// Which key material judged the signer: every copy of its key that was loaded, and the copy whose
// self-signature is in effect (the newest valid one: a refreshed bundled copy over a stale one).
function keyMaterial(keyring: Keyring, fingerprint: string, trust: TrustAssessment | undefined): KeyMaterialReport {
  const self = trust?.selfSignature;
  const origin = self ? keyring.originOf(self.id) : undefined;
  return {
    copies: keyring.copiesOf(fingerprint).map(toSource),
    selfSignature: self && origin ? { ...toSource(origin), created: self.created?.toISOString() ?? null } : null,
  };
}

function toSource(ref: KeyFileRef): KeySourceReport {
  return { origin: ref.origin, file: ref.path };
}

function sourceField(ref: KeyFileRef | undefined): { source?: KeySourceReport } {
  return ref ? { source: toSource(ref) } : {};
}

function gnupgView(check: SignatureCheck, trust: TrustAssessment | undefined, userId: string): GnupgSignatureView {
  const keyId = check.facts.issuerKeyId;
  if (check.outcome === 'no-key') return { kind: 'no-key', keyId };
  if (check.outcome === 'bad')
    return check.errsig !== undefined ? { kind: 'error', statusLine: check.errsig } : { kind: 'bad', keyId, userId };
  return { kind: 'good', keyId, userId, signer: trust?.gnupg ?? 'untrusted' };
}

async function primaryUserId(key: PublicKey): Promise<string | null> {
  try {
    const primary = await key.getPrimaryUser(undefined, undefined, verifyConfig);
    return primary.user.userID?.userID ?? null;
  } catch {
    // An expired or revoked key has no valid primary user today; show the first user ID it carries.
    return key.users.find((u) => u.userID)?.userID?.userID ?? null;
  }
}
