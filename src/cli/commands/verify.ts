// `pbxsig verify`: flags to options, the library does the work, the report goes to stdout (human or
// JSON) and to a file (--json=FILE, --report FILE), alerts to stderr.

import { alertLines } from '../../report/alerts.js';
import { renderFooter, renderHuman, renderModule, wantsColour } from '../../report/human.js';
import type { ModuleReport, VerifyReport } from '../../report/types.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import { verifyInstallation } from '../../verify/verify-installation.js';
import { verifyModules } from '../../verify/verify-modules.js';
import { trustFrom } from '../anchors.js';
import type { VerifyArgs } from '../args.js';
import { assertOutsideTrees } from '../report-path.js';
import { STDOUT } from '../spec.js';
import { stderr, stdout } from '../stdout.js';

/** Runs the command and returns its exit code: 0 every module passed, 1 some module failed. */
export async function runVerify(args: VerifyArgs): Promise<number> {
  const installation = args.modules.length === 0;
  const file = reportFile(args);
  if (file) await assertOutsideTrees(file.path, installation ? [args.root] : args.modules, file.option);

  const out = stdout();
  const colour = wantsColour(process.stdout);
  const human = !args.status && args.json !== STDOUT;
  // On a terminal each module's line appears as soon as it is verified.
  const live = human && process.stdout.isTTY === true;
  const shown = (m: ModuleReport): boolean => !args.quiet || !m.passed;
  const onModule = live
    ? (m: ModuleReport): void => {
        if (shown(m)) out.write(renderModule(m, { colour }));
      }
    : undefined;
  const trust = await trustFrom(args);
  const common = {
    keys: trust.keys,
    anchors: trust.anchors,
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

  if (file) {
    const webroot = report.installation?.settings['AMPWEBROOT']?.value;
    if (webroot !== undefined && args.root === '/') await assertOutsideTrees(file.path, [webroot], file.option);
    await writeFileAtomic(file.path, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (args.json === STDOUT) out.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (human)
    out.write(live ? renderFooter(report, { colour }) : renderHuman(report, { colour, quiet: args.quiet }));

  // Alerts are for logs and alerting; on an interactive terminal the report above says it all.
  if (!args.status && (process.stderr.isTTY !== true || (process.env['JOURNAL_STREAM'] ?? '') !== '')) {
    for (const line of alertLines(report)) stderr().write(`${line}\n`);
  }
  return report.summary.failed === 0 ? 0 : 1;
}

function reportFile(args: VerifyArgs): { path: string; option: string } | undefined {
  if (args.report !== undefined) return { path: args.report, option: '--report' };
  if (args.json !== undefined && args.json !== STDOUT) return { path: args.json, option: '--json=' };
  return undefined;
}
