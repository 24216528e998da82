// A fleet worker (`pbxsig worker --queue URL`): takes installation jobs and runs them one by one (or
// `concurrency` at once), each with its own hash pool, so its hashing runs in worker threads and the
// event loop stays free to renew the job's lock (if it lapsed, BullMQ would give the job to another
// worker and it would be done twice). Each job logs how many times its lock was renewed and the longest
// event-loop delay it saw, so this can be checked on real hosts.
//
//   shared worker: serves the "installations" queue (roots on storage it reaches);
//   agent (--host NAME): serves only its own host's queue, and always audits its own root;
//   a shared worker also completes finished runs' parent jobs (so they expire), and with --reports DIR
//   runs scheduled audits (schedule.ts).

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Job, Queue, Worker } from 'bullmq';
import type { Job as BullJob } from 'bullmq';
import { describeError } from '../errors.js';
import type { QueueConnection } from './connection.js';
import { runInstallationJob, workerName } from './installation-job.js';
import { INSTALLATIONS_QUEUE, PREFIX, RUNS_QUEUE, SCHEDULES_QUEUE, hostQueue } from './queues.js';
import { encodeResult } from './result-codec.js';
import type { EncodedResult } from './result-codec.js';
import { checkJobData, checkRunSpec } from './checks.js';
import { reach, refusedLogin } from './reach.js';
import type { RunSpec } from './types.js';

export interface FleetWorkerOptions {
  readonly connection: QueueConnection;
  /** Agent mode: only this host's jobs, auditing `root`. */
  readonly host?: string | undefined;
  /** An agent's installation root (default "/"). */
  readonly root: string;
  readonly threads: number | 'auto';
  /** Installations at once (each with its own pool). */
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
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const started = performance.now();
    const id = job.id ?? '';
    renewals.set(id, 0);
    try {
      const data = checkJobData(job.data);
      const spec = await specOf(job);
      options.log(`${data.target.name}: started (run ${data.runId}, attempt ${job.attemptsStarted})`);
      const result = await runInstallationJob(spec, data, {
        agentRoot: options.root,
        threads: options.threads,
        worker: name,
        onModule: () => {
          if (options.fault === 'stop-mid-job' && !faulted) {
            faulted = true;
            options.log(`${data.target.name}: fault injection: stopping this process mid-installation`);
            process.kill(process.pid, 'SIGSTOP');
          }
        },
      });
      delay.disable();
      const seconds = (performance.now() - started) / 1000;
      options.log(
        `${data.target.name}: ${result.status === 'audited' ? `${result.report?.summary.failed ?? 0} modules failed` : `unreadable: ${result.error?.message ?? ''}`}` +
          ` in ${seconds.toFixed(2)} s; lock renewed ${renewals.get(id) ?? 0} times, longest event-loop delay ${(delay.max / 1e6).toFixed(0)} ms`,
      );
      return encodeResult(result);
    } finally {
      delay.disable();
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
    refusedLogin(error, options.connection.display);
    throw error;
  }
  options.log(
    `worker ${name} serving ${options.host === undefined ? 'the shared installations queue' : `host ${options.host} (root ${options.root})`} on ${options.connection.display}` +
      `${options.reports !== undefined ? `, and scheduled audits (reports in ${options.reports})` : ''}`,
  );
  return {
    name,
    close: async () => {
      await Promise.allSettled(workers.map((w) => w.close()));
      await runs.close().catch(() => undefined);
    },
  };
}
