import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashPool } from '../../../src/hash/pool.js';
import type { HashJob } from '../../../src/hash/types.js';

const FILES = 300;
let temp = '';
let jobs: HashJob[] = [];

before(async () => {
  temp = await realpath(await mkdtemp(join(tmpdir(), 'pbxsig-pool-')));
  jobs = [];
  for (let i = 0; i < FILES; i++) {
    const content = `file ${i}\n`.repeat(i % 7);
    await writeFile(join(temp, `f${i}`), content);
    jobs.push({
      root: temp,
      confine: temp,
      path: `f${i}`,
      expected: createHash('sha256').update(content).digest('hex'),
    });
  }
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('HashPool runs fed in parts', () => {
  for (const threads of [0, 2]) {
    it(`with threads ${threads}: counts outstanding jobs down and wakes a producer waiting for the backlog to shrink`, async () => {
      const pool = new HashPool({ threads, engine: 'node', algorithm: 'sha256' });
      try {
        const run = pool.begin();
        run.add(jobs.slice(0, 200));
        assert.ok(run.outstanding > 0 && run.outstanding <= 200);
        // The producer's wait: resolves only once every job added so far has a result.
        await run.whenAtMost(0);
        assert.equal(run.outstanding, 0);
        for (let i = 0; i < 200; i++) assert.equal(run.results.get(i)?.status, 'match', `job ${i}`);
        // Already below the limit: resolves at once.
        await run.whenAtMost(1_000);
        run.add(jobs.slice(200));
        run.seal();
        await run.done;
        assert.equal(run.outstanding, 0);
        assert.equal(run.results.get(FILES - 1)?.status, 'match');
      } finally {
        await pool.close();
      }
    });
  }

  it('does not leave a waiting producer hanging when the run fails', { timeout: 10_000 }, async () => {
    // An algorithm the wasm engine lacks makes every batch fail in the worker: a bug, not a file outcome.
    const pool = new HashPool({ threads: 1, engine: 'wasm', algorithm: 'sha1' as 'sha256' });
    try {
      const run = pool.begin();
      run.add(jobs.slice(0, 10));
      run.seal();
      await run.whenAtMost(0);
      await assert.rejects(run.done);
    } finally {
      await pool.close();
    }
  });
});
