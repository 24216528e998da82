// The file work of signing: the SHA-256 of each of a slice of a module's files, done by whichever lane
// claimed the slice. Files are opened confined to the module, as when verifying.

import type { LaneTools } from './check-module.js';
import { hashFile } from '../hash/hash-file.js';

/** A slice of the files of a module to sign: paths relative to `root`, each confined to `confine`. */
export interface FilesUnit {
  readonly kind: 'files';
  readonly root: string;
  readonly confine: string;
  readonly paths: readonly string[];
}

export interface HashedFiles {
  /** Lower-case hex digest per path, in order; null where the file could not be hashed. */
  readonly digests: ReadonlyArray<string | null>;
  readonly bytes: number;
  readonly failures: ReadonlyArray<{ readonly index: number; readonly reason: string }>;
}

export function hashFiles(unit: FilesUnit, tools: LaneTools): HashedFiles {
  const opener = tools.opener(unit.root, unit.confine);
  const digests: Array<string | null> = [];
  const failures: Array<{ index: number; reason: string }> = [];
  let bytes = 0;
  unit.paths.forEach((path, index) => {
    const hashed = hashFile(opener, path, tools.hasher, tools.buffer);
    if (hashed.ok) {
      digests.push(hashed.digest);
      bytes += hashed.size;
    } else {
      digests.push(null);
      failures.push({ index, reason: hashed.reason });
    }
  });
  return { digests, bytes, failures };
}
