// The "large" cold-process suite: how close `pbxsig verify` gets to the machine's hashing limit on a
// module of a few big files, and how much memory it takes for one huge file.
//
//   1. the limit: `openssl speed -evp sha256` on one core (16 KiB blocks) times availableParallelism.
//      Node's node:crypto is OpenSSL too (process.versions.openssl), possibly another build than the
//      system's `openssl`; both versions are recorded. Without openssl the limit is null and said so;
//   2. one module of a few big files (4 x 256 MiB; --quick: 4 x 32 MiB), signed, timed as cold
//      `pbxsig verify` processes at default threads, --threads 1 and --threads 0, interleaved (one
//      warm-up each, then rounds with the start rotated), median and min-max, MiB/s, and the limit
//      divided by that (the target: at most 1.3). pbxsig's own durationMs (its JSON) is kept too, to
//      show what start-up costs beside the hashing;
//   3. peak memory: one module of a single 2 GiB file (--quick: 256 MiB), one cold verify, peak RSS
//      (rss.ts) against 200 MB. A single file is one SHA-256 stream, so one core is its limit.
//
// Before any timing, every configuration must exit 0 with every file hashed on the clean module, and
// exit 1 with verdict "tampered" (one file altered) after one byte of one file is flipped (restored
// after). The files are a repeated 64 MiB random block, each file starting elsewhere in it (the hash
// does not care, and writing is then as fast as the disk); they are removed as soon as a phase ends.
// `df` is checked first: a phase that does not fit is skipped and the report says so.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { VerifyReport } from '../src/index.js';
import type { BodyEntry } from './sign.js';
import { bytes as formatBytes, fixed, mib } from './format.js';
import type { Signer } from './keys.js';
import { median } from './stats.js';
import { fillRandom, mulberry32 } from './prng.js';
import { betweenRuns } from './processes.js';
import type { ProcessCommand } from './processes.js';
import { REPO } from './repo.js';
import { kibToMiB, maxOrNull, measuredRun, rssProbe } from './rss.js';
import { writeModuleSig } from './sign.js';
import type { MeasuredRun } from './rss.js';
import { flipFirstByte } from './tamper.js';

const MiB = 2 ** 20;
const BLOCK = 64 * MiB;
const OPENSSL_BLOCK = 16384;
/** Kept free beyond the files, for the reports and everything else on the disk. */
const RESERVE_BYTES = 2 * 2 ** 30;
/** The issue's targets. */
export const LIMIT_FACTOR_TARGET = 1.3;
export const PEAK_RSS_TARGET_MB = 200;

export interface LargePlan {
  readonly files: number;
  readonly fileBytes: number;
  readonly memoryFileBytes: number;
  readonly rounds: number;
  /** `openssl speed -seconds`, and how many times (before and after the timed runs; the best counts). */
  readonly opensslSeconds: number;
  readonly opensslRuns: number;
}

export function largePlan(quick: boolean, rounds: number): LargePlan {
  return quick
    ? { files: 4, fileBytes: 32 * MiB, memoryFileBytes: 256 * MiB, rounds, opensslSeconds: 1, opensslRuns: 1 }
    : { files: 4, fileBytes: 256 * MiB, memoryFileBytes: 2 * 2 ** 30, rounds, opensslSeconds: 2, opensslRuns: 2 };
}

export interface HashLimit {
  /** The command, or null when there is no openssl. */
  readonly command: string | null;
  readonly opensslVersion: string | null;
  /** OpenSSL inside Node (node:crypto), which may be another build than the system's. */
  readonly nodeOpenssl: string;
  readonly blockBytes: number;
  /** One single-core figure per `openssl speed` run, MiB/s. */
  readonly samplesMiBPerSec: readonly number[];
  /** The best sample: noise from other processes only ever lowers it. */
  readonly singleCoreMiBPerSec: number | null;
  readonly cores: number;
  /** cores x single core: the most any SHA-256 verifier could reach here. */
  readonly limitMiBPerSec: number | null;
  readonly note: string | null;
}

interface Throughput {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface LargeRun {
  readonly id: string;
  readonly label: string;
  readonly command: string;
  /** From the clean check's JSON: settings.threads (0 = main thread). */
  readonly threadsUsed: number;
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Listed bytes over wall time: at the median, the slowest and the fastest run. */
  readonly mibPerSec: Throughput;
  /** pbxsig's own durationMs (median): verification without Node's start-up and exit. */
  readonly reportedMedianMs: number;
  readonly reportedMiBPerSec: number;
  /** Highest peak RSS over the timed runs, MiB; null when it could not be measured. */
  readonly peakRssMiB: number | null;
  /** limit / median MiB/s (wall): at most 1.3 meets the target. Null without a limit. */
  readonly limitOverThroughput: number | null;
  /** The same from pbxsig's own durationMs. */
  readonly limitOverReported: number | null;
  /**
   * Listed bytes over (median wall - the baseline's median wall): the rate at which each further MiB
   * is verified once the fixed cost (start-up, keys, signature) is paid. Null when not above it.
   */
  readonly marginalMiBPerSec: number | null;
  readonly limitOverMarginal: number | null;
}

/** The same command (default threads) on a module of one 1 KiB file: the fixed cost of a verify. */
export interface Baseline {
  readonly command: string;
  readonly samplesMs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly reportedMedianMs: number;
}

export interface MemoryRun {
  readonly fileBytes: number;
  readonly command: string;
  readonly threadsUsed: number;
  readonly ms: number;
  readonly reportedMs: number;
  readonly mibPerSec: number;
  /** One file is one SHA-256 stream: single core / its in-process MiB/s. */
  readonly singleCoreOverReported: number | null;
  readonly peakRssMiB: number | null;
  /** The same in MB (10^6 bytes), as the target is stated. */
  readonly peakRssMB: number | null;
}

export interface Target {
  readonly label: string;
  /** The measured value and the bound it must stay under (or at). */
  readonly value: number | null;
  readonly bound: number;
  /** null: not measured (no openssl, no room on disk, no RSS). */
  readonly held: boolean | null;
  readonly note: string;
}

export interface LargeSuite {
  readonly seed: number;
  readonly rounds: number;
  readonly module: { readonly files: number; readonly fileBytes: number; readonly bytes: number } | null;
  readonly limit: HashLimit;
  readonly checks: readonly string[];
  readonly memoryMethod: string;
  readonly warmUp: string;
  readonly freeBytesBefore: number | null;
  /** Why a phase was skipped, when one was. */
  readonly skipped: readonly string[];
  readonly runs: readonly LargeRun[];
  readonly baseline: Baseline | null;
  readonly memory: MemoryRun | null;
  readonly targets: { readonly throughput: Target; readonly memory: Target };
}

type Progress = (line: string) => void;

interface Config {
  readonly id: string;
  readonly label: string;
  readonly threads: readonly string[];
}

const CONFIGS: readonly Config[] = [
  { id: 'default', label: 'pbxsig verify (default: threads auto)', threads: [] },
  { id: 'one', label: 'pbxsig verify --threads 1', threads: ['--threads', '1'] },
  { id: 'main', label: 'pbxsig verify --threads 0 (main thread)', threads: ['--threads', '0'] },
];

export async function runLargeSuite(
  temp: string,
  signer: Signer,
  seed: number,
  plan: LargePlan,
  progress: Progress,
): Promise<LargeSuite> {
  const base = join(temp, 'large-suite');
  mkdirSync(base, { recursive: true });
  const probe = rssProbe(base);
  const random = mulberry32(seed);
  const block = new Uint8Array(Math.min(BLOCK, Math.max(plan.fileBytes, plan.memoryFileBytes)));
  fillRandom(random, block);

  const limitSamples: number[] = [];
  const limitRun = (): LimitSample => {
    const sample = opensslSpeed(plan.opensslSeconds);
    if (sample.mibPerSec !== null) limitSamples.push(sample.mibPerSec);
    return sample;
  };
  progress(`large: openssl speed -evp sha256 (${plan.opensslSeconds} s, one core)`);
  const first = limitRun();

  const freeBytesBefore = freeSpace(base);
  const skipped: string[] = [];
  const fits = (bytes: number): boolean => {
    const free = freeSpace(base);
    return free === null || free >= bytes + RESERVE_BYTES;
  };
  const fpr = signer.anchor.fingerprint;
  const command = (config: Config, dir: string): ProcessCommand => ({
    id: config.id,
    label: config.label,
    shown: ['node bin/pbxsig.js verify DIR --keys KEYSDIR --anchor FPR --json', ...config.threads].join(' '),
    file: process.execPath,
    args: ['bin/pbxsig.js', 'verify', dir, '--keys', signer.keysDir, '--anchor', fpr, '--json', ...config.threads],
  });

  // ---- throughput on a few big files ----
  const moduleBytes = plan.files * plan.fileBytes;
  const checks: string[] = [];
  const runs: LargeRun[] = [];
  let module: LargeSuite['module'] = null;
  let baseline: Baseline | null = null;
  if (!fits(moduleBytes)) {
    skipped.push(
      `the ${plan.files} x ${mib(plan.fileBytes)} module: ${mib(moduleBytes)} plus ${mib(RESERVE_BYTES)} reserve do not fit in the free space`,
    );
  } else {
    const dir = join(base, 'bigmodule');
    progress(`large: writing ${plan.files} files of ${mib(plan.fileBytes)}`);
    await writeModule(
      dir,
      signer,
      block,
      Array.from({ length: plan.files }, () => plan.fileBytes),
    );
    module = { files: plan.files, fileBytes: plan.fileBytes, bytes: moduleBytes };
    // Freshly written data: flush it now, or the kernel's writeback competes with the timed runs.
    progress('large: sync');
    spawnSync('sync', [], { stdio: 'ignore' });

    const tinyDir = join(base, 'tinymodule');
    await writeModule(tinyDir, signer, block, [1024]);
    const commands = CONFIGS.map((c) => command(c, dir));
    const baselineCommand: ProcessCommand = {
      ...command(CONFIGS[0] as Config, tinyDir),
      id: 'baseline',
      label: 'pbxsig verify, a module of one 1 KiB file (the fixed cost)',
    };
    const threadsUsed = new Map<string, number>();
    progress('large: checking each configuration after one flipped byte, then on the clean module');
    const target = join(dir, 'data', 'blob1.bin');
    flipFirstByte(target);
    try {
      for (const c of commands) {
        expectTampered(measuredRun(c, probe, base, REPO, true), c);
        checks.push(`${c.label}: exit 1, verdict tampered (1 file altered) after one flipped byte`);
      }
    } finally {
      flipFirstByte(target);
    }
    // The clean check reads every file as a timed run does: it is also each configuration's warm-up.
    for (const c of commands) {
      const report = expectClean(measuredRun(c, probe, base, REPO, true), c, plan.files, moduleBytes);
      threadsUsed.set(c.id, report.settings.threads);
      checks.push(`${c.label}: exit 0 on the clean module, ${plan.files} files verified`);
      progress(`  check and warm-up ${c.label}: ${report.durationMs} ms in pbxsig`);
      await betweenRuns();
    }
    expectClean(measuredRun(baselineCommand, probe, base, REPO, true), baselineCommand, 1, 1024);
    const timed = [
      ...commands.map((c) => ({ c, files: plan.files, bytes: moduleBytes })),
      { c: baselineCommand, files: 1, bytes: 1024 },
    ];

    const samples = new Map<string, { wall: number[]; reported: number[]; rssKiB: number | null }>(
      timed.map(({ c }) => [c.id, { wall: [], reported: [], rssKiB: null }]),
    );
    for (let round = 0; round < plan.rounds; round++) {
      for (let k = 0; k < timed.length; k++) {
        const { c, files, bytes } = timed[(k + round) % timed.length] as (typeof timed)[number];
        const run = measuredRun(c, probe, base, REPO, true);
        const report = expectClean(run, c, files, bytes);
        const entry = samples.get(c.id);
        entry?.wall.push(run.ms);
        entry?.reported.push(report.durationMs);
        if (entry) entry.rssKiB = maxOrNull(entry.rssKiB, run.rssKiB);
        await betweenRuns();
      }
      progress(`  round ${round + 1}/${plan.rounds} done`);
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(tinyDir, { recursive: true, force: true });

    const tiny = samples.get(baselineCommand.id) ?? { wall: [], reported: [], rssKiB: null };
    baseline = {
      command: `${baselineCommand.shown} (DIR: one 1 KiB file)`,
      samplesMs: tiny.wall,
      medianMs: median(tiny.wall),
      minMs: Math.min(...tiny.wall),
      maxMs: Math.max(...tiny.wall),
      reportedMedianMs: median(tiny.reported),
    };
    for (const c of commands) {
      const entry = samples.get(c.id) ?? { wall: [], reported: [], rssKiB: null };
      runs.push(
        largeRun(
          c,
          threadsUsed.get(c.id) ?? -1,
          entry.wall,
          entry.reported,
          entry.rssKiB,
          moduleBytes,
          baseline.medianMs,
        ),
      );
    }
  }

  // ---- peak memory on one huge file ----
  let memory: MemoryRun | null = null;
  if (!fits(plan.memoryFileBytes)) {
    skipped.push(
      `the single ${mib(plan.memoryFileBytes)} file: it and ${mib(RESERVE_BYTES)} reserve do not fit in the free space`,
    );
  } else {
    const dir = join(base, 'onefile');
    progress(`large: writing one file of ${mib(plan.memoryFileBytes)}`);
    await writeModule(dir, signer, block, [plan.memoryFileBytes]);
    progress('large: sync');
    spawnSync('sync', [], { stdio: 'ignore' });
    const c = command(CONFIGS[0] as Config, dir);
    const run = measuredRun(c, probe, base, REPO, true);
    const report = expectClean(run, c, 1, plan.memoryFileBytes);
    rmSync(dir, { recursive: true, force: true });
    memory = {
      fileBytes: plan.memoryFileBytes,
      command: c.shown,
      threadsUsed: report.settings.threads,
      ms: run.ms,
      reportedMs: report.durationMs,
      mibPerSec: plan.memoryFileBytes / MiB / (run.ms / 1000),
      // Set below, once the last openssl run is in.
      singleCoreOverReported: null,
      peakRssMiB: kibToMiB(run.rssKiB),
      peakRssMB: run.rssKiB === null ? null : (run.rssKiB * 1024) / 1e6,
    };
    progress(
      `large: one ${mib(plan.memoryFileBytes)} file: ${Math.round(run.ms)} ms, peak RSS ${memory.peakRssMiB === null ? 'n/a' : `${memory.peakRssMiB.toFixed(1)} MiB`}`,
    );
  }

  for (let i = 1; i < plan.opensslRuns; i++) {
    progress(`large: openssl speed again (${plan.opensslSeconds} s)`);
    limitRun();
  }
  rmSync(base, { recursive: true, force: true });

  const cores = availableParallelism();
  const single = best(limitSamples);
  const limitMiBPerSec = single === null ? null : single * cores;
  const limit: HashLimit = {
    command:
      first.version === null
        ? null
        : `openssl speed -mr -seconds ${plan.opensslSeconds} -bytes ${OPENSSL_BLOCK} -evp sha256`,
    opensslVersion: first.version,
    nodeOpenssl: process.versions.openssl ?? 'unknown',
    blockBytes: OPENSSL_BLOCK,
    samplesMiBPerSec: limitSamples,
    singleCoreMiBPerSec: single,
    cores,
    limitMiBPerSec,
    note: first.note,
  };
  // The ratios need the limit, known only now (the second openssl run comes after the timed runs).
  const withLimit = runs.map((r): LargeRun => ({
    ...r,
    limitOverThroughput: limitMiBPerSec === null ? null : limitMiBPerSec / r.mibPerSec.median,
    limitOverReported: limitMiBPerSec === null ? null : limitMiBPerSec / r.reportedMiBPerSec,
    limitOverMarginal:
      limitMiBPerSec === null || r.marginalMiBPerSec === null ? null : limitMiBPerSec / r.marginalMiBPerSec,
  }));
  if (memory && single !== null)
    memory = { ...memory, singleCoreOverReported: single / (memory.fileBytes / MiB / (memory.reportedMs / 1000)) };

  return {
    seed,
    rounds: plan.rounds,
    module,
    limit,
    checks,
    memoryMethod: probe.method,
    warmUp:
      '`sync` after writing; then the checks, which read every file: the tampered run, then the clean run of each configuration, untimed, which is its warm-up. **Warm page cache**, so this measures CPU, not disk',
    freeBytesBefore,
    skipped,
    runs: withLimit,
    baseline,
    memory,
    targets: targets(withLimit, memory, limit),
  };
}

function largeRun(
  c: ProcessCommand,
  threadsUsed: number,
  wall: readonly number[],
  reported: readonly number[],
  rssKiB: number | null,
  bytes: number,
  baselineMs: number,
): LargeRun {
  const data = bytes / MiB;
  const medianMs = median(wall);
  const minMs = Math.min(...wall);
  const maxMs = Math.max(...wall);
  const reportedMedianMs = median(reported);
  return {
    id: c.id,
    label: c.label,
    command: c.shown,
    threadsUsed,
    samplesMs: wall,
    medianMs,
    minMs,
    maxMs,
    mibPerSec: { median: data / (medianMs / 1000), min: data / (maxMs / 1000), max: data / (minMs / 1000) },
    reportedMedianMs,
    reportedMiBPerSec: data / (reportedMedianMs / 1000),
    peakRssMiB: kibToMiB(rssKiB),
    limitOverThroughput: null,
    limitOverReported: null,
    marginalMiBPerSec: medianMs > baselineMs ? data / ((medianMs - baselineMs) / 1000) : null,
    limitOverMarginal: null,
  };
}

function targets(runs: readonly LargeRun[], memory: MemoryRun | null, limit: HashLimit): LargeSuite['targets'] {
  const byDefault = runs.find((r) => r.id === 'default');
  const ratio = byDefault?.limitOverThroughput ?? null;
  const throughput: Target = {
    label: `large files: default \`pbxsig verify\` within ${LIMIT_FACTOR_TARGET}x of the hashing limit (cores × single-core openssl speed)`,
    value: ratio,
    bound: LIMIT_FACTOR_TARGET,
    held: ratio === null ? null : ratio <= LIMIT_FACTOR_TARGET,
    note:
      limit.limitMiBPerSec === null
        ? `not measured: ${limit.note ?? 'no limit'}`
        : byDefault === undefined
          ? 'not measured: the module was skipped'
          : `wall time of the cold process, fixed cost included; from pbxsig's own durationMs (no Node start-up or exit) ${byDefault.limitOverReported?.toFixed(2) ?? 'n/a'}×; ` +
            `for each further MiB (wall minus the one-small-file baseline) ${byDefault.limitOverMarginal?.toFixed(2) ?? 'n/a'}× (threads used: ${byDefault.threadsUsed})`,
  };
  const mb = memory?.peakRssMB ?? null;
  const memoryTarget: Target = {
    label: `peak memory: verifying one ${memory ? mib(memory.fileBytes) : 'big'} file stays under ${PEAK_RSS_TARGET_MB} MB RSS`,
    value: mb,
    bound: PEAK_RSS_TARGET_MB,
    held: mb === null ? null : mb < PEAK_RSS_TARGET_MB,
    note:
      memory === null
        ? 'not measured: the file was skipped'
        : mb === null
          ? 'not measured: no peak RSS could be read'
          : `peak RSS of the whole process (worker threads included), MB = 10^6 bytes`,
  };
  return { throughput, memory: memoryTarget };
}

// ---- the limit -----------------------------------------------------------------------------------

interface LimitSample {
  readonly version: string | null;
  readonly mibPerSec: number | null;
  readonly note: string | null;
}

/** One single-core `openssl speed` at 16 KiB blocks, its machine-readable output parsed. */
function opensslSpeed(seconds: number): LimitSample {
  const version = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    return {
      version: null,
      mibPerSec: null,
      note: `no openssl here (${version.error?.message ?? `exit ${version.status}`}): the limit is unknown`,
    };
  const child = spawnSync(
    'openssl',
    ['speed', '-mr', '-seconds', String(seconds), '-bytes', String(OPENSSL_BLOCK), '-evp', 'sha256'],
    { encoding: 'utf8' },
  );
  const v = version.stdout.trim();
  if (child.status !== 0)
    return {
      version: v,
      mibPerSec: null,
      note: `openssl speed failed (exit ${child.status}): ${child.stderr.trim().split('\n')[0] ?? ''}`,
    };
  // "+H:16384" names the block sizes, "+F:<n>:sha256:<bytes per second per size>" the results.
  const sizes = /^\+H:(.*)$/m.exec(child.stdout)?.[1]?.split(':').map(Number) ?? [];
  const values = /^\+F:\d+:[^:]+:(.*)$/m.exec(child.stdout)?.[1]?.split(':').map(Number) ?? [];
  const bytesPerSec = values[sizes.indexOf(OPENSSL_BLOCK)];
  if (bytesPerSec === undefined || !Number.isFinite(bytesPerSec) || bytesPerSec <= 0)
    return {
      version: v,
      mibPerSec: null,
      note: `could not parse openssl speed's output: ${child.stdout.slice(0, 200)}`,
    };
  return { version: v, mibPerSec: bytesPerSec / MiB, note: null };
}

function best(samples: readonly number[]): number | null {
  return samples.length === 0 ? null : Math.max(...samples);
}

// ---- the files -----------------------------------------------------------------------------------

/** A signed module of data/blobN.bin files of these sizes, each a rotation of `block` repeated. */
async function writeModule(dir: string, signer: Signer, block: Uint8Array, sizes: readonly number[]): Promise<void> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const entries: BodyEntry[] = [];
  for (const [i, size] of sizes.entries()) {
    const path = `data/blob${i + 1}.bin`;
    // A different start in the block for each file, so no two files are the same.
    const start = (i * 7919 * 4096) % block.length;
    entries.push({ path, digest: await writeRepeated(join(dir, path), size, block, start) });
  }
  await writeModuleSig(dir, entries, signer.developer.privateKey);
}

/** Writes `size` bytes: `block` from `start`, then `block` again and again; returns the SHA-256 hex. */
async function writeRepeated(file: string, size: number, block: Uint8Array, start: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  try {
    for (let written = 0, at = start; written < size; at = 0) {
      const part = block.subarray(at, at + Math.min(block.length - at, size - written));
      hash.update(part);
      await handle.write(part);
      written += part.length;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Free bytes on the file system holding `dir` (`df -Pk`), or null without df. */
function freeSpace(dir: string): number | null {
  const child = spawnSync('df', ['-Pk', dir], { encoding: 'utf8' });
  if (child.status !== 0) return null;
  const kib = Number((child.stdout.trim().split('\n')[1] ?? '').split(/\s+/)[3]);
  return Number.isFinite(kib) ? kib * 1024 : null;
}

// ---- checks --------------------------------------------------------------------------------------

/** The run's JSON report, or a thrown error unless it exited 0 with every file hashed. */
function expectClean(run: MeasuredRun, c: ProcessCommand, files: number, bytes: number): VerifyReport {
  const report = parseReport(run, c);
  const { summary } = report;
  if (run.status !== 0 || summary.verified !== 1 || summary.files !== files || summary.bytes !== bytes) {
    throw new Error(
      `large: ${c.shown}: exit ${run.status}, ${summary.verified} verified, ${summary.files} files, ${summary.bytes} bytes; expected exit 0, 1 verified, ${files} files, ${bytes} bytes\n${run.stderr.slice(0, 2000)}`,
    );
  }
  return report;
}

function expectTampered(run: MeasuredRun, c: ProcessCommand): void {
  const report = parseReport(run, c);
  const only = report.modules[0];
  if (
    run.status !== 1 ||
    report.modules.length !== 1 ||
    only?.verdict !== 'tampered' ||
    only.files.altered.length !== 1
  ) {
    throw new Error(
      `large: ${c.shown} missed one flipped byte: exit ${run.status}, verdict ${only?.verdict ?? 'none'}, altered ${only?.files.altered.length ?? 0}`,
    );
  }
}

function parseReport(run: MeasuredRun, c: ProcessCommand): VerifyReport {
  try {
    return JSON.parse(run.stdout) as VerifyReport;
  } catch {
    throw new Error(
      `large: ${c.shown}: exit ${run.status}, stdout is not a JSON report: ${run.stdout.slice(0, 300)}\n${run.stderr.slice(0, 2000)}`,
    );
  }
}

// ---- Markdown ------------------------------------------------------------------------------------

export function renderLarge(suite: LargeSuite): string {
  const { limit } = suite;
  const n = (value: number | null, digits = 2): string => (value === null ? 'n/a' : value.toFixed(digits));
  const verdict = (t: Target): string =>
    t.held === null
      ? 'not measured'
      : t.held
        ? '**held**'
        : `**missed**: ${t.value === null ? '?' : `it would have to be ${(t.value / t.bound).toFixed(2)}× faster`}`;
  const lines = [
    '',
    `## large: \`pbxsig verify\` on a module of ${suite.module ? `${suite.module.files} × ${mib(suite.module.fileBytes)}` : 'big files'} against the machine's hashing limit, and peak memory on one ${suite.memory ? mib(suite.memory.fileBytes) : 'big'} file`,
    '',
    limit.limitMiBPerSec === null
      ? `Limit: **unknown**: ${limit.note ?? 'no openssl'}.`
      : `Limit: \`${limit.command}\` (${limit.opensslVersion}) on one core: ${limit.samplesMiBPerSec.map((s) => fixed(s)).join(', ')} MiB/s (best counts; run before${limit.samplesMiBPerSec.length > 1 ? ' and after' : ''} the timed runs) × ${limit.cores} cores = **${fixed(limit.limitMiBPerSec)} MiB/s**. ` +
        `Node's node:crypto uses its own OpenSSL ${limit.nodeOpenssl}, which may be built differently from the system's.`,
    '',
    `Checked before timing: ${suite.checks.length > 0 ? suite.checks.join('; ') : 'nothing (the module was skipped)'}.`,
    '',
    `Method: cold processes timed around spawnSync() (Node's start-up included), \`--json\` captured and checked on every run. ${suite.warmUp}. Then ${suite.rounds} rounds with every configuration, the start rotated each round; median and min–max. ` +
      `Peak RSS: ${suite.memoryMethod}. Files: a repeated 64 MiB random block from seed ${suite.seed}, each file starting elsewhere in it. 1 MiB = 2^20 bytes.`,
  ];
  if (suite.skipped.length > 0) lines.push('', `**Skipped:** ${suite.skipped.join('; ')}.`);
  if (suite.runs.length > 0) {
    lines.push(
      '',
      '| configuration | threads used | median ms (min–max) | MiB/s (min–max) | limit / MiB/s | pbxsig durationMs (median) | MiB/s from durationMs | limit / that | MiB/s beyond the baseline | limit / that | peak RSS MiB |',
      '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
      ...suite.runs.map(
        (r) =>
          `| ${r.label} | ${r.threadsUsed} | ${fixed(r.medianMs)} (${fixed(r.minMs)}–${fixed(r.maxMs)}) | ${fixed(r.mibPerSec.median)} (${fixed(r.mibPerSec.min)}–${fixed(r.mibPerSec.max)}) | ${n(r.limitOverThroughput)}× | ${fixed(r.reportedMedianMs)} | ${fixed(r.reportedMiBPerSec)} | ${n(r.limitOverReported)}× | ` +
          `${r.marginalMiBPerSec === null ? 'n/a' : fixed(r.marginalMiBPerSec)} | ${n(r.limitOverMarginal)}× | ${r.peakRssMiB === null ? 'n/a' : fixed(r.peakRssMiB)} |`,
      ),
    );
    const b = suite.baseline;
    if (b) {
      lines.push(
        '',
        `Baseline, timed in the same rounds: the default command on a module of one 1 KiB file, ${fixed(b.medianMs)} ms (${fixed(b.minMs)}–${fixed(b.maxMs)}) wall, ${fixed(b.reportedMedianMs)} ms of it in pbxsig: ` +
          `Node's start-up, imports, keys and the signature check, paid once per process whatever the size. "MiB/s beyond the baseline" divides the listed bytes by the wall time above it: how fast each further MiB goes ` +
          '(for the pool configurations it still includes starting the workers).',
      );
    }
  }
  const m = suite.memory;
  if (m) {
    lines.push(
      '',
      `One file of ${mib(m.fileBytes)} (\`${m.command}\`, threads used ${m.threadsUsed}): ${fixed(m.ms)} ms wall, ${fixed(m.reportedMs)} ms in pbxsig (${fixed(m.fileBytes / MiB / (m.reportedMs / 1000))} MiB/s; ` +
        `one file is one SHA-256 stream, so one core is its limit: single core / that = ${n(m.singleCoreOverReported)}×); peak RSS **${m.peakRssMiB === null ? 'n/a' : `${fixed(m.peakRssMiB)} MiB (${fixed(m.peakRssMB ?? 0)} MB)`}**.`,
    );
  }
  const { throughput, memory } = suite.targets;
  lines.push(
    '',
    '| target | measured | bound | result | note |',
    '|---|--:|--:|---|---|',
    `| ${throughput.label} | ${n(throughput.value)}× | ${throughput.bound}× | ${verdict(throughput)} | ${throughput.note} |`,
    `| ${memory.label} | ${memory.value === null ? 'n/a' : `${fixed(memory.value)} MB`} | ${memory.bound} MB | ${verdict(memory)} | ${memory.note} |`,
  );
  if (suite.module && suite.module.bytes < 2 ** 30)
    lines.push(
      '',
      `Note: ${formatBytes(suite.module.bytes)} is well below the "hundreds of MB or more" the throughput target is about; Node's start-up weighs more in it (compare the durationMs columns).`,
    );
  return `${lines.join('\n')}\n`;
}
