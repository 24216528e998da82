// The human-readable report: one aligned line per module, the files that failed under it, a total.
// Colour only when the stream is a terminal and NO_COLOR is not set (https://no-color.org).

import { styleText } from 'node:util';
import type { FileFinding, ModuleReport, Notice, Verdict, VerifyReport } from './types.js';

/** Findings of one kind shown per module before "... and N more". */
const MAX_FINDINGS_SHOWN = 20;
// Notices every official FreePBX module carries; counted once in the footer instead of per module.
const ROUTINE_WARNINGS = new Set(['SIGNATURE_SHA1']);

type Style = Parameters<typeof styleText>[0];

export interface HumanOptions {
  readonly colour: boolean;
}

export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
}

export function renderHuman(report: VerifyReport, options: HumanOptions): string {
  const paint = (style: Style, text: string): string => (options.colour ? styleText(style, text) : text);
  const nameWidth = Math.max(6, ...report.modules.map((m) => m.name.length));
  const verdictWidth = Math.max(...report.modules.map((m) => m.verdict.length), 8);
  const lines: string[] = [];

  for (const module of report.modules) {
    const ok = module.verdict === 'verified';
    const mark = ok ? paint('green', 'ok  ') : paint('red', 'FAIL');
    const verdict = paint(ok ? 'green' : 'red', module.verdict.padEnd(verdictWidth));
    const freepbx = `FreePBX ${String(module.freepbx.status).padStart(3)}`;
    lines.push(`${mark} ${module.name.padEnd(nameWidth)}  ${verdict}  ${freepbx}  ${describe(module)}`);
    lines.push(...findings(module, paint));
    for (const warning of module.warnings) {
      if (!ROUTINE_WARNINGS.has(warning.code)) lines.push(`       ${paint('yellow', 'note')}     ${warning.message}`);
    }
  }

  lines.push('', ...footer(report, paint));
  return `${lines.join('\n')}\n`;
}

function describe(module: ModuleReport): string {
  if (module.verdict !== 'verified') return module.summary;
  const signer = module.signer;
  const who = signer ? `${signer.userId ?? signer.keyId} (${signer.keyId})` : '';
  const when = signer?.signedAt ? `, signed ${signer.signedAt.slice(0, 10)}` : '';
  return `${module.files.matched} files match; ${who}${when}`;
}

function findings(module: ModuleReport, paint: (style: Style, text: string) => string): string[] {
  const lines: string[] = [];
  const groups: Array<[string, readonly FileFinding[]]> = [
    ['altered', module.files.altered],
    ['missing', module.files.missing],
    ['unsafe', module.files.unsafe],
    ['unreadable', module.files.unreadable],
  ];
  for (const [label, list] of groups) {
    for (const finding of list.slice(0, MAX_FINDINGS_SHOWN)) {
      const reason = finding.reason && label !== 'missing' ? `  (${finding.reason})` : '';
      lines.push(`       ${paint('red', label.padEnd(10))} ${finding.path}${reason}`);
    }
    if (list.length > MAX_FINDINGS_SHOWN) lines.push(`       ${''.padEnd(10)} ... and ${list.length - MAX_FINDINGS_SHOWN} more ${label} (see --json)`);
  }
  for (const issue of module.manifest?.issues ?? []) {
    lines.push(`       ${paint('red', 'manifest'.padEnd(10))} line ${issue.line}: ${issue.message}`);
  }
  return lines;
}

function footer(report: VerifyReport, paint: (style: Style, text: string) => string): string[] {
  const { summary } = report;
  const seconds = (report.durationMs / 1000).toFixed(2);
  const failed = (Object.entries(summary.verdicts) as Array<[Verdict, number]>)
    .filter(([verdict, n]) => verdict !== 'verified' && n > 0)
    .map(([verdict, n]) => `${n} ${verdict}`);
  const head = summary.failed === 0 ? paint('green', `All ${summary.modules} ${plural(summary.modules, 'module')} verified`) : paint('red', `${summary.failed} of ${summary.modules} ${plural(summary.modules, 'module')} failed (${failed.join(', ')})`);
  const lines = [`${head}: ${summary.files.toLocaleString('en-US')} files, ${formatBytes(summary.bytes)} hashed in ${seconds} s (${report.settings.threads || 'no'} worker ${plural(report.settings.threads, 'thread')}, ${report.settings.engine})`];
  const sha1 = report.modules.filter((m) => m.warnings.some((w) => w.code === 'SIGNATURE_SHA1')).length;
  if (sha1 > 0) lines.push(`${sha1} ${plural(sha1, 'signature')} use SHA-1 digests, as official FreePBX signatures do: accepted.`);
  lines.push(...report.warnings.map((w: Notice) => `${paint('yellow', 'warning')}: ${w.message}`));
  return lines;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
