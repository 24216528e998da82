// Inputs an attacker controls, sized to hurt (the "hostile" suite runs pbxsig on them):
//
//   writeNewlineSig()     a module whose module.sig is nothing but newlines, hundreds of MB of them;
//   writeHugeManifest()   a module.sig listing a million files (none of them present), signed by a
//                         throwaway key, then one byte of its signature flipped: the signature is bad,
//                         so a verifier should do little with the entries;
//   writeFloodedKey()     a developer key carrying thousands of certifications by throwaway keys (the
//                         2019 keyserver flooding attack), and a small module it signed.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PublicKey } from 'openpgp';
import { certified, makeKey, toBenchKey } from './keys.js';
import type { BenchKey } from './keys.js';
import { mulberry32 } from './prng.js';
import { signedManifest, writeModuleSig } from './sign.js';

const CHUNK = 8 * 2 ** 20;

/** `<dir>/module.sig` of `bytes` newline characters. */
export async function writeNewlineSig(dir: string, bytes: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const file = await open(join(dir, 'module.sig'), 'w');
  try {
    const newlines = Buffer.alloc(Math.min(CHUNK, bytes), 0x0a);
    for (let written = 0; written < bytes; written += newlines.length)
      await file.write(newlines, 0, Math.min(newlines.length, bytes - written));
  } finally {
    await file.close();
  }
}

/**
 * `<dir>/module.sig` listing `entries` files (paths in byte-wise order, so that formatting it sorts
 * nothing; random digests; no file exists), signed by `key`, with one byte of the signature flipped.
 * Returns the module.sig's size.
 */
export async function writeHugeManifest(dir: string, entries: number, key: BenchKey): Promise<number> {
  const random = mulberry32(0xbad_519);
  const width = String(entries).length;
  const list = Array.from({ length: entries }, (_, i) => {
    const digest = Array.from({ length: 8 }, () => random.uint32().toString(16).padStart(8, '0')).join('');
    return { path: `d${String(i % 1000).padStart(3, '0')}/f${String(i).padStart(width, '0')}.php`, digest };
  });
  list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const text = flipSignatureByte(await signedManifest(list, key.privateKey));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'module.sig'), text);
  return Buffer.byteLength(text);
}

/**
 * The clear-signed `armored` text with one bit of its signature packet's last byte (inside the
 * signature value) flipped, re-armored without the optional checksum: still a well-formed
 * signature, no longer a good one.
 */
export function flipSignatureByte(armored: string): string {
  const begin = armored.indexOf('-----BEGIN PGP SIGNATURE-----');
  const end = armored.indexOf('-----END PGP SIGNATURE-----');
  if (begin < 0 || end < begin) throw new Error('not a clear-signed text: no signature block');
  const lines = armored.slice(begin, end).split('\n');
  const blank = lines.indexOf('');
  if (blank < 0) throw new Error('signature block without a blank line after its headers');
  const body = lines.slice(blank + 1).filter((line) => line !== '' && !line.startsWith('='));
  const packet = Buffer.from(body.join(''), 'base64');
  packet[packet.length - 1] = (packet[packet.length - 1] ?? 0) ^ 0x01;
  const encoded = packet.toString('base64').match(/.{1,64}/g) ?? [];
  return `${armored.slice(0, begin)}${[...lines.slice(0, blank + 1), ...encoded].join('\n')}\n${armored.slice(end)}`;
}

export interface FloodedKey {
  /** The developer key with its anchor's certification and `count` more by throwaway keys. */
  readonly developer: BenchKey;
  readonly certifications: number;
  /** Its armored public key's size. */
  readonly bytes: number;
}

/**
 * A developer key certified by `anchor`, then flooded with `count` certifications made by
 * `certifiers` throwaway keys in turn, each valid (made after both keys were created, up to now) and
 * none a duplicate of another (a certifier's are one second apart); its public key written to
 * `<keysDir>/flooded.asc` beside `<keysDir>/anchor.asc`. A module of a few files signed by it goes to
 * `moduleDir`.
 */
export async function writeFloodedKey(
  keysDir: string,
  moduleDir: string,
  anchor: BenchKey,
  count: number,
  certifiers = 20,
): Promise<FloodedKey> {
  const perSigner = Math.ceil(count / Math.max(1, Math.min(certifiers, count)));
  // Every key exists before the first certification; the last one is made a few seconds ago.
  const created = new Date(Date.now() - (perSigner + 65) * 1000);
  const developer = await certified(anchor, await makeKey('Flooded Developer', created));
  const signers = await Promise.all(
    Array.from({ length: Math.min(certifiers, count) }, (_, i) => makeKey(`Flooder ${i}`, created)),
  );
  const flooded = new PublicKey(developer.publicKey.toPacketList());
  const user = flooded.users[0];
  if (!user) throw new Error('the developer key has no user ID');
  for (let i = 0; i < count; i++) {
    const signer = signers[i % signers.length] as BenchKey;
    const date = new Date(created.getTime() + (60 + Math.floor(i / signers.length)) * 1000);
    // Certifying the bare key each time keeps each call small; the new signature moves to `flooded`.
    const one = await developer.publicKey.signAllUsers([signer.privateKey], date);
    const made = one.users[0]?.otherCertifications.at(-1);
    if (!made) throw new Error('signAllUsers made no certification');
    user.otherCertifications.push(made);
  }
  mkdirSync(keysDir, { recursive: true });
  const armored = flooded.armor();
  writeFileSync(join(keysDir, 'flooded.asc'), armored);
  writeFileSync(join(keysDir, 'anchor.asc'), anchor.publicKey.armor());

  mkdirSync(moduleDir, { recursive: true });
  const files = ['module.xml', 'Flooded.class.php', 'functions.inc.php', 'install.php', 'page.flooded.php'];
  const entries = files.map((path) => {
    const content = `<?php // ${path}\n`;
    writeFileSync(join(moduleDir, path), content);
    return { path, digest: createHash('sha256').update(content).digest('hex') };
  });
  await writeModuleSig(moduleDir, entries, developer.privateKey);
  return {
    developer: toBenchKey(developer.privateKey, flooded),
    certifications: user.otherCertifications.length,
    bytes: Buffer.byteLength(armored),
  };
}
