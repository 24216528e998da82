// Byte counts for people, in binary (IEC) units: every size pbxsig adds up is a count of bytes read,
// and binary prefixes say "1024" without a footnote ("KB" would be read as 1000 by half the readers).
// One function for reports, the HTML page, progress lines and benchmarks alike. Pure.

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 512 -> "512 B", 1536 -> "1.5 KiB", 346_000_000 -> "330.0 MiB". Negative or non-finite input -> "0 B". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '0 B';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  // Round first, so that 1023.96 KiB is shown as "1.0 MiB" and never as "1024.0 KiB".
  while (Number(value.toFixed(1)) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A rate: bytes over seconds, "314.4 MiB/s". */
export function formatRate(bytes: number, seconds: number): string {
  return `${formatBytes(seconds > 0 ? bytes / seconds : 0)}/s`;
}
