// What to verify, as plain data that crosses threads: a module's name and directory, the root its links
// resolve in, the directory its files must stay in, and how its listed paths map to places on disk.
// The same description serves a module directory named on the command line and a module of an
// installation; only the layout differs. Pure: no I/O.

import { destinationOf } from '../install/layout.js';
import type { InstallSettings } from '../install/settings.js';

/** How listed paths map to disk: as they lie under the module directory, or where FreePBX installs them. */
export type Layout =
  { readonly kind: 'module-directory' } | { readonly kind: 'installation'; readonly settings: InstallSettings };

export interface ModuleTarget {
  /** FreePBX's rawname: the directory name. */
  readonly name: string;
  /** The module directory, absolute, as reports show it. */
  readonly directory: string;
  /** Real absolute directory that "/" means for symbolic links: "/" on a live host, the snapshot for --root. */
  readonly root: string;
  /** Real absolute directory every file must stay inside (the module directory, or the root). */
  readonly confine: string;
  /** The module directory relative to `root`, without a leading "/" ("" when it is the root). */
  readonly moduleDir: string;
  readonly layout: Layout;
}

/** Where a listed path lives: shown as `location`, opened as `openPath` (relative to the root). */
export type Placement =
  | { readonly kind: 'file'; readonly location: string; readonly openPath: string }
  | { readonly kind: 'skip'; readonly reason: string };

export function placeEntry(target: ModuleTarget, path: string): Placement {
  if (target.layout.kind === 'module-directory') {
    return {
      kind: 'file',
      location: `${target.directory}/${path}`,
      openPath: target.moduleDir === '' ? path : `${target.moduleDir}/${path}`,
    };
  }
  const destination = destinationOf(target.name, path, target.layout.settings);
  if (destination.kind === 'skip') return destination;
  return { kind: 'file', location: destination.path, openPath: destination.path.slice(1) };
}

/** module.sig's path relative to the root. */
export function moduleSigPath(target: ModuleTarget): string {
  return target.moduleDir === '' ? 'module.sig' : `${target.moduleDir}/module.sig`;
}
