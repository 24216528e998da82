// The facts about keys and trust that reports carry, as plain data: no openpgp.js type appears here,
// so the report types (and the library's declarations) can name them without reaching openpgp.js.

/**
 * Where key material came from: keys shipped inside pbxsig (FreePBX's, see bundled-keys.ts), the
 * installation being verified (admin/libraries/BMO), or files the user named (`--keys`, `--anchor`).
 */
export type KeyOrigin = 'bundled' | 'installation' | 'keys';

export type TrustState = 'trusted' | 'untrusted' | 'revoked' | 'expired';

/** What GnuPG's web of trust (FreePBX's judge) makes of the signer. */
export type GnupgView = 'trusted' | 'untrusted' | 'expired' | 'revoked-key' | 'revoked-certification';

export interface CertificationFact {
  readonly anchor: string;
  readonly userId: string;
  readonly created: Date | undefined;
  readonly hash: string;
  readonly state: 'valid' | 'revoked' | 'invalid';
  readonly reason?: string;
  /** signatureId() of the certification: the keyring says which file supplied it. */
  readonly signatureId: string;
  /** False for SHA-1 certifications made since 2019-01-19, which GnuPG 2.2 ignores. */
  readonly gnupgAccepts: boolean;
  /**
   * FreePBX spots a master's revocation with the pattern `rev:!::1:<master>` in gpg's colon output:
   * public-key algorithm 1, RSA. FreePBX's masters are RSA; a revocation by any other key goes unseen.
   */
  readonly freepbxSeesRevocation: boolean;
}
