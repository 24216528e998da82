// The command line, declared once. Parsing is pure: it returns what was asked, or the help text, or
// throws UsageError; main.ts decides what to run. Tested with argv arrays.

import yargs from 'yargs';
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { InstallSettings } from '../install/settings.js';
import { FREEPBX_ANCHORS } from '../pgp/anchors.js';
import type { UnlistedPolicy } from '../report/types.js';
import { VERSION } from '../version.js';

export interface VerifyArgs {
  readonly command: 'verify';
  /** Module directories; empty means the installation at `root`. */
  readonly modules: string[];
  readonly root: string;
  readonly settings: Partial<InstallSettings>;
  /** Module names to verify in the installation; empty means all. */
  readonly only: string[];
  readonly keys: string[];
  readonly anchors: string[];
  readonly engine: 'auto' | 'node' | 'wasm';
  readonly threads: number | 'auto';
  readonly unlisted: UnlistedPolicy;
  readonly json: boolean;
  readonly report: string | undefined;
}

export type ParsedArgs = VerifyArgs | { readonly command: 'output'; readonly text: string };

const EPILOGUE = 'Exit status: 0 every module verified, 1 some module failed verification, 2 usage or input error, 3 internal error.';

// Installation settings: option name, InstallSettings field, FreePBX key.
const SETTING_OPTIONS = [
  ['webroot', 'webroot', 'AMPWEBROOT'],
  ['ampbin', 'bin', 'AMPBIN'],
  ['ampsbin', 'sbin', 'AMPSBIN'],
  ['agidir', 'agiDir', 'ASTAGIDIR'],
  ['astvarlibdir', 'varLibDir', 'ASTVARLIBDIR'],
] as const;

// The options of `verify`, declared once for both parsers below.
function verifyOptions(y: Argv): Argv {
  let command = y
    .option('root', { describe: 'filesystem root of the installation: / or a snapshot (backup, mounted disk)', type: 'string', requiresArg: true, group: 'Installation:' })
    .option('module', { alias: 'm', describe: 'verify only this module of the installation; repeatable', type: 'string', array: true, requiresArg: true, group: 'Installation:' });
  for (const [name, , key] of SETTING_OPTIONS) {
    command = command.option(name, { describe: `${key} inside the root (default: from /etc/amportal.conf or FreePBX's default)`, type: 'string', requiresArg: true, group: 'Installation:' });
  }
  return command
    .option('keys', { alias: 'k', describe: 'public key file or directory (.asc .key .gpg, pubring.gpg); repeatable', type: 'string', array: true, default: [], requiresArg: true })
    .option('anchor', { describe: 'trusted master key: a fingerprint or a public key file; repeatable (default: FreePBX master keys)', type: 'string', array: true, requiresArg: true })
    .option('unlisted', { describe: 'files a manifest does not list: ignore, report, or fail the module when one is code', choices: ['ignore', 'report', 'fail'], default: 'fail' })
    .option('engine', { describe: 'hashing engine', choices: ['auto', 'node', 'wasm'], default: 'auto' })
    .option('threads', { alias: 'j', describe: 'hashing threads: a number (0 = main thread) or "auto"', type: 'string', default: 'auto', requiresArg: true })
    .option('json', { describe: 'print the report as JSON (schema: docs/report-schema.md)', type: 'boolean', default: false })
    .option('report', { describe: 'also write the JSON report to this file (atomically)', type: 'string', requiresArg: true });
}

// The full parser: commands, help, version. Used for help, version and anything unusual.
function fullParser(argv: readonly string[]): Argv {
  return yargs([...argv])
    .scriptName('pbxsig')
    .usage('$0 <command> [options]\n\nVerify FreePBX module signatures (module.sig): fast, strict, FreePBX-compatible.')
    .command('verify [modules..]', 'verify a FreePBX installation, or module directories, against their module.sig', (y) =>
      verifyOptions(
        y
          .usage(
            '$0 verify [MODULE_DIR...] [options]\n\n' +
              'With no MODULE_DIR, verifies every module of the FreePBX installation at --root (default /), each file\n' +
              "where FreePBX installed it, with the installation's keys. With MODULE_DIRs, verifies those directories.\n" +
              'A module passes when module.sig is signed by a key certified by a FreePBX master key (or your --anchor),\n' +
              'neither is revoked or expired, every listed file has its signed SHA-256, and no unlisted code was added.',
          )
          .positional('modules', { describe: 'module directories (each with a module.sig)', type: 'string', array: true }),
      )
        .example('$0 verify', 'the FreePBX installation on this host')
        .example('$0 verify --root /mnt/backup --report audit.json', 'a snapshot, with its own settings and keys')
        .example('$0 verify /var/www/html/admin/modules/core', "one installed module, with its installation's keys")
        .example('$0 verify mods/* -k keys/ --anchor master.asc --json', 'module directories, your keys and anchor')
        .epilogue(EPILOGUE),
    )
    .demandCommand(1, 'name a command: pbxsig verify')
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .epilogue(EPILOGUE)
    .wrap(Math.min(120, process.stdout.columns || 100))
    .exitProcess(false);
}

// The everyday run (`pbxsig verify ...`, no help asked): a flat parser without commands. yargs renders
// and caches the whole help text whenever a command runs, about 30 ms of a boot-time check.
function fastParser(argv: readonly string[]): Argv {
  return verifyOptions(yargs(argv.slice(1)))
    // Positionals are module directories here (no command to name them): check options only.
    .strictOptions()
    .help(false)
    .version(false)
    .exitProcess(false);
}

function wantsFullParser(argv: readonly string[]): boolean {
  return argv[0] !== 'verify' || argv.some((a) => a === '--help' || a === '-h' || a === '--version');
}

export async function parseArgs(argv: readonly string[]): Promise<ParsedArgs> {
  const { error, args, output } = await new Promise<{ error: Error | undefined; args: Record<string, unknown>; output: string }>((resolve) => {
    // With a parse callback yargs neither prints nor exits: help, version and errors come back here.
    const full = wantsFullParser(argv);
    const parser = full ? fullParser(argv) : fastParser(argv);
    void parser.parse(full ? [...argv] : argv.slice(1), {}, (err: Error | undefined, parsed: Record<string, unknown>, out: string) => {
      resolve({ error: err ?? undefined, args: full ? parsed : { ...parsed, _: ['verify'], modules: parsed['_'] }, output: out });
    });
  });
  if (error) throw new UsageError(error.message);
  if (output !== '') return { command: 'output', text: output };
  return check(args);
}

/** Turns yargs' loose result into typed arguments, or throws UsageError. */
export function check(args: Record<string, unknown>): ParsedArgs {
  const [command] = args['_'] as unknown[];
  if (command !== 'verify') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const threads = String(args['threads']);
  if (threads !== 'auto' && !/^\d+$/.test(threads)) throw new UsageError(`--threads: expected a number or "auto", got ${JSON.stringify(threads)}`);
  const strings = (name: string): string[] => ((args[name] as unknown[] | undefined) ?? []).filter((v) => v !== undefined).map(String);
  const modules = strings('modules');
  const settings: Record<string, string> = {};
  const installationOptions: string[] = [];
  for (const [name, field] of SETTING_OPTIONS) {
    const value = args[name];
    if (typeof value === 'string') {
      settings[field] = value;
      installationOptions.push(`--${name}`);
    }
  }
  if (typeof args['root'] === 'string') installationOptions.push('--root');
  if (strings('module').length > 0) installationOptions.push('--module');
  if (modules.length > 0 && installationOptions.length > 0) {
    throw new UsageError(`${installationOptions.join(', ')} apply to an installation; with module directories, give neither (or drop the directories)`);
  }
  const anchors = strings('anchor');
  return {
    command: 'verify',
    modules,
    root: typeof args['root'] === 'string' ? args['root'] : '/',
    settings: settings as Partial<InstallSettings>,
    only: strings('module'),
    keys: strings('keys'),
    anchors: anchors.length > 0 ? anchors : [...FREEPBX_ANCHORS],
    engine: args['engine'] as VerifyArgs['engine'],
    threads: threads === 'auto' ? 'auto' : Number.parseInt(threads, 10),
    unlisted: args['unlisted'] as UnlistedPolicy,
    json: args['json'] === true,
    report: typeof args['report'] === 'string' ? args['report'] : undefined,
  };
}
