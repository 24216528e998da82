// `pbxsig audit`: many installations, one run, one report. Progress on stderr (a terminal only); the
// summary on stdout, or one report format there (--json, --html or --ndjson); reports to files
// (--json=FILE, ...) written atomically. With --queue the installations are verified by fleet workers
// (audit-queue.ts); the report and its outputs are the same.

import { auditInstallations } from '../../audit/audit.js';
import { parseInstallations } from '../../audit/names.js';
import type { NamedRoot } from '../../audit/names.js';
import { collectRoots } from '../../audit/roots.js';
import type { AuditReport, AuditedInstallation } from '../../audit/types.js';
import { UsageError } from '../../errors.js';
import type { ModuleReport } from '../../report/types.js';
import { trustFrom } from '../anchors.js';
import type { AuditArgs } from '../args.js';
import { startProgress } from '../progress.js';
import { checkOutputFiles, installationLine, moduleLine, ndjsonSink, writeAuditOutputs } from '../audit-outputs.js';

export async function runAudit(args: AuditArgs): Promise<number> {
  if (args.fleet.queue !== undefined) {
    const { runQueuedAudit } = await import('./audit-queue.js');
    return runQueuedAudit(args, args.fleet.queue);
  }
  const targets = parseInstallations(await collectRoots({ roots: args.roots, from: args.from, each: args.each }));
  const hosts = targets.flatMap((t) => (t.kind === 'host' ? [`host:${t.name}`] : []));
  if (hosts.length > 0)
    throw new UsageError(`${hosts.join(', ')}: a host's installation is audited by its agent worker: give --queue`);
  const roots = targets.flatMap((t): NamedRoot[] => (t.kind === 'root' ? [{ name: t.name, root: t.root }] : []));
  const files = await checkOutputFiles(
    args,
    roots.map((r) => r.root),
  );
  const trust = await trustFrom(args);
  const progress =
    !args.quiet && !args.status && process.stderr.isTTY === true ? await startProgress(roots.length) : undefined;
  const ndjson = await ndjsonSink(args.ndjson);
  let bytes = 0;

  let report: AuditReport;
  try {
    report = await auditInstallations({
      roots,
      keys: trust.keys,
      anchors: trust.anchors,
      engine: args.engine,
      threads: args.threads,
      unlisted: args.unlisted,
      onModuleOf: (installation: NamedRoot, module: ModuleReport) => {
        bytes += module.files.bytes;
        progress?.update(bytes);
        ndjson?.emit(moduleLine(installation, module));
      },
      onInstallation: (installation: AuditedInstallation) => {
        progress?.increment(bytes);
        ndjson?.emit(installationLine(installation));
      },
    });
    ndjson?.emit({ type: 'audit', summary: report.summary });
    await ndjson?.close();
  } catch (error) {
    await ndjson?.abort();
    throw error;
  } finally {
    progress?.stop();
  }
  return writeAuditOutputs(report, args, files);
}
