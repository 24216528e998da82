// Does the key that made a good signature deserve trust? FreePBX's model, one level deep: a signing key
// is trusted when it is an anchor (a pinned master fingerprint) or carries a valid certification by an
// anchor, and neither the key nor that certification is revoked, and the key has not expired.
//
// Trust comes only from anchor fingerprints and signatures we verify here; never from which file a key
// came from, nor from GnuPG trust databases. We also work out what GnuPG 2.2 (and so FreePBX) would
// conclude, because the two differ on real keys and reports show both.
//
// The judgement of a key (assessSigningKey) is a pure function of the key's material, the anchors and
// their material, and the time: trustCacheKey() names exactly that, so a caller can judge each key
// once however many modules it signed. Only the signing-time checks depend on one signature.

import { enums } from 'openpgp';
import type { PublicKey, SignaturePacket, Subkey, User } from 'openpgp';
import { describeError } from '../errors.js';
import { hashName, verifyConfig } from './config.js';
import { signatureId } from './key-merge.js';
import type { Keyring } from './keyring.js';
import type { CertificationFact, GnupgView, TrustState } from './types.js';

export type { CertificationFact, GnupgView, TrustState } from './types.js';

// GnuPG 2.2 rejects third-party SHA-1 certifications made on or after this date ("third-party key
// signatures using the SHA1 algorithm are rejected"); see docs/freepbx-keys.md.
const GNUPG_SHA1_CERTIFICATION_CUTOFF = Date.UTC(2019, 0, 19);

export interface TrustWarning {
  readonly code: 'KEY_RESIGNED_AFTER_SIGNATURE' | 'GNUPG_REJECTS_CERTIFICATION' | 'CERTIFICATION_IN_FUTURE';
  readonly message: string;
}

export interface TrustAssessment {
  readonly state: TrustState;
  /** One sentence: why this state. */
  readonly reason: string;
  readonly isAnchor: boolean;
  readonly certifications: readonly CertificationFact[];
  readonly expiredAt?: Date;
  readonly gnupg: GnupgView;
  readonly warnings: readonly TrustWarning[];
  /** The self-signature in effect (expiry, key flags): the newest valid one of all copies merged. */
  readonly selfSignature: SelfSignatureFact | undefined;
}

export interface SelfSignatureFact {
  /** signatureId() of the packet: the keyring says which file supplied it. */
  readonly id: string;
  readonly created: Date | undefined;
}

export interface AssessOptions {
  readonly keyring: Keyring;
  readonly anchors: readonly string[];
  readonly now: Date;
}

/**
 * What can be said of a signing key without looking at any one signature: data only, a pure function
 * of the inputs trustCacheKey() names, so it can be computed once per key and shared (by modules, and
 * by installations whose copies of the key and of the anchors are the same).
 */
export interface KeyTrust {
  readonly isAnchor: boolean;
  readonly certifications: readonly CertificationFact[];
  /** The revoked certification that withdraws the key: none when the anchor certified it again later. */
  readonly withdrawal: CertificationFact | undefined;
  /** Why the key (or the signing subkey) is revoked by its owner, when it is. */
  readonly selfRevocation: string | undefined;
  readonly expiredAt: Date | undefined;
  readonly gnupg: GnupgView;
  /** Warnings about the key itself (GNUPG_REJECTS_CERTIFICATION). */
  readonly warnings: readonly TrustWarning[];
  readonly selfSignature: SelfSignatureFact | undefined;
}

/**
 * The memoisation key of assessSigningKey(): everything its answer depends on. The signing key's
 * material (all copies merged) and which (sub)key signed, the anchors and the material of each anchor
 * key, and the time trust is judged at. Two keyrings holding the same copies of these keys give the
 * same key, however their other keys differ.
 */
export function trustCacheKey(key: PublicKey, signingKey: PublicKey | Subkey, options: AssessOptions): string {
  const fingerprint = key.getFingerprint().toUpperCase();
  const anchors = [...new Set(options.anchors.map((a) => a.toUpperCase()))].sort();
  return [
    fingerprint,
    options.keyring.keyContentId(fingerprint) ?? 'absent',
    signingKey.getFingerprint().toUpperCase(),
    ...anchors.map((a) => `${a}=${options.keyring.keyContentId(a) ?? 'absent'}`),
    options.now.getTime(),
  ].join('\0');
}

/** The key-level judgement: certifications by anchors, revocation by the owner, expiry, GnuPG's view. */
export async function assessSigningKey(
  key: PublicKey,
  signingKey: PublicKey | Subkey,
  options: AssessOptions,
): Promise<KeyTrust> {
  const { now } = options;
  const fingerprint = key.getFingerprint().toUpperCase();
  const isAnchor = options.anchors.some((a) => a.toUpperCase() === fingerprint);
  const warnings: TrustWarning[] = [];
  const { facts: certifications, withdrawal } = isAnchor
    ? { facts: [], withdrawal: undefined }
    : await collectCertifications(key, options);

  const valid = certifications.filter((c) => c.state === 'valid');
  const gnupgIgnored = valid.find((c) => !c.gnupgAccepts);
  if (gnupgIgnored && !valid.some((c) => c.gnupgAccepts)) {
    warnings.push({
      code: 'GNUPG_REJECTS_CERTIFICATION',
      message: `the certification by ${shortId(gnupgIgnored.anchor)} is SHA-1 and made after 2019-01-19: GnuPG 2.2 ignores it, so FreePBX sees the key as untrusted (status 7)`,
    });
  }
  const future = [...certifications]
    .reverse()
    .find((c) => c.state !== 'invalid' && c.created !== undefined && c.created > now);
  if (future?.created) {
    warnings.push({
      code: 'CERTIFICATION_IN_FUTURE',
      message: `the ${future.state === 'revoked' ? 'revoked ' : ''}certification by ${shortId(future.anchor)} is dated ${future.created.toISOString()}, after this host's clock (${now.toISOString()}): counted, as GnuPG counts it; check the clock`,
    });
  }
  const selfSignature = await selfSignatureInEffect(key, now);
  const revocation = await selfRevoked(key, signingKey, now);
  const selfRevocation = revocation?.reason;
  const expiredAt = revocation ? undefined : await expiry(key, signingKey, now);
  const gnupgCertified = isAnchor || certifications.some((c) => c.state === 'valid' && c.gnupgAccepts);
  // GnuPG reports a signature by a revoked signing subkey (REVKEYSIG) but still counts the key valid
  // (TRUST_FULLY), and FreePBX ignores REVKEYSIG: to FreePBX such a signature is good and trusted
  // (test/e2e/gnupg.test.ts). Only a revoked primary key changes GnuPG's view.
  const gnupgExpired = revocation && !revocation.primary ? await expiry(key, signingKey, now) : expiredAt;
  const gnupg: GnupgView = revocation?.primary
    ? 'revoked-key'
    : gnupgExpired
      ? 'expired'
      : gnupgCertified
        ? 'trusted'
        : certifications.some((c) => c.state === 'revoked' && c.freepbxSeesRevocation)
          ? 'revoked-certification'
          : 'untrusted';
  return { isAnchor, certifications, withdrawal, selfRevocation, expiredAt, gnupg, warnings, selfSignature };
}

/**
 * Judges the key that made a good signature made at `signatureCreated`. `keyTrust` is
 * assessSigningKey()'s answer for the same key and options, when the caller memoised it.
 */
export async function assessSigner(
  key: PublicKey,
  signingKey: PublicKey | Subkey,
  signatureCreated: Date | undefined,
  options: AssessOptions,
  keyTrust?: KeyTrust,
): Promise<TrustAssessment> {
  const trust = keyTrust ?? (await assessSigningKey(key, signingKey, options));
  const { isAnchor, certifications, gnupg, selfSignature } = trust;
  const warnings: TrustWarning[] = [...trust.warnings];
  const resigned = resignedAfter(key, signatureCreated);
  if (resigned) {
    warnings.push({
      code: 'KEY_RESIGNED_AFTER_SIGNATURE',
      message: `the key's self-signature (${resigned.toISOString().slice(0, 10)}) is newer than the module signature; accepted, as GnuPG does`,
    });
  }

  const base = { isAnchor, certifications, warnings, gnupg, selfSignature };
  if (trust.selfRevocation) {
    return { ...base, state: 'revoked', reason: trust.selfRevocation };
  }
  // A master revoking its certification is FreePBX's only way to withdraw a key; honour it even when
  // another certification remains (GnuPG would still count that one; the report shows both views),
  // unless the same anchor certified the key again after revoking.
  const revokedCert = trust.withdrawal;
  if (revokedCert) {
    return {
      ...base,
      state: 'revoked',
      reason: `the certification by anchor ${shortId(revokedCert.anchor)} is revoked${revokedCert.reason ? ` (${revokedCert.reason})` : ''}`,
    };
  }
  if (trust.expiredAt) {
    return {
      ...base,
      state: 'expired',
      reason: `the signing key expired on ${trust.expiredAt.toISOString()}`,
      expiredAt: trust.expiredAt,
    };
  }
  const unusable = await unusableAtSigningTime(key, signingKey, signatureCreated, options.now);
  if (unusable) {
    return { ...base, state: 'untrusted', reason: `the key could not sign when the signature was made: ${unusable}` };
  }
  if (isAnchor) {
    return { ...base, state: 'trusted', reason: 'the key is a trust anchor' };
  }
  const certified = certifications.find((c) => c.state === 'valid');
  if (certified) {
    return { ...base, state: 'trusted', reason: `certified by anchor ${shortId(certified.anchor)}` };
  }
  const invalid = certifications.find((c) => c.state === 'invalid');
  return {
    ...base,
    state: 'untrusted',
    reason: invalid
      ? `the certification by anchor ${shortId(invalid.anchor)} is not valid: ${invalid.reason ?? 'unknown reason'}`
      : 'the signing key is not certified by any trust anchor',
  };
}

// Every certification an anchor made on one of the key's user IDs, with what became of it. For each
// anchor and user ID the newest valid statement wins: a certification revocation revokes the
// certifications made before it (RFC 9580 5.2.1.12), a newer certification reinstates.
async function collectCertifications(
  key: PublicKey,
  options: AssessOptions,
): Promise<{ facts: CertificationFact[]; withdrawal: CertificationFact | undefined }> {
  const anchorByKeyId = new Map(options.anchors.map((fpr) => [fpr.slice(-16), fpr]));
  const facts: CertificationFact[] = [];
  let withdrawal: CertificationFact | undefined;
  for (const user of key.users) {
    if (!user.userID) continue;
    const userId = user.userID.userID;
    const revocations = await validAnchorRevocations(key, user, anchorByKeyId, options);
    const revokedHere: Array<{ fact: CertificationFact; revoked: Date | undefined }> = [];
    const validHere: CertificationFact[] = [];
    for (const cert of user.otherCertifications) {
      const anchor = anchorByKeyId.get(cert.issuerKeyID.toHex().toUpperCase());
      if (!anchor) continue;
      const anchorKey = options.keyring.get(anchor);
      const base = {
        anchor,
        userId,
        freepbxSeesRevocation: anchorKey?.keyPacket.algorithm === enums.publicKey.rsaEncryptSign,
        created: cert.created ?? undefined,
        hash: hashName(cert.hashAlgorithm),
        signatureId: signatureId(cert),
        gnupgAccepts: !(
          cert.hashAlgorithm === enums.hash.sha1 && (cert.created?.getTime() ?? 0) >= GNUPG_SHA1_CERTIFICATION_CUTOFF
        ),
      };
      const problem = await certificationProblem(key, user, cert, anchor, options);
      if (problem) {
        facts.push({ ...base, state: 'invalid', reason: problem });
        continue;
      }
      const revocation = revocations.find(
        (r) => r.anchor === anchor && (r.created?.getTime() ?? 0) >= (cert.created?.getTime() ?? 0),
      );
      const fact: CertificationFact = revocation
        ? { ...base, state: 'revoked', reason: revocation.reason }
        : { ...base, state: 'valid' };
      facts.push(fact);
      if (revocation) revokedHere.push({ fact, revoked: revocation.created });
      else validHere.push(fact);
    }
    // A revocation withdraws the key unless the same anchor certified this user ID again after it: its
    // newest statement wins, as in GnuPG (test/e2e/gnupg.test.ts).
    withdrawal ??= revokedHere.find(
      ({ fact, revoked }) =>
        !validHere.some((v) => v.anchor === fact.anchor && (v.created?.getTime() ?? 0) > (revoked?.getTime() ?? 0)),
    )?.fact;
  }
  return { facts, withdrawal };
}

async function certificationProblem(
  key: PublicKey,
  user: User,
  cert: SignaturePacket,
  anchor: string,
  options: AssessOptions,
): Promise<string | undefined> {
  const anchorKey = options.keyring.get(anchor);
  if (!anchorKey) return `the anchor's public key ${shortId(anchor)} is not among the loaded keys`;
  try {
    await anchorKey.verifyPrimaryKey(options.now, undefined, verifyConfig);
  } catch (error) {
    return `the anchor key ${shortId(anchor)} is not valid: ${describeError(error)}`;
  }
  try {
    await cert.verify(
      anchorKey.keyPacket,
      cert.signatureType ?? enums.signature.certGeneric,
      { userID: user.userID, key: key.keyPacket },
      checkedAt(cert, options.now),
      false,
      verifyConfig,
    );
  } catch (error) {
    return describeError(error);
  }
  try {
    // The certified user ID must still be valid on the key itself (self-signed, not withdrawn).
    await user.verify(options.now, verifyConfig);
  } catch (error) {
    return `user ID ${JSON.stringify(user.userID?.userID)}: ${describeError(error)}`;
  }
  return undefined;
}

interface AnchorRevocation {
  readonly anchor: string;
  readonly created: Date | undefined;
  readonly reason: string;
}

async function validAnchorRevocations(
  key: PublicKey,
  user: User,
  anchorByKeyId: ReadonlyMap<string, string>,
  options: AssessOptions,
): Promise<AnchorRevocation[]> {
  const found: AnchorRevocation[] = [];
  for (const revocation of user.revocationSignatures) {
    const anchor = anchorByKeyId.get(revocation.issuerKeyID.toHex().toUpperCase());
    const anchorKey = anchor ? options.keyring.get(anchor) : undefined;
    if (!anchor || !anchorKey) continue;
    try {
      await revocation.verify(
        anchorKey.keyPacket,
        enums.signature.certRevocation,
        { userID: user.userID, key: key.keyPacket },
        checkedAt(revocation, options.now),
        false,
        verifyConfig,
      );
    } catch {
      continue; // a revocation that does not verify revokes nothing
    }
    const when = revocation.created ? ` on ${revocation.created.toISOString().slice(0, 10)}` : '';
    const why = revocation.reasonForRevocationString ? `: ${revocation.reasonForRevocationString}` : '';
    found.push({ anchor, created: revocation.created ?? undefined, reason: `revoked${when}${why}` });
  }
  return found;
}

/** Why the key, or the subkey that signed, is revoked by its owner; `primary` says which. */
async function selfRevoked(
  key: PublicKey,
  signingKey: PublicKey | Subkey,
  now: Date,
): Promise<{ readonly reason: string; readonly primary: boolean } | undefined> {
  if (await key.isRevoked(undefined, undefined, latestOf(key.revocationSignatures, now), verifyConfig)) {
    const why = key.revocationSignatures.find((s) => s.reasonForRevocationString)?.reasonForRevocationString;
    return { reason: `the signing key was revoked by its owner${why ? ` (${why})` : ''}`, primary: true };
  }
  if (signingKey !== key) {
    const subkey = signingKey as Subkey;
    const at = latestOf(subkey.revocationSignatures, now);
    for (const binding of subkey.bindingSignatures) {
      if (await subkey.isRevoked(binding, key.keyPacket, at, verifyConfig))
        return { reason: 'the signing subkey was revoked by its owner', primary: false };
    }
  }
  return undefined;
}

async function expiry(key: PublicKey, signingKey: PublicKey | Subkey, now: Date): Promise<Date | undefined> {
  const expires = [await key.getExpirationTime(undefined, verifyConfig)];
  if (signingKey !== key) expires.push(await (signingKey as Subkey).getExpirationTime(undefined, verifyConfig));
  for (const when of expires) {
    if (when instanceof Date && when.getTime() <= now.getTime()) return when;
  }
  return undefined;
}

// openpgp.js's own check that the key (or subkey) could sign when the signature was made: not newer
// than the signature, bound, signing-capable, not yet expired then. Replays openpgp.verify(): a key
// re-self-signed after the signature ("creation time is in the future") must be usable now instead.
async function unusableAtSigningTime(
  key: PublicKey,
  signingKey: PublicKey | Subkey,
  created: Date | undefined,
  now: Date,
): Promise<string | undefined> {
  if (created && signingKey.getCreationTime() > created) return 'the key is newer than the signature';
  try {
    await key.getSigningKey(signingKey.getKeyID(), created ?? null, undefined, verifyConfig);
    return undefined;
  } catch (error) {
    if (!/Signature creation time is in the future/.test(describeError(error))) return describeError(error);
  }
  try {
    await key.getSigningKey(signingKey.getKeyID(), now, undefined, verifyConfig);
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

// The self-signature openpgp.js reads expiry and key flags from: the newest valid one on the primary
// user ID. With copies merged, a refreshed self-signature wins over a stale copy's.
async function selfSignatureInEffect(key: PublicKey, now: Date): Promise<SelfSignatureFact | undefined> {
  try {
    const { selfCertification } = await key.getPrimaryUser(now, undefined, verifyConfig);
    return { id: signatureId(selfCertification), created: selfCertification.created ?? undefined };
  } catch {
    return undefined; // no valid self-signature today: expiry and revocation say why
  }
}

function resignedAfter(key: PublicKey, created: Date | undefined): Date | undefined {
  if (!created) return undefined;
  let earliest: Date | undefined;
  for (const user of key.users) {
    for (const sig of user.selfCertifications) {
      if (sig.created && (!earliest || sig.created < earliest)) earliest = sig.created;
    }
  }
  return earliest && earliest > created ? earliest : undefined;
}

// When to check an anchor's certification or certification revocation. openpgp.js refuses a signature
// made after the date it is given; GnuPG (and so FreePBX) counts one made after this host's clock (a
// signer's clock ahead, or a PBX at boot before its clock is set: tested with GnuPG 2.2.40 in
// test/e2e/gnupg.test.ts). Such a signature is checked at its own creation time: a certification then
// makes trust, and a revocation revokes (ignoring it would turn a withdrawn key back into a trusted one).
function checkedAt(signature: SignaturePacket, now: Date): Date {
  return signature.created && signature.created > now ? signature.created : now;
}

// When to check an owner's revocations: the newest one's date when it is after this host's clock.
// openpgp.js counts a soft revocation ("key retired", "superseded") only once its date has come; GnuPG 2.2
// counts one dated after the clock too (test/e2e/gnupg.test.ts), and a revocation must never be lost
// to a clock that is behind.
function latestOf(revocations: readonly SignaturePacket[], now: Date): Date {
  let latest = now;
  for (const revocation of revocations)
    if (revocation.created && revocation.created > latest) latest = revocation.created;
  return latest;
}

function shortId(fingerprint: string): string {
  return fingerprint.slice(-16);
}
