// A report file (`--report`, `--json=FILE`, `--html=FILE`, ...) must never land inside the tree being
// verified: a verifier that writes into what it checks changes it (and on a live host could drop a
// file into the web root). Checked before the run, so that a long audit does not end in a refusal.

import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';

/**
 * Throws UsageError when `reportPath` lies inside one of `trees` (links resolved) or is a directory,
 * and InputError when its directory does not exist. `option` names the option in messages.
 */
export async function assertOutsideTrees(
  reportPath: string,
  trees: readonly string[],
  option = '--report',
): Promise<void> {
  const shown = option.endsWith('=') ? `${option}${reportPath}` : `${option} ${reportPath}`;
  const absolute = resolve(reportPath);
  let dir: string;
  try {
    dir = await realpath(dirname(absolute));
  } catch {
    throw new InputError('INPUT_NOT_FOUND', `${shown}: the directory ${dirname(absolute)} does not exist`);
  }
  if ((await stat(absolute).catch(() => undefined))?.isDirectory())
    throw new UsageError(`${shown}: is a directory; name a file to write the report to`);
  const target = `${dir === '/' ? '' : dir}/${basename(absolute)}`;
  for (const tree of trees) {
    const real = await realpath(tree).catch(() => resolve(tree));
    if (real === '/') continue;
    if (target === real || target.startsWith(`${real}/`)) {
      throw new UsageError(`${shown}: refusing to write inside ${tree}, the tree being verified`);
    }
  }
}
