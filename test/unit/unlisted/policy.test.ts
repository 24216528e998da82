import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  REASON,
  codeByContent,
  codeByName,
  needsHead,
  runtimeArea,
  webCodeByName,
} from '../../../src/unlisted/policy.js';

describe('webCodeByName', () => {
  describe('when the name has an extension a PHP handler runs', () => {
    it('calls every PHP extension code, at the top and nested', () => {
      for (const name of [
        'shell.php',
        'x.php3',
        'x.php4',
        'x.php5',
        'x.php7',
        'x.php8',
        'x.phtml',
        'x.pht',
        'x.phps',
        'x.phar',
        'x.inc',
      ]) {
        assert.equal(webCodeByName(name), REASON.php, name);
        assert.equal(webCodeByName(`views/deep/${name}`), REASON.php, `views/deep/${name}`);
      }
    });

    it('ignores the case of the extension', () => {
      for (const name of ['SHELL.PHP', 'x.Php7', 'x.PHTML', 'x.PhAr', 'x.INC', 'x.pHt']) {
        assert.equal(webCodeByName(name), REASON.php, name);
      }
    });

    it('calls a PHP extension followed by others code (Apache AddHandler runs shell.php.jpg)', () => {
      for (const name of ['shell.php.jpg', 'x.php.bak', 'a.b.PHP5.png', 'x.phtml.txt', 'x.phar.gz']) {
        assert.equal(webCodeByName(name), REASON.phpInner, name);
      }
    });

    it('does not take names that only look like PHP', () => {
      for (const name of ['x.phpx', 'x.shtml', 'php', 'php.js', 'x.inc.js', 'x.css', 'phpinfo', 'x-php.txt']) {
        assert.equal(webCodeByName(name), undefined, name);
      }
    });

    it('calls a file named only by a PHP extension code (".php")', () => {
      assert.equal(webCodeByName('.php'), REASON.php);
    });

    it('reads only the last path component', () => {
      assert.equal(webCodeByName('x.php/readme.txt'), undefined);
      assert.equal(webCodeByName('lib.php.d/notes.md'), undefined);
    });
  });

  describe('when the file configures the web server or PHP', () => {
    it('calls .htaccess code, at the top and nested', () => {
      assert.equal(webCodeByName('.htaccess'), REASON.htaccess);
      assert.equal(webCodeByName('assets/uploads/.htaccess'), REASON.htaccess);
    });

    it('calls .user.ini code: PHP-FPM runs its auto_prepend_file', () => {
      assert.equal(webCodeByName('.user.ini'), REASON.userIni);
      assert.equal(webCodeByName('views/.user.ini'), REASON.userIni);
    });

    it('does not take names that only end like them', () => {
      for (const name of ['my.htaccess', '.htaccess.txt', 'user.ini', 'x.user.ini', '.user.ini.bak']) {
        assert.equal(webCodeByName(name), undefined, name);
      }
    });
  });
});

describe('codeByName', () => {
  it('adds scripts by their extension to web code', () => {
    for (const name of ['x.sh', 'x.bash', 'x.pl', 'x.py', 'x.rb', 'x.cgi', 'x.fcgi', 'x.agi', 'X.SH']) {
      assert.equal(codeByName(`bin/${name}`), REASON.script, name);
    }
    assert.equal(codeByName('shell.php'), REASON.php);
  });

  it('takes only web code under node_modules/, where scripts are run-time files and .inc is C', () => {
    assert.equal(codeByName('node_modules/x/shell.php'), REASON.php);
    assert.equal(codeByName('node/node_modules/x/.htaccess'), REASON.htaccess);
    assert.equal(codeByName('node_modules/x/.user.ini'), REASON.userIni);
    assert.equal(codeByName('node_modules/x/a.php.js'), REASON.phpInner);
    for (const path of ['node_modules/x/build.sh', 'node_modules/x/gyp.py', 'node_modules/x/src/tables.inc']) {
      assert.equal(codeByName(path), undefined, path);
    }
    assert.equal(codeByName('lib/tables.inc'), REASON.php);
  });

  it('does not take assets, translations or data', () => {
    for (const name of ['x.js', 'x.css', 'x.json', 'x.po', 'x.mo', 'README.md', 'x.python', 'x.shx', 'x.log']) {
      assert.equal(codeByName(name), undefined, name);
    }
  });
});

describe('codeByContent', () => {
  it('finds a #! first line', () => {
    assert.equal(codeByContent(Buffer.from('#!/bin/sh\n')), REASON.shebang);
    assert.equal(codeByContent(Buffer.from('#!')), REASON.shebang);
  });

  it('finds an ELF binary by its magic bytes', () => {
    assert.equal(codeByContent(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])), REASON.elf);
  });

  it('does not take other content', () => {
    for (const head of ['<?php', '# comment', '', '#', '\x7fEL', ' #!/bin/sh']) {
      assert.equal(codeByContent(Buffer.from(head, 'latin1')), undefined, JSON.stringify(head));
    }
  });
});

describe('needsHead', () => {
  it('reads a file with an execute bit, whatever its name', () => {
    assert.equal(needsHead('debug.log', true), true);
    assert.equal(needsHead('i18n/de/core.po', true), true);
  });

  it('reads a file with no extension, dotfiles included', () => {
    for (const path of ['bin/backdoor', 'LICENSE', '.gitignore', 'lib.d/run'])
      assert.equal(needsHead(path, false), true, path);
  });

  it('does not read a file that has an extension and no execute bit', () => {
    for (const path of ['README.md', 'i18n/de/core.po', 'x.d/y.css', '.travis.yml'])
      assert.equal(needsHead(path, false), false, path);
  });
});

describe('runtimeArea', () => {
  it('finds node_modules/ at the top or nested, by the whole directory name', () => {
    assert.equal(runtimeArea('node_modules/pm2/index.js'), 'node_modules');
    assert.equal(runtimeArea('node/node_modules/.bin/pm2'), 'node_modules');
    assert.equal(runtimeArea('my_node_modules/x.js'), undefined);
    assert.equal(runtimeArea('lib/xnode_modules/x.sh'), undefined);
  });

  it('finds a LESS cache (assets/less/cache/) at the top or nested', () => {
    assert.equal(runtimeArea('assets/less/cache/lessphp_1.css'), 'less-cache');
    assert.equal(runtimeArea('ucp/assets/less/cache/x.css'), 'less-cache');
    assert.equal(runtimeArea('assets/less/x.css'), undefined);
    assert.equal(runtimeArea('myassets/less/cache/x.css'), undefined);
  });
});
