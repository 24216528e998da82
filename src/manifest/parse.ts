// Parse the signed text of a module.sig into a Manifest. Pure: no I/O.
//
// FreePBX reads this text with PHP's parse_ini_string($text, true). We follow its rules where they
// decide what FreePBX checks (trimmed keys and values, ";" comments, sections, the characters that
// make PHP reject the whole text), and are stricter where PHP is silently lax (duplicates, lines
// without "=", malformed digests, unsafe paths): those become issues that fail the module closed.

import { ManifestError } from '../errors.js';
import { unsafePathReason } from './path.js';
import { DEFAULT_LIMITS } from './types.js';
import type { Manifest, ManifestConfig, ManifestEntry, ManifestIssue, ManifestLimits } from './types.js';

export interface ParseOptions {
  /** Line number in module.sig of the text's first line (from splitClearsigned), for messages. */
  readonly firstLine?: number;
  readonly limits?: ManifestLimits;
}

// A key holding one of these makes parse_ini_string() return false (tested with PHP 8.2). Paths are
// keys, so a file name with "(" or "&" in it makes FreePBX skip every check of its module.
const PHP_FORBIDDEN_KEY_CHAR = /[~!${}()&|^"=]/;
// Bare keys PHP treats as constants; as a key they also make the parse fail.
const PHP_RESERVED_KEYS = new Set(['null', 'yes', 'no', 'true', 'false', 'on', 'off', 'none']);

// A character loop, not /^[0-9a-f]{64}$/: that regex was the largest single cost of parsing an
// installation's 26,000 entries.
function isSha256Hex(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

export function parseManifest(text: string, options: ParseOptions = {}): Manifest {
  const firstLine = options.firstLine ?? 1;
  const limits = options.limits ?? DEFAULT_LIMITS;

  const config: Record<string, string> = {};
  const entries: ManifestEntry[] = [];
  const issues: ManifestIssue[] = [];
  const phpArrayPaths: string[] = [];
  const seen = new Set<string>();
  let section: string | undefined;
  let sawHashes = false;

  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = firstLine + index;
    const trimmed = (lines[index] ?? '').trim();
    if (trimmed === '' || trimmed.startsWith(';')) continue;

    if (trimmed.startsWith('[')) {
      // PHP allows a comment after the closing bracket: "[hashes] ; note".
      const header = /^\[([^\]]*)\]\s*(;.*)?$/.exec(trimmed);
      if (!header) {
        throw new ManifestError('MANIFEST_SYNTAX', `section header ${quote(trimmed)} has no closing "]"`, line);
      }
      section = (header[1] ?? '').trim();
      if (section === 'hashes') sawHashes = true;
      continue;
    }

    const split = splitKeyValue(trimmed);
    if (split === undefined) {
      if (section === 'hashes') {
        issues.push({ code: 'MANIFEST_BAD_LINE', line, message: `line has no "=": ${quote(trimmed)}` });
      }
      continue;
    }
    const { key, value } = split;
    assertPhpAcceptsKey(key, line);

    if (section === 'config') {
      config[key] = phpValue(value);
    } else if (section === 'hashes') {
      if (entries.length + issues.length >= limits.maxEntries) {
        throw new ManifestError('MANIFEST_TOO_LARGE', `more than ${limits.maxEntries} entries in [hashes]`, line);
      }
      const entry = checkEntry(key, value, line, seen);
      if ('code' in entry) {
        issues.push(entry);
      } else {
        seen.add(entry.path);
        entries.push(entry);
        if (entry.path.includes('[')) phpArrayPaths.push(entry.path);
      }
    }
    // Keys outside [config] and [hashes] mean nothing to FreePBX; they are ignored, as there.
  }

  if (!sawHashes) {
    issues.push({
      code: 'MANIFEST_NO_HASHES',
      line: firstLine,
      message: 'no [hashes] section: the manifest lists no files to check',
    });
  }
  return { config: toConfig(config), entries, issues, phpArrayPaths };
}

// The first " = " separates path from digest, so paths may contain "=" and spaces as long as
// " = " is not part of the path (bulkhandler lists "tools/sample bulk extension output.csv").
function splitKeyValue(line: string): { key: string; value: string } | undefined {
  let at = line.indexOf(' = ');
  let width = 3;
  if (at < 0) {
    at = line.indexOf('=');
    width = 1;
  }
  if (at < 0) return undefined;
  return { key: line.slice(0, at).trim(), value: line.slice(at + width).trim() };
}

function assertPhpAcceptsKey(key: string, line: number): void {
  const forbidden = PHP_FORBIDDEN_KEY_CHAR.exec(key);
  if (forbidden) {
    throw new ManifestError(
      'MANIFEST_SYNTAX',
      `key ${quote(key)} contains ${quote(forbidden[0])}; PHP's INI parser rejects the whole manifest, so FreePBX would check no file`,
      line,
    );
  }
  if (key.length <= 5 && PHP_RESERVED_KEYS.has(key.toLowerCase())) {
    throw new ManifestError(
      'MANIFEST_SYNTAX',
      `key ${quote(key)} is reserved in PHP's INI syntax; PHP rejects the whole manifest`,
      line,
    );
  }
}

function checkEntry(
  path: string,
  digest: string,
  line: number,
  seen: ReadonlySet<string>,
): ManifestEntry | ManifestIssue {
  const unsafe = unsafePathReason(path);
  if (unsafe !== undefined) {
    return { code: 'MANIFEST_UNSAFE_PATH', line, path, message: `${quote(path)}: ${unsafe}` };
  }
  if (seen.has(path)) {
    return { code: 'MANIFEST_DUPLICATE_PATH', line, path, message: `${quote(path)} is listed more than once` };
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

function toConfig(raw: Record<string, string>): ManifestConfig {
  return {
    version: raw['version'],
    type: raw['type'],
    expiresAfter: phpExpiry(raw['expiresafter']),
    signedWith: raw['signedwith'],
    signedBy: raw['signedby'],
    repo: raw['repo'],
    timestamp: raw['timestamp'],
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

// An INI value as PHP's parser returns it: quotes removed; unquoted true/on/yes become "1" and
// false/off/no/none/null become "" (any letter case), so `expiresafter = off` means "no expiry".
function phpValue(value: string): string {
  if (value.length >= 2) {
    const first = value[0];
    if ((first === '"' || first === "'") && value.endsWith(first)) return value.slice(1, -1);
  }
  const word = value.toLowerCase();
  if (word === 'true' || word === 'on' || word === 'yes') return '1';
  if (word === 'false' || word === 'off' || word === 'no' || word === 'none' || word === 'null') return '';
  return value;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
