// pbxsig(1) as made from the command table (scripts/packaging/man-page.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { optionHead, renderManPage, roffText } from '../../../scripts/packaging/man-page.js';
import type { CommandSpec } from '../../../src/cli/spec.js';

const VERIFY: CommandSpec = {
  name: 'verify',
  summary: 'verify a FreePBX installation',
  usage: '$0 verify [MODULE_DIR...] [options]\n\nWith no MODULE_DIR, verifies every module.',
  positionals: [
    {
      name: 'modules',
      label: 'MODULE_DIR',
      describe: 'module directories',
      required: false,
      variadic: true,
      completes: 'directory',
    },
  ],
  options: [
    { name: 'root', kind: 'value', value: 'DIR', describe: 'the root', group: 'Installation:' },
    { name: 'keys', alias: 'k', kind: 'list', value: 'FILE|DIR', describe: 'key files; repeatable' },
    {
      name: 'unlisted',
      kind: 'choice',
      choices: ['ignore', 'report', 'fail'],
      default: 'fail',
      describe: 'unlisted files',
    },
    { name: 'json', kind: 'output', value: 'FILE', describe: 'the report as JSON' },
    { name: 'dotfiles', kind: 'flag', default: true, describe: 'include dotfiles' },
    { name: 'date', kind: 'value', describe: 'for samples', hidden: true },
  ],
  examples: [['$0 verify --root /mnt/backup', 'a snapshot']],
  epilogue: 'Exit status: 0 every module verified.',
};

const TEMPLATE = '.TH PBXSIG 1 "@DATE@" "pbxsig @VERSION@"\n.SH SYNOPSIS\n@SYNOPSIS@\n.SH COMMANDS\n@COMMANDS@\n';

describe('when the man page is made from the command table', () => {
  const roff = renderManPage(TEMPLATE, [VERIFY], { version: '9.9.9', date: '2026-01-02' });

  it('fills in the version, the date and a synopsis line per command', () => {
    assert.match(roff, /^\.TH PBXSIG 1 "2026-01-02" "pbxsig 9\.9\.9"$/m);
    assert.match(roff, /^\\fBpbxsig verify\\fR \[MODULE_DIR\.\.\.\] \[options\]$/m);
  });

  it('describes each argument and option as the help shows it, with defaults, in its group', () => {
    assert.match(roff, /^\.SS pbxsig verify \[MODULE_DIR\.\.\.\] \[options\]\nVerify a FreePBX installation\.$/m);
    assert.match(roff, /^\.TP\n\\fIMODULE_DIR\\fR\nmodule directories$/m);
    assert.match(roff, /^Installation:\n\.TP\n\\fB\\-\\-root\\fR \\fIDIR\\fR\nthe root$/m);
    assert.match(roff, /^\\fB\\-k\\fR, \\fB\\-\\-keys\\fR \\fIFILE\|DIR\\fR$/m);
    assert.match(roff, /^\\fB\\-\\-unlisted\\fR \\fIignore\|report\|fail\\fR\nunlisted files \(default: fail\)$/m);
    assert.match(roff, /^\\fB\\-\\-json\\fR\[=\\fIFILE\\fR\]$/m);
    assert.match(roff, /^\\fB\\-\\-\[no\\-\]dotfiles\\fR$/m);
    assert.doesNotMatch(roff, /\\-\\-date/, 'hidden options stay out of the page, as out of the help');
    assert.match(roff, /^\.TP\n\\fBpbxsig verify \\-\\-root \/mnt\/backup\\fR\na snapshot$/m);
    assert.match(roff, /^Exit status: 0 every module verified\.$/m);
  });

  it('refuses a template placeholder it does not know', () => {
    assert.throws(
      () => renderManPage(`${TEMPLATE}@OTHER@\n`, [VERIFY], { version: '1', date: '2026-01-02' }),
      /@OTHER@/,
    );
  });

  it('escapes what roff would take as a request or an escape', () => {
    assert.equal(roffText('.hidden'), '\\&.hidden');
    assert.equal(roffText('a\\b'), 'a\\eb');
    assert.equal(roffText('use --root or -k'), 'use \\-\\-root or \\-k');
    assert.equal(roffText('SHA-256 and clear-signed'), 'SHA-256 and clear-signed');
    assert.equal(
      optionHead({ name: 'quiet', alias: 'q', kind: 'flag', describe: '' }),
      '\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR',
    );
  });
});
