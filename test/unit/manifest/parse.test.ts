import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError } from '../../../src/errors.js';
import type { ManifestErrorCode } from '../../../src/errors.js';
import { parseManifest } from '../../../src/manifest/parse.js';
import type { ParseOptions } from '../../../src/manifest/parse.js';
import { MAX_NAME_LENGTH, MAX_PATH_LENGTH, unsafePathReason } from '../../../src/manifest/path.js';
import type { ManifestIssueCode } from '../../../src/manifest/types.js';

const D1 = 'a'.repeat(64);
const D2 = '0123456789abcdef'.repeat(4);
const D3 = 'f'.repeat(64);

function lines(...text: string[]): string {
  return text.join('\n');
}

// The single issue a one-entry [hashes] section produces.
function onlyIssue(entryLine: string): { code: ManifestIssueCode; line: number; path: string | undefined } {
  const manifest = parseManifest(lines('[hashes]', entryLine));
  assert.deepEqual(manifest.entries, []);
  assert.equal(manifest.issues.length, 1);
  const issue = manifest.issues[0];
  assert.ok(issue);
  return { code: issue.code, line: issue.line, path: issue.path };
}

function throwsManifestError(text: string, code: ManifestErrorCode, line: number, options?: ParseOptions): void {
  assert.throws(
    () => parseManifest(text, options),
    (e: unknown) => e instanceof ManifestError && e.code === code && e.line === line,
  );
}

describe('parseManifest', () => {
  describe('when the manifest is a typical sign.php manifest', () => {
    const text = lines(
      ';################################################',
      ';#        FreePBX Module Signature File         #',
      ';################################################',
      '',
      '[config]',
      'version=2',
      'hash=sha256',
      'signedwith=B53D215A755231A3',
      'signedby=sign.php',
      'repo=manual',
      'type=public',
      '[hashes]',
      `Core.class.php = ${D1}`,
      `views/main.php = ${D2}`,
      ';# End',
    );
    const manifest = parseManifest(text);

    it('lists every [hashes] entry with its path, digest and line', () => {
      assert.deepEqual(manifest.entries, [
        { path: 'Core.class.php', digest: D1, line: 13 },
        { path: 'views/main.php', digest: D2, line: 14 },
      ]);
    });

    it('reads the [config] fields', () => {
      assert.equal(manifest.config.version, '2');
      assert.equal(manifest.config.type, 'public');
      assert.equal(manifest.config.signedWith, 'B53D215A755231A3');
      assert.equal(manifest.config.signedBy, 'sign.php');
      assert.equal(manifest.config.repo, 'manual');
      assert.equal(manifest.config.timestamp, undefined);
      assert.equal(manifest.config.expiresAfter, undefined);
    });

    it('keeps every [config] key as written in raw, including ones it does not interpret', () => {
      assert.deepEqual(manifest.config.raw, {
        version: '2',
        hash: 'sha256',
        signedwith: 'B53D215A755231A3',
        signedby: 'sign.php',
        repo: 'manual',
        type: 'public',
      });
    });

    it('reports no issues and no PHP array paths', () => {
      assert.deepEqual(manifest.issues, []);
      assert.deepEqual(manifest.phpArrayPaths, []);
    });
  });

  describe('when given firstLine', () => {
    it('offsets entry lines by it', () => {
      const manifest = parseManifest(lines('[hashes]', `a.php = ${D1}`), { firstLine: 4 });
      assert.equal(manifest.entries[0]?.line, 5);
    });

    it('offsets issue lines by it', () => {
      const manifest = parseManifest(lines('[hashes]', '', 'no equals sign'), { firstLine: 10 });
      assert.equal(manifest.issues[0]?.line, 12);
    });

    it('offsets the line of a thrown error by it', () => {
      throwsManifestError(lines('[config]', 'yes = 1'), 'MANIFEST_SYNTAX', 21, { firstLine: 20 });
    });
  });

  describe('when a mirror (version 1) manifest quotes its values', () => {
    const manifest = parseManifest(
      lines(
        '[config]',
        'version = 1',
        "signedby = 'FreePBX Mirror Servers <security@freepbx.org>'",
        'timestamp = "1718035200.123"',
        '[hashes]',
      ),
    );

    it('removes the surrounding quotes', () => {
      assert.equal(manifest.config.signedBy, 'FreePBX Mirror Servers <security@freepbx.org>');
      assert.equal(manifest.config.timestamp, '1718035200.123');
    });

    it('trims keys and values around "="', () => {
      assert.equal(manifest.config.version, '1');
    });
  });

  describe('when [config] has expiresafter', () => {
    const expiry = (value: string): number | undefined =>
      parseManifest(lines('[config]', `expiresafter = ${value}`, '[hashes]')).config.expiresAfter;

    it('reads a Unix time as a number', () => {
      assert.equal(expiry('1893456000'), 1893456000);
    });

    it('treats "" as no expiry, as PHP empty() does', () => {
      assert.equal(parseManifest(lines('[config]', 'expiresafter =', '[hashes]')).config.expiresAfter, undefined);
    });

    it('treats "0" as no expiry, as PHP empty() does', () => {
      assert.equal(expiry('0'), undefined);
    });

    it('reads "abc" as 0 (expired in 1970), as PHP (int) does', () => {
      assert.equal(expiry('abc'), 0);
    });

    it('reads "00" as 0, since PHP empty("00") is false', () => {
      assert.equal(expiry('00'), 0);
    });

    it('treats PHP\'s false words (off, no, false, none, null, any case) as no expiry: PHP reads them as ""', () => {
      for (const word of ['off', 'No', 'FALSE', 'NoNe', 'null']) assert.equal(expiry(word), undefined, word);
    });

    it('reads PHP\'s true words as 1, as PHP reads them as "1"', () => {
      for (const word of ['on', 'Yes', 'true']) assert.equal(expiry(word), 1, word);
    });

    it('reads an exponent as PHP 7.1+ (int) does', () => {
      assert.equal(expiry('1e10'), 10_000_000_000);
    });

    it('takes the leading integer of "12abc", as PHP (int) does', () => {
      assert.equal(expiry('12abc'), 12);
    });

    it('leaves expiresAfter undefined when the key is absent', () => {
      assert.equal(parseManifest(lines('[config]', 'version=2', '[hashes]')).config.expiresAfter, undefined);
    });
  });

  describe('when a path contains spaces', () => {
    it('splits at the first " = "', () => {
      const manifest = parseManifest(lines('[hashes]', `tools/sample bulk extension output.csv = ${D1}`));
      assert.deepEqual(manifest.entries, [{ path: 'tools/sample bulk extension output.csv', digest: D1, line: 2 }]);
    });

    it('refuses the whole text for a second "=" on the line, as PHP does', () => {
      throwsManifestError(lines('[hashes]', `a = b = ${D1}`), 'MANIFEST_SYNTAX', 2);
    });
  });

  describe('when a line has "=" without spaces', () => {
    it('splits at the "="', () => {
      assert.deepEqual(parseManifest(lines('[hashes]', `a.php=${D1}`)).entries, [
        { path: 'a.php', digest: D1, line: 2 },
      ]);
    });
  });

  describe('when the text has comments and blank lines', () => {
    it('ignores lines starting with ";", even indented ones', () => {
      const manifest = parseManifest(lines('[hashes]', '; not = a path', `   ;${D1}`, '', '   ', `a.php = ${D1}`));
      assert.deepEqual(manifest.entries, [{ path: 'a.php', digest: D1, line: 6 }]);
      assert.deepEqual(manifest.issues, []);
    });
  });

  describe('when keys sit outside [config] and [hashes]', () => {
    it('ignores them', () => {
      const manifest = parseManifest(lines('top = 1', '[other]', `x.php = ${D1}`, 'no equals here', '[hashes]'));
      assert.deepEqual(manifest.entries, []);
      assert.deepEqual(manifest.issues, []);
      assert.deepEqual(manifest.config.raw, {});
    });
  });

  describe('when a section header is followed by a comment', () => {
    it('accepts it, as PHP does', () => {
      const m = parseManifest(lines('[hashes] ; generated', `a.php = ${'a'.repeat(64)}`));
      assert.equal(m.entries.length, 1);
    });
  });

  describe('when a section header has spaces inside its brackets', () => {
    it('keeps them, as PHP does: "[ hashes ]" is not [hashes]', () => {
      const manifest = parseManifest(lines('[ hashes ]', `a.php = ${D1}`));
      assert.deepEqual(manifest.entries, []);
      assert.deepEqual(
        manifest.issues.map((i) => i.code),
        ['MANIFEST_NO_HASHES'],
      );
    });
  });

  describe('when a path ends in "[...]"', () => {
    const manifest = parseManifest(lines('[hashes]', `lib/a[0] = ${D1}`, `b.php = ${D2}`));

    it('checks the path as written and records it in phpArrayPaths', () => {
      assert.deepEqual(
        manifest.entries.map((e) => e.path),
        ['lib/a[0]', 'b.php'],
      );
      assert.deepEqual(manifest.phpArrayPaths, ['lib/a[0]']);
    });

    it('gives FreePBX what PHP reads: an array for "lib/a", which it cannot match', () => {
      assert.deepEqual(manifest.freepbxHashes, [
        { path: 'lib/a', digest: null, line: 2 },
        { path: 'b.php', digest: D2, line: 3 },
      ]);
    });
  });

  describe('when a path holds "[" not at its end', () => {
    it('throws MANIFEST_SYNTAX: PHP refuses the whole text', () => {
      throwsManifestError(lines('[hashes]', `lib/a[0].php = ${D1}`), 'MANIFEST_SYNTAX', 2);
    });
  });

  describe('when a path is unsafe', () => {
    const cases: Array<[string, string]> = [
      ['absolute', `/etc/passwd = ${D1}`],
      ['".." component', `../../etc/passwd = ${D1}`],
      ['".." in the middle', `a/../../b = ${D1}`],
      ['"." component', `./a.php = ${D1}`],
      ['empty component', `a//b.php = ${D1}`],
      ['trailing "/"', `dir/ = ${D1}`],
      ['over-long component', `${'n'.repeat(MAX_NAME_LENGTH + 1)} = ${D1}`],
      ['over-long path', `${'d/'.repeat(MAX_PATH_LENGTH / 2)}x = ${D1}`],
    ];
    for (const [name, line] of cases) {
      it(`reports MANIFEST_UNSAFE_PATH for ${name}`, () => {
        const issue = onlyIssue(line);
        assert.equal(issue.code, 'MANIFEST_UNSAFE_PATH');
        assert.equal(issue.line, 2);
        assert.equal(issue.path, line.slice(0, line.indexOf(' = ')));
      });
    }

    it('throws MANIFEST_SYNTAX for an empty path: PHP refuses a line starting with "="', () => {
      throwsManifestError(lines('[hashes]', ` = ${D1}`), 'MANIFEST_SYNTAX', 2);
    });
  });

  describe('when a path is listed twice', () => {
    const manifest = parseManifest(lines('[hashes]', `a.php = ${D1}`, `b.php = ${D2}`, `a.php = ${D3}`));

    it('keeps the first entry', () => {
      assert.deepEqual(manifest.entries, [
        { path: 'a.php', digest: D1, line: 2 },
        { path: 'b.php', digest: D2, line: 3 },
      ]);
    });

    it('reports MANIFEST_DUPLICATE_PATH at the second', () => {
      assert.deepEqual(
        manifest.issues.map((i) => [i.code, i.line, i.path]),
        [['MANIFEST_DUPLICATE_PATH', 4, 'a.php']],
      );
    });

    it("gives FreePBX PHP's reading: the path once, at its first place, with its last digest", () => {
      assert.deepEqual(manifest.freepbxHashes, [
        { path: 'a.php', digest: D3, line: 4 },
        { path: 'b.php', digest: D2, line: 3 },
      ]);
    });
  });

  describe('when a digest is not 64 lower-case hex digits', () => {
    const cases: Array<[string, string]> = [
      ['upper-case hex', D1.toUpperCase()],
      ['short', D1.slice(0, 63)],
      ['long', `${D1}0`],
      ['non-hex', `${D1.slice(0, 63)}g`],
      ['empty', ''],
      ['two words', `${D1.slice(0, 32)} ${D1.slice(32)}`],
      ['computed by PHP', '${HOME}'],
      ['a PHP bool word', 'on'],
    ];
    for (const [name, digest] of cases) {
      it(`reports MANIFEST_BAD_DIGEST for ${name}`, () => {
        assert.deepEqual(onlyIssue(`a.php = ${digest}`), { code: 'MANIFEST_BAD_DIGEST', line: 2, path: 'a.php' });
      });
    }
  });

  describe('when a digest is quoted', () => {
    it('reads it as PHP does, without its quotes', () => {
      for (const quoted of [`"${D1}"`, `'${D1}'`, `"${D1}" ; comment`]) {
        assert.deepEqual(parseManifest(lines('[hashes]', `a.php = ${quoted}`)).entries, [
          { path: 'a.php', digest: D1, line: 2 },
        ]);
      }
    });
  });

  describe('when a [hashes] line is a "#" line', () => {
    it('drops it without an issue, as PHP does (FreePBX 12 manifests end with "# End")', () => {
      const manifest = parseManifest(lines('[hashes]', `a.php = ${D1}`, '# End'));
      assert.deepEqual(manifest.issues, []);
      assert.equal(manifest.entries.length, 1);
      assert.equal(manifest.commentLines, 1);
    });

    it('reads "# a = b" as the key "# a", as PHP 7+ does', () => {
      assert.deepEqual(parseManifest(lines('[hashes]', `# a = ${D1}`)).entries, [{ path: '# a', digest: D1, line: 2 }]);
    });

    it('throws MANIFEST_SYNTAX for "# (c)": PHP refuses "(" in a key', () => {
      throwsManifestError(lines('[hashes]', '# (c) 2014'), 'MANIFEST_SYNTAX', 2);
    });
  });

  describe('when a [hashes] line has no "="', () => {
    it('reports MANIFEST_BAD_LINE', () => {
      const issue = onlyIssue(`a.php ${D1}`);
      assert.equal(issue.code, 'MANIFEST_BAD_LINE');
      assert.equal(issue.line, 2);
    });

    it('still checks the other entries', () => {
      const manifest = parseManifest(lines('[hashes]', 'garbage', `a.php = ${D1}`));
      assert.equal(manifest.entries.length, 1);
      assert.deepEqual(
        manifest.issues.map((i) => i.code),
        ['MANIFEST_BAD_LINE'],
      );
    });
  });

  describe('when there is no [hashes] section', () => {
    it('reports MANIFEST_NO_HASHES at the first line', () => {
      const manifest = parseManifest(lines('[config]', 'version=2'), { firstLine: 7 });
      assert.deepEqual(
        manifest.issues.map((i) => [i.code, i.line]),
        [['MANIFEST_NO_HASHES', 7]],
      );
    });

    it('reports MANIFEST_NO_HASHES for empty text', () => {
      assert.deepEqual(
        parseManifest('').issues.map((i) => i.code),
        ['MANIFEST_NO_HASHES'],
      );
    });
  });

  describe('when [hashes] is present but empty', () => {
    it('reports no issue and no entries', () => {
      const manifest = parseManifest(lines('[config]', 'version=2', '[hashes]', ';# End'));
      assert.deepEqual(manifest.entries, []);
      assert.deepEqual(manifest.issues, []);
    });
  });

  describe('when a key holds ";" or a tab', () => {
    it('reports MANIFEST_BAD_LINE: PHP reads the key up to ";" and drops it', () => {
      assert.equal(onlyIssue(`a;b.js = ${D1}`).code, 'MANIFEST_BAD_LINE');
      assert.deepEqual(parseManifest(lines('[hashes]', `a;b.js = ${D1}`)).freepbxHashes, []);
    });

    it('reports MANIFEST_BAD_LINE for the part before a tab: PHP reads what follows as the key', () => {
      const manifest = parseManifest(lines('[hashes]', `a\tb.js = ${D1}`));
      assert.deepEqual(manifest.entries, [{ path: 'b.js', digest: D1, line: 2 }]);
      assert.deepEqual(
        manifest.issues.map((i) => i.code),
        ['MANIFEST_BAD_LINE'],
      );
    });
  });

  describe('when [hashes] appears twice', () => {
    const manifest = parseManifest(lines('[hashes]', `a.php = ${D1}`, '[config]', '[hashes]', `b.php = ${D2}`));

    it('checks the entries of both and reports MANIFEST_REPEATED_SECTION', () => {
      assert.equal(manifest.entries.length, 2);
      assert.deepEqual(
        manifest.issues.map((i) => [i.code, i.line]),
        [['MANIFEST_REPEATED_SECTION', 4]],
      );
    });

    it('gives FreePBX only the last one, as PHP empties the first', () => {
      assert.deepEqual(manifest.freepbxHashes, [{ path: 'b.php', digest: D2, line: 5 }]);
    });
  });

  describe('when the text holds a NUL', () => {
    const manifest = parseManifest(lines('[hashes]', `a.php = ${D1}`, `b\0.php = ${D2}`, `c.php = ${D3}`));

    it('stops where PHP stops and reports MANIFEST_NUL_BYTE at that line', () => {
      assert.deepEqual(
        manifest.issues.map((i) => [i.code, i.line]),
        [['MANIFEST_NUL_BYTE', 3]],
      );
      assert.deepEqual(
        manifest.freepbxHashes.map((e) => e.path),
        ['a.php'],
      );
    });
  });

  describe('when "hashes" is a key before any section', () => {
    it('reports MANIFEST_BAD_LINE and gives FreePBX what PHP reads', () => {
      const manifest = parseManifest(lines(`hashes[a.php] = ${D1}`));
      assert.deepEqual(
        manifest.issues.map((i) => i.code),
        ['MANIFEST_BAD_LINE', 'MANIFEST_NO_HASHES'],
      );
      assert.deepEqual(manifest.freepbxHashes, [{ path: 'a.php', digest: D1, line: 1 }]);
    });
  });

  describe('when the manifest is regular', () => {
    it("gives FreePBX's view as the very entries array (no copy)", () => {
      const manifest = parseManifest(lines('[hashes]', `a.php = ${D1}`, `b.php = ${D2}`));
      assert.equal(manifest.freepbxHashes, manifest.entries);
    });
  });

  describe('when GnuPG prints a line with "\\r\\n"', () => {
    it('gives PHP the carriage return (it matters inside a quoted value)', () => {
      const text = lines('[config]', 'signedby = "a', 'b"', '[hashes]');
      assert.equal(parseManifest(text).config.signedBy, 'a\nb');
      assert.equal(parseManifest(text, { crlfLines: [1] }).config.signedBy, 'a\r\nb');
    });
  });

  describe('when a key holds a character that makes PHP reject the INI', () => {
    for (const c of '~!${}()&|^"=') {
      it(`throws MANIFEST_SYNTAX for a path containing ${JSON.stringify(c)}`, () => {
        throwsManifestError(lines('[hashes]', `ok.php = ${D1}`, `a${c}b.php = ${D1}`), 'MANIFEST_SYNTAX', 3);
      });
    }

    it('throws MANIFEST_SYNTAX for such a key in [config]', () => {
      throwsManifestError(lines('[config]', 'ver(sion) = 2', '[hashes]'), 'MANIFEST_SYNTAX', 2);
    });

    it('throws MANIFEST_SYNTAX for such a key in an ignored section', () => {
      throwsManifestError(lines('[other]', 'a&b = 1', '[hashes]'), 'MANIFEST_SYNTAX', 2);
    });

    it('accepts them in a quoted value', () => {
      const manifest = parseManifest(lines('[config]', "signedby = '~!${}()&|^='", '[hashes]'));
      assert.equal(manifest.config.signedBy, '~!${}()&|^=');
    });

    it('throws MANIFEST_SYNTAX for them in a bare value, as PHP does', () => {
      throwsManifestError(lines('[config]', 'signedby = a (b)', '[hashes]'), 'MANIFEST_SYNTAX', 2);
    });
  });

  describe('when a key is a word PHP reserves', () => {
    for (const word of ['null', 'yes', 'no', 'true', 'false', 'on', 'off', 'none']) {
      it(`throws MANIFEST_SYNTAX for the key ${JSON.stringify(word)}`, () => {
        throwsManifestError(lines('[hashes]', `${word} = ${D1}`), 'MANIFEST_SYNTAX', 2);
      });
    }

    it('matches them whatever their case', () => {
      throwsManifestError(lines('[config]', 'Off = 1'), 'MANIFEST_SYNTAX', 2);
    });

    it('accepts them as part of a longer path', () => {
      assert.equal(parseManifest(lines('[hashes]', `yes.php = ${D1}`, `null/none = ${D2}`)).entries.length, 2);
    });

    it('accepts them after leading spaces, as PHP does', () => {
      assert.deepEqual(parseManifest(lines('[hashes]', `  yes = ${D1}`)).entries, [
        { path: 'yes', digest: D1, line: 2 },
      ]);
    });
  });

  describe('when a section header is not closed', () => {
    it('throws MANIFEST_SYNTAX at that line', () => {
      throwsManifestError(lines('[config]', 'version=2', '[hashes', `a.php = ${D1}`), 'MANIFEST_SYNTAX', 3);
    });
  });

  describe('when the text exceeds limits.maxLines or limits.maxLineLength', () => {
    const limits = { maxBytes: 10_000, maxEntries: 100, maxLines: 3, maxLineLength: 80 };

    it('throws MANIFEST_TOO_LARGE at the first line over maxLines', () => {
      throwsManifestError(lines('[hashes]', '', '', ''), 'MANIFEST_TOO_LARGE', 4, { limits });
    });

    it('throws MANIFEST_TOO_LARGE at a line longer than maxLineLength', () => {
      throwsManifestError(lines('[hashes]', `${'x'.repeat(20)} = ${D1}`), 'MANIFEST_TOO_LARGE', 2, { limits });
    });

    it('throws MANIFEST_TOO_LARGE for a text over maxBytes', () => {
      assert.throws(
        () => parseManifest('\n'.repeat(20_000), { limits }),
        (e: unknown) => e instanceof ManifestError && e.code === 'MANIFEST_TOO_LARGE',
      );
    });
  });

  describe('when keys or sections outside [hashes] exceed their bound', () => {
    it('throws MANIFEST_TOO_LARGE for too many keys', () => {
      const text = lines('[other]', ...Array.from({ length: 1001 }, (_, i) => `k${i} = 1`));
      assert.throws(
        () => parseManifest(text),
        (e: unknown) => e instanceof ManifestError && e.code === 'MANIFEST_TOO_LARGE',
      );
    });

    it('throws MANIFEST_TOO_LARGE for too many sections, even on one line', () => {
      assert.throws(
        () => parseManifest('[s]'.repeat(1001)),
        (e: unknown) => e instanceof ManifestError && e.code === 'MANIFEST_TOO_LARGE' && e.line === 1,
      );
    });
  });

  describe('when [hashes] exceeds limits.maxEntries', () => {
    const limits = { maxBytes: 1024, maxEntries: 2, maxLines: 100, maxLineLength: 1000 };

    it('accepts exactly maxEntries entries', () => {
      assert.equal(parseManifest(lines('[hashes]', `a = ${D1}`, `b = ${D1}`), { limits }).entries.length, 2);
    });

    it('throws MANIFEST_TOO_LARGE at the first entry over the limit', () => {
      throwsManifestError(lines('[hashes]', `a = ${D1}`, `b = ${D1}`, `c = ${D1}`), 'MANIFEST_TOO_LARGE', 4, {
        limits,
      });
    });

    it('counts refused entries toward the limit', () => {
      throwsManifestError(lines('[hashes]', `/abs = ${D1}`, 'no equals', `c = ${D1}`), 'MANIFEST_TOO_LARGE', 4, {
        limits,
      });
    });
  });
});

describe('unsafePathReason', () => {
  describe('when the path is a safe relative POSIX path', () => {
    for (const path of [
      'a.php',
      'amp_conf/htdocs/.htaccess',
      'dir/sub dir/file name.js',
      '...',
      'a..b/c',
      'x'.repeat(MAX_NAME_LENGTH),
    ]) {
      it(`accepts ${JSON.stringify(path.length > 40 ? `${path.slice(0, 10)}...` : path)}`, () => {
        assert.equal(unsafePathReason(path), undefined);
      });
    }

    it('accepts a path of exactly MAX_PATH_LENGTH characters', () => {
      const path = `${'d/'.repeat(MAX_PATH_LENGTH / 2 - 1)}xy`;
      assert.equal(path.length, MAX_PATH_LENGTH);
      assert.equal(unsafePathReason(path), undefined);
    });
  });

  describe('when the path is unsafe', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['empty', '', /empty path/],
      ['absolute', '/etc/passwd', /absolute/],
      ['"..", leading', '../x', /"\.\."/],
      ['"..", trailing', 'x/..', /"\.\."/],
      ['".", leading', './x', /"\."/],
      ['".", inside', 'a/./b', /"\."/],
      ['"//"', 'a//b', /empty path component/],
      ['trailing "/"', 'a/', /empty path component/],
      ['NUL byte', 'a\0b', /NUL/],
      ['component too long', 'x'.repeat(MAX_NAME_LENGTH + 1), /component longer than 255/],
      ['path too long', `${'d/'.repeat(MAX_PATH_LENGTH / 2)}x`, /longer than 4096/],
    ];
    for (const [name, path, reason] of cases) {
      it(`gives a reason for ${name}`, () => {
        assert.match(unsafePathReason(path) ?? '', reason);
      });
    }
  });
});
