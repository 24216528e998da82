// What every run's report starts with: when, how it was started, on what machine, which suites.

import { readFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';

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

export interface Report {
  readonly date: string;
  readonly command: string;
  readonly argv: readonly string[];
  readonly quick: boolean;
  readonly machine: Machine;
  /** The suites that ran (all of them unless `--only`). */
  readonly suites: readonly string[];
  /** Variables this machine set that the timed commands ran without (environment.ts); absent in older runs. */
  readonly removedEnvironment?: readonly string[];
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

export function renderHeader(report: Report): string {
  const { machine } = report;
  const shaNi = machine.shaNi === null ? 'unknown' : machine.shaNi ? 'yes' : 'no';
  const lines = [
    `# pbxsig benchmark${report.quick ? ' (--quick: smaller trees, fewer rounds; not figures to quote)' : ''}`,
    '',
    `- Date: ${report.date}`,
    `- Command: \`${report.command}\``,
    `- CPU: ${machine.cpuModel}, ${machine.cpuCount} CPUs, availableParallelism ${machine.availableParallelism}, SHA-NI: ${shaNi}`,
    `- Node ${machine.node} (OpenSSL ${machine.openssl}), ${machine.platform} ${machine.arch}, ${machine.totalMemoryGiB} GiB RAM`,
    `- Suites: ${report.suites.join(', ')}`,
  ];
  const removed = report.removedEnvironment ?? [];
  if (removed.length > 0)
    lines.push(
      `- Timed commands ran without ${removed.join(', ')}, set on this machine: it makes every Node process parse a CA bundle as it starts (about 80 ms each here), which a FreePBX host's boot never does (bench/environment.ts)`,
    );
  return `${lines.join('\n')}\n`;
}
