// How the main thread and the worker lanes share work: units are numbered in the order they are
// published; a lane claims the next number from a shared counter (no message per claim), and answers
// through its own MessagePort with few, plain-data messages. Every unit's description is posted to every
// lane before its number is published, so a lane that claims it already has it in its port's queue.

import type { FilesUnit, HashedFiles } from '../check/hash-files.js';
import type { ModuleUnit } from '../check/check-module.js';
import type { ModuleEvidence, SignedText } from '../check/evidence.js';

export type WorkUnit = ModuleUnit | FilesUnit;

export type UnitResult =
  | { readonly kind: 'module'; readonly evidence: ModuleEvidence }
  | { readonly kind: 'files'; readonly hashed: HashedFiles };

/** A unit as published: its number, and what to do. */
export interface PublishedUnit {
  readonly id: number;
  readonly unit: WorkUnit;
}

/** Indexes into the shared Int32Array. */
export const CONTROL = {
  /** The next unit number to claim. */
  NEXT: 0,
  /** How many units have been published (numbers below this exist). */
  PUBLISHED: 1,
  /** 1 once no more units will come: lanes finish. */
  CLOSED: 2,
  /** Changes on every publish and on close: what an idle lane waits on. */
  EPOCH: 3,
  SIZE: 4,
} as const;

export type ToLane = { readonly type: 'units'; readonly units: readonly PublishedUnit[] };

export type FromLane =
  /** The signed text of a module.sig, sent as soon as it is parsed so that judging starts at once. */
  | { readonly type: 'signed'; readonly id: number; readonly text: SignedText }
  | { readonly type: 'result'; readonly id: number; readonly result: UnitResult }
  /** A bug in a lane (never an expected file outcome, which are results). */
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/** Claims the next published unit number, or returns undefined when none is left right now. */
export function claimNext(control: Int32Array): number | undefined {
  for (;;) {
    const next = Atomics.load(control, CONTROL.NEXT);
    if (next >= Atomics.load(control, CONTROL.PUBLISHED)) return undefined;
    if (Atomics.compareExchange(control, CONTROL.NEXT, next, next + 1) === next) return next;
  }
}
