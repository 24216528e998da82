// Verify FreePBX module directories named by the user (`pbxsig verify DIR...`).
// Each module is confined to its own directory; symbolic links resolve against the real "/".

import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { namedDirectory } from '../fs/named-directory.js';
import type { ModuleTarget } from '../check/target.js';
import { FREEPBX_ANCHORS, parseAnchors } from '../pgp/anchors.js';
import type { KeySource } from '../pgp/key-sources.js';
import type { VerifyReport } from '../report/types.js';
import { verifyGroup } from './coordinator.js';
import { settle } from './options.js';
import type { CommonOptions } from './options.js';
import { measureTargets } from './order.js';

export type { CommonOptions } from './options.js';

export interface VerifyOptions extends CommonOptions {
  /** Module directories (each holds a module.sig). */
  readonly modules: readonly string[];
}

export async function verifyModules(options: VerifyOptions): Promise<VerifyReport> {
  const startedAt = new Date();
  const anchors = parseAnchors(options.anchors ?? FREEPBX_ANCHORS);
  if (options.modules.length === 0) throw new UsageError('no module directory given');
  const settled = settle(options, startedAt);

  const found = await Promise.all(options.modules.map(findModuleDirectory));
  const targets = found.map((dir): ModuleTarget => ({
    name: dir.name,
    directory: dir.directory,
    root: '/',
    confine: dir.real,
    moduleDir: dir.real.slice(1),
    layout: { kind: 'module-directory' },
  }));
  const keySources: KeySource[] = [
    ...(options.keys ?? []).map((path): KeySource => ({ kind: 'path', path })),
    ...(await installationKeyDirs(found)).map((path): KeySource => ({ kind: 'path', path, origin: 'installation' })),
  ];
  return verifyGroup(
    { targets: measureTargets(targets), keySources, installation: null, startedAt, onModule: options.onModule },
    settled,
    anchors,
  );
}

interface ModuleDirectory {
  readonly name: string;
  readonly directory: string;
  readonly real: string;
}

async function findModuleDirectory(dir: string): Promise<ModuleDirectory> {
  const { absolute, real } = await namedDirectory(dir, 'module directory');
  return { name: basename(absolute), directory: absolute, real };
}

// FreePBX keeps its public keys in <webroot>/admin/libraries/BMO/*.key; a module directory at
// <webroot>/admin/modules/<name> brings its installation's keys, as FreePBX itself uses them.
async function installationKeyDirs(found: readonly ModuleDirectory[]): Promise<string[]> {
  const dirs = new Set<string>();
  for (const { directory } of found) {
    const modulesDir = dirname(directory);
    if (basename(modulesDir) !== 'modules') continue;
    const bmo = join(dirname(modulesDir), 'libraries', 'BMO');
    if (dirs.has(bmo)) continue;
    try {
      if ((await stat(bmo)).isDirectory()) dirs.add(bmo);
    } catch {
      // No BMO directory: not an installation, nothing to add.
    }
  }
  return [...dirs];
}
