// Split an OpenPGP clear-signed message (RFC 9580 section 7) into its signed text and its armored
// signature, reading the framing as GnuPG 2.2 does (its armor.c), since GnuPG is what FreePBX runs.
// Pure: no I/O, no crypto. The whole module.sig is attacker-controlled, so the work is bounded by
// ManifestLimits and lines are walked with indexOf: no array grows with the input.
//
// What GnuPG does, and so what we do (tested with GnuPG 2.2.40):
// - Armor headers run to the first blank line. Each must be "Hash: NAMES" with names GnuPG knows
//   (RIPEMD160, SHA1, SHA224, SHA256, SHA384, SHA512, or a prefix of one: "SHA" is SHA1), written
//   in capitals. At anything else ("Hash: sha1", "Hash:SHA1", "Comment: x") GnuPG stops reading
//   headers, and the lines after it (the rest of the headers, the blank line) are signed text: the
//   signature is then checked over that (badHeader says which line). "NotDashEscaped:" is the one
//   other header GnuPG reads; pbxsig does not (unsupportedHeader).
// - In the signed text, "- " starts a dash-escaped line and is removed. A line starting with five
//   dashes ends the text: "-----BEGIN PGP SIGNATURE-----" starts the signature; anything else is
//   "unexpected armor" and GnuPG checks no signature at all: we refuse the file (MANIFEST_BAD_ARMOR).
//   Another line starting with "-" is kept as it is, with GnuPG's warning "invalid dash escaped line"
//   (badDashLines).
// - Trailing spaces, tabs and carriage returns are not signed. GnuPG prints each line without them,
//   but keeps "\r\n" for a line that ended so (crlfLines): FreePBX parses that output.
//
// openpgp.js has readCleartextMessage, but it costs about 40 ms on framework's 1.3 MB manifest (its
// streaming unarmor); this split is a few milliseconds and gives us line numbers for error messages.

import { ManifestError } from '../errors.js';
import { DEFAULT_LIMITS } from './types.js';
import type { ManifestLimits } from './types.js';

const BEGIN_MESSAGE = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
const END_SIGNATURE = '-----END PGP SIGNATURE-----';
/** A signature block is about 15 lines (RSA 4096); openpgp.js reads whatever we hand it. */
const MAX_SIGNATURE_LINES = 1_000;
const NO_LINES: readonly number[] = [];

export interface Clearsigned {
  /**
   * The signed text exactly as the signature covers it: dash-escaping removed, trailing spaces,
   * tabs and carriage returns removed from every line (RFC 9580 section 7.2), lines joined by "\n".
   * This is the only text that may be parsed as a manifest.
   */
  readonly text: string;
  /** 1-based line number, in module.sig, of the first line of `text`. */
  readonly firstLine: number;
  /**
   * The digests the `Hash:` armor headers announce, as GnuPG reads them ("SHA1", "SHA256"); empty
   * when there is no header (GnuPG then accepts MD5 and SHA-1 signatures only).
   */
  readonly hashHeaders: readonly string[];
  /** The `-----BEGIN PGP SIGNATURE-----` block, for openpgp.js to read. */
  readonly armoredSignature: string;
  /** Non-blank lines before and after the clear-signed block: ignored, but worth a warning. */
  readonly linesOutside: number;
  /** Lines of `text` (0-based) GnuPG prints with "\r\n" rather than "\n" (they ended so in module.sig). */
  readonly crlfLines: readonly number[];
  /** Lines of the signed text starting with "-" but not "- ": GnuPG warns and keeps them as they are. */
  readonly badDashLines: number;
  /** module.sig line of the first of them, or 0. */
  readonly firstBadDashLine: number;
  /** The armor header GnuPG refused, after which the signed text starts. */
  readonly badHeader: string | undefined;
  /** A header GnuPG reads and pbxsig does not ("NotDashEscaped:"): the signature is then bad to pbxsig. */
  readonly unsupportedHeader: string | undefined;
}

interface Line {
  /** Index of the line's first character, and of its "\n" (or the text's length). */
  start: number;
  end: number;
  /** 1-based line number. */
  number: number;
}

class Lines {
  readonly #raw: string;
  readonly line: Line = { start: 0, end: -1, number: 0 };

  constructor(raw: string) {
    this.#raw = raw;
  }

  /** Moves to the next line; false at the end. */
  next(): boolean {
    const start = this.line.end + 1;
    if (start > this.#raw.length || (start === this.#raw.length && this.line.number > 0)) return false;
    const nl = this.#raw.indexOf('\n', start);
    this.line.start = start;
    this.line.end = nl < 0 ? this.#raw.length : nl;
    this.line.number++;
    return true;
  }

  /** The line without trailing spaces, tabs and carriage returns (as armor lines are compared). */
  bare(): string {
    return this.#raw.slice(this.line.start, trimmedEnd(this.#raw, this.line.start, this.line.end));
  }

  /** Whether the line, without trailing whitespace, is `text` (no copy: junk lines may be many). */
  is(text: string): boolean {
    const end = trimmedEnd(this.#raw, this.line.start, this.line.end);
    return end - this.line.start === text.length && this.#raw.startsWith(text, this.line.start);
  }

  isBlank(): boolean {
    return trimmedEnd(this.#raw, this.line.start, this.line.end) === this.line.start;
  }
}

export function splitClearsigned(raw: string, limits: ManifestLimits = DEFAULT_LIMITS): Clearsigned {
  if (raw.length > limits.maxBytes) {
    throw new ManifestError('MANIFEST_TOO_LARGE', `module.sig is over ${limits.maxBytes} bytes`);
  }
  const lines = new Lines(raw);
  const line = lines.line;

  // Everything before the BEGIN line is ignored (counted for a warning).
  let outside = 0;
  let begin = 0;
  while (lines.next()) {
    if (lines.is(BEGIN_MESSAGE)) {
      begin = line.number;
      break;
    }
    if (!lines.isBlank()) outside++;
  }
  if (begin === 0) {
    throw new ManifestError('MANIFEST_NOT_CLEARSIGNED', `no "${BEGIN_MESSAGE}" line: not an OpenPGP clear-signed file`);
  }

  // Armor headers, up to the first blank line, or to the first header GnuPG refuses.
  const hashes = new Set<string>();
  let badHeader: string | undefined;
  let unsupportedHeader: string | undefined;
  for (;;) {
    if (!lines.next()) {
      throw new ManifestError('MANIFEST_BAD_ARMOR', 'the clear-signed message has no text and no signature', begin);
    }
    if (lines.isBlank()) break;
    assertLineLength(line, limits);
    if (line.number - begin > limits.maxLines) {
      throw new ManifestError('MANIFEST_TOO_LARGE', `more than ${limits.maxLines} armor header lines`, line.number);
    }
    const header = lines.bare();
    const names = gnupgHashHeader(header);
    if (names) {
      for (const name of names) hashes.add(name);
    } else if (header.startsWith('NotDashEscaped:') && header.length > 15) {
      unsupportedHeader ??= header;
    } else {
      badHeader = `${quote(truncate(header))} (line ${line.number})`;
      break;
    }
  }

  // The signed text, up to the signature's armor line.
  const firstLine = line.number + 1;
  const textStart = line.end + 1;
  let textEnd = -1; // end of the last text line
  let sigStart = -1;
  let textLines = 0;
  let modified = false; // some line is not signed as written: the text must be rebuilt
  let badDashLines = 0;
  let firstBadDashLine = 0;
  let crlfLines: number[] | undefined;
  while (lines.next()) {
    if (raw.charCodeAt(line.start) === 45 && raw.startsWith('----', line.start + 1)) {
      if (lines.is(BEGIN_SIGNATURE)) {
        sigStart = line.start;
        break;
      }
      throw new ManifestError(
        'MANIFEST_BAD_ARMOR',
        `${quote(truncate(lines.bare()))} inside the signed text: GnuPG stops there ("unexpected armor") and checks no signature`,
        line.number,
      );
    }
    assertLineLength(line, limits);
    if (++textLines > limits.maxLines) {
      throw new ManifestError('MANIFEST_TOO_LARGE', `more than ${limits.maxLines} lines of signed text`, line.number);
    }
    if (raw.charCodeAt(line.start) === 45) {
      if (raw.charCodeAt(line.start + 1) === 32) modified = true;
      else {
        badDashLines++;
        firstBadDashLine ||= line.number;
      }
    }
    const trimmed = trimmedEnd(raw, line.start, line.end);
    if (trimmed !== line.end) {
      modified = true;
      if (raw.charCodeAt(line.end - 1) === 13) (crlfLines ??= []).push(textLines - 1);
    }
    textEnd = line.end;
  }
  if (sigStart < 0) {
    throw new ManifestError('MANIFEST_BAD_ARMOR', `no "${BEGIN_SIGNATURE}" line after the signed text`);
  }
  const sigLine = line.number;

  let armoredSignature = '';
  let sigLines = 0;
  for (;;) {
    if (!lines.next()) throw new ManifestError('MANIFEST_BAD_ARMOR', `no "${END_SIGNATURE}" line`, sigLine);
    assertLineLength(line, limits);
    if (++sigLines > MAX_SIGNATURE_LINES) {
      throw new ManifestError(
        'MANIFEST_TOO_LARGE',
        `the signature block has more than ${MAX_SIGNATURE_LINES} lines`,
        sigLine,
      );
    }
    if (lines.is(END_SIGNATURE)) break;
  }
  armoredSignature = signatureBlock(raw, sigStart, line.end);

  while (lines.next()) {
    if (lines.isBlank()) continue;
    outside++;
    if (lines.is(BEGIN_MESSAGE)) {
      // GnuPG would verify each message and print both texts; FreePBX would parse them as one. No
      // real module.sig has two, so refuse rather than pick one.
      throw new ManifestError(
        'MANIFEST_NOT_CLEARSIGNED',
        'a second clear-signed message in one file; expected exactly one',
        line.number,
      );
    }
  }

  return {
    text: textEnd < 0 ? '' : modified ? rebuildText(raw, textStart, textEnd) : raw.slice(textStart, textEnd),
    firstLine,
    hashHeaders: [...hashes],
    armoredSignature,
    linesOutside: outside,
    crlfLines: crlfLines ?? NO_LINES,
    badDashLines,
    firstBadDashLine,
    badHeader,
    unsupportedHeader,
  };
}

function assertLineLength(line: Line, limits: ManifestLimits): void {
  if (line.end - line.start > limits.maxLineLength) {
    throw new ManifestError(
      'MANIFEST_TOO_LARGE',
      `a line of ${line.end - line.start} characters; the limit is ${limits.maxLineLength}`,
      line.number,
    );
  }
}

// The signed text when some line is not signed as written: escapes and trailing whitespace removed.
// Lines are bounded (limits.maxLines), and runs of lines that need nothing are copied as one slice.
function rebuildText(raw: string, start: number, end: number): string {
  const parts: string[] = [];
  let run = start; // start of the current run of lines copied as they are
  for (let pos = start; pos <= end;) {
    const nl = raw.indexOf('\n', pos);
    const lineEnd = nl < 0 || nl > end ? end : nl;
    const escaped = raw.charCodeAt(pos) === 45 && raw.charCodeAt(pos + 1) === 32 ? 2 : 0;
    const trimmed = trimmedEnd(raw, pos + escaped, lineEnd);
    if (escaped > 0 || trimmed !== lineEnd) {
      if (pos > run) parts.push(raw.slice(run, pos));
      parts.push(raw.slice(pos + escaped, trimmed));
      if (lineEnd < end) parts.push('\n');
      run = lineEnd + 1;
    }
    pos = lineEnd + 1;
  }
  if (run < end) parts.push(raw.slice(run, end));
  return parts.join('');
}

// The armor block as openpgp.js reads it: lines without trailing whitespace, "\n"-terminated.
function signatureBlock(raw: string, start: number, end: number): string {
  let out = '';
  for (let pos = start; pos <= end;) {
    const nl = raw.indexOf('\n', pos);
    const lineEnd = nl < 0 || nl > end ? end : nl;
    out += `${raw.slice(pos, trimmedEnd(raw, pos, lineEnd))}\n`;
    pos = lineEnd + 1;
  }
  return out;
}

// GnuPG's parse_hash_header(): "Hash:" then names separated by commas, each the whole or the start
// of a name GnuPG knows, first match wins ("SHA" is SHA1, "SHA2" SHA224). Undefined when GnuPG
// refuses the line. Also GnuPG's parse_header_line(): the colon must be followed by a space.
const GNUPG_HASHES = ['RIPEMD160', 'SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512'];

function gnupgHashHeader(line: string): string[] | undefined {
  if (line.length < 6 || line.length > 60 || !line.startsWith('Hash: ')) return undefined;
  const names: string[] = [];
  let i = 5;
  for (;;) {
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (i >= line.length) break;
    let j = i + 1;
    while (j < line.length && line[j] !== ' ' && line[j] !== '\t' && line[j] !== ',') j++;
    const token = line.slice(i, j);
    const name = GNUPG_HASHES.find((known) => known.startsWith(token));
    if (!name) return undefined;
    names.push(name);
    while (line[j] === ' ' || line[j] === '\t') j++;
    if (j < line.length && line[j] !== ',') return undefined;
    i = j < line.length ? j + 1 : j;
  }
  return names.length > 0 ? names : undefined;
}

// End of [start, end) without trailing spaces, tabs and carriage returns: the set openpgp.js's
// removeTrailingSpaces and GnuPG strip, so the text we parse is byte for byte the text signed.
function trimmedEnd(raw: string, start: number, end: number): number {
  while (end > start) {
    const c = raw.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    end--;
  }
  return end;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
