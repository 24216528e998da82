// Number formats shared by every benchmark table.

export function mib(value: number): string {
  return `${(value / 2 ** 20).toFixed(1)} MiB`;
}

export function bytes(value: number): string {
  if (value < 1024) return `${value} B`;
  if (value < 2 ** 20) return `${(value / 1024).toFixed(1)} KiB`;
  return mib(value);
}

/** Three significant digits are plenty for numbers this noisy. */
export function fixed(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
}
