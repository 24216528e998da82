// The audit report: `pbxsig audit --json FILE`. Each installation carries a full verify report
// (schema pbxsig/report), so one reader handles both; docs/report-schema.md documents it.

import type { Envelope } from '../report/envelope.js';
import type { Notice, UnlistedPolicy, VerifyReport } from '../report/types.js';

export const AUDIT_SCHEMA = 'pbxsig/audit';
export const AUDIT_VERSION = 1;

export type InstallationStatus = 'clean' | 'findings' | 'unreadable';

export interface AuditedInstallation {
  /**
   * Stable name: `NAME=ROOT`, a fleet's `host:NAME`, or the root's last path component (see names.ts).
   * `pbxsig diff` matches installations by it (a report made before names existed is read with the
   * root's last path component).
   */
  readonly name: string;
  /** The root as given (`host:NAME` for a PBX that a fleet's agent worker audited and could not). */
  readonly root: string;
  /** clean: every module passed; findings: some did not; unreadable: no installation could be read there. */
  readonly status: InstallationStatus;
  /** Why the installation could not be read (status unreadable). */
  readonly error: Notice | null;
  readonly report: VerifyReport | null;
}

export interface AuditReport extends Envelope<typeof AUDIT_SCHEMA, typeof AUDIT_VERSION> {
  readonly settings: {
    readonly engine: string;
    readonly threads: number;
    readonly anchors: readonly string[];
    readonly unlisted: UnlistedPolicy;
  };
  readonly summary: {
    readonly installations: number;
    readonly clean: number;
    readonly withFindings: number;
    readonly unreadable: number;
    readonly modules: number;
    readonly failedModules: number;
    readonly unlistedCode: number;
    readonly files: number;
    readonly bytes: number;
    /** module.sig judgements made, and how many more were shared by identical files (same keys). */
    readonly signatures: { readonly verified: number; readonly shared: number };
  };
  readonly installations: readonly AuditedInstallation[];
  /** A fleet audit (`pbxsig audit --queue`): its run id, the queue (no credentials) and the workers that delivered results. */
  readonly run?: FleetRunInfo;
}

export interface FleetRunInfo {
  readonly id: string;
  readonly queue: string;
  readonly workers: readonly string[];
}
