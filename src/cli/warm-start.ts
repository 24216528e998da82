// The CLI's first step: worker lanes for a command that will hash files, started before the command
// line is even parsed (lanes/warm.ts says why). The words are only looked at here, never trusted: a
// wrong guess either starts a lane that is let go unused (a booted worker's CPU on another core) or
// starts none (the run then starts its own, as a library caller's does); never a different result.
// The run decides its own lanes (verify/options.ts), from the parsed options and the configuration
// file this cannot see.

import { availableParallelism } from 'node:os';
import { warmLanes } from '../lanes/warm.js';
import { optimiseLateDuringStartup } from './tiering.js';
import { MAX_THREADS } from '../verify/options.js';
import { commandNamed } from './spec.js';
import type { OptionSpec } from './spec.js';

const HASHING_COMMANDS = new Set(['verify', 'audit']);

/** How many worker lanes to warm for these command-line words (argv without node and the script). */
export function lanesToWarm(args: readonly string[], cores = availableParallelism(), maxThreads = MAX_THREADS): number {
  const command = args[0] ?? '';
  const spec = HASHING_COMMANDS.has(command) ? commandNamed(command) : undefined;
  if (!spec) return 0;
  const options = new Map<string, OptionSpec>();
  for (const option of spec.options) {
    options.set(`--${option.name}`, option);
    if (option.alias !== undefined) options.set(`-${option.alias}`, option);
  }
  let threads: string | undefined = 'auto';
  let directories = 0;
  for (let i = 1; i < args.length; i++) {
    const word = args[i] as string;
    if (word === '--') {
      directories += args.length - i - 1;
      break;
    }
    // Help prints text; a fleet audit hashes on the fleet's workers, not here.
    if (word === '--help' || word === '-h' || word === '--queue' || word.startsWith('--queue=')) return 0;
    if (!word.startsWith('-') || word === '-') {
      directories++;
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
    else if (name.startsWith('-j') && !name.startsWith('--') && name.length > 2) threads = name.slice(2);
  }
  // `verify DIR`: one module, one unit; a second lane would have nothing to claim.
  if (command === 'verify' && directories === 1) return 0;
  if (threads === 'auto') return Math.max(0, cores - 1);
  if (threads === undefined || !/^\d+$/.test(threads)) return 0;
  return Math.max(0, Math.min(Number(threads), maxThreads) - 1);
}

/**
 * Warms the lanes these words call for. A run with worker lanes also starts with V8 optimising late
 * (tiering.ts); a run on the main thread alone does not: that thread does its units without a break
 * in which the timer that ends start-up could fire, so it would run cold code much longer (in the
 * benchmark, `--threads 0` on the FreePBX 17 shape went from 0.94x to 1.04x of FreePBX's method's time).
 */
export function warmStart(args: readonly string[]): void {
  const lanes = lanesToWarm(args);
  warmLanes(lanes);
  if (lanes > 0) optimiseLateDuringStartup();
}

export { releaseWarmLanes } from '../lanes/warm.js';
