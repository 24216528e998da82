// Find a FreePBX installation under a root directory ("/" on a live host, or a snapshot: a backup or
// mounted disk). Every path is resolved inside the root, so the snapshot's absolute links point into
// the snapshot, never at the machine doing the audit.

import { readdirSync } from 'node:fs';
import { InputError, describeError } from '../errors.js';
import { decodeBytes } from '../fs/byte-string.js';
import { namedDirectory } from '../fs/named-directory.js';
import { ConfinedOpener } from '../fs/confined-open.js';
import { readConfined } from '../fs/read-confined.js';
import { codeByName } from '../unlisted/policy.js';
import { MODULES_IN_WEBROOT } from './layout.js';
import { SETTING_KEYS, SETTING_OPTIONS, parseAmportalConf, parseFreepbxConf, resolveSettings } from './settings.js';
import type { InstallSettings, SettingName, SettingSource, SettingsLayer } from './settings.js';

const MAX_CONFIG_BYTES = 1024 * 1024;

export interface Installation {
  /** The root as named, made absolute. */
  readonly root: string;
  /** The same, with links resolved: what every path is confined to. */
  readonly realRoot: string;
  readonly opener: ConfinedOpener;
  readonly settings: InstallSettings;
  readonly sources: Readonly<Record<SettingName, SettingSource>>;
  /** <webroot>/admin/modules, as a path inside the installation. */
  readonly modulesDir: string;
  /** Module directory names, sorted. */
  readonly modules: readonly string[];
  /** Problems worth a warning (an unreadable config file, a module entry that is not a directory). */
  readonly warnings: readonly string[];
  /** Files directly in the modules directory with a code name (a web shell beside the modules). */
  readonly codeBesideModules: readonly string[];
}

export interface DiscoverOptions {
  readonly root: string;
  /** Settings given on the command line; they win over the installation's files. */
  readonly overrides?: Partial<InstallSettings>;
}

export async function discoverInstallation(options: DiscoverOptions): Promise<Installation> {
  const { absolute: root, real: realRoot } = await namedDirectory(options.root, 'installation root');
  const opener = new ConfinedOpener(realRoot, realRoot);
  const warnings: string[] = [];

  const layers: SettingsLayer[] = [];
  const overrides: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) overrides[SETTING_KEYS[name as SettingName]] = value;
  }
  layers.push({ source: 'option', values: overrides });
  for (const [file, source, parse] of [
    ['etc/amportal.conf', 'amportal.conf', parseAmportalConf],
    ['etc/freepbx.conf', 'freepbx.conf', parseFreepbxConf],
  ] as const) {
    const read = readConfined(opener, file, MAX_CONFIG_BYTES);
    if (read.state === 'read') layers.push({ source, values: parse(read.bytes.toString('utf8')) });
    if (read.state !== 'failed') continue;
    // A file that is there but cannot be read (padded past the limit, a FIFO, a link out of the root)
    // may name another web root than FreePBX's default, and the web server's user can write it: the
    // run must not check the default's tree in its place and pass. Unless every setting is given.
    const unknown = (Object.keys(SETTING_KEYS) as SettingName[]).filter(
      (name) => options.overrides?.[name] === undefined,
    );
    if (unknown.length > 0)
      throw new InputError(
        'CONFIG_INVALID',
        `installation at ${root}: /${file} cannot be read (${read.reason}), so where FreePBX's files are is not known; ` +
          `give ${unknown.map(optionFor).join(', ')} to check with settings you name`,
      );
    warnings.push(`/${file} not read: ${read.reason}; every setting it could hold was given`);
  }
  let resolved;
  try {
    resolved = resolveSettings(layers);
  } catch (error) {
    throw new InputError('CONFIG_INVALID', `installation at ${root}: ${describeError(error)}`);
  }

  const modulesDir = `${resolved.settings.webroot === '/' ? '' : resolved.settings.webroot}/${MODULES_IN_WEBROOT}`;
  const webrootFrom = webrootSource(resolved.sources.webroot);
  const dir = opener.resolveDirectory(modulesDir.slice(1));
  if (dir.kind !== 'dir') {
    throw new InputError(
      'INSTALLATION_NOT_FOUND',
      `no FreePBX installation at ${root}: ${modulesDir} ${dir.kind === 'missing' ? 'does not exist' : `cannot be used (${dir.reason})`}; ` +
        webrootFrom,
    );
  }
  const codeBesideModules: string[] = [];
  const modules = listModules(opener, modulesDir, dir.real, warnings, codeBesideModules);
  // The web root is read from amportal.conf, which the web server's user can write: pointed at an
  // empty (or decoy) directory, it must not make a run that checks nothing pass. Every FreePBX
  // installation has framework, the module that installs the web root's own files.
  if (!modules.includes('framework')) {
    throw new InputError(
      'INSTALLATION_NOT_FOUND',
      `no FreePBX installation at ${root}: ${modulesDir} holds ${modules.length === 0 ? 'no module directory' : `${modules.length} module ${modules.length === 1 ? 'directory' : 'directories'} but no framework, which every FreePBX installation has`}; ${webrootFrom}`,
    );
  }
  return {
    root,
    realRoot,
    opener,
    settings: resolved.settings,
    sources: resolved.sources,
    modulesDir,
    modules,
    warnings,
    codeBesideModules,
  };
}

// The module directories: subdirectories and links (a link that leads nowhere inside the root is kept,
// as a module that fails), whose names do not start with "_" or "." (FreePBX keeps caches such as
// _cache beside the modules). A file there with a code name (a web shell dropped beside the modules)
// belongs to no module: it is named in a warning, as no module can fail for it.
function listModules(
  opener: ConfinedOpener,
  modulesDir: string,
  real: string,
  warnings: string[],
  code: string[],
): string[] {
  let entries;
  try {
    // As bytes: a name that is not UTF-8 is kept exact (fs/byte-string.ts), never turned into U+FFFD,
    // so that two such names stay two modules and each is opened by its own bytes.
    entries = readdirSync(real, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    throw new InputError('INPUT_UNREADABLE', `${modulesDir}: ${describeError(error)}`);
  }
  const names: string[] = [];
  for (const entry of entries) {
    const name = decodeBytes(entry.name);
    if (!entry.isDirectory() && !entry.isSymbolicLink()) {
      const reason = codeByName(name);
      if (reason) code.push(`${modulesDir}/${name} is unlisted code outside any module (${reason})`);
      continue;
    }
    if (name.startsWith('_') || name.startsWith('.')) continue;
    if (entry.isDirectory()) {
      names.push(name);
    } else if (entry.isSymbolicLink()) {
      // Kept either way: a module whose directory was moved out of the root (or away) behind a link
      // is checked, and fails as its files cannot be read inside the root, rather than vanishing.
      names.push(name);
      const target = opener.resolveDirectory(`${modulesDir.slice(1)}/${name}`);
      if (target.kind !== 'dir')
        warnings.push(
          `${modulesDir}/${name} is a link that does not lead to a directory inside the root: ${target.reason}`,
        );
    }
  }
  return names.sort();
}

// Where the web root came from, said for the error that names the directory it led to.
function webrootSource(source: SettingSource): string {
  if (source === 'option') return "the web root was given (--webroot, or the library's settings.webroot)";
  const from = source === 'default' ? "FreePBX's default" : source;
  return `the web root comes from ${from} (set it with --webroot)`;
}

// The command-line option for a directory setting (a library caller gives `settings.<name>`).
function optionFor(name: SettingName): string {
  return `--${SETTING_OPTIONS.find(([, field]) => field === name)?.[0] ?? name}`;
}
