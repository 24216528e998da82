import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closest } from '../../src/suggest.js';

describe('closest', () => {
  const commands = ['verify', 'audit', 'diff', 'sign', 'keys', 'completion'];

  for (const [typed, meant] of [
    ['verfy', 'verify'],
    ['verfiy', 'verify'],
    ['audt', 'audit'],
    ['sing', 'sign'],
    ['KEYS', 'keys'],
    ['comp', 'completion'],
  ] as const) {
    it(`takes ${typed} for ${meant}`, () => {
      assert.equal(closest(typed, commands), meant);
    });
  }

  it('suggests nothing for a word that is not close to any', () => {
    assert.equal(closest('frobnicate', commands), undefined);
    assert.equal(closest('x', commands), undefined);
  });
});
