// The man page and the bash completion the build made (dist/man/pbxsig.1, dist/completion/pbxsig.bash),
// as the packages ship them: man renders the page without a warning, the page names every command and
// option of the CLI's command table, and bash completes commands, options and choices with the script.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/cli/spec.js';
import { REPO_ROOT } from '../helpers/paths.js';

const MAN_PAGE = join(REPO_ROOT, 'dist/man/pbxsig.1');
const COMPLETION = join(REPO_ROOT, 'dist/completion/pbxsig.bash');

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

describe('when man renders pbxsig(1)', () => {
  it('renders it without a warning', { skip: have('man') ? false : 'man is not installed' }, () => {
    const r = spawnSync('man', ['--warnings', '-l', MAN_PAGE], {
      encoding: 'utf8',
      env: { ...process.env, MANWIDTH: '80', MAN_DISABLE_SECCOMP: '1', LC_ALL: 'C.UTF-8' },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /pbxsig verify \[MODULE_DIR\.\.\.\] \[options\]/);
    assert.match(r.stdout, /EXIT STATUS/);
  });

  it('names every command and every option of the CLI', () => {
    const page = readFileSync(MAN_PAGE, 'utf8');
    for (const command of COMMANDS) {
      assert.match(
        page,
        new RegExp(`^\\.SS pbxsig ${command.name}( |$)`, 'm'),
        `the page has a section for ${command.name}`,
      );
      for (const option of command.options.filter((o) => !o.hidden)) {
        const name = option.kind === 'flag' && option.default === true ? `[no-]${option.name}` : option.name;
        assert.ok(
          page.includes(`\\fB\\-\\-${name.replace(/-/g, '\\-')}\\fR`),
          `pbxsig ${command.name} --${option.name} is not in the man page`,
        );
      }
    }
  });
});

describe('when bash completes pbxsig', { skip: have('bash') ? false : 'bash is not installed' }, () => {
  const complete = (...words: string[]): string[] => {
    const script = [
      `source ${JSON.stringify(COMPLETION)}`,
      `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
      'COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))',
      '_pbxsig',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l !== '');
  };

  it('offers the commands, then the keys subcommands', () => {
    assert.deepEqual(complete('pbxsig', ''), [
      'verify',
      'audit',
      'diff',
      'allowlist',
      'worker',
      'sign',
      'keys',
      'completion',
      '--help',
      '--version',
    ]);
    assert.deepEqual(complete('pbxsig', 'keys', ''), ['generate', 'certify', 'revoke', 'list', 'export', '--help']);
  });

  it("offers a command's options, and an option's choices", () => {
    assert.deepEqual(complete('pbxsig', 'verify', '--unl'), ['--unlisted']);
    assert.deepEqual(complete('pbxsig', 'verify', '--root', '/x', '--unlisted', ''), ['ignore', 'report', 'fail']);
    assert.deepEqual(complete('pbxsig', 'keys', 'generate', '--type', ''), ['ed25519', 'rsa']);
  });

  it('offers file names for an option that takes a file', () => {
    assert.ok(
      complete('pbxsig', 'verify', '--report', join(REPO_ROOT, 'package.j')).includes(join(REPO_ROOT, 'package.json')),
    );
  });
});
