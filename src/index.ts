// pbxsig's library API: what the CLI's commands do, as functions. The CLI is a thin layer over these.
// Every type exported here is pbxsig's own: no openpgp.js type crosses this boundary, so a consumer
// compiles against these declarations with skipLibCheck off (test/e2e/library-consumer.test.ts).

// Verifying (verify, audit) and comparing reports (diff).
export { auditInstallations, verifyInstallation, verifyModules } from './library/verify.js';
export type { AuditOptions, CommonOptions, InstallationOptions, VerifyOptions } from './library/verify.js';
export type { AnchorSpec } from './library/anchors.js';
export { diffReports } from './library/diff.js';
export { DIFF_SCHEMA, DIFF_VERSION } from './audit/diff.js';
export type { AuditDiff, ModuleChange, UnlistedChange } from './audit/diff.js';
export { AUDIT_SCHEMA, AUDIT_VERSION } from './audit/types.js';
export type { AuditReport, AuditedInstallation, FleetRunInfo, InstallationStatus } from './audit/types.js';
export type { NamedRoot } from './audit/names.js';
export { FREEPBX_DEFAULTS } from './install/settings.js';
export type { InstallSettings } from './install/settings.js';
export type { EngineChoice } from './hash/types.js';

// Signing and keys (sign, keys generate|certify|revoke|list|export).
export { signModule } from './library/sign.js';
export type { SignOptions, SignResult } from './library/sign.js';
export type { SignModuleResult } from './sign/types.js';
export { certifyKey, describeKeys, exportKeys, generateKeys, revokeCertification } from './library/keys.js';
export type {
  CertifiedKey,
  CertifyOptions,
  DescribeKeysOptions,
  ExportKeysOptions,
  GeneratedKeys,
  KeysListing,
  RevokeOptions,
} from './library/keys.js';
export type { GenerateOptions, KeyDescription, KeyType } from './keys/types.js';
export type { Passphrase } from './library/passphrase.js';

// Reports.
export { REPORT_SCHEMA, REPORT_VERSION, VERDICTS } from './report/types.js';
export type {
  CertificationReport,
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
export type { CertificationFact, GnupgView, KeyOrigin, TrustState } from './pgp/types.js';
export { renderHuman } from './report/human.js';

// FreePBX's status, and the pure parts.
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
