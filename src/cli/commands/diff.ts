// `pbxsig diff OLD.json NEW.json`: what changed between two audits (or verify reports). Roots, module
// names and paths come from the reports, and so from audited trees: escaped in the text output.

import { readFile } from 'node:fs/promises';
import { asAudit, diffAudits } from '../../audit/diff.js';
import type { AuditDiff } from '../../audit/diff.js';
import { InputError, describeError, describeSystemError, errnoCode } from '../../errors.js';
import { escapeControls as esc } from '../../report/escape.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import type { DiffArgs } from '../args.js';
import { STDOUT } from '../spec.js';
import { stdout } from '../stdout.js';

export async function runDiff(args: DiffArgs): Promise<number> {
  const [before, after] = await Promise.all([load(args.old), load(args.new)]);
  const diff = diffAudits(before, after);
  const json = `${JSON.stringify(diff, null, 2)}\n`;
  if (args.json === STDOUT) stdout().write(json);
  else {
    if (args.json !== undefined) await writeFileAtomic(args.json, json);
    stdout().write(renderDiff(diff));
  }
  return diff.noRegression ? 0 : 1;
}

async function load(file: string): Promise<ReturnType<typeof asAudit>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      'INPUT_UNREADABLE',
      `${file}: ${errnoCode(error) ? describeSystemError(error) : describeError(error)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError('INPUT_UNREADABLE', `${file}: not JSON: ${describeError(error)}`);
  }
  return asAudit(value, file);
}

// A module can fail with the verdict "verified": its signed files are intact, but unlisted code was found.
function state(verdict: string | null, failing: boolean): string {
  if (verdict === null) return 'absent';
  return verdict === 'verified' && failing ? 'verified, with unlisted code' : esc(verdict);
}

export function renderDiff(diff: AuditDiff): string {
  const lines: string[] = [`Changes from ${esc(diff.old.startedAt)} to ${esc(diff.new.startedAt)}:`];
  const section = (title: string, items: readonly string[]): void => {
    if (items.length === 0) return;
    lines.push('', `${title} (${items.length}):`, ...items.map((i) => `  ${i}`));
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
