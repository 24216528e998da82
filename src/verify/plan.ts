// Plan the checks of one module: read and parse its module.sig, map each listed path to where it
// lives, and describe the directory walk for unlisted files. The same planning serves a module
// directory named on the command line and a module of an installation; only ModuleSpec differs.

import { createHash } from 'node:crypto';
import { InternalError, ManifestError } from '../errors.js';
import type { ConfinedOpener } from '../fs/confined-open.js';
import type { HashJob } from '../hash/types.js';
import type { WalkTask } from '../unlisted/walk.js';
import { splitClearsigned } from '../manifest/cleartext.js';
import { parseManifest } from '../manifest/parse.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { ManifestEntry } from '../manifest/types.js';
import { MODULE_SIG, readModuleSig } from './read-module-sig.js';
import type { SigState } from './module-report.js';

/** Where a listed file is: shown as `location`, opened as `jobPath` (relative to the root). */
export type Located = { readonly location: string; readonly jobPath: string } | { readonly skip: string };

export interface ModuleSpec {
  /** FreePBX's rawname: the directory name. */
  readonly name: string;
  /** The module directory as reports show it. */
  readonly directory: string;
  /** Real directory "/" means for links. */
  readonly root: string;
  /** Real directory every file must stay inside. */
  readonly confine: string;
  /** The module directory, relative to root. */
  readonly dir: string;
  /** Where a listed path lives (FreePBX's getDestination). */
  readonly locate: (path: string) => Located;
}

export interface ModulePlan {
  readonly name: string;
  readonly directory: string;
  readonly sig: SigState;
  /**
   * The entries FreePBX checks, in manifest order: the module's k-th hash job is entries[k]. Where
   * each lives is computed again when needed (jobsOf, locationOf) rather than kept: an installation
   * of hundreds of thousands of files would otherwise hold two more strings and objects per file.
   */
  readonly entries: readonly ManifestEntry[];
  readonly spec: ModuleSpec;
  /** Listed paths FreePBX does not check (framework's amp_conf/astetc/, ...), with why. */
  readonly skipped: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
  /** The walk for unlisted files; absent when there is no usable manifest to compare with. */
  readonly walk: Omit<WalkTask, 'run'> | undefined;
}

export function planModule(spec: ModuleSpec, opener: ConfinedOpener, limits: ManifestLimits): ModulePlan {
  const sig = readSig(spec, opener, limits);
  const manifest = sig.state === 'read' ? sig.manifest : undefined;
  const entries: ManifestEntry[] = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  for (const entry of manifest?.entries ?? []) {
    const where = spec.locate(entry.path);
    if ('skip' in where) skipped.push({ path: entry.path, reason: where.skip });
    else entries.push(entry);
  }
  const walk = manifest
    ? {
        root: spec.root,
        confine: spec.confine,
        module: spec.name,
        dir: spec.dir,
        listed: manifest.entries.map((e) => e.path),
      }
    : undefined;
  return { name: spec.name, directory: spec.directory, sig, entries, spec, skipped, walk };
}

/** The hash jobs of the plan's entries from `start` to `end` (default all), in order: made as they are submitted, freed batch by batch. */
export function jobsOf(plan: ModulePlan, start = 0, end = plan.entries.length): HashJob[] {
  const { root, confine } = plan.spec;
  const jobs: HashJob[] = [];
  for (let k = start; k < end; k++) {
    const entry = plan.entries[k] as ManifestEntry;
    jobs.push({ root, confine, path: located(plan.spec, entry.path).jobPath, expected: entry.digest });
  }
  return jobs;
}

/** Where a planned entry lives, as reports show it. */
export function locationOf(plan: ModulePlan, path: string): string {
  return located(plan.spec, path).location;
}

function located(spec: ModuleSpec, path: string): { readonly location: string; readonly jobPath: string } {
  const where = spec.locate(path);
  // planModule kept only the entries that locate to a file; locate is pure, so this cannot happen.
  if ('skip' in where) throw new InternalError(`${path} of module ${spec.name} was planned but is not checked`);
  return where;
}

function readSig(spec: ModuleSpec, opener: ConfinedOpener, limits: ManifestLimits): SigState {
  try {
    const read = readModuleSig(opener, spec.dir === '' ? MODULE_SIG : `${spec.dir}/${MODULE_SIG}`, limits.maxBytes);
    if (read.state === 'missing') return read;
    const clear = splitClearsigned(read.text);
    // Identifies identical module.sig files (judged once per session) without keeping their text:
    // framework's is over a megabyte, and an audit sees the same one on every installation.
    const sigDigest = createHash('sha256').update(read.text).digest('hex');
    try {
      return {
        state: 'read',
        sigDigest,
        clear,
        manifest: parseManifest(clear.text, { firstLine: clear.firstLine, limits }),
      };
    } catch (error) {
      if (error instanceof ManifestError) return { state: 'read', sigDigest, clear, manifestError: error };
      throw error;
    }
  } catch (error) {
    if (error instanceof ManifestError) return { state: 'unreadable', error };
    throw error;
  }
}
