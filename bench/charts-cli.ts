// `npm run bench:charts -- FILE.json`: the Markdown summary and the charts of a saved run again, written
// beside it (FILE.md, FILE-<chart>.svg), without running the benchmark. For when the charts or the
// summary's code changed, or to draw an older run. bench/results/latest.json gives latest.md and
// latest-<chart>.svg.

import { readFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { writeCharts, writeSummary } from './results-files.js';
import type { FullReport } from './summary.js';

const USAGE = 'usage: npm run bench:charts -- FILE.json (a report written by `npm run bench`)';

/** Enough of a report's shape to tell a benchmark report from some other JSON. */
function isReport(value: unknown): value is FullReport {
  if (typeof value !== 'object' || value === null) return false;
  const report = value as Partial<Record<keyof FullReport, unknown>>;
  return (
    typeof report.date === 'string' &&
    typeof report.machine === 'object' &&
    report.machine !== null &&
    Array.isArray(report.suites)
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const [arg] = args;
  if (args.length !== 1 || arg === undefined || !arg.endsWith('.json')) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  // npm runs scripts in the package root; a relative FILE means the directory it was typed in.
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  const file = resolve(cwd, arg);
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isReport(parsed)) {
    process.stderr.write(`${arg}: not a benchmark report (no date, machine or suites). ${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const [dir, base] = [dirname(file), basename(file, '.json')];
  for (const path of await writeCharts(dir, base, parsed)) process.stderr.write(`wrote ${relative(cwd, path)}\n`);
  // The charts read little of a report; the summary reads every field of every suite, so a report
  // from before a suite's results changed shape can still be charted but not summarized.
  try {
    process.stderr.write(`wrote ${relative(cwd, await writeSummary(dir, base, parsed))}\n`);
  } catch (error) {
    process.stderr.write(
      `${arg}: no Markdown summary: this report does not have the shape the current benchmark writes (from an older run?): ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:charts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
