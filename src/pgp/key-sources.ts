// Where keys come from: files and directories the user names (read as named), and an installation's
// admin/libraries/BMO directory (read inside the installation's root, like every file of it, so a
// link in a snapshot cannot make us read the auditor's own files).

import { readdirSync } from 'node:fs';
import { extname } from 'node:path';
import { describeError } from '../errors.js';
import { ConfinedOpener } from '../fs/confined-open.js';
import { readConfined } from '../fs/read-confined.js';
import { KEY_FILE_EXTENSIONS, Keyring, MAX_KEY_FILE_BYTES, loadKeys, parseKeyBytes } from './keyring.js';
import type { LoadKeysResult } from './keyring.js';

export type KeySource =
  | { readonly kind: 'path'; readonly path: string }
  /** `dir` relative to `root`; `display` is how reports name it. */
  | { readonly kind: 'installation'; readonly root: string; readonly dir: string; readonly display: string };

export async function loadKeySources(sources: readonly KeySource[]): Promise<LoadKeysResult> {
  const keyring = new Keyring();
  const warnings: string[] = [];
  const paths = sources.flatMap((s) => (s.kind === 'path' ? [s.path] : []));
  warnings.push(...(await loadKeys(paths, keyring)).warnings);
  for (const source of sources) {
    if (source.kind === 'installation') warnings.push(...(await loadInstallationKeys(source, keyring)));
  }
  return { keyring, warnings };
}

async function loadInstallationKeys(
  source: Extract<KeySource, { kind: 'installation' }>,
  keyring: Keyring,
): Promise<string[]> {
  const opener = new ConfinedOpener(source.root, source.root);
  const dir = opener.resolveDirectory(source.dir);
  if (dir.kind !== 'dir') return dir.kind === 'missing' ? [] : [`key directory ${source.display}: ${dir.reason}`];
  let names: string[];
  try {
    names = readdirSync(dir.real).sort();
  } catch (error) {
    return [`key directory ${source.display}: ${describeError(error)}`];
  }
  const warnings: string[] = [];
  for (const name of names) {
    if (!KEY_FILE_EXTENSIONS.has(extname(name).toLowerCase())) continue;
    const display = `${source.display}/${name}`;
    const read = readConfined(opener, `${source.dir}/${name}`, MAX_KEY_FILE_BYTES);
    if (read.state === 'missing') continue;
    if (read.state === 'failed') {
      warnings.push(`key file ${display}: ${read.reason}`);
      continue;
    }
    try {
      await keyring.addKeys(await parseKeyBytes(read.bytes, display), display);
    } catch (error) {
      warnings.push(describeError(error));
    }
  }
  return warnings;
}
