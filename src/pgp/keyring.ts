// Public keys from files: armored or binary, one key or many per file (a GnuPG `--export` or a legacy
// pubring.gpg). No keyserver and no gpg process, ever. A key file only supplies key material: it can
// never create trust (see trust.ts), so loading every key we are given is safe.

import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readKeys, readPrivateKeys } from 'openpgp';
import type { Key, PublicKey, SignaturePacket, Subkey, User } from 'openpgp';
import { InputError, describeError, errnoCode } from '../errors.js';
import { toHex, verifyConfig } from './config.js';

/** Extensions read from a key directory (FreePBX ships `<LONGID>.key` in admin/libraries/BMO). */
export const KEY_FILE_EXTENSIONS: ReadonlySet<string> = new Set(['.asc', '.key', '.gpg', '.pub', '.pgp']);
export const MAX_KEY_FILE_BYTES = 64 * 1024 * 1024;

export interface KeySource {
  readonly path: string;
  /** Fingerprints of the primary keys read from this file. */
  readonly fingerprints: readonly string[];
}

export interface KeyCandidate {
  readonly key: PublicKey;
  /** The primary key or subkey whose key ID matches. */
  readonly signingKey: PublicKey | Subkey;
}

export class Keyring {
  readonly #byFingerprint = new Map<string, PublicKey>();
  readonly #byKeyId = new Map<string, Set<string>>();
  readonly sources: KeySource[] = [];

  get size(): number {
    return this.#byFingerprint.size;
  }

  keys(): IterableIterator<PublicKey> {
    return this.#byFingerprint.values();
  }

  /** Identifies the key material (keys and every signature on them): equal ids judge alike. */
  contentId(): string {
    const hash = createHash('sha256');
    for (const fingerprint of [...this.#byFingerprint.keys()].sort()) {
      hash.update(fingerprint);
      hash.update((this.#byFingerprint.get(fingerprint) as PublicKey).write());
    }
    return hash.digest('hex');
  }

  /** The primary key with this fingerprint (40 hex digits, any case). */
  get(fingerprint: string): PublicKey | undefined {
    return this.#byFingerprint.get(fingerprint.toUpperCase());
  }

  /**
   * Keys that may have issued a signature. Several keys can share a 64-bit key ID (it can be
   * forged cheaply), so every match is returned and the caller checks the signature against each.
   */
  candidates(issuerKeyId: string, issuerFingerprint?: string): KeyCandidate[] {
    const found: KeyCandidate[] = [];
    for (const fpr of this.#byKeyId.get(issuerKeyId.toUpperCase()) ?? []) {
      const key = this.#byFingerprint.get(fpr);
      if (!key) continue;
      for (const candidate of [key, ...key.subkeys]) {
        if (candidate.getKeyID().toHex().toUpperCase() !== issuerKeyId.toUpperCase()) continue;
        if (issuerFingerprint && candidate.getFingerprint().toUpperCase() !== issuerFingerprint.toUpperCase()) continue;
        found.push({ key, signingKey: candidate });
      }
    }
    return found;
  }

  /** Adds a key; a key already present is merged, keeping every certification and revocation. */
  async add(key: Key): Promise<string> {
    const publicKey = key.isPrivate() ? key.toPublic() : key;
    const fingerprint = publicKey.getFingerprint().toUpperCase();
    const existing = this.#byFingerprint.get(fingerprint);
    const merged = existing ? await mergeKeys(existing, publicKey) : publicKey;
    this.#byFingerprint.set(fingerprint, merged);
    for (const k of [merged, ...merged.subkeys]) {
      const id = k.getKeyID().toHex().toUpperCase();
      const set = this.#byKeyId.get(id) ?? new Set<string>();
      set.add(fingerprint);
      this.#byKeyId.set(id, set);
    }
    return fingerprint;
  }

  /** Reads one key file and adds its keys. Throws InputError KEY_UNREADABLE naming the file. */
  async addFile(path: string): Promise<KeySource> {
    return this.addKeys(await readKeyFile(path), path);
  }

  /** Adds keys read from `path` (for the record of where keys came from). */
  async addKeys(keys: readonly Key[], path: string): Promise<KeySource> {
    const fingerprints: string[] = [];
    for (const key of keys) fingerprints.push(await this.add(key));
    const source = { path, fingerprints };
    this.sources.push(source);
    return source;
  }
}

export interface LoadKeysResult {
  readonly keyring: Keyring;
  /** Problems with files found while scanning a directory; named files fail hard instead. */
  readonly warnings: readonly string[];
}

/**
 * Loads keys from files and directories. A named file that is not a key is an input error; in a
 * directory, files with a key extension that cannot be read are skipped with a warning, so one
 * broken file in a key directory does not stop a boot-time check.
 */
export async function loadKeys(paths: readonly string[], keyring = new Keyring()): Promise<LoadKeysResult> {
  const warnings: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = errnoCode(error) === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE';
      throw new InputError(
        code,
        `key file or directory ${path}: ${code === 'INPUT_NOT_FOUND' ? 'does not exist' : describeError(error)}`,
      );
    }
    if (!info.isDirectory()) {
      await keyring.addFile(path);
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(path)).sort();
    } catch (error) {
      throw new InputError('INPUT_UNREADABLE', `key directory ${path}: ${describeError(error)}`);
    }
    for (const name of names) {
      if (!KEY_FILE_EXTENSIONS.has(extname(name).toLowerCase())) continue;
      const file = join(path, name);
      try {
        if (!(await stat(file)).isFile()) continue;
        await keyring.addFile(file);
      } catch (error) {
        warnings.push(describeError(error));
      }
    }
  }
  return { keyring, warnings };
}

/** Parses every key in a file, armored (several blocks allowed) or binary. */
export async function readKeyFile(path: string): Promise<Key[]> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_KEY_FILE_BYTES) throw new Error(`larger than ${MAX_KEY_FILE_BYTES} bytes`);
    bytes = await readFile(path);
  } catch (error) {
    throw new InputError(
      'KEY_UNREADABLE',
      `key file ${path}: ${errnoCode(error) === 'ENOENT' ? 'does not exist' : describeError(error)}`,
    );
  }
  return parseKeyBytes(bytes, path);
}

/** Parses every key in the bytes of a key file; `path` names it in errors. */
export async function parseKeyBytes(bytes: Uint8Array, path: string): Promise<Key[]> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 12 && buffer.subarray(8, 12).toString('latin1') === 'KBXf') {
    throw new InputError(
      'KEY_UNREADABLE',
      `key file ${path}: a GnuPG keybox (.kbx) is not supported; export the keys with "gpg --export > keys.gpg" and use that file`,
    );
  }
  try {
    const keys = looksArmored(buffer)
      ? await readArmoredKeys(buffer.toString('utf8'))
      : await readKeys({ binaryKeys: buffer, config: verifyConfig });
    if (keys.length === 0) throw new Error('no OpenPGP key found');
    return keys;
  } catch (error) {
    throw new InputError('KEY_UNREADABLE', `key file ${path}: not an OpenPGP key (${describeError(error)})`);
  }
}

function looksArmored(bytes: Buffer): boolean {
  return bytes.subarray(0, 4096).toString('latin1').includes('-----BEGIN PGP ');
}

const ARMOR_BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

async function readArmoredKeys(text: string): Promise<Key[]> {
  const keys: Key[] = [];
  for (const match of text.matchAll(ARMOR_BLOCK)) {
    const block = match[0];
    if (match[1] === 'PRIVATE') {
      keys.push(...(await readPrivateKeys({ armoredKeys: block, config: verifyConfig })));
    } else {
      keys.push(...(await readKeys({ armoredKeys: block, config: verifyConfig })));
    }
  }
  return keys;
}

// openpgp.js's Key.update() merges self-signatures, subkeys and others' certifications, but drops
// certification revocations issued by anyone but the key itself: exactly the revocations a master
// key issues (FreePBX revocation). Carry those over by hand.
async function mergeKeys(target: PublicKey, source: PublicKey): Promise<PublicKey> {
  const merged = await target.update(source, new Date(), verifyConfig);
  for (const sourceUser of source.users) {
    const user = merged.users.find((u) => sameUser(u, sourceUser));
    if (!user) continue;
    for (const signature of sourceUser.revocationSignatures) {
      if (!user.revocationSignatures.some((s) => sameSignature(s, signature)))
        user.revocationSignatures.push(signature);
    }
    for (const signature of sourceUser.otherCertifications) {
      if (!user.otherCertifications.some((s) => sameSignature(s, signature))) user.otherCertifications.push(signature);
    }
  }
  return merged;
}

function sameUser(a: User, b: User): boolean {
  if (a.userID && b.userID) return a.userID.userID === b.userID.userID;
  return false;
}

function sameSignature(a: SignaturePacket, b: SignaturePacket): boolean {
  return toHex(a.write()) === toHex(b.write());
}
