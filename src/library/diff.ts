// `pbxsig diff` as a function: what changed between two reports.

import { asAudit, diffAudits } from '../audit/diff.js';
import type { AuditDiff } from '../audit/diff.js';

/**
 * What changed between two reports, each an audit (pbxsig/audit) or a verify report (pbxsig/report)
 * as parsed JSON (schema pbxsig/diff). Anything else throws an InputError.
 */
export function diffReports(before: unknown, after: unknown): AuditDiff {
  return diffAudits(asAudit(before, 'the earlier report'), asAudit(after, 'the later report'));
}
