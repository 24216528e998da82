import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
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
  await mkdir(join(core, 'x/y/z'), { recursive: true });
  await writeFile(join(core, 'x/y/z/file.php'), '<?php');
  await writeFile(join(core, 'x/top.php'), '<?php');
  await symlink('x/y', join(core, 'via'));
  await symlink('/srv', join(core, 'x/out'));
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
      assert.match(entry.kind === 'unsafe' ? entry.reason : '', /a symbolic link leads above the root/);
    });

    it('refuses a path that climbs above the root by itself, and says no link was involved', () => {
      const entry = opener().resolveEntry('../../x');
      assert.equal(entry.kind, 'unsafe');
      assert.match(entry.kind === 'unsafe' ? entry.reason : '', /^the path climbs above the root/);
    });

    it('stops a loop of links', () => {
      const entry = opener().resolveEntry('web/modules/core/loop-a');
      assert.equal(entry.kind, 'unsafe');
      assert.match(entry.kind === 'unsafe' ? entry.reason : '', /more than 40 symbolic links/);
    });
  });
});

describe('ConfinedOpener, directories resolved once', () => {
  const confine = (): string => join(root, 'web/modules/core');
  const paths = [
    'web/modules/core/x/y/z/file.php',
    'web/modules/core/x/top.php',
    'web/modules/core/via/z/file.php',
    'web/modules/core/x/out/uploads/shell.php',
    'web/modules/core/abs-dir/shell.php',
    'web/modules/core/dangling/file.php',
    'web/modules/core/above/etc/passwd',
    'web/modules/core/loop-a/file.php',
    'web/modules/core/x/./y/z/file.php',
    'web/modules/core/x/y/../top.php',
    'web/modules/core//x/top.php',
    'web/modules/core/x/y/z/absent/file.php',
  ];

  // What each path leads to, whatever was resolved before it.
  const outcomes = (order: readonly string[]): Map<string, string> => {
    const opener = new ConfinedOpener(root, confine());
    const seen = new Map<string, string>();
    for (const path of order) {
      const opened = opener.open(path);
      if (opened.kind === 'open') opener.close(opened.fd);
      const { kind } = opened;
      seen.set(
        path,
        kind === 'open' ? `open ${opened.real} viaLink=${String(opened.viaLink)}` : `${kind} ${opened.reason}`,
      );
    }
    return seen;
  };

  it('gives each path the same outcome in any order, through links and failures alike', () => {
    const forward = outcomes(paths);
    assert.deepEqual(outcomes([...paths].reverse()), forward);
    for (const path of paths) assert.deepEqual(outcomes([path]).get(path), forward.get(path), path);
    assert.equal(forward.get('web/modules/core/via/z/file.php'), `open ${confine()}/x/y/z/file.php viaLink=true`);
    assert.equal(forward.get('web/modules/core/x/y/z/file.php'), `open ${confine()}/x/y/z/file.php viaLink=false`);
    assert.match(forward.get('web/modules/core/x/out/uploads/shell.php') ?? '', /^unsafe .*outside/);
    assert.match(forward.get('web/modules/core/loop-a/file.php') ?? '', /^unsafe .*more than 40 symbolic links/);
  });

  it('resolves a directory under a known one as the careful walk from the root does', () => {
    const warmed = new ConfinedOpener(root, confine());
    warmed.resolveDirectory('web/modules/core/x');
    for (const dir of ['web/modules/core/x/y/z', 'web/modules/core/via/z', 'web/modules/core/x/out']) {
      assert.deepEqual(warmed.resolveDirectory(dir), new ConfinedOpener(root, confine()).resolveDirectory(dir), dir);
    }
  });

  it('answers for the deepest path a manifest may list, below a missing directory and below a real one', () => {
    const deep = 'd/'.repeat(2_000); // 4,000 bytes: MAX_PATH_LENGTH is 4,096
    const opener = new ConfinedOpener(root, confine());
    const missing = opener.open(`web/modules/core/${deep}file.php`);
    assert.equal(missing.kind, 'missing');
    assert.match(missing.kind === 'missing' ? missing.reason : '', /core\/d does not exist/);
    const real = opener.open(`web/modules/core/x/${'./'.repeat(2_000)}top.php`);
    assert.equal(real.kind, 'open');
    if (real.kind === 'open') opener.close(real.fd);
  });
});

describe('ConfinedOpener.open, on a socket', () => {
  it('says it is not a regular file (unsafe), as for a FIFO or a device, directly and through a link', async () => {
    const core = join(root, 'web/modules/core');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(core, 'listening.sock'), resolve));
    try {
      await symlink('listening.sock', join(core, 'to-socket'));
      const opener = new ConfinedOpener(root, core);
      for (const name of ['listening.sock', 'to-socket']) {
        const opened = opener.open(`web/modules/core/${name}`);
        assert.equal(opened.kind, 'unsafe', name);
        assert.match(
          opened.kind === 'unsafe' ? opened.reason : '',
          /listening\.sock is a socket or a device, not a regular file$/,
        );
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
