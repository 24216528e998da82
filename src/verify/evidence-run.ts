// An installation verified in two places: its evidence collected where its files are (a fleet worker:
// hash every listed file, walk for unlisted ones, read each module.sig and the installation's key files),
// and judged in one place for a whole audit (the producer), where each distinct module.sig is judged
// once for the fleet. Everything between the two is plain data.

import { setImmediate as nextTurn } from 'node:timers/promises';
import type { CollectedModule } from './collect.js';
import { collect } from './collect.js';
import type { Judge } from './coordinator.js';
import type { Lanes } from '../lanes/lanes.js';
import type { KeyFileBytes, KeySource } from '../pgp/key-sources.js';
import { readInstallationKeyFiles } from '../pgp/key-sources.js';
import type { InstallationReport, ModuleReport, Notice, VerifyReport } from '../report/types.js';
import { signedManifestOf } from '../check/check-module.js';
import { DEFAULT_LIMITS } from '../manifest/types.js';
import { settle } from './options.js';
import type { CommonOptions } from './options.js';
import { measureTargets } from './order.js';
import { planInstallation } from './verify-installation.js';
import type { InstallationOptions } from './verify-installation.js';

/** What a worker found in an installation, unjudged: plain data. */
export interface InstallationEvidence {
  readonly startedAt: string;
  readonly installation: InstallationReport;
  readonly warnings: readonly Notice[];
  /** The installation's own key files (its BMO directory), read where it is. */
  readonly keyFiles: readonly KeyFileBytes[];
  readonly keyWarnings: readonly string[];
  readonly modules: readonly CollectedModule[];
  /**
   * Each distinct signed text (module.sig, or a type=local secure manifest) by its digest. A caller may
   * leave out texts the judge has seen already (`Judge` keeps none itself: see judgeInstallation).
   */
  readonly texts: Readonly<Record<string, string>>;
}

/**
 * Collects an installation's evidence on `lanes` without judging it. A manifest larger than the bounded
 * look cannot wait for a judgement here, so `untrustedLook` defaults to the manifest bounds themselves:
 * the work stays bounded by them (docs/bounds.md).
 */
export async function collectInstallation(options: InstallationOptions, lanes: Lanes): Promise<InstallationEvidence> {
  const startedAt = new Date();
  const settled = settle(options, startedAt);
  const planned = await planInstallation(options);
  const installationKeys = planned.keySources.find(
    (s): s is Extract<KeySource, { kind: 'installation' }> => s.kind === 'installation',
  );
  const keys = installationKeys ? readInstallationKeyFiles(installationKeys) : { files: [], warnings: [] };
  const modules: CollectedModule[] = [];
  const texts: Record<string, string> = {};
  const look = options.untrustedLook ?? { files: settled.limits.maxEntries, bytes: Number.POSITIVE_INFINITY };
  await collect(
    lanes,
    measureTargets(planned.targets),
    { unlisted: settled.unlisted, limits: settled.limits, look, known: settled.known },
    {
      text: (_index, text) => {
        texts[text.digest] = text.raw;
      },
      // This thread takes its share of the file work a module at a time; between two, it lets the event
      // loop run (a fleet worker renews its job locks there), or a whole installation would hold it.
      between: () => nextTurn(),
      checkRest: () => Promise.resolve(false),
      collected: (module) => void modules.push(module),
    },
  );
  modules.sort((a, b) => a.index - b.index);
  return {
    startedAt: startedAt.toISOString(),
    installation: planned.installation,
    warnings: planned.warnings,
    keyFiles: keys.files,
    keyWarnings: keys.warnings,
    modules,
    texts,
  };
}

export interface JudgeInstallationOptions {
  /** The audit's own key files (paths on the judge's side), beside the installation's. */
  readonly keys?: CommonOptions['keys'];
  /** Threads the worker used, for the report. */
  readonly threads?: number;
  /**
   * Finds a signed text the evidence left out (sent once per run with earlier evidence). A text is
   * checked against its digest before it is judged, wherever it comes from.
   */
  readonly text?: (digest: string) => Promise<string | undefined>;
}

/**
 * The installation's report, judged by `judge`: one for a whole audit, so that each distinct signed
 * text is judged once per key material for the whole fleet.
 */
export async function judgeInstallation(
  evidence: InstallationEvidence,
  judge: Judge,
  options: JudgeInstallationOptions = {},
): Promise<VerifyReport> {
  const judging = judge.group([
    ...(options.keys ?? []).map((path): KeySource => ({ kind: 'path', path })),
    { kind: 'installation-files', files: evidence.keyFiles },
  ]);
  const reports: Array<Promise<ModuleReport>> = [];
  for (const collected of evidence.modules) {
    let module = collected;
    const { sig, local } = module.evidence;
    for (const [role, digest] of [
      ['module', sig.state === 'read' ? sig.digest : undefined],
      ['local', local?.state === 'read' ? local.digest : undefined],
    ] as const) {
      if (digest === undefined) continue;
      const raw = evidence.texts[digest] ?? (await options.text?.(digest));
      if (raw === undefined) continue;
      judging.start(module.index, { role, digest, raw });
      if (role === 'module') module = withOwnReading(module, raw);
    }
    reports[module.index] = judging.report(module);
  }
  return judge.report(
    {
      installation: evidence.installation,
      warnings: [
        ...evidence.warnings,
        ...evidence.keyWarnings.map((message) => ({ code: 'KEY_FILE_SKIPPED', message })),
      ],
      startedAt: new Date(evidence.startedAt),
    },
    judging,
    reports,
    options.threads ?? 1,
  );
}

// The module.sig's framing and manifest as read here from its text (judged against its digest before
// any report is made), in place of the collector's: its expiry, its type and its refused entries are
// what the signed text says, never a worker's word. Only file digests and the walk are.
function withOwnReading(module: CollectedModule, raw: string): CollectedModule {
  if (module.evidence.sig.state !== 'read') return module;
  const read = signedManifestOf(raw, DEFAULT_LIMITS);
  // A text the collector said it framed and this reading cannot: the evidence is not to be judged.
  if (read.sig.state !== 'read')
    throw new Error(`module ${module.index}: its module.sig cannot be framed here, as the evidence says it was`);
  return {
    ...module,
    evidence: {
      ...module.evidence,
      sig: { ...read.sig, digest: module.evidence.sig.digest },
      manifest: read.manifestEvidence,
    },
  };
}
