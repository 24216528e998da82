// One group of modules verified in a session of its own: what `pbxsig verify` does (see session.ts).

import type { HashPool } from '../hash/pool.js';
import type { EngineChoice } from '../hash/types.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { KeySource } from '../pgp/key-sources.js';
import type { InstallationReport, ModuleReport, Notice, UnlistedPolicy, VerifyReport } from '../report/types.js';
import type { ModuleSpec } from './plan.js';
import { VerificationSession } from './session.js';

export interface RunOptions {
  readonly modules: readonly ModuleSpec[];
  readonly limits: ManifestLimits;
  readonly keySources: readonly KeySource[];
  readonly anchors: readonly string[];
  readonly engine: EngineChoice;
  readonly threads: number | 'auto';
  readonly unlisted: UnlistedPolicy;
  readonly now: Date;
  readonly startedAt: Date;
  readonly installation: InstallationReport | null;
  readonly warnings?: readonly Notice[];
  readonly onModule?: ((report: ModuleReport) => void) | undefined;
  /** A pool the caller started early (its workers boot while modules are planned); closed here. */
  readonly pool?: HashPool;
}

export async function runVerification(options: RunOptions): Promise<VerifyReport> {
  const session = new VerificationSession({
    anchors: options.anchors,
    engine: options.engine,
    threads: options.threads,
    unlisted: options.unlisted,
    now: options.now,
    limits: options.limits,
    ...(options.pool ? { pool: options.pool } : {}),
  });
  try {
    return await session.verify({
      modules: options.modules,
      keySources: options.keySources,
      installation: options.installation,
      startedAt: options.startedAt,
      ...(options.warnings ? { warnings: options.warnings } : {}),
      onModule: options.onModule,
    });
  } finally {
    await session.close();
  }
}
