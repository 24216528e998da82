// Where an installation keeps its files: FreePBX's directory settings, from the installation's own
// configuration files or FreePBX's defaults. Pure: the caller reads the files.

export interface InstallSettings {
  /** AMPWEBROOT: the web root; modules live in <webroot>/admin/modules. */
  readonly webroot: string;
  /** AMPBIN: FreePBX's scripts (framework's amp_conf/bin/). */
  readonly bin: string;
  /** AMPSBIN: fwconsole and friends (framework's amp_conf/sbin/). */
  readonly sbin: string;
  /** ASTAGIDIR: Asterisk's AGI scripts (framework's amp_conf/agi-bin/). */
  readonly agiDir: string;
  /** ASTVARLIBDIR: sounds live in <varlibdir>/sounds (framework's amp_conf/sounds/). */
  readonly varLibDir: string;
}

export type SettingName = keyof InstallSettings;

/** The FreePBX configuration key behind each setting. */
export const SETTING_KEYS: Readonly<Record<SettingName, string>> = {
  webroot: 'AMPWEBROOT',
  bin: 'AMPBIN',
  sbin: 'AMPSBIN',
  agiDir: 'ASTAGIDIR',
  varLibDir: 'ASTVARLIBDIR',
};

/** Installation settings as the command line names them: option name, InstallSettings field, FreePBX key. */
export const SETTING_OPTIONS = [
  ['webroot', 'webroot', 'AMPWEBROOT'],
  ['ampbin', 'bin', 'AMPBIN'],
  ['ampsbin', 'sbin', 'AMPSBIN'],
  ['agidir', 'agiDir', 'ASTAGIDIR'],
  ['astvarlibdir', 'varLibDir', 'ASTVARLIBDIR'],
] as const;

/** FreePBX's own defaults, used when the installation does not say. */
export const FREEPBX_DEFAULTS: InstallSettings = {
  webroot: '/var/www/html',
  bin: '/var/lib/asterisk/bin',
  sbin: '/usr/sbin',
  agiDir: '/var/lib/asterisk/agi-bin',
  varLibDir: '/var/lib/asterisk',
};

export type SettingSource = 'option' | 'amportal.conf' | 'freepbx.conf' | 'default';

export interface SettingsLayer {
  readonly source: Exclude<SettingSource, 'default'>;
  /** FreePBX keys (AMPWEBROOT, ...) to values. */
  readonly values: Readonly<Record<string, string>>;
}

export interface ResolvedSettings {
  readonly settings: InstallSettings;
  readonly sources: Readonly<Record<SettingName, SettingSource>>;
}

/**
 * Takes each setting from the first layer that names it (highest priority first), else FreePBX's
 * default. Throws a plain Error naming the source and key for a value that is not an absolute path.
 */
export function resolveSettings(layers: readonly SettingsLayer[]): ResolvedSettings {
  const settings: Record<string, string> = {};
  const sources: Record<string, SettingSource> = {};
  for (const name of Object.keys(SETTING_KEYS) as SettingName[]) {
    const key = SETTING_KEYS[name];
    const layer = layers.find((l) => (l.values[key] ?? '') !== '');
    const value = layer ? (layer.values[key] as string) : FREEPBX_DEFAULTS[name];
    // The message is escaped where it is printed: the value goes in as it is.
    if (value.includes('\0')) throw new Error(`${layer?.source ?? 'default'}: ${key} holds a NUL byte: not a path`);
    if (!value.startsWith('/')) {
      throw new Error(`${layer?.source ?? 'default'}: ${key}="${value}" is not an absolute path`);
    }
    settings[name] = value.replace(/\/+$/, '') || '/';
    sources[name] = layer ? layer.source : 'default';
  }
  return { settings: settings as unknown as InstallSettings, sources: sources as Record<SettingName, SettingSource> };
}

/**
 * /etc/amportal.conf: `KEY=VALUE` lines, `#` and `;` comments, optional quotes, as FreePBX's
 * parse_amportal_conf() reads it.
 */
export function parseAmportalConf(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const match = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    if (!match?.[1]) continue;
    values[match[1]] = unquote((match[2] ?? '').trim());
  }
  return values;
}

/**
 * /etc/freepbx.conf is PHP: `$amp_conf['KEY'] = 'value';` lines, and a require of
 * `<webroot>/admin/bootstrap.php`, which names the web root.
 */
export function parseFreepbxConf(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of text.matchAll(/\$amp_conf\s*\[\s*(['"])([A-Za-z0-9_]+)\1\s*\]\s*=\s*(['"])([^'"]*)\3\s*;/g)) {
    if (match[2] && match[4] !== undefined) values[match[2]] = match[4];
  }
  // Each run of spaces has one place in the pattern (`\s*\(?\s*` matched 256,000 spaces in 130 s).
  const bootstrap = /require(?:_once)?\s*(?:\(\s*)?(['"])([^'"]+)\/admin\/bootstrap\.php\1/.exec(text);
  if (bootstrap?.[2] && !values['AMPWEBROOT']) values['AMPWEBROOT'] = bootstrap[2];
  return values;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  return value;
}
