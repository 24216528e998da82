// Split an OpenPGP clear-signed message (RFC 9580 section 7) into its signed text and its armored
// signature. Pure: no I/O, no crypto. The whole module.sig is attacker-controlled, so the framing is
// checked strictly and everything outside the signed block is set aside, never parsed.
//
// openpgp.js has readCleartextMessage, but it costs about 40 ms on framework's 1.3 MB manifest (its
// streaming unarmor); this split is a few milliseconds and gives us line numbers for error messages.

import { ManifestError } from '../errors.js';

const BEGIN_MESSAGE = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIGNATURE = '-----BEGIN PGP SIGNATURE-----';
const END_SIGNATURE = '-----END PGP SIGNATURE-----';

export interface Clearsigned {
  /**
   * The signed text exactly as the signature covers it: dash-escaping removed, trailing spaces and
   * tabs removed from every line (RFC 9580 section 7.2), lines joined by "\n". This is the only text
   * that may be parsed as a manifest.
   */
  readonly text: string;
  /** 1-based line number, in module.sig, of the first line of `text`. */
  readonly firstLine: number;
  /** Digest names from the `Hash:` armor headers, upper-case ("SHA1", "SHA256"); empty when absent. */
  readonly hashHeaders: readonly string[];
  /** The `-----BEGIN PGP SIGNATURE-----` block, for openpgp.js to read. */
  readonly armoredSignature: string;
  /** Non-blank lines before and after the clear-signed block: ignored, but worth a warning. */
  readonly linesOutside: number;
}

export function splitClearsigned(raw: string): Clearsigned {
  const lines = raw.split('\n');
  // Armor lines may end in CR or carry trailing whitespace; GnuPG accepts both.
  const bare = (i: number): string => (lines[i] ?? '').trimEnd();

  const begins: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (bare(i) === BEGIN_MESSAGE) begins.push(i);
  }
  const begin = begins[0];
  if (begin === undefined) {
    throw new ManifestError('MANIFEST_NOT_CLEARSIGNED', `no "${BEGIN_MESSAGE}" line: not an OpenPGP clear-signed file`);
  }
  if (begins.length > 1) {
    // GnuPG would verify each block and print all their texts; FreePBX would then parse the
    // concatenation. No real module.sig has two, so refuse rather than pick one.
    throw new ManifestError(
      'MANIFEST_NOT_CLEARSIGNED',
      `${begins.length} clear-signed messages in one file; expected exactly one`,
    );
  }

  // Armor headers up to the first blank line. Only "Hash" is allowed (RFC 9580 7.1), as in openpgp.js.
  const hashHeaders: string[] = [];
  let i = begin + 1;
  for (; i < lines.length && bare(i) !== ''; i++) {
    const match = /^Hash:\s*(.+)$/.exec(bare(i));
    if (!match?.[1]) {
      throw new ManifestError(
        'MANIFEST_BAD_ARMOR',
        `unexpected armor header ${JSON.stringify(truncate(bare(i)))}; only "Hash:" is allowed`,
        i + 1,
      );
    }
    for (const name of match[1].split(',')) hashHeaders.push(name.trim().toUpperCase());
  }
  if (i >= lines.length) {
    throw new ManifestError('MANIFEST_BAD_ARMOR', 'the clear-signed message has no text and no signature', begin + 1);
  }
  const firstText = i + 1;

  let sigStart = -1;
  for (let j = firstText; j < lines.length; j++) {
    if (bare(j) === BEGIN_SIGNATURE) {
      sigStart = j;
      break;
    }
  }
  if (sigStart < 0) {
    throw new ManifestError('MANIFEST_BAD_ARMOR', `no "${BEGIN_SIGNATURE}" line after the signed text`);
  }
  let sigEnd = -1;
  for (let j = sigStart + 1; j < lines.length; j++) {
    if (bare(j) === END_SIGNATURE) {
      sigEnd = j;
      break;
    }
  }
  if (sigEnd < 0) {
    throw new ManifestError('MANIFEST_BAD_ARMOR', `no "${END_SIGNATURE}" line`, sigStart + 1);
  }

  const textLines: string[] = [];
  for (let j = firstText; j < sigStart; j++) {
    let line = lines[j] ?? '';
    if (line.startsWith('- ')) line = line.slice(2);
    textLines.push(stripTrailingWhitespace(line));
  }

  const signatureLines: string[] = [];
  for (let j = sigStart; j <= sigEnd; j++) signatureLines.push(bare(j));

  return {
    text: textLines.join('\n'),
    firstLine: firstText + 1,
    hashHeaders,
    armoredSignature: signatureLines.join('\n') + '\n',
    linesOutside: countNonBlank(lines, 0, begin) + countNonBlank(lines, sigEnd + 1, lines.length),
  };
}

// Same set as openpgp.js's removeTrailingSpaces (space, tab, CR), so the text we parse is byte for
// byte the text the signature is checked over.
function stripTrailingWhitespace(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}

function countNonBlank(lines: readonly string[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if ((lines[i] ?? '').trim() !== '') n++;
  return n;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
