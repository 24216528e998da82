// `npm run bench [-- --quick]`: how fast pbxsig verifies, on trees generated here.
//
//   1. make a temp dir under os.tmpdir() with a throwaway anchor + developer key;
//   2. write and sign the "small" (thousands of FreePBX-sized files) and "large" (a few big files) shapes;
//   3. time verifyModules() on each shape in each configuration, interleaved;
//   4. time the two raw SHA-256 engines on one buffer;
//   5. cold processes (suites.ts): `pbxsig verify --root` over a whole generated FreePBX installation
//      against gpgv + sha256sum, and start-up on one small module against `node -e 0`;
//   6. cold processes (signing.ts): `pbxsig sign` on one large module, default threads against one
//      thread, the main thread and the pool on every core;
//   7. print Markdown to stdout, write JSON to bench/results/latest.json; remove the temp dir.
//
// Progress goes to stderr, so stdout is only the report.

import { rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../test/helpers/modules.js';
import { compareEngines } from './engines.js';
import { MiB, makeSigner, writeLargeShape, writeSmallShape } from './fixtures.js';
import type { Config } from './measure.js';
import { measureShape } from './measure.js';
import { mulberry32 } from './prng.js';
import { machineFacts, ratio, renderMarkdown, summarizeShape } from './report.js';
import type { Report, ShapeResult } from './report.js';
import { renderInstallation, renderStartup } from './report-suites.js';
import { renderSigning, runSigningSuite } from './signing.js';
import type { SigningSuite } from './signing.js';
import { runInstallationSuite, runStartupSuite } from './suites.js';
import type { InstallationSuite, StartupSuite } from './suites.js';

const SEED = 0x5eed_f9b8;
// Its own seed, so the installation does not change when the shapes above do.
const INSTALLATION_SEED = 0x1f5_7a11;
const SIGNING_SEED = 0x5_16_4ed;

/** The report with the cold-process suites. */
interface FullReport extends Report {
  readonly installation: InstallationSuite;
  readonly startup: StartupSuite;
  readonly signing: SigningSuite;
}

// dist/bench/run.js -> <repo>/bench/results/latest.json (the source tree, not dist/).
const RESULTS = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));

interface Plan {
  readonly quick: boolean;
  readonly rounds: number;
  readonly smallFiles: number;
  readonly smallModules: number;
  readonly largeFiles: number;
  readonly largeFileBytes: number;
  readonly engineBufferBytes: number;
  /** Files of the generated installation (the real FreePBX 17 one has about 26,000). */
  readonly installationFiles: number;
  readonly startupRounds: number;
  /** Files of the module `pbxsig sign` signs (FreePBX sizes: about 100 MB for 8,000). */
  readonly signingFiles: number;
}

const started = performance.now();
const progress = (line: string): void => void process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

function parseArgs(args: readonly string[]): Plan {
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument(s): ${unknown.join(' ')} (usage: npm run bench [-- --quick])`);
  const quick = args.includes('--quick');
  return quick
    ? { quick, rounds: 3, smallFiles: 1000, smallModules: 4, largeFiles: 4, largeFileBytes: 16 * MiB, engineBufferBytes: 16 * MiB, installationFiles: 6000, startupRounds: 7, signingFiles: 2000 }
    : { quick, rounds: 5, smallFiles: 3000, smallModules: 4, largeFiles: 4, largeFileBytes: 64 * MiB, engineBufferBytes: 64 * MiB, installationFiles: 26000, startupRounds: 15, signingFiles: 8000 };
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
    process.stdout.write(renderMarkdown(report) + renderInstallation(report.installation) + renderStartup(report.startup) + renderSigning(report.signing));
    await mkdir(dirname(RESULTS), { recursive: true });
    await writeFile(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
    progress(`wrote ${RESULTS}`);
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
  progress(`generating trees in ${root}`);
  const signer = await makeSigner(root);
  const shapes = [
    await writeSmallShape(root, signer, random, plan.smallFiles, plan.smallModules),
    await writeLargeShape(root, signer, random, plan.largeFiles, plan.largeFileBytes),
  ];

  const configs = configurations();
  const measured: ShapeResult[] = [];
  for (const shape of shapes) {
    progress(`measuring ${shape.name}: ${shape.description}`);
    measured.push({ shape: summarizeShape(shape), results: await measureShape(shape, signer, configs, plan.rounds, progress) });
  }

  progress('measuring raw engines');
  const engines = await compareEngines(random, plan.engineBufferBytes, plan.rounds);

  progress('measuring cold processes: whole installation');
  const installation = await runInstallationSuite(root, signer, INSTALLATION_SEED, plan.installationFiles, plan.rounds, progress);
  progress('measuring cold processes: start-up');
  const startup = await runStartupSuite(root, signer, INSTALLATION_SEED, plan.startupRounds, progress);
  progress('measuring cold processes: signing');
  const signing = await runSigningSuite(root, SIGNING_SEED, plan.signingFiles, plan.rounds, progress);

  return {
    date,
    command: commandLine(args),
    // Arguments only: the interpreter and script paths would name this machine's directories.
    argv: process.argv.slice(2),
    quick: plan.quick,
    seed: SEED,
    rounds: plan.rounds,
    machine: machineFacts(),
    shapes: measured,
    ratios: ratios(measured),
    engines,
    installation,
    startup,
    signing,
  };
}

function ratios(measured: readonly ShapeResult[]): Report['ratios'] {
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
  return process.env['npm_lifecycle_event'] === 'bench' ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''} (${direct})` : direct;
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
