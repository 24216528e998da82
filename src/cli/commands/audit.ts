// `pbxsig audit`: many installations, one run, one report. Progress on stderr (a terminal only); the
// summary on stdout, or one report format there (--json, --html or --ndjson); reports to files
// (--json=FILE, ...) written atomically.

import { auditInstallations } from '../../audit/audit.js';
import { renderAuditHtml } from '../../audit/html.js';
import { collectRoots } from '../../audit/roots.js';
import type { AuditReport, AuditedInstallation } from '../../audit/types.js';
import { formatBytes, formatRate } from '../../report/bytes.js';
import { escapeControls as esc } from '../../report/escape.js';
import type { ModuleReport } from '../../report/types.js';
import { openAtomic, writeFileAtomic } from '../../report/write-atomic.js';
import type { AtomicFile } from '../../report/write-atomic.js';
import { trustFrom } from '../anchors.js';
import type { AuditArgs } from '../args.js';
import { startProgress } from '../progress.js';
import { assertOutsideTrees } from '../report-path.js';
import { STDOUT } from '../spec.js';
import { stdout } from '../stdout.js';

export async function runAudit(args: AuditArgs): Promise<number> {
  const roots = await collectRoots({ roots: args.roots, from: args.from, each: args.each });
  const files = (['json', 'html', 'ndjson'] as const).flatMap((name) => {
    const target = args[name];
    return target !== undefined && target !== STDOUT ? [{ option: `--${name}=`, path: target }] : [];
  });
  for (const file of files) await assertOutsideTrees(file.path, roots, file.option);
  const trust = await trustFrom(args);
  const out = stdout();
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
      onModuleOf: (root: string, module: ModuleReport) => {
        bytes += module.files.bytes;
        progress?.update(bytes);
        ndjson?.emit({ type: 'module', installation: root, module });
      },
      onInstallation: (installation: AuditedInstallation) => {
        progress?.increment(bytes);
        ndjson?.emit({
          type: 'installation',
          installation: installation.root,
          status: installation.status,
          error: installation.error,
          summary: installation.report?.summary ?? null,
        });
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

  const json = (): string => `${JSON.stringify(report, null, 2)}\n`;
  if (args.json === STDOUT) out.write(json());
  else if (args.json !== undefined) await writeFileAtomic(args.json, json());
  if (args.html === STDOUT) out.write(renderAuditHtml(report));
  else if (args.html !== undefined) await writeFileAtomic(args.html, renderAuditHtml(report));
  const stdoutTaken = [args.json, args.html, args.ndjson].includes(STDOUT);
  if (!stdoutTaken && !args.status)
    out.write(
      renderAuditSummary(
        report,
        files.map((f) => f.path),
        args.quiet,
      ),
    );
  return report.summary.clean === report.summary.installations ? 0 : 1;
}

interface NdjsonSink {
  emit(line: object): void;
  close(): Promise<void>;
  abort(): Promise<void>;
}

// NDJSON lines as modules finish: on stdout, or into a file that appears whole at the end (a signal
// or a failure leaves no half-written file).
async function ndjsonSink(target: string | undefined): Promise<NdjsonSink | undefined> {
  if (target === undefined) return undefined;
  if (target === STDOUT) {
    return {
      emit: (line) => stdout().write(`${JSON.stringify(line)}\n`),
      close: () => Promise.resolve(),
      abort: () => Promise.resolve(),
    };
  }
  const file: AtomicFile = await openAtomic(target);
  // Lines are written in order, one after another; after the first failure the rest are dropped,
  // and close() throws it.
  let writing: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  return {
    emit: (line) => {
      if (failure) return;
      const text = `${JSON.stringify(line)}\n`;
      writing = writing
        .then(() => file.write(text))
        .catch((error: unknown) => {
          failure ??= { error };
        });
    },
    close: async () => {
      await writing;
      if (failure) throw failure.error;
      await file.commit();
    },
    abort: async () => {
      await writing;
      await file.abort();
    },
  };
}

export function renderAuditSummary(report: AuditReport, written: readonly string[], quiet = false): string {
  const shown = quiet ? report.installations.filter((i) => i.status !== 'clean') : report.installations;
  const roots = new Map(shown.map((i) => [i, esc(i.root)]));
  const width = Math.max(...[...roots.values()].map((root) => root.length), 10);
  const lines = shown.map((i) => {
    const status = i.status.padEnd(10);
    const root = (roots.get(i) ?? '').padEnd(width);
    if (!i.report) return `${status}  ${root}  ${esc(i.error?.message ?? '')}`;
    const failing = i.report.modules.filter((m) => !m.passed);
    const detail =
      failing.length === 0
        ? `${i.report.summary.modules} modules verified`
        : `${failing.length} of ${i.report.summary.modules} modules failed: ${failing
            .slice(0, 6)
            .map((m) => `${esc(m.name)} (${m.verdict !== 'verified' ? m.verdict : 'unlisted code'})`)
            .join(', ')}${failing.length > 6 ? ', ...' : ''}`;
    return `${status}  ${root}  ${detail}`;
  });
  const s = report.summary;
  const seconds = report.durationMs / 1000;
  if (lines.length > 0) lines.push('');
  lines.push(
    `${s.installations} installations: ${s.clean} clean, ${s.withFindings} with findings, ${s.unreadable} unreadable. ` +
      `${s.modules} modules (${s.failedModules} failed), ${s.files.toLocaleString('en-US')} files, ${formatBytes(s.bytes)} in ${seconds.toFixed(1)} s (${formatRate(s.bytes, Math.max(seconds, 0.001))}).`,
    `${s.signatures.verified} module.sig signatures verified; ${s.signatures.shared} identical ones shared that work.`,
  );
  for (const file of written) lines.push(`Report written: ${esc(file)}`);
  return `${lines.join('\n')}\n`;
}
