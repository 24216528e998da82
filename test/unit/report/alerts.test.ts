import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertLines } from '../../../src/report/alerts.js';
import { REPORT_SCHEMA, REPORT_VERSION, VERDICTS } from '../../../src/report/types.js';
import type { FileFinding, ModuleReport, UnlistedReport, Verdict, VerifyReport } from '../../../src/report/types.js';

const JOURNALD = { JOURNAL_STREAM: '8:123456' };
const TERMINAL = {};

function unlisted(codePaths: readonly string[]): UnlistedReport {
  const code: FileFinding[] = codePaths.map((path) => ({
    path,
    location: `/var/www/html/admin/modules/core/${path}`,
    reason: 'unlisted script',
  }));
  return {
    code,
    allowed: [],
    runtime: 0,
    other: 0,
    otherSample: [],
    notWalked: [],
    notes: [],
    links: [],
    unreadable: [],
  };
}

function moduleReport(overrides: Partial<ModuleReport> = {}): ModuleReport {
  const name = overrides.name ?? 'core';
  return {
    name,
    directory: `/var/www/html/admin/modules/${name}`,
    verdict: 'verified',
    summary: 'Signed by a trusted key and every listed file matches.',
    freepbx: { status: 129, flags: ['GOOD', 'TRUSTED'], details: [] },
    signer: null,
    manifest: null,
    identity: null,
    local: null,
    files: {
      listed: 2,
      skipped: 0,
      checked: 2,
      matched: 2,
      bytes: 100,
      viaSymlink: 0,
      altered: [],
      missing: [],
      unreadable: [],
      unsafe: [],
    },
    unlisted: unlisted([]),
    passed: true,
    warnings: [],
    ...overrides,
  };
}

function report(modules: readonly ModuleReport[]): VerifyReport {
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const module of modules) verdicts[module.verdict]++;
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    tool: { name: 'pbxsig', version: '0.0.0-test' },
    startedAt: '2025-06-01T00:00:00.000Z',
    durationMs: 1,
    settings: { engine: 'node', threads: 1, anchors: [], keyFiles: [], unlisted: 'report' },
    installation: null,
    summary: {
      modules: modules.length,
      verified: verdicts.verified,
      failed: modules.filter((m) => !m.passed).length,
      unlistedCode: modules.reduce((n, m) => n + (m.unlisted?.code.length ?? 0), 0),
      verdicts,
      files: 0,
      bytes: 0,
    },
    modules,
    warnings: [],
  };
}

const TAMPERED = moduleReport({
  verdict: 'tampered',
  summary: '1 listed file altered.',
  freepbx: {
    status: 130,
    flags: ['TAMPERED', 'TRUSTED'],
    details: ['/var/www/html/admin/modules/core/Core.class.php altered'],
  },
  passed: false,
});

// Verified, with unlisted code, and passed because the policy is 'report'.
const WITH_SHELL = moduleReport({ unlisted: unlisted(['assets/shell.php']) });

describe('alertLines', () => {
  describe('when every module passed with nothing found', () => {
    it('gives no lines', () => {
      assert.deepEqual(alertLines(report([moduleReport(), moduleReport({ name: 'framework' })]), JOURNALD), []);
    });

    it('gives no lines when unlisted files were not looked for', () => {
      assert.deepEqual(alertLines(report([moduleReport({ unlisted: null })]), TERMINAL), []);
    });

    it('gives no lines for an empty report', () => {
      assert.deepEqual(alertLines(report([]), JOURNALD), []);
    });
  });

  describe('when a module failed, under systemd (JOURNAL_STREAM set)', () => {
    const lines = alertLines(report([moduleReport(), TAMPERED]), JOURNALD);

    it('gives one line, for the failing module only', () => {
      assert.equal(lines.length, 1);
    });

    it('gives an ALERT with the error priority prefix <3>, naming the verdict, FreePBX status and summary', () => {
      assert.equal(
        lines[0],
        '<3>pbxsig: ALERT module core (/var/www/html/admin/modules/core): tampered (FreePBX status 130): 1 listed file altered.',
      );
    });
  });

  describe('when a module passed but holds unlisted code (policy report)', () => {
    it('gives a WARNING with the warning priority prefix <4> under systemd', () => {
      assert.deepEqual(alertLines(report([WITH_SHELL]), JOURNALD), [
        '<4>pbxsig: WARNING module core (/var/www/html/admin/modules/core): 1 unlisted code file: assets/shell.php',
      ]);
    });

    it('does not name a verdict or FreePBX status for a verified module', () => {
      const [line] = alertLines(report([WITH_SHELL]), JOURNALD);
      assert.ok(line);
      assert.doesNotMatch(line, /FreePBX status/);
      assert.doesNotMatch(line, /verified/);
    });
  });

  describe('when JOURNAL_STREAM is not set or empty', () => {
    it('gives the lines without a priority prefix', () => {
      const modules = [TAMPERED, moduleReport({ name: 'sipsettings', unlisted: unlisted(['x.php']) })];
      const expected = [
        'pbxsig: ALERT module core (/var/www/html/admin/modules/core): tampered (FreePBX status 130): 1 listed file altered.',
        'pbxsig: WARNING module sipsettings (/var/www/html/admin/modules/sipsettings): 1 unlisted code file: x.php',
      ];
      assert.deepEqual(alertLines(report(modules), TERMINAL), expected);
      assert.deepEqual(alertLines(report(modules), { JOURNAL_STREAM: '' }), expected);
    });

    it('keeps the order of the modules in the report', () => {
      const lines = alertLines(
        report([
          moduleReport({ name: 'b', unlisted: unlisted(['x.php']) }),
          moduleReport({ name: 'a', unlisted: unlisted(['y.php']) }),
        ]),
        TERMINAL,
      );
      assert.deepEqual(
        lines.map((l) => l.split(' ')[3]),
        ['b', 'a'],
      );
    });
  });

  describe('when a module has many unlisted code files', () => {
    const paths = ['a.php', 'b.php', 'c.php', 'd.php', 'e.php', 'f.php', 'g.php'];

    it('names the first 5, then ", ..." and the count of all', () => {
      assert.deepEqual(alertLines(report([moduleReport({ unlisted: unlisted(paths) })]), TERMINAL), [
        'pbxsig: WARNING module core (/var/www/html/admin/modules/core): 7 unlisted code files: a.php, b.php, c.php, d.php, e.php, ...',
      ]);
    });

    it('names all of exactly 5 without ", ..."', () => {
      const [line] = alertLines(report([moduleReport({ unlisted: unlisted(paths.slice(0, 5)) })]), TERMINAL);
      assert.ok(line);
      assert.ok(line.endsWith('5 unlisted code files: a.php, b.php, c.php, d.php, e.php'), line);
    });
  });

  describe('when a module failed and also holds unlisted code', () => {
    it('gives one ALERT naming both, separated by "; "', () => {
      const module = moduleReport({ ...TAMPERED, unlisted: unlisted(['shell.php', 'x.phtml']) });
      assert.deepEqual(alertLines(report([module]), JOURNALD), [
        '<3>pbxsig: ALERT module core (/var/www/html/admin/modules/core): tampered (FreePBX status 130): 1 listed file altered.; 2 unlisted code files: shell.php, x.phtml',
      ]);
    });
  });

  describe('when a verified module did not pass because of unlisted code (policy fail)', () => {
    it('gives an ALERT with <3> naming the files', () => {
      const module = moduleReport({ unlisted: unlisted(['shell.php']), passed: false });
      assert.deepEqual(alertLines(report([module]), JOURNALD), [
        '<3>pbxsig: ALERT module core (/var/www/html/admin/modules/core): 1 unlisted code file: shell.php',
      ]);
    });
  });

  describe('when a module is unsigned', () => {
    it('names the verdict and FreePBX status 8', () => {
      const module = moduleReport({
        verdict: 'unsigned',
        summary: 'No module.sig.',
        freepbx: { status: 8, flags: ['UNSIGNED'], details: ['unsigned'] },
        unlisted: null,
        passed: false,
      });
      assert.deepEqual(alertLines(report([module]), TERMINAL), [
        'pbxsig: ALERT module core (/var/www/html/admin/modules/core): unsigned (FreePBX status 8): No module.sig.',
      ]);
    });
  });

  describe('when the unlisted-file walk could not look somewhere', () => {
    it('alerts, naming the place', () => {
      const module = moduleReport({
        unlisted: {
          ...unlisted([]),
          notWalked: [
            {
              path: 'private',
              location: '/var/www/html/admin/modules/core/private',
              reason: 'directory cannot be read: permission denied',
            },
          ],
        },
        passed: false,
      });
      assert.deepEqual(alertLines(report([module]), JOURNALD), [
        '<3>pbxsig: ALERT module core (/var/www/html/admin/modules/core): 1 place not walked for unlisted files: private',
      ]);
    });

    it('escapes the place: a newline in its name cannot forge an ALERT line of its own', () => {
      const module = moduleReport({
        unlisted: {
          ...unlisted([]),
          notWalked: [
            {
              path: 'x\npbxsig: ALERT forged',
              location: '/var/www/html/admin/modules/core/x\npbxsig: ALERT forged',
              reason: 'a link leaving the root',
            },
          ],
        },
        passed: false,
      });
      const lines = alertLines(report([module]), TERMINAL);
      assert.equal(lines.length, 1);
      assert.ok(!lines.join('\n').includes('\n'), lines[0]);
      assert.match(lines[0] ?? '', /not walked for unlisted files: x\\npbxsig: ALERT forged$/);
    });
  });

  describe('when code lies beside the modules, in no module', () => {
    it("gives a WARNING line of its own, escaped, before the modules' lines; other warnings give none", () => {
      const withWarnings: VerifyReport = {
        ...report([TAMPERED]),
        warnings: [
          { code: 'INSTALLATION', message: '/etc/freepbx.conf not read' },
          { code: 'CODE_BESIDE_MODULES', message: '/var/www/html/admin/modules/x\npbxsig: ALERT.php is unlisted code' },
        ],
      };
      const lines = alertLines(withWarnings, JOURNALD);
      assert.deepEqual(lines.slice(0, 1), [
        '<4>pbxsig: WARNING /var/www/html/admin/modules/x\\npbxsig: ALERT.php is unlisted code',
      ]);
      assert.equal(lines.length, 2);
      assert.match(lines[1] ?? '', /^<3>pbxsig: ALERT module core/);
    });
  });

  describe('when a module of an installation is signed as another module', () => {
    it('alerts, naming the module its signed module.xml names', () => {
      const module = moduleReport({
        name: 'dashboard',
        directory: '/var/www/html/admin/modules/dashboard',
        identity: { rawname: 'core', version: '17.0.1', matchesDirectory: false, substituted: true },
        passed: false,
      });
      assert.deepEqual(alertLines(report([module]), JOURNALD), [
        '<3>pbxsig: ALERT module dashboard (/var/www/html/admin/modules/dashboard): signed as another module: its signed module.xml names it "core"',
      ]);
    });

    it('says nothing of a mismatch that is only shown (a directory named on the command line)', () => {
      const module = moduleReport({
        identity: { rawname: 'demo', version: '17.0.1', matchesDirectory: false, substituted: false },
      });
      assert.deepEqual(alertLines(report([module]), JOURNALD), []);
    });
  });

  describe('when known, runtime, other unlisted files and notes are present but no code', () => {
    it('gives no lines', () => {
      const quiet: UnlistedReport = {
        code: [],
        allowed: [
          {
            path: 'utests/AstmanTest.php',
            rule: "shipped unlisted by FreePBX's own release (module, path and sha256 match)",
            source: 'stock',
            sha256: '2b84620660b7f8cef06bdb66a1a80a7a56242e1eec766b82e2238f08c559c0a1',
          },
        ],
        runtime: 12,
        other: 3,
        otherSample: ['README.md'],
        notWalked: [],
        notes: [{ path: 'debug.log', location: '/x/framework/debug.log', reason: 'execute bit set' }],
        links: [],
        unreadable: [],
      };
      assert.deepEqual(alertLines(report([moduleReport({ name: 'framework', unlisted: quiet })]), JOURNALD), []);
    });
  });
});
