// Rules for a path listed in a manifest. Pure. The path comes from attacker-controlled text; these
// checks are the first line of defence, the confined resolver (fs/confined-open.ts) the second.

/** Longest listed path we accept (Linux PATH_MAX). */
export const MAX_PATH_LENGTH = 4096;
/** Longest path component (Linux NAME_MAX). */
export const MAX_NAME_LENGTH = 255;

// Anything that could make a path unsafe, in one test: a leading or doubled or trailing "/", a "." or
// ".." component, NUL. Most listed paths match none of it, so the detailed checks below run only for
// the few that do (framework lists 8,000 paths). A component can only be too long in a path that is.
const SUSPICIOUS = /^\/|\/\/|\/$|(?:^|\/)\.\.?(?:\/|$)|\0/;

/** Why `path` may not be used, or undefined when it is a safe relative POSIX path. */
export function unsafePathReason(path: string): string | undefined {
  if (path !== '' && path.length <= MAX_NAME_LENGTH && !SUSPICIOUS.test(path)) return undefined;
  if (path === '') return 'empty path';
  if (path.includes('\0')) return 'path contains a NUL byte';
  if (path.length > MAX_PATH_LENGTH) return `path is longer than ${MAX_PATH_LENGTH} characters`;
  if (path.startsWith('/')) return 'absolute path';
  for (const part of path.split('/')) {
    if (part === '') return 'empty path component ("//" or trailing "/")';
    if (part === '..') return 'path contains ".."';
    if (part === '.') return 'path contains "."';
    if (part.length > MAX_NAME_LENGTH) return `path component longer than ${MAX_NAME_LENGTH} characters`;
  }
  return undefined;
}
