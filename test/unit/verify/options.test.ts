import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { MAX_THREADS, chooseWorkers, settle } from '../../../src/verify/options.js';

describe('chooseWorkers', () => {
  it('keeps a small job on the main thread under "auto"', () => {
    assert.equal(chooseWorkers('auto', { units: 3, files: 200 }), 0);
  });

  it('gives a large job a lane per core, the main thread being one of them', () => {
    assert.equal(chooseWorkers('auto', { units: 35, files: 16_700 }), availableParallelism() - 1);
  });

  it('never starts a worker that would have no unit to claim', () => {
    assert.equal(chooseWorkers('auto', { units: 1, files: 1_000_000 }), 0);
    assert.equal(chooseWorkers(8, { units: 3, files: 10 }), 2);
  });

  it('counts --threads with the main thread: 1 and 0 both mean the main thread alone', () => {
    assert.equal(chooseWorkers(1, { units: 10, files: 10 }), 0);
    assert.equal(chooseWorkers(0, { units: 10, files: 10 }), 0);
    assert.equal(chooseWorkers(3, { units: 10, files: 10 }), 2);
  });

  it('takes warm lanes for a small job, since their start is already paid, but never more than a lane per core', () => {
    const perCore = availableParallelism() - 1;
    assert.equal(chooseWorkers('auto', { units: 15, files: 450, warm: 1 }), Math.min(1, perCore));
    assert.equal(chooseWorkers('auto', { units: 15, files: 450, warm: 64 }), perCore);
    assert.equal(chooseWorkers('auto', { units: 1, files: 450, warm: 1 }), 0, 'one unit: the main thread alone');
    assert.equal(chooseWorkers(1, { units: 15, files: 450, warm: 1 }), 0, 'an explicit --threads wins');
  });

  it('never goes past MAX_THREADS', () => {
    assert.equal(chooseWorkers(100_000, { units: 1_000_000, files: 10 }), MAX_THREADS - 1);
  });
});

describe('settle', () => {
  it('applies the defaults every command shares', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const settled = settle({}, now);
    assert.equal(settled.engine, 'node');
    assert.equal(settled.threads, 'auto');
    assert.equal(settled.unlisted, 'fail');
    assert.equal(settled.now, now);
  });
});

describe('settle, with a site allowlist', () => {
  const now = new Date('2026-01-01T00:00:00Z');

  it('turns each entry into a known file of source site, its digest in lower case', () => {
    const settled = settle({ allow: [{ module: 'core', path: 'a.php', sha256: 'AB'.repeat(32) }] }, now);
    assert.deepEqual(settled.known, [{ module: 'core', path: 'a.php', sha256: 'ab'.repeat(32), source: 'site' }]);
  });

  it('refuses an entry that could never match, rather than ignore it', () => {
    for (const entry of [
      { module: 'core', path: 'a.php', sha256: 'abc' },
      { module: 'core', path: '../a.php', sha256: 'ab'.repeat(32) },
      { module: '', path: 'a.php', sha256: 'ab'.repeat(32) },
    ]) {
      assert.throws(() => settle({ allow: [entry] }, now), { code: 'USAGE', message: /^allow\[0\]: expected/ });
    }
  });
});
