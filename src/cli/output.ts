// Files the CLI writes (keys, exported keys): never over an existing file unless asked (--force), and
// then by replacing it, never by writing through a link; secret keys readable by their owner only,
// from the moment they exist.

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError, describeError, errnoCode } from '../errors.js';

export async function writeNewFile(
  path: string,
  text: string,
  options: { force: boolean; mode: number },
): Promise<void> {
  if (!options.force) {
    await writeExclusive(path, text, options.mode);
    return;
  }
  // Replaced, never written through: a link at `path` (to /etc/shadow, in a shared directory) is
  // itself replaced by the new file, whose mode is right from its creation, and a reader sees the old
  // file or the new one, never half of it.
  const temporary = join(dirname(path), `.${basename(path)}.pbxsig-${process.pid}-${randomBytes(6).toString('hex')}`);
  await writeExclusive(temporary, text, options.mode);
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new InputError('INPUT_UNREADABLE', `${path}: ${describeError(error)}`);
  }
}

// Creates `path`, which must not exist (a link there counts as there): O_EXCL, mode from the start.
async function writeExclusive(path: string, text: string, mode: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', mode);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST')
      throw new InputError('OUTPUT_EXISTS', `${path} already exists; use --force to replace it`);
    throw new InputError('INPUT_UNREADABLE', `${path}: ${describeError(error)}`);
  }
  try {
    // The process umask may have taken bits from the mode open() was given.
    await handle.chmod(mode);
    await handle.writeFile(text);
  } catch (error) {
    await handle.close();
    await rm(path, { force: true });
    throw new InputError('INPUT_UNREADABLE', `${path}: ${describeError(error)}`);
  }
  await handle.close();
}

/** The passphrase for a secret key: a file, else the terminal, else none. */
export async function passphraseFrom(file: string | undefined, label: string): Promise<string | undefined> {
  const { canPrompt, promptHidden, readPassphraseFile } = await import('./prompt.js');
  if (file !== undefined) return readPassphraseFile(file);
  if (!canPrompt()) return undefined;
  return promptHidden(`Passphrase for ${label}: `);
}
