// Which value `pbxsig verify` uses for each setting, and where the report says it came from: an option
// wins over the configuration file, which wins over the default.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../../src/cli/args.js';
import type { VerifyArgs } from '../../../src/cli/args.js';
import { settleVerify } from '../../../src/cli/verify-settings.js';
import { NO_CONFIG, merge } from '../../../src/config/read.js';
import { parseConfig } from '../../../src/config/parse.js';

const MAIN = '/etc/pbxsig/pbxsig.conf';
const DROP_IN = '/etc/pbxsig/pbxsig.conf.d/site.conf';
const FPR = '0BDE0BFA09946D732091E26E1588A7366BD35B34';
const DIGEST = 'c'.repeat(64);

function verifyArgs(argv: string[]): VerifyArgs {
  const args = parseArgs(['verify', ...argv]);
  assert.equal(args.command, 'verify');
  return args;
}

const CONFIG = merge([
  {
    file: MAIN,
    settings: parseConfig(
      [
        'root = "/mnt/pbx"',
        'keys = ["/etc/pbxsig/keys"]',
        `anchors = ["${FPR}"]`,
        'unlisted = "report"',
        'report = "/var/lib/pbxsig/report.json"',
        'threads = 1',
        'engine = "wasm"',
      ].join('\n'),
      MAIN,
      8,
    ),
  },
  {
    file: DROP_IN,
    settings: parseConfig(
      `engine = "node"\n[[allow]]\nmodule = "core"\npath = "a.php"\nsha256 = "${DIGEST}"\n`,
      DROP_IN,
      8,
    ),
  },
]);

describe('settleVerify', () => {
  describe('when nothing is configured or given', () => {
    const settings = settleVerify(verifyArgs([]), NO_CONFIG);

    it("uses pbxsig's defaults, and says so", () => {
      assert.equal(settings.root, '/');
      assert.deepEqual(settings.keys, []);
      assert.deepEqual(settings.anchors, []);
      assert.equal(settings.unlisted, 'fail');
      assert.equal(settings.report, undefined);
      assert.equal(settings.threads, 'auto');
      assert.equal(settings.engine, 'auto');
      assert.deepEqual(settings.allow, []);
      assert.deepEqual(settings.sources, {
        root: 'default',
        keys: 'default',
        anchors: 'default',
        unlisted: 'default',
        report: 'default',
        threads: 'default',
        engine: 'default',
        allow: 'default',
      });
      assert.deepEqual(settings.configFiles, []);
    });
  });

  describe('when the configuration sets everything and no option is given', () => {
    const settings = settleVerify(verifyArgs([]), CONFIG);

    it('uses the configuration, each setting from the last file that set it', () => {
      assert.equal(settings.root, '/mnt/pbx');
      assert.deepEqual(settings.keys, ['/etc/pbxsig/keys']);
      assert.deepEqual(settings.anchors, [FPR]);
      assert.equal(settings.unlisted, 'report');
      assert.deepEqual(settings.report, { path: '/var/lib/pbxsig/report.json', option: `${MAIN}: report` });
      assert.equal(settings.threads, 1);
      assert.equal(settings.engine, 'node');
      assert.deepEqual(settings.allow, [{ module: 'core', path: 'a.php', sha256: DIGEST }]);
      assert.equal(settings.sources['engine'], `config ${DROP_IN}`);
      assert.equal(settings.sources['unlisted'], `config ${MAIN}`);
      assert.equal(settings.sources['allow'], `config ${DROP_IN}`);
      assert.deepEqual(settings.configFiles, [MAIN, DROP_IN]);
      assert.deepEqual(settings.usedFiles, [MAIN, DROP_IN]);
    });
  });

  describe('when options are given too', () => {
    const settings = settleVerify(
      verifyArgs([
        '--root',
        '/srv/snap',
        '--keys',
        '/k1',
        '--anchor',
        '/m.asc',
        '--unlisted',
        'fail',
        '--report',
        '/tmp/r.json',
        '-j',
        '2',
        '--engine',
        'wasm',
      ]),
      CONFIG,
    );

    it('lets every option win, a list as a whole', () => {
      assert.equal(settings.root, '/srv/snap');
      assert.deepEqual(settings.keys, ['/k1']);
      assert.deepEqual(settings.anchors, ['/m.asc']);
      assert.equal(settings.unlisted, 'fail');
      assert.deepEqual(settings.report, { path: '/tmp/r.json', option: '--report' });
      assert.equal(settings.threads, 2);
      assert.equal(settings.engine, 'wasm');
      for (const name of ['root', 'keys', 'anchors', 'unlisted', 'report', 'threads', 'engine'])
        assert.equal(settings.sources[name], 'option', name);
    });

    it('keeps the allowlist, which no option replaces', () => {
      assert.equal(settings.allow.length, 1);
    });

    it('counts as used only the files whose settings apply', () => {
      assert.deepEqual(settings.usedFiles, [DROP_IN]);
    });
  });

  describe('when the report goes to a file with --json=FILE, or to stdout', () => {
    it('takes --json=FILE as the report option', () => {
      const settings = settleVerify(verifyArgs(['--json=/tmp/j.json']), CONFIG);
      assert.deepEqual(settings.report, { path: '/tmp/j.json', option: '--json=' });
      assert.equal(settings.sources['report'], 'option');
    });

    it('still writes the configured report file beside --json on stdout', () => {
      const settings = settleVerify(verifyArgs(['--json']), CONFIG);
      assert.equal(settings.report?.path, '/var/lib/pbxsig/report.json');
    });
  });

  describe('when module directories are verified', () => {
    it('does not apply a configured root, nor report one', () => {
      const settings = settleVerify(verifyArgs(['/some/module']), CONFIG);
      assert.equal(settings.root, '/');
      assert.equal(settings.sources['root'], undefined);
      assert.equal(settings.engine, 'node');
    });
  });
});
