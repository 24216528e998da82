// The quick RSA check against openpgp.js's own SignaturePacket.verify(): it must confirm exactly the
// signatures verify() accepts that it is meant for, and never one verify() refuses.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LiteralDataPacket, createCleartextMessage, enums, readCleartextMessage, sign } from 'openpgp';
import type { SignaturePacket } from 'openpgp';
import { verifyConfig } from '../../../src/pgp/config.js';
import { confirmRsaTextSignature, signedParts } from '../../../src/pgp/rsa-text-signature.js';
import { makeKey } from '../../helpers/keys.js';
import type { TestKey } from '../../helpers/keys.js';

let rsa: TestKey;
let ed25519: TestKey;

interface Signed {
  readonly packet: SignaturePacket;
  /** The signed text as module.sig carries it, "\n" line ends. */
  readonly text: Buffer;
}

async function clearsign(
  key: TestKey,
  text: string,
  options: { date?: Date; expiresIn?: number } = {},
): Promise<Signed> {
  const message = await createCleartextMessage({ text });
  const armored = await sign({ message, signingKeys: key.privateKey, ...(options.date ? { date: options.date } : {}) });
  // Read back from its armor, as module.sig is: the signature value is then the MPI as written.
  const read = await readCleartextMessage({ cleartextMessage: armored });
  // The signature of a CleartextMessage is public in openpgp.js but typed private in its .d.ts.
  const packet = (read as unknown as { signature: { packets: SignaturePacket[] } }).signature.packets[0];
  assert.ok(packet);
  if (options.expiresIn !== undefined) {
    // An expiry set after signing breaks the signature: such a packet is for the refusal tests only.
    packet.signatureExpirationTime = options.expiresIn;
    packet.signatureNeverExpires = false;
  }
  return { packet, text: Buffer.from(read.getText(), 'utf8') };
}

function literalOf(bytes: Uint8Array): LiteralDataPacket {
  const literal = new LiteralDataPacket();
  (literal as unknown as { setBytes(b: Uint8Array, f: enums.literal): void }).setBytes(bytes, enums.literal.binary);
  return literal;
}

/** openpgp.js's own answer: true when verify() accepts. */
async function openpgpAccepts(signed: Signed, key: TestKey, date = new Date()): Promise<boolean> {
  try {
    await signed.packet.verify(
      key.publicKey.keyPacket,
      enums.signature.text,
      literalOf(signed.text),
      date,
      true,
      verifyConfig,
    );
    return true;
  } catch {
    return false;
  }
}

async function confirms(signed: Signed, key: TestKey, date = new Date()): Promise<boolean> {
  return confirmRsaTextSignature(signed.packet, key.publicKey.keyPacket, signed.text, date, verifyConfig);
}

before(async () => {
  rsa = await makeKey('RSA Signer', { rsa: true });
  ed25519 = await makeKey('Ed25519 Signer');
});

describe('signedParts', () => {
  it('gives the bytes openpgp.js hashes for a text signature, whatever the line ends', async () => {
    const { packet } = await clearsign(rsa, 'x');
    const texts = ['', 'a', 'a\nb', 'a\r\nb\n', '\n\n', '\r\n', 'a\rb\r', 'a\r\r\nb', 'end\n', '\u00e9\n\u00ff'];
    for (const text of texts) {
      const bytes = Buffer.from(text, 'latin1');
      const theirs = (
        packet as unknown as { toHash(t: number, d: LiteralDataPacket, detached: boolean): Uint8Array }
      ).toHash(enums.signature.text, literalOf(bytes), true);
      const signatureData = (packet as unknown as { signatureData: Uint8Array }).signatureData;
      assert.deepEqual(Buffer.concat(signedParts(bytes, signatureData)), Buffer.from(theirs), JSON.stringify(text));
    }
  });
});

describe('confirmRsaTextSignature', () => {
  it('confirms a good RSA text signature, as openpgp.js accepts it', async () => {
    const signed = await clearsign(rsa, '[config]\nversion=2\n[hashes]\nmodule.xml = 00\n');
    assert.equal(await openpgpAccepts(signed, rsa), true);
    assert.equal(await confirms(signed, rsa), true);
  });

  it('confirms nothing openpgp.js refuses: an edited text, another key, a date before the signature', async () => {
    const signed = await clearsign(rsa, 'a\nb\n');
    const edited = { ...signed, text: Buffer.from('a\nc\n') };
    const other = await makeKey('Other RSA', { rsa: true });
    const early = new Date(Date.now() - 86_400_000);
    assert.equal(await openpgpAccepts(edited, rsa), false);
    assert.equal(await confirms(edited, rsa), false);
    assert.equal(await confirms(signed, other), false);
    assert.equal(await openpgpAccepts(signed, rsa, early), false);
    assert.equal(await confirms(signed, rsa, early), false);
  });

  it('leaves an expired signature, and a signature by a non-RSA key, to openpgp.js', async () => {
    const expired = await clearsign(rsa, 'a\n', { date: new Date(Date.now() - 7_200_000), expiresIn: 60 });
    assert.equal(await confirms(expired, rsa), false);
    const edSigned = await clearsign(ed25519, 'a\n');
    assert.equal(await openpgpAccepts(edSigned, ed25519), true);
    assert.equal(await confirms(edSigned, ed25519), false);
  });

  it('leaves a signature with a critical subpacket it does not know to openpgp.js', async () => {
    const signed = await clearsign(rsa, 'a\n');
    signed.packet.unknownSubpackets.push({ type: 100, critical: true, body: new Uint8Array() });
    assert.equal(await openpgpAccepts(signed, rsa), false);
    assert.equal(await confirms(signed, rsa), false);
  });

  it('confirms a signature whose value is shorter than the modulus (a leading zero byte)', async () => {
    // About one RSA signature in 256 has one; sign until one does.
    let short: Signed | undefined;
    for (let i = 0; i < 4000 && !short; i++) {
      const signed = await clearsign(rsa, `text ${i}\n`);
      const params = (signed.packet as unknown as { params: { s: Uint8Array } }).params;
      if (params.s.length < 256) short = signed;
    }
    assert.ok(short, 'no short signature value in 4,000 signatures');
    assert.equal(await openpgpAccepts(short, rsa), true);
    assert.equal(await confirms(short, rsa), true);
  });
});
