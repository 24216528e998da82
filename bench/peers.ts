// The peers pbxsig is timed against (scripts in bench/peers/), and the checks that make them fair:
//
//   gpgv-sha256sum        per module gpgv, then sha256sum -c: FreePBX's method with standard tools;
//   gpgv-sha256sum-xargs  the same, xargs -P running one module per core at once;
//   python-hashlib        Python's hashlib over the listed files (no signature check);
//   node-loop             a plain one-thread Node loop with node:crypto (no signature check).
//
// Every peer prints one summary line ("...: M modules, F files checked: OK") and exits 0, or names each
// failing file ("FILE: FAILED") and module ("MODULE: some listed file ...") on stderr and exits 1.
// Before a peer is timed it must count exactly the installation's files on the clean tree and catch one
// flipped byte, so that no peer is timed doing less work than pbxsig.

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BenchKey } from './keys.js';
import { hostEnvironment } from './environment.js';
import { runOnce } from './processes.js';
import { REPO } from './repo.js';
import type { ProcessCommand } from './processes.js';
import { flipFirstByte } from './tamper.js';

export const PEER_IDS = ['gpgv-sha256sum', 'gpgv-sha256sum-xargs', 'python-hashlib', 'node-loop'] as const;
export type PeerId = (typeof PEER_IDS)[number];

/** What the gpgv peers need: a keyring of the accepted keys and a GNUPGHOME of their own. */
export interface PeerKeyring {
  readonly keyring: string;
  readonly env: NodeJS.ProcessEnv;
}

const GPGV_SCRIPT = 'bench/peers/gpgv-sha256sum.sh';
const PYTHON_SCRIPT = 'bench/peers/python-hashlib.py';
const NODE_SCRIPT = 'bench/peers/node-loop.mjs';

/** A binary keyring for gpgv (gpg --dearmor of each armored key) in `dir`, and the peers' environment. */
export function preparePeerKeyring(dir: string, keys: readonly BenchKey[]): PeerKeyring {
  // Its own GNUPGHOME, so neither gpg here nor gpgv in the peer reads or creates ~/.gnupg.
  const home = join(dir, 'gnupg');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const env = { ...hostEnvironment(), GNUPGHOME: home };
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

/** How many modules the xargs peer checks at once: one per core, as a user would pick. */
export const XARGS_JOBS = availableParallelism();

/** The command of peer `id` over the installation at `root`; `shown` uses ROOT and KEYRING placeholders. */
export function peerCommand(id: PeerId, root: string, keys: PeerKeyring): ProcessCommand {
  switch (id) {
    case 'gpgv-sha256sum':
      return {
        id,
        label: 'gpgv + sha256sum -c, per module (FreePBX method)',
        shown: `bash ${GPGV_SCRIPT} ROOT KEYRING`,
        file: 'bash',
        args: [GPGV_SCRIPT, root, keys.keyring],
        env: keys.env,
      };
    case 'gpgv-sha256sum-xargs':
      return {
        id,
        label: `gpgv + sha256sum -c, ${XARGS_JOBS} modules at once (xargs -P ${XARGS_JOBS})`,
        shown: `bash ${GPGV_SCRIPT} --jobs ${XARGS_JOBS} ROOT KEYRING`,
        file: 'bash',
        args: [GPGV_SCRIPT, '--jobs', String(XARGS_JOBS), root, keys.keyring],
        env: keys.env,
      };
    case 'python-hashlib':
      return {
        id,
        label: 'Python hashlib loop (no signature check)',
        shown: `python3 ${PYTHON_SCRIPT} ROOT`,
        file: 'python3',
        args: [PYTHON_SCRIPT, root],
      };
    case 'node-loop':
      return {
        id,
        label: 'one-thread Node loop, node:crypto (no signature check)',
        shown: `node ${NODE_SCRIPT} ROOT`,
        file: process.execPath,
        args: [NODE_SCRIPT, root],
      };
  }
}

export function peerCommands(root: string, keys: PeerKeyring, ids: readonly PeerId[] = PEER_IDS): ProcessCommand[] {
  return ids.map((id) => peerCommand(id, root, keys));
}

/**
 * Runs a peer on the clean tree: it must exit 0 and count exactly `modules` modules and `files` files
 * (every installed file is listed, so that is what pbxsig hashes). Returns its summary line.
 */
export function checkPeerClean(command: ProcessCommand, modules: number, files: number): string {
  const outcome = runOnce(command, REPO, true);
  const line = outcome.stdout.trim();
  const expected = `${modules} modules, ${files} files checked: OK`;
  if (outcome.status !== 0 || !line.endsWith(expected)) {
    throw new Error(
      `${command.shown} on the clean installation: exit ${outcome.status ?? outcome.signal}, "${line}" (expected "...${expected}")\n${outcome.stderr.slice(0, 4000)}`,
    );
  }
  return line;
}

export interface PeerCatch {
  readonly id: string;
  /** What the peer did, for the report: "exit 1, MODULE: FILE named as FAILED". */
  readonly result: string;
}

/**
 * Runs each peer on the tree while `file` has one byte flipped (the caller flips it): each must exit 1,
 * name `file` as FAILED and `module` as failing.
 */
export function checkPeersCatch(commands: readonly ProcessCommand[], file: string, module: string): PeerCatch[] {
  return commands.map((command) => {
    const outcome = runOnce(command, REPO, true);
    if (
      outcome.status !== 1 ||
      !outcome.stderr.includes(`${file}: FAILED`) ||
      !outcome.stderr.includes(`${module}: some listed file`)
    ) {
      throw new Error(
        `${command.shown} missed a tampered file in ${module}: exit ${outcome.status ?? outcome.signal}\n${outcome.stdout}${outcome.stderr.slice(0, 4000)}`,
      );
    }
    return { id: command.id, result: `exit 1, ${module}: the file named as FAILED` };
  });
}

/** Runs `check` while the first byte of `file` is flipped; restored afterwards, also on error. */
export function withFlippedByte<T>(file: string, check: () => T): T {
  flipFirstByte(file);
  try {
    return check();
  } finally {
    flipFirstByte(file);
  }
}

/** Versions of the peers' tools (first line of each --version), so runs on other machines compare. */
export function peerTools(): Record<string, string> {
  const first = (file: string, args: readonly string[], line = 0): string => {
    const child = spawnSync(file, args, { encoding: 'utf8' });
    return `${child.stdout ?? ''}${child.stderr ?? ''}`.split('\n')[line]?.trim() || 'unknown';
  };
  return {
    gpgv: first('gpgv', ['--version']),
    libgcrypt: first('gpgv', ['--version'], 1),
    sha256sum: first('sha256sum', ['--version']),
    awk: first('awk', ['-W', 'version']),
    bash: first('bash', ['--version']),
    xargs: first('xargs', ['--version']),
    python: first('python3', ['--version']),
    node: process.version,
  };
}
