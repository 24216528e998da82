// `pbxsig audit` and `pbxsig diff` over several installations built in a temporary directory: one
// clean, one copied from it (identical module.sig files), one tampered, one with a dropped shell,
// one root that is not an installation.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { appendFile, cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { auditInstallations } from '../../src/audit/audit.js';
import { diffAudits } from '../../src/audit/diff.js';
import type { AuditReport } from '../../src/audit/types.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

const MODULES = 'var/www/html/admin/modules';

let temp: string;
let snapshots: string;
let anchor: TestKey;
let cleanup: () => Promise<void>;

before(async () => {
  const dir = await makeTempDir();
  temp = dir.path;
  cleanup = dir.remove;
  snapshots = join(temp, 'snapshots');
  anchor = await makeKey('Audit Master', { rsa: true });
  const developer = await certified(anchor, await makeKey('FreePBX Mirror'));
  const modules = {
    core: {
      'module.xml': '<module>core</module>\n',
      'Core.class.php': '<?php class Core {}\n',
      'views/main.php': '<?php echo 1;\n',
    },
    dashboard: { 'module.xml': '<module>dashboard</module>\n', 'assets/js/dashboard.js': 'dashboard();\n' },
  };
  await buildInstallation(join(snapshots, 'a-clean'), { anchor, developer, modules });
  // Copies of the same installation: same module.sig bytes, verified once for the whole audit.
  await cp(join(snapshots, 'a-clean'), join(snapshots, 'b-copy'), { recursive: true, verbatimSymlinks: true });
  await cp(join(snapshots, 'a-clean'), join(snapshots, 'c-tampered'), { recursive: true, verbatimSymlinks: true });
  await appendFile(join(snapshots, 'c-tampered', MODULES, 'core/Core.class.php'), '// injected\n');
  await cp(join(snapshots, 'a-clean'), join(snapshots, 'd-shell'), { recursive: true, verbatimSymlinks: true });
  await writeFile(join(snapshots, 'd-shell', MODULES, 'dashboard/shell.php'), '<?php system($_GET["c"]);\n');
  await writeFiles(join(snapshots, 'e-not-freepbx'), 'README', 'just a directory\n');
});

after(async () => cleanup());

async function writeFiles(dir: string, name: string, content: string): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), content);
}

function roots(...names: string[]): string[] {
  return names.map((n) => join(snapshots, n));
}

describe('auditInstallations', () => {
  let report: AuditReport;
  before(async () => {
    report = await auditInstallations({
      roots: roots('a-clean', 'b-copy', 'c-tampered', 'd-shell', 'e-not-freepbx'),
      anchors: [anchor.fingerprint],
    });
  });

  it('gives every installation its status, in the order given', () => {
    assert.deepEqual(
      report.installations.map((i) => [i.root.split('/').pop(), i.status]),
      [
        ['a-clean', 'clean'],
        ['b-copy', 'clean'],
        ['c-tampered', 'findings'],
        ['d-shell', 'findings'],
        ['e-not-freepbx', 'unreadable'],
      ],
    );
  });

  it('names what is wrong in each installation with findings', () => {
    const tampered = report.installations[2]?.report?.modules.find((m) => m.name === 'core');
    assert.equal(tampered?.verdict, 'tampered');
    assert.deepEqual(
      tampered?.files.altered.map((f) => f.path),
      ['Core.class.php'],
    );
    const shell = report.installations[3]?.report?.modules.find((m) => m.name === 'dashboard');
    assert.deepEqual(
      shell?.unlisted?.code.map((f) => f.path),
      ['shell.php'],
    );
    assert.match(report.installations[4]?.error?.message ?? '', /no FreePBX installation/);
    assert.equal(report.installations[4]?.error?.code, 'INSTALLATION_NOT_FOUND');
  });

  it('verifies each distinct module.sig once for the whole audit and says how many were shared', () => {
    // Four readable installations of three modules, all copies of one: three verifications, nine shared.
    assert.deepEqual(report.summary.signatures, { verified: 3, shared: 9 });
  });

  it('sums up the audit', () => {
    const s = report.summary;
    assert.deepEqual(
      [s.installations, s.clean, s.withFindings, s.unreadable, s.modules, s.failedModules, s.unlistedCode],
      [5, 2, 2, 1, 12, 2, 1],
    );
  });

  it('carries a full verify report for each installation, so one reader handles both', () => {
    assert.equal(report.installations[0]?.report?.schema, 'pbxsig/report');
    assert.equal(report.schema, 'pbxsig/audit');
  });

  it('goes on when an installation vanishes while the audit runs', async () => {
    const doomed = join(temp, 'doomed');
    await cp(join(snapshots, 'a-clean'), doomed, { recursive: true, verbatimSymlinks: true });
    let removed = false;
    // Third in line: at most two installations are in flight, so it starts only after one of the
    // first two is complete, long after a-clean's first module is reported and it is gone.
    const result = await auditInstallations({
      roots: [join(snapshots, 'a-clean'), join(snapshots, 'b-copy'), doomed],
      anchors: [anchor.fingerprint],
      onModuleOf: (installation) => {
        if (!removed && installation.root.endsWith('a-clean')) {
          removed = true;
          rmSync(doomed, { recursive: true, force: true });
        }
      },
    });
    assert.equal(removed, true);
    assert.deepEqual(
      result.installations.map((i) => i.status),
      ['clean', 'clean', 'unreadable'],
    );
    assert.match(result.installations[2]?.error?.message ?? '', /does not exist/);
  });
});

describe('pbxsig audit', () => {
  function pbxsig(...args: string[]): { status: number; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  it('audits every subdirectory with --each, exits 1, and writes the JSON and HTML reports', async () => {
    const json = join(temp, 'audit.json');
    const html = join(temp, 'audit.html');
    const r = pbxsig('audit', '--each', snapshots, '--anchor', anchor.fingerprint, '--json', json, '--html', html);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^findings +\S+c-tampered +1 of 3 modules failed: core \(tampered\)$/m);
    assert.match(r.stdout, /^unreadable +\S+e-not-freepbx/m);
    assert.match(r.stdout, /5 installations: 2 clean, 2 with findings, 1 unreadable/);
    const written = JSON.parse(await readFile(json, 'utf8')) as AuditReport;
    assert.equal(written.summary.installations, 5);
    assert.match(await readFile(html, 'utf8'), /^<!doctype html>/);
    assert.equal(r.stderr, '', 'no progress display when stderr is not a terminal');
  });

  it('exits 0 when every installation is clean, reading roots from --from', async () => {
    const list = join(temp, 'roots.txt');
    await writeFile(list, `# clean ones\n${roots('a-clean', 'b-copy').join('\n')}\n\n`);
    const r = pbxsig('audit', '--from', list, '--anchor', anchor.fingerprint);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('streams one NDJSON line per module as it finishes, then each installation, then the audit', () => {
    const r = pbxsig('audit', ...roots('a-clean', 'd-shell'), '--anchor', anchor.fingerprint, '--ndjson');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; installation?: string; module?: { name: string; passed: boolean } });
    assert.equal(lines.filter((l) => l.type === 'module').length, 6);
    assert.equal(lines.filter((l) => l.type === 'installation').length, 2);
    assert.equal(lines.at(-1)?.type, 'audit');
    const shell = lines.find(
      (l) => l.type === 'module' && l.installation?.endsWith('d-shell') && l.module?.name === 'dashboard',
    );
    assert.equal(shell?.module?.passed, false);
    // A module's line comes before its installation's line.
    const index = (pred: (l: (typeof lines)[number]) => boolean): number => lines.findIndex(pred);
    assert.ok(
      index((l) => l === shell) <
        index((l) => l.type === 'installation' && (l.installation?.endsWith('d-shell') ?? false)),
    );
  });

  it('refuses to write a report into an installation being audited', () => {
    const r = pbxsig('audit', ...roots('a-clean'), '--json', join(snapshots, 'a-clean', 'audit.json'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /refusing to write inside/);
  });

  it('says clearly when there is nothing to audit', () => {
    const r = pbxsig('audit');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no installation to audit/);
  });
});

describe('diff', () => {
  it('finds what newly fails, what was fixed, and new unlisted code', async () => {
    const before = await auditInstallations({
      roots: roots('a-clean', 'c-tampered', 'd-shell'),
      anchors: [anchor.fingerprint],
    });
    const later = join(temp, 'later');
    await cp(snapshots, later, { recursive: true, verbatimSymlinks: true });
    await writeFile(join(later, 'a-clean', MODULES, 'core/new.php'), '<?php // dropped\n');
    await cp(
      join(snapshots, 'a-clean', MODULES, 'core/Core.class.php'),
      join(later, 'c-tampered', MODULES, 'core/Core.class.php'),
    );
    const after = await auditInstallations({
      roots: [join(later, 'a-clean'), join(later, 'c-tampered'), join(later, 'd-shell')],
      anchors: [anchor.fingerprint],
    });
    // Same installations, moved: compare by name, as an auditor comparing two snapshot dates would.
    const rename = (r: AuditReport): AuditReport => ({
      ...r,
      installations: r.installations.map((i) => ({ ...i, root: i.root.split('/').pop() ?? i.root })),
    });
    const diff = diffAudits(rename(before), rename(after));
    assert.deepEqual(
      diff.installations.newlyFailing.map((i) => i.root),
      ['a-clean'],
    );
    assert.deepEqual(
      diff.installations.fixed.map((i) => i.root),
      ['c-tampered'],
    );
    assert.deepEqual(diff.unlisted.added, [{ installation: 'a-clean', module: 'core', path: 'new.php' }]);
    assert.deepEqual(
      diff.modules.fixed.map((m) => [m.installation, m.module, m.was]),
      [['c-tampered', 'core', 'tampered']],
    );
    assert.equal(diff.noRegression, false);
  });

  it('compares two JSON reports from the command line, exit 1 when something got worse', async () => {
    const a = join(temp, 'a.json');
    const b = join(temp, 'b.json');
    const run = (out: string, ...names: string[]): void =>
      void spawnSync(
        process.execPath,
        [CLI, 'audit', ...roots(...names), '--anchor', anchor.fingerprint, '--json', out],
        { encoding: 'utf8' },
      );
    run(a, 'a-clean');
    run(b, 'a-clean');
    const same = spawnSync(process.execPath, [CLI, 'diff', a, b], { encoding: 'utf8' });
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stdout, /Nothing got worse/);
    const verify = join(temp, 'verify.json');
    spawnSync(
      process.execPath,
      [CLI, 'verify', '--root', join(snapshots, 'a-clean'), '--anchor', anchor.fingerprint, '--report', verify],
      { encoding: 'utf8' },
    );
    const mixed = spawnSync(process.execPath, [CLI, 'diff', verify, a, '--json'], { encoding: 'utf8' });
    assert.equal(mixed.status, 0, mixed.stderr);
    assert.equal((JSON.parse(mixed.stdout) as { schema: string }).schema, 'pbxsig/diff');
    const junk = join(temp, 'junk.json');
    await writeFile(junk, '{"hello": 1}');
    const bad = spawnSync(process.execPath, [CLI, 'diff', junk, a], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /junk\.json: not a pbxsig report/);
  });
});
