// The CLI's first step: worker lanes for a command that will hash files, started before the command
// line is even parsed (lanes/warm.ts says why). The words are only looked at here, never trusted: a
// wrong guess either starts a lane that is let go unused (a booted worker's CPU on another core) or
// starts none (the run then starts its own, as a library caller's does); never a different result.
// The run decides its own lanes (verify/options.ts), from the parsed options and the configuration
// file this cannot see.
//
// A verify too small for a lane (fewer than WORKER_PAYS_FROM_FILES listed files, guessed from the
// sizes of its module.sig files: work-estimate.ts) warms none: a lane booted and then left unused
// still slows the main thread (measured on a FreePBX 14-shape run on Node 18, against a run that
// starts a lane and uses it: 0.94x the time with no lane started, 1.12x with one started and left
// unused), and under "auto" the run then keeps the work on the main thread.

import { availableParallelism } from 'node:os';
import { warmLanes } from '../lanes/warm.js';
import { optimiseLateDuringStartup } from './tiering.js';
import { MAX_THREADS, WORKER_PAYS_FROM_FILES } from '../verify/options.js';
import { FREEPBX_DEFAULTS } from '../install/settings.js';
import { BYTES_PER_LISTED_FILE, moduleDirsOf, sigBytesReach } from './work-estimate.js';
import { commandNamed } from './spec.js';
import type { OptionSpec } from './spec.js';

const HASHING_COMMANDS = new Set(['verify', 'audit']);

/** The words that decide the lanes: what warm-start reads of a command line, nothing more. */
export interface LaneWords {
  readonly command: string;
  /** --threads as given ("auto" when not), undefined when it has no value. */
  readonly threads: string | undefined;
  /** Positional words: module directories for verify, roots for audit. */
  readonly positionals: readonly string[];
  readonly root: string | undefined;
  readonly webroot: string | undefined;
  /** --module names (verify of an installation). */
  readonly only: readonly string[];
}

/** Reads the lane-deciding words of a hashing command; undefined when the command hashes nothing here. */
export function laneWords(args: readonly string[]): LaneWords | undefined {
  const command = args[0] ?? '';
  const spec = HASHING_COMMANDS.has(command) ? commandNamed(command) : undefined;
  if (!spec) return undefined;
  const options = new Map<string, OptionSpec>();
  for (const option of spec.options) {
    options.set(`--${option.name}`, option);
    if (option.alias !== undefined) options.set(`-${option.alias}`, option);
  }
  let threads: string | undefined = 'auto';
  let root: string | undefined;
  let webroot: string | undefined;
  const positionals: string[] = [];
  const only: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const word = args[i] as string;
    if (word === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    // Help prints text; a fleet audit hashes on the fleet's workers, not here.
    if (word === '--help' || word === '-h' || word === '--queue' || word.startsWith('--queue=')) return undefined;
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    const attached = equals === -1 ? undefined : word.slice(equals + 1);
    const option = options.get(name);
    const takesNext =
      attached === undefined && option !== undefined && option.kind !== 'flag' && option.kind !== 'output';
    const value = takesNext ? args[++i] : attached;
    if (option?.name === 'threads') threads = value;
    else if (option?.name === 'root') root = value;
    else if (option?.name === 'webroot') webroot = value;
    else if (option?.name === 'module' && value !== undefined) only.push(value);
    else if (name.startsWith('-j') && !name.startsWith('--') && name.length > 2) threads = name.slice(2);
  }
  return { command, threads, positionals, root, webroot, only };
}

/**
 * Whether a verify's work is too small for a worker lane to pay for its start: its module.sig files
 * list fewer than WORKER_PAYS_FROM_FILES files. False when that cannot be told (the run then decides
 * with lanes warm, as it would without this guess).
 */
export function smallVerify(words: LaneWords): boolean {
  if (words.command !== 'verify') return false;
  const dirs =
    words.positionals.length > 0
      ? words.positionals
      : moduleDirsOf(words.root ?? '/', words.webroot ?? FREEPBX_DEFAULTS.webroot, words.only);
  return dirs !== undefined && !sigBytesReach(dirs, WORKER_PAYS_FROM_FILES * BYTES_PER_LISTED_FILE);
}

/**
 * How many worker lanes to warm for these command-line words (argv without node and the script).
 * `small` says whether a verify's work is too small for a lane (smallVerify, which looks at the disk).
 */
export function lanesToWarm(
  args: readonly string[],
  cores = availableParallelism(),
  maxThreads = MAX_THREADS,
  small: (words: LaneWords) => boolean = smallVerify,
): number {
  const words = laneWords(args);
  if (!words) return 0;
  const { command, threads } = words;
  // `verify DIR`: one module, one unit; a second lane would have nothing to claim.
  if (command === 'verify' && words.positionals.length === 1) return 0;
  if (threads === undefined || (threads !== 'auto' && !/^\d+$/.test(threads))) return 0;
  if (threads !== 'auto') return Math.max(0, Math.min(Number(threads), maxThreads) - 1);
  if (cores <= 1 || small(words)) return 0;
  return cores - 1;
}

/**
 * Warms the lanes these words call for. A run with worker lanes also starts with V8 optimising late
 * (tiering.ts); a run on the main thread alone does not: that thread does its units without a break
 * in which the timer that ends start-up could fire, so it would run cold code much longer (in the
 * benchmark, `--threads 0` on the FreePBX 17 shape went from 0.94x to 1.04x of FreePBX's method's time).
 */
export function warmStart(args: readonly string[]): void {
  let lanes: number;
  try {
    lanes = lanesToWarm(args);
  } catch {
    // A guess that fails (a root that cannot be read: the run will say so) starts nothing.
    return;
  }
  warmLanes(lanes);
  if (lanes > 0) optimiseLateDuringStartup();
}

export { releaseWarmLanes } from '../lanes/warm.js';
