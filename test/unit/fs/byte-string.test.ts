import assert from 'node:assert/strict';
import { closeSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeBytes, encodeBytes, hasEscapedBytes, toFsPath } from '../../../src/fs/byte-string.js';
import { ConfinedOpener } from '../../../src/fs/confined-open.js';
import { makeTempDir } from '../../helpers/modules.js';

const roundTrips = (bytes: Buffer): void => assert.deepEqual(encodeBytes(decodeBytes(bytes)), bytes);

describe('decodeBytes / encodeBytes', () => {
  describe('when the bytes are UTF-8', () => {
    it('decodes them as Buffer#toString does, with no escape', () => {
      for (const text of ['plain ascii', 'café.php', '日本語/ファイル', 'emoji 😀', '']) {
        const decoded = decodeBytes(Buffer.from(text));
        assert.equal(decoded, text);
        assert.equal(hasEscapedBytes(decoded), false);
        roundTrips(Buffer.from(text));
      }
    });
  });

  describe('when the bytes are not UTF-8', () => {
    it('keeps each invalid byte as U+EF00 + byte, and gives back the exact bytes', () => {
      const latin1 = Buffer.from('caf\xe9.php', 'latin1');
      const decoded = decodeBytes(latin1);
      assert.equal(decoded, 'caf\uefe9.php');
      assert.equal(hasEscapedBytes(decoded), true);
      roundTrips(latin1);
    });

    it('keeps the valid sequences around them as characters', () => {
      const mixed = Buffer.concat([Buffer.from('é/'), Buffer.from([0xff, 0xc3]), Buffer.from('日')]);
      assert.equal(decodeBytes(mixed), 'é/\uefff\uefc3日');
      roundTrips(mixed);
    });

    it('refuses overlong forms, surrogates and values over U+10FFFF, byte by byte', () => {
      for (const bytes of [
        [0xc0, 0xaf],
        [0xe0, 0x80, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
        [0xe2, 0x82],
      ]) {
        const buffer = Buffer.from(bytes);
        assert.equal(decodeBytes(buffer).length, bytes.length, JSON.stringify(bytes));
        roundTrips(buffer);
      }
    });

    it('escapes a real U+EF80-U+EFFF too, so that every such character stands for a byte', () => {
      const text = Buffer.concat([Buffer.from('\uef80 '), Buffer.from([0xe9])]);
      assert.equal(decodeBytes(text), '\uefee\uefbe\uef80 \uefe9');
      roundTrips(text);
      roundTrips(Buffer.from('\uefe9 only, valid UTF-8'));
    });

    it('gives distinct strings, and distinct UTF-8, for distinct bytes', () => {
      const a = decodeBytes(Buffer.from([0x61, 0xe9]));
      const b = decodeBytes(Buffer.from([0x61, 0xe8]));
      assert.notEqual(a, b);
      assert.notDeepEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    });

    it('round-trips every byte value and random byte strings', () => {
      roundTrips(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
      let seed = 7;
      for (let n = 0; n < 200; n++) {
        const bytes = Buffer.alloc(40);
        for (let i = 0; i < bytes.length; i++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          bytes[i] = seed >>> 24;
        }
        roundTrips(bytes);
      }
    });
  });

  describe('toFsPath', () => {
    it('leaves a UTF-8 path a string and gives the bytes of one with escapes', () => {
      assert.equal(toFsPath('a/café'), 'a/café');
      assert.deepEqual(toFsPath('a/caf\uefe9'), Buffer.from('a/caf\xe9', 'latin1'));
    });
  });
});

describe('ConfinedOpener with names that are not UTF-8', () => {
  let root: string;
  let remove: () => Promise<void>;
  before(async () => {
    const temp = await makeTempDir();
    root = temp.path;
    remove = temp.remove;
    writeFileSync(Buffer.from(`${root}/caf\xe9.txt`, 'latin1'), 'latin-1 name\n');
    writeFileSync(join(root, 'café.txt'), 'utf-8 name\n');
    symlinkSync(Buffer.from('caf\xe9.txt', 'latin1'), Buffer.from(`${root}/link\xff`, 'latin1'));
  });
  after(async () => remove());

  function read(opener: ConfinedOpener, path: string): string {
    const opened = opener.open(path);
    assert.equal(opened.kind, 'open', JSON.stringify(opened));
    if (opened.kind !== 'open') return '';
    try {
      return readFileSync(opened.fd, 'utf8');
    } finally {
      closeSync(opened.fd);
    }
  }

  it('opens the file whose name is those exact bytes, not its UTF-8 look-alike', () => {
    const opener = new ConfinedOpener(root, root);
    assert.equal(read(opener, 'caf\uefe9.txt'), 'latin-1 name\n');
    assert.equal(read(opener, 'café.txt'), 'utf-8 name\n');
  });

  it('follows a link whose name and target are not UTF-8', () => {
    assert.equal(read(new ConfinedOpener(root, root), 'link\uefff'), 'latin-1 name\n');
  });
});
