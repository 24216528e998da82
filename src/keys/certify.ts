// Certifications by a master key, FreePBX's whole trust model: "getting your key signed by FreePBX"
// is a certification of the developer key's user IDs by a master key, and revoking a developer key is
// a certification revocation by that master. openpgp.js makes certifications; it has no API for a
// third-party certification revocation, so that one is built here from a SignaturePacket.

import { PublicKey, SignaturePacket, config as defaults, enums } from 'openpgp';
import type { PrivateKey } from 'openpgp';

export interface CertifyOptions {
  readonly date?: Date;
}

/** Returns `key` with a certification of each of its user IDs by `master`. */
export async function certifyKey(master: PrivateKey, key: PublicKey, options: CertifyOptions = {}): Promise<PublicKey> {
  return key.signAllUsers([master], options.date ?? new Date(), defaults);
}

export interface RevokeOptions {
  readonly date?: Date;
  /** Human-readable reason, carried in the revocation. */
  readonly reason?: string;
}

/**
 * Returns `key` with a certification revocation (signature type 0x30) by `master` on each user ID,
 * as GnuPG's `revsig` makes: it withdraws every certification `master` made on them before `date`.
 */
export async function revokeCertification(
  master: PrivateKey,
  key: PublicKey,
  options: RevokeOptions = {},
): Promise<PublicKey> {
  // A fresh key over the same packets: the caller's key is left as it was.
  const revoked = new PublicKey(key.toPacketList());
  const date = options.date ?? new Date();
  for (const user of revoked.users) {
    if (!user.userID) continue;
    const signature = new SignaturePacket();
    signature.signatureType = enums.signature.certRevocation;
    signature.publicKeyAlgorithm = master.keyPacket.algorithm;
    signature.hashAlgorithm = enums.hash.sha256;
    signature.reasonForRevocationFlag = enums.reasonForRevocation.noReason;
    signature.reasonForRevocationString = options.reason ?? '';
    // sign() takes the data to sign as an object, though its .d.ts says Uint8Array.
    const data = { userID: user.userID, key: revoked.keyPacket } as unknown as Uint8Array;
    await (signature.sign as (k: unknown, d: Uint8Array, t: Date, detached: boolean, c: unknown) => Promise<void>).call(
      signature,
      master.keyPacket,
      data,
      date,
      false,
      defaults,
    );
    user.revocationSignatures.push(signature);
  }
  return revoked;
}
