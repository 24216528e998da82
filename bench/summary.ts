// A whole run's report (the JSON written to bench/results/) and its Markdown summary. One definition
// for run.ts, which prints the summary and saves both, and for charts-cli.ts, which renders the
// summary again from a saved JSON: the .md beside a JSON is always what this code makes of it.

import { renderAudit } from './audit.js';
import type { AuditSuite } from './audit.js';
import { renderEngines } from './engines.js';
import { renderFleet } from './fleet.js';
import type { FleetSuite } from './fleet.js';
import type { EngineComparison } from './engines.js';
import { renderHostile } from './hostile.js';
import type { HostileSuite } from './hostile.js';
import { renderInstallation } from './installation-suite.js';
import type { InstallationSuite } from './installation-suite.js';
import { renderLarge } from './large.js';
import type { LargeSuite } from './large.js';
import { renderHeader } from './report.js';
import type { Report } from './report.js';
import { renderScaling } from './scaling.js';
import type { ScalingSuite } from './scaling.js';
import { renderSigning } from './signing.js';
import type { SigningSuite } from './signing.js';
import { renderStartup } from './startup.js';
import type { StartupSuite } from './startup.js';
import { checkTargets, renderTargets } from './targets.js';

/** The report with every suite that ran; a suite left out by `--only` is absent. */
export interface FullReport extends Report {
  readonly installation?: InstallationSuite;
  readonly startup?: StartupSuite;
  readonly scaling?: ScalingSuite;
  readonly audit?: AuditSuite;
  readonly signing?: SigningSuite;
  readonly large?: LargeSuite;
  readonly engines?: EngineComparison;
  readonly hostile?: HostileSuite;
  readonly fleet?: FleetSuite;
}

/** The Markdown printed to stdout and saved as the run's .md: the targets first, then each suite. */
export function renderSummary(report: FullReport): string {
  return (
    renderHeader(report) +
    renderTargets(checkTargets(report)) +
    (report.installation ? renderInstallation(report.installation) : '') +
    (report.startup ? renderStartup(report.startup) : '') +
    (report.scaling ? renderScaling(report.scaling) : '') +
    (report.audit ? renderAudit(report.audit) : '') +
    (report.signing ? renderSigning(report.signing) : '') +
    (report.large ? renderLarge(report.large) : '') +
    (report.engines ? renderEngines(report.engines) : '') +
    (report.hostile ? renderHostile(report.hostile) : '') +
    (report.fleet ? renderFleet(report.fleet) : '')
  );
}
