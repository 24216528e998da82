// What `pbxsig keys list` says of each key: who it is, when it expires, who certified it, and whether
// it is trusted under the anchors (and why not), as verification would judge it.

import type { PublicKey } from 'openpgp';
import { verifyConfig } from '../pgp/config.js';
import type { Keyring } from '../pgp/keyring.js';
import { assessSigner } from '../pgp/trust.js';
import type { KeyDescription } from './types.js';

export type { KeyDescription } from './types.js';

export async function describeKeys(keyring: Keyring, anchors: readonly string[], now: Date): Promise<KeyDescription[]> {
  const descriptions: KeyDescription[] = [];
  for (const key of keyring.keys()) descriptions.push(await describeKey(key, keyring, anchors, now));
  return descriptions.sort(
    (a, b) => Number(b.anchor) - Number(a.anchor) || (a.userIds[0] ?? '').localeCompare(b.userIds[0] ?? ''),
  );
}

async function describeKey(
  key: PublicKey,
  keyring: Keyring,
  anchors: readonly string[],
  now: Date,
): Promise<KeyDescription> {
  const fingerprint = key.getFingerprint().toUpperCase();
  const anchorByKeyId = new Map(anchors.map((a) => [a.slice(-16), a]));
  const trust = await assessSigner(key, key, undefined, { keyring, anchors, now });
  const factByAnchor = new Map(trust.certifications.map((c) => [c.anchor, c]));
  const certifiedBy = [];
  for (const user of key.users) {
    for (const cert of user.otherCertifications) {
      const keyId = cert.issuerKeyID.toHex().toUpperCase();
      const issuer = keyring.candidates(keyId)[0]?.key;
      const anchor = anchorByKeyId.get(keyId);
      const fact = anchor ? factByAnchor.get(anchor) : undefined;
      certifiedBy.push({
        keyId,
        name: issuer ? await primaryName(issuer) : null,
        anchor: anchor !== undefined,
        created: cert.created?.toISOString() ?? null,
        ...(fact ? { state: fact.state === 'invalid' ? `invalid: ${fact.reason ?? ''}` : fact.state } : {}),
      });
    }
  }
  const expires = await key.getExpirationTime(undefined, verifyConfig);
  const info = key.getAlgorithmInfo();
  return {
    fingerprint,
    keyId: key.getKeyID().toHex().toUpperCase(),
    userIds: key.users.flatMap((u) => (u.userID ? [u.userID.userID] : [])),
    algorithm: algorithmName(info),
    created: key.getCreationTime().toISOString(),
    expires: expires instanceof Date ? expires.toISOString() : null,
    anchor: anchors.includes(fingerprint),
    certifiedBy,
    trust: { state: trust.state, reason: trust.reason, gnupg: trust.gnupg },
    files: keyring.copiesOf(fingerprint).map((c) => c.path),
  };
}

async function primaryName(key: PublicKey): Promise<string | null> {
  try {
    return (await key.getPrimaryUser(undefined, undefined, verifyConfig)).user.userID?.userID ?? null;
  } catch {
    return key.users.find((u) => u.userID)?.userID?.userID ?? null;
  }
}

function algorithmName(info: ReturnType<PublicKey['getAlgorithmInfo']>): string {
  if (info.algorithm.startsWith('rsa')) return `RSA ${info.bits ?? ''}`.trim();
  const curve = String(info.curve ?? '').replace(/Legacy$/, '');
  if (curve === 'ed25519' || info.algorithm === 'ed25519') return 'Ed25519';
  return [info.algorithm, curve].filter((p) => p !== '').join(' ');
}
