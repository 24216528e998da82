// --anchor for verify, audit, sign --check and keys list: one function.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trustFrom } from '../../../src/cli/anchors.js';
import { FREEPBX_ANCHORS } from '../../../src/pgp/anchors.js';
import { makeKey } from '../../helpers/keys.js';
import type { TestKey } from '../../helpers/keys.js';
import { makeTempDir, writeKeys } from '../../helpers/modules.js';

let dir = '';
let master: TestKey;
let cleanup: () => Promise<void> = () => Promise.resolve();

before(async () => {
  const temp = await makeTempDir('pbxsig-anchors-');
  dir = temp.path;
  cleanup = temp.remove;
  master = await makeKey('Anchor Master');
  await writeKeys(dir, { master: master.publicKey });
});

after(() => cleanup());

describe('trustFrom', () => {
  it("uses FreePBX's master keys when no anchor is named", async () => {
    const trust = await trustFrom({ anchors: [], keys: ['k.asc'] });
    assert.deepEqual(trust, { anchors: [...FREEPBX_ANCHORS], keys: ['k.asc'] });
  });

  it('takes fingerprints as typed (spaces, lower case) and loads no key for them', async () => {
    const spaced = master.fingerprint.toLowerCase().replace(/(.{4})/g, '$1 ');
    const trust = await trustFrom({ anchors: [spaced], keys: [] });
    assert.deepEqual(trust, { anchors: [master.fingerprint], keys: [] });
  });

  it("pins a key file's key and loads the file, so that its certifications can be checked", async () => {
    const file = join(dir, 'master.asc');
    const trust = await trustFrom({ anchors: [file], keys: ['k.asc'] });
    assert.deepEqual(trust, { anchors: [master.fingerprint], keys: ['k.asc', file] });
  });

  it('uses the fallback a command gives (sign --check: the signing key) when none is named', async () => {
    const trust = await trustFrom({ anchors: [], keys: [] }, () => [master.fingerprint]);
    assert.deepEqual(trust.anchors, [master.fingerprint]);
  });

  it('refuses what is neither a fingerprint nor a file', async () => {
    await assert.rejects(trustFrom({ anchors: ['abc123'], keys: [] }), { code: 'ANCHOR_INVALID' });
  });
});
