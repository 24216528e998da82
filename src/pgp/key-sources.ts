// Where keys come from, in the order they are loaded: FreePBX's keys bundled with pbxsig, then files
// and directories the user names (read as named), then an installation's admin/libraries/BMO directory
// (read inside the installation's root, like every file of it, so a link in a snapshot cannot make us
// read the auditor's own files). Copies of one key merge; the order only decides which file a
// signature is credited to, and which copy is skipped when merging would go beyond a bound (the
// installation's, attacker-controlled in an audit, comes last so it cannot crowd out the others).

import { readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { describeError } from '../errors.js';
import { ConfinedOpener } from '../fs/confined-open.js';
import { readConfined } from '../fs/read-confined.js';
import { BUNDLED_KEYS } from './bundled-keys.js';
import { MAX_KEY_FILE_BYTES } from './key-limits.js';
import { DirectoryBudget, KEY_FILE_EXTENSIONS, Keyring, loadKeys } from './keyring.js';
import type { LoadKeysResult } from './keyring.js';

export type KeySource =
  /** A file or directory the user named; `origin` says how reports name it (default `keys`). */
  | { readonly kind: 'path'; readonly path: string; readonly origin?: 'keys' | 'installation' }
  /** `dir` relative to `root`; `display` is how reports name it. */
  | { readonly kind: 'installation'; readonly root: string; readonly dir: string; readonly display: string }
  /** An installation's key files already read (by readInstallationKeyFiles, on the host that holds them). */
  | { readonly kind: 'installation-files'; readonly files: readonly KeyFileBytes[] };

/** A key file's bytes and how reports name it. */
export interface KeyFileBytes {
  readonly display: string;
  readonly bytes: Uint8Array;
}

export interface LoadKeySourcesOptions {
  /**
   * The trust anchors. Certifications by other keys are then dropped as keys load (they never matter
   * to trust; a flooded key stays small). Pass them for verification; without, all are kept.
   */
  readonly anchors?: readonly string[];
  /** Load FreePBX's keys bundled with pbxsig (bundled-keys.ts) first. Default true. */
  readonly bundled?: boolean;
}

/** How reports name a bundled key: not a file on disk. */
export function bundledKeyPath(keyId: string): string {
  return `bundled:freepbx/${keyId}.asc`;
}

/**
 * One keyring from every source. Named files that cannot be used throw InputError; problems with
 * files found in directories, and keys skipped at a bound, come back as warnings.
 * Cost: the bundled keys are parsed once per keyring (about 5 ms warm, 15-20 ms on a cold start);
 * an installation's BMO/*.key that is byte for byte a bundled key is recognised by its digest and not
 * parsed again, so an up-to-date installation costs no more than before.
 */
export async function loadKeySources(
  sources: readonly KeySource[],
  options: LoadKeySourcesOptions = {},
): Promise<LoadKeysResult> {
  const keyring = new Keyring(options.anchors ? { anchors: options.anchors } : {});
  const warnings: string[] = [];
  if (options.bundled ?? true) warnings.push(...(await loadBundledKeys(keyring)));
  for (const source of sources) {
    if (source.kind === 'path') warnings.push(...(await loadKeys([source.path], keyring, source.origin)).warnings);
  }
  for (const source of sources) {
    if (source.kind === 'path') continue;
    const read =
      source.kind === 'installation' ? readInstallationKeyFiles(source) : { files: source.files, warnings: [] };
    warnings.push(...read.warnings);
    for (const file of read.files) {
      try {
        warnings.push(...(await keyring.addBytes(file.bytes, { origin: 'installation', path: file.display })));
      } catch (error) {
        warnings.push(describeError(error));
      }
    }
  }
  return { keyring, warnings };
}

/**
 * Adds FreePBX's bundled keys. Parsed per keyring, not shared between keyrings: openpgp.js caches
 * verification results and revocation states on the signature objects, which must not carry from
 * one installation's key material to another's.
 */
export async function loadBundledKeys(keyring: Keyring): Promise<string[]> {
  const warnings: string[] = [];
  for (const bundled of BUNDLED_KEYS) {
    const path = bundledKeyPath(bundled.keyId);
    warnings.push(...(await keyring.addBytes(Buffer.from(bundled.armored, 'utf8'), { origin: 'bundled', path })));
  }
  return warnings;
}

/**
 * Reads an installation's key files (`*.key`, `*.asc`, ... in its BMO directory), inside its root and
 * within the directory's bounds (key-limits.ts). Synchronous, no openpgp.js: a fleet worker reads them
 * where the installation is and ships the bytes to where keys are judged.
 */
export function readInstallationKeyFiles(source: Extract<KeySource, { kind: 'installation' }>): {
  files: KeyFileBytes[];
  warnings: string[];
} {
  const opener = new ConfinedOpener(source.root, source.root);
  const dir = opener.resolveDirectory(source.dir);
  // Every FreePBX installation has this directory, with the keys its modules were signed with: without
  // them every module may be unknown-signer, and the report says why.
  const notLoaded = "the installation's own keys are not loaded";
  if (dir.kind !== 'dir') {
    return { files: [], warnings: [`key directory ${source.display}: ${dir.reason}; ${notLoaded}`] };
  }
  let names: string[];
  try {
    names = readdirSync(dir.real).sort();
  } catch (error) {
    return { files: [], warnings: [`key directory ${source.display}: ${describeError(error)}`] };
  }
  const files: KeyFileBytes[] = [];
  const warnings: string[] = [];
  const budget = new DirectoryBudget(source.display);
  for (const name of names) {
    if (!KEY_FILE_EXTENSIONS.has(extname(name).toLowerCase())) continue;
    const display = `${source.display}/${name}`;
    const read = readConfined(opener, `${source.dir}/${name}`, MAX_KEY_FILE_BYTES);
    if (read.state === 'missing') continue;
    if (read.state === 'failed') {
      warnings.push(`key file ${display}: ${read.reason}${read.tooLarge ? ': skipped' : ''}`);
      continue;
    }
    const refusal = budget.take(display, read.bytes.length);
    if (refusal !== undefined) {
      warnings.push(refusal);
      if (budget.exhausted) break;
      continue;
    }
    files.push({ display, bytes: read.bytes });
  }
  if (files.length === 0 && warnings.length === 0)
    warnings.push(`key directory ${source.display} holds no key file (*.key, *.asc, ...); ${notLoaded}`);
  return { files, warnings };
}
