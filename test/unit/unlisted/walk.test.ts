import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfinedOpener } from '../../../src/fs/confined-open.js';
import { walkModule } from '../../../src/unlisted/walk.js';
import type { WalkResult, WalkTask } from '../../../src/unlisted/walk.js';

const RUNNING_AS_ROOT = process.getuid?.() === 0;

// The temporary directory (real path), and the same without its leading "/" (paths are relative to root "/").
let temp = '';
let tempRel = '';

async function put(path: string, content = '', mode?: number): Promise<void> {
  const full = join(temp, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  if (mode !== undefined) await chmod(full, mode);
}

// The files of module "core" its manifest lists.
const LISTED = ['module.xml', 'Core.class.php', 'views/main.php', 'assets/js/core.js', 'bin/listed-tool'];

function task(module: string, dir: string, listed: readonly string[]): WalkTask {
  return { run: 'test-run', root: '/', confine: temp, module, dir: `${tempRel}/${dir}`, listed };
}

function walk(module: string, dir: string, listed: readonly string[]): WalkResult {
  return walkModule(task(module, dir, listed), new ConfinedOpener('/', temp));
}

before(async () => {
  temp = await realpath(await mkdtemp(join(tmpdir(), 'pbxsig-walk-')));
  tempRel = temp.slice(1);

  // core: listed files, then what a compromise and npm leave beside them.
  await put('modules/core/module.sig', '-----BEGIN PGP SIGNED MESSAGE-----\n');
  await put('modules/core/module.xml', '<module/>');
  await put('modules/core/Core.class.php', '<?php');
  await put('modules/core/views/main.php', '<?php');
  await put('modules/core/assets/js/core.js', '//');
  await put('modules/core/bin/listed-tool', '#!/bin/sh', 0o755);
  await put('modules/core/shell.php', '<?php system($_GET["c"]);');
  await put('modules/core/views/.htaccess', 'AddType application/x-httpd-php .jpg');
  await put('modules/core/bin/helper', '#!/bin/sh\n', 0o755);
  await put('modules/core/bin/notes', 'plain text', 0o644);
  await put('modules/core/README.md', '# core');
  await put('modules/core/.gitattributes', '* text=auto');
  await put('modules/core/i18n/de_DE/LC_MESSAGES/core.po', 'msgid ""');
  await put('modules/core/i18n/de_DE/LC_MESSAGES/core.mo', '\u0000');
  await put('modules/core/node_modules/pm2/index.js', 'module.exports = 1;');
  await put('modules/core/node_modules/pm2/bin/pm2.sh', '#!/bin/sh');
  await put('modules/core/node_modules/.bin/pm2', '#!/usr/bin/env node', 0o755);
  await put('modules/core/node_modules/evil/x.php', '<?php');
  await put('modules/core/assets/less/cache/lessphp_1.css', 'body{}');
  await mkdir(join(temp, 'modules/core/empty-dir'), { recursive: true });

  // A directory outside the module, reached only through a symbolic link in it.
  await put('outside/evil.php', '<?php');
  await put('outside/data.txt', 'data');
  await symlink('../../outside', join(temp, 'modules/core/linked-dir'));
  await symlink(join(temp, 'outside/evil.php'), join(temp, 'modules/core/alias'));

  // framework: its unit tests.
  await put('modules/framework/module.sig', 'sig');
  await put('modules/framework/module.xml', '<module/>');
  await put('modules/framework/utests/FooTest.php', '<?php');
  await put('modules/framework/utests/BarTest.php', '<?php');
  await put('modules/framework/utests/sub/BazTest.php', '<?php');
  await put('modules/framework/utests/helper.php', '<?php');

  // many: more "other" files than the sample holds.
  for (let i = 0; i < 25; i++) await put(`modules/many/doc-${String(i).padStart(2, '0')}.txt`, 'x');

  // A module directory reached through a symbolic link.
  await symlink('core', join(temp, 'modules/core-link'));

  // A file where a module directory should be.
  await put('modules/not-a-dir', 'x');
});

after(async () => {
  if (temp !== '') await rm(temp, { recursive: true, force: true });
});

describe('walkModule', () => {
  describe('when a module directory holds listed and unlisted files', () => {
    let result: WalkResult;
    before(() => {
      result = walk('core', 'modules/core', LISTED);
    });

    it('walks it without error', () => {
      assert.equal(result.error, undefined);
      assert.deepEqual(result.unreadable, []);
    });

    it('reports the unlisted code, sorted by path, each with its reason', () => {
      assert.deepEqual(result.code, [
        { path: 'bin/helper', reason: 'unlisted executable' },
        { path: 'node_modules/evil/x.php', reason: 'PHP or .htaccess inside node_modules/' },
        { path: 'shell.php', reason: 'unlisted script' },
        { path: 'views/.htaccess', reason: 'unlisted .htaccess (changes what the web server runs)' },
      ]);
    });

    it('does not report listed files, even an executable one', () => {
      const reported = [...result.code.map((c) => c.path), ...result.otherSample];
      for (const path of LISTED) assert.ok(!reported.includes(path), path);
    });

    it('never reports module.sig', () => {
      assert.ok(!result.code.some((c) => c.path === 'module.sig'));
      assert.ok(!result.otherSample.includes('module.sig'));
    });

    it('counts node_modules/ files (scripts and executables too) and the LESS cache as runtime', () => {
      // node_modules/pm2/index.js, node_modules/pm2/bin/pm2.sh, node_modules/.bin/pm2, assets/less/cache/lessphp_1.css
      assert.equal(result.runtime, 4);
    });

    it('counts the other files and samples them', () => {
      const expected = [
        '.gitattributes',
        'README.md',
        'alias',
        'bin/notes',
        'i18n/de_DE/LC_MESSAGES/core.mo',
        'i18n/de_DE/LC_MESSAGES/core.po',
        'linked-dir',
      ];
      assert.equal(result.other, expected.length);
      assert.deepEqual([...result.otherSample].sort(), expected);
    });

    it('allows nothing outside framework', () => {
      assert.deepEqual(result.allowed, []);
    });

    it("does not follow a symbolic link to a directory: its files are not the module's", () => {
      const all = [...result.code.map((c) => c.path), ...result.allowed.map((a) => a.path), ...result.otherSample];
      assert.ok(!all.some((p) => p.startsWith('linked-dir/')), all.join(', '));
      assert.ok(!all.some((p) => p.includes('evil.php')), all.join(', '));
    });

    it('reports a symbolic link by its own name, not its target', () => {
      assert.ok(result.otherSample.includes('linked-dir'));
      assert.ok(result.otherSample.includes('alias'));
    });
  });

  describe('when nothing is listed', () => {
    it('reports the files the manifest would have listed too', () => {
      const result = walk('core', 'modules/core', []);
      assert.deepEqual(
        result.code.map((c) => c.path),
        [
          'Core.class.php',
          'bin/helper',
          'bin/listed-tool',
          'node_modules/evil/x.php',
          'shell.php',
          'views/.htaccess',
          'views/main.php',
        ],
      );
      assert.ok(result.otherSample.includes('module.xml'));
      assert.ok(result.otherSample.includes('assets/js/core.js'));
      assert.ok(!result.otherSample.includes('module.sig'));
    });
  });

  describe('when the module is framework', () => {
    const result = (): WalkResult => walk('framework', 'modules/framework', ['module.xml']);

    it('allows utests/*Test.php, naming the rule', () => {
      const allowed = [...result().allowed].sort((a, b) => (a.path < b.path ? -1 : 1));
      assert.deepEqual(allowed, [
        { path: 'utests/BarTest.php', rule: 'framework ships its unit tests (utests/*Test.php) unlisted' },
        { path: 'utests/FooTest.php', rule: 'framework ships its unit tests (utests/*Test.php) unlisted' },
      ]);
    });

    it('reports other PHP in utests/ and its subdirectories as code', () => {
      assert.deepEqual(
        result().code.map((c) => c.path),
        ['utests/helper.php', 'utests/sub/BazTest.php'],
      );
    });
  });

  describe('when the same files belong to another module', () => {
    it('does not allow utests/*Test.php', () => {
      const result = walk('core', 'modules/framework', ['module.xml']);
      assert.deepEqual(result.allowed, []);
      assert.equal(result.code.length, 4);
    });
  });

  describe('when there are more other files than the sample holds', () => {
    it('counts them all and samples the first 20', () => {
      const result = walk('many', 'modules/many', []);
      assert.equal(result.other, 25);
      assert.equal(result.otherSample.length, 20);
      assert.equal(new Set(result.otherSample).size, 20);
      for (const path of result.otherSample) assert.match(path, /^doc-\d\d\.txt$/);
    });
  });

  describe('when the module directory is a symbolic link to a directory', () => {
    it('walks the directory it leads to', () => {
      const result = walk('core', 'modules/core-link', LISTED);
      assert.equal(result.error, undefined);
      assert.deepEqual(result.code, walk('core', 'modules/core', LISTED).code);
    });
  });

  describe('when the module directory cannot be walked', () => {
    it('gives an error and nothing else when it does not exist', () => {
      const result = walk('gone', 'modules/gone', []);
      assert.ok(result.error, 'an error');
      assert.match(result.error, /does not exist/);
      assert.deepEqual(
        { ...result, error: '' },
        { error: '', code: [], allowed: [], runtime: 0, other: 0, otherSample: [], unreadable: [] },
      );
    });

    it('gives an error when it is a file', () => {
      const result = walk('not-a-dir', 'modules/not-a-dir', []);
      assert.ok(result.error, 'an error');
      assert.match(result.error, /not a directory/);
    });
  });

  describe('when a directory inside the module cannot be read', () => {
    it(
      'lists it as unreadable and walks the rest',
      {
        skip: RUNNING_AS_ROOT
          ? 'running as root: permission bits do not stop root from reading, so this cannot be tested'
          : false,
      },
      async () => {
        await put('modules/locked/readable.txt', 'x');
        await put('modules/locked/private/secret.php', '<?php');
        await chmod(join(temp, 'modules/locked/private'), 0o000);
        try {
          const result = walk('locked', 'modules/locked', []);
          assert.equal(result.error, undefined);
          assert.equal(result.unreadable.length, 1);
          assert.match(result.unreadable[0] ?? '', /^private: /);
          assert.deepEqual(result.otherSample, ['readable.txt']);
        } finally {
          await chmod(join(temp, 'modules/locked/private'), 0o755);
        }
      },
    );
  });
});
