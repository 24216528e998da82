// The time limit of bench/rss.ts's measured runs: the hostile suite relies on it never to hang.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../../../bench/repo.js';
import { hasTimeoutCommand, measuredRun, rssProbe } from '../../../bench/rss.js';
import { makeTempDir } from '../../../bench/temp.js';
import type { TempDir } from '../../../bench/temp.js';

let dir: TempDir;
before(async () => {
  dir = await makeTempDir('pbxsig-rss-test-');
});
after(async () => {
  await dir.remove();
});

const sleeper = {
  id: 'sleeper',
  label: 'a Node process that would sleep a minute',
  shown: 'node -e SLEEP',
  file: process.execPath,
  args: ['-e', 'setTimeout(() => {}, 60_000)'],
};

describe('when a measured run passes its time limit', () => {
  for (const useTimeoutCommand of [true, false]) {
    it(`stops it and says it timed out (${useTimeoutCommand ? 'coreutils timeout' : "spawnSync's own limit"})`, (t) => {
      if (useTimeoutCommand && !hasTimeoutCommand()) return t.skip('no coreutils timeout here');
      const run = measuredRun(sleeper, rssProbe(dir.path), dir.path, REPO, false, {
        timeoutMs: 1_000,
        useTimeoutCommand,
      });
      assert.equal(run.timedOut, true, `exit ${run.status}`);
      assert.ok(run.ms < 30_000, `returned after ${run.ms} ms, not after the child's minute`);
    });
  }

  it('says nothing timed out when the command ends within its limit', () => {
    const run = measuredRun({ ...sleeper, args: ['-e', '0'] }, rssProbe(dir.path), dir.path, REPO, false, {
      timeoutMs: 60_000,
      useTimeoutCommand: hasTimeoutCommand(),
    });
    assert.deepEqual({ timedOut: run.timedOut, status: run.status }, { timedOut: false, status: 0 });
  });
});
