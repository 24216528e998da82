// What a lane does with a unit it claimed, the same on a worker thread and on the main thread, and the
// tools it keeps from unit to unit (hasher, read buffer, directory resolutions of the current group).

import { checkModule } from '../check/check-module.js';
import type { LaneTools, OnSignedText } from '../check/check-module.js';
import { hashFiles } from '../check/hash-files.js';
import { ConfinedOpener } from '../fs/confined-open.js';
import { createHasher } from '../hash/engine.js';
import type { EngineName } from '../hash/types.js';
import type { PublishedUnit, UnitResult } from './protocol.js';

// 512 KiB: one read takes all but the largest FreePBX files (p99 120 KB, max 2.4 MB).
const READ_BUFFER_BYTES = 512 * 1024;

export function runUnit(published: PublishedUnit, tools: GroupedTools, onSignedText: OnSignedText): UnitResult {
  tools.enterGroup(published.group);
  const { unit } = published;
  if (unit.kind === 'module') return { kind: 'module', evidence: checkModule(unit, tools, onSignedText) };
  return { kind: 'files', hashed: hashFiles(unit, tools) };
}

/** LaneTools whose directory resolutions are kept for one group only, so a later group sees the tree as it is then. */
export interface GroupedTools extends LaneTools {
  enterGroup(group: number): void;
}

export async function createLaneTools(engine: EngineName): Promise<GroupedTools> {
  const hasher = await createHasher(engine, 'sha256');
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  let group = -1;
  let openers = new Map<string, ConfinedOpener>();
  return {
    hasher,
    buffer,
    enterGroup(next) {
      if (next === group) return;
      group = next;
      openers = new Map();
    },
    opener(root, confine) {
      const key = `${root}\0${confine}`;
      let opener = openers.get(key);
      if (!opener) {
        opener = new ConfinedOpener(root, confine);
        openers.set(key, opener);
      }
      return opener;
    },
  };
}
