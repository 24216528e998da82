// Ed25519 signatures made over a digest shorter than 256 bits (SHA-1, SHA-224), which GnuPG 2.2
// verifies and openpgp.js refuses outright ("Hash algorithm too weak for EdDSA", RFC 9580 5.2.3.3;
// no configuration lifts it). A developer signing with `gpg --digest-algo SHA1` makes one, and GnuPG
// (so FreePBX) calls it good. The same checks openpgp.js's SignaturePacket.verify() makes, with the
// EdDSA step done by node:crypto; the report carries the same SHA-1 warning as for RSA signatures.

import { createHash, createPublicKey, verify } from 'node:crypto';
import { enums } from 'openpgp';
import type { Config, KeyID, LiteralDataPacket, SignaturePacket } from 'openpgp';

// OID 1.3.6.1.4.1.11591.15.1 (Ed25519 in legacy EdDSA keys), as openpgp.js's OID object writes it.
const ED25519_LEGACY_OID = '2b06010401da470f01';

/** The parts of openpgp.js's packets used here that its type declarations leave out. */
interface SignatureInternals {
  toHash(signatureType: number, data: LiteralDataPacket, detached: boolean): Uint8Array;
  params: Promise<Record<string, Uint8Array>> | Record<string, Uint8Array>;
}
interface KeyInternals {
  algorithm: enums.publicKey;
  publicParams: { oid?: { toHex(): string }; Q?: Uint8Array; A?: Uint8Array };
  getKeyID(): KeyID;
}

const SHORT_DIGESTS: ReadonlyMap<number, string> = new Map([
  [enums.hash.sha1, 'sha1'],
  [enums.hash.sha224, 'sha224'],
]);

/** Whether openpgp.js would refuse this signature for its digest alone, and GnuPG would not. */
export function isEddsaWithShortDigest(packet: SignaturePacket): boolean {
  const algorithm = packet.publicKeyAlgorithm;
  return (
    (algorithm === enums.publicKey.eddsaLegacy || algorithm === enums.publicKey.ed25519) &&
    packet.hashAlgorithm !== null &&
    SHORT_DIGESTS.has(packet.hashAlgorithm)
  );
}

/** Verifies a text signature over `data` as SignaturePacket.verify() does; throws when it fails. */
export async function verifyEddsaWithShortDigest(
  packet: SignaturePacket,
  keyPacket: unknown,
  data: LiteralDataPacket,
  date: Date,
  config: Config,
): Promise<void> {
  const key = keyPacket as KeyInternals;
  const internals = packet as unknown as SignatureInternals;
  if (!packet.issuerKeyID.equals(key.getKeyID())) throw new Error('Signature was not issued by the given public key');
  if (packet.publicKeyAlgorithm !== key.algorithm) {
    throw new Error('Public key algorithm used to sign signature does not match issuer key algorithm.');
  }
  const hashName = SHORT_DIGESTS.get(packet.hashAlgorithm ?? -1);
  if (hashName === undefined || config.rejectMessageHashAlgorithms.has(packet.hashAlgorithm as enums.hash)) {
    throw new Error(`Insecure message hash algorithm: ${hashName ?? packet.hashAlgorithm}`);
  }

  const digest = createHash(hashName)
    .update(internals.toHash(enums.signature.text, data, true))
    .digest();
  const signed = packet.signedHashValue;
  if (!signed || signed[0] !== digest[0] || signed[1] !== digest[1]) throw new Error('Signed digest did not match');

  const params = await internals.params;
  let publicKey: Uint8Array;
  let signature: Buffer;
  if (packet.publicKeyAlgorithm === enums.publicKey.eddsaLegacy) {
    const { oid, Q } = key.publicParams;
    if (oid?.toHex() !== ED25519_LEGACY_OID || !Q || Q.length !== 33 || Q[0] !== 0x40) {
      throw new Error('Unsupported EdDSA curve');
    }
    publicKey = Q.subarray(1);
    signature = Buffer.concat([leftPad(params['r'], 32), leftPad(params['s'], 32)]);
  } else {
    const { A } = key.publicParams;
    const rs = params['RS'];
    if (!A || A.length !== 32 || !rs || rs.length !== 64) throw new Error('Malformed Ed25519 key or signature');
    publicKey = A;
    signature = Buffer.from(rs);
  }
  const verifier = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') },
    format: 'jwk',
  });
  // EdDSA in OpenPGP signs the digest itself.
  if (!verify(null, digest, verifier, signature)) throw new Error('Signature verification failed');

  if (packet.created && packet.created > date) throw new Error('Signature creation time is in the future');
  if (date >= packet.getExpirationTime()) throw new Error('Signature is expired');
  for (const { type, critical } of packet.unknownSubpackets) {
    if (critical) throw new Error(`Unknown critical signature subpacket type ${type}`);
  }
  for (const { name, critical } of packet.rawNotations) {
    if (critical && !config.knownNotations.includes(name)) throw new Error(`Unknown critical notation: ${name}`);
  }
  if (packet.revocationKeyClass !== null) {
    throw new Error('This key is intended to be revoked with an authorized key, which OpenPGP.js does not support.');
  }
}

function leftPad(value: Uint8Array | undefined, length: number): Buffer {
  if (!value || value.length > length) throw new Error('Malformed EdDSA signature');
  const out = Buffer.alloc(length);
  out.set(value, length - value.length);
  return out;
}
