// Library options take trust anchors as the CLI's --anchor does: fingerprints or public key files
// holding one key each (src/pgp/anchor-files.ts resolves them, for both).

import { resolveAnchorSpecs } from '../pgp/anchor-files.js';

/**
 * A trust anchor: a fingerprint (40 hex digits, spaces allowed) or a public key file holding exactly
 * one key. Naming an anchor is a trust decision; key files given as `keys` never create trust.
 */
export type AnchorSpec = string;

interface WithAnchors {
  readonly keys?: readonly string[];
  readonly anchors?: readonly AnchorSpec[];
}

/**
 * The options with their anchors as fingerprints, and the anchors' key files added to the keys (an
 * anchor's key is needed to check its certifications). Without anchors, the defaults apply unchanged.
 */
export async function withResolvedAnchors<T extends WithAnchors>(options: T): Promise<T> {
  if (options.anchors === undefined) return options;
  const { fingerprints, keyFiles } = await resolveAnchorSpecs(options.anchors);
  return { ...options, anchors: fingerprints, keys: [...(options.keys ?? []), ...keyFiles] };
}
