import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitKeyBlocks } from '../../../src/pgp/armor.js';

const PUBLIC = (body: string): string =>
  `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${body}\n-----END PGP PUBLIC KEY BLOCK-----`;
const PRIVATE = (body: string): string =>
  `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${body}\n-----END PGP PRIVATE KEY BLOCK-----`;

describe('splitKeyBlocks', () => {
  describe('when a file holds several blocks with text around them', () => {
    it('returns each block from its BEGIN line to its END line, in order', () => {
      const text = `notes\n${PUBLIC('AAAA')}\nbetween\n${PRIVATE('BBBB')}\n${PUBLIC('CCCC')}\ntrailer\n`;
      assert.deepEqual(splitKeyBlocks(text), [
        { kind: 'PUBLIC', text: PUBLIC('AAAA') },
        { kind: 'PRIVATE', text: PRIVATE('BBBB') },
        { kind: 'PUBLIC', text: PUBLIC('CCCC') },
      ]);
    });

    it('stops after the given number of blocks', () => {
      const text = [PUBLIC('A'), PUBLIC('B'), PUBLIC('C')].join('\n');
      assert.deepEqual(
        splitKeyBlocks(text, 2).map((b) => b.text),
        [PUBLIC('A'), PUBLIC('B')],
      );
    });
  });

  describe('when a block is not closed', () => {
    it('is no block, and the blocks after it of another kind are still found', () => {
      const text = `-----BEGIN PGP PUBLIC KEY BLOCK-----\nAAAA\n${PRIVATE('BBBB')}`;
      assert.deepEqual(splitKeyBlocks(text), [{ kind: 'PRIVATE', text: PRIVATE('BBBB') }]);
    });

    it('ends at the first END of its own kind, never at an END of the other kind', () => {
      const text = `-----BEGIN PGP PUBLIC KEY BLOCK-----\nA\n-----END PGP PRIVATE KEY BLOCK-----\nB\n-----END PGP PUBLIC KEY BLOCK-----`;
      assert.deepEqual(splitKeyBlocks(text), [{ kind: 'PUBLIC', text }]);
    });
  });

  describe('when a BEGIN line names something other than a key', () => {
    it('is skipped', () => {
      const text = `-----BEGIN PGP SIGNATURE-----\nx\n-----END PGP SIGNATURE-----\n${PUBLIC('K')}`;
      assert.deepEqual(splitKeyBlocks(text), [{ kind: 'PUBLIC', text: PUBLIC('K') }]);
    });
  });

  describe('when a hostile file holds nothing but BEGIN lines', () => {
    it('finds no block, in one pass (a quadratic scan of these 7.4 MB took minutes)', () => {
      const text = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n'.repeat(200_000);
      assert.equal(text.length, 7_400_000);
      assert.deepEqual(splitKeyBlocks(text), []);
    });

    it('finds the one block closed at the very end, as the first BEGIN opens it', () => {
      const text = `${'-----BEGIN PGP PUBLIC KEY BLOCK-----\n'.repeat(100_000)}-----END PGP PUBLIC KEY BLOCK-----`;
      const blocks = splitKeyBlocks(text);
      assert.equal(blocks.length, 1);
      assert.equal(blocks[0]?.text.length, text.length);
    });

    it('handles a file alternating BEGIN lines of both kinds with one END of each at the end', () => {
      const text = `${'-----BEGIN PGP PUBLIC KEY BLOCK-----\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n'.repeat(50_000)}-----END PGP PRIVATE KEY BLOCK-----\n-----END PGP PUBLIC KEY BLOCK-----`;
      const blocks = splitKeyBlocks(text);
      // The first PUBLIC BEGIN reaches the PUBLIC END at the very end: one block holding everything.
      assert.deepEqual(
        blocks.map((b) => b.kind),
        ['PUBLIC'],
      );
    });
  });
});
