// Throwaway keys for the generated trees, made with pbxsig's own key commands (src/keys/): an anchor
// standing in for a FreePBX master key, and a developer key it certifies, which signs every module.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateKey, PublicKey } from 'openpgp';
import { certifyKey } from '../src/keys/certify.js';
import { generateKeyPair } from '../src/keys/generate.js';

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
 * An Ed25519 key (fast to make; GnuPG's gpgv reads it), created a minute ago (or at `created`) so that
 * it can sign now.
 */
export async function makeKey(name: string, created = new Date(Date.now() - 60_000)): Promise<BenchKey> {
  const privateKey = await generateKeyPair({
    name,
    email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.invalid`,
    created,
  });
  return toBenchKey(privateKey, privateKey.toPublic());
}

/** `key` with its public half certified by `anchor`. */
export async function certified(anchor: BenchKey, key: BenchKey): Promise<BenchKey> {
  return toBenchKey(key.privateKey, await certifyKey(anchor.privateKey, key.publicKey));
}

/** A fresh anchor and developer, their public keys written to `<root>/keys`. */
export async function makeSigner(root: string): Promise<Signer> {
  const anchor = await makeKey('Bench Anchor');
  const developer = await certified(anchor, await makeKey('Bench Developer'));
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
