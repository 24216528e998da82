// Files in a module directory that its manifest does not list. FreePBX never looks, so a PHP web
// shell dropped into a module passes it: the classic FreePBX compromise. Pure policy, used by the
// walker in the workers and by the report.

/** Names the web server or a shell would run: an unlisted one is a security finding. */
const CODE = /\.(php\d?|phar|phtml|pht|phps|inc|sh|pl|py|cgi)$/i;
/** Only these are dangerous inside node_modules/, which ships scripts and executables by design. */
const WEB_CODE = /\.(php\d?|phar|phtml|pht|phps|inc)$/i;

export type UnlistedKind =
  | { readonly kind: 'code'; readonly reason: string }
  | { readonly kind: 'runtime' } // installed by FreePBX at run time: expected
  | { readonly kind: 'allowed'; readonly rule: string } // a known packaging quirk
  | { readonly kind: 'other' };

/** A known quirk that is allowed by name, in one module only, and always shown in reports. */
export interface AllowRule {
  readonly module: string;
  readonly pattern: RegExp;
  readonly rule: string;
}

// Framework's module directory ships 20 utests/*Test.php files that its manifest does not list
// (design.md). They are PHP, so allowing them is a hole: limited to that name pattern in that
// directory, and every file allowed is listed in the report.
export const ALLOW_RULES: readonly AllowRule[] = [
  {
    module: 'framework',
    pattern: /^utests\/[^/]+Test\.php$/,
    rule: 'framework ships its unit tests (utests/*Test.php) unlisted',
  },
];

function inNodeModules(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}

function isHtaccess(path: string): boolean {
  return path === '.htaccess' || path.endsWith('/.htaccess');
}

/**
 * Classifies an unlisted file by its path (relative to the module directory), for module `module`.
 * `executable` is whether any execute bit is set (undefined when not known).
 */
export function classifyUnlisted(module: string, path: string, executable: boolean | undefined): UnlistedKind {
  if (inNodeModules(path)) {
    // npm installs these at run time (api, pm2, ucp); scripts and executables are normal there.
    if (WEB_CODE.test(path) || isHtaccess(path))
      return { kind: 'code', reason: 'PHP or .htaccess inside node_modules/' };
    return { kind: 'runtime' };
  }
  const rule = ALLOW_RULES.find((r) => r.module === module && r.pattern.test(path));
  if (rule) return { kind: 'allowed', rule: rule.rule };
  if (CODE.test(path)) return { kind: 'code', reason: 'unlisted script' };
  if (isHtaccess(path)) return { kind: 'code', reason: 'unlisted .htaccess (changes what the web server runs)' };
  if (executable) return { kind: 'code', reason: 'unlisted executable' };
  // LESS caches FreePBX regenerates at run time (assets/less/cache/...).
  if (path.startsWith('assets/less/cache/') || path.includes('/assets/less/cache/')) return { kind: 'runtime' };
  return { kind: 'other' };
}

/** Whether the walker needs the file's mode to classify it (only when nothing else decides). */
export function needsMode(module: string, path: string): boolean {
  if (inNodeModules(path)) return false;
  const kind = classifyUnlisted(module, path, false);
  return kind.kind === 'other' || kind.kind === 'runtime';
}
