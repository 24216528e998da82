// Wall time of whole cold processes: what a user (or a boot script) waits for, start-up included.
//
// Each run is one spawnSync() timed with performance.now() around it: fork, exec, Node's start-up and
// imports, the work, exit. Same discipline as measure.ts: a warm-up run of every command first (page
// cache, disk-backed binaries), then rounds in which every command runs once, starting one further along
// each round, so slow drifts spread over all commands. A run that exits nonzero stops the benchmark:
// a fast failure is not a result.

import { spawnSync } from 'node:child_process';
import { hostEnvironment } from './environment.js';
import { median } from './stats.js';

export interface ProcessCommand {
  readonly id: string;
  readonly label: string;
  /** The command as the report shows it: placeholders (ROOT, FPR, ...), never this machine's paths. */
  readonly shown: string;
  readonly file: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL) after this long; the outcome then says timedOut. Default: no limit. */
  readonly timeoutMs?: number;
}

export interface ProcessResult {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

export interface RunOutcome {
  readonly ms: number;
  readonly status: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Killed for running past the command's timeoutMs. */
  readonly timedOut: boolean;
}

/**
 * Runs a command once in `cwd`. Stdout goes to /dev/null unless `captureStdout` (the timed runs do as
 * `> /dev/null` would); stderr is always captured, to explain a failure.
 */
export function runOnce(command: ProcessCommand, cwd: string, captureStdout = false): RunOutcome {
  const started = performance.now();
  const child = spawnSync(command.file, command.args, {
    cwd,
    env: command.env ?? hostEnvironment(),
    stdio: ['ignore', captureStdout ? 'pipe' : 'ignore', 'pipe'],
    encoding: 'utf8',
    // pbxsig's --json report of 26k files is several MB.
    maxBuffer: 256 * 1024 * 1024,
    ...(command.timeoutMs === undefined ? {} : { timeout: command.timeoutMs, killSignal: 'SIGKILL' as const }),
  });
  const ms = performance.now() - started;
  const timedOut = (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (child.error && !timedOut) throw new Error(`${command.shown}: could not run: ${child.error.message}`);
  return {
    ms,
    status: child.status,
    signal: child.signal,
    stdout: child.stdout ?? '',
    stderr: child.stderr ?? '',
    timedOut,
  };
}

/** One warm-up run of each command, then `rounds` interleaved timed rounds. */
export async function timeInterleaved(
  commands: readonly ProcessCommand[],
  rounds: number,
  cwd: string,
  progress: (line: string) => void,
): Promise<ProcessResult[]> {
  for (const command of commands) {
    progress(`  warm-up ${command.label}: ${Math.round(mustSucceed(command, cwd))} ms`);
    await betweenRuns();
  }
  const samples = new Map<string, number[]>(commands.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    const order = commands.map((_, i) => commands[(i + round) % commands.length] as ProcessCommand);
    for (const command of order) {
      samples.get(command.id)?.push(mustSucceed(command, cwd));
      await betweenRuns();
    }
    progress(`  round ${round + 1}/${rounds} done`);
  }
  return commands.map((command) => {
    const ms = samples.get(command.id) ?? [];
    return {
      id: command.id,
      label: command.label,
      command: command.shown,
      samplesMs: ms,
      medianMs: median(ms),
      minMs: Math.min(...ms),
      maxMs: Math.max(...ms),
    };
  });
}

/**
 * One turn of the event loop between runs: spawnSync() blocks it, so without this a SIGINT to the
 * benchmark would wait for the whole suite before run.ts's handler removes the temp dir.
 */
export function betweenRuns(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function mustSucceed(command: ProcessCommand, cwd: string): number {
  const outcome = runOnce(command, cwd);
  if (outcome.status !== 0) {
    throw new Error(
      `${command.shown}: exit ${outcome.status ?? outcome.signal}${outcome.stderr ? `\n${outcome.stderr.slice(0, 4000)}` : ''}`,
    );
  }
  return outcome.ms;
}

/** Median of `than` divided by median of `faster`: above 1, `faster` is faster. */
export function speedup(results: readonly ProcessResult[], faster: string, than: string): number {
  const a = results.find((r) => r.id === faster);
  const b = results.find((r) => r.id === than);
  return a && b ? b.medianMs / a.medianMs : Number.NaN;
}
