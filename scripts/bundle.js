// Bundles the CLI into dist/cli/ for start-up speed: loading ~100 small ES modules (yargs and its
// helpers, our own) cost about 200 ms of a 330 ms run; one bundle loads in a few. Commands and
// openpgp.js stay lazily loaded (code splitting): openpgp.js comes in as its own minified build, which
// compiles faster than the readable one its package exports to Node (design: openpgp.js import 36 ms
// against 48 ms). piscina starts our worker script by path, so it stays external. dist/cli/ sits two
// levels below the package like dist/src/, so src/version.ts finds package.json either way.
// The worker lanes' code is a CommonJS bundle of its own: a worker thread loads it about 25 ms sooner
// than ES modules, since Node's ESM loader must then start in every thread (src/lanes/pool.ts).
// `warm` is the CLI's first step (src/cli/warm-start.ts), small so that it runs before main loads.
// openpgp.js's AES tables are made on first use (scripts/openpgp-on-first-use.ts, compiled by tsc
// before this runs).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { aesTablesOnFirstUse } from '../dist/scripts/openpgp-on-first-use.js';

const openpgpOnFirstUse = {
  name: 'openpgp-aes-tables-on-first-use',
  setup(build) {
    build.onLoad({ filter: /openpgp[\\/]dist[\\/]node[\\/]openpgp\.min\.mjs$/ }, (args) => ({
      contents: aesTablesOnFirstUse(readFileSync(args.path, 'utf8'), args.path),
      loader: 'js',
    }));
  },
};

// Chunk names change with their content: start empty, or old chunks pile up.
rmSync('dist/cli', { recursive: true, force: true });

const common = {
  outdir: 'dist/cli',
  bundle: true,
  platform: 'node',
  target: 'node18',
  external: ['piscina', 'hash-wasm'],
  sourcemap: true,
  // PBXSIG_NO_MINIFY=1 keeps names readable, for CPU profiles (node --cpu-prof bin/pbxsig.js ...).
  minify: process.env.PBXSIG_NO_MINIFY !== '1',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { worker: 'src/lanes/worker.ts' },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
});

await build({
  ...common,
  entryPoints: { main: 'src/cli/main.ts', warm: 'src/cli/warm-start.ts' },
  splitting: true,
  format: 'esm',
  alias: { openpgp: './node_modules/openpgp/dist/node/openpgp.min.mjs' },
  plugins: [openpgpOnFirstUse],
  define: { PBXSIG_LANE_WORKER: JSON.stringify('./worker.cjs') },
  // Bundled CommonJS dependencies (yargs' helpers) call require(); give ESM output one.
  banner: {
    js: "import { createRequire as __pbxsigRequire } from 'node:module'; const require = __pbxsigRequire(import.meta.url);",
  },
});
