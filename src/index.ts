// pbxsig's library API. The CLI is a thin layer over these.

export { verifyModules } from './verify/verify-modules.js';
export type { CommonOptions, VerifyOptions } from './verify/verify-modules.js';
export { verifyInstallation } from './verify/verify-installation.js';
export type { InstallationOptions } from './verify/verify-installation.js';
export { FREEPBX_DEFAULTS } from './install/settings.js';
export type { InstallSettings } from './install/settings.js';
export { REPORT_SCHEMA, REPORT_VERSION, VERDICTS } from './report/types.js';
export type {
  FileFinding,
  FilesReport,
  InstallationReport,
  KeyMaterialReport,
  KeySourceReport,
  ManifestReport,
  ModuleReport,
  Notice,
  SignerReport,
  UnlistedPolicy,
  UnlistedReport,
  Verdict,
  VerifyReport,
} from './report/types.js';
export { renderHuman } from './report/human.js';
export { STATE, freepbxStatus } from './freepbx/status.js';
export type { FreepbxStatus } from './freepbx/status.js';
export { splitClearsigned } from './manifest/cleartext.js';
export type { Clearsigned } from './manifest/cleartext.js';
export { parseManifest } from './manifest/parse.js';
export type {
  Manifest,
  ManifestConfig,
  ManifestEntry,
  FreepbxHashEntry,
  ManifestIssue,
  ManifestIssueCode,
  ManifestLimits,
} from './manifest/types.js';
export { FREEPBX_ANCHORS, parseAnchors } from './pgp/anchors.js';
export { resolveAnchorSpecs, resolveAnchors } from './pgp/anchor-files.js';
export type { ResolvedAnchors } from './pgp/anchor-files.js';
export { DEFAULT_CONFIG, loadConfig } from './config/read.js';
export type { LoadedConfig, SetBy } from './config/read.js';
export { parseConfig } from './config/parse.js';
export type { ConfigSettings } from './config/parse.js';
export type { SiteFile } from './unlisted/known-files.js';
export { BaseError, InputError, InternalError, ManifestError, UsageError } from './errors.js';
export type { InputErrorCode, ManifestErrorCode } from './errors.js';
