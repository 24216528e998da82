// Bounds on work that attacker-controlled input can ask for. Each bound says what happens when it is
// reached: the module gets a clear finding, the run goes on. docs/bounds.md lists them all for users.

/**
 * A manifest whose signature is not (yet) known to be good and trusted gets a bounded look: at most
 * this many listed files, and this many bytes, are hashed before its signature has been judged. A good
 * signature by a trusted key then earns the rest; any other verdict leaves the rest unchecked and says
 * so (FreePBX checks no file at all then). Real manifests stay under it: framework's, the largest, lists
 * 8,108 files (about 100 MB), so a whole real installation is never held back.
 */
export const UNTRUSTED_LOOK: UntrustedLook = {
  files: 10_000,
  bytes: 1024 * 1024 * 1024,
};

export interface UntrustedLook {
  readonly files: number;
  readonly bytes: number;
}

/** Refused manifest lines kept in a module's report (the first ones, by line); the rest are counted. */
export const MANIFEST_ISSUES_KEPT = 1_000;
