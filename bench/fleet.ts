// The "fleet" suite: `pbxsig audit --queue` on a private Redis (Debian's redis-server on a unix socket,
// no persistence) with 1, 2 and 4 `pbxsig worker` processes, against the single-process `pbxsig audit`
// of the same installations.
//
//   1. one installation written by installation.ts (the FreePBX 17 shape, as the audit suite's; --quick:
//      its quick size) and hard-linked copies of it (`cp -al`) up to N (20; --quick: 3);
//   2. before anything is timed, every queued audit's report must equal the local audit's (canonical
//      JSON: timings and the run aside), or the suite stops;
//   3. per-job overhead of the queue: M tiny installations (FreePBX 14's shape at its smallest, about 100 files,
//      hard-linked copies; 40, --quick 10),
//      queued with one worker against the local audit of the same; and the queue's own share, the
//      producer's wall time less the time the worker spent in its jobs (from the worker's log);
//   4. throughput: the local audit and the queued audit with 1, 2 and 4 warm workers (started once,
//      as a fleet's workers are), timed as cold producer processes, interleaved, `rounds` rounds;
//   5. Redis memory per job (MEMORY USAGE of every key of a run's own database after the run, before
//      its jobs expire) and the stored result and report sizes per installation.
//
// Workers log to files (their output never blocks on a pipe while the producer is timed).

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditReport } from '../src/audit/types.js';
import { canonicalAudit } from '../src/fleet/canonical.js';
import { bytes, fixed } from './format.js';
import { planInstallation, writeInstallation } from './installation.js';
import type { Signer } from './keys.js';
import { runOnce } from './processes.js';
import type { ProcessCommand } from './processes.js';
import { REPO } from './repo.js';
import { FREEPBX14, scaleShape } from './shapes.js';
import type { InstallationShape } from './shapes.js';
import { median } from './stats.js';
/** Listed files asked of each tiny installation (per-job overhead); scaleShape keeps at least a few per module. */
const TINY_FILES = 30;
const REDIS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

export interface FleetPlan {
  /** The shape of the one generated installation (copied to make the others). */
  readonly shape: InstallationShape;
  readonly installations: number;
  readonly tiny: number;
  readonly workers: readonly number[];
  readonly rounds: number;
}

export const fleetPlan = (shape: InstallationShape, quick: boolean): FleetPlan =>
  quick
    ? { shape, installations: 3, tiny: 10, workers: [1, 2], rounds: 1 }
    : { shape, installations: 20, tiny: 40, workers: [1, 2, 4], rounds: 3 };

interface Timing {
  readonly label: string;
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
}

export interface FleetSuite {
  readonly skipped: string | null;
  readonly installations: number;
  readonly filesEach: number;
  readonly overhead: {
    readonly jobs: number;
    readonly localMs: number;
    readonly queuedMs: number;
    /** (queued - local) / jobs: what a job costs more through the queue, pool start included. */
    readonly perJobMs: number;
    /** Producer wall time less the worker's time in jobs, per job: the queue's own share. */
    readonly queueOnlyPerJobMs: number;
  } | null;
  readonly throughput: readonly Timing[];
  /** Local median / queued median, per worker count: 1 means no overhead. */
  readonly ratios: ReadonlyArray<{ readonly workers: number; readonly localOverQueued: number }>;
  readonly redis: {
    readonly usedMemoryPerJobBytes: number;
    readonly storedResultBytesPerJob: number;
    /**
     * The smallest and largest stored result: a job whose installation's signed texts the run had
     * already been sent, and the one that sent them (texts travel once per run).
     */
    readonly storedResultBytesWithoutTexts: number;
    readonly storedResultBytesWithTexts: number;
    readonly reportJsonBytesPerInstallation: number;
  } | null;
}

type Progress = (line: string) => void;

export async function runFleetSuite(
  temp: string,
  signer: Signer,
  seed: number,
  plan: FleetPlan,
  progress: Progress,
): Promise<FleetSuite> {
  const empty = { installations: 0, filesEach: 0, overhead: null, throughput: [], ratios: [], redis: null };
  if (!REDIS) return { skipped: 'redis-server is not installed', ...empty };
  const base = join(temp, 'fleet');
  mkdirSync(base, { recursive: true });
  const original = join(base, 'pbx-01');
  progress(`fleet: writing one installation (${plan.shape.name}) and ${plan.installations - 1} hard-linked copies`);
  const tree = await writeInstallation(original, planInstallation(plan.shape, seed), signer);
  const roots = [original];
  for (let i = 2; i <= plan.installations; i++) {
    const target = join(base, `pbx-${String(i).padStart(2, '0')}`);
    const cp = spawnSync('cp', ['-al', original, target]);
    if (cp.status !== 0) throw new Error(`fleet: cp -al failed: ${cp.stderr.toString()}`);
    roots.push(target);
  }
  // The tiny installations: FreePBX 14's shape scaled down to a few files, written once and hard-linked.
  const tinyOriginal = join(base, 'tiny', 't0');
  await writeInstallation(tinyOriginal, planInstallation(scaleShape(FREEPBX14, TINY_FILES), seed), signer);
  const tiny = [tinyOriginal];
  for (let i = 1; i < plan.tiny; i++) {
    const target = join(base, 'tiny', `t${i}`);
    const cp = spawnSync('cp', ['-al', tinyOriginal, target]);
    if (cp.status !== 0) throw new Error(`fleet: cp -al failed: ${cp.stderr.toString()}`);
    tiny.push(target);
  }
  spawnSync('sync');

  const redisDir = join(base, 'redis');
  mkdirSync(redisDir);
  const socket = join(redisDir, 'redis.sock');
  const redis = spawn(
    REDIS,
    ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', redisDir],
    { stdio: 'ignore' },
  );
  const workers: ChildProcess[] = [];
  const cli = (...args: string[]): string =>
    spawnSync('redis-cli', ['-s', socket, ...args], { encoding: 'utf8' }).stdout ?? '';
  try {
    for (let i = 0; i < 100 && cli('PING').trim() !== 'PONG'; i++) await sleep(50);
    const fpr = signer.anchor.fingerprint;
    let db = 0;
    const out = join(base, 'out.json');
    const local = (list: readonly string[]): ProcessCommand => ({
      id: 'local',
      label: 'pbxsig audit (one process)',
      shown: `node bin/pbxsig.js audit ROOT1..ROOT${list.length} --anchor FPR --json OUT --quiet`,
      file: process.execPath,
      args: ['bin/pbxsig.js', 'audit', ...list, '--anchor', fpr, '--json', out, '--quiet'],
    });
    const queued = (list: readonly string[], n: number, database: number): ProcessCommand => ({
      id: `queued-${n}`,
      label: `pbxsig audit --queue, ${n} worker${n > 1 ? 's' : ''}`,
      shown: `node bin/pbxsig.js audit --queue unix://SOCKET ROOT1..ROOT${list.length} --anchor FPR --json OUT --quiet`,
      file: process.execPath,
      args: [
        'bin/pbxsig.js',
        'audit',
        '--queue',
        `unix://${socket}?db=${database}`,
        ...list,
        '--anchor',
        fpr,
        '--json',
        out,
        '--quiet',
      ],
    });
    const run = (command: ProcessCommand): { ms: number; report: AuditReport } => {
      const outcome = runOnce(command, REPO);
      if (outcome.status !== 0 && outcome.status !== 1)
        throw new Error(`${command.shown}: exit ${outcome.status ?? -1}\n${outcome.stderr}`);
      return { ms: outcome.ms, report: JSON.parse(readFileSync(out, 'utf8')) as AuditReport };
    };
    const startWorkers = async (n: number, database: number, log: string): Promise<void> => {
      await stopWorkers(workers);
      for (let i = 0; i < n; i++) {
        const fd = openSync(`${log}-${i}.log`, 'w');
        workers.push(
          spawn(process.execPath, ['bin/pbxsig.js', 'worker', '--queue', `unix://${socket}?db=${database}`], {
            cwd: REPO,
            stdio: ['ignore', 'ignore', fd],
          }),
        );
        closeSync(fd);
      }
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 400 && !readFileSync(`${log}-${i}.log`, 'utf8').includes('serving'); k++) await sleep(50);
      }
    };

    // Per-job overhead on tiny installations, one worker.
    progress(`fleet: per-job overhead, ${tiny.length} tiny installations`);
    const expectedTiny = canonicalAudit(run(local(tiny)).report);
    db++;
    await startWorkers(1, db, join(base, 'overhead'));
    const tinyLocal: number[] = [];
    const tinyQueued: number[] = [];
    const queueOnly: number[] = [];
    for (let round = 0; round < plan.rounds + 1; round++) {
      const l = run(local(tiny));
      const logSize = statSync(join(base, 'overhead-0.log')).size;
      const q = run(queued(tiny, 1, db));
      if (canonicalAudit(q.report) !== expectedTiny)
        throw new Error('fleet: the queued audit of the tiny installations differs from the local one');
      if (round === 0) continue; // warm-up
      tinyLocal.push(l.ms);
      tinyQueued.push(q.ms);
      const log = readFileSync(join(base, 'overhead-0.log'), 'utf8').slice(logSize);
      const inJobs = [...log.matchAll(/ in ([\d.]+) s; lock renewed/g)].reduce((t, m) => t + Number(m[1]) * 1000, 0);
      queueOnly.push((q.ms - inJobs) / tiny.length);
    }
    const overhead = {
      jobs: tiny.length,
      localMs: median(tinyLocal),
      queuedMs: median(tinyQueued),
      perJobMs: (median(tinyQueued) - median(tinyLocal)) / tiny.length,
      queueOnlyPerJobMs: median(queueOnly),
    };

    // Throughput on real-size installations.
    progress(`fleet: checking the local audit of ${roots.length} installations of ${tree.checked} files`);
    const expected = run(local(roots));
    const expectedCanonical = canonicalAudit(expected.report);
    const samples = new Map<string, number[]>([['local', []]]);
    for (const n of plan.workers) samples.set(`queued-${n}`, []);
    const labels = new Map<string, string>([['local', local(roots).label]]);
    let memory: FleetSuite['redis'] = null;
    for (const n of plan.workers) {
      db++;
      progress(`fleet: ${n} worker${n > 1 ? 's' : ''}`);
      await startWorkers(n, db, join(base, `w${n}`));
      const command = queued(roots, n, db);
      labels.set(command.id, command.label);
      const check = run(command);
      if (canonicalAudit(check.report) !== expectedCanonical)
        throw new Error(`fleet: the queued audit with ${n} workers differs from the local audit`);
      if (memory === null) {
        // Every key of this run's database (its jobs, the queues' lists and event streams) by MEMORY
        // USAGE: what a run of N installations holds until its jobs expire.
        const keys = cli('-n', String(db), '--scan')
          .split('\n')
          .filter((k) => k !== '');
        const usage = spawnSync('redis-cli', ['-s', socket, '-n', String(db)], {
          input: keys.map((k) => `MEMORY USAGE "${k}" SAMPLES 0\n`).join(''),
          encoding: 'utf8',
        }).stdout;
        const total = usage.split('\n').reduce((sum, line) => sum + (Number.parseInt(line, 10) || 0), 0);
        const stored = cli('-n', String(db), '--raw', 'HVALS', `pbxsig:runs:${check.report.run?.id ?? ''}:processed`);
        // One stored result per line (each is a one-line JSON value).
        const sizes = stored
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => Buffer.byteLength(line));
        memory = {
          usedMemoryPerJobBytes: Math.round(total / roots.length),
          storedResultBytesPerJob: Math.round(stored.length / roots.length),
          storedResultBytesWithoutTexts: Math.min(...sizes),
          storedResultBytesWithTexts: Math.max(...sizes),
          reportJsonBytesPerInstallation: Math.round(
            Buffer.byteLength(JSON.stringify(check.report, null, 2)) / roots.length,
          ),
        };
      }
      for (let round = 0; round < plan.rounds; round++) {
        // Alternate which goes first.
        const order = round % 2 === 0 ? ['local', command.id] : [command.id, 'local'];
        for (const id of order) samples.get(id)?.push(run(id === 'local' ? local(roots) : command).ms);
      }
    }
    const throughput = [...samples.entries()].map(([id, list]) => ({
      label: labels.get(id) ?? id,
      samplesMs: list,
      medianMs: median(list),
    }));
    const localMedian = median(samples.get('local') ?? []);
    return {
      skipped: null,
      installations: roots.length,
      filesEach: tree.checked,
      overhead,
      throughput,
      ratios: plan.workers.map((n) => ({
        workers: n,
        localOverQueued: localMedian / median(samples.get(`queued-${n}`) ?? []),
      })),
      redis: memory,
    };
  } finally {
    await stopWorkers(workers);
    redis.kill('SIGTERM');
  }
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  const exits = workers.map((w) =>
    w.exitCode !== null ? Promise.resolve() : new Promise<void>((resolve) => w.once('exit', () => resolve())),
  );
  for (const w of workers) w.kill('SIGTERM');
  const timer = setTimeout(() => workers.forEach((w) => w.kill('SIGKILL')), 15_000);
  await Promise.all(exits);
  clearTimeout(timer);
  workers.length = 0;
}

export function renderFleet(suite: FleetSuite): string {
  if (suite.skipped !== null) return `\n## Fleet (BullMQ on Redis)\n\nSkipped: ${suite.skipped}.\n`;
  const lines = [
    '',
    '## Fleet (BullMQ on Redis)',
    '',
    `${suite.installations} installations of ${suite.filesEach} files (hard-linked copies), one private redis-server on a unix socket; workers warm.`,
    '',
    '| command | median | local / this |',
    '| --- | --: | --: |',
    ...suite.throughput.map((t) => {
      const ratio = suite.ratios.find((r) => t.label.includes(`${r.workers} worker`));
      return `| ${t.label} | ${fixed(t.medianMs / 1000)} s | ${ratio ? `${fixed(ratio.localOverQueued)}x` : ''} |`;
    }),
  ];
  if (suite.overhead) {
    const o = suite.overhead;
    lines.push(
      '',
      `Per-job overhead (${o.jobs} tiny installations, one worker): local ${fixed(o.localMs / 1000)} s, queued ${fixed(o.queuedMs / 1000)} s: ` +
        `${fixed(o.perJobMs)} ms more per job; the queue's own share (producer time less the worker's time in jobs) ${fixed(o.queueOnlyPerJobMs)} ms per job.`,
    );
  }
  if (suite.redis) {
    const r = suite.redis;
    lines.push(
      `Redis: ${bytes(r.usedMemoryPerJobBytes)} of Redis memory per job (MEMORY USAGE, results kept until the run expires); stored result ${bytes(r.storedResultBytesPerJob)} per job (gzip): ` +
        `${bytes(r.storedResultBytesWithoutTexts)} for evidence alone, ${bytes(r.storedResultBytesWithTexts)} for the job that sent the run's signed texts; report JSON ${bytes(r.reportJsonBytesPerInstallation)} per installation.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
