// A private redis-server (Debian's) for a test: on a unix socket in a temporary directory, no
// persistence unless asked. Every wait is bounded; only processes started here are signalled, and
// they are killed when this process exits, even after a failed test.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
export const NO_REDIS = REDIS_SERVER
  ? false
  : "redis-server is not installed (.ci/run installs Debian's redis-server): skipped";

const started = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Keeps a child process to be killed at exit; returns it. */
export function track(child: ChildProcess): ChildProcess {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

export interface RedisServer {
  readonly socket: string;
  /** `--queue` URL of database `db`. */
  url(db?: number): string;
  /** A redis-cli command against it (for checks); its stdout. */
  cli(...args: string[]): string;
  stop(): Promise<void>;
  /** Stops it (SIGTERM: with persistence, it writes its data first) and starts it again on the same files. */
  restart(): Promise<void>;
}

export async function startRedis(
  dir: string,
  options: { persistent?: boolean; password?: string; tls?: { port: number; cert: string; key: string } } = {},
): Promise<RedisServer> {
  const socket = join(dir, 'redis.sock');
  const args = [
    '--port',
    '0',
    '--unixsocket',
    socket,
    '--unixsocketperm',
    '700',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.persistent ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    '--logfile',
    join(dir, 'redis.log'),
    ...(options.password !== undefined ? ['--requirepass', options.password] : []),
    ...(options.tls
      ? ['--tls-port', String(options.tls.port), '--tls-cert-file', options.tls.cert, '--tls-key-file', options.tls.key]
      : []),
    ...(options.tls ? ['--tls-auth-clients', 'no', '--bind', '127.0.0.1'] : []),
  ];
  let child: ChildProcess | undefined;
  const cli = (...command: string[]): string => {
    const r = spawnSync('redis-cli', ['-s', socket, ...command], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, ...(options.password !== undefined ? { REDISCLI_AUTH: options.password } : {}) },
    });
    return r.stdout ?? '';
  };
  const start = async (): Promise<void> => {
    child = track(spawn(REDIS_SERVER as string, args, { stdio: 'ignore' }));
    for (let i = 0; i < 200; i++) {
      if (existsSync(socket) && cli('PING').trim() === 'PONG') return;
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} (see ${dir}/redis.log)`);
      await sleep(50);
    }
    throw new Error('redis-server did not answer within 10 s');
  };
  const stop = async (): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  return {
    socket,
    url: (db = 0) => `unix://${socket}?db=${db}`,
    cli,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}
