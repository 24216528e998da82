// `npm run bench [-- --quick] [-- --only SUITE[,SUITE...]]`: how fast pbxsig verifies, on trees generated here.
//
//   1. make a temp dir under os.tmpdir() with a throwaway anchor + developer key;
//   2. "shapes": write and sign the "small" (thousands of FreePBX-sized files) and "large" (a few big
//      files) shapes; time verifyModules() on each shape in each configuration, interleaved;
//   3. "engines": time node:crypto against hash-wasm per algorithm and input size (engines.ts);
//   3b. cold processes (large.ts): "large", `pbxsig verify` on a few big files against cores x
//      single-core `openssl speed`, and peak RSS on one 2 GiB file;
//   4. cold processes (suites.ts): "installation", `pbxsig verify --root` over a whole generated FreePBX
//      installation against four peers (peers.ts); "startup", one small module against `node -e 0`;
//   5. cold processes (signing.ts): "signing", `pbxsig sign` on one large module, default threads
//      against one thread, the main thread and the pool on every core;
//   6. cold processes (audit.ts): "audit", `pbxsig audit` over 1, 5 and 20 installations (hard-linked
//      copies of one, a few altered) against `pbxsig verify --root` once per installation, with peak RSS;
//   6b. cold processes (scaling.ts): "scaling", `pbxsig verify --root` on installations of 1k to 500k
//      files against the Node loop and Python peers, a threads sweep, and peak RSS against 200 MB;
//   6c. "fleet" (fleet.ts): `pbxsig audit --queue` with 1, 2 and 4 workers on a private Redis against
//       the single-process audit, per-job overhead, Redis memory per job;
//   7. print the Markdown summary (summary.ts) to stdout; write the JSON, the same Markdown and the
//      charts to bench/results/<date>[-quick][-only-SUITE+SUITE].* (results-files.ts; a full run also
//      to latest.*); remove the temp dir.
//
// Options:
//   --quick               smaller trees and fewer rounds (under two minutes in all);
//   --only SUITE[,SUITE]  run only these suites (shapes, engines, large, installation, startup, signing,
//                         audit, scaling, fleet; repeatable). Its files are then named <date>-only-SUITE[+SUITE],
//                         so a partial run never replaces a full run's files or latest.*.
//
// Progress goes to stderr, so stdout is only the report.

import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, relative } from 'node:path';
import { makeTempDir } from '../test/helpers/modules.js';
import { runAuditSuite } from './audit.js';
import type { AuditSuite } from './audit.js';
import { FULL_PLAN, QUICK_PLAN, runScalingSuite } from './scaling.js';
import { fleetPlan, runFleetSuite } from './fleet.js';
import type { ScalingSuite } from './scaling.js';
import { compareEngines, enginePlan } from './engines.js';
import type { EngineComparison } from './engines.js';
import { largePlan, runLargeSuite } from './large.js';
import type { LargeSuite } from './large.js';
import { MiB, makeSigner, writeLargeShape, writeSmallShape } from './fixtures.js';
import type { Config } from './measure.js';
import { measureShape } from './measure.js';
import { mulberry32 } from './prng.js';
import { machineFacts, ratio, summarizeShape } from './report.js';
import type { Report, ShapeResult } from './report.js';
import { writeRunResults } from './results-files.js';
import { runSigningSuite } from './signing.js';
import type { SigningSuite } from './signing.js';
import { runInstallationSuite, runStartupSuite } from './suites.js';
import type { InstallationSuite, StartupSuite } from './suites.js';
import { renderSummary } from './summary.js';
import type { FullReport } from './summary.js';

const SEED = 0x5eed_f9b8;
// Its own seed, so the installation does not change when the shapes above do. The audit suite
// generates the same installation from it.
const INSTALLATION_SEED = 0x1f5_7a11;
const SIGNING_SEED = 0x5_16_4ed;
const LARGE_SEED = 0x1a_4e6e;

const SUITES = [
  'shapes',
  'engines',
  'large',
  'installation',
  'startup',
  'signing',
  'audit',
  'scaling',
  'fleet',
] as const;
type Suite = (typeof SUITES)[number];
const USAGE = `usage: npm run bench [-- --quick] [-- --only SUITE[,SUITE...]] (suites: ${SUITES.join(', ')})`;

interface Plan {
  readonly quick: boolean;
  readonly rounds: number;
  readonly smallFiles: number;
  readonly smallModules: number;
  readonly largeFiles: number;
  readonly largeFileBytes: number;
  /** Files of the generated installation (the real FreePBX 17 one has about 26,000). */
  readonly installationFiles: number;
  readonly startupRounds: number;
  /** Files of the module `pbxsig sign` signs (FreePBX sizes: about 100 MB for 8,000). */
  readonly signingFiles: number;
  /** How many installations `pbxsig audit` gets at once, ascending. */
  readonly auditCounts: readonly number[];
  /** The suites to run, in SUITES order. */
  readonly suites: readonly Suite[];
}

const started = performance.now();
const progress = (line: string): void =>
  void process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

function parseArgs(args: readonly string[]): Plan {
  let quick = false;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--only' && i + 1 < args.length) only.push(...(args[++i] as string).split(','));
    else if (arg.startsWith('--only=')) only.push(...arg.slice('--only='.length).split(','));
    else throw new Error(`unknown or incomplete argument: ${arg} (${USAGE})`);
  }
  const unknown = only.filter((name) => !(SUITES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown suite(s): ${unknown.join(', ')} (${USAGE})`);
  const suites = only.length === 0 ? [...SUITES] : SUITES.filter((name) => only.includes(name));
  return quick
    ? {
        quick,
        suites,
        rounds: 3,
        smallFiles: 1000,
        smallModules: 4,
        largeFiles: 4,
        largeFileBytes: 16 * MiB,
        installationFiles: 6000,
        startupRounds: 7,
        signingFiles: 2000,
        auditCounts: [1, 3],
      }
    : {
        quick,
        suites,
        rounds: 5,
        smallFiles: 3000,
        smallModules: 4,
        largeFiles: 4,
        largeFileBytes: 64 * MiB,
        installationFiles: 26000,
        startupRounds: 15,
        signingFiles: 8000,
        auditCounts: [1, 5, 20],
      };
}

/**
 * The configurations, the default first. "auto" threads means every core, but none (main thread)
 * for 64 files or fewer, so on the large shape the default never starts the pool; the last row
 * forces the pool with every core so "pool vs one thread" is measured on both shapes.
 */
function configurations(): Config[] {
  const cores = availableParallelism();
  return [
    { id: 'default', label: 'threads auto, node (default)', engine: 'node', threads: 'auto' },
    { id: 'one', label: 'threads 1, node', engine: 'node', threads: 1 },
    { id: 'main', label: 'threads 0 (main thread), node', engine: 'node', threads: 0 },
    { id: 'wasm', label: 'threads auto, wasm', engine: 'wasm', threads: 'auto' },
    { id: 'pool', label: `threads ${cores} (every core), node`, engine: 'node', threads: cores },
  ];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const plan = parseArgs(args);
  const temp = await makeTempDir('pbxsig-bench-');
  // Interrupted (Ctrl-C): still remove hundreds of MB of generated files.
  const onSignal = (): void => {
    rmSync(temp.path, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await runBenchmark(plan, temp.path, args);
    process.stdout.write(renderSummary(report));
    const written = await writeRunResults(report, {
      quick: plan.quick,
      only: plan.suites.length === SUITES.length ? null : plan.suites,
    });
    progress(`wrote ${written.map((file) => relative(process.cwd(), file)).join(', ')}`);
  } finally {
    await temp.remove();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress(`removed ${temp.path}`);
  }
}

async function runBenchmark(plan: Plan, root: string, args: readonly string[]): Promise<FullReport> {
  const random = mulberry32(SEED);
  const date = new Date().toISOString();
  const runs = (suite: Suite): boolean => plan.suites.includes(suite);
  progress(`generating trees in ${root} (suites: ${plan.suites.join(', ')})`);
  const signer = await makeSigner(root);

  let shapes: { shapes: ShapeResult[]; ratios: NonNullable<Report['ratios']> } | undefined;
  if (runs('shapes')) {
    const trees = [
      await writeSmallShape(root, signer, random, plan.smallFiles, plan.smallModules),
      await writeLargeShape(root, signer, random, plan.largeFiles, plan.largeFileBytes),
    ];
    const configs = configurations();
    const measured: ShapeResult[] = [];
    for (const shape of trees) {
      progress(`measuring ${shape.name}: ${shape.description}`);
      measured.push({
        shape: summarizeShape(shape),
        results: await measureShape(shape, signer, configs, plan.rounds, progress),
      });
    }
    shapes = { shapes: measured, ratios: ratios(measured) };
  }

  let engines: EngineComparison | undefined;
  if (runs('engines')) {
    progress('measuring raw engines');
    engines = await compareEngines(random, enginePlan(plan.quick, plan.rounds));
  }

  let large: LargeSuite | undefined;
  if (runs('large')) {
    progress('measuring cold processes: large files against the hashing limit, and peak memory');
    large = await runLargeSuite(root, signer, LARGE_SEED, largePlan(plan.quick, plan.rounds), progress);
  }

  let installation: InstallationSuite | undefined;
  if (runs('installation')) {
    progress('measuring cold processes: whole installation');
    installation = await runInstallationSuite(
      root,
      signer,
      INSTALLATION_SEED,
      plan.installationFiles,
      plan.rounds,
      progress,
    );
  }
  let startup: StartupSuite | undefined;
  if (runs('startup')) {
    progress('measuring cold processes: start-up');
    startup = await runStartupSuite(root, signer, INSTALLATION_SEED, plan.startupRounds, progress);
  }
  let signing: SigningSuite | undefined;
  if (runs('signing')) {
    progress('measuring cold processes: signing');
    signing = await runSigningSuite(root, SIGNING_SEED, plan.signingFiles, plan.rounds, progress);
  }
  let audit: AuditSuite | undefined;
  if (runs('audit')) {
    progress('measuring cold processes: audit of many installations');
    audit = await runAuditSuite(
      root,
      signer,
      INSTALLATION_SEED,
      { files: plan.installationFiles, counts: plan.auditCounts },
      progress,
    );
  }
  let scaling: ScalingSuite | undefined;
  if (runs('scaling')) {
    progress('measuring cold processes: scaling with files and threads');
    scaling = await runScalingSuite(root, signer, INSTALLATION_SEED, plan.quick ? QUICK_PLAN : FULL_PLAN, progress);
  }

  const fleet = runs('fleet')
    ? await runFleetSuite(root, signer, INSTALLATION_SEED, fleetPlan(plan.quick), progress)
    : undefined;

  return {
    date,
    command: commandLine(args),
    // Arguments only: the interpreter and script paths would name this machine's directories.
    argv: process.argv.slice(2),
    quick: plan.quick,
    seed: SEED,
    rounds: plan.rounds,
    machine: machineFacts(),
    suites: plan.suites,
    ...(shapes ?? {}),
    ...(engines ? { engines } : {}),
    ...(large ? { large } : {}),
    ...(installation ? { installation } : {}),
    ...(startup ? { startup } : {}),
    ...(signing ? { signing } : {}),
    ...(audit ? { audit } : {}),
    ...(scaling ? { scaling } : {}),
    ...(fleet ? { fleet } : {}),
  };
}

function ratios(measured: readonly ShapeResult[]): NonNullable<Report['ratios']> {
  return [
    ratio('default (threads auto) vs threads 1', 'default', 'one', measured),
    ratio('default (threads auto) vs main thread (threads 0)', 'default', 'main', measured),
    ratio('engine node vs wasm (both threads auto)', 'default', 'wasm', measured),
    ratio('pool on every core vs threads 1', 'pool', 'one', measured),
  ];
}

/** The command as typed, with npm's wrapper named when it ran us. */
function commandLine(args: readonly string[]): string {
  const direct = ['node', `dist/bench/${basename(process.argv[1] ?? 'run.js')}`, ...args].join(' ');
  return process.env['npm_lifecycle_event'] === 'bench'
    ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''} (${direct})`
    : direct;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
