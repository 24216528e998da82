// Throwaway OpenPGP keys for tests: an anchor standing in for the FreePBX master key, developer keys
// it certifies (or not, or revokes), all made fresh in each test run. Ed25519 keys: fast to make and
// understood by GnuPG 2.2.

import { PacketList, PublicKey, SignaturePacket, config, enums, generateKey, reformatKey, revokeKey } from 'openpgp';
import type { AnyPacket, PrivateKey, SecretKeyPacket } from 'openpgp';
import { certifyKey, revokeCertification } from '../../src/keys/certify.js';

export interface TestKey {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
  readonly fingerprint: string;
  readonly keyId: string;
}

export interface MakeKeyOptions {
  /** Creation time (default three days ago, so tests can date signatures and certifications back). */
  readonly date?: Date;
  /** Seconds after creation at which the key expires. */
  readonly expiresIn?: number;
  /** RSA, as FreePBX's master keys are (its revocation check only matches RSA masters); default Ed25519. */
  readonly rsa?: boolean;
  /** A signing subkey, which then makes the key's signatures; `expiresIn` seconds after creation. */
  readonly signingSubkey?: { readonly expiresIn?: number };
}

export async function makeKey(name: string, options: MakeKeyOptions = {}): Promise<TestKey> {
  const { privateKey } = await generateKey({
    ...(options.rsa
      ? { type: 'rsa' as const, rsaBits: 2048 }
      : { type: 'ecc' as const, curve: 'ed25519Legacy' as const }),
    userIDs: [{ name, email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.test` }],
    date: options.date ?? new Date(Date.now() - 3 * 86_400_000),
    ...(options.expiresIn !== undefined ? { keyExpirationTime: options.expiresIn } : {}),
    ...(options.signingSubkey
      ? {
          subkeys: [
            {
              sign: true,
              ...(options.signingSubkey.expiresIn !== undefined
                ? { keyExpirationTime: options.signingSubkey.expiresIn }
                : {}),
            },
          ],
        }
      : {}),
    format: 'object',
  });
  return toTestKey(privateKey, privateKey.toPublic());
}

/** `key` with its public half certified by `anchor`. */
export async function certified(anchor: TestKey, key: TestKey, date?: Date): Promise<TestKey> {
  return toTestKey(key.privateKey, await certifyKey(anchor.privateKey, key.publicKey, date ? { date } : {}));
}

/** `key` revoked by its owner. */
export async function selfRevoked(
  key: TestKey,
  options: { readonly date?: Date; readonly retired?: boolean } = {},
): Promise<TestKey> {
  const { privateKey } = await revokeKey({
    key: key.privateKey,
    format: 'object',
    ...(options.date ? { date: options.date } : {}),
    // "Key retired" is a soft reason: the key is revoked from the revocation's date on.
    ...(options.retired ? { reasonForRevocation: { flag: enums.reasonForRevocation.keyRetired } } : {}),
  });
  // Keep the certifications the public half carries: merge the revocation into it.
  return toTestKey(privateKey, await key.publicKey.update(privateKey.toPublic()));
}

/** `key` certified by `anchor` at `date` with a certification that expires `expiresIn` seconds later. */
export async function certifiedUntil(anchor: TestKey, key: TestKey, date: Date, expiresIn: number): Promise<TestKey> {
  // openpgp.js's signAllUsers() makes certifications that never expire: this one is built packet by packet.
  const publicKey = new PublicKey(key.publicKey.toPacketList());
  for (const user of publicKey.users) {
    if (!user.userID) continue;
    const certification = new SignaturePacket();
    certification.signatureType = enums.signature.certGeneric;
    certification.publicKeyAlgorithm = anchor.privateKey.keyPacket.algorithm;
    certification.hashAlgorithm = enums.hash.sha256;
    certification.signatureExpirationTime = expiresIn;
    certification.signatureNeverExpires = false;
    // sign() takes the data to sign as an object, though its .d.ts says Uint8Array.
    const data = { userID: user.userID, key: publicKey.keyPacket } as unknown as Uint8Array;
    await (
      certification.sign as (k: unknown, d: Uint8Array, t: Date, detached: boolean, c: unknown) => Promise<void>
    ).call(certification, anchor.privateKey.keyPacket, data, date, false, config);
    user.otherCertifications.push(certification);
  }
  return toTestKey(key.privateKey, publicKey);
}

/** `key` with its last subkey (its signing subkey, from makeKey's signingSubkey) revoked by its owner. */
export async function subkeyRevoked(key: TestKey): Promise<TestKey> {
  const subkey = key.privateKey.subkeys.at(-1);
  if (!subkey) throw new Error(`key ${key.keyId} has no subkey`);
  const revokedCopy = await subkey.revoke(key.privateKey.keyPacket as SecretKeyPacket);
  // The subkey's revocation follows its binding: the last packets of the public key.
  const packets = key.publicKey.toPacketList();
  packets.push(...revokedCopy.revocationSignatures);
  return toTestKey(key.privateKey, new PublicKey(packets));
}

/** `key` with `anchor`'s certification revoked. */
export async function revoked(
  anchor: TestKey,
  key: TestKey,
  reason = 'key compromised',
  date?: Date,
): Promise<TestKey> {
  return toTestKey(
    key.privateKey,
    await revokeCertification(anchor.privateKey, key.publicKey, { reason, ...(date ? { date } : {}) }),
  );
}

function toTestKey(privateKey: PrivateKey, publicKey: PublicKey): TestKey {
  return {
    privateKey,
    publicKey,
    fingerprint: publicKey.getFingerprint().toUpperCase(),
    keyId: publicKey.getKeyID().toHex().toUpperCase(),
  };
}

/**
 * The same key re-self-signed at `date` (as `gpg --quick-set-expire` refreshes a key): its public half
 * carries only the new self-signatures, with `expiresIn` seconds of validity (default: never expires).
 */
export async function refreshed(key: TestKey, date: Date, expiresIn = 0): Promise<TestKey> {
  const userIDs = key.publicKey.users.flatMap((u) =>
    u.userID ? [{ name: u.userID.name, email: u.userID.email }] : [],
  );
  const { privateKey } = await reformatKey({
    privateKey: key.privateKey,
    userIDs,
    keyExpirationTime: expiresIn,
    date,
    format: 'object',
  });
  return toTestKey(privateKey, privateKey.toPublic());
}

let floods = 0;

/**
 * `key` flooded with `count` distinct junk certifications of its first user ID by `issuer` (default a
 * throwaway key), as on the SKS keyservers in 2019. They are copies of one real certification with a
 * changed digest prefix: distinct bytes, and none verifies. Made in milliseconds, whatever the count.
 */
export async function flooded(key: PublicKey, count: number, issuer?: PrivateKey): Promise<PublicKey> {
  const signer =
    issuer ??
    (
      await generateKey({
        type: 'ecc',
        curve: 'ed25519Legacy',
        userIDs: [{ name: 'Flood' }],
        date: new Date(Date.now() - 86_400_000),
        format: 'object',
      })
    ).privateKey;
  const signerId = signer.getKeyID().toHex();
  // Each flood dated a second apart: two floods by one issuer never share a certification.
  const certifiedCopy = await key.signAllUsers([signer], new Date(Date.now() - 1000 * ++floods));
  const template = certifiedCopy.users[0]?.otherCertifications.find((c) => c.issuerKeyID.toHex() === signerId);
  if (!template) throw new Error('no certification to copy');
  const bytes = template.write();
  const list = new PacketList<AnyPacket>();
  for (const packet of key.toPacketList()) {
    list.push(packet);
    if (packet !== key.users[0]?.userID) continue;
    for (let i = 0; i < count; i++) {
      const signature = new SignaturePacket();
      signature.read(bytes);
      signature.signedHashValue = new Uint8Array([i >> 8, i & 0xff]);
      // Re-read from its bytes, so the packet is what a parser makes of the file.
      const copy = new SignaturePacket();
      copy.read(signature.write());
      list.push(copy);
    }
  }
  return new PublicKey(list);
}
