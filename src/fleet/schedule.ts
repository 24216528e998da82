// Repeated fleet audits: a BullMQ Job Scheduler on the "schedules" queue makes one job per period;
// a reporting worker (`pbxsig worker --reports DIR`) runs each as a fleet audit, writes a dated report
// (JSON and HTML) and the diff against the schedule's previous report.
//
// A scheduled run's id comes from the schedule and the time of its job, so a reporting worker that
// dies while waiting leaves a job that another one attaches to: the run is not started twice.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { Job } from 'bullmq';
import { asAudit, diffAudits } from '../audit/diff.js';
import { renderDiff } from '../audit/diff-text.js';
import { renderAuditHtml } from '../audit/html.js';
import type { InstallationTarget } from '../audit/names.js';
import type { AuditReport } from '../audit/types.js';
import { UsageError, describeError } from '../errors.js';
import type { EngineChoice } from '../hash/types.js';
import type { UnlistedPolicy } from '../report/types.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import type { QueueConnection } from './connection.js';
import { displayKeyPaths, materializeKeys } from './key-bundle.js';
import type { KeyBundle } from './key-bundle.js';
import { runFleetAudit } from './producer.js';
import { PREFIX, SCHEDULES_QUEUE, assertRunId } from './queues.js';
import { FLEET_VERSION } from './types.js';

/** What a scheduled audit runs: the installations and settings given when it was scheduled. */
export interface ScheduleData {
  readonly version: typeof FLEET_VERSION;
  readonly id: string;
  readonly targets: readonly InstallationTarget[];
  readonly keys: KeyBundle;
  readonly anchors: readonly string[];
  readonly unlisted: UnlistedPolicy;
  readonly engine: EngineChoice;
  /** Each run stops waiting after this long (installations not done: not audited). */
  readonly timeoutMs: number | null;
}

const STAMP = /^\d{8}T\d{6}Z$/;
const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `6h`, `30m`, `1d` (every so long), or a cron pattern in UTC (`0 3 * * *`). */
export function parseSchedule(text: string): { every: number } | { pattern: string; tz: 'UTC' } {
  const duration = DURATION.exec(text.trim());
  if (duration) {
    const every = Number.parseInt(duration[1] as string, 10) * (UNIT_MS[duration[2] as string] as number);
    if (every < 60_000) throw new UsageError(`--schedule ${text}: at least 1m between audits`);
    return { every };
  }
  const fields = text.trim().split(/\s+/);
  if (fields.length < 5 || fields.length > 6)
    throw new UsageError(
      `--schedule ${JSON.stringify(text)}: expected a duration (6h, 1d) or a cron pattern ("0 3 * * *", UTC)`,
    );
  return { pattern: fields.join(' '), tz: 'UTC' };
}

export async function upsertSchedule(connection: QueueConnection, schedule: string, data: ScheduleData): Promise<void> {
  assertRunId(data.id);
  const queue = new Queue(SCHEDULES_QUEUE, {
    connection: { ...connection.options, maxRetriesPerRequest: 2 },
    prefix: PREFIX,
  });
  try {
    await queue.upsertJobScheduler(data.id, parseSchedule(schedule), {
      name: 'scheduled-audit',
      data,
      opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 100 },
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--schedule ${schedule}: ${describeError(error)}`);
  } finally {
    await queue.close();
  }
}

export async function removeSchedule(connection: QueueConnection, id: string): Promise<boolean> {
  const queue = new Queue(SCHEDULES_QUEUE, {
    connection: { ...connection.options, maxRetriesPerRequest: 2 },
    prefix: PREFIX,
  });
  try {
    return await queue.removeJobScheduler(id);
  } finally {
    await queue.close();
  }
}

export interface ScheduledRunOptions {
  readonly connection: QueueConnection;
  readonly reports: string;
  readonly log: (line: string) => void;
}

export interface ScheduledRunResult {
  readonly runId: string;
  readonly report: string;
  readonly diff: string | null;
  readonly noRegression: boolean | null;
}

/** Runs one scheduled audit and writes `<id>-<time>.json` and `.html`, and `.diff.json` and `.diff.txt` against the previous one. */
export async function runScheduledAudit(job: Job, options: ScheduledRunOptions): Promise<ScheduledRunResult> {
  const data = checkScheduleData(job.data);
  const stamp = new Date(job.timestamp)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const runId = `${data.id}-${stamp}`;
  options.log(`schedule ${data.id}: run ${runId}, ${data.targets.length} installations`);
  // The schedule's keys, written where this worker judges the evidence, and named in the report as
  // the auditor named them.
  const keys = await materializeKeys(data.keys);
  let report: AuditReport;
  try {
    report = displayKeyPaths(
      await runFleetAudit({
        connection: options.connection,
        targets: data.targets,
        runId,
        keys: keys.paths,
        anchors: data.anchors,
        unlisted: data.unlisted,
        engine: data.engine,
        timeoutMs: data.timeoutMs ?? undefined,
      }),
      keys.display,
    );
  } finally {
    await keys.remove();
  }
  const base = join(options.reports, runId);
  const previous = await previousReport(options.reports, data.id, runId);
  await writeFileAtomic(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(`${base}.html`, renderAuditHtml(report));
  let diff: string | null = null;
  let noRegression: boolean | null = null;
  if (previous !== undefined) {
    const before = asAudit(JSON.parse(await readFile(join(options.reports, previous), 'utf8')), previous);
    const changes = diffAudits(before, report);
    diff = `${base}.diff.json`;
    noRegression = changes.noRegression;
    await writeFileAtomic(diff, `${JSON.stringify(changes, null, 2)}\n`);
    await writeFileAtomic(`${base}.diff.txt`, renderDiff(changes));
  }
  options.log(
    `schedule ${data.id}: wrote ${base}.json${diff ? ` and the diff against ${previous ?? ''} (${noRegression ? 'nothing got worse' : 'something got worse'})` : ''}`,
  );
  return { runId, report: `${base}.json`, diff, noRegression };
}

// The schedule's latest report before this run (names sort by time).
async function previousReport(dir: string, id: string, runId: string): Promise<string | undefined> {
  const prefix = `${id}-`;
  const names = (await readdir(dir))
    .filter((n) => n.startsWith(prefix) && n.endsWith('.json') && STAMP.test(n.slice(prefix.length, -'.json'.length)))
    .filter((n) => n < `${runId}.json`)
    .sort();
  return names.at(-1);
}

function checkScheduleData(value: unknown): ScheduleData {
  const data = value as Partial<ScheduleData> | null;
  if (
    data?.version !== FLEET_VERSION ||
    typeof data.id !== 'string' ||
    !Array.isArray(data.targets) ||
    !Array.isArray(data.keys)
  )
    throw new Error(`not a pbxsig scheduled audit of version ${FLEET_VERSION}`);
  assertRunId(data.id);
  return data as ScheduleData;
}
