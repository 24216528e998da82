// `pbxsig allowlist REPORT.json`: the unlisted code a report found, printed as a configuration file
// of [[allow]] entries for the administrator to review (config/allowlist.ts).

import { readFile } from 'node:fs/promises';
import { asAudit } from '../../audit/diff.js';
import { moduleNames, renderAllowlist } from '../../config/allowlist.js';
import { InputError, UsageError, describeError, describeSystemError, errnoCode } from '../../errors.js';
import type { AllowlistArgs } from '../args.js';
import { stdout } from '../stdout.js';

export async function runAllowlist(args: AllowlistArgs): Promise<number> {
  let text: string;
  try {
    text = await readFile(args.report, 'utf8');
  } catch (error) {
    throw new InputError(
      errnoCode(error) === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE',
      `${args.report}: ${errnoCode(error) ? describeSystemError(error) : describeError(error)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError('INPUT_UNREADABLE', `${args.report}: not JSON: ${describeError(error)}`);
  }
  const report = asAudit(value, args.report);
  // A module name the report does not hold is a typo, not "nothing to allow".
  const names = moduleNames(report);
  const absent = args.modules.filter((name) => !names.has(name));
  if (absent.length > 0) throw new UsageError(`--module ${absent.join(', ')}: no such module in ${args.report}`);
  stdout().write(renderAllowlist({ file: args.report, report, modules: args.modules }));
  return 0;
}
