// `pbxsig allowlist`: the unlisted code files a report found, as [[allow]] entries of a configuration
// file for the administrator to review. Pure: a report in, the file's text out.
//
// Module names, paths and reasons come from a report, and so from an audited tree: in comments they
// are escaped (a newline in a file name must not end the comment and add an entry of its own), and
// in values every control or invisible character is written as a TOML escape, so that what the
// reviewer reads is what the entry says.

import type { AuditReport } from '../audit/types.js';
import { escapeControls as esc } from '../report/escape.js';
import type { ModuleReport } from '../report/types.js';
import type { SiteFile } from '../unlisted/known-files.js';
import { counted } from '../report/plural.js';

export interface AllowlistSource {
  /** The report file, as named on the command line. */
  readonly file: string;
  /** The report as an audit (a verify report is an audit of one installation: audit/diff.ts asAudit). */
  readonly report: AuditReport;
  /** Only these modules; empty means all. */
  readonly modules: readonly string[];
}

/** One entry to print, with what the reviewer needs to know about it. */
interface Entry extends SiteFile {
  readonly reasons: Set<string>;
  readonly versions: Set<string>;
  readonly installations: Set<string>;
  /** Verdicts other than verified of the modules it was found in: allowing it does not make them pass. */
  readonly failing: Set<string>;
}

/** A finding that cannot become an entry, and why. */
interface Refused {
  readonly module: string;
  readonly path: string;
  readonly why: string;
}

const HEADER = [
  '# pbxsig site allowlist, made by `pbxsig allowlist`.',
  '#',
  '# Each [[allow]] entry accepts one unlisted file in a module directory, by module, path and',
  '# SHA-256: pbxsig shows it as a known file instead of failing the module, and fails the module',
  '# again as soon as the file holds anything else. These files were found because no signed',
  '# manifest lists them, which is exactly how a dropped PHP web shell is found: REVIEW EVERY ENTRY',
  '# (look at the file itself) and delete each one you cannot vouch for before you use this file.',
  '#',
  '# Use it with `pbxsig verify --config FILE`, or save it as /etc/pbxsig/pbxsig.conf.d/NAME.conf',
  '# (owned by root, writable by root only) for every run, the boot check included.',
];

/** The configuration file text: a header, then one [[allow]] entry per distinct module, path and sha256. */
export function renderAllowlist(source: AllowlistSource): string {
  const { entries, refused } = gather(source);
  const installations = source.report.installations;
  const lines = [
    ...HEADER,
    '#',
    `# From ${esc(source.file)}: ${describeReport(source.report)}.`,
    ...(source.modules.length > 0 ? [`# Modules: ${source.modules.map(esc).join(', ')}.`] : []),
  ];
  if (entries.length === 0) lines.push('#', '# The report found no unlisted code file to allow.');
  for (const entry of entries) {
    const version = [...entry.versions].map(esc).join(', ');
    lines.push('', `# ${esc(entry.module)}${version ? ` ${version}` : ''}: ${[...entry.reasons].map(esc).join('; ')}`);
    if (installations.length > 1) lines.push(`# found in ${foundIn([...entry.installations])}`);
    if (entry.failing.size > 0)
      lines.push(
        `# note: the module fails anyway (${[...entry.failing].map(esc).join(', ')}): this entry does not change that`,
      );
    lines.push(
      '[[allow]]',
      `module = ${tomlString(entry.module)}`,
      `path = ${tomlString(entry.path)}`,
      `sha256 = ${tomlString(entry.sha256)}`,
    );
  }
  if (refused.length > 0) {
    lines.push('', '# Unlisted code that no entry can accept (it keeps failing its module):');
    for (const r of refused) lines.push(`#   ${esc(r.module)}: ${esc(r.path)}: ${r.why}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The modules a report holds, by name (for checking --module). */
export function moduleNames(report: AuditReport): Set<string> {
  return new Set(report.installations.flatMap((i) => (i.report?.modules ?? []).map((m) => m.name)));
}

function gather(source: AllowlistSource): { entries: Entry[]; refused: Refused[] } {
  const wanted = source.modules.length > 0 ? new Set(source.modules) : undefined;
  const entries = new Map<string, Entry>();
  const refused: Refused[] = [];
  for (const installation of source.report.installations) {
    for (const module of installation.report?.modules ?? []) {
      if (wanted && !wanted.has(module.name)) continue;
      for (const finding of module.unlisted?.code ?? []) {
        const why = refusal(module.name, finding);
        if (why !== undefined) {
          refused.push({ module: module.name, path: finding.path, why });
          continue;
        }
        const sha256 = (finding.sha256 as string).toLowerCase();
        const key = `${module.name}\0${finding.path}\0${sha256}`;
        let entry = entries.get(key);
        if (!entry) {
          entry = {
            module: module.name,
            path: finding.path,
            sha256,
            reasons: new Set(),
            versions: new Set(),
            installations: new Set(),
            failing: new Set(),
          };
          entries.set(key, entry);
        }
        if (finding.reason !== undefined) entry.reasons.add(finding.reason);
        const version = versionOf(module);
        if (version !== undefined) entry.versions.add(version);
        entry.installations.add(installation.root);
        if (module.verdict !== 'verified') entry.failing.add(module.verdict);
      }
    }
  }
  const order = (a: SiteFile, b: SiteFile): number =>
    a.module === b.module ? (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) : a.module < b.module ? -1 : 1;
  return { entries: [...entries.values()].sort(order), refused };
}

// Why a finding cannot be an entry: the walk matches a known file by its exact path and content.
function refusal(module: string, finding: { path: string; sha256?: string; pathHex?: string }): string | undefined {
  if (finding.pathHex !== undefined) return 'its name is not valid UTF-8, and an entry names a file by text';
  if (typeof finding.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(finding.sha256))
    return 'the report has no SHA-256 for it (a file larger than 1 MiB, not a regular file, or unreadable)';
  if (/\p{Cs}/u.test(finding.path) || /\p{Cs}/u.test(module)) return 'its name is not valid Unicode';
  if (finding.path.split('/').some((p) => p === '' || p === '.' || p === '..'))
    return 'not a path inside the module directory';
  if (module === '' || module.includes('/')) return 'not a module name';
  return undefined;
}

function versionOf(module: ModuleReport): string | undefined {
  const version = module.identity?.version;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

function describeReport(report: AuditReport): string {
  const when = esc(report.startedAt);
  const roots = report.installations.map((i) => i.root);
  if (roots.length === 1) return `a report of ${when}, ${esc(roots[0] as string)}`;
  return `an audit of ${when}, ${counted(roots.length, 'installation')}`;
}

function foundIn(roots: readonly string[]): string {
  const shown = roots.slice(0, 5).map(esc).join(', ');
  return roots.length > 5 ? `${shown} and ${roots.length - 5} more` : shown;
}

// Characters a reviewer could not see, or that would end the line, as TOML escapes.
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /["\\\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
const NAMED: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A TOML basic string holding `text` exactly, with only visible characters between its quotes. */
export function tomlString(text: string): string {
  const body = text.replace(
    UNSAFE,
    (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
  return `"${body}"`;
}
