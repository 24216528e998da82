// Where fleet jobs live in Redis, and their ids. Pure.
//
//   runs            one parent job per audit run, id = the run id; its data is the run's RunSpec
//   installations   one child per installation that the shared workers reach (snapshots, mounts)
//   host.NAME       one child per `host:NAME` installation: only that PBX's agent worker serves it
//   schedules       the jobs a Job Scheduler makes for a repeated audit (reporting workers serve it)
//
// A child's id is derived from the run id and the installation's name, so submitting a run again
// adds nothing that is already there (BullMQ ignores an add whose job id exists).

import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

/** Key prefix of every fleet key (BullMQ's default is "bull"). */
export const PREFIX = 'pbxsig';
export const RUNS_QUEUE = 'runs';
export const INSTALLATIONS_QUEUE = 'installations';
export const SCHEDULES_QUEUE = 'schedules';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const HOST = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

export function hostQueue(host: string): string {
  if (!HOST.test(host))
    throw new UsageError(`--host ${JSON.stringify(host)}: letters, digits and . _ @ + - (at most 128)`);
  return `host.${host}`;
}

export function assertRunId(runId: string): string {
  if (!RUN_ID.test(runId))
    throw new UsageError(
      `run id ${JSON.stringify(runId)}: letters, digits and _ . - (at most 100), starting with a letter or digit`,
    );
  return runId;
}

/** A fresh run id: the time it was made (readable, sortable) and a random part. */
export function newRunId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${createHash('sha256').update(`${now.getTime()}${Math.random()}${process.pid}`).digest('hex').slice(0, 8)}`;
}

/** The child job of installation `name` in run `runId`: a digest, since names may hold any character. */
export function childJobId(runId: string, name: string): string {
  return `${runId}.${createHash('sha256').update(name).digest('hex').slice(0, 24)}`;
}

/** The Redis key BullMQ gives a job (how a parent's dependency lists name its children). */
export function jobKey(queue: string, id: string): string {
  return `${PREFIX}:${queue}:${id}`;
}
