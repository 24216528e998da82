// Messages between the coordinator and the hashing workers. Plain data only: errors thrown in a
// worker lose their class and code when cloned across threads, so every expected outcome (missing,
// unsafe, unreadable) is a value.

export type EngineName = 'node' | 'wasm';
export type EngineChoice = EngineName | 'auto';
/** FreePBX manifests list SHA-256 only; the type leaves room for more. */
export type HashAlgorithm = 'sha256';

/** One file to hash: `path` is relative to `root`, resolved inside it, and must land inside `confine`. */
export interface HashJob {
  /** Real absolute directory that "/" means for symbolic links: "/" on a live host, the snapshot for --root. */
  readonly root: string;
  /** Real absolute directory the file must resolve into (the module directory, or the root). */
  readonly confine: string;
  /** Path relative to root, without a leading "/". */
  readonly path: string;
}

export interface HashTask {
  readonly engine: EngineName;
  readonly algorithm: HashAlgorithm;
  readonly root: string;
  readonly confine: string;
  readonly paths: readonly string[];
  /** Stop after this many milliseconds and hand the rest back, so one huge file cannot stall a batch. */
  readonly budgetMs: number;
}

export type FileOutcome =
  | { readonly status: 'ok'; readonly digest: string; readonly size: number; readonly target?: string }
  | { readonly status: 'missing'; readonly reason: string }
  | { readonly status: 'unsafe'; readonly reason: string }
  | { readonly status: 'unreadable'; readonly reason: string };

/** Outcomes for a prefix of the task's paths, in order; the coordinator requeues the rest. */
export interface HashTaskResult {
  readonly outcomes: readonly FileOutcome[];
}
