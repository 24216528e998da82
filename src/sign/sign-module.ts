// Sign a module the way FreePBX does, with no gpg process: hash every file on the pool, write
// FreePBX's body, clear-sign it (SHA-256 or stronger), and replace module.sig atomically.

import { realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PrivateKey } from 'openpgp';
import { InputError, InternalError, describeError, describeSystemError, errnoCode } from '../errors.js';
import { resolveEngine } from '../hash/engine.js';
import { HashPool } from '../hash/pool.js';
import { chooseThreads } from '../hash/threads.js';
import type { EngineChoice, HashJob } from '../hash/types.js';
import { writeFileAtomic } from '../report/write-atomic.js';
import { formatBody } from './body.js';
import type { BodyConfig, BodyEntry } from './body.js';
import { clearsign } from './clearsign.js';
import { listModuleFiles } from './list-files.js';
import { parseManifest } from '../manifest/parse.js';

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

export interface SignModuleResult {
  /** The module.sig written. */
  readonly path: string;
  readonly files: number;
  readonly bytes: number;
  /** Key ID of the key that made the signature (written as `signedwith`). */
  readonly signedWith: string;
  readonly fingerprint: string;
  /** Message digest of the signature ("SHA256", "SHA512", ...). */
  readonly digest: string;
}

const MINIMUM_DIGEST_BYTES = 32;

export async function signModule(options: SignModuleOptions): Promise<SignModuleResult> {
  const directory = resolve(options.module);
  const real = await moduleDirectory(directory, options.module);
  const target = join(directory, 'module.sig');
  await assertReplaceable(target);

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
  assertFreepbxCanRead(body, entries.list.length, options.module);
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

async function moduleDirectory(directory: string, named: string): Promise<string> {
  try {
    if (!(await stat(directory)).isDirectory())
      throw new InputError('INPUT_NOT_DIRECTORY', `module directory ${named}: not a directory`);
    return await realpath(directory);
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (errnoCode(error) === 'ENOENT')
      throw new InputError('INPUT_NOT_FOUND', `module directory ${named}: does not exist`);
    throw new InputError('INPUT_UNREADABLE', `module directory ${named}: ${describeError(error)}`);
  }
}

// Refuse to sign what FreePBX could not read back: PHP's INI parser rejects a whole manifest for one
// path with "(" or "&" in it, reads "a[b]" as an array, and a newline splits a line. pbxsig's own
// parser applies exactly those rules, so the body is parsed before it is signed.
function assertFreepbxCanRead(body: string, count: number, named: string): void {
  let problems: Array<{ path: string; reason: string }>;
  try {
    const manifest = parseManifest(body);
    problems = [
      ...manifest.issues.map((i) => ({ path: i.path ?? `line ${i.line}`, reason: i.message })),
      ...manifest.phpArrayPaths.map((path) => ({
        path,
        reason: 'contains "[": FreePBX would read it as an array and could not check it',
      })),
    ];
    if (problems.length === 0 && manifest.entries.length !== count)
      problems.push({ path: '(manifest)', reason: `lists ${manifest.entries.length} files, expected ${count}` });
  } catch (error) {
    problems = [{ path: '(manifest)', reason: describeError(error) }];
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

async function hashFiles(
  real: string,
  files: readonly string[],
  options: SignModuleOptions,
): Promise<{ list: BodyEntry[]; bytes: number }> {
  const jobs: HashJob[] = files.map((path) => ({
    root: '/',
    confine: real,
    path: `${real.slice(1)}/${path}`,
    expected: '',
  }));
  const threads = typeof options.threads === 'number' ? options.threads : chooseThreads(jobs);
  const pool = new HashPool({
    threads,
    engine: resolveEngine(options.engine ?? 'auto', 'sha256'),
    algorithm: 'sha256',
  });
  try {
    const results = await pool.run(jobs);
    const list: BodyEntry[] = [];
    const failures: Array<{ path: string; reason: string }> = [];
    let bytes = 0;
    files.forEach((path, i) => {
      const result = results.get(i);
      const digest = results.digestHex(i);
      if (result?.status === 'match' && digest !== undefined) {
        list.push({ path, digest });
        bytes += result.size;
      } else {
        failures.push({ path, reason: result && 'reason' in result ? result.reason : 'not hashed' });
      }
    });
    // A file replaced by a FIFO or a link after listing, or unreadable: the module is not signable.
    if (failures.length > 0) throw unsafeTree(options.module, failures);
    return { list, bytes };
  } finally {
    await pool.close();
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
