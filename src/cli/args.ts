// The command line, declared once. Parsing is pure: it returns what was asked, or the help text, or
// throws UsageError; main.ts decides what to run. Tested with argv arrays.

import yargs from 'yargs';
import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { InstallSettings } from '../install/settings.js';
import { FREEPBX_ANCHORS } from '../pgp/anchors.js';
import type { UnlistedPolicy } from '../report/types.js';
import { VERSION } from '../version.js';
import { checkFleetAudit, checkWorker, fleetAuditOptions, workerOptions } from './fleet-args.js';
import type { FleetAuditArgs, WorkerArgs } from './fleet-args.js';

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

export interface SignArgs {
  readonly command: 'sign';
  readonly module: string;
  readonly key: string;
  readonly passphraseFile: string | undefined;
  readonly dotfiles: boolean;
  readonly signedBy: string | undefined;
  readonly repo: string | undefined;
  readonly expiresAfter: string | undefined;
  readonly date: string | undefined;
  readonly check: boolean;
  readonly keys: string[];
  readonly anchors: string[];
  readonly engine: 'auto' | 'node' | 'wasm';
  readonly threads: number | 'auto';
  readonly json: boolean;
}

export type KeysArgs =
  | {
      readonly command: 'keys generate';
      readonly name: string;
      readonly email: string;
      readonly type: 'ed25519' | 'rsa';
      readonly expires: string | undefined;
      readonly created: string | undefined;
      readonly out: string;
      readonly passphraseFile: string | undefined;
      readonly force: boolean;
    }
  | {
      readonly command: 'keys certify' | 'keys revoke';
      readonly master: string;
      readonly key: string;
      readonly reason: string | undefined;
      readonly out: string | undefined;
      readonly passphraseFile: string | undefined;
      readonly date: string | undefined;
      readonly force: boolean;
    }
  | { readonly command: 'keys list'; readonly keys: string[]; readonly anchors: string[]; readonly json: boolean }
  | {
      readonly command: 'keys export';
      readonly keys: string[];
      readonly out: string | undefined;
      readonly force: boolean;
    };

export interface AuditArgs {
  readonly command: 'audit';
  readonly roots: string[];
  readonly from: string | undefined;
  readonly each: string | undefined;
  readonly keys: string[];
  readonly anchors: string[];
  readonly unlisted: UnlistedPolicy;
  readonly engine: 'auto' | 'node' | 'wasm';
  readonly threads: number | 'auto';
  readonly json: string | undefined;
  readonly html: string | undefined;
  readonly ndjson: boolean;
  readonly quiet: boolean;
  readonly fleet: FleetAuditArgs;
}

export interface DiffArgs {
  readonly command: 'diff';
  readonly old: string;
  readonly new: string;
  readonly json: boolean;
}

export type ParsedArgs =
  | VerifyArgs
  | SignArgs
  | KeysArgs
  | AuditArgs
  | DiffArgs
  | WorkerArgs
  | { readonly command: 'output'; readonly text: string };

const EPILOGUE =
  'Exit status: 0 every module verified, 1 some module failed verification, 2 usage or input error, 3 internal error.';

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
    .option('root', {
      describe: 'filesystem root of the installation: / or a snapshot (backup, mounted disk)',
      type: 'string',
      requiresArg: true,
      group: 'Installation:',
    })
    .option('module', {
      alias: 'm',
      describe: 'verify only this module of the installation; repeatable',
      type: 'string',
      array: true,
      requiresArg: true,
      group: 'Installation:',
    });
  for (const [name, , key] of SETTING_OPTIONS) {
    command = command.option(name, {
      describe: `${key} inside the root (default: from /etc/amportal.conf or FreePBX's default)`,
      type: 'string',
      requiresArg: true,
      group: 'Installation:',
    });
  }
  return command
    .option('keys', {
      alias: 'k',
      describe: 'public key file or directory (.asc .key .gpg, pubring.gpg); repeatable',
      type: 'string',
      array: true,
      default: [],
      requiresArg: true,
    })
    .option('anchor', {
      describe: 'trusted master key: a fingerprint or a public key file; repeatable (default: FreePBX master keys)',
      type: 'string',
      array: true,
      requiresArg: true,
    })
    .option('unlisted', {
      describe: 'files a manifest does not list: ignore, report, or fail the module when one is code',
      choices: ['ignore', 'report', 'fail'],
      default: 'fail',
    })
    .option('engine', { describe: 'hashing engine', choices: ['auto', 'node', 'wasm'], default: 'auto' })
    .option('threads', {
      alias: 'j',
      describe: 'hashing threads: a number (0 = main thread) or "auto"',
      type: 'string',
      default: 'auto',
      requiresArg: true,
    })
    .option('json', {
      describe: 'print the report as JSON (schema: docs/report-schema.md)',
      type: 'boolean',
      default: false,
    })
    .option('report', {
      describe: 'also write the JSON report to this file (atomically)',
      type: 'string',
      requiresArg: true,
    });
}

// The full parser: commands, help, version. Used for help, version and anything unusual.
function fullParser(argv: readonly string[]): Argv {
  return yargs([...argv])
    .scriptName('pbxsig')
    .usage('$0 <command> [options]\n\nVerify FreePBX module signatures (module.sig): fast, strict, FreePBX-compatible.')
    .command(
      'verify [modules..]',
      'verify a FreePBX installation, or module directories, against their module.sig',
      (y) =>
        verifyOptions(
          y
            .usage(
              '$0 verify [MODULE_DIR...] [options]\n\n' +
                'With no MODULE_DIR, verifies every module of the FreePBX installation at --root (default /), each file ' +
                "where FreePBX installed it, with the installation's keys. With MODULE_DIRs, verifies those directories. " +
                'A module passes when module.sig is signed by a key certified by a FreePBX master key (or your --anchor), ' +
                'neither is revoked or expired, every listed file has its signed SHA-256, and no unlisted code was added.',
            )
            .positional('modules', {
              describe: 'module directories (each with a module.sig)',
              type: 'string',
              array: true,
            }),
        )
          .example('$0 verify', 'the FreePBX installation on this host')
          .example('$0 verify --root /mnt/backup --report audit.json', 'a snapshot, with its own settings and keys')
          .example('$0 verify /var/www/html/admin/modules/core', "one installed module, with its installation's keys")
          .example('$0 verify mods/* -k keys/ --anchor master.asc --json', 'module directories, your keys and anchor')
          .epilogue(EPILOGUE),
    )
    .command('sign <module>', 'sign a module directory: write its module.sig (FreePBX format, GnuPG-compatible)', (y) =>
      y
        .usage(
          "$0 sign MODULE_DIR --key SECRET_KEY_FILE [options]\n\nHashes every file of the module, writes FreePBX's module.sig body and clear-signs it (SHA-256 or stronger). GnuPG, gpgv, FreePBX and pbxsig all accept the result. module.sig is replaced atomically.",
        )
        .positional('module', { describe: 'the module directory', type: 'string' })
        .option('key', {
          describe: 'secret key file (armored or binary)',
          type: 'string',
          demandOption: true,
          requiresArg: true,
        })
        .option('passphrase-file', {
          describe: "file holding the secret key's passphrase (else asked on the terminal)",
          type: 'string',
          requiresArg: true,
        })
        .option('dotfiles', {
          describe: 'include files whose names start with "." (FreePBX\'s published modules do)',
          type: 'boolean',
          default: true,
        })
        .option('signed-by', {
          describe: "the manifest's signedby= (informational)",
          type: 'string',
          requiresArg: true,
        })
        .option('repo', { describe: "the manifest's repo= (default manual)", type: 'string', requiresArg: true })
        .option('expires-after', {
          describe: 'FreePBX treats the signature as revoked after this: a date, Unix time, or a duration such as 90d',
          type: 'string',
          requiresArg: true,
        })
        .option('date', {
          describe: 'signature time (for reproducible sample material; default now)',
          type: 'string',
          requiresArg: true,
          hidden: true,
        })
        .option('check', {
          describe: 'verify the module right after signing (anchor: the signing key, unless --anchor)',
          type: 'boolean',
          default: false,
        })
        .option('keys', {
          alias: 'k',
          describe: 'public keys for --check',
          type: 'string',
          array: true,
          default: [],
          requiresArg: true,
        })
        .option('anchor', { describe: 'trust anchor for --check', type: 'string', array: true, requiresArg: true })
        .option('engine', { describe: 'hashing engine', choices: ['auto', 'node', 'wasm'], default: 'auto' })
        .option('threads', {
          alias: 'j',
          describe: 'hashing threads: a number (0 = main thread) or "auto"',
          type: 'string',
          default: 'auto',
          requiresArg: true,
        })
        .option('json', { describe: 'print the result as JSON', type: 'boolean', default: false })
        .example('$0 sign ./mymodule --key dev.secret.asc --check', 'sign, then verify the result')
        .epilogue(EPILOGUE),
    )
    .command('keys', 'generate, certify, revoke, list and export keys', (y) =>
      y
        .command('generate', 'make a new signing key: NAME.pub.asc and NAME.secret.asc (mode 0600)', (g) =>
          g
            .option('name', { describe: "the key owner's name", type: 'string', demandOption: true, requiresArg: true })
            .option('email', {
              describe: "the key owner's email address",
              type: 'string',
              demandOption: true,
              requiresArg: true,
            })
            .option('type', { describe: 'key algorithm', choices: ['ed25519', 'rsa'], default: 'ed25519' })
            .option('expires', {
              describe: 'expiry: a duration (2y, 180d), a date, or "never"',
              type: 'string',
              default: 'never',
              requiresArg: true,
            })
            .option('created', {
              describe: 'creation time (for reproducible sample material)',
              type: 'string',
              requiresArg: true,
              hidden: true,
            })
            .option('out', {
              describe: 'file name prefix (default: the name, lower case)',
              type: 'string',
              requiresArg: true,
            })
            .option('passphrase-file', {
              describe: 'protect the secret key with the passphrase in this file (else asked on a terminal)',
              type: 'string',
              requiresArg: true,
            })
            .option('force', { describe: 'replace existing files', type: 'boolean', default: false }),
        )
        .command('certify', 'certify a developer key with a master key ("getting your key signed by FreePBX")', (c) =>
          masterOptions(c).example(
            '$0 keys certify --master master.secret.asc --key dev.pub.asc --out dev.certified.asc',
            '',
          ),
        )
        .command(
          'revoke',
          "revoke a master key's certification: every module signed by that key is then revoked",
          (c) =>
            masterOptions(c).option('reason', {
              describe: 'why (carried in the revocation)',
              type: 'string',
              requiresArg: true,
            }),
        )
        .command('list', 'show keys, who certified them, and whether they are trusted (and why not)', (l) =>
          l
            .option('keys', {
              alias: 'k',
              describe: 'key file or directory; repeatable',
              type: 'string',
              array: true,
              demandOption: true,
              requiresArg: true,
            })
            .option('anchor', {
              describe: 'trust anchor: a fingerprint or key file (default: FreePBX master keys)',
              type: 'string',
              array: true,
              requiresArg: true,
            })
            .option('json', { describe: 'print as JSON', type: 'boolean', default: false }),
        )
        .command('export', 'print armored public keys (merged; secret parts removed) for distribution', (e) =>
          e
            .option('keys', {
              alias: 'k',
              describe: 'key file or directory; repeatable',
              type: 'string',
              array: true,
              demandOption: true,
              requiresArg: true,
            })
            .option('out', { describe: 'write to this file instead of stdout', type: 'string', requiresArg: true })
            .option('force', { describe: 'replace an existing file', type: 'boolean', default: false }),
        )
        .demandCommand(1, 'name a keys command: generate, certify, revoke, list or export')
        .epilogue('Exit status: 0 done, 2 usage or input error (the message names the file), 3 internal error.'),
    )
    .command(
      'audit [roots..]',
      'verify many installations (snapshots, backups, mounts) in one run, with one report',
      (y) =>
        fleetAuditOptions(y)
          .usage(
            '$0 audit ROOT... [options]\n\nVerifies every installation as `pbxsig verify --root ROOT` would, all in one schedule: identical ' +
              'module.sig files are verified once for the whole audit. An unreadable installation is reported and skipped.',
          )
          .positional('roots', {
            describe:
              'installation roots; NAME=ROOT names one (else its last path component); with --queue, host:NAME too',
            type: 'string',
            array: true,
          })
          .option('from', {
            describe: 'file listing installation roots, one per line',
            type: 'string',
            requiresArg: true,
          })
          .option('each', {
            describe: 'a directory whose subdirectories are installation roots',
            type: 'string',
            requiresArg: true,
          })
          .option('keys', {
            alias: 'k',
            describe: 'more public keys (each installation also uses its own)',
            type: 'string',
            array: true,
            default: [],
            requiresArg: true,
          })
          .option('anchor', {
            describe: 'trusted master key: fingerprint or key file; repeatable (default: FreePBX master keys)',
            type: 'string',
            array: true,
            requiresArg: true,
          })
          .option('unlisted', {
            describe: 'files a manifest does not list: ignore, report, or fail the module when one is code',
            choices: ['ignore', 'report', 'fail'],
            default: 'fail',
          })
          .option('json', { describe: 'write the whole audit as JSON to this file', type: 'string', requiresArg: true })
          .option('html', {
            describe: 'write a self-contained HTML report to this file',
            type: 'string',
            requiresArg: true,
          })
          .option('ndjson', {
            describe: 'print one JSON line per module as it finishes (for pipes and log collectors)',
            type: 'boolean',
            default: false,
          })
          .option('quiet', { alias: 'q', describe: 'no progress display', type: 'boolean', default: false })
          .option('engine', { describe: 'hashing engine', choices: ['auto', 'node', 'wasm'], default: 'auto' })
          .option('threads', {
            alias: 'j',
            describe: 'hashing threads: a number or "auto"',
            type: 'string',
            default: 'auto',
            requiresArg: true,
          })
          .example(
            '$0 audit --each /srv/snapshots --html audit.html --json audit.json',
            'every snapshot under a directory',
          )
          .epilogue(
            'Exit status: 0 every installation clean, 1 some installation has findings or could not be read, 2 usage or input error, 3 internal error.',
          ),
    )
    .command(
      'worker',
      'take installation jobs of fleet audits (pbxsig audit --queue) and verify them here',
      workerOptions,
    )
    .command('diff <old> <new>', 'what changed between two audits (or verify reports)', (y) =>
      y
        .positional('old', { describe: 'the earlier JSON report', type: 'string' })
        .positional('new', { describe: 'the later JSON report', type: 'string' })
        .option('json', { describe: 'print the changes as JSON', type: 'boolean', default: false })
        .epilogue(
          'Exit status: 0 nothing got worse, 1 something newly fails (or new unlisted code), 2 usage or input error.',
        ),
    )
    .demandCommand(1, 'name a command: verify, audit, diff, sign or keys')
    .strict()
    .help()
    .alias('help', 'h')
    .version(VERSION)
    .epilogue(EPILOGUE)
    .wrap(Math.min(120, process.stdout.columns || 100))
    .exitProcess(false);
}

function masterOptions(y: Argv): Argv {
  return y
    .option('master', {
      describe: "the master's secret key file",
      type: 'string',
      demandOption: true,
      requiresArg: true,
    })
    .option('key', {
      describe: "the developer's public key file",
      type: 'string',
      demandOption: true,
      requiresArg: true,
    })
    .option('out', {
      describe: 'write the resulting public key here (default: stdout)',
      type: 'string',
      requiresArg: true,
    })
    .option('passphrase-file', {
      describe: "file holding the master key's passphrase (else asked on the terminal)",
      type: 'string',
      requiresArg: true,
    })
    .option('date', {
      describe: 'signature time (for reproducible sample material)',
      type: 'string',
      requiresArg: true,
      hidden: true,
    })
    .option('force', { describe: 'replace an existing --out file', type: 'boolean', default: false });
}

// The everyday run (`pbxsig verify ...`, no help asked): a flat parser without commands. yargs renders
// and caches the whole help text whenever a command runs, about 30 ms of a boot-time check.
function fastParser(argv: readonly string[]): Argv {
  return (
    verifyOptions(yargs(argv.slice(1)))
      // Positionals are module directories here (no command to name them): check options only.
      .strictOptions()
      .help(false)
      .version(false)
      .exitProcess(false)
  );
}

function wantsFullParser(argv: readonly string[]): boolean {
  return argv[0] !== 'verify' || argv.some((a) => a === '--help' || a === '-h' || a === '--version');
}

export async function parseArgs(argv: readonly string[]): Promise<ParsedArgs> {
  const { error, args, output } = await new Promise<{
    error: Error | undefined;
    args: Record<string, unknown>;
    output: string;
  }>((resolve) => {
    // With a parse callback yargs neither prints nor exits: help, version and errors come back here.
    const full = wantsFullParser(argv);
    const parser = full ? fullParser(argv) : fastParser(argv);
    void parser.parse(
      full ? [...argv] : argv.slice(1),
      {},
      (err: Error | undefined, parsed: Record<string, unknown>, out: string) => {
        resolve({
          error: err ?? undefined,
          args: full ? parsed : { ...parsed, _: ['verify'], modules: parsed['_'] },
          output: out,
        });
      },
    );
  });
  if (error) throw new UsageError(error.message);
  if (output !== '') return { command: 'output', text: output };
  return check(args);
}

/** Turns yargs' loose result into typed arguments, or throws UsageError. */
export function check(args: Record<string, unknown>): ParsedArgs {
  const [command, sub] = args['_'] as unknown[];
  if (command === 'sign') return checkSign(args);
  if (command === 'audit') return checkAudit(args);
  if (command === 'worker') return checkWorker(args);
  if (command === 'diff')
    return { command: 'diff', old: String(args['old']), new: String(args['new']), json: args['json'] === true };
  if (command === 'keys') return checkKeys(String(sub), args);
  if (command !== 'verify') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const threads = threadsOf(args);
  const strings = (name: string): string[] => stringsOf(args, name);
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
    throw new UsageError(
      `${installationOptions.join(', ')} apply to an installation; with module directories, give neither (or drop the directories)`,
    );
  }
  const anchors = strings('anchor');
  return {
    command: 'verify',
    modules,
    root: typeof args['root'] === 'string' ? args['root'] : '/',
    settings: settings,
    only: strings('module'),
    keys: strings('keys'),
    anchors: anchors.length > 0 ? anchors : [...FREEPBX_ANCHORS],
    engine: args['engine'] as VerifyArgs['engine'],
    threads,
    unlisted: args['unlisted'] as UnlistedPolicy,
    json: args['json'] === true,
    report: typeof args['report'] === 'string' ? args['report'] : undefined,
  };
}

function stringsOf(args: Record<string, unknown>, name: string): string[] {
  return ((args[name] as unknown[] | undefined) ?? []).filter((v) => v !== undefined).map(String);
}

function optional(args: Record<string, unknown>, name: string): string | undefined {
  const value = args[name];
  return typeof value === 'string' ? value : undefined;
}

function threadsOf(args: Record<string, unknown>): number | 'auto' {
  const threads = String(args['threads']);
  if (threads !== 'auto' && !/^\d+$/.test(threads))
    throw new UsageError(`--threads: expected a number or "auto", got ${JSON.stringify(threads)}`);
  return threads === 'auto' ? 'auto' : Number.parseInt(threads, 10);
}

function checkSign(args: Record<string, unknown>): SignArgs {
  return {
    command: 'sign',
    module: String(args['module']),
    key: String(args['key']),
    passphraseFile: optional(args, 'passphrase-file'),
    dotfiles: args['dotfiles'] !== false,
    signedBy: optional(args, 'signed-by'),
    repo: optional(args, 'repo'),
    expiresAfter: optional(args, 'expires-after'),
    date: optional(args, 'date'),
    check: args['check'] === true,
    keys: stringsOf(args, 'keys'),
    anchors: stringsOf(args, 'anchor'),
    engine: args['engine'] as SignArgs['engine'],
    threads: threadsOf(args),
    json: args['json'] === true,
  };
}

function checkKeys(sub: string, args: Record<string, unknown>): KeysArgs {
  switch (sub) {
    case 'generate': {
      const name = String(args['name']);
      return {
        command: 'keys generate',
        name,
        email: String(args['email']),
        type: args['type'] === 'rsa' ? 'rsa' : 'ed25519',
        expires: optional(args, 'expires') === 'never' ? undefined : optional(args, 'expires'),
        created: optional(args, 'created'),
        out:
          optional(args, 'out') ??
          (name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-|-$/g, '') ||
            'key'),
        passphraseFile: optional(args, 'passphrase-file'),
        force: args['force'] === true,
      };
    }
    case 'certify':
    case 'revoke':
      return {
        command: sub === 'certify' ? 'keys certify' : 'keys revoke',
        master: String(args['master']),
        key: String(args['key']),
        reason: optional(args, 'reason'),
        out: optional(args, 'out'),
        passphraseFile: optional(args, 'passphrase-file'),
        date: optional(args, 'date'),
        force: args['force'] === true,
      };
    case 'list': {
      const anchors = stringsOf(args, 'anchor');
      return {
        command: 'keys list',
        keys: stringsOf(args, 'keys'),
        anchors: anchors.length > 0 ? anchors : [...FREEPBX_ANCHORS],
        json: args['json'] === true,
      };
    }
    case 'export':
      return {
        command: 'keys export',
        keys: stringsOf(args, 'keys'),
        out: optional(args, 'out'),
        force: args['force'] === true,
      };
    default:
      throw new UsageError(
        `unknown keys command ${JSON.stringify(sub)}: use generate, certify, revoke, list or export`,
      );
  }
}

function checkAudit(args: Record<string, unknown>): AuditArgs {
  const anchors = stringsOf(args, 'anchor');
  return {
    command: 'audit',
    roots: stringsOf(args, 'roots'),
    from: optional(args, 'from'),
    each: optional(args, 'each'),
    keys: stringsOf(args, 'keys'),
    anchors: anchors.length > 0 ? anchors : [...FREEPBX_ANCHORS],
    unlisted: args['unlisted'] as UnlistedPolicy,
    engine: args['engine'] as AuditArgs['engine'],
    threads: threadsOf(args),
    json: optional(args, 'json'),
    html: optional(args, 'html'),
    ndjson: args['ndjson'] === true,
    quiet: args['quiet'] === true,
    fleet: checkFleetAudit(args),
  };
}
