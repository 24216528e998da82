// The totals of a verify report, from its modules.

import { VERDICTS } from './types.js';
import type { ModuleReport, Verdict, VerifyReport } from './types.js';

export function summarize(modules: readonly ModuleReport[]): VerifyReport['summary'] {
  const verdicts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  let files = 0;
  let bytes = 0;
  let unlistedCode = 0;
  let failed = 0;
  for (const m of modules) {
    verdicts[m.verdict]++;
    files += m.files.checked;
    bytes += m.files.bytes;
    unlistedCode += m.unlisted?.code.length ?? 0;
    if (!m.passed) failed++;
  }
  return { modules: modules.length, verified: verdicts.verified, failed, unlistedCode, verdicts, files, bytes };
}
