import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FREEPBX_DEFAULTS,
  SETTING_KEYS,
  parseAmportalConf,
  parseFreepbxConf,
  resolveSettings,
} from '../../../src/install/settings.js';
import type { SettingsLayer } from '../../../src/install/settings.js';

function lines(...text: string[]): string {
  return text.join('\n');
}

function layer(source: SettingsLayer['source'], values: Record<string, string>): SettingsLayer {
  return { source, values };
}

// Asserts that resolving `layers` throws a plain Error whose message names `source` and `key`.
function throwsNaming(layers: readonly SettingsLayer[], source: string, key: string): void {
  assert.throws(
    () => resolveSettings(layers),
    (e: unknown) =>
      e instanceof Error &&
      e.message.startsWith(`${source}: `) &&
      e.message.includes(key) &&
      e.message.includes('not an absolute path'),
  );
}

const ALL_DEFAULT = {
  webroot: 'default',
  bin: 'default',
  sbin: 'default',
  agiDir: 'default',
  varLibDir: 'default',
} as const;

describe('resolveSettings', () => {
  describe('when no layer names anything', () => {
    it("gives FreePBX's defaults, each from 'default'", () => {
      assert.deepEqual(resolveSettings([]), { settings: FREEPBX_DEFAULTS, sources: ALL_DEFAULT });
    });

    it('gives the defaults for layers that hold only unrelated keys', () => {
      const resolved = resolveSettings([layer('amportal.conf', { AMPDBUSER: 'freepbxuser', AMPDBNAME: 'asterisk' })]);
      assert.deepEqual(resolved, { settings: FREEPBX_DEFAULTS, sources: ALL_DEFAULT });
    });

    it('maps each setting to its FreePBX key', () => {
      assert.deepEqual(SETTING_KEYS, {
        webroot: 'AMPWEBROOT',
        bin: 'AMPBIN',
        sbin: 'AMPSBIN',
        agiDir: 'ASTAGIDIR',
        varLibDir: 'ASTVARLIBDIR',
      });
      assert.deepEqual(FREEPBX_DEFAULTS, {
        webroot: '/var/www/html',
        bin: '/var/lib/asterisk/bin',
        sbin: '/usr/sbin',
        agiDir: '/var/lib/asterisk/agi-bin',
        varLibDir: '/var/lib/asterisk',
      });
    });
  });

  describe('when several layers name the same setting', () => {
    const layers = [
      layer('option', { AMPWEBROOT: '/srv/option' }),
      layer('amportal.conf', { AMPWEBROOT: '/srv/amportal', AMPBIN: '/opt/amportal/bin' }),
      layer('freepbx.conf', { AMPWEBROOT: '/srv/freepbx', AMPBIN: '/opt/freepbx/bin', AMPSBIN: '/opt/freepbx/sbin' }),
    ];
    const resolved = resolveSettings(layers);

    it('takes each from the first layer that names it', () => {
      assert.deepEqual(resolved.settings, {
        webroot: '/srv/option',
        bin: '/opt/amportal/bin',
        sbin: '/opt/freepbx/sbin',
        agiDir: '/var/lib/asterisk/agi-bin',
        varLibDir: '/var/lib/asterisk',
      });
    });

    it('says where each came from', () => {
      assert.deepEqual(resolved.sources, {
        webroot: 'option',
        bin: 'amportal.conf',
        sbin: 'freepbx.conf',
        agiDir: 'default',
        varLibDir: 'default',
      });
    });

    it('follows the order of the layers, not their source names', () => {
      const reversed = resolveSettings([...layers].reverse());
      assert.equal(reversed.settings.webroot, '/srv/freepbx');
      assert.equal(reversed.sources.webroot, 'freepbx.conf');
    });
  });

  describe('when a layer names a setting with an empty value', () => {
    it('treats it as not named and goes on to the next layer', () => {
      const resolved = resolveSettings([
        layer('option', { AMPWEBROOT: '' }),
        layer('amportal.conf', { AMPWEBROOT: '/srv/www' }),
      ]);
      assert.equal(resolved.settings.webroot, '/srv/www');
      assert.equal(resolved.sources.webroot, 'amportal.conf');
    });

    it('falls back to the default when no layer has a value', () => {
      const resolved = resolveSettings([layer('option', { AMPWEBROOT: '' })]);
      assert.equal(resolved.settings.webroot, '/var/www/html');
      assert.equal(resolved.sources.webroot, 'default');
    });
  });

  describe('when a value ends in slashes', () => {
    it('trims them', () => {
      const resolved = resolveSettings([
        layer('amportal.conf', { AMPWEBROOT: '/var/www/html/', AMPBIN: '/var/lib/asterisk/bin///' }),
      ]);
      assert.equal(resolved.settings.webroot, '/var/www/html');
      assert.equal(resolved.settings.bin, '/var/lib/asterisk/bin');
    });

    it('keeps "/" as "/"', () => {
      const resolved = resolveSettings([layer('option', { AMPWEBROOT: '/' })]);
      assert.equal(resolved.settings.webroot, '/');
      assert.equal(resolved.sources.webroot, 'option');
    });
  });

  describe('when a value is not an absolute path', () => {
    it('throws an Error naming the source and the key', () => {
      throwsNaming([layer('amportal.conf', { AMPWEBROOT: 'var/www/html' })], 'amportal.conf', 'AMPWEBROOT');
      throwsNaming([layer('option', { ASTAGIDIR: './agi-bin' })], 'option', 'ASTAGIDIR');
      throwsNaming([layer('freepbx.conf', { ASTVARLIBDIR: '~/asterisk' })], 'freepbx.conf', 'ASTVARLIBDIR');
    });

    it('quotes the value in the message', () => {
      assert.throws(() => resolveSettings([layer('amportal.conf', { AMPSBIN: 'sbin' })]), {
        message: 'amportal.conf: AMPSBIN="sbin" is not an absolute path',
      });
    });

    it('names the layer that won, even when a later layer is fine', () => {
      throwsNaming(
        [layer('option', { AMPBIN: 'bin' }), layer('amportal.conf', { AMPBIN: '/usr/bin' })],
        'option',
        'AMPBIN',
      );
    });

    it('throws for a value holding a NUL byte', () => {
      assert.throws(() => resolveSettings([layer('amportal.conf', { AMPWEBROOT: '/var/www\0/html' })]), {
        message: 'amportal.conf: AMPWEBROOT holds a NUL byte: not a path',
      });
    });
  });
});

describe('parseAmportalConf', () => {
  describe('when the file is a typical /etc/amportal.conf', () => {
    const text = lines(
      '# This file is part of FreePBX.',
      '; FreePBX settings',
      '',
      'AMPDBUSER=freepbxuser',
      'AMPWEBROOT=/var/www/html',
      '   ',
      'AMPBIN = /var/lib/asterisk/bin',
      'AMPSBIN\t=\t/usr/sbin',
      '',
    );

    it('reads each KEY=VALUE line', () => {
      assert.deepEqual(parseAmportalConf(text), {
        AMPDBUSER: 'freepbxuser',
        AMPWEBROOT: '/var/www/html',
        AMPBIN: '/var/lib/asterisk/bin',
        AMPSBIN: '/usr/sbin',
      });
    });
  });

  describe('when lines are comments', () => {
    it('skips lines starting with # or ;, even after spaces', () => {
      const text = lines(
        '#AMPWEBROOT=/hash',
        ';AMPBIN=/semicolon',
        '   # AMPSBIN=/indented',
        '\t;ASTAGIDIR=/tab',
        'ASTVARLIBDIR=/kept',
      );
      assert.deepEqual(parseAmportalConf(text), { ASTVARLIBDIR: '/kept' });
    });
  });

  describe('when values are quoted', () => {
    it('removes matching double or single quotes', () => {
      assert.deepEqual(parseAmportalConf(lines('AMPWEBROOT="/srv/www"', "AMPBIN='/opt/bin'")), {
        AMPWEBROOT: '/srv/www',
        AMPBIN: '/opt/bin',
      });
    });

    it('keeps unmatched quotes and a lone quote', () => {
      assert.deepEqual(parseAmportalConf(lines('A="/srv/www', 'B=\'/opt/bin"', 'C="')), {
        A: '"/srv/www',
        B: '\'/opt/bin"',
        C: '"',
      });
    });

    it('removes the quotes after trimming the spaces around the value', () => {
      assert.deepEqual(parseAmportalConf('AMPWEBROOT =  "/srv/www"  '), { AMPWEBROOT: '/srv/www' });
    });
  });

  describe('when lines are not KEY=VALUE', () => {
    it('skips lines without "=" and lines whose key is not a word', () => {
      const text = lines('AMPWEBROOT', 'just some text', 'BAD-KEY=/x', '=/nokey', 'AMPBIN=/ok');
      assert.deepEqual(parseAmportalConf(text), { AMPBIN: '/ok' });
    });

    it('keeps an empty value', () => {
      assert.deepEqual(parseAmportalConf('AMPWEBROOT='), { AMPWEBROOT: '' });
    });

    it('keeps everything after the first "=" in the value', () => {
      assert.deepEqual(parseAmportalConf('AMPDBPASS=a=b=c'), { AMPDBPASS: 'a=b=c' });
    });
  });

  describe('when the file has Windows line endings', () => {
    it('reads the values without the carriage returns', () => {
      assert.deepEqual(parseAmportalConf('AMPWEBROOT=/srv/www\r\nAMPBIN=/opt/bin\r\n'), {
        AMPWEBROOT: '/srv/www',
        AMPBIN: '/opt/bin',
      });
    });
  });

  describe('when a key appears twice', () => {
    it('keeps the last value', () => {
      assert.deepEqual(parseAmportalConf(lines('AMPWEBROOT=/first', 'AMPWEBROOT=/second')), { AMPWEBROOT: '/second' });
    });
  });

  describe('when the text is empty', () => {
    it('gives no values', () => {
      assert.deepEqual(parseAmportalConf(''), {});
    });
  });
});

describe('parseFreepbxConf', () => {
  describe('when the file is the freepbx.conf the FreePBX installer writes', () => {
    const text = lines(
      '<?php',
      "$amp_conf['AMPDBUSER'] = 'freepbxuser';",
      "$amp_conf['AMPDBPASS'] = 's3cr3t';",
      "$amp_conf['AMPDBHOST'] = 'localhost';",
      "$amp_conf['AMPDBPORT'] = '3306';",
      "$amp_conf['AMPDBNAME'] = 'asterisk';",
      "$amp_conf['AMPDBENGINE'] = 'mysql';",
      "$amp_conf['datasource'] = ''; //for sqlite3",
      '',
      "require_once('/var/www/html/admin/bootstrap.php');",
      '?>',
      '',
    );
    const values = parseFreepbxConf(text);

    it('takes AMPWEBROOT from the bootstrap path', () => {
      assert.equal(values['AMPWEBROOT'], '/var/www/html');
    });

    it('reads every $amp_conf assignment', () => {
      assert.deepEqual(values, {
        AMPDBUSER: 'freepbxuser',
        AMPDBPASS: 's3cr3t',
        AMPDBHOST: 'localhost',
        AMPDBPORT: '3306',
        AMPDBNAME: 'asterisk',
        AMPDBENGINE: 'mysql',
        datasource: '',
        AMPWEBROOT: '/var/www/html',
      });
    });

    it('resolves, through resolveSettings, to the web root with source freepbx.conf', () => {
      const resolved = resolveSettings([{ source: 'freepbx.conf', values }]);
      assert.equal(resolved.settings.webroot, '/var/www/html');
      assert.equal(resolved.sources.webroot, 'freepbx.conf');
      assert.equal(resolved.sources.bin, 'default');
    });
  });

  describe('when the web root is not the default', () => {
    it('takes it from the bootstrap path', () => {
      const text = lines(
        '<?php',
        "$amp_conf['AMPDBUSER'] = 'freepbxuser';",
        "require_once('/srv/pbx/www/admin/bootstrap.php');",
        '?>',
      );
      assert.equal(parseFreepbxConf(text)['AMPWEBROOT'], '/srv/pbx/www');
    });
  });

  describe('when the file is hostile (the web server user can write it)', () => {
    it('reads long runs of spaces in one pass: no pattern backtracks over them', { timeout: 20_000 }, () => {
      const spaces = ' '.repeat(512 * 1024);
      assert.deepEqual(parseFreepbxConf(`<?php require${spaces}`), {});
      assert.deepEqual(parseFreepbxConf(`<?php require_once(${spaces}`), {});
      assert.deepEqual(parseFreepbxConf(`<?php $amp_conf${spaces}[${spaces}'A'${spaces}]${spaces}=${spaces}`), {});
      assert.equal(
        parseFreepbxConf(`<?php require_once ${spaces}( ${spaces}'/srv/www/admin/bootstrap.php');`)['AMPWEBROOT'],
        '/srv/www',
      );
    });
  });

  describe('when the file sets AMPWEBROOT explicitly', () => {
    it('keeps the explicit value over the bootstrap path', () => {
      const text = lines(
        '<?php',
        "$amp_conf['AMPWEBROOT'] = '/srv/explicit';",
        "require_once('/var/www/html/admin/bootstrap.php');",
        '?>',
      );
      assert.equal(parseFreepbxConf(text)['AMPWEBROOT'], '/srv/explicit');
    });

    it('keeps it also when the assignment comes after the require', () => {
      const text = lines(
        '<?php',
        "require_once('/var/www/html/admin/bootstrap.php');",
        "$amp_conf['AMPWEBROOT'] = '/srv/after';",
      );
      assert.equal(parseFreepbxConf(text)['AMPWEBROOT'], '/srv/after');
    });
  });

  describe('when the file uses double quotes', () => {
    it('reads the assignments and the bootstrap path', () => {
      const text = lines(
        '<?php',
        '$amp_conf["AMPDBUSER"] = "freepbxuser";',
        '$amp_conf["AMPBIN"] = "/opt/asterisk/bin";',
        'require_once("/srv/www/admin/bootstrap.php");',
        '?>',
      );
      assert.deepEqual(parseFreepbxConf(text), {
        AMPDBUSER: 'freepbxuser',
        AMPBIN: '/opt/asterisk/bin',
        AMPWEBROOT: '/srv/www',
      });
    });
  });

  describe('when the spacing or the require form differs', () => {
    it('reads assignments without spaces around "="', () => {
      assert.deepEqual(parseFreepbxConf("<?php\n$amp_conf['AMPSBIN']='/opt/sbin';\n"), { AMPSBIN: '/opt/sbin' });
    });

    it('reads require without parentheses and plain require', () => {
      assert.equal(parseFreepbxConf("<?php\nrequire_once '/srv/a/admin/bootstrap.php';\n")['AMPWEBROOT'], '/srv/a');
      assert.equal(parseFreepbxConf("<?php\nrequire('/srv/b/admin/bootstrap.php');\n")['AMPWEBROOT'], '/srv/b');
    });
  });

  describe('when the file has neither assignments nor a bootstrap require', () => {
    it('gives no values', () => {
      assert.deepEqual(parseFreepbxConf('<?php\n// nothing here\n?>\n'), {});
    });
  });

  describe('when a require names another file', () => {
    it('does not take a web root from it', () => {
      assert.deepEqual(parseFreepbxConf("<?php\nrequire_once('/var/www/html/admin/functions.inc.php');\n"), {});
    });
  });
});
