// The producer's side of a fleet audit: one AuditReport from the jobs' results, the same report a
// local `pbxsig audit` of the same installations writes (timings and the run aside). Pure.
//
// Signatures are counted as a local audit counts them: each distinct judgement (same key material,
// same module.sig bytes) is verified once, every further one is shared. When workers collect evidence
// only, this is where each distinct module.sig will be verified, once for the whole fleet.

import type { InstallationTarget } from '../audit/names.js';
import { AUDIT_SCHEMA, AUDIT_VERSION } from '../audit/types.js';
import type { AuditReport, AuditedInstallation } from '../audit/types.js';
import { VERSION } from '../version.js';
import type { JobResult, RunSpec } from './types.js';

export type Outcome =
  | { readonly kind: 'result'; readonly result: JobResult }
  /** The job failed after its attempts (a worker error, or a worker that died on it repeatedly). */
  | { readonly kind: 'failed'; readonly code: string; readonly reason: string }
  /** No worker finished it before the producer stopped waiting. */
  | { readonly kind: 'pending'; readonly code: string; readonly reason: string };

export interface AssembleInput {
  readonly spec: RunSpec;
  /** The hashing engine the audit asked for, resolved ("node" or "wasm"). */
  readonly engine: string;
  readonly targets: readonly InstallationTarget[];
  /** One per target, in the same order. */
  readonly outcomes: readonly Outcome[];
  readonly queue: string;
  readonly finishedAt: Date;
}

export function assembleAuditReport(input: AssembleInput): AuditReport {
  const { spec } = input;
  const installations = input.targets.map((target, i): AuditedInstallation => {
    const outcome = input.outcomes[i];
    const root = target.kind === 'root' ? target.root : `host:${target.name}`;
    if (outcome === undefined) throw new Error(`no outcome for installation ${target.name}`);
    if (outcome.kind !== 'result')
      return {
        name: target.name,
        root,
        status: 'unreadable',
        error: { code: outcome.code, message: outcome.reason },
        report: null,
      };
    const { result } = outcome;
    if (!result.report)
      return { name: target.name, root: result.root, status: 'unreadable', error: result.error, report: null };
    const status = result.report.summary.failed === 0 ? 'clean' : 'findings';
    return { name: target.name, root: result.root, status, error: null, report: result.report };
  });
  const results = input.outcomes.flatMap((o) => (o.kind === 'result' ? [o.result] : []));
  const reports = installations.flatMap((i) => (i.report ? [i.report] : []));
  const judgements = results.flatMap((r) => r.judgements);
  const distinct = new Set(judgements).size;
  return {
    schema: AUDIT_SCHEMA,
    version: AUDIT_VERSION,
    tool: { name: 'pbxsig', version: VERSION },
    startedAt: spec.now,
    durationMs: input.finishedAt.getTime() - Date.parse(spec.now),
    settings: {
      engine: input.engine,
      // Each worker hashes with its own threads; each installation's report says how many.
      threads: Math.max(0, ...reports.map((r) => r.settings.threads)),
      anchors: spec.anchors,
      unlisted: spec.unlisted,
    },
    summary: {
      installations: installations.length,
      clean: installations.filter((i) => i.status === 'clean').length,
      withFindings: installations.filter((i) => i.status === 'findings').length,
      unreadable: installations.filter((i) => i.status === 'unreadable').length,
      modules: sum(reports, (r) => r.summary.modules),
      failedModules: sum(reports, (r) => r.summary.failed),
      unlistedCode: sum(reports, (r) => r.summary.unlistedCode),
      files: sum(reports, (r) => r.summary.files),
      bytes: sum(reports, (r) => r.summary.bytes),
      signatures: { verified: distinct, shared: judgements.length - distinct },
    },
    installations,
    run: { id: spec.runId, queue: input.queue, workers: [...new Set(results.map((r) => r.worker))].sort() },
  };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}
