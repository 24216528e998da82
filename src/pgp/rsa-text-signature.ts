// The common module.sig check done with node:crypto: a v4 RSA signature over canonical text, as FreePBX's
// keys make them. openpgp.js's SignaturePacket.verify() canonicalises the text through its stream
// helpers, imports the key into Web Crypto again and waits for an asynchronous RSA job, every time; done
// here, the 120 signatures of the 120-module bench shape take 117-123 ms in one cold process against
// 178-192 ms (docs/architecture.md), on the main thread of a boot-time check.
//
// It can only confirm: it says "good" when every check verify() makes (openpgp.js 6) passes, and "not
// confirmed" for anything else: another algorithm or version, a critical subpacket or notation, a digest
// openpgp.js would refuse, a date outside the signature's life, a bad signature. The caller then runs
// verify() itself, so a failure is reported with openpgp.js's exact reason, and nothing is ever accepted
// that it refuses. test/unit/pgp/rsa-text-signature.test.ts holds the two to the same answers.

import { createHash, createPublicKey, createVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { enums } from 'openpgp';
import type { Config, KeyID, SignaturePacket } from 'openpgp';

/** The parts of openpgp.js's packets used here that its type declarations leave out. */
interface SignatureInternals {
  readonly version: number;
  readonly signatureData: Uint8Array | null;
  readonly params: Promise<Record<string, Uint8Array>> | Record<string, Uint8Array>;
}
interface KeyInternals {
  readonly version: number;
  readonly algorithm: enums.publicKey;
  readonly publicParams: { readonly n?: Uint8Array; readonly e?: Uint8Array };
  getKeyID(): KeyID;
}

/** Digests node:crypto computes the way openpgp.js names them; others are left to openpgp.js. */
const DIGESTS: ReadonlyMap<number, string> = new Map([
  [enums.hash.sha1, 'sha1'],
  [enums.hash.sha224, 'sha224'],
  [enums.hash.sha256, 'sha256'],
  [enums.hash.sha384, 'sha384'],
  [enums.hash.sha512, 'sha512'],
]);

const RSA_SIGNING: ReadonlySet<number> = new Set([enums.publicKey.rsaEncryptSign, enums.publicKey.rsaSign]);

// One KeyObject per key packet: openpgp.js imports the key again for every signature.
const keyObjects = new WeakMap<object, KeyObject>();

/**
 * Whether `packet` is a good text signature (type 0x01) over `text` by `keyPacket`, checked at `date`
 * under `config`, as SignaturePacket.verify() would find it. False means only "not confirmed here".
 */
export async function confirmRsaTextSignature(
  packet: SignaturePacket,
  keyPacket: unknown,
  text: Uint8Array,
  date: Date,
  config: Config,
): Promise<boolean> {
  const key = keyPacket as KeyInternals;
  const internals = packet as unknown as SignatureInternals;
  const digestName = DIGESTS.get(packet.hashAlgorithm ?? -1);
  const hashAlgorithm = packet.hashAlgorithm as enums.hash;
  const { n, e } = key.publicParams;
  if (
    internals.version !== 4 ||
    key.version !== 4 ||
    packet.signatureType !== enums.signature.text ||
    !packet.issuerKeyID.equals(key.getKeyID()) ||
    packet.publicKeyAlgorithm !== key.algorithm ||
    !RSA_SIGNING.has(key.algorithm) ||
    digestName === undefined ||
    !n ||
    !e ||
    !internals.signatureData ||
    !packet.signedHashValue ||
    !packet.created ||
    packet.created > date ||
    date >= packet.getExpirationTime() ||
    config.rejectHashAlgorithms.has(hashAlgorithm) ||
    config.rejectMessageHashAlgorithms.has(hashAlgorithm) ||
    packet.unknownSubpackets.some((s) => s.critical) ||
    packet.rawNotations.some((s) => s.critical && !config.knownNotations.includes(s.name)) ||
    packet.revocationKeyClass !== null
  ) {
    return false;
  }
  const parts = signedParts(text, internals.signatureData);
  const hash = createHash(digestName);
  for (const part of parts) hash.update(part);
  const digest = hash.digest();
  if (packet.signedHashValue[0] !== digest[0] || packet.signedHashValue[1] !== digest[1]) return false;
  const s = (await internals.params)['s'];
  if (!s || s.length > n.length) return false;
  try {
    const verifier = createVerify(digestName);
    for (const part of parts) verifier.update(part);
    return verifier.verify(publicKeyOf(keyPacket as object, n, e), leftPad(s, n.length));
  } catch {
    return false;
  }
}

/** A line feed without a carriage return before it. */
const BARE_LINE_FEED = /(?<!\r)\n/g;

/**
 * What a v4 text signature hashes (RFC 4880 5.2.4), in three parts: the text with every line feed not
 * already after a carriage return turned into CR LF (openpgp.js's canonicalizeEOL: a lone CR stays), the
 * hashed part of the signature packet, then the v4 trailer: 0x04, 0xFF and that part's length in four
 * bytes. The text goes through latin1, which maps each byte to one character and back.
 */
export function signedParts(text: Uint8Array, signatureData: Uint8Array): readonly [Buffer, Uint8Array, Buffer] {
  const latin1 = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1');
  // Without any CR (the usual text) every LF gets one: split and join run natively, about 3x faster
  // than the look-behind replace on framework's 1.2 MB.
  const crlf = latin1.includes('\r') ? latin1.replace(BARE_LINE_FEED, '\r\n') : latin1.split('\n').join('\r\n');
  const canonical = Buffer.from(crlf, 'latin1');
  const trailer = Buffer.from([4, 0xff, 0, 0, 0, 0]);
  trailer.writeUInt32BE(signatureData.length, 2);
  return [canonical, signatureData, trailer];
}

function publicKeyOf(keyPacket: object, n: Uint8Array, e: Uint8Array): KeyObject {
  let key = keyObjects.get(keyPacket);
  if (!key) {
    key = createPublicKey({
      key: { kty: 'RSA', n: Buffer.from(n).toString('base64url'), e: Buffer.from(e).toString('base64url') },
      format: 'jwk',
    });
    keyObjects.set(keyPacket, key);
  }
  return key;
}

function leftPad(value: Uint8Array, length: number): Buffer {
  const out = Buffer.alloc(length);
  out.set(value, length - value.length);
  return out;
}
