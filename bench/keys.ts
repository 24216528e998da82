// Throwaway keys for the generated trees, made with pbxsig's own key commands (src/keys/): an anchor
// standing in for a FreePBX master key, and a developer key it certifies, which signs every module.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateKey, PublicKey } from 'openpgp';
import { certifyKey } from '../src/keys/certify.js';
import { generateKeyPair } from '../src/keys/generate.js';
import type { KeyType } from '../src/keys/types.js';

export interface BenchKey {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
  /** Upper-case hex, as pbxsig's --anchor takes it. */
  readonly fingerprint: string;
  /** Long key ID, upper-case hex: the name FreePBX gives a key file in BMO (<KEYID>.key). */
  readonly keyId: string;
}

export interface Signer {
  readonly anchor: BenchKey;
  /** Certified by the anchor; signs every generated module. */
  readonly developer: BenchKey;
  /** A directory holding both public keys (anchor.asc, developer.asc), for `--keys`. */
  readonly keysDir: string;
}

/**
 * A key created a minute ago (or at `created`) so that it can sign now: Ed25519 by default (fast to
 * make, for the thousands a hostile input needs), RSA 4096 when asked (what FreePBX's keys are).
 */
export async function makeKey(
  name: string,
  created = new Date(Date.now() - 60_000),
  type: KeyType = 'ed25519',
): Promise<BenchKey> {
  const privateKey = await generateKeyPair({
    name,
    email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.invalid`,
    created,
    type,
  });
  return toBenchKey(privateKey, privateKey.toPublic());
}

/** `key` with its public half certified by `anchor`. */
export async function certified(anchor: BenchKey, key: BenchKey): Promise<BenchKey> {
  return toBenchKey(key.privateKey, await certifyKey(anchor.privateKey, key.publicKey));
}

/**
 * A fresh anchor and developer, their public keys written to `<root>/keys`. RSA 4096 by default, as
 * FreePBX's master and signing keys are (both master keys and every mirror key): the signatures of a generated
 * tree then cost what real ones cost to check (an RSA check is synchronous in node:crypto; an Ed25519
 * one goes through Web Crypto's thread pool). Making the two keys takes a few seconds; tests that time
 * nothing ask for Ed25519.
 */
export async function makeSigner(root: string, type: KeyType = 'rsa'): Promise<Signer> {
  const anchor = await makeKey('Bench Anchor', undefined, type);
  const developer = await certified(anchor, await makeKey('Bench Developer', undefined, type));
  const keysDir = join(root, 'keys');
  await mkdir(keysDir, { recursive: true });
  await writeFile(join(keysDir, 'anchor.asc'), anchor.publicKey.armor());
  await writeFile(join(keysDir, 'developer.asc'), developer.publicKey.armor());
  return { anchor, developer, keysDir };
}

export function toBenchKey(privateKey: PrivateKey, publicKey: PublicKey): BenchKey {
  return {
    privateKey,
    publicKey,
    fingerprint: publicKey.getFingerprint().toUpperCase(),
    keyId: publicKey.getKeyID().toHex().toUpperCase(),
  };
}
