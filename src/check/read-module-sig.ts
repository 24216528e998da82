// Read a module's module.sig without trusting it (see fs/read-confined.ts).

import { ManifestError } from '../errors.js';
import type { ConfinedOpener } from '../fs/confined-open.js';
import { readConfined } from '../fs/read-confined.js';

export const MODULE_SIG = 'module.sig';

export type ModuleSigRead = { readonly state: 'missing' } | { readonly state: 'read'; readonly text: string };

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
  return { state: 'read', text: read.bytes.toString('utf8') };
}
