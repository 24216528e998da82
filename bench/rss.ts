// Peak resident set size of a cold process: what a verify of a huge tree costs in memory.
//
// GNU time (`/usr/bin/time -f %M`) when it is there and works: it reports the process's maximum RSS,
// worker threads included (they share the process). Without it, a module preloaded into the Node
// process with --import writes process.resourceUsage().maxRSS (getrusage, KiB on Linux) at exit.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hostEnvironment } from './environment.js';
import { runOnce } from './processes.js';
import type { ProcessCommand } from './processes.js';

const TIME = '/usr/bin/time';

export interface RssProbe {
  /** How the peak is read, for the report (no paths of this machine). */
  readonly method: string;
  /**
   * Whether wrap() takes any command (GNU time, which also counts the command's children); without
   * it, wrap() only works on a Node command itself (it adds --import to its arguments).
   */
  readonly wrapsAnyCommand: boolean;
  /** The command wrapped so that its peak RSS lands in `out`. */
  wrap(command: ProcessCommand, out: string): ProcessCommand;
  /** Peak RSS in KiB, or null. */
  read(out: string): number | null;
}

export interface MeasuredRun {
  readonly ms: number;
  readonly status: number | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak RSS in KiB, or null when it could not be read. */
  readonly rssKiB: number | null;
}

/** GNU time when it is there and works; else a hook preloaded into pbxsig's process (files kept in `dir`). */
export function rssProbe(dir: string): RssProbe {
  const out = join(dir, 'rss.txt');
  if (existsSync(TIME) && runsTime(out) && readKiB(out) !== null) {
    return {
      method: `${TIME} -f %M (maximum resident set size of the process, worker threads included)`,
      wrapsAnyCommand: true,
      wrap: (command, file) => ({
        ...command,
        file: TIME,
        args: ['-f', '%M', '-o', file, command.file, ...command.args],
      }),
      read: readKiB,
    };
  }
  // Without GNU time: a module preloaded with --import writes getrusage's maxRSS (KiB on Linux) at exit.
  const hook = join(dir, 'rss-hook.mjs');
  writeFileSync(
    hook,
    "import { writeFileSync } from 'node:fs';\nimport { isMainThread } from 'node:worker_threads';\n" +
      "const out = process.env.PBXSIG_BENCH_RSS_FILE;\nif (isMainThread && out) process.on('exit', () => writeFileSync(out, `${process.resourceUsage().maxRSS}\\n`));\n",
  );
  return {
    method:
      'process.resourceUsage().maxRSS written at exit by a module preloaded with node --import (no /usr/bin/time here)',
    wrapsAnyCommand: false,
    wrap: (command, file) => ({
      ...command,
      args: ['--import', pathToFileURL(hook).href, ...command.args],
      env: { ...(command.env ?? hostEnvironment()), PBXSIG_BENCH_RSS_FILE: file },
    }),
    read: readKiB,
  };
}

/** A time limit on a measured run. */
export interface RunLimit {
  readonly timeoutMs: number;
  /**
   * Stop it with coreutils `timeout -k 5`, which signals the whole process group (pbxsig's workers
   * too); else only with spawnSync's own timeout, which kills the direct child alone.
   */
  readonly useTimeoutCommand: boolean;
}

/** Whether coreutils `timeout` is there. */
export function hasTimeoutCommand(): boolean {
  return spawnSync('timeout', ['--version']).status === 0;
}

/**
 * One run of `command` in `cwd` through the probe, under `limit` if given; its peak RSS is read from
 * `dir`/rss.txt. GNU time goes outside `timeout` (it counts its children), the preloaded hook inside
 * (on node itself).
 */
export function measuredRun(
  command: ProcessCommand,
  probe: RssProbe,
  dir: string,
  cwd: string,
  captureStdout = false,
  limit?: RunLimit,
): MeasuredRun {
  const file = join(dir, 'rss.txt');
  rmSync(file, { force: true });
  const limited = (inner: ProcessCommand): ProcessCommand =>
    limit === undefined
      ? inner
      : limit.useTimeoutCommand
        ? {
            ...inner,
            file: 'timeout',
            args: ['-k', '5', `${limit.timeoutMs / 1000}`, inner.file, ...inner.args],
            // A last resort, in case `timeout` itself is stuck.
            timeoutMs: limit.timeoutMs + 30_000,
          }
        : { ...inner, timeoutMs: limit.timeoutMs };
  const wrapped = probe.wrapsAnyCommand ? probe.wrap(limited(command), file) : limited(probe.wrap(command, file));
  const outcome = runOnce(wrapped, cwd, captureStdout);
  // coreutils timeout exits 124 when it stopped the command at the limit (137 when it had to kill it).
  const stopped =
    limit !== undefined &&
    limit.useTimeoutCommand &&
    (outcome.status === 124 || outcome.status === 137) &&
    outcome.ms >= limit.timeoutMs;
  return {
    ms: outcome.ms,
    status: outcome.status,
    timedOut: outcome.timedOut || stopped,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    rssKiB: probe.read(file),
  };
}

export function kibToMiB(kib: number | null): number | null {
  return kib === null ? null : kib / 1024;
}

function runsTime(out: string): boolean {
  return spawnSync(TIME, ['-f', '%M', '-o', out, 'true']).status === 0;
}

/** The last number in the file (GNU time writes "Command exited with non-zero status 1" first). */
function readKiB(file: string): number | null {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const value = Number(lines[lines.length - 1]);
    return Number.isFinite(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

/** The larger of two peak RSS readings, either of which may be missing. */
export function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}
