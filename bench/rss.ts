// Peak resident set size of a cold process: what a verify of a huge tree costs in memory.
//
// GNU time (`/usr/bin/time -f %M`) when it is there and works: it reports the process's maximum RSS,
// worker threads included (they share the process). Without it, a module preloaded into the Node
// process with --import writes process.resourceUsage().maxRSS (getrusage, KiB on Linux) at exit.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runOnce } from './processes.js';
import type { ProcessCommand } from './processes.js';

const TIME = '/usr/bin/time';

export interface RssProbe {
  /** How the peak is read, for the report (no paths of this machine). */
  readonly method: string;
  /** The command wrapped so that its peak RSS lands in `out`. */
  wrap(command: ProcessCommand, out: string): ProcessCommand;
  /** Peak RSS in KiB, or null. */
  read(out: string): number | null;
}

export interface MeasuredRun {
  readonly ms: number;
  readonly status: number | null;
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
    wrap: (command, file) => ({
      ...command,
      args: ['--import', pathToFileURL(hook).href, ...command.args],
      env: { ...(command.env ?? process.env), PBXSIG_BENCH_RSS_FILE: file },
    }),
    read: readKiB,
  };
}

/** One run of `command` in `cwd` through the probe; its peak RSS is read from `dir`/rss.txt. */
export function measuredRun(
  command: ProcessCommand,
  probe: RssProbe,
  dir: string,
  cwd: string,
  captureStdout = false,
): MeasuredRun {
  const file = join(dir, 'rss.txt');
  rmSync(file, { force: true });
  const outcome = runOnce(probe.wrap(command, file), cwd, captureStdout);
  return {
    ms: outcome.ms,
    status: outcome.status,
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
