// How much file work a `verify` names, guessed before the command line is parsed, so that the CLI
// starts a worker lane only for work that pays for it (warm-start.ts). Nothing is opened or read:
// the guess adds up the sizes of the module.sig files the run will read, which grow with the files
// they list. It only ever changes how many threads a run starts, never what the run checks.
//
// Bounded on a hostile tree: at most MAX_PROBED directory entries are looked at, one stat each.

import { opendirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MODULES_IN_WEBROOT } from '../install/layout.js';

/**
 * Bytes of module.sig per file it lists: 152 on average over the 94 real module.sig files of the
 * shared real-world corpus (framework's 8,108 entries: 163; a one-file module: 810, mostly signature).
 */
export const BYTES_PER_LISTED_FILE = 150;

/** Module directories looked at, at most: more than this many modules is a large run anyway. */
export const MAX_PROBED = 1000;

/**
 * Whether the module.sig files of these module directories add up to `bytes` or more (a missing one
 * counts nothing). Stops as soon as it knows.
 */
export function sigBytesReach(moduleDirs: Iterable<string>, bytes: number): boolean {
  let total = 0;
  let probed = 0;
  for (const dir of moduleDirs) {
    if (++probed > MAX_PROBED) return true;
    total += sigSize(join(dir, 'module.sig'));
    if (total >= bytes) return true;
  }
  return false;
}

// A module.sig's size; 0 when it is not a regular file or cannot be looked at (a directory named on
// the command line that is a file: the run says so, not this guess).
function sigSize(path: string): number {
  try {
    const info = statSync(path, { throwIfNoEntry: false });
    return info?.isFile() ? info.size : 0;
  } catch {
    return 0;
  }
}

/**
 * The module directories of the installation at `root` (its web root `webroot`, as FreePBX names
 * it: an absolute path inside the root), or only those named in `only`; undefined when the modules
 * directory cannot be listed (another web root set in the installation's own files, or no FreePBX).
 */
export function moduleDirsOf(root: string, webroot: string, only: readonly string[]): string[] | undefined {
  const modules = join(root, webroot, MODULES_IN_WEBROOT);
  if (only.length > 0) return only.map((name) => join(modules, name));
  let dir;
  try {
    dir = opendirSync(modules);
  } catch {
    return undefined;
  }
  const dirs: string[] = [];
  try {
    // One past the bound, so that sigBytesReach sees there are more.
    for (let entry = dir.readSync(); entry && dirs.length <= MAX_PROBED; entry = dir.readSync()) {
      if (entry.isDirectory() || entry.isSymbolicLink()) dirs.push(join(modules, entry.name));
    }
  } catch {
    return undefined;
  } finally {
    dir.closeSync();
  }
  return dirs;
}
