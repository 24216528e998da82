// One verification run over modules, whatever they came from (module directories or an installation):
//
//   plan each module (read and parse its module.sig); its files go to the pool as soon as it is planned
//   every listed file of every module goes to one pool, in one schedule; so do the directory walks
//   meanwhile, on this thread: load openpgp.js and the keys, verify each distinct module.sig once
//   a module is reported as soon as its files, its walk and its signature are all in
//
// File results enter a verdict only after the signature has been judged.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { resolveEngine } from '../hash/engine.js';
import { ConfinedOpener } from '../hash/confined-open.js';
import { HashPool } from '../hash/pool.js';
import type { HashRun } from '../hash/pool.js';
import { chooseThreads } from '../hash/threads.js';
import type { EngineChoice, HashJob } from '../hash/types.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { WalkResult } from '../hash/walk.js';
import type { KeySource } from '../pgp/key-sources.js';
import { REPORT_SCHEMA, REPORT_VERSION, VERDICTS } from '../report/types.js';
import type { InstallationReport, ModuleReport, Notice, UnlistedPolicy, Verdict, VerifyReport } from '../report/types.js';
import { VERSION } from '../version.js';
import type { Judgement } from './judge-signature.js';
import { buildModuleReport } from './module-report.js';
import { planModule } from './plan.js';
import type { ModulePlan, ModuleSpec } from './plan.js';

export interface RunOptions {
  readonly modules: readonly ModuleSpec[];
  readonly limits: ManifestLimits;
  readonly keySources: readonly KeySource[];
  readonly anchors: readonly string[];
  readonly engine: EngineChoice;
  readonly threads: number | 'auto';
  readonly unlisted: UnlistedPolicy;
  readonly now: Date;
  readonly startedAt: Date;
  readonly installation: InstallationReport | null;
  readonly warnings?: readonly Notice[];
  readonly onModule?: ((report: ModuleReport) => void) | undefined;
  /** A pool the caller started early (its workers boot while modules are planned); closed here. */
  readonly pool?: HashPool;
}

export async function runVerification(options: RunOptions): Promise<VerifyReport> {
  const { now } = options;
  const plans: ModulePlan[] = [];
  const firstJob: number[] = [];
  const owner: number[] = [];
  const remaining: number[] = [];
  const walks: Array<WalkResult | undefined> = [];
  const walked: boolean[] = [];
  const walking: Array<Promise<void>> = [];
  const judgements: Array<Judgement | undefined> = [];
  const judged: boolean[] = [];
  const reports: Array<ModuleReport | undefined> = [];
  const warnings: Notice[] = [...(options.warnings ?? [])];
  let keyFiles: string[] = [];
  let pool = options.pool;
  let run: HashRun | undefined;

  // Report a module as soon as everything about it is known (a terminal shows it at once).
  const finish = (i: number): void => {
    if (!run || reports[i] || remaining[i] !== 0 || !walked[i] || !judged[i]) return;
    const report = buildModuleReport({
      plan: plans[i] as ModulePlan,
      firstJob: firstJob[i] as number,
      judgement: judgements[i],
      results: run.results,
      walk: walks[i],
      unlistedPolicy: options.unlisted,
      now,
    });
    reports[i] = report;
    options.onModule?.(report);
  };
  const onProgress = (start: number, end: number): void => {
    for (let j = start; j < end; j++) {
      const i = owner[j] as number;
      remaining[i] = (remaining[i] as number) - 1;
      if (remaining[i] === 0) finish(i);
    }
  };
  // One global schedule: each module's files, then its walk, join the pool's queue.
  const submit = (hashRun: HashRun, hashPool: HashPool, i: number): void => {
    const plan = plans[i] as ModulePlan;
    const jobs: HashJob[] = plan.entries.map((e) => e.job);
    for (let k = 0; k < jobs.length; k++) owner.push(i);
    firstJob[i] = hashRun.add(jobs);
    if (!walked[i] && plan.walk) {
      const walk = plan.walk;
      const pending = hashPool.walk(walk).then((result) => {
        walks[i] = result;
        walked[i] = true;
        finish(i);
      });
      // Awaited below; until then a rejection must not surface as "unhandled".
      pending.catch(() => undefined);
      walking.push(pending);
    }
  };

  try {
    // openpgp.js loads (about 45 ms) while modules are planned and hashed.
    const judgeModule = import('./judge-signature.js');
    judgeModule.catch(() => undefined);
    if (pool) run = pool.begin(onProgress);
    for (const spec of options.modules) {
      const i = plans.length;
      const plan = planModule(spec, new ConfinedOpener(spec.root, spec.confine), options.limits);
      plans.push(plan);
      remaining.push(plan.entries.length);
      walks.push(undefined);
      walked.push(plan.walk === undefined || options.unlisted === 'ignore');
      judgements.push(undefined);
      judged.push(plan.sig.state !== 'read');
      reports.push(undefined);
      if (pool && run) {
        submit(run, pool, i);
        // Let piscina hand the queued batches to the workers before planning the next module.
        await nextTurn();
      }
    }
    if (!pool || !run) {
      // No pool yet: the plans say how much work there is, and so how many threads pay off.
      const jobs = plans.flatMap((p) => p.entries.map((e) => e.job));
      const threads = typeof options.threads === 'number' ? options.threads : chooseThreads(jobs);
      pool = new HashPool({ threads, engine: resolveEngine(options.engine, 'sha256'), algorithm: 'sha256' });
      run = pool.begin(onProgress);
      for (let i = 0; i < plans.length; i++) submit(run, pool, i);
    }
    run.seal();
    run.done.catch(() => undefined);

    const judge = await judgeModule;
    const { keyring, warnings: keyWarnings } = await judge.loadKeySources(options.keySources);
    keyFiles = keyring.sources.map((s) => s.path);
    for (const message of keyWarnings) warnings.push({ code: 'KEY_FILE_SKIPPED', message });

    // Identical module.sig bytes (the same module version in several places) are verified once.
    const context = { keyring, anchors: options.anchors, now };
    const byText = new Map<string, Promise<Judgement>>();
    for (const [i, plan] of plans.entries()) {
      if (plan.sig.state !== 'read') continue;
      let judgement = byText.get(plan.sig.raw);
      if (!judgement) {
        judgement = judge.judgeSignature(plan.sig.clear, context);
        byText.set(plan.sig.raw, judgement);
      }
      judgements[i] = await judgement;
      judged[i] = true;
      finish(i);
    }

    await run.done;
    await Promise.all(walking);
    plans.forEach((_, i) => finish(i));
  } finally {
    await pool?.close();
  }

  const modules = reports.filter((r): r is ModuleReport => r !== undefined);
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    tool: { name: 'pbxsig', version: VERSION },
    startedAt: options.startedAt.toISOString(),
    durationMs: Date.now() - options.startedAt.getTime(),
    settings: { engine: pool?.engine ?? resolveEngine(options.engine, 'sha256'), threads: pool?.threads ?? 0, anchors: options.anchors, keyFiles, unlisted: options.unlisted },
    installation: options.installation,
    summary: summarize(modules),
    modules,
    warnings,
  };
}

function summarize(modules: readonly ModuleReport[]): VerifyReport['summary'] {
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
