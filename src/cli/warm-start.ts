// The CLI's first step: worker lanes for a command that will hash files, started before the command
// line is even parsed (lanes/warm.ts says why). The words are only looked at here, never trusted: a
// wrong guess starts a lane that is let go unused (a booted worker's CPU on another core), never a
// different result. The run decides its own lanes (verify/options.ts), from the parsed options and
// the configuration file this cannot see.

import { availableParallelism } from 'node:os';
import { warmLanes } from '../lanes/warm.js';
import { MAX_THREADS } from '../verify/options.js';

const HASHING_COMMANDS = new Set(['verify', 'audit']);

/** How many worker lanes to warm for these command-line words (argv without node and the script). */
export function lanesToWarm(args: readonly string[], cores = availableParallelism(), maxThreads = MAX_THREADS): number {
  if (!HASHING_COMMANDS.has(args[0] ?? '')) return 0;
  let threads: string | undefined = 'auto';
  for (let i = 1; i < args.length; i++) {
    const word = args[i] as string;
    if (word === '--') break;
    // Help prints text; a fleet audit hashes on the fleet's workers, not here.
    if (word === '--help' || word === '-h' || word === '--queue' || word.startsWith('--queue=')) return 0;
    if (word === '--threads' || word === '-j') threads = args[i + 1];
    else if (word.startsWith('--threads=')) threads = word.slice('--threads='.length);
    else if (word.startsWith('-j') && word.length > 2 && !word.startsWith('--')) threads = word.slice(2);
  }
  if (threads === 'auto') return Math.max(0, cores - 1);
  if (threads === undefined || !/^\d+$/.test(threads)) return 0;
  return Math.max(0, Math.min(Number(threads), maxThreads) - 1);
}

/** Warms the lanes these words call for. */
export function warmStart(args: readonly string[]): void {
  warmLanes(lanesToWarm(args));
}

export { releaseWarmLanes } from '../lanes/warm.js';
