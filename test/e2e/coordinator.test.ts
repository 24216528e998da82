// The coordinator through the library: the bounded look at a manifest before its signature is known,
// the rest of a large manifest once the signer is trusted, the same answers on any number of lanes, and
// each module's identity from its signed module.xml.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sliceCounts } from '../../src/check/slices.js';
import { UNTRUSTED_LOOK } from '../../src/check/limits.js';
import { verifyInstallation, verifyModules } from '../../src/index.js';
import type { ModuleReport } from '../../src/index.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, sha256, signModule, writeFiles, writeKeys } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

let dir = '';
let keys = '';
let anchor: TestKey;
let developer: TestKey;
let stranger: TestKey;
let cleanup: () => Promise<void> = () => Promise.resolve();

before(async () => {
  const temp = await makeTempDir('pbxsig-coordinator-');
  dir = temp.path;
  cleanup = temp.remove;
  anchor = await makeKey('Coordinator Master', { rsa: true });
  developer = await certified(anchor, await makeKey('Coordinator Developer'));
  stranger = await makeKey('Coordinator Stranger');
  keys = join(dir, 'keys');
  await writeKeys(keys, { anchor: anchor.publicKey, developer: developer.publicKey, stranger: stranger.publicKey });
});

after(() => cleanup());

/** A module of `count` small files (every tenth one altered after signing when `alter` is set). */
async function largeModule(name: string, count: number, signer: TestKey, alter = false): Promise<string> {
  const moduleDir = join(dir, 'modules', name);
  const files: Record<string, string> = {
    'module.xml': `<module><rawname>${name}</rawname><version>1.2.3</version></module>\n`,
  };
  for (let i = 0; i < count; i++) files[`lib/part${Math.floor(i / 100)}/file${i}.php`] = `<?php // ${i}\n`;
  await writeFiles(moduleDir, files);
  await signModule(moduleDir, signer);
  if (alter)
    for (let i = 0; i < count; i += 10)
      await writeFile(join(moduleDir, `lib/part${Math.floor(i / 100)}/file${i}.php`), 'changed');
  return moduleDir;
}

const LOOK = { files: 50, bytes: 1024 * 1024 };

async function verifyOne(moduleDir: string, threads: number | 'auto' = 'auto'): Promise<ModuleReport> {
  const report = await verifyModules({
    modules: [moduleDir],
    keys: [keys],
    anchors: [anchor.fingerprint],
    untrustedLook: LOOK,
    threads,
  });
  const module = report.modules[0];
  assert.ok(module);
  return module;
}

describe('a manifest larger than the bounded look', () => {
  it('is checked whole when its signer is trusted (the rest after the signature was judged)', async () => {
    const module = await verifyOne(await largeModule('trusted-large', 240, developer, true));
    assert.equal(module.verdict, 'tampered');
    assert.equal(module.files.listed, 241);
    assert.equal(module.files.checked, 241);
    assert.equal(module.files.altered.length, 24, 'every altered file, also those past the first look');
    assert.ok(!module.warnings.some((w) => w.code === 'FILES_NOT_CHECKED'));
    assert.equal(module.freepbx.status, 130);
    assert.equal(module.freepbx.details.length, 24);
  });

  it('gets only the bounded look when its signer is not trusted, and says so', async () => {
    const module = await verifyOne(await largeModule('untrusted-large', 240, stranger, true));
    assert.equal(module.verdict, 'untrusted-signer');
    assert.equal(module.files.checked, LOOK.files);
    assert.ok(module.files.altered.length > 0 && module.files.altered.length < 24, 'only those within the look');
    const warning = module.warnings.find((w) => w.code === 'FILES_NOT_CHECKED');
    assert.ok(warning, JSON.stringify(module.warnings));
    assert.match(warning.message, /^191 listed files were not checked/);
    assert.equal(module.unlisted, null, 'no walk for a manifest that was not checked whole');
  });

  it('gives the same report on one thread and on several', async () => {
    const moduleDir = await largeModule('threads-large', 180, developer, true);
    const one = await verifyOne(moduleDir, 1);
    const two = await verifyOne(moduleDir, 2);
    assert.deepEqual(strip(one), strip(two));
  });
});

describe("a module larger than one lane's share of the run, checked in slices", () => {
  let big = '';
  let small = '';
  before(async () => {
    big = await largeModule('sliced', 4_000, developer, true);
    await writeFile(join(big, 'lib/part7/dropped.php'), '<?php evil();\n');
    await rm(join(big, 'lib/part31/file3101.php'));
    small = await largeModule('beside-sliced', 5, developer);
    // Two lanes slice it in two (check/slices.ts), from the sizes of the two module.sig files.
    const sizes = [big, small].map((m) => statSync(join(m, 'module.sig')).size);
    assert.deepEqual(sliceCounts(sizes, 2, UNTRUSTED_LOOK.files), [2, 1]);
  });

  async function run(threads: number, untrustedLook?: { files: number; bytes: number }): Promise<ModuleReport[]> {
    const report = await verifyModules({
      modules: [big, small],
      keys: [keys],
      anchors: [anchor.fingerprint],
      threads,
      ...(untrustedLook ? { untrustedLook } : {}),
    });
    return report.modules.map(strip) as ModuleReport[];
  }

  it('gets the report one lane gives: every finding in order, the walk, the identity', async () => {
    const [one, two] = [await run(1), await run(2)];
    assert.deepEqual(two, one);
    const sliced = two[0];
    assert.equal(sliced?.verdict, 'tampered');
    assert.equal(sliced?.files.checked, 4_000, 'module.xml and 4,000 files, one of them missing');
    assert.equal(sliced?.files.altered.length, 400);
    assert.deepEqual(
      sliced?.files.missing.map((f) => f.path),
      ['lib/part31/file3101.php'],
    );
    assert.deepEqual(
      sliced?.unlisted?.code.map((f) => f.path),
      ['lib/part7/dropped.php'],
    );
    assert.deepEqual(sliced?.identity, {
      rawname: 'sliced',
      version: '1.2.3',
      matchesDirectory: true,
      substituted: false,
    });
  });

  it('is checked again as one unit when a slice stops at its share of the bounded look: the same report', async () => {
    // 30 KB of a manifest's 48 KB of files before its signature is judged: 15 KB a slice.
    const look = { files: 10_000, bytes: 30_000 };
    const [one, two] = [await run(1, look), await run(2, look)];
    assert.deepEqual(two, one);
    assert.equal(two[0]?.files.checked, 4_000);
  });
});

describe('a large module.sig whose lines pbxsig refuses, sliced', () => {
  it("lists FreePBX's details once and walks the module once, as one lane does", async () => {
    // 4,000 lines PHP reads and pbxsig refuses (upper-case digests): two slices, one usable entry.
    const refused = join(dir, 'modules', 'refused-lines');
    await writeFiles(refused, { 'module.xml': '<module/>\n', 'lib/dropped.php': '<?php evil();\n' });
    const entries = [{ path: 'module.xml', digest: sha256('<module/>\n') }];
    for (let i = 0; i < 4_000; i++) entries.push({ path: `lib/gone${i}.php`, digest: sha256(`${i}`).toUpperCase() });
    await signModule(refused, developer, { entries });
    const small = await largeModule('beside-refused', 5, developer);
    const sizes = [refused, small].map((m) => statSync(join(m, 'module.sig')).size);
    assert.deepEqual(sliceCounts(sizes, 2, UNTRUSTED_LOOK.files), [2, 1]);
    const run = async (threads: number): Promise<ModuleReport[]> =>
      (
        await verifyModules({ modules: [refused, small], keys: [keys], anchors: [anchor.fingerprint], threads })
      ).modules.map(strip) as ModuleReport[];
    const [one, two] = [await run(1), await run(2)];
    assert.deepEqual(two, one);
    assert.equal(two[0]?.verdict, 'invalid-manifest');
    assert.equal(two[0]?.freepbx.details.length, 4_000);
    assert.deepEqual(
      two[0]?.unlisted?.code.map((f) => f.path),
      ['lib/dropped.php'],
    );
  });
});

describe('a module whose manifest fits the bounded look', () => {
  it('is checked in one go, walked, and its identity read from its signed module.xml', async () => {
    const module = await verifyOne(await largeModule('small', 20, developer));
    assert.equal(module.verdict, 'verified');
    assert.equal(module.files.checked, 21);
    assert.ok(module.unlisted);
    assert.deepEqual(module.identity, {
      rawname: 'small',
      version: '1.2.3',
      matchesDirectory: true,
      substituted: false,
    });
  });
});

describe('an installation', () => {
  it("fails a validly signed module copied in under another module's name", async () => {
    const root = join(dir, 'renamed-root');
    await buildInstallation(root, {
      anchor,
      developer,
      modules: {
        core: {
          'module.xml': '<module><rawname>core</rawname><version>17.0.1</version></module>\n',
          'Core.class.php': '<?php\n',
        },
        // A signed "ucp" placed where "dashboard" belongs.
        dashboard: {
          'module.xml': '<module><rawname>ucp</rawname><version>17.0.2</version></module>\n',
          'Ucp.class.php': '<?php\n',
        },
      },
    });
    const report = await verifyInstallation({ root, anchors: [anchor.fingerprint] });
    const byName = new Map(report.modules.map((m) => [m.name, m]));
    assert.equal(byName.get('core')?.passed, true);
    const dashboard = byName.get('dashboard');
    assert.ok(dashboard);
    assert.equal(dashboard.verdict, 'verified', "the signature and files are fine: FreePBX's view is unchanged");
    assert.equal(dashboard.freepbx.status, 129);
    assert.equal(dashboard.passed, false);
    assert.deepEqual(dashboard.identity, {
      rawname: 'ucp',
      version: '17.0.2',
      matchesDirectory: false,
      substituted: true,
    });
    assert.match(dashboard.summary, /module\.xml names it "ucp", not "dashboard"/);
    // The text report says it too, with each module's version.
    const run = spawnSync(process.execPath, [CLI, 'verify', '--root', root, '--anchor', anchor.fingerprint], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /^ok +core +verified +FreePBX 129 +version 17\.0\.1; /m);
    assert.match(
      run.stdout,
      /^FAIL dashboard +verified +FreePBX 129 +version 17\.0\.2; .*its signed module\.xml names it "ucp"/m,
    );
  });

  it('reads module.xml only when it matches its signed digest', async () => {
    const moduleDir = join(dir, 'modules', 'forged-xml');
    await writeFiles(moduleDir, {
      'module.xml': '<module><rawname>forged-xml</rawname></module>\n',
      'a.php': '<?php\n',
    });
    await signModule(moduleDir, developer, {
      entries: [
        { path: 'module.xml', digest: sha256('<module><rawname>other</rawname></module>\n') },
        { path: 'a.php', digest: sha256('<?php\n') },
      ],
    });
    const module = await verifyOne(moduleDir);
    assert.equal(module.verdict, 'tampered');
    assert.equal(module.identity, null);
  });
});

// A report without what differs from run to run.
function strip(module: ModuleReport): unknown {
  return { ...module, signer: module.signer ? { ...module.signer, signedAt: null } : null };
}
