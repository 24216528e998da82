// The producer of a fleet audit (`pbxsig audit --queue`): one BullMQ flow per run (a parent job and one
// child per installation, with ids derived from the run id and the installation), then wait until
// every child is done, and assemble the report from the children's results, read from the parent's
// dependencies: never from the event stream, which Redis trims. Events only wake the wait early.
//
// Submitting a run id that exists attaches to that run (a producer restarted, or a second one): its
// settings and installations must match, and nothing is added twice. A Redis that loses the run
// (restarted without persistence, flushed) fails the audit with a clear message; a Redis that is
// unreachable for longer than `connectionLossMs` too. Never a report from partial data, except the
// explicit deadline (`timeoutMs`), where the installations not done are reported as not audited.

import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import type { FlowJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { InstallationTarget } from '../audit/names.js';
import type { AuditReport } from '../audit/types.js';
import { BaseError, describeError } from '../errors.js';
import { resolveEngine } from '../hash/engine.js';
import type { EngineChoice } from '../hash/types.js';
import type { UnlistedPolicy } from '../report/types.js';
import type { SiteFile } from '../unlisted/known-files.js';
import { assembleAuditReport } from './assemble.js';
import type { Outcome } from './assemble.js';
import type { QueueConnection } from './connection.js';
import { bundleKeys } from './key-bundle.js';
import { INSTALLATIONS_QUEUE, PREFIX, RUNS_QUEUE, childJobId, hostQueue, jobKey, newRunId } from './queues.js';
import { decodeResult } from './result-codec.js';
import { FleetError, reach, refusedLogin } from './reach.js';
import { FLEET_VERSION } from './types.js';
import type { InstallationJobData, RunSpec } from './types.js';

export interface FleetAuditOptions {
  readonly connection: QueueConnection;
  readonly targets: readonly InstallationTarget[];
  /** Resubmitting a run id attaches to that run; default: a new run id. */
  readonly runId?: string | undefined;
  /**
   * The audit's public key files (`--keys`, and the key files named by `--anchor`): read here, where
   * the evidence is judged; workers never see them.
   */
  readonly keys: readonly string[];
  readonly anchors: readonly string[];
  readonly unlisted: UnlistedPolicy;
  /** The site's allowlist (as the library's `allow`): it travels to the workers, whose walk applies it. */
  readonly allow?: readonly SiteFile[];
  readonly engine: EngineChoice;
  /** Stop waiting after this long: what is not done is reported as not audited. Default: wait. */
  readonly timeoutMs?: number | undefined;
  /** Give up when Redis is unreachable for this long (default 60 s). */
  readonly connectionLossMs?: number;
  /** Job retries after a worker error (not an unreadable installation: that is a result). */
  readonly attempts?: number;
  /** How long Redis keeps a run's jobs after they finish (default a day). */
  readonly retentionSeconds?: number;
  readonly onSubmitted?: (run: { readonly id: string; readonly attached: boolean }) => void;
  readonly onProgress?: (progress: { readonly done: number; readonly failed: number; readonly total: number }) => void;
}

// A day: a producer can attach to a run (--run-id) for that long, and a daily schedule keeps at most
// two runs in Redis.
const DEFAULT_RETENTION_SECONDS = 24 * 3600;
const POLL_MS = 1000;
const RESULT_PAGE = 100;
const CLOSE_MS = 5000;

export async function runFleetAudit(options: FleetAuditOptions): Promise<AuditReport> {
  const runId = options.runId ?? newRunId(new Date());
  // The keys' content is part of the run's identity: a run submitted again with other keys is refused.
  const keysDigest = createHash('sha256')
    .update(JSON.stringify(await bundleKeys(options.keys)))
    .digest('hex');
  const spec = makeSpec(options, runId, keysDigest);
  // Reach Redis (and log in) once, with no retries, before any BullMQ object opens connections of its
  // own: a refused login or an untrusted certificate is then a clear message, not a retry loop.
  await reach(options.connection);
  const redis = new Redis({ ...options.connection.options, maxRetriesPerRequest: 2 });
  redis.on('error', () => undefined);
  const runs = new Queue(RUNS_QUEUE, { connection: redis, prefix: PREFIX });
  const flows = new FlowProducer({ connection: redis, prefix: PREFIX });
  // Connection errors are reported through the commands that fail (guard), not printed as they happen.
  runs.on('error', () => undefined);
  flows.on('error', () => undefined);
  const events = new QueueEvents(RUNS_QUEUE, {
    connection: { ...options.connection.options, maxRetriesPerRequest: null },
    prefix: PREFIX,
  });
  events.on('error', () => undefined);
  try {
    const { attached, spec: running } = await submit(options, spec, runs, flows);
    options.onSubmitted?.({ id: runId, attached });
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    const timedOut = await waitForChildren(options, runs, events, runId, deadline);
    const outcomes = await collect(options, runs, running, timedOut);
    return await assembleAuditReport({
      spec: running,
      engine: resolveEngine(running.engine, 'sha256'),
      keys: options.keys,
      targets: options.targets,
      outcomes,
      queue: options.connection.display,
      finishedAt: new Date(),
    });
  } finally {
    // Bounded: closing waits for Redis, which may be the reason we are here.
    const closed = Promise.allSettled([events.close(), runs.close(), flows.close()]);
    await Promise.race([closed, sleep(CLOSE_MS, undefined, { ref: false })]);
    redis.disconnect();
    events.disconnect().catch(() => undefined);
  }
}

function makeSpec(options: FleetAuditOptions, runId: string, keysDigest: string): RunSpec {
  const retentionSeconds = options.retentionSeconds ?? DEFAULT_RETENTION_SECONDS;
  const allow = options.allow ?? [];
  const settings = {
    anchors: options.anchors,
    unlisted: options.unlisted,
    allow,
    engine: options.engine,
    keys: keysDigest,
    targets: options.targets,
  };
  return {
    version: FLEET_VERSION,
    runId,
    now: new Date().toISOString(),
    anchors: options.anchors,
    unlisted: options.unlisted,
    allow,
    engine: options.engine,
    installations: options.targets.length,
    retentionSeconds,
    digest: createHash('sha256').update(JSON.stringify(settings)).digest('hex'),
  };
}

function queueOf(target: InstallationTarget): string {
  return target.kind === 'host' ? hostQueue(target.name) : INSTALLATIONS_QUEUE;
}

// Adds the flow, or attaches to the run that has this id. Adding is idempotent (existing ids are
// kept as they are), so two producers racing on one id still make one run.
async function submit(
  options: FleetAuditOptions,
  spec: RunSpec,
  runs: Queue,
  flows: FlowProducer,
): Promise<{ attached: boolean; spec: RunSpec }> {
  const retention = { age: spec.retentionSeconds };
  let existing = await guard(options, () => Job.fromId<RunSpec>(runs, spec.runId));
  const attached = existing !== undefined;
  if (!existing) {
    const children = options.targets.map((target, index): FlowJob => ({
      name: 'installation',
      queueName: queueOf(target),
      data: { version: FLEET_VERSION, runId: spec.runId, index, target } satisfies InstallationJobData,
      opts: {
        jobId: childJobId(spec.runId, target.name),
        attempts: options.attempts ?? 3,
        backoff: { type: 'exponential', delay: 1000 },
        // A failed installation must not hold up the audit: it is reported as not audited.
        ignoreDependencyOnFailure: true,
        removeOnComplete: retention,
        removeOnFail: retention,
      },
    }));
    await guard(options, () =>
      flows.add({
        name: 'audit',
        queueName: RUNS_QUEUE,
        data: spec,
        opts: { jobId: spec.runId, removeOnComplete: retention, removeOnFail: retention },
        children,
      }),
    );
    existing = await guard(options, () => Job.fromId<RunSpec>(runs, spec.runId));
  }
  const running = existing?.data;
  if (!running) throw lost(spec.runId);
  if (running.version !== FLEET_VERSION || running.digest !== spec.digest)
    throw new FleetError(
      'FLEET_RUN_CONFLICT',
      `run ${spec.runId} already exists on the queue with other settings or installations: give another --run-id`,
    );
  return { attached, spec: running };
}

// Waits until no child is left to process, or the deadline. Returns whether the deadline ended it.
async function waitForChildren(
  options: FleetAuditOptions,
  runs: Queue,
  events: QueueEvents,
  runId: string,
  deadline: number,
): Promise<boolean> {
  let wake: (() => void) | undefined;
  const onEvent = ({ jobId }: { jobId: string }): void => {
    if (jobId === runId) wake?.();
  };
  events.on('waiting', onEvent);
  events.on('completed', onEvent);
  try {
    for (;;) {
      const counts = await guard(options, async () => {
        const job = await Job.fromId(runs, runId);
        if (!job) throw lost(runId);
        return job.getDependenciesCount();
      });
      const failed = counts.ignored ?? 0;
      options.onProgress?.({ done: (counts.processed ?? 0) + failed, failed, total: options.targets.length });
      if ((counts.unprocessed ?? 0) === 0) return false;
      const left = deadline - Date.now();
      if (left <= 0) return true;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(POLL_MS, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    events.off('waiting', onEvent);
    events.off('completed', onEvent);
  }
}

// Every child's outcome, from the parent's dependency lists: processed (with the child's return
// value), ignored (failed after its attempts, with the reason) or, after a deadline, unprocessed.
async function collect(options: FleetAuditOptions, runs: Queue, spec: RunSpec, timedOut: boolean): Promise<Outcome[]> {
  const processed = new Map<string, unknown>();
  const ignored = new Map<string, string>();
  const parent = await guard(options, () => Job.fromId(runs, spec.runId));
  if (!parent) throw lost(spec.runId);
  for (let cursor = 0, first = true; first || cursor !== 0; first = false) {
    const page = await guard(options, () =>
      parent.getDependencies({ processed: { cursor, count: RESULT_PAGE }, ignored: { cursor: 0, count: 1 } }),
    );
    for (const [key, value] of Object.entries(page.processed ?? {})) processed.set(key, value);
    cursor = page.nextProcessedCursor ?? 0;
  }
  for (let cursor = 0, first = true; first || cursor !== 0; first = false) {
    const page = await guard(options, () => parent.getDependencies({ ignored: { cursor, count: RESULT_PAGE } }));
    for (const [key, value] of Object.entries(page.ignored ?? {})) ignored.set(key, String(value));
    cursor = page.nextIgnoredCursor ?? 0;
  }
  const pending: Array<{ queue: string; id: string }> = [];
  const outcomes = options.targets.map((target): Outcome => {
    const queue = queueOf(target);
    const id = childJobId(spec.runId, target.name);
    const key = jobKey(queue, id);
    if (processed.has(key)) {
      try {
        return { kind: 'result', result: decodeResult(processed.get(key), target.name) };
      } catch (error) {
        return {
          kind: 'failed',
          code: 'FLEET_BAD_RESULT',
          reason: `its result cannot be used: ${describeError(error)}`,
        };
      }
    }
    const reason = ignored.get(key);
    if (reason !== undefined)
      return { kind: 'failed', code: 'FLEET_JOB_FAILED', reason: `the audit job failed: ${reason}` };
    if (!timedOut) throw lost(spec.runId);
    pending.push({ queue, id });
    const who = target.kind === 'host' ? `the agent of host ${target.name}` : 'no worker';
    return {
      kind: 'pending',
      code: 'FLEET_NOT_AUDITED',
      reason: `${target.kind === 'host' ? `${who} did not finish it` : 'no worker finished it'} within the time allowed (--timeout)`,
    };
  });
  await withdraw(options, pending);
  return outcomes;
}

// Past the deadline, jobs no worker has started are taken back (one that is running finishes, unused).
async function withdraw(
  options: FleetAuditOptions,
  pending: ReadonlyArray<{ queue: string; id: string }>,
): Promise<void> {
  const queues = new Map<string, Queue>();
  try {
    for (const { queue, id } of pending) {
      let q = queues.get(queue);
      if (!q) {
        q = new Queue(queue, {
          connection: { ...options.connection.options, maxRetriesPerRequest: 2 },
          prefix: PREFIX,
        });
        queues.set(queue, q);
      }
      const job = await Job.fromId(q, id).catch(() => undefined);
      if (job && ['waiting', 'delayed', 'prioritized'].includes(await job.getState()))
        await job.remove().catch(() => undefined);
    }
  } finally {
    await Promise.allSettled([...queues.values()].map((q) => q.close()));
  }
}

function lost(runId: string): FleetError {
  return new FleetError(
    'FLEET_RUN_LOST',
    `run ${runId} is no longer in Redis (restarted without persistence, or flushed?): no report can be made from it; submit the audit again`,
  );
}

// A Redis command, tried again while Redis is unreachable, for at most connectionLossMs in all.
async function guard<T>(options: FleetAuditOptions, command: () => Promise<T>): Promise<T> {
  const limit = options.connectionLossMs ?? 60_000;
  const since = Date.now();
  for (;;) {
    try {
      return await command();
    } catch (error) {
      if (error instanceof BaseError) throw error;
      refusedLogin(error, options.connection.display);
      if (!isConnectionError(error)) throw error;
      if (Date.now() - since > limit)
        throw new FleetError(
          'FLEET_UNREACHABLE',
          `Redis at ${options.connection.display} has been unreachable for ${Math.round(limit / 1000)} s: ${describeError(error)}`,
        );
      await sleep(500);
    }
  }
}

function isConnectionError(error: unknown): boolean {
  const text = describeError(error);
  const code = (error as { code?: unknown }).code;
  return (
    /connection|connect|closed|ECONNREFUSED|ECONNRESET|ENOENT|EPIPE|max retries|LOADING|socket/i.test(text) ||
    (typeof code === 'string' && /^E[A-Z]+$/.test(code))
  );
}
