// The plain shape of a module.sig's signed text, read without PHP's scanner. Pure: no I/O.
//
// Every signing tool writes the same few kinds of line: ";" comments, blank lines, [config] with
// name=value (a bare value or a 'quoted' one), [hashes] with "path = <64 hex digits>". In that shape
// PHP's reading is fixed by the text itself: each line is one entry, sections hold what follows them.
// readPlain() reads such a text in one pass with one regular expression per line, and returns
// undefined at the first line of any other kind, or anything the full reading would report (an
// unsafe or repeated path, a bool word PHP reads otherwise), so that parse.ts reads the whole text
// again with php-ini.ts. It never decides anything parse.ts would decide differently:
// test/unit/manifest/plain.test.ts holds the two readings to the same Manifest on every real
// module.sig and on generated lines of every kind.
//
// Why: parsing is a sixth of a lane's work on a FreePBX 17 installation (16,700 entries, most of
// them framework's), and PHP's scanner costs about 8 microseconds an entry in a cold process.

import { PhpIniArray } from './php-ini.js';
import { unsafePathReason } from './path.js';
import { MAX_OTHER_KEYS } from './types.js';
import type { ManifestEntry, ManifestLimits } from './types.js';

export interface PlainReading {
  /** PHP's [config] array; undefined when the text has no [config] section. */
  readonly config: PhpIniArray | undefined;
  readonly entries: readonly ManifestEntry[];
}

// A [hashes] line: a key (PHP's label characters, no space at either end), " = ", a digest, "\n".
const KEY_CHAR = '[^=\\n\\r\\t;&|^$~(){}!"\\[\\0]';
const KEY_EDGE = '[^ =\\n\\r\\t;&|^$~(){}!"\\[\\0]';
const HASH_LINE = new RegExp(`(?:${KEY_EDGE}${KEY_CHAR}*)?${KEY_EDGE} = [0-9a-f]{64}\\n`, 'y');
const HASH_LINE_TAIL = ' = '.length + 64 + '\n'.length;
// A [config] line: name=value, the value 'quoted' or bare: words of characters PHP keeps as they are,
// one space between words (PHP keeps the spaces inside a value).
const CONFIG_LINE = /([A-Za-z0-9_]+)=(?:'([^'\n\r\0]*)'|((?:[A-Za-z0-9_.:/@+-]+(?: [A-Za-z0-9_.:/@+-]+)*)?))\n/y;
const COMMENT_LINE = /;[^\n\r\0]*\n/y;
// PHP reads these words (any case) as booleans or null, as a key or a bare value, not as text.
const BOOL_WORD = /^(?:true|on|yes|false|off|none|no|null)$/i;
const BOOL_WORD_IN_VALUE = /(?:^| )(?:true|on|yes|false|off|none|no|null)(?: |$)/i;

/** The plain reading of `text` (a signed text, as parse.ts hands it to PHP), or undefined. */
export function readPlain(text: string, firstLine: number, limits: ManifestLimits): PlainReading | undefined {
  if (text.includes('\r') || text.includes('\0')) return undefined;
  const input = `${text}\n`;
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  let config: PhpIniArray | undefined;
  let section: 'config' | 'hashes' | undefined;
  let sawHashes = false;
  let otherKeys = 0;
  // 1-based line in the text; module.sig's line is firstLine + line - 1, computed as parse.ts does.
  let line = 1;

  for (let at = 0; at < input.length; line++) {
    const c = input.charCodeAt(at);
    if (c === 10) {
      at++;
      continue;
    }
    if (section === 'hashes') {
      HASH_LINE.lastIndex = at;
      if (HASH_LINE.test(input)) {
        const end = HASH_LINE.lastIndex;
        const path = input.slice(at, end - HASH_LINE_TAIL);
        if (entries.length >= limits.maxEntries || seen.has(path)) return undefined;
        if ((path.length <= 5 && BOOL_WORD.test(path)) || unsafePathReason(path) !== undefined) return undefined;
        seen.add(path);
        entries.push({ path, digest: input.slice(end - 65, end - 1), line: firstLine + line - 1 });
        at = end;
        continue;
      }
    }
    if (c === 59) {
      COMMENT_LINE.lastIndex = at;
      if (!COMMENT_LINE.test(input)) return undefined;
      at = COMMENT_LINE.lastIndex;
      continue;
    }
    if (c === 91) {
      const name = input.startsWith('[config]\n', at) ? 'config' : input.startsWith('[hashes]\n', at) ? 'hashes' : '';
      if (name === '' || (name === 'config' ? config !== undefined : sawHashes) || ++otherKeys > MAX_OTHER_KEYS)
        return undefined;
      section = name;
      if (name === 'config') config = new PhpIniArray();
      else sawHashes = true;
      at += name.length + '[]\n'.length;
      continue;
    }
    if (section !== 'config' || config === undefined) return undefined;
    CONFIG_LINE.lastIndex = at;
    const match = CONFIG_LINE.exec(input);
    if (!match || ++otherKeys > MAX_OTHER_KEYS) return undefined;
    const [, key = '', quoted, bare = ''] = match;
    if (BOOL_WORD.test(key) || (quoted === undefined && BOOL_WORD_IN_VALUE.test(bare))) return undefined;
    config.set(key, quoted ?? bare, line);
    at = CONFIG_LINE.lastIndex;
  }
  return sawHashes ? { config, entries } : undefined;
}
