// The "scaling" cold-process suite: how the cost of `pbxsig verify --root` grows with the installation,
// and with the number of hashing threads.
//
//   - sizes: the FreePBX 17 shape (shapes.ts, the same seed as the installation suite) scaled to 1k,
//     10k, 100k and 500k listed files (--quick: 1k, 10k): module trees, directories and unlisted
//     files in proportion (unlisted never more than the real module's), no module larger than
//     framework's real 8,108 files (larger ones repeat under numbered names); at each, pbxsig's default against
//     the one-thread Node loop and the Python hashlib peers, and gpgv + sha256sum per module up to a
//     size where it is not too slow (peers.ts). Each tree is written, synced (so writeback does not
//     run during the timings), checked and warmed by one run of every command, timed in interleaved
//     rounds (fewer at the big sizes) and removed before the next is written;
//   - threads: at one large size, `--threads auto, 0, 1, 2, ... 2 x availableParallelism`, interleaved;
//   - memory: the peak RSS of every pbxsig run (rss.ts); at 500k files it is checked against the
//     target of 200 MB and the verdict recorded, pass or miss.
//
// pbxsig runs with its default text output (what a user sees), not --json, so the peak RSS is that of
// verifying, not of building a JSON report of half a million files. Its summary line gives the modules
// and files it checked; each peer must count the same (peers.ts checkPeerClean) before it is timed.
// That every peer catches tampering is checked once, by the installation suite, with the same scripts.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { bytes, fixed, mib } from './format.js';
import { planInstallation, writeInstallation } from './installation.js';
import type { GeneratedInstallation } from './installation.js';
import type { Signer } from './keys.js';
import { checkPeerClean, peerCommands, preparePeerKeyring } from './peers.js';
import { REPO } from './repo.js';
import { FREEPBX17, scaleShape } from './shapes.js';
import { median } from './stats.js';
import type { PeerId } from './peers.js';
import { betweenRuns, runOnce } from './processes.js';
import type { ProcessCommand, ProcessResult } from './processes.js';
import { kibToMiB, measuredRun, rssProbe } from './rss.js';
import type { RssProbe } from './rss.js';

/** The memory target of the issue: verifying 500k small files stays under 200 MB RSS. */
export const RSS_TARGET = { files: 500_000, limitMiB: 200 } as const;

export interface ScalingPlan {
  /**
   * Ascending; each with its number of timed rounds, whether gpgv + sha256sum runs there, and a cap on
   * file sizes (installation.ts's scale knob) where writing real sizes would take too long.
   */
  readonly sizes: ReadonlyArray<{
    readonly files: number;
    readonly rounds: number;
    readonly gpgv: boolean;
    readonly maxFileBytes?: number;
  }>;
  /** The size (one of `sizes`) at which the threads sweep runs, and its rounds. */
  readonly sweep: { readonly files: number; readonly rounds: number };
}

export const FULL_PLAN: ScalingPlan = {
  sizes: [
    { files: 1_000, rounds: 5, gpgv: true },
    { files: 10_000, rounds: 3, gpgv: true },
    { files: 100_000, rounds: 2, gpgv: true },
    // At real sizes 500k files are over 6 GB and take minutes to write: files capped at 64 KiB (the
    // target is about small files), about 2.8 GB. gpgv + sha256sum would take most of a minute a run.
    { files: 500_000, rounds: 1, gpgv: false, maxFileBytes: 64 * 1024 },
  ],
  sweep: { files: 100_000, rounds: 2 },
};

// About 15 s on an idle 2-core machine, most of it writing and removing the trees: `--quick` as a
// whole must stay under two minutes.
export const QUICK_PLAN: ScalingPlan = {
  sizes: [
    { files: 1_000, rounds: 1, gpgv: true },
    { files: 10_000, rounds: 1, gpgv: false },
  ],
  sweep: { files: 10_000, rounds: 1 },
};

export interface ScalingResult extends ProcessResult {
  readonly filesPerSec: number;
  readonly mibPerSec: number;
  /** pbxsig only: the highest peak RSS of its runs (check run included), MiB; null when not measured. */
  readonly peakRssMiB: number | null;
  /** pbxsig only: the thread count it reported using. */
  readonly threadsUsed?: number;
}

export interface ScalingPoint {
  /** The listed files asked for: the size this point stands for (500,000 for the memory target). */
  readonly listed: number;
  /** How many of them are checked where FreePBX installed them (framework's astetc/moh/upgrades are not). */
  readonly files: number;
  /** The cap on file sizes at this point (null: the real size distribution). */
  readonly maxFileBytes: number | null;
  /** The largest module's listed files (no module is larger than framework's real one). */
  readonly maxModuleFiles: number;
  readonly bytes: number;
  readonly modules: number;
  readonly rounds: number;
  /** Writing and signing the tree, and the sync after it (not part of any timing). */
  readonly writeMs: number;
  readonly syncMs: number;
  readonly results: readonly ScalingResult[];
  /** Peer's median over pbxsig default's: above 1, pbxsig is faster. */
  readonly ratios: ReadonlyArray<{ readonly peer: string; readonly label: string; readonly value: number }>;
}

export interface ThreadsSweep {
  readonly files: number;
  readonly bytes: number;
  readonly rounds: number;
  readonly results: ReadonlyArray<ScalingResult & { readonly threads: 'auto' | number }>;
}

export interface ScalingSuite {
  readonly seed: number;
  readonly availableParallelism: number;
  readonly rssMethod: string;
  readonly sizes: readonly ScalingPoint[];
  readonly threads: ThreadsSweep;
  /** The 200 MB target, checked at 500k files; "not measured" when the run had no such size (--quick). */
  readonly memoryTarget: {
    readonly files: number;
    readonly limitMiB: number;
    readonly peakRssMiB: number | null;
    readonly verdict: 'pass' | 'miss' | 'not measured';
    /** The largest size of this run and pbxsig's peak there, whatever the verdict. */
    readonly largest: { readonly files: number; readonly peakRssMiB: number | null };
  };
}

type Progress = (line: string) => void;

/** A pbxsig command with its parsed check and the RSS samples of its runs. */
interface Timed {
  readonly command: ProcessCommand;
  readonly pbxsig: boolean;
  readonly samplesMs: number[];
  readonly rssKiB: Array<number | null>;
  threadsUsed?: number;
}

export async function runScalingSuite(
  temp: string,
  signer: Signer,
  seed: number,
  plan: ScalingPlan,
  progress: Progress,
): Promise<ScalingSuite> {
  const base = join(temp, 'scaling');
  const rssDir = join(base, 'rss');
  mkdirSync(rssDir, { recursive: true });
  const probe = rssProbe(rssDir);
  const keyring = preparePeerKeyring(join(base, 'peer'), [signer.anchor, signer.developer]);
  progress(`scaling: peak RSS via ${probe.method}`);

  const sizes: ScalingPoint[] = [];
  let sweep: ThreadsSweep | undefined;
  for (const size of plan.sizes) {
    const root = join(base, `installation-${size.files}`);
    try {
      progress(`scaling: writing about ${size.files} listed files`);
      let started = performance.now();
      const shape = scaleShape(FREEPBX17, size.files);
      const files = planInstallation(
        shape,
        seed,
        size.maxFileBytes === undefined ? {} : { maxFileBytes: size.maxFileBytes },
      );
      const tree = await writeInstallation(root, files, signer);
      const writeMs = performance.now() - started;
      started = performance.now();
      // Dirty pages written back now, not while the commands run; they stay in the page cache.
      spawnSync('sync');
      const syncMs = performance.now() - started;
      progress(
        `scaling: ${tree.checked} checked files (${mib(tree.checkedBytes)}), ${tree.unlisted.files} unlisted, written in ${(writeMs / 1000).toFixed(1)} s, synced in ${(syncMs / 1000).toFixed(1)} s`,
      );

      const peers: PeerId[] = size.gpgv
        ? ['node-loop', 'python-hashlib', 'gpgv-sha256sum']
        : ['node-loop', 'python-hashlib'];
      const timed = [
        pbxsigTimed(root, signer, 'auto'),
        ...peerCommands(root, keyring, peers).map((command) => fresh(command, false)),
      ];
      await check(timed, tree, probe, rssDir, progress);
      await rounds(timed, size.rounds, tree, probe, rssDir, progress);
      const results = timed.map((t) => summarize(t, tree));
      const ours = results[0] as ScalingResult;
      sizes.push({
        listed: size.files,
        files: tree.checked,
        maxFileBytes: size.maxFileBytes ?? null,
        maxModuleFiles: Math.max(...shape.modules.map((m) => m.listed)),
        bytes: tree.checkedBytes,
        modules: tree.modules.length,
        rounds: size.rounds,
        writeMs,
        syncMs,
        results,
        ratios: results.slice(1).map((r) => ({ peer: r.id, label: r.label, value: r.medianMs / ours.medianMs })),
      });
      progress(
        `scaling: ${tree.checked} files: ${results.map((r) => `${r.id} ${Math.round(r.medianMs)} ms`).join(', ')}${ours.peakRssMiB === null ? '' : `; pbxsig peak RSS ${ours.peakRssMiB.toFixed(0)} MiB`}`,
      );

      if (size.files === plan.sweep.files)
        sweep = await threadsSweep(root, signer, tree, plan.sweep.rounds, probe, rssDir, progress);
    } finally {
      // Up to several GB: gone before the next size is written.
      progress(`scaling: removing the ${size.files}-file tree`);
      rmSync(root, { recursive: true, force: true });
    }
  }
  if (!sweep) throw new Error(`scaling: the threads sweep size ${plan.sweep.files} is not one of the sizes`);

  const largest = sizes[sizes.length - 1];
  const atTarget = sizes.find((s) => s.listed >= RSS_TARGET.files);
  const peakAt = (point: ScalingPoint | undefined): number | null => point?.results[0]?.peakRssMiB ?? null;
  const targetPeak = peakAt(atTarget);
  return {
    seed,
    availableParallelism: availableParallelism(),
    rssMethod: probe.method,
    sizes,
    threads: sweep,
    memoryTarget: {
      files: RSS_TARGET.files,
      limitMiB: RSS_TARGET.limitMiB,
      peakRssMiB: targetPeak,
      verdict: targetPeak === null ? 'not measured' : targetPeak < RSS_TARGET.limitMiB ? 'pass' : 'miss',
      largest: { files: largest?.files ?? 0, peakRssMiB: peakAt(largest) },
    },
  };
}

/** `--threads auto, 0, 1, ..., 2 x availableParallelism` on the tree already checked and warm. */
async function threadsSweep(
  root: string,
  signer: Signer,
  tree: GeneratedInstallation,
  roundCount: number,
  probe: RssProbe,
  rssDir: string,
  progress: Progress,
): Promise<ThreadsSweep> {
  const settings: Array<'auto' | number> = [
    'auto',
    ...Array.from({ length: 2 * availableParallelism() + 1 }, (_, n) => n),
  ];
  progress(`scaling: threads sweep at ${tree.checked} files: ${settings.join(', ')}`);
  const timed = settings.map((threads) => pbxsigTimed(root, signer, threads));
  // No check run of its own: the tree is warm from the size's runs, and every pbxsig run is checked.
  await rounds(timed, roundCount, tree, probe, rssDir, progress);
  return {
    files: tree.checked,
    bytes: tree.checkedBytes,
    rounds: roundCount,
    results: timed.map((t, i) => ({ ...summarize(t, tree), threads: settings[i] ?? 'auto' })),
  };
}

function pbxsigTimed(root: string, signer: Signer, threads: 'auto' | number): Timed {
  const extra = threads === 'auto' ? [] : ['--threads', String(threads)];
  return fresh(
    {
      id: threads === 'auto' ? 'pbxsig' : `pbxsig-threads-${threads}`,
      label:
        threads === 'auto'
          ? 'pbxsig, threads auto (default)'
          : `pbxsig, threads ${threads}${threads === 0 ? ' (main thread)' : ''}`,
      shown: `node bin/pbxsig.js verify --root ROOT --anchor FPR${extra.length ? ` ${extra.join(' ')}` : ''} > /dev/null`,
      file: process.execPath,
      args: ['bin/pbxsig.js', 'verify', '--root', root, '--anchor', signer.anchor.fingerprint, ...extra],
    },
    true,
  );
}

function fresh(command: ProcessCommand, pbxsig: boolean): Timed {
  return { command, pbxsig, samplesMs: [], rssKiB: [] };
}

/**
 * One run of each command, not timed: pbxsig must verify every module and count every file, each peer
 * must count the same. It is also the warm-up (page cache, binaries, Node's compile cache).
 */
async function check(
  timed: readonly Timed[],
  tree: GeneratedInstallation,
  probe: RssProbe,
  rssDir: string,
  progress: Progress,
): Promise<void> {
  for (const t of timed) {
    const started = performance.now();
    if (t.pbxsig) runPbxsig(t, tree, probe, rssDir);
    else checkPeerClean(t.command, tree.modules.length, tree.checked);
    const peak = t.rssKiB[t.rssKiB.length - 1];
    progress(
      `  check ${t.command.label}: ${Math.round(performance.now() - started)} ms${t.pbxsig && peak != null ? `, peak RSS ${(peak / 1024).toFixed(0)} MiB` : ''}`,
    );
    await betweenRuns();
  }
}

/** `count` rounds, each command once, starting one further along each round (as processes.ts). */
async function rounds(
  timed: readonly Timed[],
  count: number,
  tree: GeneratedInstallation,
  probe: RssProbe,
  rssDir: string,
  progress: Progress,
): Promise<void> {
  for (let round = 0; round < count; round++) {
    for (let i = 0; i < timed.length; i++) {
      const t = timed[(i + round) % timed.length] as Timed;
      if (t.pbxsig) {
        t.samplesMs.push(runPbxsig(t, tree, probe, rssDir));
      } else {
        const run = runOnce(t.command, REPO);
        if (run.status !== 0)
          throw new Error(`scaling: ${t.command.shown}: exit ${run.status}\n${run.stderr.slice(0, 4000)}`);
        t.samplesMs.push(run.ms);
      }
      await betweenRuns();
    }
    progress(`  round ${round + 1}/${count} done`);
  }
}

/**
 * One pbxsig run through the RSS probe; its summary line must say every module verified and every file
 * checked. Records the peak RSS and the threads used; returns the wall time.
 */
function runPbxsig(t: Timed, tree: GeneratedInstallation, probe: RssProbe, rssDir: string): number {
  const run = measuredRun(t.command, probe, rssDir, REPO, true);
  const summary = /All (\d+) modules? in the installation at .* verified: ([\d,]+) files, .*\((\d+) threads?,/.exec(
    run.stdout,
  );
  const modules = Number(summary?.[1]);
  const files = Number(summary?.[2]?.replaceAll(',', ''));
  if (run.status !== 0 || modules !== tree.modules.length || files !== tree.checked) {
    throw new Error(
      `scaling: ${t.command.shown}: exit ${run.status}, expected ${tree.modules.length} modules and ${tree.checked} files verified\n${run.stdout.slice(-2000)}${run.stderr.slice(0, 2000)}`,
    );
  }
  t.threadsUsed = Number(summary?.[3]);
  t.rssKiB.push(run.rssKiB);
  return run.ms;
}

function summarize(t: Timed, tree: GeneratedInstallation): ScalingResult {
  const medianMs = median(t.samplesMs);
  const measured = t.rssKiB.filter((kib): kib is number => kib !== null);
  return {
    id: t.command.id,
    label: t.command.label,
    command: t.command.shown,
    samplesMs: t.samplesMs,
    medianMs,
    minMs: Math.min(...t.samplesMs),
    maxMs: Math.max(...t.samplesMs),
    filesPerSec: tree.checked / (medianMs / 1000),
    mibPerSec: tree.checkedBytes / 2 ** 20 / (medianMs / 1000),
    peakRssMiB: t.pbxsig && measured.length > 0 ? kibToMiB(Math.max(...measured)) : null,
    ...(t.threadsUsed !== undefined ? { threadsUsed: t.threadsUsed } : {}),
  };
}

// ---- Markdown ------------------------------------------------------------------------------------

export function renderScaling(suite: ScalingSuite): string {
  const target = suite.memoryTarget;
  const verdict =
    target.verdict === 'not measured'
      ? `**not measured** in this run (its largest installation has ${target.largest.files.toLocaleString('en-US')} files; pbxsig's peak there ${rss(target.largest.peakRssMiB)} MiB). The full run checks it at 500k files.`
      : `**${target.verdict.toUpperCase()}**: pbxsig's peak RSS at ${suite.sizes.find((s) => s.listed >= target.files)?.listed.toLocaleString('en-US')} listed files was ${rss(target.peakRssMiB)} MiB` +
        (target.verdict === 'miss' && target.peakRssMiB !== null
          ? `, ${fixed(target.peakRssMiB - target.limitMiB)} MiB (${((target.peakRssMiB / target.limitMiB - 1) * 100).toFixed(0)}%) over.`
          : '.');
  const lines = [
    '',
    `## scaling: ${suite.sizes.map((s) => s.files.toLocaleString('en-US')).join(', ')} files, and 0 to ${2 * suite.availableParallelism} hashing threads`,
    '',
    `The FreePBX 17 shape of the installation suite (seed ${suite.seed}) scaled to each size of listed files: module trees, directories and unlisted files in proportion ` +
      `(unlisted files never more than the real module's), no module larger than framework's real 8,108 files (larger ones repeat under numbered names, as more modules would). Each written, ` +
      `synced, checked and warmed by one run of every command (pbxsig verifies every module and counts every file; each peer counts the same files), ` +
      `timed in interleaved rounds (**warm page cache**), then removed. Fewer rounds at the big sizes (see the table), so their medians are rougher; ` +
      `where a size shows a cap ("files ≤ ..."), file sizes were cut to it so the tree could be written in reasonable time (fewer bytes, the same number of files); ` +
      `pbxsig runs with its text output (\`> /dev/null\`), not --json. The Python and Node peers check no signature; the tamper checks of all peers are in the installation suite. ` +
      `gpgv + sha256sum is left out where a run would take too long.`,
    '',
    `Memory target (verifying ${target.files.toLocaleString('en-US')} small files stays under ${target.limitMiB} MB RSS): ${verdict} Peak RSS via ${suite.rssMethod}.`,
    '',
    '| listed files | size | rounds | command | median ms | min–max ms | files/s | MiB/s | peer / pbxsig | pbxsig peak RSS MiB |',
    '|--:|--:|--:|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const point of suite.sizes) {
    for (const r of point.results) {
      const ratio = point.ratios.find((x) => x.peer === r.id);
      lines.push(
        `| ${point.files.toLocaleString('en-US')} | ${bytes(point.bytes)}${point.maxFileBytes === null ? '' : ` (files ≤ ${bytes(point.maxFileBytes)})`}, ${point.modules} modules of ≤ ${point.maxModuleFiles.toLocaleString('en-US')} files | ${point.rounds} | ${r.label}${r.threadsUsed !== undefined ? ` (used ${r.threadsUsed})` : ''} | ${fixed(r.medianMs)} | ${fixed(r.minMs)}–${fixed(r.maxMs)} | ${fixed(r.filesPerSec)} | ${fixed(r.mibPerSec)} | ${ratio ? `${ratio.value.toFixed(2)}×` : '–'} | ${r.peakRssMiB === null ? '–' : fixed(r.peakRssMiB)} |`,
      );
    }
  }
  const sweep = suite.threads;
  const byAuto = sweep.results.find((r) => r.threads === 'auto');
  lines.push(
    '',
    `Threads sweep at ${sweep.files.toLocaleString('en-US')} files (${mib(sweep.bytes)}), on the tree still warm from the runs above: ` +
      `${sweep.rounds} interleaved round${sweep.rounds === 1 ? '' : 's'}, every run's summary line checked; ${suite.availableParallelism} cores available. "0" hashes on the main thread.`,
    '',
    '| --threads | used | median ms | min–max ms | files/s | MiB/s | time / auto | peak RSS MiB |',
    '|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...sweep.results.map(
      (r) =>
        `| ${r.threads} | ${r.threadsUsed ?? '?'} | ${fixed(r.medianMs)} | ${fixed(r.minMs)}–${fixed(r.maxMs)} | ${fixed(r.filesPerSec)} | ${fixed(r.mibPerSec)} | ${byAuto ? `${(r.medianMs / byAuto.medianMs).toFixed(2)}×` : '–'} | ${r.peakRssMiB === null ? '–' : fixed(r.peakRssMiB)} |`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

function rss(value: number | null): string {
  return value === null ? 'n/a' : fixed(value);
}
