// `pbxsig verify`: flags to options, the library does the work, the report goes to stdout (and to
// --report), alerts to stderr.

import { anchorKeyFiles, resolveAnchors } from '../../pgp/anchor-files.js';
import { alertLines } from '../../report/alerts.js';
import { renderFooter, renderHuman, renderModule, wantsColour } from '../../report/human.js';
import type { ModuleReport, VerifyReport } from '../../report/types.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import { verifyInstallation } from '../../verify/verify-installation.js';
import { verifyModules } from '../../verify/verify-modules.js';
import type { VerifyArgs } from '../args.js';
import { assertOutsideTrees } from '../report-path.js';

/** Runs the command and returns its exit code: 0 every module passed, 1 some module failed. */
export async function runVerify(args: VerifyArgs): Promise<number> {
  const installation = args.modules.length === 0;
  if (args.report !== undefined) await assertOutsideTrees(args.report, installation ? [args.root] : args.modules);

  const colour = wantsColour(process.stdout);
  // On a terminal each module's line appears as soon as it is verified.
  const live = process.stdout.isTTY === true && !args.json;
  const onModule = live ? (m: ModuleReport): void => void process.stdout.write(renderModule(m, { colour })) : undefined;
  const common = {
    keys: [...args.keys, ...anchorKeyFiles(args.anchors)],
    anchors: await resolveAnchors(args.anchors),
    engine: args.engine,
    threads: args.threads,
    unlisted: args.unlisted,
    ...(onModule ? { onModule } : {}),
  };
  const report: VerifyReport = installation
    ? await verifyInstallation({
        ...common,
        root: args.root,
        settings: args.settings,
        ...(args.only.length > 0 ? { modules: args.only } : {}),
      })
    : await verifyModules({ ...common, modules: args.modules });

  if (args.report !== undefined) {
    const webroot = report.installation?.settings['AMPWEBROOT']?.value;
    if (webroot !== undefined && args.root === '/') await assertOutsideTrees(args.report, [webroot]);
    await writeFileAtomic(args.report, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(live ? renderFooter(report, { colour }) : renderHuman(report, { colour }));

  // Alerts are for logs and alerting; on an interactive terminal the report above says it all.
  if (process.stderr.isTTY !== true || (process.env['JOURNAL_STREAM'] ?? '') !== '') {
    for (const line of alertLines(report)) process.stderr.write(`${line}\n`);
  }
  return report.summary.failed === 0 ? 0 : 1;
}
