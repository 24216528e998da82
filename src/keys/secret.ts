// Secret keys for signing and certifying: read from a file, unlocked with a passphrase that comes
// from a file or a terminal prompt (never from the command line, where `ps` and shell history see it).

import { decryptKey } from 'openpgp';
import type { PrivateKey } from 'openpgp';
import { InputError, describeError } from '../errors.js';
import { verifyConfig } from '../pgp/config.js';
import { readKeyFile } from '../pgp/keyring.js';

/** Asked only when the key is protected; undefined means no passphrase can be had. */
export type PassphraseSource = () => Promise<string | undefined>;

export async function readSecretKey(path: string, passphrase: PassphraseSource): Promise<PrivateKey> {
  const keys = await readKeyFile(path);
  const secret = keys.filter((k): k is PrivateKey => k.isPrivate());
  const key = secret[0];
  if (!key) {
    throw new InputError(
      'KEY_NOT_SECRET',
      `key file ${path} holds a public key, not a secret key: give the secret key file (the one made with the public one)`,
    );
  }
  if (secret.length > 1) {
    throw new InputError(
      'KEY_NOT_SECRET',
      `key file ${path} holds ${secret.length} secret keys; give a file with exactly one`,
    );
  }
  if (key.isDecrypted()) return key;
  const phrase = await passphrase();
  if (phrase === undefined) {
    throw new InputError(
      'PASSPHRASE_REQUIRED',
      `the secret key in ${path} is protected by a passphrase: give --passphrase-file, or run on a terminal to be asked`,
    );
  }
  try {
    return await decryptKey({ privateKey: key, passphrase: phrase, config: verifyConfig });
  } catch (error) {
    const message = describeError(error);
    if (/incorrect key passphrase|decryption failed|modification detected/i.test(message)) {
      throw new InputError('PASSPHRASE_WRONG', `wrong passphrase for the secret key in ${path}`);
    }
    throw new InputError('KEY_UNREADABLE', `the secret key in ${path} cannot be unlocked: ${message}`);
  }
}
