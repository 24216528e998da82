// Bundles the CLI into dist/cli/ for start-up speed: loading ~100 small ES modules (yargs and its
// helpers, our own) cost about 200 ms of a 330 ms run; one bundle loads in a few. Commands and
// openpgp.js stay lazily loaded (code splitting): openpgp.js comes in as its own minified build, which
// compiles faster than the readable one its package exports to Node (design: openpgp.js import 36 ms
// against 48 ms). piscina starts our worker script by path, so it stays external. dist/cli/ sits two
// levels below the package like dist/src/, so src/version.ts finds package.json either way.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names change with their content: start empty, or old chunks pile up.
rmSync('dist/cli', { recursive: true, force: true });

await build({
  entryPoints: { main: 'src/cli/main.ts', worker: 'src/lanes/worker.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node18',
  external: ['piscina', 'hash-wasm'],
  alias: { openpgp: './node_modules/openpgp/dist/node/openpgp.min.mjs' },
  sourcemap: true,
  // PBXSIG_NO_MINIFY=1 keeps names readable, for CPU profiles (node --cpu-prof bin/pbxsig.js ...).
  minify: process.env.PBXSIG_NO_MINIFY !== '1',
  logLevel: 'warning',
  // Bundled CommonJS dependencies (yargs' helpers) call require(); give ESM output one.
  banner: {
    js: "import { createRequire as __pbxsigRequire } from 'node:module'; const require = __pbxsigRequire(import.meta.url);",
  },
});
