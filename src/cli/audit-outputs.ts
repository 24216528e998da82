// The outputs of an audit, local or queued: the report files the command line names (checked to lie
// outside every audited root), the NDJSON stream (as modules finish, or replayed from a fleet's
// assembled report), the JSON and HTML reports and the summary on stdout.

import { basename } from 'node:path';
import { renderAuditHtml } from '../audit/html.js';
import type { NamedRoot } from '../audit/names.js';
import type { AuditReport, AuditedInstallation } from '../audit/types.js';
import { formatBytes, formatRate } from '../report/bytes.js';
import { escapeControls as esc } from '../report/escape.js';
import type { ModuleReport } from '../report/types.js';
import { openAtomic, writeFileAtomic } from '../report/write-atomic.js';
import type { AtomicFile } from '../report/write-atomic.js';
import type { AuditArgs } from './args.js';
import { assertOutsideTrees } from './report-path.js';
import { STDOUT } from './spec.js';
import { stdout } from './stdout.js';
import { counted, plural } from '../report/plural.js';

/** The report files the command line names (not stdout), checked to lie outside every root. */
export async function checkOutputFiles(args: AuditArgs, roots: readonly string[]): Promise<string[]> {
  const files = (['json', 'html', 'ndjson'] as const).flatMap((name) => {
    const target = args[name];
    return target !== undefined && target !== STDOUT ? [{ option: `--${name}=`, path: target }] : [];
  });
  for (const file of files) await assertOutsideTrees(file.path, roots, file.option);
  return files.map((f) => f.path);
}

// NDJSON lines: the installation by its root as given (as before names existed) and by its name.
export function moduleLine(installation: NamedRoot, module: ModuleReport): object {
  return { type: 'module', installation: installation.root, name: installation.name, module };
}

export function installationLine(installation: AuditedInstallation): object {
  return {
    type: 'installation',
    installation: installation.root,
    name: installation.name,
    status: installation.status,
    error: installation.error,
    summary: installation.report?.summary ?? null,
  };
}

/**
 * A fleet audit's NDJSON: a fleet has each installation's modules only from its result, so its lines
 * come when the report is assembled, in the order the installations were given.
 */
export async function writeNdjsonReplay(report: AuditReport, target: string | undefined): Promise<void> {
  const ndjson = await ndjsonSink(target);
  if (!ndjson) return;
  try {
    for (const installation of report.installations) {
      for (const module of installation.report?.modules ?? []) ndjson.emit(moduleLine(installation, module));
      ndjson.emit(installationLine(installation));
    }
    ndjson.emit({ type: 'audit', summary: report.summary });
    await ndjson.close();
  } catch (error) {
    await ndjson.abort();
    throw error;
  }
}

/** The JSON and HTML reports, then the summary unless stdout holds a report; the exit status. */
export async function writeAuditOutputs(
  report: AuditReport,
  args: AuditArgs,
  files: readonly string[],
): Promise<number> {
  const out = stdout();
  const json = (): string => `${JSON.stringify(report, null, 2)}\n`;
  if (args.json === STDOUT) out.write(json());
  else if (args.json !== undefined) await writeFileAtomic(args.json, json());
  if (args.html === STDOUT) out.write(renderAuditHtml(report));
  else if (args.html !== undefined) await writeFileAtomic(args.html, renderAuditHtml(report));
  const stdoutTaken = [args.json, args.html, args.ndjson].includes(STDOUT);
  if (!stdoutTaken && !args.status) out.write(renderAuditSummary(report, files, args.quiet));
  return report.summary.clean === report.summary.installations ? 0 : 1;
}

export interface NdjsonSink {
  emit(line: object): void;
  close(): Promise<void>;
  abort(): Promise<void>;
}

// NDJSON lines as modules finish: on stdout, or into a file that appears whole at the end (a signal
// or a failure leaves no half-written file).
export async function ndjsonSink(target: string | undefined): Promise<NdjsonSink | undefined> {
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

// The root as given, with the installation's name when the root does not already end in it.
function labelOf(installation: AuditedInstallation): string {
  const { name, root } = installation;
  return basename(root) === name ? esc(root) : `${esc(name)}=${esc(root)}`;
}

export function renderAuditSummary(report: AuditReport, written: readonly string[], quiet = false): string {
  const shown = quiet ? report.installations.filter((i) => i.status !== 'clean') : report.installations;
  const labels = new Map(shown.map((i) => [i, labelOf(i)]));
  const width = Math.max(...[...labels.values()].map((label) => label.length), 10);
  const lines = shown.map((i) => {
    const status = i.status.padEnd(10);
    const label = (labels.get(i) ?? '').padEnd(width);
    if (!i.report) return `${status}  ${label}  ${esc(i.error?.message ?? '')}`;
    const failing = i.report.modules.filter((m) => !m.passed);
    const detail =
      failing.length === 0
        ? `${counted(i.report.summary.modules, 'module')} verified`
        : `${failing.length} of ${counted(i.report.summary.modules, 'module')} failed: ${failing
            .slice(0, 6)
            .map((m) => `${esc(m.name)} (${m.verdict !== 'verified' ? m.verdict : 'unlisted code'})`)
            .join(', ')}${failing.length > 6 ? ', ...' : ''}`;
    return `${status}  ${label}  ${detail}`;
  });
  const s = report.summary;
  const seconds = report.durationMs / 1000;
  if (lines.length > 0) lines.push('');
  lines.push(
    `${counted(s.installations, 'installation')}: ${s.clean} clean, ${s.withFindings} with findings, ${s.unreadable} unreadable. ` +
      `${counted(s.modules, 'module')} (${s.failedModules} failed), ${s.files.toLocaleString('en-US')} ${plural(s.files, 'file')}, ${formatBytes(s.bytes)} in ${seconds.toFixed(1)} s (${formatRate(s.bytes, Math.max(seconds, 0.001))}).`,
    `${s.signatures.verified} module.sig signatures verified; ${s.signatures.shared} identical ones shared that work.`,
  );
  for (const file of written) lines.push(`Report written: ${esc(file)}`);
  return `${lines.join('\n')}\n`;
}
