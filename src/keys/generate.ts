// New signing keys: Ed25519 (fast, small; GnuPG 2.2 understands it) or RSA 4096 (what FreePBX's own
// keys are).

import { generateKey } from 'openpgp';
import type { PrivateKey } from 'openpgp';
import { InputError } from '../errors.js';
import type { GenerateOptions } from './types.js';

export type { GenerateOptions, KeyType } from './types.js';

// What openpgp.js accepts in a user ID's email (it rejects the key otherwise): a@b.c.
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export async function generateKeyPair(options: GenerateOptions): Promise<PrivateKey> {
  if (!EMAIL.test(options.email))
    throw new InputError(
      'INPUT_UNREADABLE',
      `--email "${options.email}": expected an email address such as jane@example.com`,
    );
  // A control character (a line break, an escape sequence) in a user ID reaches every terminal and log
  // that shows the key; no name needs one.
  // eslint-disable-next-line no-control-regex
  if (options.name.trim() === '' || /[<>\u0000-\u001f\u007f-\u009f]/.test(options.name))
    throw new InputError(
      'INPUT_UNREADABLE',
      `--name "${options.name}": expected a person's or organisation's name, without "<", ">" or control characters`,
    );
  const { privateKey } = await generateKey({
    ...(options.type === 'rsa'
      ? { type: 'rsa' as const, rsaBits: 4096 }
      : { type: 'ecc' as const, curve: 'ed25519Legacy' as const }),
    userIDs: [{ name: options.name, email: options.email }],
    ...(options.created ? { date: options.created } : {}),
    ...(options.expiresIn !== undefined ? { keyExpirationTime: options.expiresIn } : {}),
    ...(options.passphrase !== undefined && options.passphrase !== '' ? { passphrase: options.passphrase } : {}),
    format: 'object',
  });
  return privateKey;
}
