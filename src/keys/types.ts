// What the key operations take and report, as plain data: no openpgp.js type appears here, so the
// library's declarations can name them.

import type { GnupgView, TrustState } from '../pgp/types.js';

export interface KeyDescription {
  readonly fingerprint: string;
  readonly keyId: string;
  readonly userIds: readonly string[];
  readonly algorithm: string;
  readonly created: string;
  /** ISO time, or null for never. */
  readonly expires: string | null;
  readonly anchor: boolean;
  readonly certifiedBy: ReadonlyArray<{
    readonly keyId: string;
    readonly name: string | null;
    readonly anchor: boolean;
    readonly created: string | null;
    readonly state?: string;
  }>;
  readonly trust: { readonly state: TrustState; readonly reason: string; readonly gnupg: GnupgView };
  /** Files the key (or parts of it) came from. */
  readonly files: readonly string[];
}

export type KeyType = 'ed25519' | 'rsa';

export interface GenerateOptions {
  readonly name: string;
  readonly email: string;
  readonly type?: KeyType;
  /** Seconds after creation at which the key expires; undefined for never. */
  readonly expiresIn?: number;
  /** Creation time (default now): for reproducible sample material. */
  readonly created?: Date;
  /** Protects the secret key; undefined leaves it unprotected. */
  readonly passphrase?: string;
}
