// The passphrase prompt, on a stand-in terminal: nothing typed is echoed, line editing works.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  MAX_PASSPHRASE_FILE_BYTES,
  promptHidden,
  promptNewPassphrase,
  readPassphraseFile,
} from '../../../src/cli/prompt.js';

function terminal(): { input: PassThrough; output: Writable; shown: () => string; raw: boolean[] } {
  const raw: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(mode: boolean) {
      raw.push(mode);
      return input;
    },
  });
  const chunks: string[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { input, output, shown: () => chunks.join(''), raw };
}

describe('promptHidden', () => {
  it('returns the line typed without echoing it, backspace included', async () => {
    const tty = terminal();
    const answer = promptHidden('Passphrase: ', tty.input, tty.output);
    tty.input.write('secreX\u007ft\r');
    assert.equal(await answer, 'secret');
    assert.equal(tty.shown(), 'Passphrase: \n');
  });

  it('puts the terminal in raw mode while asking, and back after', async () => {
    const tty = terminal();
    const answer = promptHidden('Passphrase: ', tty.input, tty.output);
    tty.input.write('x\n');
    await answer;
    assert.deepEqual([tty.raw[0], tty.raw.at(-1)], [true, false]);
  });

  it('fails with PASSPHRASE_REQUIRED at the end of input', async () => {
    const tty = terminal();
    const answer = promptHidden('Passphrase: ', tty.input, tty.output);
    tty.input.end();
    await assert.rejects(answer, { code: 'PASSPHRASE_REQUIRED' });
  });
});

describe('promptNewPassphrase', () => {
  it('asks twice and returns the passphrase typed the same both times', async () => {
    const tty = terminal();
    const answer = promptNewPassphrase('New: ', tty.input, tty.output);
    tty.input.write('secret\r');
    await new Promise((resolve) => setImmediate(resolve));
    tty.input.write('secret\r');
    assert.equal(await answer, 'secret');
    assert.equal(tty.shown(), 'New: \nRepeat it: \n');
  });

  it('fails with PASSPHRASE_MISMATCH when the two differ', async () => {
    const tty = terminal();
    const answer = promptNewPassphrase('New: ', tty.input, tty.output);
    tty.input.write('secret\r');
    await new Promise((resolve) => setImmediate(resolve));
    tty.input.write('secreT\r');
    await assert.rejects(answer, { code: 'PASSPHRASE_MISMATCH' });
  });

  it('does not ask again for no passphrase', async () => {
    const tty = terminal();
    const answer = promptNewPassphrase('New: ', tty.input, tty.output);
    tty.input.write('\r');
    assert.equal(await answer, '');
    assert.equal(tty.shown(), 'New: \n');
  });
});

describe('readPassphraseFile', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pbxsig-pass-'));
  });
  after(() => rm(dir, { recursive: true }));

  it('reads the first line of a regular file', async () => {
    await writeFile(join(dir, 'pass'), 'secret\r\nsecond line\n');
    assert.equal(await readPassphraseFile(join(dir, 'pass')), 'secret');
  });

  it('refuses a FIFO at once (an open waiting for a writer outlives Ctrl-C), and /dev/zero', async () => {
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    await assert.rejects(readPassphraseFile(join(dir, 'fifo')), {
      code: 'INPUT_UNREADABLE',
      message: `passphrase file ${join(dir, 'fifo')}: not a regular file`,
    });
    await assert.rejects(readPassphraseFile('/dev/zero'), { message: /not a regular file/ });
  });

  it('refuses a file larger than a passphrase file holds', async () => {
    await writeFile(join(dir, 'big'), Buffer.alloc(MAX_PASSPHRASE_FILE_BYTES + 1, 0x61));
    await assert.rejects(readPassphraseFile(join(dir, 'big')), {
      message: /65537 bytes; the most it may hold is 65536/,
    });
  });
});
