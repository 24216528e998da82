// The hostile suite's inputs must be what they claim, or its figures are about something else: small
// versions of each, checked with pbxsig's own library.

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readKey } from 'openpgp';
import {
  flipSignatureByte,
  writeFloodedKey,
  writeHugeManifest,
  writeNewlineSig,
} from '../../../bench/hostile-inputs.js';
import { makeSigner } from '../../../bench/keys.js';
import type { Signer } from '../../../bench/keys.js';
import { signedManifest } from '../../../bench/sign.js';
import { makeTempDir } from '../../../bench/temp.js';
import type { TempDir } from '../../../bench/temp.js';
import { verifyModules } from '../../../src/index.js';

let dir: TempDir;
let signer: Signer;

before(async () => {
  dir = await makeTempDir('pbxsig-hostile-test-');
  signer = await makeSigner(dir.path, 'ed25519');
});

after(async () => {
  await dir.remove();
});

const verify = (module: string, keys: string) =>
  verifyModules({ modules: [module], keys: [keys], anchors: [signer.anchor.fingerprint], threads: 0 });

describe('when a module.sig of newlines is written', () => {
  it('holds exactly that many newlines and is no manifest', async () => {
    const module = join(dir.path, 'newlines');
    await writeNewlineSig(module, 100_000);
    const text = readFileSync(join(module, 'module.sig'), 'latin1');
    assert.equal(text.length, 100_000);
    assert.match(text, /^\n+$/);
    const report = await verify(module, signer.keysDir);
    assert.equal(report.modules[0]?.verdict, 'invalid-manifest');
  });
});

describe("when a signature's byte is flipped", () => {
  it('keeps the armor well-formed but makes the signature bad', async () => {
    const good = await signedManifest([{ path: 'a.php', digest: 'a'.repeat(64) }], signer.developer.privateKey);
    const bad = flipSignatureByte(good);
    assert.notEqual(bad, good);
    assert.equal(bad.split('-----BEGIN PGP SIGNATURE-----')[0], good.split('-----BEGIN PGP SIGNATURE-----')[0]);
  });

  it('gives a huge manifest with a bad signature, not an unreadable one', async () => {
    const module = join(dir.path, 'huge');
    const bytes = await writeHugeManifest(module, 2_000, signer.developer);
    assert.equal(statSync(join(module, 'module.sig')).size, bytes);
    const report = await verify(module, signer.keysDir);
    assert.equal(report.modules[0]?.verdict, 'bad-signature', report.modules[0]?.summary);
  });
});

describe('when a key is flooded with certifications', () => {
  it('carries them all, and still signs a module pbxsig verifies', async () => {
    const keys = join(dir.path, 'flooded-keys');
    const module = join(dir.path, 'flooded-module');
    // 40 by 2 certifiers: 20 each, one second apart, reaching back from now.
    const flooded = await writeFloodedKey(keys, module, signer.anchor, 40, 2);
    assert.equal(flooded.certifications, 41, "the anchor's certification and 40 more");
    const key = await readKey({ armoredKey: readFileSync(join(keys, 'flooded.asc'), 'utf8') });
    assert.equal(key.users[0]?.otherCertifications.length, 41);
    const dates = (key.users[0]?.otherCertifications ?? []).map((c) => c.created?.getTime() ?? 0);
    assert.ok(
      dates.every((d) => d <= Date.now() && d >= key.getCreationTime().getTime()),
      'every one valid in time',
    );
    const report = await verify(module, keys);
    assert.equal(report.modules[0]?.verdict, 'verified', report.modules[0]?.summary);
  });
});
