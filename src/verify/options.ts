// One options policy for every command that does file work (verify, audit, sign): the defaults, what
// `--threads` means, and how many worker lanes a run gets. A lane costs a core; a worker thread also
// costs its start (about 40-80 ms of wall time and more of CPU on two cores), so the pool's size follows
// the work: a module or two stays on the main thread, an installation gets a lane per core.

import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { resolveEngine } from '../hash/engine.js';
import type { EngineChoice, EngineName } from '../hash/types.js';
import { UNTRUSTED_LOOK } from '../check/limits.js';
import type { UntrustedLook } from '../check/limits.js';
import { DEFAULT_LIMITS } from '../manifest/types.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { ModuleReport, UnlistedPolicy } from '../report/types.js';
import type { KnownFile, SiteFile } from '../unlisted/known-files.js';

/** Options every verifying entry point takes (verifyModules, verifyInstallation, auditInstallations). */
export interface CommonOptions {
  /** Key files or directories (armored or binary), in addition to the installation's own keys. */
  readonly keys?: readonly string[];
  /** Trust anchor fingerprints; default: FreePBX's two master keys. */
  readonly anchors?: readonly string[];
  readonly engine?: EngineChoice;
  /**
   * Threads that do file work, the main thread included: 1 (or 0) keeps everything on the main thread;
   * default "auto" (one per core when the work pays for it).
   */
  readonly threads?: number | 'auto';
  /** Unlisted files: not looked for, reported, or reported and failing the module (default). */
  readonly unlisted?: UnlistedPolicy;
  /**
   * The site's accepted unlisted files (its allowlist), each by module, path and SHA-256: such a file
   * is shown as a known file (source 'site') and does not fail its module. The same path with other
   * content is unlisted code again.
   */
  readonly allow?: readonly SiteFile[];
  /** The time to judge expiry and revocation at; default now. */
  readonly now?: Date;
  readonly limits?: ManifestLimits;
  /** The bounded look at a manifest before its signature is known good and trusted (default UNTRUSTED_LOOK). */
  readonly untrustedLook?: UntrustedLook;
  /** Called with each module's report as soon as it is ready (completion order). */
  readonly onModule?: (report: ModuleReport) => void;
}

/** The options with every default applied. */
export interface Settled {
  readonly engine: EngineName;
  readonly threads: number | 'auto';
  readonly unlisted: UnlistedPolicy;
  /** `allow` as known files of source 'site'. */
  readonly known: readonly KnownFile[];
  readonly now: Date;
  readonly limits: ManifestLimits;
  readonly look: UntrustedLook;
}

export function settle(options: CommonOptions, startedAt: Date): Settled {
  return {
    engine: resolveEngine(options.engine ?? 'auto', 'sha256'),
    threads: options.threads ?? 'auto',
    unlisted: options.unlisted ?? 'fail',
    known: siteFiles(options.allow ?? []),
    now: options.now ?? startedAt,
    limits: options.limits ?? DEFAULT_LIMITS,
    look: options.untrustedLook ?? UNTRUSTED_LOOK,
  };
}

// An entry that could never match is a mistake the caller should hear about, not a file that fails
// without a word on why its entry did not count.
function siteFiles(allow: readonly SiteFile[]): KnownFile[] {
  return allow.map((entry, i) => {
    const { module, path, sha256 } = entry;
    const bad = (what: string): never => {
      throw new UsageError(`allow[${i}]: ${what}, got ${JSON.stringify(entry)}`);
    };
    if (typeof module !== 'string' || module === '' || module.includes('/')) bad('expected a module name');
    if (typeof path !== 'string' || path.split('/').some((p) => p === '' || p === '.' || p === '..'))
      bad('expected a path relative to the module directory');
    if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(sha256)) bad('expected a SHA-256 digest (64 hex digits)');
    return { module, path, sha256: sha256.toLowerCase(), source: 'site' };
  });
}

/**
 * Most threads a run may ask for: 4 per core. File work is bound by one core per stream and by
 * file-system calls; past two threads per core they only wait on each other, and each costs memory (a
 * worker with its heap is 7-8 MB: 256 threads for a 9-file module took 1.96 GB, 100,000 failed with
 * EAGAIN). Four per core leaves room for slow storage (a network mount, where threads wait on I/O).
 */
export const MAX_THREADS = 4 * availableParallelism();

// Below this many files, starting a worker costs more than it saves (a file costs about 15
// microseconds of system calls and hashing; a worker about 60 ms to start and stop on two cores).
// Warm lanes (lanes/warm.ts) are already paid for: a run with two units or more takes them.
export const WORKER_PAYS_FROM_FILES = 4_000;

/**
 * Worker lanes beside the main thread. `threads` as the user gave it; `units` is how many pieces of
 * work the run has (a lane without a unit is idle); `files` an estimate of the files to hash; `warm`
 * how many lanes are already started (lanes/warm.ts).
 */
export function chooseWorkers(
  threads: number | 'auto',
  work: { readonly units: number; readonly files: number; readonly warm?: number },
): number {
  const useful = Math.max(0, work.units - 1);
  if (threads !== 'auto') return Math.min(Math.max(0, Math.min(threads, MAX_THREADS) - 1), useful);
  const perCore = Math.min(availableParallelism() - 1, useful);
  if (work.files < WORKER_PAYS_FROM_FILES) return Math.min(work.warm ?? 0, perCore);
  return perCore;
}
