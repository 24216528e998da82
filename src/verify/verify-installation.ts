// Verify a whole FreePBX installation (`pbxsig verify` with no module directory): every module in
// <webroot>/admin/modules, each listed file where FreePBX installed it, the installation's own keys,
// and every path resolved inside the installation's root.

import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.js';
import { resolveEngine } from '../hash/engine.js';
import { HashPool } from '../hash/pool.js';
import { discoverInstallation } from '../install/discover.js';
import { destinationOf, moduleDirectory } from '../install/layout.js';
import { SETTING_KEYS } from '../install/settings.js';
import type { InstallSettings, SettingName } from '../install/settings.js';
import { DEFAULT_LIMITS } from '../manifest/types.js';
import { FREEPBX_ANCHORS, parseAnchors } from '../pgp/anchors.js';
import type { KeySource } from '../pgp/key-sources.js';
import type { InstallationReport, Notice, VerifyReport } from '../report/types.js';
import type { ModuleSpec } from './plan.js';
import { runVerification } from './run.js';
import type { CommonOptions } from './verify-modules.js';

export interface InstallationOptions extends CommonOptions {
  /** The installation's filesystem root; default "/". */
  readonly root?: string;
  /** Directory settings that win over the installation's own (AMPWEBROOT, ...). */
  readonly settings?: Partial<InstallSettings>;
  /** Only these modules (by name); default every module. */
  readonly modules?: readonly string[];
}

export async function verifyInstallation(options: InstallationOptions = {}): Promise<VerifyReport> {
  const startedAt = new Date();
  const anchors = parseAnchors(options.anchors ?? FREEPBX_ANCHORS);
  const pool = earlyPool(options);
  try {
    await pool?.started();
    return await verify(options, startedAt, anchors, pool);
  } catch (error) {
    await pool?.close();
    throw error;
  }
}

// A whole installation is large by nature (FreePBX 17: 26,000 files; the pool wins from about 10,000,
// see hash/pool.ts), so under `--threads auto` the workers start now and boot while the modules are
// discovered and planned, instead of after. A run limited to some modules decides after planning.
function earlyPool(options: InstallationOptions): HashPool | undefined {
  const threads = options.threads ?? 'auto';
  if (options.modules !== undefined) return undefined;
  const count = threads === 'auto' ? Math.max(1, availableParallelism()) : threads;
  if (count < 2 && threads === 'auto') return undefined;
  return new HashPool({
    threads: count,
    engine: resolveEngine(options.engine ?? 'auto', 'sha256'),
    algorithm: 'sha256',
  });
}

async function verify(
  options: InstallationOptions,
  startedAt: Date,
  anchors: string[],
  pool: HashPool | undefined,
): Promise<VerifyReport> {
  const planned = await planInstallation(options);
  return runVerification({
    ...planned,
    limits: options.limits ?? DEFAULT_LIMITS,
    anchors,
    engine: options.engine ?? 'auto',
    threads: options.threads ?? 'auto',
    unlisted: options.unlisted ?? 'fail',
    now: options.now ?? startedAt,
    startedAt,
    onModule: options.onModule,
    ...(pool ? { pool } : {}),
  });
}

export interface PlannedInstallation {
  readonly modules: ModuleSpec[];
  readonly keySources: KeySource[];
  readonly installation: InstallationReport;
  readonly warnings: Notice[];
}

/** Finds the installation under `root` and describes what to check: its modules, where their files are, its keys. */
export async function planInstallation(
  options: Pick<InstallationOptions, 'root' | 'settings' | 'modules' | 'keys'>,
): Promise<PlannedInstallation> {
  const install = await discoverInstallation({
    root: options.root ?? '/',
    ...(options.settings ? { overrides: options.settings } : {}),
  });
  const wanted = options.modules ?? install.modules;
  const absent = wanted.filter((name) => !install.modules.includes(name));
  if (absent.length > 0) throw new UsageError(`no such module in ${install.modulesDir}: ${absent.join(', ')}`);

  const modules = wanted.map((name): ModuleSpec => {
    const directory = moduleDirectory(name, install.settings);
    return {
      name,
      directory,
      root: install.realRoot,
      confine: install.realRoot,
      dir: directory.slice(1),
      locate: (path: string) => {
        const destination = destinationOf(name, path, install.settings);
        return destination.kind === 'skip'
          ? { skip: destination.reason }
          : { location: destination.path, jobPath: destination.path.slice(1) };
      },
    };
  });

  const bmo = `${install.settings.webroot === '/' ? '' : install.settings.webroot}/admin/libraries/BMO`;
  const keySources: KeySource[] = [
    { kind: 'installation', root: install.realRoot, dir: bmo.slice(1), display: bmo },
    ...(options.keys ?? []).map((path): KeySource => ({ kind: 'path', path })),
  ];
  const installation: InstallationReport = {
    root: install.root,
    settings: Object.fromEntries(
      (Object.keys(SETTING_KEYS) as SettingName[]).map((name) => [
        SETTING_KEYS[name],
        { value: install.settings[name], source: install.sources[name] },
      ]),
    ),
    modulesDirectory: install.modulesDir,
  };
  return {
    modules,
    keySources,
    installation,
    warnings: install.warnings.map((message) => ({ code: 'INSTALLATION', message })),
  };
}
