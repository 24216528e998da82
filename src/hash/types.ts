// Messages between the coordinator and the hashing workers. Plain data only: errors thrown in a
// worker lose their class and code when cloned across threads, so every expected outcome (missing,
// unsafe, unreadable) is a value. Results are packed (a status byte and a size per file, details only
// for the few failures): cloning an object per file back to the main thread cost more than hashing.

export type EngineName = 'node' | 'wasm';
export type EngineChoice = EngineName | 'auto';
/** FreePBX manifests list SHA-256 only; the type leaves room for more. */
export type HashAlgorithm = 'sha256';
export const DIGEST_BYTES = 32;

/** One file to check: `path` is relative to `root`, resolved inside it, and must land inside `confine`. */
export interface HashJob {
  /** Real absolute directory that "/" means for symbolic links: "/" on a live host, the snapshot for --root. */
  readonly root: string;
  /** Real absolute directory the file must resolve into (the module directory, or the root). */
  readonly confine: string;
  /** Path relative to root, without a leading "/". */
  readonly path: string;
  /** Expected digest, lower-case hex; empty to ask for the digest (signing). */
  readonly expected: string;
}

export interface HashTask {
  /** Identifies one HashPool run: directory resolutions are cached for a run, never across runs. */
  readonly run: string;
  readonly engine: EngineName;
  readonly algorithm: HashAlgorithm;
  readonly root: string;
  readonly confine: string;
  readonly paths: readonly string[];
  /**
   * Expected digests, lower-case hex, joined in the order of `paths` (the worker decodes them).
   * Empty to ask for the digests instead (signing): they come back in HashTaskResult.digests.
   */
  readonly expected: string;
  /** Stop after this many milliseconds and hand the rest back, so one huge file cannot stall a batch. */
  readonly budgetMs: number;
}

/** Per-file status codes in HashTaskResult.status (low 7 bits); VIA_LINK is or-ed in. */
export const FILE = {
  MATCH: 0,
  MISMATCH: 1,
  MISSING: 2,
  UNSAFE: 3,
  UNREADABLE: 4,
  PENDING: 0x7f,
  VIA_LINK: 0x80,
} as const;

/** Why a file did not match: the reason (missing, unsafe, unreadable) or the digest found. */
export interface FileDetail {
  readonly index: number;
  readonly reason?: string;
  readonly actual?: string;
}

/** Results for the first `done` paths of the task, in order; the coordinator requeues the rest. */
export interface HashTaskResult {
  readonly done: number;
  readonly status: Uint8Array;
  readonly size: Float64Array;
  readonly details: readonly FileDetail[];
  /** DIGEST_BYTES per path, when the task gave no expected digests. */
  readonly digests?: Uint8Array;
}
