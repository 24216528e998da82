// Durations on the command line (`--timeout 2h`, `--lock-duration 30s`): a number and a unit. Pure.

import { UsageError } from '../errors.js';

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90s`, `30m`, `2h`, `1d`, `250ms`, or a number of seconds; in milliseconds. */
export function parseDuration(option: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match)
    throw new UsageError(`${option}: expected a duration such as 90s, 30m or 2h, got ${JSON.stringify(text)}`);
  const unit = UNITS[(match[2] ?? 's') as keyof typeof UNITS];
  return Math.round(Number.parseFloat(match[1] as string) * unit);
}
