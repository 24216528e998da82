// Files the CLI writes (keys, exported keys): never over an existing file unless asked, and secret
// keys readable by their owner only, from the moment they exist.

import { open } from 'node:fs/promises';
import { InputError, describeError, errnoCode } from '../errors.js';

export async function writeNewFile(
  path: string,
  text: string,
  options: { force: boolean; mode: number },
): Promise<void> {
  let handle;
  try {
    handle = await open(path, options.force ? 'w' : 'wx', options.mode);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST')
      throw new InputError('OUTPUT_EXISTS', `${path} already exists; use --force to replace it`);
    throw new InputError('INPUT_UNREADABLE', `${path}: ${describeError(error)}`);
  }
  try {
    // An existing file keeps its old mode on open(); make sure a secret key ends up private anyway.
    await handle.chmod(options.mode);
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

/** The passphrase for a secret key: a file, else the terminal, else none. */
export async function passphraseFrom(file: string | undefined, label: string): Promise<string | undefined> {
  const { canPrompt, promptHidden, readPassphraseFile } = await import('./prompt.js');
  if (file !== undefined) return readPassphraseFile(file);
  if (!canPrompt()) return undefined;
  return promptHidden(`Passphrase for ${label}: `);
}
