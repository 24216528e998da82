import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError } from '../../../src/errors.js';
import type { ManifestErrorCode } from '../../../src/errors.js';
import { splitClearsigned } from '../../../src/manifest/cleartext.js';

const BEGIN = '-----BEGIN PGP SIGNED MESSAGE-----';
const SIG_BEGIN = '-----BEGIN PGP SIGNATURE-----';
const SIG_END = '-----END PGP SIGNATURE-----';
const SIG_BODY = ['', 'iQEzBAEBCAAdFiEEabc', '=AbCd'];

// A well-formed clear-signed file: the framing, then `body` as the signed text (already escaped).
function clearsigned(body: readonly string[], headers: readonly string[] = ['Hash: SHA256']): string {
  return [BEGIN, ...headers, '', ...body, SIG_BEGIN, ...SIG_BODY, SIG_END, ''].join('\n');
}

function throwsManifestError(raw: string, code: ManifestErrorCode, line?: number): void {
  assert.throws(
    () => splitClearsigned(raw),
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

    it('leaves a line starting with "-" but not "- " as written', () => {
      assert.equal(splitClearsigned(clearsigned(['-x'])).text, '-x');
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

    it('still finds the armor lines and headers', () => {
      const split = splitClearsigned(raw);
      assert.deepEqual(split.hashHeaders, ['SHA256']);
      assert.equal(split.firstLine, 4);
      assert.equal(split.armoredSignature, [SIG_BEGIN, ...SIG_BODY, SIG_END].join('\n') + '\n');
    });
  });

  describe('when there are Hash headers', () => {
    it('collects several headers, and several names in one header, upper-cased', () => {
      const split = splitClearsigned(clearsigned(['x'], ['Hash: sha1', 'Hash: SHA256, sha512']));
      assert.deepEqual(split.hashHeaders, ['SHA1', 'SHA256', 'SHA512']);
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

  describe('when an armor header is not "Hash:"', () => {
    it('throws MANIFEST_BAD_ARMOR at that header line', () => {
      throwsManifestError(clearsigned(['x'], ['Hash: SHA256', 'Comment: hello']), 'MANIFEST_BAD_ARMOR', 3);
    });

    it('throws MANIFEST_BAD_ARMOR for a "Hash:" header with no name', () => {
      throwsManifestError(clearsigned(['x'], ['Hash:']), 'MANIFEST_BAD_ARMOR', 2);
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
    it('throws MANIFEST_NOT_CLEARSIGNED', () => {
      throwsManifestError(clearsigned(['a']) + clearsigned(['b']), 'MANIFEST_NOT_CLEARSIGNED');
    });
  });

  describe('when the framing is incomplete', () => {
    it('throws MANIFEST_BAD_ARMOR when nothing follows the headers', () => {
      throwsManifestError(`${BEGIN}\nHash: SHA256`, 'MANIFEST_BAD_ARMOR', 1);
    });

    it('throws MANIFEST_BAD_ARMOR when there is no BEGIN PGP SIGNATURE line', () => {
      throwsManifestError(`${BEGIN}\nHash: SHA256\n\n[hashes]\n${SIG_END}\n`, 'MANIFEST_BAD_ARMOR');
    });

    it('throws MANIFEST_BAD_ARMOR at the BEGIN PGP SIGNATURE line when there is no END line', () => {
      throwsManifestError(`${BEGIN}\nHash: SHA256\n\n[hashes]\n${SIG_BEGIN}\n\niQEz\n`, 'MANIFEST_BAD_ARMOR', 5);
    });
  });
});
