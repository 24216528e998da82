// Which installations to audit: roots named on the command line, listed in a file (one per line), or
// the subdirectories of a directory (--each: a directory of snapshots or unpacked images).

import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, UsageError, describeError } from '../errors.js';

export interface RootSources {
  readonly roots: readonly string[];
  readonly from?: string | undefined;
  readonly each?: string | undefined;
}

export async function collectRoots(sources: RootSources): Promise<string[]> {
  const roots = [...sources.roots];
  if (sources.from !== undefined) {
    let text: string;
    try {
      text = await readFile(sources.from, 'utf8');
    } catch (error) {
      throw new InputError('INPUT_UNREADABLE', `--from ${sources.from}: ${describeError(error)}`);
    }
    for (const line of text.split('\n')) {
      const root = line.trim();
      if (root !== '' && !root.startsWith('#')) roots.push(root);
    }
  }
  if (sources.each !== undefined) {
    let names: string[];
    try {
      names = (await readdir(sources.each)).sort();
    } catch (error) {
      throw new InputError('INPUT_UNREADABLE', `--each ${sources.each}: ${describeError(error)}`);
    }
    for (const name of names) {
      const path = join(sources.each, name);
      if (!name.startsWith('.') && (await stat(path).catch(() => undefined))?.isDirectory()) roots.push(path);
    }
  }
  const unique = [...new Set(roots)];
  if (unique.length === 0) throw new UsageError('no installation to audit: give ROOT..., --from FILE or --each DIR');
  return unique;
}
