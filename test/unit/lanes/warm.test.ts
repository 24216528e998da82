import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { Lanes } from '../../../src/lanes/lanes.js';
import { releaseWarmLanes, takeWarmLanes, warmLaneCount, warmLanes } from '../../../src/lanes/warm.js';
import { makeTempDir, writeFiles } from '../../helpers/modules.js';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
const FILES: Record<string, string> = { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' };

before(async () => {
  const temp = await makeTempDir('pbxsig-warm-');
  cleanup = temp.remove;
  dir = await realpath(temp.path);
  await writeFiles(dir, FILES);
});

after(() => cleanup());
afterEach(() => releaseWarmLanes());

describe('warm lanes', () => {
  it('are taken by the next Lanes.start that wants them, and do its file work', async () => {
    warmLanes(1);
    assert.equal(warmLaneCount(), 1);
    const lanes = await Lanes.start({ workers: 1, engine: 'node' });
    assert.equal(warmLaneCount(), 0, 'taken: a second run starts its own');
    try {
      assert.equal(lanes.workers, 1);
      const units = Object.keys(FILES).map((name) => ({
        kind: 'files' as const,
        root: '/',
        confine: dir,
        paths: [join(dir, name).slice(1)],
      }));
      const results = await lanes.runAll(units);
      const digests = results.flatMap((r) => (r.kind === 'files' ? r.hashed.digests : []));
      assert.deepEqual(
        digests,
        Object.values(FILES).map((c) => createHash('sha256').update(c).digest('hex')),
      );
    } finally {
      await lanes.close();
    }
  });

  it('are let go when the run wants none, or more than were warmed', () => {
    warmLanes(1);
    assert.equal(takeWarmLanes(0), undefined);
    assert.equal(warmLaneCount(), 0);
    warmLanes(1);
    assert.equal(takeWarmLanes(2), undefined);
    assert.equal(warmLaneCount(), 0);
  });

  it('are warmed once: a second call while some wait changes nothing', () => {
    warmLanes(1);
    warmLanes(3);
    assert.equal(warmLaneCount(), 1);
  });

  it('that no run took are released, and releasing twice is harmless', async () => {
    warmLanes(1);
    await releaseWarmLanes();
    assert.equal(warmLaneCount(), 0);
    await releaseWarmLanes();
  });
});
