// A job's result as stored in Redis: the JobResult as gzip-compressed JSON in base64. A report of a
// real installation is mostly repeated keys and paths, and compresses about tenfold (Redis memory is
// what limits the size of a fleet; see the README's sizing).
//
// Whoever can write to the Redis database can also forge results: Redis is part of the trusted base
// (password, TLS, a database of its own). What arrives is still checked for shape, so a stray or
// stale value fails with a clear message instead of producing a wrong report.

import { gunzipSync, gzipSync } from 'node:zlib';
import { REPORT_SCHEMA } from '../report/types.js';
import { FLEET_VERSION } from './types.js';
import type { JobResult } from './types.js';

export interface EncodedResult {
  readonly v: typeof FLEET_VERSION;
  readonly gz: string;
}

/** A decompressed result larger than this is refused (a real installation's report is well under 10 MB). */
const MAX_RESULT_BYTES = 512 * 1024 * 1024;

export function encodeResult(result: JobResult): EncodedResult {
  return { v: FLEET_VERSION, gz: gzipSync(JSON.stringify(result)).toString('base64') };
}

/** Decodes and checks a stored result; `expectedName` is the installation the job was for. Throws Error naming what is wrong. */
export function decodeResult(value: unknown, expectedName: string): JobResult {
  const encoded = value as Partial<EncodedResult> | null;
  if (encoded?.v !== FLEET_VERSION || typeof encoded.gz !== 'string')
    throw new Error(`not a pbxsig fleet result of version ${FLEET_VERSION}`);
  const result = JSON.parse(
    gunzipSync(Buffer.from(encoded.gz, 'base64'), { maxOutputLength: MAX_RESULT_BYTES }).toString('utf8'),
  ) as Partial<JobResult> | null;
  if (result?.version !== FLEET_VERSION) throw new Error('the result has no version');
  if (result.name !== expectedName) throw new Error(`the result is for ${JSON.stringify(result.name)}`);
  if (typeof result.root !== 'string' || typeof result.worker !== 'string' || !Array.isArray(result.judgements))
    throw new Error('the result lacks its root, worker or judgements');
  if (result.judgements.some((j) => typeof j !== 'string')) throw new Error('the judgements are not strings');
  if (result.status === 'audited') {
    if (result.report?.schema !== REPORT_SCHEMA || !Array.isArray(result.report.modules))
      throw new Error(`the result holds no ${REPORT_SCHEMA} report`);
  } else if (result.status === 'unreadable') {
    if (typeof result.error?.code !== 'string' || typeof result.error.message !== 'string')
      throw new Error('an unreadable result does not say why');
  } else {
    throw new Error(`unknown status ${JSON.stringify(result.status)}`);
  }
  return result as JobResult;
}
