// Build FreePBX modules on disk for tests: files, then a module.sig made by pbxsig's own formatter
// and signer (which GnuPG verifies too: see gnupg.test.ts), with hooks to break it on purpose.

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PublicKey } from 'openpgp';
import { formatBody } from '../../src/sign/body.js';
import type { BodyConfig, BodyEntry } from '../../src/sign/body.js';
import { clearsign } from '../../src/sign/clearsign.js';
import { clearsignBytes } from './clearsign-bytes.js';
import type { TestKey } from './keys.js';

export async function makeTempDir(prefix = 'pbxsig-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes files (path relative to dir, "/"-separated) with their contents. */
export async function writeFiles(dir: string, files: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export interface SignOptions {
  readonly date?: Date;
  readonly config?: Partial<BodyConfig>;
  /** Entries to list instead of hashing the directory. */
  readonly entries?: readonly BodyEntry[];
  /** Change the body before it is signed (e.g. add an unsafe path). */
  readonly editBody?: (body: string) => string;
  /**
   * Sign with openpgp.js's packet classes (clearsign-bytes.ts), which let `date` precede the key's
   * creation (a signer's clock behind); pbxsig's signer refuses that.
   */
  readonly beforeKey?: boolean;
}

/** Hashes every regular file under dir (except module.sig) and writes a signed module.sig. */
export async function signModule(dir: string, key: TestKey, options: SignOptions = {}): Promise<string> {
  const entries = options.entries ?? (await hashTree(dir));
  let body = formatBody({ signedWith: key.keyId, ...options.config }, entries);
  if (options.editBody) body = options.editBody(body);
  const signed = options.beforeKey
    ? (
        await clearsignBytes(Buffer.from(body), key.privateKey, {
          keyAt: new Date(),
          ...(options.date ? { date: options.date } : {}),
        })
      ).toString()
    : await clearsign(body, key.privateKey, options.date ? { date: options.date } : {});
  await writeFile(join(dir, 'module.sig'), signed);
  return signed;
}

async function hashTree(dir: string, prefix = ''): Promise<BodyEntry[]> {
  const entries: BodyEntry[] = [];
  for (const item of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${item.name}` : item.name;
    // Links are followed, as FreePBX's signer does.
    const info = item.isSymbolicLink() ? await stat(join(dir, path)) : item;
    if (info.isDirectory()) entries.push(...(await hashTree(dir, path)));
    else if (info.isFile() && path !== 'module.sig')
      entries.push({ path, digest: sha256(await readFile(join(dir, path))) });
  }
  return entries;
}

/** Writes armored public keys, one file each, into dir. */
export async function writeKeys(dir: string, keys: Readonly<Record<string, PublicKey>>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, key] of Object.entries(keys)) await writeFile(join(dir, `${name}.asc`), key.armor());
}
