// Standard output's failures, on streams that fail as a closed pipe or a full disk do.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { EXIT_SIGPIPE, createChannel, settle } from '../../../src/cli/stdout.js';

function failing(code: string): Writable {
  return new Writable({
    write(_chunk, _encoding, done) {
      done(Object.assign(new Error(`write ${code}`), { code }));
    },
  });
}

function collecting(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('when the reader of stdout goes away (EPIPE)', () => {
  for (const [status, expected] of [
    [1, 1],
    [2, 2],
    [0, EXIT_SIGPIPE],
  ] as const) {
    it(`exits ${expected} for a run whose status was ${status}: never 0`, async () => {
      const channel = createChannel(failing('EPIPE'));
      channel.write('FAIL tampered ...\n');
      const messages = collecting();
      assert.equal(await settle(status, channel, createChannel(messages.stream)), expected);
      assert.equal(channel.state, 'closed');
      assert.equal(messages.text(), '', 'a closed pipe is no error to report');
    });
  }

  it('drops what is written after, without an error', async () => {
    const channel = createChannel(failing('EPIPE'));
    channel.write('one\n');
    await channel.flush();
    channel.write('two\n');
    await channel.flush();
    assert.equal(channel.state, 'closed');
  });
});

describe('when a write to stdout fails (ENOSPC)', () => {
  it('says so and exits 2, even when the run passed', async () => {
    const channel = createChannel(failing('ENOSPC'));
    channel.write('{"schema": "pbxsig/report"}\n');
    const messages = collecting();
    assert.equal(await settle(0, channel, createChannel(messages.stream)), 2);
    assert.equal(messages.text(), 'pbxsig: standard output: write failed: no space left on the device (ENOSPC)\n');
  });
});

describe('when everything is written', () => {
  it('keeps the status and delivers every byte before settling', async () => {
    const out = collecting();
    const channel = createChannel(out.stream);
    const big = 'x'.repeat(1 << 20);
    channel.write(big);
    channel.write('\n');
    assert.equal(await settle(1, channel), 1);
    assert.equal(out.text().length, big.length + 1);
  });
});
