// The "hostile" suite: what pbxsig does with inputs an attacker controls and sizes to hurt
// (hostile-inputs.ts): time, peak RSS and exit status of one cold `pbxsig verify` on each, under a
// time limit. It judges nothing: it shows. A case that runs past its limit is killed, with the
// processes it started (coreutils `timeout` signals its whole process group), and reported as
// "timed out"; the suite itself never hangs.
//
//   newlines       a module.sig of 200 MB of newlines (--quick: 16 MB);
//   huge-manifest  a module.sig of 1,000,000 entries whose signature is bad (--quick: 50,000);
//   flooded-key    the signer's key carries 3,000 certifications by throwaway keys (--quick: 200).

import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fixed, mib } from './format.js';
import { writeFloodedKey, writeHugeManifest, writeNewlineSig } from './hostile-inputs.js';
import type { Signer } from './keys.js';
import type { ProcessCommand } from './processes.js';
import { REPO } from './repo.js';
import { hasTimeoutCommand, kibToMiB, measuredRun, rssProbe } from './rss.js';

export interface HostilePlan {
  readonly newlineBytes: number;
  readonly manifestEntries: number;
  readonly certifications: number;
  /** Each case's limit. */
  readonly timeoutMs: number;
}

export function hostilePlan(quick: boolean): HostilePlan {
  return quick
    ? { newlineBytes: 16 * 2 ** 20, manifestEntries: 50_000, certifications: 200, timeoutMs: 60_000 }
    : { newlineBytes: 200 * 2 ** 20, manifestEntries: 1_000_000, certifications: 3_000, timeoutMs: 180_000 };
}

export interface HostileCase {
  readonly id: string;
  readonly input: string;
  readonly command: string;
  /** What a verifier that bounds its work would do. */
  readonly expected: string;
  readonly exit: number | null;
  readonly timedOut: boolean;
  readonly ms: number;
  readonly peakRssMiB: number | null;
  /** The last line pbxsig wrote (stderr, else stdout), shortened, control characters escaped. */
  readonly said: string;
}

export interface HostileSuite {
  readonly timeoutMs: number;
  readonly rssMethod: string;
  /** How a case past its limit is stopped. */
  readonly limitMethod: string;
  readonly cases: readonly HostileCase[];
}

type Progress = (line: string) => void;

export async function runHostileSuite(
  temp: string,
  signer: Signer,
  plan: HostilePlan,
  progress: Progress,
): Promise<HostileSuite> {
  const base = join(temp, 'hostile');
  mkdirSync(base, { recursive: true });
  const probe = rssProbe(base);
  const limit = { timeoutMs: plan.timeoutMs, useTimeoutCommand: hasTimeoutCommand() };
  const fpr = signer.anchor.fingerprint;
  const verify = (id: string, dir: string, keys: string, shownKeys: string): ProcessCommand => ({
    id,
    label: id,
    shown: `node bin/pbxsig.js verify DIR --keys ${shownKeys} --anchor FPR`,
    file: process.execPath,
    args: ['bin/pbxsig.js', 'verify', dir, '--keys', keys, '--anchor', fpr],
  });
  const run = (command: ProcessCommand, dir: string, input: string, expected: string): HostileCase => {
    progress(`hostile: ${command.id}: running (limit ${plan.timeoutMs / 1000} s)`);
    const measured = measuredRun(command, probe, base, REPO, true, limit);
    const { timedOut } = measured;
    const result: HostileCase = {
      id: command.id,
      input,
      command: command.shown,
      expected,
      exit: timedOut ? null : measured.status,
      timedOut,
      ms: measured.ms,
      peakRssMiB: kibToMiB(measured.rssKiB),
      // Without this machine's paths: the case's directory as the command shows it, the rest as TMP.
      said: (lastLine(measured.stderr) || lastLine(measured.stdout)).split(dir).join('DIR').split(temp).join('TMP'),
    };
    progress(
      `hostile: ${command.id}: ${timedOut ? 'timed out' : `exit ${measured.status}`} after ${Math.round(measured.ms)} ms, peak RSS ${result.peakRssMiB === null ? 'n/a' : `${result.peakRssMiB.toFixed(0)} MiB`}`,
    );
    return result;
  };

  const cases: HostileCase[] = [];
  const newlines = join(base, 'newlines');
  progress(`hostile: writing a module.sig of ${mib(plan.newlineBytes)} of newlines`);
  await writeNewlineSig(newlines, plan.newlineBytes);
  cases.push(
    run(
      verify('newlines', newlines, signer.keysDir, 'KEYSDIR'),
      newlines,
      `module.sig: ${mib(plan.newlineBytes)} of newlines`,
      'exit 1, invalid-manifest, at once; memory near start-up',
    ),
  );
  rmSync(newlines, { recursive: true, force: true });

  const huge = join(base, 'huge-manifest');
  progress(
    `hostile: signing a manifest of ${plan.manifestEntries.toLocaleString('en-US')} entries, then flipping a byte of its signature`,
  );
  const hugeBytes = await writeHugeManifest(huge, plan.manifestEntries, signer.developer);
  cases.push(
    run(
      verify('huge-manifest', huge, signer.keysDir, 'KEYSDIR'),
      huge,
      `module.sig: ${plan.manifestEntries.toLocaleString('en-US')} entries (${mib(hugeBytes)}), bad signature, no listed file present`,
      'exit 1, bad-signature, without opening a million paths',
    ),
  );
  rmSync(huge, { recursive: true, force: true });

  const floodKeys = join(base, 'flooded-keys');
  const floodModule = join(base, 'flooded-module');
  progress(`hostile: flooding a key with ${plan.certifications.toLocaleString('en-US')} certifications`);
  const flooded = await writeFloodedKey(floodKeys, floodModule, signer.anchor, plan.certifications);
  cases.push(
    run(
      verify('flooded-key', floodModule, floodKeys, 'FLOODED_KEYS'),
      floodModule,
      `signer's key: ${flooded.certifications.toLocaleString('en-US')} certifications (${mib(flooded.bytes)} armored), a 5-file module it signed`,
      'verified, or a clear refusal of the key; bounded time and memory either way',
    ),
  );
  rmSync(base, { recursive: true, force: true });

  return {
    timeoutMs: plan.timeoutMs,
    rssMethod: probe.method,
    limitMethod: limit.useTimeoutCommand
      ? 'coreutils timeout -k 5 (TERM to the process group at the limit, KILL 5 s later)'
      : 'spawnSync timeout (no coreutils timeout here: only the direct child is killed)',
    cases,
  };
}

function lastLine(text: string): string {
  const line = [...(text.trim().split('\n').at(-1) ?? '')]
    .map((c) => {
      const code = c.charCodeAt(0);
      return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c;
    })
    .join('');
  return line.length > 200 ? `${line.slice(0, 200)}...` : line;
}

export function renderHostile(suite: HostileSuite): string {
  const lines = [
    '',
    '## hostile: inputs an attacker controls',
    '',
    `One cold \`pbxsig verify\` per input, with a limit of ${suite.timeoutMs / 1000} s (${suite.limitMethod}). Peak RSS: ${suite.rssMethod}. ` +
      'Nothing is judged here: the table shows what happens, beside what a verifier that bounds its work would do.',
    '',
    '| case | input | exit | time ms | peak RSS MiB | last line | a bounded verifier |',
    '|---|---|--:|--:|--:|---|---|',
    ...suite.cases.map(
      (c) =>
        `| ${c.id} | ${c.input} | ${c.timedOut ? '**timed out**' : String(c.exit)} | ${fixed(c.ms)} | ${c.peakRssMiB === null ? '–' : fixed(c.peakRssMiB)} | ${c.said.replace(/\|/g, '\\|') || '–'} | ${c.expected} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
