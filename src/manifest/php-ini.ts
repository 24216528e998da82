// PHP's parse_ini_string($text, true) in its default mode (INI_SCANNER_NORMAL), rule for rule, as
// PHP 8.2 (FreePBX 17's PHP) implements it in Zend/zend_ini_scanner.l, zend_ini_parser.y and
// ext/standard's php_ini_parser_cb_with_sections(). Pure: no I/O.
//
// FreePBX reads module.sig with this function, so what it returns decides what FreePBX checks: which
// lines are entries, which are dropped, and when the whole text is refused (false). Reading it the
// same way is the only way to report FreePBX's status exactly. The rules, in short:
//   - A line is a key, a key "=" value, a key[offset] = value, a [section], a ";" comment or blank.
//     A key without "=" (as "# End") is dropped; "#" starts no comment since PHP 7.
//   - A key is a run of characters other than = \n \r \t ; & | ^ $ ~ ( ) { } ! " [ (spaces count,
//     and are trimmed). A ";" in it starts a comment, a tab ends it and starts another key. Any of
//     = & | ^ $ ~ ( ) { } ! " where a key may start makes the whole parse fail, as does a bare key
//     true/on/yes/false/off/no/none/null (any case), or "a[b]" followed by anything but "=".
//   - A value is a concatenation of bare words, numbers, 'raw' and "escaped" strings and ${var}
//     (a php.ini setting or an environment variable); whitespace inside is kept, around quotes it is
//     not. Bare words that name a PHP constant are replaced by its value. | & ^ ~ ! ( ) are integer
//     operators. true/on/yes are "1", false/off/no/none/null are "".
//   - Lines end at \n, \r or \r\n. The text ends at its first NUL (PHP reads it with strlen()).
//   - A token that would read past the end (an unterminated 'raw string', a key or a comment on the
//     last line with no newline) ends the parse there, successfully: re2c's YYFILL returns 0.
//   - The result is an array of sections; a key given twice keeps its first place and its last
//     value; a section given twice is emptied and refilled.
// test/unit/manifest/php-ini-differential.test.ts runs PHP itself against this on many inputs.

/** A PHP array as parse_ini_string() builds it: ordered, keys are strings or integers. */
export class PhpIniArray {
  // Keys as strings: PHP turns a canonical decimal key ("5", "-3") into an integer, so a canonical
  // string here always stands for an integer key and any other string for a string key.
  readonly #items = new Map<string, { value: PhpIniValue; line: number }>();
  // PHP's nNextFreeElement: where `a[] = x` goes. Undefined until an integer key is added.
  #next: bigint | undefined;

  get size(): number {
    return this.#items.size;
  }

  get(key: string): PhpIniValue | undefined {
    return this.#items.get(key)?.value;
  }

  /** Line of the statement that last set `key`. */
  lineOf(key: string): number | undefined {
    return this.#items.get(key)?.line;
  }

  entries(): IterableIterator<[string, { value: PhpIniValue; line: number }]> {
    return this.#items.entries();
  }

  /** zend_symtable_update(): replaces the value in place, or appends. */
  set(key: string, value: PhpIniValue, line: number): void {
    const item = this.#items.get(key);
    if (item) {
      item.value = value;
      item.line = line;
      return;
    }
    this.#items.set(key, { value, line });
    if (isCanonicalInteger(key)) this.#noteInteger(BigInt(key));
  }

  /** add_next_index_zval(): `a[] = x`. PHP refuses silently when the next index is taken. */
  push(value: PhpIniValue, line: number): void {
    const index = this.#next ?? 0n;
    const key = index.toString();
    if (this.#items.has(key)) return;
    this.#items.set(key, { value, line });
    this.#noteInteger(index);
  }

  #noteInteger(key: bigint): void {
    if (this.#next === undefined || key >= this.#next) this.#next = key < LONG_MAX ? key + 1n : LONG_MAX;
  }
}

export type PhpIniValue = string | PhpIniArray;

/** One statement as PHP's parser hands it to its callback, for callers that need more than the array. */
export interface PhpIniStatement {
  /** section: [key]; entry: key = value; offset: key[offset] = value; bare: a key alone (dropped). */
  readonly kind: 'section' | 'entry' | 'offset' | 'bare';
  /** 1-based line (lines counted at "\n") of the statement's first character. */
  readonly line: number;
  readonly key: string;
  /** For an offset: the offset ("b" in "a[b] = c"); otherwise "". */
  readonly offset: string;
  /** For an offset: the key as written, from its first character to "]" ("a[b]"); otherwise "". */
  readonly source: string;
  /** The value of an entry or an offset; "" for a section or a bare key. */
  readonly value: string;
  /** The value depends on PHP's run time: a ${variable}, a defined constant or an operator. */
  readonly computed: boolean;
  /** Where the statement starts and ends in the text (from its key to the end of its value). */
  readonly start: number;
  readonly end: number;
}

export interface PhpIniOptions {
  /** The value of a PHP constant, or undefined when none has that name (the default for every name). */
  readonly constant?: (name: string) => string | undefined;
  /** The value of ${name} (a php.ini setting, else an environment variable); undefined reads as "". */
  readonly variable?: (name: string) => string | undefined;
  /** Called once per statement, in order. It may throw to stop the parse. */
  readonly onStatement?: (statement: PhpIniStatement) => void;
}

export type PhpIniResult =
  | { readonly ok: true; readonly value: PhpIniArray; readonly end: number }
  | {
      readonly ok: false;
      readonly line: number;
      /** Where in the text PHP's parser gave up. */
      readonly at: number;
      /** What it found there: a character ('"("'), or "the end of the line" / "the end of the text". */
      readonly found: string;
      readonly message: string;
    };

/**
 * parse_ini_string($text, true): the array, or why PHP returns false. `end` is where PHP stopped
 * reading: the text's length, or its first NUL.
 */
export function parsePhpIni(text: string, options: PhpIniOptions = {}): PhpIniResult {
  const nul = text.indexOf('\0');
  const input = nul < 0 ? text : text.slice(0, nul);
  const parser = new Parser(input, options);
  const failure = parser.run();
  return failure ? { ok: false, ...failure } : { ok: true, value: parser.result, end: input.length };
}

// ---------------------------------------------------------------------------------------------
// Scanner

const LONG_MAX = 9223372036854775807n;

// Token types.
const END = 0;
const EOL = 1;
const SECTION = 2;
const LABEL = 3;
const OFFSET = 4;
const RAW = 5;
const CONSTANT = 6;
const NUMBER = 7;
const STRING = 8;
const WHITESPACE = 9;
const QUOTED = 10;
const DOLLAR_CURLY = 11;
const VARNAME = 12;
const BOOL_TRUE = 13;
const BOOL_FALSE = 14;
const NULL_NULL = 15;
/** A single character PHP returns as itself: = ] " } ( ) ~ ! | & ^ and the refused ones. */
const CHAR = 16;

// Scanner states.
const INITIAL = 0;
const ST_VALUE = 1;
const ST_SECTION_VALUE = 2;
const ST_OFFSET = 3;
const ST_DOUBLE_QUOTES = 4;
const ST_VARNAME = 5;

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34; // "
const DOLLAR = 36;
const APOSTROPHE = 39;
const SEMICOLON = 59;
const EQUALS = 61;
const BRACKET_OPEN = 91;
const BACKSLASH = 92;
const BRACKET_CLOSE = 93;
const BRACE_OPEN = 123;
const BRACE_CLOSE = 125;

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}
// LABEL [^=\n\r\t;&|^$~(){}!"\[]+ (PHP 8.2; the NUL that re2c reads after the text is a label character).
const NOT_LABEL_CHARS = '=\n\r\t;&|^$~(){}!"[';
const NOT_LABEL = table(NOT_LABEL_CHARS);
// TOKENS: returned as themselves in INITIAL (the label characters among them never get there).
const TOKENS = table(':,.[]"\'()&|^+-/*=%$!~<>?@{}');
const OPERATORS = table('&|^~()!');
// VALUE_CHARS [^$= \t\n\r;&|^~()!"'\000], plus "$" not followed by "{".
const NOT_VALUE_CHARS = '$= \t\n\r;&|^~()!"\'\0';
const NOT_VALUE = table(NOT_VALUE_CHARS);
// The line simpleEntry() reads, as one sticky regular expression built from the same character sets:
// a key (label characters, not starting with a space), "=", spaces or tabs, a value (value characters
// but "$"), spaces or tabs, a NEWLINE. A regular expression runs as native code from its first uses,
// where a character loop starts in the interpreter: most of a manifest's parse is this one line shape.
const SIMPLE_LINE = new RegExp(
  `([^ ${classEscape(NOT_LABEL_CHARS)}][^${classEscape(NOT_LABEL_CHARS)}]*)=([ \\t]*)([^${classEscape(NOT_VALUE_CHARS)}]+)[ \\t]*(?:\\r\\n|\\r|\\n)`,
  'y',
);

function classEscape(chars: string): string {
  return chars
    .replace(/[\\\][^-]/g, '\\$&')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/\0/g, '\\0');
}
// SECTION_VALUE_CHARS [^$\n\r;"'\]\\], plus "\" with any character and "$" not followed by "{".
const NOT_SECTION_VALUE = table('$\n\r;"\']\\');

function isLabelChar(c: number): boolean {
  return c >= 128 || NOT_LABEL[c] === 0;
}
function isSpaceOrTab(c: number): boolean {
  return c === SPACE || c === TAB;
}
function isConstantStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isConstantChar(c: number): boolean {
  return isConstantStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

// A run that would read past the end of the text: re2c's YYFILL makes the scanner return 0 (END).
const PAST_END = -2;

const BOOL_WORDS: ReadonlyArray<readonly [string, number]> = [
  ['true', BOOL_TRUE],
  ['on', BOOL_TRUE],
  ['yes', BOOL_TRUE],
  ['false', BOOL_FALSE],
  ['off', BOOL_FALSE],
  ['none', BOOL_FALSE],
  ['no', BOOL_FALSE],
  ['null', NULL_NULL],
];

class Scanner {
  readonly #text: string;
  readonly #len: number;
  #pos = 0;
  #state = INITIAL;
  readonly #stack: number[] = [];
  #boolType = 0;
  // The token just scanned.
  type = END;
  char = 0;
  value = '';
  start = 0;
  end = 0;

  constructor(text: string) {
    this.#text = text;
    this.#len = text.length;
    // A UTF-8 byte order mark at the very start is skipped when something follows it.
    if (text.charCodeAt(0) === 0xfeff && text.length > 1) this.#pos = 1;
  }

  get text(): string {
    return this.#text;
  }

  /** The character at i, with the NUL that re2c reads after the text. */
  #at(i: number): number {
    return i < this.#len ? this.#text.charCodeAt(i) : 0;
  }

  #spaces(i: number): number {
    while (i < this.#len && isSpaceOrTab(this.#text.charCodeAt(i))) i++;
    return i;
  }

  /** End of a NEWLINE ("\r", "\n", "\r\n") at i, or -1. */
  #newline(i: number): number {
    const c = this.#at(i);
    if (c === LF) return i + 1;
    if (c === CR) return this.#at(i + 1) === LF ? i + 2 : i + 1;
    return -1;
  }

  /** End of {TABS_AND_SPACES}*[;][^\r\n]*{NEWLINE} from i, -1 when there is none, PAST_END when it runs off. */
  #comment(i: number): number {
    const j = this.#spaces(i);
    if (this.#at(j) !== SEMICOLON) return -1;
    let k = j + 1;
    while (k < this.#len) {
      const c = this.#text.charCodeAt(k);
      if (c === LF || c === CR) return this.#newline(k);
      k++;
    }
    return PAST_END;
  }

  /** End of a bool/null word with its trailing spaces at i (its type in #boolType), or -1. */
  #boolWord(i: number): number {
    const c = this.#at(i) | 0x20;
    if (c !== 116 && c !== 111 && c !== 121 && c !== 102 && c !== 110) return -1; // t o y f n
    let best = -1;
    for (const [word, wordType] of BOOL_WORDS) {
      if (i + word.length > this.#len) continue;
      let k = 0;
      for (; k < word.length; k++) {
        const ch = this.#text.charCodeAt(i + k) | 0x20; // letters only: case-insensitive
        if (ch !== word.charCodeAt(k)) break;
      }
      if (k === word.length && i + k > best) {
        best = i + k;
        this.#boolType = wordType;
      }
    }
    return best < 0 ? -1 : this.#spaces(best);
  }

  /** End of {NUMBER} at i, or -1. */
  #number(i: number): number {
    let best = -1;
    let k = i;
    if (this.#at(k) === 45) k++; // "-": integers only
    let d = k;
    while (isDigit(this.#at(d))) d++;
    if (d > k) best = d;
    // DNUM: [0-9]*[.][0-9]+ | [0-9]+[.][0-9]*, without the sign.
    let e = i;
    while (isDigit(this.#at(e))) e++;
    if (this.#at(e) === 46) {
      let f = e + 1;
      while (isDigit(this.#at(f))) f++;
      if (f > e + 1 || e > i) best = Math.max(best, f);
    }
    return best;
  }

  /** End of {VALUE_CHARS}+ at i (-1 when none, PAST_END when it runs off the text). */
  #valueChars(i: number): number {
    let k = i;
    for (;;) {
      const c = this.#at(k);
      if (c === DOLLAR) {
        const next = this.#afterDollar(k);
        if (next === PAST_END) return PAST_END;
        if (next < 0) break;
        k = next;
        continue;
      }
      if (c >= 128 || NOT_VALUE[c] === 0) {
        k++;
        continue;
      }
      break;
    }
    return k > i ? k : -1;
  }

  // A "$" inside a run of value characters, as both value rules read it: "$\" with any character after
  // it (even the NUL after the text, and then the scanner reads on) and "$" before anything but "{" or
  // the end belong to the run. Where the run goes on after it; -1 where the run stops at the "$";
  // PAST_END when "$\" runs off the text.
  #afterDollar(k: number): number {
    const n = this.#at(k + 1);
    if (n === BACKSLASH) return k + 2 >= this.#len ? PAST_END : k + 3;
    if (n === BRACE_OPEN || n === 0) return -1;
    return k + 2;
  }

  /** End of {SECTION_VALUE_CHARS}+ at i (-1 when none, PAST_END when it runs off the text). */
  #sectionValueChars(i: number): number {
    let k = i;
    for (;;) {
      if (k >= this.#len) return PAST_END; // the NUL after the text is one of them: the scanner reads on
      const c = this.#text.charCodeAt(k);
      if (c === BACKSLASH) {
        if (k + 1 >= this.#len) return PAST_END;
        k += 2;
        continue;
      }
      if (c === DOLLAR) {
        const next = this.#afterDollar(k);
        if (next === PAST_END) return PAST_END;
        if (next < 0) break;
        k = next;
        continue;
      }
      if (c >= 128 || NOT_SECTION_VALUE[c] === 0) {
        k++;
        continue;
      }
      break;
    }
    return k > i ? k : -1;
  }

  /** End of "'"[^']+"'" at i, -1 when none, PAST_END when no quote closes it. */
  #raw(i: number): number {
    if (this.#at(i + 1) === APOSTROPHE) return -1; // '' is not a raw string
    const close = this.#text.indexOf("'", i + 1);
    return close < 0 ? PAST_END : close + 1;
  }

  #token(type: number, start: number, end: number, value = ''): number {
    this.type = type;
    this.start = start;
    this.end = end;
    this.value = value;
    this.#pos = end;
    return type;
  }

  #charToken(c: number, start: number, end: number): number {
    this.char = c;
    return this.#token(CHAR, start, end);
  }

  /** The scanner returns 0 at `at`: the parse ends there (an error if a statement is unfinished). */
  #end(at: number): number {
    this.type = END;
    this.start = at;
    this.end = at;
    this.value = '';
    this.#pos = this.#len;
    return END;
  }

  /**
   * The common line `key = value` (a module.sig is almost only such lines), read in one step when the
   * general rules could only read it as: the key, "=", one literal word, the end of the line. Returns
   * false, having read nothing, for anything else. On true, `value` is the key, `rawValue` the value,
   * `start`/`end` the statement's span, and the scanner stands after the line's end.
   */
  simpleEntry(): boolean {
    if (this.#state !== INITIAL) return false;
    const text = this.#text;
    const p = this.#pos;
    SIMPLE_LINE.lastIndex = p;
    const match = SIMPLE_LINE.exec(text);
    if (match === null) return false;
    const key = match[1] as string;
    const v = p + key.length + 1 + (match[2] as string).length;
    const r = v + (match[3] as string).length;
    let keyEnd = p + key.length;
    while (keyEnd > p && text.charCodeAt(keyEnd - 1) === SPACE) keyEnd--;
    // A key or a value that is a bool word (5 letters at most) reads otherwise (a refused key, "1" or "").
    if ((keyEnd - p <= 5 && this.#boolWord(p) >= keyEnd) || (r - v <= 5 && this.#boolWord(v) >= r)) return false;
    this.value = keyEnd === p + key.length ? key : text.slice(p, keyEnd);
    this.rawValue = match[3] as string;
    this.start = p;
    this.end = r;
    this.#pos = SIMPLE_LINE.lastIndex;
    return true;
  }

  rawValue = '';

  next(): number {
    const p = this.#pos;
    if (p >= this.#len) {
      if (this.#state === ST_VALUE) {
        this.#state = INITIAL;
        return this.#token(EOL, p, p);
      }
      return this.#end(p);
    }
    switch (this.#state) {
      case INITIAL:
        return this.#initial(p);
      case ST_VALUE:
        return this.#inValue(p);
      case ST_SECTION_VALUE:
      case ST_OFFSET:
        return this.#inSectionOrOffset(p, this.#state === ST_OFFSET);
      case ST_DOUBLE_QUOTES:
        return this.#inDoubleQuotes(p);
      default:
        return this.#inVarname(p);
    }
  }

  #initial(p: number): number {
    for (;;) {
      const c = this.#text.charCodeAt(p);
      if (c === BRACKET_OPEN) {
        this.#state = ST_SECTION_VALUE;
        return this.#token(SECTION, p, p + 1);
      }
      // The longest match wins; on a tie, the rule written first in PHP's scanner (the order below).
      let best = -1;
      let kind = 0; // 1 key[, 2 bool word, 3 key, 4 "=", 5 token, 6 spaces, 7 newline, 8 comment
      let end: number;
      let boolType = 0;
      if (isLabelChar(c)) {
        let l = p + 1;
        while (l < this.#len && isLabelChar(this.#text.charCodeAt(l))) l++;
        if (l >= this.#len) return this.#end(p); // the key reads the NUL after the text, then past it
        if (this.#text.charCodeAt(l) === BRACKET_OPEN) {
          best = this.#spaces(l + 1);
          kind = 1;
        }
        end = this.#boolWord(p);
        if (end > best) {
          best = end;
          kind = 2;
          boolType = this.#boolType;
        }
        if (l > best) {
          best = l;
          kind = 3;
        }
      }
      const s = this.#spaces(p);
      if (this.#at(s) === EQUALS) {
        end = this.#spaces(s + 1);
        if (end > best) {
          best = end;
          kind = 4;
        }
      }
      if (c < 128 && TOKENS[c] === 1 && !isLabelChar(c) && p + 1 > best) {
        best = p + 1;
        kind = 5;
      }
      if (s > p && s > best) {
        best = s;
        kind = 6;
      }
      end = this.#newline(s);
      if (end > best) {
        best = end;
        kind = 7;
      }
      end = this.#comment(p);
      if (end === PAST_END) return this.#end(p);
      if (end > best) {
        best = end;
        kind = 8;
      }

      switch (kind) {
        case 1: {
          // {LABEL}"["{TABS_AND_SPACES}*: the key without its surrounding spaces and "[".
          const open = this.#text.indexOf('[', p);
          this.#state = ST_OFFSET;
          return this.#token(OFFSET, p, best, trimSpaces(this.#text, p, open));
        }
        case 2:
          return this.#token(boolType, p, best);
        case 3:
          return this.#token(LABEL, p, best, trimSpaces(this.#text, p, best));
        case 4:
          this.#state = ST_VALUE;
          return this.#charToken(EQUALS, p, best);
        case 5:
          return this.#charToken(c, p, best);
        case 6:
          p = best; // spaces are skipped
          if (p >= this.#len) return this.#end(p);
          continue;
        case 7:
        case 8:
          return this.#token(EOL, p, best);
        default:
          return this.#end(p); // <*>[^]: PHP's scanner returns 0, the parse ends here
      }
    }
  }

  #inValue(p: number): number {
    const c = this.#text.charCodeAt(p);
    // 1 'raw', 2 ${, 3 bool word, 4 newline, 5 word, 6 number, 7 operator, 8 "=", 9 string, 10 ", 11 whitespace, 12 comment
    let best = -1;
    let kind = 0;
    let end: number;
    let boolType = 0;
    if (c === APOSTROPHE) {
      end = this.#raw(p);
      if (end === PAST_END) return this.#end(p);
      if (end > best) {
        best = end;
        kind = 1;
      }
    }
    if (c === DOLLAR && this.#at(p + 1) === BRACE_OPEN && p + 2 > best) {
      best = p + 2;
      kind = 2;
    }
    end = this.#boolWord(p);
    if (end > best) {
      best = end;
      kind = 3;
      boolType = this.#boolType;
    }
    const s = this.#spaces(p);
    end = this.#newline(s);
    if (end > best) {
      best = end;
      kind = 4;
    }
    if (isConstantStart(c)) {
      end = p + 1;
      while (isConstantChar(this.#at(end))) end++;
      if (end > best) {
        best = end;
        kind = 5;
      }
    }
    end = this.#number(p);
    if (end > best) {
      best = end;
      kind = 6;
    }
    if (c < 128 && OPERATORS[c] === 1) {
      end = this.#spaces(p + 1);
      if (end > best) {
        best = end;
        kind = 7;
      }
    }
    if (c === EQUALS && p + 1 > best) {
      best = p + 1;
      kind = 8;
    }
    end = this.#valueChars(p);
    if (end === PAST_END) return this.#end(p);
    if (end > best) {
      best = end;
      kind = 9;
    }
    if (this.#at(s) === QUOTE && s + 1 > best) {
      best = s + 1;
      kind = 10;
    }
    if (s > p && s > best) {
      best = s;
      kind = 11;
    }
    end = this.#comment(p);
    if (end === PAST_END) return this.#end(p);
    if (end > best) {
      best = end;
      kind = 12;
    }

    switch (kind) {
      case 1:
        return this.#token(RAW, p, best, this.#text.slice(p + 1, best - 1));
      case 2:
        this.#stack.push(this.#state);
        this.#state = ST_VARNAME;
        return this.#token(DOLLAR_CURLY, p, best);
      case 3:
        return this.#token(boolType, p, best);
      case 5:
        return this.#token(CONSTANT, p, best, this.#text.slice(p, best));
      case 6:
        return this.#token(NUMBER, p, best, this.#text.slice(p, best));
      case 7:
        return this.#charToken(c, p, best);
      case 8:
        // "=" inside a value: the value ends, and "=" is read again where a key may start.
        this.#state = INITIAL;
        return this.#token(EOL, p, p);
      case 9:
        return this.#token(STRING, p, best, this.#text.slice(p, best));
      case 10:
        this.#stack.push(this.#state);
        this.#state = ST_DOUBLE_QUOTES;
        return this.#charToken(QUOTE, p, best);
      case 11:
        return this.#token(WHITESPACE, p, best, this.#text.slice(p, best));
      case 0:
        // <ST_VALUE>[^]: the value ends at a character nothing else takes.
        this.#state = INITIAL;
        return this.#token(EOL, p, p + 1);
      default:
        // A newline or a comment ends the value.
        this.#state = INITIAL;
        return this.#token(EOL, p, best);
    }
  }

  #inSectionOrOffset(p: number, offset: boolean): number {
    const c = this.#text.charCodeAt(p);
    // 1 'raw', 2 "]", 3 ${, 4 word, 5 number, 6 string, 7 ", 8 whitespace
    let best = -1;
    let kind = 0;
    let end: number;
    if (c === APOSTROPHE) {
      end = this.#raw(p);
      if (end === PAST_END) return this.#end(p);
      if (end > best) {
        best = end;
        kind = 1;
      }
    }
    const s = this.#spaces(p);
    if (offset) {
      // {TABS_AND_SPACES}*"]"
      if (this.#at(s) === BRACKET_CLOSE && s + 1 > best) {
        best = s + 1;
        kind = 2;
      }
    } else if (c === BRACKET_CLOSE) {
      // "]"{TABS_AND_SPACES}*{NEWLINE}?
      const t = this.#spaces(p + 1);
      const nl = this.#newline(t);
      end = nl > 0 ? nl : t;
      if (end > best) {
        best = end;
        kind = 2;
      }
    }
    if (c === DOLLAR && this.#at(p + 1) === BRACE_OPEN && p + 2 > best) {
      best = p + 2;
      kind = 3;
    }
    if (isConstantStart(c)) {
      end = p + 1;
      while (isConstantChar(this.#at(end))) end++;
      if (end > best) {
        best = end;
        kind = 4;
      }
    }
    end = this.#number(p);
    if (end > best) {
      best = end;
      kind = 5;
    }
    end = this.#sectionValueChars(p);
    if (end === PAST_END) return this.#end(p);
    if (end > best) {
      best = end;
      kind = 6;
    }
    if (this.#at(s) === QUOTE && s + 1 > best) {
      best = s + 1;
      kind = 7;
    }
    if (s > p && s > best) {
      best = s;
      kind = 8;
    }

    switch (kind) {
      case 1:
        return this.#token(RAW, p, best, this.#text.slice(p + 1, best - 1));
      case 2:
        this.#state = INITIAL;
        return this.#charToken(BRACKET_CLOSE, p, best);
      case 3:
        this.#stack.push(this.#state);
        this.#state = ST_VARNAME;
        return this.#token(DOLLAR_CURLY, p, best);
      case 4:
        return this.#token(CONSTANT, p, best, this.#text.slice(p, best));
      case 5:
        return this.#token(NUMBER, p, best, this.#text.slice(p, best));
      case 6:
        return this.#token(STRING, p, best, this.#text.slice(p, best));
      case 7:
        this.#stack.push(this.#state);
        this.#state = ST_DOUBLE_QUOTES;
        return this.#charToken(QUOTE, p, best);
      case 8:
        return this.#token(WHITESPACE, p, best, this.#text.slice(p, best));
      default:
        return this.#end(p);
    }
  }

  #inDoubleQuotes(p: number): number {
    const c = this.#text.charCodeAt(p);
    if (c === QUOTE) {
      this.#state = this.#stack.pop() ?? INITIAL;
      return this.#charToken(QUOTE, p, this.#spaces(p + 1));
    }
    if (c === DOLLAR && this.#at(p + 1) === BRACE_OPEN) {
      this.#stack.push(this.#state);
      this.#state = ST_VARNAME;
      return this.#token(DOLLAR_CURLY, p, p + 2);
    }
    // The string's contents up to its closing quote or a "${"; \" does not close it, except as
    // the last thing on a line (Windows paths: key="C:\path\").
    let s = p;
    while (s < this.#len) {
      const ch = this.#text.charCodeAt(s++);
      if (ch === QUOTE) {
        s--;
        break;
      }
      if (ch === DOLLAR) {
        if (s < this.#len && this.#text.charCodeAt(s) === BRACE_OPEN) {
          s--;
          break;
        }
        continue;
      }
      if (ch === BACKSLASH && s < this.#len) {
        const escaped = this.#text.charCodeAt(s++);
        if (escaped === QUOTE) {
          const after = this.#at(s);
          if (s >= this.#len || after === LF || after === CR) {
            s--;
            break;
          }
        }
      }
    }
    return this.#token(QUOTED, p, s, unescapeDoubleQuoted(this.#text.slice(p, s)));
  }

  #inVarname(p: number): number {
    const c = this.#text.charCodeAt(p);
    if (c === BRACE_CLOSE) {
      this.#state = this.#stack.pop() ?? INITIAL;
      return this.#charToken(BRACE_CLOSE, p, p + 1);
    }
    if (!isLabelChar(c)) return this.#end(p);
    let l = p + 1;
    while (l < this.#len && isLabelChar(this.#text.charCodeAt(l))) l++;
    if (l >= this.#len) return this.#end(p);
    return this.#token(VARNAME, p, l, trimSpaces(this.#text, p, l));
  }
}

function isWord(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isConstantChar(s.charCodeAt(i))) return false;
  return true;
}

// EAT_LEADING_WHITESPACE / EAT_TRAILING_WHITESPACE: spaces and tabs (and line ends, which a key cannot hold).
function trimSpaces(text: string, start: number, end: number): string {
  while (start < end && isSpaceOrTab(text.charCodeAt(start))) start++;
  while (end > start && isSpaceOrTab(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

// zend_ini_escape_string() for double quotes: \" \\ \$ lose their backslash; other escapes stay.
function unescapeDoubleQuoted(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n === undefined) {
      out += c;
    } else if (n === '"' || n === '\\' || n === '$') {
      out += n;
      i++;
    } else {
      out += c + n;
      i++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Parser (zend_ini_parser.y) and callback (php_ini_parser_cb_with_sections)

const TOKEN_NAMES: Record<number, string> = {
  [END]: 'the end of the text',
  [EOL]: 'the end of the line',
  [SECTION]: '"["',
  [LABEL]: 'a key',
  [OFFSET]: 'a key with an offset',
  [RAW]: 'a quoted string',
  [CONSTANT]: 'a word',
  [NUMBER]: 'a number',
  [STRING]: 'a string',
  [WHITESPACE]: 'whitespace',
  [QUOTED]: 'a quoted string',
  [DOLLAR_CURLY]: '"${"',
  [VARNAME]: 'a variable name',
  [BOOL_TRUE]: 'a boolean word (true, on, yes)',
  [BOOL_FALSE]: 'a boolean word (false, off, no, none)',
  [NULL_NULL]: '"null"',
};

class IniSyntaxError extends Error {
  readonly at: number;
  readonly found: string;

  constructor(found: string, at: number) {
    super(`syntax error, unexpected ${found}`);
    this.at = at;
    this.found = found;
  }
}

interface Value {
  text: string;
  computed: boolean;
}

class Parser {
  readonly result = new PhpIniArray();
  readonly #scanner: Scanner;
  readonly #options: PhpIniOptions;
  #pushedBack = false;
  #section: PhpIniArray | undefined;
  // Where the statement being read starts: an unfinished one is reported there.
  #statementStart = 0;
  // Line counting, forward only: lines end at "\n" (module.sig's own lines).
  #linePos = 0;
  #line = 1;

  constructor(text: string, options: PhpIniOptions) {
    this.#scanner = new Scanner(text);
    this.#options = options;
  }

  run(): { line: number; at: number; found: string; message: string } | undefined {
    try {
      this.#statements();
      return undefined;
    } catch (error) {
      if (error instanceof IniSyntaxError)
        return { line: this.#lineAt(error.at), at: error.at, found: error.found, message: error.message };
      throw error;
    }
  }

  #lineAt(pos: number): number {
    const text = this.#scanner.text;
    if (pos < this.#linePos) {
      // Only an error can look back; count again from the start.
      this.#linePos = 0;
      this.#line = 1;
    }
    for (;;) {
      const nl = text.indexOf('\n', this.#linePos);
      if (nl < 0 || nl >= pos) break;
      this.#line++;
      this.#linePos = nl + 1;
    }
    return this.#line;
  }

  #next(): number {
    if (this.#pushedBack) {
      this.#pushedBack = false;
      return this.#scanner.type;
    }
    return this.#scanner.next();
  }

  #pushBack(): void {
    this.#pushedBack = true;
  }

  #unexpected(): never {
    const s = this.#scanner;
    const what = s.type === CHAR ? JSON.stringify(String.fromCharCode(s.char)) : (TOKEN_NAMES[s.type] ?? 'a token');
    throw new IniSyntaxError(what, s.type === END ? this.#statementStart : s.start);
  }

  #expectChar(c: number): void {
    if (this.#next() !== CHAR || this.#scanner.char !== c) this.#unexpected();
  }

  #statements(): void {
    const s = this.#scanner;
    const constant = this.#options.constant;
    for (;;) {
      if (!this.#pushedBack && s.simpleEntry()) {
        const key = s.value;
        let value = s.rawValue;
        let computed = false;
        // A value made only of word characters is a constant's name to PHP.
        if (constant && isConstantStart(value.charCodeAt(0)) && isWord(value)) {
          const found = constant(value);
          if (found !== undefined) {
            value = found;
            computed = true;
          }
        }
        this.#emit('entry', key, '', '', value, computed, s.start, s.end);
        this.#entry(key, value, this.#lineAt(s.start));
        continue;
      }
      const type = this.#next();
      const start = s.start;
      this.#statementStart = start;
      switch (type) {
        case END:
          return;
        case EOL:
          continue;
        case SECTION: {
          const name = this.#stringList('section', true);
          this.#expectChar(BRACKET_CLOSE);
          this.#emit('section', name.text, '', '', '', name.computed, start, s.end);
          this.#section = new PhpIniArray();
          this.result.set(name.text, this.#section, this.#lineAt(start));
          continue;
        }
        case LABEL: {
          const key = s.value;
          const keyEnd = s.end;
          if (this.#next() === CHAR && s.char === EQUALS) {
            const value = this.#stringOrValue();
            this.#emit('entry', key, '', '', value.text, value.computed, start, s.end);
            this.#entry(key, value.text, this.#lineAt(start));
          } else {
            this.#pushBack();
            this.#emit('bare', key, '', '', '', false, start, keyEnd);
          }
          continue;
        }
        case OFFSET: {
          const key = s.value;
          const offset = this.#stringList('offset', true);
          this.#expectChar(BRACKET_CLOSE);
          const source = trimSpaces(s.text, start, s.end);
          this.#expectChar(EQUALS);
          const value = this.#stringOrValue();
          this.#emit('offset', key, offset.text, source, value.text, value.computed || offset.computed, start, s.end);
          this.#popEntry(key, offset.text, value.text, this.#lineAt(start));
          continue;
        }
        default:
          this.#unexpected();
      }
    }
  }

  #emit(
    kind: PhpIniStatement['kind'],
    key: string,
    offset: string,
    source: string,
    value: string,
    computed: boolean,
    start: number,
    end: number,
  ): void {
    const listener = this.#options.onStatement;
    if (!listener) return;
    // One object shape for every statement: property reads stay fast in the listener.
    listener({ kind, line: this.#lineAt(start), key, offset, source, value, computed, start, end });
  }

  // string_or_value: expr | BOOL_TRUE | BOOL_FALSE | NULL_NULL | END_OF_LINE
  #stringOrValue(): Value {
    const type = this.#next();
    if (type === BOOL_TRUE) return { text: '1', computed: false };
    if (type === BOOL_FALSE || type === NULL_NULL || type === EOL) return { text: '', computed: false };
    this.#pushBack();
    return this.#expr();
  }

  // expr: var_string_list | expr '|' expr | expr '&' expr | expr '^' expr | '~' expr | '!' expr | '(' expr ')'
  // with | & ^ of equal precedence, left-associative, and ~ ! binding tighter.
  #expr(): Value {
    let left = this.#unary();
    for (;;) {
      const type = this.#next();
      const c = this.#scanner.char;
      if (type === CHAR && (c === 124 || c === 38 || c === 94)) {
        const right = this.#unary();
        const a = phpAtoi(left.text);
        const b = phpAtoi(right.text);
        left = { text: String(c === 124 ? a | b : c === 38 ? a & b : a ^ b), computed: true };
        continue;
      }
      this.#pushBack();
      return left;
    }
  }

  #unary(): Value {
    const type = this.#next();
    const c = this.#scanner.char;
    if (type === CHAR && c === 126) return { text: String(~phpAtoi(this.#unary().text)), computed: true };
    if (type === CHAR && c === 33) return { text: phpAtoi(this.#unary().text) === 0 ? '1' : '0', computed: true };
    if (type === CHAR && c === 40) {
      const inner = this.#expr();
      this.#expectChar(41);
      return inner;
    }
    this.#pushBack();
    return this.#stringList('value', false);
  }

  // var_string_list (values and offsets: constants are looked up) and var_string_list_section
  // (section names: taken literally): words, numbers, strings, whitespace, "..." and ${...}.
  #stringList(mode: 'value' | 'offset' | 'section', emptyAllowed: boolean): Value {
    const s = this.#scanner;
    let text = '';
    let computed = false;
    let parts = 0;
    for (; ; parts++) {
      const type = this.#next();
      if (type === RAW || type === NUMBER || type === STRING || type === WHITESPACE) {
        text += s.value;
      } else if (type === CONSTANT) {
        const constant = mode === 'section' ? undefined : this.#options.constant?.(s.value);
        if (constant === undefined) text += s.value;
        else {
          text += constant;
          computed = true;
        }
      } else if (type === DOLLAR_CURLY) {
        text += this.#variable();
        computed = true;
      } else if (type === CHAR && s.char === QUOTE) {
        for (;;) {
          const inner = this.#next();
          if (inner === QUOTED) text += s.value;
          else if (inner === DOLLAR_CURLY) {
            text += this.#variable();
            computed = true;
          } else if (inner === CHAR && s.char === QUOTE) break;
          else this.#unexpected();
        }
      } else {
        this.#pushBack();
        break;
      }
    }
    if (parts === 0 && !emptyAllowed) this.#unexpected();
    return { text, computed };
  }

  // cfg_var_ref: TC_DOLLAR_CURLY TC_VARNAME '}'
  #variable(): string {
    if (this.#next() !== VARNAME) this.#unexpected();
    const name = this.#scanner.value;
    this.#expectChar(BRACE_CLOSE);
    return this.#options.variable?.(name) ?? '';
  }

  // php_simple_ini_parser_cb, ZEND_INI_PARSER_ENTRY: into the current section, or the top level.
  #entry(key: string, value: string, line: number): void {
    (this.#section ?? this.result).set(key, value, line);
  }

  // ZEND_INI_PARSER_POP_ENTRY: key[offset] = value. The key becomes an array (replacing a string);
  // an integer-looking key (not "0..." unless "0") is an integer index.
  #popEntry(key: string, offset: string, value: string, line: number): void {
    const target = this.#section ?? this.result;
    const index = key.length > 1 && key.charCodeAt(0) === 48 ? undefined : phpNumericLong(key);
    const name = index === undefined ? key : phpAtolBase0(key).toString();
    let array = target.get(name);
    if (!(array instanceof PhpIniArray)) {
      array = new PhpIniArray();
      target.set(name, array, line);
    }
    if (offset === '') array.push(value, line);
    else array.set(offset, value, line);
  }
}

// ---------------------------------------------------------------------------------------------
// PHP's number readings

/** Whether PHP stores `key` as an integer key (ZEND_HANDLE_NUMERIC_STR). */
export function isCanonicalInteger(key: string): boolean {
  const n = key.length;
  if (n === 0 || n > 20) return false;
  let i = key.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  if (key.charCodeAt(i) === 48 && n > i + 1) return false; // leading zero
  if (i === 1 && n === 2 && key.charCodeAt(1) === 48) return false; // "-0"
  for (; i < n; i++) if (!isDigit(key.charCodeAt(i))) return false;
  const value = BigInt(key);
  return value <= LONG_MAX && value >= -LONG_MAX - 1n;
}

const C_SPACE = /^[ \t\n\r\v\f]*/;

/** is_numeric_string() === IS_LONG: optional whitespace, sign, digits, whitespace; in range. */
function phpNumericLong(s: string): bigint | undefined {
  const m = /^[ \t\n\r\v\f]*([+-]?)(\d+)[ \t\n\r\v\f]*$/.exec(s);
  if (!m) return undefined;
  const value = BigInt(`${m[1] === '-' ? '-' : ''}${m[2] ?? ''}`);
  return value <= LONG_MAX && value >= -LONG_MAX - 1n ? value : undefined;
}

/** zend_atol(): strtol(s, NULL, 0), so a leading 0 reads as octal. */
function phpAtolBase0(s: string): bigint {
  let rest = s.replace(C_SPACE, '');
  let sign = 1n;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1n;
    rest = rest.slice(1);
  }
  let digits: string;
  let radix: bigint;
  if (rest.startsWith('0')) {
    digits = /^[0-7]*/.exec(rest)?.[0] ?? '';
    radix = 8n;
  } else {
    digits = /^\d*/.exec(rest)?.[0] ?? '';
    radix = 10n;
  }
  let value = 0n;
  for (const d of digits) value = value * radix + BigInt(d);
  value *= sign;
  if (value > LONG_MAX) return LONG_MAX;
  if (value < -LONG_MAX - 1n) return -LONG_MAX - 1n;
  return value;
}

/** C atoi() as glibc does it: (int) strtol(s, NULL, 10), so it wraps to 32 bits. */
export function phpAtoi(s: string): number {
  const m = /^[ \t\n\r\v\f]*([+-]?)(\d*)/.exec(s);
  const digits = m?.[2] ?? '';
  if (digits === '') return 0;
  let value = BigInt(digits);
  if (m?.[1] === '-') value = -value;
  // strtol saturates at the long range, then the cast to int keeps the low 32 bits.
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < -LONG_MAX - 1n) value = -LONG_MAX - 1n;
  return Number(BigInt.asIntN(32, value));
}
