// When V8 optimises a CLI run's code. V8 hands a function to its optimising compiler once the function
// has run a set amount of bytecode (the interrupt budget, a few times over). A `verify` of a whole
// installation is over in about a second and keeps both cores busy with its two lanes, and what V8
// optimises early in such a run costs more CPU than it saves before the run ends. So a CLI run with
// worker lanes (cli/warm-start.ts) starts with V8 optimising late and puts V8's own way back once the
// run is past its start. The timer below fires only when the main thread is between units, so a long
// run (a tree ten times FreePBX's) pays for the window once. Figures, for and against: README, Performance.
//
// How, by V8 version, each measured side by side (interleaved pairs of cold processes):
// - Node 20 (V8 11.3): an interrupt budget about 15x V8's own for 600 ms. The gain comes from the lanes' first few
//   hundred ms of file work: a 350 ms window kept none of it. A function keeps the budget it was given
//   until it has run that much bytecode, so the window's length is not all it costs.
// - Node 18 (V8 10.2): no optimising compiler during the window (--no-opt), V8's --opt after it. With
//   600 ms, a FreePBX 17-shape verify took 0.89x the time and a 200,000-file tree was level (0.995x);
//   800 ms against 600: FreePBX 17 shape 0.92x and 0.96x (two runs), 120-module shape 0.88x,
//   200,000 files level (1.00x); 1,000 ms lost 1.07-1.15x on the 200,000-file tree, and --no-opt for
//   the whole run 1.18x. A raised budget did not do it on V8 10.2: 1,000,000 was level, 20,000,000
//   gained 1.09x on the FreePBX 17 shape but lost 1.30x on the 200,000-file tree.
// Other versions are left alone (V8 12, Node 22, has no --interrupt-budget). A test holds each `after`
// to V8's default as `node --v8-options` prints it.

import { setFlagsFromString } from 'node:v8';

/** The interrupt budget during start-up, on V8 11.3. */
export const STARTUP_INTERRUPT_BUDGET = 1_000_000;

/** The V8 flags that make V8 optimise late (`during`), for how long, and that put its default back (`after`). */
export interface LateTiering {
  readonly during: string;
  /** How long start-up lasts, in ms. */
  readonly windowMs: number;
  readonly after: string;
}

/** By V8 version (major.minor): where it was measured. */
export const LATE_TIERING: Readonly<Record<string, LateTiering>> = {
  '11.3': {
    during: `--interrupt-budget=${STARTUP_INTERRUPT_BUDGET}`,
    windowMs: 600,
    after: '--interrupt-budget=67584',
  },
  '10.2': { during: '--no-opt', windowMs: 800, after: '--opt' },
};

/** How this V8 version (process.versions.v8) is made to optimise late, when known. */
export function lateTiering(v8Version: string): LateTiering | undefined {
  const [major, minor] = v8Version.split('.');
  return LATE_TIERING[`${major}.${minor}`];
}

/**
 * Makes V8 optimise late now and puts its default back after the window. V8's flags are
 * process-wide, so worker lanes follow. Does nothing on a V8 version not measured.
 */
export function optimiseLateDuringStartup(v8Version = process.versions.v8): void {
  const tiering = lateTiering(v8Version);
  if (tiering === undefined) return;
  setFlagsFromString(tiering.during);
  // Unreferenced: a run that ends sooner does not wait for it.
  const timer = setTimeout(endStartup, tiering.windowMs).unref();
  restoreDefault = () => {
    clearTimeout(timer);
    setFlagsFromString(tiering.after);
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
