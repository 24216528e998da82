// The results of a hash run, packed: a status byte and a size per file, details only for the few
// that did not match. Grows as jobs are added (a run may be fed module by module).

import { DIGEST_BYTES, FILE } from './types.js';
import type { HashTaskResult } from './types.js';

export type FileResult =
  | {
      readonly status: 'match' | 'mismatch';
      readonly size: number;
      readonly viaLink: boolean;
      readonly actual?: string;
    }
  | { readonly status: 'missing' | 'unsafe' | 'unreadable'; readonly reason: string };

/** Results of a run, packed: a status byte and a size per job, details only for failures. */
export class HashResults {
  #status: Uint8Array;
  #size: Float64Array;
  #digests: Uint8Array | undefined;
  readonly #details = new Map<number, { reason?: string; actual?: string }>();

  constructor(capacity = 1024) {
    this.#status = new Uint8Array(capacity).fill(FILE.PENDING);
    this.#size = new Float64Array(capacity);
  }

  /** Makes room for jobs [0, count). */
  reserve(count: number): void {
    if (count <= this.#status.length) return;
    const capacity = Math.max(count, this.#status.length * 2);
    const status = new Uint8Array(capacity).fill(FILE.PENDING);
    status.set(this.#status);
    const size = new Float64Array(capacity);
    size.set(this.#size);
    this.#status = status;
    this.#size = size;
    if (this.#digests) {
      const digests = new Uint8Array(capacity * DIGEST_BYTES);
      digests.set(this.#digests);
      this.#digests = digests;
    }
  }

  /** Stores a task's results for jobs [start, start + result.done). */
  store(start: number, result: HashTaskResult): void {
    this.#status.set(result.status.subarray(0, result.done), start);
    this.#size.set(result.size.subarray(0, result.done), start);
    if (result.digests) {
      this.#digests ??= new Uint8Array(this.#status.length * DIGEST_BYTES);
      this.#digests.set(result.digests.subarray(0, result.done * DIGEST_BYTES), start * DIGEST_BYTES);
    }
    for (const detail of result.details) {
      this.#details.set(start + detail.index, {
        ...(detail.reason !== undefined ? { reason: detail.reason } : {}),
        ...(detail.actual !== undefined ? { actual: detail.actual } : {}),
      });
    }
  }

  /** The digest computed for job `index` (lower-case hex), when digests were asked for. */
  digestHex(index: number): string | undefined {
    if (!this.#digests || this.get(index)?.status !== 'match') return undefined;
    return Buffer.from(this.#digests.subarray(index * DIGEST_BYTES, (index + 1) * DIGEST_BYTES)).toString('hex');
  }

  /** The result for job `index`, or undefined while it is pending. */
  get(index: number): FileResult | undefined {
    const code = this.#status[index];
    if (code === undefined || code === FILE.PENDING) return undefined;
    const status = code & ~FILE.VIA_LINK;
    const detail = this.#details.get(index);
    if (status === FILE.MATCH || status === FILE.MISMATCH) {
      const base = { size: this.#size[index] ?? 0, viaLink: (code & FILE.VIA_LINK) !== 0 };
      return status === FILE.MATCH
        ? { status: 'match', ...base }
        : { status: 'mismatch', ...base, ...(detail?.actual ? { actual: detail.actual } : {}) };
    }
    const reason = detail?.reason ?? 'unknown';
    return { status: status === FILE.MISSING ? 'missing' : status === FILE.UNSAFE ? 'unsafe' : 'unreadable', reason };
  }
}
