import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyLines, lineOf } from '../../../src/config/locate.js';

describe('keyLines', () => {
  it('finds top-level keys, tables, repeated tables and their keys', () => {
    const lines = keyLines(
      [
        '# comment = not a key',
        'threads = 2',
        '  "engine" = "node"',
        '[[allow]]',
        'module = "core"',
        '[[ allow ]]',
        "'path' = 'x.php'",
        '[extra]',
        'a.b = 1',
      ].join('\n'),
    );
    assert.deepEqual(Object.fromEntries(lines), {
      threads: 2,
      engine: 3,
      'allow[0]': 4,
      'allow[0].module': 5,
      'allow[1]': 6,
      'allow[1].path': 7,
      extra: 8,
      'extra.a.b': 9,
    });
  });

  it('skips the lines of a multi-line string, which define nothing', () => {
    const lines = keyLines(
      ['note = """', 'threads = 99', '"""', 'threads = 2', "x = '''", "engine = 1'''", 'engine = 3'].join('\n'),
    );
    assert.equal(lines.get('threads'), 4);
    assert.equal(lines.get('engine'), 7);
  });
});

describe('lineOf', () => {
  const lines = keyLines('[[allow]]\nmodule = "core"\nallow_x = 1\n');

  it("falls back to the closest enclosing key's line", () => {
    assert.equal(lineOf(lines, 'allow[0].module'), 2);
    assert.equal(lineOf(lines, 'allow[0].sha256'), 1);
    assert.equal(lineOf(lines, 'keys[1]'), undefined);
  });
});
