// `pbxsig sign` as a function: sign a module directory with a secret key file, optionally verify the
// result at once.

import { readSecretKey } from '../keys/secret.js';
import type { EngineChoice } from '../hash/types.js';
import type { VerifyReport } from '../report/types.js';
import { signModule as sign } from '../sign/sign-module.js';
import type { SignModuleResult } from '../sign/types.js';
import type { AnchorSpec } from './anchors.js';
import { passphraseSource } from './passphrase.js';
import type { Passphrase } from './passphrase.js';
import { verifyModules } from './verify.js';

export interface SignOptions {
  /** The module directory: its module.sig is replaced atomically. */
  readonly module: string;
  /** The secret key file (armored or binary), holding one secret key. */
  readonly key: string;
  /** Needed when the secret key is protected. */
  readonly passphrase?: Passphrase;
  /** Include files whose names start with "." (default true, as FreePBX's published modules do). */
  readonly dotfiles?: boolean;
  /** The manifest's `signedby=` (informational). */
  readonly signedBy?: string;
  /** The manifest's `repo=` (default "manual"). */
  readonly repo?: string;
  /** The manifest's `expiresafter=`: FreePBX treats the signature as revoked after this time. */
  readonly expiresAfter?: Date;
  /** Signature time (default now): for reproducible sample material. */
  readonly date?: Date;
  readonly engine?: EngineChoice;
  readonly threads?: number | 'auto';
  /**
   * Verify the module right after signing (`sign --check`). `true`: the signing key is its own anchor,
   * proving the signature and every file; or name the keys and anchors to check trust as well.
   */
  readonly check?: boolean | { readonly keys?: readonly string[]; readonly anchors?: readonly AnchorSpec[] };
}

/** What `pbxsig sign --json` prints. */
export interface SignResult extends SignModuleResult {
  /** The verification made after signing, when `check` asked for one. */
  readonly check?: VerifyReport;
}

export async function signModule(options: SignOptions): Promise<SignResult> {
  const key = await readSecretKey(options.key, passphraseSource(options.passphrase));
  const result = await sign({
    module: options.module,
    key,
    ...(options.dotfiles !== undefined ? { dotfiles: options.dotfiles } : {}),
    ...(options.signedBy !== undefined ? { signedBy: options.signedBy } : {}),
    ...(options.repo !== undefined ? { repo: options.repo } : {}),
    ...(options.expiresAfter !== undefined ? { expiresAfter: Math.floor(options.expiresAfter.getTime() / 1000) } : {}),
    ...(options.date !== undefined ? { date: options.date } : {}),
    ...(options.engine !== undefined ? { engine: options.engine } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
  });
  if (options.check === undefined || options.check === false) return result;
  const named = options.check === true ? {} : options.check;
  const anchors = named.anchors !== undefined && named.anchors.length > 0 ? named.anchors : [result.fingerprint];
  const check = await verifyModules({
    modules: [options.module],
    keys: [options.key, ...(named.keys ?? [])],
    anchors,
    unlisted: 'report',
  });
  return { ...result, check };
}
