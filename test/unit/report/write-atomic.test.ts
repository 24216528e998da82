import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pendingTemporaryFiles, writeFileAtomic } from '../../../src/report/write-atomic.js';

let base = '';

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'pbxsig-write-atomic-'));
});

after(async () => {
  if (base !== '') await rm(base, { recursive: true, force: true });
});

// A fresh, empty directory for one test.
let counter = 0;
async function freshDir(): Promise<string> {
  const dir = join(base, `case-${++counter}`);
  await mkdir(dir);
  return dir;
}

describe('writeFileAtomic', () => {
  describe('when the file does not exist yet', () => {
    it('writes the content', async () => {
      const dir = await freshDir();
      const target = join(dir, 'report.json');
      await writeFileAtomic(target, '{"schema":"pbxsig/report"}\n');
      assert.equal(await readFile(target, 'utf8'), '{"schema":"pbxsig/report"}\n');
    });

    it('leaves no temporary file behind', async () => {
      const dir = await freshDir();
      await writeFileAtomic(join(dir, 'report.json'), 'data');
      assert.deepEqual(await readdir(dir), ['report.json']);
    });

    it('writes an empty string as an empty file', async () => {
      const dir = await freshDir();
      await writeFileAtomic(join(dir, 'empty.json'), '');
      assert.equal((await stat(join(dir, 'empty.json'))).size, 0);
    });

    it('writes non-ASCII text as UTF-8', async () => {
      const dir = await freshDir();
      await writeFileAtomic(join(dir, 'r.txt'), 'Müller ✓\n');
      assert.deepEqual(await readFile(join(dir, 'r.txt')), Buffer.from('Müller ✓\n', 'utf8'));
    });
  });

  describe('when the file exists', () => {
    it('replaces it whole, including when the new content is shorter', async () => {
      const dir = await freshDir();
      const target = join(dir, 'report.json');
      await writeFile(target, 'old content that is much longer than the new one\n');
      await writeFileAtomic(target, 'new\n');
      assert.equal(await readFile(target, 'utf8'), 'new\n');
      assert.deepEqual(await readdir(dir), ['report.json']);
    });

    it('leaves other files in the directory alone', async () => {
      const dir = await freshDir();
      await writeFile(join(dir, 'other.txt'), 'keep');
      await writeFileAtomic(join(dir, 'report.json'), 'one');
      await writeFileAtomic(join(dir, 'report.json'), 'two');
      assert.deepEqual((await readdir(dir)).sort(), ['other.txt', 'report.json']);
      assert.equal(await readFile(join(dir, 'other.txt'), 'utf8'), 'keep');
      assert.equal(await readFile(join(dir, 'report.json'), 'utf8'), 'two');
    });
  });

  describe('when several writes to the same file run at once', () => {
    it('ends with one of the contents whole and no temporary file', async () => {
      const dir = await freshDir();
      const target = join(dir, 'report.json');
      const contents = ['a'.repeat(1000), 'b'.repeat(2000), 'c'.repeat(3000)];
      await Promise.all(contents.map((c) => writeFileAtomic(target, c)));
      assert.ok(contents.includes(await readFile(target, 'utf8')));
      assert.deepEqual(await readdir(dir), ['report.json']);
      assert.equal(pendingTemporaryFiles().size, 0);
    });
  });

  describe('when the target directory does not exist', () => {
    it('rejects with an error naming the report (not its temporary file) and leaves nothing behind', async () => {
      const dir = await freshDir();
      const target = join(dir, 'missing', 'report.json');
      await assert.rejects(writeFileAtomic(target, 'data'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'OUTPUT_UNWRITABLE');
        assert.equal(error.message, `${target}: cannot write: does not exist (ENOENT)`);
        return true;
      });
      assert.deepEqual(await readdir(dir), []);
      assert.equal(pendingTemporaryFiles().size, 0);
    });
  });

  describe('when the target is a directory', () => {
    it('rejects, keeps the directory and removes its temporary file', async () => {
      const dir = await freshDir();
      const target = join(dir, 'report.json');
      await mkdir(target);
      await assert.rejects(writeFileAtomic(target, 'data'));
      assert.ok((await stat(target)).isDirectory());
      assert.deepEqual(await readdir(dir), ['report.json']);
      assert.equal(pendingTemporaryFiles().size, 0);
    });
  });

  describe('pendingTemporaryFiles', () => {
    it('is empty after a write completes', async () => {
      const dir = await freshDir();
      await writeFileAtomic(join(dir, 'report.json'), 'data');
      assert.equal(pendingTemporaryFiles().size, 0);
    });

    it('names the temporary file beside the target while a write is under way', async () => {
      const dir = await freshDir();
      const writing = writeFileAtomic(join(dir, 'report.json'), 'data');
      // The temporary name is registered before the first await inside writeFileAtomic.
      const pending = [...pendingTemporaryFiles()];
      await writing;
      assert.equal(pending.length, 1);
      const [temporary] = pending;
      assert.ok(temporary);
      assert.ok(temporary.startsWith(join(dir, '.report.json.')), temporary);
      assert.ok(temporary.endsWith('.tmp'), temporary);
      assert.equal(pendingTemporaryFiles().size, 0);
    });
  });
});
