import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTargets, renderTargets } from '../../../bench/targets.js';
import type { TargetInput } from '../../../bench/targets.js';

type Run = NonNullable<TargetInput['installation']>['shapes'][number];

/** A shape's run with only what the targets read: its ratios (pbxsig's default against each id). */
function run(base: string, full: boolean, ratios: Record<string, number>, peakRssMiB: number | null = null): Run {
  return {
    base,
    full,
    peakRssMiB,
    ratios: Object.entries(ratios).map(([than, value]) => ({ label: than, of: 'default', than, value })),
  };
}

describe('when the targets are checked', () => {
  it('says met or missed for each measured one, by its bound', () => {
    const checks = checkTargets({
      installation: {
        shapes: [
          run('freepbx17', true, { 'gpgv-sha256sum': 1.6, 'python-hashlib': 1.0, main: 1.25 }, 150),
          run('freepbx16', true, { 'gpgv-sha256sum': 2.5 }),
          run('freepbx14', true, { 'gpgv-sha256sum': 0.5 }),
        ],
      },
      scaling: {
        memoryTarget: {
          files: 500_000,
          limitMiB: 200,
          peakRssMiB: 199,
          verdict: 'pass',
          largest: { files: 500_000, peakRssMiB: 199 },
        },
      },
    });
    assert.deepEqual(
      checks.map((c) => c.verdict),
      ['met', 'missed', 'met', 'missed', 'met', 'missed', 'met'],
    );
    assert.ok(checks.every((c) => c.note === null));
  });

  it('says not measured, and why, for what did not run', () => {
    const checks = checkTargets({ installation: { shapes: [run('freepbx14', true, { 'gpgv-sha256sum': 1 })] } });
    assert.equal(checks.filter((c) => c.verdict === 'not measured').length, 6);
    assert.match(checks[0]?.note ?? '', /freepbx17 shape did not run/);
    assert.match(checks[6]?.note ?? '', /scaling suite did not run/);
  });

  it('marks a verdict measured on a smaller tree (--quick)', () => {
    const [first] = checkTargets({ installation: { shapes: [run('freepbx17', false, { 'gpgv-sha256sum': 2 })] } });
    assert.equal(first?.verdict, 'met');
    assert.match(first?.note ?? '', /smaller tree/);
    assert.match(
      renderTargets(checkTargets({})),
      /\| FreePBX 17 shape: at least 1\.5x faster .* \| – \| \*\*not measured\*\*/,
    );
  });
});
