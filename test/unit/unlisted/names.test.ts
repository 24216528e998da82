import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { displayBytes, isUtf8Bytes } from '../../../src/unlisted/names.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);

describe('displayBytes', () => {
  describe('when the name is valid UTF-8', () => {
    it('shows it as it is, control characters and U+FFFD included', () => {
      for (const name of ['shell.php', 'café', 'new\nline', 'esc\u001b[31m', 'x\uFFFD', '日本', '😀.php', '']) {
        assert.equal(displayBytes(Buffer.from(name, 'utf8')), name, JSON.stringify(name));
        assert.equal(isUtf8Bytes(Buffer.from(name, 'utf8')), true, JSON.stringify(name));
      }
    });
  });

  describe('when some bytes are not UTF-8', () => {
    it('shows each such byte as \\xNN and keeps the valid text around it', () => {
      assert.equal(displayBytes(Buffer.concat([Buffer.from('sh'), bytes(0xff), Buffer.from('.php')])), 'sh\\xff.php');
      assert.equal(displayBytes(Buffer.concat([Buffer.from('é', 'utf8'), bytes(0xe9)])), 'é\\xe9');
    });

    it('refuses overlong forms, surrogates, code points above U+10FFFF and cut sequences', () => {
      const cases: Array<[Buffer, string]> = [
        [bytes(0xc0, 0xaf), '\\xc0\\xaf'],
        [bytes(0xe0, 0x80, 0xaf), '\\xe0\\x80\\xaf'],
        [bytes(0xed, 0xa0, 0x80), '\\xed\\xa0\\x80'],
        [bytes(0xf4, 0x90, 0x80, 0x80), '\\xf4\\x90\\x80\\x80'],
        [bytes(0xe6, 0x97), '\\xe6\\x97'],
        [bytes(0x80), '\\x80'],
      ];
      for (const [input, shown] of cases) {
        assert.equal(displayBytes(input), shown, input.toString('hex'));
        assert.equal(isUtf8Bytes(input), false, input.toString('hex'));
      }
    });
  });
});
