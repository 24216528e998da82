// `pbxsig verify`: flags to options, the library does the work, the report goes to stdout.

import { resolveAnchors } from '../../pgp/anchor-files.js';
import { renderHuman, wantsColour } from '../../report/human.js';
import { verifyModules } from '../../verify/verify-modules.js';
import type { VerifyArgs } from '../args.js';

/** Runs the command and returns its exit code: 0 all verified, 1 some module failed. */
export async function runVerify(args: VerifyArgs): Promise<number> {
  const report = await verifyModules({
    modules: args.modules,
    keys: args.keys,
    anchors: await resolveAnchors(args.anchors),
    engine: args.engine,
    threads: args.threads,
  });
  const text = args.json ? `${JSON.stringify(report, null, 2)}\n` : renderHuman(report, { colour: wantsColour(process.stdout) });
  process.stdout.write(text);
  return report.summary.failed === 0 ? 0 : 1;
}
