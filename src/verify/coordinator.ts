// The coordinator: verifies groups of modules (an installation, or module directories named together)
// on a set of lanes, judging each distinct module.sig once. verify() reads as the checklist it is.

import type { ModuleEvidence, SignedText } from '../check/evidence.js';
import type { UntrustedLook } from '../check/limits.js';
import { InternalError } from '../errors.js';
import { Lanes } from '../lanes/lanes.js';
import { warmLaneCount } from '../lanes/warm.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { KeySource } from '../pgp/key-sources.js';
import { envelope } from '../report/envelope.js';
import { summarize } from '../report/summary.js';
import { REPORT_SCHEMA, REPORT_VERSION } from '../report/types.js';
import type { InstallationReport, ModuleReport, Notice, UnlistedPolicy, VerifyReport } from '../report/types.js';
import { collect } from './collect.js';
import type { CollectedModule } from './collect.js';
import type { KnownFile } from '../unlisted/known-files.js';
import type { Judgement } from './judge-signature.js';
import { buildModuleReport } from './module-report.js';
import { chooseWorkers } from './options.js';
import type { Settled } from './options.js';
import { estimatedFiles } from './order.js';
import type { MeasuredTarget } from './order.js';
import { Signatures } from './signatures.js';
import type { LoadedKeys, SignatureStats } from './signatures.js';

export interface VerifierOptions {
  /** The hashing engine the lanes use (for the report). */
  readonly engine: string;
  readonly anchors: readonly string[];
  readonly unlisted: UnlistedPolicy;
  /** The site's known files (its allowlist, source 'site'); none when absent. */
  readonly known?: readonly KnownFile[];
  readonly now: Date;
  readonly limits: ManifestLimits;
  readonly look: UntrustedLook;
}

/** One group of modules: checked with one key set, reported together. */
export interface Group {
  readonly targets: readonly MeasuredTarget[];
  readonly keySources: readonly KeySource[];
  readonly installation: InstallationReport | null;
  readonly warnings?: readonly Notice[];
  readonly startedAt: Date;
  /** Each module's report as soon as it is ready (completion order). */
  readonly onModule?: ((report: ModuleReport) => void) | undefined;
}

/**
 * Judges evidence: each distinct signed text once per key material, for as long as it lives (a run, an
 * audit, a fleet's producer). The Verifier uses one beside its lanes; a fleet's producer uses one alone.
 */
export class Judge {
  readonly options: VerifierOptions;
  readonly signatures: Signatures;

  constructor(options: VerifierOptions) {
    this.options = options;
    this.signatures = new Signatures(options.anchors, options.now);
  }

  /** Judging for one group of modules, with that group's keys. */
  group(keySources: Group['keySources']): Judging {
    return new Judging(this.signatures, keySources, this.options);
  }

  /** The group's report, modules in the order given. */
  async report(
    group: Omit<Group, 'targets' | 'keySources'>,
    judging: Judging,
    reports: ReadonlyArray<Promise<ModuleReport>>,
    threads: number,
  ): Promise<VerifyReport> {
    const modules = await Promise.all(reports);
    const keys = await judging.keys;
    const warnings: Notice[] = [
      ...(group.warnings ?? []),
      ...keys.warnings.map((message) => ({ code: 'KEY_FILE_SKIPPED', message })),
    ];
    return {
      ...envelope(REPORT_SCHEMA, REPORT_VERSION, group.startedAt),
      settings: {
        engine: this.options.engine,
        threads,
        anchors: this.options.anchors,
        keyFiles: keys.keyFiles,
        unlisted: this.options.unlisted,
      },
      installation: group.installation,
      summary: summarize(modules),
      modules,
      warnings,
    };
  }
}

export class Verifier {
  readonly #judge: Judge;
  readonly #lanes: Lanes;

  constructor(options: VerifierOptions, lanes: Lanes) {
    this.#judge = new Judge(options);
    this.#lanes = lanes;
  }

  get signatures(): SignatureStats {
    return this.#judge.signatures.stats;
  }

  /** Threads doing file work: the worker lanes and this one. */
  get threads(): number {
    return this.#lanes.workers + 1;
  }

  async verify(group: Group): Promise<VerifyReport> {
    const judging = this.#judge.group(group.keySources);
    const reports: Array<Promise<ModuleReport>> = [];
    // 1. Every module goes to the lanes, largest first; the worker lanes start on them at once.
    // 2. Meanwhile this thread loads openpgp.js and the group's keys, then joins the file work,
    //    judging between its units the signed texts that arrived: each distinct text once.
    // 3. A manifest larger than the bounded look gets the rest checked only under a good signature
    //    by a trusted key.
    // 4. Each module is reported as soon as its files and its signatures are in.
    await collect(this.#lanes, group.targets, this.#judge.options, {
      text: (index, text) => judging.start(index, text),
      between: () => judging.settled(),
      checkRest: (module) => judging.trusted(module.index, module.evidence),
      collected: (module) => {
        const report = judging.report(module);
        reports[module.index] = report;
        report.then(group.onModule, () => undefined);
      },
    });
    // 5. The group's report, modules in the order given.
    return this.#judge.report(group, judging, reports, this.threads);
  }
}

// The judging of one group: its keys, and each module's judgements (module.sig's, and a type=local
// module's secure manifest's), started as their texts arrive.
export class Judging {
  readonly keys: Promise<LoadedKeys>;
  readonly #signatures: Signatures;
  readonly #options: VerifierOptions;
  readonly #module = new Map<number, Promise<Judgement>>();
  readonly #local = new Map<number, Promise<Judgement>>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(signatures: Signatures, sources: Group['keySources'], options: VerifierOptions) {
    this.#signatures = signatures;
    this.#options = options;
    this.keys = signatures.loadKeys(sources);
    this.#track(this.keys);
  }

  start(index: number, text: SignedText): void {
    const limits = this.#options.limits;
    const judgement = this.keys.then((keys) => this.#signatures.judge(text.digest, text.raw, limits, keys));
    (text.role === 'module' ? this.#module : this.#local).set(index, judgement);
    this.#track(judgement);
  }

  /** Resolves once the keys are loaded and every judgement started so far is made. */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Whether the module's signatures (both, for a type=local module) are good and by trusted keys. */
  async trusted(index: number, evidence: ModuleEvidence): Promise<boolean> {
    const [judgement, local] = await this.#judgements(index, evidence);
    return goodAndTrusted(judgement) && (evidence.local?.state !== 'read' || goodAndTrusted(local));
  }

  async report(module: CollectedModule): Promise<ModuleReport> {
    const options = this.#options;
    const { evidence } = module;
    const [judgement, localJudgement] = await this.#judgements(module.index, evidence);
    const usable = evidence.manifest?.state === 'parsed' ? evidence.manifest.usable : 0;
    return buildModuleReport({
      target: module.target,
      evidence,
      judgement,
      localJudgement,
      unchecked: evidence.rest ? Math.max(0, usable - evidence.rest.from) : 0,
      unlistedPolicy: options.unlisted,
      now: options.now,
    });
  }

  async #judgements(index: number, evidence: ModuleEvidence): Promise<[Judgement | undefined, Judgement | undefined]> {
    const judgement = evidence.sig.state === 'read' ? await this.#module.get(index) : undefined;
    if (evidence.sig.state === 'read' && !judgement)
      throw new InternalError(`module ${index}: no signed text was handed over`);
    const local = evidence.local?.state === 'read' ? await this.#local.get(index) : undefined;
    return [judgement, local];
  }

  #track(promise: Promise<unknown>): void {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.then(() => this.#inFlight.delete(settled));
  }
}

function goodAndTrusted(judgement: Judgement | undefined): boolean {
  return judgement?.kind === 'checked' && judgement.check.outcome === 'good' && judgement.trust?.state === 'trusted';
}

/** Verifies one group on lanes of its own, sized to its work: what `pbxsig verify` does. */
export async function verifyGroup(group: Group, settled: Settled, anchors: readonly string[]): Promise<VerifyReport> {
  const workers = chooseWorkers(settled.threads, {
    units: group.targets.length,
    files: estimatedFiles(group.targets),
    warm: warmLaneCount(),
  });
  const lanes = await Lanes.start({ workers, engine: settled.engine });
  try {
    const verifier = new Verifier(
      {
        engine: settled.engine,
        anchors,
        unlisted: settled.unlisted,
        known: settled.known,
        now: settled.now,
        limits: settled.limits,
        look: settled.look,
      },
      lanes,
    );
    return await verifier.verify(group);
  } finally {
    await lanes.close();
  }
}
