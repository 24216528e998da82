// Slicing a module that is more than one lane's share of the run (src/check/slices.ts): which modules,
// which entries each slice covers, each slice's share of the bounded look, and how slices merge.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_FILES } from '../../../src/check/evidence.js';
import type { FilesEvidence, ModuleEvidence } from '../../../src/check/evidence.js';
import { mergeSlices, sliceCounts, sliceLook, sliceRange } from '../../../src/check/slices.js';

const KB = 1024;

describe('which modules are sliced', () => {
  it("slices only a module larger than one lane's share, one slice per share it holds", () => {
    // framework at 49% of a FreePBX 17 installation: not on two lanes, in two on four, in four on eight
    // (where the next two, at 18% and 21%, are more than a lane's share too).
    const fp17 = [1_300 * KB, 480 * KB, 320 * KB, 560 * KB];
    assert.deepEqual(sliceCounts(fp17, 2, 10_000), [1, 1, 1, 1]);
    assert.deepEqual(sliceCounts(fp17, 4, 10_000), [2, 1, 1, 1]);
    assert.deepEqual(sliceCounts(fp17, 8, 10_000), [4, 2, 1, 2]);
  });

  it('never on one lane, never below 1,000 files a slice, never a manifest larger than the bounded look', () => {
    assert.deepEqual(sliceCounts([1_300 * KB], 1, 10_000), [1]);
    assert.deepEqual(sliceCounts([240 * KB, 1 * KB], 4, 10_000), [1, 1], '1,500 files: one slice only');
    assert.deepEqual(sliceCounts([400 * KB, 1 * KB], 4, 10_000), [2, 1]);
    assert.deepEqual(sliceCounts([2_000 * KB, 1 * KB], 4, 10_000), [1, 1], '12,800 files: most wait for trust');
    assert.deepEqual(sliceCounts([], 4, 10_000), []);
    assert.deepEqual(sliceCounts([0, 0], 4, 10_000), [1, 1]);
  });
});

describe('what a slice covers', () => {
  it('splits the entries into contiguous ranges that cover each entry once', () => {
    const ranges = [0, 1, 2].map((index) => sliceRange(8_108, { index, count: 3 }));
    assert.deepEqual(ranges, [
      { from: 0, to: 2_702 },
      { from: 2_702, to: 5_405 },
      { from: 5_405, to: 8_108 },
    ]);
    assert.deepEqual(sliceRange(10, undefined), { from: 0, to: 10 });
  });

  it("gives each slice its share of the bounded look, so that the module's total stays within it", () => {
    const look = { files: 10_000, bytes: 1024 * 1024 * 1024 };
    assert.deepEqual(sliceLook(look, undefined), look);
    assert.deepEqual(sliceLook(look, { index: 1, count: 3 }), { files: 3_333, bytes: 357_913_941 });
  });
});

describe('merging slices', () => {
  const files = (listed: number, altered: string[] = []): FilesEvidence => ({
    ...NO_FILES,
    listed,
    checked: listed,
    matched: listed - altered.length,
    bytes: listed * 10,
    altered: altered.map((path) => ({ path, location: `/m/${path}`, expected: 'a', actual: 'b' })),
  });
  const read = (digest: string): ModuleEvidence['sig'] => ({
    state: 'read',
    digest,
    hashHeaders: ['SHA256'],
    linesOutside: 0,
    framing: { badDashLines: 0, firstBadDashLine: undefined, badHeader: undefined, unsupportedHeader: undefined },
  });
  const part = (over: Partial<ModuleEvidence>): ModuleEvidence => ({
    sig: read('d1'),
    manifest: null,
    files: NO_FILES,
    walk: null,
    identity: null,
    rest: null,
    local: null,
    ownListDetails: null,
    ...over,
  });
  const walk = { code: [], allowed: [], runtime: 0, other: 3, otherSample: [], notWalked: [], notes: [], links: [] };

  it('adds up the files in slice order, takes the walk from the last slice and the identity from whichever read module.xml', () => {
    const merged = mergeSlices([
      part({ files: files(3, ['a.php']) }),
      part({ files: files(2, ['z.php']), identity: { rawname: 'core', version: '1' } }),
      part({ files: files(4), walk }),
    ]);
    assert.equal(merged.kind, 'merged');
    const evidence = merged.kind === 'merged' ? merged.evidence : undefined;
    assert.equal(evidence?.files.listed, 9);
    assert.deepEqual(
      evidence?.files.altered.map((f) => f.path),
      ['a.php', 'z.php'],
    );
    assert.deepEqual(evidence?.walk, walk);
    assert.deepEqual(evidence?.identity, { rawname: 'core', version: '1' });
  });

  it('reports a module.sig that changed between slices, whatever the files say', () => {
    const merged = mergeSlices([part({ files: files(3) }), part({ sig: read('d2'), files: files(3) })]);
    assert.equal(merged.kind, 'merged');
    const evidence = merged.kind === 'merged' ? merged.evidence : undefined;
    assert.equal(evidence?.sig.state, 'unreadable');
    assert.match(evidence?.sig.state === 'unreadable' ? evidence.sig.problem.message : '', /module\.sig changed/);
  });

  it('asks for the module again as one unit when a slice stopped at its share of the look', () => {
    const stopped = part({ files: files(1), rest: { from: 5, reason: 'bounded look' } });
    assert.deepEqual(mergeSlices([part({ files: files(3) }), stopped]), { kind: 'again' });
  });
});
