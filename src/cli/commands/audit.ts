// `pbxsig audit`: many installations, one run, one report. Progress on stderr (a terminal only),
// the summary (or NDJSON) on stdout, JSON and HTML reports written atomically.

import { auditInstallations } from '../../audit/audit.js';
import { renderAuditHtml } from '../../audit/html.js';
import { collectRoots } from '../../audit/roots.js';
import type { AuditReport, AuditedInstallation } from '../../audit/types.js';
import { anchorKeyFiles, resolveAnchors } from '../../pgp/anchor-files.js';
import { formatBytes } from '../../report/human.js';
import type { ModuleReport } from '../../report/types.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import type { AuditArgs } from '../args.js';
import { assertOutsideTrees } from '../report-path.js';

export async function runAudit(args: AuditArgs): Promise<number> {
  const roots = await collectRoots({ roots: args.roots, from: args.from, each: args.each });
  for (const file of [args.json, args.html]) if (file !== undefined) await assertOutsideTrees(file, roots);
  const anchors = await resolveAnchors(args.anchors);
  const progress = !args.quiet && process.stderr.isTTY === true ? await startProgress(roots.length) : undefined;
  let bytes = 0;
  const emit = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

  let report: AuditReport;
  try {
    report = await auditInstallations({
      roots,
      keys: [...args.keys, ...anchorKeyFiles(args.anchors)],
      anchors,
      engine: args.engine,
      threads: args.threads,
      unlisted: args.unlisted,
      onModuleOf: (root: string, module: ModuleReport) => {
        bytes += module.files.bytes;
        progress?.update({ bytes });
        if (args.ndjson) emit({ type: 'module', installation: root, module });
      },
      onInstallation: (installation: AuditedInstallation) => {
        progress?.increment({ bytes });
        if (args.ndjson) {
          emit({
            type: 'installation',
            installation: installation.root,
            status: installation.status,
            error: installation.error,
            summary: installation.report?.summary ?? null,
          });
        }
      },
    });
  } finally {
    progress?.stop();
  }

  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (args.json !== undefined) await writeFileAtomic(args.json, json);
  if (args.html !== undefined) await writeFileAtomic(args.html, renderAuditHtml(report));
  if (args.ndjson) emit({ type: 'audit', summary: report.summary });
  else process.stdout.write(renderAuditSummary(report, [args.json, args.html]));
  return report.summary.clean === report.summary.installations ? 0 : 1;
}

async function startProgress(
  total: number,
): Promise<{ update(payload: object): void; increment(payload: object): void; stop(): void }> {
  const { default: progress } = await import('cli-progress');
  const started = Date.now();
  const bar = new progress.SingleBar(
    {
      format: 'audit [{bar}] {value}/{total} installations | {done} | {rate} | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 5,
    },
    progress.Presets.shades_classic,
  );
  const payload = (p: object): object => {
    const bytes = (p as { bytes?: number }).bytes ?? 0;
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    return { done: formatBytes(bytes), rate: `${formatBytes(bytes / seconds)}/s` };
  };
  bar.start(total, 0, payload({ bytes: 0 }));
  return {
    update: (p) => bar.update(payload(p)),
    increment: (p) => bar.increment(1, payload(p)),
    stop: () => bar.stop(),
  };
}

export function renderAuditSummary(report: AuditReport, written: ReadonlyArray<string | undefined>): string {
  const width = Math.max(...report.installations.map((i) => i.root.length), 10);
  const lines = report.installations.map((i) => {
    const status = i.status.padEnd(10);
    if (!i.report) return `${status}  ${i.root.padEnd(width)}  ${i.error?.message ?? ''}`;
    const failing = i.report.modules.filter((m) => !m.passed);
    const detail =
      failing.length === 0
        ? `${i.report.summary.modules} modules verified`
        : `${failing.length} of ${i.report.summary.modules} modules failed: ${failing
            .slice(0, 6)
            .map((m) => `${m.name} (${m.verdict !== 'verified' ? m.verdict : 'unlisted code'})`)
            .join(', ')}${failing.length > 6 ? ', ...' : ''}`;
    return `${status}  ${i.root.padEnd(width)}  ${detail}`;
  });
  const s = report.summary;
  const seconds = report.durationMs / 1000;
  lines.push(
    '',
    `${s.installations} installations: ${s.clean} clean, ${s.withFindings} with findings, ${s.unreadable} unreadable. ` +
      `${s.modules} modules (${s.failedModules} failed), ${s.files.toLocaleString('en-US')} files, ${formatBytes(s.bytes)} in ${seconds.toFixed(1)} s (${formatBytes(s.bytes / Math.max(seconds, 0.001))}/s).`,
    `${s.signatures.verified} module.sig signatures verified; ${s.signatures.shared} identical ones shared that work.`,
  );
  for (const file of written) if (file !== undefined) lines.push(`Report written: ${file}`);
  return `${lines.join('\n')}\n`;
}
