import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfinedOpener } from '../../../src/fs/confined-open.js';

// The snapshot root (real path): absolute links resolve inside it.
let root = '';

before(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'pbxsig-confined-')));
  await mkdir(join(root, 'srv/uploads'), { recursive: true });
  await mkdir(join(root, 'web/modules/core'), { recursive: true });
  await writeFile(join(root, 'srv/uploads/shell.php'), '<?php');
  const core = join(root, 'web/modules/core');
  await symlink('/srv/uploads', join(core, 'abs-dir'));
  await symlink('abs-dir/shell.php', join(core, 'chain-file'));
  await symlink('nowhere', join(core, 'dangling'));
  await symlink('../../../../../..', join(core, 'above'));
  await symlink('loop-b', join(core, 'loop-a'));
  await symlink('loop-a', join(core, 'loop-b'));
});

after(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

describe('ConfinedOpener.resolveEntry', () => {
  const opener = (): ConfinedOpener => new ConfinedOpener(root, join(root, 'web/modules/core'));

  describe('when the path leads somewhere inside the root', () => {
    it('resolves an absolute link to a directory inside the root, and says it is outside the confinement', () => {
      assert.deepEqual(opener().resolveEntry('web/modules/core/abs-dir'), {
        kind: 'entry',
        type: 'dir',
        real: join(root, 'srv/uploads'),
        inside: false,
      });
    });

    it('resolves a chain of links to a file without opening it', () => {
      assert.deepEqual(opener().resolveEntry('web/modules/core/chain-file'), {
        kind: 'entry',
        type: 'not-dir',
        real: join(root, 'srv/uploads/shell.php'),
        inside: false,
      });
    });

    it('says a directory inside the confinement is inside', () => {
      const entry = opener().resolveEntry('web/modules/core');
      assert.equal(entry.kind === 'entry' && entry.inside, true);
    });

    it('says where a dangling link would lead', () => {
      assert.deepEqual(opener().resolveEntry('web/modules/core/dangling'), {
        kind: 'entry',
        type: 'missing',
        real: join(root, 'web/modules/core/nowhere'),
        inside: true,
      });
    });
  });

  describe('when the path cannot be resolved inside the root', () => {
    it('refuses a link above the root', () => {
      const entry = opener().resolveEntry('web/modules/core/above');
      assert.equal(entry.kind, 'unsafe');
      assert.match(entry.kind === 'unsafe' ? entry.reason : '', /above the root/);
    });

    it('stops a loop of links', () => {
      const entry = opener().resolveEntry('web/modules/core/loop-a');
      assert.equal(entry.kind, 'unsafe');
      assert.match(entry.kind === 'unsafe' ? entry.reason : '', /more than 40 symbolic links/);
    });
  });
});
