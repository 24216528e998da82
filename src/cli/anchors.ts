// `--anchor` for every command that judges trust (verify, audit, sign --check, keys list), handled in
// one place: a fingerprint or a public key file each time; none given means FreePBX's master keys.
// A key file named as an anchor is loaded as a key too, so that its certifications can be checked.

import { anchorKeyFiles, resolveAnchors } from '../pgp/anchor-files.js';
import { FREEPBX_ANCHORS } from '../pgp/anchors.js';

export interface Trust {
  /** Anchor fingerprints, upper case. */
  readonly anchors: string[];
  /** The key files to load: those given with --keys, then the anchors' own key files. */
  readonly keys: string[];
}

/**
 * The anchors and key files of a command line. `fallback` gives the anchors when none was named
 * (FreePBX's master keys, or for `sign --check` the signing key itself).
 */
export async function trustFrom(
  options: { readonly anchors: readonly string[]; readonly keys: readonly string[] },
  fallback: () => readonly string[] = () => FREEPBX_ANCHORS,
): Promise<Trust> {
  const specs = options.anchors.length > 0 ? options.anchors : [...fallback()];
  return { anchors: await resolveAnchors(specs), keys: [...options.keys, ...anchorKeyFiles(specs)] };
}
