// The fleet's pure parts: queue URLs and credentials, installation names, durations, schedules,
// the report's assembly and its canonical form.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { asAudit, diffAudits } from '../../../src/audit/diff.js';
import { renderAuditHtml } from '../../../src/audit/html.js';
import { parseInstallationArg, parseInstallations } from '../../../src/audit/names.js';
import type { AuditReport } from '../../../src/audit/types.js';
import { parseDuration } from '../../../src/cli/duration.js';
import { assembleAuditReport } from '../../../src/fleet/assemble.js';
import { canonicalAudit } from '../../../src/fleet/canonical.js';
import { parseQueueUrl, readCredentials } from '../../../src/fleet/connection.js';
import { childJobId } from '../../../src/fleet/queues.js';
import { decodeResult, encodeResult } from '../../../src/fleet/result-codec.js';
import { parseSchedule } from '../../../src/fleet/schedule.js';
import type { JobResult, RunSpec } from '../../../src/fleet/types.js';
import type { ModuleReport, VerifyReport } from '../../../src/report/types.js';

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

// A minimal verify report of one module.
function verifyReport(root: string, passed: boolean): VerifyReport {
  const module = {
    name: 'core',
    directory: `${root}/var/www/html/admin/modules/core`,
    verdict: 'verified',
    summary: 'ok',
    freepbx: { status: 129, flags: [], details: [] },
    signer: null,
    manifest: {
      version: '17.0.1',
      type: null,
      repo: null,
      signedWith: null,
      signedBy: null,
      expiresAfter: null,
      entries: 1,
      issues: [],
    },
    files: {
      listed: 1,
      skipped: 0,
      checked: 1,
      matched: 1,
      bytes: 10,
      viaSymlink: 0,
      altered: [],
      missing: [],
      unreadable: [],
      unsafe: [],
    },
    unlisted: {
      code: passed ? [] : [{ path: 'shell.php', location: `${root}/shell.php`, reason: 'unlisted script' }],
      allowed: [],
      runtime: 0,
      other: 0,
      otherSample: [],
      unreadable: [],
    },
    passed,
    warnings: [],
  } as unknown as ModuleReport;
  return {
    schema: 'pbxsig/report',
    version: 1,
    tool: { name: 'pbxsig', version: '0' },
    startedAt: '2026-11-01T00:00:00.000Z',
    durationMs: 5,
    settings: { engine: 'node', threads: 2, anchors: [], keyFiles: [], unlisted: 'fail' },
    installation: null,
    summary: {
      modules: 1,
      verified: 1,
      failed: passed ? 0 : 1,
      unlistedCode: passed ? 0 : 1,
      verdicts: {} as VerifyReport['summary']['verdicts'],
      files: 1,
      bytes: 10,
    },
    modules: [module],
    warnings: [],
  };
}

describe('when a fleet report is assembled from job results', () => {
  const spec: RunSpec = {
    version: 1,
    runId: 'r1',
    now: '2026-11-01T00:00:00.000Z',
    anchors: ['A'],
    unlisted: 'fail',
    engine: 'auto',
    keys: [],
    installations: 3,
    digest: 'd',
  };
  const result = (name: string, passed: boolean, judgements: string[]): JobResult => ({
    version: 1,
    name,
    root: `/srv/${name}`,
    status: 'audited',
    error: null,
    report: verifyReport(`/srv/${name}`, passed),
    judgements,
    worker: 'w1:1',
  });
  const report = assembleAuditReport({
    spec,
    engine: 'node',
    targets: [
      { kind: 'root', name: 'a', root: '/srv/a' },
      { kind: 'root', name: 'b', root: '/srv/b' },
      { kind: 'host', name: 'c' },
    ],
    outcomes: [
      { kind: 'result', result: decodeResult(encodeResult(result('a', true, ['k:1', 'k:2'])), 'a') },
      { kind: 'result', result: result('b', false, ['k:1', 'k:3']) },
      {
        kind: 'failed',
        code: 'FLEET_JOB_FAILED',
        reason: 'the audit job failed: job stalled more than allowable limit',
      },
    ],
    queue: 'redis://q:6379/0',
    finishedAt: new Date('2026-11-01T00:00:10.000Z'),
  });

  it('keeps the order given, names each installation, and says why one was not audited', () => {
    assert.deepEqual(
      report.installations.map((i) => [i.name, i.root, i.status]),
      [
        ['a', '/srv/a', 'clean'],
        ['b', '/srv/b', 'findings'],
        ['c', 'host:c', 'unreadable'],
      ],
    );
    assert.match(report.installations[2]?.error?.message ?? '', /stalled/);
  });

  it('counts each distinct signature judgement once, the rest as shared', () => {
    assert.deepEqual(report.summary.signatures, { verified: 3, shared: 1 });
    assert.equal(report.durationMs, 10_000);
    assert.deepEqual(report.run, { id: 'r1', queue: 'redis://q:6379/0', workers: ['w1:1'] });
  });

  it('refuses a result stored for another installation', () => {
    assert.throws(() => decodeResult(encodeResult(result('a', true, [])), 'b'), /the result is for "a"/);
    assert.throws(() => decodeResult({ v: 1, gz: 'bm90IGd6aXA=' }, 'a'));
  });

  it('compares canonically: timings and the run aside', () => {
    const later: AuditReport = {
      ...report,
      startedAt: 'x',
      durationMs: 1,
      run: { id: 'other', queue: 'q', workers: [] },
    };
    assert.equal(canonicalAudit(later), canonicalAudit(report));
    assert.notEqual(
      canonicalAudit({ ...report, settings: { ...report.settings, unlisted: 'report' } }),
      canonicalAudit(report),
    );
  });

  it('renders the fleet view: not audited, findings grouped across installations, the grid, versions', () => {
    // b's unlisted shell, also on a copy of b: one finding on two installations.
    const twice: AuditReport = {
      ...report,
      installations: [
        ...report.installations,
        { ...(report.installations[1] as AuditReport['installations'][number]), name: 'b2' },
      ],
    };
    const html = renderAuditHtml(twice);
    assert.match(html, /<h2>Not audited \(1\)<\/h2>.*<code>c<\/code>.*stalled/s);
    assert.match(html, /<tr class="group" data-hosts="2">.*shell\.php.*<code>b<\/code>, <code>b2<\/code>/s);
    assert.match(html, /<section id="grid"/);
    assert.match(html, /<code>17\.0\.1<\/code>: 3 \(<code>a<\/code>, <code>b<\/code>, <code>b2<\/code>\)/);
    // A module failing for unlisted code only is not shown as a green "verified".
    assert.match(html, /<span class="verdict unlisted-code">unlisted code<\/span>/);
    assert.doesNotMatch(html, /<span class="verdict verified">/);
  });
});

describe('when two audits are compared', () => {
  it('matches installations by name, not by the root as typed', () => {
    const before: AuditReport = {
      ...assembleAuditReport({
        spec: {
          version: 1,
          runId: 'r',
          now: '2026-11-01T00:00:00.000Z',
          anchors: [],
          unlisted: 'fail',
          engine: 'auto',
          keys: [],
          installations: 1,
          digest: '',
        },
        engine: 'node',
        targets: [{ kind: 'root', name: 'pbx1', root: 'snapshots/pbx1' }],
        outcomes: [
          {
            kind: 'result',
            result: {
              version: 1,
              name: 'pbx1',
              root: 'snapshots/pbx1',
              status: 'audited',
              error: null,
              report: verifyReport('snapshots/pbx1', false),
              judgements: [],
              worker: 'w',
            },
          },
        ],
        queue: 'q',
        finishedAt: new Date(),
      }),
    };
    const after: AuditReport = {
      ...before,
      installations: before.installations.map((i) => ({ ...i, root: '/home/auditor/snapshots/pbx1' })),
    };
    const diff = diffAudits(before, after);
    assert.deepEqual([diff.installations.added, diff.installations.removed, diff.modules.newlyFailing], [[], [], []]);
    assert.equal(diff.noRegression, true);
    // An older report without names, as read from its file: named by the root's last path component.
    const unnamed: unknown = { ...before, installations: before.installations.map(({ name: _n, ...i }) => i) };
    assert.equal(diffAudits(asAudit(unnamed, 'old.json'), after).installations.added.length, 0);
  });
});

describe('when a child job id is made', () => {
  it('depends on the run and the name only', () => {
    assert.equal(childJobId('r1', 'pbx1'), childJobId('r1', 'pbx1'));
    assert.notEqual(childJobId('r1', 'pbx1'), childJobId('r2', 'pbx1'));
    assert.doesNotMatch(childJobId('r1', 'a:b'), /:/);
  });
});
