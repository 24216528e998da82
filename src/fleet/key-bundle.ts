// The audit's own public keys (`--keys`, and the key files named by `--anchor`), read into the data of
// a scheduled audit: the reporting worker that runs it judges with them, and has none of the auditor's
// files. Public keys only. That worker writes them into a private temporary directory for the library
// to read, and the report names them as the auditor named them, so it reads like a local one. (A run's
// installation workers never see keys: evidence is judged where the audit is produced.) The bundle's
// content also identifies a run's keys (producer.ts).

import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { InputError, describeError, errnoCode } from '../errors.js';
import { KEY_FILE_EXTENSIONS } from '../pgp/keyring.js';

export interface KeyBundleSource {
  /** As the auditor named it (reports show this). */
  readonly path: string;
  readonly kind: 'file' | 'dir';
  /** A file's content, or each key file of a directory (sorted by name). */
  readonly files: ReadonlyArray<{ readonly name: string; readonly base64: string }>;
}

export type KeyBundle = readonly KeyBundleSource[];

/** All public keys of an audit together: FreePBX's keys are a few kilobytes each. */
const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/** Reads the key files and directories in the order given (the order the library loads them). */
export async function bundleKeys(paths: readonly string[]): Promise<KeyBundle> {
  let total = 0;
  const take = async (file: string): Promise<string> => {
    const bytes = await readFile(file);
    total += bytes.length;
    if (total > MAX_BUNDLE_BYTES)
      throw new InputError(
        'INPUT_UNREADABLE',
        `${file}: the audit's key files exceed ${MAX_BUNDLE_BYTES / 2 ** 20} MB together`,
      );
    return bytes.toString('base64');
  };
  const bundle: KeyBundleSource[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (!info.isDirectory()) {
        bundle.push({ path, kind: 'file', files: [{ name: basename(path), base64: await take(path) }] });
        continue;
      }
      const files: Array<{ name: string; base64: string }> = [];
      for (const name of (await readdir(path)).sort()) {
        if (!KEY_FILE_EXTENSIONS.has(extname(name).toLowerCase())) continue;
        const file = join(path, name);
        // As the library does for a directory: what is not a readable file is passed over.
        if (!(await stat(file).catch(() => undefined))?.isFile()) continue;
        files.push({ name, base64: await take(file).catch(() => '') });
      }
      bundle.push({ path, kind: 'dir', files: files.filter((f) => f.base64 !== '') });
    } catch (error) {
      if (error instanceof InputError) throw error;
      const code = errnoCode(error) === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE';
      throw new InputError(
        code,
        `key file or directory ${path}: ${code === 'INPUT_NOT_FOUND' ? 'does not exist' : describeError(error)}`,
      );
    }
  }
  return bundle;
}

export interface MaterializedKeys {
  /** Paths to give the library, in the bundle's order. */
  readonly paths: readonly string[];
  /** Replaces every temporary path in a text by the path the auditor named. */
  readonly display: (text: string) => string;
  readonly remove: () => Promise<void>;
}

/** Every text of a report that names a key file written by materializeKeys, as the auditor named it. */
export function displayKeyPaths<T>(report: T, display: (text: string) => string): T {
  return mapStrings(report, display) as T;
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
}

/** Writes the bundle into a new private directory (mode 0700). */
export async function materializeKeys(bundle: KeyBundle): Promise<MaterializedKeys> {
  const dir = await mkdtemp(join(tmpdir(), 'pbxsig-keys-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const paths: string[] = [];
    const names: Array<readonly [string, string]> = [];
    for (const [i, source] of bundle.entries()) {
      const holder = join(dir, String(i));
      await mkdir(holder, { mode: 0o700 });
      for (const file of source.files) {
        // The bundle comes through Redis: a name is one plain file name in the holder, never a path
        // ("../../etc/cron.d/x" would write wherever the worker's user may), and nothing is overwritten.
        if (!isPlainFileName(file.name)) throw new Error(`key bundle: ${JSON.stringify(file.name)} is not a file name`);
        const written = join(holder, file.name);
        await writeFile(written, Buffer.from(file.base64, 'base64'), { mode: 0o600, flag: 'wx' });
        names.push([written, source.kind === 'file' ? source.path : join(source.path, file.name)]);
      }
      const given = source.kind === 'file' ? join(holder, source.files[0]?.name ?? 'missing') : holder;
      paths.push(given);
      if (source.kind === 'dir') names.push([holder, source.path]);
    }
    // Longest first: a directory's path is a prefix of its files' paths.
    names.sort((a, b) => b[0].length - a[0].length);
    const display = (text: string): string => names.reduce((t, [written, shown]) => t.split(written).join(shown), text);
    return { paths, display, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** One path component, as a key file's name in a directory is: not empty, no "/", no NUL, not "." or "..". */
export function isPlainFileName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !name.includes('/') &&
    !name.includes('\0') &&
    Buffer.byteLength(name) <= 255
  );
}
