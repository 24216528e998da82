// FreePBX's real keys (../shared/realworld/keys, described in its KEYS.md): the bundled copies are
// those keys, byte for byte; a stale copy of a real key, as old installations keep, cannot make it
// expired once the bundled copy is there; a real key flooded with junk certifications loads quickly.
// The stale copy is made from the real key: its 2016 self-signatures taken away leave the 2014 one,
// which said "expires after 3 years".

import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PacketList, PublicKey, SignaturePacket, readKey } from 'openpgp';
import type { AnyPacket } from 'openpgp';
import { splitClearsigned } from '../../src/manifest/cleartext.js';
import { FREEPBX_ANCHORS } from '../../src/pgp/anchors.js';
import { BUNDLED_KEYS } from '../../src/pgp/bundled-keys.js';
import { verifyConfig } from '../../src/pgp/config.js';
import { bundledKeyPath, loadKeySources } from '../../src/pgp/key-sources.js';
import type { KeySource } from '../../src/pgp/key-sources.js';
import { assessSigner } from '../../src/pgp/trust.js';
import { judgeSignature } from '../../src/verify/judge-signature.js';
import { flooded } from '../helpers/keys.js';
import { makeTempDir } from '../helpers/modules.js';
import { HAVE_REALWORLD, REALWORLD } from '../helpers/paths.js';

const skip = HAVE_REALWORLD ? false : `the real-world corpus (${REALWORLD}) is not present: skipped`;
const MASTER_V1 = '2016349F5BC6F49340FCCAF99F9169F4B33B4659';
const MIRROR_2014 = '1013D73FECAC918A0A25823986CE877469D2EAD9';
const MIRROR_SERVERS = '456D051E9204C27C37D4811BB53D215A755231A3';
// Signed 2017 by the 2014/2015 mirror key, whose certification is by master v1.
const SIGNED_BY_MIRROR_2014 = 'sigs/salvatoretrimarchi-freepbx-63b0835-cdr.module.sig';
const BMO = 'var/www/html/admin/libraries/BMO';

async function realKey(keyId: string): Promise<PublicKey> {
  return readKey({ armoredKey: await readFile(join(REALWORLD, 'keys', `${keyId}.asc`), 'utf8'), config: verifyConfig });
}

/** Master v1 as a 2014 installation holds it: without the 2016 self-signatures that lifted its expiry. */
async function stale2014MasterV1(): Promise<PublicKey> {
  const key = await realKey('9F9169F4B33B4659');
  const list = new PacketList<AnyPacket>();
  for (const packet of key.toPacketList()) {
    if (packet instanceof SignaturePacket && (packet.created?.getUTCFullYear() ?? 0) >= 2016) continue;
    list.push(packet);
  }
  return new PublicKey(list);
}

describe("FreePBX's real keys", { skip }, () => {
  let root: string;
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let installation: KeySource;

  before(async () => {
    if (!HAVE_REALWORLD) return;
    const temp = await makeTempDir('pbxsig-realkeys-');
    cleanup = temp.remove;
    root = temp.path;
    // An old installation: a stale copy of master v1, and the mirror key as FreePBX shipped it.
    await mkdir(join(root, BMO), { recursive: true });
    await writeFile(join(root, BMO, '9F9169F4B33B4659.key'), (await stale2014MasterV1()).armor());
    await writeFile(
      join(root, BMO, '86CE877469D2EAD9.key'),
      await readFile(join(REALWORLD, 'keys', '86CE877469D2EAD9.asc')),
    );
    installation = { kind: 'installation', root, dir: BMO, display: `/${BMO}` };
  });
  after(() => cleanup());

  it('are what pbxsig bundles, byte for byte', async () => {
    for (const bundled of BUNDLED_KEYS) {
      const file = await readFile(join(REALWORLD, 'keys', `${bundled.keyId}.asc`), 'utf8');
      assert.equal(bundled.armored, file, bundled.keyId);
    }
  });

  describe('when an installation keeps a stale copy of master v1', () => {
    it('alone, the copy has expired (2017) and the mirror key it certified is not trusted', async () => {
      const { keyring } = await loadKeySources([installation], { anchors: FREEPBX_ANCHORS, bundled: false });
      const master = keyring.get(MASTER_V1);
      assert.ok(master);
      const expires = await master.getExpirationTime(undefined, verifyConfig);
      assert.ok(expires instanceof Date && expires.getUTCFullYear() === 2017, String(expires));
      const mirror = keyring.get(MIRROR_2014);
      assert.ok(mirror);
      const trust = await assessSigner(mirror, mirror, undefined, {
        keyring,
        anchors: FREEPBX_ANCHORS,
        now: new Date(),
      });
      assert.equal(trust.state, 'untrusted');
      assert.match(trust.reason, /anchor key 9F9169F4B33B4659 is not valid/);
    });

    it('with the bundled copy, master v1 never expires and the mirror signature is trusted; the report names the copies', async () => {
      const { keyring, warnings } = await loadKeySources([installation], { anchors: FREEPBX_ANCHORS });
      assert.deepEqual(warnings, []);
      assert.equal(await keyring.get(MASTER_V1)?.getExpirationTime(undefined, verifyConfig), Infinity);

      const text = await readFile(join(REALWORLD, SIGNED_BY_MIRROR_2014), 'utf8');
      const judged = await judgeSignature(splitClearsigned(text), {
        keyring,
        anchors: FREEPBX_ANCHORS,
        now: new Date(),
      });
      assert.equal(judged.kind, 'checked');
      if (judged.kind !== 'checked') return;
      assert.equal(judged.signer.trust?.state, 'trusted', judged.signer.trust?.reason);
      assert.deepEqual(judged.signer.keyMaterial, {
        copies: [
          { origin: 'bundled', file: bundledKeyPath('86CE877469D2EAD9') },
          // Byte for byte the bundled key: recognised, not parsed again.
          { origin: 'installation', file: `/${BMO}/86CE877469D2EAD9.key` },
        ],
        selfSignature: {
          origin: 'bundled',
          file: bundledKeyPath('86CE877469D2EAD9'),
          created: '2016-05-04T07:46:50.000Z',
        },
      });
      assert.deepEqual(
        judged.signer.trust?.certifications.map((c) => [c.anchor, c.state, c.source]),
        [[MASTER_V1, 'valid', { origin: 'bundled', file: bundledKeyPath('86CE877469D2EAD9') }]],
      );
      assert.deepEqual(keyring.copiesOf(MASTER_V1), [
        { origin: 'bundled', path: bundledKeyPath('9F9169F4B33B4659') },
        { origin: 'installation', path: `/${BMO}/9F9169F4B33B4659.key` },
      ]);
    });
  });

  describe('when the mirror key of every module since 2020 is flooded with junk certifications, twice', () => {
    it(
      'loads both copies quickly, drops the junk and keeps the master certification',
      { timeout: 120_000 },
      async () => {
        const temp = await makeTempDir('pbxsig-flood-');
        try {
          const dir = join(temp.path, BMO);
          await mkdir(dir, { recursive: true });
          const armored = (await flooded(await realKey('B53D215A755231A3'), 3_000)).armor();
          await writeFile(join(dir, 'B53D215A755231A3.key'), armored);
          await writeFile(join(dir, 'copy-of-B53D215A755231A3.key'), `${armored}\n`);
          const source: KeySource = { kind: 'installation', root: temp.path, dir: BMO, display: `/${BMO}` };
          const { keyring, warnings } = await loadKeySources([source], { anchors: FREEPBX_ANCHORS });
          assert.deepEqual(warnings, []);
          const key = keyring.get(MIRROR_SERVERS);
          assert.ok(key);
          assert.equal(key.users[0]?.otherCertifications.length, 2, 'the two masters');
          const trust = await assessSigner(key, key, undefined, { keyring, anchors: FREEPBX_ANCHORS, now: new Date() });
          assert.equal(trust.state, 'trusted');
        } finally {
          await temp.remove();
        }
      },
    );
  });
});
