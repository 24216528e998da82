// `pbxsig sign`: unlock the key, sign the module, optionally verify the result at once.

import { readSecretKey } from '../../keys/secret.js';
import { anchorKeyFiles, resolveAnchors } from '../../pgp/anchor-files.js';
import { formatBytes, renderHuman } from '../../report/human.js';
import { signModule } from '../../sign/sign-module.js';
import { verifyModules } from '../../verify/verify-modules.js';
import type { SignArgs } from '../args.js';
import { passphraseFrom } from '../output.js';
import { parseDeadline, parseTime } from '../times.js';

export async function runSign(args: SignArgs): Promise<number> {
  const date = args.date !== undefined ? parseTime(args.date, '--date') : undefined;
  // A duration counts from the signature's time, as `keys generate --expires` counts from --created.
  const expiresAfter =
    args.expiresAfter !== undefined
      ? Math.floor(parseDeadline(args.expiresAfter, '--expires-after', date ?? new Date()).getTime() / 1000)
      : undefined;
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
    const anchors = args.anchors.length > 0 ? await resolveAnchors(args.anchors) : [result.fingerprint];
    check = await verifyModules({
      modules: [args.module],
      keys: [args.key, ...args.keys, ...anchorKeyFiles(args.anchors)],
      anchors,
      unlisted: 'report',
    });
    verified = check.summary.failed === 0;
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ...result, ...(check ? { check } : {}) }, null, 2)}\n`);
  } else {
    process.stdout.write(
      `Signed ${result.files} ${result.files === 1 ? 'file' : 'files'} (${formatBytes(result.bytes)}) of ${args.module} with ${result.signedWith} (${result.digest}): ${result.path}\n`,
    );
    if (check) process.stdout.write(renderHuman(check, { colour: false }));
  }
  return verified ? 0 : 1;
}
