import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { machineFacts } from '../../../bench/report.js';
import { LOCAL_DIR, SAVED_DIR, resultsBase, writeRunResults } from '../../../bench/results-files.js';
import type { FullReport } from '../../../bench/summary.js';
import { makeTempDir } from '../../../bench/temp.js';

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

describe('when a run’s results are written', () => {
  it('writes one copy of each, named by the run’s kind, into the directory it is given', async () => {
    const dir = await makeTempDir('pbxsig-results-test-');
    try {
      const report: FullReport = {
        date: '2026-11-22T03:54:36.101Z',
        command: 'node dist/bench/run.js --quick --only startup',
        argv: ['--quick', '--only', 'startup'],
        quick: true,
        machine: machineFacts(),
        suites: ['startup'],
      };
      const written = await writeRunResults(report, { quick: true, only: ['startup'] }, dir.path);
      assert.deepEqual(written.map((file) => basename(file)).sort(), [
        '2026-11-22-quick-only-startup.json',
        '2026-11-22-quick-only-startup.md',
      ]);
      assert.deepEqual(readdirSync(dir.path).sort(), written.map((file) => basename(file)).sort());
      assert.match(readFileSync(join(dir.path, '2026-11-22-quick-only-startup.md'), 'utf8'), /## Targets/);
    } finally {
      await dir.remove();
    }
  });

  it('keeps local runs out of the repository: bench/results/local/ is ignored', () => {
    assert.ok(LOCAL_DIR.startsWith(SAVED_DIR));
    const ignored = readFileSync(new URL('../../../../.gitignore', import.meta.url), 'utf8').split('\n');
    assert.ok(ignored.includes(`bench/results/${relative(SAVED_DIR, LOCAL_DIR)}/`), ignored.join(', '));
  });
});
