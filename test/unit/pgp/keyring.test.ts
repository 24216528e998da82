// Loading and merging keys: copies of one key merge into one (every certification and revocation
// kept, each once), certifications trust cannot use are dropped when the anchors are known, and every
// bound holds with a warning naming the file and the key. Keys are made at test time; hostile ones
// (flooded with junk certifications) in milliseconds by test/helpers/keys.ts.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PublicKey } from 'openpgp';
import { InputError } from '../../../src/errors.js';
import {
  MAX_KEY_FILES_PER_DIRECTORY,
  MAX_KEY_FILE_BYTES,
  MAX_KEYS_PER_FILE,
  MAX_SIGNATURES_PER_KEY,
} from '../../../src/pgp/key-limits.js';
import { Keyring, loadKeys, readKeyFile } from '../../../src/pgp/keyring.js';
import type { KeyFileRef } from '../../../src/pgp/keyring.js';
import { certified, flooded, makeKey, revoked } from '../../helpers/keys.js';
import type { TestKey } from '../../helpers/keys.js';
import { makeTempDir } from '../../helpers/modules.js';

const FILE_A: KeyFileRef = { origin: 'keys', path: 'a.asc' };
const FILE_B: KeyFileRef = { origin: 'installation', path: 'BMO/b.key' };

function otherCertifications(key: PublicKey | undefined): number {
  return key?.users.reduce((n, u) => n + u.otherCertifications.length, 0) ?? -1;
}

function revocations(key: PublicKey | undefined): number {
  return key?.users.reduce((n, u) => n + u.revocationSignatures.length, 0) ?? -1;
}

let dir: string;
let cleanup: () => Promise<void>;
let anchor: TestKey;
let stranger: TestKey;
let developer: TestKey;
let certifiedDev: TestKey;
let revokedDev: TestKey;

before(async () => {
  ({ path: dir, remove: cleanup } = await makeTempDir('pbxsig-keyring-'));
  anchor = await makeKey('Anchor');
  stranger = await makeKey('Stranger');
  developer = await makeKey('Developer');
  certifiedDev = await certified(anchor, developer);
  revokedDev = await revoked(anchor, certifiedDev, 'left the project');
});
after(() => cleanup());

describe('Keyring', () => {
  describe('when two copies of a key meet', () => {
    it("keeps every certification and the anchor's certification revocation, each once", async () => {
      const withStranger = await certified(stranger, developer);
      const keyring = new Keyring();
      keyring.addKeys([withStranger.publicKey], FILE_A);
      keyring.addKeys([revokedDev.publicKey], FILE_B);
      const merged = keyring.get(developer.fingerprint);
      assert.equal(otherCertifications(merged), 2, 'the stranger and the anchor');
      // openpgp.js's own Key.update() drops this one: it is by the anchor, not by the key's owner.
      assert.equal(revocations(merged), 1);
      assert.deepEqual(keyring.copiesOf(developer.fingerprint), [FILE_A, FILE_B]);
    });

    it('credits each signature to the first file that supplied it', () => {
      const keyring = new Keyring();
      keyring.addKeys([certifiedDev.publicKey], FILE_A);
      keyring.addKeys([revokedDev.publicKey], FILE_B);
      const user = keyring.get(developer.fingerprint)?.users[0];
      const certification = user?.otherCertifications[0];
      const revocation = user?.revocationSignatures[0];
      assert.ok(certification && revocation);
      assert.deepEqual(keyring.originOf(certification), FILE_A);
      assert.deepEqual(keyring.originOf(revocation), FILE_B);
    });

    it('adds nothing for an identical copy: same key object, same content id', () => {
      const keyring = new Keyring();
      keyring.addKeys([certifiedDev.publicKey], FILE_A);
      const first = keyring.get(developer.fingerprint);
      const id = keyring.contentId();
      keyring.addKeys([certifiedDev.publicKey], FILE_B);
      assert.equal(keyring.get(developer.fingerprint), first);
      assert.equal(keyring.contentId(), id);
      assert.equal(keyring.size, 1);
    });

    it('gives the same content id whatever the order the copies came in, and another one with more material', () => {
      const ab = new Keyring();
      ab.addKeys([certifiedDev.publicKey], FILE_A);
      ab.addKeys([revokedDev.publicKey], FILE_B);
      const ba = new Keyring();
      ba.addKeys([revokedDev.publicKey], FILE_B);
      ba.addKeys([certifiedDev.publicKey], FILE_A);
      assert.equal(ab.contentId(), ba.contentId());
      const fewer = new Keyring();
      fewer.addKeys([certifiedDev.publicKey], FILE_A);
      assert.notEqual(fewer.contentId(), ab.contentId());
      assert.notEqual(fewer.keyContentId(developer.fingerprint), ab.keyContentId(developer.fingerprint));
    });

    it('leaves the keys it was given as they were', () => {
      const before = revokedDev.publicKey.write();
      const keyring = new Keyring({ anchors: [anchor.fingerprint] });
      keyring.addKeys([certifiedDev.publicKey], FILE_A);
      keyring.addKeys([revokedDev.publicKey], FILE_B);
      assert.deepEqual(revokedDev.publicKey.write(), before);
      assert.equal(revocations(revokedDev.publicKey), 1);
    });
  });

  describe('when the anchors are known', () => {
    it("drops certifications by other keys and keeps the anchors' certifications and revocations", async () => {
      const both = await revoked(anchor, await certified(stranger, certifiedDev));
      const keyring = new Keyring({ anchors: [anchor.fingerprint] });
      keyring.addKeys([both.publicKey], FILE_A);
      const user = keyring.get(developer.fingerprint)?.users[0];
      assert.deepEqual(
        user?.otherCertifications.map((c) => c.issuerKeyID.toHex().toUpperCase()),
        [anchor.keyId],
      );
      assert.equal(user?.revocationSignatures.length, 1);
      assert.equal(user?.selfCertifications.length, 1, 'self-signatures stay');
    });
  });

  describe('when a key is flooded with junk certifications (certificate flooding, as on SKS in 2019)', () => {
    let floodedKey: PublicKey;
    before(async () => {
      floodedKey = await flooded(certifiedDev.publicKey, 6_000);
      assert.equal(otherCertifications(floodedKey), 6_001);
    });

    it(
      'loads two copies of it in linear time, with the junk dropped and the anchor certification kept',
      { timeout: 60_000 },
      () => {
        const keyring = new Keyring({ anchors: [anchor.fingerprint] });
        assert.deepEqual(keyring.addKeys([floodedKey], FILE_A), []);
        assert.deepEqual(keyring.addKeys([floodedKey], FILE_B), []);
        assert.equal(otherCertifications(keyring.get(developer.fingerprint)), 1);
        assert.equal(keyring.copiesOf(developer.fingerprint).length, 2);
      },
    );

    it('skips it, naming the file and the key, when every certification is kept (no anchors known)', () => {
      const keyring = new Keyring();
      const warnings = keyring.addKeys([floodedKey], FILE_A);
      assert.equal(warnings.length, 1);
      assert.match(
        warnings[0] ?? '',
        new RegExp(
          `^key file a\\.asc: key ${developer.fingerprint}: it carries 6\\d{3} signatures \\(the limit is ${MAX_SIGNATURES_PER_KEY}; .*\\); skipped$`,
        ),
      );
      assert.equal(keyring.get(developer.fingerprint), undefined);
    });

    it('skips a copy whose junk claims to be by the anchor, keeping the copy loaded before', async () => {
      const forged = await flooded(developer.publicKey, MAX_SIGNATURES_PER_KEY, anchor.privateKey);
      const keyring = new Keyring({ anchors: [anchor.fingerprint] });
      keyring.addKeys([revokedDev.publicKey], FILE_A);
      const warnings = keyring.addKeys([forged], FILE_B);
      assert.match(warnings[0] ?? '', /^key file BMO\/b\.key: key [0-9A-F]{40}: it carries \d+ signatures/);
      assert.equal(revocations(keyring.get(developer.fingerprint)), 1, 'the revocation loaded first stays');
      assert.deepEqual(keyring.copiesOf(developer.fingerprint), [FILE_A]);
    });

    it('skips a copy that is within the bound alone but not merged with the copies before it', async () => {
      const half = await flooded(developer.publicKey, MAX_SIGNATURES_PER_KEY - 10, anchor.privateKey);
      const otherHalf = await flooded(developer.publicKey, MAX_SIGNATURES_PER_KEY - 10, anchor.privateKey);
      const keyring = new Keyring({ anchors: [anchor.fingerprint] });
      assert.deepEqual(keyring.addKeys([half], FILE_A), []);
      const warnings = keyring.addKeys([otherHalf], FILE_B);
      assert.match(warnings[0] ?? '', /merged with the copies loaded before, it would carry \d+ signatures/);
    });
  });
});

describe('reading key files', () => {
  it('reads several armored keys from one file, with text between them', async () => {
    const file = join(dir, 'several.asc');
    await writeFile(file, `a keyring\n${anchor.publicKey.armor()}\nand\n${developer.publicKey.armor()}`);
    const keys = await readKeyFile(file);
    assert.deepEqual(
      keys.map((k) => k.getFingerprint().toUpperCase()),
      [anchor.fingerprint, developer.fingerprint],
    );
  });

  it('refuses a file larger than the bound, naming it', async () => {
    const file = join(dir, 'huge.key');
    await writeFile(file, Buffer.alloc(MAX_KEY_FILE_BYTES + 1, 0x41));
    await assert.rejects(readKeyFile(file), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'KEY_UNREADABLE');
      assert.match(
        error.message,
        new RegExp(
          `^key file ${file}: ${MAX_KEY_FILE_BYTES + 1} bytes; a key file may hold at most ${MAX_KEY_FILE_BYTES}$`,
        ),
      );
      return true;
    });
  });

  it('refuses, at once, a file of nothing but BEGIN lines within the bound', { timeout: 30_000 }, async () => {
    const file = join(dir, 'begin-flood.key');
    const line = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n';
    await writeFile(file, line.repeat(Math.floor(MAX_KEY_FILE_BYTES / line.length)));
    await assert.rejects(
      readKeyFile(file),
      /^InputError: key file .*begin-flood\.key: not an OpenPGP key \(no OpenPGP key found\)$/,
    );
  });

  it(`uses the first ${MAX_KEYS_PER_FILE} keys of a file holding more, and says so`, async () => {
    const file = join(dir, 'many.asc');
    await writeFile(file, developer.publicKey.armor().repeat(MAX_KEYS_PER_FILE + 5));
    const { keyring, warnings } = await loadKeys([file]);
    assert.deepEqual(warnings, [
      `key file ${file}: more than ${MAX_KEYS_PER_FILE} keys; only the first ${MAX_KEYS_PER_FILE} are used`,
    ]);
    assert.equal(keyring.size, 1);
  });

  it('does not parse a file again when its bytes were read before, and records both files', async () => {
    const sub = join(dir, 'twins');
    await mkdir(sub);
    await writeFile(join(sub, 'a.asc'), certifiedDev.publicKey.armor());
    await writeFile(join(sub, 'b.asc'), certifiedDev.publicKey.armor());
    const { keyring, warnings } = await loadKeys([sub]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      keyring.sources.map((s) => [s.path, s.fingerprints]),
      [
        [join(sub, 'a.asc'), [developer.fingerprint]],
        [join(sub, 'b.asc'), [developer.fingerprint]],
      ],
    );
    assert.deepEqual(
      keyring.copiesOf(developer.fingerprint).map((c) => c.path),
      [join(sub, 'a.asc'), join(sub, 'b.asc')],
    );
  });

  it(`reads at most ${MAX_KEY_FILES_PER_DIRECTORY} key files of a directory and names the directory for the rest`, async () => {
    const sub = join(dir, 'crowded');
    await mkdir(sub);
    const armored = developer.publicKey.armor();
    for (let i = 0; i < MAX_KEY_FILES_PER_DIRECTORY + 3; i++)
      await writeFile(join(sub, `k${String(i).padStart(3, '0')}.key`), armored);
    const { keyring, warnings } = await loadKeys([sub]);
    assert.equal(keyring.sources.length, MAX_KEY_FILES_PER_DIRECTORY);
    assert.deepEqual(warnings, [
      `key directory ${sub}: more than ${MAX_KEY_FILES_PER_DIRECTORY} key files; ${join(sub, `k${String(MAX_KEY_FILES_PER_DIRECTORY).padStart(3, '0')}.key`)} and the files after it are skipped`,
    ]);
  });

  it('skips a file beyond the size bound in a directory with a warning, and reads the others', async () => {
    const sub = join(dir, 'one-huge');
    await mkdir(sub);
    await writeFile(join(sub, 'a.key'), Buffer.alloc(MAX_KEY_FILE_BYTES + 1, 0x41));
    await writeFile(join(sub, 'b.key'), developer.publicKey.armor());
    const { keyring, warnings } = await loadKeys([sub]);
    assert.equal(keyring.size, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /a\.key: \d+ bytes; the limit is \d+: skipped$/);
  });
});
