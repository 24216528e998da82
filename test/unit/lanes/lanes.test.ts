import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FilesUnit } from '../../../src/check/hash-files.js';
import { Lanes } from '../../../src/lanes/lanes.js';
import type { WorkUnit } from '../../../src/lanes/protocol.js';
import { makeTempDir, writeFiles } from '../../helpers/modules.js';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
const FILES: Record<string, string> = {};
for (let i = 0; i < 60; i++) FILES[`f${i}.txt`] = `file ${i}\n`.repeat(i + 1);

before(async () => {
  const temp = await makeTempDir('pbxsig-lanes-');
  cleanup = temp.remove;
  dir = await realpath(temp.path);
  await writeFiles(dir, FILES);
});

after(() => cleanup());

function units(): FilesUnit[] {
  const names = Object.keys(FILES);
  const out: FilesUnit[] = [];
  for (let i = 0; i < names.length; i += 7) {
    out.push({
      kind: 'files',
      root: '/',
      confine: dir,
      paths: names.slice(i, i + 7).map((n) => join(dir, n).slice(1)),
    });
  }
  out.push({ kind: 'files', root: '/', confine: dir, paths: [join(dir, 'absent').slice(1)] });
  return out;
}

describe('Lanes.runAll', () => {
  for (const workers of [0, 1, 2]) {
    it(`hashes every unit, results in order, with ${workers} worker lanes beside the main thread`, async () => {
      const lanes = await Lanes.start({ workers, engine: 'node' });
      try {
        const results = await lanes.runAll(units());
        const digests = results.flatMap((r) => (r.kind === 'files' ? r.hashed.digests : []));
        const expected = Object.values(FILES).map((c) => createHash('sha256').update(c).digest('hex'));
        assert.deepEqual(digests, [...expected, null]);
        const last = results.at(-1);
        assert.ok(last?.kind === 'files');
        assert.match(last.hashed.failures[0]?.reason ?? '', /absent does not exist/);
      } finally {
        await lanes.close();
      }
    });
  }

  it('rejects, never hangs, when a unit breaks a lane', async () => {
    const lanes = await Lanes.start({ workers: 1, engine: 'node' });
    try {
      const broken = { kind: 'files', root: '/', confine: dir } as unknown as WorkUnit;
      await assert.rejects(lanes.runAll([broken, broken, broken]), /lane/);
    } finally {
      await lanes.close();
    }
  });

  it('takes more units after a first batch (a later group)', async () => {
    const lanes = await Lanes.start({ workers: 1, engine: 'node' });
    try {
      const first = await lanes.runAll(units().slice(0, 2));
      const second = await lanes.runAll(units().slice(2, 4));
      assert.equal(first.length + second.length, 4);
    } finally {
      await lanes.close();
    }
  });
});
