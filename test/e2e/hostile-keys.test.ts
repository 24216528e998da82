// Key material as a user meets it through `pbxsig verify`: hostile key files cannot stall the run or
// turn a failure into success, `--anchor` pins only what the user meant, and FreePBX's own keys come
// bundled with pbxsig, so a real FreePBX signature is judged with no key file at all.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyReport } from '../../src/index.js';
import { MAX_KEY_FILE_BYTES } from '../../src/pgp/key-limits.js';
import { certified, flooded, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, signModule, writeFiles } from '../helpers/modules.js';
import { CLI, HAVE_REALWORLD, REALWORLD } from '../helpers/paths.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function pbxsig(...args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '' };
  delete env['PBXSIG_DEBUG'];
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, input: '' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function verifyJson(...args: string[]): { run: Run; report: VerifyReport } {
  const run = pbxsig('verify', '--json', ...args);
  return { run, report: JSON.parse(run.stdout) as VerifyReport };
}

let root: string;
let cleanup: () => Promise<void>;
let master: TestKey;
let developer: TestKey;
let module: string;
let masterFile: string;
let developerFile: string;

before(async () => {
  ({ path: root, remove: cleanup } = await makeTempDir('pbxsig-hostile-keys-'));
  master = await makeKey('Hostile Test Master');
  developer = await certified(master, await makeKey('Hostile Test Developer'));
  module = join(root, 'modules', 'demo');
  await writeFiles(module, { 'module.xml': '<module><rawname>demo</rawname></module>\n', 'Demo.class.php': '<?php\n' });
  await signModule(module, developer);
  masterFile = join(root, 'master.asc');
  developerFile = join(root, 'developer.asc');
  await writeFile(masterFile, master.publicKey.armor());
  await writeFile(developerFile, developer.publicKey.armor());
});
after(() => cleanup());

describe('pbxsig verify --anchor FILE', () => {
  it('refuses a file holding several keys (an exported keyring), naming the file and the keys: exit 2', async () => {
    const exported = join(root, 'exported.asc');
    await writeFile(exported, `${master.publicKey.armor()}${developer.publicKey.armor()}`);
    const r = pbxsig('verify', module, '--keys', developerFile, '--anchor', exported);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    const first = r.stderr.split('\n')[0] ?? '';
    assert.match(first, /^pbxsig: trust anchor file .*exported\.asc: holds 2 keys /);
    assert.ok(first.includes(master.fingerprint) && first.includes(developer.fingerprint), first);
    assert.match(first, /--anchor FINGERPRINT --keys .*exported\.asc$/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');

    // What the message suggests works: the master pinned by fingerprint, the file as key material.
    const pinned = pbxsig('verify', module, '--keys', exported, '--anchor', master.fingerprint);
    assert.equal(pinned.status, 0, pinned.stdout + pinned.stderr);
  });

  it('pins the one key of a single-key file', () => {
    const { run, report } = verifyJson(module, '--keys', developerFile, '--anchor', masterFile);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(report.settings.anchors, [master.fingerprint]);
  });
});

describe('pbxsig verify with hostile key files', () => {
  it(
    'skips each with a warning naming it, verifies with the good keys, and finishes',
    { timeout: 120_000 },
    async () => {
      const keys = join(root, 'hostile-keys');
      await mkdir(keys);
      const begin = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n';
      await writeFile(join(keys, 'a-begin-flood.key'), begin.repeat(Math.floor(MAX_KEY_FILE_BYTES / begin.length)));
      await writeFile(join(keys, 'b-huge.key'), begin.repeat(200_000)); // 7.4 MB
      await writeFile(join(keys, 'c-flooded.key'), (await flooded(developer.publicKey, 3_000)).armor());
      await writeFile(join(keys, 'd-developer.asc'), developer.publicKey.armor());

      const { run, report } = verifyJson(module, '--keys', keys, '--anchor', masterFile);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(report.modules[0]?.verdict, 'verified');
      const skipped = report.warnings.filter((w) => w.code === 'KEY_FILE_SKIPPED').map((w) => w.message);
      assert.ok(
        skipped.some((m) => /a-begin-flood\.key: not an OpenPGP key \(no OpenPGP key found\)$/.test(m)),
        skipped.join('\n'),
      );
      assert.ok(
        skipped.some((m) => /b-huge\.key: 7400000 bytes; the limit is \d+: skipped$/.test(m)),
        skipped.join('\n'),
      );
    },
  );

  it('makes a module unknown-signer, not verified, when the only copy of its key is beyond a bound', async () => {
    const keys = join(root, 'only-flooded');
    await mkdir(keys);
    // Every certification is the anchor's (forged): none can be dropped, so the copy is too big to keep.
    await writeFile(join(keys, 'developer.key'), (await flooded(developer.publicKey, 200, master.privateKey)).armor());
    const { run, report } = verifyJson(module, '--keys', keys, '--anchor', masterFile);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(report.modules[0]?.verdict, 'unknown-signer');
    assert.ok(
      report.warnings.some(
        (w) => w.code === 'KEY_FILE_SKIPPED' && w.message.includes(`developer.key: key ${developer.fingerprint}`),
      ),
      JSON.stringify(report.warnings),
    );
  });
});

describe('pbxsig keys certify of a flooded key', () => {
  it('refuses it at the bounds verification holds keys to, naming the file: exit 2, nothing written', async () => {
    const key = join(root, 'flooded-developer.asc');
    await writeFile(key, (await flooded(developer.publicKey, 150)).armor());
    const masterSecret = join(root, 'master.secret.asc');
    await writeFile(masterSecret, master.privateKey.armor());
    const out = join(root, 'flooded.certified.asc');
    const run = pbxsig('keys', 'certify', '--master', masterSecret, '--key', key, '--out', out);
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr,
      /^pbxsig: key file .*flooded-developer\.asc: the key carries \d+ signatures \(the limit is \d+; certification flooding\?\); not certified$/m,
    );
    assert.equal(existsSync(out), false);
  });
});

const skipRealworld = HAVE_REALWORLD ? false : `the real-world corpus (${REALWORLD}) is not present: skipped`;

describe('pbxsig verify of a real FreePBX signature, with no key file', { skip: skipRealworld }, () => {
  it("judges the signer with FreePBX's bundled keys, and says so", async () => {
    // A real mirror signature of 2024 (key B53D215A755231A3); its module's files are not stored, so
    // they are missing: the verdict is tampered, but the signature and its signer are judged.
    const dir = join(root, 'real', 'announcement');
    await mkdir(dir, { recursive: true });
    await copyFile(join(REALWORLD, 'sigs/Long-aa-PBX-eb1e410-announcement.module.sig'), join(dir, 'module.sig'));
    const { report } = verifyJson(dir);
    const signer = report.modules[0]?.signer;
    assert.equal(signer?.check, 'good');
    assert.equal(signer?.trust?.state, 'trusted', signer?.trust?.reason);
    assert.equal((report.modules[0]?.freepbx.status ?? 0) & 128, 128, 'FreePBX would trust it too');
    assert.deepEqual(signer?.keyMaterial?.copies, [
      { origin: 'bundled', file: 'bundled:freepbx/B53D215A755231A3.asc' },
    ]);
    assert.equal(signer?.keyMaterial?.selfSignature?.origin, 'bundled');
    assert.deepEqual(report.settings.keyFiles, [], 'no key file on disk was read');
  });
});
