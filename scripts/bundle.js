// Bundles the CLI into dist/cli/ for start-up speed: loading ~100 small ES modules (yargs and its
// helpers, our own) cost about 200 ms of a 330 ms run; one bundle loads in a few. Commands and
// openpgp.js stay lazily loaded (code splitting). openpgp.js is already one file; piscina starts its
// own worker script by path, so both stay external. dist/cli/ sits two levels below the package like
// dist/src/, so src/version.ts finds package.json either way.
import { build } from 'esbuild';

await build({
  entryPoints: { main: 'src/cli/main.ts', worker: 'src/lanes/worker.ts' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node18',
  external: ['openpgp', 'piscina', 'hash-wasm'],
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
  // Bundled CommonJS dependencies (yargs' helpers) call require(); give ESM output one.
  banner: {
    js: "import { createRequire as __pbxsigRequire } from 'node:module'; const require = __pbxsigRequire(import.meta.url);",
  },
});
