// Machine facts and the printed report: a Markdown table for people, the same numbers as JSON for
// comparing runs later.

import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import type { EngineComparison } from './engines.js';
import type { Shape } from './fixtures.js';
import type { ConfigResult } from './measure.js';
import { fixed, mib } from './format.js';

export interface Machine {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly availableParallelism: number;
  /** From /proc/cpuinfo; null where that file does not exist (not Linux) or cannot be read. */
  readonly shaNi: boolean | null;
  readonly node: string;
  readonly openssl: string;
  readonly platform: string;
  readonly arch: string;
  readonly totalMemoryGiB: number;
}

/** What the report keeps of a shape: no temp paths, no list of thousands of sizes. */
export interface ShapeSummary {
  readonly name: string;
  readonly description: string;
  readonly modules: number;
  readonly files: number;
  readonly bytes: number;
  /** Nearest-rank percentiles of the file sizes, in bytes. */
  readonly sizes: { readonly median: number; readonly p90: number; readonly p99: number; readonly max: number };
}

export interface ShapeResult {
  readonly shape: ShapeSummary;
  readonly results: readonly ConfigResult[];
}

/** A ratio of median times: how many times faster `faster` is than `than` (above 1: it is faster). */
export interface Ratio {
  readonly label: string;
  readonly faster: string;
  readonly than: string;
  readonly byShape: Readonly<Record<string, number>>;
}

export interface Report {
  readonly date: string;
  readonly command: string;
  readonly argv: readonly string[];
  readonly quick: boolean;
  readonly seed: number;
  readonly rounds: number;
  readonly machine: Machine;
  /** The suites that ran (all of them unless `--only`). */
  readonly suites: readonly string[];
  /** Absent when `--only` left out the "shapes" suite (and its ratios) or the "engines" suite (rendered by engines.ts). */
  readonly shapes?: readonly ShapeResult[];
  readonly ratios?: readonly Ratio[];
  readonly engines?: EngineComparison;
}

export function machineFacts(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    availableParallelism: availableParallelism(),
    shaNi: readShaNi(),
    node: process.version,
    openssl: process.versions.openssl ?? 'unknown',
    platform: `${platform()} ${release()}`,
    arch: arch(),
    totalMemoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}

// SHA-NI is what makes OpenSSL's SHA-256 several times faster than portable code (like wasm).
function readShaNi(): boolean | null {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    return /^flags\s*:.*\bsha_ni\b/m.test(info);
  } catch {
    return null;
  }
}

export function summarizeShape(shape: Shape): ShapeSummary {
  const sorted = [...shape.sizes].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const { name, description, files, bytes } = shape;
  return {
    name,
    description,
    modules: shape.modules.length,
    files,
    bytes,
    sizes: { median: at(50), p90: at(90), p99: at(99), max: at(100) },
  };
}

/** ratio = median time of `than` / median time of `faster`, per shape. */
export function ratio(label: string, faster: string, than: string, shapes: readonly ShapeResult[]): Ratio {
  const byShape: Record<string, number> = {};
  for (const { shape, results } of shapes) {
    const a = results.find((r) => r.config.id === faster);
    const b = results.find((r) => r.config.id === than);
    if (a && b) byShape[shape.name] = b.stats.medianMs / a.stats.medianMs;
  }
  return { label, faster, than, byShape };
}

export function renderMarkdown(report: Report): string {
  const { machine } = report;
  const shaNi = machine.shaNi === null ? 'unknown' : machine.shaNi ? 'yes' : 'no';
  const lines = [
    `# pbxsig benchmark${report.quick ? ' (--quick)' : ''}`,
    '',
    `- Date: ${report.date}`,
    `- Command: \`${report.command}\``,
    `- CPU: ${machine.cpuModel}, ${machine.cpuCount} CPUs, availableParallelism ${machine.availableParallelism}, SHA-NI: ${shaNi}`,
    `- Node ${machine.node} (OpenSSL ${machine.openssl}), ${machine.platform} ${machine.arch}, ${machine.totalMemoryGiB} GiB RAM`,
    `- Suites: ${report.suites.join(', ')}`,
  ];
  if (report.shapes && report.ratios) lines.push(...renderShapes(report.shapes, report.ratios, report.rounds));
  return `${lines.join('\n')}\n`;
}

function renderShapes(shapes: readonly ShapeResult[], ratios: readonly Ratio[], rounds: number): string[] {
  const lines = [
    `- Method (shapes): each run is one whole \`verifyModules()\` call (module.sig read and parsed, signature and trust checked, every file hashed). ` +
      `One warm-up run per configuration, then ${rounds} timed rounds, configurations interleaved within each round. ` +
      `Median and min–max over the timed runs. **Warm page cache**: the files were just written and read by the warm-up, so this measures CPU, not disk. 1 MiB = 2^20 bytes.`,
  ];

  for (const { shape, results } of shapes) {
    lines.push('', `## ${shape.name}: ${shape.description}, ${mib(shape.bytes)} total`, '');
    const { sizes } = shape;
    lines.push(
      `File sizes: median ${formatBytes(sizes.median)}, p90 ${formatBytes(sizes.p90)}, p99 ${formatBytes(sizes.p99)}, max ${formatBytes(sizes.max)}.`,
      '',
    );
    lines.push(
      '| configuration | threads used | median ms | min–max ms | MiB/s (median) | files/s (median) |',
      '|---|--:|--:|--:|--:|--:|',
    );
    for (const r of results) {
      const { stats } = r;
      lines.push(
        `| ${r.config.label} | ${r.threadsUsed} | ${fixed(stats.medianMs)} | ${fixed(stats.minMs)}–${fixed(stats.maxMs)} | ${fixed(stats.mibPerSec.median)} | ${fixed(stats.filesPerSec.median)} |`,
      );
    }
  }

  const names = shapes.map((s) => s.shape.name);
  lines.push(
    '',
    '## Ratios',
    '',
    'Median time of the second configuration divided by median time of the first: above 1 means the first is faster.',
    '',
  );
  lines.push(`| comparison | ${names.join(' | ')} |`, `|---|${names.map(() => '--:').join('|')}|`);
  for (const r of ratios) lines.push(`| ${r.label} | ${names.map((n) => times(r.byShape[n])).join(' | ')} |`);
  return lines;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return mib(bytes);
}

/** Three significant digits are plenty for numbers this noisy. */

function times(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(2)}×`;
}
