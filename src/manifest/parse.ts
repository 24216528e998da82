// Parse the signed text of a module.sig into a Manifest. Pure: no I/O.
//
// FreePBX reads this text with PHP's parse_ini_string($text, true); php-ini.ts does exactly what PHP
// does, and this file reads its statements. Two readings come out of one pass:
// - FreePBX's: the [config] and [hashes] arrays PHP returns (freepbxHashes, config), from which the
//   report computes FreePBX's own status. When PHP returns false, parseManifest throws MANIFEST_SYNTAX
//   and FreePBX checks no file.
// - pbxsig's: the same entries, with PHP's keys and values, but stricter where PHP is silently lax:
//   a path listed twice, a line PHP drops or cuts, a digest that is not 64 lower-case hex digits, an
//   unsafe path. Those become issues that make the manifest invalid (fail closed) beside FreePBX's
//   status, never instead of it.
// Work is bounded by ManifestLimits before anything else is done with the text. A text in the plain
// shape signing tools write is read by plain.ts in one lean pass to the same Manifest; any other text,
// or anything in it to report, is read here with PHP's scanner.

import { ManifestError } from '../errors.js';
import { PhpIniArray, parsePhpIni } from './php-ini.js';
import type { PhpIniStatement } from './php-ini.js';
import { unsafePathReason } from './path.js';
import { readPlain } from './plain.js';
import { DEFAULT_LIMITS, MAX_OTHER_KEYS } from './types.js';
import type {
  FreepbxHashEntry,
  Manifest,
  ManifestConfig,
  ManifestEntry,
  ManifestIssue,
  ManifestLimits,
} from './types.js';

export interface ParseOptions {
  /** Line number in module.sig of the text's first line (from splitClearsigned), for messages. */
  readonly firstLine?: number;
  readonly limits?: ManifestLimits;
  /**
   * Lines of `text` (0-based) that GnuPG prints with "\r\n" rather than "\n" (Clearsigned.crlfLines):
   * FreePBX parses GnuPG's output, so PHP sees those carriage returns.
   */
  readonly crlfLines?: readonly number[];
}

// A regular expression: it runs as native code from its first uses in a short run, where a character
// loop starts in the interpreter (a cold parse of framework's 8,108 entries: about 62 to 55 ms).
const SHA256_HEX = /^[0-9a-f]{64}$/;
function isSha256Hex(s: string): boolean {
  return s.length === 64 && SHA256_HEX.test(s);
}

export function parseManifest(text: string, options: ParseOptions = {}): Manifest {
  const firstLine = options.firstLine ?? 1;
  const limits = options.limits ?? DEFAULT_LIMITS;
  assertWithinLimits(text, limits, firstLine);
  // Most texts are in the shape every signing tool writes: read them in one lean pass (plain.ts).
  const plain = options.crlfLines?.length ? undefined : readPlain(text, firstLine, limits);
  if (!plain) return readWithPhp(text, firstLine, limits, options.crlfLines ?? []);
  return {
    config: toConfig(plain.config),
    entries: plain.entries,
    issues: [],
    phpArrayPaths: [],
    freepbxHashes: plain.entries,
    commentLines: 0,
  };
}

/** parseManifest() without the plain reading: PHP's scanner for every text (the reference plain.ts is tested against). */
export function parseManifestWithPhp(text: string, options: ParseOptions = {}): Manifest {
  const firstLine = options.firstLine ?? 1;
  const limits = options.limits ?? DEFAULT_LIMITS;
  assertWithinLimits(text, limits, firstLine);
  return readWithPhp(text, firstLine, limits, options.crlfLines ?? []);
}

function readWithPhp(text: string, firstLine: number, limits: ManifestLimits, crlfLines: readonly number[]): Manifest {
  // What FreePBX hands PHP: GnuPG's output, every line ended by "\n" (or "\r\n").
  const input = gnupgOutput(text, crlfLines);
  const reader = new StrictReader(input, firstLine, limits);
  const result = parsePhpIni(input, { onStatement: (s) => reader.statement(s) });
  if (!result.ok) {
    const line = quote(truncate(lineAround(input, result.at)));
    const problem = result.found.startsWith('the end')
      ? `${line} ends before PHP's INI syntax allows (${result.found})`
      : `${line} contains ${result.found} where PHP's INI syntax does not allow it`;
    throw new ManifestError(
      'MANIFEST_SYNTAX',
      `${problem}: PHP's parse_ini_string() returns false for the whole manifest, so FreePBX would check no file`,
      firstLine + result.line - 1,
    );
  }
  if (result.end < input.length) {
    const line = firstLine + countNewlines(input, result.end);
    reader.issues.push({
      code: 'MANIFEST_NUL_BYTE',
      line,
      message: 'a NUL byte: PHP stops reading there, so FreePBX ignores the rest of the manifest',
    });
  }
  if (!reader.sawHashes) {
    reader.issues.push({
      code: 'MANIFEST_NO_HASHES',
      line: firstLine,
      message: 'no [hashes] section: the manifest lists no files to check',
    });
  }
  return {
    config: toConfig(result.value.get('config')),
    entries: reader.entries,
    issues: reader.issues,
    phpArrayPaths: reader.phpArrayPaths,
    freepbxHashes: freepbxHashes(result.value.get('hashes'), reader.entries, firstLine),
    commentLines: reader.commentLines,
  };
}

function assertWithinLimits(text: string, limits: ManifestLimits, firstLine: number): void {
  if (text.length > limits.maxBytes) {
    throw new ManifestError('MANIFEST_TOO_LARGE', `the signed text is over ${limits.maxBytes} bytes`);
  }
  let lines = 0;
  for (let pos = 0; ;) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    if (end - pos > limits.maxLineLength) {
      throw new ManifestError(
        'MANIFEST_TOO_LARGE',
        `a line of ${end - pos} characters; the limit is ${limits.maxLineLength}`,
        firstLine + lines,
      );
    }
    if (++lines > limits.maxLines) {
      throw new ManifestError('MANIFEST_TOO_LARGE', `more than ${limits.maxLines} lines`, firstLine + lines - 1);
    }
    if (nl < 0) return;
    pos = nl + 1;
  }
}

function gnupgOutput(text: string, crlfLines: readonly number[]): string {
  if (crlfLines.length === 0) return `${text}\n`;
  const crlf = new Set(crlfLines);
  let out = '';
  let line = 0;
  for (let pos = 0; ; line++) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    out += text.slice(pos, end) + (crlf.has(line) ? '\r\n' : '\n');
    if (nl < 0) return out;
    pos = nl + 1;
  }
}

/** The line of `text` holding position `at`, without its line end. */
function lineAround(text: string, at: number): string {
  let start = at;
  while (start > 0 && text.charCodeAt(start - 1) !== 10 && at - start < 200) start--;
  let end = at;
  while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13 && end - at < 200) end++;
  return text.slice(start, end);
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

class StrictReader {
  readonly entries: ManifestEntry[] = [];
  readonly issues: ManifestIssue[] = [];
  readonly phpArrayPaths: string[] = [];
  sawHashes = false;
  commentLines = 0;
  readonly #input: string;
  readonly #firstLine: number;
  readonly #limits: ManifestLimits;
  readonly #seen = new Set<string>();
  #section: string | undefined;
  #otherKeys = 0;

  constructor(input: string, firstLine: number, limits: ManifestLimits) {
    this.#input = input;
    this.#firstLine = firstLine;
    this.#limits = limits;
  }

  statement(s: PhpIniStatement): void {
    const line = this.#firstLine + s.line - 1;
    if (s.kind === 'section') {
      // Each section is an array PHP keeps: "[a][b][c]" makes three on one line.
      this.#countOther(line);
      this.#section = s.key;
      if (s.key === 'hashes') {
        if (this.sawHashes) {
          this.#issue({
            code: 'MANIFEST_REPEATED_SECTION',
            line,
            message: 'a second [hashes] section: PHP drops the entries of the first, so FreePBX checks only the last',
          });
        }
        this.sawHashes = true;
      }
      return;
    }
    if (this.#section !== 'hashes') {
      if (s.kind === 'bare') return;
      this.#countOther(line);
      if (this.#section === undefined && (s.key === 'hashes' || s.key === 'config')) {
        this.#issue({
          code: 'MANIFEST_BAD_LINE',
          line,
          message: `${quote(this.#lineText(s.start))} sits before any section: PHP reads it as FreePBX's [${s.key}]`,
        });
      }
      return;
    }

    if (s.kind === 'bare') {
      // FreePBX 12's mirror manifests end with "# End": PHP 7+ reads it as a key with no value and
      // drops it, as PHP 5 dropped it as a comment. Any other such line lists no digest for a file.
      if (s.key.startsWith('#')) {
        this.commentLines++;
        return;
      }
      this.#issue({
        code: 'MANIFEST_BAD_LINE',
        line,
        message: `PHP reads only ${quote(s.key)} of ${quote(this.#lineText(s.start))}, as a key without "=", and drops it`,
      });
      return;
    }

    // key = value, or key[offset] = value: PHP makes the second an array FreePBX cannot match, and
    // the path as written is what the signer meant.
    const path = s.kind === 'offset' ? s.source : s.key;
    if (s.kind === 'offset') this.phpArrayPaths.push(path);
    const entry = this.#checkEntry(path, s.value, s.computed, line);
    if ('code' in entry) {
      this.#issue(entry);
    } else {
      this.#count(line);
      this.#seen.add(entry.path);
      this.entries.push(entry);
    }
  }

  #countOther(line: number): void {
    if (++this.#otherKeys > MAX_OTHER_KEYS) {
      throw new ManifestError(
        'MANIFEST_TOO_LARGE',
        `more than ${MAX_OTHER_KEYS} sections and keys outside [hashes]`,
        line,
      );
    }
  }

  #count(line: number): void {
    if (this.entries.length + this.issues.length >= this.#limits.maxEntries) {
      throw new ManifestError('MANIFEST_TOO_LARGE', `more than ${this.#limits.maxEntries} entries in [hashes]`, line);
    }
  }

  #issue(issue: ManifestIssue): void {
    this.#count(issue.line);
    this.issues.push(issue);
  }

  #checkEntry(path: string, digest: string, computed: boolean, line: number): ManifestEntry | ManifestIssue {
    const unsafe = unsafePathReason(path);
    if (unsafe !== undefined) {
      return { code: 'MANIFEST_UNSAFE_PATH', line, path, message: `${quote(path)}: ${unsafe}` };
    }
    if (this.#seen.has(path)) {
      return {
        code: 'MANIFEST_DUPLICATE_PATH',
        line,
        path,
        message: `${quote(path)} is listed more than once (PHP keeps the last digest)`,
      };
    }
    if (computed) {
      return {
        code: 'MANIFEST_BAD_DIGEST',
        line,
        path,
        message: `${quote(path)}: PHP computes its digest from a variable, a constant or an operator`,
      };
    }
    if (!isSha256Hex(digest)) {
      return {
        code: 'MANIFEST_BAD_DIGEST',
        line,
        path,
        message: `${quote(path)}: expected a SHA-256 digest of 64 lower-case hex digits, got ${quote(truncate(digest))}`,
      };
    }
    return { path, digest, line };
  }

  /** The line of the input from `start`, for messages. */
  #lineText(start: number): string {
    let end = start;
    while (end < this.#input.length && end - start < 100) {
      const c = this.#input.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    return truncate(this.#input.slice(start, end));
  }
}

// FreePBX's view of [hashes]. When PHP's array holds exactly pbxsig's entries, in order, it is that
// array; otherwise (a refused manifest) a list of its own.
function freepbxHashes(
  hashes: string | PhpIniArray | undefined,
  entries: readonly ManifestEntry[],
  firstLine: number,
): readonly FreepbxHashEntry[] {
  // foreach over anything but an array iterates nothing (PHP warns).
  if (!(hashes instanceof PhpIniArray)) return [];
  if (hashes.size === entries.length) {
    let k = 0;
    for (const [path, { value }] of hashes.entries()) {
      const entry = entries[k++];
      if (!entry || entry.path !== path || entry.digest !== value) break;
      if (k === entries.length) return entries;
    }
    if (entries.length === 0) return entries;
  }
  const list: FreepbxHashEntry[] = [];
  for (const [path, { value, line }] of hashes.entries()) {
    list.push({ path, digest: typeof value === 'string' ? value : null, line: firstLine + line - 1 });
  }
  return list;
}

function toConfig(value: string | PhpIniArray | undefined): ManifestConfig {
  const pairs: Array<[string, string]> = [];
  if (value instanceof PhpIniArray) {
    for (const [key, item] of value.entries()) if (typeof item.value === 'string') pairs.push([key, item.value]);
  }
  const raw: Record<string, string> = Object.fromEntries(pairs);
  const get = (key: string): string | undefined => (Object.hasOwn(raw, key) ? raw[key] : undefined);
  return {
    version: get('version'),
    type: get('type'),
    expiresAfter: phpExpiry(get('expiresafter')),
    signedWith: get('signedwith'),
    signedBy: get('signedby'),
    repo: get('repo'),
    timestamp: get('timestamp'),
    hash: get('hash'),
    raw,
  };
}

// FreePBX: `!empty($v)` then `(int) $v`. PHP's empty() is true for "" and "0"; (int) reads a leading
// number (with an exponent since PHP 7.1: "1e10" is 10000000000) and gives 0 when there is none, so
// "soon" means "expired in 1970".
function phpExpiry(value: string | undefined): number | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  const match = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(value);
  return match ? Math.trunc(Number(match[0])) : 0;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
