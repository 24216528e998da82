import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  DEFAULT_INTERRUPT_BUDGET,
  STARTUP_INTERRUPT_BUDGET,
  defaultInterruptBudget,
  endStartup,
  inStartup,
} from '../../../src/cli/tiering.js';

describe('defaultInterruptBudget', () => {
  it("is V8's own default on the Node running the tests, where the CLI changes it (CI runs Node 18 and the machine's)", (t) => {
    const known = defaultInterruptBudget(process.versions.v8);
    if (known === undefined) {
      t.skip(`V8 ${process.versions.v8} is left alone`);
      return;
    }
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    assert.equal(known, Number(/--interrupt-budget=(\d+)/.exec(options)?.[1]), `V8 ${process.versions.v8}`);
  });

  it('reads the version by major and minor, and knows only Node 20', () => {
    assert.equal(defaultInterruptBudget('11.3.244.8-node.38'), 67_584);
    assert.equal(defaultInterruptBudget('10.2.154.26-node.39'), undefined, 'Node 18 is left alone');
    assert.equal(defaultInterruptBudget('12.4.254.21-node.57'), undefined);
    assert.equal(defaultInterruptBudget('11.30.1'), undefined);
    assert.equal(defaultInterruptBudget(''), undefined);
  });

  it('raises the budget during start-up above every default it restores', () => {
    for (const budget of Object.values(DEFAULT_INTERRUPT_BUDGET)) assert.ok(STARTUP_INTERRUPT_BUDGET > budget);
  });

  it('keeps a warm function from being optimised during start-up, and optimises it after (Node 20)', (t) => {
    if (defaultInterruptBudget(process.versions.v8) === undefined) {
      t.skip(`V8 ${process.versions.v8} is left alone`);
      return;
    }
    const script = [
      `import { optimiseLateDuringStartup, STARTUP_MS } from ${JSON.stringify(url)};`,
      'optimiseLateDuringStartup();',
      warm('early'),
      "console.log('--- start-up');",
      `setTimeout(() => { ${warm('late')} console.log('--- after'); }, STARTUP_MS + 50);`,
    ].join('\n');
    const [during = '', after = ''] = traceOpt(script).split('--- start-up');
    assert.match(after, /--- after/);
    assert.doesNotMatch(during, /<JSFunction early /, 'optimised during start-up');
    assert.match(after, /<JSFunction late /, 'not optimised after start-up');
  });

  it('ends at once when a run turns out to keep its work on the main thread (Node 20)', (t) => {
    if (defaultInterruptBudget(process.versions.v8) === undefined) {
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
