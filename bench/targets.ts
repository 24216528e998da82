// The speed issue's targets as checks over a run's report: each met, missed, or not measured (its
// suite or shape did not run). A target measured on a tree smaller than its shape (--quick) still
// gets a verdict, marked as such: only a full run on a quiet machine says whether it is met.

import type { ShapeRun } from './installation-suite.js';
import type { ScalingSuite } from './scaling.js';

export interface TargetCheck {
  readonly target: string;
  /** The measured value in the target's unit (a ratio, or MiB); null when not measured. */
  readonly value: number | null;
  readonly verdict: 'met' | 'missed' | 'not measured';
  /** Why the verdict is weaker than it looks (a smaller tree), or why it is missing. */
  readonly note: string | null;
}

/** What the targets read of a report (a whole FullReport fits). */
export interface TargetInput {
  readonly installation?: {
    readonly shapes: ReadonlyArray<Pick<ShapeRun, 'base' | 'full' | 'peakRssMiB' | 'ratios'>>;
  };
  readonly scaling?: Pick<ScalingSuite, 'memoryTarget'>;
}

interface Target {
  readonly target: string;
  readonly unit: 'ratio' | 'MiB';
  /** For a ratio: at least this (strictly more than 1 for "faster than"); for MiB: at most this. */
  readonly bound: number;
  readonly strict?: boolean;
  readonly measure: (input: TargetInput) => { value: number | null; note: string | null };
}

/** The ratio of command `than` over command `of`, on the shape `base`. */
function ratioOn(base: string, of: string, than: string): Target['measure'] {
  return (input) => {
    const run = input.installation?.shapes.find((s) => s.base === base);
    if (!run) return { value: null, note: `the ${base} shape did not run` };
    const ratio = run.ratios.find((r) => r.of === of && r.than === than);
    return { value: ratio && Number.isFinite(ratio.value) ? ratio.value : null, note: smaller(run) };
  };
}

function smaller(run: Pick<ShapeRun, 'base' | 'full'>): string | null {
  return run.full ? null : `measured on a smaller tree than ${run.base} (--quick)`;
}

export const TARGETS: readonly Target[] = [
  {
    target: 'FreePBX 17 shape: at least 1.5x faster than gpgv + sha256sum -c (framework mapped)',
    unit: 'ratio',
    bound: 1.5,
    measure: ratioOn('freepbx17', 'default', 'gpgv-sha256sum'),
  },
  {
    target: 'FreePBX 17 shape: faster than the Python hashlib loop (which checks no signature)',
    unit: 'ratio',
    bound: 1,
    strict: true,
    measure: ratioOn('freepbx17', 'default', 'python-hashlib'),
  },
  {
    target: '120-module shape (FreePBX 16): at least 2.5x faster than gpgv + sha256sum -c',
    unit: 'ratio',
    bound: 2.5,
    measure: ratioOn('freepbx16', 'default', 'gpgv-sha256sum'),
  },
  {
    target: 'FreePBX 14 shape: at least as fast as gpgv + sha256sum -c (0.9x or better)',
    unit: 'ratio',
    bound: 0.9,
    measure: ratioOn('freepbx14', 'default', 'gpgv-sha256sum'),
  },
  {
    target: 'FreePBX 17 shape: the second lane gains at least 1.2x (default vs --threads 0)',
    unit: 'ratio',
    bound: 1.2,
    measure: ratioOn('freepbx17', 'default', 'main'),
  },
  {
    target: 'FreePBX 17 shape: peak RSS no worse than about 140 MiB',
    unit: 'MiB',
    bound: 140,
    measure: (input) => {
      const run = input.installation?.shapes.find((s) => s.base === 'freepbx17');
      if (!run) return { value: null, note: 'the freepbx17 shape did not run' };
      return { value: run.peakRssMiB, note: run.peakRssMiB === null ? 'no way to read peak RSS here' : smaller(run) };
    },
  },
  {
    target: 'Scaling: peak RSS at most 200 MiB at 500,000 files',
    unit: 'MiB',
    bound: 200,
    measure: (input) => {
      const memory = input.scaling?.memoryTarget;
      if (!memory) return { value: null, note: 'the scaling suite did not run' };
      if (memory.peakRssMiB !== null) return { value: memory.peakRssMiB, note: null };
      return {
        value: null,
        note: `this run's largest tree had ${memory.largest.files.toLocaleString('en-US')} files (peak ${memory.largest.peakRssMiB === null ? 'n/a' : `${memory.largest.peakRssMiB.toFixed(0)} MiB`})`,
      };
    },
  },
];

export function checkTargets(input: TargetInput): TargetCheck[] {
  return TARGETS.map((t) => {
    const { value, note } = t.measure(input);
    const met =
      value === null ? null : t.unit === 'MiB' ? value <= t.bound : t.strict ? value > t.bound : value >= t.bound;
    return { target: t.target, value, verdict: met === null ? 'not measured' : met ? 'met' : 'missed', note };
  });
}

export function renderTargets(checks: readonly TargetCheck[]): string {
  const shown = (c: TargetCheck): string =>
    c.value === null
      ? '–'
      : TARGETS.find((t) => t.target === c.target)?.unit === 'MiB'
        ? `${c.value.toFixed(0)} MiB`
        : `${c.value.toFixed(2)}×`;
  const lines = [
    '',
    '## Targets (issue 10)',
    '',
    'Ratios are peer median / pbxsig median, measured side by side in this run: above 1, pbxsig is faster.',
    '',
    '| target | measured | verdict |',
    '|---|--:|---|',
    ...checks.map(
      (c) =>
        `| ${c.target} | ${shown(c)} | ${c.verdict === 'met' ? 'met' : `**${c.verdict}**`}${c.note ? ` (${c.note})` : ''} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
