// The lanes that do the file work: worker threads (one long piscina task each, so piscina's fixed costs
// are paid once and there is no message per claim) and the main thread, which joins in whenever it has
// nothing more urgent to do. Units go to whichever lane is free next (see protocol.ts); on two cores that
// is one worker and the main thread: a third busy thread only makes the other two slower (docs/architecture.md).

import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { InternalError } from '../errors.js';
import type { EngineName } from '../hash/types.js';
import { CONTROL, claimNext } from './protocol.js';
import type { FromLane, PublishedUnit, ToLane, UnitResult, WorkUnit } from './protocol.js';
import type { SignedText } from '../check/evidence.js';
import { createLaneTools, runUnit } from './run-unit.js';
import type { LaneTools } from '../check/check-module.js';
import { startLanePool } from './pool.js';
import type { LanePool } from './pool.js';
import { takeWarmLanes } from './warm.js';

/** Told about each unit of a publish: its signed text (modules only), then its result, or a failure. */
export interface UnitListener {
  signed(id: number, text: SignedText): void;
  result(id: number, result: UnitResult): void;
  failed(error: Error): void;
}

export interface LanesOptions {
  /** Worker threads beside the main thread; 0 does all the file work on the main thread. */
  readonly workers: number;
  readonly engine: EngineName;
}

export class Lanes {
  readonly workers: number;
  readonly #control = new Int32Array(new SharedArrayBuffer(CONTROL.SIZE * Int32Array.BYTES_PER_ELEMENT));
  readonly #ports: MessagePort[] = [];
  readonly #tasks: Array<Promise<number>> = [];
  readonly #pool: LanePool | undefined;
  readonly #units = new Map<number, PublishedUnit>();
  readonly #listeners = new Map<number, UnitListener>();
  readonly #mainTools: Promise<LaneTools>;
  #published = 0;
  #closed = false;

  private constructor(options: LanesOptions, pool: LanePool | undefined) {
    this.workers = pool ? options.workers : 0;
    this.#pool = pool;
    this.#mainTools = createLaneTools(options.engine);
    this.#mainTools.catch(() => undefined);
    for (let i = 0; pool && i < options.workers; i++) {
      const { port1, port2 } = new MessageChannel();
      port1.on('message', (message: FromLane) => this.#receive(message));
      this.#ports.push(port1);
      const task = pool.run(
        { control: this.#control.buffer, port: port2, engine: options.engine },
        { transferList: [port2] },
      );
      // A lane that dies fails every unit still out: nothing else would ever answer for them.
      task.catch((error: unknown) => this.#failAll(error));
      this.#tasks.push(task);
    }
  }

  /** Starts the worker threads (they boot while the caller goes on), or takes warm ones (warm.ts). */
  static start(options: LanesOptions): Promise<Lanes> {
    return new Promise((resolve) => {
      const warm = takeWarmLanes(options.workers);
      resolve(new Lanes(options, options.workers > 0 ? (warm ?? startLanePool(options.workers)) : undefined));
    });
  }

  /** Publishes units for any lane to claim, in this order; returns their ids. */
  publish(units: readonly WorkUnit[], listener: UnitListener): number[] {
    if (this.#closed) throw new InternalError('units published after the lanes were closed');
    const first = this.#published;
    const published: PublishedUnit[] = units.map((unit, i) => ({ id: first + i, unit }));
    for (const p of published) {
      this.#units.set(p.id, p);
      this.#listeners.set(p.id, listener);
    }
    const message: ToLane = { type: 'units', units: published };
    for (const port of this.#ports) port.postMessage(message);
    this.#published += units.length;
    Atomics.store(this.#control, CONTROL.PUBLISHED, this.#published);
    this.#wake();
    return published.map((p) => p.id);
  }

  /** Publishes units and resolves with their results in order, this thread taking part. */
  async runAll(units: readonly WorkUnit[]): Promise<UnitResult[]> {
    const results: UnitResult[] = [];
    let left = units.length;
    const all = new Promise<UnitResult[]>((resolve, reject) => {
      if (left === 0) resolve(results);
      const ids = this.publish(units, {
        signed: () => undefined,
        result: (id, result) => {
          results[id - (ids[0] ?? 0)] = result;
          if (--left === 0) resolve(results);
        },
        failed: reject,
      });
    });
    // Rejected while this thread is still at work: handled below, not an unhandled rejection.
    all.catch(() => undefined);
    while (await this.workOneOnMain()) await nextTurn();
    return all;
  }

  /**
   * The main thread's share of the file work: claims one unit and does it, after handling what the worker
   * lanes sent meanwhile. Resolves false when there was nothing left to claim.
   */
  async workOneOnMain(): Promise<boolean> {
    const tools = await this.#mainTools;
    this.#drain();
    const id = claimNext(this.#control);
    if (id === undefined) return false;
    const published = this.#units.get(id);
    const listener = this.#listeners.get(id);
    if (!published || !listener) throw new InternalError(`main lane: unit ${id} is unknown`);
    this.#units.delete(id);
    this.#listeners.delete(id);
    let result: UnitResult;
    try {
      // Copied as a worker lane's result is when it crosses threads: strings cut from a module.sig's
      // text (a path, the signedwith header) would otherwise keep the whole text alive for the rest of
      // the run (V8 keeps a substring as a slice of its parent), about 100 bytes per listed file.
      result = structuredClone(runUnit(published, tools, (text) => listener.signed(id, text)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      listener.failed(new InternalError(`the main lane failed: ${message}`, { cause: error }));
      return true;
    }
    listener.result(id, result);
    this.#drain();
    return true;
  }

  /** Stops the worker lanes once they finish what they hold. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    Atomics.store(this.#control, CONTROL.CLOSED, 1);
    this.#wake();
    await Promise.allSettled(this.#tasks);
    this.#drain();
    for (const port of this.#ports) port.close();
    await this.#pool?.destroy();
  }

  // Messages that arrived while this thread was busy: handled in order, without waiting for the event loop.
  #drain(): void {
    for (const port of this.#ports) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) this.#receive(m.message as FromLane);
    }
  }

  #receive(message: FromLane): void {
    const listener = this.#listeners.get(message.id);
    if (!listener) return;
    if (message.type === 'signed') {
      listener.signed(message.id, message.text);
      return;
    }
    this.#listeners.delete(message.id);
    this.#units.delete(message.id);
    if (message.type === 'result') listener.result(message.id, message.result);
    else listener.failed(new InternalError(`a lane failed: ${message.message}`));
  }

  #failAll(error: unknown): void {
    const failure = new InternalError(
      `a worker lane stopped: ${error instanceof Error ? error.message : String(error)}`,
    );
    const listeners = new Set(this.#listeners.values());
    this.#listeners.clear();
    for (const listener of listeners) listener.failed(failure);
  }

  #wake(): void {
    Atomics.add(this.#control, CONTROL.EPOCH, 1);
    Atomics.notify(this.#control, CONTROL.EPOCH);
  }
}
