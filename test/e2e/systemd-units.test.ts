// The systemd units (packaging/systemd/) as systemd itself judges them: `systemd-analyze verify` finds
// nothing to say about them or the drop-ins, and `systemd-analyze security --offline` rates the
// sandbox as the README states. The exit statuses that fail the boot check are checked, and the
// sandbox's limits are checked against what pbxsig does: every system call it makes is in the unit's
// filter (strace), it opens no socket, and a user with only CAP_DAC_READ_SEARCH verifies a root-only
// tree as root would (setpriv). Each part says it is skipped when its tool is missing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir } from '../helpers/modules.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';

const UNITS = join(REPO_ROOT, 'packaging/systemd');
const SERVERS = ['apache2', 'httpd', 'asterisk'] as const;
const FIXTURES = join(REPO_ROOT, 'fixtures');

function run(command: string, args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? r.error?.message ?? '' };
}

function have(tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
}

/** The values of a directive in a unit file, each line's value as written. */
function directive(unit: string, name: string): string[] {
  return readFileSync(join(UNITS, unit), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${name}=`))
    .map((line) => line.slice(name.length + 1));
}

const SYSTEMD_ANALYZE = have('systemd-analyze');
// The host's own unit directory, for the targets our units hang on (sysinit.target, timers.target, ...).
const HOST_UNITS = ['/lib/systemd/system', '/usr/lib/systemd/system'].find((d) =>
  existsSync(join(d, 'sysinit.target')),
);

let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  const temp = await makeTempDir();
  dir = temp.path;
  cleanup = temp.remove;
});

after(async () => cleanup());

describe('when the boot check fails or cannot run', () => {
  it('fails the unit for a verification failure, an input error, an internal error or a kill, never listing them as success', () => {
    const success = directive('pbxsig-verify.service', 'SuccessExitStatus').flatMap((v) => v.split(/\s+/));
    assert.ok(success.includes('203'), 'a missing or unrunnable program does not hold it down');
    assert.ok(success.includes('127'), 'no Node.js to run pbxsig does not hold it down');
    // 2 too: an input error can come from an edited amportal.conf, which the web server's user can write.
    for (const failure of ['0', '1', '2', '3', 'SIGKILL', 'SIGTERM'])
      assert.ok(!success.includes(failure), `${failure} must fail the unit`);
    assert.deepEqual(directive('pbxsig-verify.service', 'ConditionFileIsExecutable'), ['/usr/bin/pbxsig']);
    assert.deepEqual(directive('pbxsig-verify.service', 'ExecStart'), [
      '/usr/bin/pbxsig verify --quiet --report /var/lib/pbxsig/report.json',
    ]);
  });

  it('says why pbxsig could not run as an error in the journal (priority 3), exit status 2', () => {
    const empty = join(dir, 'no-installation-here');
    mkdirSync(empty, { recursive: true });
    const r = spawnSync(process.execPath, [CLI, 'verify', '--root', empty], {
      encoding: 'utf8',
      env: { ...process.env, JOURNAL_STREAM: '8:12345' },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^<3>pbxsig: no FreePBX installation at /);
  });

  it('lets each drop-in require and follow the boot check, and gates nothing from the daily check', () => {
    for (const server of SERVERS) {
      const unit = `${server}.service.d/pbxsig.conf`;
      assert.deepEqual(directive(unit, 'Requires'), ['pbxsig-verify.service'], unit);
      assert.deepEqual(directive(unit, 'After'), ['pbxsig-verify.service'], unit);
    }
    assert.deepEqual(directive('pbxsig-check.service', 'Before'), []);
    assert.deepEqual(directive('pbxsig-check.timer', 'OnCalendar'), ['daily']);
  });
});

describe(
  'when systemd-analyze verifies the units',
  { skip: !SYSTEMD_ANALYZE || !HOST_UNITS ? "needs systemd-analyze and the host's systemd units" : false },
  () => {
    let root: string;

    // A root holding the host's units, ours, a /usr/bin/pbxsig to run, and a stand-in for each server
    // with our drop-in installed as the README says.
    before(() => {
      if (!SYSTEMD_ANALYZE || !HOST_UNITS) return;
      root = join(dir, 'root');
      cpSync(HOST_UNITS, join(root, 'lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
      for (const unit of ['pbxsig-verify.service', 'pbxsig-check.service', 'pbxsig-check.timer'])
        cpSync(join(UNITS, unit), join(root, 'lib/systemd/system', unit));
      mkdirSync(join(root, 'usr/bin'), { recursive: true });
      writeFileSync(join(root, 'usr/bin/pbxsig'), '#!/bin/sh\n');
      chmodSync(join(root, 'usr/bin/pbxsig'), 0o755);
      for (const server of SERVERS) {
        writeFileSync(join(root, `lib/systemd/system/${server}.service`), '[Service]\nExecStart=/usr/bin/pbxsig\n');
        mkdirSync(join(root, `etc/systemd/system/${server}.service.d`), { recursive: true });
        cpSync(
          join(UNITS, `${server}.service.d/pbxsig.conf`),
          join(root, `etc/systemd/system/${server}.service.d/pbxsig.conf`),
        );
      }
    });

    const verify = (...units: string[]): { status: number; stderr: string } =>
      run('systemd-analyze', ['verify', '--man=no', `--root=${root}`, ...units.map((u) => `/lib/systemd/system/${u}`)]);

    it('finds nothing to say about the boot check, the daily check and its timer', () => {
      const r = verify('pbxsig-verify.service', 'pbxsig-check.service', 'pbxsig-check.timer');
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
    });

    it('finds nothing to say about apache2, httpd and asterisk with the drop-ins', () => {
      const r = verify(...SERVERS.map((s) => `${s}.service`));
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
    });

    it('would say so about a mistake (the check can fail)', () => {
      writeFileSync(
        join(root, 'lib/systemd/system/broken.service'),
        `${readFileSync(join(UNITS, 'pbxsig-verify.service'), 'utf8')}\n[Service]\nExecStartt=/usr/bin/pbxsig\n`,
      );
      assert.match(verify('broken.service').stderr, /Unknown key 'ExecStartt'/);
    });
  },
);

describe('when systemd-analyze rates the sandbox', { skip: !SYSTEMD_ANALYZE ? 'needs systemd-analyze' : false }, () => {
  for (const unit of ['pbxsig-verify.service', 'pbxsig-check.service']) {
    it(`rates ${unit} OK or better, as the README says`, () => {
      const r = run('systemd-analyze', ['security', '--offline=yes', join(UNITS, unit)]);
      assert.equal(r.status, 0, r.stderr);
      const [, exposure, rating] = /Overall exposure level for \S+: ([\d.]+) (\w+)/.exec(r.stdout) ?? [];
      assert.ok(exposure && rating, r.stdout);
      assert.ok(['PERFECT', 'SAFE', 'OK'].includes(rating), `${unit}: ${exposure} ${rating}`);
      assert.ok(Number(exposure) < 5);
      assert.ok(
        readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').includes(`${exposure} ${rating}`),
        `the README states ${unit}'s rating, ${exposure} ${rating}`,
      );
    });
  }
});

describe('when pbxsig runs inside the limits the unit sets', () => {
  it(
    'makes only system calls the unit allows, and opens no socket',
    { skip: !have('strace') || !SYSTEMD_ANALYZE ? 'needs strace and systemd-analyze' : false },
    (t) => {
      const trace = join(dir, 'strace.txt');
      const r = run('strace', [
        '-f',
        '-qq',
        '-c',
        '-o',
        trace,
        process.execPath,
        CLI,
        'verify',
        '--root',
        join(FIXTURES, 'installation'),
        '--anchor',
        join(FIXTURES, 'keys/demo-master.asc'),
        '--threads',
        '2',
      ]);
      if (!existsSync(trace)) {
        t.skip(`strace could not trace here: ${r.stderr}`);
        return;
      }
      assert.equal(r.status, 1, r.stderr);
      const used = readFileSync(trace, 'utf8')
        .split('\n')
        .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
        .filter((name) => /^[a-z_0-9]+$/.test(name) && name !== 'total' && name !== 'syscall');
      assert.ok(used.includes('openat'), 'the trace lists the calls made');

      const expand = (names: string[]): Set<string> => {
        const out = new Set<string>();
        for (const name of names) {
          if (!name.startsWith('@')) {
            out.add(name);
            continue;
          }
          const listed = run('systemd-analyze', ['syscall-filter', name]).stdout.split('\n').slice(1);
          const members = listed.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
          for (const member of expand(members)) out.add(member);
        }
        return out;
      };
      const [allowLine = '', denyLine = ''] = directive('pbxsig-verify.service', 'SystemCallFilter');
      assert.ok(denyLine.startsWith('~'), 'the second SystemCallFilter= line is a deny list');
      const allowed = expand(allowLine.split(/\s+/));
      for (const denied of expand(denyLine.slice(1).split(/\s+/))) allowed.delete(denied);
      assert.deepEqual(
        used.filter((name) => !allowed.has(name)),
        [],
        'system calls pbxsig makes that the unit filters out',
      );
      assert.ok(!used.includes('socket'), 'RestrictAddressFamilies=none: pbxsig must open no socket');
    },
  );

  it(
    'reads a root-only installation as an unprivileged user with CAP_DAC_READ_SEARCH alone',
    { skip: process.getuid?.() !== 0 || !have('setpriv') ? 'needs root and setpriv' : false },
    () => {
      const tree = join(dir, 'root-only');
      cpSync(join(FIXTURES, 'installation'), tree, { recursive: true, verbatimSymlinks: true });
      const lock = (path: string): void => {
        chownSync(path, 0, 0);
        for (const entry of readdirSync(path, { withFileTypes: true })) {
          const child = join(path, entry.name);
          if (entry.isSymbolicLink()) continue;
          if (entry.isDirectory()) lock(child);
          else {
            chownSync(child, 0, 0);
            chmodSync(child, 0o600);
          }
        }
        chmodSync(path, 0o700);
      };
      lock(tree);
      chmodSync(dir, 0o755);
      const anchor = join(dir, 'anchor.asc');
      cpSync(join(FIXTURES, 'keys/demo-master.asc'), anchor);
      chmodSync(anchor, 0o644);
      const as = (caps: string): { status: number; stdout: string; stderr: string } =>
        run('setpriv', [
          '--reuid=65534',
          '--regid=65534',
          '--clear-groups',
          `--inh-caps=-all${caps}`,
          `--ambient-caps=-all${caps}`,
          `--bounding-set=-all${caps}`,
          process.execPath,
          CLI,
          'verify',
          '--root',
          tree,
          '--anchor',
          anchor,
        ]);
      const withCap = as(',+dac_read_search');
      assert.equal(withCap.status, 1, withCap.stderr);
      assert.match(withCap.stdout, /^FAIL dashboard +tampered/m);
      assert.match(withCap.stdout, /^ +unlisted +shell\.php/m);
      const without = as('');
      assert.equal(without.status, 2, 'without the capability the tree cannot be read: an input error');
      assert.match(without.stderr, /permission denied/);
    },
  );
});
