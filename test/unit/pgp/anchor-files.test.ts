// `--anchor` pins what the user meant: a fingerprint, or a key file holding one key. A file holding
// several keys (an exported keyring: a master and the developer keys it certified, one of them revoked)
// is refused, naming the file and its keys, instead of pinning them all.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../../src/errors.js';
import { anchorKeyFiles, resolveAnchorSpecs, resolveAnchors } from '../../../src/pgp/anchor-files.js';
import { certified, makeKey, revoked } from '../../helpers/keys.js';
import type { TestKey } from '../../helpers/keys.js';
import { makeTempDir } from '../../helpers/modules.js';

let dir: string;
let cleanup: () => Promise<void>;
let master: TestKey;
let developer: TestKey;

before(async () => {
  ({ path: dir, remove: cleanup } = await makeTempDir('pbxsig-anchors-'));
  master = await makeKey('Master');
  developer = await revoked(master, await certified(master, await makeKey('Developer')));
});
after(() => cleanup());

describe('resolveAnchorSpecs', () => {
  describe('when given fingerprints', () => {
    it('normalises them (spaces, case); no key file is involved', async () => {
      const spaced = master.fingerprint.toLowerCase().replace(/(.{4})/g, '$1 ');
      assert.deepEqual(await resolveAnchorSpecs([spaced]), { fingerprints: [master.fingerprint], keyFiles: [] });
    });

    it('refuses anything that is neither a fingerprint nor a file', async () => {
      await assert.rejects(resolveAnchorSpecs(['abc123']), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.code, 'ANCHOR_INVALID');
        return true;
      });
    });
  });

  describe('when given a key file holding one key', () => {
    it('pins that key, and the file is needed as key material too', async () => {
      const file = join(dir, 'master.asc');
      await writeFile(file, master.publicKey.armor());
      assert.deepEqual(await resolveAnchorSpecs([file]), { fingerprints: [master.fingerprint], keyFiles: [file] });
      assert.deepEqual(anchorKeyFiles([file, master.fingerprint]), [file]);
    });

    it('pins the public key of a secret key file', async () => {
      const file = join(dir, 'master.secret.asc');
      await writeFile(file, master.privateKey.armor());
      assert.deepEqual(await resolveAnchors([file]), [master.fingerprint]);
    });

    it('accepts two copies of the same key as one key', async () => {
      const file = join(dir, 'master-twice.asc');
      await writeFile(file, `${master.publicKey.armor()}\n${master.publicKey.armor()}`);
      assert.deepEqual(await resolveAnchors([file]), [master.fingerprint]);
    });
  });

  describe('when given a key file holding several keys (an exported keyring)', () => {
    it('refuses it, naming the file and each key, and says how to pin the one meant', async () => {
      const file = join(dir, 'exported.asc');
      await writeFile(file, `${master.publicKey.armor()}\n${developer.publicKey.armor()}`);
      await assert.rejects(resolveAnchorSpecs([file]), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.code, 'ANCHOR_INVALID');
        assert.equal(
          error.message,
          `trust anchor file ${file}: holds 2 keys (${master.fingerprint} "Master <master@example.test>"; ${developer.fingerprint} "Developer <developer@example.test>"); an anchor file must hold exactly one key. Pin the key you mean by its fingerprint and give the file as keys: --anchor FINGERPRINT --keys ${file}`,
        );
        return true;
      });
    });
  });
});
