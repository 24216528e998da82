// A secret key's passphrase as library callers give it: the text, or a function asked only when the
// key turns out to be protected (a prompt, a secret store).

/** The passphrase, or a function that returns it (undefined: none can be had). */
export type Passphrase = string | (() => Promise<string | undefined>);

/** As readSecretKey asks for it (the type is spelled out: keys/secret.ts's declarations reach openpgp.js). */
export function passphraseSource(passphrase: Passphrase | undefined): () => Promise<string | undefined> {
  if (typeof passphrase === 'function') return passphrase;
  return () => Promise.resolve(passphrase);
}
