// Audit many installations in one run: one worker pool and one signature cache for all of them,
// installations verified as `pbxsig verify --root` would, an unreadable one reported and skipped.
// Memory stays bounded: at most two installations are in flight (one hashing while the next is
// discovered and planned), and each keeps only its findings once its modules are reported.

import { availableParallelism } from 'node:os';
import { BaseError, describeError } from '../errors.js';
import { resolveEngine } from '../hash/engine.js';
import { HashPool } from '../hash/pool.js';
import type { InstallSettings } from '../install/settings.js';
import { DEFAULT_LIMITS } from '../manifest/types.js';
import { FREEPBX_ANCHORS, parseAnchors } from '../pgp/anchors.js';
import type { ModuleReport } from '../report/types.js';
import { VerificationSession } from '../verify/session.js';
import { planInstallation } from '../verify/verify-installation.js';
import type { CommonOptions } from '../verify/verify-modules.js';
import { VERSION } from '../version.js';
import { AUDIT_SCHEMA, AUDIT_VERSION } from './types.js';
import type { AuditReport, AuditedInstallation } from './types.js';

const IN_FLIGHT = 2;

export interface AuditOptions extends CommonOptions {
  /** Installation roots. */
  readonly roots: readonly string[];
  /** Directory settings applied to every installation (each otherwise reads its own). */
  readonly settings?: Partial<InstallSettings>;
  /** Each installation as soon as it is done (completion order). */
  readonly onInstallation?: (installation: AuditedInstallation) => void;
  /** Each module as soon as it is done. */
  readonly onModuleOf?: (root: string, report: ModuleReport) => void;
}

export async function auditInstallations(options: AuditOptions): Promise<AuditReport> {
  const startedAt = new Date();
  const anchors = parseAnchors(options.anchors ?? FREEPBX_ANCHORS);
  const engine = resolveEngine(options.engine ?? 'auto', 'sha256');
  const threads =
    options.threads === undefined || options.threads === 'auto' ? Math.max(1, availableParallelism()) : options.threads;
  // An audit is large by nature: start the workers now, they boot while the first root is read.
  const pool = new HashPool({ threads, engine, algorithm: 'sha256' });
  const unlisted = options.unlisted ?? 'fail';
  const session = new VerificationSession({
    anchors,
    engine,
    threads,
    unlisted,
    now: options.now ?? startedAt,
    limits: options.limits ?? DEFAULT_LIMITS,
    pool,
  });
  const results: Array<AuditedInstallation | undefined> = options.roots.map(() => undefined);

  const auditOne = async (index: number): Promise<void> => {
    const root = options.roots[index] as string;
    let audited: AuditedInstallation;
    try {
      const planned = await planInstallation({
        root,
        ...(options.settings ? { settings: options.settings } : {}),
        ...(options.keys ? { keys: options.keys } : {}),
      });
      const report = await session.verify({
        ...planned,
        startedAt: new Date(),
        onModule: (m) => options.onModuleOf?.(root, m),
      });
      audited = { root, status: report.summary.failed === 0 ? 'clean' : 'findings', error: null, report };
    } catch (error) {
      // Only input problems (no installation there, unreadable settings) make an installation
      // unreadable; anything else is a bug and stops the audit.
      if (!(error instanceof BaseError) || error.code === 'INTERNAL') throw error;
      const code: string = (error as BaseError<string>).code;
      audited = { root, status: 'unreadable', error: { code, message: describeError(error) }, report: null };
    }
    results[index] = audited;
    options.onInstallation?.(audited);
  };

  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < options.roots.length) await auditOne(next++);
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, options.roots.length) }, lane));
  } finally {
    await session.close();
  }

  const installations = results.filter((r): r is AuditedInstallation => r !== undefined);
  const reports = installations.flatMap((i) => (i.report ? [i.report] : []));
  return {
    schema: AUDIT_SCHEMA,
    version: AUDIT_VERSION,
    tool: { name: 'pbxsig', version: VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    settings: { engine, threads, anchors, unlisted },
    summary: {
      installations: installations.length,
      clean: installations.filter((i) => i.status === 'clean').length,
      withFindings: installations.filter((i) => i.status === 'findings').length,
      unreadable: installations.filter((i) => i.status === 'unreadable').length,
      modules: sum(reports, (r) => r.summary.modules),
      failedModules: sum(reports, (r) => r.summary.failed),
      unlistedCode: sum(reports, (r) => r.summary.unlistedCode),
      files: sum(reports, (r) => r.summary.files),
      bytes: sum(reports, (r) => r.summary.bytes),
      signatures: session.signatures,
    },
    installations,
  };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}
