// The command line, parsed from the table in spec.ts. Parsing is pure: it returns what was asked, or a
// text to print (help, version, completion script), or throws UsageError; main.ts decides what to run.
// Tested with argv arrays.
//
// One parser for every run: the command is picked from the first words here, and yargs parses only
// that command's options, declared from the table. yargs renders its whole help text whenever one of
// its `.command()`s runs (about 30 ms of a boot-time check), so commands are not declared to yargs,
// and help.ts renders the help from the same table, only when asked for.

import yargs from 'yargs';
import type { Argv, Options } from 'yargs';
import { InternalError, UsageError } from '../errors.js';
import type { InstallSettings } from '../install/settings.js';
import type { UnlistedPolicy } from '../report/types.js';
import { MAX_THREADS } from '../verify/options.js';
import { VERSION } from '../version.js';
import { parseDuration } from './duration.js';
import { commandHelp, groupHelp, topHelp } from './help.js';
import { GROUPS, SETTING_OPTIONS, STDOUT, commandNamed, subcommandsOf, topLevelNames } from './spec.js';
import type { CommandSpec, OptionSpec } from './spec.js';
import { closest } from '../suggest.js';

export type Engine = 'auto' | 'node' | 'wasm';
export type Threads = number | 'auto';

/**
 * Where a report goes: `'-'` (STDOUT) for standard output, else a file path. Trust anchors stay as
 * given (fingerprints or key files; empty means FreePBX's): anchors.ts resolves them for every command.
 */
export interface VerifyArgs {
  readonly command: 'verify';
  /** Module directories; empty means the installation at `root`. */
  readonly modules: string[];
  // The settings a configuration file may also hold are undefined (or empty) when not given here:
  // commands/verify-settings.ts settles them with the file and the defaults.
  /** --root (default "/"). */
  readonly root: string | undefined;
  readonly settings: Partial<InstallSettings>;
  /** Module names to verify in the installation; empty means all. */
  readonly only: string[];
  readonly keys: string[];
  readonly anchors: string[];
  readonly engine: Engine | undefined;
  readonly threads: Threads | undefined;
  readonly unlisted: UnlistedPolicy | undefined;
  /** --json: STDOUT or a file. */
  readonly json: string | undefined;
  /** --report FILE (the same as --json=FILE). */
  readonly report: string | undefined;
  readonly quiet: boolean;
  readonly status: boolean;
  /** --config FILE; false with --no-config; undefined: the default file, when it exists. */
  readonly config: string | false | undefined;
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
  readonly engine: Engine;
  readonly threads: Threads;
  readonly json: string | undefined;
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
  | {
      readonly command: 'keys list';
      readonly keys: string[];
      readonly anchors: string[];
      readonly json: string | undefined;
    }
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
  readonly engine: Engine;
  readonly threads: Threads;
  readonly json: string | undefined;
  readonly html: string | undefined;
  readonly ndjson: string | undefined;
  readonly quiet: boolean;
  readonly status: boolean;
  readonly fleet: FleetAuditArgs;
}

/** `audit --queue URL` and the options that go with it (src/fleet/). */
export interface FleetAuditArgs {
  /** Redis URL: the audit runs on the fleet's workers; undefined: a local audit. */
  readonly queue: string | undefined;
  readonly redisAuth: string | undefined;
  readonly runId: string | undefined;
  readonly timeoutMs: number | undefined;
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
  readonly threads: Threads;
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly reports: string | undefined;
}

export interface AllowlistArgs {
  readonly command: 'allowlist';
  readonly report: string;
  /** Only these modules; empty means all. */
  readonly modules: string[];
}

export interface DiffArgs {
  readonly command: 'diff';
  readonly old: string;
  readonly new: string;
  readonly json: string | undefined;
}

export interface CompletionArgs {
  readonly command: 'completion';
  readonly shell: 'bash';
}

export type ParsedArgs =
  | VerifyArgs
  | SignArgs
  | KeysArgs
  | AuditArgs
  | DiffArgs
  | AllowlistArgs
  | WorkerArgs
  | CompletionArgs
  | { readonly command: 'output'; readonly text: string };

/** A command line's option values, as strings, lists of strings or booleans, by option name. */
type Values = ReadonlyMap<string, string | string[] | boolean>;

interface Raw {
  readonly spec: CommandSpec;
  readonly values: Values;
  readonly positionals: Readonly<Record<string, string[]>>;
}

// yargs' own conveniences that would change what was typed: no numbers from "010", no nested objects
// from "--a.b", option names only as declared (no camelCase copies, no alias copies).
const PARSER_CONFIGURATION = {
  'camel-case-expansion': false,
  'dot-notation': false,
  'parse-numbers': false,
  'parse-positional-numbers': false,
  'strip-aliased': true,
  'greedy-arrays': false,
} as const;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const first = argv[0];
  if (first === undefined) throw new UsageError(`name a command: ${topLevelNames().join(', ')}`);
  if (first === '--help' || first === '-h' || first === 'help') {
    // `pbxsig help verify`, `pbxsig help keys list`: that command's help.
    const named = argv.slice(1).join(' ');
    const spec = first === 'help' ? commandNamed(named) : undefined;
    if (spec) return { command: 'output', text: commandHelp(spec, columns()) };
    if (first === 'help' && GROUPS[named] !== undefined)
      return { command: 'output', text: groupHelp(named, columns()) };
    return { command: 'output', text: topHelp(columns()) };
  }
  if (first === '--version' || first === '-V') return { command: 'output', text: VERSION };
  if (first.startsWith('-')) {
    const typo = first.startsWith('--') ? closest(first.slice(2), ['help', 'version']) : undefined;
    throw new UsageError(
      `${first}: name a command first (pbxsig COMMAND [options])${typo ? `; did you mean --${typo}?` : ''}`,
    );
  }
  const group = GROUPS[first];
  if (group !== undefined) {
    const sub = argv[1];
    if (sub === '--help' || sub === '-h') return { command: 'output', text: groupHelp(first, columns()) };
    const names = subcommandsOf(first).map((c) => c.name.slice(first.length + 1));
    if (sub === undefined || sub.startsWith('-')) throw new UsageError(`name a ${first} command: ${names.join(', ')}`);
    const spec = commandNamed(`${first} ${sub}`);
    if (!spec) {
      const typo = closest(sub, names);
      throw new UsageError(
        `unknown ${first} command ${JSON.stringify(sub)}${typo ? `; did you mean "${first} ${typo}"?` : ''}: use ${names.join(', ')}`,
      );
    }
    return parseCommand(spec, argv.slice(2));
  }
  const spec = commandNamed(first);
  if (!spec) {
    const typo = closest(first, topLevelNames());
    throw new UsageError(`unknown command ${JSON.stringify(first)}${typo ? `; did you mean "${typo}"?` : ''}`);
  }
  return parseCommand(spec, argv.slice(1));
}

/** The command a command line names ('verify', 'keys list'), for "run 'pbxsig verify --help'". */
export function commandOf(argv: readonly string[]): string | undefined {
  const first = argv[0] ?? '';
  if (GROUPS[first] !== undefined) {
    const spec = commandNamed(`${first} ${argv[1] ?? ''}`);
    return spec ? spec.name : first;
  }
  return commandNamed(first)?.name;
}

function columns(): number {
  return process.stdout.columns || 80;
}

function parseCommand(spec: CommandSpec, rest: readonly string[]): ParsedArgs {
  const end = rest.indexOf('--');
  const options = end === -1 ? rest : rest.slice(0, end);
  if (options.includes('--help') || options.includes('-h'))
    return { command: 'output', text: commandHelp(spec, columns()) };
  return toArgs(parseValues(spec, rest));
}

/** Parses one command's arguments (after its name) into option values and positionals. */
export function parseValues(spec: CommandSpec, rest: readonly string[]): Raw {
  const argv = attachOutputValues(spec, rest);
  let failure: Error | undefined;
  let parsed: Record<string, unknown> | undefined;
  // Synchronous: with no command, middleware or check that is async, yargs has called back when
  // parse() returns (its return value would be the same object).
  void declare(yargs(), spec)
    .help(false)
    .version(false)
    .exitProcess(false)
    .parse(argv, {}, (error: Error | undefined, result: Record<string, unknown>) => {
      failure = error ?? undefined;
      parsed = result;
    });
  const known = new Map<string, OptionSpec>();
  for (const option of spec.options) {
    known.set(option.name, option);
    if (option.alias !== undefined) known.set(option.alias, option);
  }
  if (failure) throw usageFromYargs(failure.message, known);
  if (parsed === undefined) throw new InternalError('yargs did not parse synchronously');

  const values = new Map<string, string | string[] | boolean>();
  const result: Record<string, unknown> = parsed;
  for (const [key, value] of Object.entries(result)) {
    if (key === '_' || key === '$0') continue;
    const option = known.get(key);
    if (!option) throw unknownOption(spec, key, rest);
    values.set(option.name, checkValue(option, value));
  }
  for (const option of spec.options) {
    if (option.required && !values.has(option.name)) throw new UsageError(`missing --${option.name}`);
  }
  return { spec, values, positionals: assignPositionals(spec, (result['_'] as unknown[] | undefined) ?? []) };
}

// `--json` alone means standard output and `--json=FILE` a file: a report option never takes the next
// argument, so that `verify --json DIR` verifies DIR. yargs would take it, so the bare form is
// rewritten as `--json=-` here. `audit --json FILE` (separateFile) keeps its documented meaning.
function attachOutputValues(spec: CommandSpec, rest: readonly string[]): string[] {
  const argv: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as string;
    if (token === '--') {
      argv.push(...rest.slice(i));
      break;
    }
    const option = spec.options.find((o) => o.kind === 'output' && token === `--${o.name}`);
    if (!option) {
      argv.push(token);
      continue;
    }
    const next = rest[i + 1];
    if (option.separateFile && next !== undefined && (!next.startsWith('-') || next === STDOUT)) {
      argv.push(`${token}=${next}`);
      i++;
    } else {
      argv.push(`${token}=${STDOUT}`);
    }
  }
  return argv;
}

function declare(y: Argv, spec: CommandSpec): Argv {
  let parser = y.parserConfiguration(PARSER_CONFIGURATION);
  for (const option of spec.options) parser = parser.option(option.name, yargsOption(option));
  return parser;
}

function yargsOption(option: OptionSpec): Options {
  const common: Options = {
    describe: option.describe,
    ...(option.alias !== undefined ? { alias: option.alias } : {}),
    ...(option.group !== undefined ? { group: option.group } : {}),
    ...(option.hidden ? { hidden: true } : {}),
    // No default here: an option absent from the command line stays absent, so that a configuration
    // file's setting can apply (toArgs applies the defaults the commands without one need).
  };
  switch (option.kind) {
    case 'flag':
      return { ...common, type: 'boolean' };
    case 'output':
      return { ...common, type: 'string' };
    // A choice's values are checked in checkValue(), whose message names the option in full.
    case 'choice':
    case 'value':
    case 'list':
      return { ...common, type: 'string', requiresArg: true };
  }
}

function checkValue(option: OptionSpec, value: unknown): string | string[] | boolean {
  if (option.kind === 'flag') return Array.isArray(value) ? value.at(-1) === true : value === true;
  // yargs reads --no-NAME as NAME = false.
  const negated = value === false || (Array.isArray(value) && value.includes(false));
  if (negated && option.kind !== 'output') {
    if (!option.negatable) throw new UsageError(`unknown option --no-${option.name}`);
    if (value !== false) throw new UsageError(`--${option.name} and --no-${option.name} contradict: give one`);
    return false;
  }
  const list = (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? v : String(v)));
  if (option.kind === 'output' && value === false) return false;
  if (list.length > 1 && option.kind !== 'list')
    throw new UsageError(`--${option.name} was given ${list.length} times; give it once`);
  for (const v of list) {
    if (v === '')
      throw new UsageError(
        option.kind === 'output'
          ? `--${option.name}=: give a file name after "=", or leave "=" out for standard output`
          : `--${option.name}: an empty value`,
      );
    if (option.kind === 'choice' && !(option.choices ?? []).includes(v))
      throw new UsageError(`--${option.name} ${JSON.stringify(v)}: give one of ${(option.choices ?? []).join(', ')}`);
  }
  return option.kind === 'list' ? list : (list[0] as string);
}

// The failures yargs itself reports, in its words; the one it reports for an option (a value missing)
// is said as the other usage errors say it, naming the option by its full name.
function usageFromYargs(message: string, known: ReadonlyMap<string, OptionSpec>): UsageError {
  const missing = /^Not enough arguments following: (.+)$/.exec(message.trim());
  const option = missing ? known.get(missing[1] ?? '') : undefined;
  if (option) return new UsageError(`--${option.name} needs a value`);
  // yargs' messages may span lines: one line, as every message.
  return new UsageError(message.replace(/\s*\n\s*/g, ' '));
}

function unknownOption(spec: CommandSpec, key: string, typed: readonly string[]): UsageError {
  const shown =
    typed.find((t) => t === `--${key}` || t.startsWith(`--${key}=`) || t === `--no-${key}`)?.split('=')[0] ??
    (key.length === 1 ? `-${key}` : `--${key}`);
  const names = spec.options.filter((o) => !o.hidden).map((o) => o.name);
  const typo = closest(shown.replace(/^-+(no-)?/, ''), names);
  return new UsageError(`unknown option ${shown}${typo ? `; did you mean --${typo}?` : ''}`);
}

function assignPositionals(spec: CommandSpec, given: readonly unknown[]): Record<string, string[]> {
  const values = given.map(String);
  const result: Record<string, string[]> = {};
  let next = 0;
  for (const positional of spec.positionals) {
    const taken = positional.variadic ? values.slice(next) : values.slice(next, next + 1);
    next += taken.length;
    if (positional.required && taken.length === 0) throw new UsageError(`missing ${positional.label}`);
    // An empty argument ("$UNSET_VARIABLE") must not become the working directory.
    if (taken.includes('')) throw new UsageError(`an empty argument where ${positional.label} was expected`);
    result[positional.name] = taken;
  }
  if (next < values.length)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(values[next])}: ${spec.usage.split('\n')[0]}`.replace('$0', 'pbxsig'),
    );
  return result;
}

function string(values: Values, name: string): string | undefined {
  const value = values.get(name);
  return typeof value === 'string' ? value : undefined;
}

function list(values: Values, name: string): string[] {
  const value = values.get(name);
  return Array.isArray(value) ? value : [];
}

function flag(values: Values, name: string, fallback = false): boolean {
  const value = values.get(name);
  return typeof value === 'boolean' ? value : fallback;
}

function threadsOf(values: Values): Threads {
  const threads = string(values, 'threads') ?? 'auto';
  if (threads === 'auto') return 'auto';
  if (!/^\d+$/.test(threads))
    throw new UsageError(`--threads: expected a number or "auto", got ${JSON.stringify(threads)}`);
  const n = Number.parseInt(threads, 10);
  const limit = MAX_THREADS;
  if (n > limit) {
    throw new UsageError(
      `--threads ${threads}: at most ${limit} on this machine (4 per core); more threads only wait on each other ` +
        'and cost memory (about 8 MB each)',
    );
  }
  return n;
}

function toArgs({ spec, values, positionals }: Raw): ParsedArgs {
  const first = (name: string): string => positionals[name]?.[0] ?? '';
  switch (spec.name) {
    case 'verify':
      return verifyArgs(values, positionals['modules'] ?? []);
    case 'audit':
      return auditArgs(values, positionals['roots'] ?? []);
    case 'diff':
      return { command: 'diff', old: first('old'), new: first('new'), json: output(values, 'json') };
    case 'allowlist':
      return { command: 'allowlist', report: first('report'), modules: list(values, 'module') };
    case 'worker':
      return workerArgs(values);
    case 'sign':
      return signArgs(values, first('module'));
    case 'completion': {
      const shell = first('shell') || 'bash';
      if (shell !== 'bash') throw new UsageError(`completion ${JSON.stringify(shell)}: only bash is supported`);
      return { command: 'completion', shell };
    }
    default:
      return keysArgs(spec.name, values);
  }
}

function output(values: Values, name: string): string | undefined {
  const value = values.get(name);
  return typeof value === 'string' ? value : undefined;
}

function verifyArgs(values: Values, modules: string[]): VerifyArgs {
  const settings: Record<string, string> = {};
  const installationOptions: string[] = [];
  for (const [name, field] of SETTING_OPTIONS) {
    const value = string(values, name);
    if (value !== undefined) {
      settings[field] = value;
      installationOptions.push(`--${name}`);
    }
  }
  const root = string(values, 'root');
  if (root !== undefined) installationOptions.push('--root');
  if (list(values, 'module').length > 0) installationOptions.push('--module');
  if (modules.length > 0 && installationOptions.length > 0) {
    throw new UsageError(
      `${installationOptions.join(', ')} ${installationOptions.length === 1 ? 'applies' : 'apply'} to an installation, not to module directories: drop ${installationOptions.length === 1 ? 'it' : 'them'} or the directories`,
    );
  }
  const json = output(values, 'json');
  const report = string(values, 'report');
  if (json !== undefined && json !== STDOUT && report !== undefined)
    throw new UsageError('--json=FILE and --report FILE say the same: give one');
  const status = flag(values, 'status');
  if (status && json === STDOUT)
    throw new UsageError('--status prints nothing: write the report to a file (--json=FILE) or drop --status');
  const config = values.get('config');
  return {
    command: 'verify',
    modules,
    root,
    settings,
    only: list(values, 'module'),
    keys: list(values, 'keys'),
    anchors: list(values, 'anchor'),
    engine: string(values, 'engine') as Engine | undefined,
    threads: values.has('threads') ? threadsOf(values) : undefined,
    unlisted: string(values, 'unlisted') as UnlistedPolicy | undefined,
    json,
    report,
    quiet: flag(values, 'quiet'),
    status,
    config: config === false ? false : string(values, 'config'),
  };
}

function auditArgs(values: Values, roots: string[]): AuditArgs {
  const outputs = { json: output(values, 'json'), html: output(values, 'html'), ndjson: output(values, 'ndjson') };
  const toStdout = Object.entries(outputs)
    .filter(([, target]) => target === STDOUT)
    .map(([name]) => `--${name}`);
  if (toStdout.length > 1)
    throw new UsageError(`${toStdout.join(' and ')} cannot both go to stdout: give one a file (--html=audit.html)`);
  const status = flag(values, 'status');
  if (status && toStdout.length > 0)
    throw new UsageError(
      `--status prints nothing: write ${toStdout[0]} to a file (${toStdout[0]}=FILE) or drop --status`,
    );
  return {
    command: 'audit',
    roots,
    from: string(values, 'from'),
    each: string(values, 'each'),
    keys: list(values, 'keys'),
    anchors: list(values, 'anchor'),
    unlisted: (string(values, 'unlisted') ?? 'fail') as UnlistedPolicy,
    engine: (string(values, 'engine') ?? 'auto') as Engine,
    threads: threadsOf(values),
    ...outputs,
    quiet: flag(values, 'quiet'),
    status,
    fleet: fleetAuditArgs(values),
  };
}

const FLEET_ONLY = ['redis-auth', 'run-id', 'timeout', 'schedule', 'schedule-id', 'unschedule'] as const;

function fleetAuditArgs(values: Values): FleetAuditArgs {
  const queue = string(values, 'queue');
  if (queue === undefined) {
    // schedule-id has a default: it counts only when typed (the parser leaves out defaults it did not see).
    const given = FLEET_ONLY.filter(
      (name) => values.has(name) && !(name === 'schedule-id' && values.get(name) === 'audit'),
    );
    if (given.length > 0) throw new UsageError(`${given.map((n) => `--${n}`).join(', ')} need --queue`);
  }
  const timeout = string(values, 'timeout');
  const fleet: FleetAuditArgs = {
    queue,
    redisAuth: string(values, 'redis-auth'),
    runId: string(values, 'run-id'),
    timeoutMs: timeout === undefined ? undefined : parseDuration('--timeout', timeout),
    schedule: string(values, 'schedule'),
    scheduleId: string(values, 'schedule-id') ?? 'audit',
    unschedule: string(values, 'unschedule'),
  };
  if (fleet.schedule !== undefined && fleet.runId !== undefined)
    throw new UsageError('--run-id and --schedule do not go together: each scheduled run gets its own id');
  if (fleet.schedule !== undefined && fleet.unschedule !== undefined)
    throw new UsageError('--schedule and --unschedule do not go together: give one');
  return fleet;
}

function workerArgs(values: Values): WorkerArgs {
  const concurrencyText = string(values, 'concurrency') ?? '1';
  const concurrency = /^\d+$/.test(concurrencyText) ? Number.parseInt(concurrencyText, 10) : Number.NaN;
  if (!(concurrency >= 1 && concurrency <= 64))
    throw new UsageError(`--concurrency: expected 1 to 64, got ${JSON.stringify(concurrencyText)}`);
  const lockDurationMs = parseDuration('--lock-duration', string(values, 'lock-duration') ?? '30s');
  if (lockDurationMs < 100) throw new UsageError('--lock-duration: at least 100ms');
  return {
    command: 'worker',
    queue: string(values, 'queue') ?? '',
    redisAuth: string(values, 'redis-auth'),
    host: string(values, 'host'),
    root: string(values, 'root') ?? '/',
    threads: threadsOf(values),
    concurrency,
    lockDurationMs,
    reports: string(values, 'reports'),
  };
}

function signArgs(values: Values, module: string): SignArgs {
  return {
    command: 'sign',
    module,
    key: string(values, 'key') ?? '',
    passphraseFile: string(values, 'passphrase-file'),
    dotfiles: flag(values, 'dotfiles', true),
    signedBy: string(values, 'signed-by'),
    repo: string(values, 'repo'),
    expiresAfter: string(values, 'expires-after'),
    date: string(values, 'date'),
    check: flag(values, 'check'),
    keys: list(values, 'keys'),
    anchors: list(values, 'anchor'),
    engine: (string(values, 'engine') ?? 'auto') as Engine,
    threads: threadsOf(values),
    json: output(values, 'json'),
  };
}

function keysArgs(command: string, values: Values): KeysArgs {
  switch (command) {
    case 'keys generate': {
      const name = string(values, 'name') ?? '';
      const expires = string(values, 'expires');
      return {
        command,
        name,
        email: string(values, 'email') ?? '',
        type: string(values, 'type') === 'rsa' ? 'rsa' : 'ed25519',
        expires: expires === 'never' ? undefined : expires,
        created: string(values, 'created'),
        out:
          string(values, 'out') ??
          (name
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '-')
            .replace(/^-|-$/g, '') ||
            'key'),
        passphraseFile: string(values, 'passphrase-file'),
        force: flag(values, 'force'),
      };
    }
    case 'keys certify':
    case 'keys revoke':
      return {
        command,
        master: string(values, 'master') ?? '',
        key: string(values, 'key') ?? '',
        reason: string(values, 'reason'),
        out: string(values, 'out'),
        passphraseFile: string(values, 'passphrase-file'),
        date: string(values, 'date'),
        force: flag(values, 'force'),
      };
    case 'keys list':
      return { command, keys: list(values, 'keys'), anchors: list(values, 'anchor'), json: output(values, 'json') };
    case 'keys export':
      return { command, keys: list(values, 'keys'), out: string(values, 'out'), force: flag(values, 'force') };
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}
