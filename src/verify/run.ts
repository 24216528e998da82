// One verification run over planned modules, whatever they came from (module directories or an
// installation):
//
//   every listed file of every module goes to one pool, in one schedule; so do the directory walks
//   meanwhile, on this thread: load openpgp.js and the keys, verify each distinct module.sig once
//   a module is reported as soon as its files, its walk and its signature are all in
//
// File results enter a verdict only after the signature has been judged.

import { resolveEngine } from '../hash/engine.js';
import { HashPool, chooseThreads } from '../hash/pool.js';
import type { EngineChoice, HashJob } from '../hash/types.js';
import type { WalkResult } from '../hash/walk.js';
import type { KeySource } from '../pgp/key-sources.js';
import { REPORT_SCHEMA, REPORT_VERSION, VERDICTS } from '../report/types.js';
import type { InstallationReport, ModuleReport, Notice, UnlistedPolicy, Verdict, VerifyReport } from '../report/types.js';
import { VERSION } from '../version.js';
import type { Judgement } from './judge-signature.js';
import { buildModuleReport } from './module-report.js';
import type { ModulePlan } from './plan.js';

export interface RunOptions {
  readonly plans: readonly ModulePlan[];
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
}

export async function runVerification(options: RunOptions): Promise<VerifyReport> {
  const { plans, now } = options;

  // One global schedule: all files of all modules, in module order.
  const jobs: HashJob[] = [];
  const firstJob: number[] = [];
  const owner: number[] = [];
  plans.forEach((plan, i) => {
    firstJob.push(jobs.length);
    for (const planned of plan.entries) {
      jobs.push(planned.job);
      owner.push(i);
    }
  });

  const algorithm = 'sha256';
  const engine = resolveEngine(options.engine, algorithm);
  const threads = typeof options.threads === 'number' ? options.threads : chooseThreads(jobs);
  const pool = new HashPool({ threads, engine, algorithm });

  const remaining = plans.map((plan) => plan.entries.length);
  const walks: Array<WalkResult | undefined> = plans.map(() => undefined);
  const walked = plans.map((plan) => plan.walk === undefined || options.unlisted === 'ignore');
  const judgements: Array<Judgement | undefined> = plans.map(() => undefined);
  const judged = plans.map((plan) => plan.sig.state !== 'read');
  const reports: Array<ModuleReport | undefined> = plans.map(() => undefined);
  const warnings: Notice[] = [...(options.warnings ?? [])];
  let keyFiles: string[] = [];

  const hashing = pool.start(jobs, (start, end) => {
    for (let j = start; j < end; j++) {
      const i = owner[j] as number;
      remaining[i] = (remaining[i] as number) - 1;
      if (remaining[i] === 0) finish(i);
    }
  });
  // Report a module as soon as everything about it is known (a TTY shows it at once).
  function finish(i: number): void {
    if (reports[i] || remaining[i] !== 0 || !walked[i] || !judged[i]) return;
    const plan = plans[i] as ModulePlan;
    const report = buildModuleReport({
      plan,
      firstJob: firstJob[i] as number,
      judgement: judgements[i],
      results: hashing.results,
      walk: walks[i],
      unlistedPolicy: options.unlisted,
      now,
    });
    reports[i] = report;
    options.onModule?.(report);
  }

  try {
    // Awaited below; until then a rejection must not surface as "unhandled".
    hashing.done.catch(() => undefined);
    const walking = plans.map(async (plan, i) => {
      if (walked[i] || !plan.walk) return;
      walks[i] = await pool.walk(plan.walk);
      walked[i] = true;
      finish(i);
    });
    for (const w of walking) w.catch(() => undefined);

    // openpgp.js loads (about 45 ms) while the workers start and hash.
    const judge = await import('./judge-signature.js');
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

    await hashing.done;
    await Promise.all(walking);
    plans.forEach((_, i) => finish(i));
  } finally {
    await pool.close();
  }

  const modules = reports.filter((r): r is ModuleReport => r !== undefined);
  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    tool: { name: 'pbxsig', version: VERSION },
    startedAt: options.startedAt.toISOString(),
    durationMs: Date.now() - options.startedAt.getTime(),
    settings: { engine, threads: pool.threads, anchors: options.anchors, keyFiles, unlisted: options.unlisted },
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
