// Text from an audited tree (file and directory names, key user IDs, messages quoting them) is
// attacker-controlled. Printed raw, a newline in a file name forges a separate "pbxsig: ALERT" line in
// a log, and an escape sequence rewrites the terminal (hides a line, changes the title, ...). Every
// human and log output passes such text through escapeControls(); JSON reports keep it exact.
//
// Escaped, as `ls -b` and C strings do, so that the result is unambiguous and still readable:
// - C0 controls, DEL and C1 controls (U+0080-U+009F, which some terminals obey as CSI and OSC);
// - Unicode's invisible format characters that change how text reads: bidirectional overrides and
//   isolates ("Trojan Source": `shell.php` shown as something else), zero-width characters, the line
//   and paragraph separators (line breaks to some log viewers) and the byte-order mark;
// - the backslash itself, so that a name holding a literal `\n` cannot pass for an escaped newline;
// - a byte of a name that is not UTF-8, which pbxsig carries as U+EF80-U+EFFF (src/fs/byte-string.ts):
//   shown as the byte, `\xNN`.

const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\\\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\uef80-\uefff]/g;
const ESCAPED_BYTE_BASE = 0xef00;

const NAMED: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u001b': '\\e',
};

/** The text with every control and invisible format character escaped (`\n`, `\e`, `\x07`, `\u202e`). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    let code = c.charCodeAt(0);
    if (code >= 0xef80 && code <= 0xefff) code -= ESCAPED_BYTE_BASE;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * An error message: escaped as escapeControls() does, except for the line breaks that start an
 * indented detail line ("refusing to sign DIR: ...\n  a.php: dangling link"). Such a line starts with
 * spaces, so whatever a name holds, no line of the output can pass for a line of its own
 * ("pbxsig: ALERT ...", "<3>...").
 */
export function escapeMessage(text: string): string {
  return text
    .split(/\n(?= {2})/)
    .map(escapeControls)
    .join('\n');
}
