// FreePBX's type=local signatures (FreePBX 17, `sign.php --local`): module.sig lists only the digest of
// /etc/freepbx.secure/<name>.sig, whose [hashes] list the module's files. pbxsig follows the secure
// manifest inside --root, judges both signatures, and reports the status FreePBX's processLocalSig()
// would give beside its own verdict.

import assert from 'node:assert/strict';
import { appendFile, mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyInstallation } from '../../src/index.js';
import type { ModuleReport } from '../../src/index.js';
import { formatBody } from '../../src/sign/body.js';
import { clearsign } from '../../src/sign/clearsign.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, sha256, writeFiles } from '../helpers/modules.js';

const ROOT_OWNS_FILES = process.getuid?.() === 0;
const FILES = {
  'module.xml': '<module><rawname>localmod</rawname><version>1.0.0</version></module>\n',
  'Localmod.class.php': '<?php class Localmod {}\n',
  'views/main.php': '<?php echo "local";\n',
};

let dir = '';
let anchor: TestKey;
let developer: TestKey;
let stranger: TestKey;
let cleanup: () => Promise<void> = () => Promise.resolve();

before(async () => {
  const temp = await makeTempDir('pbxsig-local-');
  dir = temp.path;
  cleanup = temp.remove;
  anchor = await makeKey('Local Master', { rsa: true });
  developer = await certified(anchor, await makeKey('Local Developer'));
  stranger = await makeKey('Local Admin');
});

after(() => cleanup());

/** An installation whose module "localmod" is signed the --local way by `signer`. */
async function localInstallation(
  name: string,
  signer: TestKey,
): Promise<{ root: string; moduleDir: string; secure: string }> {
  const root = join(dir, name);
  const { modulesDir } = await buildInstallation(root, {
    anchor,
    developer,
    modules: { core: { 'module.xml': '<module><rawname>core</rawname></module>\n' } },
  });
  await writeFile(join(root, 'var/www/html/admin/libraries/BMO', `${stranger.keyId}.key`), stranger.publicKey.armor());
  const moduleDir = join(modulesDir, 'localmod');
  await writeFiles(moduleDir, FILES);
  const entries = Object.entries(FILES).map(([path, content]) => ({ path, digest: sha256(content) }));
  const config = { signedWith: signer.keyId, repo: 'local', type: 'local', version: 2 as const };
  const secureText = await clearsign(formatBody(config, entries), signer.privateKey);
  const secure = join(root, 'etc/freepbx.secure');
  await mkdir(secure, { recursive: true });
  await writeFile(join(secure, 'localmod.sig'), secureText);
  const moduleSig = await clearsign(
    formatBody(config, [{ path: 'localmod.sig', digest: sha256(secureText) }]),
    signer.privateKey,
  );
  await writeFile(join(moduleDir, 'module.sig'), moduleSig);
  return { root, moduleDir, secure };
}

async function localmod(root: string): Promise<ModuleReport> {
  const report = await verifyInstallation({ root, anchors: [anchor.fingerprint] });
  const module = report.modules.find((m) => m.name === 'localmod');
  assert.ok(module);
  return module;
}

describe(
  'a type=local module',
  { skip: ROOT_OWNS_FILES ? false : 'FreePBX requires /etc/freepbx.secure owned by root: run as root' },
  () => {
    it('is checked against its secure manifest, both signatures judged', async () => {
      const { root } = await localInstallation('good', developer);
      const module = await localmod(root);
      assert.equal(module.verdict, 'verified', module.summary);
      assert.equal(module.files.checked, 3);
      assert.equal(module.local?.state, 'read');
      assert.equal(module.local?.path, '/etc/freepbx.secure/localmod.sig');
      assert.equal(module.local?.signer?.fingerprint, developer.fingerprint);
      // FreePBX trusts this module.sig, so it never reads the secure file: it looks for localmod.sig
      // in the module directory (its own list) and finds it missing.
      assert.equal(module.freepbx.status, 130);
      assert.deepEqual(module.freepbx.details, ['/var/www/html/admin/modules/localmod/localmod.sig missing']);
    });

    it('is tampered when a file its secure manifest lists changed', async () => {
      const { root, moduleDir } = await localInstallation('altered', developer);
      await appendFile(join(moduleDir, 'views/main.php'), '// changed\n');
      const module = await localmod(root);
      assert.equal(module.verdict, 'tampered');
      assert.deepEqual(
        module.files.altered.map((f) => f.path),
        ['views/main.php'],
      );
    });

    it("gets FreePBX's 129 when signed by the admin's own key, and pbxsig's untrusted-signer", async () => {
      const { root } = await localInstallation('admin-key', stranger);
      const module = await localmod(root);
      assert.equal(module.verdict, 'untrusted-signer');
      assert.equal(module.files.checked, 3, 'the files are still checked');
      assert.equal(module.freepbx.status, 129, 'FreePBX checks neither signature of a local module');
    });

    it('fails when the secure manifest does not have the digest module.sig lists', async () => {
      const { root, secure } = await localInstallation('swapped', stranger);
      await appendFile(join(secure, 'localmod.sig'), '\n');
      const module = await localmod(root);
      assert.equal(module.verdict, 'untrusted-signer');
      assert.equal(module.passed, false);
      assert.equal(module.local?.state, 'refused');
      assert.match(module.local?.reason ?? '', /Local hash validation failed/);
      assert.equal(module.freepbx.status, 0, 'processLocalSig() throws: FreePBX gives no status');
      assert.match(module.freepbx.details[0] ?? '', /^exception: Local hash validation failed/);
    });

    it('fails, as invalid-manifest, under a trusted signer when the secure directory is missing', async () => {
      const { root, secure } = await localInstallation('no-secure', developer);
      await rename(secure, `${secure}.away`);
      const module = await localmod(root);
      assert.equal(module.verdict, 'invalid-manifest');
      assert.match(module.summary, /type=local, but its file list \/etc\/freepbx.secure\/localmod.sig is absent/);
    });

    it('is refused, as FreePBX refuses it, when the secure directory is a link', async () => {
      const { root, secure } = await localInstallation('linked', stranger);
      await rename(secure, join(root, 'etc/elsewhere'));
      await symlink('elsewhere', secure);
      const module = await localmod(root);
      assert.equal(module.local?.state, 'refused');
      assert.match(module.local?.reason ?? '', /is a link/);
      assert.equal(module.freepbx.status, 0);
    });
  },
);
