// The benchmark's peers (bench/peers/, run through bench/peers.ts) on a small generated installation:
// each must count every installed file on the clean tree, and fail naming the module and the file when
// one byte is flipped or a file is gone. A peer that passed a tampered tree would be timed doing less
// work than pbxsig, so these are the benchmark's own correctness tests.

import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planInstallation, writeInstallation } from '../../bench/installation.js';
import type { GeneratedInstallation } from '../../bench/installation.js';
import { makeSigner } from '../../bench/keys.js';
import { peerCommands, preparePeerKeyring, withFlippedByte } from '../../bench/peers.js';
import { runOnce } from '../../bench/processes.js';
import type { ProcessCommand } from '../../bench/processes.js';
import { REPO } from '../../bench/repo.js';
import { FREEPBX14 } from '../../bench/shapes.js';
import { makeTempDir } from '../../bench/temp.js';

let tree: GeneratedInstallation;
let peers: ProcessCommand[];
let cleanup: () => Promise<void>;

before(async () => {
  const dir = await makeTempDir('pbxsig-test-');
  cleanup = dir.remove;
  const signer = await makeSigner(dir.path);
  // A few hundred files in 15 modules; framework's files land in all its mapped places.
  tree = await writeInstallation(join(dir.path, 'root'), planInstallation(FREEPBX14, 0x9ee5), signer);
  peers = peerCommands(tree.root, preparePeerKeyring(join(dir.path, 'peer'), [signer.anchor, signer.developer]));
});

after(async () => {
  await cleanup();
});

describe('bench peers', () => {
  it('are all four', () => {
    assert.deepEqual(
      peers.map((p) => p.id),
      ['gpgv-sha256sum', 'gpgv-sha256sum-xargs', 'python-hashlib', 'node-loop'],
    );
  });

  it('pass the clean tree, counting every installed file', () => {
    for (const peer of peers) {
      const outcome = runOnce(peer, REPO, true);
      assert.equal(outcome.status, 0, `${peer.shown}: ${outcome.stderr}`);
      assert.match(
        outcome.stdout.trim(),
        new RegExp(`: ${tree.modules.length} modules, ${tree.checked} files checked: OK$`),
        peer.shown,
      );
      assert.equal(outcome.stderr, '', peer.shown);
    }
  });

  const flipped = [
    ['a file of core', 'core', () => tree.tamperTargets.module],
    ['a framework file in the webroot', 'framework', () => tree.tamperTargets.frameworkWeb],
  ] as const;
  for (const [what, module, target] of flipped) {
    it(`fail when one byte of ${what} is flipped, naming the module and the file`, () => {
      const file = target();
      withFlippedByte(file, () => {
        for (const peer of peers) {
          const outcome = runOnce(peer, REPO, true);
          assert.equal(outcome.status, 1, `${peer.shown}: ${outcome.stdout}${outcome.stderr}`);
          assert.match(outcome.stdout.trim(), /files checked: FAILED$/, peer.shown);
          assert.ok(outcome.stderr.includes(`${file}: FAILED`), `${peer.shown} names the file: ${outcome.stderr}`);
          assert.ok(
            outcome.stderr.includes(`${module}: some listed file is missing or altered`),
            `${peer.shown} names the module: ${outcome.stderr}`,
          );
          // Only that module fails.
          assert.equal(outcome.stderr.match(/: some listed file/g)?.length, 1, `${peer.shown}: ${outcome.stderr}`);
        }
      });
    });
  }

  it("pass when framework's source copy in its module directory is altered: FreePBX checks the installed copy", () => {
    withFlippedByte(tree.tamperTargets.frameworkSource, () => {
      for (const peer of peers) {
        const outcome = runOnce(peer, REPO, true);
        assert.equal(outcome.status, 0, `${peer.shown}: ${outcome.stdout}${outcome.stderr}`);
      }
    });
  });

  it('fail when a listed file is missing', async () => {
    const file = tree.tamperTargets.module;
    await rename(file, `${file}.moved`);
    try {
      for (const peer of peers) {
        const outcome = runOnce(peer, REPO, true);
        assert.equal(outcome.status, 1, `${peer.shown}: ${outcome.stdout}${outcome.stderr}`);
        assert.ok(
          outcome.stderr.includes(`${file}: FAILED open or read`),
          `${peer.shown} names the file: ${outcome.stderr}`,
        );
        assert.ok(
          outcome.stderr.includes('core: some listed file is missing or altered'),
          `${peer.shown}: ${outcome.stderr}`,
        );
      }
    } finally {
      await rename(`${file}.moved`, file);
    }
  });

  it('exit 2 on a usage error', () => {
    for (const peer of peers) {
      const missing = join(tree.root, 'no such dir');
      const outcome = runOnce(
        { ...peer, args: peer.args.map((arg) => (arg === tree.root ? missing : arg)) },
        REPO,
        true,
      );
      assert.equal(outcome.status, 2, `${peer.shown}: ${outcome.stderr}`);
      assert.match(outcome.stderr, /usage/, peer.shown);
    }
  });
});
