// Sign a module the way FreePBX does, with no gpg process: hash every file on the pool, write
// FreePBX's body, clear-sign it (SHA-256 or stronger), and replace module.sig atomically.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PrivateKey } from 'openpgp';
import { namedDirectory } from '../fs/named-directory.js';
import { InputError, InternalError, ManifestError, describeError, describeSystemError, errnoCode } from '../errors.js';
import { resolveEngine } from '../hash/engine.js';
import type { EngineChoice } from '../hash/types.js';
import type { FilesUnit } from '../check/hash-files.js';
import { Lanes } from '../lanes/lanes.js';
import { chooseWorkers } from '../verify/options.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import { formatBody } from './body.js';
import type { BodyConfig, BodyEntry } from './body.js';
import { clearsign } from './clearsign.js';
import { listModuleFiles } from './list-files.js';
import { parseManifest } from '../manifest/parse.js';
import type { SignModuleResult } from './types.js';

export type { SignModuleResult } from './types.js';

export interface SignModuleOptions {
  /** The module directory. */
  readonly module: string;
  /** An unlocked secret key. */
  readonly key: PrivateKey;
  /** Include dotfiles (default true, as FreePBX's published modules do). */
  readonly dotfiles?: boolean;
  readonly signedBy?: string;
  readonly repo?: string;
  /** Unix time after which FreePBX treats the signature as revoked. */
  readonly expiresAfter?: number;
  /** Signature time (default now): for reproducible sample material. */
  readonly date?: Date;
  readonly engine?: EngineChoice;
  readonly threads?: number | 'auto';
}

const MINIMUM_DIGEST_BYTES = 32;

export async function signModule(options: SignModuleOptions): Promise<SignModuleResult> {
  const { absolute: directory, real } = await namedDirectory(options.module, 'module directory');
  const target = join(directory, 'module.sig');
  await assertReplaceable(target);
  if (options.signedBy !== undefined) assertReadBack('signed-by', 'signedby', options.signedBy);
  if (options.repo !== undefined) assertReadBack('repo', 'repo', options.repo);

  const listed = listModuleFiles(real, { dotfiles: options.dotfiles ?? true });
  if (listed.refused.length > 0) throw unsafeTree(options.module, listed.refused);

  const entries = await hashFiles(real, listed.files, options);
  let signingKey;
  try {
    signingKey = await options.key.getSigningKey(undefined, options.date ?? new Date());
  } catch (error) {
    const when = options.date ? `at ${options.date.toISOString()}` : 'now';
    throw new InputError(
      'KEY_UNUSABLE',
      `the secret key ${options.key.getKeyID().toHex().toUpperCase()} cannot sign ${when}: ${describeError(error)}`,
    );
  }
  const signedWith = signingKey.getKeyID().toHex().toUpperCase();
  const config: BodyConfig = {
    signedWith,
    ...(options.signedBy !== undefined ? { signedBy: options.signedBy } : {}),
    ...(options.repo !== undefined ? { repo: options.repo } : {}),
    ...(options.expiresAfter !== undefined ? { expiresAfter: options.expiresAfter } : {}),
  };
  const body = formatBody(config, entries.list);
  assertFreepbxCanRead(body, entries.list, options.module);
  const text = await clearsign(body, options.key, options.date ? { date: options.date } : {});
  const digest = digestOf(text);
  try {
    await writeFileAtomic(target, text);
  } catch (error) {
    // writeFileAtomic names the target; its cause is the system's word (never the temporary file's name).
    const cause = error instanceof InputError ? error.cause : error;
    throw new InputError('OUTPUT_READ_ONLY', `cannot write ${target}: ${describeSystemError(cause)}`);
  }
  return {
    path: target,
    files: entries.list.length,
    bytes: entries.bytes,
    signedWith,
    fingerprint: options.key.getFingerprint().toUpperCase(),
    digest,
  };
}

// A [config] value must read back as given: a line break would add keys of its own (a second
// "expiresafter=1" makes FreePBX call the module revoked), and PHP rewrites some values ("yes" is "1",
// "a;b" is "a"). Checked before any file is hashed.
function assertReadBack(option: string, key: string, value: string): void {
  const refuse = (why: string): InputError =>
    new InputError('SIGN_VALUE_UNREADABLE', `--${option} "${value}": ${why}; nothing was signed`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw refuse('holds a control character (a line break would start a [config] line of its own)');
  let read: string | undefined;
  try {
    read = parseManifest(`[config]\n${key}=${value}\n[hashes]\n`).config.raw[key];
  } catch (error) {
    throw refuse(`PHP's INI parser cannot read it (${describeError(error)})`);
  }
  if (read !== value) throw refuse(`PHP reads it as "${read ?? ''}"`);
}

// Refuse to sign what FreePBX could not read back: PHP's INI parser rejects a whole manifest for one
// "(" or "&" in a path (or in an unquoted value such as --signed-by), reads "a[b]" as an array, trims
// spaces around a name, and a newline splits a line. pbxsig's own parser applies exactly those rules,
// so the body is parsed before it is signed, and FreePBX's reading must list exactly the files hashed.
function assertFreepbxCanRead(body: string, listed: readonly BodyEntry[], named: string): void {
  let manifest;
  try {
    manifest = parseManifest(body);
  } catch (error) {
    // A line of [hashes] is a file name; a line above it is a value of [config].
    const hashesLine = body.split('\n').indexOf('[hashes]') + 1;
    if (error instanceof ManifestError && error.line !== undefined && error.line > hashesLine) {
      throw unsafeTree(named, [{ path: '(manifest)', reason: `file name FreePBX cannot list: ${error.message}` }]);
    }
    throw new InputError(
      'SIGN_VALUE_UNREADABLE',
      `refusing to sign ${named}: FreePBX could not read the module.sig back (${describeError(error)}); check --signed-by and --repo`,
    );
  }
  const problems = [
    ...manifest.issues.map((i) => ({ path: i.path ?? `line ${i.line}`, reason: i.message })),
    ...manifest.phpArrayPaths.map((path) => ({
      path,
      reason: 'contains "[": FreePBX would read it as an array and could not check it',
    })),
  ];
  if (problems.length === 0) {
    const read = new Set(manifest.freepbxHashes.map((e) => e.path));
    for (const entry of listed) {
      if (!read.has(entry.path)) problems.push({ path: entry.path, reason: 'PHP reads this name differently' });
    }
  }
  if (problems.length > 0)
    throw unsafeTree(
      named,
      problems.map((p) => ({ path: p.path, reason: `file name FreePBX cannot list: ${p.reason}` })),
    );
}

// A module.sig someone made read-only is a decision we do not override silently (rename() would).
async function assertReplaceable(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if ((info.mode & 0o222) === 0)
      throw new InputError('OUTPUT_READ_ONLY', `${path} is read-only; make it writable to replace it`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (errnoCode(error) !== 'ENOENT') throw new InputError('INPUT_UNREADABLE', `${path}: ${describeError(error)}`);
  }
}

function unsafeTree(named: string, refused: ReadonlyArray<{ path: string; reason: string }>): InputError {
  const shown = refused.slice(0, 10).map((r) => `  ${r.path}: ${r.reason}`);
  if (refused.length > 10) shown.push(`  ... and ${refused.length - 10} more`);
  return new InputError(
    'TREE_UNSAFE',
    `refusing to sign ${named}: it holds what is not part of the module\n${shown.join('\n')}`,
  );
}

// Files go to the lanes in slices: enough pieces for every lane, few enough that each is worth a claim.
const FILES_PER_UNIT = 500;

async function hashFiles(
  real: string,
  files: readonly string[],
  options: SignModuleOptions,
): Promise<{ list: BodyEntry[]; bytes: number }> {
  const units: FilesUnit[] = [];
  for (let start = 0; start < files.length; start += FILES_PER_UNIT) {
    const paths = files.slice(start, start + FILES_PER_UNIT).map((path) => `${real.slice(1)}/${path}`);
    units.push({ kind: 'files', root: '/', confine: real, paths });
  }
  const workers = chooseWorkers(options.threads ?? 'auto', { units: units.length, files: files.length });
  const lanes = await Lanes.start({ workers, engine: resolveEngine(options.engine ?? 'auto', 'sha256') });
  try {
    const results = await lanes.runAll(units);
    const list: BodyEntry[] = [];
    const failures: Array<{ path: string; reason: string }> = [];
    let bytes = 0;
    results.forEach((result, slice) => {
      if (result.kind !== 'files') throw new InternalError('a signing slice came back as another kind of result');
      const { digests, failures: failed } = result.hashed;
      bytes += result.hashed.bytes;
      digests.forEach((digest, i) => {
        const path = files[slice * FILES_PER_UNIT + i] as string;
        if (digest !== null) list.push({ path, digest });
      });
      for (const { index, reason } of failed)
        failures.push({ path: files[slice * FILES_PER_UNIT + index] as string, reason });
    });
    // A file replaced by a FIFO or a link after listing, or unreadable: the module is not signable.
    if (failures.length > 0) throw unsafeTree(options.module, failures);
    return { list, bytes };
  } finally {
    await lanes.close();
  }
}

// openpgp.js picks SHA-256 or stronger for our keys; check it, since FreePBX's mirror still uses SHA-1.
function digestOf(armored: string): string {
  const header = /^Hash: (.+)$/m.exec(armored)?.[1]?.trim().toUpperCase();
  if (!header) throw new InternalError('the clear-signed module.sig has no Hash header');
  const bytes: Record<string, number> = {
    SHA256: 32,
    SHA384: 48,
    SHA512: 64,
    SHA3_256: 32,
    SHA3_512: 64,
    SHA224: 28,
    SHA1: 20,
  };
  if ((bytes[header] ?? 0) < MINIMUM_DIGEST_BYTES)
    throw new InternalError(`openpgp.js signed with ${header}, weaker than SHA-256`);
  return header;
}
