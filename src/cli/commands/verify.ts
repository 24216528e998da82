// `pbxsig verify`: flags and the configuration file (verify-settings.ts) to options, the library does the work, the report goes to stdout (human or
// JSON) and to a file (--json=FILE, --report FILE), alerts to stderr.

import { alertLines } from '../../report/alerts.js';
import { escapeControls as esc } from '../../report/escape.js';
import { renderFooter, renderHuman, renderModule, wantsColour } from '../../report/human.js';
import type { ModuleReport, VerifyReport } from '../../report/types.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import { verifyInstallation } from '../../verify/verify-installation.js';
import { verifyModules } from '../../verify/verify-modules.js';
import { DEFAULT_CONFIG, NO_CONFIG, loadConfig } from '../../config/read.js';
import { trustFrom } from '../anchors.js';
import { endStartup } from '../tiering.js';
import type { VerifyArgs } from '../args.js';
import { assertOutsideTrees } from '../report-path.js';
import { STDOUT } from '../spec.js';
import { stderr, stdout } from '../stdout.js';
import { settleVerify } from '../verify-settings.js';
import type { VerifySettings } from '../verify-settings.js';

// A setting from a file changes what a run checks (unlisted = "ignore"): the human report says which files.
function configLine(settings: VerifySettings): string {
  const entries = settings.allow.length;
  const allowed = entries > 0 ? ` (${entries} allowlist ${entries === 1 ? 'entry' : 'entries'})` : '';
  return `Settings from ${settings.usedFiles.map(esc).join(', ')}${allowed}.\n`;
}

/** Runs the command and returns its exit code: 0 every module passed, 1 some module failed. */
export async function runVerify(args: VerifyArgs): Promise<number> {
  const installation = args.modules.length === 0;
  const config =
    args.config === false
      ? NO_CONFIG
      : await loadConfig(args.config ?? DEFAULT_CONFIG, { required: args.config !== undefined });
  const settings = settleVerify(args, config);
  // warm-start.ts guessed lanes from the command line alone; a configuration file may keep the work on
  // the main thread, which must then not run with V8 optimising late (tiering.ts).
  if (settings.threads !== 'auto' && settings.threads <= 1) endStartup();
  const file = settings.report;
  if (file) await assertOutsideTrees(file.path, installation ? [settings.root] : args.modules, file.option);

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
  const trust = await trustFrom(settings);
  const common = {
    keys: trust.keys,
    anchors: trust.anchors,
    engine: settings.engine,
    threads: settings.threads,
    unlisted: settings.unlisted,
    allow: settings.allow,
    ...(onModule ? { onModule } : {}),
  };
  const verified: VerifyReport = installation
    ? await verifyInstallation({
        ...common,
        root: settings.root,
        settings: args.settings,
        ...(args.only.length > 0 ? { modules: args.only } : {}),
      })
    : await verifyModules({ ...common, modules: args.modules });
  const report: VerifyReport = {
    ...verified,
    settings: { ...verified.settings, sources: settings.sources, configFiles: settings.configFiles },
  };

  if (file) {
    const webroot = report.installation?.settings['AMPWEBROOT']?.value;
    if (webroot !== undefined && settings.root === '/') await assertOutsideTrees(file.path, [webroot], file.option);
    await writeFileAtomic(file.path, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (args.json === STDOUT) out.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (human) {
    out.write(live ? renderFooter(report, { colour }) : renderHuman(report, { colour, quiet: args.quiet }));
    if (!args.quiet && settings.usedFiles.length > 0) out.write(configLine(settings));
  }

  // Alerts are for logs and alerting; on an interactive terminal the report above says it all.
  if (!args.status && (process.stderr.isTTY !== true || (process.env['JOURNAL_STREAM'] ?? '') !== '')) {
    for (const line of alertLines(report)) stderr().write(`${line}\n`);
  }
  return report.summary.failed === 0 ? 0 : 1;
}
