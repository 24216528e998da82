import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { destinationOf, moduleDirectory } from '../../../src/install/layout.js';
import type { Destination } from '../../../src/install/layout.js';
import { FREEPBX_DEFAULTS } from '../../../src/install/settings.js';
import type { InstallSettings } from '../../../src/install/settings.js';

// Settings that differ from each other and from FreePBX's defaults, so a wrong base shows.
const CUSTOM: InstallSettings = {
  webroot: '/srv/www',
  bin: '/opt/ast/bin',
  sbin: '/opt/sbin',
  agiDir: '/opt/ast/agi',
  varLibDir: '/data/asterisk',
};

const ROOT_WEBROOT: InstallSettings = { ...FREEPBX_DEFAULTS, webroot: '/' };

function file(path: string): Destination {
  return { kind: 'file', path };
}

// The reason of a skip, failing the test when `destination` is not one.
function skipReason(destination: Destination): string {
  assert.equal(destination.kind, 'skip');
  return destination.kind === 'skip' ? destination.reason : '';
}

describe('moduleDirectory', () => {
  it('is <webroot>/admin/modules/<name>', () => {
    assert.equal(moduleDirectory('core', FREEPBX_DEFAULTS), '/var/www/html/admin/modules/core');
    assert.equal(moduleDirectory('framework', CUSTOM), '/srv/www/admin/modules/framework');
  });

  describe('when the web root is "/"', () => {
    it('gives no double slash', () => {
      assert.equal(moduleDirectory('core', ROOT_WEBROOT), '/admin/modules/core');
    });
  });
});

describe('destinationOf', () => {
  describe('when the module is not framework', () => {
    it('puts every path in the module directory', () => {
      assert.deepEqual(
        destinationOf('core', 'Core.class.php', FREEPBX_DEFAULTS),
        file('/var/www/html/admin/modules/core/Core.class.php'),
      );
      assert.deepEqual(
        destinationOf('core', 'views/main.php', CUSTOM),
        file('/srv/www/admin/modules/core/views/main.php'),
      );
    });

    it('does not map a path starting amp_conf/htdocs/', () => {
      assert.deepEqual(
        destinationOf('core', 'amp_conf/htdocs/admin/config.php', CUSTOM),
        file('/srv/www/admin/modules/core/amp_conf/htdocs/admin/config.php'),
      );
    });

    it('maps none of the framework prefixes', () => {
      for (const path of ['amp_conf/bin/x', 'amp_conf/sbin/x', 'amp_conf/agi-bin/x', 'amp_conf/sounds/x']) {
        assert.deepEqual(
          destinationOf('sipsettings', path, CUSTOM),
          file(`/srv/www/admin/modules/sipsettings/${path}`),
        );
      }
    });

    it('skips none of the paths framework skips', () => {
      for (const path of [
        'amp_conf/astetc/extensions.conf',
        'amp_conf/moh/default.wav',
        'upgrades/17.0.1/migrate.php',
      ]) {
        assert.deepEqual(
          destinationOf('core', path, FREEPBX_DEFAULTS),
          file(`/var/www/html/admin/modules/core/${path}`),
        );
      }
    });

    it('puts paths under /admin/modules/<name> when the web root is "/"', () => {
      assert.deepEqual(
        destinationOf('core', 'Core.class.php', ROOT_WEBROOT),
        file('/admin/modules/core/Core.class.php'),
      );
    });
  });

  describe('when the module is framework', () => {
    it('maps amp_conf/htdocs/ to the web root', () => {
      assert.deepEqual(
        destinationOf('framework', 'amp_conf/htdocs/admin/config.php', CUSTOM),
        file('/srv/www/admin/config.php'),
      );
      assert.deepEqual(
        destinationOf('framework', 'amp_conf/htdocs/admin/config.php', FREEPBX_DEFAULTS),
        file('/var/www/html/admin/config.php'),
      );
    });

    it('maps amp_conf/bin/ to AMPBIN', () => {
      assert.deepEqual(
        destinationOf('framework', 'amp_conf/bin/retrieve_conf', CUSTOM),
        file('/opt/ast/bin/retrieve_conf'),
      );
    });

    it('maps amp_conf/sbin/ to AMPSBIN', () => {
      assert.deepEqual(destinationOf('framework', 'amp_conf/sbin/fwconsole', CUSTOM), file('/opt/sbin/fwconsole'));
    });

    it('maps amp_conf/agi-bin/ to ASTAGIDIR', () => {
      assert.deepEqual(
        destinationOf('framework', 'amp_conf/agi-bin/dialparties.agi', CUSTOM),
        file('/opt/ast/agi/dialparties.agi'),
      );
    });

    it('maps amp_conf/sounds/ to <ASTVARLIBDIR>/sounds/', () => {
      assert.deepEqual(
        destinationOf('framework', 'amp_conf/sounds/en/beep.gsm', CUSTOM),
        file('/data/asterisk/sounds/en/beep.gsm'),
      );
      assert.deepEqual(
        destinationOf('framework', 'amp_conf/sounds/en/beep.gsm', FREEPBX_DEFAULTS),
        file('/var/lib/asterisk/sounds/en/beep.gsm'),
      );
    });

    it('skips amp_conf/astetc/ with a reason naming it', () => {
      assert.match(
        skipReason(destinationOf('framework', 'amp_conf/astetc/extensions.conf', CUSTOM)),
        /amp_conf\/astetc\//,
      );
    });

    it('skips amp_conf/moh/ with a reason naming it', () => {
      assert.match(skipReason(destinationOf('framework', 'amp_conf/moh/default.wav', CUSTOM)), /amp_conf\/moh\//);
    });

    it('skips upgrades/ with a reason naming it', () => {
      assert.match(skipReason(destinationOf('framework', 'upgrades/17.0.1/migrate.php', CUSTOM)), /upgrades\//);
    });

    it('keeps its other paths in admin/modules/framework/', () => {
      for (const path of [
        'module.xml',
        'install.php',
        'amp_conf/other/x.php',
        'amp_conf/htdocsX/y',
        'utests/FooTest.php',
      ]) {
        assert.deepEqual(destinationOf('framework', path, CUSTOM), file(`/srv/www/admin/modules/framework/${path}`));
      }
    });

    it('matches prefixes only at the start of the path', () => {
      assert.deepEqual(
        destinationOf('framework', 'docs/amp_conf/htdocs/index.php', CUSTOM),
        file('/srv/www/admin/modules/framework/docs/amp_conf/htdocs/index.php'),
      );
      assert.deepEqual(
        destinationOf('framework', 'old/upgrades/x.php', CUSTOM),
        file('/srv/www/admin/modules/framework/old/upgrades/x.php'),
      );
    });

    it('needs the trailing slash of a prefix (amp_conf/bin alone is a framework file)', () => {
      assert.deepEqual(
        destinationOf('framework', 'amp_conf/bin', CUSTOM),
        file('/srv/www/admin/modules/framework/amp_conf/bin'),
      );
    });
  });

  describe('when the web root or another setting is "/"', () => {
    it('gives no double slash for amp_conf/htdocs/', () => {
      assert.deepEqual(
        destinationOf('framework', 'amp_conf/htdocs/admin/config.php', ROOT_WEBROOT),
        file('/admin/config.php'),
      );
    });

    it('gives no double slash for framework files left in its module directory', () => {
      assert.deepEqual(
        destinationOf('framework', 'module.xml', ROOT_WEBROOT),
        file('/admin/modules/framework/module.xml'),
      );
    });

    it('gives no double slash for bin, sbin, agi-bin and sounds', () => {
      const all: InstallSettings = { webroot: '/', bin: '/', sbin: '/', agiDir: '/', varLibDir: '/' };
      assert.deepEqual(destinationOf('framework', 'amp_conf/bin/a', all), file('/a'));
      assert.deepEqual(destinationOf('framework', 'amp_conf/sbin/b', all), file('/b'));
      assert.deepEqual(destinationOf('framework', 'amp_conf/agi-bin/c', all), file('/c'));
      assert.deepEqual(destinationOf('framework', 'amp_conf/sounds/d', all), file('/sounds/d'));
    });
  });
});
