// The human-readable report: one aligned line per module (printable as soon as the module finishes),
// the files that failed under it, a total. Colour only when the stream is a terminal and NO_COLOR is
// not set (https://no-color.org). Names, paths and messages come from the verified tree: every one is
// printed through escapeControls().

import { formatBytes, formatRate } from './bytes.js';
import { escapeControls as esc } from './escape.js';
import { findingGroups } from './findings.js';
import type { ModuleReport, Verdict, VerifyReport } from './types.js';
import { plural } from './plural.js';

/** Findings of one kind shown per module before "... and N more". */
const MAX_FINDINGS_SHOWN = 20;
// Notices every official FreePBX module carries; counted once in the footer instead of per module.
const ROUTINE_WARNINGS = new Set(['SIGNATURE_SHA1']);
// Fixed widths, so that lines printed as modules finish still line up.
const NAME_WIDTH = 16;
const VERDICT_WIDTH = 16;

// ANSI colours by hand: util.styleText() needs Node 20.12, and pbxsig runs on Node 18.19.
const SGR = { green: 32, red: 31, yellow: 33 } as const;
type Style = keyof typeof SGR;
type Paint = (style: Style, text: string) => string;

export interface HumanOptions {
  readonly colour: boolean;
  /** Only the modules that failed, then the total. */
  readonly quiet?: boolean;
}

export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
}

export function renderHuman(report: VerifyReport, options: HumanOptions): string {
  const shown = options.quiet === true ? report.modules.filter((m) => !m.passed) : report.modules;
  const footer = renderFooter(report, options);
  // With nothing above it, the total needs no blank line before it.
  return shown.length === 0 ? footer.replace(/^\n/, '') : shown.map((m) => renderModule(m, options)).join('') + footer;
}

/** One module: its line, then what failed. */
export function renderModule(module: ModuleReport, options: HumanOptions): string {
  const paint = painter(options);
  const mark = module.passed ? paint('green', 'ok  ') : paint('red', 'FAIL');
  const verdict = paint(module.verdict === 'verified' ? 'green' : 'red', module.verdict.padEnd(VERDICT_WIDTH));
  const freepbx = `FreePBX ${String(module.freepbx.status).padStart(3)}`;
  const lines = [`${mark} ${esc(module.name).padEnd(NAME_WIDTH)} ${verdict} ${freepbx}  ${describe(module)}`];
  lines.push(...findings(module, paint));
  for (const warning of module.warnings) {
    if (!ROUTINE_WARNINGS.has(warning.code))
      lines.push(`       ${paint('yellow', 'note'.padEnd(10))} ${esc(warning.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderFooter(report: VerifyReport, options: HumanOptions): string {
  const paint = painter(options);
  const { summary } = report;
  const seconds = (report.durationMs / 1000).toFixed(2);
  const where = report.installation ? ` in the installation at ${esc(report.installation.root)}` : '';
  const failures = (Object.entries(summary.verdicts) as Array<[Verdict, number]>)
    .filter(([verdict, n]) => verdict !== 'verified' && n > 0)
    .map(([verdict, n]) => `${n} ${verdict}`);
  if (summary.unlistedCode > 0)
    failures.push(`${summary.unlistedCode} unlisted code ${plural(summary.unlistedCode, 'file')}`);
  const notWalked = report.modules.reduce((n, m) => n + (m.unlisted?.notWalked.length ?? 0), 0);
  if (notWalked > 0) failures.push(`${notWalked} ${plural(notWalked, 'place')} not walked for unlisted files`);
  // A module of an installation signed as another module fails for it (module-report.ts).
  const renamed = report.modules.filter((m) => m.identity?.substituted === true).length;
  if (renamed > 0) failures.push(`${renamed} signed as another module`);
  const head =
    summary.failed === 0
      ? paint('green', `All ${summary.modules} ${plural(summary.modules, 'module')}${where} verified`)
      : paint(
          'red',
          `${summary.failed} of ${summary.modules} ${plural(summary.modules, 'module')}${where} failed (${failures.join(', ')})`,
        );
  const speed = report.durationMs > 0 ? `, ${formatRate(summary.bytes, report.durationMs / 1000)}` : '';
  // Threads that did file work, the main thread included.
  const threads = `${report.settings.threads} ${plural(report.settings.threads, 'thread')}`;
  const lines = [
    '',
    `${head}: ${groupThousands(summary.files)} ${plural(summary.files, 'file')}, ${formatBytes(summary.bytes)} checked in ${seconds} s${speed} (${threads}, ${report.settings.engine}).`,
  ];
  const sha1 = report.modules.filter((m) => m.warnings.some((w) => w.code === 'SIGNATURE_SHA1')).length;
  if (sha1 > 0)
    lines.push(`${sha1} ${plural(sha1, 'signature')} use SHA-1 digests, as official FreePBX signatures do: accepted.`);
  if ((summary.unlistedCode > 0 || notWalked > 0) && report.settings.unlisted === 'report')
    lines.push('Unlisted code is reported but does not fail modules (--unlisted report).');
  for (const w of report.warnings) lines.push(`${paint('yellow', 'warning')}: ${esc(w.message)}`);
  return `${lines.join('\n')}\n`;
}

function describe(module: ModuleReport): string {
  if (module.verdict !== 'verified') return esc(module.summary);
  const signer = module.signer;
  const who = signer ? `${signer.userId ?? signer.keyId} (${signer.keyId})` : '';
  const when = signer?.signedAt ? `, signed ${signer.signedAt.slice(0, 10)}` : '';
  const code = module.unlisted?.code.length ?? 0;
  const notWalked = module.unlisted?.notWalked.length ?? 0;
  const unlisted =
    (code > 0 ? `; ${code} unlisted code ${plural(code, 'file')}` : '') +
    (notWalked > 0 ? `; ${notWalked} ${plural(notWalked, 'place')} not walked` : '');
  // What the signed module.xml says the module is: its version, and its name when it is not the directory's.
  const identity = module.identity;
  const version = identity?.version ? `version ${esc(identity.version)}; ` : '';
  const renamed =
    identity?.matchesDirectory === false ? `; its signed module.xml names it "${esc(identity.rawname ?? '')}"` : '';
  return `${version}${module.files.matched} ${plural(module.files.matched, 'file')} ${module.files.matched === 1 ? 'matches' : 'match'}${unlisted}${renamed}; ${esc(who)}${esc(when)}`;
}

function findings(module: ModuleReport, paint: Paint): string[] {
  const lines: string[] = [];
  const groups = findingGroups(module);
  for (const [label, list] of groups) {
    for (const finding of list.slice(0, MAX_FINDINGS_SHOWN)) {
      const reason = finding.reason && label !== 'missing' ? `  (${esc(finding.reason)})` : '';
      lines.push(`       ${paint('red', label.padEnd(10))} ${esc(finding.path)}${reason}`);
    }
    if (list.length > MAX_FINDINGS_SHOWN)
      lines.push(`       ${''.padEnd(10)} ... and ${list.length - MAX_FINDINGS_SHOWN} more ${label} (see --json)`);
  }
  for (const issue of module.manifest?.issues ?? []) {
    lines.push(`       ${paint('red', 'manifest'.padEnd(10))} line ${issue.line}: ${esc(issue.message)}`);
  }
  // Known quirks are always shown, one line per reason; each file is listed in --json.
  const known = new Map<string, number>();
  for (const file of module.unlisted?.allowed ?? []) known.set(file.rule, (known.get(file.rule) ?? 0) + 1);
  for (const [rule, n] of known)
    lines.push(`       ${paint('yellow', 'known'.padEnd(10))} ${n} unlisted ${plural(n, 'file')} ${esc(rule)}`);
  const notes = module.unlisted?.notes ?? [];
  for (const note of notes.slice(0, MAX_FINDINGS_SHOWN))
    lines.push(`       ${paint('yellow', 'note'.padEnd(10))} ${esc(note.path)}  (${esc(note.reason ?? '')})`);
  if (notes.length > MAX_FINDINGS_SHOWN)
    lines.push(`       ${''.padEnd(10)} ... and ${notes.length - MAX_FINDINGS_SHOWN} more notes (see --json)`);
  return lines;
}

// Not toLocaleString(): starting ICU for one number costs about 5 ms of a boot-time run.
function groupThousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

function painter(options: HumanOptions): Paint {
  return (style, text) => (options.colour ? `\u001b[${SGR[style]}m${text}\u001b[39m` : text);
}
