#!/usr/bin/env node
// pbxsig's live data is small (under 40 MB for a whole installation) but allocated fast, and V8's
// default heap sizing keeps that garbage around: a modest heap growth step and a small young
// generation, for this process and its worker threads, hold peak RSS near the live size. Measured on
// 500,000 files: about 260 MB without, 200 MB with, for no measurable time (`npm run bench`, scaling).
// (--optimize-for-size saved more memory but cost 30% in time there.)
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--heap-growing-percent=10');
setFlagsFromString('--max-semi-space-size=2');
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
