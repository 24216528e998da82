// What travels through Redis in a fleet audit. Plain JSON; every field a worker or a producer reads
// from Redis is checked where it arrives (checks.ts, result-codec.ts): Redis is shared, and a job's
// data or result is input like any other.
//
// Workers collect evidence only (listed files hashed, the unlisted-file walk, each module.sig as read,
// the installation's key files); the producer judges it, with one judge for the whole audit, so that
// each distinct module.sig is verified once for the fleet. Keys and anchors stay with the producer.

import type { InstallationTarget } from '../audit/names.js';
import type { EngineChoice } from '../hash/types.js';
import type { Notice, UnlistedPolicy } from '../report/types.js';
import type { SiteFile } from '../unlisted/known-files.js';
import type { InstallationEvidence } from '../verify/evidence-run.js';

export const FLEET_VERSION = 2;

/** What every installation of a run is collected and judged by: kept once, in the run's parent job. */
export interface RunSpec {
  readonly version: typeof FLEET_VERSION;
  readonly runId: string;
  /** The audit's clock (ISO): verdicts that depend on time (expiry) are judged at it. */
  readonly now: string;
  readonly anchors: readonly string[];
  readonly unlisted: UnlistedPolicy;
  /** The site's allowlist: unlisted files accepted by module, path and SHA-256 (the workers' walk needs it). */
  readonly allow: readonly SiteFile[];
  readonly engine: EngineChoice;
  readonly installations: number;
  /** How long Redis keeps the run's jobs after they finish (and the set of signed texts sent). */
  readonly retentionSeconds: number;
  /** Identifies the run's settings, keys and installations: submitting the run again must match it. */
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
  /** audited: evidence; unreadable: no installation could be read there (error says why). */
  readonly status: 'audited' | 'unreadable';
  readonly error: Notice | null;
  /**
   * The installation's evidence, unjudged. Its `texts` hold only the signed texts this run had not been
   * sent before (by digest; see texts.ts): the producer gathers them from every result.
   */
  readonly evidence: InstallationEvidence | null;
  /** Threads that did the worker's file work (for the report's settings). */
  readonly threads: number;
  /** Which worker did it ("host:pid"). */
  readonly worker: string;
}
