import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resultsBase } from '../../../bench/results-files.js';

describe('benchmark results file names', () => {
  const date = '2026-11-22T23:59:59.000Z';

  it('names a full run by its UTC day only', () => {
    assert.equal(resultsBase(date, { quick: false, only: null }), '2026-11-22');
  });

  it('marks a quick or partial run, so it never takes a full run’s name', () => {
    assert.equal(resultsBase(date, { quick: true, only: null }), '2026-11-22-quick');
    assert.equal(resultsBase(date, { quick: false, only: ['audit', 'engines'] }), '2026-11-22-only-audit+engines');
    assert.equal(resultsBase(date, { quick: true, only: ['engines'] }), '2026-11-22-quick-only-engines');
  });

  it('refuses a date that is not ISO 8601', () => {
    assert.throws(() => resultsBase('22/11/2026', { quick: false, only: null }), /not ISO 8601/);
  });
});
