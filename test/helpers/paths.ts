// Locations the tests need, relative to this compiled file (dist/test/helpers/paths.js).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../../bin/pbxsig.js', import.meta.url));
/** The shared real-world corpus beside the repository (CI has it; a bare clone may not). */
export const REALWORLD = fileURLToPath(new URL('../../../../shared/realworld/', import.meta.url));
export const HAVE_REALWORLD = existsSync(REALWORLD);
