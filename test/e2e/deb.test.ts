// The Debian package (`npm run deb`): built with dpkg-deb, its contents and control fields checked,
// then, as root, installed with dpkg -i, run from /usr/bin/pbxsig on the sample installation (the
// boot check's command), its installed units verified by systemd-analyze, and purged. Skipped, with a
// message, without dpkg-deb; the installation part without root, or where pbxsig is already installed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildDeb } from '../../scripts/packaging/build-deb.js';
import { makeTempDir } from '../helpers/modules.js';
import { REPO_ROOT } from '../helpers/paths.js';

const FIXTURES = join(REPO_ROOT, 'fixtures');

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

function run(command: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function installedStatus(name: string): string {
  return run('dpkg-query', ['-W', '-f=${Status}', name]).stdout;
}

const HAVE_DPKG_DEB = have('dpkg-deb');
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let dir: string;
let cleanup: () => Promise<void>;
let deb: string;

before(async () => {
  const temp = await makeTempDir();
  dir = temp.path;
  cleanup = temp.remove;
  if (HAVE_DPKG_DEB) deb = buildDeb(join(dir, 'out'));
});

after(async () => cleanup());

describe('when npm run deb builds the package', { skip: HAVE_DPKG_DEB ? false : 'dpkg-deb is not installed' }, () => {
  let listing: Map<string, { mode: string; owner: string; link?: string }>;

  before(() => {
    const r = run('dpkg-deb', ['-c', deb]);
    assert.equal(r.status, 0, r.stderr);
    listing = new Map(
      r.stdout
        .trimEnd()
        .split('\n')
        .map((line) => {
          const [mode = '', owner = '', , , , path = '', arrow, link] = line.split(/\s+/);
          return [path.replace(/^\.\//, '/'), { mode, owner, ...(arrow === '->' && link ? { link } : {}) }];
        }),
    );
  });

  it('is named pbxsig_<version>_all.deb', () => {
    assert.equal(basename(deb), `pbxsig_${version}_all.deb`);
  });

  it('declares the package, its version, the architecture and its dependency on nodejs', () => {
    const r = run('dpkg-deb', [
      '-f',
      deb,
      'Package',
      'Version',
      'Architecture',
      'Depends',
      'Maintainer',
      'Description',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Package: pbxsig$/m);
    assert.match(r.stdout, new RegExp(`^Version: ${version.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(r.stdout, /^Architecture: all$/m);
    assert.match(r.stdout, /^Depends: nodejs \(>= 18\.19\)$/m);
    assert.match(r.stdout, /^Maintainer: .+ <.+@.+>$/m);
    assert.equal(run('dpkg-deb', ['-I', deb, 'conffiles']).stdout, '/etc/pbxsig/pbxsig.conf\n');
  });

  it('installs the program under /usr/lib/pbxsig with /usr/bin/pbxsig linked to it', () => {
    assert.equal(listing.get('/usr/bin/pbxsig')?.link, '../lib/pbxsig/bin/pbxsig.js');
    assert.equal(listing.get('/usr/lib/pbxsig/bin/pbxsig.js')?.mode, '-rwxr-xr-x');
    for (const path of [
      '/usr/lib/pbxsig/package.json',
      '/usr/lib/pbxsig/dist/cli/main.js',
      '/usr/lib/pbxsig/dist/cli/warm.js',
      '/usr/lib/pbxsig/dist/cli/worker.cjs',
      '/usr/lib/pbxsig/dist/src/index.js',
      '/usr/lib/pbxsig/schema/report.schema.json',
      '/usr/lib/pbxsig/node_modules/openpgp/package.json',
      '/usr/lib/pbxsig/node_modules/piscina/package.json',
      '/usr/lib/pbxsig/node_modules/hash-wasm/package.json',
      '/usr/lib/pbxsig/node_modules/yargs/package.json',
    ])
      assert.ok(listing.has(path), `${path} is missing`);
    for (const [path, entry] of listing) assert.equal(entry.owner, 'root/root', path);
  });

  it('holds the production dependencies only: no development tools, tests, or native optional packages', () => {
    const unwanted = [...listing.keys()].filter((p) =>
      /^\/usr\/lib\/pbxsig\/(node_modules\/(vega|vega-lite|playwright-core|typescript|esbuild|eslint|ajv|prettier|@types|@napi-rs)\/|dist\/(test|bench|scripts)\/|test\/|bench\/|src\/)/.test(
        p,
      ),
    );
    assert.deepEqual(unwanted, []);
  });

  it('installs the units, the drop-ins, the settings file, the man page, the completion and the copyright', () => {
    for (const path of [
      '/lib/systemd/system/pbxsig-verify.service',
      '/lib/systemd/system/pbxsig-check.service',
      '/lib/systemd/system/pbxsig-check.timer',
      '/usr/share/pbxsig/systemd/apache2.service.d/pbxsig.conf',
      '/usr/share/pbxsig/systemd/httpd.service.d/pbxsig.conf',
      '/usr/share/pbxsig/systemd/asterisk.service.d/pbxsig.conf',
      '/etc/pbxsig/pbxsig.conf',
      '/usr/share/man/man1/pbxsig.1.gz',
      '/usr/share/bash-completion/completions/pbxsig',
      '/usr/share/doc/pbxsig/copyright',
      '/usr/share/doc/pbxsig/README.Debian',
    ])
      assert.ok(listing.has(path), `${path} is missing`);
    const copyright = run('sh', [
      '-c',
      `dpkg-deb --fsys-tarfile "${deb}" | tar -xOf - ./usr/share/doc/pbxsig/copyright`,
    ]);
    assert.match(copyright.stdout, /^MIT License$/m);
    assert.match(copyright.stdout, /Copyright \(c\) \d{4} the pbxsig authors/);
    assert.match(copyright.stdout, /^ {2}openpgp [\d.]+: LGPL-3\.0\+ /m);
  });
});

// Where Node.js is not Debian's nodejs package (a nodejs from elsewhere, on the PATH), dpkg cannot
// see it: the dependency is forced then, and the test says so.
const nodejsInstalled = HAVE_DPKG_DEB && installedStatus('nodejs').includes('install ok installed');
const alreadyInstalled = HAVE_DPKG_DEB && installedStatus('pbxsig').includes('installed');
const installSkip = !HAVE_DPKG_DEB
  ? 'dpkg-deb is not installed'
  : process.getuid?.() !== 0
    ? 'installing a .deb needs root'
    : !have('dpkg')
      ? 'dpkg is not installed'
      : alreadyInstalled
        ? 'pbxsig is already installed on this machine: not replacing it'
        : false;

describe('when root installs the package with dpkg -i', { skip: installSkip }, () => {
  const results = (): string => join(dir, 'installed');
  const read = (name: string): string => readFileSync(join(results(), name), 'utf8');

  // One script does install, run and purge under a lock: another test run on this machine must not
  // install or purge the package in between, and the purge happens whatever failed before it.
  before(() => {
    if (!nodejsInstalled)
      console.log('# nodejs is not a dpkg package here (Node.js comes from elsewhere): dpkg -i --force-depends');
    const script = `
      set -u
      out=${JSON.stringify(results())}
      mkdir -p "$out"
      if command -v flock >/dev/null; then exec 9>${JSON.stringify(join(tmpdir(), 'pbxsig-deb-test.lock'))}; flock -w 900 9; fi
      dpkg -i ${nodejsInstalled ? '' : '--force-depends'} ${JSON.stringify(deb)} >"$out/install.log" 2>&1; echo $? >"$out/install.status"
      /usr/bin/pbxsig verify --root ${JSON.stringify(join(FIXTURES, 'installation'))} --anchor ${JSON.stringify(join(FIXTURES, 'keys/demo-master.asc'))} >"$out/verify.out" 2>"$out/verify.err"; echo $? >"$out/verify.status"
      /usr/bin/pbxsig --version >"$out/version.out" 2>&1
      readlink -f /usr/bin/pbxsig >"$out/target.out"
      if command -v systemd-analyze >/dev/null; then
        systemd-analyze verify /lib/systemd/system/pbxsig-verify.service /lib/systemd/system/pbxsig-check.service /lib/systemd/system/pbxsig-check.timer >"$out/analyze.out" 2>&1; echo $? >"$out/analyze.status"
      fi
      dpkg --purge pbxsig >"$out/purge.log" 2>&1; echo $? >"$out/purge.status"
      for path in /usr/bin/pbxsig /usr/lib/pbxsig /etc/pbxsig /lib/systemd/system/pbxsig-verify.service; do
        if [ -e "$path" ] || [ -L "$path" ]; then echo "$path"; fi
      done >"$out/left.out"
    `;
    const r = run('bash', ['-c', script]);
    assert.equal(r.status, 0, r.stderr);
  });

  it('installs', () => {
    assert.equal(read('install.status').trim(), '0', read('install.log'));
    assert.equal(read('target.out').trim(), '/usr/lib/pbxsig/bin/pbxsig.js');
    assert.equal(read('version.out').trim(), version);
  });

  it('runs the boot check from /usr/bin/pbxsig: exit 1, naming the tampered file and the dropped web shell', () => {
    assert.equal(read('verify.status').trim(), '1', read('verify.err'));
    const out = read('verify.out');
    assert.match(out, /^FAIL dashboard +tampered +FreePBX 130/m);
    assert.match(out, /^ +altered +views\/dashboard\.php/m);
    assert.match(out, /^FAIL voicemail +verified/m);
    assert.match(out, /^ +unlisted +shell\.php/m);
    assert.match(out, /^ok +core +verified/m);
    assert.match(read('verify.err'), /ALERT module dashboard/);
  });

  it('passes systemd-analyze verify on the installed units (the man page they name included)', (t) => {
    if (!existsSync(join(results(), 'analyze.status'))) {
      t.skip('systemd-analyze is not installed');
      return;
    }
    assert.equal(read('analyze.out'), '');
    assert.equal(read('analyze.status').trim(), '0');
  });

  it('purges, leaving nothing behind', () => {
    assert.equal(read('purge.status').trim(), '0', read('purge.log'));
    assert.equal(read('left.out'), '');
  });
});
