// pbxsig's library API. The CLI is a thin layer over these.

export { verifyModules } from './verify/verify-modules.js';
export type { VerifyOptions } from './verify/verify-modules.js';
export { REPORT_SCHEMA, REPORT_VERSION, VERDICTS } from './report/types.js';
export type { FileFinding, FilesReport, ManifestReport, ModuleReport, Notice, SignerReport, Verdict, VerifyReport } from './report/types.js';
export { renderHuman } from './report/human.js';
export { STATE, freepbxStatus } from './freepbx/status.js';
export type { FreepbxStatus } from './freepbx/status.js';
export { splitClearsigned } from './manifest/cleartext.js';
export type { Clearsigned } from './manifest/cleartext.js';
export { parseManifest } from './manifest/parse.js';
export type { Manifest, ManifestConfig, ManifestEntry, ManifestIssue, ManifestIssueCode, ManifestLimits } from './manifest/types.js';
export { FREEPBX_ANCHORS, parseAnchors } from './pgp/anchors.js';
export { resolveAnchors } from './pgp/anchor-files.js';
export { BaseError, InputError, InternalError, ManifestError, UsageError } from './errors.js';
export type { InputErrorCode, ManifestErrorCode } from './errors.js';
