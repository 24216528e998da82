// `pbxsig diff OLD.json NEW.json`: what changed between two audits (or verify reports). Roots, module
// names and paths come from the reports, and so from audited trees: escaped in the text output.

import { readFile } from 'node:fs/promises';
import { asAudit, diffAudits } from '../../audit/diff.js';
import { renderDiff } from '../../audit/diff-text.js';
import { InputError, describeError, describeSystemError, errnoCode } from '../../errors.js';
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
