// Faults a fleet audit must survive, on a real Redis with real worker processes:
//   a worker killed (SIGKILL) in the middle of an installation: another worker redoes it;
//   a worker stopped (SIGSTOP) past its lock and resumed: its late result is refused, no duplicate;
//   Redis restarted during an audit: with persistence the audit completes; without, it fails clearly;
//   the same run submitted twice: no duplicate jobs; the run's settings must match;
//   a long installation: its lock is renewed while it runs, and it is never taken over.
// A worker is stopped mid-installation deterministically: PBXSIG_FLEET_FAULT=stop-mid-job makes it
// SIGSTOP itself after the first module of its first job, holding the job's lock. The tests signal
// only the processes they started.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditReport } from '../../src/audit/types.js';
import { canonicalAudit } from '../../src/fleet/canonical.js';
import { localAudit, makeFleetInstallations, pbxsig, startWorker, stopStarted } from '../helpers/fleet.js';
import type { FleetFixture, Proc } from '../helpers/fleet.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import { makeTempDir } from '../helpers/modules.js';
import { NO_REDIS, startRedis } from '../helpers/redis.js';
import type { RedisServer } from '../helpers/redis.js';

const STOP = { PBXSIG_FLEET_FAULT: 'stop-mid-job' };

describe('fleet audits under faults', { skip: NO_REDIS }, () => {
  let temp: string;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let fixture: FleetFixture;
  let local: AuditReport;
  const procs: Proc[] = [];
  const servers: RedisServer[] = [];

  before(async () => {
    const dir = await makeTempDir('pbxsig-fleet-faults-');
    temp = dir.path;
    cleanup = dir.remove;
    fixture = await makeFleetInstallations(temp);
    local = await localAudit(temp, fixture);
  });

  after(async () => {
    await stopStarted();
    for (const server of servers) await server.stop();
    await cleanup();
  });

  async function redisIn(name: string, persistent = false): Promise<RedisServer> {
    const { mkdir } = await import('node:fs/promises');
    const dir = join(temp, name);
    await mkdir(dir);
    const server = await startRedis(dir, { persistent });
    servers.push(server);
    return server;
  }

  function producer(url: string, json: string, extra: readonly string[] = []): Proc {
    const p = pbxsig([
      'audit',
      '--queue',
      url,
      ...fixture.roots,
      ...fixture.keyArgs,
      '--json',
      json,
      '--timeout',
      '3m',
      ...extra,
    ]);
    procs.push(p);
    return p;
  }

  async function worker(url: string, extra: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Proc> {
    const w = await startWorker(url, extra, env);
    procs.push(w);
    return w;
  }

  const read = async (file: string): Promise<AuditReport> => JSON.parse(await readFile(file, 'utf8')) as AuditReport;

  it('redoes an installation whose worker was killed (SIGKILL) in the middle of it; the report is unchanged', async () => {
    const redis = await redisIn('kill');
    const doomed = await worker(redis.url(), ['--lock-duration', '2s'], STOP);
    const json = join(temp, 'kill.json');
    const audit = producer(redis.url(), json);
    const [, name] = await doomed.waitFor(/(\S+): fault injection: stopping/);
    doomed.signal('SIGKILL');
    assert.equal(await doomed.exited(), 137);
    const rescuer = await worker(redis.url(), ['--lock-duration', '2s']);
    assert.equal(await audit.exited(), 1, audit.output());
    const report = await read(json);
    assert.equal(canonicalAudit(report), canonicalAudit(local));
    // Everything came from the second worker, the killed job on its second start.
    assert.equal(report.run?.workers.length, 1);
    assert.match(rescuer.output(), new RegExp(`${name ?? ''}: started \\(run \\S+, attempt 2\\)`));
  });

  it('refuses the late result of a worker stopped (SIGSTOP) past its lock and resumed: no duplicate', async () => {
    const redis = await redisIn('stop');
    const sleeper = await worker(redis.url(), ['--lock-duration', '2s'], STOP);
    const json = join(temp, 'stop.json');
    const audit = producer(redis.url(), json, ['--run-id', 'stopped-worker']);
    await sleeper.waitFor(/fault injection: stopping/);
    const other = await worker(redis.url(), ['--lock-duration', '2s']);
    assert.equal(await audit.exited(), 1, audit.output());
    const report = await read(json);
    assert.equal(canonicalAudit(report), canonicalAudit(local));

    // Resumed, it finishes the installation it held, and BullMQ refuses its result: the lock is gone.
    sleeper.signal('SIGCONT');
    await sleeper.waitFor(/lock/i, 60_000);
    assert.equal(redis.cli('HLEN', 'pbxsig:runs:stopped-worker:processed').trim(), String(fixture.roots.length));
    // Collected again (the run id attaches), the report is the same, all from the other worker.
    const again = join(temp, 'stop-again.json');
    const attach = producer(redis.url(), again, ['--run-id', 'stopped-worker']);
    assert.equal(await attach.exited(), 1, attach.output());
    assert.match(attach.output(), /attached to run stopped-worker/);
    const second = await read(again);
    assert.equal(canonicalAudit(second), canonicalAudit(local));
    assert.deepEqual(second.run?.workers, report.run?.workers);
    assert.equal(second.run?.workers.length, 1);
    assert.doesNotMatch(other.output(), /job \S+ failed:/);
  });

  it('completes when Redis is restarted during the audit (with persistence)', async () => {
    const redis = await redisIn('restart-aof', true);
    const paused = await worker(redis.url(), ['--lock-duration', '30s'], STOP);
    const json = join(temp, 'restart.json');
    const audit = producer(redis.url(), json);
    await paused.waitFor(/fault injection: stopping/);
    await redis.restart();
    paused.signal('SIGCONT');
    assert.equal(await audit.exited(), 1, audit.output());
    assert.equal(canonicalAudit(await read(json)), canonicalAudit(local));
  });

  it('fails with a clear message when Redis restarts without its data; the worker carries on', async () => {
    const redis = await redisIn('restart-empty');
    const paused = await worker(redis.url(), ['--lock-duration', '30s'], STOP);
    const json = join(temp, 'lost.json');
    const audit = producer(redis.url(), json);
    await paused.waitFor(/fault injection: stopping/);
    await redis.restart();
    paused.signal('SIGCONT');
    assert.equal(await audit.exited(), 2, audit.output());
    assert.match(audit.output(), /run \S+ is no longer in Redis .*no report can be made from it/);
    const { existsSync } = await import('node:fs');
    assert.equal(existsSync(json), false, 'no report is written');
    // The worker survived the lost job, and serves the next audit.
    const next = join(temp, 'after-loss.json');
    const retry = producer(redis.url(), next);
    assert.equal(await retry.exited(), 1, retry.output());
    assert.equal(canonicalAudit(await read(next)), canonicalAudit(local));
  });

  it('creates no duplicate jobs when the same run is submitted twice, and refuses other settings under its id', async () => {
    const redis = await redisIn('twice');
    const first = producer(redis.url(), join(temp, 'twice-1.json'), ['--run-id', 'twice']);
    await first.waitFor(/submitted run twice/);
    const second = producer(redis.url(), join(temp, 'twice-2.json'), ['--run-id', 'twice']);
    await second.waitFor(/attached to run twice/);
    assert.equal(redis.cli('LLEN', 'pbxsig:installations:wait').trim(), String(fixture.roots.length));
    const conflict = pbxsig([
      'audit',
      '--queue',
      redis.url(),
      ...fixture.roots.slice(1),
      ...fixture.keyArgs,
      '--run-id',
      'twice',
    ]);
    assert.equal(await conflict.exited(), 2);
    assert.match(conflict.output(), /run twice already exists on the queue with other settings or installations/);

    await worker(redis.url());
    assert.equal(await first.exited(), 1, first.output());
    assert.equal(await second.exited(), 1, second.output());
    const a = await read(join(temp, 'twice-1.json'));
    assert.equal(canonicalAudit(a), canonicalAudit(local));
    assert.equal(canonicalAudit(await read(join(temp, 'twice-2.json'))), canonicalAudit(local));
    assert.equal(redis.cli('HLEN', 'pbxsig:runs:twice:processed').trim(), String(fixture.roots.length));
    // Each installation was verified once.
    const started = [...(procs.at(-1)?.output() ?? '').matchAll(/: started \(run twice/g)].length;
    assert.equal(started, fixture.roots.length);
  });

  it("renews a job's lock while a long installation runs (hashing stays off the event loop)", async (t) => {
    const redis = await redisIn('locks');
    const anchor = await makeKey('Lock Master', { rsa: true });
    const developer = await certified(anchor, await makeKey('Lock Developer'));
    // 120 modules of 100 files: long enough to need renewals, in FreePBX-sized pieces. (The worker's
    // main thread takes its share of the file work a module at a time, and judges nothing: a module of
    // framework's size holds it for a few hundred milliseconds, well within the default 30 s lock.)
    const modules: Record<string, Record<string, string>> = {};
    for (let m = 0; m < 120; m++) {
      const files: Record<string, string> = {};
      for (let i = 0; i < 100; i++)
        files[`lib/file${i}.js`] = `// ${m}.${i}\n${'x'.repeat(200 + ((m * 100 + i) % 900))}\n`;
      modules[`module${m}`] = files;
    }
    const root = join(temp, 'large');
    await buildInstallation(root, { anchor, developer, modules });
    // Far above the main thread's longest stall here (a few hundred ms under the full suite's load).
    const lockMs = 2000;
    const w = await worker(redis.url(), ['--lock-duration', `${lockMs}ms`]);
    const json = join(temp, 'locks.json');
    const audit = pbxsig([
      'audit',
      '--queue',
      redis.url(),
      root,
      '--anchor',
      anchor.fingerprint,
      '--json',
      json,
      '--timeout',
      '3m',
    ]);
    procs.push(audit);
    assert.equal(await audit.exited(), 0, audit.output() + w.output());
    const [, seconds, renewals, delay] =
      /large: 121 modules collected, \d+ signed texts sent in ([\d.]+) s; lock renewed (\d+) times, longest event-loop delay (\d+) ms/.exec(
        w.output(),
      ) ?? [];
    t.diagnostic(
      `installation of 12,000 files in 120 modules: ${seconds ?? '?'} s, lock (${lockMs} ms) renewed ${renewals ?? '?'} times, longest event-loop delay ${delay ?? '?'} ms`,
    );
    const ms = Number(seconds) * 1000;
    // BullMQ renews every lockDuration / 2: a job running longer than its lock was renewed, and never
    // declared stalled nor started a second time.
    if (ms > lockMs) assert.ok(Number(renewals) >= 1, w.output());
    assert.doesNotMatch(w.output(), /stalled|attempt 2/);
    assert.equal((await read(json)).summary.clean, 1);
  });
});
