import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  DEFAULT_INTERRUPT_BUDGET,
  STARTUP_INTERRUPT_BUDGET,
  defaultInterruptBudget,
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
});
