// The one openpgp.js configuration pbxsig verifies with, and why it differs from the defaults.

import { config as defaults, enums } from 'openpgp';
import type { Config } from 'openpgp';

export const verifyConfig: Config = {
  ...defaults,
  // Every official FreePBX module signature up to 2026 is made with a SHA-1 message digest;
  // openpgp.js rejects those by default. Accept them (reports carry a warning), as GnuPG does.
  rejectMessageHashAlgorithms: new Set([enums.hash.md5, enums.hash.ripemd]),
  // Some developer keys were re-self-signed after they signed modules (dpviz: self-signature 2026-07,
  // module signatures 2025). openpgp.js then finds no self-signature valid at signing time; GnuPG does
  // not mind. Trust still requires a valid certification by an anchor, checked at the present time.
  allowInsecureVerificationWithReformattedKeys: true,
};

/** Upper-case name of an OpenPGP hash algorithm id ("SHA1", "SHA256"). */
export function hashName(id: number | null): string {
  if (id === null) return 'UNKNOWN';
  try {
    return enums.read(enums.hash, id).toUpperCase();
  } catch {
    return `HASH${id}`;
  }
}

/** Upper-case hex of a fingerprint or key ID. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}
