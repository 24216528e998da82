// The fleet's options: `pbxsig audit --queue ...` and `pbxsig worker`. Declared here, apart from
// args.ts, which only plugs them in.

import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';

export interface FleetAuditArgs {
  /** Redis URL: the audit runs on the fleet's workers. */
  readonly queue: string | undefined;
  readonly runId: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly redisAuth: string | undefined;
  readonly schedule: string | undefined;
  readonly scheduleId: string;
  readonly unschedule: string | undefined;
}

export interface WorkerArgs {
  readonly command: 'worker';
  readonly queue: string;
  readonly redisAuth: string | undefined;
  readonly host: string | undefined;
  readonly root: string;
  readonly threads: number | 'auto';
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly reports: string | undefined;
}

const GROUP = 'Fleet (BullMQ on Redis):';

export function fleetAuditOptions(y: Argv): Argv {
  return y
    .option('queue', {
      describe: 'run the audit on fleet workers through this Redis: redis://HOST:PORT/DB, rediss://..., unix:///PATH',
      type: 'string',
      requiresArg: true,
      group: GROUP,
    })
    .option('redis-auth', {
      describe: 'file with the Redis password (or user name, then password); else PBXSIG_REDIS_USERNAME/PASSWORD',
      type: 'string',
      requiresArg: true,
      group: GROUP,
    })
    .option('run-id', {
      describe: 'name the run; submitting a run id again attaches to that run (nothing is queued twice)',
      type: 'string',
      requiresArg: true,
      group: GROUP,
    })
    .option('timeout', {
      describe: 'stop waiting after this long (90s, 30m, 2h): what is not done is reported as not audited',
      type: 'string',
      requiresArg: true,
      group: GROUP,
    })
    .option('schedule', {
      describe: 'repeat this audit (6h, 1d, or a UTC cron pattern); workers started with --reports run it',
      type: 'string',
      requiresArg: true,
      group: GROUP,
    })
    .option('schedule-id', {
      describe: 'the schedule to create or replace (report files are named after it)',
      type: 'string',
      default: 'audit',
      requiresArg: true,
      group: GROUP,
    })
    .option('unschedule', { describe: 'remove this schedule', type: 'string', requiresArg: true, group: GROUP });
}

export function workerOptions(y: Argv): Argv {
  return y
    .usage(
      '$0 worker --queue URL [options]\n\nTakes installation jobs of fleet audits (`pbxsig audit --queue`) and verifies them here, with a hash pool of ' +
        'its own. Run any number, on any host that reaches the installations. With --host NAME, an agent on a PBX: it takes only ' +
        'the jobs of `host:NAME` and verifies its own installation (--root), so no file leaves the PBX. Needs no private key.',
    )
    .option('queue', {
      describe: 'Redis URL (as for audit --queue)',
      type: 'string',
      demandOption: true,
      requiresArg: true,
    })
    .option('redis-auth', {
      describe: 'file with the Redis password (or user name, then password)',
      type: 'string',
      requiresArg: true,
    })
    .option('host', { describe: "agent mode: serve only this host's installation", type: 'string', requiresArg: true })
    .option('root', {
      describe: "agent mode: the installation's root",
      type: 'string',
      default: '/',
      requiresArg: true,
    })
    .option('threads', {
      alias: 'j',
      describe: 'hashing threads per installation: a number (at least 1) or "auto"',
      type: 'string',
      default: 'auto',
      requiresArg: true,
    })
    .option('concurrency', { describe: 'installations at once', type: 'number', default: 1, requiresArg: true })
    .option('lock-duration', {
      describe: "how long a job's lock lasts unrenewed: a dead worker's job goes to another after about this",
      type: 'string',
      default: '30s',
      requiresArg: true,
    })
    .option('reports', {
      describe: 'also run scheduled audits, writing their dated reports and diffs into this directory',
      type: 'string',
      requiresArg: true,
    })
    .example('$0 worker --queue redis://queue.example:6379/0 --redis-auth /etc/pbxsig/redis.auth', 'a shared worker')
    .example('$0 worker --queue rediss://queue.example:6380/0 --host pbx1', 'an agent on the PBX pbx1')
    .epilogue('Stops on SIGTERM or SIGINT after its running jobs. Exit status: 0 stopped, 2 usage or input error.');
}

export function checkFleetAudit(args: Record<string, unknown>): FleetAuditArgs {
  const text = (name: string): string | undefined => (typeof args[name] === 'string' ? args[name] : undefined);
  const timeout = text('timeout');
  const fleet = {
    queue: text('queue'),
    runId: text('run-id'),
    timeoutMs: timeout === undefined ? undefined : parseDuration('--timeout', timeout),
    redisAuth: text('redis-auth'),
    schedule: text('schedule'),
    scheduleId: text('schedule-id') ?? 'audit',
    unschedule: text('unschedule'),
  };
  if (fleet.queue === undefined) {
    const given = ['run-id', 'timeout', 'redis-auth', 'schedule', 'unschedule'].filter((n) => text(n) !== undefined);
    if (given.length > 0) throw new UsageError(`${given.map((n) => `--${n}`).join(', ')} need --queue`);
  }
  if (fleet.schedule !== undefined && fleet.runId !== undefined)
    throw new UsageError('--run-id and --schedule do not go together: each scheduled run gets its own id');
  return fleet;
}

export function checkWorker(args: Record<string, unknown>): WorkerArgs {
  const threads = String(args['threads']);
  if (threads !== 'auto' && !/^[1-9]\d*$/.test(threads))
    throw new UsageError(
      `--threads: expected a number of at least 1 or "auto", got ${JSON.stringify(threads)} (a worker hashes in worker threads, so that its job locks are renewed)`,
    );
  const concurrency = Number(args['concurrency']);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new UsageError(`--concurrency: expected 1 to 64, got ${String(args['concurrency'])}`);
  const lockDurationMs = parseDuration('--lock-duration', String(args['lock-duration']));
  if (lockDurationMs < 100) throw new UsageError('--lock-duration: at least 100ms');
  return {
    command: 'worker',
    queue: String(args['queue']),
    redisAuth: typeof args['redis-auth'] === 'string' ? args['redis-auth'] : undefined,
    host: typeof args['host'] === 'string' ? args['host'] : undefined,
    root: String(args['root']),
    threads: threads === 'auto' ? 'auto' : Number.parseInt(threads, 10),
    concurrency,
    lockDurationMs,
    reports: typeof args['reports'] === 'string' ? args['reports'] : undefined,
  };
}

/** `90s`, `30m`, `2h`, `1d`, `250ms`, or a number of seconds. */
export function parseDuration(option: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match)
    throw new UsageError(`${option}: expected a duration such as 90s, 30m or 2h, got ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    (match[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Math.round(Number.parseFloat(match[1] as string) * unit);
}
