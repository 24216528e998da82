// One installation of a fleet audit, on a worker: the only place where a worker runs the library. It
// collects the installation's evidence on the worker's lanes (every listed file hashed, the walk for
// unlisted files, each module.sig as read, the installation's key files) and judges nothing: the
// producer judges every installation's evidence with one judge for the whole audit (assemble.ts). A
// worker needs no key and no anchor.

import { hostname } from 'node:os';
import { BaseError, describeError } from '../errors.js';
import type { Lanes } from '../lanes/lanes.js';
import { collectInstallation } from '../verify/evidence-run.js';
import { FLEET_VERSION } from './types.js';
import type { InstallationJobData, JobResult, RunSpec } from './types.js';

export interface JobContext {
  /** An agent's own installation root (for host:NAME jobs); shared workers use the job's root. */
  readonly agentRoot: string;
  /** The worker's lanes for the run's hashing engine: long-lived, owned by the worker. */
  readonly lanes: Lanes;
  readonly worker: string;
  /** Which of these signed texts (by digest) the run has not been sent yet (texts.ts). */
  readonly unsent: (digests: readonly string[]) => Promise<readonly string[]>;
  /** Called once the evidence is collected, before anything is sent (the fleet's fault tests stop there). */
  readonly onCollected?: () => void;
}

export async function runInstallationJob(
  spec: RunSpec,
  data: InstallationJobData,
  context: JobContext,
): Promise<JobResult> {
  const root = data.target.kind === 'host' ? context.agentRoot : data.target.root;
  const base = {
    version: FLEET_VERSION,
    name: data.target.name,
    root,
    threads: context.lanes.workers + 1,
    worker: context.worker,
  } as const;
  let collected;
  try {
    collected = await collectInstallation({ root, unlisted: spec.unlisted, allow: spec.allow }, context.lanes);
  } catch (error) {
    // As a local audit: only input problems make an installation unreadable; anything else is a bug
    // (the job fails, and is tried again).
    if (!(error instanceof BaseError) || error.code === 'INTERNAL') throw error;
    const code: string = (error as BaseError<string>).code;
    return { ...base, status: 'unreadable', error: { code, message: describeError(error) }, evidence: null };
  }
  context.onCollected?.();
  // Only the signed texts this run has not been sent yet travel with the evidence.
  const unsent = new Set(await context.unsent(Object.keys(collected.texts)));
  const texts = Object.fromEntries(Object.entries(collected.texts).filter(([digest]) => unsent.has(digest)));
  return { ...base, status: 'audited', error: null, evidence: { ...collected, texts } };
}

export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
