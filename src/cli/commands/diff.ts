// `pbxsig diff OLD.json NEW.json`: what changed between two audits (or verify reports). Roots, module
// names and paths come from the reports, and so from audited trees: escaped in the text output.

import { asAudit, diffAudits } from '../../audit/diff.js';
import { renderDiff } from '../../audit/diff-text.js';
import { InputError, describeError } from '../../errors.js';
import { writeFileAtomic } from '../../report/write-atomic.js';
import type { DiffArgs } from '../args.js';
import { readRegularFile } from '../read-regular-file.js';
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

const MAX_REPORT_BYTES = 256 * 1024 * 1024;

async function load(file: string): Promise<ReturnType<typeof asAudit>> {
  // A report of 10,000 installations is tens of MB; past this, Node could not hold it as one string.
  const text = (await readRegularFile(file, MAX_REPORT_BYTES)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError('INPUT_UNREADABLE', `${file}: not JSON: ${describeError(error)}`);
  }
  return asAudit(value, file);
}
