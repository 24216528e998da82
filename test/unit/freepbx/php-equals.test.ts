import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { phpLooseEquals } from '../../../src/freepbx/php-equals.js';

// Each pair as PHP 8.2 compares it with ==.
describe('phpLooseEquals', () => {
  const D = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it('compares ordinary digests byte for byte, case included', () => {
    assert.equal(phpLooseEquals(D, D), true);
    assert.equal(phpLooseEquals(D, D.toUpperCase()), false);
    assert.equal(phpLooseEquals(D, `${D.slice(0, 63)}0`), false);
  });

  it('compares two numeric strings as numbers: "0e..." digests are all equal', () => {
    assert.equal(phpLooseEquals(`0e${'1'.repeat(62)}`, `0e${'9'.repeat(62)}`), true);
    assert.equal(phpLooseEquals('0e5', '0'), true);
    assert.equal(phpLooseEquals('1e3', '1000'), true);
    assert.equal(phpLooseEquals('10', '010'), true);
    assert.equal(phpLooseEquals(' 1', '1'), true);
  });

  it('compares as strings when either is not numeric', () => {
    assert.equal(phpLooseEquals('0e5', '0x0'), false);
    assert.equal(phpLooseEquals('abc', '0'), false);
    assert.equal(phpLooseEquals('', '0'), false);
  });

  it('compares integers overflowing to the same side as strings', () => {
    assert.equal(phpLooseEquals('99999999999999999999', '99999999999999999998'), false);
    assert.equal(phpLooseEquals('99999999999999999999', '99999999999999999999'), true);
  });
});
