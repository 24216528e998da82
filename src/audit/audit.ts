// Audit many installations in one run: one worker pool and one signature cache for all of them,
// installations verified as `pbxsig verify --root` would, an unreadable one reported and skipped.
// Memory stays bounded: at most two installations are in flight (one hashing while the next is
// discovered and planned), and each keeps only its findings once its modules are reported.

import { BaseError, describeError } from '../errors.js';
import type { InstallSettings } from '../install/settings.js';
import { Lanes } from '../lanes/lanes.js';
import { FREEPBX_ANCHORS, parseAnchors } from '../pgp/anchors.js';
import { envelope } from '../report/envelope.js';
import type { ModuleReport } from '../report/types.js';
import { Verifier } from '../verify/coordinator.js';
import { chooseWorkers, settle } from '../verify/options.js';
import type { CommonOptions } from '../verify/options.js';
import { measureTargets } from '../verify/order.js';
import { planInstallation } from '../verify/verify-installation.js';
import { nameRoots } from './names.js';
import { summarizeAudit } from './summary.js';
import type { NamedRoot } from './names.js';
import { AUDIT_SCHEMA, AUDIT_VERSION } from './types.js';
import type { AuditReport, AuditedInstallation } from './types.js';

const IN_FLIGHT = 2;

export interface AuditOptions extends CommonOptions {
  /**
   * Installation roots, each with its name or named by its last path component (names.ts); two
   * installations of one name are refused (UsageError).
   */
  readonly roots: ReadonlyArray<string | NamedRoot>;
  /** Directory settings applied to every installation (each otherwise reads its own). */
  readonly settings?: Partial<InstallSettings>;
  /** Each installation as soon as it is done (completion order). */
  readonly onInstallation?: (installation: AuditedInstallation) => void;
  /** Each module as soon as it is done, with its installation. */
  readonly onModuleOf?: (installation: NamedRoot, report: ModuleReport) => void;
}

export async function auditInstallations(options: AuditOptions): Promise<AuditReport> {
  const startedAt = new Date();
  const named = nameRoots(options.roots);
  const anchors = parseAnchors(options.anchors ?? FREEPBX_ANCHORS);
  const settled = settle(options, startedAt);
  // An audit is large by nature: a lane per core, started now, booting while the first root is read.
  const workers = chooseWorkers(settled.threads, { units: Number.POSITIVE_INFINITY, files: Number.POSITIVE_INFINITY });
  const lanes = await Lanes.start({ workers, engine: settled.engine });
  const { engine, unlisted } = settled;
  const verifier = new Verifier(
    { engine, anchors, unlisted, now: settled.now, limits: settled.limits, look: settled.look, known: settled.known },
    lanes,
  );
  const threads = verifier.threads;
  const results: Array<AuditedInstallation | undefined> = named.map(() => undefined);

  const auditOne = async (index: number): Promise<void> => {
    const installation = named[index] as NamedRoot;
    const { name, root } = installation;
    let audited: AuditedInstallation;
    try {
      const planned = await planInstallation({
        root,
        ...(options.settings ? { settings: options.settings } : {}),
        ...(options.keys ? { keys: options.keys } : {}),
      });
      const report = await verifier.verify({
        ...planned,
        targets: measureTargets(planned.targets),
        startedAt: new Date(),
        onModule: (m) => options.onModuleOf?.(installation, m),
      });
      audited = { name, root, status: report.summary.failed === 0 ? 'clean' : 'findings', error: null, report };
    } catch (error) {
      // Only input problems (no installation there, unreadable settings) make an installation
      // unreadable; anything else is a bug and stops the audit.
      if (!(error instanceof BaseError) || error.code === 'INTERNAL') throw error;
      const code: string = (error as BaseError<string>).code;
      audited = { name, root, status: 'unreadable', error: { code, message: describeError(error) }, report: null };
    }
    results[index] = audited;
    options.onInstallation?.(audited);
  };

  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < named.length) await auditOne(next++);
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, named.length) }, lane));
  } finally {
    await lanes.close();
  }

  const installations = results.filter((r): r is AuditedInstallation => r !== undefined);
  return {
    ...envelope(AUDIT_SCHEMA, AUDIT_VERSION, startedAt),
    settings: { engine, threads, anchors, unlisted },
    summary: summarizeAudit(installations, verifier.signatures),
    installations,
  };
}
