// A job's result as stored in Redis: the JobResult as gzip-compressed JSON in base64. Evidence is
// mostly repeated keys and paths, and compresses about tenfold (Redis memory is what limits the size
// of a fleet; see the README's sizing). Key file bytes travel as base64.
//
// Whoever can write to the Redis database can also forge results: Redis is part of the trusted base
// (password, TLS, a database of its own). What arrives is still checked for shape, so a stray or
// stale value fails with a clear message instead of producing a wrong report; evidence that passes
// these checks and still cannot be judged makes its installation "not audited" (assemble.ts).

import { gunzipSync, gzipSync } from 'node:zlib';
import type { InstallationEvidence } from '../verify/evidence-run.js';
import { FLEET_VERSION } from './types.js';
import type { JobResult } from './types.js';

export interface EncodedResult {
  readonly v: typeof FLEET_VERSION;
  readonly gz: string;
}

/** A decompressed result larger than this is refused (a real installation's evidence is well under 10 MB). */
const MAX_RESULT_BYTES = 512 * 1024 * 1024;

type StoredKeyFile = { readonly display: string; readonly bytes: string };

export function encodeResult(result: JobResult): EncodedResult {
  const evidence = result.evidence && {
    ...result.evidence,
    keyFiles: result.evidence.keyFiles.map((f): StoredKeyFile => ({
      display: f.display,
      bytes: Buffer.from(f.bytes).toString('base64'),
    })),
  };
  return { v: FLEET_VERSION, gz: gzipSync(JSON.stringify({ ...result, evidence })).toString('base64') };
}

/** Decodes and checks a stored result; `expectedName` is the installation the job was for. Throws Error naming what is wrong. */
export function decodeResult(value: unknown, expectedName: string): JobResult {
  const encoded = value as Partial<EncodedResult> | null;
  if (encoded?.v !== FLEET_VERSION || typeof encoded.gz !== 'string')
    throw new Error(`not a pbxsig fleet result of version ${FLEET_VERSION}`);
  const result = JSON.parse(
    gunzipSync(Buffer.from(encoded.gz, 'base64'), { maxOutputLength: MAX_RESULT_BYTES }).toString('utf8'),
  ) as Partial<Omit<JobResult, 'evidence'>> & { evidence?: unknown };
  if (result.version !== FLEET_VERSION) throw new Error('the result has no version');
  if (result.name !== expectedName) throw new Error(`the result is for ${JSON.stringify(result.name)}`);
  if (typeof result.root !== 'string' || typeof result.worker !== 'string' || typeof result.threads !== 'number')
    throw new Error('the result lacks its root, worker or threads');
  if (result.status === 'audited') {
    return { ...(result as JobResult), evidence: checkEvidence(result.evidence) };
  } else if (result.status === 'unreadable') {
    if (typeof result.error?.code !== 'string' || typeof result.error.message !== 'string')
      throw new Error('an unreadable result does not say why');
    return { ...(result as JobResult), evidence: null };
  }
  throw new Error(`unknown status ${JSON.stringify(result.status)}`);
}

// Each module of the evidence is an object in its place: its index says where its report goes, so an
// index out of range (4294967294 made an array that long, in a producer deaf to --timeout) or given
// twice is refused with the rest of the result, as is a module that is not an object.
function checkModules(modules: readonly unknown[]): void {
  const seen = new Set<number>();
  for (const value of modules) {
    const module = value as { index?: unknown; target?: unknown; evidence?: unknown } | null;
    if (typeof module !== 'object' || module === null) throw new Error('a module of the evidence is not an object');
    const { index } = module;
    if (
      typeof index !== 'number' ||
      !Number.isInteger(index) ||
      index < 0 ||
      index >= modules.length ||
      seen.has(index)
    )
      throw new Error(`a module of the evidence has an index out of place: ${JSON.stringify(index)}`);
    seen.add(index);
    if (
      typeof module.target !== 'object' ||
      module.target === null ||
      typeof module.evidence !== 'object' ||
      module.evidence === null
    )
      throw new Error(`module ${index} of the evidence has no target or evidence`);
  }
}

function checkEvidence(value: unknown): InstallationEvidence {
  const evidence = value as Partial<Record<keyof InstallationEvidence, unknown>> | null;
  const isStrings = (list: unknown): boolean => Array.isArray(list) && list.every((s) => typeof s === 'string');
  if (
    typeof evidence?.startedAt !== 'string' ||
    typeof evidence.installation !== 'object' ||
    evidence.installation === null ||
    !Array.isArray(evidence.warnings) ||
    !isStrings(evidence.keyWarnings) ||
    !Array.isArray(evidence.modules) ||
    typeof evidence.texts !== 'object' ||
    evidence.texts === null ||
    !Object.values(evidence.texts).every((t) => typeof t === 'string') ||
    !Array.isArray(evidence.keyFiles)
  )
    throw new Error('the result holds no installation evidence');
  checkModules(evidence.modules as unknown[]);
  const keyFiles = (evidence.keyFiles as unknown[]).map((f) => {
    const file = f as Partial<StoredKeyFile> | null;
    if (typeof file?.display !== 'string' || typeof file.bytes !== 'string')
      throw new Error('a key file of the evidence has no name or bytes');
    return { display: file.display, bytes: new Uint8Array(Buffer.from(file.bytes, 'base64')) };
  });
  return { ...(evidence as unknown as InstallationEvidence), keyFiles };
}
