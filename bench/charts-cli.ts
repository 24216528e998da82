// `npm run bench:charts -- FILE.json`: the Markdown summary and the charts of a saved run again, written
// beside it (FILE.md, FILE-<chart>.svg), without running the benchmark. For when the charts or the
// summary's code changed, or to draw an older run. Arguments are parsed as run.ts parses its own
// (node:util parseArgs).

import { readFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeCharts, writeSummary } from './results-files.js';
import type { FullReport } from './summary.js';

const USAGE = `usage: npm run bench:charts -- FILE.json

Draws the charts (FILE-<suite>.svg) and the Markdown summary (FILE.md) of a report written by
\`npm run bench\` again, beside it.

Options:
  -h, --help   this text
`;

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
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: { help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    process.stderr.write(`bench:charts: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const [arg] = parsed.positionals;
  if (parsed.positionals.length !== 1 || arg === undefined || !arg.endsWith('.json')) {
    process.stderr.write(USAGE);
    process.exitCode = 2;
    return;
  }
  // npm runs scripts in the package root; a relative FILE means the directory it was typed in.
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  const file = resolve(cwd, arg);
  const report: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isReport(report)) {
    process.stderr.write(`${arg}: not a benchmark report (no date, machine or suites).\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const [dir, base] = [dirname(file), basename(file, '.json')];
  // A report from before a suite's results changed shape may not draw or summarize: say so, per part.
  const older = (what: string, error: unknown): void => {
    process.stderr.write(
      `${arg}: no ${what}: this report does not have the shape the current benchmark writes (from an older run?): ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  };
  try {
    for (const path of await writeCharts(dir, base, report)) process.stderr.write(`wrote ${relative(cwd, path)}\n`);
  } catch (error) {
    older('charts', error);
  }
  try {
    process.stderr.write(`wrote ${relative(cwd, await writeSummary(dir, base, report))}\n`);
  } catch (error) {
    older('Markdown summary', error);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:charts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
