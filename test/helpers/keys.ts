// Throwaway OpenPGP keys for tests: an anchor standing in for the FreePBX master key, developer keys
// it certifies (or not, or revokes), all made fresh in each test run. Ed25519 keys: fast to make and
// understood by GnuPG 2.2.

import { generateKey, revokeKey } from 'openpgp';
import type { PrivateKey, PublicKey } from 'openpgp';
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
}

export async function makeKey(name: string, options: MakeKeyOptions = {}): Promise<TestKey> {
  const { privateKey } = await generateKey({
    ...(options.rsa
      ? { type: 'rsa' as const, rsaBits: 2048 }
      : { type: 'ecc' as const, curve: 'ed25519Legacy' as const }),
    userIDs: [{ name, email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.test` }],
    date: options.date ?? new Date(Date.now() - 3 * 86_400_000),
    ...(options.expiresIn !== undefined ? { keyExpirationTime: options.expiresIn } : {}),
    format: 'object',
  });
  return toTestKey(privateKey, privateKey.toPublic());
}

/** `key` with its public half certified by `anchor`. */
export async function certified(anchor: TestKey, key: TestKey, date?: Date): Promise<TestKey> {
  return toTestKey(key.privateKey, await certifyKey(anchor.privateKey, key.publicKey, date ? { date } : {}));
}

/** `key` revoked by its owner. */
export async function selfRevoked(key: TestKey): Promise<TestKey> {
  const { privateKey } = await revokeKey({ key: key.privateKey, format: 'object' });
  // Keep the certifications the public half carries: merge the revocation into it.
  return toTestKey(privateKey, await key.publicKey.update(privateKey.toPublic()));
}

/** `key` with `anchor`'s certification revoked. */
export async function revoked(anchor: TestKey, key: TestKey, reason = 'key compromised'): Promise<TestKey> {
  return toTestKey(key.privateKey, await revokeCertification(anchor.privateKey, key.publicKey, { reason }));
}

function toTestKey(privateKey: PrivateKey, publicKey: PublicKey): TestKey {
  return {
    privateKey,
    publicKey,
    fingerprint: publicKey.getFingerprint().toUpperCase(),
    keyId: publicKey.getKeyID().toHex().toUpperCase(),
  };
}
