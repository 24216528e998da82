// The only place that knows about exit codes and prints errors. Commands are imported when run, so
// `pbxsig --help` does not pay for openpgp.js.

import { BaseError, describeError, describeSystemError, isKnownSystemError } from '../errors.js';
import { escapeMessage } from '../report/escape.js';
import { commandOf, parseArgs } from './args.js';
import type { ParsedArgs } from './args.js';
import { installExitHandlers } from './exit-cleanup.js';
import { settle, stderr, stdout } from './stdout.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3 } as const;

export async function main(argv: readonly string[]): Promise<number> {
  installExitHandlers();
  // Both channels listen for errors from the start: an early EPIPE must not crash the process.
  stdout();
  stderr();
  let status: number;
  try {
    status = await run(parseArgs(argv));
  } catch (error) {
    status = reportError(error, argv);
  }
  return settle(status);
}

async function run(args: ParsedArgs): Promise<number> {
  switch (args.command) {
    case 'output':
      stdout().write(`${args.text}\n`);
      return EXIT.ok;
    case 'completion': {
      const { bashCompletion } = await import('./completion.js');
      stdout().write(bashCompletion());
      return EXIT.ok;
    }
    case 'verify': {
      const { runVerify } = await import('./commands/verify.js');
      return runVerify(args);
    }
    case 'audit': {
      const { runAudit } = await import('./commands/audit.js');
      return runAudit(args);
    }
    case 'diff': {
      const { runDiff } = await import('./commands/diff.js');
      return runDiff(args);
    }
    case 'allowlist': {
      const { runAllowlist } = await import('./commands/allowlist.js');
      return runAllowlist(args);
    }
    case 'worker': {
      const { runWorker } = await import('./commands/worker.js');
      return runWorker(args);
    }
    case 'sign': {
      const { runSign } = await import('./commands/sign.js');
      return runSign(args);
    }
    default: {
      const { runKeys } = await import('./commands/keys.js');
      return runKeys(args);
    }
  }
}

// Messages quote paths and names from the audited tree: escaped, so that they cannot forge lines.
// Under systemd (JOURNAL_STREAM set) the message is an error in the journal, as alerts are: the boot
// check lets the web server start when pbxsig cannot run, and `journalctl -p err` must say why.
function reportError(error: unknown, argv: readonly string[]): number {
  const priority = (process.env['JOURNAL_STREAM'] ?? '') !== '' ? '<3>' : '';
  const say = (message: string, hint = ''): void =>
    stderr().write(`${priority}pbxsig: ${escapeMessage(message)}\n${hint}`);
  // The last safety net for a file the user named that the system refused (permissions, a full or
  // read-only disk): a clear message and exit status 2, never an "internal error".
  const path = (error as { path?: unknown } | undefined)?.path;
  if (isKnownSystemError(error) && typeof path === 'string') {
    say(`${path}: ${describeSystemError(error)}`);
    return EXIT.usage;
  }
  if (error instanceof BaseError && error.code !== 'INTERNAL') {
    const command = commandOf(argv);
    const help = command !== undefined ? `pbxsig ${command} --help` : 'pbxsig --help';
    say(error.message, error.code === 'USAGE' ? `Run '${help}' for usage.\n` : '');
    return EXIT.usage;
  }
  say(`internal error (please report it): ${describeError(error)}`);
  if (process.env['PBXSIG_DEBUG'] && error instanceof Error && error.stack) stderr().write(`${error.stack}\n`);
  return EXIT.internal;
}
