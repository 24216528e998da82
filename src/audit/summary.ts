// An audit's summary from its installations, the same for a local audit and a fleet's assembled one.

import type { SignatureStats } from '../verify/signatures.js';
import type { AuditReport, AuditedInstallation } from './types.js';

export function summarizeAudit(
  installations: readonly AuditedInstallation[],
  signatures: SignatureStats,
): AuditReport['summary'] {
  const reports = installations.flatMap((i) => (i.report ? [i.report] : []));
  return {
    installations: installations.length,
    clean: installations.filter((i) => i.status === 'clean').length,
    withFindings: installations.filter((i) => i.status === 'findings').length,
    unreadable: installations.filter((i) => i.status === 'unreadable').length,
    modules: sum(reports, (r) => r.summary.modules),
    failedModules: sum(reports, (r) => r.summary.failed),
    unlistedCode: sum(reports, (r) => r.summary.unlistedCode),
    files: sum(reports, (r) => r.summary.files),
    bytes: sum(reports, (r) => r.summary.bytes),
    signatures,
  };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}
