// Verify a whole FreePBX installation (`pbxsig verify` with no module directory): every module in
// <webroot>/admin/modules, each listed file where FreePBX installed it, the installation's own keys,
// and every path resolved inside the installation's root.

import { UsageError } from '../errors.js';
import type { ModuleTarget } from '../check/target.js';
import { discoverInstallation } from '../install/discover.js';
import { moduleDirectory } from '../install/layout.js';
import { SETTING_KEYS } from '../install/settings.js';
import type { InstallSettings, SettingName } from '../install/settings.js';
import { FREEPBX_ANCHORS, parseAnchors } from '../pgp/anchors.js';
import type { KeySource } from '../pgp/key-sources.js';
import type { InstallationReport, Notice, VerifyReport } from '../report/types.js';
import { verifyGroup } from './coordinator.js';
import { settle } from './options.js';
import type { CommonOptions } from './options.js';
import { measureTargets } from './order.js';

export interface InstallationOptions extends CommonOptions {
  /** The installation's filesystem root; default "/". */
  readonly root?: string;
  /** Directory settings that win over the installation's own (AMPWEBROOT, ...). */
  readonly settings?: Partial<InstallSettings>;
  /** Only these modules (by name; a name given twice counts once); default every module. */
  readonly modules?: readonly string[];
}

export async function verifyInstallation(options: InstallationOptions = {}): Promise<VerifyReport> {
  const startedAt = new Date();
  const anchors = parseAnchors(options.anchors ?? FREEPBX_ANCHORS);
  const settled = settle(options, startedAt);
  const planned = await planInstallation(options);
  return verifyGroup(
    { ...planned, targets: measureTargets(planned.targets), startedAt, onModule: options.onModule },
    settled,
    anchors,
  );
}

export interface PlannedInstallation {
  readonly targets: ModuleTarget[];
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
  const wanted = options.modules ? [...new Set(options.modules)] : install.modules;
  const absent = wanted.filter((name) => !install.modules.includes(name));
  if (absent.length > 0) throw new UsageError(`no such module in ${install.modulesDir}: ${absent.join(', ')}`);

  const layout = { kind: 'installation' as const, settings: install.settings };
  const targets = wanted.map((name): ModuleTarget => {
    const directory = moduleDirectory(name, install.settings);
    return {
      name,
      directory,
      root: install.realRoot,
      confine: install.realRoot,
      moduleDir: directory.slice(1),
      layout,
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
    targets,
    keySources,
    installation,
    warnings: [
      ...install.codeBesideModules.map((message) => ({ code: 'CODE_BESIDE_MODULES', message })),
      ...install.warnings.map((message) => ({ code: 'INSTALLATION', message })),
    ],
  };
}
