// The two cold-process suites:
//
//   "installation": `pbxsig verify --root ROOT` over a whole generated installation (installation.ts),
//                   in three thread settings, against the four peers of peers.ts (gpgv + sha256sum per
//                   module, the same with xargs -P, Python hashlib, a one-thread Node loop); plus the
//                   same work in-process, to show what start-up costs;
//   "startup":      verifying one small module against `node -e 0` (the floor) and `pbxsig --version`.
//
// Before anything is timed, every command must give the right answer: pbxsig and every peer pass the
// clean tree, and all catch one altered byte, so none is timed doing less than the real job.

import { join } from 'node:path';
import { verifyInstallation } from '../src/index.js';
import type { VerifyReport } from '../src/index.js';
import type { Signer } from './fixtures.js';
import { writeInstallation, writeSmallModule } from './installation.js';
import type { GeneratedInstallation } from './installation.js';
import { median } from './measure.js';
import {
  REPO,
  checkPeerClean,
  checkPeersCatch,
  peerCommands,
  peerTools,
  preparePeerKeyring,
  withFlippedByte,
} from './peers.js';
import type { PeerCatch } from './peers.js';
import { runOnce, speedup, timeInterleaved } from './processes.js';
import type { ProcessCommand, ProcessResult } from './processes.js';
import { summarizeShape } from './report.js';
import type { ShapeSummary } from './report.js';

export interface Ratio {
  readonly label: string;
  /** Median time of `than` / median time of `faster`: above 1, `faster` is faster. */
  readonly value: number;
}

export interface InstallationSuite {
  readonly seed: number;
  readonly rounds: number;
  readonly tree: ShapeSummary & {
    readonly framework: GeneratedInstallation['framework'];
    readonly namesWithSpace: number;
    readonly modulesBySize: ReadonlyArray<{ readonly name: string; readonly files: number; readonly bytes: number }>;
  };
  readonly checks: {
    /** What pbxsig's --json said on the clean tree (exit 0 required). */
    readonly pbxsig: {
      readonly exit: number;
      readonly modules: number;
      readonly verified: number;
      readonly files: number;
      readonly bytes: number;
      readonly threadsAuto: number;
      readonly unlistedPolicy: string;
      readonly durationMs: number;
    };
    /** Each peer's summary line on the clean tree (exit 0 and the installation's counts required). */
    readonly peers: ReadonlyArray<{ readonly id: string; readonly line: string }>;
    /** One byte altered, then restored: pbxsig and every peer must fail (exit 1) and name the module. */
    readonly tampered: ReadonlyArray<{
      readonly file: string;
      readonly pbxsig: string;
      readonly peers: readonly PeerCatch[];
    }>;
  };
  readonly tools: Readonly<Record<string, string>>;
  readonly results: readonly ProcessResult[];
  readonly inProcess: {
    readonly label: string;
    readonly samplesMs: readonly number[];
    readonly medianMs: number;
    readonly minMs: number;
    readonly maxMs: number;
  };
  readonly ratios: readonly Ratio[];
}

export interface StartupSuite {
  readonly rounds: number;
  readonly module: { readonly files: number; readonly bytes: number };
  readonly results: ReadonlyArray<ProcessResult & { readonly overFloorMs: number }>;
}

type Progress = (line: string) => void;

export async function runInstallationSuite(
  temp: string,
  signer: Signer,
  seed: number,
  files: number,
  rounds: number,
  progress: Progress,
): Promise<InstallationSuite> {
  const root = join(temp, 'installation');
  progress(`installation: writing about ${files} files`);
  const tree = await writeInstallation(root, seed, files, signer.anchor, signer.developer);
  progress(
    `installation: ${tree.modules.length} modules, ${tree.files} files, ${(tree.bytes / 2 ** 20).toFixed(1)} MiB written`,
  );
  const keyring = preparePeerKeyring(join(temp, 'peer'), [signer.anchor, signer.developer]);

  const fpr = signer.anchor.fingerprint;
  const pbxsig = (id: string, label: string, extra: readonly string[]): ProcessCommand => ({
    id,
    label,
    shown: `node bin/pbxsig.js verify --root ROOT --anchor FPR --json${extra.length ? ` ${extra.join(' ')}` : ''} > /dev/null`,
    file: process.execPath,
    args: ['bin/pbxsig.js', 'verify', '--root', root, '--anchor', fpr, '--json', ...extra],
  });
  const byDefault = pbxsig('default', 'pbxsig, threads auto (default)', []);
  const peers = peerCommands(root, keyring);
  const commands: ProcessCommand[] = [
    byDefault,
    pbxsig('main', 'pbxsig, threads 0 (main thread)', ['--threads', '0']),
    pbxsig('one', 'pbxsig, threads 1', ['--threads', '1']),
    ...peers,
  ];

  progress(`installation: checking pbxsig and ${peers.length} peers on the clean tree and on a tampered one`);
  const checks = {
    pbxsig: checkPbxsigClean(byDefault, tree),
    peers: peers.map((peer) => ({ id: peer.id, line: checkPeerClean(peer, tree.modules.length, tree.files) })),
    tampered: [
      tamperCheck(tree.tamperTargets.module, 'core', 'a file of core', byDefault, peers),
      tamperCheck(
        tree.tamperTargets.frameworkWeb,
        'framework',
        'a framework file in the webroot (amp_conf/htdocs/...)',
        byDefault,
        peers,
      ),
    ],
  };

  progress('installation: timing cold processes');
  const results = await timeInterleaved(commands, rounds, REPO, progress);
  progress('installation: timing verifyInstallation() in this process');
  const inProcess = await timeInProcess(root, fpr, tree, rounds);

  const summary = summarizeShape({
    name: 'installation',
    description: '',
    modules: tree.modules.map((m) => m.name),
    sizes: tree.sizes,
    files: tree.files,
    bytes: tree.bytes,
  });
  return {
    seed,
    rounds,
    tree: {
      ...summary,
      description: `${tree.modules.length} modules, ${tree.files} files installed (FreePBX 17 shape), framework's manifest ${tree.framework.listed} entries`,
      framework: tree.framework,
      namesWithSpace: tree.nameWithSpace,
      modulesBySize: [...tree.modules]
        .sort((a, b) => b.files - a.files)
        .slice(0, 5)
        .map(({ name, files: count, bytes }) => ({ name, files: count, bytes })),
    },
    checks,
    tools: peerTools(),
    results,
    inProcess,
    ratios: [
      ...peers.map((peer) => ({
        label: `pbxsig default vs ${peer.label}`,
        value: speedup(results, 'default', peer.id),
      })),
      { label: 'pbxsig threads 0 vs gpgv + sha256sum, per module', value: speedup(results, 'main', 'gpgv-sha256sum') },
      { label: 'pbxsig threads 1 vs gpgv + sha256sum, per module', value: speedup(results, 'one', 'gpgv-sha256sum') },
      { label: 'pbxsig default vs threads 0', value: speedup(results, 'default', 'main') },
      { label: 'pbxsig default vs threads 1', value: speedup(results, 'default', 'one') },
    ],
  };
}

export async function runStartupSuite(
  temp: string,
  signer: Signer,
  seed: number,
  rounds: number,
  progress: Progress,
): Promise<StartupSuite> {
  const dir = join(temp, 'startup', 'smallmodule');
  const module = await writeSmallModule(dir, seed, 20, signer.developer);
  const node = (id: string, label: string, shown: string, args: readonly string[]): ProcessCommand => ({
    id,
    label,
    shown,
    file: process.execPath,
    args,
  });
  const commands = [
    node('floor', 'node -e 0 (floor)', 'node -e 0', ['-e', '0']),
    node('version', 'pbxsig --version', 'node bin/pbxsig.js --version', ['bin/pbxsig.js', '--version']),
    node(
      'verify',
      `pbxsig verify, one module of ${module.files} files`,
      'node bin/pbxsig.js verify DIR --keys KEYSDIR --anchor FPR',
      ['bin/pbxsig.js', 'verify', dir, '--keys', signer.keysDir, '--anchor', signer.anchor.fingerprint],
    ),
  ];
  for (const command of commands) {
    const outcome = runOnce(command, REPO, true);
    if (outcome.status !== 0)
      throw new Error(`startup check: ${command.shown}: exit ${outcome.status}\n${outcome.stdout}${outcome.stderr}`);
  }
  progress(`startup: timing ${commands.length} commands`);
  const results = await timeInterleaved(commands, rounds, REPO, progress);
  const floor = results.find((r) => r.id === 'floor')?.medianMs ?? Number.NaN;
  return { rounds, module, results: results.map((r) => ({ ...r, overFloorMs: r.medianMs - floor })) };
}

function checkPbxsigClean(command: ProcessCommand, tree: GeneratedInstallation): InstallationSuite['checks']['pbxsig'] {
  const outcome = runOnce(command, REPO, true);
  const report = parseReport(outcome.stdout, command);
  const { summary } = report;
  const failures = report.modules
    .filter((m) => m.verdict !== 'verified' || (m.unlisted?.code.length ?? 0) > 0)
    .map((m) => `${m.name}: ${m.verdict}`);
  if (
    outcome.status !== 0 ||
    summary.verified !== tree.modules.length ||
    summary.files !== tree.files ||
    summary.bytes !== tree.bytes ||
    failures.length > 0
  ) {
    throw new Error(
      `pbxsig on the clean installation: exit ${outcome.status}, ${summary.verified}/${tree.modules.length} verified, ${summary.files}/${tree.files} files, ` +
        `${summary.bytes}/${tree.bytes} bytes; ${failures.join(', ')}\n${outcome.stderr}`,
    );
  }
  return {
    exit: outcome.status,
    modules: summary.modules,
    verified: summary.verified,
    files: summary.files,
    bytes: summary.bytes,
    threadsAuto: report.settings.threads,
    unlistedPolicy: report.settings.unlisted,
    durationMs: report.durationMs,
  };
}

/** Flips one byte of `file` (restored afterwards, also on error); pbxsig and every peer must fail on `module`. */
function tamperCheck(
  file: string,
  module: string,
  what: string,
  pbxsig: ProcessCommand,
  peers: readonly ProcessCommand[],
): InstallationSuite['checks']['tampered'][number] {
  return withFlippedByte(file, () => {
    const ours = runOnce(pbxsig, REPO, true);
    const report = parseReport(ours.stdout, pbxsig);
    const bad = report.modules.filter((m) => m.verdict !== 'verified');
    if (
      ours.status !== 1 ||
      bad.length !== 1 ||
      bad[0]?.name !== module ||
      bad[0].verdict !== 'tampered' ||
      bad[0].files.altered.length !== 1
    ) {
      throw new Error(
        `pbxsig missed a tampered file in ${module}: exit ${ours.status}, not verified: ${bad.map((m) => `${m.name} ${m.verdict}`).join(', ') || 'none'}`,
      );
    }
    return {
      file: what,
      pbxsig: `exit 1, ${module}: tampered (1 file altered)`,
      peers: checkPeersCatch(peers, file, module),
    };
  });
}

function parseReport(stdout: string, command: ProcessCommand): VerifyReport {
  try {
    return JSON.parse(stdout) as VerifyReport;
  } catch {
    throw new Error(`${command.shown}: stdout is not a JSON report: ${stdout.slice(0, 500)}`);
  }
}

/**
 * verifyInstallation() (threads auto) in this process, after a warm-up: the same work without
 * Node's start-up and module imports, so the difference to the cold process is what start-up costs.
 */
async function timeInProcess(
  root: string,
  anchor: string,
  tree: GeneratedInstallation,
  rounds: number,
): Promise<InstallationSuite['inProcess']> {
  const once = async (): Promise<number> => {
    const started = performance.now();
    const report = await verifyInstallation({ root, anchors: [anchor] });
    const ms = performance.now() - started;
    if (report.summary.verified !== tree.modules.length || report.summary.files !== tree.files)
      throw new Error(
        `in-process verifyInstallation(): ${report.summary.verified} verified, ${report.summary.files} files`,
      );
    return ms;
  };
  await once();
  const samplesMs: number[] = [];
  for (let round = 0; round < rounds; round++) samplesMs.push(await once());
  return {
    label: 'verifyInstallation() in-process, threads auto (warm: no start-up, imports done)',
    samplesMs,
    medianMs: median(samplesMs),
    minMs: Math.min(...samplesMs),
    maxMs: Math.max(...samplesMs),
  };
}
