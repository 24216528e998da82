// The command line parser, with argv arrays: options in any order, one value per option, the report
// options' two forms, and the usage errors a user meets.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { commandOf, parseArgs, parseValues } from '../../../src/cli/args.js';
import { MAX_THREADS } from '../../../src/verify/options.js';
import type { ParsedArgs } from '../../../src/cli/args.js';
import { commandHelp } from '../../../src/cli/help.js';
import { COMMANDS, commandNamed } from '../../../src/cli/spec.js';
import { FREEPBX_ANCHORS } from '../../../src/pgp/anchors.js';
import { REPO_ROOT } from '../../helpers/paths.js';

function usageError(argv: readonly string[], message: RegExp): void {
  assert.throws(
    () => parseArgs(argv),
    (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, message);
      return true;
    },
  );
}

// The commands of the README's shell blocks, as words (double quotes kept together, comments dropped).
function readmeCommands(): string[][] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const commands: string[][] = [];
  for (const block of readme.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? '').split('\n')) {
      if (!line.startsWith('pbxsig ')) continue;
      const words = [...line.matchAll(/"([^"]*)"|(#.*$)|(\S+)/g)]
        .filter((m) => m[2] === undefined)
        .map((m) => m[1] ?? m[3] ?? '');
      // pbxsig's own words end where the shell takes over (a redirection, a pipe).
      const end = words.findIndex((w) => ['>', '>>', '|', '&&', '||', ';'].includes(w));
      commands.push(words.slice(1, end === -1 ? undefined : end));
    }
  }
  return commands;
}

// A command line in movable units: the command's own words, then each option with its value, and
// each argument.
function units(argv: readonly string[]): { head: string[]; units: string[][] } {
  const command = commandOf(argv);
  const spec = command !== undefined ? commandNamed(command) : undefined;
  assert.ok(spec, `a command: ${argv.join(' ')}`);
  const head = spec.name.split(' ');
  const rest = argv.slice(head.length);
  const result: string[][] = [];
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] as string;
    const option = token.startsWith('-')
      ? spec.options.find((o) => token === `--${o.name}` || (o.alias !== undefined && token === `-${o.alias}`))
      : undefined;
    const next = rest[i + 1];
    const takesNext =
      option !== undefined &&
      (option.kind === 'value' ||
        option.kind === 'list' ||
        option.kind === 'choice' ||
        (option.kind === 'output' && option.separateFile === true && next !== undefined && !next.startsWith('-')));
    if (takesNext && next !== undefined) {
      result.push([token, next]);
      i++;
    } else {
      result.push([token]);
    }
  }
  return { head, units: result };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

// Every order of up to 6 units (720); beyond that, every rotation and its reverse.
function orders<T>(items: readonly T[]): T[][] {
  if (items.length <= 6) return permutations(items);
  const result: T[][] = [];
  for (let r = 0; r < items.length; r++) {
    const rotated = [...items.slice(r), ...items.slice(0, r)];
    result.push(rotated, [...rotated].reverse());
  }
  return result;
}

// Lists compare as sets: `--module a --module b` and `--module b --module a` ask the same.
function normalized(args: ParsedArgs): unknown {
  return JSON.parse(
    JSON.stringify(args, (_key, value: unknown) => (Array.isArray(value) ? [...(value as string[])].sort() : value)),
  ) as unknown;
}

describe('the README commands', () => {
  const commands = readmeCommands();

  it('are found (at least one for each of verify, audit, diff, sign and keys)', () => {
    for (const name of ['verify', 'audit', 'diff', 'sign', 'keys']) {
      assert.ok(
        commands.some((c) => c[0] === name),
        name,
      );
    }
  });

  for (const argv of commands) {
    it(`mean the same in every option order: pbxsig ${argv.join(' ')}`, () => {
      const expected = normalized(parseArgs(argv));
      const { head, units: parts } = units(argv);
      // Options move; the arguments keep their order among themselves (diff OLD NEW).
      const isArgument = (unit: readonly string[]): boolean => !(unit[0] ?? '').startsWith('-');
      const args = parts.filter(isArgument);
      for (const order of orders(parts)) {
        let next = 0;
        const placed = order.map((unit) => (isArgument(unit) ? (args[next++] as string[]) : unit));
        const reordered = [...head, ...placed.flat()];
        assert.deepEqual(normalized(parseArgs(reordered)), expected, reordered.join(' '));
      }
    });
  }
});

describe('when a list option comes before the arguments', () => {
  for (const [argv, field, expected] of [
    [['verify', '--keys', 'K', 'DIR'], 'modules', ['DIR']],
    [['verify', '-k', 'K', 'DIR', 'DIR2'], 'modules', ['DIR', 'DIR2']],
    [['verify', '--anchor', 'M', '--keys', 'K', 'DIR'], 'modules', ['DIR']],
    [['audit', '--anchor', 'M', 'ROOT'], 'roots', ['ROOT']],
    [['audit', '--keys', 'K', '--anchor', 'M', 'R1', 'R2'], 'roots', ['R1', 'R2']],
    [['verify', '--root', 'R', '--module', 'core', '--module', 'framework'], 'only', ['core', 'framework']],
    [['verify', '--keys', 'A', '--keys', 'B', 'DIR'], 'keys', ['A', 'B']],
    [['verify', '-k', 'A', 'DIR', '-k', 'B'], 'keys', ['A', 'B']],
    [['verify', '--keys=A', 'DIR'], 'keys', ['A']],
  ] as const) {
    it(`takes one value per option: pbxsig ${argv.join(' ')}`, () => {
      const args = parseArgs(argv) as unknown as Record<string, unknown>;
      assert.deepEqual(args[field], expected);
    });
  }

  it('makes verify --root R --anchor M --keys K DIR a usage error (an installation or directories, not both)', () => {
    usageError(
      ['verify', '--root', 'R', '--anchor', 'M', '--keys', 'K', 'DIR'],
      /--root applies to an installation, not to module directories/,
    );
  });

  it('names every installation option given with module directories, in one sentence', () => {
    usageError(
      ['verify', '--webroot', 'W', '--root', 'R', 'DIR'],
      /^--webroot, --root apply to an installation, not to module directories: drop them or the directories$/,
    );
  });
});

describe('when an argument is empty', () => {
  for (const argv of [
    ['verify', ''],
    ['verify', 'DIR', ''],
    ['audit', ''],
    ['diff', '', 'b.json'],
    ['sign', '', '--key', 'k.asc'],
  ]) {
    it(`is a usage error, never the working directory: ${JSON.stringify(argv)}`, () => {
      usageError(argv, /an empty argument where [A-Z_]+ was expected/);
    });
  }

  for (const argv of [
    ['verify', '--keys', ''],
    ['verify', '--root', ''],
    ['verify', '--root='],
    ['audit', '--each', ''],
  ]) {
    it(`is a usage error as an option's value: ${JSON.stringify(argv)}`, () => {
      usageError(argv, /--(keys|root|each): an empty value/);
    });
  }
});

describe('--json, --html and --ndjson', () => {
  it('print to stdout when bare, and never take the next argument (verify --json DIR verifies DIR)', () => {
    const args = parseArgs(['verify', '--json', 'DIR']);
    assert.equal(args.command, 'verify');
    assert.equal(args.json, '-');
    assert.deepEqual(args.modules, ['DIR']);
  });

  it('write to a file given with "="', () => {
    const verify = parseArgs(['verify', 'DIR', '--json=out.json']);
    assert.equal(verify.command === 'verify' && verify.json, 'out.json');
    for (const command of [
      ['sign', 'DIR', '--key', 'k'],
      ['keys', 'list', '--keys', 'k'],
      ['diff', 'a', 'b'],
    ]) {
      const args = parseArgs([...command, '--json=out.json']) as unknown as { json: string };
      assert.equal(args.json, 'out.json', command.join(' '));
    }
  });

  it('keep audit --json FILE and --html FILE, the form audit documented before', () => {
    const args = parseArgs(['audit', '--each', 'D', '--json', 'a.json', '--html', 'a.html', 'R']);
    assert.equal(args.command, 'audit');
    assert.equal(args.json, 'a.json');
    assert.equal(args.html, 'a.html');
    assert.deepEqual(args.roots, ['R']);
  });

  it('print to stdout in audit when bare before an option or at the end', () => {
    const args = parseArgs(['audit', 'R', '--json', '--each', 'D']);
    assert.equal(args.command === 'audit' && args.json, '-');
    const ndjson = parseArgs(['audit', '--ndjson', 'R']);
    assert.equal(ndjson.command === 'audit' && ndjson.ndjson, '-');
    assert.deepEqual(ndjson.command === 'audit' && ndjson.roots, ['R']);
  });

  it('refuse two formats on stdout', () => {
    usageError(['audit', 'R', '--json', '--ndjson'], /--json and --ndjson cannot both go to stdout/);
  });

  it('refuse --json= with no file', () => {
    usageError(['verify', '--json='], /give a file name after "="/);
  });

  it('refuse a value given twice', () => {
    usageError(['verify', '--json=a', '--json=b'], /--json was given 2 times/);
    usageError(['verify', '--root', 'a', '--root', 'b'], /--root was given 2 times/);
  });

  it('make --report FILE the same as --json=FILE, and refuse both', () => {
    const args = parseArgs(['verify', '--report', 'r.json']);
    assert.equal(args.command === 'verify' && args.report, 'r.json');
    usageError(['verify', '--report', 'r.json', '--json=j.json'], /say the same: give one/);
  });
});

describe('--quiet and --status', () => {
  it('are read for verify and audit', () => {
    const verify = parseArgs(['verify', '-q', 'DIR']);
    assert.ok(verify.command === 'verify' && verify.quiet && !verify.status);
    const audit = parseArgs(['audit', 'R', '--status']);
    assert.ok(audit.command === 'audit' && audit.status);
  });

  it('refuse --status with a report on stdout', () => {
    usageError(['verify', '--status', '--json'], /--status prints nothing/);
    usageError(['audit', 'R', '--status', '--ndjson'], /--status prints nothing/);
  });
});

describe('--threads', () => {
  it('takes "auto", 0 and up to 4 threads per core', () => {
    for (const [value, expected] of [
      ['auto', 'auto'],
      ['0', 0],
      [String(MAX_THREADS), MAX_THREADS],
    ] as const) {
      const args = parseArgs(['verify', 'DIR', '--threads', value]);
      assert.equal(args.command === 'verify' && args.threads, expected);
    }
  });

  it('refuses more, saying the bound and why', () => {
    usageError(['verify', 'DIR', '-j', String(MAX_THREADS + 1)], /at most \d+ on this machine \(4 per core\)/);
    usageError(['audit', 'R', '--threads', '100000'], /at most \d+ on this machine/);
  });

  it('refuses what is not a number', () => {
    usageError(['verify', 'DIR', '--threads', '-1'], /expected a number or "auto"/);
  });
});

describe('when a command or option is mistyped', () => {
  it('suggests the command meant', () => {
    usageError(['verfy'], /unknown command "verfy"; did you mean "verify"\?/);
    usageError(['adit'], /did you mean "audit"\?/);
    usageError(['keys', 'lst'], /unknown keys command "lst"; did you mean "keys list"\?/);
  });

  it('suggests the option meant', () => {
    usageError(['verify', 'DIR', '--anchr', 'x'], /unknown option --anchr; did you mean --anchor\?/);
    usageError(['verify', 'DIR', '--thread', '2'], /did you mean --threads\?/);
    usageError(['sign', 'DIR', '--key', 'k', '--frobnicate'], /^unknown option --frobnicate$/);
  });

  it("names the command, so that the error can point at the command's own help", () => {
    assert.equal(commandOf(['verify', '--bad']), 'verify');
    assert.equal(commandOf(['keys', 'list', '--bad']), 'keys list');
    assert.equal(commandOf(['keys', 'nope']), 'keys');
    assert.equal(commandOf(['nope']), undefined);
  });
});

describe('arguments', () => {
  it('are taken as typed: no numbers, no nested objects', () => {
    const args = parseArgs(['audit', '010', '1e3']);
    assert.deepEqual(args.command === 'audit' && args.roots, ['010', '1e3']);
  });

  it('may start with "-" after "--"', () => {
    const args = parseArgs(['verify', '--keys', 'K', '--', '-odd-dir', '--json']);
    assert.deepEqual(args.command === 'verify' && args.modules, ['-odd-dir', '--json']);
    assert.equal(args.command === 'verify' && args.json, undefined);
  });

  it('are counted: diff takes two files, sign one directory', () => {
    usageError(['diff', 'a.json'], /missing NEW/);
    usageError(['diff', 'a.json', 'b.json', 'c.json'], /unexpected argument "c.json"/);
    usageError(['sign', 'a', 'b', '--key', 'k'], /unexpected argument "b"/);
    usageError(['sign', 'DIR'], /missing --key/);
  });

  it('default the anchors to none given (anchors.ts applies FreePBX master keys)', () => {
    const args = parseArgs(['verify', 'DIR']);
    assert.deepEqual(args.command === 'verify' && args.anchors, []);
    assert.equal(FREEPBX_ANCHORS.length, 2);
  });
});

describe('help and version', () => {
  it('prints the version for -V and --version', () => {
    for (const flag of ['-V', '--version']) {
      const out = parseArgs([flag]);
      assert.equal(out.command, 'output');
      assert.match(out.command === 'output' ? out.text : '', /^\d+\.\d+\.\d+/);
    }
  });

  it('prints a command help for pbxsig help COMMAND', () => {
    const out = parseArgs(['help', 'keys', 'list']);
    assert.match(out.command === 'output' ? out.text : '', /^Usage: pbxsig keys list/);
  });

  it('prints a command help for --help anywhere before "--"', () => {
    const out = parseArgs(['verify', 'DIR', '--help']);
    assert.equal(out.command, 'output');
    assert.match(out.command === 'output' ? out.text : '', /^Usage: pbxsig verify/);
  });

  for (const spec of COMMANDS) {
    it(`lists every option the parser takes, and only those: ${spec.name}`, () => {
      const help = commandHelp(spec, 100);
      for (const option of spec.options) {
        if (option.hidden) continue;
        assert.ok(help.includes(`--${option.default === true ? '[no-]' : ''}${option.name}`), option.name);
      }
      const listed = [...help.matchAll(/^ {2}(?:-\w, )? *--(?:\[no-\])?([a-z-]+)/gm)].map((m) => m[1]);
      const accepted = new Set([...spec.options.map((o) => o.name), 'help']);
      for (const name of listed) assert.ok(accepted.has(name ?? ''), `${name} is listed but not parsed`);
    });
  }
});

describe('the fleet options', () => {
  it('read audit --queue and its options in any order, one value each', () => {
    const args = parseArgs([
      'audit',
      '--timeout',
      '2h',
      'pbx1=/srv/a',
      '--queue',
      'redis://q.example:6379/1',
      'host:pbx2',
      '--run-id=nightly-1',
      '--redis-auth',
      'auth',
      '--json=out.json',
    ]);
    assert.equal(args.command, 'audit');
    if (args.command !== 'audit') return;
    assert.deepEqual(args.roots, ['pbx1=/srv/a', 'host:pbx2']);
    assert.deepEqual(args.fleet, {
      queue: 'redis://q.example:6379/1',
      redisAuth: 'auth',
      runId: 'nightly-1',
      timeoutMs: 7_200_000,
      schedule: undefined,
      scheduleId: 'audit',
      unschedule: undefined,
    });
    assert.equal(args.json, 'out.json');
  });

  it('refuse fleet options without --queue, and --run-id with --schedule', () => {
    usageError(['audit', '/srv/a', '--timeout', '1h'], /--timeout need --queue/);
    usageError(['audit', '/srv/a', '--run-id', 'r', '--redis-auth', 'f'], /--redis-auth, --run-id need --queue/);
    usageError(['audit', '--queue', 'redis://q', '--schedule', '1d', '--run-id', 'r', '/a'], /do not go together/);
    usageError(['audit', '--queue', 'redis://q', '--timeout', 'soon', '/a'], /--timeout: expected a duration/);
    usageError(['audit', '--queue', 'redis://q', '--queue', 'redis://r', '/a'], /--queue was given 2 times/);
  });

  it('read worker options in any order, with their defaults', () => {
    const args = parseArgs(['worker', '--concurrency', '2', '--queue', 'unix:///run/redis.sock', '--host', 'pbx1']);
    assert.deepEqual(args, {
      command: 'worker',
      queue: 'unix:///run/redis.sock',
      redisAuth: undefined,
      host: 'pbx1',
      root: '/',
      threads: 'auto',
      concurrency: 2,
      lockDurationMs: 30_000,
      reports: undefined,
    });
  });

  it('refuse a worker without --queue, or with a bad concurrency or lock duration', () => {
    usageError(['worker'], /missing --queue/);
    usageError(['worker', '--queue', 'redis://q', '--concurrency', '0'], /--concurrency: expected 1 to 64/);
    usageError(['worker', '--queue', 'redis://q', '--lock-duration', '10ms'], /at least 100ms/);
    usageError(['worker', '--queue', 'redis://q', '--hots', 'pbx1'], /did you mean --host\?/);
  });

  it('name worker among the commands, and suggest it when mistyped', () => {
    usageError([], /name a command: .*worker/);
    usageError(['wroker'], /did you mean "worker"\?/);
  });
});

describe('the parser and the table', () => {
  // One declaration: every option of the table parses, with its alias, in both value forms.
  for (const spec of COMMANDS) {
    it(`accepts every option of ${spec.name} as declared`, () => {
      for (const option of spec.options) {
        const value = option.choices?.[0] ?? 'x';
        const forms: string[][] =
          option.kind === 'flag'
            ? [[`--${option.name}`]]
            : option.kind === 'output'
              ? [[`--${option.name}`], [`--${option.name}=x`]]
              : [[`--${option.name}`, value], [`--${option.name}=${value}`]];
        if (option.alias !== undefined && option.kind !== 'output')
          forms.push(option.kind === 'flag' ? [`-${option.alias}`] : [`-${option.alias}`, value]);
        // What the command needs besides: its arguments and required options.
        const needed = [
          ...spec.positionals.filter((p) => p.required).map(() => 'P'),
          ...spec.options.filter((o) => o.required && o !== option).flatMap((o) => [`--${o.name}`, 'R']),
        ];
        for (const form of forms) {
          const raw = parseValues(spec, [...needed, ...form]);
          assert.ok(raw.values.has(option.name), `${spec.name} ${form.join(' ')}`);
        }
      }
    });
  }
});

describe('--config', () => {
  it('names a configuration file, or none with --no-config; the default is left to the command', () => {
    const named = parseArgs(['verify', '--config', '/etc/site.conf']);
    assert.equal(named.command === 'verify' && named.config, '/etc/site.conf');
    const none = parseArgs(['verify', '--no-config']);
    assert.equal(none.command === 'verify' && none.config, false);
    const unset = parseArgs(['verify']);
    assert.equal(unset.command === 'verify' ? unset.config : 'not verify', undefined);
  });

  it('leaves the settings a configuration may hold unset when not given (no default from the parser)', () => {
    const args = parseArgs(['verify']);
    assert.ok(args.command === 'verify');
    assert.deepEqual(
      [args.root, args.engine, args.threads, args.unlisted],
      [undefined, undefined, undefined, undefined],
    );
  });

  it('makes --config FILE with --no-config a usage error', () => {
    usageError(['verify', '--config', 'a.conf', '--no-config'], /--config and --no-config contradict: give one/);
  });

  it('does not take --no- for an option that is not negatable', () => {
    usageError(['verify', '--no-root'], /unknown option --no-root/);
  });
});

describe('allowlist', () => {
  it('takes a report and --module filters', () => {
    assert.deepEqual(parseArgs(['allowlist', 'r.json', '-m', 'core', '--module', 'cdr']), {
      command: 'allowlist',
      report: 'r.json',
      modules: ['core', 'cdr'],
    });
  });

  it('needs the report', () => {
    usageError(['allowlist'], /missing REPORT\.json/);
  });
});
