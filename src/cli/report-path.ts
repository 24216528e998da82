// `--report FILE` must never land inside the tree being verified: a verifier that writes into what it
// checks changes it (and on a live host could drop a file into the web root).

import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';

/** Throws UsageError when `reportPath` lies inside one of `trees` (links resolved). */
export async function assertOutsideTrees(reportPath: string, trees: readonly string[]): Promise<void> {
  const absolute = resolve(reportPath);
  let dir: string;
  try {
    dir = await realpath(dirname(absolute));
  } catch {
    throw new InputError(
      'INPUT_NOT_FOUND',
      `--report ${reportPath}: the directory ${dirname(absolute)} does not exist`,
    );
  }
  const target = `${dir === '/' ? '' : dir}/${basename(absolute)}`;
  for (const tree of trees) {
    const real = await realpath(tree).catch(() => resolve(tree));
    if (real === '/') continue;
    if (target === real || target.startsWith(`${real}/`)) {
      throw new UsageError(`--report ${reportPath}: refusing to write inside ${tree}, the tree being verified`);
    }
  }
}
