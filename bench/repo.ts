// The repository (dist/bench/repo.js -> <repo>/): every cold process runs there, with relative paths
// (bin/pbxsig.js, bench/peers/...), so that the report shows commands without this machine's paths.

import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
