// The audit's progress line: what stays visible at 80 columns, and the cursor shown again however
// the run ends.

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { runCleanups } from '../../../src/cli/exit-cleanup.js';
import { formatEta, progressLine, startProgress } from '../../../src/cli/progress.js';

const STATE = { done: 12, total: 20, bytes: 346_000_000, seconds: 1.1, eta: 65 };

describe('progressLine', () => {
  for (const columns of [80, 100, 200]) {
    it(`keeps rate and ETA, in at most ${columns - 1} characters, at ${columns} columns`, () => {
      const line = progressLine(STATE, columns);
      assert.ok(line.length <= columns - 1, `${line.length}: ${line}`);
      assert.match(line, /12\/20 installations/);
      assert.match(line, /330\.0 MiB {2}300\.0 MiB\/s {2}ETA 1m05s/);
      assert.match(line, /\[#+-+\]/, 'a bar where there is room');
    });
  }

  it('drops the bar before the numbers on a narrow terminal', () => {
    const line = progressLine(STATE, 50);
    assert.ok(line.length <= 49, line);
    assert.match(line, /MiB\/s {2}ETA 1m05s/);
  });

  it('says "--" while the time left is unknown', () => {
    assert.match(progressLine({ ...STATE, done: 0, eta: undefined }, 80), /ETA --$/);
  });
});

describe('formatEta', () => {
  for (const [seconds, text] of [
    [0, '0s'],
    [42.4, '42s'],
    [65, '1m05s'],
    [7380, '2h03m'],
    [Infinity, '--'],
    [Number.NaN, '--'],
  ] as const) {
    it(`writes ${seconds} s as ${text}`, () => {
      assert.equal(formatEta(seconds), text);
    });
  }
});

describe('the cursor', () => {
  function terminal(): { stream: NodeJS.WriteStream; text: () => string } {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    Object.assign(stream, { isTTY: true, columns: 80 });
    return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
  }

  it('is hidden while the bar runs and shown again by the exit cleanup (a signal, an error)', async () => {
    const tty = terminal();
    const progress = await startProgress(3, tty.stream);
    progress.increment(1000);
    assert.ok(tty.text().includes('\u001b[?25l'), 'hidden');
    assert.ok(!tty.text().includes('\u001b[?25h'));
    runCleanups();
    assert.ok(tty.text().endsWith('\u001b[?25h'), 'shown again');
    progress.stop();
  });

  it('is shown again by stop(), and the cleanup is then withdrawn', async () => {
    const tty = terminal();
    const progress = await startProgress(1, tty.stream);
    progress.stop();
    const stopped = tty.text();
    assert.ok(stopped.includes('\u001b[?25h'));
    runCleanups();
    assert.equal(tty.text(), stopped, 'nothing more written');
  });
});
