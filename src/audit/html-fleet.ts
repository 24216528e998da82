// The fleet view of the audit's HTML page: what an auditor of many installations looks for first.
//   - installations that could not be audited, and why;
//   - findings grouped across installations: the same file, found the same way (and with the same
//     content, where the report has its digest), on 40 hosts is one finding with 40 hosts;
//   - modules by installations: a grid (one cell per module and installation) that shows where
//     failures cluster; past GRID_MAX installations, a bar per module instead;
//   - module versions per installation.
// Every text from a report is escaped by the caller's esc().

import { findingGroups } from '../report/findings.js';
import type { ModuleReport } from '../report/types.js';
import type { AuditReport, AuditedInstallation } from './types.js';

const GRID_MAX = 120;
const NAMES_SHOWN = 12;
const GROUPS_SHOWN = 300;

type Esc = (text: string) => string;

export function installationName(i: AuditedInstallation): string {
  return i.name;
}

/** A module that did not pass although its verdict is "verified" failed for unlisted code only. */
export function verdictLabel(m: ModuleReport): { readonly text: string; readonly cls: string } {
  if (m.verdict === 'verified' && !m.passed) return { text: 'unlisted code', cls: 'unlisted-code' };
  return { text: m.verdict, cls: m.verdict };
}

export function renderFleetSections(report: AuditReport, esc: Esc): string {
  return [notAudited(report, esc), groupedFindings(report, esc), moduleGrid(report, esc), versions(report, esc)].join(
    '\n',
  );
}

function names(list: readonly string[], esc: Esc): string {
  const shown = list
    .slice(0, NAMES_SHOWN)
    .map((n) => `<code>${esc(n)}</code>`)
    .join(', ');
  return list.length > NAMES_SHOWN ? `${shown} and ${list.length - NAMES_SHOWN} more` : shown;
}

function notAudited(report: AuditReport, esc: Esc): string {
  const rows = report.installations.filter((i) => !i.report);
  if (rows.length === 0) return '';
  return `<section id="not-audited" aria-label="Not audited"><h2>Not audited (${rows.length})</h2><table><thead><tr><th>Installation</th><th>Why</th></tr></thead><tbody>${rows
    .map(
      (i) =>
        `<tr><td><code>${esc(installationName(i))}</code></td><td>${esc(i.error?.message ?? 'unreadable')}${i.error ? ` <span class="why">${esc(i.error.code)}</span>` : ''}</td></tr>`,
    )
    .join('')}</tbody></table></section>`;
}

function groupedFindings(report: AuditReport, esc: Esc): string {
  const groups = new Map<string, { kind: string; module: string; path: string; digest: string; hosts: string[] }>();
  for (const installation of report.installations) {
    for (const module of installation.report?.modules ?? []) {
      for (const [kind, list] of findingGroups(module)) {
        for (const finding of list) {
          // Altered files by the digest found; unlisted code by its content's digest.
          const digest = finding.actual ?? finding.sha256 ?? '';
          const key = `${kind}\0${module.name}\0${finding.path}\0${digest}`;
          let group = groups.get(key);
          if (!group) {
            group = { kind, module: module.name, path: finding.path, digest, hosts: [] };
            groups.set(key, group);
          }
          group.hosts.push(installationName(installation));
        }
      }
    }
  }
  if (groups.size === 0) return '';
  const sorted = [...groups.values()].sort(
    (a, b) => b.hosts.length - a.hosts.length || a.module.localeCompare(b.module),
  );
  const rows = sorted
    .slice(0, GROUPS_SHOWN)
    .map(
      (g) =>
        `<tr class="group" data-hosts="${g.hosts.length}"><td><span class="kind ${g.kind}">${g.kind}</span></td><td>${esc(g.module)}</td><td><code>${esc(g.path)}</code>${g.digest ? `<br><span class="why">sha256 ${esc(g.digest.slice(0, 16))}…</span>` : ''}</td><td class="count">${g.hosts.length}</td><td>${names(g.hosts, esc)}</td></tr>`,
    );
  const more =
    sorted.length > GROUPS_SHOWN
      ? `<p class="why">… and ${sorted.length - GROUPS_SHOWN} more (see the JSON report)</p>`
      : '';
  return `<section id="findings-across" aria-label="Findings across installations"><h2>Findings across installations (${groups.size})</h2><p class="why">The same file found the same way (and, where the report has it, with the same content) is one row, with every installation that has it.</p><table><thead><tr><th>Finding</th><th>Module</th><th>File</th><th>Installations</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}</section>`;
}

function moduleGrid(report: AuditReport, esc: Esc): string {
  const audited = report.installations.filter((i) => i.report);
  const modules = [...new Set(audited.flatMap((i) => i.report?.modules.map((m) => m.name) ?? []))].sort();
  if (modules.length === 0) return '';
  const byInstallation = audited.map((i) => new Map((i.report?.modules ?? []).map((m) => [m.name, m])));
  if (audited.length <= GRID_MAX) {
    const head = audited
      .map((i) => `<th class="col" title="${esc(installationName(i))}"><span>${esc(installationName(i))}</span></th>`)
      .join('');
    const body = modules
      .map((name) => {
        const cells = byInstallation
          .map((modulesOf, k) => {
            const m = modulesOf.get(name);
            const who = installationName(audited[k] as AuditedInstallation);
            if (!m) return `<td class="cell absent" title="${esc(`${who}: no ${name}`)}"></td>`;
            const label = verdictLabel(m);
            return `<td class="cell ${m.passed ? 'pass' : 'fail'}" title="${esc(`${who}: ${name} ${label.text}`)}">${m.passed ? '' : '✕'}</td>`;
          })
          .join('');
        return `<tr><th class="row">${esc(name)}</th>${cells}</tr>`;
      })
      .join('');
    return `<section id="grid" aria-label="Modules by installation"><h2>Modules by installation</h2><p class="why">One cell per module (row) and installation (column): green passed, red failed (hover for the verdict), blank absent.</p><div class="grid-wrap"><table class="grid"><thead><tr><th></th>${head}</tr></thead><tbody>${body}</tbody></table></div></section>`;
  }
  const rows = modules.map((name) => {
    const present = byInstallation.filter((m) => m.has(name));
    const failing = present.filter((m) => m.get(name)?.passed === false).length;
    const share = present.length === 0 ? 0 : (100 * failing) / present.length;
    return `<tr><th class="row">${esc(name)}</th><td class="count">${present.length}</td><td class="count">${failing}</td><td><div class="bar" title="${failing} of ${present.length} failed"><div class="bar-fail" style="width:${share.toFixed(1)}%"></div></div></td></tr>`;
  });
  return `<section id="grid" aria-label="Modules by installation"><h2>Modules by installation</h2><table><thead><tr><th>Module</th><th>Installations</th><th>Failed</th><th>Share failing</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

function versions(report: AuditReport, esc: Esc): string {
  const byModule = new Map<string, Map<string, string[]>>();
  for (const installation of report.installations) {
    for (const m of installation.report?.modules ?? []) {
      const version = m.manifest?.version ?? '(unknown)';
      const versionsOf = byModule.get(m.name) ?? new Map<string, string[]>();
      byModule.set(m.name, versionsOf);
      versionsOf.set(version, [...(versionsOf.get(version) ?? []), installationName(installation)]);
    }
  }
  if (byModule.size === 0) return '';
  const rows = [...byModule.entries()]
    .sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))
    .map(([module, versionsOf]) => {
      const list = [...versionsOf.entries()]
        .sort((a, b) => b[1].length - a[1].length)
        .map(([version, hosts]) => `<li><code>${esc(version)}</code>: ${hosts.length} (${names(hosts, esc)})</li>`)
        .join('');
      return `<tr${versionsOf.size > 1 ? ' class="mixed"' : ''}><th class="row">${esc(module)}</th><td class="count">${versionsOf.size}</td><td><ul>${list}</ul></td></tr>`;
    });
  return `<section id="versions" aria-label="Module versions"><h2>Module versions</h2><table><thead><tr><th>Module</th><th>Versions</th><th>Installations per version</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}

export const FLEET_STYLE = `
section#not-audited, section#findings-across, section#grid, section#versions { margin: 1.2rem 0; }
section h2 { font-size: 1.1rem; }
.count { text-align: right; font-variant-numeric: tabular-nums; }
.grid-wrap { overflow-x: auto; }
table.grid { width: auto; border-collapse: separate; border-spacing: 2px; }
table.grid td.cell { width: 1.1rem; height: 1.1rem; padding: 0; border: none; text-align: center; font-size: .7rem; color: #fff; }
table.grid th.col { vertical-align: bottom; border: none; padding: 0 0 .2rem; }
table.grid th.col span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font-weight: 400; font-size: .75rem; }
table.grid th.row, th.row { text-align: left; font-weight: 400; font-family: ui-monospace, monospace; font-size: .85rem; color: inherit; }
td.cell.pass { background: var(--ok); } td.cell.fail { background: var(--bad); } td.cell.absent { background: #f0f2f4; }
.bar { background: #e6ebef; height: .8rem; min-width: 8rem; border-radius: 3px; overflow: hidden; } .bar-fail { background: var(--bad); height: 100%; }
tr.mixed th.row { font-weight: 600; }
.verdict.unlisted-code { color: var(--bad); }
`;
