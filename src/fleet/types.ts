// What travels through Redis in a fleet audit. Plain JSON; every field a worker or a producer reads
// from Redis is checked where it arrives (see result-codec.ts): Redis is shared, and a job's data or
// result is input like any other.

import type { InstallationTarget } from '../audit/names.js';
import type { EngineChoice } from '../hash/types.js';
import type { Notice, UnlistedPolicy, VerifyReport } from '../report/types.js';
import type { KeyBundle } from './key-bundle.js';

export const FLEET_VERSION = 1;

/** What every installation of a run is judged by: kept once, in the run's parent job. */
export interface RunSpec {
  readonly version: typeof FLEET_VERSION;
  readonly runId: string;
  /** The audit's clock (ISO): verdicts that depend on time (expiry) are judged at it on every worker. */
  readonly now: string;
  readonly anchors: readonly string[];
  readonly unlisted: UnlistedPolicy;
  readonly engine: EngineChoice;
  readonly keys: KeyBundle;
  readonly installations: number;
  /** Identifies the run's settings and installations: submitting the run again must match it. */
  readonly digest: string;
}

/** One child job: one installation. */
export interface InstallationJobData {
  readonly version: typeof FLEET_VERSION;
  readonly runId: string;
  /** Position in the audit: the report lists installations in the order they were given. */
  readonly index: number;
  readonly target: InstallationTarget;
}

/** What a worker returns for one installation (the job's return value, stored in Redis). */
export interface JobResult {
  readonly version: typeof FLEET_VERSION;
  readonly name: string;
  /** The root as the worker read it (an agent's own root for a host:NAME installation). */
  readonly root: string;
  /** audited: a report; unreadable: no installation could be read there (error says why). */
  readonly status: 'audited' | 'unreadable';
  readonly error: Notice | null;
  readonly report: VerifyReport | null;
  /**
   * One entry per module.sig judgement the installation needed (its key material's id and the
   * module.sig's digest): equal entries across the fleet are one judgement, as in a local audit.
   */
  readonly judgements: readonly string[];
  /** Which worker did it ("host:pid"). */
  readonly worker: string;
}
