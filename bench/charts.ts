// The benchmark's charts, as Vega-Lite specs drawn from a run's report (the JSON in bench/results/),
// rendered to SVG by chart-svg.ts. One chart per suite, named after the report field it draws, and
// drawn only when that field is present (a `--only` run leaves the others out).
//
// Colours: pbxsig in blues, every other tool in oranges, the same in every chart, so a reader can tell
// "ours" from "theirs" at a glance; the darkest blue is pbxsig's default setting.
//
// Adding a chart for another suite: add its field to ChartReport (Pick what the chart reads from the
// suite's own type, so a whole report stays assignable to it), write a draw function, and add
// `chart('<field>', drawIt)` to CHARTS.

import type { Config, TopLevelSpec } from 'vega-lite';
import type { AuditRun, AuditSuite } from './audit.js';
import { FONT, renderSvg } from './chart-svg.js';
import { fixed, mib } from './format.js';
import type { ProcessResult } from './processes.js';
import type { TreeSummary } from './installation.js';
import type { ShapeRun } from './installation-suite.js';
import type { Machine } from './report.js';
import type { ScalingPoint, ScalingResult, ScalingSuite, ThreadsSweep } from './scaling.js';

type Timing = Pick<ProcessResult, 'medianMs' | 'minMs' | 'maxMs'>;

// Vega-Lite's own types for the pieces built here (its package exports only the top-level ones).
type LayeredSpec = Extract<TopLevelSpec, { layer: unknown }>;
type Layer = LayeredSpec['layer'][number];
type UnitLayer = Extract<Layer, { mark: unknown }>;
type Encoding = NonNullable<UnitLayer['encoding']>;
type HConcat = Extract<TopLevelSpec, { hconcat: unknown }>;
type VConcat = Extract<TopLevelSpec, { vconcat: unknown }>;
type Panel = HConcat['hconcat'][number];

/** What the charts read of a report: a run's whole report (summary.ts's FullReport) fits this. */
export interface ChartReport {
  readonly date: string;
  readonly quick: boolean;
  readonly machine: Pick<Machine, 'cpuModel' | 'availableParallelism' | 'shaNi' | 'node'>;
  readonly installation?: {
    readonly shapes: ReadonlyArray<
      Pick<ShapeRun, 'rounds' | 'full'> & {
        readonly tree: Pick<TreeSummary, 'shape' | 'description' | 'modules' | 'checked' | 'checkedBytes'>;
        readonly results: ReadonlyArray<Timing & Pick<ProcessResult, 'id' | 'label' | 'command'>>;
      }
    >;
  };
  readonly audit?: {
    readonly tree: Pick<AuditSuite['tree'], 'checked' | 'checkedBytes'>;
    readonly runs: ReadonlyArray<
      Pick<AuditRun, 'installations' | 'rounds'> & {
        readonly audit: Timing & Pick<AuditRun['audit'], 'peakRssMiB'>;
        readonly verify: Timing & Pick<AuditRun['verify'], 'peakRssMiB'>;
      }
    >;
  };
  readonly scaling?: {
    readonly sizes: ReadonlyArray<
      Pick<ScalingPoint, 'files'> & {
        readonly results: ReadonlyArray<Timing & Pick<ScalingResult, 'label' | 'peakRssMiB'>>;
      }
    >;
    readonly threads: Pick<ThreadsSweep, 'files'> & {
      readonly results: ReadonlyArray<Timing & { readonly threads: 'auto' | number }>;
    };
    readonly memoryTarget: Pick<ScalingSuite['memoryTarget'], 'limitMiB'>;
  };
}

type SuiteField = 'installation' | 'audit' | 'scaling';

export interface Chart {
  /** The report field it draws; also the file name's suffix (`<results base>-<name>.svg`). */
  readonly name: SuiteField;
  readonly svg: string;
}

interface ChartDef {
  readonly name: SuiteField;
  readonly spec: (report: ChartReport) => TopLevelSpec | undefined;
}

function chart<K extends SuiteField>(
  name: K,
  draw: (suite: NonNullable<ChartReport[K]>, report: ChartReport) => TopLevelSpec,
): ChartDef {
  return {
    name,
    spec: (report) => {
      const suite = report[name];
      return suite === undefined ? undefined : draw(suite, report);
    },
  };
}

const CHARTS: readonly ChartDef[] = [
  chart('installation', drawInstallation),
  chart('audit', drawAudit),
  chart('scaling', drawScaling),
];

/** Every chart name this module can draw, in order (to remove a chart file a newer report no longer has). */
export const CHART_NAMES: readonly SuiteField[] = CHARTS.map((c) => c.name);

/** The charts of the suites present in `report`, as SVG text. */
export async function renderCharts(report: ChartReport): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const def of CHARTS) {
    const spec = def.spec(report);
    if (spec) charts.push({ name: def.name, svg: await renderSvg(spec) });
  }
  return charts;
}

// ---- Shared look ---------------------------------------------------------------------------------

const PBXSIG = { strong: '#1f4e79', main: '#3b78b5', light: '#8fb8de' } as const;
const PEER = { main: '#d9731a', light: '#f0b27a' } as const;
/** Lines that must be told apart within a family: darkest first. */
const PBXSIG_SHADES = [PBXSIG.strong, PBXSIG.main, PBXSIG.light, '#b9d3ea'] as const;
const PEER_SHADES = [PEER.main, '#8f4309', PEER.light, '#c98a4b'] as const;
const TEXT = '#333333';
const MUTED = '#666666';
const WIDTH = 480;
const BAR_STEP = 26;

const CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 12,
  view: { stroke: null },
  title: {
    fontSize: 14,
    fontWeight: 'bold',
    color: TEXT,
    subtitleFontSize: 11,
    subtitleColor: MUTED,
    anchor: 'start',
    offset: 12,
    subtitlePadding: 4,
  },
  axis: {
    labelFontSize: 11,
    labelColor: TEXT,
    titleFontSize: 11,
    titleFontWeight: 'normal',
    titleColor: TEXT,
    domainColor: '#999999',
    tickColor: '#999999',
    gridColor: '#e8e8e8',
  },
  axisBand: { domain: false, ticks: false, grid: false, labelPadding: 6, labelLimit: 340 },
  legend: {
    orient: 'top',
    direction: 'horizontal',
    labelFontSize: 11,
    labelColor: TEXT,
    title: null,
    symbolType: 'square',
    labelLimit: 400,
  },
};

/** "AMD EPYC, 2 CPUs with SHA-NI, Node v20.20.2 · 2026-11-22": the machine line under every title (SHA-NI sets hashing speed). */
function machineLine(report: ChartReport): string {
  const { machine } = report;
  return `${machine.cpuModel}, ${machine.availableParallelism} CPUs${machine.shaNi ? ' with SHA-NI' : ''}, Node ${machine.node} · ${report.date.slice(0, 10)}${report.quick ? ' · --quick run (smaller trees)' : ''}`;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

function rounds(count: number): string {
  return plural(count, 'round');
}

/** "3 rounds for N = 1, 5; 1 round for N = 20": the audit suite runs fewer rounds of its larger N. */
function roundsPerN(runs: NonNullable<ChartReport['audit']>['runs']): string {
  const groups: { rounds: number; ns: number[] }[] = [];
  for (const run of runs) {
    const last = groups.at(-1);
    if (last && last.rounds === run.rounds) last.ns.push(run.installations);
    else groups.push({ rounds: run.rounds, ns: [run.installations] });
  }
  return groups.length === 1
    ? rounds(groups[0]?.rounds ?? 0)
    : groups.map((g) => `${rounds(g.rounds)} for N = ${g.ns.join(', ')}`).join('; ');
}

/** Horizontal bars of median time per row with min–max whiskers and the median written past the whisker. */
function barLayers(xTitle: string, color: Encoding['color']): Layer[] {
  const x: Encoding['x'] = {
    field: 'median',
    type: 'quantitative',
    title: xTitle,
    axis: { format: ',d', tickCount: 6 },
  };
  const y: Encoding['y'] = { field: 'label', type: 'nominal', title: null, sort: null };
  return [
    { mark: { type: 'bar', height: { band: 0.7 } }, encoding: { x, y, ...(color ? { color } : {}) } },
    {
      mark: { type: 'rule', color: TEXT, strokeWidth: 1.2 },
      encoding: { x: { field: 'min', type: 'quantitative' }, x2: { field: 'max' }, y },
    },
    {
      mark: { type: 'tick', color: TEXT, thickness: 1.2, size: 9 },
      encoding: { x: { field: 'min', type: 'quantitative' }, y },
    },
    {
      mark: { type: 'tick', color: TEXT, thickness: 1.2, size: 9 },
      encoding: { x: { field: 'max', type: 'quantitative' }, y },
    },
    {
      mark: { type: 'text', align: 'left', dx: 5, fontSize: 11, color: TEXT },
      encoding: { x: { field: 'max', type: 'quantitative' }, y, text: { field: 'text' } },
    },
  ];
}

// ---- installation --------------------------------------------------------------------------------

/** pbxsig's own runs are the commands labelled "pbxsig, ..."; every other command is a peer tool. */
function isPbxsig(result: { readonly label: string }): boolean {
  return /^pbxsig\b/.test(result.label);
}

/** pbxsig's default setting is labelled "... (default)" in every suite (its id differs between suites). */
function isDefault(result: { readonly label: string }): boolean {
  return isPbxsig(result) && /\(default\)/.test(result.label);
}

/** A colour per label: pbxsig's in blues (its default darkest), peers' in oranges, each in order. */
function shades(labels: readonly string[]): { domain: string[]; range: string[] } {
  const ours = [
    ...labels.filter((l) => isDefault({ label: l })),
    ...labels.filter((l) => isPbxsig({ label: l }) && !isDefault({ label: l })),
  ];
  const theirs = labels.filter((l) => !isPbxsig({ label: l }));
  const pick = (palette: readonly string[], i: number): string => palette[Math.min(i, palette.length - 1)] ?? TEXT;
  return {
    domain: [...ours, ...theirs],
    range: [...ours.map((_, i) => pick(PBXSIG_SHADES, i)), ...theirs.map((_, i) => pick(PEER_SHADES, i))],
  };
}

function drawInstallation(suite: NonNullable<ChartReport['installation']>, report: ChartReport): TopLevelSpec {
  const panel = (run: NonNullable<ChartReport['installation']>['shapes'][number]): VConcat['vconcat'][number] => {
    // Fastest first; pbxsig's default (the darkest bar) is what a user gets.
    const rows = [...run.results]
      .sort((a, b) => a.medianMs - b.medianMs)
      .map((r) => ({
        label: r.label,
        median: r.medianMs,
        min: r.minMs,
        max: r.maxMs,
        text: `${fixed(r.medianMs)} ms`,
        tool: isDefault(r) ? 'pbxsig (default)' : isPbxsig(r) ? 'pbxsig' : 'other tools',
      }));
    const domain = ['pbxsig (default)', 'pbxsig', 'other tools'];
    const range = [PBXSIG.strong, PBXSIG.light, PEER.main];
    const { tree } = run;
    return {
      title: {
        text: `${tree.description}: ${plural(tree.modules, 'module')}, ${plural(tree.checked, 'file')} checked, ${mib(tree.checkedBytes)}${run.full ? '' : ' (--quick: smaller)'}`,
        fontSize: 12,
        subtitle: `median of ${rounds(run.rounds)}`,
      },
      width: WIDTH,
      height: { step: BAR_STEP },
      data: { values: rows },
      layer: barLayers('wall time (ms), lower is better', {
        field: 'tool',
        type: 'nominal',
        scale: { domain, range },
        legend: null,
      }),
    };
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: 'Verifying whole installations: pbxsig against its peers',
      subtitle: [
        'Cold process each, warm page cache. Bars: median; whiskers: min–max. Darkest: pbxsig by default; orange: other tools.',
        machineLine(report),
      ],
    },
    vconcat: suite.shapes.map(panel),
    spacing: 28,
    resolve: { scale: { x: 'independent' } },
  } satisfies VConcat;
}

// ---- audit ---------------------------------------------------------------------------------------

const AUDIT_SERIES = 'pbxsig audit, all N roots in one process';
const VERIFY_SERIES = 'pbxsig verify --root, once per root';

function drawAudit(suite: NonNullable<ChartReport['audit']>, report: ChartReport): TopLevelSpec {
  const counts = suite.runs.map((r) => r.installations);
  const largest = Math.max(...counts);
  const time = suite.runs.flatMap((r) => [
    {
      n: r.installations,
      series: AUDIT_SERIES,
      median: r.audit.medianMs / 1000,
      min: r.audit.minMs / 1000,
      max: r.audit.maxMs / 1000,
    },
    {
      n: r.installations,
      series: VERIFY_SERIES,
      median: r.verify.medianMs / 1000,
      min: r.verify.minMs / 1000,
      max: r.verify.maxMs / 1000,
    },
  ]);
  const rss = suite.runs.flatMap((r) => [
    ...(r.audit.peakRssMiB === null ? [] : [{ n: r.installations, series: AUDIT_SERIES, median: r.audit.peakRssMiB }]),
    ...(r.verify.peakRssMiB === null
      ? []
      : [{ n: r.installations, series: VERIFY_SERIES, median: r.verify.peakRssMiB }]),
  ]);
  const color: Encoding['color'] = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: [AUDIT_SERIES, VERIFY_SERIES], range: [PBXSIG.strong, PBXSIG.light] },
  };
  const x: Encoding['x'] = {
    field: 'n',
    type: 'quantitative',
    title: 'installations (N)',
    scale: { domain: [0, largest], nice: false },
    axis: { values: counts, format: 'd', grid: false },
  };
  const lastPoints: Layer = {
    mark: { type: 'text', align: 'left', dx: 7, fontSize: 11, color: TEXT },
    transform: [{ filter: `datum.n == ${largest}` }],
    encoding: { x, y: { field: 'median', type: 'quantitative' }, text: { field: 'text' } },
  };
  // No panel titles: the y axis titles say what each panel is (and side-by-side titles sit at uneven heights).
  const panel = (
    yTitle: string,
    values: Record<string, number | string>[],
    unit: string,
    digits: number,
    whiskers: boolean,
  ): Panel => ({
    width: 300,
    height: 220,
    data: { values },
    transform: [{ calculate: `format(datum.median, ',.${digits}f') + ' ${unit}'`, as: 'text' }],
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2 },
        encoding: { x, y: { field: 'median', type: 'quantitative', title: yTitle, axis: { tickCount: 6 } }, color },
      },
      {
        mark: { type: 'point', filled: true, size: 45, opacity: 1 },
        encoding: { x, y: { field: 'median', type: 'quantitative' }, color },
      },
      ...(whiskers
        ? [
            {
              mark: { type: 'rule', strokeWidth: 1.2 },
              encoding: { x, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' }, color },
            } satisfies Layer,
          ]
        : []),
      lastPoints,
    ],
  });
  const { tree } = suite;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: `Auditing N installations at once vs verifying each (${plural(tree.checked, 'file')}, ${mib(tree.checkedBytes)} each)`,
      subtitle: [
        `Cold processes, warm page cache. Points: median of ${roundsPerN(suite.runs)}; bars through them: min–max.`,
        machineLine(report),
      ],
    },
    hconcat: [
      panel('wall time (s), lower is better', time, 's', 1, true),
      ...(rss.length > 0 ? [panel('peak RSS (MiB), largest single process', rss, 'MiB', 0, false)] : []),
    ],
    spacing: 60,
  } satisfies HConcat;
}

// ---- scaling -------------------------------------------------------------------------------------

/**
 * Tick values 1, 2, 5 per decade from the last one at or below the smallest value to the first at or
 * above the largest: a log axis with a few labelled lines, not a grid line per integer, and no empty decades.
 */
function logTicks(values: readonly number[]): number[] {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return [];
  const min = Math.min(...positive);
  const max = Math.max(...positive);
  const all: number[] = [];
  for (let exp = Math.floor(Math.log10(min)); exp <= Math.ceil(Math.log10(max)); exp++)
    for (const m of [1, 2, 5]) all.push(Number((m * 10 ** exp).toPrecision(1)));
  const first = all.findLastIndex((t) => t <= min);
  const last = all.findIndex((t) => t >= max);
  return all.slice(Math.max(0, first), last === -1 ? all.length : last + 1);
}

function drawScaling(suite: NonNullable<ChartReport['scaling']>, report: ChartReport): TopLevelSpec {
  const time = suite.sizes.flatMap((point) =>
    point.results.map((r) => ({
      files: point.files,
      label: r.label,
      median: r.medianMs / 1000,
      min: r.minMs / 1000,
      max: r.maxMs / 1000,
    })),
  );
  const labels = [...new Set(time.map((row) => row.label))];
  const counts = suite.sizes.map((point) => point.files);
  const filesAxis: Encoding['x'] = {
    field: 'files',
    type: 'quantitative',
    title: 'files in the installation (log scale)',
    scale: { type: 'log' },
    axis: { values: counts, format: '~s', grid: false },
  };
  const scale = shades(labels);
  // Colour and dash on the same field in one mark: one legend. Dashes tell apart lines of one family
  // (pbxsig's solid), where shades alone are close.
  const legend = { orient: 'right', columns: 1, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300 } as const;
  const color: Encoding['color'] = { field: 'label', type: 'nominal', title: null, scale, legend };
  const dashes = scale.domain.map((label, i) =>
    isPbxsig({ label })
      ? [1, 0]
      : ([
          [6, 3],
          [2, 2],
          [8, 3, 2, 3],
          [4, 4],
        ][i % 4] ?? [1, 0]),
  );
  const strokeDash: Encoding['strokeDash'] = {
    field: 'label',
    type: 'nominal',
    title: null,
    scale: { domain: scale.domain, range: dashes },
    legend,
  };
  const ticks = logTicks(time.flatMap((row) => [row.min, row.max]));
  const y: Encoding['y'] = {
    field: 'median',
    type: 'quantitative',
    title: 'wall time (s, log scale), lower is better',
    scale: { type: 'log', domain: [ticks[0] ?? 0.01, ticks.at(-1) ?? 1], nice: false },
    axis: { values: ticks },
  };
  const timePanel: Panel = {
    width: 420,
    height: 240,
    data: { values: time },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 40 } },
        encoding: { x: filesAxis, y, color, strokeDash },
      },
    ],
  };

  const sweep = suite.threads.results.map((r) => ({
    threads: String(r.threads),
    median: r.medianMs,
    min: r.minMs,
    max: r.maxMs,
    text: fixed(r.medianMs),
    setting: r.threads === 'auto' ? 'pbxsig (default)' : 'pbxsig',
  }));
  const threadsX: Encoding['x'] = {
    field: 'threads',
    type: 'ordinal',
    title: `--threads, at ${plural(suite.threads.files, 'file')}`,
    sort: null,
    axis: { labelAngle: 0 },
  };
  const threadsPanel: Panel = {
    width: { step: 34 },
    height: 240,
    data: { values: sweep },
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.7 } },
        encoding: {
          x: threadsX,
          y: {
            field: 'median',
            type: 'quantitative',
            title: 'wall time (ms), lower is better',
            axis: { format: ',d' },
          },
          color: {
            field: 'setting',
            type: 'nominal',
            scale: { domain: ['pbxsig (default)', 'pbxsig'], range: [PBXSIG.strong, PBXSIG.light] },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'rule', color: TEXT, strokeWidth: 1.2 },
        encoding: { x: threadsX, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } },
      },
    ],
  };

  const rss = suite.sizes.flatMap((point) =>
    point.results
      .filter((r) => isDefault(r) && r.peakRssMiB !== null)
      .map((r) => ({ files: point.files, median: r.peakRssMiB ?? 0, label: r.label })),
  );
  const limit = suite.memoryTarget.limitMiB;
  const rssPanel: Panel = {
    width: 220,
    height: 240,
    layer: [
      {
        data: { values: rss },
        mark: {
          type: 'line',
          strokeWidth: 2,
          color: PBXSIG.strong,
          point: { filled: true, size: 40, color: PBXSIG.strong },
        },
        encoding: {
          x: filesAxis,
          y: {
            field: 'median',
            type: 'quantitative',
            title: 'pbxsig peak RSS (MiB), default threads',
            scale: { domainMin: 0 },
          },
        },
      },
      {
        data: { values: [{ limit, text: `target: ${limit} MiB` }] },
        mark: { type: 'rule', color: MUTED, strokeDash: [4, 3] },
        encoding: { y: { field: 'limit', type: 'quantitative' } },
      },
      {
        data: { values: [{ limit, text: `target: ${limit} MiB` }] },
        mark: { type: 'text', align: 'left', baseline: 'top', x: 4, dy: 3, fontSize: 10, color: MUTED },
        encoding: { y: { field: 'limit', type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  };

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CONFIG,
    title: {
      text: 'pbxsig verify --root as installations grow',
      subtitle: [
        'Cold processes, warm page cache; medians (fewer rounds at the larger sizes), bars: min–max.',
        machineLine(report),
      ],
    },
    vconcat: [timePanel, { hconcat: [threadsPanel, ...(rss.length > 0 ? [rssPanel] : [])], spacing: 60 }],
    spacing: 36,
    // The time panel colours commands, the threads panel settings: two scales, not one merged.
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
  };
}
