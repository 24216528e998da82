// A whole run's report (the JSON written to bench/results/) and its Markdown summary. One definition
// for run.ts, which prints the summary and saves both, and for charts-cli.ts, which renders the
// summary again from a saved JSON: the .md beside a JSON is always what this code makes of it.

import { renderAudit } from './audit.js';
import type { AuditSuite } from './audit.js';
import { renderEngines } from './engines.js';
import { renderLarge } from './large.js';
import type { LargeSuite } from './large.js';
import { renderMarkdown } from './report.js';
import type { Report } from './report.js';
import { renderInstallation, renderStartup } from './report-suites.js';
import { renderScaling } from './scaling.js';
import { renderFleet } from './fleet.js';
import type { FleetSuite } from './fleet.js';
import type { ScalingSuite } from './scaling.js';
import { renderSigning } from './signing.js';
import type { SigningSuite } from './signing.js';
import type { InstallationSuite, StartupSuite } from './suites.js';

/** The report with the cold-process suites; a suite left out by `--only` is absent. */
export interface FullReport extends Report {
  readonly installation?: InstallationSuite;
  readonly startup?: StartupSuite;
  readonly signing?: SigningSuite;
  readonly audit?: AuditSuite;
  readonly large?: LargeSuite;
  readonly scaling?: ScalingSuite;
  readonly fleet?: FleetSuite;
}

/** The Markdown printed to stdout and saved as the run's .md. */
export function renderSummary(report: FullReport): string {
  return (
    renderMarkdown(report) +
    (report.engines ? renderEngines(report.engines) : '') +
    (report.large ? renderLarge(report.large) : '') +
    (report.installation ? renderInstallation(report.installation) : '') +
    (report.startup ? renderStartup(report.startup) : '') +
    (report.signing ? renderSigning(report.signing) : '') +
    (report.audit ? renderAudit(report.audit) : '') +
    (report.scaling ? renderScaling(report.scaling) : '') +
    (report.fleet ? renderFleet(report.fleet) : '')
  );
}
