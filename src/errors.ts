// Errors with stable codes. A code is part of the public API (scripts match on it); the message is for
// people. Expected per-file outcomes are never errors: they travel as data (see hash/types.ts).

export class BaseError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A module.sig whose signed text cannot be used.
 * - MANIFEST_TOO_LARGE: the file or its entry count exceeds the configured cap.
 * - MANIFEST_NOT_CLEARSIGNED: no OpenPGP clear-signed message, or more than one.
 * - MANIFEST_BAD_ARMOR: the clear-signed framing or its signature block is malformed.
 * - MANIFEST_SYNTAX: the text is not valid FreePBX INI (PHP's parser would return false).
 * - MANIFEST_UNREADABLE: module.sig exists but cannot be read (not a regular file, I/O error).
 */
export type ManifestErrorCode =
  'MANIFEST_TOO_LARGE' | 'MANIFEST_NOT_CLEARSIGNED' | 'MANIFEST_BAD_ARMOR' | 'MANIFEST_SYNTAX' | 'MANIFEST_UNREADABLE';

export class ManifestError extends BaseError<ManifestErrorCode> {
  /** 1-based line of the module.sig signed text, when the problem has one. */
  readonly line: number | undefined;

  constructor(code: ManifestErrorCode, message: string, line?: number) {
    super(code, line === undefined ? message : `line ${line}: ${message}`);
    this.line = line;
  }
}

/**
 * Input the user named that cannot be used: the command stops with exit code 2.
 * - INPUT_NOT_FOUND: a named file or directory does not exist.
 * - INPUT_NOT_DIRECTORY / INPUT_UNREADABLE: it exists but cannot serve.
 * - KEY_UNREADABLE: a key file holds no OpenPGP key we can read.
 * - ANCHOR_INVALID: a trust anchor is not a 40-hex-digit fingerprint, or a key file holding other than one key.
 * - INSTALLATION_NOT_FOUND: no FreePBX installation where --root (and --webroot) point.
 * - CONFIG_INVALID: the installation's amportal.conf or freepbx.conf holds an unusable setting.
 * - KEY_NOT_SECRET: a secret key was needed and the file holds only public keys.
 * - PASSPHRASE_REQUIRED / PASSPHRASE_WRONG: a protected secret key could not be unlocked.
 * - PASSPHRASE_MISMATCH: a new key's passphrase, asked twice on the terminal, was typed differently.
 * - KEY_UNUSABLE: a secret key that cannot sign (expired, revoked, no signing capability).
 * - TREE_UNSAFE: a module to sign holds special files or links leaving it.
 * - SIGN_VALUE_UNREADABLE: a value to sign (--signed-by, --repo) that PHP's INI parser could not read back.
 * - OUTPUT_EXISTS / OUTPUT_READ_ONLY: a file to write is already there, or protected.
 * - OUTPUT_UNWRITABLE: a report could not be written (a full disk, no permission, a read-only file
 *   system); the message names the report, never its temporary file.
 * - PBXSIG_CONF_SYNTAX: pbxsig's own configuration file (pbxsig.conf) is not valid TOML; the message
 *   names the file, the line and the column.
 * - PBXSIG_CONF_INVALID: pbxsig.conf names an unknown key or a value that cannot be used; the message
 *   names the file, the line and the key.
 * - PBXSIG_CONF_UNSAFE: pbxsig.conf (or its directory) may be written by others than its owner and
 *   root, or belongs to another user: read as root at boot, it is refused.
 */
export type InputErrorCode =
  | 'INPUT_NOT_FOUND'
  | 'INPUT_NOT_DIRECTORY'
  | 'INPUT_UNREADABLE'
  | 'KEY_UNREADABLE'
  | 'ANCHOR_INVALID'
  | 'INSTALLATION_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'KEY_NOT_SECRET'
  | 'PASSPHRASE_REQUIRED'
  | 'PASSPHRASE_WRONG'
  | 'PASSPHRASE_MISMATCH'
  | 'KEY_UNUSABLE'
  | 'TREE_UNSAFE'
  | 'SIGN_VALUE_UNREADABLE'
  | 'OUTPUT_EXISTS'
  | 'OUTPUT_READ_ONLY'
  | 'OUTPUT_UNWRITABLE'
  | 'PBXSIG_CONF_SYNTAX'
  | 'PBXSIG_CONF_INVALID'
  | 'PBXSIG_CONF_UNSAFE';

export class InputError extends BaseError<InputErrorCode> {}

/** A command line that does not make sense; exit code 2. */
export class UsageError extends BaseError<'USAGE'> {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** A broken invariant in pbxsig itself: a bug, never a user mistake. */
export class InternalError extends BaseError<'INTERNAL'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTERNAL', message, options);
  }
}

/** Message of anything thrown, for reports: never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
  ENOENT: 'does not exist',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
};

/** A system error for people ("no space left on the device (ENOSPC)"), without the path it names. */
export function describeSystemError(error: unknown): string {
  const code = errnoCode(error);
  const text = code !== undefined ? SYSTEM_ERRORS[code] : undefined;
  return text !== undefined ? `${text} (${code})` : describeError(error);
}

/** True for the system errors that describeSystemError() words itself: the user's to fix. */
export function isKnownSystemError(error: unknown): boolean {
  const code = errnoCode(error);
  return code !== undefined && SYSTEM_ERRORS[code] !== undefined;
}

/** errno code of a Node system error (ENOENT, EACCES, ...), if it is one. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
