// Number formats shared by every benchmark table.

export function mib(value: number): string {
  return `${(value / 2 ** 20).toFixed(1)} MiB`;
}

/** pbxsig's own byte formatter (KiB, MiB, GiB), so that the bench and the reports write sizes alike. */
export { formatBytes as bytes } from '../src/report/bytes.js';

/** Three significant digits are plenty for numbers this noisy. */
export function fixed(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
}
