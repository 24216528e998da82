// What a lane does with a unit it claimed, the same on a worker thread and on the main thread, and the
// tools it keeps from unit to unit (hasher, read buffer).

import { checkModule } from '../check/check-module.js';
import type { LaneTools, OnSignedText } from '../check/check-module.js';
import { hashFiles } from '../check/hash-files.js';
import { ConfinedOpener } from '../fs/confined-open.js';
import { createHasher } from '../hash/engine.js';
import type { EngineName } from '../hash/types.js';
import type { PublishedUnit, UnitResult } from './protocol.js';

// 512 KiB: one read takes all but the largest FreePBX files (p99 120 KB, max 2.4 MB).
const READ_BUFFER_BYTES = 512 * 1024;

export function runUnit(published: PublishedUnit, tools: LaneTools, onSignedText: OnSignedText): UnitResult {
  const { unit } = published;
  if (unit.kind === 'module') return { kind: 'module', evidence: checkModule(unit, tools, onSignedText) };
  return { kind: 'files', hashed: hashFiles(unit, tools) };
}

export async function createLaneTools(engine: EngineName): Promise<LaneTools> {
  const hasher = await createHasher(engine, 'sha256');
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  return {
    hasher,
    buffer,
    // A unit's own: its directory resolutions live as long as the unit (a module), so memory follows
    // the largest module, not the whole run (about 10 MB less at 200,000 files), and each module sees
    // the tree as it is when it is checked.
    opener: (root, confine) => new ConfinedOpener(root, confine),
  };
}
