// The trees the benchmark hashes: signed FreePBX-like modules on disk, made from a seeded PRNG.
//
//   "small": a few modules, thousands of files sized like a real FreePBX 17 install (design.md:
//            median 1.5 KB, p90 15 KB, p99 120 KB, max 2.4 MB) -- per-file overhead dominates;
//   "large": one module of a few big files -- raw hashing throughput dominates.
//
// Every module is signed by a throwaway developer key certified by a throwaway anchor, so each timed
// verifyModules() call does the real work end to end: signature, trust path and every file's hash.

import { createHash } from 'node:crypto';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BodyEntry } from '../src/sign/body.js';
import { certified, makeKey } from '../test/helpers/keys.js';
import type { TestKey } from '../test/helpers/keys.js';
import { signModule, writeKeys } from '../test/helpers/modules.js';
import { fillRandom, logNormal, pick } from './prng.js';
import type { Random } from './prng.js';

export const MiB = 1024 * 1024;

export interface Signer {
  readonly anchor: TestKey;
  readonly developer: TestKey;
  /** Directory holding both public keys, passed to verifyModules() as `keys`. */
  readonly keysDir: string;
}

export interface Shape {
  readonly name: string;
  readonly description: string;
  /** Module directories, passed to verifyModules() as `modules`. */
  readonly modules: readonly string[];
  /** Every file size, so the report can show what was actually generated. */
  readonly sizes: readonly number[];
  readonly files: number;
  readonly bytes: number;
}

// Log-normal with median 1.5 KB and sigma 1.85 gives p90 about 16 KB and p99 about 110 KB, close
// to the real tree measured in design.md. The clamp keeps out empty files and absurd outliers.
const SMALL_MEDIAN = 1500;
const SMALL_SIGMA = 1.85;
const SMALL_MIN = 50;
const SMALL_MAX = Math.round(2.5 * MiB);

// Names seen in FreePBX modules, so paths have realistic depth and length.
const DIRS = [
  'assets',
  'js',
  'css',
  'images',
  'views',
  'Api',
  'Rest',
  'Gql',
  'Console',
  'i18n',
  'de_DE',
  'LC_MESSAGES',
  'vendor',
  'src',
  'lib',
  'Backup',
  'Job',
];
const EXTS = ['php', 'php', 'php', 'js', 'css', 'png', 'svg', 'po', 'mo', 'json', 'xml', 'html'];

/** A throwaway anchor (standing in for the FreePBX master key) and a developer key it certifies. */
export async function makeSigner(root: string): Promise<Signer> {
  const anchor = await makeKey('Bench Anchor');
  const developer = await certified(anchor, await makeKey('Bench Developer'));
  const keysDir = join(root, 'keys');
  await writeKeys(keysDir, { anchor: anchor.publicKey, developer: developer.publicKey });
  return { anchor, developer, keysDir };
}

/** `totalFiles` small files spread over `moduleCount` modules, in nested directories. */
export async function writeSmallShape(
  root: string,
  signer: Signer,
  random: Random,
  totalFiles: number,
  moduleCount: number,
): Promise<Shape> {
  const modules: string[] = [];
  const sizes: number[] = [];
  for (let m = 0; m < moduleCount; m++) {
    const dir = join(root, 'small', `module${m + 1}`);
    const count = Math.floor(totalFiles / moduleCount) + (m < totalFiles % moduleCount ? 1 : 0);
    const entries: BodyEntry[] = [];
    for (let i = 0; i < count; i++) {
      const size = Math.round(Math.min(SMALL_MAX, Math.max(SMALL_MIN, logNormal(random, SMALL_MEDIAN, SMALL_SIGMA))));
      const content = new Uint8Array(size);
      fillRandom(random, content);
      const path = smallPath(random, i);
      entries.push(await writeHashed(dir, path, content));
      sizes.push(size);
    }
    await signModule(dir, signer.developer, { entries });
    modules.push(dir);
  }
  const description = `${moduleCount} modules, ${sizes.length} files (log-normal sizes, median ${SMALL_MEDIAN} B)`;
  return shape('small', description, modules, sizes);
}

/** One module of `count` files of `size` bytes each, written in chunks to keep memory flat. */
export async function writeLargeShape(
  root: string,
  signer: Signer,
  random: Random,
  count: number,
  size: number,
): Promise<Shape> {
  const dir = join(root, 'large', 'bigmodule');
  await mkdir(join(dir, 'data'), { recursive: true });
  const entries: BodyEntry[] = [];
  const chunk = new Uint8Array(Math.min(size, 8 * MiB));
  for (let i = 0; i < count; i++) {
    const path = `data/blob${i + 1}.bin`;
    const hash = createHash('sha256');
    const file = await open(join(dir, path), 'w');
    try {
      for (let written = 0; written < size;) {
        const part = chunk.subarray(0, Math.min(chunk.length, size - written));
        fillRandom(random, part);
        hash.update(part);
        await file.write(part);
        written += part.length;
      }
    } finally {
      await file.close();
    }
    entries.push({ path, digest: hash.digest('hex') });
  }
  await signModule(dir, signer.developer, { entries });
  const sizes = Array.from({ length: count }, () => size);
  return shape('large', `1 module, ${count} files of ${size / MiB} MiB`, [dir], sizes);
}

/** A path 0-3 directories deep; the index keeps names unique within the module. */
function smallPath(random: Random, index: number): string {
  const depth = Math.floor(random() * 4);
  const dirs = Array.from({ length: depth }, () => pick(random, DIRS));
  return [...dirs, `file${index}.${pick(random, EXTS)}`].join('/');
}

/** Writes a file and returns its manifest entry (digest computed here, so signing rereads nothing). */
async function writeHashed(moduleDir: string, path: string, content: Uint8Array): Promise<BodyEntry> {
  const full = join(moduleDir, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  return { path, digest: createHash('sha256').update(content).digest('hex') };
}

function shape(name: string, description: string, modules: string[], sizes: number[]): Shape {
  return { name, description, modules, sizes, files: sizes.length, bytes: sizes.reduce((a, b) => a + b, 0) };
}
