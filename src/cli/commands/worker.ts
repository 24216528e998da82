// `pbxsig worker --queue URL`: serve fleet audits until stopped. SIGTERM or SIGINT stops taking jobs
// and lets the running ones finish (a second signal exits at once; an unfinished job is then given to
// another worker when its lock lapses).

import { queueConnection } from '../../fleet/connection.js';
import { startFleetWorker } from '../../fleet/worker.js';
import { escapeControls } from '../../report/escape.js';
import type { WorkerArgs } from '../args.js';
import { stderr } from '../stdout.js';

export async function runWorker(args: WorkerArgs): Promise<number> {
  const connection = await queueConnection(args.queue, args.redisAuth);
  // Paths and messages come from audited trees: escaped, so that they cannot forge log lines.
  const log = (line: string): void => void stderr().write(`pbxsig worker: ${escapeControls(line)}\n`);
  // main.ts exits at once on a signal; a worker first hands back what it holds.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  const worker = await startFleetWorker({
    connection,
    host: args.host,
    root: args.root,
    threads: args.threads,
    concurrency: args.concurrency,
    lockDurationMs: args.lockDurationMs,
    reports: args.reports,
    log,
    fault: process.env['PBXSIG_FLEET_FAULT'],
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log(`${signal}: finishing the running jobs, then stopping (again to stop now)`);
      process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await worker.close();
  log('stopped');
  return 0;
}
