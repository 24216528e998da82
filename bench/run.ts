// `npm run bench [-- OPTIONS]` (`--help` lists them, args.ts parses them): how fast pbxsig verifies,
// on FreePBX installations generated here, against the tools a user would otherwise run.
//
//   1. a temporary directory under os.tmpdir() with a throwaway anchor and developer key (keys.ts);
//   2. the suites, each generating its own trees (seeded: every run writes the same trees):
//        installation  `pbxsig verify --root` on the FreePBX 17, FreePBX 16 (120 modules) and FreePBX 14
//                      shapes, default threads against --threads 0 and 1 and against the peers
//                      (installation-suite.ts);
//        startup       one small module against `node -e 0` (startup.ts);
//        scaling       1k to 500k listed files, and a threads sweep, with peak RSS (scaling.ts);
//        audit         `pbxsig audit` over 1, 5 and 20 installations against verify per root (audit.ts);
//        signing       `pbxsig sign` on one large module (signing.ts);
//        large         a few big files against the machine's hashing limit, and one 2 GiB file (large.ts);
//        engines       node:crypto against hash-wasm, in process (engines.ts);
//        hostile       inputs an attacker controls, under a time limit (hostile.ts);
//        fleet         `pbxsig audit --queue` with 1, 2 and 4 workers on a private Redis against the
//                      single-process audit, per-job overhead, Redis memory per job (fleet.ts);
//   3. the Markdown summary (summary.ts: the targets first) to stdout; the JSON, the same Markdown and
//      the charts to bench/results/local/, or with --save to bench/results/ (results-files.ts); the
//      temporary directory removed, also on Ctrl-C.
//
// Progress goes to stderr, so stdout is only the report.

import { rmSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { BenchUsageError, HELP, parseBenchArgs } from './args.js';
import type { BenchArgs, ShapeName } from './args.js';
import { runAuditSuite } from './audit.js';
import { compareEngines, enginePlan } from './engines.js';
import { fleetPlan, runFleetSuite } from './fleet.js';
import { hostilePlan, runHostileSuite } from './hostile.js';
import { runInstallationSuite } from './installation-suite.js';
import type { InstallationPlanOptions } from './installation-suite.js';
import { makeSigner } from './keys.js';
import { largePlan, runLargeSuite } from './large.js';
import { mulberry32 } from './prng.js';
import { machineFacts } from './report.js';
import { removedVariables } from './environment.js';
import { LOCAL_DIR, SAVED_DIR, writeRunResults } from './results-files.js';
import { FULL_PLAN, QUICK_PLAN, runScalingSuite } from './scaling.js';
import { FREEPBX14, FREEPBX16, FREEPBX17, scaleShape } from './shapes.js';
import type { InstallationShape } from './shapes.js';
import { runSigningSuite } from './signing.js';
import { runStartupSuite } from './startup.js';
import { renderSummary } from './summary.js';
import type { FullReport } from './summary.js';
import { makeTempDir } from './temp.js';

// Seeds: one per kind of tree, so that a change to one suite's trees leaves the others' alone. The
// installation, scaling and audit suites share one: the same FreePBX 17 tree at its own sizes.
const INSTALLATION_SEED = 0x1f5_7a11;
const ENGINE_SEED = 0x5eed_f9b8;
const SIGNING_SEED = 0x5_16_4ed;
const LARGE_SEED = 0x1a_4e6e;

const FULL_SHAPES: Readonly<Record<ShapeName, InstallationShape>> = {
  freepbx17: FREEPBX17,
  freepbx16: FREEPBX16,
  freepbx14: FREEPBX14,
};

// --quick: the large shapes scaled down (the summary marks their targets as such), FreePBX 14 whole.
const QUICK_SHAPES: Readonly<Record<ShapeName, InstallationShape>> = {
  freepbx17: scaleShape(FREEPBX17, 3_000),
  freepbx16: scaleShape(FREEPBX16, 4_000),
  freepbx14: FREEPBX14,
};

function installationPlan(args: BenchArgs): InstallationPlanOptions {
  const shapes = args.quick ? QUICK_SHAPES : FULL_SHAPES;
  const rounds = args.quick ? 3 : 5;
  return {
    shapes: args.shapes.map((base) => ({
      base,
      shape: shapes[base],
      // The small tree's runs are short, so noise weighs more: more rounds, at little cost.
      rounds: base === 'freepbx14' && !args.quick ? rounds * 3 : rounds,
    })),
    rssRuns: args.quick ? 1 : 3,
  };
}

const started = performance.now();
const progress = (line: string): void =>
  void process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }

  const temp = await makeTempDir('pbxsig-bench-');
  // Interrupted (Ctrl-C): still remove up to several GB of generated files.
  const onSignal = (): void => {
    rmSync(temp.path, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await runBenchmark(args, temp.path, argv);
    process.stdout.write(renderSummary(report));
    const written = await writeRunResults(
      report,
      { quick: args.quick, only: args.partial ? args.suites : null },
      args.save ? SAVED_DIR : LOCAL_DIR,
    );
    progress(`wrote ${written.map((file) => relative(process.cwd(), file)).join(', ')}`);
  } finally {
    await temp.remove();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress(`removed ${temp.path}`);
  }
}

async function runBenchmark(args: BenchArgs, root: string, argv: readonly string[]): Promise<FullReport> {
  const date = new Date().toISOString();
  const runs = (suite: BenchArgs['suites'][number]): boolean => args.suites.includes(suite);
  const rounds = args.quick ? 3 : 5;
  progress(`suites: ${args.suites.join(', ')}${args.quick ? ' (--quick)' : ''}; trees in ${root}`);
  const signer = await makeSigner(root);

  const installation = runs('installation')
    ? await runInstallationSuite(root, signer, INSTALLATION_SEED, installationPlan(args), progress)
    : undefined;
  const startup = runs('startup')
    ? await runStartupSuite(root, signer, INSTALLATION_SEED, args.quick ? 7 : 15, progress)
    : undefined;
  const scaling = runs('scaling')
    ? await runScalingSuite(root, signer, INSTALLATION_SEED, args.quick ? QUICK_PLAN : FULL_PLAN, progress)
    : undefined;
  const audit = runs('audit')
    ? await runAuditSuite(
        root,
        signer,
        INSTALLATION_SEED,
        { shape: args.quick ? QUICK_SHAPES.freepbx17 : FREEPBX17, counts: args.quick ? [1, 3] : [1, 5, 20] },
        progress,
      )
    : undefined;
  const signing = runs('signing')
    ? await runSigningSuite(root, SIGNING_SEED, args.quick ? 2000 : 8000, rounds, progress)
    : undefined;
  const large = runs('large')
    ? await runLargeSuite(root, signer, LARGE_SEED, largePlan(args.quick, rounds), progress)
    : undefined;
  const engines = runs('engines')
    ? await compareEngines(mulberry32(ENGINE_SEED), enginePlan(args.quick, rounds))
    : undefined;
  const hostile = runs('hostile') ? await runHostileSuite(root, signer, hostilePlan(args.quick), progress) : undefined;

  const fleet = runs('fleet')
    ? await runFleetSuite(
        root,
        signer,
        INSTALLATION_SEED,
        fleetPlan(args.quick ? QUICK_SHAPES.freepbx17 : FREEPBX17, args.quick),
        progress,
      )
    : undefined;

  return {
    date,
    command: commandLine(argv),
    // Arguments only: the interpreter and script paths would name this machine's directories.
    argv: [...argv],
    quick: args.quick,
    machine: machineFacts(),
    suites: args.suites,
    removedEnvironment: removedVariables(),
    ...(installation ? { installation } : {}),
    ...(startup ? { startup } : {}),
    ...(scaling ? { scaling } : {}),
    ...(audit ? { audit } : {}),
    ...(signing ? { signing } : {}),
    ...(large ? { large } : {}),
    ...(engines ? { engines } : {}),
    ...(hostile ? { hostile } : {}),
    ...(fleet ? { fleet } : {}),
  };
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
