// The text form of an audit diff (audit/diff.ts), as `pbxsig diff` prints it and a fleet schedule
// writes it beside each dated report. Installation and module names and paths come from audited trees:
// escaped.

import type { AuditDiff } from './diff.js';
import { escapeControls as esc } from '../report/escape.js';

// A module can fail with the verdict "verified": its signed files are intact, but unlisted code was found.
function state(verdict: string | null, failing: boolean): string {
  if (verdict === null) return 'absent';
  return verdict === 'verified' && failing ? 'verified, with unlisted code' : esc(verdict);
}

export function renderDiff(diff: AuditDiff): string {
  const lines: string[] = [`Changes from ${esc(diff.old.startedAt)} to ${esc(diff.new.startedAt)}:`];
  const section = (title: string, items: readonly string[]): void => {
    if (items.length === 0) return;
    // One push per item: a spread of 200,000 arguments overflows the stack.
    lines.push('', `${title} (${items.length}):`);
    for (const item of items) lines.push(`  ${item}`);
  };
  section(
    'Installations newly failing',
    diff.installations.newlyFailing.map((i) => `${esc(i.name)}: ${i.was} -> ${i.now}`),
  );
  section(
    'Modules newly failing',
    diff.modules.newlyFailing.map(
      (m) => `${esc(m.installation)} ${esc(m.module)}: ${state(m.was, false)} -> ${state(m.now, true)}`,
    ),
  );
  section(
    'New unlisted code',
    diff.unlisted.added.map((u) => `${esc(u.installation)} ${esc(u.module)}: ${esc(u.path)}`),
  );
  section(
    'Modules failing differently',
    diff.modules.changed.map(
      (m) => `${esc(m.installation)} ${esc(m.module)}: ${state(m.was, true)} -> ${state(m.now, true)}`,
    ),
  );
  section(
    'Installations fixed',
    diff.installations.fixed.map((i) => `${esc(i.name)} (was ${i.was})`),
  );
  section(
    'Modules fixed',
    diff.modules.fixed.map((m) => `${esc(m.installation)} ${esc(m.module)} (was ${state(m.was, true)})`),
  );
  section(
    'Unlisted code gone',
    diff.unlisted.removed.map((u) => `${esc(u.installation)} ${esc(u.module)}: ${esc(u.path)}`),
  );
  section('Installations added', diff.installations.added.map(esc));
  section('Installations removed', diff.installations.removed.map(esc));
  lines.push('', diff.noRegression ? 'Nothing got worse.' : 'Something got worse (exit status 1).');
  return `${lines.join('\n')}\n`;
}
