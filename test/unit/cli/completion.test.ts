// The bash completion script, run in bash: what a user gets when pressing Tab.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bashCompletion } from '../../../src/cli/completion.js';
import { makeTempDir } from '../../helpers/modules.js';

const HAVE_BASH = spawnSync('bash', ['-c', 'true']).status === 0;
const SKIP = HAVE_BASH ? false : 'bash is not installed';

let dir = '';
let cleanup: () => Promise<void> = () => Promise.resolve();

before(async () => {
  const temp = await makeTempDir('pbxsig-completion-');
  dir = temp.path;
  cleanup = temp.remove;
  await mkdir(join(dir, 'modules'));
  await writeFile(join(dir, 'master.asc'), 'key');
});

after(() => cleanup());

/** What bash offers for the words typed so far (the last one being completed). */
function complete(...words: string[]): string[] {
  const script = `${bashCompletion()}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_pbxsig
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('bash completion', { skip: SKIP }, () => {
  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n'], { input: bashCompletion(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('completes commands and subcommands', () => {
    assert.deepEqual(complete('pbxsig', 'ver'), ['verify']);
    assert.deepEqual(complete('pbxsig', 'keys', 'l'), ['list']);
  });

  it("completes a command's options, and only its own", () => {
    assert.deepEqual(complete('pbxsig', 'verify', '--an'), ['--anchor']);
    assert.deepEqual(complete('pbxsig', 'audit', '--nd'), ['--ndjson']);
    assert.deepEqual(complete('pbxsig', 'verify', '--nd'), []);
    assert.ok(complete('pbxsig', 'sign', '--no-').includes('--no-dotfiles'));
    assert.deepEqual(complete('pbxsig', 'keys', 'list', '--an'), ['--anchor']);
  });

  it("completes an option's choices and files", () => {
    assert.deepEqual(complete('pbxsig', 'verify', '--unlisted', 're'), ['report']);
    assert.deepEqual(complete('pbxsig', 'verify', '--anchor', 'mas'), ['master.asc']);
    assert.deepEqual(complete('pbxsig', 'verify', '--root', 'mo'), ['modules']);
    assert.deepEqual(complete('pbxsig', 'verify', '--json', '=', 'mas'), ['master.asc']);
    assert.deepEqual(complete('pbxsig', 'verify', '--threads', ''), []);
  });

  it('completes directories for module directories', () => {
    assert.deepEqual(complete('pbxsig', 'verify', 'm'), ['modules']);
  });
});
