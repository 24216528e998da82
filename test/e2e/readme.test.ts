// The README's commands run as written (item 8 of issue 13): every shell block marked
// `<!-- tested ... -->` runs, command by command, in a scratch directory holding a copy of fixtures/,
// with `pbxsig` on the PATH as a user's install would put it, and each command must end with the exit
// status the README states (test/helpers/readme.ts). A command whose tool is missing here (gpg) is
// skipped, with a message.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir } from '../helpers/modules.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';
import { splitComment, testedBlocks } from '../helpers/readme.js';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

let dir: string;
let cleanup: () => Promise<void>;
let bin: string;

before(async () => {
  const temp = await makeTempDir();
  dir = temp.path;
  cleanup = temp.remove;
  // `pbxsig` as an installed command, run by the Node.js running these tests.
  bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'pbxsig'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`,
  );
  chmodSync(join(bin, 'pbxsig'), 0o755);
});

after(async () => cleanup());

describe('when the README marks shell blocks as tested', () => {
  it('finds them: the sample run, the signing walkthrough', () => {
    const headings = testedBlocks(README).map((b) => b.heading);
    assert.ok(headings.includes('Quick start'), headings.join(', '));
    assert.ok(headings.includes('Signing modules and managing keys'), headings.join(', '));
  });

  it('reads continuation lines, comments and the stated exit status', () => {
    const blocks = testedBlocks(
      '## Here\n<!-- tested -->\n```sh\n# a comment\npbxsig verify a \\\n  b   # exit 1: why\necho "# not a comment"\n```\n',
    );
    assert.deepEqual(blocks, [
      {
        heading: 'Here',
        line: 3,
        commands: [
          { line: 5, command: 'pbxsig verify a   b', expectedStatus: 1 },
          { line: 7, command: 'echo "# not a comment"', expectedStatus: 0 },
        ],
      },
    ]);
    assert.deepEqual(splitComment("say 'a # b' # c"), { command: "say 'a # b'", comment: 'c' });
    assert.throws(() => testedBlocks('<!-- tested -->\n```ts\nx\n```\n'), /must stand right before/);
  });
});

describe('when the tested README blocks run', () => {
  for (const block of testedBlocks(README)) {
    it(`${block.heading} (README line ${block.line})`, (t) => {
      const scratch = join(dir, `block-${block.line}`);
      mkdirSync(join(scratch, 'home'), { recursive: true });
      mkdirSync(join(scratch, 'gnupg'), { mode: 0o700 });
      cpSync(join(REPO_ROOT, 'fixtures'), join(scratch, 'fixtures'), { recursive: true, verbatimSymlinks: true });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${bin}:${process.env['PATH'] ?? ''}`,
        HOME: join(scratch, 'home'),
        GNUPGHOME: join(scratch, 'gnupg'),
        NO_COLOR: '1',
      };
      delete env['JOURNAL_STREAM'];
      try {
        for (const { line, command, expectedStatus } of block.commands) {
          const tools = [...command.matchAll(/(?:^|&&|\|\||;|\|)\s*([\w.-]+)/g)].map((m) => m[1] ?? '');
          const missing = tools.filter((tool) => tool !== 'pbxsig' && !have(tool));
          if (missing.length > 0) {
            t.diagnostic(`README line ${line} skipped: ${missing.join(', ')} not installed here`);
            continue;
          }
          const r = spawnSync('bash', ['-c', command], { cwd: scratch, env, encoding: 'utf8', timeout: 300_000 });
          assert.equal(
            r.status,
            expectedStatus,
            `README line ${line}: \`${command}\` exited ${r.status}, the README says ${expectedStatus}\n` +
              `stdout: ${r.stdout.slice(-2000)}\nstderr: ${r.stderr.slice(-2000)}`,
          );
        }
      } finally {
        // gpg may have started an agent for the scratch keyring.
        if (have('gpgconf')) spawnSync('gpgconf', ['--kill', 'all'], { env });
      }
    });
  }
});
