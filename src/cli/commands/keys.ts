// `pbxsig keys generate|certify|revoke|list|export`.

import { lstatSync, rmSync } from 'node:fs';
import { InputError, describeError } from '../../errors.js';
import { certifyKey, revokeCertification } from '../../keys/certify.js';
import { describeKeys } from '../../keys/describe.js';
import type { KeyDescription } from '../../keys/describe.js';
import { generateKeyPair } from '../../keys/generate.js';
import { readSecretKey } from '../../keys/secret.js';
import { keyBeyondBounds, loadKeys, readKeyFile } from '../../pgp/keyring.js';
import { escapeControls as esc } from '../../report/escape.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import { trustFrom } from '../anchors.js';
import type { KeysArgs } from '../args.js';
import { passphraseFrom, writeNewFile } from '../output.js';
import { canPrompt, promptNewPassphrase, readPassphraseFile } from '../prompt.js';
import { STDOUT } from '../spec.js';
import { stderr, stdout } from '../stdout.js';
import { durationSeconds, parseTime } from '../times.js';

export async function runKeys(args: KeysArgs): Promise<number> {
  switch (args.command) {
    case 'keys generate':
      return generate(args);
    case 'keys certify':
    case 'keys revoke':
      return certifyOrRevoke(args);
    case 'keys list':
      return list(args);
    case 'keys export':
      return exportKeys(args);
  }
}

async function generate(args: Extract<KeysArgs, { command: 'keys generate' }>): Promise<number> {
  const created = args.created !== undefined ? parseTime(args.created, '--created') : new Date();
  let expiresIn: number | undefined;
  if (args.expires !== undefined) {
    expiresIn =
      durationSeconds(args.expires) ??
      Math.floor((parseTime(args.expires, '--expires').getTime() - created.getTime()) / 1000);
    if (expiresIn <= 0)
      throw new InputError('INPUT_UNREADABLE', `--expires ${args.expires}: that is not after the key's creation`);
  }
  const passphrase =
    args.passphraseFile !== undefined
      ? await readPassphraseFile(args.passphraseFile)
      : canPrompt()
        ? await promptNewPassphrase('Passphrase for the new secret key (empty for none): ')
        : undefined;
  const key = await generateKeyPair({
    name: args.name,
    email: args.email,
    type: args.type,
    created,
    ...(expiresIn !== undefined ? { expiresIn } : {}),
    ...(passphrase ? { passphrase } : {}),
  });
  const publicFile = `${args.out}.pub.asc`;
  const secretFile = `${args.out}.secret.asc`;
  // Both or neither: a public file from one key beside a secret file from another is worse than none.
  // Any entry counts as there, a link leading nowhere included (the secret's write would refuse it).
  if (!args.force)
    for (const file of [publicFile, secretFile])
      if (lstatSync(file, { throwIfNoEntry: false }))
        throw new InputError('OUTPUT_EXISTS', `${file} already exists; use --force to replace it`);
  await writeNewFile(publicFile, key.toPublic().armor(), { force: args.force, mode: 0o644 });
  try {
    await writeNewFile(secretFile, key.armor(), { force: args.force, mode: 0o600 });
  } catch (error) {
    if (!args.force) rmSync(publicFile, { force: true });
    throw error;
  }
  stdout().write(
    `${key.getFingerprint().toUpperCase()}  ${args.name} <${args.email}>\n  public: ${publicFile}\n  secret: ${secretFile} (mode 0600${passphrase ? ', passphrase-protected' : ', NOT protected by a passphrase'})\n`,
  );
  if (!passphrase)
    stderr().write(
      `warning: ${secretFile} is not protected by a passphrase; give --passphrase-file (or run on a terminal) to protect it\n`,
    );
  return 0;
}

async function certifyOrRevoke(args: Extract<KeysArgs, { command: 'keys certify' | 'keys revoke' }>): Promise<number> {
  const date = args.date !== undefined ? parseTime(args.date, '--date') : new Date();
  const master = await readSecretKey(args.master, () => passphraseFrom(args.passphraseFile, args.master));
  const [target, ...more] = await readKeyFile(args.key);
  if (!target || more.length > 0)
    throw new InputError(
      'KEY_UNREADABLE',
      `key file ${args.key}: expected exactly one key, found ${more.length + (target ? 1 : 0)}`,
    );
  const developer = target.isPrivate() ? target.toPublic() : target;
  // A flooded key (3,000 certifications) took openpgp.js 107 s to certify: refused at the bounds every
  // key read for verification is held to.
  const flooded = keyBeyondBounds(developer);
  if (flooded)
    throw new InputError(
      'KEY_UNREADABLE',
      `key file ${args.key}: the key carries ${flooded}; not ${args.command === 'keys certify' ? 'certified' : 'revoked'}`,
    );
  let result;
  try {
    result =
      args.command === 'keys certify'
        ? await certifyKey(master, developer, { date })
        : await revokeCertification(master, developer, {
            date,
            ...(args.reason !== undefined ? { reason: args.reason } : {}),
          });
  } catch (error) {
    throw new InputError(
      'KEY_UNUSABLE',
      `the master key in ${args.master} cannot sign at ${date.toISOString()}: ${describeError(error)}`,
    );
  }
  const masterId = master.getKeyID().toHex().toUpperCase();
  if (
    args.command === 'keys revoke' &&
    !developer.users.some((u) => u.otherCertifications.some((c) => c.issuerKeyID.toHex().toUpperCase() === masterId))
  ) {
    stderr().write(
      `warning: ${args.key} carries no certification by ${masterId}; the revocation withdraws nothing yet\n`,
    );
  }
  const armored = result.armor();
  if (args.out !== undefined) await writeNewFile(args.out, armored, { force: args.force, mode: 0o644 });
  else stdout().write(armored);
  const what = args.command === 'keys certify' ? 'certified' : 'revoked the certification of';
  stderr().write(
    `${master.getKeyID().toHex().toUpperCase()} ${what} ${developer.getFingerprint().toUpperCase()}${args.out !== undefined ? `: ${args.out}` : ''}\n`,
  );
  return 0;
}

async function list(args: Extract<KeysArgs, { command: 'keys list' }>): Promise<number> {
  const trust = await trustFrom(args);
  const { keyring, warnings } = await loadKeys(trust.keys);
  const keys = await describeKeys(keyring, trust.anchors, new Date());
  const json = `${JSON.stringify({ anchors: trust.anchors, keys, warnings }, null, 2)}\n`;
  if (args.json === STDOUT) {
    stdout().write(json);
    return 0;
  }
  if (args.json !== undefined) await writeFileAtomic(args.json, json);
  for (const key of keys) stdout().write(renderKey(key));
  for (const warning of warnings) stderr().write(`warning: ${esc(warning)}\n`);
  return 0;
}

// User IDs, names and reasons come from key files, which an audited installation supplies: escaped.
function renderKey(key: KeyDescription): string {
  const lines = [`${key.fingerprint}  ${esc(key.algorithm)}${key.anchor ? '  [trust anchor]' : ''}`];
  for (const id of key.userIds) lines.push(`  user ID    ${esc(id)}`);
  lines.push(
    `  created    ${key.created.slice(0, 10)}${key.expires ? `, expires ${key.expires.slice(0, 10)}` : ', never expires'}`,
  );
  for (const c of key.certifiedBy) {
    lines.push(
      `  certified  by ${c.keyId}${c.name ? ` (${esc(c.name)})` : ''}${c.anchor ? ' [anchor]' : ''}${c.created ? ` on ${c.created.slice(0, 10)}` : ''}${c.state ? `: ${esc(c.state)}` : ''}`,
    );
  }
  lines.push(`  trust      ${key.trust.state}: ${esc(key.trust.reason)}`);
  if (key.trust.state === 'trusted' && key.trust.gnupg !== 'trusted')
    lines.push(`             GnuPG (and so FreePBX) sees it as ${key.trust.gnupg}`);
  return `${lines.join('\n')}\n\n`;
}

async function exportKeys(args: Extract<KeysArgs, { command: 'keys export' }>): Promise<number> {
  const { keyring, warnings } = await loadKeys(args.keys);
  // A key skipped at a bound is said, as `keys list` says it; with nothing left, nothing is written.
  for (const warning of warnings) stderr().write(`warning: ${esc(warning)}\n`);
  if (keyring.size === 0) throw new InputError('KEY_UNREADABLE', `no key to export from ${args.keys.join(', ')}`);
  const armored = [...keyring.keys()].map((k) => k.armor()).join('');
  if (args.out !== undefined) await writeNewFile(args.out, armored, { force: args.force, mode: 0o644 });
  else stdout().write(armored);
  return 0;
}
