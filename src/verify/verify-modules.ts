// The coordinator: verify FreePBX module directories.
//
//   read module.sig -> split the clear-signed text -> parse the manifest -> plan hash jobs
//   start hashing every listed file on the pool      (workers: open, fstat, stream-hash)
//   meanwhile, on this thread: load keys, verify each distinct module.sig once, judge its signer
//   then one report per module, from the same evidence
//
// File results are used only in the verdict, which is decided after the signature is judged.

import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError, ManifestError, UsageError, describeError, errnoCode } from '../errors.js';
import { resolveEngine } from '../hash/engine.js';
import { HashPool, chooseThreads } from '../hash/pool.js';
import type { HashResults } from '../hash/pool.js';
import type { EngineChoice, HashJob } from '../hash/types.js';
import { splitClearsigned } from '../manifest/cleartext.js';
import { parseManifest } from '../manifest/parse.js';
import { DEFAULT_LIMITS } from '../manifest/types.js';
import type { ManifestLimits } from '../manifest/types.js';
import { FREEPBX_ANCHORS, parseAnchors } from '../pgp/anchors.js';
import { REPORT_SCHEMA, REPORT_VERSION, VERDICTS } from '../report/types.js';
import type { ModuleReport, Notice, Verdict, VerifyReport } from '../report/types.js';
import { VERSION } from '../version.js';
import type { Judgement } from './judge-signature.js';
import { buildModuleReport } from './module-report.js';
import type { ModulePlan, SigState } from './module-report.js';
import { readModuleSig } from './read-module-sig.js';

export interface VerifyOptions {
  /** Module directories (each holds a module.sig). */
  readonly modules: readonly string[];
  /** Key files or directories, in addition to the installation's admin/libraries/BMO keys. */
  readonly keys?: readonly string[];
  /** Trust anchor fingerprints; default: FreePBX's two master keys. */
  readonly anchors?: readonly string[];
  readonly engine?: EngineChoice;
  /** Hashing threads; 0 hashes on this thread; default "auto" (every core, none for tiny jobs). */
  readonly threads?: number | 'auto';
  /** The time to judge expiry and revocation at; default now. */
  readonly now?: Date;
  readonly limits?: ManifestLimits;
  /** Called with each module's report as soon as it is ready. */
  readonly onModule?: (report: ModuleReport) => void;
}

export async function verifyModules(options: VerifyOptions): Promise<VerifyReport> {
  const startedAt = new Date();
  const started = performance.now();
  const now = options.now ?? startedAt;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const anchors = parseAnchors(options.anchors ?? FREEPBX_ANCHORS);
  if (options.modules.length === 0) throw new UsageError('no module directory given');

  const targets = await Promise.all(options.modules.map(resolveModuleDir));
  const jobs: HashJob[] = [];
  const plans = targets.map((target) => {
    const plan = planModule(target, limits, jobs.length);
    for (const entry of plan.entries) {
      jobs.push({ root: '/', confine: plan.real, path: join(plan.real, entry.path).slice(1), expected: entry.digest });
    }
    return plan;
  });

  const algorithm = 'sha256';
  const engine = resolveEngine(options.engine ?? 'auto', algorithm);
  const threads = typeof options.threads === 'number' ? options.threads : chooseThreads(jobs);
  const pool = new HashPool({ threads, engine, algorithm });
  let keyFiles: string[] = [];
  const warnings: Notice[] = [];
  const modules: ModuleReport[] = [];
  try {
    const hashing: Promise<HashResults> = pool.run(jobs);
    // Awaited below; until then a rejection must not surface as "unhandled".
    hashing.catch(() => undefined);

    // openpgp.js loads (about 45 ms) while the workers start and hash.
    const judge = await import('./judge-signature.js');
    const keyPaths = [...(options.keys ?? []), ...(await installationKeyDirs(targets))];
    const { keyring, warnings: keyWarnings } = await judge.loadKeys(keyPaths);
    keyFiles = keyring.sources.map((s) => s.path);
    for (const message of keyWarnings) warnings.push({ code: 'KEY_FILE_SKIPPED', message });

    // Identical module.sig bytes (the same module version in several places) are verified once.
    const context = { keyring, anchors, now };
    const verdicts = new Map<string, Promise<Judgement>>();
    const judgements: Array<Judgement | undefined> = [];
    for (const plan of plans) {
      if (plan.sig.state !== 'read') {
        judgements.push(undefined);
        continue;
      }
      const { raw, clear } = plan.sig;
      let judgement = verdicts.get(raw);
      if (!judgement) {
        judgement = judge.judgeSignature(clear, context);
        verdicts.set(raw, judgement);
      }
      judgements.push(await judgement);
    }

    const results = await hashing;
    plans.forEach((plan, i) => {
      const report = buildModuleReport(plan, judgements[i], results, now);
      modules.push(report);
      options.onModule?.(report);
    });
  } finally {
    await pool.close();
  }

  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    tool: { name: 'pbxsig', version: VERSION },
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    settings: { engine, threads: pool.threads, anchors, keyFiles },
    summary: summarize(modules),
    modules,
    warnings,
  };
}

interface ModuleDir {
  readonly name: string;
  readonly directory: string;
  readonly real: string;
}

async function resolveModuleDir(dir: string): Promise<ModuleDir> {
  const directory = resolve(dir);
  try {
    const info = await stat(directory);
    if (!info.isDirectory()) throw new InputError('INPUT_NOT_DIRECTORY', `module directory ${dir}: not a directory`);
    return { name: basename(directory), directory, real: await realpath(directory) };
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (errnoCode(error) === 'ENOENT') throw new InputError('INPUT_NOT_FOUND', `module directory ${dir}: does not exist`);
    throw new InputError('INPUT_UNREADABLE', `module directory ${dir}: ${describeError(error)}`);
  }
}

function planModule(target: ModuleDir, limits: ManifestLimits, firstJob: number): ModulePlan {
  const sig = readSigState(target, limits);
  const entries = sig.state === 'read' ? (sig.manifest?.entries ?? []) : [];
  return { ...target, sig, entries, firstJob };
}

function readSigState(target: ModuleDir, limits: ManifestLimits): SigState {
  try {
    const read = readModuleSig(target.real, limits.maxBytes);
    if (read.state === 'missing') return read;
    const clear = splitClearsigned(read.text);
    try {
      return { state: 'read', raw: read.text, clear, manifest: parseManifest(clear.text, { firstLine: clear.firstLine, limits }) };
    } catch (error) {
      if (error instanceof ManifestError) return { state: 'read', raw: read.text, clear, manifestError: error };
      throw error;
    }
  } catch (error) {
    if (error instanceof ManifestError) return { state: 'unreadable', error };
    throw error;
  }
}

// FreePBX keeps its public keys in <webroot>/admin/libraries/BMO/*.key; a module directory at
// <webroot>/admin/modules/<name> brings its installation's keys, as FreePBX itself uses them.
async function installationKeyDirs(targets: readonly ModuleDir[]): Promise<string[]> {
  const found = new Set<string>();
  for (const { directory } of targets) {
    const modulesDir = dirname(directory);
    if (basename(modulesDir) !== 'modules') continue;
    const bmo = join(dirname(modulesDir), 'libraries', 'BMO');
    if (found.has(bmo)) continue;
    try {
      if ((await stat(bmo)).isDirectory()) found.add(bmo);
    } catch {
      // No BMO directory: not an installation, nothing to add.
    }
  }
  return [...found];
}

function summarize(modules: readonly ModuleReport[]): VerifyReport['summary'] {
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  let files = 0;
  let bytes = 0;
  for (const m of modules) {
    verdicts[m.verdict]++;
    files += m.files.checked;
    bytes += m.files.bytes;
  }
  return { modules: modules.length, verified: verdicts.verified, failed: modules.length - verdicts.verified, verdicts, files, bytes };
}
