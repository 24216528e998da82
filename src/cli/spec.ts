// The command line as data: every command, its arguments and options, declared once. The parser
// (args.ts), the help texts, "did you mean" and the shell completion (completion.ts) are all built
// from this table, so that they cannot disagree.

import { SETTING_OPTIONS } from '../install/settings.js';

/**
 * How an option takes its value. Every option takes at most one value per occurrence, so that an
 * option never swallows the arguments after it (`verify --keys K DIR` verifies DIR).
 * - `value`: one value (`--root DIR`, `--root=DIR`); given twice is a usage error.
 * - `list`: repeatable, one value each time (`--keys A --keys B`).
 * - `choice`: one value among `choices`.
 * - `flag`: no value (`--force`; `--no-dotfiles` where the default is on).
 * - `output`: a report format, printed on stdout (`--json`) or written to a file (`--json=FILE`).
 *   Its value is attached with `=`, as GNU tools take an optional value (`ls --color[=WHEN]`).
 */
export type OptionKind = 'value' | 'list' | 'choice' | 'flag' | 'output';

/** What a value names, for shell completion. */
export type Completes = 'file' | 'directory' | 'none';

export interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  readonly describe: string;
  readonly alias?: string;
  readonly choices?: readonly string[];
  /** Shown in the help; also the value when the option is absent. */
  readonly default?: string | boolean;
  /** The value's placeholder in the help (FILE, DIR, N). */
  readonly value?: string;
  readonly required?: boolean;
  readonly hidden?: boolean;
  readonly group?: string;
  readonly completes?: Completes;
  /**
   * `output` only: also take the next argument as the file (`audit --json FILE`), the form `audit`
   * documented before `--json=FILE`. Kept for that command only, where it always meant a file.
   */
  readonly separateFile?: boolean;
  /** `value` only: `--no-NAME` is taken too, meaning none at all (`--no-config`). */
  readonly negatable?: boolean;
}

export interface PositionalSpec {
  readonly name: string;
  /** In the usage line and messages: MODULE_DIR, ROOT, ... */
  readonly label: string;
  readonly describe: string;
  readonly required: boolean;
  /** Takes every remaining argument. */
  readonly variadic: boolean;
  readonly completes: Completes;
}

export interface CommandSpec {
  /** As typed: 'verify', 'keys list'. */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: readonly OptionSpec[];
  readonly examples?: ReadonlyArray<readonly [string, string]>;
  readonly epilogue: string;
}

/** The value of an `output` option that means standard output. */
export const STDOUT = '-';

const EXIT_VERIFY =
  'Exit status: 0 every module verified, 1 some module failed verification, 2 usage or input error, 3 internal error. ' +
  'When the reader of standard output goes away early (| head), the run still finishes (reports to files are written) ' +
  'and the status is kept, or is 141 (as by SIGPIPE) when it would have been 0.';
const EXIT_KEYS = 'Exit status: 0 done, 2 usage or input error (the message names the file), 3 internal error.';

// Options several commands share, so that they read the same everywhere.
const KEYS: OptionSpec = {
  name: 'keys',
  alias: 'k',
  kind: 'list',
  value: 'FILE|DIR',
  describe: 'public key file or directory (.asc .key .gpg, pubring.gpg); repeatable',
  completes: 'file',
};
const ANCHOR: OptionSpec = {
  name: 'anchor',
  kind: 'list',
  value: 'FPR|FILE',
  describe: 'trusted master key: a fingerprint or a public key file; repeatable (default: FreePBX master keys)',
  completes: 'file',
};
const UNLISTED: OptionSpec = {
  name: 'unlisted',
  kind: 'choice',
  choices: ['ignore', 'report', 'fail'],
  default: 'fail',
  describe: 'files a manifest does not list: ignore, report, or fail the module when one is code',
};
const ENGINE: OptionSpec = {
  name: 'engine',
  kind: 'choice',
  choices: ['auto', 'node', 'wasm'],
  default: 'auto',
  describe: 'hashing engine',
};
const THREADS: OptionSpec = {
  name: 'threads',
  alias: 'j',
  kind: 'value',
  value: 'N|auto',
  default: 'auto',
  describe: 'hashing threads: a number (0 = main thread, at most 4 per core) or "auto"',
  completes: 'none',
};
const QUIET: OptionSpec = {
  name: 'quiet',
  alias: 'q',
  kind: 'flag',
  describe: 'print only what failed (no line per passing module, no progress display)',
};
const STATUS: OptionSpec = {
  name: 'status',
  kind: 'flag',
  describe: 'print nothing: the exit status is the answer (as sha256sum --status); errors still go to stderr',
};
const CONFIG: OptionSpec = {
  name: 'config',
  kind: 'value',
  value: 'FILE',
  negatable: true,
  describe:
    'read settings and the site allowlist from FILE (TOML) and FILE.d/*.conf instead of /etc/pbxsig/pbxsig.conf ' +
    '(read when it exists); --no-config: read none. Options given here win over the file',
  completes: 'file',
};
const FORCE: OptionSpec = { name: 'force', kind: 'flag', describe: 'replace existing files' };
const PASSPHRASE_FILE: OptionSpec = {
  name: 'passphrase-file',
  kind: 'value',
  value: 'FILE',
  describe: "file holding the secret key's passphrase (else asked on the terminal)",
  completes: 'file',
};
const DATE: OptionSpec = {
  name: 'date',
  kind: 'value',
  describe: 'signature time (for reproducible sample material; default now)',
  hidden: true,
  completes: 'none',
};

function json(what: string): OptionSpec {
  return {
    name: 'json',
    kind: 'output',
    value: 'FILE',
    describe: `${what} as JSON: on stdout, or to FILE with --json=FILE (written atomically)`,
    completes: 'file',
  };
}

export { SETTING_OPTIONS };

const SETTING_GROUP = 'Installation:';

const VERIFY: CommandSpec = {
  name: 'verify',
  summary: 'verify a FreePBX installation, or module directories, against their module.sig',
  usage:
    '$0 verify [MODULE_DIR...] [options]\n\n' +
    'With no MODULE_DIR, verifies every module of the FreePBX installation at --root (default /), each file ' +
    "where FreePBX installed it, with the installation's keys. With MODULE_DIRs, verifies those directories. " +
    'A module passes when module.sig is signed by a key certified by a FreePBX master key (or your --anchor), ' +
    'neither is revoked or expired, every listed file has its signed SHA-256, and no unlisted code was added. ' +
    'Options may come before or after the directories.',
  positionals: [
    {
      name: 'modules',
      label: 'MODULE_DIR',
      describe: 'module directories (each with a module.sig)',
      required: false,
      variadic: true,
      completes: 'directory',
    },
  ],
  options: [
    {
      name: 'root',
      kind: 'value',
      value: 'DIR',
      describe: 'filesystem root of the installation: / or a snapshot (backup, mounted disk)',
      group: SETTING_GROUP,
      completes: 'directory',
    },
    {
      name: 'module',
      alias: 'm',
      kind: 'list',
      value: 'NAME',
      describe: 'verify only this module of the installation; repeatable',
      group: SETTING_GROUP,
      completes: 'none',
    },
    ...SETTING_OPTIONS.map(([name, , key]): OptionSpec => ({
      name,
      kind: 'value',
      value: 'DIR',
      describe: `${key} inside the root (default: from /etc/amportal.conf or FreePBX's default)`,
      group: SETTING_GROUP,
      completes: 'directory',
    })),
    KEYS,
    ANCHOR,
    UNLISTED,
    ENGINE,
    THREADS,
    json('the report (schema: docs/report-schema.md)'),
    {
      name: 'report',
      kind: 'value',
      value: 'FILE',
      describe: 'also write the JSON report to FILE, atomically (the same as --json=FILE)',
      completes: 'file',
    },
    QUIET,
    STATUS,
    CONFIG,
  ],
  examples: [
    ['$0 verify', 'the FreePBX installation on this host'],
    ['$0 verify --root /mnt/backup --json=audit.json', 'a snapshot, with its own settings and keys'],
    ['$0 verify /var/www/html/admin/modules/core', "one installed module, with its installation's keys"],
    ['$0 verify mods/* -k keys/ --anchor master.asc --json', 'module directories, your keys and anchor'],
    ['$0 verify --status && echo intact', 'no output, only the exit status'],
    ['$0 verify --config site.conf', 'settings and allowlist from site.conf (and site.conf.d/)'],
  ],
  epilogue: EXIT_VERIFY,
};

const ALLOWLIST: CommandSpec = {
  name: 'allowlist',
  summary: 'print allowlist entries for the unlisted code a report found, as a config file to review',
  usage:
    '$0 allowlist REPORT.json [options]\n\nReads a report of `pbxsig verify --json` or `pbxsig audit --json` and ' +
    'prints one [[allow]] entry (module, path, sha256) for each unlisted code file it found, as a configuration ' +
    'file that `pbxsig verify --config` accepts as it is. An allowed file does not fail its module; the same ' +
    'path with other content fails it again. REVIEW EVERY ENTRY: an entry for a web shell accepts that web ' +
    'shell. Then save it as /etc/pbxsig/pbxsig.conf.d/NAME.conf (owned by root, not writable by others).',
  positionals: [
    {
      name: 'report',
      label: 'REPORT.json',
      describe: 'a JSON report of pbxsig verify or pbxsig audit',
      required: true,
      variadic: false,
      completes: 'file',
    },
  ],
  options: [
    {
      name: 'module',
      alias: 'm',
      kind: 'list',
      value: 'NAME',
      describe: 'only the files of this module; repeatable',
      completes: 'none',
    },
  ],
  examples: [
    ['$0 verify --json=report.json', 'first, a report (exit status 1: unlisted code was found)'],
    ['$0 allowlist report.json --module core > site.conf', 'the entries for core, to review'],
    ['$0 verify --config site.conf', 'check that the installation passes with them'],
  ],
  epilogue:
    'Exit status: 0 printed (also when the report found nothing to allow), 2 usage or input error (a file that ' +
    'is not a pbxsig report, a --module the report does not hold), 3 internal error.',
};

const SIGN: CommandSpec = {
  name: 'sign',
  summary: 'sign a module directory: write its module.sig (FreePBX format, GnuPG-compatible)',
  usage:
    "$0 sign MODULE_DIR --key SECRET_KEY_FILE [options]\n\nHashes every file of the module, writes FreePBX's module.sig " +
    'body and clear-signs it (SHA-256 or stronger). GnuPG, gpgv, FreePBX and pbxsig all accept the result. ' +
    'module.sig is replaced atomically.',
  positionals: [
    {
      name: 'module',
      label: 'MODULE_DIR',
      describe: 'the module directory',
      required: true,
      variadic: false,
      completes: 'directory',
    },
  ],
  options: [
    {
      name: 'key',
      kind: 'value',
      value: 'FILE',
      describe: 'secret key file (armored or binary)',
      required: true,
      completes: 'file',
    },
    PASSPHRASE_FILE,
    {
      name: 'dotfiles',
      kind: 'flag',
      default: true,
      describe: 'include files whose names start with "." (FreePBX\'s published modules do; --no-dotfiles: not)',
    },
    {
      name: 'signed-by',
      kind: 'value',
      describe: "the manifest's signedby= (informational)",
      completes: 'none',
    },
    { name: 'repo', kind: 'value', describe: "the manifest's repo= (default manual)", completes: 'none' },
    {
      name: 'expires-after',
      kind: 'value',
      value: 'WHEN',
      describe: 'FreePBX treats the signature as revoked after this: a date, Unix time, or a duration such as 90d',
      completes: 'none',
    },
    DATE,
    {
      name: 'check',
      kind: 'flag',
      describe: 'verify the module right after signing (anchor: the signing key, unless --anchor)',
    },
    { ...KEYS, describe: 'public keys for --check; repeatable' },
    { ...ANCHOR, describe: 'trust anchor for --check: a fingerprint or key file; repeatable' },
    ENGINE,
    THREADS,
    json('the result'),
  ],
  examples: [['$0 sign ./mymodule --key dev.secret.asc --check', 'sign, then verify the result']],
  epilogue:
    'Exit status: 0 signed (and, with --check, verified), 1 the check failed, 2 usage or input error, 3 internal error.',
};

const KEYS_GENERATE: CommandSpec = {
  name: 'keys generate',
  summary: 'make a new signing key: NAME.pub.asc and NAME.secret.asc (mode 0600)',
  usage: '$0 keys generate --name NAME --email EMAIL [options]',
  positionals: [],
  options: [
    { name: 'name', kind: 'value', describe: "the key owner's name", required: true, completes: 'none' },
    { name: 'email', kind: 'value', describe: "the key owner's email address", required: true, completes: 'none' },
    { name: 'type', kind: 'choice', choices: ['ed25519', 'rsa'], default: 'ed25519', describe: 'key algorithm' },
    {
      name: 'expires',
      kind: 'value',
      default: 'never',
      describe: 'expiry: a duration (2y, 180d), a date, or "never"',
      completes: 'none',
    },
    {
      name: 'created',
      kind: 'value',
      describe: 'creation time (for reproducible sample material)',
      hidden: true,
      completes: 'none',
    },
    {
      name: 'out',
      kind: 'value',
      value: 'PREFIX',
      describe: 'file name prefix (default: the name, lower case)',
      completes: 'file',
    },
    {
      ...PASSPHRASE_FILE,
      describe: 'protect the secret key with the passphrase in this file (else asked on a terminal)',
    },
    FORCE,
  ],
  epilogue: EXIT_KEYS,
};

const MASTER_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'master',
    kind: 'value',
    value: 'FILE',
    describe: "the master's secret key file",
    required: true,
    completes: 'file',
  },
  {
    name: 'key',
    kind: 'value',
    value: 'FILE',
    describe: "the developer's public key file",
    required: true,
    completes: 'file',
  },
  {
    name: 'out',
    kind: 'value',
    value: 'FILE',
    describe: 'write the resulting public key here (default: stdout)',
    completes: 'file',
  },
  { ...PASSPHRASE_FILE, describe: "file holding the master key's passphrase (else asked on the terminal)" },
  DATE,
  { ...FORCE, describe: 'replace an existing --out file' },
];

const KEYS_CERTIFY: CommandSpec = {
  name: 'keys certify',
  summary: 'certify a developer key with a master key ("getting your key signed by FreePBX")',
  usage: '$0 keys certify --master SECRET_KEY_FILE --key PUBLIC_KEY_FILE [options]',
  positionals: [],
  options: MASTER_OPTIONS,
  examples: [['$0 keys certify --master master.secret.asc --key dev.pub.asc --out dev.certified.asc', '']],
  epilogue: EXIT_KEYS,
};

const KEYS_REVOKE: CommandSpec = {
  name: 'keys revoke',
  summary: "revoke a master key's certification: every module signed by that key is then revoked",
  usage: '$0 keys revoke --master SECRET_KEY_FILE --key PUBLIC_KEY_FILE [options]',
  positionals: [],
  options: [
    ...MASTER_OPTIONS,
    { name: 'reason', kind: 'value', describe: 'why (carried in the revocation)', completes: 'none' },
  ],
  epilogue: EXIT_KEYS,
};

const KEYS_LIST: CommandSpec = {
  name: 'keys list',
  summary: 'show keys, who certified them, and whether they are trusted (and why not)',
  usage: '$0 keys list --keys FILE|DIR [options]',
  positionals: [],
  options: [{ ...KEYS, required: true }, ANCHOR, json('the keys')],
  epilogue: EXIT_KEYS,
};

const KEYS_EXPORT: CommandSpec = {
  name: 'keys export',
  summary: 'print armored public keys (merged; secret parts removed) for distribution',
  usage: '$0 keys export --keys FILE|DIR [options]',
  positionals: [],
  options: [
    { ...KEYS, required: true },
    { name: 'out', kind: 'value', value: 'FILE', describe: 'write to this file instead of stdout', completes: 'file' },
    { ...FORCE, describe: 'replace an existing file' },
  ],
  epilogue: EXIT_KEYS,
};

const FLEET_GROUP = 'Fleet (BullMQ on Redis):';
const QUEUE: OptionSpec = {
  name: 'queue',
  kind: 'value',
  value: 'URL',
  describe: 'run the audit on fleet workers through this Redis: redis://HOST:PORT/DB, rediss://..., unix:///PATH',
  completes: 'none',
};
const REDIS_AUTH: OptionSpec = {
  name: 'redis-auth',
  kind: 'value',
  value: 'FILE',
  describe:
    'file with the Redis password (or user name, then password); else PBXSIG_REDIS_USERNAME and PBXSIG_REDIS_PASSWORD',
  completes: 'file',
};

const AUDIT: CommandSpec = {
  name: 'audit',
  summary: 'verify many installations (snapshots, backups, mounts) in one run, with one report',
  usage:
    '$0 audit ROOT... [options]\n\nVerifies every installation as `pbxsig verify --root ROOT` would, all in one schedule: ' +
    'identical module.sig files are verified once for the whole audit. An unreadable installation is reported and ' +
    'skipped. At most one of --json, --html and --ndjson goes to stdout; give the others a file (--html=FILE).\n\n' +
    'Every installation has a name (`pbxsig diff` matches installations by it): NAME=ROOT names one, else its last ' +
    'path component. With --queue URL, fleet workers (`pbxsig worker`) verify the installations where they are; ' +
    'host:NAME is the PBX whose agent worker runs with --host NAME. The report is the same.',
  positionals: [
    {
      name: 'roots',
      label: 'ROOT',
      describe: 'installation roots; NAME=ROOT names one; with --queue, host:NAME too',
      required: false,
      variadic: true,
      completes: 'directory',
    },
  ],
  options: [
    {
      name: 'from',
      kind: 'value',
      value: 'FILE',
      describe: 'file listing installation roots, one per line',
      completes: 'file',
    },
    {
      name: 'each',
      kind: 'value',
      value: 'DIR',
      describe: 'a directory whose subdirectories are installation roots',
      completes: 'directory',
    },
    { ...KEYS, describe: 'more public keys (each installation also uses its own); repeatable' },
    ANCHOR,
    UNLISTED,
    { ...json('the whole audit'), separateFile: true },
    {
      name: 'html',
      kind: 'output',
      value: 'FILE',
      describe: 'a self-contained HTML report: on stdout, or to FILE with --html=FILE',
      separateFile: true,
      completes: 'file',
    },
    {
      name: 'ndjson',
      kind: 'output',
      value: 'FILE',
      describe: 'one JSON line per module as it finishes, then per installation and a summary: on stdout, or to FILE',
      completes: 'file',
    },
    QUIET,
    STATUS,
    ENGINE,
    THREADS,
    { ...QUEUE, group: FLEET_GROUP },
    { ...REDIS_AUTH, group: FLEET_GROUP },
    {
      name: 'run-id',
      kind: 'value',
      value: 'ID',
      describe: 'name the run; submitting a run id again attaches to that run (nothing is queued twice)',
      group: FLEET_GROUP,
      completes: 'none',
    },
    {
      name: 'timeout',
      kind: 'value',
      value: 'DURATION',
      describe: 'stop waiting after this long (90s, 30m, 2h): what is not done is reported as not audited',
      group: FLEET_GROUP,
      completes: 'none',
    },
    {
      name: 'schedule',
      kind: 'value',
      value: 'WHEN',
      describe: 'repeat this audit (6h, 1d, or a UTC cron pattern); workers started with --reports run it',
      group: FLEET_GROUP,
      completes: 'none',
    },
    {
      name: 'schedule-id',
      kind: 'value',
      value: 'ID',
      default: 'audit',
      describe: 'the schedule to create or replace (its report files are named after it)',
      group: FLEET_GROUP,
      completes: 'none',
    },
    {
      name: 'unschedule',
      kind: 'value',
      value: 'ID',
      describe: 'remove this schedule',
      group: FLEET_GROUP,
      completes: 'none',
    },
  ],
  examples: [
    ['$0 audit --each /srv/snapshots --html=audit.html --json=audit.json', 'every snapshot under a directory'],
    ['$0 audit pbx1=/mnt/a pbx2=/mnt/b --json=audit.json', 'installations named for the report and for diff'],
    [
      '$0 audit --queue redis://queue.example:6379/1 --redis-auth auth /srv/snap/* host:pbx1 --json=audit.json',
      'on fleet workers',
    ],
  ],
  epilogue:
    'Exit status: 0 every installation clean, 1 some installation has findings or could not be read, ' +
    '2 usage or input error, 3 internal error.',
};

const DIFF: CommandSpec = {
  name: 'diff',
  summary: 'what changed between two audits (or verify reports)',
  usage: '$0 diff OLD.json NEW.json [options]',
  positionals: [
    {
      name: 'old',
      label: 'OLD',
      describe: 'the earlier JSON report',
      required: true,
      variadic: false,
      completes: 'file',
    },
    {
      name: 'new',
      label: 'NEW',
      describe: 'the later JSON report',
      required: true,
      variadic: false,
      completes: 'file',
    },
  ],
  options: [json('the changes')],
  epilogue:
    'Exit status: 0 nothing got worse, 1 something newly fails (or new unlisted code), 2 usage or input error ' +
    '(a file that is not a pbxsig report), 3 internal error.',
};

const WORKER: CommandSpec = {
  name: 'worker',
  summary: 'take installation jobs of fleet audits (pbxsig audit --queue) and verify them here',
  usage:
    '$0 worker --queue URL [options]\n\nTakes installation jobs of fleet audits (`pbxsig audit --queue`) and verifies ' +
    'them here: it hashes every listed file and walks for unlisted ones, and the producer judges the signatures, ' +
    'each distinct module.sig once for the whole audit. Run any number, on any host that reaches the installations. ' +
    'With --host NAME, an agent on a PBX: it takes only the jobs of host:NAME and verifies its own installation ' +
    '(--root), so no file leaves the PBX. Needs no key at all. Options may come in any order.',
  positionals: [],
  options: [
    { ...QUEUE, describe: 'Redis URL (as for audit --queue)', required: true },
    REDIS_AUTH,
    {
      name: 'host',
      kind: 'value',
      value: 'NAME',
      describe: "agent mode: serve only this host's installation (host:NAME in the audit)",
      completes: 'none',
    },
    {
      name: 'root',
      kind: 'value',
      value: 'DIR',
      default: '/',
      describe: "agent mode: the installation's root",
      completes: 'directory',
    },
    THREADS,
    {
      name: 'concurrency',
      kind: 'value',
      value: 'N',
      default: '1',
      describe: 'installations at once (1 to 64)',
      completes: 'none',
    },
    {
      name: 'lock-duration',
      kind: 'value',
      value: 'DURATION',
      default: '30s',
      describe: "how long a job's lock lasts unrenewed: a dead worker's job goes to another after about this",
      completes: 'none',
    },
    {
      name: 'reports',
      kind: 'value',
      value: 'DIR',
      describe: 'also run scheduled audits, writing their dated reports and diffs into this directory',
      completes: 'directory',
    },
  ],
  examples: [
    ['$0 worker --queue redis://queue.example:6379/1 --redis-auth /etc/pbxsig/redis.auth', 'a shared worker'],
    ['$0 worker --queue rediss://queue.example:6380/1 --host pbx1', 'an agent on the PBX pbx1'],
  ],
  epilogue:
    'Stops on SIGTERM or SIGINT after its running jobs (a second signal stops it at once). ' +
    'Exit status: 0 stopped, 2 usage or input error (Redis unreachable, a refused login), 3 internal error.',
};

const COMPLETION: CommandSpec = {
  name: 'completion',
  summary: 'print the bash completion script (source it, or save it in /etc/bash_completion.d/)',
  usage: '$0 completion [bash]\n\nEnable for this shell: source <(pbxsig completion)',
  positionals: [
    { name: 'shell', label: 'SHELL', describe: 'bash', required: false, variadic: false, completes: 'none' },
  ],
  options: [],
  epilogue: 'Exit status: 0 printed, 2 a shell other than bash.',
};

export const COMMANDS: readonly CommandSpec[] = [
  VERIFY,
  AUDIT,
  DIFF,
  ALLOWLIST,
  WORKER,
  SIGN,
  KEYS_GENERATE,
  KEYS_CERTIFY,
  KEYS_REVOKE,
  KEYS_LIST,
  KEYS_EXPORT,
  COMPLETION,
];

/** Commands that group subcommands: `keys generate`, ... */
export const GROUPS: Readonly<Record<string, string>> = { keys: 'generate, certify, revoke, list and export keys' };

/** The first words a command line may start with, in the order of the help. */
export function topLevelNames(): string[] {
  const names: string[] = [];
  for (const command of COMMANDS) {
    const first = command.name.split(' ')[0] ?? command.name;
    if (!names.includes(first)) names.push(first);
  }
  return names;
}

export function commandNamed(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function subcommandsOf(group: string): CommandSpec[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${group} `));
}
