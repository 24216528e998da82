import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  LATE_TIERING,
  STARTUP_INTERRUPT_BUDGET,
  endStartup,
  inStartup,
  lateTiering,
} from '../../../src/cli/tiering.js';

describe('lateTiering', () => {
  it("puts back V8's own default on the Node running the tests (CI runs Node 18 and the machine's)", (t) => {
    const tiering = lateTiering(process.versions.v8);
    if (tiering === undefined) {
      t.skip(`V8 ${process.versions.v8} is left alone`);
      return;
    }
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    const name = /^--(?:no-)?([a-z-]+)/.exec(tiering.after)?.[1] ?? '';
    const block = new RegExp(`^  --${name} [^\\n]*\\n\\s+type: \\w+\\s+default: (\\S+)$`, 'm').exec(options);
    assert.equal(block?.[1], tiering.after, `V8 ${process.versions.v8}`);
  });

  it('reads the version by major and minor, and knows only Node 18 and Node 20', () => {
    assert.equal(lateTiering('11.3.244.8-node.38')?.after, '--interrupt-budget=67584');
    assert.equal(lateTiering('10.2.154.26-node.39')?.after, '--opt');
    assert.equal(lateTiering('12.4.254.21-node.57'), undefined);
    assert.equal(lateTiering('11.30.1'), undefined);
    assert.equal(lateTiering(''), undefined);
  });

  it('raises the budget during start-up above the default it restores (Node 20)', () => {
    const after = Number(LATE_TIERING['11.3']?.after.split('=')[1]);
    assert.ok(STARTUP_INTERRUPT_BUDGET > after * 10);
  });

  it('keeps a warm function from being optimised during start-up, and optimises it after', (t) => {
    if (lateTiering(process.versions.v8) === undefined) {
      t.skip(`V8 ${process.versions.v8} is left alone`);
      return;
    }
    const script = [
      `import { optimiseLateDuringStartup, lateTiering } from ${JSON.stringify(url)};`,
      'optimiseLateDuringStartup();',
      warm('early'),
      "console.log('--- start-up');",
      `setTimeout(() => { ${warm('late')} console.log('--- after'); }, lateTiering(process.versions.v8).windowMs + 50);`,
    ].join('\n');
    const [during = '', after = ''] = traceOpt(script).split('--- start-up');
    assert.match(after, /--- after/);
    assert.doesNotMatch(during, /<JSFunction early /, 'optimised during start-up');
    assert.match(after, /<JSFunction late /, 'not optimised after start-up');
  });

  it('ends at once when a run turns out to keep its work on the main thread', (t) => {
    if (lateTiering(process.versions.v8) === undefined) {
      t.skip(`V8 ${process.versions.v8} is left alone`);
      return;
    }
    const script = [
      `import { optimiseLateDuringStartup, endStartup } from ${JSON.stringify(url)};`,
      'optimiseLateDuringStartup();',
      'endStartup();',
      warm('cut'),
      "console.log('--- done');",
    ].join('\n');
    const trace = traceOpt(script);
    assert.match(trace, /--- done/);
    assert.match(trace, /<JSFunction cut /, 'still optimising late after the window was ended');
  });
});

describe('endStartup', () => {
  it('does nothing when no window is open, so a run without lanes may call it', () => {
    assert.equal(inStartup(), false);
    endStartup();
    assert.equal(inStartup(), false);
  });
});

// 12,000 turns of this loop: V8 11's default budget optimises the function after about 4,000, the
// start-up budget after about 40,000 (measured with --trace-opt): a factor of 3 each way.
function warm(name: string): string {
  return (
    `function ${name}(n) { let s = 0; for (let i = 0; i < n; i++) s += (i * 7) % 13; return s; }` +
    ` for (let k = 0; k < 12; k++) ${name}(1000);`
  );
}

const url = new URL('../../../src/cli/tiering.js', import.meta.url).href;

/** Runs an ES module script in a child Node with --trace-opt; returns its stdout. */
function traceOpt(script: string): string {
  const run = spawnSync(process.execPath, ['--trace-opt', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '', 'no warning from V8 or Node');
  return run.stdout;
}
