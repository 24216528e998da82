// Real `pbxsig worker` and `pbxsig audit --queue` processes for the fleet tests, with their output
// captured and bounded waits on it.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditReport } from '../../src/audit/types.js';
import { buildInstallation } from './installation.js';
import { certified, makeKey } from './keys.js';
import { CLI } from './paths.js';
import { track } from './redis.js';

const MODULES = 'var/www/html/admin/modules';

export interface Proc {
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr so far. */
  output(): string;
  stdout(): string;
  /** Resolves when the output matches, or rejects after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit status (or 128 + signal), or rejects after `ms`. */
  exited(ms?: number): Promise<number>;
  signal(signal: NodeJS.Signals): void;
}

const everyProc: Proc[] = [];

/** Stops every process pbxsig() started here (for after hooks: a failed test leaves none running). */
export function stopStarted(): Promise<void> {
  return stopAll(everyProc);
}

export function pbxsig(args: readonly string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = track(
    spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  let out = '';
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15))),
  );
  const proc: Proc = {
    child,
    pid: child.pid ?? -1,
    output: () => out,
    stdout: () => stdout,
    waitFor: async (pattern, ms = 60_000) => {
      const until = Date.now() + ms;
      for (;;) {
        const match = pattern.exec(out);
        if (match) return match;
        if (Date.now() > until) throw new Error(`no ${String(pattern)} within ${ms} ms; output:\n${out}`);
        await sleep(25);
      }
    },
    exited: (ms = 120_000) => bounded(exit, ms, () => `still running after ${ms} ms; output:\n${out}`),
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  everyProc.push(proc);
  return proc;
}

/** `promise`, or a rejection after `ms` (the timer does not keep the process alive). */
export function bounded<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A worker on `url`, ready when it says so. */
export async function startWorker(
  url: string,
  extra: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<Proc> {
  const worker = pbxsig(['worker', '--queue', url, '--threads', '2', ...extra], env);
  await worker.waitFor(/serving/, 30_000);
  return worker;
}

/** Stops workers (SIGTERM, then SIGKILL after a bound) and waits for them. */
export async function stopAll(procs: readonly Proc[]): Promise<void> {
  for (const p of procs) p.signal('SIGCONT');
  for (const p of procs) p.signal('SIGTERM');
  await Promise.all(
    procs.map((p) =>
      p.exited(15_000).catch(() => {
        p.signal('SIGKILL');
        return p.exited(5_000).catch(() => -1);
      }),
    ),
  );
}

export interface FleetFixture {
  /** Installation roots: a-clean, b-copy, c-tampered, d-shell, e-not-freepbx. */
  readonly roots: readonly string[];
  /** `--anchor FILE --keys DIR`: the producer judges with them (workers never see them). */
  readonly keyArgs: readonly string[];
}

/** Installations with different findings, built at test time under `temp`. */
export async function makeFleetInstallations(temp: string): Promise<FleetFixture> {
  const anchor = await makeKey('Fleet Master', { rsa: true });
  const developer = await certified(anchor, await makeKey('Fleet Developer'));
  await mkdir(join(temp, 'keys'));
  await writeFile(join(temp, 'anchor.asc'), anchor.publicKey.armor());
  await writeFile(join(temp, 'keys', 'developer.asc'), developer.publicKey.armor());
  const snapshots = join(temp, 'snapshots');
  const modules = {
    core: { 'module.xml': '<module>core</module>\n', 'Core.class.php': '<?php class Core {}\n' },
    dashboard: { 'module.xml': '<module>dashboard</module>\n', 'assets/js/dashboard.js': 'dashboard();\n' },
  };
  await buildInstallation(join(snapshots, 'a-clean'), { anchor, developer, modules });
  const copy = (name: string): Promise<void> =>
    cp(join(snapshots, 'a-clean'), join(snapshots, name), { recursive: true, verbatimSymlinks: true });
  await copy('b-copy');
  await copy('c-tampered');
  await appendFile(join(snapshots, 'c-tampered', MODULES, 'core/Core.class.php'), '// injected\n');
  await copy('d-shell');
  await writeFile(join(snapshots, 'd-shell', MODULES, 'dashboard/shell.php'), '<?php system($_GET["c"]);\n');
  await mkdir(join(snapshots, 'e-not-freepbx'));
  return {
    roots: ['a-clean', 'b-copy', 'c-tampered', 'd-shell', 'e-not-freepbx'].map((n) => join(snapshots, n)),
    keyArgs: ['--anchor', join(temp, 'anchor.asc'), '--keys', join(temp, 'keys')],
  };
}

/** `pbxsig audit` here, in one process: the reference a queued audit must equal. */
export async function localAudit(temp: string, fixture: FleetFixture, file = 'local.json'): Promise<AuditReport> {
  const json = join(temp, file);
  const r = spawnSync(
    process.execPath,
    [CLI, 'audit', ...fixture.roots, ...fixture.keyArgs, '--threads', '2', '--json', json],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 1) throw new Error(`local audit: exit ${r.status ?? -1}\n${r.stderr}`);
  return JSON.parse(await readFile(json, 'utf8')) as AuditReport;
}
