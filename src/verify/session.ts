// A verification session: one worker pool and one signature cache for any number of groups of
// modules (an installation, or module directories named by the user), verified one after another
// with their files all flowing through the same pool.
//
//   plan each module (read and parse its module.sig); its files go to the pool as soon as it is planned,
//   and planning waits while the pool's backlog is large, so memory does not grow with the tree
//   the module's directory walk (unlisted files) joins the same queue
//   meanwhile, on this thread: load the group's keys; verify each distinct module.sig once per session,
//   each as soon as its module is planned and the keys are loaded
//   a module is reported as soon as its files, its walk and its signature are all in; its plan is
//   then dropped, so memory holds findings, not per-file results
//
// Each group has its own hash run (its own job numbers and packed results) on the shared pool, freed
// when the group is done: an audit of a thousand installations holds at most the few in flight.
// File results enter a verdict only after the signature has been judged.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { InternalError } from '../errors.js';
import { ConfinedOpener } from '../fs/confined-open.js';
import { resolveEngine } from '../hash/engine.js';
import { HashPool } from '../hash/pool.js';
import type { HashRun } from '../hash/pool.js';
import { chooseThreads } from '../hash/threads.js';
import type { EngineChoice } from '../hash/types.js';
import type { WalkResult } from '../unlisted/walk.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { KeySource } from '../pgp/key-sources.js';
import { REPORT_SCHEMA, REPORT_VERSION, VERDICTS } from '../report/types.js';
import type {
  InstallationReport,
  ModuleReport,
  Notice,
  UnlistedPolicy,
  Verdict,
  VerifyReport,
} from '../report/types.js';
import { VERSION } from '../version.js';
import type { Judgement } from './judge-signature.js';
import { buildModuleReport } from './module-report.js';
import { jobsOf, planModule } from './plan.js';
import type { ModulePlan, ModuleSpec } from './plan.js';

export interface SessionOptions {
  readonly anchors: readonly string[];
  readonly engine: EngineChoice;
  readonly threads: number | 'auto';
  readonly unlisted: UnlistedPolicy;
  readonly now: Date;
  readonly limits: ManifestLimits;
  /** A pool the caller started early (its workers boot while modules are planned); closed here. */
  readonly pool?: HashPool;
}

export interface Group {
  readonly modules: readonly ModuleSpec[];
  readonly keySources: readonly KeySource[];
  readonly installation: InstallationReport | null;
  readonly warnings?: readonly Notice[];
  readonly startedAt: Date;
  /** Called with each module's report as soon as it is ready (completion order). */
  readonly onModule?: ((report: ModuleReport) => void) | undefined;
}

/** How many signature judgements were made, and how many were shared by identical module.sig files. */
export interface SignatureStats {
  readonly verified: number;
  readonly shared: number;
}

// One module while it is being verified; released once reported.
interface Tracked {
  plan: ModulePlan | undefined;
  firstJob: number;
  remaining: number;
  walk: WalkResult | undefined;
  walked: boolean;
  judgement: Judgement | undefined;
  judged: boolean;
  report: ModuleReport | undefined;
  readonly group: GroupState;
}

interface GroupState {
  readonly group: Group;
  run: HashRun | undefined;
  // The module each job of this group's run belongs to, until its batch is done.
  readonly owner: Array<Tracked | undefined>;
  unfinished: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

// Planning waits while more jobs than this have no result yet: about a quarter second of hashing at
// FreePBX's file sizes, so the workers never run dry, and memory stays flat however large the tree
// (measured on 100,000 files: 20,000 held the peak RSS about 10 MB higher for no gain in time).
const MAX_BACKLOG_JOBS = 10_000;
/** A module's files join the queue this many at a time. */
const SUBMIT_CHUNK_JOBS = 4_096;

interface GroupKeys {
  readonly judge: typeof import('./judge-signature.js');
  readonly keyringId: string;
  readonly context: Parameters<typeof import('./judge-signature.js').judgeSignature>[1];
  readonly keyFiles: readonly string[];
  readonly keyWarnings: readonly string[];
}

export class VerificationSession {
  readonly #options: SessionOptions;
  readonly #judgeModule = import('./judge-signature.js');
  readonly #judgements = new Map<string, Promise<Judgement>>();
  #pool: HashPool | undefined;
  #verified = 0;
  #shared = 0;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#pool = options.pool;
    this.#judgeModule.catch(() => undefined);
  }

  get signatures(): SignatureStats {
    return { verified: this.#verified, shared: this.#shared };
  }

  get threads(): number {
    return this.#pool?.threads ?? 0;
  }

  /** Verifies one group of modules; resolves with its report when every module is done. */
  async verify(group: Group): Promise<VerifyReport> {
    const state: GroupState = {
      group,
      run: undefined,
      owner: [],
      unfinished: group.modules.length,
      resolve: () => undefined,
      reject: () => undefined,
    };
    const finished = new Promise<void>((resolve, reject) => {
      state.resolve = resolve;
      state.reject = reject;
    });
    finished.catch(() => undefined);
    if (state.unfinished === 0) state.resolve();
    // The keys load while the first modules are planned and hashed; each module is judged as soon as
    // both its plan and the keys are there, so its plan can be dropped once its files are done.
    const keys = this.#loadKeys(group);
    keys.catch(() => undefined);
    const judging: Array<Promise<void>> = [];
    const tracked: Tracked[] = [];
    // With a pool already running (a later group, or one started early), files flow as planned.
    if (this.#pool) this.#start(state, this.#pool);

    for (const spec of group.modules) {
      // Hold back while the pool has a large backlog: memory then follows the backlog and the largest
      // module, not the size of the whole tree (500,000 files would otherwise all be planned at once).
      await state.run?.whenAtMost(MAX_BACKLOG_JOBS);
      const plan = planModule(spec, new ConfinedOpener(spec.root, spec.confine), this.#options.limits);
      const module: Tracked = {
        plan,
        firstJob: 0,
        remaining: plan.entries.length,
        walk: undefined,
        walked: plan.walk === undefined || this.#options.unlisted === 'ignore',
        judgement: undefined,
        judged: plan.sig.state !== 'read',
        report: undefined,
        group: state,
      };
      tracked.push(module);
      if (state.run) {
        const judged = this.#judge(module, keys);
        judged.catch(() => undefined);
        judging.push(judged);
        await this.#submit(module);
        // Let piscina hand the queued batches to the workers before planning the next module.
        await nextTurn();
      }
    }
    if (!state.run) {
      // The first group decides the pool's size, now that the work is known (unless started early).
      const jobs = tracked.flatMap((m) => (m.plan ? jobsOf(m.plan) : []));
      const threads = typeof this.#options.threads === 'number' ? this.#options.threads : chooseThreads(jobs);
      this.#pool ??= new HashPool({
        threads,
        engine: resolveEngine(this.#options.engine, 'sha256'),
        algorithm: 'sha256',
      });
      this.#start(state, this.#pool);
      for (const module of tracked) {
        const judged = this.#judge(module, keys);
        judged.catch(() => undefined);
        judging.push(judged);
        await this.#submit(module);
      }
    }
    state.run?.seal();

    const { keyFiles, keyWarnings } = await keys;
    await Promise.all(judging);
    await finished;
    await state.run?.done;

    const modules = tracked.map((m) => m.report).filter((r): r is ModuleReport => r !== undefined);
    const warnings: Notice[] = [
      ...(group.warnings ?? []),
      ...keyWarnings.map((message) => ({ code: 'KEY_FILE_SKIPPED', message })),
    ];
    return {
      schema: REPORT_SCHEMA,
      version: REPORT_VERSION,
      tool: { name: 'pbxsig', version: VERSION },
      startedAt: group.startedAt.toISOString(),
      durationMs: Date.now() - group.startedAt.getTime(),
      settings: {
        engine: resolveEngine(this.#options.engine, 'sha256'),
        threads: this.threads,
        anchors: this.#options.anchors,
        keyFiles,
        unlisted: this.#options.unlisted,
      },
      installation: group.installation,
      summary: summarize(modules),
      modules,
      warnings,
    };
  }

  /** The group's keyring and what judging a signature needs (openpgp.js is loaded here, lazily). */
  async #loadKeys(group: Group): Promise<GroupKeys> {
    const judge = await this.#judgeModule;
    const { keyring, warnings: keyWarnings } = await judge.loadKeySources(group.keySources);
    return {
      judge,
      keyringId: keyring.contentId(),
      context: { keyring, anchors: this.#options.anchors, now: this.#options.now },
      keyFiles: keyring.sources.map((s) => s.path),
      keyWarnings,
    };
  }

  // Identical module.sig bytes judged with identical keys are judged once per session.
  async #judge(module: Tracked, keys: Promise<GroupKeys>): Promise<void> {
    const sig = module.plan?.sig;
    if (sig?.state === 'read') {
      const { judge, keyringId, context } = await keys;
      const cacheKey = `${keyringId}\0${sig.sigDigest}`;
      let judgement = this.#judgements.get(cacheKey);
      if (judgement) {
        this.#shared++;
      } else {
        judgement = judge.judgeSignature(sig.clear, context);
        this.#judgements.set(cacheKey, judgement);
        this.#verified++;
      }
      module.judgement = await judgement;
      module.judged = true;
    }
    this.#finish(module);
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.#pool?.close();
  }

  #start(state: GroupState, pool: HashPool): void {
    if (state.run) return;
    const run = pool.begin((start, end) => this.#progress(state, start, end));
    state.run = run;
    // A worker failed: nothing more of this group will finish. Fail it instead of hanging.
    run.done.catch((error: unknown) => state.reject(error instanceof Error ? error : new Error(String(error))));
  }

  // Each module's files, then its walk, join the pool's one queue. The files go in chunks, each
  // waiting while the backlog is large, so a manifest of a hundred thousand files is never held as
  // jobs all at once. Modules are submitted one at a time, so a module's jobs are numbered in a row.
  async #submit(module: Tracked): Promise<void> {
    const { run } = module.group;
    const pool = this.#pool;
    const plan = module.plan;
    if (!run || !pool || !plan) return;
    const count = plan.entries.length;
    for (let start = 0; start < count; start += SUBMIT_CHUNK_JOBS) {
      if (start > 0) await run.whenAtMost(MAX_BACKLOG_JOBS);
      const jobs = jobsOf(plan, start, Math.min(count, start + SUBMIT_CHUNK_JOBS));
      const first = run.add(jobs);
      if (start === 0) module.firstJob = first;
      else if (first !== module.firstJob + start)
        throw new InternalError(`the jobs of module ${plan.name} are not numbered in a row`);
      for (let k = 0; k < jobs.length; k++) module.group.owner[first + k] = module;
    }
    if (!module.walked && plan.walk) {
      pool.walk(plan.walk).then(
        (result) => {
          module.walk = result;
          module.walked = true;
          this.#finish(module);
        },
        (error: unknown) => module.group.reject(error instanceof Error ? error : new Error(String(error))),
      );
    }
    if (count === 0) this.#finish(module);
  }

  #progress(state: GroupState, start: number, end: number): void {
    for (let j = start; j < end; j++) {
      const module = state.owner[j];
      state.owner[j] = undefined;
      if (!module) continue;
      module.remaining--;
      if (module.remaining === 0) this.#finish(module);
    }
  }

  // Report a module as soon as everything about it is known (a terminal shows it at once).
  #finish(module: Tracked): void {
    const { plan } = module;
    const run = module.group.run;
    if (!plan || !run || module.report || module.remaining !== 0 || !module.walked || !module.judged) return;
    const report = buildModuleReport({
      plan,
      firstJob: module.firstJob,
      judgement: module.judgement,
      results: run.results,
      walk: module.walk,
      unlistedPolicy: this.#options.unlisted,
      now: this.#options.now,
    });
    // A deep copy with fresh strings: many report fields are slices of module.sig's text (framework's
    // is 1.3 MB), and a slice keeps its whole text alive. An audit keeps reports, not manifests.
    module.report = structuredClone(report);
    // The plan (every listed path and digest) is no longer needed: keep findings only.
    module.plan = undefined;
    module.walk = undefined;
    module.judgement = undefined;
    module.group.group.onModule?.(module.report);
    module.group.unfinished--;
    if (module.group.unfinished === 0) module.group.resolve();
  }
}

export function summarize(modules: readonly ModuleReport[]): VerifyReport['summary'] {
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  let files = 0;
  let bytes = 0;
  let unlistedCode = 0;
  for (const m of modules) {
    verdicts[m.verdict]++;
    files += m.files.checked;
    bytes += m.files.bytes;
    unlistedCode += m.unlisted?.code.length ?? 0;
  }
  return {
    modules: modules.length,
    verified: verdicts.verified,
    failed: modules.filter((m) => !m.passed).length,
    unlistedCode,
    verdicts,
    files,
    bytes,
  };
}
