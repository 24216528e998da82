// Clear-sign exact bytes, as GnuPG does, for cases pbxsig's own signer (text in, UTF-8 out) cannot
// make: a signed text that is not UTF-8 (a Latin-1 file name), and an Ed25519 signature over a SHA-1
// digest (`gpg --digest-algo SHA1`), which openpgp.js refuses to make. The signature packet is built
// with openpgp.js's packet classes; the Ed25519 step is done by node:crypto.

import { createHash, createPrivateKey, sign } from 'node:crypto';
import { LiteralDataPacket, PacketList, Signature, SignaturePacket, config, enums } from 'openpgp';
import type { PrivateKey } from 'openpgp';

export interface ClearsignBytesOptions {
  /** Message digest (default SHA-256). SHA-1 needs an Ed25519 (legacy EdDSA) key. */
  readonly hash?: 'sha256' | 'sha1';
  readonly date?: Date;
  /** When the signing key is chosen (default `date`): a signature may then be dated before the key. */
  readonly keyAt?: Date;
}

interface PacketInternals {
  signatureData: Uint8Array;
  signedHashValue: Uint8Array;
  params: unknown;
  writeHashedSubPackets(): Uint8Array;
  toHash(signatureType: number, data: LiteralDataPacket, detached: boolean): Uint8Array;
}
interface KeyInternals {
  version: number;
  algorithm: enums.publicKey;
  publicParams: { Q?: Uint8Array };
  privateParams: { seed?: Uint8Array };
  getFingerprintBytes(): Uint8Array;
  getKeyID(): SignaturePacket['issuerKeyID'];
}

/** A module.sig: `text` dash-escaped and clear-signed with `key`, byte for byte. */
export async function clearsignBytes(
  text: Uint8Array,
  key: PrivateKey,
  options: ClearsignBytesOptions = {},
): Promise<Buffer> {
  const date = options.date ?? new Date(Date.now() - 60_000);
  const keyPacket = (await key.getSigningKey(undefined, options.keyAt ?? date)).keyPacket as unknown as KeyInternals;
  const literal = new LiteralDataPacket();
  (literal as unknown as { setBytes(b: Uint8Array, f: enums.literal): void }).setBytes(text, enums.literal.binary);

  const packet = new SignaturePacket();
  packet.signatureType = enums.signature.text;
  packet.publicKeyAlgorithm = keyPacket.algorithm;
  if (options.hash === 'sha1') {
    signEddsaSha1(packet, keyPacket, literal, date);
  } else {
    packet.hashAlgorithm = enums.hash.sha256;
    await (packet.sign as (k: unknown, d: unknown, date: Date, detached: boolean, c: unknown) => Promise<void>)(
      keyPacket,
      literal,
      date,
      true,
      config,
    );
  }
  const packets = new PacketList<SignaturePacket>();
  packets.push(packet);
  const armored = new Signature(packets).armor();

  const body: Buffer[] = [];
  let start = 0;
  const bytes = Buffer.from(text);
  for (;;) {
    const nl = bytes.indexOf(10, start);
    const line = bytes.subarray(start, nl < 0 ? bytes.length : nl);
    if (line[0] === 0x2d) body.push(Buffer.from('- '));
    body.push(line, Buffer.from('\n'));
    if (nl < 0) break;
    start = nl + 1;
  }
  const hashName = options.hash === 'sha1' ? 'SHA1' : 'SHA256';
  return Buffer.concat([
    Buffer.from(`-----BEGIN PGP SIGNED MESSAGE-----\nHash: ${hashName}\n\n`),
    ...body,
    Buffer.from(armored),
  ]);
}

// SignaturePacket.sign() step by step, with the Ed25519 signature over the SHA-1 digest made here.
function signEddsaSha1(packet: SignaturePacket, key: KeyInternals, literal: LiteralDataPacket, date: Date): void {
  if (key.algorithm !== enums.publicKey.eddsaLegacy) throw new Error('SHA-1 signing here needs a legacy EdDSA key');
  const internals = packet as unknown as PacketInternals;
  packet.hashAlgorithm = enums.hash.sha1;
  packet.version = key.version;
  packet.created = date;
  packet.issuerKeyVersion = key.version;
  packet.issuerFingerprint = key.getFingerprintBytes();
  packet.issuerKeyID = key.getKeyID();
  internals.signatureData = Buffer.concat([
    Uint8Array.of(key.version, enums.signature.text, key.algorithm, enums.hash.sha1),
    internals.writeHashedSubPackets(),
  ]);
  const digest = createHash('sha1')
    .update(internals.toHash(enums.signature.text, literal, true))
    .digest();
  internals.signedHashValue = digest.subarray(0, 2);
  const { Q } = key.publicParams;
  const { seed } = key.privateParams;
  if (!Q || !seed) throw new Error('not an Ed25519 key');
  const privateKey = createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: Buffer.from(seed).toString('base64url'),
      x: Buffer.from(Q.subarray(1)).toString('base64url'),
    },
    format: 'jwk',
  });
  const signature = sign(null, digest, privateKey);
  internals.params = { r: signature.subarray(0, 32), s: signature.subarray(32) };
}
