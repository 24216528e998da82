// pbxsig.conf, parsed: every setting, and every mistake an administrator can make, each an error that
// names the file, the line and the key.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/parse.js';
import { InputError } from '../../../src/errors.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const FILE = '/etc/pbxsig/pbxsig.conf';
const DIGEST = 'ab'.repeat(32);
const FPR = '0BDE0BFA09946D732091E26E1588A7366BD35B34';

function parse(text: string): ReturnType<typeof parseConfig> {
  return parseConfig(text, FILE, 8);
}

function refused(text: string, code: 'PBXSIG_CONF_SYNTAX' | 'PBXSIG_CONF_INVALID', message: string): void {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.message, message);
      return true;
    },
  );
}

describe('parseConfig', () => {
  describe('when the file is valid', () => {
    it('reads every setting and the allowlist', () => {
      const settings = parse(
        [
          '# pbxsig settings',
          'root = "/mnt/pbx"',
          'keys = ["/etc/pbxsig/keys", "/etc/pbxsig/dev.asc"]',
          `anchors = ["${FPR}", "/etc/pbxsig/master.asc"]`,
          'unlisted = "report"',
          'report = "/var/lib/pbxsig/report.json"',
          'threads = 2',
          'engine = "wasm"',
          '',
          '[[allow]]',
          'module = "core"',
          'path = "views/custom.php"',
          `sha256 = "${DIGEST.toUpperCase()}"`,
          '',
          '[[allow]]',
          'module = "framework"',
          'path = "utests/Mine.php"',
          `sha256 = "${DIGEST}"`,
        ].join('\n'),
      );
      assert.deepEqual(settings, {
        root: '/mnt/pbx',
        keys: ['/etc/pbxsig/keys', '/etc/pbxsig/dev.asc'],
        anchors: [FPR, '/etc/pbxsig/master.asc'],
        unlisted: 'report',
        report: '/var/lib/pbxsig/report.json',
        threads: 2,
        engine: 'wasm',
        allow: [
          { module: 'core', path: 'views/custom.php', sha256: DIGEST },
          { module: 'framework', path: 'utests/Mine.php', sha256: DIGEST },
        ],
      });
    });

    it('gives an empty file no settings and an empty allowlist', () => {
      assert.deepEqual(parse('# nothing set\n'), { allow: [] });
    });

    it('takes a single key file or anchor as a string, threads as "auto", and inline allow tables', () => {
      const settings = parse(
        [
          'keys = "/etc/pbxsig/keys"',
          'anchors = "0BDE 0BFA 0994 6D73 2091  E26E 1588 A736 6BD3 5B34"',
          'threads = "auto"',
          `allow = [{ module = "core", path = "a.php", sha256 = "${DIGEST}" }]`,
        ].join('\n'),
      );
      assert.deepEqual(settings.keys, ['/etc/pbxsig/keys']);
      assert.deepEqual(settings.anchors, ['0BDE 0BFA 0994 6D73 2091  E26E 1588 A736 6BD3 5B34']);
      assert.equal(settings.threads, 'auto');
      assert.deepEqual(settings.allow, [{ module: 'core', path: 'a.php', sha256: DIGEST }]);
    });

    it('keeps a path exactly as written, escapes resolved', () => {
      const settings = parse(`[[allow]]\nmodule = "core"\npath = "new\\nline \\u00e9.php"\nsha256 = "${DIGEST}"\n`);
      assert.equal(settings.allow[0]?.path, 'new\nline \u00e9.php');
    });
  });

  describe('when the file is not TOML', () => {
    it('names the file, the line and the column', () => {
      refused(
        'unlisted = "fail"\nthreads = \n',
        'PBXSIG_CONF_SYNTAX',
        `${FILE}:2:11: not valid TOML: invalid value (format: https://toml.io)`,
      );
    });

    it('refuses a key set twice', () => {
      refused(
        'engine = "node"\nengine = "wasm"\n',
        'PBXSIG_CONF_SYNTAX',
        `${FILE}:2:1: not valid TOML: trying to redefine an already defined table or value (format: https://toml.io)`,
      );
    });

    it('refuses an INI-style line (amportal.conf habits)', () => {
      assert.throws(() => parse('[settings]\nunlisted=fail\n'), {
        code: 'PBXSIG_CONF_SYNTAX',
        message: /^\/etc\/pbxsig\/pbxsig\.conf:2:/,
      });
    });
  });

  describe('when a key or value cannot be used', () => {
    const cases: ReadonlyArray<readonly [string, string, string]> = [
      [
        'an unknown key, with the one meant',
        '\n\nanchor = "x"',
        `${FILE}:3: anchor: unknown key; did you mean anchors? (known: root, keys, anchors, unlisted, report, threads, engine, allow)`,
      ],
      [
        'an unknown table',
        '[settings]\nroot = "/"',
        `${FILE}:1: settings: unknown key (known: root, keys, anchors, unlisted, report, threads, engine, allow)`,
      ],
      ['root that is not a string', 'root = 1', `${FILE}:1: root: expected a string, got number 1`],
      ['a relative root', 'root = "mnt/pbx"', `${FILE}:1: root: expected an absolute path, got "mnt/pbx"`],
      ['an empty report path', 'report = ""', `${FILE}:1: report: an empty string`],
      ['a NUL in a path', 'report = "/a\\u0000b"', `${FILE}:1: report: holds a NUL character`],
      ['keys that are a number', 'keys = 3', `${FILE}:1: keys: expected a list of strings, got number 3`],
      ['an empty list of keys', 'keys = []', `${FILE}:1: keys: an empty list (leave the key out for the default)`],
      ['a relative key file', 'keys = ["/ok", "keys/"]', `${FILE}:1: keys[1]: expected an absolute path, got "keys/"`],
      [
        'a short fingerprint',
        'anchors = ["0BDE0BFA"]',
        `${FILE}:1: anchors[0]: a fingerprint has 40 hex digits, got "0BDE0BFA"`,
      ],
      [
        'a relative anchor file',
        'anchors = ["master.asc"]',
        `${FILE}:1: anchors[0]: expected a fingerprint or an absolute key file path, got "master.asc"`,
      ],
      [
        'an unknown unlisted policy',
        'unlisted = "warn"',
        `${FILE}:1: unlisted: expected one of "ignore", "report", "fail", got "warn"`,
      ],
      [
        'an unknown engine',
        'engine = "openssl"',
        `${FILE}:1: engine: expected one of "auto", "node", "wasm", got "openssl"`,
      ],
      [
        'threads as other text',
        'threads = "many"',
        `${FILE}:1: threads: expected a whole number or "auto", got "many"`,
      ],
      ['negative threads', 'threads = -1', `${FILE}:1: threads: expected a whole number or "auto", got number -1`],
      ['fractional threads', 'threads = 1.5', `${FILE}:1: threads: expected a whole number or "auto", got number 1.5`],
      ['too many threads', 'threads = 9', `${FILE}:1: threads: at most 8 on this machine (4 per core), got 9`],
      [
        'allow that is not a list of tables',
        'allow = "core/a.php"',
        `${FILE}:1: allow: expected [[allow]] tables, each with module, path and sha256`,
      ],
      [
        'an entry without sha256',
        '[[allow]]\nmodule = "core"\npath = "a.php"',
        `${FILE}:1: allow[0]: missing sha256 (each entry names module, path and sha256)`,
      ],
      [
        'a misspelt entry key',
        `[[allow]]\nmodule = "core"\npath = "a.php"\nsha265 = "${DIGEST}"`,
        `${FILE}:4: allow[0].sha265: unknown key; did you mean sha256? (known: module, path, sha256)`,
      ],
      [
        'a module name with a slash',
        `[[allow]]\nmodule = "admin/modules/core"\npath = "a.php"\nsha256 = "${DIGEST}"`,
        `${FILE}:2: allow[0].module: expected a module name (its directory's name), got "admin/modules/core"`,
      ],
      [
        'an absolute path',
        `[[allow]]\nmodule = "core"\npath = "/var/www/html/a.php"\nsha256 = "${DIGEST}"`,
        `${FILE}:3: allow[0].path: expected a path relative to the module directory ("views/custom.php"), got "/var/www/html/a.php"`,
      ],
      [
        'a path climbing out',
        `[[allow]]\nmodule = "core"\npath = "../framework/a.php"\nsha256 = "${DIGEST}"`,
        `${FILE}:3: allow[0].path: expected a path relative to the module directory ("views/custom.php"), got "../framework/a.php"`,
      ],
      [
        'a path with an empty part',
        `[[allow]]\nmodule = "core"\npath = "views//a.php"\nsha256 = "${DIGEST}"`,
        `${FILE}:3: allow[0].path: expected a path relative to the module directory ("views/custom.php"), got "views//a.php"`,
      ],
      [
        'a digest that is not SHA-256',
        '[[allow]]\nmodule = "core"\npath = "a.php"\nsha256 = "d41d8cd98f00b204e9800998ecf8427e"',
        `${FILE}:4: allow[0].sha256: expected a SHA-256 digest (64 hex digits), got "d41d8cd98f00b204e9800998ecf8427e"`,
      ],
      [
        'a digest that is a number',
        '[[allow]]\nmodule = "core"\npath = "a.php"\nsha256 = 12',
        `${FILE}:4: allow[0].sha256: expected a string, got number 12`,
      ],
      ['a date for a path', 'report = 2026-01-01', `${FILE}:1: report: expected a string, got a date`],
    ];
    for (const [what, text, message] of cases) {
      it(`refuses ${what}, naming the file, the line and the key`, () => refused(text, 'PBXSIG_CONF_INVALID', message));
    }

    it('names the line of the second [[allow]] entry for its own mistake', () => {
      refused(
        `# site\n[[allow]]\nmodule = "core"\npath = "a.php"\nsha256 = "${DIGEST}"\n\n[[allow]]\nmodule = "core"\npath = "b.php"\nsha256 = "nope"\n`,
        'PBXSIG_CONF_INVALID',
        `${FILE}:10: allow[1].sha256: expected a SHA-256 digest (64 hex digits), got "nope"`,
      );
    });
  });
});

describe("the README's configuration example", () => {
  it('is a valid configuration file', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    assert.ok(blocks.length > 0, 'a toml block in the README');
    for (const block of blocks) assert.equal(parseConfig(block, 'README.md', 8).allow.length, 1);
  });
});
