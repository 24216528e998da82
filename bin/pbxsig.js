#!/usr/bin/env node
// pbxsig's live data is small (under 40 MB for a whole installation) but allocated fast, and V8's
// default heap sizing keeps that garbage around: a modest heap growth step and a small young
// generation, for this process and its worker threads, hold peak RSS near the live size. Measured on
// 500,000 files: about 260 MB without, 200 MB with, for no measurable time (`npm run bench`, scaling).
// (--optimize-for-size saved more memory but cost 30% in time there.)
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--heap-growing-percent=10');
setFlagsFromString('--max-semi-space-size=2');

// On Node 18, openpgp.js's use of Ed25519/X25519 in Web Crypto prints an ExperimentalWarning on
// stderr, where the boot-time alerts go. That one warning tells a user nothing; every other warning
// still prints as usual.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : (warning?.message ?? '');
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0]?.type ?? warning?.name);
  if (type === 'ExperimentalWarning' && /Web Crypto API algorithm/.test(text)) return;
  emitWarning(warning, ...rest);
};

// pbxsig's own code that cannot be loaded (a broken or half-upgraded install) is an internal error,
// exit 3 with one line, not Node's stack trace and exit 1, which means "a module failed verification".
async function load(path) {
  try {
    return await import(path);
  } catch (error) {
    process.stderr.write(
      `pbxsig: internal error: its own code cannot be loaded (${error?.message ?? error}); reinstall pbxsig\n`,
    );
    process.exit(3);
  }
}

const args = process.argv.slice(2);
// Worker lanes boot on another core while the rest of pbxsig loads (src/cli/warm-start.ts).
const { warmStart, releaseWarmLanes } = await load('../dist/cli/warm.js');
warmStart(args);
const { main } = await load('../dist/cli/main.js');
process.exitCode = await main(args);
await releaseWarmLanes();
