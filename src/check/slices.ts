// A module larger than one lane's share of the run (framework is half of a FreePBX 17 installation)
// would leave the other lanes idle at the end: it is checked in several units at once, each a
// contiguous slice of its listed files, and their evidence becomes the module's. Pure: what to slice,
// which entries a slice covers, and how slices merge.
//
// Every slice reads and parses module.sig itself (framework's 8,108 entries: about 40 ms, 100 ms in a
// cold thread); only the first hands its signed text over and reports the manifest, only the last walks
// the module for unlisted files. Slices that did not read the same module.sig (and secure manifest)
// report the module as changed while it was verified. Each slice gets its share of the bounded look at
// a manifest whose signature is not yet judged (check/limits.ts), so the slices' total stays within
// the look; a slice that stops at its share has the module checked again as one unit, pinned to the
// first slice's module.sig, with a bounded look of its own: before its signature is judged, a sliced
// module that falls back may have up to twice the look hashed (docs/bounds.md).

import { InternalError } from '../errors.js';
import { changedMeanwhile, mergeFiles } from './evidence.js';
import type { ModuleEvidence } from './evidence.js';
import type { UntrustedLook } from './limits.js';

/** One slice of a module's listed entries: the index-th of `count`. */
export interface Slice {
  readonly index: number;
  readonly count: number;
}

/** No slice is smaller than this many listed files (by module.sig's size): below it, parsing the manifest again costs more than the slice saves. */
export const MIN_FILES_PER_SLICE = 1_000;

/**
 * module.sig bytes per listed file, counted generously: framework's real manifest has 160 (1.3 MB for
 * 8,108 entries). An estimate too high only slices less; one too low (short paths) at worst has a
 * slice stop at its share of the look and the module checked again whole.
 */
const SIG_BYTES_PER_FILE = 160;

/**
 * How many slices each module gets, given each module.sig's size and the lanes: a module more than
 * one lane's share of the run gets one slice per share it holds (at most one per lane). A manifest
 * larger than the bounded look (`lookFiles`) is not sliced: most of it waits for its signature anyway.
 */
export function sliceCounts(sigBytes: readonly number[], lanes: number, lookFiles: number): number[] {
  const total = sigBytes.reduce((sum, bytes) => sum + bytes, 0);
  return sigBytes.map((bytes) => {
    const files = bytes / SIG_BYTES_PER_FILE;
    if (lanes < 2 || total === 0 || files > lookFiles) return 1;
    const shares = (bytes / total) * lanes;
    if (shares <= 1) return 1;
    return Math.max(1, Math.min(lanes, Math.ceil(shares), Math.floor(files / MIN_FILES_PER_SLICE)));
  });
}

/** The entries [from, to) a slice covers among `entries` (all of them for a module not sliced). */
export function sliceRange(entries: number, slice: Slice | undefined): { readonly from: number; readonly to: number } {
  if (!slice) return { from: 0, to: entries };
  return {
    from: Math.floor((entries * slice.index) / slice.count),
    to: Math.floor((entries * (slice.index + 1)) / slice.count),
  };
}

/** A slice's share of the bounded look. */
export function sliceLook(look: UntrustedLook, slice: Slice | undefined): UntrustedLook {
  if (!slice) return look;
  return { files: Math.max(1, Math.floor(look.files / slice.count)), bytes: Math.floor(look.bytes / slice.count) };
}

export type Merged =
  | { readonly kind: 'merged'; readonly evidence: ModuleEvidence }
  /** A slice stopped at its share of the bounded look: check the module again as one unit. */
  | { readonly kind: 'again' };

/** The module's evidence from all its slices, in slice order. */
export function mergeSlices(parts: readonly ModuleEvidence[]): Merged {
  const [lead, ...rest] = parts;
  if (!lead) throw new InternalError('no slice to merge');
  for (const part of rest) {
    const changed = differs(lead, part);
    if (changed !== undefined) return { kind: 'merged', evidence: changedMeanwhile(changed) };
  }
  if (parts.some((part) => part.rest !== null)) return { kind: 'again' };
  const last = parts[parts.length - 1] ?? lead;
  return {
    kind: 'merged',
    evidence: {
      ...lead,
      files: parts.map((part) => part.files).reduce(mergeFiles),
      walk: last.walk,
      identity: parts.find((part) => part.identity !== null)?.identity ?? null,
      rest: null,
    },
  };
}

// What a slice read differently from the first slice (module.sig, or the secure manifest), if anything.
function differs(lead: ModuleEvidence, part: ModuleEvidence): string | undefined {
  const sig = (e: ModuleEvidence): string => (e.sig.state === 'read' ? `read ${e.sig.digest}` : e.sig.state);
  if (sig(lead) !== sig(part)) return 'module.sig';
  const local = (e: ModuleEvidence): string =>
    e.local === null ? 'none' : e.local.state === 'read' ? `read ${e.local.digest}` : e.local.state;
  if (local(lead) !== local(part)) return lead.local?.path ?? part.local?.path ?? 'the secure manifest';
  return undefined;
}
