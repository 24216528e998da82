// The report: what `pbxsig verify --json` prints and what the library returns. This file is the
// schema; docs/report-schema.md documents it for people. Bump REPORT_VERSION on any change that is
// not a pure addition.

import type { FreepbxStatus } from '../freepbx/status.js';
import type { Envelope } from './envelope.js';
import type { ManifestIssue } from '../manifest/types.js';
import type { CertificationFact, GnupgView, KeyOrigin, TrustState } from '../pgp/types.js';

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
  /** Unlisted findings only, present when `path` is not valid UTF-8: the path's exact bytes, hex (`path` shows them as `\xNN`). */
  readonly pathHex?: string;
  /** Unlisted code only: the file's SHA-256, when it could be read (a regular file of at most 1 MiB). */
  readonly sha256?: string;
}

export interface FilesReport {
  /** Entries in [hashes] checked on disk (usable, and not among the skipped). */
  readonly listed: number;
  /** Listed files FreePBX does not check either (framework's amp_conf/astetc/, amp_conf/moh/, upgrades/). */
  readonly skipped: number;
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

/** What the module directory holds beyond its manifest (FreePBX never looks). See src/unlisted/policy.ts. */
export interface UnlistedReport {
  /** Security findings, failing the module under `--unlisted fail`: unlisted PHP, .htaccess, .user.ini, scripts, ELF binaries. */
  readonly code: readonly FileFinding[];
  /**
   * Known quirks: unlisted files that match a known file by module, path and sha256 (`source` stock:
   * FreePBX's own release ships it; site: the site's own list), each listed. They do not fail the module.
   */
  readonly allowed: ReadonlyArray<{
    readonly path: string;
    readonly rule: string;
    readonly source?: 'stock' | 'site';
    readonly sha256?: string;
  }>;
  /** Files FreePBX installs at run time (node_modules/, assets/less/cache/) that are not code: expected. */
  readonly runtime: number;
  /** Other unlisted files (translations, docs, dotfiles): counted, not findings. */
  readonly other: number;
  readonly otherSample: readonly string[];
  /**
   * Places the walk could not look into (a directory that cannot be read or is too deep, a link leaving
   * the root or the confinement, a bound of the walk reached): each fails the module like unlisted code.
   */
  readonly notWalked: readonly FileFinding[];
  /** Worth a look, not failures: an unlisted file with an execute bit that is neither script nor binary. */
  readonly notes: readonly FileFinding[];
  /** Unlisted links to directories and what the walk did: walked (judged here), inside, module, seen. */
  readonly links: ReadonlyArray<{ readonly path: string; readonly target: string; readonly outcome: string }>;
  /** The `notWalked` entries as "path: reason" text (what report version 1 had; kept for its readers). */
  readonly unreadable: readonly string[];
}

export type UnlistedPolicy = 'ignore' | 'report' | 'fail';

export interface CertificationReport {
  readonly anchor: string;
  readonly userId: string;
  readonly created: string | null;
  readonly hash: string;
  readonly state: CertificationFact['state'];
  readonly reason?: string;
  readonly gnupgAccepts: boolean;
  /** The key file (or bundled key) that supplied this certification. */
  readonly source?: KeySourceReport;
}

/** A file that supplied key material: bundled with pbxsig, the installation's, or the user's `--keys`. */
export interface KeySourceReport {
  readonly origin: KeyOrigin;
  /** The file (`bundled:freepbx/<KEYID>.asc` for a key bundled with pbxsig). */
  readonly file: string;
}

/** Which key material judged a signer. */
export interface KeyMaterialReport {
  /** Every copy of the signer's key that was loaded, in load order: bundled, --keys, installation. */
  readonly copies: readonly KeySourceReport[];
  /**
   * The copy whose self-signature is in effect (expiry, key flags): the newest valid self-signature of
   * all copies wins, so a stale copy cannot make a refreshed key expired. Null when none is valid.
   */
  readonly selfSignature: (KeySourceReport & { readonly created: string | null }) | null;
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
  /** Which copies of the signer's key were loaded and which one's self-signature counts; null without the key. */
  readonly keyMaterial?: KeyMaterialReport | null;
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
  /**
   * What the module's signed module.xml says it is (null when module.xml is not listed or did not match
   * its digest). In an installation, a module whose rawname is not its directory name is a signed module
   * copied in under another module's name: `substituted`, and it does not pass. A module directory named
   * on the command line may be called anything: there a mismatch is only shown.
   */
  readonly identity: {
    readonly rawname: string | null;
    readonly version: string | null;
    readonly matchesDirectory: boolean;
    readonly substituted: boolean;
  } | null;
  /**
   * A type=local module of an installation (FreePBX 17, `sign.php --local`): its file list is the
   * secure manifest at `path` (/etc/freepbx.secure/<name>.sig inside the root), signed by `signer`.
   */
  readonly local: {
    readonly path: string;
    readonly state: 'absent' | 'refused' | 'read';
    readonly reason: string | null;
    readonly signer: SignerReport | null;
  } | null;
  readonly files: FilesReport;
  /** Null when not looked for (`--unlisted ignore`, or no usable manifest to compare with). */
  readonly unlisted: UnlistedReport | null;
  /** Verified, and (unless `--unlisted` says otherwise) no unlisted code and nothing left unwalked: what the exit status counts. */
  readonly passed: boolean;
  readonly warnings: readonly Notice[];
}

export interface InstallationReport {
  /** The installation's filesystem root ("/" on a live host). */
  readonly root: string;
  /** Each directory setting, its value inside the root, and where it came from. */
  readonly settings: Readonly<Record<string, { readonly value: string; readonly source: string }>>;
  readonly modulesDirectory: string;
}

export interface VerifyReport extends Envelope<typeof REPORT_SCHEMA, typeof REPORT_VERSION> {
  readonly settings: {
    readonly engine: string;
    readonly threads: number;
    readonly anchors: readonly string[];
    readonly keyFiles: readonly string[];
    readonly unlisted: UnlistedPolicy;
    /**
     * Where each setting came from, as the CLI settled it: `option`, `config FILE` (the configuration
     * file that set it) or `default`. Keys: root (an installation only), keys, anchors, unlisted,
     * report, threads, engine, allow. Absent from the library's own reports.
     */
    readonly sources?: Readonly<Record<string, string>>;
    /** The configuration files the CLI read, in order (empty when none). Absent from the library's reports. */
    readonly configFiles?: readonly string[];
  };
  /** Present when a whole installation was verified (`pbxsig verify --root`). */
  readonly installation: InstallationReport | null;
  readonly summary: {
    readonly modules: number;
    /** Modules whose verdict is "verified". */
    readonly verified: number;
    /** Modules that did not pass (verdict, or unlisted code under `--unlisted fail`). */
    readonly failed: number;
    /** Unlisted code files found, across modules. */
    readonly unlistedCode: number;
    readonly verdicts: Readonly<Record<Verdict, number>>;
    readonly files: number;
    readonly bytes: number;
  };
  readonly modules: readonly ModuleReport[];
  readonly warnings: readonly Notice[];
}
