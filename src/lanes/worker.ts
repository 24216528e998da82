// A worker lane (a piscina task that lasts as long as the lanes): claim the next unit from the shared
// counter, do it, send the result, until the main thread closes the lanes. It blocks on the counter
// while there is nothing to claim: a worker thread may block, and this lane has nothing else to do.
// It never sees keys and never throws an expected failure: outcomes are data (see protocol.ts).

import { receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { EngineName } from '../hash/types.js';
import { CONTROL, claimNext } from './protocol.js';
import type { FromLane, PublishedUnit, ToLane } from './protocol.js';
import { createLaneTools, runUnit } from './run-unit.js';

export interface LaneTask {
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly engine: EngineName;
}

/** Runs until the lanes are closed; resolves with the number of units this lane did. */
export default async function lane(task: LaneTask): Promise<number> {
  const control = new Int32Array(task.control);
  const tools = await createLaneTools(task.engine);
  const units = new Map<number, PublishedUnit>();
  const send = (message: FromLane): void => task.port.postMessage(message);
  let done = 0;

  const receive = (): void => {
    for (let message = receiveMessageOnPort(task.port); message; message = receiveMessageOnPort(task.port)) {
      for (const published of (message.message as ToLane).units) units.set(published.id, published);
    }
  };

  for (;;) {
    // Read the epoch before claiming: a publish or close after this changes it, so the wait below
    // returns at once instead of sleeping through it.
    const epoch = Atomics.load(control, CONTROL.EPOCH);
    const id = claimNext(control);
    if (id === undefined) {
      if (Atomics.load(control, CONTROL.CLOSED) === 1) break;
      Atomics.wait(control, CONTROL.EPOCH, epoch);
      continue;
    }
    receive();
    const unit = units.get(id);
    units.delete(id);
    if (!unit) {
      send({ type: 'failed', id, message: `lane: unit ${id} was claimed before its description arrived` });
      continue;
    }
    try {
      const result = runUnit(unit, tools, (text) => send({ type: 'signed', id, text }));
      send({ type: 'result', id, result });
      done++;
    } catch (error) {
      send({ type: 'failed', id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  }
  task.port.close();
  return done;
}
