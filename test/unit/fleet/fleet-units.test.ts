// The fleet's pure parts: queue URLs and credentials, installation names, durations, schedules, job
// ids. (The report's assembly from evidence: assemble.test.ts.)

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseInstallationArg, parseInstallations } from '../../../src/audit/names.js';
import { parseDuration } from '../../../src/cli/duration.js';
import { parseQueueUrl, readCredentials } from '../../../src/fleet/connection.js';
import { childJobId } from '../../../src/fleet/queues.js';
import { parseSchedule } from '../../../src/fleet/schedule.js';

describe('when a queue URL is parsed', () => {
  it('reads redis://, rediss:// (TLS) and unix:// with their databases', () => {
    assert.deepEqual(parseQueueUrl('redis://queue.example:6380/2'), {
      options: { host: 'queue.example', port: 6380, db: 2 },
      display: 'redis://queue.example:6380/2',
    });
    assert.deepEqual(parseQueueUrl('rediss://queue.example').options, {
      host: 'queue.example',
      port: 6379,
      db: 0,
      tls: { servername: 'queue.example' },
    });
    assert.deepEqual(parseQueueUrl('unix:///run/redis/redis.sock?db=3').options, {
      path: '/run/redis/redis.sock',
      db: 3,
    });
  });

  it('refuses credentials in the URL, naming where they belong', () => {
    assert.throws(
      () => parseQueueUrl('redis://auditor:secret@queue.example/0'),
      /credentials do not belong in the URL.*--redis-auth/,
    );
  });

  it('refuses other schemes and bad databases', () => {
    assert.throws(() => parseQueueUrl('http://queue.example/'), /scheme must be redis/);
    assert.throws(() => parseQueueUrl('redis://queue.example/one'), /database must be a number/);
    assert.throws(() => parseQueueUrl('not a url'), /expected redis:\/\//);
  });
});

describe('when Redis credentials are read', () => {
  it('takes a password, or a user name and a password, from a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pbxsig-auth-'));
    try {
      await writeFile(join(dir, 'one'), 's3cret\n');
      await writeFile(join(dir, 'two'), 'auditor\ns3cret\n');
      await writeFile(join(dir, 'three'), 'a\nb\nc\n');
      assert.deepEqual(await readCredentials(join(dir, 'one'), {}), { password: 's3cret' });
      assert.deepEqual(await readCredentials(join(dir, 'two'), {}), { username: 'auditor', password: 's3cret' });
      await assert.rejects(readCredentials(join(dir, 'three'), {}), /expected one line \(the password\) or two/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('else from the environment', async () => {
    assert.deepEqual(await readCredentials(undefined, { PBXSIG_REDIS_USERNAME: 'u', PBXSIG_REDIS_PASSWORD: 'p' }), {
      username: 'u',
      password: 'p',
    });
    assert.deepEqual(await readCredentials(undefined, {}), {});
  });
});

describe('when installations are named', () => {
  it('takes NAME=ROOT, host:NAME, or the root’s last path component', () => {
    assert.deepEqual(parseInstallationArg('pbx1=/srv/snap/2026-11-01/pbx1'), {
      kind: 'root',
      name: 'pbx1',
      root: '/srv/snap/2026-11-01/pbx1',
    });
    assert.deepEqual(parseInstallationArg('host:pbx-7'), { kind: 'host', name: 'pbx-7' });
    assert.deepEqual(parseInstallationArg('snapshots/pbx2/'), { kind: 'root', name: 'pbx2', root: 'snapshots/pbx2/' });
    // What precedes "=" must be a name: a path with "=" further on is a root.
    assert.equal(parseInstallationArg('/srv/a=b/pbx3').name, 'pbx3');
    assert.equal(parseInstallationArg('/').name, hostname());
  });

  it('refuses two installations of one name', () => {
    assert.throws(() => parseInstallations(['/a/pbx1', '/b/pbx1']), /two installations are named "pbx1".*NAME=ROOT/);
    assert.equal(parseInstallations(['/a/pbx1', 'other=/b/pbx1']).length, 2);
  });
});

describe('when durations and schedules are given', () => {
  it('reads durations', () => {
    assert.equal(parseDuration('--timeout', '90s'), 90_000);
    assert.equal(parseDuration('--timeout', '2h'), 7_200_000);
    assert.equal(parseDuration('--timeout', '250ms'), 250);
    assert.equal(parseDuration('--timeout', '30'), 30_000);
    assert.throws(() => parseDuration('--timeout', 'soon'), /--timeout: expected a duration/);
  });

  it('reads an interval or a UTC cron pattern', () => {
    assert.deepEqual(parseSchedule('6h'), { every: 21_600_000 });
    assert.deepEqual(parseSchedule('0 3 * * *'), { pattern: '0 3 * * *', tz: 'UTC' });
    assert.throws(() => parseSchedule('10s'), /at least 1m/);
    assert.throws(() => parseSchedule('daily'), /a duration \(6h, 1d\) or a cron pattern/);
  });
});

describe('when a child job id is made', () => {
  it('depends on the run and the name only', () => {
    assert.equal(childJobId('r1', 'pbx1'), childJobId('r1', 'pbx1'));
    assert.notEqual(childJobId('r1', 'pbx1'), childJobId('r2', 'pbx1'));
    assert.doesNotMatch(childJobId('r1', 'a:b'), /:/);
  });
});
