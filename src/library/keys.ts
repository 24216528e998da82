// `pbxsig keys generate|certify|revoke|list|export` as functions. Keys come in as files (as on the
// command line) and go out as armored text: the caller decides where to keep them.

import { InputError, describeError } from '../errors.js';
import { certifyKey as certifyWith, revokeCertification as revokeWith } from '../keys/certify.js';
import { describeKeys as describe } from '../keys/describe.js';
import { generateKeyPair } from '../keys/generate.js';
import { readSecretKey } from '../keys/secret.js';
import type { GenerateOptions, KeyDescription } from '../keys/types.js';
import { FREEPBX_ANCHORS } from '../pgp/anchors.js';
import { loadKeys, readKeyFile } from '../pgp/keyring.js';
import { withResolvedAnchors } from './anchors.js';
import type { AnchorSpec } from './anchors.js';
import { passphraseSource } from './passphrase.js';
import type { Passphrase } from './passphrase.js';

/** A new key pair (`keys generate`), armored. */
export interface GeneratedKeys {
  /** 40 hex digits, upper case. */
  readonly fingerprint: string;
  readonly keyId: string;
  readonly userId: string;
  /** The public key: what to publish, and what a master certifies. */
  readonly publicKey: string;
  /** The secret key: keep it private (the CLI writes it with mode 0600). */
  readonly secretKey: string;
  /** Whether the secret key is protected by a passphrase. */
  readonly protected: boolean;
}

/** Makes a new signing key: Ed25519 (default) or RSA 4096 (what a master meant for FreePBX should be). */
export async function generateKeys(options: GenerateOptions): Promise<GeneratedKeys> {
  const key = await generateKeyPair(options);
  return {
    fingerprint: key.getFingerprint().toUpperCase(),
    keyId: key.getKeyID().toHex().toUpperCase(),
    userId: `${options.name} <${options.email}>`,
    publicKey: key.toPublic().armor(),
    secretKey: key.armor(),
    protected: options.passphrase !== undefined && options.passphrase !== '',
  };
}

export interface CertifyOptions {
  /** The master's secret key file. */
  readonly master: string;
  /** Needed when the master's secret key is protected. */
  readonly passphrase?: Passphrase;
  /** The developer's public key file, holding exactly one key. */
  readonly key: string;
  /** Signature time (default now). */
  readonly date?: Date;
}

export interface RevokeOptions extends CertifyOptions {
  /** Why, carried in the revocation. */
  readonly reason?: string;
}

/** The developer's key with the master's certification (or revocation) added, armored. */
export interface CertifiedKey {
  readonly publicKey: string;
  /** The developer key's fingerprint. */
  readonly fingerprint: string;
  /** The master key's key ID. */
  readonly master: string;
}

/** The master certifies every user ID of the developer's key ("getting your key signed by FreePBX"). */
export async function certifyKey(options: CertifyOptions): Promise<CertifiedKey> {
  return certifyOrRevoke(options, 'certify');
}

/**
 * The master revokes its certification of the developer's key (signature type 0x30): every module
 * that key signed is then `revoked`.
 */
export async function revokeCertification(options: RevokeOptions): Promise<CertifiedKey> {
  return certifyOrRevoke(options, 'revoke');
}

async function certifyOrRevoke(options: RevokeOptions, action: 'certify' | 'revoke'): Promise<CertifiedKey> {
  const date = options.date ?? new Date();
  const master = await readSecretKey(options.master, passphraseSource(options.passphrase));
  const [target, ...more] = await readKeyFile(options.key);
  if (!target || more.length > 0)
    throw new InputError(
      'KEY_UNREADABLE',
      `key file ${options.key}: expected exactly one key, found ${more.length + (target ? 1 : 0)}`,
    );
  const developer = target.isPrivate() ? target.toPublic() : target;
  let result;
  try {
    result =
      action === 'certify'
        ? await certifyWith(master, developer, { date })
        : await revokeWith(master, developer, {
            date,
            ...(options.reason !== undefined ? { reason: options.reason } : {}),
          });
  } catch (error) {
    throw new InputError(
      'KEY_UNUSABLE',
      `the master key in ${options.master} cannot sign at ${date.toISOString()}: ${describeError(error)}`,
    );
  }
  return {
    publicKey: result.armor(),
    fingerprint: developer.getFingerprint().toUpperCase(),
    master: master.getKeyID().toHex().toUpperCase(),
  };
}

export interface DescribeKeysOptions {
  /** Key files or directories. */
  readonly keys: readonly string[];
  /** Trust anchors: fingerprints or key files; default FreePBX's two master keys. */
  readonly anchors?: readonly AnchorSpec[];
  /** The time to judge expiry and revocation at; default now. */
  readonly now?: Date;
}

/** What `pbxsig keys list --json` prints. */
export interface KeysListing {
  /** The anchors' fingerprints. */
  readonly anchors: readonly string[];
  readonly keys: readonly KeyDescription[];
  /** Files or keys skipped while loading (unreadable in a directory, over a bound). */
  readonly warnings: readonly string[];
}

/** Each key: who it is, when it expires, who certified it, and whether it is trusted under the anchors (and why not). */
export async function describeKeys(options: DescribeKeysOptions): Promise<KeysListing> {
  const resolved = await withResolvedAnchors({ keys: options.keys, anchors: options.anchors ?? FREEPBX_ANCHORS });
  const anchors = resolved.anchors ?? [];
  const { keyring, warnings } = await loadKeys(resolved.keys ?? []);
  const keys = await describe(keyring, anchors, options.now ?? new Date());
  return { anchors, keys, warnings };
}

export interface ExportKeysOptions {
  /** Key files or directories. */
  readonly keys: readonly string[];
}

/** The keys, merged (copies of one key as one) and without secret parts, armored: for distribution. */
export async function exportKeys(options: ExportKeysOptions): Promise<string> {
  const { keyring } = await loadKeys(options.keys);
  return [...keyring.keys()].map((k) => k.armor()).join('');
}
