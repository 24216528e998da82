// Our verdict for a module, from the evidence gathered. Pure. The order below is the order of
// severity: the first failing check names the verdict, and the report still lists everything.

import type { TrustState } from '../pgp/trust.js';
import type { Verdict } from '../report/types.js';

export interface Evidence {
  readonly signed: boolean;
  /** Why module.sig could not be read as a clear-signed manifest, if it could not. */
  readonly unreadable?: string;
  readonly signature?: 'good' | 'bad' | 'no-key';
  readonly trust?: TrustState;
  readonly trustReason?: string;
  readonly signatureFailure?: string;
  /** The signed text is not a usable manifest (syntax, no [hashes]), or some entries are refused. */
  readonly manifestProblem?: string;
  /** A version-2 `expiresafter` that has passed. */
  readonly expiredSignature?: Date;
  readonly altered: number;
  readonly missing: number;
  readonly unreadableFiles: number;
  readonly unsafe: number;
}

export interface Decision {
  readonly verdict: Verdict;
  readonly summary: string;
}

export function decideVerdict(e: Evidence): Decision {
  if (!e.signed) return { verdict: 'unsigned', summary: 'no module.sig' };
  if (e.unreadable !== undefined) return { verdict: 'invalid-manifest', summary: e.unreadable };
  if (e.signature === 'bad')
    return {
      verdict: 'bad-signature',
      summary: `the signature does not match module.sig: ${e.signatureFailure ?? 'bad signature'}`,
    };
  if (e.signature === 'no-key')
    return { verdict: 'unknown-signer', summary: e.signatureFailure ?? 'the signing key is not among the loaded keys' };
  if (e.trust === 'revoked') return { verdict: 'revoked', summary: e.trustReason ?? 'the signer is revoked' };
  if (e.expiredSignature) {
    return {
      verdict: 'revoked',
      summary: `the manifest's expiresafter (${e.expiredSignature.toISOString()}) has passed; FreePBX treats it as revoked`,
    };
  }
  if (e.trust === 'expired') return { verdict: 'expired', summary: e.trustReason ?? 'the signing key has expired' };
  if (e.trust !== 'trusted')
    return { verdict: 'untrusted-signer', summary: e.trustReason ?? 'the signer is not trusted' };
  if (e.manifestProblem !== undefined) return { verdict: 'invalid-manifest', summary: e.manifestProblem };
  const problems = e.altered + e.missing + e.unreadableFiles + e.unsafe;
  if (problems > 0) {
    const parts = [
      count(e.altered, 'altered'),
      count(e.missing, 'missing'),
      count(e.unreadableFiles, 'unreadable'),
      count(e.unsafe, 'unsafe'),
    ].filter((p) => p !== '');
    return {
      verdict: 'tampered',
      summary: `${problems} ${problems === 1 ? 'file' : 'files'} not as signed: ${parts.join(', ')}`,
    };
  }
  return { verdict: 'verified', summary: 'good signature by a trusted key; every listed file matches' };
}

function count(n: number, label: string): string {
  return n > 0 ? `${n} ${label}` : '';
}
