// The status FreePBX would give a module, computed from what we found. Pure.
//
// This replays framework's BMO/GPG.class.php (verifyModule, checkSig, checkStatus; see
// docs/freepbx.md) step by step, with GnuPG 2.2's view of the signer as input. It lets
// a report say "FreePBX: 130" beside our own verdict, so the two can be compared one to one.

export const STATE = {
  GOOD: 1,
  TAMPERED: 2,
  INVALID: 4,
  UNSIGNED: 8,
  UNSUPPORTED: 16,
  EXPIRED: 32,
  REVOKED: 64,
  TRUSTED: 128,
} as const;

export type StateName = keyof typeof STATE;

export interface FreepbxStatus {
  /** FreePBX's bitmask, as stored in its modules.signature column. */
  readonly status: number;
  /** The bits by name, e.g. ["GOOD", "TRUSTED"]. */
  readonly flags: readonly StateName[];
  /** The detail strings FreePBX would list (absolute paths with "missing" or "altered", ...). */
  readonly details: readonly string[];
}

/** What GnuPG would print about the signature (its status lines decide FreePBX's bits). */
export type GnupgSignatureView =
  | { readonly kind: 'unreadable' } // not OpenPGP data: no status line FreePBX looks for
  | { readonly kind: 'bad'; readonly keyId: string; readonly userId: string }
  | { readonly kind: 'no-key'; readonly keyId: string }
  | { readonly kind: 'error'; readonly statusLine: string } // ERRSIG: GnuPG could not check it
  | {
      readonly kind: 'good';
      readonly keyId: string;
      readonly userId: string;
      readonly signer: 'trusted' | 'untrusted' | 'expired' | 'revoked-key' | 'revoked-certification';
    };

export interface FreepbxInputs {
  readonly signed: boolean;
  readonly signature: GnupgSignatureView;
  /** The signed text as PHP's parse_ini_string sees it; undefined when PHP would return false. */
  readonly ini:
    | {
        readonly version: string | undefined;
        readonly type: string | undefined;
        readonly expiresAfter: number | undefined;
      }
    | undefined;
  /** "<absolute path> missing" / "<absolute path> altered" for module.sig's own list, in manifest order. */
  readonly fileDetails: readonly string[];
  /**
   * What processLocalSig() finds for a version-2 type=local manifest of an installation; absent when it
   * was not looked for (FreePBX then behaves as with no secure directory).
   */
  readonly local?: LocalFinding;
  readonly now: Date;
}

export type LocalFinding =
  /** No /etc/freepbx.secure: processLocalSig() returns module.sig's own contents. */
  | { readonly kind: 'no-secure-directory' }
  /** processLocalSig() throws: the check stops with this message and gives no status at all. */
  | { readonly kind: 'exception'; readonly message: string }
  /**
   * The secure manifest is used. FreePBX reads its [hashes] only from gpg's answer for a signature it
   * does not trust (for a trusted one checkSig() returns no 'parsedout', so no file is checked).
   */
  | { readonly kind: 'secure'; readonly trusted: boolean; readonly fileDetails: readonly string[] };

export function freepbxStatus(input: FreepbxInputs): FreepbxStatus {
  if (!input.signed) return make(STATE.UNSIGNED, ['unsigned']);

  // checkSig: the bits from gpg's status lines (checkStatus).
  const sig = input.signature;
  let bits = 0;
  let trusted = false;
  const trustDetails: string[] = [];
  switch (sig.kind) {
    case 'unreadable':
      break;
    case 'no-key':
      // NO_PUBKEY, the key cannot be fetched: checkSig returns INVALID with no detail text.
      return make(STATE.INVALID, ['module.sig check failed! ']);
    case 'error':
      bits |= STATE.INVALID;
      trustDetails.push(`Unknown Signature (${sig.statusLine})`);
      break;
    case 'bad':
      bits |= STATE.TAMPERED;
      trustDetails.push(`Bad Signature, Tampered! ([GNUPG:] BADSIG ${sig.keyId} ${sig.userId})`);
      break;
    case 'good':
      bits |= STATE.GOOD;
      if (sig.signer === 'expired') {
        // EXPKEYSIG and no TRUST_ line (tested with GnuPG 2.2.40).
        bits |= STATE.EXPIRED;
        trustDetails.push(`Signed by Expired Key ([GNUPG:] EXPKEYSIG ${sig.keyId} ${sig.userId})`);
      } else if (sig.signer === 'trusted') {
        bits |= STATE.TRUSTED;
        trusted = true;
      } else {
        // TRUST_UNDEFINED. Also for a key revoked by its owner: GnuPG prints REVKEYSIG (which FreePBX
        // has not matched since 2014) and TRUST_UNDEFINED (tested with GnuPG 2.2.40).
        bits |= STATE.TAMPERED | STATE.INVALID;
        trustDetails.push('Signed by unknown, untrusted key.');
      }
      break;
  }

  let useManifest = trusted;
  if (!trusted) {
    // `--check-sigs` shows a valid revocation by a master ("rev:!::1:<master>"): REVOKED.
    if (sig.kind === 'good' && sig.signer === 'revoked-certification') {
      return make(STATE.REVOKED, ['module.sig check failed! Signed by Revoked Key']);
    }
    // A version-2 "local" manifest goes to processLocalSig whatever the signature said. Without
    // /etc/freepbx.secure it returns module.sig's own contents, which are then checked as if trusted.
    const local = input.ini !== undefined && isVersionAbove1(input.ini.version) && input.ini.type === 'local';
    if (!local) return make(bits, [`module.sig check failed! ${trustDetails[0] ?? ''}`]);
    useManifest = true;
    const found = input.local;
    if (found?.kind === 'exception') return make(0, [`exception: ${found.message}`]);
    if (found?.kind === 'secure') {
      if (input.ini && isVersionAbove1(input.ini.version) && input.ini.expiresAfter !== undefined) {
        if (input.ini.expiresAfter < input.now.getTime() / 1000)
          return make(STATE.REVOKED, ['Module signature expired']);
      }
      const details = found.trusted ? [] : found.fileDetails;
      return details.length === 0
        ? make(STATE.GOOD | STATE.TRUSTED, [])
        : make(STATE.TAMPERED | STATE.TRUSTED, details);
    }
  }

  if (useManifest && input.ini && isVersionAbove1(input.ini.version) && input.ini.expiresAfter !== undefined) {
    if (input.ini.expiresAfter < input.now.getTime() / 1000) return make(STATE.REVOKED, ['Module signature expired']);
  }

  // A manifest PHP cannot parse leaves no hashes: GOOD|TRUSTED with nothing checked.
  if (input.fileDetails.length === 0) return make(STATE.GOOD | STATE.TRUSTED, []);
  return make(STATE.TAMPERED | STATE.TRUSTED, input.fileDetails);
}

// PHP compares the numeric strings "2" > "1" as numbers.
function isVersionAbove1(version: string | undefined): boolean {
  return version !== undefined && Number.parseFloat(version) > 1;
}

function make(status: number, details: readonly string[]): FreepbxStatus {
  const flags = (Object.keys(STATE) as StateName[]).filter((name) => (status & STATE[name]) !== 0);
  return { status, flags, details };
}
