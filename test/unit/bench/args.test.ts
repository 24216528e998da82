import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BenchUsageError, HELP, SHAPE_NAMES, SUITES, parseBenchArgs } from '../../../bench/args.js';

describe('when the benchmark parses its arguments', () => {
  it('runs every suite on every shape by default, writing to the local results', () => {
    assert.deepEqual(parseBenchArgs([]), {
      help: false,
      quick: false,
      suites: SUITES,
      partial: false,
      shapes: SHAPE_NAMES,
      save: false,
    });
  });

  it('takes --only and --shape as comma lists, repeatable, in the suites’ own order', () => {
    const args = parseBenchArgs([
      '--only',
      'hostile,installation',
      '--only=scaling',
      '--shape',
      'freepbx14',
      '--quick',
    ]);
    assert.deepEqual(args.suites, ['installation', 'scaling', 'hostile']);
    assert.equal(args.partial, true);
    assert.deepEqual(args.shapes, ['freepbx14']);
    assert.equal(args.quick, true);
  });

  it('takes --save and --help', () => {
    assert.equal(parseBenchArgs(['--save']).save, true);
    assert.equal(parseBenchArgs(['-h']).help, true);
  });

  it('refuses an unknown option, suite or shape, naming it', () => {
    assert.throws(
      () => parseBenchArgs(['--fast']),
      (e: unknown) => e instanceof BenchUsageError && /--fast/.test(e.message),
    );
    assert.throws(() => parseBenchArgs(['--only', 'shapes']), /unknown suite: shapes/);
    assert.throws(() => parseBenchArgs(['--shape', 'freepbx13']), /unknown shape: freepbx13/);
    assert.throws(() => parseBenchArgs(['--only', '']), /--only needs a name/);
    assert.throws(() => parseBenchArgs(['extra']), BenchUsageError);
  });

  it('documents every option, suite and shape in its help', () => {
    for (const word of ['--quick', '--only', '--shape', '--save', '--help', ...SUITES, ...SHAPE_NAMES])
      assert.ok(HELP.includes(word), `help names ${word}`);
  });
});
