import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditDiff } from '../../../src/audit/diff.js';
import { renderDiff } from '../../../src/audit/diff-text.js';

const EMPTY: AuditDiff = {
  schema: 'pbxsig/diff',
  version: 1,
  old: { startedAt: '2026-12-01T03:00:00.000Z' },
  new: { startedAt: '2026-12-02T03:00:00.000Z' },
  installations: { added: [], removed: [], newlyFailing: [], fixed: [] },
  modules: { newlyFailing: [], fixed: [], changed: [] },
  unlisted: { added: [], removed: [] },
  noRegression: true,
};

describe('renderDiff', () => {
  it('prints a section of 200,000 items (more than a call takes as arguments)', () => {
    const added = Array.from({ length: 200_000 }, (_, i) => ({
      installation: 'pbx1',
      module: 'core',
      path: `shell${i}.php`,
    }));
    const text = renderDiff({ ...EMPTY, unlisted: { added, removed: [] }, noRegression: false });
    const lines = text.split('\n');
    assert.ok(lines.length > 200_000, `${lines.length} lines`);
    assert.ok(lines.some((l) => l.includes('shell199999.php')));
  });
});
