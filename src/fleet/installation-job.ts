// One installation of a fleet audit, on a worker: the only place where a worker runs the library.
//
// Today the worker does the whole verification (verifyInstallation: hashing, unlisted-file walk and
// signature judgement) and returns the VerifyReport; the producer only counts which judgements the
// fleet shares (`judgements`). When evidence collection and judging are separate, this function
// collects evidence only (listed-file results, the walk, each module.sig's bytes and the
// installation's key files) and the producer judges each distinct signature once (assemble.ts).

import { createHash } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { BaseError, describeError } from '../errors.js';
import { readModuleSig } from '../check/read-module-sig.js';
import { moduleSigPath } from '../check/target.js';
import { ConfinedOpener } from '../fs/confined-open.js';
import { splitClearsigned } from '../manifest/cleartext.js';
import { DEFAULT_LIMITS } from '../manifest/types.js';
import { parseAnchors } from '../pgp/anchors.js';
import type { ModuleReport, VerifyReport } from '../report/types.js';
import { Signatures } from '../verify/signatures.js';
import { planInstallation, verifyInstallation } from '../verify/verify-installation.js';
import type { PlannedInstallation } from '../verify/verify-installation.js';
import { materializeKeys } from './key-bundle.js';
import { FLEET_VERSION } from './types.js';
import type { InstallationJobData, JobResult, RunSpec } from './types.js';

export interface JobContext {
  /** An agent's own installation root (for host:NAME jobs); shared workers use the job's root. */
  readonly agentRoot: string;
  /** Hashing threads; at least 1, so that hashing never holds the event loop that renews job locks. */
  readonly threads: number | 'auto';
  readonly worker: string;
  readonly onModule?: (report: ModuleReport) => void;
}

export async function runInstallationJob(
  spec: RunSpec,
  data: InstallationJobData,
  context: JobContext,
): Promise<JobResult> {
  const root = data.target.kind === 'host' ? context.agentRoot : data.target.root;
  const keys = await materializeKeys(spec.keys);
  const base = { version: FLEET_VERSION, name: data.target.name, root, worker: context.worker } as const;
  try {
    const options = {
      root,
      keys: keys.paths,
      anchors: spec.anchors,
      engine: spec.engine,
      threads: context.threads === 'auto' ? Math.max(1, availableParallelism()) : Math.max(1, context.threads),
      unlisted: spec.unlisted,
      now: new Date(spec.now),
      ...(context.onModule ? { onModule: context.onModule } : {}),
    };
    let report: VerifyReport;
    let judgements: string[];
    try {
      report = await verifyInstallation(options);
      judgements = await judgementsOf(await planInstallation({ root, keys: keys.paths }), spec);
    } catch (error) {
      // As a local audit: only input problems make an installation unreadable; anything else is a bug
      // (the job fails, and is tried again).
      if (!(error instanceof BaseError) || error.code === 'INTERNAL') throw error;
      const code: string = (error as BaseError<string>).code;
      return {
        ...base,
        status: 'unreadable',
        error: { code, message: keys.display(describeError(error)) },
        report: null,
        judgements: [],
      };
    }
    return { ...base, status: 'audited', error: null, report: displayKeys(report, keys.display), judgements };
  } finally {
    await keys.remove();
  }
}

// The judgements a local audit would make for this installation: one per module whose module.sig was
// read and is clear-signed, identified by the key material it is judged with and its bytes. (Read
// again here because verifyInstallation does not say; the evidence-collecting worker will return them.)
async function judgementsOf(planned: PlannedInstallation, spec: RunSpec): Promise<string[]> {
  const keys = await new Signatures(parseAnchors(spec.anchors), new Date(spec.now)).loadKeys(planned.keySources);
  const keyringId = keys.id;
  const judgements: string[] = [];
  for (const target of planned.targets) {
    try {
      const read = readModuleSig(
        new ConfinedOpener(target.root, target.confine),
        moduleSigPath(target),
        DEFAULT_LIMITS.maxBytes,
      );
      if (read.state !== 'read') continue;
      splitClearsigned(read.text);
      judgements.push(`${keyringId}:${createHash('sha256').update(read.text).digest('hex')}`);
    } catch (error) {
      if (!(error instanceof BaseError)) throw error;
    }
  }
  return judgements;
}

// Key files the worker wrote for the library are shown as the auditor named them, wherever the
// report names a file (settings, warnings, each signer's key material).
function displayKeys(report: VerifyReport, display: (text: string) => string): VerifyReport {
  return mapStrings(report, display) as VerifyReport;
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, map)]));
}

export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
