// The "signing" cold-process suite: `pbxsig sign` on one large module tree, as a developer (or a
// release script) runs it, in several thread settings:
//
//   - one module of about 8,000 files (--quick: 2,000) with FreePBX's file sizes (sizes.ts: median
//     1.5 KB, p99 120 KB; about 65 MB for 8,000 files) in a tree like framework's (tree.ts), seeded;
//   - a throwaway key made with `pbxsig keys generate` (no passphrase: an empty passphrase file);
//   - timed: `node bin/pbxsig.js sign DIR --key SECRET --passphrase-file EMPTY` with the default
//     threads (auto), --threads 1, --threads 0 (main thread) and the pool on every core, interleaved.
//
// Before timing, every configuration must write the same manifest (same files, same digests), and
// `pbxsig verify` must pass the signed module with every file checked: a fast wrong answer is no result.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { chooseWorkers } from '../src/verify/options.js';
import type { VerifyReport } from '../src/index.js';
import { fillRandom, mulberry32 } from './prng.js';
import { runOnce, speedup, timeInterleaved } from './processes.js';
import type { ProcessCommand, ProcessResult } from './processes.js';
import { REPO } from './repo.js';
import { MAX_SIZE, drawSizes } from './sizes.js';
import { sizeQuantiles } from './stats.js';
import type { SizeQuantiles } from './stats.js';
import { listedPaths } from './tree.js';
import { bytes, fixed, mib } from './format.js';

export interface SigningSuite {
  readonly seed: number;
  readonly rounds: number;
  readonly tree: { readonly files: number; readonly bytes: number; readonly sizes: SizeQuantiles };
  /** What `--threads auto` picks for this tree on this machine (src/hash/threads.ts's cost model). */
  readonly threadsAuto: number;
  readonly checks: {
    /** Every configuration wrote the same [hashes] (same files, same digests). */
    readonly sameManifest: boolean;
    /** `pbxsig verify` on the signed module. */
    readonly verify: {
      readonly exit: number;
      readonly verdict: string;
      readonly files: number;
      readonly bytes: number;
    };
  };
  readonly results: ReadonlyArray<ProcessResult & { readonly threads: number }>;
  readonly ratios: ReadonlyArray<{ readonly label: string; readonly value: number }>;
}

type Progress = (line: string) => void;

export async function runSigningSuite(
  temp: string,
  seed: number,
  files: number,
  rounds: number,
  progress: Progress,
): Promise<SigningSuite> {
  const base = join(temp, 'signing');
  const dir = join(base, 'bigmodule');
  progress(`signing: writing one module of ${files} files`);
  const shape = writeModule(dir, seed, files);
  progress(`signing: ${shape.files} files, ${(shape.bytes / 2 ** 20).toFixed(1)} MiB written`);

  // A throwaway key, made the way a user makes one, unprotected (so no prompt).
  const keys = join(base, 'keys');
  mkdirSync(keys, { recursive: true });
  const empty = join(keys, 'empty-passphrase');
  writeFileSync(empty, '');
  const made = spawnSync(
    process.execPath,
    [
      'bin/pbxsig.js',
      'keys',
      'generate',
      '--name',
      'Bench Signer',
      '--email',
      'bench-signer@example.invalid',
      '--out',
      join(keys, 'signer'),
      '--passphrase-file',
      empty,
    ],
    { cwd: REPO, encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`signing: keys generate failed (exit ${made.status}): ${made.stderr}`);
  const secret = join(keys, 'signer.secret.asc');
  const publicKey = join(keys, 'signer.pub.asc');

  const cores = availableParallelism();
  const threadsAuto = autoThreads(dir);
  const sign = (
    id: string,
    label: string,
    threads: number,
    extra: readonly string[],
  ): ProcessCommand & { threads: number } => ({
    id,
    label,
    threads,
    shown: `node bin/pbxsig.js sign DIR --key SECRET --passphrase-file EMPTY${extra.length ? ` ${extra.join(' ')}` : ''}`,
    file: process.execPath,
    args: ['bin/pbxsig.js', 'sign', dir, '--key', secret, '--passphrase-file', empty, ...extra],
  });
  const commands = [
    sign(
      'default',
      `pbxsig sign, threads auto (default; chose ${threadsAuto === 0 ? 'the main thread' : `${threadsAuto} workers`})`,
      threadsAuto,
      [],
    ),
    sign('one', 'pbxsig sign, threads 1', 1, ['--threads', '1']),
    sign('main', 'pbxsig sign, threads 0 (main thread)', 0, ['--threads', '0']),
    sign('pool', `pbxsig sign, threads ${cores} (every core)`, cores, ['--threads', String(cores)]),
  ];

  progress('signing: checking that every configuration writes the same manifest, and that it verifies');
  const bodies = commands.map((command) => {
    const outcome = runOnce(command, REPO, true);
    if (outcome.status !== 0)
      throw new Error(`${command.shown}: exit ${outcome.status ?? outcome.signal}\n${outcome.stderr}`);
    return signedBody(readFileSync(join(dir, 'module.sig'), 'utf8'));
  });
  const sameManifest = bodies.every((b) => b === bodies[0]);
  if (!sameManifest) throw new Error('signing: the configurations wrote different manifests');
  const verify = checkVerify(dir, publicKey, shape);

  progress('signing: timing cold processes');
  const timed = await timeInterleaved(commands, rounds, REPO, progress);
  const results = timed.map((r) => ({ ...r, threads: commands.find((c) => c.id === r.id)?.threads ?? -1 }));
  return {
    seed,
    rounds,
    tree: { files: shape.files, bytes: shape.bytes, sizes: sizeQuantiles(shape.sizes) },
    threadsAuto,
    checks: { sameManifest, verify },
    results,
    ratios: [
      { label: 'default (threads auto) vs threads 1', value: speedup(results, 'default', 'one') },
      { label: 'default (threads auto) vs main thread (threads 0)', value: speedup(results, 'default', 'main') },
      { label: `pool on every core (threads ${cores}) vs threads 1`, value: speedup(results, 'pool', 'one') },
      {
        label: `pool on every core (threads ${cores}) vs main thread (threads 0)`,
        value: speedup(results, 'pool', 'main'),
      },
    ],
  };
}

export function renderSigning(suite: SigningSuite): string {
  const { tree } = suite;
  const byDefault = suite.results.find((r) => r.id === 'default');
  const verify = suite.checks.verify;
  const lines = [
    '',
    `## signing: \`pbxsig sign\`, one module of ${tree.files} files, ${mib(tree.bytes)}`,
    '',
    `One module generated from seed ${suite.seed} (FreePBX file sizes: median ${bytes(tree.sizes.median)}, p90 ${bytes(tree.sizes.p90)}, ` +
      `p99 ${bytes(tree.sizes.p99)}, max ${bytes(tree.sizes.max)}), signed with an unprotected Ed25519 key made by \`pbxsig keys generate\`. ` +
      `\`--threads auto\` chose ${suite.threadsAuto === 0 ? 'the main thread' : `${suite.threadsAuto} workers`} for this tree. ` +
      `Checked before timing: every configuration wrote the same manifest; \`pbxsig verify\` on the result: exit ${verify.exit}, ${verify.verdict}, ${verify.files} files, ${mib(verify.bytes)}.`,
    '',
    `Method: each run is one whole cold process (start-up, key unlock, every file hashed, clear-signing, atomic write of module.sig), ` +
      `timed around spawnSync(). One warm-up run each (**warm page cache**), then ${suite.rounds} interleaved rounds; median and min–max.`,
    '',
    '| command | threads | median ms | min–max ms | files/s (median) | MiB/s (median) | time / default |',
    '|---|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of suite.results) {
    const relative = byDefault ? `${(r.medianMs / byDefault.medianMs).toFixed(2)}×` : '–';
    lines.push(
      `| ${r.label}: \`${r.command}\` | ${r.threads} | ${fixed(r.medianMs)} | ${fixed(r.minMs)}–${fixed(r.maxMs)} | ${fixed(tree.files / (r.medianMs / 1000))} | ${fixed(tree.bytes / 2 ** 20 / (r.medianMs / 1000))} | ${relative} |`,
    );
  }
  lines.push(
    '',
    '| comparison (median of the second / median of the first; above 1: the first is faster) | ratio |',
    '|---|--:|',
    ...suite.ratios.map((r) => `| ${r.label} | ${Number.isFinite(r.value) ? `${r.value.toFixed(2)}×` : '–'} |`),
  );
  return `${lines.join('\n')}\n`;
}

interface WrittenModule {
  readonly files: number;
  readonly bytes: number;
  readonly sizes: readonly number[];
}

/** Writes the module: module.xml, then `count - 1` files in a tree shaped like framework's. */
function writeModule(dir: string, seed: number, count: number): WrittenModule {
  const sizes = drawSizes(mulberry32(seed), count - 1);
  const paths = listedPaths(mulberry32(seed + 1), '', { files: count - 1, dirs: Math.round(count / 9), depth: 12 });
  const content = mulberry32(seed + 2);
  const buffer = new Uint8Array(MAX_SIZE);
  const made = new Set<string>();
  const write = (path: string, bytes: Uint8Array): void => {
    const full = join(dir, path);
    if (!made.has(dirname(full))) {
      mkdirSync(dirname(full), { recursive: true });
      made.add(dirname(full));
    }
    writeFileSync(full, bytes);
  };
  const xml = Buffer.from('<module>\n  <rawname>bigmodule</rawname>\n  <version>17.0.1</version>\n</module>\n');
  write('module.xml', xml);
  paths.forEach((path, i) => {
    const part = buffer.subarray(0, sizes[i] ?? 1);
    fillRandom(content, part);
    write(path, part);
  });
  const all = [xml.length, ...sizes];
  return { files: all.length, bytes: all.reduce((a, b) => a + b, 0), sizes: all };
}

/** What `--threads auto` picks for this tree: the same cost model the CLI consults. */
function autoThreads(dir: string): number {
  const files = listedJobs(realpathSync(dir)).length;
  // Threads doing file work, the main thread included, as signModule() chooses them (slices of 500).
  return 1 + chooseWorkers('auto', { units: Math.ceil(files / 500), files });
}

/** Jobs as pbxsig's signModule() (src/sign/sign-module.ts) plans them: every file of the module, by its path under the root. */
function listedJobs(real: string): Array<{ root: string; confine: string; path: string; expected: string }> {
  const out: Array<{ root: string; confine: string; path: string; expected: string }> = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(real, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (path !== 'module.sig')
        out.push({ root: '/', confine: real, path: `${real.slice(1)}/${path}`, expected: '' });
    }
  };
  walk('');
  return out;
}

/** The signed text of a clear-signed module.sig: what every configuration must write alike. */
function signedBody(armored: string): string {
  const start = armored.indexOf('\n\n');
  const end = armored.indexOf('\n-----BEGIN PGP SIGNATURE-----');
  if (start < 0 || end < 0) throw new Error('signing: module.sig is not clear-signed text');
  return armored.slice(start + 2, end);
}

function checkVerify(dir: string, publicKey: string, shape: WrittenModule): SigningSuite['checks']['verify'] {
  const command: ProcessCommand = {
    id: 'verify',
    label: 'verify',
    shown: 'node bin/pbxsig.js verify DIR --keys PUBLIC --anchor PUBLIC --json',
    file: process.execPath,
    args: ['bin/pbxsig.js', 'verify', dir, '--keys', publicKey, '--anchor', publicKey, '--json'],
  };
  const outcome = runOnce(command, REPO, true);
  let report: VerifyReport;
  try {
    report = JSON.parse(outcome.stdout) as VerifyReport;
  } catch {
    throw new Error(`signing: ${command.shown}: no JSON report (exit ${outcome.status})\n${outcome.stderr}`);
  }
  const module = report.modules[0];
  if (
    outcome.status !== 0 ||
    !module ||
    module.verdict !== 'verified' ||
    report.summary.files !== shape.files ||
    report.summary.bytes !== shape.bytes
  ) {
    throw new Error(
      `signing: the signed module does not verify: exit ${outcome.status}, ${module?.verdict ?? 'no module'}, ${report.summary.files}/${shape.files} files, ${report.summary.bytes}/${shape.bytes} bytes`,
    );
  }
  return { exit: outcome.status, verdict: module.verdict, files: report.summary.files, bytes: report.summary.bytes };
}
