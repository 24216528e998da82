// `pbxsig audit`: many installations, one run, one report. Progress on stderr (a terminal only),
// the summary (or NDJSON) on stdout, JSON and HTML reports written atomically. With --queue the
// installations are verified by fleet workers (audit-queue.ts); the report is the same.

import { basename } from 'node:path';
import { auditInstallations } from '../../audit/audit.js';
import { renderAuditHtml } from '../../audit/html.js';
import { parseInstallations } from '../../audit/names.js';
import { collectRoots } from '../../audit/roots.js';
import type { AuditReport, AuditedInstallation } from '../../audit/types.js';
import { UsageError } from '../../errors.js';
import { anchorKeyFiles, resolveAnchors } from '../../pgp/anchor-files.js';
import { formatBytes } from '../../report/human.js';
import type { ModuleReport } from '../../report/types.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import type { AuditArgs } from '../args.js';
import { assertOutsideTrees } from '../report-path.js';

export async function runAudit(args: AuditArgs): Promise<number> {
  if (args.fleet.queue !== undefined) {
    const { runQueuedAudit } = await import('./audit-queue.js');
    return runQueuedAudit(args, args.fleet.queue);
  }
  const targets = parseInstallations(await collectRoots({ roots: args.roots, from: args.from, each: args.each }));
  const hosts = targets.filter((t) => t.kind === 'host').map((t) => `host:${t.name}`);
  if (hosts.length > 0)
    throw new UsageError(`${hosts.join(', ')}: a host's installation is audited by its agent worker: give --queue`);
  const roots = targets.flatMap((t) => (t.kind === 'root' ? [t.root] : []));
  const names = new Map(targets.map((t, i) => [roots[i] as string, t.name]));
  for (const file of [args.json, args.html]) if (file !== undefined) await assertOutsideTrees(file, roots);
  const anchors = await resolveAnchors(args.anchors);
  const progress = !args.quiet && process.stderr.isTTY === true ? await startProgress(roots.length) : undefined;
  let bytes = 0;

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
        if (args.ndjson) emitModule(names.get(root) ?? root, root, module);
      },
      onInstallation: (installation: AuditedInstallation) => {
        progress?.increment({ bytes });
        if (args.ndjson) emitInstallation({ ...installation, name: names.get(installation.root) ?? installation.root });
      },
    });
  } finally {
    progress?.stop();
  }
  // Installations come back in the order given: each gets its name.
  report = {
    ...report,
    installations: report.installations.map((i, k) => ({ name: targets[k]?.name ?? i.root, ...i })),
  };
  return writeAuditOutputs(report, args, false);
}

const emit = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

export function emitModule(name: string, root: string, module: ModuleReport): void {
  emit({ type: 'module', installation: root, name, module });
}

export function emitInstallation(installation: AuditedInstallation): void {
  emit({
    type: 'installation',
    installation: installation.root,
    name: installation.name,
    status: installation.status,
    error: installation.error,
    summary: installation.report?.summary ?? null,
  });
}

/**
 * The JSON and HTML files, then the summary or the last NDJSON line; the exit status. `replayNdjson`:
 * print each installation's NDJSON lines now (a fleet audit has them only from its results).
 */
export async function writeAuditOutputs(report: AuditReport, args: AuditArgs, replayNdjson: boolean): Promise<number> {
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (args.json !== undefined) await writeFileAtomic(args.json, json);
  if (args.html !== undefined) await writeFileAtomic(args.html, renderAuditHtml(report));
  if (args.ndjson && replayNdjson) {
    for (const installation of report.installations) {
      for (const module of installation.report?.modules ?? [])
        emitModule(installation.name ?? installation.root, installation.root, module);
      emitInstallation(installation);
    }
  }
  if (args.ndjson) emit({ type: 'audit', summary: report.summary });
  else process.stdout.write(renderAuditSummary(report, [args.json, args.html]));
  return report.summary.clean === report.summary.installations ? 0 : 1;
}

export async function startProgress(
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
  // The root as given, with the installation's name when the root does not already end in it.
  const labelOf = (i: AuditedInstallation): string =>
    i.name === undefined || basename(i.root) === i.name ? i.root : `${i.name}=${i.root}`;
  const width = Math.max(...report.installations.map((i) => labelOf(i).length), 10);
  const lines = report.installations.map((i) => {
    const status = i.status.padEnd(10);
    if (!i.report) return `${status}  ${labelOf(i).padEnd(width)}  ${i.error?.message ?? ''}`;
    const failing = i.report.modules.filter((m) => !m.passed);
    const detail =
      failing.length === 0
        ? `${i.report.summary.modules} modules verified`
        : `${failing.length} of ${i.report.summary.modules} modules failed: ${failing
            .slice(0, 6)
            .map((m) => `${m.name} (${m.verdict !== 'verified' ? m.verdict : 'unlisted code'})`)
            .join(', ')}${failing.length > 6 ? ', ...' : ''}`;
    return `${status}  ${labelOf(i).padEnd(width)}  ${detail}`;
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
