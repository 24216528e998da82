// Part of `npm run build`: writes the man page (dist/man/pbxsig.1) and the bash completion
// (dist/completion/pbxsig.bash) from the CLI's own help, so both name exactly the commands and options
// the CLI has. The npm package and the Debian package ship them.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { collectHelp } from './help.js';
import { renderBashCompletion } from './completion.js';
import { renderManPage } from './man-page.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// Unwrapped help: each option on one line (help.ts). The CLI's parser is the compiled one in
// dist/src/, which uses this same yargs module; the bundled CLI in dist/cli/ carries its own copy.
const prototype = Object.getPrototypeOf(yargs()) as { wrap: (this: unknown, columns: number | null) => unknown };
const wrap = prototype.wrap;
prototype.wrap = function (this: unknown) {
  return wrap.call(this, null);
};
const { parseArgs } = await import('../../src/cli/args.js');

async function help(argv: string[]): Promise<string> {
  const parsed = await parseArgs(argv);
  if (parsed.command !== 'output') throw new Error(`pbxsig ${argv.join(' ')} did not print help`);
  return parsed.text;
}

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
// A reproducible date when the build asks for one (SOURCE_DATE_EPOCH), else today.
const epoch = process.env['SOURCE_DATE_EPOCH'];
const date = (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().slice(0, 10);

const pages = await collectHelp(help, 'pbxsig');
const template = readFileSync(join(ROOT, 'packaging/man/pbxsig.1.in'), 'utf8');
mkdirSync(join(ROOT, 'dist/man'), { recursive: true });
writeFileSync(join(ROOT, 'dist/man/pbxsig.1'), renderManPage(template, pages, { version, date }));
mkdirSync(join(ROOT, 'dist/completion'), { recursive: true });
writeFileSync(join(ROOT, 'dist/completion/pbxsig.bash'), renderBashCompletion(pages));
