// What changed between two audits (or verify reports): installations and modules newly failing or
// fixed, and unlisted code files that appeared or went away. Installations are matched by name (see
// names.ts), not by the root as typed: the same hosts given once by relative and once by absolute
// path, or moved to another snapshot directory, are the same installations. Pure.

import { InputError } from '../errors.js';
import { REPORT_SCHEMA } from '../report/types.js';
import type { ModuleReport, Verdict, VerifyReport } from '../report/types.js';
import { defaultName } from './names.js';
import { AUDIT_SCHEMA, AUDIT_VERSION } from './types.js';
import type { AuditReport, AuditedInstallation, InstallationStatus } from './types.js';

export const DIFF_SCHEMA = 'pbxsig/diff';
export const DIFF_VERSION = 1;

export interface ModuleChange {
  /** The installation's name. */
  readonly installation: string;
  readonly module: string;
  /** null: the module (or its installation) was not in that report. */
  readonly was: Verdict | null;
  readonly now: Verdict | null;
}

export interface UnlistedChange {
  /** The installation's name. */
  readonly installation: string;
  readonly module: string;
  readonly path: string;
}

export interface AuditDiff {
  readonly schema: typeof DIFF_SCHEMA;
  readonly version: typeof DIFF_VERSION;
  readonly old: { readonly startedAt: string };
  readonly new: { readonly startedAt: string };
  readonly installations: {
    /** Names. */
    readonly added: readonly string[];
    readonly removed: readonly string[];
    /** `root`: the installation's root in the newer report. */
    readonly newlyFailing: ReadonlyArray<{
      readonly name: string;
      readonly root: string;
      readonly was: InstallationStatus;
      readonly now: InstallationStatus;
    }>;
    readonly fixed: ReadonlyArray<{ readonly name: string; readonly root: string; readonly was: InstallationStatus }>;
  };
  readonly modules: {
    readonly newlyFailing: readonly ModuleChange[];
    readonly fixed: readonly ModuleChange[];
    /** Failing in both, with a different verdict (tampered -> revoked, ...). */
    readonly changed: readonly ModuleChange[];
  };
  readonly unlisted: { readonly added: readonly UnlistedChange[]; readonly removed: readonly UnlistedChange[] };
  /** True when nothing got worse. */
  readonly noRegression: boolean;
}

/**
 * Reads either report kind: a verify report is an audit of one installation. The file is input, not
 * trusted to be what it says: every field the diff reads is checked first, and anything else is an
 * InputError naming the file and the field (never a TypeError, which would read as pbxsig's bug).
 */
export function asAudit(value: unknown, file: string): AuditReport {
  const doc = value as { schema?: unknown; version?: unknown } | null;
  if (doc?.schema === AUDIT_SCHEMA && doc.version === AUDIT_VERSION) {
    const fields = new Fields(file);
    fields.string(value, 'startedAt');
    fields.list(value, 'installations').forEach((installation, i) => {
      const at = `installations[${i}]`;
      fields.string(installation, 'root', at);
      if ((installation as Record<string, unknown>)['name'] !== undefined) fields.string(installation, 'name', at);
      fields.oneOf(installation, 'status', ['clean', 'findings', 'unreadable'], at);
      const report = (installation as Record<string, unknown>)['report'];
      if (report !== null && report !== undefined) checkModules(fields, report, `${at}.report`);
    });
    // A report made before installations had names: each is named as it would be today.
    const audit = value as Omit<AuditReport, 'installations'> & {
      installations: ReadonlyArray<Omit<AuditedInstallation, 'name'> & { name?: string }>;
    };
    return { ...audit, installations: audit.installations.map((i) => ({ ...i, name: nameOf(i) })) };
  }
  if (doc?.schema === REPORT_SCHEMA && doc.version === 1) {
    const fields = new Fields(file);
    fields.string(value, 'startedAt');
    checkModules(fields, value, '');
    const report = value as VerifyReport;
    const failed = report.modules.some((m) => !m.passed);
    const root = typeof report.installation?.root === 'string' ? report.installation.root : '(module directories)';
    const name = nameOf({ root });
    return {
      schema: AUDIT_SCHEMA,
      version: AUDIT_VERSION,
      tool: report.tool,
      startedAt: report.startedAt,
      durationMs: report.durationMs,
      settings: {
        engine: report.settings?.engine,
        threads: report.settings?.threads,
        anchors: report.settings?.anchors,
        unlisted: report.settings?.unlisted,
      },
      summary: {
        installations: 1,
        clean: failed ? 0 : 1,
        withFindings: failed ? 1 : 0,
        unreadable: 0,
        modules: report.modules.length,
        failedModules: report.modules.filter((m) => !m.passed).length,
        unlistedCode: report.summary?.unlistedCode,
        files: report.summary?.files,
        bytes: report.summary?.bytes,
        signatures: { verified: 0, shared: 0 },
      },
      installations: [{ name, root, status: failed ? 'findings' : 'clean', error: null, report }],
    };
  }
  throw new InputError(
    'INPUT_UNREADABLE',
    `${file}: not a pbxsig report (expected schema ${AUDIT_SCHEMA} or ${REPORT_SCHEMA}, version 1)`,
  );
}

// The module fields the diff reads.
function checkModules(fields: Fields, report: unknown, at: string): void {
  const prefix = at === '' ? '' : `${at}.`;
  fields.list(report, 'modules', at).forEach((module, m) => {
    const where = `${prefix}modules[${m}]`;
    fields.string(module, 'name', where);
    fields.string(module, 'verdict', where);
    fields.boolean(module, 'passed', where);
    const unlisted = (module as Record<string, unknown>)['unlisted'];
    if (unlisted !== null && unlisted !== undefined)
      fields.list(unlisted, 'code', `${where}.unlisted`).forEach((f, i) => {
        fields.string(f, 'path', `${where}.unlisted.code[${i}]`);
      });
  });
}

class Fields {
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  private get(object: unknown, name: string, at: string): unknown {
    if (typeof object !== 'object' || object === null || Array.isArray(object))
      throw this.fail(at === '' ? 'the document' : at, 'is not an object');
    return (object as Record<string, unknown>)[name];
  }

  private fail(field: string, problem: string): InputError {
    return new InputError('INPUT_UNREADABLE', `${this.file}: not a pbxsig report: ${field} ${problem}`);
  }

  private path(name: string, at: string): string {
    return at === '' ? name : `${at}.${name}`;
  }

  string(object: unknown, name: string, at = ''): void {
    if (typeof this.get(object, name, at) !== 'string') throw this.fail(this.path(name, at), 'is not a string');
  }

  boolean(object: unknown, name: string, at = ''): void {
    if (typeof this.get(object, name, at) !== 'boolean') throw this.fail(this.path(name, at), 'is not true or false');
  }

  oneOf(object: unknown, name: string, values: readonly string[], at = ''): void {
    const value = this.get(object, name, at);
    if (typeof value !== 'string' || !values.includes(value))
      throw this.fail(this.path(name, at), `is not one of ${values.join(', ')}`);
  }

  list(object: unknown, name: string, at = ''): unknown[] {
    const value = this.get(object, name, at);
    if (!Array.isArray(value)) throw this.fail(this.path(name, at), 'is not a list');
    return value as unknown[];
  }
}

export function diffAudits(before: AuditReport, after: AuditReport): AuditDiff {
  const oldByName = new Map(before.installations.map((i) => [i.name, i]));
  const newByName = new Map(after.installations.map((i) => [i.name, i]));
  const added = [...newByName.keys()].filter((name) => !oldByName.has(name));
  const removed = [...oldByName.keys()].filter((name) => !newByName.has(name));

  const newlyFailing: Array<{ name: string; root: string; was: InstallationStatus; now: InstallationStatus }> = [];
  const fixed: Array<{ name: string; root: string; was: InstallationStatus }> = [];
  const moduleFailing: ModuleChange[] = [];
  const moduleFixed: ModuleChange[] = [];
  const moduleChanged: ModuleChange[] = [];
  const unlistedAdded: UnlistedChange[] = [];
  const unlistedRemoved: UnlistedChange[] = [];

  for (const [name, now] of newByName) {
    const was = oldByName.get(name);
    const root = now.root;
    if (was && was.status === 'clean' && now.status !== 'clean')
      newlyFailing.push({ name, root, was: was.status, now: now.status });
    if (was && was.status !== 'clean' && now.status === 'clean') fixed.push({ name, root, was: was.status });
    const oldModules = modulesOf(was);
    const newModules = modulesOf(now);
    for (const [module, report] of newModules) {
      const previous = oldModules.get(module);
      const change = { installation: name, module, was: previous?.verdict ?? null, now: report.verdict };
      if (!report.passed && (previous === undefined || previous.passed)) moduleFailing.push(change);
      else if (report.passed && previous !== undefined && !previous.passed) moduleFixed.push(change);
      else if (!report.passed && previous && previous.verdict !== report.verdict) moduleChanged.push(change);
      const before = new Set((previous?.unlisted?.code ?? []).map((f) => f.path));
      const after = new Set((report.unlisted?.code ?? []).map((f) => f.path));
      for (const path of after) if (!before.has(path)) unlistedAdded.push({ installation: name, module, path });
      for (const path of before) if (!after.has(path)) unlistedRemoved.push({ installation: name, module, path });
    }
  }
  return {
    schema: DIFF_SCHEMA,
    version: DIFF_VERSION,
    old: { startedAt: before.startedAt },
    new: { startedAt: after.startedAt },
    installations: { added, removed, newlyFailing, fixed },
    modules: { newlyFailing: moduleFailing, fixed: moduleFixed, changed: moduleChanged },
    unlisted: { added: unlistedAdded, removed: unlistedRemoved },
    noRegression: newlyFailing.length === 0 && moduleFailing.length === 0 && unlistedAdded.length === 0,
  };
}

/** An installation's name; a report made before names existed: its root's last path component. */
export function nameOf(installation: { readonly name?: string | undefined; readonly root: string }): string {
  return installation.name ?? defaultName(installation.root);
}

function modulesOf(installation: AuditedInstallation | undefined): Map<string, ModuleReport> {
  return new Map((installation?.report?.modules ?? []).map((m) => [m.name, m]));
}
