// An audit of ten snapshots, three of them hostile: a module.sig of newlines, a manifest far past the
// entry bound whose signature is forged, and a developer key flooded with junk certifications. The audit
// must finish with a complete report that names what is wrong with the first two, judges the flooded
// one as its key deserves, and judges the seven others as if the three were not there.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditReport } from '../../src/audit/types.js';
import { formatBody } from '../../src/sign/body.js';
import { clearsign } from '../../src/sign/clearsign.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, flooded, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

const MODULES = {
  core: {
    'module.xml': '<module><rawname>core</rawname><version>17.0.1</version></module>\n',
    'Core.class.php': '<?php\n',
  },
  dashboard: { 'module.xml': '<module><rawname>dashboard</rawname></module>\n', 'Dashboard.class.php': '<?php\n' },
};

let dir = '';
let anchor: TestKey;
let developer: TestKey;
let cleanup: () => Promise<void> = () => Promise.resolve();
let roots: string[] = [];
let report: AuditReport;
let status = -1;

before(async () => {
  const temp = await makeTempDir('pbxsig-hostile-audit-');
  dir = temp.path;
  cleanup = temp.remove;
  anchor = await makeKey('Audit Master', { rsa: true });
  developer = await certified(anchor, await makeKey('Audit Developer'));
  roots = Array.from({ length: 10 }, (_, i) => join(dir, `pbx-${String(i).padStart(2, '0')}`));
  for (const root of roots) await buildInstallation(root, { anchor, developer, modules: MODULES });
  const coreSig = (root: string): string => join(root, 'var/www/html/admin/modules/core/module.sig');

  // 1. A clear-signed module.sig whose text is 30 MB of newlines: under the size bound, over the line bound.
  await writeFile(
    coreSig(roots[2] as string),
    `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n${'\n'.repeat(30 * 1024 * 1024)}`,
  );

  // 2. 150,000 entries (over the 100,000 bound), signed, then one entry changed: a bad signature.
  const entries = Array.from({ length: 150_000 }, (_, i) => ({ path: `lib/f${i}.php`, digest: 'a'.repeat(64) }));
  const signed = await clearsign(formatBody({ signedWith: developer.keyId }, entries), developer.privateKey);
  await writeFile(coreSig(roots[5] as string), signed.replace('lib/f0.php', 'lib/g0.php'));

  // 3. The installation's copy of the developer key carries 3,000 junk certifications.
  const bmo = join(roots[8] as string, 'var/www/html/admin/libraries/BMO', `${developer.keyId}.key`);
  await writeFile(bmo, (await flooded(developer.publicKey, 3000)).armor());

  const run = spawnSync(
    process.execPath,
    [CLI, 'audit', '--anchor', anchor.fingerprint, '--json', '--quiet', ...roots],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 120_000 },
  );
  status = run.status ?? -1;
  assert.ok(run.stdout.startsWith('{'), `audit printed no JSON: ${run.stderr.slice(0, 2000)}`);
  report = JSON.parse(run.stdout) as AuditReport;
});

after(() => cleanup());

describe('an audit of ten snapshots, three hostile', () => {
  it('finishes with a complete report, exit 1', () => {
    assert.equal(status, 1);
    assert.equal(report.installations.length, 10);
    assert.equal(report.summary.installations, 10);
  });

  it('names the newline flood and the oversized forged manifest, and nothing else in those installations', () => {
    const core = (i: number) => report.installations[i]?.report?.modules.find((m) => m.name === 'core');
    assert.equal(core(2)?.verdict, 'invalid-manifest');
    assert.match(core(2)?.summary ?? '', /more than 200000 lines/);
    assert.equal(core(5)?.verdict, 'bad-signature', core(5)?.summary);
    assert.equal(core(5)?.files.checked, 0, 'no file of a manifest past the entry bound is opened');
    for (const i of [2, 5]) {
      assert.equal(report.installations[i]?.status, 'findings');
      assert.equal(report.installations[i]?.report?.modules.find((m) => m.name === 'dashboard')?.passed, true);
    }
  });

  it('judges the installation with the flooded key by the key itself: its certification by the anchor still counts', () => {
    assert.equal(report.installations[8]?.status, 'clean', JSON.stringify(report.installations[8]?.report?.warnings));
  });

  it('judges the seven others clean', () => {
    const clean = report.installations.filter((_, i) => ![2, 5, 8].includes(i));
    assert.deepEqual(
      clean.map((i) => i.status),
      Array.from({ length: 7 }, () => 'clean'),
    );
  });
});
