// Trust anchors: pinned fingerprints. Kept apart from trust.ts so that reading them costs no
// openpgp.js import (the CLI validates --anchor before any key work starts).

import { InputError } from '../errors.js';

/** FreePBX's master keys (docs/freepbx.md): v2 (2019) and v1 (2014), both still trusted by FreePBX 17. */
export const FREEPBX_ANCHORS: readonly string[] = [
  '0BDE0BFA09946D732091E26E1588A7366BD35B34',
  '2016349F5BC6F49340FCCAF99F9169F4B33B4659',
];

/** Normalises anchor fingerprints (spaces allowed, any case); throws InputError on anything else. */
export function parseAnchors(anchors: readonly string[]): string[] {
  return anchors.map((anchor) => {
    const fpr = anchor.replace(/\s+/g, '').toUpperCase();
    if (!/^[0-9A-F]{40}$/.test(fpr)) {
      throw new InputError(
        'ANCHOR_INVALID',
        `trust anchor ${JSON.stringify(anchor)}: expected a 40-hex-digit fingerprint`,
      );
    }
    return fpr;
  });
}
