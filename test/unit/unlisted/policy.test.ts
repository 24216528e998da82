import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_RULES, classifyUnlisted, needsMode } from '../../../src/unlisted/policy.js';
import type { UnlistedKind } from '../../../src/unlisted/policy.js';

function kindOf(
  path: string,
  options: { module?: string; executable?: boolean | undefined } = {},
): UnlistedKind['kind'] {
  return classifyUnlisted(options.module ?? 'core', path, options.executable ?? false).kind;
}

// The reason of a 'code' classification, failing the test when it is not code.
function codeReason(module: string, path: string, executable: boolean | undefined): string {
  const kind = classifyUnlisted(module, path, executable);
  assert.equal(kind.kind, 'code', `${path} should be code`);
  return kind.kind === 'code' ? kind.reason : '';
}

const FRAMEWORK_RULE = 'framework ships its unit tests (utests/*Test.php) unlisted';

describe('classifyUnlisted', () => {
  describe('when the name is a script the web server or a shell would run', () => {
    it('classifies every code extension as code', () => {
      for (const name of [
        'shell.php',
        'x.php7',
        'x.php5',
        'x.phtml',
        'x.phar',
        'x.inc',
        'x.sh',
        'x.pl',
        'x.py',
        'x.cgi',
        'x.pht',
        'x.phps',
      ]) {
        assert.equal(kindOf(name), 'code', name);
        assert.equal(kindOf(`views/deep/${name}`), 'code', `views/deep/${name}`);
      }
    });

    it('ignores the case of the extension', () => {
      for (const name of ['SHELL.PHP', 'x.Php7', 'x.PHTML', 'x.PhAr', 'x.INC', 'x.SH', 'x.Pl', 'x.PY', 'x.CGI']) {
        assert.equal(kindOf(name), 'code', name);
      }
    });

    it('gives the reason "unlisted script"', () => {
      assert.equal(codeReason('core', 'assets/shell.php', false), 'unlisted script');
    });

    it('does not take an extension that only starts like a code one', () => {
      for (const name of ['x.php.bak', 'x.phpx', 'x.shtml', 'x.python', 'x.include', 'php', 'x.css', 'x.js']) {
        assert.equal(kindOf(name), 'other', name);
      }
    });

    it('classifies code even when it is not executable or the mode is unknown', () => {
      assert.equal(kindOf('shell.php', { executable: undefined }), 'code');
      assert.equal(kindOf('run.sh', { executable: true }), 'code');
    });
  });

  describe('when the file is an .htaccess', () => {
    it('classifies it as code at top level', () => {
      assert.equal(codeReason('core', '.htaccess', false), 'unlisted .htaccess (changes what the web server runs)');
    });

    it('classifies it as code nested', () => {
      assert.equal(kindOf('assets/uploads/.htaccess'), 'code');
    });

    it('does not take a name that only ends in htaccess', () => {
      assert.equal(kindOf('my.htaccess'), 'other');
      assert.equal(kindOf('docs/example.htaccess'), 'other');
      assert.equal(kindOf('.htaccess.txt'), 'other');
    });
  });

  describe('when the file is executable', () => {
    it('classifies a file without a code extension as code', () => {
      assert.equal(codeReason('core', 'bin/helper', true), 'unlisted executable');
      assert.equal(kindOf('README.md', { executable: true }), 'code');
    });

    it('classifies the same file as other when it is not executable or the mode is unknown', () => {
      assert.equal(kindOf('bin/helper', { executable: false }), 'other');
      assert.equal(kindOf('bin/helper', { executable: undefined }), 'other');
    });
  });

  describe('when the file is inside node_modules/', () => {
    it('classifies .js, .sh, .py and executables as runtime', () => {
      assert.equal(kindOf('node_modules/pm2/index.js'), 'runtime');
      assert.equal(kindOf('node_modules/pm2/bin/pm2.sh'), 'runtime');
      assert.equal(kindOf('node_modules/node-gyp/gyp/gyp_main.py'), 'runtime');
      assert.equal(kindOf('node_modules/.bin/pm2', { executable: true }), 'runtime');
      assert.equal(kindOf('node/node_modules/x/README.md'), 'runtime');
    });

    it('classifies PHP inside node_modules/ as code', () => {
      assert.equal(codeReason('ucp', 'node_modules/evil/shell.php', false), 'PHP or .htaccess inside node_modules/');
      assert.equal(kindOf('node/node_modules/x/y.PHTML'), 'code');
      assert.equal(kindOf('node_modules/x/y.phar'), 'code');
      assert.equal(kindOf('node_modules/x/y.inc'), 'code');
    });

    it('classifies .htaccess inside node_modules/ as code', () => {
      assert.equal(codeReason('api', 'node_modules/.htaccess', false), 'PHP or .htaccess inside node_modules/');
      assert.equal(kindOf('node_modules/pkg/.htaccess'), 'code');
    });

    it('needs the whole directory name node_modules', () => {
      assert.equal(kindOf('my_node_modules/x.js'), 'other');
      assert.equal(kindOf('lib/xnode_modules/run.sh'), 'code');
    });
  });

  describe('when the file is in a LESS cache (assets/less/cache/)', () => {
    it('classifies a .css as runtime, at the top or nested', () => {
      assert.equal(kindOf('assets/less/cache/lessphp_1234.css'), 'runtime');
      assert.equal(kindOf('ucp/assets/less/cache/x.css'), 'runtime');
    });

    it('classifies a .php there as code', () => {
      assert.equal(kindOf('assets/less/cache/shell.php'), 'code');
    });

    it('classifies an executable there as code', () => {
      assert.equal(kindOf('assets/less/cache/x.css', { executable: true }), 'code');
    });

    it('needs the whole path assets/less/cache/', () => {
      assert.equal(kindOf('assets/less/x.css'), 'other');
      assert.equal(kindOf('myassets/less/cache/x.css'), 'other');
    });
  });

  describe("when the file is one of framework's unit tests (utests/*Test.php)", () => {
    it('allows utests/FooTest.php in framework, naming the rule', () => {
      assert.deepEqual(classifyUnlisted('framework', 'utests/FooTest.php', false), {
        kind: 'allowed',
        rule: FRAMEWORK_RULE,
      });
      assert.deepEqual(
        ALLOW_RULES.map((r) => r.module),
        ['framework'],
      );
    });

    it('does not allow it in a subdirectory of utests/', () => {
      assert.equal(kindOf('utests/sub/FooTest.php', { module: 'framework' }), 'code');
    });

    it('does not allow a utests/ file of another name', () => {
      assert.equal(kindOf('utests/helper.php', { module: 'framework' }), 'code');
      assert.equal(kindOf('utests/Test.php', { module: 'framework' }), 'code');
      assert.equal(kindOf('utests/FooTest.php7', { module: 'framework' }), 'code');
      assert.equal(kindOf('utests/FooTest.php.bak', { module: 'framework' }), 'other');
    });

    it('does not allow Test.php files outside utests/', () => {
      assert.equal(kindOf('FooTest.php', { module: 'framework' }), 'code');
      assert.equal(kindOf('lib/utests/FooTest.php', { module: 'framework' }), 'code');
    });

    it('does not allow utests/FooTest.php in another module', () => {
      assert.equal(codeReason('core', 'utests/FooTest.php', false), 'unlisted script');
      assert.equal(kindOf('utests/FooTest.php', { module: 'frameworkx' }), 'code');
    });
  });

  describe('when the file is anything else', () => {
    it('classifies translations, docs and dotfiles as other', () => {
      for (const path of [
        'i18n/de_DE/LC_MESSAGES/core.po',
        'i18n/de_DE/LC_MESSAGES/core.mo',
        'README.md',
        '.gitattributes',
        'assets/js/compiled/app.js',
        'LICENSE',
      ]) {
        assert.deepEqual(classifyUnlisted('core', path, false), { kind: 'other' }, path);
      }
    });
  });
});

describe('needsMode', () => {
  describe('when the name alone does not decide', () => {
    it('needs the mode for files that would otherwise be other', () => {
      assert.equal(needsMode('core', 'README.md'), true);
      assert.equal(needsMode('core', 'bin/helper'), true);
      assert.equal(needsMode('core', 'i18n/de_DE/LC_MESSAGES/core.mo'), true);
    });

    it('needs the mode in a LESS cache (an executable there is code)', () => {
      assert.equal(needsMode('core', 'assets/less/cache/x.css'), true);
    });
  });

  describe('when the name decides', () => {
    it('does not need the mode for code names', () => {
      assert.equal(needsMode('core', 'shell.php'), false);
      assert.equal(needsMode('core', 'x.SH'), false);
      assert.equal(needsMode('core', '.htaccess'), false);
      assert.equal(needsMode('core', 'sub/.htaccess'), false);
    });

    it('does not need the mode for an allowed file', () => {
      assert.equal(needsMode('framework', 'utests/FooTest.php'), false);
    });

    it('does not need the mode inside node_modules/', () => {
      assert.equal(needsMode('ucp', 'node_modules/.bin/pm2'), false);
      assert.equal(needsMode('ucp', 'node/node_modules/x/index.js'), false);
      assert.equal(needsMode('ucp', 'node_modules/x/shell.php'), false);
    });
  });

  describe('when its answer is used as the walker uses it', () => {
    // The walker reads the mode only when needsMode says so, and passes undefined otherwise.
    function classifyAsWalker(module: string, path: string, executable: boolean): UnlistedKind['kind'] {
      return classifyUnlisted(module, path, needsMode(module, path) ? executable : undefined).kind;
    }

    it('finds an executable outside node_modules/', () => {
      assert.equal(classifyAsWalker('core', 'bin/helper', true), 'code');
      assert.equal(classifyAsWalker('core', 'assets/less/cache/x.css', true), 'code');
    });

    it('gives the same kind as a classification that knows the mode, for these paths', () => {
      for (const path of [
        'README.md',
        'bin/helper',
        'shell.php',
        '.htaccess',
        'node_modules/.bin/pm2',
        'assets/less/cache/x.css',
        'utests/FooTest.php',
      ]) {
        for (const executable of [true, false]) {
          assert.equal(
            classifyAsWalker('framework', path, executable),
            kindOf(path, { module: 'framework', executable }),
            `${path} ${executable}`,
          );
        }
      }
    });
  });
});

describe('needsMode and classifyUnlisted agree on node_modules', () => {
  it('reads the mode of a file in a directory whose name only ends in node_modules', () => {
    assert.equal(needsMode('core', 'xnode_modules/helper'), true);
    assert.equal(needsMode('core', 'lib/my_node_modules/helper'), true);
    assert.deepEqual(classifyUnlisted('core', 'xnode_modules/helper', true), {
      kind: 'code',
      reason: 'unlisted executable',
    });
  });
});
