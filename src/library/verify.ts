// The verifying entry points of the library, as the CLI's verify and audit use them: options typed
// here (anchors as fingerprints or key files), the work done by the coordinator.

import { auditInstallations as runAudit } from '../audit/audit.js';
import type { NamedRoot } from '../audit/names.js';
import type { AuditReport, AuditedInstallation } from '../audit/types.js';
import type { InstallSettings } from '../install/settings.js';
import type { ModuleReport, VerifyReport } from '../report/types.js';
import type { CommonOptions as CoordinatorOptions } from '../verify/options.js';
import { verifyInstallation as runInstallation } from '../verify/verify-installation.js';
import { verifyModules as runModules } from '../verify/verify-modules.js';
import { withResolvedAnchors } from './anchors.js';
import type { AnchorSpec } from './anchors.js';

/** Options every verifying entry point takes (verifyModules, verifyInstallation, auditInstallations). */
export interface CommonOptions extends Omit<CoordinatorOptions, 'anchors'> {
  /**
   * Trust anchors: fingerprints or public key files holding one key each (as `--anchor`); default
   * FreePBX's two master keys.
   */
  readonly anchors?: readonly AnchorSpec[];
}

/** `pbxsig verify DIR...` */
export interface VerifyOptions extends CommonOptions {
  /** Module directories (each holds a module.sig). */
  readonly modules: readonly string[];
}

/** `pbxsig verify --root ROOT` */
export interface InstallationOptions extends CommonOptions {
  /** The installation's filesystem root; default "/". */
  readonly root?: string;
  /** Directory settings that win over the installation's own (AMPWEBROOT, ...). */
  readonly settings?: Partial<InstallSettings>;
  /** Only these modules (by name); default every module. */
  readonly modules?: readonly string[];
}

/** `pbxsig audit ROOT...` */
export interface AuditOptions extends CommonOptions {
  /**
   * Installation roots, each with its name (`{name, root}`) or named by its last path component (the
   * host name for "/"); two installations of one name are refused. `pbxsig diff` matches by name.
   */
  readonly roots: ReadonlyArray<string | NamedRoot>;
  /** Directory settings applied to every installation (each otherwise reads its own). */
  readonly settings?: Partial<InstallSettings>;
  /** Each installation as soon as it is done (completion order). */
  readonly onInstallation?: (installation: AuditedInstallation) => void;
  /** Each module as soon as it is done, with its installation. */
  readonly onModuleOf?: (installation: NamedRoot, report: ModuleReport) => void;
}

/** Verifies module directories, each on its own (schema pbxsig/report). */
export async function verifyModules(options: VerifyOptions): Promise<VerifyReport> {
  return runModules(await withResolvedAnchors(options));
}

/** Verifies the FreePBX installation at `root` (schema pbxsig/report). */
export async function verifyInstallation(options: InstallationOptions = {}): Promise<VerifyReport> {
  return runInstallation(await withResolvedAnchors(options));
}

/** Verifies many installations in one run, sharing the work (schema pbxsig/audit). */
export async function auditInstallations(options: AuditOptions): Promise<AuditReport> {
  return runAudit(await withResolvedAnchors(options));
}
