// A fleet worker (`pbxsig worker --queue URL`): takes installation jobs and collects each one's
// evidence on lanes of its own (worker threads and the main thread, started once and kept for every
// job), judging nothing: the producer judges (assemble.ts). Its event loop must stay free to renew the
// job's lock (if it lapsed, BullMQ would give the job to another worker and it would be done twice):
// the main thread takes a share of the file work a module at a time, so the longest delay is about one
// module's share. Each job logs how many times its lock was renewed and the longest event-loop delay it
// saw, so this can be checked on real hosts.
//
//   shared worker: serves the "installations" queue (roots on storage it reaches);
//   agent (--host NAME): serves only its own host's queue, and always audits its own root;
//   a shared worker also completes finished runs' parent jobs (so they expire), and with --reports DIR
//   runs scheduled audits (schedule.ts).

import { Job, Queue, Worker } from 'bullmq';
import type { Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { describeError } from '../errors.js';
import { resolveEngine } from '../hash/engine.js';
import type { EngineChoice, EngineName } from '../hash/types.js';
import { Lanes } from '../lanes/lanes.js';
import { chooseWorkers } from '../verify/options.js';
import type { QueueConnection } from './connection.js';
import { runInstallationJob, workerName } from './installation-job.js';
import { INSTALLATIONS_QUEUE, PREFIX, RUNS_QUEUE, SCHEDULES_QUEUE, hostQueue } from './queues.js';
import { encodeResult } from './result-codec.js';
import type { EncodedResult } from './result-codec.js';
import { checkJobData, checkRunSpec } from './checks.js';
import { reach, refusedLogin } from './reach.js';
import { markSent, unsentTexts } from './texts.js';
import type { RunSpec } from './types.js';

export interface FleetWorkerOptions {
  readonly connection: QueueConnection;
  /** Agent mode: only this host's jobs, auditing `root`. */
  readonly host?: string | undefined;
  /** An agent's installation root (default "/"). */
  readonly root: string;
  /** Threads doing file work, the main thread included (as `--threads` everywhere). */
  readonly threads: number | 'auto';
  /** Installations at once (sharing the worker's lanes). */
  readonly concurrency: number;
  /** How long a job's lock lasts without renewal: a dead worker's job is given to another after about this. */
  readonly lockDurationMs: number;
  /** Runs scheduled audits and writes their reports here. */
  readonly reports?: string | undefined;
  readonly log: (line: string) => void;
  /** Fault injection for the fleet's tests (PBXSIG_FLEET_FAULT): stop this process mid-installation. */
  readonly fault?: string | undefined;
}

export interface FleetWorker {
  readonly name: string;
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
}

const SPEC_CACHE = 16;

export async function startFleetWorker(options: FleetWorkerOptions): Promise<FleetWorker> {
  await reach(options.connection);
  const name = workerName();
  const connection = { ...options.connection.options, maxRetriesPerRequest: null };
  const runs = new Queue(RUNS_QUEUE, { connection, prefix: PREFIX });
  runs.on('error', () => undefined);
  const specs = new Map<string, Promise<RunSpec>>();
  const renewals = new Map<string, number>();
  // The run's set of signed texts sent (texts.ts), on a connection of its own: BullMQ keeps its own.
  const redis = new Redis({ ...options.connection.options, maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', () => undefined);
  // Texts a job sent with its result, recorded as sent once the result is stored.
  const sending = new Map<string, { runId: string; digests: string[]; retentionSeconds: number }>();
  // One set of lanes per hashing engine a run asks for (at most two), kept until the worker stops.
  const lanes = new Map<EngineName, Promise<Lanes>>();
  const lanesFor = (choice: EngineChoice): Promise<Lanes> => {
    const engine = resolveEngine(choice, 'sha256');
    let started = lanes.get(engine);
    if (!started) {
      const workers = chooseWorkers(options.threads, {
        units: Number.POSITIVE_INFINITY,
        files: Number.POSITIVE_INFINITY,
      });
      started = Lanes.start({ workers, engine });
      lanes.set(engine, started);
    }
    return started;
  };
  let faulted = false;

  // The run's settings live once in its parent job; fetched once per run.
  const specOf = (job: BullJob): Promise<RunSpec> => {
    const parent = job.parent?.id;
    if (parent === undefined) return Promise.reject(new Error(`job ${job.id ?? ''} belongs to no run`));
    let spec = specs.get(parent);
    if (!spec) {
      spec = Job.fromId(runs, parent).then((run) => {
        if (!run) throw new Error(`run ${parent} is gone from the queue`);
        return checkRunSpec(run.data);
      });
      spec.catch(() => specs.delete(parent));
      specs.set(parent, spec);
      if (specs.size > SPEC_CACHE) specs.delete(specs.keys().next().value as string);
    }
    return spec;
  };

  const processInstallation = async (job: BullJob): Promise<EncodedResult> => {
    const stalls = stallMeter();
    const started = performance.now();
    const id = job.id ?? '';
    renewals.set(id, 0);
    try {
      const data = checkJobData(job.data);
      const spec = await specOf(job);
      options.log(`${data.target.name}: started (run ${data.runId}, attempt ${job.attemptsStarted})`);
      const result = await runInstallationJob(spec, data, {
        agentRoot: options.root,
        lanes: await lanesFor(spec.engine),
        worker: name,
        unsent: (digests) => unsentTexts(redis, spec.runId, digests),
        onCollected: () => {
          if (options.fault === 'stop-mid-job' && !faulted) {
            faulted = true;
            options.log(`${data.target.name}: fault injection: stopping this process mid-installation`);
            process.kill(process.pid, 'SIGSTOP');
          }
        },
      });
      const longestStall = stalls.stop();
      const seconds = (performance.now() - started) / 1000;
      const sent = Object.keys(result.evidence?.texts ?? {});
      if (sent.length > 0)
        sending.set(id, { runId: spec.runId, digests: sent, retentionSeconds: spec.retentionSeconds });
      options.log(
        `${data.target.name}: ${result.evidence ? `${result.evidence.modules.length} modules collected, ${sent.length} signed texts sent` : `unreadable: ${result.error?.message ?? ''}`}` +
          ` in ${seconds.toFixed(2)} s; lock renewed ${renewals.get(id) ?? 0} times, longest event-loop delay ${longestStall.toFixed(0)} ms`,
      );
      return encodeResult(result);
    } finally {
      stalls.stop();
      renewals.delete(id);
    }
  };

  const common = {
    connection,
    prefix: PREFIX,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.lockDurationMs,
    // A job whose worker died twice in a row (killed, out of memory) fails instead of killing a third.
    maxStalledCount: 2,
    name,
  };
  const installations = new Worker(
    options.host === undefined ? INSTALLATIONS_QUEUE : hostQueue(options.host),
    processInstallation,
    {
      ...common,
      concurrency: options.concurrency,
    },
  );
  const workers: Worker[] = [installations];
  // A run's parent job becomes ready when its last installation is done; completing it lets it expire.
  // Shared workers do it; agents do not, so that each PBX holds one BullMQ worker's connections only.
  if (options.host === undefined)
    workers.push(
      new Worker(
        RUNS_QUEUE,
        (job: BullJob) => Promise.resolve({ installations: (job.data as RunSpec).installations }),
        common,
      ),
    );
  if (options.reports !== undefined) {
    const { runScheduledAudit } = await import('./schedule.js');
    const reports = options.reports;
    workers.push(
      new Worker(
        SCHEDULES_QUEUE,
        (job: BullJob) => runScheduledAudit(job, { connection: options.connection, reports, log: options.log }),
        {
          ...common,
          // A scheduled audit waits for the whole fleet: its lock outlives short outages.
          lockDuration: Math.max(options.lockDurationMs, 60_000),
          stalledInterval: Math.max(options.lockDurationMs, 60_000),
          concurrency: 1,
        },
      ),
    );
  }
  // The result is stored: its texts are sent for good. A worker that lost its lock never gets here.
  installations.on('completed', (job: BullJob) => {
    const sent = sending.get(job.id ?? '');
    if (!sent) return;
    sending.delete(job.id ?? '');
    markSent(redis, sent.runId, sent.digests, sent.retentionSeconds).catch((error: unknown) =>
      options.log(`job ${job.id ?? '?'}: texts not recorded as sent: ${describeError(error)}`),
    );
  });
  installations.on('failed', (job: BullJob | undefined) => void sending.delete(job?.id ?? ''));
  installations.on('locksRenewed', ({ jobIds }: { jobIds: string[] }) => {
    for (const id of jobIds) if (renewals.has(id)) renewals.set(id, (renewals.get(id) ?? 0) + 1);
  });
  for (const worker of workers) {
    worker.on('error', (error: Error) => options.log(`queue ${worker.name}: ${describeError(error)}`));
    worker.on('failed', (job: BullJob | undefined, error: Error) =>
      options.log(`job ${job?.id ?? '?'} failed: ${describeError(error)}`),
    );
  }
  installations.on('stalled', (jobId: string) =>
    options.log(`job ${jobId} stalled: its worker stopped renewing its lock`),
  );
  try {
    await Promise.all(workers.map((w) => w.waitUntilReady()));
  } catch (error) {
    await Promise.allSettled([...workers.map((w) => w.close(true)), runs.close()]);
    redis.disconnect();
    refusedLogin(error, options.connection.display);
    throw error;
  }
  // Booting now, so that the first job does not wait for its threads (the run's engine is usually auto).
  void lanesFor('auto').catch(() => undefined);
  options.log(
    `worker ${name} serving ${options.host === undefined ? 'the shared installations queue' : `host ${options.host} (root ${options.root})`} on ${options.connection.display}` +
      `${options.reports !== undefined ? `, and scheduled audits (reports in ${options.reports})` : ''}`,
  );
  return {
    name,
    close: async () => {
      await Promise.allSettled(workers.map((w) => w.close()));
      await runs.close().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
      await Promise.allSettled([...lanes.values()].map(async (started) => (await started).close()));
    },
  };
}

const STALL_TICK_MS = 10;

// The longest stretch the event loop did not turn while a job ran (beyond the meter's own tick),
// measured to its end: a histogram of timer delays misses a stall that lasts until the job returns.
function stallMeter(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  const note = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last - STALL_TICK_MS);
    last = now;
  };
  const timer = setInterval(note, STALL_TICK_MS);
  let stopped: number | undefined;
  return {
    stop: () => {
      if (stopped === undefined) {
        clearInterval(timer);
        note();
        stopped = Math.max(0, longest);
      }
      return stopped;
    },
  };
}
