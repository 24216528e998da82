// The report: what `pbxsig verify --json` prints and what the library returns. This file is the
// schema; docs/report-schema.md documents it for people. Bump REPORT_VERSION on any change that is
// not a pure addition.

import type { FreepbxStatus } from '../freepbx/status.js';
import type { ManifestIssue } from '../manifest/types.js';
import type { CertificationFact, GnupgView, TrustState } from '../pgp/trust.js';

export const REPORT_SCHEMA = 'pbxsig/report';
export const REPORT_VERSION = 1;

export type Verdict =
  | 'verified'
  | 'tampered'
  | 'bad-signature'
  | 'untrusted-signer'
  | 'unknown-signer'
  | 'revoked'
  | 'expired'
  | 'unsigned'
  | 'invalid-manifest';

export const VERDICTS: readonly Verdict[] = [
  'verified',
  'tampered',
  'bad-signature',
  'untrusted-signer',
  'unknown-signer',
  'revoked',
  'expired',
  'unsigned',
  'invalid-manifest',
];

export interface Notice {
  readonly code: string;
  readonly message: string;
}

export interface FileFinding {
  /** The path as listed in the manifest. */
  readonly path: string;
  /** Where it was looked for on disk (absolute). */
  readonly location: string;
  readonly reason?: string;
  readonly expected?: string;
  readonly actual?: string;
}

export interface FilesReport {
  /** Entries in [hashes] that we could use. */
  readonly listed: number;
  /** Files opened and hashed. */
  readonly checked: number;
  readonly matched: number;
  readonly bytes: number;
  /** Listed files reached through a symbolic link (resolved inside the root). */
  readonly viaSymlink: number;
  readonly altered: readonly FileFinding[];
  readonly missing: readonly FileFinding[];
  readonly unreadable: readonly FileFinding[];
  readonly unsafe: readonly FileFinding[];
}

export interface CertificationReport {
  readonly anchor: string;
  readonly userId: string;
  readonly created: string | null;
  readonly hash: string;
  readonly state: CertificationFact['state'];
  readonly reason?: string;
  readonly gnupgAccepts: boolean;
}

export interface SignerReport {
  /** Issuer key ID from the signature packet. */
  readonly keyId: string;
  /** Fingerprint of the signer's primary key, when we have the key. */
  readonly fingerprint: string | null;
  /** Fingerprint of the (sub)key that made the signature, when it is not the primary key. */
  readonly subkeyFingerprint: string | null;
  readonly userId: string | null;
  readonly signedAt: string | null;
  /** Message digest of the signature ("SHA1", "SHA256", ...). */
  readonly digest: string;
  /** good: the mathematics holds; bad: it does not; no-key: we have no key with that ID. */
  readonly check: 'good' | 'bad' | 'no-key';
  readonly checkFailure?: string;
  readonly trust: {
    readonly state: TrustState;
    readonly reason: string;
    readonly anchor: boolean;
    readonly gnupg: GnupgView;
    readonly certifications: readonly CertificationReport[];
  } | null;
}

export interface ManifestReport {
  readonly version: string | null;
  readonly type: string | null;
  readonly repo: string | null;
  readonly signedWith: string | null;
  readonly signedBy: string | null;
  readonly expiresAfter: string | null;
  readonly entries: number;
  readonly issues: readonly ManifestIssue[];
}

export interface ModuleReport {
  readonly name: string;
  readonly directory: string;
  readonly verdict: Verdict;
  /** One sentence: why this verdict. */
  readonly summary: string;
  readonly freepbx: FreepbxStatus;
  readonly signer: SignerReport | null;
  readonly manifest: ManifestReport | null;
  readonly files: FilesReport;
  readonly warnings: readonly Notice[];
}

export interface VerifyReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly version: typeof REPORT_VERSION;
  readonly tool: { readonly name: 'pbxsig'; readonly version: string };
  readonly startedAt: string;
  readonly durationMs: number;
  readonly settings: {
    readonly engine: string;
    readonly threads: number;
    readonly anchors: readonly string[];
    readonly keyFiles: readonly string[];
  };
  readonly summary: {
    readonly modules: number;
    readonly verified: number;
    readonly failed: number;
    readonly verdicts: Readonly<Record<Verdict, number>>;
    readonly files: number;
    readonly bytes: number;
  };
  readonly modules: readonly ModuleReport[];
  readonly warnings: readonly Notice[];
}
