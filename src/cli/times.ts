// Times given on the command line. Pure.

import { UsageError } from '../errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** "30d", "2y", "12h": seconds; undefined when the text is not a duration. */
export function durationSeconds(text: string): number | undefined {
  const match = /^(\d+)([smhdwy])$/.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2]] ?? 0);
}

/** An absolute time: ISO 8601 ("2027-01-31", "2027-01-31T12:00:00Z") or Unix seconds. */
export function parseTime(text: string, option: string): Date {
  const trimmed = text.trim();
  const date = /^\d+$/.test(trimmed) ? new Date(Number(trimmed) * 1000) : new Date(trimmed);
  if (Number.isNaN(date.getTime()) || !/\d/.test(trimmed)) {
    throw new UsageError(
      `${option}: expected a date (2027-01-31), a time (2027-01-31T12:00:00Z) or Unix seconds, got ${JSON.stringify(text)}`,
    );
  }
  return date;
}

/** A future time: a duration from `now` ("90d") or an absolute time. */
export function parseDeadline(text: string, option: string, now: Date): Date {
  const seconds = durationSeconds(text);
  return seconds !== undefined ? new Date(now.getTime() + seconds * 1000) : parseTime(text, option);
}
