// FreePBX raises a security notification when it finds tampering. pbxsig's equivalent: one line per
// module with findings, on stderr. Under systemd (JOURNAL_STREAM set) each line carries a syslog
// priority prefix ("<3>" error, "<4>" warning), so journald records its priority and existing
// alerting (journalctl -p err, log shippers) picks it up. Module names, directories and file names
// come from the verified tree: escaped, so that a newline in a file name cannot forge a line of its own.

import { escapeControls as esc } from './escape.js';
import type { ModuleReport, VerifyReport } from './types.js';

const PRIORITY = { error: 3, warning: 4 } as const;

/** The alert lines for a report (empty when nothing was found). */
export function alertLines(report: VerifyReport, env: NodeJS.ProcessEnv = process.env): string[] {
  const journald = (env['JOURNAL_STREAM'] ?? '') !== '';
  const lines: string[] = [];
  // Code beside the modules belongs to no module, so no module fails for it: a warning of its own.
  for (const warning of report.warnings) {
    if (warning.code === 'CODE_BESIDE_MODULES')
      lines.push(`${journald ? `<${PRIORITY.warning}>` : ''}pbxsig: WARNING ${esc(warning.message)}`);
  }
  for (const module of report.modules) {
    const text = describeFindings(module);
    if (text === undefined) continue;
    const prefix = journald ? `<${module.passed ? PRIORITY.warning : PRIORITY.error}>` : '';
    lines.push(
      `${prefix}pbxsig: ${module.passed ? 'WARNING' : 'ALERT'} module ${esc(module.name)} (${esc(module.directory)}): ${text}`,
    );
  }
  return lines;
}

function describeFindings(module: ModuleReport): string | undefined {
  const parts: string[] = [];
  if (module.verdict !== 'verified')
    parts.push(`${module.verdict} (FreePBX status ${module.freepbx.status}): ${esc(module.summary)}`);
  const code = module.unlisted?.code ?? [];
  if (code.length > 0) {
    const shown = code
      .slice(0, 5)
      .map((f) => esc(f.path))
      .join(', ');
    parts.push(
      `${code.length} unlisted code ${code.length === 1 ? 'file' : 'files'}: ${shown}${code.length > 5 ? ', ...' : ''}`,
    );
  }
  const notWalked = module.unlisted?.notWalked ?? [];
  if (notWalked.length > 0) {
    const shown = notWalked
      .slice(0, 5)
      .map((f) => esc(f.path))
      .join(', ');
    parts.push(
      `${notWalked.length} ${notWalked.length === 1 ? 'place' : 'places'} not walked for unlisted files: ${shown}${notWalked.length > 5 ? ', ...' : ''}`,
    );
  }
  if (module.identity?.substituted)
    parts.push(`signed as another module: its signed module.xml names it "${esc(module.identity.rawname ?? '')}"`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}
