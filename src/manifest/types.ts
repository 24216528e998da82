// The parsed FreePBX manifest: what a module.sig's signed text says. Values here are parsed from
// signed text but are still attacker-controlled until the signature and its signer are accepted.

export interface ManifestEntry {
  /** Relative POSIX path as listed (validated: no "..", no absolute path, no NUL). */
  readonly path: string;
  /** Expected SHA-256, 64 lower-case hex digits. */
  readonly digest: string;
  /** 1-based line in module.sig. */
  readonly line: number;
}

/**
 * A [hashes] line we refuse. The manifest is then invalid (fail closed), but its other entries are
 * still checked so the report shows everything.
 * - MANIFEST_UNSAFE_PATH: absolute, "..", ".", empty component, NUL or over-long path.
 * - MANIFEST_DUPLICATE_PATH: listed twice (PHP would silently keep the last).
 * - MANIFEST_BAD_DIGEST: not 64 lower-case hex digits.
 * - MANIFEST_BAD_LINE: a [hashes] line with no "=" (PHP would silently drop it).
 * - MANIFEST_NO_HASHES: no [hashes] section at all (FreePBX then checks nothing and says "good").
 */
export type ManifestIssueCode =
  | 'MANIFEST_UNSAFE_PATH'
  | 'MANIFEST_DUPLICATE_PATH'
  | 'MANIFEST_BAD_DIGEST'
  | 'MANIFEST_BAD_LINE'
  | 'MANIFEST_NO_HASHES';

export interface ManifestIssue {
  readonly code: ManifestIssueCode;
  readonly line: number;
  readonly message: string;
  readonly path?: string;
}

export interface ManifestConfig {
  /** `version`: "1" (mirror) or "2" (sign.php); FreePBX reads `type` and `expiresafter` only when > 1. */
  readonly version: string | undefined;
  /** `type`: "public", "local" or "system" (version 2 only). */
  readonly type: string | undefined;
  /** `expiresafter`: Unix time after which FreePBX treats the signature as revoked (version 2). */
  readonly expiresAfter: number | undefined;
  readonly signedWith: string | undefined;
  readonly signedBy: string | undefined;
  readonly repo: string | undefined;
  /** `timestamp`: the mirror's signing time, a float epoch. */
  readonly timestamp: string | undefined;
  /** Every [config] key as written (trimmed), for reports. */
  readonly raw: Readonly<Record<string, string>>;
}

export interface Manifest {
  readonly config: ManifestConfig;
  readonly entries: readonly ManifestEntry[];
  readonly issues: readonly ManifestIssue[];
  /**
   * Paths containing "[": PHP's INI parser turns `a[b] = ...` into an array, so FreePBX cannot check
   * such a file and always reports it altered. We check the literal path and note the difference.
   */
  readonly phpArrayPaths: readonly string[];
}

export interface ManifestLimits {
  /** Largest module.sig accepted, in bytes. */
  readonly maxBytes: number;
  /** Most [hashes] entries accepted. */
  readonly maxEntries: number;
}

// Framework's manifest, the largest real one, is 1.3 MB with 8,108 entries; these caps leave room for
// synthetic trees of a million files while refusing a file crafted to exhaust memory.
export const DEFAULT_LIMITS: ManifestLimits = {
  maxBytes: 256 * 1024 * 1024,
  maxEntries: 2_000_000,
};
