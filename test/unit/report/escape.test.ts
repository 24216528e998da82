import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeControls, escapeMessage } from '../../../src/report/escape.js';

describe('escapeControls', () => {
  for (const [what, text, expected] of [
    ['a newline that would start a forged log line', 'a.php\npbxsig: ALERT x', 'a.php\\npbxsig: ALERT x'],
    ['a carriage return', 'x\ry', 'x\\ry'],
    ['a tab', 'x\ty', 'x\\ty'],
    ['an escape sequence (terminal title)', '\u001b]0;owned\u0007.php', '\\e]0;owned\\x07.php'],
    ['a C1 control (CSI)', 'x\u009by', 'x\\x9by'],
    ['DEL and NUL', '\u007f\u0000', '\\x7f\\x00'],
    ['a right-to-left override (Trojan Source)', 'shell\u202ephp.txt', 'shell\\u202ephp.txt'],
    ['a zero-width space', 'sh\u200bell.php', 'sh\\u200bell.php'],
    ['a line separator', 'a\u2028b', 'a\\u2028b'],
    ['a backslash, so that an escape cannot be faked', 'a\\nb', 'a\\\\nb'],
  ] as const) {
    it(`escapes ${what}`, () => {
      assert.equal(escapeControls(text), expected);
    });
  }

  it('keeps printable text, UTF-8 letters included', () => {
    assert.equal(escapeControls('admin/modules/core/Müller ✓.php'), 'admin/modules/core/Müller ✓.php');
  });
});

describe('escapeMessage', () => {
  it('keeps the line breaks of indented detail lines and escapes every other one', () => {
    assert.equal(
      escapeMessage('refusing to sign m: it holds\n  a\npbxsig: ALERT.php: dangling link\n  b.php: FIFO'),
      'refusing to sign m: it holds\n  a\\npbxsig: ALERT.php: dangling link\n  b.php: FIFO',
    );
  });
});
