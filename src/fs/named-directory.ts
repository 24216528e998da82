// A directory the user named (a module directory, an installation root): where it is, with links
// resolved, or an InputError that names it the way the user did.

import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, describeError, errnoCode } from '../errors.js';

export interface NamedDirectory {
  /** As named, made absolute. */
  readonly absolute: string;
  /** The same with every link resolved. */
  readonly real: string;
}

/** `what` names the role in messages, e.g. "module directory" or "installation root". */
export async function namedDirectory(named: string, what: string): Promise<NamedDirectory> {
  // No file name holds a NUL byte (a line of a --from list may): said here, not in Node's words.
  if (named.includes('\0'))
    throw new InputError('INPUT_NOT_FOUND', `${what} ${named}: holds a NUL byte, so no such path`);
  const absolute = resolve(named);
  try {
    if (!(await stat(absolute)).isDirectory())
      throw new InputError('INPUT_NOT_DIRECTORY', `${what} ${named}: not a directory`);
    return { absolute, real: await realpath(absolute) };
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (errnoCode(error) === 'ENOENT') throw new InputError('INPUT_NOT_FOUND', `${what} ${named}: does not exist`);
    throw new InputError('INPUT_UNREADABLE', `${what} ${named}: ${describeError(error)}`);
  }
}
