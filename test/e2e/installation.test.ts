// A whole FreePBX installation, built in a temporary directory as a snapshot of a host would look,
// verified with verifyInstallation() and with `pbxsig verify --root`. Every module's verdict is
// asserted one by one.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyInstallation } from '../../src/index.js';
import type { ModuleReport, VerifyReport } from '../../src/index.js';
import { FRAMEWORK_FILES, absoluteLink, buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, sha256, signModule, writeFiles } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

const WEBROOT = '/srv/www';
const REAL_VIEW = '<?php echo "real view";\n';

let temp: string;
let root: string;
let anchor: TestKey;
let cleanup: () => Promise<void>;

before(async () => {
  const dir = await makeTempDir();
  temp = dir.path;
  cleanup = dir.remove;
  root = join(temp, 'snapshot');
  anchor = await makeKey('Installation Master', { rsa: true });
  const developer = await certified(anchor, await makeKey('FreePBX Mirror'));
  const { modulesDir } = await buildInstallation(root, {
    webroot: WEBROOT,
    anchor,
    developer,
    modules: {
      core: {
        'module.xml': '<module>core</module>\n',
        'Core.class.php': '<?php class Core {}\n',
        'views/real.php': REAL_VIEW,
        'assets/spinner.gif': 'GIF89a spinner',
      },
      dashboard: { 'module.xml': '<module>dashboard</module>\n', 'assets/js/dashboard.js': 'dashboard();\n' },
      api: { 'module.xml': '<module>api</module>\n', 'Api.class.php': '<?php class Api {}\n' },
    },
  });

  // core: a listed view that is an absolute link, as installed systems hold them, and a dropped shell.
  const core = join(modulesDir, 'core');
  await absoluteLink(
    root,
    `${WEBROOT}/admin/modules/core/views/link.php`,
    `${WEBROOT}/admin/modules/core/views/real.php`,
  );
  await signModule(core, developer, {
    entries: [
      { path: 'module.xml', digest: sha256('<module>core</module>\n') },
      { path: 'Core.class.php', digest: sha256('<?php class Core {}\n') },
      { path: 'views/real.php', digest: sha256(REAL_VIEW) },
      { path: 'views/link.php', digest: sha256(REAL_VIEW) },
      { path: 'assets/spinner.gif', digest: sha256('GIF89a spinner') },
    ],
  });
  await writeFile(join(core, 'shell.php'), '<?php system($_GET["c"]);\n');

  // framework: admin/images/spinner.gif is an absolute link into core; a test configuration ships
  // unlisted (known stock files by content: test/e2e/unlisted.test.ts).
  await rm(join(root, WEBROOT, 'admin/images/spinner.gif'));
  await absoluteLink(root, `${WEBROOT}/admin/images/spinner.gif`, `${WEBROOT}/admin/modules/core/assets/spinner.gif`);
  await writeFiles(join(modulesDir, 'framework'), { 'utests/phpunit.xml': '<phpunit/>\n' });

  // dashboard: a listed file that is a link climbing out of the snapshot.
  const dashboard = join(modulesDir, 'dashboard');
  await symlink('../../../../../../../../../../../etc/hostname', join(dashboard, 'escape.js'));
  await signModule(dashboard, developer, {
    entries: [
      { path: 'module.xml', digest: sha256('<module>dashboard</module>\n') },
      { path: 'assets/js/dashboard.js', digest: sha256('dashboard();\n') },
      { path: 'escape.js', digest: sha256('whatever') },
    ],
  });

  // api: what FreePBX installs at run time, never listed: node_modules, a LESS cache, translations.
  const api = join(modulesDir, 'api');
  await writeFiles(api, {
    'node/node_modules/graphql/index.js': 'module.exports = {};\n',
    'node/node_modules/graphql/scripts/build.sh': '#!/bin/sh\n',
    'assets/less/cache/lessphp_0f8b.css': '.a{}\n',
    'i18n/api.pot': 'msgid ""\n',
  });
  await symlink('../graphql/index.js', join(api, 'node/node_modules/.bin-graphql'));
  // A directory FreePBX skips beside the modules.
  await writeFiles(modulesDir, { '_cache/x': 'cache' });
});

after(async () => cleanup());

/** assert.rejects()'s check: an error with this stable code whose message matches. */
function errorWith(code: string, pattern: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof Error && 'code' in e && e.code === code && pattern.test(e.message);
}

function module(report: VerifyReport, name: string): ModuleReport {
  const found = report.modules.find((m) => m.name === name);
  assert.ok(found, `module ${name} in the report`);
  return found;
}

describe('verifyInstallation', () => {
  let report: VerifyReport;
  before(async () => {
    report = await verifyInstallation({ root, anchors: [anchor.fingerprint] });
  });

  it('finds the settings in etc/amportal.conf and every module, skipping _cache', () => {
    assert.deepEqual(report.installation?.settings['AMPWEBROOT'], { value: WEBROOT, source: 'amportal.conf' });
    assert.deepEqual(report.installation?.settings['AMPSBIN'], { value: '/usr/sbin', source: 'default' });
    assert.deepEqual(
      report.modules.map((m) => m.name),
      ['api', 'core', 'dashboard', 'framework'],
    );
  });

  it("uses the installation's own keys from admin/libraries/BMO", () => {
    assert.equal(report.settings.keyFiles.length, 2);
    assert.ok(report.settings.keyFiles.every((f) => f.startsWith(`${WEBROOT}/admin/libraries/BMO/`)));
  });

  it("says why when the installation's key directory gives no keys, beside the unknown-signer verdicts", async () => {
    const keyless = join(temp, 'keyless');
    const developer = await certified(anchor, await makeKey('Keyless Developer'));
    await buildInstallation(keyless, { anchor, developer, modules: { core: { 'page.core.php': '<?php\n' } } });
    const bmo = join(keyless, 'var/www/html/admin/libraries/BMO');
    await rm(bmo, { recursive: true });
    const missing = await verifyInstallation({ root: keyless, anchors: [anchor.fingerprint] });
    assert.equal(module(missing, 'core').verdict, 'unknown-signer');
    assert.match(
      missing.warnings.map((w) => `${w.code} ${w.message}`).join('\n'),
      /^KEY_FILE_SKIPPED key directory \/var\/www\/html\/admin\/libraries\/BMO: .* does not exist; the installation's own keys are not loaded$/m,
    );
    await writeFile(bmo, 'not a directory\n');
    const notDir = await verifyInstallation({ root: keyless, anchors: [anchor.fingerprint] });
    assert.match(
      notDir.warnings.map((w) => w.message).join('\n'),
      /BMO is not a directory; the installation's own keys/,
    );
    await rm(bmo);
    await mkdir(bmo);
    const empty = await verifyInstallation({ root: keyless, anchors: [anchor.fingerprint] });
    assert.match(empty.warnings.map((w) => w.message).join('\n'), /BMO holds no key file/);
  });

  it("verifies framework's files where the installer put them, skipping what FreePBX skips", () => {
    const framework = module(report, 'framework');
    assert.equal(framework.verdict, 'verified', framework.summary);
    assert.equal(framework.files.matched, FRAMEWORK_FILES.filter((f) => f.installed !== null).length);
    assert.equal(framework.files.skipped, 3);
    assert.equal(
      framework.files.viaSymlink,
      1,
      'admin/images/spinner.gif is an absolute link resolved inside the snapshot',
    );
    assert.deepEqual(framework.unlisted?.otherSample, ['utests/phpunit.xml']);
    assert.equal(framework.unlisted?.code.length, 0);
    assert.equal(framework.passed, true);
  });

  it('finds the dropped shell.php in core, whose signed files are all intact', () => {
    const core = module(report, 'core');
    assert.equal(core.verdict, 'verified', core.summary);
    assert.equal(core.freepbx.status, 129, 'FreePBX would see nothing wrong');
    assert.deepEqual(
      core.unlisted?.code.map((f) => [f.path, f.location]),
      [['shell.php', `${WEBROOT}/admin/modules/core/shell.php`]],
    );
    assert.equal(core.passed, false);
    assert.equal(core.files.viaSymlink, 1);
  });

  it('reports a link that climbs out of the snapshot as unsafe, without following it', () => {
    const dashboard = module(report, 'dashboard');
    assert.equal(dashboard.verdict, 'tampered');
    assert.deepEqual(
      dashboard.files.unsafe.map((f) => f.path),
      ['escape.js'],
    );
    assert.match(dashboard.files.unsafe[0]?.reason ?? '', /above the root/);
    assert.equal(dashboard.freepbx.status, 130);
  });

  it('expects node_modules and LESS caches installed at run time: no finding', () => {
    const api = module(report, 'api');
    assert.equal(api.verdict, 'verified');
    assert.equal(api.passed, true);
    assert.deepEqual(api.unlisted?.code, []);
    assert.equal(api.unlisted?.runtime, 4);
    assert.equal(api.unlisted?.other, 1);
  });

  it('sums up: two modules fail, one unlisted code file', () => {
    assert.equal(report.summary.failed, 2);
    assert.equal(report.summary.unlistedCode, 1);
  });

  it('with unlisted files reported but not failing, only the tampered module fails', async () => {
    const lenient = await verifyInstallation({ root, anchors: [anchor.fingerprint], unlisted: 'report' });
    assert.equal(module(lenient, 'core').passed, true);
    assert.equal(lenient.summary.failed, 1);
    const ignoring = await verifyInstallation({
      root,
      anchors: [anchor.fingerprint],
      unlisted: 'ignore',
      // A name given twice (`-m core -m core`) is one module, checked and counted once.
      modules: ['core', 'core'],
    });
    assert.equal(module(ignoring, 'core').unlisted, null);
    assert.deepEqual(
      ignoring.modules.map((m) => m.name),
      ['core'],
    );
  });

  it("gives FreePBX status 7 to every module when FreePBX's own master keys are the anchors", async () => {
    const foreign = await verifyInstallation({ root, modules: ['api'] });
    assert.equal(module(foreign, 'api').verdict, 'untrusted-signer');
    assert.equal(module(foreign, 'api').freepbx.status, 7);
  });

  it('says clearly when there is no installation at the root', async () => {
    await assert.rejects(
      verifyInstallation({ root: temp }),
      errorWith('INSTALLATION_NOT_FOUND', /\/var\/www\/html\/admin\/modules does not exist/),
    );
  });

  it('refuses a web root that amportal.conf points at an empty or decoy directory: an input error, not a pass', async () => {
    const decoy = join(temp, 'decoy');
    await writeFiles(decoy, { 'etc/amportal.conf': 'AMPWEBROOT=/var/www/empty\n' });
    await mkdir(join(decoy, 'var/www/empty/admin/modules'), { recursive: true });
    const notFound = (pattern: RegExp) => errorWith('INSTALLATION_NOT_FOUND', pattern);
    await assert.rejects(
      verifyInstallation({ root: decoy }),
      notFound(/\/var\/www\/empty\/admin\/modules holds no module directory; the web root comes from amportal\.conf/),
    );
    await writeFiles(join(decoy, 'var/www/empty/admin/modules/core'), { 'module.xml': '<module/>\n' });
    await assert.rejects(verifyInstallation({ root: decoy }), notFound(/1 module directory but no framework/));
    await assert.rejects(
      verifyInstallation({ root: decoy, settings: { webroot: '/srv/nowhere' } }),
      notFound(/\/srv\/nowhere\/admin\/modules does not exist; the web root was given \(--webroot/),
    );
  });

  it('refuses an installation whose amportal.conf is there but cannot be read, unless every setting is given', async () => {
    // Padded past the size limit, it may still name a web root to FreePBX: checking FreePBX's default
    // one in its place could pass a decoy.
    const padded = join(temp, 'padded');
    await writeFiles(padded, { 'etc/amportal.conf': `AMPWEBROOT=/srv/real\n${'#'.repeat(1024 * 1024)}\n` });
    await assert.rejects(
      verifyInstallation({ root: padded }),
      errorWith(
        'CONFIG_INVALID',
        /\/etc\/amportal\.conf cannot be read \(.*the limit is 1048576\).*give --webroot, --ampbin, --ampsbin, --agidir, --astvarlibdir/,
      ),
    );
    const given = { webroot: '/nowhere', bin: '/b', sbin: '/s', agiDir: '/a', varLibDir: '/v' };
    await assert.rejects(verifyInstallation({ root: padded, settings: given }), { code: 'INSTALLATION_NOT_FOUND' });
  });

  it('fails a module whose directory is a link leading out of the snapshot, instead of leaving it out', async () => {
    const moved = join(temp, 'moved');
    await writeFiles(join(moved, 'var/www/html/admin/modules/framework'), { 'module.xml': '<module/>\n' });
    await mkdir(join(temp, 'elsewhere/core'), { recursive: true });
    await symlink('../../../../../../elsewhere/core', join(moved, 'var/www/html/admin/modules/core'));
    const report = await verifyInstallation({ root: moved });
    assert.equal(module(report, 'core').passed, false);
    assert.match(module(report, 'core').summary, /leads above the root/);
    assert.match(report.warnings.map((w) => w.message).join('\n'), /core is a link that does not lead to a directory/);
  });
});

describe('pbxsig verify --root', () => {
  function pbxsig(
    args: readonly string[],
    env: Record<string, string> = {},
  ): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  it('exits 1, names the findings, and writes the JSON report atomically with --report', async () => {
    const out = join(temp, 'report.json');
    const r = pbxsig(['verify', '--root', root, '--anchor', anchor.fingerprint, '--report', out]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^FAIL core +verified/m);
    assert.match(r.stdout, /unlisted +shell\.php +\(PHP by its extension\)/);
    assert.match(r.stdout, /2 of 4 modules in the installation at .* failed/);
    const written = JSON.parse(await readFile(out, 'utf8')) as VerifyReport;
    assert.equal(written.summary.failed, 2);
  });

  it('warns of code beside the modules, which belongs to no module, without failing any', async () => {
    const beside = join(temp, 'beside');
    const developer = await certified(anchor, await makeKey('Beside Developer'));
    const { modulesDir } = await buildInstallation(beside, {
      anchor,
      developer,
      modules: { core: { 'page.core.php': '<?php\n' } },
    });
    await writeFiles(modulesDir, { 'x.php': '<?php system($_GET["c"]);\n', 'README.txt': 'notes\n' });
    await writeFiles(join(modulesDir, '_cache'), { 'core/page.core.php': '<?php\n' });
    const r = pbxsig(['verify', '--root', beside, '--anchor', anchor.fingerprint]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /^pbxsig: WARNING \/var\/www\/html\/admin\/modules\/x\.php is unlisted code outside any module \(PHP by its extension\)$/m,
    );
    const report = JSON.parse(
      pbxsig(['verify', '--root', beside, '--anchor', anchor.fingerprint, '--json']).stdout,
    ) as VerifyReport;
    assert.deepEqual(
      report.warnings.filter((w) => w.code === 'CODE_BESIDE_MODULES').map((w) => w.message),
      ['/var/www/html/admin/modules/x.php is unlisted code outside any module (PHP by its extension)'],
    );
  });

  it('names a module signed as another one in the failure count', async () => {
    const swapped = join(temp, 'swapped');
    const developer = await certified(anchor, await makeKey('Swap Developer'));
    await buildInstallation(swapped, {
      anchor,
      developer,
      // dashboard's directory holds a module whose signed module.xml says it is core.
      modules: { dashboard: { 'module.xml': '<module><rawname>core</rawname></module>\n' } },
    });
    const r = pbxsig(['verify', '--root', swapped, '--anchor', anchor.fingerprint]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^FAIL dashboard +verified .*its signed module\.xml names it "core"/m);
    assert.match(r.stdout, /1 of 2 modules in the installation at .* failed \(1 signed as another module\)/);
    assert.match(
      r.stderr,
      /^pbxsig: ALERT module dashboard \(.*\): signed as another module: its signed module\.xml names it "core"$/m,
      "the boot unit's journal names the substitution",
    );
    const report = JSON.parse(
      pbxsig(['verify', '--root', swapped, '--anchor', anchor.fingerprint, '--json']).stdout,
    ) as VerifyReport;
    assert.deepEqual(
      report.modules.map((m) => [m.name, m.identity?.substituted, m.passed]),
      [
        ['dashboard', true, false],
        ['framework', false, true],
      ],
    );
  });

  it('keeps module directory names that are not UTF-8 exact: each checked by its own bytes, none merged', async () => {
    const odd = join(temp, 'odd-names');
    const developer = await certified(anchor, await makeKey('Odd Names Developer'));
    const { modulesDir } = await buildInstallation(odd, {
      anchor,
      developer,
      modules: { one: { 'a.php': '<?php // one\n' }, two: { 'b.php': '<?php // two\n' } },
    });
    const bytes = (name: string, ...tail: number[]): Buffer =>
      Buffer.concat([Buffer.from(`${modulesDir}/${name}`), Buffer.from(tail)]);
    renameSync(bytes('one'), bytes('', 0xff, 0xfe));
    renameSync(bytes('two'), bytes('', 0xff, 0xfd));
    const r = pbxsig(['verify', '--root', odd, '--anchor', anchor.fingerprint]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok +\\xff\\xfd +verified .*1 file match/m);
    assert.match(r.stdout, /^ok +\\xff\\xfe +verified .*1 file match/m);
    assert.match(r.stdout, /All 3 modules/);
  });

  it('prints one alert line per module with findings on stderr, with syslog priorities under systemd', () => {
    const r = pbxsig(['verify', '--root', root, '--anchor', anchor.fingerprint, '--json'], {
      JOURNAL_STREAM: '8:12345',
    });
    const alerts = r.stderr.trim().split('\n');
    assert.equal(alerts.length, 2, r.stderr);
    assert.match(
      alerts[0] ?? '',
      /^<3>pbxsig: ALERT module core \(\/srv\/www\/admin\/modules\/core\): 1 unlisted code file: shell\.php$/,
    );
    assert.match(alerts[1] ?? '', /^<3>pbxsig: ALERT module dashboard .*tampered \(FreePBX status 130\)/);
  });

  it('refuses to write the report inside the tree being verified', () => {
    const r = pbxsig(['verify', '--root', root, '--report', join(root, WEBROOT, 'report.json')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /refusing to write inside/);
  });
});
