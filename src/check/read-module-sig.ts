// Read a module's module.sig without trusting it (see fs/read-confined.ts).

import { ManifestError } from '../errors.js';
import { createHash } from 'node:crypto';
import { decodeBytes, encodeBytes } from '../fs/byte-string.js';
import type { ConfinedOpener } from '../fs/confined-open.js';
import { readConfined } from '../fs/read-confined.js';

export const MODULE_SIG = 'module.sig';

/**
 * `text` is the file's text: UTF-8, with any byte that is not UTF-8 kept as an escape
 * (fs/byte-string.ts), so that the signature is checked, and listed names are opened, by their exact
 * bytes. Distinct files give distinct texts (and distinct SHA-256 of the text).
 */
export type ModuleSigRead =
  | { readonly state: 'missing' }
  | {
      readonly state: 'read';
      readonly text: string;
      /** textDigest(text), taken from the bytes. */ readonly digest: string;
    };

/**
 * `path` is module.sig's path relative to the opener's root. Throws ManifestError
 * (MANIFEST_UNREADABLE, MANIFEST_TOO_LARGE) for a module.sig we will not use.
 */
export function readModuleSig(opener: ConfinedOpener, path: string, maxBytes: number): ModuleSigRead {
  const read = readConfined(opener, path, maxBytes);
  if (read.state === 'missing') return read;
  if (read.state === 'failed')
    throw new ManifestError(
      read.tooLarge ? 'MANIFEST_TOO_LARGE' : 'MANIFEST_UNREADABLE',
      `${MODULE_SIG}: ${read.reason}`,
    );
  return { state: 'read', text: decodeBytes(read.bytes), digest: bytesDigest(read.bytes) };
}

/**
 * The SHA-256 of the bytes a text was read from (decodeBytes is exact both ways): what identifies a
 * module.sig, and what a signed text is checked against wherever it arrives.
 */
export function textDigest(text: string): string {
  return bytesDigest(encodeBytes(text));
}

function bytesDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
