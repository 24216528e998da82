// The benchmark's installation generator (bench/installation.ts over bench/shapes.ts): the trees it
// plans must have a real installation's shape, and the trees it writes must be what it says and pass
// pbxsig itself, or every figure timed on them misleads.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { moduleDirStats, planInstallation, writeInstallation } from '../../../bench/installation.js';
import type { GeneratedInstallation, InstallationPlan } from '../../../bench/installation.js';
import { makeSigner } from '../../../bench/keys.js';
import { FREEPBX14, FREEPBX16, FREEPBX17, scaleShape } from '../../../bench/shapes.js';
import { sizeQuantiles } from '../../../bench/stats.js';
import { makeTempDir } from '../../../bench/temp.js';
import { verifyInstallation } from '../../../src/index.js';
import type { VerifyReport } from '../../../src/index.js';

const SEED = 0x1f5_7a11;

/** `actual` within `share` (0.1: 10%) of `expected`. */
function near(actual: number, expected: number, share: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= expected * share,
    `${what}: ${actual}, expected ${expected} within ${share * 100}%`,
  );
}

function listedSizes(plan: InstallationPlan): number[] {
  return plan.modules.flatMap((m) => m.listed.map((f) => f.size));
}

describe('when the FreePBX 17 shape is planned', () => {
  const plan = planInstallation(FREEPBX17, SEED);
  const framework = plan.modules.find((m) => m.module.name === 'framework');
  const unlisted = plan.modules.flatMap((m) => m.unlisted);

  it('has 35 modules, about 16,700 listed files (framework about 8,100 of them)', () => {
    assert.equal(plan.modules.length, 35);
    near(listedSizes(plan).length + 2, 16_700, 0.02, 'listed files, with the two BMO keys');
    near((framework?.listed.length ?? 0) + 2, 8_100, 0.02, "framework's entries");
  });

  it('has about 26,500 files in about 4,800 directories in its module directories', () => {
    const stats = moduleDirStats(plan);
    near(stats.files, 26_500, 0.03, 'files');
    near(stats.directories, 4_800, 0.1, 'directories');
  });

  it('has about 9,800 unlisted files, about 5,200 of them .js in the run-time node/ trees of api, pm2 and ucp', () => {
    near(unlisted.length, 9_800, 0.05, 'unlisted files');
    const nodeJs = plan.modules.flatMap((m) =>
      m.unlisted.filter((f) => f.path.startsWith('node/node_modules/') && f.path.endsWith('.js')),
    );
    near(nodeJs.length, 5_200, 0.05, '.js under node/');
    const withNode = plan.modules.filter((m) => m.unlisted.some((f) => f.path.startsWith('node/')));
    assert.deepEqual(withNode.map((m) => m.module.name).sort(), ['api', 'pm2', 'ucp']);
    assert.ok(
      unlisted.some((f) => f.path.endsWith('.sh') && f.executable),
      'a few executable scripts',
    );
  });

  it('has file sizes of median 1.5 KB, p90 15 KB, p99 120 KB, max 2.4 MB, about 132 MB listed', () => {
    const sizes = listedSizes(plan);
    const q = sizeQuantiles(sizes);
    near(q.median, 1_500, 0.1, 'median');
    near(q.p90, 15_000, 0.1, 'p90');
    near(q.p99, 120_000, 0.15, 'p99');
    near(q.max, 2.4 * 2 ** 20, 0.05, 'max');
    near(
      sizes.reduce((a, b) => a + b, 0),
      132e6,
      0.1,
      'bytes listed',
    );
  });

  it('nests as deep as the real modules (framework 15 levels, filestore 9)', () => {
    const depth = (name: string): number =>
      Math.max(
        ...(plan.modules.find((m) => m.module.name === name)?.listed ?? []).map((f) => f.path.split('/').length - 1),
      );
    assert.equal(depth('framework'), 15);
    assert.equal(depth('filestore'), 9);
    assert.equal(depth('infoservices'), 0);
  });

  it('lists framework under its source paths, mapped by FreePBX to every installed place and skipped places', () => {
    const paths = framework?.listed.map((f) => f.path) ?? [];
    for (const prefix of [
      'amp_conf/htdocs/',
      'amp_conf/bin/',
      'amp_conf/sbin/',
      'amp_conf/agi-bin/',
      'amp_conf/sounds/',
      'amp_conf/astetc/',
      'amp_conf/moh/',
      'upgrades/',
      'utests/',
    ])
      assert.ok(
        paths.some((p) => p.startsWith(prefix)),
        `framework lists something under ${prefix}`,
      );
  });

  it('is the same tree for the same seed, another for another seed', () => {
    assert.deepEqual(planInstallation(FREEPBX17, SEED), plan);
    assert.notDeepEqual(planInstallation(FREEPBX17, SEED + 1).modules[1], plan.modules[1]);
  });
});

describe('when the other shapes are planned', () => {
  it('FreePBX 14: 15 modules, about 450 listed files, no node/ trees', () => {
    const plan = planInstallation(FREEPBX14, SEED);
    assert.equal(plan.modules.length, 15);
    near(listedSizes(plan).length + 2, 450, 0.1, 'listed files');
    assert.ok(plan.modules.every((m) => m.unlisted.every((f) => !f.path.startsWith('node/'))));
  });

  it('FreePBX 16 with commercial modules: 120 modules, every name once', () => {
    assert.equal(FREEPBX16.modules.length, 120);
    assert.equal(new Set(FREEPBX16.modules.map((m) => m.name)).size, 120);
  });

  it('scaled: about the asked listed files, no module larger than framework, unlisted files not grown', () => {
    const scaled = scaleShape(FREEPBX17, 100_000);
    const plan = planInstallation(scaled, SEED);
    near(listedSizes(plan).length, 100_000, 0.01, 'listed files');
    const largest = Math.max(...scaled.modules.map((m) => m.listed));
    assert.ok(largest <= 8_108, `largest module ${largest}`);
    const ucp = scaled.modules.filter((m) => m.name.startsWith('ucp'));
    assert.ok(ucp.length > 1, 'ucp became several modules');
    for (const m of ucp) assert.ok(m.unlisted.nodeModules <= 2_392, `${m.name}: ${m.unlisted.nodeModules}`);
  });
});

describe('when a small installation is written', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let plan: InstallationPlan;
  let tree: GeneratedInstallation;
  let report: VerifyReport;

  before(async () => {
    dir = await makeTempDir('pbxsig-bench-test-');
    const signer = await makeSigner(dir.path, 'ed25519');
    plan = planInstallation(scaleShape(FREEPBX17, 800), SEED);
    tree = await writeInstallation(join(dir.path, 'root'), plan, signer);
    report = await verifyInstallation({ root: tree.root, anchors: [signer.anchor.fingerprint], threads: 0 });
  });

  after(async () => {
    await dir.remove();
  });

  it('holds in its module directories exactly the files and directories planned', () => {
    const modulesDir = join(tree.root, 'var/www/html/admin/modules');
    let files = 0;
    let directories = 0;
    const walk = (path: string): void => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          directories++;
          walk(join(path, entry.name));
        } else files++;
      }
    };
    walk(modulesDir);
    assert.deepEqual({ files, directories }, moduleDirStats(plan));
    assert.deepEqual(tree.moduleDirs, moduleDirStats(plan));
  });

  it('passes pbxsig: every module verified, every checked file hashed, the unlisted files as counted', () => {
    assert.equal(report.summary.verified, tree.modules.length);
    assert.equal(report.summary.failed, 0);
    assert.equal(report.summary.files, tree.checked);
    assert.equal(report.summary.bytes, tree.checkedBytes);
    const runtime = report.modules.reduce((sum, m) => sum + (m.unlisted?.runtime ?? 0), 0);
    const other = report.modules.reduce((sum, m) => sum + (m.unlisted?.other ?? 0), 0);
    assert.deepEqual({ runtime, other }, { runtime: tree.unlisted.runtime, other: tree.unlisted.other });
    assert.equal(tree.unlisted.runtime + tree.unlisted.other, tree.unlisted.files);
  });

  it("installs framework's files where FreePBX maps them, keeping the source copy in its module directory", () => {
    assert.ok(tree.tamperTargets.frameworkWeb.startsWith(join(tree.root, 'var/www/html/admin/')));
    assert.ok(tree.tamperTargets.frameworkSource.includes('/admin/modules/framework/amp_conf/htdocs/admin/'));
    assert.deepEqual(readFileSync(tree.tamperTargets.frameworkWeb), readFileSync(tree.tamperTargets.frameworkSource));
    const fw = tree.framework;
    assert.ok(fw.bin > 0 && fw.sbin > 0 && fw.agiBin > 0 && fw.sounds > 0 && fw.skipped > 0, JSON.stringify(fw));
    assert.equal(fw.webroot + fw.bin + fw.sbin + fw.agiBin + fw.sounds + fw.moduleDir + fw.skipped, fw.listed);
    assert.equal(readdirSync(join(tree.root, 'var/lib/asterisk/bin')).length, fw.bin);
  });
});
