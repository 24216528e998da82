// The structure of one OpenPGP key, for filtering and merging copies of it in linear time. openpgp.js's
// own Key.update() compares every incoming signature with every signature already there (a key with N
// certifications loaded twice costs N^2 comparisons: 6,000 junk certifications took minutes) and drops
// certification revocations by anyone but the key's owner. Here a signature is identified by a hash of
// its bytes, components by their bytes or fingerprint, and nothing the caller passes in is changed:
// every result is a new key built from the packets (so a key object can be shared safely).

import { createHash } from 'node:crypto';
import { PacketList, PublicKey, UserIDPacket, enums } from 'openpgp';
import type {
  AnyPacket,
  PublicKeyPacket,
  PublicSubkeyPacket,
  SecretKeyPacket,
  SecretSubkeyPacket,
  SignaturePacket,
  UserAttributePacket,
} from 'openpgp';

type UserPacket = UserIDPacket | UserAttributePacket;
type SubkeyPacket = PublicSubkeyPacket | SecretSubkeyPacket;

/** A key taken apart: the primary key's own signatures, then each user ID and subkey with theirs. */
export interface KeyParts {
  readonly keyPacket: PublicKeyPacket | SecretKeyPacket;
  readonly keySignatures: readonly SignaturePacket[];
  readonly users: ReadonlyArray<{ readonly packet: UserPacket; readonly signatures: readonly SignaturePacket[] }>;
  readonly subkeys: ReadonlyArray<{ readonly packet: SubkeyPacket; readonly signatures: readonly SignaturePacket[] }>;
}

export function partsOf(key: PublicKey): KeyParts {
  // directSignatures is public in openpgp.js but missing from its .d.ts.
  const direct = (key as unknown as { directSignatures?: SignaturePacket[] }).directSignatures ?? [];
  return {
    keyPacket: key.keyPacket,
    keySignatures: [...key.revocationSignatures, ...direct],
    users: key.users.flatMap((user) => {
      const packet = user.userID ?? user.userAttribute;
      if (!packet) return [];
      return [
        {
          packet,
          signatures: [...user.revocationSignatures, ...user.selfCertifications, ...user.otherCertifications],
        },
      ];
    }),
    subkeys: key.subkeys.map((subkey) => ({
      packet: subkey.keyPacket,
      signatures: [...subkey.revocationSignatures, ...subkey.bindingSignatures],
    })),
  };
}

/** A new key from parts; openpgp.js sorts each signature into its place by type and issuer. */
export function keyFromParts(parts: KeyParts): PublicKey {
  const list = new PacketList<AnyPacket>();
  list.push(parts.keyPacket, ...parts.keySignatures);
  for (const user of parts.users) list.push(user.packet, ...user.signatures);
  for (const subkey of parts.subkeys) list.push(subkey.packet, ...subkey.signatures);
  return new PublicKey(list);
}

export function countSignatures(parts: KeyParts): number {
  let count = parts.keySignatures.length;
  for (const user of parts.users) count += user.signatures.length;
  for (const subkey of parts.subkeys) count += subkey.signatures.length;
  return count;
}

export function countComponents(parts: KeyParts): number {
  return parts.users.length + parts.subkeys.length;
}

const signatureIds = new WeakMap<SignaturePacket, string>();

/** Identifies a signature by its bytes (equal bytes, same signature), computed once per packet. */
export function signatureId(signature: SignaturePacket): string {
  let id = signatureIds.get(signature);
  if (id === undefined) {
    id = createHash('sha256').update(signature.write()).digest('base64');
    signatureIds.set(signature, id);
  }
  return id;
}

/** Which third-party signatures to keep: those by these keys (trust anchors), or all. */
export interface SignatureFilter {
  readonly keyIds: ReadonlySet<string>;
  readonly fingerprints: ReadonlySet<string>;
}

export function filterForAnchors(anchors: readonly string[]): SignatureFilter {
  const fingerprints = new Set(anchors.map((a) => a.toUpperCase()));
  // A v4 key ID is the fingerprint's last 16 hex digits.
  return { keyIds: new Set([...fingerprints].map((f) => f.slice(-16))), fingerprints };
}

const CERTIFICATIONS: ReadonlySet<number> = new Set([
  enums.signature.certGeneric,
  enums.signature.certPersona,
  enums.signature.certCasual,
  enums.signature.certPositive,
  enums.signature.certRevocation,
]);

/**
 * Drops the signatures trust can never use: on user IDs, certifications and certification revocations
 * by keys that are not anchors; elsewhere, anything not issued by the key itself. Only a certification
 * by an anchor (or its revocation) matters to trust, so this is what keeps a flooded key (thousands of
 * junk certifications, as on the SKS keyservers in 2019) small. Returns the parts unchanged when
 * nothing is dropped.
 */
export function dropForeignSignatures(parts: KeyParts, filter: SignatureFilter): { parts: KeyParts; dropped: number } {
  const ownId = parts.keyPacket.getKeyID().toHex().toUpperCase();
  let dropped = 0;
  const keep = (signatures: readonly SignaturePacket[], onUser: boolean): readonly SignaturePacket[] => {
    const kept = signatures.filter((signature) => {
      const issuer = signature.issuerKeyID.toHex().toUpperCase();
      if (issuer === ownId) return true;
      if (!onUser || !CERTIFICATIONS.has(signature.signatureType ?? -1)) return false;
      if (filter.keyIds.has(issuer)) return true;
      const fingerprint = signature.issuerFingerprint
        ? Buffer.from(signature.issuerFingerprint).toString('hex').toUpperCase()
        : undefined;
      return fingerprint !== undefined && filter.fingerprints.has(fingerprint);
    });
    dropped += signatures.length - kept.length;
    return kept.length === signatures.length ? signatures : kept;
  };
  const filtered: KeyParts = {
    keyPacket: parts.keyPacket,
    keySignatures: keep(parts.keySignatures, false),
    users: parts.users.map((u) => ({ packet: u.packet, signatures: keep(u.signatures, true) })),
    subkeys: parts.subkeys.map((s) => ({ packet: s.packet, signatures: keep(s.signatures, false) })),
  };
  return { parts: dropped === 0 ? parts : filtered, dropped };
}

/**
 * The union of two copies of one key (same fingerprint): every component and every signature of
 * either, each once, `target`'s first. `added` lists the signatures only `source` had. Linear in the
 * size of both. Which self-signature is in effect is left to openpgp.js, which takes the newest valid
 * one: so a stale copy (an old self-signature with an expiry) cannot make a refreshed key expired.
 */
export function mergeParts(target: KeyParts, source: KeyParts): { parts: KeyParts; added: SignaturePacket[] } {
  const added: SignaturePacket[] = [];
  const union = (mine: readonly SignaturePacket[], theirs: readonly SignaturePacket[]): SignaturePacket[] => {
    const seen = new Set(mine.map(signatureId));
    const result = [...mine];
    for (const signature of theirs) {
      const id = signatureId(signature);
      if (seen.has(id)) continue;
      seen.add(id);
      result.push(signature);
      added.push(signature);
    }
    return result;
  };

  const users = new Map<string, { packet: UserPacket; signatures: SignaturePacket[] }>();
  for (const user of target.users)
    users.set(userKey(user.packet), { packet: user.packet, signatures: [...user.signatures] });
  for (const user of source.users) mergeInto(users, userKey(user.packet), user.packet, user.signatures, union);
  const subkeys = new Map<string, { packet: SubkeyPacket; signatures: SignaturePacket[] }>();
  for (const sub of target.subkeys)
    subkeys.set(sub.packet.getFingerprint(), { packet: sub.packet, signatures: [...sub.signatures] });
  for (const sub of source.subkeys) mergeInto(subkeys, sub.packet.getFingerprint(), sub.packet, sub.signatures, union);

  return {
    parts: {
      keyPacket: target.keyPacket,
      keySignatures: union(target.keySignatures, source.keySignatures),
      users: [...users.values()],
      subkeys: [...subkeys.values()],
    },
    added,
  };
}

// Adds a component's signatures to the one already there, or the component itself when it is new.
function mergeInto<P>(
  into: Map<string, { packet: P; signatures: SignaturePacket[] }>,
  key: string,
  packet: P,
  signatures: readonly SignaturePacket[],
  union: (mine: readonly SignaturePacket[], theirs: readonly SignaturePacket[]) => SignaturePacket[],
): void {
  const existing = into.get(key);
  if (existing) existing.signatures = union(existing.signatures, signatures);
  else into.set(key, { packet, signatures: union([], signatures) });
}

function userKey(packet: UserPacket): string {
  // A user ID is identified by its bytes (as GnuPG does), a user attribute (a photo) likewise.
  const tag = packet instanceof UserIDPacket ? 'u' : 'a';
  return `${tag}${Buffer.from(packet.write()).toString('base64')}`;
}
