// The "installation" suite: `pbxsig verify --root ROOT` over whole generated installations of each
// shape (shapes.ts: FreePBX 17, FreePBX 16 with 120 modules, FreePBX 14), against its peers (peers.ts)
// and against itself on one lane, all as cold processes, interleaved, on the same tree:
//
//   pbxsig, default threads (the pool)  |  --threads 0 (the main thread alone)  |  --threads 1
//   gpgv + sha256sum -c per module, framework mapped (FreePBX's method), the same with xargs -P,
//   a Python hashlib loop and a one-thread Node loop (these two check no signature).
//
// Before anything is timed, every command must give the right answer: pbxsig (its --json) and every
// peer pass the clean tree with every checked file counted; all fail naming the module when one byte
// of a core file, or of a framework file in the web root, is flipped; and all pass when a byte of
// framework's source copy in its module directory is flipped (FreePBX checks the installed copy), so
// no tool is timed doing less than the job, or another job. Then pbxsig's peak RSS (its default, text
// output, a few untimed runs through rss.ts), the interleaved rounds, and on the first shape the same
// verification in-process, to show what start-up costs. Each tree is removed before the next is written.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { verifyInstallation } from '../src/index.js';
import type { VerifyReport } from '../src/index.js';
import { bytes, fixed, mib } from './format.js';
import { planInstallation, summarizeInstallation, writeInstallation } from './installation.js';
import type { GeneratedInstallation, TreeSummary } from './installation.js';
import type { Signer } from './keys.js';
import {
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
import { REPO } from './repo.js';
import { kibToMiB, maxOrNull, measuredRun, rssProbe } from './rss.js';
import type { InstallationShape } from './shapes.js';
import { timing } from './stats.js';
import type { Timing } from './stats.js';

export interface Ratio {
  readonly label: string;
  /** The command ids compared: median time of `than` / median time of `of`; above 1, `of` is faster. */
  readonly of: string;
  readonly than: string;
  readonly value: number;
}

export interface InstallationPlanOptions {
  /** The shapes, in order; `base` names the full shape a scaled one stands for (for the targets). */
  readonly shapes: ReadonlyArray<{ readonly base: string; readonly shape: InstallationShape; readonly rounds: number }>;
  /** Untimed runs of pbxsig's default for its peak RSS. */
  readonly rssRuns: number;
}

export interface ShapeRun {
  /** The full shape this tree is (or, scaled down for --quick, stands for): freepbx17, ... */
  readonly base: string;
  /** Whether the tree is the full shape (false: scaled down). */
  readonly full: boolean;
  readonly rounds: number;
  readonly tree: TreeSummary;
  readonly checks: {
    readonly pbxsig: {
      readonly exit: number;
      readonly verified: number;
      readonly threads: number;
      readonly durationMs: number;
    };
    /** Each peer's summary line on the clean tree. */
    readonly peers: ReadonlyArray<{ readonly id: string; readonly line: string }>;
    /** One byte altered, then restored: pbxsig and every peer must fail (exit 1) naming the module. */
    readonly tampered: ReadonlyArray<{
      readonly file: string;
      readonly pbxsig: string;
      readonly peers: readonly PeerCatch[];
    }>;
    /** A byte of framework's source copy in its module directory: everyone must pass (exit 0). */
    readonly sourceCopyIgnored: boolean;
  };
  /** Highest peak RSS over the untimed runs of pbxsig's default, MiB (null: not measurable here). */
  readonly peakRssMiB: number | null;
  readonly results: readonly ProcessResult[];
  /** verifyInstallation() in this process (first shape only): the same work without start-up. */
  readonly inProcess: (Timing & { readonly label: string }) | null;
  readonly ratios: readonly Ratio[];
}

export interface InstallationSuite {
  readonly seed: number;
  readonly rssMethod: string;
  readonly tools: Readonly<Record<string, string>>;
  readonly shapes: readonly ShapeRun[];
}

type Progress = (line: string) => void;

export async function runInstallationSuite(
  temp: string,
  signer: Signer,
  seed: number,
  plan: InstallationPlanOptions,
  progress: Progress,
): Promise<InstallationSuite> {
  const base = join(temp, 'installation');
  mkdirSync(base, { recursive: true });
  const probe = rssProbe(base);
  const keyring = preparePeerKeyring(join(base, 'peer'), [signer.anchor, signer.developer]);
  const shapes: ShapeRun[] = [];
  for (const [index, entry] of plan.shapes.entries()) {
    const root = join(base, entry.shape.name);
    try {
      progress(`installation: ${entry.shape.name}: writing (${entry.shape.description})`);
      const tree = await writeInstallation(root, planInstallation(entry.shape, seed), signer);
      // Written back now, not while the commands run; the files stay in the page cache.
      spawnSync('sync');
      progress(
        `installation: ${tree.modules.length} modules, ${tree.checked} checked files (${mib(tree.checkedBytes)}), ${tree.unlisted.files} unlisted, ${tree.moduleDirs.files} files in ${tree.moduleDirs.directories} module directories`,
      );

      const fpr = signer.anchor.fingerprint;
      const pbxsig = (id: string, label: string, extra: readonly string[], json = false): ProcessCommand => ({
        id,
        label,
        shown: `node bin/pbxsig.js verify --root ROOT --anchor FPR${json ? ' --json' : ''}${extra.length ? ` ${extra.join(' ')}` : ''} > /dev/null`,
        file: process.execPath,
        args: ['bin/pbxsig.js', 'verify', '--root', root, '--anchor', fpr, ...(json ? ['--json'] : []), ...extra],
      });
      const byDefault = pbxsig('default', 'pbxsig, threads auto (default)', []);
      const peers = peerCommands(root, keyring);
      const commands = [
        byDefault,
        pbxsig('main', 'pbxsig, --threads 0 (one lane: the main thread)', ['--threads', '0']),
        pbxsig('one', 'pbxsig, --threads 1 (one worker)', ['--threads', '1']),
        ...peers,
      ];

      progress(`installation: checking pbxsig and ${peers.length} peers on the clean tree and on tampered ones`);
      const asJson = pbxsig('json', 'pbxsig --json', [], true);
      const checks: ShapeRun['checks'] = {
        pbxsig: checkPbxsigClean(asJson, tree),
        peers: peers.map((peer) => ({ id: peer.id, line: checkPeerClean(peer, tree.modules.length, tree.checked) })),
        tampered: [
          tamperCheck(tree.tamperTargets.module, 'core', 'a file of core', asJson, peers),
          tamperCheck(tree.tamperTargets.frameworkWeb, 'framework', 'a framework file in the web root', asJson, peers),
        ],
        sourceCopyIgnored: sourceCopyCheck(tree.tamperTargets.frameworkSource, [byDefault, ...peers]),
      };

      let rssKiB: number | null = null;
      for (let run = 0; run < plan.rssRuns; run++) {
        const measured = measuredRun(byDefault, probe, base, REPO);
        if (measured.status !== 0) throw new Error(`${byDefault.shown}: exit ${measured.status}\n${measured.stderr}`);
        rssKiB = maxOrNull(rssKiB, measured.rssKiB);
      }
      progress(
        `installation: pbxsig peak RSS ${rssKiB === null ? 'not measurable' : `${(rssKiB / 1024).toFixed(0)} MiB`}`,
      );

      progress('installation: timing cold processes');
      const results = await timeInterleaved(commands, entry.rounds, REPO, progress);
      const inProcess = index === 0 ? await timeInProcess(root, fpr, tree, entry.rounds) : null;
      shapes.push({
        base: entry.base,
        full: entry.shape.name === entry.base,
        rounds: entry.rounds,
        tree: summarizeInstallation(tree),
        checks,
        peakRssMiB: kibToMiB(rssKiB),
        results,
        inProcess,
        ratios: [
          ...peers.map((peer) => ratio(results, `pbxsig default vs ${peer.label}`, 'default', peer.id)),
          ratio(results, 'pbxsig default vs --threads 0 (what the second lane gains)', 'default', 'main'),
          ratio(results, 'pbxsig default vs --threads 1', 'default', 'one'),
          ratio(results, 'pbxsig --threads 0 vs gpgv + sha256sum, per module', 'main', 'gpgv-sha256sum'),
        ],
      });
    } finally {
      progress(`installation: removing the ${entry.shape.name} tree`);
      rmSync(root, { recursive: true, force: true });
    }
  }
  return { seed, rssMethod: probe.method, tools: peerTools(), shapes };
}

function ratio(results: readonly ProcessResult[], label: string, of: string, than: string): Ratio {
  return { label, of, than, value: speedup(results, of, than) };
}

function checkPbxsigClean(command: ProcessCommand, tree: GeneratedInstallation): ShapeRun['checks']['pbxsig'] {
  const outcome = runOnce(command, REPO, true);
  const report = parseReport(outcome.stdout, command);
  const { summary } = report;
  const failures = report.modules.filter((m) => !m.passed).map((m) => `${m.name}: ${m.verdict}`);
  const runtime = report.modules.reduce((sum, m) => sum + (m.unlisted?.runtime ?? 0), 0);
  const other = report.modules.reduce((sum, m) => sum + (m.unlisted?.other ?? 0), 0);
  if (
    outcome.status !== 0 ||
    summary.verified !== tree.modules.length ||
    summary.files !== tree.checked ||
    summary.bytes !== tree.checkedBytes ||
    runtime !== tree.unlisted.runtime ||
    other !== tree.unlisted.other ||
    failures.length > 0
  ) {
    throw new Error(
      `pbxsig on the clean installation: exit ${outcome.status}, ${summary.verified}/${tree.modules.length} verified, ` +
        `${summary.files}/${tree.checked} files, ${summary.bytes}/${tree.checkedBytes} bytes, unlisted runtime ${runtime}/${tree.unlisted.runtime} ` +
        `other ${other}/${tree.unlisted.other}; ${failures.join(', ')}\n${outcome.stderr}`,
    );
  }
  return {
    exit: outcome.status,
    verified: summary.verified,
    threads: report.settings.threads,
    durationMs: report.durationMs,
  };
}

/** Flips one byte of `file` (restored afterwards); pbxsig and every peer must fail on `module`, and only there. */
function tamperCheck(
  file: string,
  module: string,
  what: string,
  pbxsig: ProcessCommand,
  peers: readonly ProcessCommand[],
): ShapeRun['checks']['tampered'][number] {
  return withFlippedByte(file, () => {
    const ours = runOnce(pbxsig, REPO, true);
    const bad = parseReport(ours.stdout, pbxsig).modules.filter((m) => m.verdict !== 'verified');
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

/** Flips a byte of framework's source copy (in its module directory): FreePBX does not check it, so nobody may fail. */
function sourceCopyCheck(file: string, commands: readonly ProcessCommand[]): true {
  return withFlippedByte(file, () => {
    for (const command of commands) {
      const outcome = runOnce(command, REPO, true);
      if (outcome.status !== 0)
        throw new Error(
          `${command.shown} failed when only framework's source copy (not what FreePBX checks) was altered: exit ${outcome.status}\n${outcome.stderr.slice(0, 2000)}`,
        );
    }
    return true as const;
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
): Promise<NonNullable<ShapeRun['inProcess']>> {
  const once = async (): Promise<number> => {
    const started = performance.now();
    const report = await verifyInstallation({ root, anchors: [anchor] });
    const ms = performance.now() - started;
    if (report.summary.verified !== tree.modules.length || report.summary.files !== tree.checked)
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
    ...timing(samplesMs),
  };
}

// ---- Markdown ------------------------------------------------------------------------------------

export function renderInstallation(suite: InstallationSuite): string {
  const tools = suite.tools;
  const lines = [
    '',
    `## installation: \`pbxsig verify --root\` on whole installations of ${suite.shapes.length} shape${suite.shapes.length === 1 ? '' : 's'}`,
    '',
    `Each shape generated from seed ${suite.seed} under a temporary ROOT (FreePBX's default directories in etc/amportal.conf), then removed. ` +
      `Method: each run is one whole cold process, timed around spawnSync() (start-up, imports, signatures, every file hashed, the unlisted-file walk, exit); ` +
      `one warm-up run each (**warm page cache**), then interleaved rounds; median and min–max. pbxsig runs with its text output, as a boot script does. ` +
      `The Python and Node peers check no signature (they only hash what the manifests list): they do less than pbxsig and the gpgv peers. ` +
      `Peak RSS: ${suite.rssMethod}. Peer tools: ${tools['gpgv']} (${tools['libgcrypt']}), ${tools['sha256sum']}, ${tools['awk']}, ${tools['xargs']}, ${tools['python']}, Node ${tools['node']}.`,
  ];
  for (const run of suite.shapes) lines.push(...renderShape(run));
  return `${lines.join('\n')}\n`;
}

function renderShape(run: ShapeRun): string[] {
  const { tree, checks } = run;
  const fw = tree.framework;
  const byDefault = run.results.find((r) => r.id === 'default');
  const lines = [
    '',
    `### ${tree.shape}: ${tree.description}${run.full ? '' : ` (**--quick: smaller than the ${run.base} shape**)`}`,
    '',
    `${tree.modules} modules; ${tree.listed.toLocaleString('en-US')} listed files, ${tree.checked.toLocaleString('en-US')} checked where FreePBX installed them (${mib(tree.checkedBytes)}; ` +
      `sizes median ${bytes(tree.sizes.median)}, p90 ${bytes(tree.sizes.p90)}, p99 ${bytes(tree.sizes.p99)}, max ${bytes(tree.sizes.max)}); ` +
      `${tree.unlisted.files.toLocaleString('en-US')} unlisted (${tree.unlisted.runtime.toLocaleString('en-US')} run-time: node_modules, caches; ${tree.unlisted.nodeJs.toLocaleString('en-US')} .js under node/); ` +
      `${tree.moduleDirs.files.toLocaleString('en-US')} files in ${tree.moduleDirs.directories.toLocaleString('en-US')} directories of module directories. ` +
      `Largest modules: ${tree.largest.map((m) => `${m.name} ${m.listed}`).join(', ')}; ${tree.namesWithSpace} file names with a space.`,
    '',
    `Framework's manifest: ${fw.listed} entries: ${fw.webroot} in the web root (amp_conf/htdocs/, the two BMO keys included), ${fw.bin} amp_conf/bin/, ${fw.sbin} amp_conf/sbin/, ` +
      `${fw.agiBin} amp_conf/agi-bin/, ${fw.sounds} amp_conf/sounds/, ${fw.moduleDir} in its module directory, ${fw.skipped} in amp_conf/astetc/, amp_conf/moh/ and upgrades/ ` +
      `(not checked). Every file also has its source copy in framework's module directory, as the installer leaves it.`,
    '',
    `Checked before timing: pbxsig exit ${checks.pbxsig.exit}, ${checks.pbxsig.verified}/${tree.modules} modules verified, every checked file hashed and every unlisted file classified as generated ` +
      `(threads auto used ${checks.pbxsig.threads}); peers: ${checks.peers.map((p) => `\`${p.line}\``).join(', ')}. ` +
      `One byte altered, then restored: ${checks.tampered.map((t) => `${t.file}: pbxsig ${t.pbxsig}; every peer ${sameCatch(t.peers)}`).join('. ')}. ` +
      `A byte of framework's source copy in its module directory: pbxsig and every peer pass (FreePBX checks the installed copy).`,
    '',
    `pbxsig's peak RSS (default threads): ${run.peakRssMiB === null ? 'not measured' : `${fixed(run.peakRssMiB)} MiB`}. Rounds: ${run.rounds}.`,
    '',
    '| command | median ms | min–max ms | files/s (median) | MiB/s (median) | time / pbxsig default |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  const row = (label: string, r: Timing): string =>
    `| ${label} | ${fixed(r.medianMs)} | ${fixed(r.minMs)}–${fixed(r.maxMs)} | ${fixed(tree.checked / (r.medianMs / 1000))} | ${fixed(tree.checkedBytes / 2 ** 20 / (r.medianMs / 1000))} | ${byDefault ? `${(r.medianMs / byDefault.medianMs).toFixed(2)}×` : '–'} |`;
  for (const r of run.results) lines.push(row(`${r.label}: \`${r.command}\``, r));
  if (run.inProcess) lines.push(row(run.inProcess.label, run.inProcess));
  lines.push(
    '',
    '| comparison (median of the second / median of the first; above 1: the first is faster) | ratio |',
    '|---|--:|',
    ...run.ratios.map((r) => `| ${r.label} | ${Number.isFinite(r.value) ? `${r.value.toFixed(2)}×` : '–'} |`),
  );
  return lines;
}

/** "exit 1, core: the file named as FAILED" when every peer said the same, else each peer's own. */
function sameCatch(peers: readonly PeerCatch[]): string {
  const results = new Set(peers.map((p) => p.result));
  return results.size === 1 ? ([...results][0] ?? '') : peers.map((p) => `${p.id} ${p.result}`).join('; ');
}
