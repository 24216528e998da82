// The "startup" suite: what a cold process costs before any real work. Verifying one small module
// (20 files) against `node -e 0` (the floor) and `pbxsig --version`, interleaved.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bytes, fixed } from './format.js';
import type { Signer } from './keys.js';
import { fillRandom, mulberry32 } from './prng.js';
import { runOnce, timeInterleaved } from './processes.js';
import type { ProcessCommand, ProcessResult } from './processes.js';
import { REPO } from './repo.js';
import { writeModuleSig } from './sign.js';
import { drawSizes } from './sizes.js';
import { listedPaths } from './tree.js';

export interface StartupSuite {
  readonly rounds: number;
  readonly module: { readonly files: number; readonly bytes: number };
  readonly results: ReadonlyArray<ProcessResult & { readonly overFloorMs: number }>;
}

const FILES = 20;

export async function runStartupSuite(
  temp: string,
  signer: Signer,
  seed: number,
  rounds: number,
  progress: (line: string) => void,
): Promise<StartupSuite> {
  const dir = join(temp, 'startup', 'smallmodule');
  const module = await writeSmallModule(dir, seed, FILES, signer);
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

/** A small signed module of `count` files with FreePBX sizes: start-up, not hashing, dominates. */
async function writeSmallModule(
  dir: string,
  seed: number,
  count: number,
  signer: Signer,
): Promise<{ files: number; bytes: number }> {
  const paths = ['module.xml', ...listedPaths(mulberry32(seed + 1), '', { files: count - 1, dirs: 4, depth: 2 })];
  const sizes = drawSizes(mulberry32(seed), paths.length);
  const content = mulberry32(seed + 2);
  const entries = paths.map((path, i) => {
    const bytes = new Uint8Array(sizes[i] ?? 1);
    fillRandom(content, bytes);
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
    return { path, digest: createHash('sha256').update(bytes).digest('hex') };
  });
  await writeModuleSig(dir, entries, signer.developer.privateKey);
  return { files: entries.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}

export function renderStartup(suite: StartupSuite): string {
  const lines = [
    '',
    `## startup: cold process, one small module (${suite.module.files} files, ${bytes(suite.module.bytes)})`,
    '',
    `One warm-up run each, then ${suite.rounds} interleaved rounds. "Over floor" is the median minus the median of \`node -e 0\`: what pbxsig adds to starting Node at all.`,
    '',
    '| command | median ms | min–max ms | over floor (median) ms |',
    '|---|--:|--:|--:|',
    ...suite.results.map(
      (r) =>
        `| ${r.label}: \`${r.command}\` | ${fixed(r.medianMs)} | ${fixed(r.minMs)}–${fixed(r.maxMs)} | ${r.id === 'floor' ? '–' : fixed(r.overFloorMs)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
