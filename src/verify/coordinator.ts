// The coordinator: verifies groups of modules (an installation, or module directories named together)
// on a set of lanes, judging each distinct module.sig once. verify() reads as the checklist it is.

import { InternalError } from '../errors.js';
import type { ModuleEvidence, SignedText } from '../check/evidence.js';
import { mergeFiles } from '../check/evidence.js';
import type { ModuleUnit } from '../check/check-module.js';
import type { ModuleTarget } from '../check/target.js';
import { Lanes } from '../lanes/lanes.js';
import type { UnitResult } from '../lanes/protocol.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { UntrustedLook } from '../check/limits.js';
import type { KeySource } from '../pgp/key-sources.js';
import type { InstallationReport, ModuleReport, Notice, UnlistedPolicy, VerifyReport } from '../report/types.js';
import { envelope } from '../report/envelope.js';
import { summarize } from '../report/summary.js';
import { REPORT_SCHEMA, REPORT_VERSION } from '../report/types.js';
import type { Judgement } from './judge-signature.js';
import { buildModuleReport } from './module-report.js';
import { Signatures } from './signatures.js';
import type { LoadedKeys, SignatureStats } from './signatures.js';
import { estimatedFiles, largestFirst } from './order.js';
import { chooseWorkers } from './options.js';
import type { Settled } from './options.js';
import type { MeasuredTarget } from './order.js';

export interface VerifierOptions {
  /** The hashing engine the lanes use (for the report). */
  readonly engine: string;
  readonly anchors: readonly string[];
  readonly unlisted: UnlistedPolicy;
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

export class Verifier {
  readonly #options: VerifierOptions;
  readonly #lanes: Lanes;
  readonly #signatures: Signatures;

  constructor(options: VerifierOptions, lanes: Lanes) {
    this.#options = options;
    this.#lanes = lanes;
    this.#signatures = new Signatures(options.anchors, options.now);
  }

  get signatures(): SignatureStats {
    return this.#signatures.stats;
  }

  /** Threads doing file work: the worker lanes and this one. */
  get threads(): number {
    return this.#lanes.workers + 1;
  }

  async verify(group: Group): Promise<VerifyReport> {
    // 1. Largest module.sig first: lanes claim from the front, so the longest work starts first.
    const targets = largestFirst(group.targets);
    // 2. Publish every module: the worker lanes start on them at once.
    const modules = new GroupModules(group, this.#options, this.#lanes, this.#signatures);
    modules.publish(targets);
    // 3. Meanwhile, load openpgp.js and the group's keys; signed texts that arrived wait for them.
    const keys = await modules.loadKeys();
    // 4. Join the file work, a unit at a time, judging the signed texts that arrived in between: the
    //    reports (and the rest of any large trusted manifest) are then ready as soon as the files are.
    while (await this.#lanes.workOneOnMain()) await modules.judged();
    // 5. Every module reported: its files checked, its signature judged, a large manifest's rest done.
    const reports = await modules.done;
    // 6. The group's report, modules in the order given.
    const warnings: Notice[] = [
      ...(group.warnings ?? []),
      ...keys.warnings.map((message) => ({ code: 'KEY_FILE_SKIPPED', message })),
    ];
    return {
      ...envelope(REPORT_SCHEMA, REPORT_VERSION, group.startedAt),
      settings: {
        engine: this.#options.engine,
        threads: this.threads,
        anchors: this.#options.anchors,
        keyFiles: keys.keyFiles,
        unlisted: this.#options.unlisted,
      },
      installation: group.installation,
      summary: summarize(reports),
      modules: reports,
      warnings,
    };
  }
}

// One module while it is checked; dropped once reported.
interface Pending {
  readonly index: number;
  readonly target: ModuleTarget;
  evidence?: ModuleEvidence;
  judgement?: Promise<Judgement>;
  /** A type=local module's secure manifest, judged like module.sig. */
  localJudgement?: Promise<Judgement>;
}

// The modules of one group, from publish to report: what each lane sent, each module's judgement,
// continuations for manifests larger than a first look.
class GroupModules {
  readonly done: Promise<ModuleReport[]>;
  readonly #group: Group;
  readonly #options: VerifierOptions;
  readonly #lanes: Lanes;
  readonly #signatures: Signatures;
  readonly #laneGroup: number;
  readonly #byUnit = new Map<number, Pending>();
  readonly #reports: Array<ModuleReport | undefined> = [];
  #keys: Promise<LoadedKeys> | undefined;
  readonly #judging = new Set<Promise<unknown>>();
  #unfinished = 0;
  #resolve: (reports: ModuleReport[]) => void = () => undefined;
  #reject: (error: Error) => void = () => undefined;

  constructor(group: Group, options: VerifierOptions, lanes: Lanes, signatures: Signatures) {
    this.#group = group;
    this.#options = options;
    this.#lanes = lanes;
    this.#signatures = signatures;
    this.#laneGroup = lanes.newGroup();
    this.done = new Promise<ModuleReport[]>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => undefined);
  }

  publish(targets: ReadonlyArray<{ readonly target: ModuleTarget; readonly index: number }>): void {
    this.#unfinished = targets.length;
    for (let i = 0; i < this.#group.targets.length; i++) this.#reports.push(undefined);
    if (targets.length === 0) this.#resolve([]);
    const units = targets.map(({ target }) => this.#unit(target));
    const ids = this.#lanes.publish(this.#laneGroup, units, this.#listener());
    ids.forEach((id, i) => {
      const { target, index } = targets[i] as { target: ModuleTarget; index: number };
      this.#byUnit.set(id, { index, target });
    });
  }

  /** Resolves once every judgement asked for so far is made. */
  async judged(): Promise<void> {
    while (this.#judging.size > 0) await Promise.allSettled([...this.#judging]);
  }

  loadKeys(): Promise<LoadedKeys> {
    this.#keys ??= this.#signatures.loadKeys(this.#group.keySources);
    return this.#keys;
  }

  #unit(target: ModuleTarget, continueFrom?: ModuleUnit['continueFrom']): ModuleUnit {
    return {
      kind: 'module',
      target,
      unlisted: this.#options.unlisted,
      limits: this.#options.limits,
      look: this.#options.look,
      ...(continueFrom ? { continueFrom } : {}),
    };
  }

  #listener(): Parameters<Lanes['publish']>[2] {
    return {
      signed: (id, text) => this.#signed(id, text),
      result: (id, result) => this.#result(id, result),
      failed: (error) => this.#reject(error),
    };
  }

  #signed(id: number, text: SignedText): void {
    const module = this.#byUnit.get(id);
    if (!module) return;
    const judgement = this.loadKeys().then((keys) => this.#signatures.judge(text.digest, text.clear, keys));
    if (text.role === 'module') module.judgement = judgement;
    else module.localJudgement = judgement;
    const settled = judgement.then(
      () => undefined,
      () => undefined,
    );
    this.#judging.add(settled);
    void settled.then(() => this.#judging.delete(settled));
  }

  #result(id: number, result: UnitResult): void {
    const module = this.#byUnit.get(id);
    this.#byUnit.delete(id);
    if (!module || result.kind !== 'module') {
      this.#reject(new InternalError(`unit ${id} answered with a result of another kind`));
      return;
    }
    this.#settle(module, result.evidence).catch((error: unknown) =>
      this.#reject(error instanceof Error ? error : new Error(String(error))),
    );
  }

  // A first look, or a continuation that completes one: wait for the judgement, check the rest of a
  // large manifest only under a good signature by a trusted key, then report.
  async #settle(module: Pending, evidence: ModuleEvidence): Promise<void> {
    const first = module.evidence;
    const merged: ModuleEvidence = first
      ? {
          ...first,
          sig: evidence.sig.state === 'read' ? first.sig : evidence.sig,
          files: mergeFiles(first.files, evidence.files),
          walk: evidence.walk,
          identity: first.identity ?? evidence.identity,
          rest: evidence.rest,
          local: evidence.sig.state === 'read' ? first.local : evidence.local,
        }
      : evidence;
    module.evidence = merged;
    const judgement = merged.sig.state === 'read' ? await module.judgement : undefined;
    if (merged.sig.state === 'read' && !judgement)
      throw new InternalError(`module ${module.target.name}: no signed text was handed over`);
    const local = merged.local?.state === 'read' ? merged.local : undefined;
    const localJudgement = local ? await module.localJudgement : undefined;

    const rest = merged.rest;
    if (rest && merged.sig.state === 'read' && trusted(judgement) && (!local || trusted(localJudgement))) {
      const continueFrom = {
        index: rest.from,
        digest: merged.sig.digest,
        ...(local ? { localDigest: local.digest } : {}),
      };
      const [id] = this.#lanes.publish(this.#laneGroup, [this.#unit(module.target, continueFrom)], this.#listener());
      this.#byUnit.set(id as number, module);
      // This thread may have finished its turn already: take part in the continuation too.
      while (await this.#lanes.workOneOnMain()) await this.judged();
      return;
    }
    const usable = merged.manifest?.state === 'parsed' ? merged.manifest.usable : 0;
    const report = buildModuleReport({
      target: module.target,
      evidence: merged,
      judgement,
      localJudgement,
      unchecked: rest ? Math.max(0, usable - rest.from) : 0,
      unlistedPolicy: this.#options.unlisted,
      now: this.#options.now,
    });
    this.#reports[module.index] = report;
    this.#group.onModule?.(report);
    if (--this.#unfinished === 0) this.#resolve(this.#reports.filter((r): r is ModuleReport => r !== undefined));
  }
}

function trusted(judgement: Judgement | undefined): boolean {
  return judgement?.kind === 'checked' && judgement.check.outcome === 'good' && judgement.trust?.state === 'trusted';
}

/** Verifies one group on lanes of its own, sized to its work: what `pbxsig verify` does. */
export async function verifyGroup(group: Group, settled: Settled, anchors: readonly string[]): Promise<VerifyReport> {
  const workers = chooseWorkers(settled.threads, { units: group.targets.length, files: estimatedFiles(group.targets) });
  const lanes = await Lanes.start({ workers, engine: settled.engine });
  try {
    const verifier = new Verifier(
      {
        engine: settled.engine,
        anchors,
        unlisted: settled.unlisted,
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
