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
 * A line of the manifest pbxsig refuses where PHP, and so FreePBX, reads on: pbxsig is stricter on
 * purpose. The manifest is then invalid (fail closed), but its other entries are still checked so the
 * report shows everything, and FreePBX's own status is still computed from what PHP reads.
 * - MANIFEST_UNSAFE_PATH: absolute, "..", ".", empty component or over-long path.
 * - MANIFEST_DUPLICATE_PATH: listed twice (PHP keeps the last digest, where the path first appeared).
 * - MANIFEST_BAD_DIGEST: the value PHP reads is not 64 lower-case hex digits, or PHP computes it
 *   (a ${variable}, a constant, an operator).
 * - MANIFEST_BAD_LINE: a [hashes] line PHP drops or reads as something else: a key without "=" (other
 *   than a "#" comment line such as FreePBX 12's "# End"), a key cut by ";" or a tab, a "hashes" or
 *   "config" key outside any section.
 * - MANIFEST_REPEATED_SECTION: a second [hashes] (PHP empties the first one's entries).
 * - MANIFEST_NUL_BYTE: a NUL in the text: PHP stops reading there and FreePBX ignores the rest.
 * - MANIFEST_NO_HASHES: no [hashes] section at all (FreePBX then checks nothing and says "good").
 */
export type ManifestIssueCode =
  | 'MANIFEST_UNSAFE_PATH'
  | 'MANIFEST_DUPLICATE_PATH'
  | 'MANIFEST_BAD_DIGEST'
  | 'MANIFEST_BAD_LINE'
  | 'MANIFEST_REPEATED_SECTION'
  | 'MANIFEST_NUL_BYTE'
  | 'MANIFEST_NO_HASHES';

export interface ManifestIssue {
  readonly code: ManifestIssueCode;
  readonly line: number;
  readonly message: string;
  readonly path?: string;
}

/** An entry as FreePBX iterates it: `foreach ($module['hashes'] as $file => $hash)`. */
export interface FreepbxHashEntry {
  /** The key PHP read: the path FreePBX checks (FreePBX maps it with getDestination()). */
  readonly path: string;
  /** The value PHP read, compared with PHP's loose != to the file's SHA-256; null for an array (`a[b] = ...`). */
  readonly digest: string | null;
  /** 1-based line in module.sig of the statement that set it last. */
  readonly line: number;
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
  /** `hash`: always "sha256"; FreePBX ignores it and compares SHA-256 digests whatever it says. */
  readonly hash: string | undefined;
  /** Every [config] key with the value PHP read (arrays left out), for reports. */
  readonly raw: Readonly<Record<string, string>>;
}

export interface Manifest {
  readonly config: ManifestConfig;
  readonly entries: readonly ManifestEntry[];
  readonly issues: readonly ManifestIssue[];
  /**
   * Paths PHP reads as `key[offset] = digest`: FreePBX gets an array for `key` and reports that file
   * altered (or missing), whatever the file holds. pbxsig checks the literal path ("key[offset]").
   */
  readonly phpArrayPaths: readonly string[];
  /**
   * What FreePBX checks, as PHP's parse_ini_string() returns [hashes]: in PHP's order, a path listed
   * twice once (at its first place, with its last digest). The very array `entries` when the two agree
   * (every manifest pbxsig accepts), so the common case costs nothing.
   */
  readonly freepbxHashes: readonly FreepbxHashEntry[];
  /** [hashes] lines PHP drops without a word and pbxsig accepts too: "#" lines such as FreePBX 12's "# End". */
  readonly commentLines: number;
}

/**
 * Bounds on the work a module.sig can cause before its signature is known to be good: everything in it
 * is attacker-controlled. Past a bound the module gets MANIFEST_TOO_LARGE (a finding for that module;
 * the run goes on) and nothing of the manifest is used.
 */
export interface ManifestLimits {
  /** Largest module.sig accepted, in bytes. */
  readonly maxBytes: number;
  /** Most [hashes] entries (and refused [hashes] lines) accepted. */
  readonly maxEntries: number;
  /** Most lines in the signed text. */
  readonly maxLines: number;
  /** Longest line of the signed text and its armor, in characters. */
  readonly maxLineLength: number;
}

// Chosen from what real and benchmark manifests need, with room to spare, while keeping the memory a
// hostile module.sig can take small (the text, plus one object per entry, is all parsing keeps):
// - maxEntries: framework's manifest, the largest real one, lists 8,108 files. The benchmark's modules
//   hold up to 8,000 files (its 500,000-file installation is 239 such modules) and its uncapped
//   100,000-file installation gives framework about 31,000. 100,000 is 12 times the largest real one.
// - maxBytes: framework's real manifest is 1.3 MB, 160 bytes a line; 100,000 entries of that size are
//   16 MB. 32 MiB leaves twice that; a flood of newlines or junk beyond it is refused unread.
// - maxLines: two lines per entry (room for comments and blank lines) would be 200,000.
// - maxLineLength: a [hashes] line is a path of at most 4,096 bytes (PATH_MAX), " = " and 64 digits.
//   GnuPG itself cuts lines of signed text at 19,995 characters; 16,384 is between the two.
export const DEFAULT_LIMITS: ManifestLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxEntries: 100_000,
  maxLines: 200_000,
  maxLineLength: 16_384,
};

/** Sections, and keys outside [hashes] (real manifests have 2 sections and about 8 keys, all in [config]). */
export const MAX_OTHER_KEYS = 1_000;
