// Read a module's module.sig without trusting it: through the confined opener (a link may not leave
// the module, a FIFO cannot block us), with a size cap checked on the open fd before reading.

import { closeSync, fstatSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestError, describeError } from '../errors.js';
import { ConfinedOpener } from '../hash/confined-open.js';

export const MODULE_SIG = 'module.sig';

export type ModuleSigRead = { readonly state: 'missing' } | { readonly state: 'read'; readonly text: string };

/** Throws ManifestError (MANIFEST_UNREADABLE, MANIFEST_TOO_LARGE) for a module.sig we will not use. */
export function readModuleSig(realModuleDir: string, maxBytes: number): ModuleSigRead {
  const opened = new ConfinedOpener('/', realModuleDir).open(join(realModuleDir, MODULE_SIG).slice(1));
  if (opened.kind === 'missing') return { state: 'missing' };
  if (opened.kind !== 'open') throw new ManifestError('MANIFEST_UNREADABLE', `${MODULE_SIG}: ${opened.reason}`);
  try {
    const info = fstatSync(opened.fd);
    if (!info.isFile()) throw new ManifestError('MANIFEST_UNREADABLE', `${MODULE_SIG} is not a regular file`);
    if (info.size > maxBytes) {
      throw new ManifestError('MANIFEST_TOO_LARGE', `${MODULE_SIG} is ${info.size} bytes; the limit is ${maxBytes}`);
    }
    // Read to the end, not to the size fstat gave: the file may grow or shrink meanwhile.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.max(64 * 1024, info.size + 1));
      const n = readSync(opened.fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new ManifestError('MANIFEST_TOO_LARGE', `${MODULE_SIG} is larger than ${maxBytes} bytes`);
      chunks.push(chunk.subarray(0, n));
    }
    return { state: 'read', text: Buffer.concat(chunks, total).toString('utf8') };
  } catch (error) {
    if (error instanceof ManifestError) throw error;
    throw new ManifestError('MANIFEST_UNREADABLE', `${MODULE_SIG}: ${describeError(error)}`);
  } finally {
    closeSync(opened.fd);
  }
}
