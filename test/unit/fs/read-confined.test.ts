import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfinedOpener } from '../../../src/fs/confined-open.js';
import { readConfined } from '../../../src/fs/read-confined.js';
import type { ConfinedRead } from '../../../src/fs/read-confined.js';

const TEMP = mkdtempSync(join(tmpdir(), 'pbxsig-read-'));
after(() => rmSync(TEMP, { recursive: true, force: true }));
const opener = new ConfinedOpener(TEMP, TEMP);

function bytesOf(read: ConfinedRead): Buffer {
  assert.equal(read.state, 'read', read.state === 'failed' ? read.reason : read.state);
  return read.bytes;
}

describe('readConfined', () => {
  it('reads a file whole, whatever its size against the first buffer', () => {
    for (const size of [0, 1, 4095, 4096, 4097, 65_536, 1_300_000]) {
      const content = Buffer.alloc(size);
      for (let i = 0; i < size; i++) content[i] = (i * 31 + 7) & 0xff;
      writeFileSync(join(TEMP, `f${size}`), content);
      assert.deepEqual(bytesOf(readConfined(opener, `f${size}`, 2_000_000)), content, `${size} bytes`);
    }
  });

  it(
    'reads on past the size fstat gave, as for a file of /proc (size 0, text behind it)',
    { skip: !existsSync('/proc/self/maps') },
    () => {
      const proc = new ConfinedOpener('/', '/');
      const read = bytesOf(readConfined(proc, 'proc/self/maps', 16 * 1024 * 1024)).toString('utf8');
      // The maps of this process change as it allocates: compare what does not, the first mapping's name.
      const first = (text: string): string => text.slice(0, text.indexOf('\n')).split(/\s+/).pop() ?? '';
      assert.ok(read.length > 4096, 'more than the first buffer');
      assert.equal(first(read), first(readFileSync('/proc/self/maps', 'utf8')));
    },
  );

  it(
    'refuses a file over the limit, by its size or, when the size says less, by what it reads',
    { skip: !existsSync('/proc/self/maps') },
    () => {
      writeFileSync(join(TEMP, 'big'), Buffer.alloc(5000));
      const big = readConfined(opener, 'big', 4999);
      assert.ok(big.state === 'failed' && big.tooLarge && /5000 bytes; the limit is 4999/.test(big.reason));
      const proc = readConfined(new ConfinedOpener('/', '/'), 'proc/self/maps', 100);
      assert.ok(proc.state === 'failed' && proc.tooLarge && /larger than 100 bytes/.test(proc.reason));
      assert.equal(bytesOf(readConfined(opener, 'big', 5000)).length, 5000, 'at the limit is within it');
    },
  );

  it('says missing for a missing file and refuses what is not a regular file', () => {
    assert.deepEqual(readConfined(opener, 'absent', 100), { state: 'missing' });
    execFileSync('mkfifo', [join(TEMP, 'fifo')]);
    const fifo = readConfined(opener, 'fifo', 100);
    assert.ok(fifo.state === 'failed' && !fifo.tooLarge && /not a regular file/.test(fifo.reason));
  });
});
