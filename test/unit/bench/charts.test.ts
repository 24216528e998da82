import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderCharts } from '../../../bench/charts.js';
import type { Chart, ChartReport } from '../../../bench/charts.js';

// A small report by hand: only what the charts read, with made-up numbers and one extra peer, as
// another run might add. Nothing here runs a benchmark.
const timing = (medianMs: number) => ({ medianMs, minMs: medianMs * 0.9, maxMs: medianMs * 1.2 });

const REPORT: ChartReport = {
  date: '2026-11-22T03:54:36.101Z',
  quick: false,
  machine: { cpuModel: 'Test CPU 9000', availableParallelism: 2, shaNi: true, node: 'v20.20.2' },
  installation: {
    shapes: [
      {
        rounds: 5,
        full: true,
        tree: {
          shape: 'freepbx17',
          description: 'FreePBX 17, 35 modules',
          modules: 35,
          checked: 16690,
          checkedBytes: 137 * 2 ** 20,
        },
        results: [
          {
            id: 'default',
            label: 'pbxsig, threads auto (default)',
            command: 'node bin/pbxsig.js verify --root ROOT',
            ...timing(1099),
          },
          {
            id: 'main',
            label: 'pbxsig, --threads 0 (one lane: the main thread)',
            command: 'node bin/pbxsig.js verify --root ROOT --threads 0',
            ...timing(1266),
          },
          {
            id: 'peer',
            label: 'gpgv + sha256sum -c, per module (FreePBX method)',
            command: 'bash bench/peers/gpgv-sha256sum.sh ROOT KEYRING',
            ...timing(2069),
          },
          {
            id: 'python-hashlib',
            label: 'Python hashlib loop (no signature check)',
            command: 'python3 bench/peers/python-hashlib.py ROOT',
            ...timing(1012),
          },
        ],
      },
      {
        rounds: 3,
        full: false,
        tree: {
          shape: 'freepbx14-300',
          description: 'FreePBX 14, 15 modules',
          modules: 15,
          checked: 300,
          checkedBytes: 2 ** 20,
        },
        results: [
          {
            id: 'default',
            label: 'pbxsig, threads auto (default)',
            command: 'node bin/pbxsig.js verify --root ROOT',
            ...timing(301),
          },
          {
            id: 'peer',
            label: 'gpgv + sha256sum -c, per module (FreePBX method)',
            command: 'bash bench/peers/gpgv-sha256sum.sh ROOT KEYRING',
            ...timing(150),
          },
        ],
      },
    ],
  },
  audit: {
    tree: { checked: 16690, checkedBytes: 137 * 2 ** 20 },
    runs: [1, 5, 20].map((n) => ({
      installations: n,
      rounds: n > 5 ? 1 : 3,
      audit: { ...timing(600 + 500 * n), peakRssMiB: 150 + 11 * n },
      verify: { ...timing(1150 * n), peakRssMiB: 163 },
    })),
  },
  scaling: {
    sizes: [1000, 10000, 100000, 500000].map((files) => ({
      files,
      results: [
        { label: 'pbxsig, threads auto (default)', peakRssMiB: 90 + files / 5000, ...timing(150 + files / 30) },
        {
          label: 'one-thread Node loop, node:crypto (no signature check)',
          peakRssMiB: null,
          ...timing(80 + files / 25),
        },
        { label: 'Python hashlib loop (no signature check)', peakRssMiB: null, ...timing(60 + files / 26) },
      ],
    })),
    threads: {
      files: 100000,
      results: (['auto', 0, 1, 2, 4] as const).map((threads, i) => ({ threads, ...timing(3300 + 400 * i) })),
    },
    memoryTarget: { limitMiB: 200 },
  },
};

// Rendered once: each chart takes a few hundred milliseconds.
let rendered: Promise<Chart[]> | undefined;
const charts = (): Promise<Chart[]> => (rendered ??= renderCharts(REPORT));

const byName = (list: readonly Chart[], name: Chart['name']): string => {
  const chart = list.find((c) => c.name === name);
  assert.ok(chart, `no ${name} chart`);
  return chart.svg;
};

// SVG text escapes what XML needs; a label is looked for as it appears there.
const escaped = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('benchmark charts', () => {
  it('draws one SVG per suite present, and none for an absent suite', async () => {
    assert.deepEqual(
      (await renderCharts({ date: REPORT.date, quick: true, machine: REPORT.machine })).map((c) => c.name),
      [],
    );
    const all = await charts();
    assert.deepEqual(
      all.map((c) => c.name),
      ['installation', 'audit', 'scaling'],
    );
    for (const { name, svg } of all) {
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${name} is not an SVG document`);
      assert.match(svg, /<\/svg>\s*$/, `${name} is not a whole SVG document`);
    }
  });

  it('installation: a panel per shape, every command by its label, the time axis with its unit, the machine', async () => {
    const svg = byName(await charts(), 'installation');
    for (const { label } of REPORT.installation?.shapes.flatMap((s) => s.results) ?? [])
      assert.ok(svg.includes(escaped(label)), `label missing: ${label}`);
    assert.ok(svg.includes('wall time (ms)'), 'axis title with its unit');
    assert.ok(svg.includes('16,690 files checked'), "the first shape's size in its title");
    assert.ok(svg.includes('FreePBX 14, 15 modules'), 'the second shape');
    assert.ok(svg.includes('--quick: smaller'), 'a scaled-down shape says so');
    assert.ok(svg.includes('Test CPU 9000'), 'the machine');
    assert.ok(svg.includes('1,099 ms'), "the default's median written at its bar");
  });

  it('audit: both series, N on the x axis, time and memory with their units', async () => {
    const svg = byName(await charts(), 'audit');
    assert.ok(svg.includes('pbxsig audit, all N roots in one process'));
    assert.ok(svg.includes('pbxsig verify --root, once per root'));
    assert.ok(svg.includes('installations (N)'));
    assert.ok(svg.includes('wall time (s)'));
    assert.ok(svg.includes('peak RSS (MiB)'));
  });

  it('scaling: every command, the threads sweep and the memory target', async () => {
    const svg = byName(await charts(), 'scaling');
    for (const label of [
      'pbxsig, threads auto (default)',
      'one-thread Node loop, node:crypto (no signature check)',
      'Python hashlib loop (no signature check)',
    ]) {
      assert.ok(svg.includes(escaped(label)), `label missing: ${label}`);
    }
    assert.ok(svg.includes('--threads'));
    assert.ok(svg.includes('target: 200 MiB'));
  });
});
