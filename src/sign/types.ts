// What signing a module reports (`pbxsig sign --json`), as plain data.

export interface SignModuleResult {
  /** The module.sig written. */
  readonly path: string;
  readonly files: number;
  readonly bytes: number;
  /** Key ID of the key that made the signature (written as `signedwith`). */
  readonly signedWith: string;
  readonly fingerprint: string;
  /** Message digest of the signature ("SHA256", "SHA512", ...). */
  readonly digest: string;
}
