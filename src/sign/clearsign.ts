// Clear-sign a text with openpgp.js. The digest is the key's preferred one, which openpgp.js keeps at
// SHA-256 or stronger (never SHA-1, unlike the FreePBX mirror). GnuPG verifies the result; tests check.

import { createCleartextMessage, sign } from 'openpgp';
import type { PrivateKey } from 'openpgp';

export interface ClearsignOptions {
  /** Signature creation time; default now. */
  readonly date?: Date;
}

export async function clearsign(text: string, key: PrivateKey, options: ClearsignOptions = {}): Promise<string> {
  const message = await createCleartextMessage({ text });
  const armored = await sign({
    message,
    signingKeys: key,
    ...(options.date ? { date: options.date } : {}),
    format: 'armored',
  });
  // openpgp.js 6 writes the clear text with CRLF line ends; GnuPG and every real module.sig use LF.
  // Text signatures are over canonical (CRLF) lines either way, so this changes no signature.
  return armored.replace(/\r\n/g, '\n');
}
