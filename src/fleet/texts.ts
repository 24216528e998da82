// "Digest and bytes on first sight": a worker sends a signed text (module.sig, or a type=local secure
// manifest) with an installation's evidence only when the run has not been sent it yet, so the same
// module version on a thousand PBXs travels once. Redis keeps, per run, the set of digests already
// sent (SISMEMBER, SADD).
//
// A digest joins the set only once the result that carries its text is stored (the job completed):
// a worker that dies or loses its lock before that has sent nothing, and the next worker sends the
// text again. The worst case is a text sent twice, never a text the producer lacks. The producer
// checks every text against its digest where it arrives (assemble.ts), and so does the judge.

import type { Redis } from 'ioredis';
import { PREFIX } from './queues.js';

function textsKey(runId: string): string {
  return `${PREFIX}:texts:${runId}`;
}

/** The digests among `digests` that run `runId` has not been sent yet. */
export async function unsentTexts(redis: Redis, runId: string, digests: readonly string[]): Promise<string[]> {
  if (digests.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const digest of digests) pipeline.sismember(textsKey(runId), digest);
  const answers = (await pipeline.exec()) ?? [];
  return digests.filter((_, i) => {
    const [error, member] = answers[i] ?? [null, 0];
    // An answer that did not come: send the text (twice is harmless, missing is not).
    return error !== null || member !== 1;
  });
}

/** Records that run `runId` has been sent these texts (their result is stored); the set expires with the run. */
export async function markSent(
  redis: Redis,
  runId: string,
  digests: readonly string[],
  retentionSeconds: number,
): Promise<void> {
  if (digests.length === 0) return;
  await redis
    .multi()
    .sadd(textsKey(runId), ...digests)
    .expire(textsKey(runId), retentionSeconds)
    .exec();
}
