// `--anchor` takes a fingerprint or a public key file: naming a file pins the fingerprint of each
// primary key in it. Explicitly naming the anchor is the user's trust decision, which is why a key
// file may do this here and nowhere else.

import { existsSync } from 'node:fs';
import { parseAnchors } from './anchors.js';

const FINGERPRINT = /^[0-9A-Fa-f\s]+$/;

/** The specs that name key files: their keys are needed too, to check the anchors' certifications. */
export function anchorKeyFiles(specs: readonly string[]): string[] {
  return specs.filter((spec) => !FINGERPRINT.test(spec) && existsSync(spec));
}

export async function resolveAnchors(specs: readonly string[]): Promise<string[]> {
  const fingerprints: string[] = [];
  for (const spec of specs) {
    if (FINGERPRINT.test(spec) || !existsSync(spec)) {
      fingerprints.push(...parseAnchors([spec]));
      continue;
    }
    // Only a key file needs openpgp.js (about 45 ms to load): fingerprints are parsed without it.
    const { readKeyFile } = await import('./keyring.js');
    for (const key of await readKeyFile(spec)) fingerprints.push(key.getFingerprint().toUpperCase());
  }
  return fingerprints;
}
