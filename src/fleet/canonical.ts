// The canonical form of an audit report, to compare two audits of the same installations: keys
// sorted, and what differs from run to run left out (when and how long: startedAt, durationMs; a fleet
// run's id, queue and workers). A fleet audit and a local one of the same installations have the same
// canonical form.

import type { AuditReport } from '../audit/types.js';

const TIMINGS: ReadonlySet<string> = new Set(['startedAt', 'durationMs']);

export function canonicalAudit(report: AuditReport): string {
  const { run: _run, ...rest } = report;
  return JSON.stringify(canonical(rest));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => !TIMINGS.has(key))
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}
