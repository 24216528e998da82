// The only place that knows about exit codes and prints errors. Commands are imported when run, so
// `pbxsig --help` does not pay for openpgp.js.

import { unlinkSync } from 'node:fs';
import { BaseError, describeError } from '../errors.js';
import { pendingTemporaryFiles } from '../report/write-atomic.js';
import { parseArgs } from './args.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

// Ctrl-C or a stop by systemd: remove a half-written report, then exit as a signal would (128 + n).
function onSignal(signal: NodeJS.Signals, number: number): void {
  for (const file of pendingTemporaryFiles()) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
  process.stderr.write(`pbxsig: stopped by ${signal}\n`);
  process.exit(128 + number);
}

// The last safety net for a file the user named that the system refused (permissions, a full or
// read-only disk): a clear message and exit status 2, never an "internal error".
const USER_FS_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOENT: 'does not exist',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
};

function fileSystemError(error: unknown): string | undefined {
  const e = error as { code?: unknown; path?: unknown; syscall?: unknown };
  if (typeof e?.code !== 'string' || typeof e.path !== 'string') return undefined;
  const what = USER_FS_ERRORS[e.code];
  return what ? `${e.path}: ${what}${typeof e.syscall === 'string' ? ` (${e.syscall})` : ''}` : undefined;
}

export async function main(argv: readonly string[]): Promise<number> {
  // A reader that stops early (`pbxsig keys list | head`) closes the pipe: stop quietly, as cat does.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok);
  });
  process.once('SIGINT', () => onSignal('SIGINT', 2));
  process.once('SIGTERM', () => onSignal('SIGTERM', 15));
  try {
    const args = await parseArgs(argv);
    if (args.command === 'output') {
      process.stdout.write(`${args.text}\n`);
      return EXIT.ok;
    }
    if (args.command === 'verify') {
      const { runVerify } = await import('./commands/verify.js');
      return await runVerify(args);
    }
    if (args.command === 'audit') {
      const { runAudit } = await import('./commands/audit.js');
      return await runAudit(args);
    }
    if (args.command === 'diff') {
      const { runDiff } = await import('./commands/diff.js');
      return await runDiff(args);
    }
    if (args.command === 'worker') {
      const { runWorker } = await import('./commands/worker.js');
      return await runWorker(args);
    }
    if (args.command === 'sign') {
      const { runSign } = await import('./commands/sign.js');
      return await runSign(args);
    }
    const { runKeys } = await import('./commands/keys.js');
    return await runKeys(args);
  } catch (error) {
    const system = fileSystemError(error);
    if (system) {
      process.stderr.write(`pbxsig: ${system}\n`);
      return EXIT.usage;
    }
    if (error instanceof BaseError && error.code !== 'INTERNAL') {
      const hint = error.code === 'USAGE' ? "\nRun 'pbxsig --help' for usage." : '';
      process.stderr.write(`pbxsig: ${error.message}${hint}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`pbxsig: internal error (please report it): ${describeError(error)}\n`);
    if (process.env['PBXSIG_DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT.internal;
  }
}
