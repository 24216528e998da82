// pbxsig's own version, from package.json (dist/src/version.js sits two levels below it).

import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

export const VERSION: string = pkg.version;
