// PHP itself against src/manifest/php-ini.ts: the same texts go through PHP's parse_ini_string($text,
// true) (the call FreePBX makes on module.sig) and through parsePhpIni, and the two results must be
// identical: false for false, and otherwise the same keys (integer or string), in the same order,
// with the same values. Texts are hand-written for each rule and generated from fragments that
// exercise them in combination. Needs `php` (php-cli); skipped with a message without it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { splitClearsigned } from '../../../src/manifest/cleartext.js';
import { PhpIniArray, isCanonicalInteger, parsePhpIni } from '../../../src/manifest/php-ini.js';
import { HAVE_REALWORLD, REALWORLD } from '../../helpers/paths.js';

const PHP = process.env['PHP'] ?? 'php';
const probe = spawnSync(PHP, ['-r', 'echo PHP_VERSION;'], { encoding: 'utf8' });
const phpVersion = probe.status === 0 ? probe.stdout.trim() : undefined;
const skip =
  phpVersion === undefined ? `php (php-cli) is not installed: the differential test against PHP is skipped` : false;

// Environment variables PHP sees, for ${...}.
const ENV: Record<string, string> = { PBXSIG_A: 'alpha', PBXSIG_HEX: 'e3b0c442', PBXSIG_SPACE: ' x ' };

// Each text is sent as base64; each result comes back as nested [type:key(base64), value] pairs,
// strings in base64, so any byte survives the trip.
const PHP_SCRIPT = `
function canon($v) {
  if (!is_array($v)) return base64_encode((string)$v);
  $out = [];
  foreach ($v as $k => $x) $out[] = [is_int($k) ? 'i:' . $k : 's:' . base64_encode($k), canon($x)];
  return $out;
}
$in = json_decode(stream_get_contents(STDIN), true);
if ($in === 'constants') {
  $c = [];
  foreach (get_defined_constants() as $name => $value) $c[$name] = is_array($value) ? 'Array' : (string)$value;
  echo json_encode(array_map('base64_encode', $c));
  exit;
}
$out = [];
foreach ($in as $b64) {
  $r = @parse_ini_string(base64_decode($b64), true);
  $out[] = $r === false ? false : canon($r);
}
echo json_encode($out);
`;

type Canon = false | Array<[string, unknown]>;

function runPhp(input: unknown): unknown {
  const run = spawnSync(PHP, ['-n', '-r', PHP_SCRIPT], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...ENV },
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.equal(run.status, 0, `php failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as unknown;
}

function phpResults(texts: readonly string[]): Canon[] {
  return runPhp(texts.map((t) => Buffer.from(t, 'utf8').toString('base64'))) as Canon[];
}

let constants: Map<string, string> | undefined;
function phpConstants(): Map<string, string> {
  if (!constants) {
    const raw = runPhp('constants') as Record<string, string>;
    constants = new Map(Object.entries(raw).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  return constants;
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function canon(array: PhpIniArray): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, { value }] of array.entries()) {
    out.push([
      isCanonicalInteger(key) ? `i:${key}` : `s:${b64(key)}`,
      value instanceof PhpIniArray ? canon(value) : b64(value),
    ]);
  }
  return out;
}

function oursFor(text: string): Canon {
  const table = phpConstants();
  const result = parsePhpIni(text, {
    constant: (name) => table.get(name),
    variable: (name) => ENV[name],
  });
  return result.ok ? canon(result.value) : false;
}

/** Compares every text; on a difference, names the text and both results (decoded). */
function assertSameAsPhp(texts: readonly string[]): void {
  const theirs = phpResults(texts);
  const differences: string[] = [];
  texts.forEach((text, i) => {
    const ours = oursFor(text);
    if (JSON.stringify(ours) !== JSON.stringify(theirs[i]))
      differences.push(`${JSON.stringify(text)}\n  php:  ${show(theirs[i])}\n  ours: ${show(ours)}`);
  });
  assert.equal(
    differences.length,
    0,
    `${differences.length} of ${texts.length} texts differ:\n${differences.slice(0, 15).join('\n')}`,
  );
}

function show(value: unknown): string {
  const decode = (v: unknown): unknown => {
    if (typeof v === 'string') return Buffer.from(v, 'base64').toString('utf8');
    if (Array.isArray(v))
      return v.map((pair) => {
        const [key, inner] = pair as [string, unknown];
        return [
          key.startsWith('s:') ? `s:${Buffer.from(key.slice(2), 'base64').toString('utf8')}` : key,
          decode(inner),
        ];
      });
    return v;
  };
  return JSON.stringify(decode(value));
}

// Deterministic generator (mulberry32), so a failure can be reproduced.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const D = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// Hand-written cases, by rule.
const CASES: Record<string, string[]> = {
  'real manifests': [
    `;################\n;# FreePBX Module Signature File\n;################\n\n[config]\nversion=2\nhash=sha256\nsignedwith=B53D215A755231A3\nsignedby=sign.php\nrepo=manual\ntype=public\n[hashes]\nCore.class.php = ${D}\nviews/main.php = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n;# End\n`,
    `[config]\nversion = 1\nsignedby = 'FreePBX Mirror Servers <security@freepbx.org>'\ntimestamp = 1402955066.1234\nrepo = standard\n[hashes]\nfunctions.inc.php = ${D}\n# End\n`,
    `[hashes]\ntools/sample bulk extension output.csv = ${D}\n`,
  ],
  'lines without "="': ['# End\n', '[hashes]\n# End', 'foo\nbar baz\n[a]\nx\n', 'a b c\n', "it's\n"],
  '"#" lines': ['[h]\n# a = b\n', '[h]\n# (c)\n', '[h]\n#a=b\n', '#[x]\n', '# a[b] = c\n', '#!php\n'],
  comments: [
    '; c\na = 1 ; trailing\nb = 2;x\n',
    'a = b ;c',
    'a = b ;',
    'a = b\t;c\n',
    ';only',
    'a ;c\nb = 1',
    '  ; indented\nx=1\n',
    'a = "x;y" ; z\n',
    "a = 'x;y'\n",
  ],
  quoting: [
    'a = "e3b0"\n',
    "b = 'x y'\n",
    'c = x "y" z\n',
    'd = "x\\"y"\n',
    'e = "x\\\\"\nf = 1\n',
    'g = "C:\\path\\"\nh = 1\n',
    'i = "x\\" y"\n',
    "j = ''\nk = 1\n",
    "l = it's\nm = 1\n",
    "n = it's\no = 1\np = 'q'\n",
    'r = "multi\nline"\n',
    'r = "a\\$b\\nc"\n',
    "s = 'a\\nb'\n",
    't = "unterminated\n',
    't = "x" "y"\n',
    "u = 'a''b'\n",
    'v = ""\n',
    'w = "a"b"c"\n',
  ],
  'characters PHP refuses in a key': [
    ...'~!${}()&|^"='.split('').map((c) => `[h]\nok = 1\na${c}b = 1\n`),
    ...'~!${}()&|^"='.split('').map((c) => `${c}a = 1\n`),
    '[h]\na]b = 1\n',
    '[h]\n:a,b.c+d-e/f*g%h<i>j?k@l = 1\n',
  ],
  'a[b] keys': [
    '[h]\nx[1].php = h\n',
    '[h]\nfoo[bar] = h\n',
    'x[a]\n',
    'x[a] =\n',
    'x[ a ]=1\n',
    'x[]=1\nx[]=2\nx[5]=3\nx[]=4\n',
    'x[-5]=1\nx[]=2\n',
    '+5[x] = 1\n05[x] = 1\n-0[x] = 1\n0[x] = 1\n',
    'x = s\nx[a] = 1\n',
    'x[a] = 1\nx = s\n',
    '[h]\na[b][c] = 1\n',
    'a [ b ] = 1\n',
    'a[b = 1\n',
    'a[E_ALL] = 1\n',
    'a["q"] = 1\n',
    "a['q'] = 1\n",
    'a[${PBXSIG_A}] = 1\n',
    '9223372036854775807[x]=1\n9223372036854775808[x]=1\n',
    'a[9223372036854775807]=1\na[]=2\n',
  ],
  duplicates: [
    '[h]\na = 1\nb=2\na = 3\n',
    'a=1\n[h]\na=2\n',
    '[h]\na=1\n[config]\nv=1\n[h]\nb=2\n',
    '[1]\n[01]\n[1]\nx=1\n',
  ],
  'reserved words': [
    ...['null', 'yes', 'no', 'true', 'false', 'on', 'off', 'none', 'NULL', 'True', 'oN'].map((w) => `[h]\n${w} = 1\n`),
    '[h]\n  yes = 1\n',
    '[h]\nyes.php = 1\nnull/none = 2\n',
    'on\n',
    '[h]\nyes\t= 1\n',
    ...['true', 'on', 'yes', 'false', 'off', 'no', 'none', 'null', 'On', 'NONE'].map((w) => `a = ${w}\n`),
    'a = on time\n',
    'a = yesterday\n',
    'a = on-time\n',
    'a = no;\n',
    'a = none  \n',
  ],
  trimming: [
    '  a  =  b  \n',
    '\ta\t=\tb\t\n',
    'a = b   ',
    'a\tb = c\n',
    ' = c\n',
    '[ hashes ]\na=1\n',
    ' [h]\na=1\n',
    '[h] x\na=1\n',
    '[h] ; c\na=1\n',
    '[h]x=1\n',
  ],
  'line ends': [
    'a = x\ry = 2\n',
    'a = 1\r\nb = 2\r\n',
    'a = "x\r\ny"\r\n',
    '[h]\r\na=1\r',
    'a=1\n\n\n\nb=2',
    '\ufeff[h]\na=1\n',
    '\ufeff',
    'x = 1\u0000y = 2\n',
    '[h]\na = "x\u0000y"\n',
  ],
  values: [
    'a = PHP_OS\n',
    'a = E_ALL | 1\n',
    'a = 1 | 2 & 7\n',
    'a = (1)\n',
    'a = foo (bar)\n',
    'a = ~1\n',
    'a = !0\n',
    'a = !abc\n',
    'a = 4294967297 | 0\n',
    'a = 99999999999999999999 | 0\n',
    'a = -5 ^ 3\n',
    'a = x$\nb = y\n',
    'a = x$',
    'a = $\n',
    'a = $$$\n',
    'a = ${PBXSIG_A}\n',
    'a = "${PBXSIG_A}x"\n',
    'a = ${PBXSIG_UNSET}\n',
    'a = ${}\n',
    'a = ${A:-b}\n',
    'a = ${PBXSIG_A\n',
    'a = b = c\n',
    'a = ~!${}()&|^=\n',
    'a = 1.5e3\n',
    'a = -1.5\n',
    'a = .5\n',
    'a = 5.\n',
    'a = a\\b\n',
    'a = x y  z\n',
    'a = M_PI\n',
    'a = E_ALL E_ALL\n',
    'a = "E_ALL"\n',
    "a = 'E_ALL'\n",
    `a = ${D.toUpperCase()}\n`,
    'a = \u00e9t\u00e9\n',
  ],
  sections: [
    '[a "b"]\nx=1\n',
    '[a \\"b\\"]\nx=1\n',
    '[a;b]\nx=1\n',
    '[]\nx=1\n',
    '[0]\ny=2\n[]\nz=1',
    '[E_ALL]\nx=1\n',
    "['q']\nx=1\n",
    '[${PBXSIG_A}]\nx=1\n',
    '[a\\]b]\nx=1\n',
    '[a\n',
    '[a',
    '[a]',
    '[a]   \r\nx=1',
    '[hashes]\n[hashes]\n',
    'hashes = x\n[hashes]\na=1\n',
    'hashes[a] = 1\nconfig[version] = 2\n',
  ],
  'bytes beyond ASCII': ['caf\u00e9.php = 1\n', '[h]\n\u00ff\u00fe = \u00e9\n', '\u00c3\u00a9 = x\n'],
};

// Fragments for generated texts: keys, separators, values and line ends that hit the rules above.
const PIECES = [
  'a',
  'b.php',
  'dir/x y.js',
  ' ',
  '  ',
  '\t',
  '=',
  ' = ',
  '[',
  ']',
  '[h]',
  '[hashes]',
  '[config]',
  ';',
  '; c',
  '#',
  '# End',
  '"',
  "'",
  '\\',
  '$',
  '${PBXSIG_A}',
  '${',
  '}',
  '{',
  '(',
  ')',
  '~',
  '!',
  '&',
  '|',
  '^',
  'on',
  'yes',
  'none',
  'null',
  'true',
  'E_ALL',
  'PHP_EOL',
  '12',
  '-3',
  '0',
  '007',
  '.5',
  D,
  'x[0]',
  'x[]',
  'x[y]',
  '\n',
  '\n',
  '\n',
  '\r\n',
  '\r',
  ':',
  ',',
  '?',
  '@',
  '<>',
  '+',
  '%',
  '*',
  '/',
  '\u00e9',
];

function generated(count: number, seed: number): string[] {
  const next = random(seed);
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(next() * 14);
    let text = '';
    for (let j = 0; j < n; j++) text += PIECES[Math.floor(next() * PIECES.length)] ?? '';
    texts.push(text);
  }
  return texts;
}

// Lines shaped like manifest lines, with one odd character somewhere.
function generatedLines(count: number, seed: number): string[] {
  const next = random(seed);
  const odd = ' \t=[];#"\'\\$~!(){}&|^:,.@?%+-*/<>';
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const key = `dir/file${i}.php`;
    const at = Math.floor(next() * (key.length + 1));
    const c = odd[Math.floor(next() * odd.length)] ?? '';
    const line =
      next() < 0.5 ? `${key.slice(0, at)}${c}${key.slice(at)} = ${D}` : `${key} = ${D.slice(0, at)}${c}${D.slice(at)}`;
    texts.push(`[hashes]\nok.php = ${D}\n${line}\nlast.php = ${D}\n;# End\n`);
  }
  return texts;
}

describe(`parsePhpIni against PHP ${phpVersion ?? ''} parse_ini_string($text, true)`, { skip }, () => {
  for (const [rule, texts] of Object.entries(CASES)) {
    it(`agrees on ${rule}`, () => assertSameAsPhp(texts));
  }

  it('agrees on 4,000 texts made of random fragments', () => assertSameAsPhp(generated(4000, 20261201)));

  it('agrees on 1,000 manifest-shaped texts with one odd character in a key or a digest', () =>
    assertSameAsPhp(generatedLines(1000, 7)));

  it(
    'agrees on the signed text of every real module.sig of the corpus, as GnuPG prints it',
    { skip: HAVE_REALWORLD ? false : `the real-world corpus (${REALWORLD}) is not present` },
    () => {
      const dir = join(REALWORLD, 'sigs');
      const texts = readdirSync(dir)
        .filter((name) => name.endsWith('.module.sig'))
        .map((name) => `${splitClearsigned(readFileSync(join(dir, name), 'utf8')).text}\n`);
      assert.equal(texts.length, 94);
      assertSameAsPhp(texts);
    },
  );
});
