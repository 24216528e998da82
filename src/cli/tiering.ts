// When V8 optimises a CLI run's code. V8 hands a function to its optimising compiler once the function
// has run a set amount of bytecode (the interrupt budget, a few times over). A `verify` of a whole
// installation is over in about a second and keeps both cores busy with its two lanes, so compiling
// the code that runs only at start-up (yargs, openpgp.js reading keys, the first units' cold paths)
// costs more CPU than it saves before the run ends. The CLI therefore starts with a budget about 15x
// V8's own and puts V8's own back once the run is past its start, so that a long run (a large tree,
// an audit) is optimised as usual from then on. Figures: README, Performance.
//
// Only where V8's default is known (a test holds this table to `node --v8-options` on the Node that
// runs it): V8 12 (Node 22) tiers up by other flags, and restoring a wrong value would be worse than
// leaving V8 alone.

import { setFlagsFromString } from 'node:v8';

/** The interrupt budget during start-up. */
export const STARTUP_INTERRUPT_BUDGET = 1_000_000;

/** How long start-up lasts: a FreePBX 14-shape run ends within it, a FreePBX 17 one halfway through. */
export const STARTUP_MS = 600;

/** V8's default --interrupt-budget, by V8 version (major.minor): Node 18 and Node 20. */
export const DEFAULT_INTERRUPT_BUDGET: Readonly<Record<string, number>> = { '10.2': 135_168, '11.3': 67_584 };

/** V8's default interrupt budget for this V8 version (process.versions.v8), when known. */
export function defaultInterruptBudget(v8Version: string): number | undefined {
  const [major, minor] = v8Version.split('.');
  return DEFAULT_INTERRUPT_BUDGET[`${major}.${minor}`];
}

/**
 * Raises the interrupt budget now and restores V8's default after STARTUP_MS. V8's flags are
 * process-wide, so worker lanes follow. Does nothing on a V8 whose default is not known.
 */
export function optimiseLateDuringStartup(v8Version = process.versions.v8): void {
  const budget = defaultInterruptBudget(v8Version);
  if (budget === undefined) return;
  setFlagsFromString(`--interrupt-budget=${STARTUP_INTERRUPT_BUDGET}`);
  // Unreferenced: a run that ends sooner does not wait for it.
  setTimeout(() => setFlagsFromString(`--interrupt-budget=${budget}`), STARTUP_MS).unref();
}
