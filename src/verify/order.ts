// How much work each module is likely to be, from the size of its module.sig (a manifest line is about a
// hundred bytes, and one listed file is one line): enough to claim the largest modules first, and to
// decide whether worker threads pay for themselves, without reading any manifest.

import { closeSync, fstatSync } from 'node:fs';
import { ConfinedOpener } from '../fs/confined-open.js';
import { moduleSigPath } from '../check/target.js';
import type { ModuleTarget } from '../check/target.js';

/**
 * Bytes of module.sig per listed file: about 100 on FreePBX's small modules, 160 on framework (1.3 MB,
 * 8,108 files). 100 errs towards more files, so towards starting workers (check/slices.ts errs the
 * other way, towards fewer slices).
 */
const SIG_BYTES_PER_FILE = 100;

export interface MeasuredTarget {
  readonly target: ModuleTarget;
  /** module.sig's size (0 when missing or not a regular file). */
  readonly sigBytes: number;
}

/** The size of each module's module.sig, through the same confinement as every other read. */
export function measureTargets(targets: readonly ModuleTarget[]): MeasuredTarget[] {
  const openers = new Map<string, ConfinedOpener>();
  return targets.map((target) => {
    const key = `${target.root}\0${target.confine}`;
    let opener = openers.get(key);
    if (!opener) {
      opener = new ConfinedOpener(target.root, target.confine);
      openers.set(key, opener);
    }
    const opened = opener.open(moduleSigPath(target));
    if (opened.kind !== 'open') return { target, sigBytes: 0 };
    try {
      const info = fstatSync(opened.fd);
      return { target, sigBytes: info.isFile() ? info.size : 0 };
    } catch {
      return { target, sigBytes: 0 };
    } finally {
      closeSync(opened.fd);
    }
  });
}

/** An estimate of the listed files, for choosing lanes. */
export function estimatedFiles(measured: readonly MeasuredTarget[]): number {
  return measured.reduce((sum, m) => sum + m.sigBytes, 0) / SIG_BYTES_PER_FILE;
}

/** The modules with their place in the report, largest module.sig first (ties keep the given order). */
export function largestFirst(
  measured: readonly MeasuredTarget[],
): Array<{ readonly target: ModuleTarget; readonly index: number }> {
  return measured
    .map((m, index) => ({ target: m.target, index, sigBytes: m.sigBytes }))
    .sort((a, b) => b.sigBytes - a.sigBytes || a.index - b.index)
    .map(({ target, index }) => ({ target, index }));
}
