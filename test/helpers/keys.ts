// Throwaway OpenPGP keys for tests: an anchor standing in for the FreePBX master key, developer keys
// it certifies (or not, or revokes), all made fresh in each test run. Ed25519 keys: fast to make and
// understood by GnuPG 2.2.

import { generateKey } from 'openpgp';
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
}

export async function makeKey(name: string, options: MakeKeyOptions = {}): Promise<TestKey> {
  const { privateKey } = await generateKey({
    type: 'ecc',
    curve: 'ed25519Legacy',
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

/** `key` with `anchor`'s certification revoked. */
export async function revoked(anchor: TestKey, key: TestKey, reason = 'key compromised'): Promise<TestKey> {
  return toTestKey(key.privateKey, await revokeCertification(anchor.privateKey, key.publicKey, { reason }));
}

function toTestKey(privateKey: PrivateKey, publicKey: PublicKey): TestKey {
  return { privateKey, publicKey, fingerprint: publicKey.getFingerprint().toUpperCase(), keyId: publicKey.getKeyID().toHex().toUpperCase() };
}
