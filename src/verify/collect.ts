// Collecting the evidence of a group of modules on the lanes, without judging it: each module's first
// look, its signed texts as they arrive, and, when the caller says so, the rest of a manifest larger
// than a first look. The coordinator judges what is collected; a fleet worker ships it to be judged in
// one place for the whole fleet.

import type { ModuleUnit } from '../check/check-module.js';
import { mergeFiles } from '../check/evidence.js';
import type { ModuleEvidence, SignedText } from '../check/evidence.js';
import type { UntrustedLook } from '../check/limits.js';
import type { ModuleTarget } from '../check/target.js';
import { InternalError } from '../errors.js';
import type { Lanes, UnitListener } from '../lanes/lanes.js';
import type { UnitResult } from '../lanes/protocol.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { UnlistedPolicy } from '../report/types.js';
import type { KnownFile } from '../unlisted/known-files.js';
import { mergeSlices, sliceCounts } from '../check/slices.js';
import { largestFirst } from './order.js';
import type { MeasuredTarget } from './order.js';

export interface CollectOptions {
  readonly unlisted: UnlistedPolicy;
  /** The site's known files (source 'site'): each module's unit carries its own. */
  readonly known?: readonly KnownFile[];
  readonly limits: ManifestLimits;
  readonly look: UntrustedLook;
}

/** A module's evidence as collected so far, with its place in the group (the order given). */
export interface CollectedModule {
  readonly index: number;
  readonly target: ModuleTarget;
  readonly evidence: ModuleEvidence;
}

export interface CollectHandlers {
  /** A signed text of the module at `index` (module.sig, or a type=local secure manifest), before its files are done. */
  text(index: number, text: SignedText): void;
  /**
   * The module's evidence has a `rest` (a manifest larger than the bounded look): resolve true to have
   * it checked (a good signature by a trusted key), false to leave it unchecked.
   */
  checkRest(module: CollectedModule): Promise<boolean>;
  /** The module's evidence is complete (or its rest declined). */
  collected(module: CollectedModule): void;
  /** Run by this thread before each of its own units (the coordinator loads keys and judges there). */
  between(): Promise<void>;
}

/** Collects the evidence of every target; resolves once each was handed to `collected`. */
export function collect(
  lanes: Lanes,
  targets: readonly MeasuredTarget[],
  options: CollectOptions,
  handlers: CollectHandlers,
): Promise<void> {
  return new Collection(lanes, options, handlers).run(targets);
}

interface Pending {
  readonly index: number;
  readonly target: ModuleTarget;
  evidence?: ModuleEvidence;
  /** A module checked in slices (check/slices.ts): each slice's evidence, in slice order, as it arrives. */
  sliced?: Array<ModuleEvidence | undefined>;
}

/** What a published unit stands for: its module, and which slice of it. */
interface Claim {
  readonly module: Pending;
  readonly slice?: number;
}

class Collection {
  readonly #lanes: Lanes;
  readonly #options: CollectOptions;
  readonly #handlers: CollectHandlers;
  readonly #byUnit = new Map<number, Claim>();
  #unfinished = 0;
  #resolve: () => void = () => undefined;
  #reject: (error: Error) => void = () => undefined;

  constructor(lanes: Lanes, options: CollectOptions, handlers: CollectHandlers) {
    this.#lanes = lanes;
    this.#options = options;
    this.#handlers = handlers;
  }

  async run(targets: readonly MeasuredTarget[]): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    done.catch(() => undefined);
    // Largest module.sig first: lanes claim from the front, so the longest work starts first. A module
    // larger than a lane's share goes out in slices, one after another.
    const ordered = largestFirst(targets);
    const counts = sliceCounts(
      targets.map((t) => t.sigBytes),
      this.#lanes.workers + 1,
      this.#options.look.files,
    );
    this.#unfinished = ordered.length;
    if (ordered.length === 0) this.#resolve();
    const units: ModuleUnit[] = [];
    const claims: Claim[] = [];
    for (const { target, index } of ordered) {
      const count = counts[index] ?? 1;
      const module: Pending = count > 1 ? { index, target, sliced: new Array<undefined>(count) } : { index, target };
      for (let slice = 0; slice < count; slice++) {
        units.push(this.#unit(target, count > 1 ? { slice: { index: slice, count } } : {}));
        claims.push(count > 1 ? { module, slice } : { module });
      }
    }
    const ids = this.#lanes.publish(units, this.#listener());
    ids.forEach((id, i) => this.#byUnit.set(id, claims[i] as Claim));
    await this.#takePart();
    return done;
  }

  // This thread's share of the file work, a unit at a time, with `between` before each.
  async #takePart(): Promise<void> {
    do await this.#handlers.between();
    while (await this.#lanes.workOneOnMain());
  }

  // A module's unit: a first look, or (with `how`) a continuation, a slice, or a look pinned to a digest.
  #unit(target: ModuleTarget, how: Pick<ModuleUnit, 'continueFrom' | 'slice' | 'pinned'> = {}): ModuleUnit {
    const { unlisted, limits, look } = this.#options;
    const known = this.#options.known?.filter((file) => file.module === target.name) ?? [];
    return {
      kind: 'module',
      target,
      unlisted,
      limits,
      look,
      ...(known.length > 0 ? { known } : {}),
      ...how,
    };
  }

  #listener(): UnitListener {
    return {
      signed: (id, text) => {
        const module = this.#byUnit.get(id)?.module;
        if (module) this.#handlers.text(module.index, text);
      },
      result: (id, result) => this.#result(id, result),
      failed: (error) => this.#reject(error),
    };
  }

  #result(id: number, result: UnitResult): void {
    const claim = this.#byUnit.get(id);
    this.#byUnit.delete(id);
    if (!claim || result.kind !== 'module') {
      this.#reject(new InternalError(`unit ${id} answered with a result of another kind`));
      return;
    }
    const settled =
      claim.slice === undefined ? this.#settle(claim.module, result.evidence) : this.#slice(claim, result.evidence);
    settled.catch((error: unknown) => this.#reject(error instanceof Error ? error : new Error(String(error))));
  }

  // A slice of a module: once all are in, the module's evidence from them, or the module checked again
  // as one unit when a slice stopped at its share of the bounded look.
  async #slice(claim: Claim, evidence: ModuleEvidence): Promise<void> {
    const { module } = claim;
    const sliced = module.sliced;
    if (!sliced || claim.slice === undefined) throw new InternalError(`module ${module.index}: not sliced`);
    sliced[claim.slice] = evidence;
    if (sliced.includes(undefined)) return;
    const merged = mergeSlices(sliced as ModuleEvidence[]);
    if (merged.kind === 'merged') return this.#settle(module, merged.evidence);
    // Checked again as one unit, pinned to what the first slice read: its signed text is the one judged
    // (a pinned unit hands no text over). Only a slice that read a module.sig can have stopped early.
    const lead = sliced[0];
    if (lead?.sig.state !== 'read')
      throw new InternalError(`module ${module.index}: sliced again without a module.sig`);
    const pinned = {
      digest: lead.sig.digest,
      ...(lead.local?.state === 'read' ? { localDigest: lead.local.digest } : {}),
    };
    const [id] = this.#lanes.publish([this.#unit(module.target, { pinned })], this.#listener());
    this.#byUnit.set(id as number, { module });
    await this.#takePart();
  }

  // A first look, or a continuation that completes one.
  async #settle(module: Pending, evidence: ModuleEvidence): Promise<void> {
    const merged = module.evidence ? continued(module.evidence, evidence) : evidence;
    module.evidence = merged;
    const collected: CollectedModule = { index: module.index, target: module.target, evidence: merged };
    const rest = merged.rest;
    if (rest && merged.sig.state === 'read' && (await this.#handlers.checkRest(collected))) {
      const local = merged.local?.state === 'read' ? merged.local : undefined;
      const continueFrom = {
        index: rest.from,
        digest: merged.sig.digest,
        ...(local ? { localDigest: local.digest } : {}),
      };
      const [id] = this.#lanes.publish([this.#unit(module.target, { continueFrom })], this.#listener());
      this.#byUnit.set(id as number, { module });
      // This thread may have finished its share already: take part in the continuation too.
      await this.#takePart();
      return;
    }
    this.#handlers.collected(collected);
    if (--this.#unfinished === 0) this.#resolve();
  }
}

// A first look's evidence completed by its continuation's.
function continued(first: ModuleEvidence, rest: ModuleEvidence): ModuleEvidence {
  return {
    ...first,
    // A continuation that found module.sig changed reports that instead.
    sig: rest.sig.state === 'read' ? first.sig : rest.sig,
    files: mergeFiles(first.files, rest.files),
    walk: rest.walk,
    identity: first.identity ?? rest.identity,
    rest: rest.rest,
    local: rest.sig.state === 'read' ? first.local : rest.local,
  };
}
