// The CLI's help as the man page and the completion read it (scripts/packaging/help.ts), and what
// they make of it.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderBashCompletion } from '../../../scripts/packaging/completion.js';
import { parseHelp } from '../../../scripts/packaging/help.js';
import { renderManPage, roffText } from '../../../scripts/packaging/man-page.js';

// yargs' help with wrapping turned off, as the CLI prints it (two spaces between columns).
const VERIFY_HELP = `pbxsig verify [MODULE_DIR...] [options]

With no MODULE_DIR, verifies every module.

Positionals:
  modules  module directories (each with a module.sig)  [array] [default: []]

Installation:
      --root          filesystem root of the installation: / or a snapshot  [string]
  -m, --module        verify only this module of the installation; repeatable  [array]

Options:
  -h, --help      Show help  [boolean]
  -k, --keys      public key file or directory; repeatable  [array] [default: []]
      --unlisted  files a manifest does not list: ignore, report, or fail  [choices: "ignore", "report", "fail"] [default: "fail"]
      --json      print the report as JSON  [boolean] [default: false]

Examples:
  pbxsig verify --root /mnt/backup --report audit.json      a snapshot, with its own settings and keys

Exit status: 0 every module verified, 1 some module failed.
`;

const ROOT_HELP = `pbxsig <command> [options]

Verify FreePBX module signatures.

Commands:
  pbxsig verify [modules..]  verify a FreePBX installation
  pbxsig keys                generate, certify, revoke, list and export keys

Options:
  -h, --help     Show help  [boolean]
      --version  Show version number  [boolean]
`;

describe('when the help of a command is parsed', () => {
  const page = parseHelp(VERIFY_HELP, ['verify'], 'pbxsig');

  it('reads the usage, the description and the epilogue', () => {
    assert.equal(page.usage, 'pbxsig verify [MODULE_DIR...] [options]');
    assert.equal(page.description, 'With no MODULE_DIR, verifies every module.');
    assert.equal(page.epilogue, 'Exit status: 0 every module verified, 1 some module failed.');
  });

  it('reads each option with its short name, type, choices, default and description', () => {
    const options = page.sections.flatMap((s) => s.options);
    const keys = options.find((o) => o.long === '--keys');
    assert.deepEqual(keys, {
      long: '--keys',
      short: '-k',
      description: 'public key file or directory; repeatable',
      type: 'array',
      default: '[]',
      required: false,
    });
    const unlisted = options.find((o) => o.long === '--unlisted');
    assert.deepEqual(unlisted?.choices, ['ignore', 'report', 'fail']);
    assert.equal(unlisted?.default, '"fail"');
    assert.equal(unlisted?.description, 'files a manifest does not list: ignore, report, or fail');
    assert.deepEqual(
      page.sections.map((s) => s.title),
      ['Positionals', 'Installation', 'Options'],
    );
  });

  it('reads the examples', () => {
    assert.deepEqual(page.examples, [
      {
        command: 'pbxsig verify --root /mnt/backup --report audit.json',
        meaning: 'a snapshot, with its own settings and keys',
      },
    ]);
  });

  it('refuses an option line it cannot read, rather than leave the option out', () => {
    assert.throws(
      () => parseHelp('pbxsig x\n\nOptions:\n  ???  what\n', ['x'], 'pbxsig'),
      /cannot read the option line/,
    );
  });

  it('reads the subcommands of a command list', () => {
    const root = parseHelp(ROOT_HELP, [], 'pbxsig');
    assert.deepEqual(
      root.commands.map((c) => c.path),
      [['verify'], ['keys']],
    );
  });
});

describe('when the man page is made', () => {
  const page = parseHelp(VERIFY_HELP, ['verify'], 'pbxsig');
  const template = '.TH PBXSIG 1 "@DATE@" "pbxsig @VERSION@"\n.SH SYNOPSIS\n@SYNOPSIS@\n.SH COMMANDS\n@COMMANDS@\n';

  it('fills the template with each command, its options and their defaults', () => {
    const roff = renderManPage(template, [parseHelp(ROOT_HELP, [], 'pbxsig'), page], {
      version: '9.9.9',
      date: '2026-01-02',
    });
    assert.match(roff, /^\.TH PBXSIG 1 "2026-01-02" "pbxsig 9\.9\.9"$/m);
    assert.match(roff, /^\\fBpbxsig verify\\fR \[MODULE_DIR\.\.\.\] \[options\]$/m);
    assert.match(roff, /^\\fB\\-k\\fR, \\fB\\-\\-keys\\fR\\fI KEYS\\fR$/m);
    assert.match(roff, /^\\fB\\-\\-unlisted\\fR\\fI ignore\|report\|fail\\fR\n.* \(default: fail\)$/m);
    assert.doesNotMatch(roff, /\\-\\-help/, '--help and --version are described once, not per command');
  });

  it('refuses a template placeholder it does not know', () => {
    assert.throws(() => renderManPage(`${template}@OTHER@\n`, [page], { version: '1', date: '2026-01-02' }), /@OTHER@/);
  });

  it('escapes what roff would take as a request or an escape', () => {
    assert.equal(roffText('.hidden'), '\\&.hidden');
    assert.equal(roffText('a\\b'), 'a\\eb');
    assert.equal(roffText('use --root or -k'), 'use \\-\\-root or \\-k');
    assert.equal(roffText('SHA-256'), 'SHA-256');
  });
});

describe('when the bash completion is made', () => {
  it('lists commands, options, the options that take values, and their choices', () => {
    const script = renderBashCompletion([
      parseHelp(ROOT_HELP, [], 'pbxsig'),
      parseHelp(VERIFY_HELP, ['verify'], 'pbxsig'),
    ]);
    assert.match(script, /^ {6}commands='verify keys'$/m);
    assert.match(script, /^ {6}options='--root --module -m --help -h --keys -k --unlisted --json'$/m);
    assert.match(script, /\[\[ \$prev == --unlisted \]\] && choices='ignore report fail'/);
    assert.match(script, /^complete -F _pbxsig pbxsig$/m);
  });
});
