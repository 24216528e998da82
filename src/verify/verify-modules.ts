// Verify FreePBX module directories named by the user (`pbxsig verify DIR...`).
// Each module is confined to its own directory; symbolic links resolve against the real "/".

import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, UsageError, describeError, errnoCode } from '../errors.js';
import type { EngineChoice } from '../hash/types.js';
import { DEFAULT_LIMITS } from '../manifest/types.js';
import type { ManifestLimits } from '../manifest/types.js';
import { FREEPBX_ANCHORS, parseAnchors } from '../pgp/anchors.js';
import type { KeySource } from '../pgp/key-sources.js';
import type { ModuleReport, UnlistedPolicy, VerifyReport } from '../report/types.js';
import type { ModuleSpec } from './plan.js';
import { runVerification } from './run.js';

export interface CommonOptions {
  /** Key files or directories (armored or binary), in addition to the installation's own keys. */
  readonly keys?: readonly string[];
  /** Trust anchor fingerprints; default: FreePBX's two master keys. */
  readonly anchors?: readonly string[];
  readonly engine?: EngineChoice;
  /** Hashing threads; 0 hashes on this thread; default "auto" (see hash/pool.ts chooseThreads). */
  readonly threads?: number | 'auto';
  /** Unlisted files: not looked for, reported, or reported and failing the module (default). */
  readonly unlisted?: UnlistedPolicy;
  /** The time to judge expiry and revocation at; default now. */
  readonly now?: Date;
  readonly limits?: ManifestLimits;
  /** Called with each module's report as soon as it is ready (completion order). */
  readonly onModule?: (report: ModuleReport) => void;
}

export interface VerifyOptions extends CommonOptions {
  /** Module directories (each holds a module.sig). */
  readonly modules: readonly string[];
}

export async function verifyModules(options: VerifyOptions): Promise<VerifyReport> {
  const startedAt = new Date();
  const anchors = parseAnchors(options.anchors ?? FREEPBX_ANCHORS);
  if (options.modules.length === 0) throw new UsageError('no module directory given');
  const limits = options.limits ?? DEFAULT_LIMITS;

  const targets = await Promise.all(options.modules.map(resolveModuleDir));
  const modules = targets.map((target): ModuleSpec => {
    const dir = target.real.slice(1);
    return {
      name: target.name,
      directory: target.directory,
      root: '/',
      confine: target.real,
      dir,
      locate: (path: string) => ({
        location: `${target.directory}/${path}`,
        jobPath: dir === '' ? path : `${dir}/${path}`,
      }),
    };
  });

  const keySources: KeySource[] = [...(options.keys ?? []), ...(await installationKeyDirs(targets))].map((path) => ({
    kind: 'path',
    path,
  }));
  return runVerification({
    modules,
    limits,
    keySources,
    anchors,
    engine: options.engine ?? 'auto',
    threads: options.threads ?? 'auto',
    unlisted: options.unlisted ?? 'fail',
    now: options.now ?? startedAt,
    startedAt,
    installation: null,
    onModule: options.onModule,
  });
}

interface ModuleDir {
  readonly name: string;
  readonly directory: string;
  readonly real: string;
}

async function resolveModuleDir(dir: string): Promise<ModuleDir> {
  const directory = resolve(dir);
  try {
    const info = await stat(directory);
    if (!info.isDirectory()) throw new InputError('INPUT_NOT_DIRECTORY', `module directory ${dir}: not a directory`);
    return { name: basename(directory), directory, real: await realpath(directory) };
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (errnoCode(error) === 'ENOENT')
      throw new InputError('INPUT_NOT_FOUND', `module directory ${dir}: does not exist`);
    throw new InputError('INPUT_UNREADABLE', `module directory ${dir}: ${describeError(error)}`);
  }
}

// FreePBX keeps its public keys in <webroot>/admin/libraries/BMO/*.key; a module directory at
// <webroot>/admin/modules/<name> brings its installation's keys, as FreePBX itself uses them.
async function installationKeyDirs(targets: readonly ModuleDir[]): Promise<string[]> {
  const found = new Set<string>();
  for (const { directory } of targets) {
    const modulesDir = dirname(directory);
    if (basename(modulesDir) !== 'modules') continue;
    const bmo = join(dirname(modulesDir), 'libraries', 'BMO');
    if (found.has(bmo)) continue;
    try {
      if ((await stat(bmo)).isDirectory()) found.add(bmo);
    } catch {
      // No BMO directory: not an installation, nothing to add.
    }
  }
  return [...found];
}
