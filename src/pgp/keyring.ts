// Public keys from files: armored or binary, one key or many per file (a GnuPG `--export` or a legacy
// pubring.gpg). No keyserver and no gpg process, ever. A key file only supplies key material: it can
// never create trust (see trust.ts), so loading every key we are given is safe. Copies of one key from
// several files (pbxsig's bundled FreePBX keys, the installation's, the user's) are merged into one,
// and the keyring remembers which file supplied which signature, for the report.
//
// Key files are attacker-controlled in an audited tree: every bound of key-limits.ts is enforced here.

import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { readKeys, readPrivateKeys } from 'openpgp';
import type { Key, PublicKey, SignaturePacket, Subkey } from 'openpgp';
import { InputError, describeError, errnoCode } from '../errors.js';
import { splitKeyBlocks } from './armor.js';
import { verifyConfig } from './config.js';
import {
  MAX_COMPONENTS_PER_KEY,
  MAX_KEY_BYTES_PER_DIRECTORY,
  MAX_KEY_FILES_PER_DIRECTORY,
  MAX_KEY_FILE_BYTES,
  MAX_KEYS_PER_FILE,
  MAX_SIGNATURES_PER_KEY,
} from './key-limits.js';
import {
  countComponents,
  countSignatures,
  dropForeignSignatures,
  filterForAnchors,
  keyFromParts,
  mergeParts,
  partsOf,
  signatureId,
} from './key-merge.js';
import type { KeyParts, SignatureFilter } from './key-merge.js';
import type { KeyOrigin } from './types.js';

/** Extensions read from a key directory (FreePBX ships `<LONGID>.key` in admin/libraries/BMO). */
export const KEY_FILE_EXTENSIONS: ReadonlySet<string> = new Set(['.asc', '.key', '.gpg', '.pub', '.pgp']);

export type { KeyOrigin } from './types.js';

/** One file that supplied key material. */
export interface KeyFileRef {
  readonly origin: KeyOrigin;
  /** The file as reports name it (`bundled:freepbx/<KEYID>.asc` for bundled keys). */
  readonly path: string;
}

/** A file read into the keyring, and the primary keys it held. */
export interface LoadedKeyFile extends KeyFileRef {
  readonly fingerprints: readonly string[];
}

export interface KeyCandidate {
  readonly key: PublicKey;
  /** The primary key or subkey whose key ID matches. */
  readonly signingKey: PublicKey | Subkey;
}

export interface KeyringOptions {
  /**
   * The trust anchors (fingerprints). When given, certifications by any other key are dropped as
   * keys load: they never matter to trust, and a flooded key stays small. Without (`keys list`,
   * `keys export`), every certification is kept, within MAX_SIGNATURES_PER_KEY.
   */
  readonly anchors?: readonly string[];
}

interface Entry {
  parts: KeyParts;
  key: PublicKey;
  readonly copies: KeyFileRef[];
  contentId: string | undefined;
}

export class Keyring {
  readonly #filter: SignatureFilter | undefined;
  readonly #byFingerprint = new Map<string, Entry>();
  readonly #byKeyId = new Map<string, Set<string>>();
  // The first file that supplied each signature (by signatureId), for the report.
  readonly #signatureOrigin = new Map<string, KeyFileRef>();
  // Files already read, by a digest of their bytes: an identical copy (the installation's BMO/*.key
  // is usually byte for byte a bundled key) adds nothing and is not parsed again.
  readonly #fileDigests = new Map<string, readonly string[]>();
  readonly #files: LoadedKeyFile[] = [];
  #contentId: string | undefined;

  constructor(options: KeyringOptions = {}) {
    this.#filter = options.anchors ? filterForAnchors(options.anchors) : undefined;
  }

  get size(): number {
    return this.#byFingerprint.size;
  }

  /** Key files read from disk, in load order (bundled keys are not files: see copiesOf()). */
  get sources(): readonly LoadedKeyFile[] {
    return this.#files.filter((f) => f.origin !== 'bundled');
  }

  /** Every file or bundled key that supplied material, in load order. */
  get allSources(): readonly LoadedKeyFile[] {
    return this.#files;
  }

  *keys(): IterableIterator<PublicKey> {
    for (const entry of this.#byFingerprint.values()) yield entry.key;
  }

  /** The primary key with this fingerprint (40 hex digits, any case). */
  get(fingerprint: string): PublicKey | undefined {
    return this.#byFingerprint.get(fingerprint.toUpperCase())?.key;
  }

  /** The files that held a copy of this key, in load order. */
  copiesOf(fingerprint: string): readonly KeyFileRef[] {
    return this.#byFingerprint.get(fingerprint.toUpperCase())?.copies ?? [];
  }

  /** The file that first supplied this signature (by signatureId()). */
  originOf(signatureIdOrPacket: string | SignaturePacket): KeyFileRef | undefined {
    const id = typeof signatureIdOrPacket === 'string' ? signatureIdOrPacket : signatureId(signatureIdOrPacket);
    return this.#signatureOrigin.get(id);
  }

  /** Identifies the whole key material (keys and every signature on them): equal ids judge alike. */
  contentId(): string {
    if (this.#contentId === undefined) {
      const hash = createHash('sha256');
      for (const fingerprint of [...this.#byFingerprint.keys()].sort()) {
        hash.update(fingerprint);
        hash.update(this.keyContentId(fingerprint) ?? '');
      }
      this.#contentId = hash.digest('hex');
    }
    return this.#contentId;
  }

  /** Identifies one key's material (undefined when the keyring does not hold it). */
  keyContentId(fingerprint: string): string | undefined {
    const entry = this.#byFingerprint.get(fingerprint.toUpperCase());
    if (!entry) return undefined;
    entry.contentId ??= createHash('sha256').update(entry.key.write()).digest('hex');
    return entry.contentId;
  }

  /**
   * Keys that may have issued a signature. Several keys can share a 64-bit key ID (it can be
   * forged cheaply), so every match is returned and the caller checks the signature against each.
   */
  candidates(issuerKeyId: string, issuerFingerprint?: string): KeyCandidate[] {
    const found: KeyCandidate[] = [];
    const keyId = issuerKeyId.toUpperCase();
    for (const fpr of this.#byKeyId.get(keyId) ?? []) {
      const key = this.#byFingerprint.get(fpr)?.key;
      if (!key) continue;
      for (const candidate of [key, ...key.subkeys]) {
        if (candidate.getKeyID().toHex().toUpperCase() !== keyId) continue;
        if (issuerFingerprint && candidate.getFingerprint().toUpperCase() !== issuerFingerprint.toUpperCase()) continue;
        found.push({ key, signingKey: candidate });
      }
    }
    return found;
  }

  /**
   * Adds one copy of a key: signatures trust cannot use are dropped (with anchors), then it is merged
   * with the copies already there. A copy beyond the bounds is skipped: the warning says so.
   */
  add(key: Key, file: KeyFileRef): { readonly fingerprint: string; readonly warning?: string } {
    const publicKey = key.isPrivate() ? key.toPublic() : key;
    const fingerprint = publicKey.getFingerprint().toUpperCase();
    const whole = partsOf(publicKey);
    const { parts, dropped } = this.#filter ? dropForeignSignatures(whole, this.#filter) : { parts: whole, dropped: 0 };
    const alone = beyondBounds(parts);
    if (alone)
      return { fingerprint, warning: `key file ${file.path}: key ${fingerprint}: it carries ${alone}; skipped` };
    const entry = this.#byFingerprint.get(fingerprint);
    const merged = entry ? mergeParts(entry.parts, parts) : { parts, added: undefined };
    const together = entry ? beyondBounds(merged.parts) : undefined;
    if (together) {
      const warning = `key file ${file.path}: key ${fingerprint}: merged with the copies loaded before, it would carry ${together}; skipped`;
      return { fingerprint, warning };
    }

    const added = merged.added ?? allSignatures(parts);
    for (const signature of added) {
      const id = signatureId(signature);
      if (!this.#signatureOrigin.has(id)) this.#signatureOrigin.set(id, file);
    }
    if (entry) {
      if (!entry.copies.some((c) => c.path === file.path)) entry.copies.push(file);
      // An identical copy adds nothing: keep the key object (and what openpgp.js cached on it).
      if (added.length === 0 && countComponents(merged.parts) === countComponents(entry.parts)) return { fingerprint };
      entry.parts = merged.parts;
      entry.key = keyFromParts(merged.parts);
      entry.contentId = undefined;
    } else {
      // A filtered copy is rebuilt from its parts; an unfiltered one is used as it is.
      const key = dropped === 0 ? publicKey : keyFromParts(parts);
      this.#byFingerprint.set(fingerprint, { parts, key, copies: [file], contentId: undefined });
    }
    this.#contentId = undefined;
    const stored = this.#byFingerprint.get(fingerprint)?.key;
    for (const k of stored ? [stored, ...stored.subkeys] : []) {
      const id = k.getKeyID().toHex().toUpperCase();
      const set = this.#byKeyId.get(id) ?? new Set<string>();
      set.add(fingerprint);
      this.#byKeyId.set(id, set);
    }
    return { fingerprint };
  }

  /** Adds the keys parsed from one file; returns warnings for what was skipped. */
  addKeys(keys: readonly Key[], file: KeyFileRef): string[] {
    return this.#addKeys(keys, file).warnings;
  }

  #addKeys(keys: readonly Key[], file: KeyFileRef): { warnings: string[]; fingerprints: string[] } {
    const warnings: string[] = [];
    const fingerprints: string[] = [];
    if (keys.length > MAX_KEYS_PER_FILE)
      warnings.push(
        `key file ${file.path}: more than ${MAX_KEYS_PER_FILE} keys; only the first ${MAX_KEYS_PER_FILE} are used`,
      );
    for (const key of keys.slice(0, MAX_KEYS_PER_FILE)) {
      const { fingerprint, warning } = this.add(key, file);
      if (warning !== undefined) warnings.push(warning);
      else if (!fingerprints.includes(fingerprint)) fingerprints.push(fingerprint);
    }
    this.#files.push({ ...file, fingerprints });
    return { warnings, fingerprints };
  }

  /**
   * Parses the bytes of one key file and adds its keys. A file with the same bytes as one read
   * before is recorded, not parsed again. Throws InputError KEY_UNREADABLE when they hold no key.
   */
  async addBytes(bytes: Uint8Array, file: KeyFileRef): Promise<string[]> {
    const digest = createHash('sha256').update(bytes).digest('hex');
    const seen = this.#fileDigests.get(digest);
    if (seen) {
      for (const fingerprint of seen) {
        const copies = this.#byFingerprint.get(fingerprint)?.copies;
        if (copies && !copies.some((c) => c.path === file.path)) copies.push(file);
      }
      this.#files.push({ ...file, fingerprints: seen });
      return [];
    }
    const { warnings, fingerprints } = this.#addKeys(await parseKeyBytes(bytes, file.path), file);
    this.#fileDigests.set(digest, fingerprints);
    return warnings;
  }

  /** Reads one key file and adds its keys. Throws InputError KEY_UNREADABLE naming the file. */
  async addFile(path: string, origin: KeyOrigin = 'keys'): Promise<string[]> {
    return this.addBytes(await readKeyFileBytes(path), { origin, path });
  }
}

function allSignatures(parts: KeyParts): SignaturePacket[] {
  return [
    ...parts.keySignatures,
    ...parts.users.flatMap((u) => u.signatures),
    ...parts.subkeys.flatMap((s) => s.signatures),
  ];
}

/** What a key carries beyond the bounds of key-limits.ts ("3002 signatures (the limit is ...)"), if anything. */
export function keyBeyondBounds(key: Key): string | undefined {
  return beyondBounds(partsOf(key.isPrivate() ? key.toPublic() : key));
}

function beyondBounds(parts: KeyParts): string | undefined {
  const signatures = countSignatures(parts);
  if (signatures > MAX_SIGNATURES_PER_KEY)
    return `${signatures} signatures (the limit is ${MAX_SIGNATURES_PER_KEY}; certification flooding?)`;
  const components = countComponents(parts);
  if (components > MAX_COMPONENTS_PER_KEY)
    return `${components} user IDs and subkeys (the limit is ${MAX_COMPONENTS_PER_KEY})`;
  return undefined;
}

export interface LoadKeysResult {
  readonly keyring: Keyring;
  /** Problems with files found while scanning a directory, and keys skipped at a bound. */
  readonly warnings: readonly string[];
}

/**
 * Loads keys from files and directories the user named. A named file that is not a key is an input
 * error; in a directory, files with a key extension that cannot be read are skipped with a warning,
 * so one broken file in a key directory does not stop a boot-time check.
 */
export async function loadKeys(
  paths: readonly string[],
  keyring = new Keyring(),
  origin: KeyOrigin = 'keys',
): Promise<LoadKeysResult> {
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
      warnings.push(...(await keyring.addFile(path, origin)));
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(path)).sort();
    } catch (error) {
      throw new InputError('INPUT_UNREADABLE', `key directory ${path}: ${describeError(error)}`);
    }
    const budget = new DirectoryBudget(path);
    for (const name of names) {
      if (!KEY_FILE_EXTENSIONS.has(extname(name).toLowerCase())) continue;
      const file = join(path, name);
      try {
        const fileInfo = await stat(file);
        if (!fileInfo.isFile()) continue;
        const refusal = budget.take(file, fileInfo.size);
        if (refusal !== undefined) {
          warnings.push(refusal);
          if (budget.exhausted) break;
          continue;
        }
        warnings.push(...(await keyring.addFile(file, origin)));
      } catch (error) {
        warnings.push(describeError(error));
      }
    }
  }
  return { keyring, warnings };
}

/**
 * The bounds on one key directory: MAX_KEY_FILES_PER_DIRECTORY files and MAX_KEY_BYTES_PER_DIRECTORY
 * bytes. take() returns a warning for a file that does not fit (and it is not read).
 */
export class DirectoryBudget {
  readonly #display: string;
  #files = 0;
  #bytes = 0;
  exhausted = false;

  constructor(display: string) {
    this.#display = display;
  }

  take(file: string, size: number): string | undefined {
    if (size > MAX_KEY_FILE_BYTES)
      return `key file ${file}: ${size} bytes; the limit is ${MAX_KEY_FILE_BYTES}: skipped`;
    if (this.#files >= MAX_KEY_FILES_PER_DIRECTORY) {
      this.exhausted = true;
      return `key directory ${this.#display}: more than ${MAX_KEY_FILES_PER_DIRECTORY} key files; ${file} and the files after it are skipped`;
    }
    if (this.#bytes + size > MAX_KEY_BYTES_PER_DIRECTORY)
      return `key directory ${this.#display}: its key files exceed ${MAX_KEY_BYTES_PER_DIRECTORY} bytes together; ${file} skipped`;
    this.#files++;
    this.#bytes += size;
    return undefined;
  }
}

/** Parses every key in a file, armored (several blocks allowed) or binary. */
export async function readKeyFile(path: string): Promise<Key[]> {
  return parseKeyBytes(await readKeyFileBytes(path), path);
}

async function readKeyFileBytes(path: string): Promise<Buffer> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    if (info.size > MAX_KEY_FILE_BYTES)
      throw new Error(`${info.size} bytes; a key file may hold at most ${MAX_KEY_FILE_BYTES}`);
    const bytes = await readFile(path);
    if (bytes.length > MAX_KEY_FILE_BYTES) throw new Error(`larger than ${MAX_KEY_FILE_BYTES} bytes`);
    return bytes;
  } catch (error) {
    throw new InputError(
      'KEY_UNREADABLE',
      `key file ${path}: ${errnoCode(error) === 'ENOENT' ? 'does not exist' : describeError(error)}`,
    );
  }
}

/**
 * Parses the keys in the bytes of a key file (at most MAX_KEYS_PER_FILE + 1 of an armored file, so a
 * caller can tell there were more); `path` names it in errors.
 */
export async function parseKeyBytes(bytes: Uint8Array, path: string): Promise<Key[]> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length > MAX_KEY_FILE_BYTES)
    throw new InputError('KEY_UNREADABLE', `key file ${path}: larger than ${MAX_KEY_FILE_BYTES} bytes`);
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

async function readArmoredKeys(text: string): Promise<Key[]> {
  const keys: Key[] = [];
  for (const block of splitKeyBlocks(text, MAX_KEYS_PER_FILE + 1)) {
    if (block.kind === 'PRIVATE') {
      keys.push(...(await readPrivateKeys({ armoredKeys: block.text, config: verifyConfig })));
    } else {
      keys.push(...(await readKeys({ armoredKeys: block.text, config: verifyConfig })));
    }
    if (keys.length > MAX_KEYS_PER_FILE) break;
  }
  return keys;
}
