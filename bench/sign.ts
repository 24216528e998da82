// module.sig for a generated module, made by pbxsig's own signing library (src/sign/): FreePBX's body
// (formatBody) clear-signed (clearsign). The generators hash each file as they write it, so the
// entries come in with their digests; src/sign/sign-module.ts would hash the directory again, and
// could not list framework's files, which live outside its module directory.

import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import { formatBody } from '../src/sign/body.js';
import type { BodyEntry } from '../src/sign/body.js';
import { clearsign } from '../src/sign/clearsign.js';

export type { BodyEntry } from '../src/sign/body.js';

export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** The clear-signed module.sig text listing `entries`, signed by `key`. */
export async function signedManifest(entries: readonly BodyEntry[], key: PrivateKey): Promise<string> {
  const signedWith = key.getKeyID().toHex().toUpperCase();
  return clearsign(formatBody({ signedWith, signedBy: 'pbxsig bench' }, entries), key);
}

/** Writes `<dir>/module.sig` listing `entries`, signed by `key`. */
export async function writeModuleSig(dir: string, entries: readonly BodyEntry[], key: PrivateKey): Promise<void> {
  await writeFile(join(dir, 'module.sig'), await signedManifest(entries, key));
}
