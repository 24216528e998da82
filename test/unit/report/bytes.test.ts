import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, formatRate } from '../../../src/report/bytes.js';

describe('formatBytes', () => {
  for (const [bytes, text] of [
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'],
    [346_000_000, '330.0 MiB'],
    [2 ** 31, '2.0 GiB'],
    [5 * 2 ** 40, '5.0 TiB'],
    [-5, '0 B'],
    [Number.NaN, '0 B'],
  ] as const) {
    it(`writes ${bytes} as ${text}: binary units, named as such`, () => {
      assert.equal(formatBytes(bytes), text);
    });
  }
});

describe('formatRate', () => {
  it('divides by the seconds and says per second', () => {
    assert.equal(formatRate(10 * 2 ** 20, 2), '5.0 MiB/s');
  });

  it('says 0 B/s when no time has passed', () => {
    assert.equal(formatRate(1000, 0), '0 B/s');
  });
});
