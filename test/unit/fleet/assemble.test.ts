// The producer's side of a fleet audit, without Redis: evidence collected from real installations (as
// workers collect it), carried through the result codec, and judged with one judge for the whole audit.
// It must give the local audit's report, verify each distinct module.sig once for the fleet with each
// text sent once, and never judge what did not arrive intact.

import assert from 'node:assert/strict';
import { appendFile, cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { auditInstallations } from '../../../src/audit/audit.js';
import { asAudit, diffAudits } from '../../../src/audit/diff.js';
import { renderAuditHtml } from '../../../src/audit/html.js';
import type { InstallationTarget } from '../../../src/audit/names.js';
import type { AuditReport } from '../../../src/audit/types.js';
import { assembleAuditReport } from '../../../src/fleet/assemble.js';
import { runInstallationJob } from '../../../src/fleet/installation-job.js';
import type { Outcome } from '../../../src/fleet/assemble.js';
import { canonicalAudit } from '../../../src/fleet/canonical.js';
import { decodeResult, encodeResult } from '../../../src/fleet/result-codec.js';
import type { JobResult, RunSpec } from '../../../src/fleet/types.js';
import { Lanes } from '../../../src/lanes/lanes.js';
import { collectInstallation } from '../../../src/verify/evidence-run.js';
import type { InstallationEvidence } from '../../../src/verify/evidence-run.js';
import type { CollectedModule } from '../../../src/verify/collect.js';
import type { ManifestEvidence } from '../../../src/check/evidence.js';
import { textDigest } from '../../../src/check/read-module-sig.js';
import { buildInstallation } from '../../helpers/installation.js';
import { certified, makeKey } from '../../helpers/keys.js';
import type { TestKey } from '../../helpers/keys.js';
import { makeTempDir, sha256 } from '../../helpers/modules.js';

const MODULES = 'var/www/html/admin/modules';
const SHELL = '<?php system($_GET["c"]);\n';
const NAMES = ['pbx1', 'pbx2', 'pbx3', 'pbx4', 'pbx5'] as const;

let temp = '';
let cleanup: () => Promise<void> = () => Promise.resolve();
let anchor: TestKey;
let targets: InstallationTarget[] = [];
const evidence = new Map<string, InstallationEvidence>();
let local: AuditReport;
// The audit's clock: after the keys and signatures were made (they are not valid before their time).
let now = new Date();

const spec = (): RunSpec => ({
  version: 2,
  runId: 'r1',
  now: now.toISOString(),
  anchors: [anchor.fingerprint],
  unlisted: 'fail',
  allow: [],
  engine: 'node',
  installations: targets.length,
  retentionSeconds: 3600,
  digest: 'd',
});

// A worker's result for installation `name`, through the codec as Redis stores it; `texts` as sent.
function outcome(name: string, texts?: Readonly<Record<string, string>>): Outcome {
  const collected = evidence.get(name) as InstallationEvidence;
  const target = targets.find((t) => t.name === name) as Extract<InstallationTarget, { kind: 'root' }>;
  const result: JobResult = {
    version: 2,
    name,
    root: target.root,
    status: 'audited',
    error: null,
    evidence: { ...collected, texts: texts ?? collected.texts },
    threads: 1,
    worker: `w-${name}`,
  };
  return { kind: 'result', result: decodeResult(encodeResult(result), name) };
}

function assemble(outcomes: readonly Outcome[], chosen = targets, run = spec()): Promise<AuditReport> {
  return assembleAuditReport({
    spec: run,
    engine: 'node',
    keys: [],
    targets: chosen,
    outcomes,
    queue: 'redis://q:6379/0',
    finishedAt: new Date(now.getTime() + 10_000),
  });
}

before(async () => {
  const dir = await makeTempDir('pbxsig-fleet-assemble-');
  temp = dir.path;
  cleanup = dir.remove;
  anchor = await makeKey('Assemble Master');
  const developer = await certified(anchor, await makeKey('Assemble Developer'));
  const modules = {
    core: { 'module.xml': '<module>core</module>\n', 'Core.class.php': '<?php class Core {}\n' },
    dashboard: { 'module.xml': '<module>dashboard</module>\n', 'assets/js/dashboard.js': 'dashboard();\n' },
  };
  const root = (name: string): string => join(temp, name);
  await buildInstallation(root('pbx1'), { anchor, developer, modules });
  for (const name of NAMES.slice(1)) await cp(root('pbx1'), root(name), { recursive: true, verbatimSymlinks: true });
  // pbx2 as it was; pbx3 and pbx5 the same web shell; pbx4 another one, and a tampered file.
  await writeFile(join(root('pbx3'), MODULES, 'dashboard/shell.php'), SHELL);
  await writeFile(join(root('pbx5'), MODULES, 'dashboard/shell.php'), SHELL);
  await writeFile(join(root('pbx4'), MODULES, 'dashboard/shell.php'), `${SHELL}// another\n`);
  await appendFile(join(root('pbx4'), MODULES, 'core/Core.class.php'), '// injected\n');
  targets = NAMES.map((name) => ({ kind: 'root', name, root: root(name) }));
  now = new Date();

  const lanes = await Lanes.start({ workers: 0, engine: 'node' });
  try {
    for (const name of NAMES) evidence.set(name, await collectInstallation({ root: root(name) }, lanes));
  } finally {
    await lanes.close();
  }
  local = await auditInstallations({
    roots: targets.map((t) => ({ name: t.name, root: root(t.name) })),
    anchors: [anchor.fingerprint],
    engine: 'node',
    threads: 1,
    now,
  });
});

after(() => cleanup());

describe('when a fleet report is assembled from evidence', () => {
  it("gives the local audit's report when each text was sent once, with the first installation that had it", async () => {
    const first = evidence.get('pbx1') as InstallationEvidence;
    assert.ok(Object.keys(first.texts).length >= 3, 'core, dashboard and framework each have a module.sig');
    const report = await assemble(NAMES.map((name) => outcome(name, name === 'pbx1' ? undefined : {})));
    assert.equal(canonicalAudit(report), canonicalAudit(local));
    assert.deepEqual(
      report.installations.map((i) => [i.name, i.status]),
      [
        ['pbx1', 'clean'],
        ['pbx2', 'clean'],
        ['pbx3', 'findings'],
        ['pbx4', 'findings'],
        ['pbx5', 'findings'],
      ],
    );
  });

  it('verifies each distinct module.sig once for the whole fleet, the rest shared', async () => {
    const report = await assemble(NAMES.map((name) => outcome(name)));
    const modules = report.summary.modules;
    assert.equal(modules, 15);
    // Three distinct module.sig files under the same keys: three verifications, twelve shared.
    assert.deepEqual(report.summary.signatures, { verified: 3, shared: 12 });
    assert.deepEqual(report.summary.signatures, local.summary.signatures);
    assert.deepEqual(report.run, {
      id: 'r1',
      queue: 'redis://q:6379/0',
      workers: NAMES.map((n) => `w-${n}`),
    });
  });

  it('reports an installation as not audited when a text it needs arrived from no worker, or altered', async () => {
    const [digest, raw] = Object.entries((evidence.get('pbx1') as InstallationEvidence).texts)[0] as [string, string];
    const altered = { ...(evidence.get('pbx1') as InstallationEvidence).texts, [digest]: `${raw}\n` };
    const report = await assemble([outcome('pbx1', altered), outcome('pbx2', {})], targets.slice(0, 2));
    for (const installation of report.installations) {
      assert.equal(installation.status, 'unreadable');
      assert.equal(installation.report, null);
      assert.equal(installation.error?.code, 'FLEET_TEXT_MISSING');
      assert.match(installation.error?.message ?? '', new RegExp(`sha256 ${digest} did not arrive intact`));
    }
    // The same text intact in another result is enough.
    const rescued = await assemble([outcome('pbx1', altered), outcome('pbx2')], targets.slice(0, 2));
    assert.deepEqual(
      rescued.installations.map((i) => i.status),
      ['clean', 'clean'],
    );
  });

  it('keeps the order given, and says why an installation was not audited', async () => {
    const report = await assemble([
      outcome('pbx1'),
      {
        kind: 'failed',
        code: 'FLEET_JOB_FAILED',
        reason: 'the audit job failed: job stalled more than allowable limit',
      },
      {
        kind: 'pending',
        code: 'FLEET_NOT_AUDITED',
        reason: 'no worker finished it within the time allowed (--timeout)',
      },
      outcome('pbx4'),
      outcome('pbx5'),
    ]);
    assert.deepEqual(
      report.installations.map((i) => [i.name, i.status, i.error?.code ?? null]),
      [
        ['pbx1', 'clean', null],
        ['pbx2', 'unreadable', 'FLEET_JOB_FAILED'],
        ['pbx3', 'unreadable', 'FLEET_NOT_AUDITED'],
        ['pbx4', 'findings', null],
        ['pbx5', 'findings', null],
      ],
    );
    assert.equal(report.durationMs, 10_000);
  });

  it('refuses a result stored for another installation, and keeps key files byte for byte', () => {
    const result = (outcome('pbx1') as Extract<Outcome, { kind: 'result' }>).result;
    assert.throws(() => decodeResult(encodeResult(result), 'pbx2'), /the result is for "pbx1"/);
    assert.throws(() => decodeResult({ v: 2, gz: 'bm90IGd6aXA=' }, 'pbx1'));
    const sent = evidence.get('pbx1')?.keyFiles ?? [];
    assert.ok(sent.length >= 2, 'the installation has its BMO keys');
    assert.deepEqual(
      result.evidence?.keyFiles.map((f) => [f.display, sha256(f.bytes)]),
      sent.map((f) => [f.display, sha256(f.bytes)]),
    );
  });

  it('refuses evidence whose modules are out of place: an index out of range or twice, a module that is not an object', () => {
    const result = (outcome('pbx1') as Extract<Outcome, { kind: 'result' }>).result;
    const collected = result.evidence as InstallationEvidence;
    const forged = (modules: readonly unknown[]): unknown =>
      encodeResult({ ...result, evidence: { ...collected, modules: modules as InstallationEvidence['modules'] } });
    const [first, second] = collected.modules;
    assert.ok(first && second);
    assert.throws(
      () => decodeResult(forged([{ ...first, index: 4294967294 }, second]), 'pbx1'),
      /index out of place: 4294967294/,
    );
    assert.throws(() => decodeResult(forged([first, { ...second, index: first.index }]), 'pbx1'), /index out of place/);
    assert.throws(() => decodeResult(forged([first, null]), 'pbx1'), /not an object/);
    assert.throws(() => decodeResult(forged([first, { index: second.index }]), 'pbx1'), /no target or evidence/);
    assert.doesNotThrow(() => decodeResult(forged([second, first]), 'pbx1'), 'any order, each in its place');
  });

  it("reads each module.sig's manifest from the signed text itself, never from the worker's reading of it", async () => {
    const honest = (outcome('pbx1') as Extract<Outcome, { kind: 'result' }>).result;
    const collected = honest.evidence as InstallationEvidence;
    // A worker that says core's manifest expired long ago, and that framework's was refused.
    const refused: ManifestEvidence = { state: 'refused', problem: { code: 'MANIFEST_SYNTAX', message: 'forged' } };
    const forged = collected.modules.map((m): CollectedModule => {
      const manifest = m.evidence.manifest;
      if (m.target.name === 'core' && manifest?.state === 'parsed')
        return {
          ...m,
          evidence: {
            ...m.evidence,
            manifest: { ...manifest, config: { ...manifest.config, version: '2', expiresAfter: 1 } },
          },
        };
      if (m.target.name === 'framework') return { ...m, evidence: { ...m.evidence, manifest: refused } };
      return m;
    });
    const lying: Outcome = { kind: 'result', result: { ...honest, evidence: { ...collected, modules: forged } } };
    const truthful = await assemble(NAMES.map((name) => outcome(name)));
    const report = await assemble([lying, ...NAMES.slice(1).map((name) => outcome(name))]);
    const verdicts = (r: AuditReport): Array<[string, string]> =>
      (r.installations.find((i) => i.name === 'pbx1')?.report?.modules ?? []).map((m) => [m.name, m.verdict]);
    assert.deepEqual(verdicts(report), verdicts(truthful));
  });

  it('does not judge evidence that says a module.sig was framed when its text cannot be', async () => {
    const honest = (outcome('pbx1') as Extract<Outcome, { kind: 'result' }>).result;
    const collected = honest.evidence as InstallationEvidence;
    // A text that matches its digest but is no clear-signed text, claimed as a framed module.sig.
    const garbage = 'not a clear-signed text\n';
    const digest = textDigest(garbage);
    const modules = collected.modules.map((m): CollectedModule => {
      const { sig } = m.evidence;
      return m.target.name === 'core' && sig.state === 'read'
        ? { ...m, evidence: { ...m.evidence, sig: { ...sig, digest } } }
        : m;
    });
    const evidence = { ...collected, modules, texts: { ...collected.texts, [digest]: garbage } };
    const lying: Outcome = { kind: 'result', result: { ...honest, evidence } };
    const report = await assemble([lying, ...NAMES.slice(1).map((name) => outcome(name))]);
    const pbx1 = report.installations.find((i) => i.name === 'pbx1');
    assert.equal(pbx1?.status, 'unreadable');
    assert.match(pbx1?.error?.message ?? '', /cannot be framed here/);
  });

  it('keeps the root the producer submitted, whatever root a result names', async () => {
    const honest = outcome('pbx1') as Extract<Outcome, { kind: 'result' }>;
    const moved: Outcome = { kind: 'result', result: { ...honest.result, root: '/srv/some/other/pbx' } };
    const report = await assemble([moved, ...NAMES.slice(1).map((name) => outcome(name))]);
    const pbx1 = report.installations.find((i) => i.name === 'pbx1');
    assert.equal(pbx1?.root, join(temp, 'pbx1'));
  });

  it('renders the fleet view: the same web shell on two installations is one finding, another content another', async () => {
    const report = await assemble(NAMES.map((name) => outcome(name)));
    const html = renderAuditHtml(report);
    const row = (hosts: number, content: string): RegExp =>
      new RegExp(
        `<tr class="group" data-hosts="${hosts}">.*?shell\\.php</code><br><span class="why">sha256 ${sha256(content).slice(0, 16)}`,
        's',
      );
    assert.match(html, row(2, SHELL));
    assert.match(html, /<code>pbx3<\/code>, <code>pbx5<\/code>/);
    assert.match(html, row(1, `${SHELL}// another\n`));
    assert.match(html, /<section id="grid"/);
    // A module failing for unlisted code only is not shown as a green "verified".
    assert.match(html, /<span class="verdict unlisted-code">unlisted code<\/span>/);
  });

  it("takes the run's allowlist to the worker's walk: an allowed file does not fail its module", async () => {
    const allowed = { ...spec(), allow: [{ module: 'dashboard', path: 'shell.php', sha256: sha256(SHELL) }] };
    const lanes = await Lanes.start({ workers: 0, engine: 'node' });
    let result: JobResult;
    try {
      result = await runInstallationJob(
        allowed,
        { version: 2, runId: 'r1', index: 0, target: targets[2] as InstallationTarget },
        { agentRoot: '/', lanes, worker: 'w', unsent: (digests) => Promise.resolve(digests) },
      );
    } finally {
      await lanes.close();
    }
    const report = await assemble([{ kind: 'result', result }], [targets[2] as InstallationTarget], allowed);
    const dashboard = report.installations[0]?.report?.modules.find((m) => m.name === 'dashboard');
    assert.equal(report.installations[0]?.status, 'clean');
    assert.deepEqual(
      dashboard?.unlisted?.allowed.map((a) => [a.path, a.source]),
      [['shell.php', 'site']],
    );
  });

  it('lets pbxsig diff match installations by name, not by the root as typed', async () => {
    const before = await assemble(NAMES.map((name) => outcome(name)));
    const moved: AuditReport = {
      ...before,
      installations: before.installations.map((i) => ({ ...i, root: `/elsewhere/${i.name}` })),
    };
    const diff = diffAudits(before, moved);
    assert.deepEqual([diff.installations.added, diff.installations.removed, diff.modules.newlyFailing], [[], [], []]);
    assert.equal(diff.noRegression, true);
    // An older report without names, as read from its file: named by the root's last path component.
    const unnamed: unknown = { ...before, installations: before.installations.map(({ name: _n, ...i }) => i) };
    assert.equal(diffAudits(asAudit(unnamed, 'old.json'), moved).installations.added.length, 0);
  });
});
