// What a lane finds out about one module, as plain data (it crosses threads as a structured clone):
// module.sig as read and parsed, the outcome of every listed file, the unlisted files, the module's
// identity. Nothing here has been judged: the signature is checked, and the verdict decided, on the
// main thread (judge.ts, module-report.ts). Findings carry their own paths and locations, so the main
// thread needs neither the manifest nor the module's plan to build the report.

import type { ManifestErrorCode } from '../errors.js';
import type { ManifestConfig, ManifestIssue } from '../manifest/types.js';
import type { FileFinding } from '../report/types.js';
import type { WalkResult } from '../unlisted/walk.js';
import type { LocalEvidence } from './local-signature.js';

/** A ManifestError as data: errors lose their class and fields when cloned across threads. */
export interface ManifestProblem {
  readonly code: ManifestErrorCode;
  readonly message: string;
}

export type SigEvidence =
  | { readonly state: 'missing' }
  | { readonly state: 'unreadable'; readonly problem: ManifestProblem }
  | {
      readonly state: 'read';
      /** SHA-256 of module.sig's bytes: identical files are judged once. */
      readonly digest: string;
      readonly hashHeaders: readonly string[];
      /** Non-blank lines outside the clear-signed block (ignored). */
      readonly linesOutside: number;
      /** Where the clear-signed framing strays from the standard and GnuPG reads it anyway (cleartext.ts). */
      readonly framing: {
        readonly badDashLines: number;
        readonly firstBadDashLine: number | undefined;
        readonly badHeader: string | undefined;
        readonly unsupportedHeader: string | undefined;
      };
    };

/**
 * A signed text handed to the main thread to be judged once per distinct file: module.sig's, or a
 * type=local module's secure manifest (local-signature.ts).
 */
export interface SignedText {
  readonly role: 'module' | 'local';
  /** textDigest(raw): checked again where the text arrives. */
  readonly digest: string;
  /** The whole file as read (read-module-sig.ts): the judge splits it itself. */
  readonly raw: string;
}

export type ManifestEvidence =
  | {
      readonly state: 'parsed';
      readonly config: ManifestConfig;
      /** Lines of [hashes], refused ones included. */
      readonly entries: number;
      /** Entries pbxsig accepts (each is checked, or skipped as FreePBX skips it). */
      readonly usable: number;
      /** The first refused lines (see limits.ts MANIFEST_ISSUES_KEPT); `issueCount` counts them all. */
      readonly issues: readonly ManifestIssue[];
      readonly issueCount: number;
      readonly phpArrayPaths: readonly string[];
    }
  | { readonly state: 'refused'; readonly problem: ManifestProblem };

/** A FreePBX detail line ("<path> altered" / "<path> missing") with the manifest line it comes from. */
export interface FreepbxDetail {
  readonly line: number;
  readonly text: string;
}

export interface FilesEvidence {
  /** Entries that FreePBX checks (not skipped). */
  readonly listed: number;
  /** Listed paths FreePBX does not check either (framework's amp_conf/astetc/, ...). */
  readonly skipped: number;
  readonly checked: number;
  readonly matched: number;
  readonly bytes: number;
  readonly viaSymlink: number;
  readonly altered: readonly FileFinding[];
  readonly missing: readonly FileFinding[];
  readonly unreadable: readonly FileFinding[];
  readonly unsafe: readonly FileFinding[];
  /** What FreePBX would list for these files, by manifest line. */
  readonly freepbx: readonly FreepbxDetail[];
  /** Altered files FreePBX's loose != takes as unchanged ("0e..." digests read as numbers). */
  readonly looseMatches: readonly string[];
}

/** The module's own description (module.xml), read only when its bytes matched the signed digest. */
export interface ModuleIdentity {
  readonly rawname: string | null;
  readonly version: string | null;
}

export interface ModuleEvidence {
  readonly sig: SigEvidence;
  /** Absent when there is no signed text to parse. */
  readonly manifest: ManifestEvidence | null;
  readonly files: FilesEvidence;
  /** Null when not walked (no usable manifest, `--unlisted ignore`, or not yet: see `rest`). */
  readonly walk: WalkResult | null;
  readonly identity: ModuleIdentity | null;
  /**
   * Entries from this index on were not checked yet: a manifest larger than the bound for text whose
   * signature is not known to be good and trusted gets a bounded look first (see limits.ts).
   */
  readonly rest: { readonly from: number; readonly reason: string } | null;
  /** A type=local module of an installation: its secure manifest, as FreePBX's checks found it. */
  readonly local: (LocalEvidence & { readonly manifest: ManifestEvidence | null }) | null;
  /** FreePBX's details for module.sig's own list, when the files checked came from the secure manifest. */
  readonly ownListDetails: readonly FreepbxDetail[] | null;
}

export const NO_FILES: FilesEvidence = {
  listed: 0,
  skipped: 0,
  checked: 0,
  matched: 0,
  bytes: 0,
  viaSymlink: 0,
  altered: [],
  missing: [],
  unreadable: [],
  unsafe: [],
  freepbx: [],
  looseMatches: [],
};

/** A module whose module.sig (or `what`, its secure manifest) changed while it was being verified. */
export function changedMeanwhile(what: string): ModuleEvidence {
  const problem = { code: 'MANIFEST_UNREADABLE' as const, message: `${what} changed while it was being verified` };
  return {
    sig: { state: 'unreadable', problem },
    manifest: null,
    files: NO_FILES,
    walk: null,
    identity: null,
    rest: null,
    local: null,
    ownListDetails: null,
  };
}

/** The evidence of a module's continuation added to what its first look found. */
export function mergeFiles(first: FilesEvidence, rest: FilesEvidence): FilesEvidence {
  return {
    listed: first.listed + rest.listed,
    skipped: first.skipped + rest.skipped,
    checked: first.checked + rest.checked,
    matched: first.matched + rest.matched,
    bytes: first.bytes + rest.bytes,
    viaSymlink: first.viaSymlink + rest.viaSymlink,
    altered: [...first.altered, ...rest.altered],
    missing: [...first.missing, ...rest.missing],
    unreadable: [...first.unreadable, ...rest.unreadable],
    unsafe: [...first.unsafe, ...rest.unsafe],
    freepbx: [...first.freepbx, ...rest.freepbx],
    looseMatches: [...first.looseMatches, ...rest.looseMatches],
  };
}
