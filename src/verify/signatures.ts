// "Verify once": each distinct module.sig is judged once per run and key material, however many modules
// (or installations) carry it: identical bytes under identical keys share one judgement. openpgp.js is
// loaded only here, lazily, so that the file work starts before it.

import { textDigest } from '../check/read-module-sig.js';
import { ManifestError } from '../errors.js';
import { splitClearsigned } from '../manifest/cleartext.js';
import type { ManifestLimits } from '../manifest/types.js';
import type { KeySource } from '../pgp/key-sources.js';
import type { Judgement, JudgeContext, TrustCache } from './judge-signature.js';

/** The key material of a group (an installation, or the modules named together), loaded once. */
export interface LoadedKeys {
  /** Identifies the key material: equal ids judge alike. */
  readonly id: string;
  readonly context: JudgeContext;
  readonly keyFiles: readonly string[];
  readonly warnings: readonly string[];
}

/** How many judgements were made, and how many identical module.sig files shared one. */
export interface SignatureStats {
  readonly verified: number;
  readonly shared: number;
}

export class Signatures {
  readonly #judge = import('./judge-signature.js');
  readonly #judgements = new Map<string, Promise<Judgement>>();
  // Each signing key is judged once per run, whatever the keyring (installations share identical copies).
  readonly #trustCache: TrustCache = new Map();
  readonly #anchors: readonly string[];
  readonly #now: Date;
  #verified = 0;
  #shared = 0;

  constructor(anchors: readonly string[], now: Date) {
    this.#anchors = anchors;
    this.#now = now;
    this.#judge.catch(() => undefined);
  }

  get stats(): SignatureStats {
    return { verified: this.#verified, shared: this.#shared };
  }

  /** Loads openpgp.js and a group's keys. */
  async loadKeys(sources: readonly KeySource[]): Promise<LoadedKeys> {
    const judge = await this.#judge;
    // With the anchors known at load time, certifications by anyone else are dropped as keys load:
    // only an anchor's certification can make trust, and a flooded key stays cheap.
    const { keyring, warnings } = await judge.loadKeySources(sources, { anchors: this.#anchors });
    return {
      id: keyring.contentId(),
      context: { keyring, anchors: this.#anchors, now: this.#now, trustCache: this.#trustCache },
      keyFiles: keyring.sources.map((s) => s.path),
      warnings,
    };
  }

  /**
   * The judgement of the signed file with this digest under these keys: made once, then shared. `raw`
   * is the whole file as read; it is checked against its digest here, where it arrives, so a text that
   * changed on the way (another thread, a queue) cannot be judged in place of the file it names.
   */
  judge(digest: string, raw: string, limits: ManifestLimits, keys: LoadedKeys): Promise<Judgement> {
    const cacheKey = `${keys.id}\0${digest}`;
    const known = this.#judgements.get(cacheKey);
    if (known) {
      this.#shared++;
      return known;
    }
    const judgement = this.#judge.then((judge) => {
      if (textDigest(raw) !== digest) {
        const error = new ManifestError(
          'MANIFEST_UNREADABLE',
          'the signed text that arrived is not the file read (its digest differs)',
        );
        return { kind: 'unreadable' as const, error };
      }
      let clear;
      try {
        clear = splitClearsigned(raw, limits);
      } catch (error) {
        if (error instanceof ManifestError) return { kind: 'unreadable' as const, error };
        throw error;
      }
      return judge.judgeSignature(clear, keys.context);
    });
    this.#judgements.set(cacheKey, judgement);
    this.#verified++;
    return judgement;
  }
}
