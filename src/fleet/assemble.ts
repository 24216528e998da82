// The producer's side of a fleet audit: one AuditReport from the jobs' results, the same report a
// local `pbxsig audit` of the same installations writes (timings and the run aside).
//
// Workers send evidence only; this is where it is judged, with one judge for the whole audit: each
// distinct signed text (module.sig, or a type=local secure manifest) is verified once under the same
// key material for the whole fleet, every further one is shared, as in a local audit. The texts come
// with the evidence that first had them (texts.ts): gathered from every result first, each checked
// against its digest here, where it arrives (the judge checks it again).

import type { InstallationTarget } from '../audit/names.js';
import { summarizeAudit } from '../audit/summary.js';
import { AUDIT_SCHEMA, AUDIT_VERSION } from '../audit/types.js';
import type { AuditReport, AuditedInstallation } from '../audit/types.js';
import { UNTRUSTED_LOOK } from '../check/limits.js';
import { textDigest } from '../check/read-module-sig.js';
import { describeError } from '../errors.js';
import { DEFAULT_LIMITS } from '../manifest/types.js';
import { parseAnchors } from '../pgp/anchors.js';
import type { VerifyReport } from '../report/types.js';
import { VERSION } from '../version.js';
import { Judge } from '../verify/coordinator.js';
import { judgeInstallation } from '../verify/evidence-run.js';
import type { InstallationEvidence } from '../verify/evidence-run.js';
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
  /** The audit's own key files (`--keys`, and the key files named by `--anchor`), paths on this side. */
  readonly keys: readonly string[];
  readonly targets: readonly InstallationTarget[];
  /** One per target, in the same order. */
  readonly outcomes: readonly Outcome[];
  readonly queue: string;
  readonly finishedAt: Date;
}

export async function assembleAuditReport(input: AssembleInput): Promise<AuditReport> {
  const { spec } = input;
  const judge = new Judge({
    engine: input.engine,
    anchors: parseAnchors(spec.anchors),
    unlisted: spec.unlisted,
    now: new Date(spec.now),
    limits: DEFAULT_LIMITS,
    look: UNTRUSTED_LOOK,
  });
  const texts = gatherTexts(input.outcomes);
  const installations: AuditedInstallation[] = [];
  for (const [i, target] of input.targets.entries()) {
    const outcome = input.outcomes[i];
    if (outcome === undefined) throw new Error(`no outcome for installation ${target.name}`);
    installations.push(await judged(target, outcome, judge, texts, input.keys));
  }
  const results = input.outcomes.flatMap((o) => (o.kind === 'result' ? [o.result] : []));
  const reports = installations.flatMap((i) => (i.report ? [i.report] : []));
  return {
    schema: AUDIT_SCHEMA,
    version: AUDIT_VERSION,
    tool: { name: 'pbxsig', version: VERSION },
    startedAt: spec.now,
    durationMs: input.finishedAt.getTime() - Date.parse(spec.now),
    settings: {
      engine: input.engine,
      // Each worker does file work with its own threads; each installation's report says how many.
      threads: Math.max(0, ...reports.map((r) => r.settings.threads)),
      anchors: parseAnchors(spec.anchors),
      unlisted: spec.unlisted,
    },
    summary: summarizeAudit(installations, judge.signatures.stats),
    installations,
    run: { id: spec.runId, queue: input.queue, workers: [...new Set(results.map((r) => r.worker))].sort() },
  };
}

// Every signed text sent with any result, by digest: the first one that is the file its digest names.
function gatherTexts(outcomes: readonly Outcome[]): ReadonlyMap<string, string> {
  const texts = new Map<string, string>();
  for (const outcome of outcomes) {
    if (outcome.kind !== 'result') continue;
    for (const [digest, raw] of Object.entries(outcome.result.evidence?.texts ?? {})) {
      if (!texts.has(digest) && textDigest(raw) === digest) texts.set(digest, raw);
    }
  }
  return texts;
}

async function judged(
  target: InstallationTarget,
  outcome: Outcome,
  judge: Judge,
  texts: ReadonlyMap<string, string>,
  keys: readonly string[],
): Promise<AuditedInstallation> {
  const name = target.name;
  const root = target.kind === 'root' ? target.root : `host:${target.name}`;
  const notAudited = (code: string, message: string): AuditedInstallation => ({
    name,
    root,
    status: 'unreadable',
    error: { code, message },
    report: null,
  });
  if (outcome.kind !== 'result') return notAudited(outcome.code, outcome.reason);
  const { result } = outcome;
  // A root the producer submitted is the root: a result cannot move it. An agent (host:NAME) names its own.
  const shown = target.kind === 'root' ? target.root : result.root;
  if (!result.evidence) return { name, root: shown, status: 'unreadable', error: result.error, report: null };
  const missing = neededTexts(result.evidence).find((digest) => !texts.has(digest));
  if (missing !== undefined)
    return notAudited(
      'FLEET_TEXT_MISSING',
      `the signed text with sha256 ${missing} did not arrive intact from any worker`,
    );
  let report: VerifyReport;
  try {
    // Every text from the gathered ones, checked against its digest, whichever result carried it.
    report = await judgeInstallation({ ...result.evidence, texts: {} }, judge, {
      keys,
      threads: result.threads,
      text: (digest) => Promise.resolve(texts.get(digest)),
    });
  } catch (error) {
    // Evidence that passed the result's checks and still cannot be judged: never a partial report.
    return notAudited('FLEET_BAD_RESULT', `its evidence cannot be judged: ${describeError(error)}`);
  }
  const status = report.summary.failed === 0 ? 'clean' : 'findings';
  return { name, root: shown, status, error: null, report };
}

// The signed texts the evidence's modules were read with (module.sig's, and a type=local secure manifest's).
function neededTexts(evidence: InstallationEvidence): string[] {
  return evidence.modules.flatMap(({ evidence: module }) => [
    ...(module.sig.state === 'read' ? [module.sig.digest] : []),
    ...(module.local?.state === 'read' ? [module.local.digest] : []),
  ]);
}
