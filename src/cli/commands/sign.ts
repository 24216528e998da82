// `pbxsig sign`: unlock the key, sign the module, optionally verify the result at once.

import { InputError } from '../../errors.js';
import { readSecretKey } from '../../keys/secret.js';
import { formatBytes } from '../../report/bytes.js';
import { escapeControls as esc } from '../../report/escape.js';
import { renderHuman } from '../../report/human.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import { signModule } from '../../sign/sign-module.js';
import { verifyModules } from '../../verify/verify-modules.js';
import { trustFrom } from '../anchors.js';
import type { SignArgs } from '../args.js';
import { passphraseFrom } from '../output.js';
import { assertOutsideTrees } from '../report-path.js';
import { STDOUT } from '../spec.js';
import { stdout } from '../stdout.js';
import { parseDeadline, parseTime } from '../times.js';

export async function runSign(args: SignArgs): Promise<number> {
  // The result file must not land in the module: it would be an unlisted file of what was just signed.
  if (args.json !== undefined && args.json !== STDOUT) await assertOutsideTrees(args.json, [args.module], '--json=');
  const date = args.date !== undefined ? parseTime(args.date, '--date') : undefined;
  // A duration counts from the signature's time, as `keys generate --expires` counts from --created.
  const signedAt = date ?? new Date();
  const deadline =
    args.expiresAfter !== undefined ? parseDeadline(args.expiresAfter, '--expires-after', signedAt) : undefined;
  // A deadline at or before the signature would make FreePBX call the module revoked from the start.
  if (deadline !== undefined && deadline.getTime() <= signedAt.getTime())
    throw new InputError(
      'INPUT_UNREADABLE',
      `--expires-after ${args.expiresAfter ?? ''}: that is not after the signature (${signedAt.toISOString()}); FreePBX would call the module revoked at once`,
    );
  const expiresAfter = deadline !== undefined ? Math.floor(deadline.getTime() / 1000) : undefined;
  const key = await readSecretKey(args.key, () => passphraseFrom(args.passphraseFile, args.key));
  const result = await signModule({
    module: args.module,
    key,
    dotfiles: args.dotfiles,
    ...(args.signedBy !== undefined ? { signedBy: args.signedBy } : {}),
    ...(args.repo !== undefined ? { repo: args.repo } : {}),
    ...(expiresAfter !== undefined ? { expiresAfter } : {}),
    ...(date ? { date } : {}),
    engine: args.engine,
    threads: args.threads,
  });

  let verified = true;
  let check;
  if (args.check) {
    // By default the signer is its own anchor: the check proves the signature and every file, not
    // that FreePBX certified the key (give --anchor for that).
    const trust = await trustFrom({ anchors: args.anchors, keys: [args.key, ...args.keys] }, () => [
      result.fingerprint,
    ]);
    check = await verifyModules({
      modules: [args.module],
      keys: trust.keys,
      anchors: trust.anchors,
      unlisted: 'report',
    });
    verified = check.summary.failed === 0;
  }
  const json = `${JSON.stringify({ ...result, ...(check ? { check } : {}) }, null, 2)}\n`;
  if (args.json === STDOUT) {
    stdout().write(json);
  } else {
    if (args.json !== undefined) await writeFileAtomic(args.json, json);
    stdout().write(
      `Signed ${result.files} ${result.files === 1 ? 'file' : 'files'} (${formatBytes(result.bytes)}) of ${esc(args.module)} with ${result.signedWith} (${result.digest}): ${esc(result.path)}\n`,
    );
    if (check) stdout().write(renderHuman(check, { colour: false }));
  }
  return verified ? 0 : 1;
}
