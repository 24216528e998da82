// Part of `npm run build`: writes the man page (dist/man/pbxsig.1) from the CLI's command table
// (src/cli/spec.ts), and the bash completion (dist/completion/pbxsig.bash) the CLI prints with
// `pbxsig completion`. The npm package and the Debian package ship both.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bashCompletion } from '../../src/cli/completion.js';
import { COMMANDS } from '../../src/cli/spec.js';
import { renderManPage } from './man-page.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
// A reproducible date when the build asks for one (SOURCE_DATE_EPOCH), else today.
const epoch = process.env['SOURCE_DATE_EPOCH'];
const date = (epoch ? new Date(Number(epoch) * 1000) : new Date()).toISOString().slice(0, 10);

const template = readFileSync(join(ROOT, 'packaging/man/pbxsig.1.in'), 'utf8');
mkdirSync(join(ROOT, 'dist/man'), { recursive: true });
writeFileSync(join(ROOT, 'dist/man/pbxsig.1'), renderManPage(template, COMMANDS, { version, date }));
mkdirSync(join(ROOT, 'dist/completion'), { recursive: true });
writeFileSync(join(ROOT, 'dist/completion/pbxsig.bash'), bashCompletion());
