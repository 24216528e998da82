import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, realpath, rm, truncate, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseThreads } from '../../../src/hash/threads.js';
import type { HashJob } from '../../../src/hash/types.js';

const MULTI_CORE = availableParallelism() >= 2;
let temp = '';

// Sparse files: their size is what the model reads, and they cost no disk.
async function sparse(name: string, bytes: number): Promise<HashJob> {
  await writeFile(join(temp, name), '');
  await truncate(join(temp, name), bytes);
  return { root: temp, confine: temp, path: name, expected: '0'.repeat(64) };
}

before(async () => {
  temp = await realpath(await mkdtemp(join(tmpdir(), 'pbxsig-threads-')));
});

after(async () => {
  await rm(temp, { recursive: true, force: true });
});

describe('chooseThreads (--threads auto)', { skip: MULTI_CORE ? false : 'needs at least 2 cores' }, () => {
  it('hashes one big file on the main thread: one file is one stream, a pool cannot split it', async () => {
    assert.equal(chooseThreads([await sparse('one-big', 2 * 1024 ** 3)]), 0);
  });

  it('uses every core for several big files', async () => {
    const jobs = [];
    for (let i = 0; i < 4; i++) jobs.push(await sparse(`big-${i}`, 512 * 1024 ** 2));
    assert.equal(chooseThreads(jobs), availableParallelism());
  });

  it('keeps a few small files on the main thread', async () => {
    const jobs = [];
    for (let i = 0; i < 20; i++) jobs.push(await sparse(`small-${i}`, 1500));
    assert.equal(chooseThreads(jobs), 0);
  });
});
