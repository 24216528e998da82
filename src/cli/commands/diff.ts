// `pbxsig diff OLD.json NEW.json`: what changed between two audits (or verify reports).

import { readFile } from 'node:fs/promises';
import { asAudit, diffAudits } from '../../audit/diff.js';
import type { AuditDiff } from '../../audit/diff.js';
import { InputError, describeError } from '../../errors.js';
import type { DiffArgs } from '../args.js';

export async function runDiff(args: DiffArgs): Promise<number> {
  const [before, after] = await Promise.all([load(args.old), load(args.new)]);
  const diff = diffAudits(before, after);
  process.stdout.write(args.json ? `${JSON.stringify(diff, null, 2)}\n` : renderDiff(diff));
  return diff.noRegression ? 0 : 1;
}

async function load(file: string): Promise<ReturnType<typeof asAudit>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError('INPUT_UNREADABLE', `${file}: ${describeError(error)}`);
  }
  return asAudit(value, file);
}

// A module can fail with the verdict "verified": its signed files are intact, but unlisted code was found.
function state(verdict: string | null, failing: boolean): string {
  if (verdict === null) return 'absent';
  return verdict === 'verified' && failing ? 'verified, with unlisted code' : verdict;
}

export function renderDiff(diff: AuditDiff): string {
  const lines: string[] = [`Changes from ${diff.old.startedAt} to ${diff.new.startedAt}:`];
  const section = (title: string, items: readonly string[]): void => {
    if (items.length === 0) return;
    lines.push('', `${title} (${items.length}):`, ...items.map((i) => `  ${i}`));
  };
  section(
    'Installations newly failing',
    diff.installations.newlyFailing.map((i) => `${i.name}: ${i.was} -> ${i.now}`),
  );
  section(
    'Modules newly failing',
    diff.modules.newlyFailing.map(
      (m) => `${m.installation} ${m.module}: ${state(m.was, false)} -> ${state(m.now, true)}`,
    ),
  );
  section(
    'New unlisted code',
    diff.unlisted.added.map((u) => `${u.installation} ${u.module}: ${u.path}`),
  );
  section(
    'Modules failing differently',
    diff.modules.changed.map((m) => `${m.installation} ${m.module}: ${m.was ?? 'absent'} -> ${m.now ?? 'absent'}`),
  );
  section(
    'Installations fixed',
    diff.installations.fixed.map((i) => `${i.name} (was ${i.was})`),
  );
  section(
    'Modules fixed',
    diff.modules.fixed.map((m) => `${m.installation} ${m.module} (was ${state(m.was, true)})`),
  );
  section(
    'Unlisted code gone',
    diff.unlisted.removed.map((u) => `${u.installation} ${u.module}: ${u.path}`),
  );
  section('Installations added', diff.installations.added);
  section('Installations removed', diff.installations.removed);
  lines.push('', diff.noRegression ? 'Nothing got worse.' : 'Something got worse (exit status 1).');
  return `${lines.join('\n')}\n`;
}
