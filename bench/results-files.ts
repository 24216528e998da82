// Where a benchmark run's results go, and writing them:
//
//   bench/results/local/   every run by default: ignored by git, a run's files for the one who ran it;
//   bench/results/         a run started with --save: results meant for the repository.
//
// In either, one copy per run:
//
//   <base>.json          the report (summary.ts's FullReport);
//   <base>.md            its Markdown summary, the text the run printed;
//   <base>-<chart>.svg   its charts (charts.ts), one per suite that has one, named after the suite.
//
// <base> says what kind of run it was, so a partial or quick run never replaces a full run's files:
//
//   full run (every suite, full size)   <YYYY-MM-DD>                     2026-11-22.json
//   --quick                             <YYYY-MM-DD>-quick               2026-11-22-quick.json
//   --only SUITE[,SUITE]                <YYYY-MM-DD>-only-<SUITE+SUITE>  2026-11-22-only-audit+engines.json
//   both                                <YYYY-MM-DD>-quick-only-<...>    2026-11-22-quick-only-engines.json
//
// The date is the UTC day the run started (the report's `date`); a second run of the same kind on
// the same day replaces the first. There is no "latest" copy: the README links the newest saved run.

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHART_NAMES, renderCharts } from './charts.js';
import { renderSummary } from './summary.js';
import type { FullReport } from './summary.js';

/** dist/bench/results-files.js -> <repo>/bench/results/: saved runs (--save), committed. */
export const SAVED_DIR = fileURLToPath(new URL('../../bench/results/', import.meta.url));
/** Every other run: bench/results/local/, which .gitignore keeps out of the repository. */
export const LOCAL_DIR = join(SAVED_DIR, 'local');

export interface RunKind {
  readonly quick: boolean;
  /** The suites `--only` chose, or null when every suite ran. */
  readonly only: readonly string[] | null;
}

/** The file name without extension for a run started at `date` (ISO 8601, as in the report). */
export function resultsBase(date: string, kind: RunKind): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(date)?.[0];
  if (!day) throw new Error(`report date is not ISO 8601: ${JSON.stringify(date)}`);
  return [day, ...(kind.quick ? ['quick'] : []), ...(kind.only ? [`only-${kind.only.join('+')}`] : [])].join('-');
}

/** Writes a run's JSON, Markdown and charts into `dir`; returns the paths written. */
export async function writeRunResults(report: FullReport, kind: RunKind, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = resultsBase(report.date, kind);
  const file = join(dir, `${base}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return [file, ...(await writeRendered(dir, base, report))];
}

/** Writes `<base>.md` and `<base>-<chart>.svg` in `dir` from a report; returns the paths written. */
export async function writeRendered(dir: string, base: string, report: FullReport): Promise<string[]> {
  return [...(await writeCharts(dir, base, report)), await writeSummary(dir, base, report)];
}

/** Writes `<base>.md`, the Markdown summary; returns its path. */
export async function writeSummary(dir: string, base: string, report: FullReport): Promise<string> {
  const file = join(dir, `${base}.md`);
  await writeFile(file, renderSummary(report));
  return file;
}

/**
 * Writes `<base>-<chart>.svg` for each suite of the report that has a chart, and removes those of
 * suites it lacks (left by an earlier report of the same base). Returns the paths written.
 */
export async function writeCharts(dir: string, base: string, report: FullReport): Promise<string[]> {
  const charts = await renderCharts(report);
  const written: string[] = [];
  for (const name of CHART_NAMES) {
    const file = join(dir, `${base}-${name}.svg`);
    const chart = charts.find((c) => c.name === name);
    if (chart) {
      await writeFile(file, `${chart.svg}\n`);
      written.push(file);
    } else {
      await rm(file, { force: true });
    }
  }
  return written;
}
