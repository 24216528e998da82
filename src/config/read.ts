// Reading pbxsig's configuration: the file (default /etc/pbxsig/pbxsig.conf), then the drop-ins in
// the directory beside it named after it (pbxsig.conf.d/*.conf), in name order. A later file wins for
// a setting; the allowlists of all files add up. Drop-ins let an administrator keep the packaged file
// as shipped (a Debian conffile: editing it means a question at every upgrade) and keep the
// allowlist `pbxsig allowlist` printed in a file of its own.
//
// The files are read as root at boot and decide what the boot check accepts: one that someone else
// could write would let them allow their own web shell. So a file or directory that anyone but its
// owner may write, or that belongs to another user than root or the one running pbxsig, is refused,
// as sshd's StrictModes refuses such files. Each file is opened without blocking (a FIFO cannot hang
// the boot), checked on the descriptor it is read from, and bounded in size.

import { isUtf8 } from 'node:buffer';
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError, describeSystemError, errnoCode } from '../errors.js';
import { MAX_THREADS } from '../verify/options.js';
import { CONFIG_KEYS, parseConfig } from './parse.js';
import type { ConfigKey, ConfigSettings } from './parse.js';
import type { SiteFile } from '../unlisted/known-files.js';

/** Where pbxsig looks for its configuration when none is named. */
export const DEFAULT_CONFIG = '/etc/pbxsig/pbxsig.conf';

/** A configuration file is at most this large: an allowlist of about 20,000 entries. */
export const CONFIG_MAX_BYTES = 4 * 1024 * 1024;

/** Drop-in files read at most (pbxsig.conf.d/*.conf). */
export const CONFIG_MAX_DROP_INS = 1000;

// The sticky bit (S_ISVTX; not among Node's fs.constants).
const STICKY = 0o1000;

/** A setting and the file that set it (the last one that did). */
export interface SetBy<T> {
  readonly value: T;
  readonly file: string;
}

/** The configuration as read: each setting from the file that set it last, and every allowed file. */
export interface LoadedConfig {
  /** The files read, in order (empty when there were none). */
  readonly files: readonly string[];
  readonly settings: { readonly [K in ConfigKey]?: SetBy<NonNullable<ConfigSettings[K]>> };
  /** Every file's allowlist entries, in order, duplicates dropped. */
  readonly allow: readonly SiteFile[];
  /** The files that listed allowlist entries. */
  readonly allowFiles: readonly string[];
}

export const NO_CONFIG: LoadedConfig = { files: [], settings: {}, allow: [], allowFiles: [] };

/**
 * Reads the configuration at `path` and its drop-ins. With `required` (a file the user named), a
 * missing file is an error; otherwise (the default path) it means no configuration, and only the
 * drop-ins, if any, are read.
 */
export async function loadConfig(path: string, options: { readonly required: boolean }): Promise<LoadedConfig> {
  const texts: Array<{ file: string; text: string }> = [];
  const main = await readConfigFile(path, options.required);
  if (main !== undefined) texts.push({ file: path, text: main });
  for (const file of await dropIns(`${path}.d`)) {
    const text = await readConfigFile(file, true);
    if (text !== undefined) texts.push({ file, text });
  }
  return merge(texts.map(({ file, text }) => ({ file, settings: parseConfig(text, file, MAX_THREADS) })));
}

/** Several files' settings as one: later files win for a setting; allowlists add up. */
export function merge(
  parsed: ReadonlyArray<{ readonly file: string; readonly settings: ConfigSettings }>,
): LoadedConfig {
  const settings: Record<string, SetBy<unknown>> = {};
  const allow = new Map<string, SiteFile>();
  const allowFiles: string[] = [];
  for (const { file, settings: set } of parsed) {
    for (const key of CONFIG_KEYS) {
      const value = set[key];
      if (value !== undefined) settings[key] = { value, file };
    }
    if (set.allow.length > 0) allowFiles.push(file);
    for (const entry of set.allow) allow.set(`${entry.module}\0${entry.path}\0${entry.sha256}`, entry);
  }
  return {
    files: parsed.map((p) => p.file),
    settings,
    allow: [...allow.values()],
    allowFiles,
  };
}

// The *.conf files of a drop-in directory, in name order; none when it does not exist. Other names
// (editor backups, dpkg's .dpkg-old, hidden files) are left alone, as systemd and apt do.
async function dropIns(dir: string): Promise<string[]> {
  let info: Stats;
  try {
    info = await stat(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw unreadable(dir, error);
  }
  if (!info.isDirectory())
    throw new InputError('PBXSIG_CONF_INVALID', `${dir}: not a directory (it would hold configuration drop-ins)`);
  assertOwnedSafely(dir, info, 'directory');
  await assertDirectorySafe(dirname(dir), true);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw unreadable(dir, error);
  }
  const files = names.filter((name) => name.endsWith('.conf') && !name.startsWith('.')).sort(byBytes);
  if (files.length > CONFIG_MAX_DROP_INS)
    throw new InputError('PBXSIG_CONF_INVALID', `${dir}: more than ${CONFIG_MAX_DROP_INS} drop-in files`);
  return files.map((name) => `${dir}/${name}`);
}

async function readConfigFile(path: string, required: boolean): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' && !required) {
      // Absent, but someone else might create it: its directory must be safe all the same.
      await assertDirectorySafe(dirname(path), false);
      return undefined;
    }
    throw unreadable(path, error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InputError('PBXSIG_CONF_INVALID', `${path}: not a regular file`);
    assertOwnedSafely(path, info, 'file');
    // The directory of the file itself, links resolved: whoever may write there may replace the file.
    await assertDirectorySafe(dirname(await realpath(path)), true);
    if (info.size > CONFIG_MAX_BYTES)
      throw new InputError('PBXSIG_CONF_INVALID', `${path}: larger than ${CONFIG_MAX_BYTES / 1024 / 1024} MiB`);
    const bytes = Buffer.alloc(CONFIG_MAX_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(bytes, length, bytes.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > CONFIG_MAX_BYTES)
        throw new InputError('PBXSIG_CONF_INVALID', `${path}: larger than ${CONFIG_MAX_BYTES / 1024 / 1024} MiB`);
    }
    const content = bytes.subarray(0, length);
    if (!isUtf8(content)) throw new InputError('PBXSIG_CONF_SYNTAX', `${path}: not valid UTF-8 (TOML files are UTF-8)`);
    return content.toString('utf8');
  } finally {
    await handle.close();
  }
}

// A directory holding configuration: the same rules as a file. A world-writable directory with the
// sticky bit (/tmp) lets others create files but not replace someone else's: safe for a file that
// exists (`existing`), not for one that might be created there.
async function assertDirectorySafe(dir: string, existing: boolean): Promise<void> {
  let info: Stats;
  try {
    info = await stat(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw unreadable(dir, error);
  }
  if (existing && (info.mode & STICKY) !== 0) return;
  assertOwnedSafely(dir, info, 'directory');
}

function assertOwnedSafely(path: string, info: Stats, what: 'file' | 'directory'): void {
  const writers = [(info.mode & 0o020) !== 0 ? 'its group' : '', (info.mode & 0o002) !== 0 ? 'everyone' : '']
    .filter(Boolean)
    .join(' and ');
  const mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
  const why =
    'pbxsig reads its configuration as root at boot, and whoever can change it decides what the check accepts';
  if (writers !== '')
    throw new InputError(
      'PBXSIG_CONF_UNSAFE',
      `${path}: refusing a configuration ${what} that ${writers} may write (mode ${mode}): ${why}; run chmod go-w ${path}`,
    );
  const me = process.geteuid?.() ?? 0;
  if (info.uid !== 0 && info.uid !== me)
    throw new InputError(
      'PBXSIG_CONF_UNSAFE',
      `${path}: refusing a configuration ${what} owned by user ${info.uid}, neither root nor the user running pbxsig: ${why}`,
    );
}

function unreadable(path: string, error: unknown): InputError {
  const code = errnoCode(error) === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE';
  return new InputError(code, `${path}: ${describeSystemError(error)}`);
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
