// FreePBX's signatures for locally built modules (`sign.php --local`, FreePBX 17): module.sig says
// `version=2`, `type=local` and lists one entry, `<rawname>.sig`, the SHA-256 of the real manifest kept
// in /etc/freepbx.secure/<rawname>.sig (inside the installation's root). FreePBX's processLocalSig()
// (framework BMO/GPG.class.php) refuses a secure directory or file that is a link or not owned by root,
// or whose digest differs, and then takes that file's [hashes] as the module's file list, without
// checking either signature. pbxsig does the same checks, and also judges both signatures.

import { lstatSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { describeError, errnoCode, ManifestError } from '../errors.js';
import { decodeBytes } from '../fs/byte-string.js';
import type { ConfinedOpener } from '../fs/confined-open.js';
import { readConfined } from '../fs/read-confined.js';
import { splitClearsigned } from '../manifest/cleartext.js';
import { parseManifest } from '../manifest/parse.js';
import type { Manifest, ManifestLimits } from '../manifest/types.js';
import type { ModuleTarget } from './target.js';

export const SECURE_DIRECTORY = 'etc/freepbx.secure';

/** What a type=local module's secure manifest turned out to be. */
export type LocalEvidence =
  /** No secure directory: FreePBX then checks module.sig's own list. pbxsig has no file list to trust. */
  | { readonly state: 'absent'; readonly path: string }
  /** FreePBX stops with an exception (the message is FreePBX's reason); pbxsig fails the module. */
  | { readonly state: 'refused'; readonly path: string; readonly reason: string }
  | { readonly state: 'read'; readonly path: string; readonly digest: string };

export interface LocalManifest {
  readonly evidence: LocalEvidence;
  /** The secure manifest as read. */
  readonly raw?: string;
  readonly manifest?: Manifest;
}

/** Whether FreePBX treats a manifest as local: version above 1 and type=local. */
export function isLocalManifest(manifest: Manifest): boolean {
  return Number.parseFloat(manifest.config.version ?? '1') > 1 && manifest.config.type === 'local';
}

/** Reads and checks /etc/freepbx.secure/<name>.sig of a module of an installation, as processLocalSig does. */
export function readLocalManifest(
  opener: ConfinedOpener,
  target: ModuleTarget,
  moduleSig: Manifest,
  limits: ManifestLimits,
): LocalManifest {
  const path = `/${SECURE_DIRECTORY}/${target.name}.sig`;
  const refused = (reason: string): LocalManifest => ({ evidence: { state: 'refused', path, reason } });
  // /etc itself is resolved inside the root (a snapshot's own links); the secure directory and the
  // file must not be links at all.
  const etc = opener.resolveDirectory('etc');
  if (etc.kind !== 'dir') return { evidence: { state: 'absent', path } };
  const secure = `${etc.real === '/' ? '' : etc.real}/freepbx.secure`;
  const directory = inspect(secure);
  if (directory.kind === 'missing') return { evidence: { state: 'absent', path } };
  if (directory.kind === 'error') return refused(`/${SECURE_DIRECTORY}: ${directory.reason}`);
  if (directory.stats.isSymbolicLink()) return refused(`Secure directory (/${SECURE_DIRECTORY}) is a link`);
  if (!directory.stats.isDirectory()) return { evidence: { state: 'absent', path } };
  if (directory.stats.uid !== 0) return refused(`Secure directory (/${SECURE_DIRECTORY}) is not owned by root`);

  const file = inspect(`${secure}/${target.name}.sig`);
  if (file.kind === 'stats' && file.stats.isSymbolicLink())
    return refused(`Local module signature file (${path}) is a link`);
  // FreePBX's stat() of a missing file gives false, whose uid is not 0: the same refusal.
  if (file.kind !== 'stats' || file.stats.uid !== 0) {
    const why = file.kind === 'missing' ? ' (it does not exist)' : file.kind === 'error' ? ` (${file.reason})` : '';
    return refused(`Local module signature file (${path}) is not owned by root${why}`);
  }

  const expected = moduleSig.entries.find((e) => e.path === `${target.name}.sig`)?.digest;
  if (expected === undefined) return refused("Can't find validation key in module.sig");
  const read = readConfined(opener, `${SECURE_DIRECTORY}/${target.name}.sig`, limits.maxBytes);
  if (read.state !== 'read') return refused(read.state === 'missing' ? `${path} does not exist` : read.reason);
  const digest = createHash('sha256').update(read.bytes).digest('hex');
  if (digest !== expected) return refused(`Local hash validation failed (${expected} != ${digest})`);

  try {
    const raw = decodeBytes(read.bytes);
    const clear = splitClearsigned(raw, limits);
    const manifest = parseManifest(clear.text, { firstLine: clear.firstLine, limits, crlfLines: clear.crlfLines });
    return { evidence: { state: 'read', path, digest }, raw, manifest };
  } catch (error) {
    if (error instanceof ManifestError) return refused(`${path}: ${error.message}`);
    throw error;
  }
}

type Inspected =
  | { readonly kind: 'stats'; readonly stats: Stats }
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly reason: string };

// lstat, not stat: FreePBX refuses a link here, so it must be seen as one.
function inspect(path: string): Inspected {
  try {
    return { kind: 'stats', stats: lstatSync(path) };
  } catch (error) {
    const code = errnoCode(error);
    return code === 'ENOENT' || code === 'ENOTDIR'
      ? { kind: 'missing' }
      : { kind: 'error', reason: describeError(error) };
  }
}
