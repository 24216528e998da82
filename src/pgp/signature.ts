// Cryptographic check of a module.sig signature over its signed text. Only the mathematics and the
// framing here: whether the signer deserves trust is trust.ts's question. Keeping the two apart is
// what lets us report a good signature by a revoked key as "revoked" rather than as "bad".

import { LiteralDataPacket, SignaturePacket, enums, readSignature } from 'openpgp';
import type { PublicKey, Subkey } from 'openpgp';
import { ManifestError, describeError } from '../errors.js';
import { encodeBytes } from '../fs/byte-string.js';
import type { Clearsigned } from '../manifest/cleartext.js';
import { hashName, toHex, verifyConfig } from './config.js';
import { checkArmorChecksum } from './armor-checksum.js';
import { isEddsaWithShortDigest, verifyEddsaWithShortDigest } from './eddsa-short-digest.js';
import type { Keyring } from './keyring.js';
import { confirmRsaTextSignature } from './rsa-text-signature.js';

export interface SignatureFacts {
  /** Issuer key ID from the signature packet (16 hex), the only trustworthy "who signed". */
  readonly issuerKeyId: string;
  /** Issuer fingerprint subpacket, when the signer's software wrote one. */
  readonly issuerFingerprint: string | undefined;
  readonly created: Date | undefined;
  /** Message digest algorithm, upper case ("SHA1", "SHA256", ...). */
  readonly hash: string;
}

export type SignatureCheck =
  | {
      readonly outcome: 'good';
      readonly facts: SignatureFacts;
      readonly key: PublicKey;
      readonly signingKey: PublicKey | Subkey;
      readonly packet: SignaturePacket;
    }
  | {
      readonly outcome: 'bad';
      readonly facts: SignatureFacts;
      readonly reason: string;
      readonly key?: PublicKey;
      /**
       * GnuPG's ERRSIG status line when GnuPG checks nothing (the `Hash:` header names another
       * digest), rather than BADSIG: FreePBX reads the two differently.
       */
      readonly errsig?: string;
    }
  | { readonly outcome: 'no-key'; readonly facts: SignatureFacts };

/**
 * Reads the signature block of a clear-signed module.sig and checks it over the signed text.
 * Throws ManifestError (MANIFEST_BAD_ARMOR) when the signature block itself cannot be read.
 */
export async function checkSignature(clear: Clearsigned, keyring: Keyring, now: Date): Promise<SignatureCheck> {
  const packet = await readSignaturePacket(clear);
  const facts: SignatureFacts = {
    issuerKeyId: packet.issuerKeyID.toHex().toUpperCase(),
    issuerFingerprint: packet.issuerFingerprint ? toHex(packet.issuerFingerprint) : undefined,
    created: packet.created ?? undefined,
    hash: hashName(packet.hashAlgorithm),
  };

  if (packet.signatureType !== enums.signature.text) {
    // A clear-signed text is always signed as canonical text (type 0x01); anything else was not made
    // by a clear-signing tool and would be checked over different bytes.
    return {
      outcome: 'bad',
      facts,
      reason: `signature type 0x${(packet.signatureType ?? 0).toString(16)} is not a text signature`,
    };
  }
  // GnuPG's "signature digest conflict": the digest must be one the Hash: headers announce, or
  // MD5 or SHA-1 when there is none (tested with GnuPG 2.2.40). It then checks nothing (ERRSIG).
  const announced = clear.hashHeaders.length > 0 ? clear.hashHeaders : ['MD5', 'SHA1'];
  if (!announced.includes(facts.hash)) {
    const created = packet.created ? Math.floor(packet.created.getTime() / 1000) : 0;
    return {
      outcome: 'bad',
      facts,
      reason:
        clear.hashHeaders.length > 0
          ? `the "Hash: ${clear.hashHeaders.join(', ')}" header does not name the signature's digest ${facts.hash}; GnuPG refuses it`
          : `no "Hash:" header, so GnuPG accepts only MD5 and SHA1 signatures; this one is ${facts.hash}`,
      errsig: `[GNUPG:] ERRSIG ${facts.issuerKeyId} ${packet.publicKeyAlgorithm ?? 0} ${packet.hashAlgorithm ?? 0} 01 ${created} 1 ${facts.issuerFingerprint ?? '-'}`,
    };
  }

  const candidates = keyring.candidates(facts.issuerKeyId, facts.issuerFingerprint);
  if (candidates.length === 0) return { outcome: 'no-key', facts };

  // GnuPG reads text that is not dash-escaped after a "NotDashEscaped:" header; pbxsig does not.
  const onlyKey = candidates.length === 1 ? candidates[0]?.key : undefined;
  if (clear.unsupportedHeader !== undefined) {
    return bad(
      facts,
      `the armor header ${JSON.stringify(clear.unsupportedHeader)} asks for text without dash-escaping, which GnuPG reads and pbxsig refuses`,
      onlyKey,
    );
  }

  // The exact bytes signed: module.sig may hold bytes that are not UTF-8 (fs/byte-string.ts).
  const text = encodeBytes(clear.text);
  const literal = new LiteralDataPacket();
  // setBytes is public in openpgp.js but typed private in its .d.ts.
  (literal as unknown as { setBytes(bytes: Uint8Array, format: enums.literal): void }).setBytes(
    text,
    enums.literal.binary,
  );

  // GnuPG (and so FreePBX) calls a signature made after this host's clock good: a signer's clock ahead,
  // or a PBX at boot before its clock is set. openpgp.js refuses one made after the date it is given,
  // so such a signature is checked at its own creation time (judge-signature.ts warns about the clock).
  const at = facts.created !== undefined && facts.created > now ? facts.created : now;
  let failure = '';
  let errsig: string | undefined;
  for (const { key, signingKey } of candidates) {
    // GnuPG refuses a key created after this host's clock ("time warp or clock problem") and checks
    // nothing: ERRSIG with code 6 (bad public key), as gpgv 2.2.40 prints it.
    const keyCreated = signingKey.keyPacket.created;
    if (keyCreated > now) {
      const seconds = Math.round((keyCreated.getTime() - now.getTime()) / 1000);
      failure = `the signing key was created ${seconds} s after this host's clock (${now.toISOString()}); GnuPG cannot check the signature then ("time warp or clock problem")`;
      errsig = `[GNUPG:] ERRSIG ${facts.issuerKeyId} ${packet.publicKeyAlgorithm ?? 0} ${packet.hashAlgorithm ?? 0} 01 ${packet.created ? Math.floor(packet.created.getTime() / 1000) : 0} 6 ${signingKey.getFingerprint().toUpperCase()}`;
      continue;
    }
    // Nor does it check a signature made before its key was ("public key ... is newer than the
    // signature", "Time conflict"): ERRSIG with code 39, as gpg 2.2.40 prints it (test/e2e/gnupg.test.ts).
    if (facts.created !== undefined && keyCreated > facts.created) {
      const seconds = Math.round((keyCreated.getTime() - facts.created.getTime()) / 1000);
      failure = `the signing key was made ${seconds} s after the signature (${facts.created.toISOString()}); GnuPG cannot check such a signature ("Time conflict")`;
      errsig = `[GNUPG:] ERRSIG ${facts.issuerKeyId} ${packet.publicKeyAlgorithm ?? 0} ${packet.hashAlgorithm ?? 0} 01 ${Math.floor(facts.created.getTime() / 1000)} 39 ${signingKey.getFingerprint().toUpperCase()}`;
      continue;
    }
    try {
      if (isEddsaWithShortDigest(packet)) {
        await verifyEddsaWithShortDigest(packet, signingKey.keyPacket, literal, at, verifyConfig);
      } else if (!(await confirmRsaTextSignature(packet, signingKey.keyPacket, text, at, verifyConfig))) {
        // Not confirmed by the quick check: openpgp.js decides, and says why when it fails.
        await packet.verify(signingKey.keyPacket, enums.signature.text, literal, at, true, verifyConfig);
      }
      return { outcome: 'good', facts, key, signingKey, packet };
    } catch (error) {
      failure = describeError(error);
      errsig = undefined;
    }
  }
  return bad(facts, failure, onlyKey, errsig);
}

function bad(facts: SignatureFacts, reason: string, key: PublicKey | undefined, errsig?: string): SignatureCheck {
  return {
    outcome: 'bad',
    facts,
    reason,
    ...(key ? { key } : {}),
    ...(errsig !== undefined ? { errsig } : {}),
  };
}

async function readSignaturePacket(clear: Clearsigned): Promise<SignaturePacket> {
  const checksum = checkArmorChecksum(clear.armoredSignature);
  if (checksum.state === 'mismatch' || checksum.state === 'malformed') {
    throw new ManifestError(
      'MANIFEST_BAD_ARMOR',
      checksum.state === 'mismatch'
        ? `the signature block's armor checksum is =${checksum.written}, but its data gives =${checksum.computed}: GnuPG stops there ("CRC error") and checks no signature`
        : `the signature block's armor checksum line ${JSON.stringify(checksum.line)} is not four base64 characters: GnuPG stops there ("malformed CRC") and checks no signature`,
    );
  }
  let packets: SignaturePacket[];
  try {
    const signature = await readSignature({ armoredSignature: clear.armoredSignature, config: verifyConfig });
    packets = [...signature.packets];
  } catch (error) {
    throw new ManifestError('MANIFEST_BAD_ARMOR', `the signature block cannot be read: ${describeError(error)}`);
  }
  const first: unknown = packets[0];
  if (!first || packets.length !== 1) {
    // FreePBX signs with exactly one key; several signatures would leave "who signed" ambiguous.
    throw new ManifestError('MANIFEST_BAD_ARMOR', `expected exactly one signature, found ${packets.length}`);
  }
  // openpgp.js keeps a packet it cannot parse (an unknown version, a truncated body) as an
  // "unparseable" one, with no issuer or algorithm: nothing to check.
  if (!(first instanceof SignaturePacket) || first.issuerKeyID === undefined) {
    throw new ManifestError(
      'MANIFEST_BAD_ARMOR',
      'the signature block holds a signature packet that cannot be parsed (an unknown version, or a damaged body)',
    );
  }
  return first;
}
