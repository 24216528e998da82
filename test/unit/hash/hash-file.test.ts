import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfinedOpener } from '../../../src/fs/confined-open.js';
import { createHasher } from '../../../src/hash/engine.js';
import { hashFile } from '../../../src/hash/hash-file.js';
import { makeTempDir } from '../../helpers/modules.js';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();

before(async () => {
  const temp = await makeTempDir('pbxsig-hash-');
  dir = await realpath(temp.path);
  cleanup = temp.remove;
});

after(() => cleanup());

describe('hashFile', () => {
  for (const engine of ['node', 'wasm'] as const) {
    it(`hashes a file larger than the read buffer in pieces (${engine})`, async () => {
      const content = Buffer.alloc(300_000, 7);
      await writeFile(join(dir, 'big.bin'), content);
      const hashed = hashFile(
        new ConfinedOpener('/', dir),
        join(dir, 'big.bin').slice(1),
        await createHasher(engine, 'sha256'),
        Buffer.alloc(64 * 1024),
      );
      assert.ok(hashed.ok);
      assert.equal(hashed.digest, createHash('sha256').update(content).digest('hex'));
      assert.equal(hashed.size, content.length);
    });
  }

  it('does not read a file over the byte limit', async () => {
    await writeFile(join(dir, 'limit.bin'), Buffer.alloc(1000));
    const hashed = hashFile(
      new ConfinedOpener('/', dir),
      join(dir, 'limit.bin').slice(1),
      await createHasher('node', 'sha256'),
      Buffer.alloc(4096),
      999,
    );
    assert.equal(hashed.ok, false);
    assert.ok(!hashed.ok && hashed.status === 'over-limit');
  });

  it('refuses a FIFO at once instead of blocking on it', { skip: process.platform === 'win32' }, async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const hashed = hashFile(
      new ConfinedOpener('/', dir),
      join(dir, 'fifo').slice(1),
      await createHasher('node', 'sha256'),
      Buffer.alloc(4096),
    );
    assert.ok(!hashed.ok && hashed.status === 'unsafe' && /FIFO/.test(hashed.reason));
  });

  // On a live host (`--root /`) a listed file may be a link into /proc: its size says 0, and
  // /proc/self/pagemap alone reads on for hundreds of GiB, through a synchronous read no signal stops.
  for (const name of ['status', 'pagemap']) {
    it(
      `stops reading /proc/self/${name} after one buffer: it holds more than its size says`,
      {
        skip: existsSync(`/proc/self/${name}`) ? false : `no /proc/self/${name} here`,
        timeout: 30_000,
      },
      async () => {
        const hashed = hashFile(
          new ConfinedOpener('/', '/proc'),
          `proc/self/${name}`,
          await createHasher('node', 'sha256'),
          Buffer.alloc(4096),
        );
        assert.ok(!hashed.ok, 'hashed as a file');
        assert.equal(hashed.status, 'unreadable');
        assert.match(hashed.reason, /holds more than the 0 bytes its size says/);
      },
    );
  }
});
