// What an unlisted file is: the files in a module directory that its manifest does not list. FreePBX
// never looks, so a PHP web shell dropped into a module passes it: the classic FreePBX compromise.
// Pure rules, decided once here and documented in the README ("Unlisted files"); the walker
// (walk.ts) gathers the facts they need, and only those: a name, then a mode, then a file's first bytes.
//
// Code is what a web server, PHP or a shell would run:
// - PHP by every extension a PHP handler may run: .php, .php3 to .php8 (and any .php<digit>),
//   .phtml, .pht, .phps, .phar, .inc. Apache's AddHandler (CentOS/SNG7 php.conf style) runs
//   "shell.php.jpg" too, so a PHP extension anywhere after the first dot counts (.inc only last:
//   nothing maps it by AddHandler, and "x.inc.js" is a common asset name; and not under
//   node_modules/, where it is a C include as often as PHP).
// - .htaccess (it changes what the web server runs) and .user.ini (PHP-FPM and CGI read it per
//   directory: its auto_prepend_file runs before every script).
// - Scripts by extension (.sh, .bash, .zsh, .ksh, .csh, .pl, .py, .rb, .cgi, .fcgi, .agi) or by
//   content (a "#!" first line), and ELF binaries by their magic bytes.
// An execute bit on a file that is none of these (a mode-755 debug log) is only a note.

/** A PHP extension as the last one. */
const PHP_LAST = /\.(php\d?|phtml|pht|phps|phar|inc)$/i;
/** A PHP extension followed by more extensions ("shell.php.jpg"), after the first character. */
const PHP_INNER = /.\.(php\d?|phtml|pht|phar)\./i;
const INC = /\.inc$/i;
const SCRIPT_EXTENSION = /\.(sh|bash|zsh|ksh|csh|pl|py|rb|cgi|fcgi|agi)$/i;

export const REASON = {
  php: 'PHP by its extension',
  phpInner: 'PHP by an inner extension, as Apache AddHandler runs it',
  htaccess: '.htaccess: changes what the web server runs',
  userIni: '.user.ini: PHP-FPM runs its auto_prepend_file before every script',
  script: 'script by its extension',
  shebang: 'script: its first line starts with #!',
  elf: 'ELF binary',
} as const;

/** The note for an unlisted file whose only oddity is its execute bit. */
export const EXECUTABLE_NOTE = 'execute bit set, but neither a script nor a binary';

/** The note for an unlisted FIFO, socket or device: no module ships one, and it is never opened. */
export const SPECIAL_FILE_NOTE = 'not a regular file (a FIFO, a socket or a device): not opened';

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Code that the web server or PHP would run by the name alone: PHP, .htaccess, .user.ini. */
export function webCodeByName(path: string): string | undefined {
  const name = baseName(path);
  if (name === '.htaccess') return REASON.htaccess;
  if (name === '.user.ini') return REASON.userIni;
  if (PHP_LAST.test(name)) return REASON.php;
  if (PHP_INNER.test(name)) return REASON.phpInner;
  return undefined;
}

/**
 * Code by the name alone: web code, or a script by its extension. Under node_modules/ (run-time
 * files) only web code: scripts are normal there, and .inc is a C include there as often as PHP.
 */
export function codeByName(path: string): string | undefined {
  if (runtimeArea(path) === 'node_modules') return INC.test(path) ? undefined : webCodeByName(path);
  return webCodeByName(path) ?? (SCRIPT_EXTENSION.test(baseName(path)) ? REASON.script : undefined);
}

/** Code by the first bytes of the file (HEAD_BYTES of them are enough). */
export function codeByContent(head: Uint8Array): string | undefined {
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) return REASON.shebang;
  if (head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46)
    return REASON.elf;
  return undefined;
}

/** How many first bytes codeByContent looks at. */
export const HEAD_BYTES = 4;

/**
 * Whether the first bytes must be read: only for a file with an execute bit, or one whose name has no
 * extension (a dropped "backdoor" with a #! line). A file with any other extension is judged by
 * name and mode alone, so a real installation's thousands of .po, .css and .js files cost no read.
 */
export function needsHead(path: string, executable: boolean): boolean {
  if (executable) return true;
  const name = baseName(path);
  return name.lastIndexOf('.') <= 0;
}

/**
 * Where FreePBX installs files at run time: node_modules/ (npm, for api, pm2, ucp) and LESS caches
 * (assets/less/cache/). Under node_modules/, scripts, binaries and execute bits are normal: only
 * web code by name is code there. In a LESS cache, everything that is not code is expected.
 */
export function runtimeArea(path: string): 'node_modules' | 'less-cache' | undefined {
  if (path.startsWith('node_modules/') || path.includes('/node_modules/')) return 'node_modules';
  if (path.startsWith('assets/less/cache/') || path.includes('/assets/less/cache/')) return 'less-cache';
  return undefined;
}
