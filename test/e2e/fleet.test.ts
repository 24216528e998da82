// Fleet audits on a real Redis (Debian's redis-server on a unix socket, started here) with real
// `pbxsig worker` processes: a queued audit's canonical report equals the local audit's with 1, 2 and
// 3 workers; an agent worker audits its own host; names carry through.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditReport } from '../../src/audit/types.js';
import { canonicalAudit } from '../../src/fleet/canonical.js';
import { localAudit, makeFleetInstallations, pbxsig, startWorker, stopAll, stopStarted } from '../helpers/fleet.js';
import type { Proc } from '../helpers/fleet.js';
import { makeTempDir } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';
import { NO_REDIS, startRedis } from '../helpers/redis.js';
import { describeErrors, loadSchemas } from '../helpers/schemas.js';
import type { RedisServer } from '../helpers/redis.js';

describe('fleet audits', { skip: NO_REDIS }, () => {
  let temp: string;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let redis: RedisServer | undefined;
  let roots: string[];
  let keyArgs: string[];
  let local: AuditReport;
  const workers: Proc[] = [];

  before(async () => {
    const dir = await makeTempDir('pbxsig-fleet-');
    temp = dir.path;
    cleanup = dir.remove;
    const fixture = await makeFleetInstallations(temp);
    roots = [...fixture.roots];
    keyArgs = [...fixture.keyArgs];
    local = await localAudit(temp, fixture);
    redis = await startRedis(temp);
  });

  after(async () => {
    await stopStarted();
    await redis?.stop();
    await cleanup();
  });

  async function queued(
    db: number,
    extra: readonly string[] = [],
  ): Promise<{ status: number; report: AuditReport; out: string }> {
    const json = join(temp, `queued-${db}-${Date.now()}.json`);
    const producer = pbxsig([
      'audit',
      '--queue',
      redis?.url(db) ?? '',
      ...roots,
      ...keyArgs,
      '--json',
      json,
      '--timeout',
      '2m',
      ...extra,
    ]);
    const status = await producer.exited();
    return { status, report: JSON.parse(await readFile(json, 'utf8')) as AuditReport, out: producer.output() };
  }

  for (const count of [1, 2, 3]) {
    it(`gives the local audit's report with ${count} worker process${count > 1 ? 'es' : ''}`, async () => {
      const db = count;
      const mine: Proc[] = [];
      for (let i = 0; i < count; i++) mine.push(await startWorker(redis?.url(db) ?? ''));
      workers.push(...mine);
      try {
        const { status, report, out } = await queued(db);
        assert.equal(status, 1, out);
        assert.equal(canonicalAudit(report), canonicalAudit(local));
        const { audit } = loadSchemas({ strict: true });
        assert.ok(audit(report), `the queued report does not match its schema:\n${describeErrors(audit.errors)}`);
        assert.equal(report.run?.queue, `unix://${redis?.socket ?? ''}?db=${db}`);
        assert.ok((report.run?.workers.length ?? 0) >= 1 && (report.run?.workers.length ?? 0) <= count);
        assert.deepEqual(report.summary.signatures, local.summary.signatures);
        // Each distinct module.sig travels once (first sight): exactly once with one worker, whose jobs
        // follow each other; workers racing on the same text may each send it before either result is
        // stored (never more than once per installation).
        const sent = mine
          .flatMap((w) => [...w.output().matchAll(/modules collected, (\d+) signed texts sent/g)])
          .reduce((total, m) => total + Number(m[1]), 0);
        if (count === 1) assert.equal(sent, 3, mine[0]?.output());
        else assert.ok(sent >= 3 && sent <= 3 * 4, `${sent} texts sent`);
      } finally {
        await stopAll(mine);
      }
    });
  }

  it('names every installation, and says why one could not be audited', () => {
    assert.deepEqual(
      local.installations.map((i) => [i.name, i.status]),
      [
        ['a-clean', 'clean'],
        ['b-copy', 'clean'],
        ['c-tampered', 'findings'],
        ['d-shell', 'findings'],
        ['e-not-freepbx', 'unreadable'],
      ],
    );
    assert.match(local.installations[4]?.error?.message ?? '', /no FreePBX installation/);
    assert.deepEqual(local.summary.signatures, { verified: 3, shared: 9 });
  });

  it("lets a PBX's agent worker audit its own installation, named by the host", async () => {
    const agent = await startWorker(redis?.url(7) ?? '', ['--host', 'pbx-agent', '--root', roots[2] as string]);
    workers.push(agent);
    try {
      const json = join(temp, 'agent.json');
      const producer = pbxsig([
        'audit',
        '--queue',
        redis?.url(7) ?? '',
        'host:pbx-agent',
        ...keyArgs,
        '--json',
        json,
        '--timeout',
        '2m',
      ]);
      assert.equal(await producer.exited(), 1, producer.output());
      const report = JSON.parse(await readFile(json, 'utf8')) as AuditReport;
      const here = spawnSync(
        process.execPath,
        [
          CLI,
          'audit',
          `pbx-agent=${roots[2] ?? ''}`,
          ...keyArgs,
          '--threads',
          '2',
          '--json',
          join(temp, 'agent-local.json'),
        ],
        { encoding: 'utf8' },
      );
      assert.equal(here.status, 1, here.stderr);
      const expected = JSON.parse(await readFile(join(temp, 'agent-local.json'), 'utf8')) as AuditReport;
      assert.equal(report.installations[0]?.name, 'pbx-agent');
      assert.equal(canonicalAudit(report), canonicalAudit(expected));
    } finally {
      await stopAll([agent]);
    }
  });

  it('reports a host whose agent never came as not audited, after --timeout', async () => {
    const json = join(temp, 'offline.json');
    const producer = pbxsig([
      'audit',
      '--queue',
      redis?.url(8) ?? '',
      'host:offline-pbx',
      ...keyArgs,
      '--json',
      json,
      '--timeout',
      '2s',
    ]);
    assert.equal(await producer.exited(), 1, producer.output());
    const report = JSON.parse(await readFile(json, 'utf8')) as AuditReport;
    assert.equal(report.installations[0]?.status, 'unreadable');
    assert.equal(report.installations[0]?.error?.code, 'FLEET_NOT_AUDITED');
    assert.match(report.installations[0]?.error?.message ?? '', /agent of host offline-pbx did not finish it/);
    // The job no worker took is withdrawn: nothing is left waiting for the absent agent.
    assert.equal(redis?.cli('-n', '8', 'LLEN', 'pbxsig:host.offline-pbx:wait').trim(), '0');
  });

  it('streams NDJSON with names from the results', async () => {
    const worker = await startWorker(redis?.url(9) ?? '');
    workers.push(worker);
    try {
      const producer = pbxsig([
        'audit',
        '--queue',
        redis?.url(9) ?? '',
        ...roots.slice(0, 2),
        ...keyArgs,
        '--ndjson',
        '--timeout',
        '2m',
      ]);
      assert.equal(await producer.exited(), 0, producer.output());
      const lines = producer
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; name?: string });
      assert.deepEqual(
        lines.filter((l) => l.type === 'installation').map((l) => l.name),
        ['a-clean', 'b-copy'],
      );
      assert.equal(lines.filter((l) => l.type === 'module').length, 6);
      assert.equal(lines.at(-1)?.type, 'audit');
    } finally {
      await stopAll([worker]);
    }
  });

  it('matches the same hosts given by relative and by absolute path in pbxsig diff', () => {
    const dir = dirname(roots[0] as string);
    const names = roots.map((r) => r.slice(dir.length + 1));
    const run = (out: string, list: readonly string[]): void => {
      const r = spawnSync(process.execPath, [CLI, 'audit', ...list, ...keyArgs, '--json', out], {
        cwd: dir,
        encoding: 'utf8',
      });
      assert.equal(r.status, 1, r.stderr);
    };
    run(join(temp, 'relative.json'), names);
    run(join(temp, 'absolute.json'), roots);
    const diff = spawnSync(
      process.execPath,
      [CLI, 'diff', join(temp, 'relative.json'), join(temp, 'absolute.json'), '--json'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(diff.status, 0, diff.stdout + diff.stderr);
    const changes = JSON.parse(diff.stdout) as {
      installations: { added: string[]; removed: string[]; newlyFailing: unknown[] };
    };
    assert.deepEqual(
      [changes.installations.added, changes.installations.removed, changes.installations.newlyFailing],
      [[], [], []],
    );
  });

  it('runs a scheduled audit on a reporting worker: a dated report, and the diff against the previous one', async () => {
    const url = redis?.url(10) ?? '';
    const reports = join(temp, 'reports');
    await mkdir(reports);
    // The schedule's previous report: the local audit, made "in 2020".
    await writeFile(join(reports, 'nightly-20200101T000000Z.json'), JSON.stringify(local));
    const reporter = await startWorker(url, ['--reports', reports]);
    workers.push(reporter);
    try {
      const schedule = pbxsig([
        'audit',
        '--queue',
        url,
        ...roots,
        ...keyArgs,
        '--schedule',
        '1d',
        '--schedule-id',
        'nightly',
      ]);
      assert.equal(await schedule.exited(), 0, schedule.output());
      assert.match(schedule.output(), /Schedule nightly \(1d\)/);
      // The first run starts now; its files appear when it is done.
      const [, stamp] = await reporter.waitFor(
        /schedule nightly: wrote \S+nightly-(\d{8}T\d{6}Z)\.json and the diff/,
        90_000,
      );
      const base = join(reports, `nightly-${stamp ?? ''}`);
      const report = JSON.parse(await readFile(`${base}.json`, 'utf8')) as AuditReport;
      assert.equal(canonicalAudit(report), canonicalAudit(local));
      assert.match(await readFile(`${base}.html`, 'utf8'), /^<!doctype html>/);
      const diff = JSON.parse(await readFile(`${base}.diff.json`, 'utf8')) as { noRegression: boolean };
      assert.equal(diff.noRegression, true);
      assert.match(await readFile(`${base}.diff.txt`, 'utf8'), /Nothing got worse/);
      const remove = pbxsig(['audit', '--queue', url, '--unschedule', 'nightly']);
      assert.equal(await remove.exited(), 0, remove.output());
      assert.match(remove.output(), /Schedule nightly removed/);
    } finally {
      await stopAll([reporter]);
    }
  });

  it('logs in to Redis with credentials from a file or the environment, never from the URL', async () => {
    const dir = join(temp, 'auth');
    await mkdir(dir);
    const secured = await startRedis(dir, { password: 'fleet-s3cret' });
    try {
      await writeFile(join(dir, 'redis.auth'), 'fleet-s3cret\n');
      const worker = await startWorker(secured.url(), [], { PBXSIG_REDIS_PASSWORD: 'fleet-s3cret' });
      workers.push(worker);
      const producer = pbxsig([
        'audit',
        '--queue',
        secured.url(),
        ...roots.slice(0, 1),
        ...keyArgs,
        '--redis-auth',
        join(dir, 'redis.auth'),
        '--timeout',
        '2m',
      ]);
      assert.equal(await producer.exited(), 0, producer.output());
      const refused = pbxsig(['audit', '--queue', secured.url(), ...roots.slice(0, 1), ...keyArgs, '--timeout', '2m']);
      assert.equal(await refused.exited(), 2, refused.output());
      assert.match(refused.output(), /refused: NOAUTH.*--redis-auth FILE/);
      const inUrl = pbxsig(['audit', '--queue', 'redis://auditor:fleet-s3cret@localhost/0', ...roots.slice(0, 1)]);
      assert.equal(await inUrl.exited(), 2);
      assert.match(inUrl.output(), /credentials do not belong in the URL/);
      await stopAll([worker]);
    } finally {
      await secured.stop();
    }
  });

  it('audits over rediss:// (TLS) with a private CA from NODE_EXTRA_CA_CERTS', async (t) => {
    const dir = join(temp, 'tls');
    await mkdir(dir);
    const ssl = (...args: string[]): boolean => spawnSync('openssl', args, { cwd: dir, stdio: 'ignore' }).status === 0;
    const made =
      ssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=pbxsig test CA',
      ) &&
      ssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
        '-subj',
        '/CN=localhost',
      );
    if (!made) return t.skip('openssl is not installed: skipped');
    await writeFile(join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    assert.ok(
      ssl(
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        '-days',
        '2',
        '-extfile',
        'ext.cnf',
      ),
    );
    // A free loopback port: a few tries, in case another process holds one.
    let secured: RedisServer | undefined;
    let port = 0;
    for (let attempt = 0; attempt < 5 && !secured; attempt++) {
      port = 20_000 + Math.floor(Math.random() * 20_000);
      const home = join(dir, `r${attempt}`);
      await mkdir(home);
      secured = await startRedis(home, {
        tls: { port, cert: join(dir, 'server.pem'), key: join(dir, 'server.key') },
      }).catch(() => undefined);
    }
    assert.ok(secured, 'redis-server with TLS did not start');
    try {
      const url = `rediss://localhost:${port}/0`;
      const ca = { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') };
      const worker = await startWorker(url, [], ca);
      const producer = pbxsig(['audit', '--queue', url, ...roots.slice(0, 2), ...keyArgs, '--timeout', '2m'], ca);
      assert.equal(await producer.exited(), 0, producer.output());
      // Without the CA, the server's certificate is not trusted: a clear refusal, not a hang.
      const untrusted = pbxsig(['audit', '--queue', url, ...roots.slice(0, 2), ...keyArgs, '--timeout', '2m']);
      assert.equal(await untrusted.exited(), 2, untrusted.output());
      assert.match(untrusted.output(), /Redis at rediss:\/\/localhost:\d+\/0 .*certificate/);
      await stopAll([worker]);
    } finally {
      await secured.stop();
    }
  });
});
