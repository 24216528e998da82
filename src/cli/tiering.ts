// When V8 optimises a CLI run's code. V8 hands a function to its optimising compiler once the function
// has run a set amount of bytecode (the interrupt budget, a few times over). A `verify` of a whole
// installation is over in about a second and keeps both cores busy with its two lanes, and what V8
// optimises early in such a run costs more CPU than it saves before the run ends. So a CLI run with
// worker lanes (cli/warm-start.ts) starts with a budget about 15x V8's own and puts V8's own back once
// the run is past its start. Measured, the gain comes from the lanes' first few hundred ms of file
// work: a 350 ms window kept none of it. A function keeps the budget it was given until it has run
// that much bytecode, and the timer below fires only when the main thread is between units, so a long
// run (a tree ten times FreePBX's) pays for the window once. Figures, for and against: README, Performance.
//
// Only on Node 20 (V8 11.3), where it was measured, and whose default a test holds to `node
// --v8-options`. Node 18 (V8 10.2, default 135,168) is left alone: 1,000,000 measured level there, and
// 20,000,000 gained 1.09x on a FreePBX 17-shape tree but lost 1.30x on a 200,000-file one. V8 12 (Node
// 22) has no such flag.

import { setFlagsFromString } from 'node:v8';

/** The interrupt budget during start-up. */
export const STARTUP_INTERRUPT_BUDGET = 1_000_000;

/** How long start-up lasts: a FreePBX 14-shape run ends within it, a FreePBX 17 one about halfway. */
export const STARTUP_MS = 600;

/** V8's default --interrupt-budget, by V8 version (major.minor), where the CLI changes it: Node 20. */
export const DEFAULT_INTERRUPT_BUDGET: Readonly<Record<string, number>> = { '11.3': 67_584 };

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
  const timer = setTimeout(endStartup, STARTUP_MS).unref();
  restoreDefault = () => {
    clearTimeout(timer);
    setFlagsFromString(`--interrupt-budget=${budget}`);
  };
}

// Puts V8's default back; set while the start-up window is open.
let restoreDefault: (() => void) | undefined;

/**
 * Ends the start-up window now, when it is open. For a run that turns out to keep all file work on
 * the main thread (`threads = 0` in a configuration file, which warm-start.ts cannot see): that thread
 * never pauses for the timer, so it would run cold code for most of the run.
 */
export function endStartup(): void {
  const restore = restoreDefault;
  restoreDefault = undefined;
  restore?.();
}

/** Whether the start-up window is open (for tests). */
export function inStartup(): boolean {
  return restoreDefault !== undefined;
}
