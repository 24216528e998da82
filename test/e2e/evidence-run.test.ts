// An installation's evidence collected in one place and judged in another (what a fleet does) gives
// the same report as verifying it in one go, and a signed text that changed on the way is not judged.

import assert from 'node:assert/strict';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Lanes } from '../../src/lanes/lanes.js';
import type { VerifyReport } from '../../src/report/types.js';
import { Judge } from '../../src/verify/coordinator.js';
import { collectInstallation, judgeInstallation } from '../../src/verify/evidence-run.js';
import { settle } from '../../src/verify/options.js';
import { verifyInstallation } from '../../src/verify/verify-installation.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir } from '../helpers/modules.js';

let root = '';
let anchor: TestKey;
let cleanup: () => Promise<void> = () => Promise.resolve();

before(async () => {
  const temp = await makeTempDir('pbxsig-evidence-');
  cleanup = temp.remove;
  root = join(temp.path, 'pbx');
  anchor = await makeKey('Evidence Master', { rsa: true });
  const developer = await certified(anchor, await makeKey('Evidence Developer'));
  await buildInstallation(root, {
    anchor,
    developer,
    modules: {
      core: { 'module.xml': '<module><rawname>core</rawname></module>\n', 'Core.class.php': '<?php\n' },
      dashboard: { 'module.xml': '<module><rawname>dashboard</rawname></module>\n', 'Dash.class.php': '<?php\n' },
    },
  });
  await appendFile(join(root, 'var/www/html/admin/modules/core/Core.class.php'), '// changed\n');
  await writeFile(join(root, 'var/www/html/admin/modules/dashboard/shell.php'), '<?php eval($_GET["x"]);\n');
});

after(() => cleanup());

function judgeFor(now: Date): Judge {
  const settled = settle({}, now);
  return new Judge({
    engine: settled.engine,
    anchors: [anchor.fingerprint],
    unlisted: 'fail',
    now,
    limits: settled.limits,
    look: settled.look,
  });
}

// What differs from run to run.
function comparable(report: VerifyReport): unknown {
  return {
    ...report,
    startedAt: null,
    durationMs: null,
    settings: { ...report.settings, threads: null },
    modules: report.modules.map((m) => ({ ...m, signer: m.signer ? { ...m.signer, keyMaterial: null } : null })),
  };
}

describe('evidence collected in one place, judged in another', () => {
  it('gives the report a verification in one go gives', async () => {
    const now = new Date();
    const direct = await verifyInstallation({ root, anchors: [anchor.fingerprint], now });
    const lanes = await Lanes.start({ workers: 1, engine: 'node' });
    try {
      const evidence = structuredClone(await collectInstallation({ root }, lanes));
      const judged = await judgeInstallation(evidence, judgeFor(now));
      assert.deepEqual(comparable(judged), comparable(direct));
      assert.equal(judged.summary.failed, 2);
    } finally {
      await lanes.close();
    }
  });

  it('judges each distinct signed text once across installations, and takes a left-out text from the caller', async () => {
    const now = new Date();
    const judge = judgeFor(now);
    const lanes = await Lanes.start({ workers: 0, engine: 'node' });
    try {
      const first = await collectInstallation({ root }, lanes);
      const second = await collectInstallation({ root }, lanes);
      await judgeInstallation(first, judge);
      const seen = { ...first.texts };
      const report = await judgeInstallation({ ...second, texts: {} }, judge, {
        text: (d) => Promise.resolve(seen[d]),
      });
      assert.equal(report.modules.find((m) => m.name === 'dashboard')?.verdict, 'verified');
      assert.equal(judge.signatures.stats.verified, first.modules.length);
      assert.equal(judge.signatures.stats.shared, second.modules.length);
    } finally {
      await lanes.close();
    }
  });

  it('does not judge a signed text that is not the file its digest names', async () => {
    const lanes = await Lanes.start({ workers: 0, engine: 'node' });
    try {
      const evidence = await collectInstallation({ root }, lanes);
      const texts = Object.fromEntries(
        Object.entries(evidence.texts).map(([d, raw]) => [
          d,
          raw.replace('[hashes]', '[hashes]\nx = ' + 'a'.repeat(64)),
        ]),
      );
      const report = await judgeInstallation({ ...evidence, texts }, judgeFor(new Date()));
      for (const module of report.modules) {
        assert.equal(module.verdict, 'invalid-manifest');
        assert.match(module.summary, /its digest differs/);
      }
    } finally {
      await lanes.close();
    }
  });
});
