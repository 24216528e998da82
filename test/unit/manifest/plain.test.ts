// The plain reading (plain.ts) is only a faster way to the Manifest parse.ts builds with PHP's scanner:
// on every text it either declines or gives exactly that Manifest (or the same error). Held here on the
// real module.sig corpus and on many generated texts mixing plain lines with every near miss.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../../bench/prng.js';
import { ManifestError } from '../../../src/errors.js';
import { splitClearsigned } from '../../../src/manifest/cleartext.js';
import { parseManifest, parseManifestWithPhp } from '../../../src/manifest/parse.js';
import type { ParseOptions } from '../../../src/manifest/parse.js';
import { readPlain } from '../../../src/manifest/plain.js';
import { DEFAULT_LIMITS } from '../../../src/manifest/types.js';
import type { Manifest } from '../../../src/manifest/types.js';
import { HAVE_REALWORLD, REALWORLD } from '../../helpers/paths.js';

const HEX = '0123456789abcdef'.repeat(4);
const HEX2 = 'f'.repeat(63) + 'a';

type Outcome = { readonly manifest: Manifest } | { readonly error: string };

function outcome(read: () => Manifest): Outcome {
  try {
    return { manifest: read() };
  } catch (error) {
    if (error instanceof ManifestError) return { error: `${error.code} ${String(error.line)} ${error.message}` };
    throw error;
  }
}

/** Asserts that both readings agree on `text`; returns whether the plain one read it. */
function agree(text: string, options: ParseOptions = {}): boolean {
  assert.deepEqual(
    outcome(() => parseManifest(text, options)),
    outcome(() => parseManifestWithPhp(text, options)),
    JSON.stringify(text),
  );
  return readPlain(text, options.firstLine ?? 1, options.limits ?? DEFAULT_LIMITS) !== undefined;
}

const HEADER = [';################################################', ';# FreePBX Module Signature File #', ''];
const CONFIG = ['[config]', 'version=1', 'hash=sha256', 'signedwith=B53D215A755231A3'];

describe('plain reading', () => {
  it('reads the shape signing tools write, and gives what PHP gives', () => {
    const text = [
      ...HEADER,
      ...CONFIG,
      "signedby='FreePBX Mirror Servers <security@freepbx.org>'",
      'timestamp=1778480810.8354',
      'repo=pbxsig bench',
      'signedby2=',
      '[hashes]',
      `Api.class.php = ${HEX}`,
      `assets/images/chosen-sprite@2x.png = ${HEX2}`,
      `docs/read me.txt = ${HEX}`,
      ';# End',
    ].join('\n');
    assert.equal(agree(text, { firstLine: 4 }), true);
    const manifest = parseManifest(text, { firstLine: 4 });
    assert.deepEqual(
      manifest.entries.map((e) => [e.path, e.line]),
      [
        ['Api.class.php', 16],
        ['assets/images/chosen-sprite@2x.png', 17],
        ['docs/read me.txt', 18],
      ],
    );
    assert.equal(manifest.config.signedBy, 'FreePBX Mirror Servers <security@freepbx.org>');
    assert.equal(manifest.config.repo, 'pbxsig bench');
    assert.equal(manifest.freepbxHashes, manifest.entries);
  });

  it('declines what only PHP can read, and the full reading then reports it', () => {
    for (const line of [
      `../escape.php = ${HEX}`,
      `/etc/passwd = ${HEX}`,
      `a//b.php = ${HEX}`,
      `yes = ${HEX}`,
      `a.php = ${HEX.toUpperCase()}`,
      `a.php  = ${HEX}`,
      `a[b] = ${HEX}`,
      '# End',
    ]) {
      const text = ['[hashes]', `x.php = ${HEX}`, line].join('\n');
      assert.equal(agree(text), false, line);
    }
    assert.equal(agree(['[hashes]', `x.php = ${HEX}`, `x.php = ${HEX2}`].join('\n')), false, 'a repeated path');
    assert.equal(agree(['[config]', 'type=none', '[hashes]'].join('\n')), false, 'a bool word');
    assert.equal(agree([`x.php = ${HEX}`, '[hashes]'].join('\n')), false, 'an entry before any section');
    assert.equal(agree(['[config]', 'version=1'].join('\n')), false, 'no [hashes]');
    // Lines GnuPG ends with CR LF are read by PHP's scanner (parse.ts does not ask plain.ts).
    agree(['[hashes]', `x.php = ${HEX}`].join('\n'), { crlfLines: [1] });
    // Line numbers are firstLine + n - 1, as the full reading computes them, whatever firstLine is.
    for (const firstLine of [0.1, Number.MAX_SAFE_INTEGER, 2 ** 53]) {
      assert.equal(agree(['[hashes]', '', `a = ${HEX}`].join('\n'), { firstLine }), true, String(firstLine));
    }
    const limits = { ...DEFAULT_LIMITS, maxEntries: 1 };
    assert.equal(agree(['[hashes]', `a = ${HEX}`, `b = ${HEX}`].join('\n'), { limits }), false, 'over the limit');
  });

  it('agrees with PHP on generated texts mixing plain lines and near misses', () => {
    const pieces = [
      '',
      ' ',
      '\t',
      '; a comment',
      ';# End',
      '; a \r comment',
      '# End',
      '[config]',
      '[hashes]',
      '[Hashes]',
      '[ hashes ]',
      '[hashes] ; note',
      '[other]',
      'version=1',
      'version = 1',
      'version=1 ',
      "signedby='A B <a@b.org>'",
      "signedby='unterminated",
      "signedby='a'b",
      "signedby='a'b'",
      'version =1',
      'a b=1',
      'signedby="double"',
      'signedby=pbxsig bench',
      'signedby=pbxsig  bench',
      'signedby=',
      'type=none',
      'type=No',
      'repo=a no b',
      'repo=E_ALL',
      'repo=${HOME}',
      'yes=1',
      '1=2',
      'hash=sha256 ;c',
      `a.php = ${HEX}`,
      `a.php = ${HEX2}`,
      `b/c.js = ${HEX}`,
      `dir/with space.php = ${HEX}`,
      `a.php  = ${HEX}`,
      `a.php =${HEX}`,
      `a.php = ${HEX} `,
      `a.php = ${HEX.slice(1)}`,
      `a.php = ${HEX.toUpperCase()}`,
      `../x = ${HEX}`,
      `/abs = ${HEX}`,
      `a/./b = ${HEX}`,
      `yes = ${HEX}`,
      `No = ${HEX}`,
      `none.php = ${HEX}`,
      `a[b] = ${HEX}`,
      `a[] = ${HEX}`,
      `it's.php = ${HEX}`,
      `a;b = ${HEX}`,
      `a\tb = ${HEX}`,
      `ünï.php = ${HEX}`,
      `@x = ${HEX}`,
      ` a = ${HEX}`,
      `123 = ${HEX}`,
      `#x.php = ${HEX}`,
      `a\\b = ${HEX}`,
      `a.php = ${HEX}\r`,
      `a\0b = ${HEX}`,
    ];
    const random = mulberry32(20261202);
    const pick = (): string => pieces[Math.floor(random() * pieces.length)] ?? '';
    // Most texts start as real ones do, so that the plain reading gets far before a near miss.
    const starts = [[], ['[hashes]'], [...CONFIG, '[hashes]']];
    let plain = 0;
    for (let i = 0; i < 3000; i++) {
      const lines = [...(starts[i % starts.length] ?? [])];
      const count = 1 + Math.floor(random() * 6);
      for (let k = 0; k < count; k++) lines.push(random() < 0.5 ? `f${k}.php = ${HEX}` : pick());
      const text = lines.join('\n') + (random() < 0.5 ? '\n' : '');
      if (agree(text, { firstLine: 1 + (i % 5) })) plain++;
    }
    // [config] lines get texts of their own: elsewhere they mostly land in [hashes], where none is plain.
    const configPieces = pieces.filter((p) => /^[\w$]+ ?=/.test(p) && !p.includes(HEX));
    for (let i = 0; i < 1000; i++) {
      const lines = ['[config]'];
      const count = 1 + Math.floor(random() * 4);
      for (let k = 0; k < count; k++)
        lines.push(configPieces[Math.floor(random() * configPieces.length)] ?? '', `key${k}=value ${k}`);
      lines.push('[hashes]', `a.php = ${HEX}`);
      if (agree(lines.join('\n'))) plain++;
    }
    // The generator must exercise both readings, or this test proves nothing.
    assert.ok(plain > 500 && plain < 3500, `${plain} of 4000 texts read plainly`);
  });

  it('reads real module.sig files as PHP does (the real-world corpus)', { skip: !HAVE_REALWORLD }, () => {
    const sigs = join(REALWORLD, 'sigs');
    let plain = 0;
    let files = 0;
    for (const name of readdirSync(sigs).filter((n) => n.endsWith('.sig'))) {
      const clear = splitClearsigned(readFileSync(join(sigs, name), 'utf8'));
      const options = { firstLine: clear.firstLine, crlfLines: clear.crlfLines };
      files++;
      if (agree(clear.text, options)) plain++;
    }
    // FreePBX 12's "# End" is the one real line the plain reading leaves to PHP's scanner.
    assert.ok(files >= 94, `${files} files`);
    assert.ok(plain >= files - 10, `${plain} of ${files} read plainly`);
  });
});
