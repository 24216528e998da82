import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError } from '../../../src/errors.js';
import type { ManifestErrorCode } from '../../../src/errors.js';
import { splitClearsigned } from '../../../src/manifest/cleartext.js';
import type { ManifestLimits } from '../../../src/manifest/types.js';

const BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIG_BEGIN = '-----BEGIN PGP SIGNATURE-----';
const SIG_END = '-----END PGP SIGNATURE-----';
const SIG_BODY = ['', 'iQEzBAEBCAAdFiEEabc', '=AbCd'];

// A well-formed clear-signed file: the framing, then `body` as the signed text (already escaped).
function clearsigned(body: readonly string[], headers: readonly string[] = ['Hash: SHA256']): string {
  return [BEGIN, ...headers, '', ...body, SIG_BEGIN, ...SIG_BODY, SIG_END, ''].join('\n');
}

function throwsManifestError(raw: string, code: ManifestErrorCode, line?: number, limits?: ManifestLimits): void {
  assert.throws(
    () => splitClearsigned(raw, limits),
    (e: unknown) => e instanceof ManifestError && e.code === code && e.line === line,
  );
}

describe('splitClearsigned', () => {
  describe('when the file is a well-formed clear-signed message', () => {
    const raw = clearsigned(['[config]', 'version=2', '[hashes]', 'a.php = 00']);

    it('returns the signed text with lines joined by "\\n" and no final newline', () => {
      assert.equal(splitClearsigned(raw).text, '[config]\nversion=2\n[hashes]\na.php = 00');
    });

    it('gives the 1-based line of the first signed line in firstLine', () => {
      // BEGIN (1), Hash (2), blank (3), text from line 4.
      assert.equal(splitClearsigned(raw).firstLine, 4);
    });

    it('returns the signature block from BEGIN to END, ending in a newline', () => {
      assert.equal(splitClearsigned(raw).armoredSignature, [SIG_BEGIN, ...SIG_BODY, SIG_END].join('\n') + '\n');
    });

    it('reports the Hash header and no lines outside', () => {
      const split = splitClearsigned(raw);
      assert.deepEqual(split.hashHeaders, ['SHA256']);
      assert.equal(split.linesOutside, 0);
    });
  });

  describe('when signed lines are dash-escaped', () => {
    it('removes the leading "- " from each of them', () => {
      const split = splitClearsigned(clearsigned(['- -----BEGIN PGP SIGNATURE-----', '- - dash', 'plain']));
      assert.equal(split.text, '-----BEGIN PGP SIGNATURE-----\n- dash\nplain');
    });

    it('does not take an escaped BEGIN SIGNATURE line for the start of the signature', () => {
      const split = splitClearsigned(clearsigned(['- -----BEGIN PGP SIGNATURE-----', 'after']));
      assert.equal(split.text, '-----BEGIN PGP SIGNATURE-----\nafter');
      assert.ok(split.armoredSignature.startsWith(`${SIG_BEGIN}\n`));
    });

    it('leaves a line starting with "-" but not "- " as written, and counts it, as GnuPG warns', () => {
      const split = splitClearsigned(clearsigned(['a', '-x', '--y', '-']));
      assert.equal(split.text, 'a\n-x\n--y\n-');
      assert.equal(split.badDashLines, 3);
      assert.equal(split.firstBadDashLine, 5);
    });
  });

  describe('when an unescaped line of the signed text starts with five dashes', () => {
    for (const line of ['-----END PGP SIGNATURE-----', '-----BEGIN PGP MESSAGE-----', '-----', '-----foo']) {
      it(`throws MANIFEST_BAD_ARMOR at ${JSON.stringify(line)}: GnuPG stops there and checks no signature`, () => {
        throwsManifestError(clearsigned(['a', line, 'b']), 'MANIFEST_BAD_ARMOR', 5);
      });
    }

    it('accepts the BEGIN PGP SIGNATURE line with trailing whitespace as the signature start', () => {
      const raw = clearsigned(['a']).replace(`${SIG_BEGIN}\n`, `${SIG_BEGIN} \t\n`);
      assert.equal(splitClearsigned(raw).text, 'a');
    });
  });

  describe('when signed lines carry trailing whitespace', () => {
    it('strips trailing spaces and tabs from every line', () => {
      assert.equal(splitClearsigned(clearsigned(['a = 1 \t ', 'b\t', '- c  '])).text, 'a = 1\nb\nc');
    });

    it('keeps leading whitespace', () => {
      assert.equal(splitClearsigned(clearsigned(['  indented  '])).text, '  indented');
    });
  });

  describe('when the file has CRLF line endings', () => {
    const raw = clearsigned(['[hashes]', 'a.php = 00', '- -dashed']).replaceAll('\n', '\r\n');

    it('removes every CR from the signed text', () => {
      assert.equal(splitClearsigned(raw).text, '[hashes]\na.php = 00\n-dashed');
    });

    it('lists the lines GnuPG prints with "\\r\\n" in crlfLines', () => {
      assert.deepEqual(splitClearsigned(raw).crlfLines, [0, 1, 2]);
    });

    it('lists none for a file with "\\n" line ends', () => {
      assert.deepEqual(splitClearsigned(clearsigned(['a', 'b'])).crlfLines, []);
    });

    it('still finds the armor lines and headers', () => {
      const split = splitClearsigned(raw);
      assert.deepEqual(split.hashHeaders, ['SHA256']);
      assert.equal(split.firstLine, 4);
      assert.equal(split.armoredSignature, [SIG_BEGIN, ...SIG_BODY, SIG_END].join('\n') + '\n');
    });
  });

  describe('when there are Hash headers', () => {
    it('collects several headers, and several names in one header', () => {
      const split = splitClearsigned(clearsigned(['x'], ['Hash: SHA1', 'Hash: SHA256, SHA512']));
      assert.deepEqual(split.hashHeaders, ['SHA1', 'SHA256', 'SHA512']);
      assert.equal(split.badHeader, undefined);
    });

    it('reads a name as GnuPG does: the first known name it starts ("SHA" is SHA1, "SHA2" SHA224)', () => {
      assert.deepEqual(splitClearsigned(clearsigned(['x'], ['Hash: SHA'])).hashHeaders, ['SHA1']);
      assert.deepEqual(splitClearsigned(clearsigned(['x'], ['Hash: SHA2'])).hashHeaders, ['SHA224']);
    });

    it('moves firstLine down by one line per header', () => {
      assert.equal(splitClearsigned(clearsigned(['x'], ['Hash: SHA1', 'Hash: SHA256'])).firstLine, 5);
    });
  });

  describe('when there is no Hash header', () => {
    it('returns an empty list and the text from the line after the blank line', () => {
      const split = splitClearsigned(clearsigned(['x'], []));
      assert.deepEqual(split.hashHeaders, []);
      assert.equal(split.firstLine, 3);
      assert.equal(split.text, 'x');
    });
  });

  describe('when an armor header is one GnuPG refuses', () => {
    // GnuPG 2.2.40 stops reading headers there: what follows, blank line included, is signed text
    // (its output shows it), and the signature is checked over that.
    for (const header of [
      'Comment: hello',
      'Hash:',
      'Hash: sha1',
      'Hash:SHA1',
      'Hash: MD5',
      'Hash: SHA1; x',
      'Hash: FOO',
    ]) {
      it(`starts the signed text after ${JSON.stringify(header)}, as GnuPG does`, () => {
        const split = splitClearsigned(clearsigned(['x'], ['Hash: SHA256', header, 'Hash: SHA512']));
        assert.equal(split.badHeader, `${JSON.stringify(header)} (line 3)`);
        assert.equal(split.text, 'Hash: SHA512\n\nx');
        assert.equal(split.firstLine, 4);
        assert.deepEqual(split.hashHeaders, ['SHA256']);
      });
    }

    it('keeps a NotDashEscaped header, which GnuPG reads and pbxsig refuses, in unsupportedHeader', () => {
      const split = splitClearsigned(clearsigned(['x'], ['NotDashEscaped: yes']));
      assert.equal(split.unsupportedHeader, 'NotDashEscaped: yes');
      assert.equal(split.badHeader, undefined);
    });
  });

  describe('when there is text outside the clear-signed block', () => {
    it('counts non-blank lines before and after it in linesOutside', () => {
      const raw = `junk before\n\n  \nmore junk\n${clearsigned(['x'])}\ntrailer\n\n`;
      assert.equal(splitClearsigned(raw).linesOutside, 3);
    });

    it('does not include that text in the signed text', () => {
      const raw = `[hashes]\nevil.php = 00\n${clearsigned(['[config]'])}evil2.php = 00\n`;
      const split = splitClearsigned(raw);
      assert.equal(split.text, '[config]');
      assert.equal(split.firstLine, 6);
    });
  });

  describe('when the BEGIN PGP SIGNED MESSAGE line is missing', () => {
    it('throws MANIFEST_NOT_CLEARSIGNED for plain INI text', () => {
      throwsManifestError('[config]\nversion=2\n[hashes]\n', 'MANIFEST_NOT_CLEARSIGNED');
    });

    it('throws MANIFEST_NOT_CLEARSIGNED for an empty file', () => {
      throwsManifestError('', 'MANIFEST_NOT_CLEARSIGNED');
    });
  });

  describe('when the file holds two clear-signed messages', () => {
    it('throws MANIFEST_NOT_CLEARSIGNED at the second', () => {
      throwsManifestError(clearsigned(['a']) + clearsigned(['b']), 'MANIFEST_NOT_CLEARSIGNED', 10);
    });
  });

  describe('when the file is over the limits', () => {
    const limits: ManifestLimits = { maxBytes: 4096, maxEntries: 10, maxLines: 5, maxLineLength: 100 };

    it('throws MANIFEST_TOO_LARGE for a file over maxBytes', () => {
      throwsManifestError(clearsigned(['\n'.repeat(5000)]), 'MANIFEST_TOO_LARGE', undefined, limits);
    });

    it('throws MANIFEST_TOO_LARGE at the first signed line over maxLines', () => {
      throwsManifestError(clearsigned(['1', '2', '3', '4', '5', '6']), 'MANIFEST_TOO_LARGE', 9, limits);
    });

    it('throws MANIFEST_TOO_LARGE at a signed line over maxLineLength', () => {
      throwsManifestError(clearsigned(['a', 'x'.repeat(101)]), 'MANIFEST_TOO_LARGE', 5, limits);
    });

    it('throws MANIFEST_TOO_LARGE for a signature block of more than 1,000 lines', () => {
      const raw = [BEGIN, 'Hash: SHA256', '', 'a', SIG_BEGIN, ...Array<string>(1001).fill('x'), SIG_END].join('\n');
      throwsManifestError(raw, 'MANIFEST_TOO_LARGE', 5);
    });

    it('walks millions of lines outside the signed block without building anything for them', () => {
      const flood = '\n'.repeat(3_000_000);
      const split = splitClearsigned(`${flood}${clearsigned(['x'])}${flood}junk\n`);
      assert.equal(split.text, 'x');
      assert.equal(split.firstLine, 3_000_004);
      assert.equal(split.linesOutside, 1);
    });

    it('accepts exactly maxLines signed lines', () => {
      assert.equal(splitClearsigned(clearsigned(['1', '2', '3', '4', '5']), limits).text, '1\n2\n3\n4\n5');
    });
  });

  describe('when the framing is incomplete', () => {
    it('throws MANIFEST_BAD_ARMOR when nothing follows the headers', () => {
      throwsManifestError(`${BEGIN}\nHash: SHA256`, 'MANIFEST_BAD_ARMOR', 1);
    });

    it('throws MANIFEST_BAD_ARMOR when there is no BEGIN PGP SIGNATURE line', () => {
      throwsManifestError(`${BEGIN}\nHash: SHA256\n\n[hashes]\n`, 'MANIFEST_BAD_ARMOR');
    });

    it('throws MANIFEST_BAD_ARMOR at the BEGIN PGP SIGNATURE line when there is no END line', () => {
      throwsManifestError(`${BEGIN}\nHash: SHA256\n\n[hashes]\n${SIG_BEGIN}\n\niQEz\n`, 'MANIFEST_BAD_ARMOR', 5);
    });
  });
});
