// The two cold-process suites:
//
//   "installation": `pbxsig verify --root ROOT` over a whole generated installation (installation.ts),
//                   in three thread settings, against FreePBX's method done with gpgv + sha256sum
//                   (peers/gpgv-sha256sum.sh); plus the same work in-process, to show what start-up costs;
//   "startup":      verifying one small module against `node -e 0` (the floor) and `pbxsig --version`.
//
// Before anything is timed, every command must give the right answer: pbxsig and the peer both pass
// the clean tree, and both catch one altered byte, so neither is timed doing less than the real job.

import { spawnSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readSync, writeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyInstallation } from '../src/index.js';
import type { VerifyReport } from '../src/index.js';
import type { TestKey } from '../test/helpers/keys.js';
import type { Signer } from './fixtures.js';
import { writeInstallation, writeSmallModule } from './installation.js';
import type { GeneratedInstallation } from './installation.js';
import { median } from './measure.js';
import { runOnce, speedup, timeInterleaved } from './processes.js';
import type { ProcessCommand, ProcessResult } from './processes.js';
import { summarizeShape } from './report.js';
import type { ShapeSummary } from './report.js';

/** The repository (dist/bench/suites.js -> <repo>/): the cold processes run there, with relative paths. */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PEER_SCRIPT = 'bench/peers/gpgv-sha256sum.sh';

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
    readonly pbxsig: { readonly exit: number; readonly modules: number; readonly verified: number; readonly files: number; readonly bytes: number; readonly threadsAuto: number; readonly unlistedPolicy: string; readonly durationMs: number };
    /** The peer's summary line on the clean tree (exit 0 required). */
    readonly peer: string;
    /** One byte altered, then restored: both must fail (exit 1) and name the module. */
    readonly tampered: ReadonlyArray<{ readonly file: string; readonly pbxsig: string; readonly peer: string }>;
  };
  readonly tools: Readonly<Record<string, string>>;
  readonly results: readonly ProcessResult[];
  readonly inProcess: { readonly label: string; readonly samplesMs: readonly number[]; readonly medianMs: number; readonly minMs: number; readonly maxMs: number };
  readonly ratios: readonly Ratio[];
}

export interface StartupSuite {
  readonly rounds: number;
  readonly module: { readonly files: number; readonly bytes: number };
  readonly results: ReadonlyArray<ProcessResult & { readonly overFloorMs: number }>;
}

type Progress = (line: string) => void;

export async function runInstallationSuite(temp: string, signer: Signer, seed: number, files: number, rounds: number, progress: Progress): Promise<InstallationSuite> {
  const root = join(temp, 'installation');
  progress(`installation: writing about ${files} files`);
  const tree = await writeInstallation(root, seed, files, signer.anchor, signer.developer);
  progress(`installation: ${tree.modules.length} modules, ${tree.files} files, ${(tree.bytes / 2 ** 20).toFixed(1)} MiB written`);
  const peerEnv = preparePeer(join(temp, 'peer'), [signer.anchor, signer.developer]);

  const fpr = signer.anchor.fingerprint;
  const pbxsig = (id: string, label: string, extra: readonly string[]): ProcessCommand => ({
    id,
    label,
    shown: `node bin/pbxsig.js verify --root ROOT --anchor FPR --json${extra.length ? ` ${extra.join(' ')}` : ''} > /dev/null`,
    file: process.execPath,
    args: ['bin/pbxsig.js', 'verify', '--root', root, '--anchor', fpr, '--json', ...extra],
  });
  const commands: ProcessCommand[] = [
    pbxsig('default', 'pbxsig, threads auto (default)', []),
    pbxsig('main', 'pbxsig, threads 0 (main thread)', ['--threads', '0']),
    pbxsig('one', 'pbxsig, threads 1', ['--threads', '1']),
    {
      id: 'peer',
      label: 'gpgv + sha256sum -c, per module (FreePBX method)',
      shown: `bash ${PEER_SCRIPT} ROOT KEYRING`,
      file: 'bash',
      args: [PEER_SCRIPT, root, peerEnv.keyring],
      env: peerEnv.env,
    },
  ];
  const [byDefault, , , peer] = commands as [ProcessCommand, ProcessCommand, ProcessCommand, ProcessCommand];

  progress('installation: checking both tools on the clean tree and on a tampered one');
  const checks = {
    pbxsig: checkPbxsigClean(byDefault, tree),
    peer: checkPeerClean(peer, tree),
    tampered: [
      tamperCheck(tree.tamperTargets.module, 'core', 'a file of core', byDefault, peer),
      tamperCheck(tree.tamperTargets.frameworkWeb, 'framework', "a framework file in the webroot (amp_conf/htdocs/...)", byDefault, peer),
    ],
  };

  progress('installation: timing cold processes');
  const results = await timeInterleaved(commands, rounds, REPO, progress);
  progress('installation: timing verifyInstallation() in this process');
  const inProcess = await timeInProcess(root, fpr, tree, rounds);

  const summary = summarizeShape({ name: 'installation', description: '', modules: tree.modules.map((m) => m.name), sizes: tree.sizes, files: tree.files, bytes: tree.bytes });
  return {
    seed,
    rounds,
    tree: {
      ...summary,
      description: `${tree.modules.length} modules, ${tree.files} files installed (FreePBX 17 shape), framework's manifest ${tree.framework.listed} entries`,
      framework: tree.framework,
      namesWithSpace: tree.nameWithSpace,
      modulesBySize: [...tree.modules].sort((a, b) => b.files - a.files).slice(0, 5).map(({ name, files: count, bytes }) => ({ name, files: count, bytes })),
    },
    checks,
    tools: peerTools(),
    results,
    inProcess,
    ratios: [
      { label: 'pbxsig default vs gpgv + sha256sum', value: speedup(results, 'default', 'peer') },
      { label: 'pbxsig threads 0 vs gpgv + sha256sum', value: speedup(results, 'main', 'peer') },
      { label: 'pbxsig threads 1 vs gpgv + sha256sum', value: speedup(results, 'one', 'peer') },
      { label: 'pbxsig default vs threads 0', value: speedup(results, 'default', 'main') },
      { label: 'pbxsig default vs threads 1', value: speedup(results, 'default', 'one') },
    ],
  };
}

export async function runStartupSuite(temp: string, signer: Signer, seed: number, rounds: number, progress: Progress): Promise<StartupSuite> {
  const dir = join(temp, 'startup', 'smallmodule');
  const module = await writeSmallModule(dir, seed, 20, signer.developer);
  const node = (id: string, label: string, shown: string, args: readonly string[]): ProcessCommand => ({ id, label, shown, file: process.execPath, args });
  const commands = [
    node('floor', 'node -e 0 (floor)', 'node -e 0', ['-e', '0']),
    node('version', 'pbxsig --version', 'node bin/pbxsig.js --version', ['bin/pbxsig.js', '--version']),
    node('verify', `pbxsig verify, one module of ${module.files} files`, 'node bin/pbxsig.js verify DIR --keys KEYSDIR --anchor FPR', ['bin/pbxsig.js', 'verify', dir, '--keys', signer.keysDir, '--anchor', signer.anchor.fingerprint]),
  ];
  for (const command of commands) {
    const outcome = runOnce(command, REPO, true);
    if (outcome.status !== 0) throw new Error(`startup check: ${command.shown}: exit ${outcome.status}\n${outcome.stdout}${outcome.stderr}`);
  }
  progress(`startup: timing ${commands.length} commands`);
  const results = await timeInterleaved(commands, rounds, REPO, progress);
  const floor = results.find((r) => r.id === 'floor')?.medianMs ?? Number.NaN;
  return { rounds, module, results: results.map((r) => ({ ...r, overFloorMs: r.medianMs - floor })) };
}

/** A binary keyring for gpgv (gpg --dearmor of each armored key) and the peer's environment. */
function preparePeer(dir: string, keys: readonly TestKey[]): { keyring: string; env: NodeJS.ProcessEnv } {
  // Its own GNUPGHOME, so neither gpg here nor gpgv in the peer reads or creates ~/.gnupg.
  const home = join(dir, 'gnupg');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: home };
  // A binary keyring is just transferable keys one after another, so the dearmored keys concatenate.
  const parts = keys.map((key) => {
    const child = spawnSync('gpg', ['--batch', '--dearmor'], { input: key.publicKey.armor(), env });
    if (child.status !== 0) throw new Error(`gpg --dearmor failed: ${child.error?.message ?? child.stderr.toString()}`);
    return child.stdout;
  });
  const keyring = join(dir, 'keyring.gpg');
  writeFileSync(keyring, Buffer.concat(parts));
  return { keyring, env };
}

function checkPbxsigClean(command: ProcessCommand, tree: GeneratedInstallation): InstallationSuite['checks']['pbxsig'] {
  const outcome = runOnce(command, REPO, true);
  const report = parseReport(outcome.stdout, command);
  const { summary } = report;
  const failures = report.modules.filter((m) => m.verdict !== 'verified' || (m.unlisted?.code.length ?? 0) > 0).map((m) => `${m.name}: ${m.verdict}`);
  if (outcome.status !== 0 || summary.verified !== tree.modules.length || summary.files !== tree.files || summary.bytes !== tree.bytes || failures.length > 0) {
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

function checkPeerClean(command: ProcessCommand, tree: GeneratedInstallation): string {
  const outcome = runOnce(command, REPO, true);
  const line = outcome.stdout.trim();
  // Every installed file is listed and checked: the peer must count exactly what pbxsig hashes.
  const expected = `${tree.modules.length} modules, ${tree.files} files checked: OK`;
  if (outcome.status !== 0 || !line.endsWith(expected)) throw new Error(`peer on the clean installation: exit ${outcome.status}, "${line}" (expected "...${expected}")\n${outcome.stderr}`);
  return line;
}

/** Flips one byte of `file` (restored afterwards, also on error); both tools must fail on `module`. */
function tamperCheck(file: string, module: string, what: string, pbxsig: ProcessCommand, peer: ProcessCommand): { file: string; pbxsig: string; peer: string } {
  flipFirstByte(file);
  try {
    const ours = runOnce(pbxsig, REPO, true);
    const report = parseReport(ours.stdout, pbxsig);
    const bad = report.modules.filter((m) => m.verdict !== 'verified');
    if (ours.status !== 1 || bad.length !== 1 || bad[0]?.name !== module || bad[0].verdict !== 'tampered' || bad[0].files.altered.length !== 1) {
      throw new Error(`pbxsig missed a tampered file in ${module}: exit ${ours.status}, not verified: ${bad.map((m) => `${m.name} ${m.verdict}`).join(', ') || 'none'}`);
    }
    const theirs = runOnce(peer, REPO, true);
    if (theirs.status !== 1 || !theirs.stderr.includes(`${file}: FAILED`) || !theirs.stderr.includes(`${module}: some listed file`)) {
      throw new Error(`peer missed a tampered file in ${module}: exit ${theirs.status}\n${theirs.stdout}${theirs.stderr}`);
    }
    return { file: what, pbxsig: `exit 1, ${module}: tampered (1 file altered)`, peer: `exit 1, ${module}: sha256sum FAILED on that file` };
  } finally {
    flipFirstByte(file);
  }
}

/** XOR of the first byte with 0xff: applied twice, the file is as before. */
function flipFirstByte(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    if (readSync(fd, byte, 0, 1, 0) !== 1) throw new Error(`${file} is empty`);
    byte[0] = (byte[0] ?? 0) ^ 0xff;
    writeSync(fd, byte, 0, 1, 0);
  } finally {
    closeSync(fd);
  }
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
async function timeInProcess(root: string, anchor: string, tree: GeneratedInstallation, rounds: number): Promise<InstallationSuite['inProcess']> {
  const once = async (): Promise<number> => {
    const started = performance.now();
    const report = await verifyInstallation({ root, anchors: [anchor] });
    const ms = performance.now() - started;
    if (report.summary.verified !== tree.modules.length || report.summary.files !== tree.files) throw new Error(`in-process verifyInstallation(): ${report.summary.verified} verified, ${report.summary.files} files`);
    return ms;
  };
  await once();
  const samplesMs: number[] = [];
  for (let round = 0; round < rounds; round++) samplesMs.push(await once());
  return { label: 'verifyInstallation() in-process, threads auto (warm: no start-up, imports done)', samplesMs, medianMs: median(samplesMs), minMs: Math.min(...samplesMs), maxMs: Math.max(...samplesMs) };
}

/** Versions of the peer's tools (first line of each --version), so runs on other machines compare. */
function peerTools(): Record<string, string> {
  const first = (file: string, args: readonly string[], line = 0): string => {
    const child = spawnSync(file, args, { encoding: 'utf8' });
    return (child.stdout ?? '').split('\n')[line]?.trim() || 'unknown';
  };
  return {
    gpgv: first('gpgv', ['--version']),
    libgcrypt: first('gpgv', ['--version'], 1),
    sha256sum: first('sha256sum', ['--version']),
    awk: first('awk', ['-W', 'version']),
    bash: first('bash', ['--version']),
  };
}
