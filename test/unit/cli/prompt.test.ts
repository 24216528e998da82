// The passphrase prompt, on a stand-in terminal: nothing typed is echoed, line editing works.

import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { promptHidden, promptNewPassphrase } from '../../../src/cli/prompt.js';

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
