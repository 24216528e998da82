// The key bundle a fleet run carries through Redis is attacker-writable data (anyone with the Redis
// password): materialising it must write only inside its own temporary directory.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isPlainFileName, materializeKeys } from '../../../src/fleet/key-bundle.js';

describe('materializeKeys', () => {
  it('writes each key file in its own temporary directory, and removes it', async () => {
    const keys = await materializeKeys([
      {
        path: '/etc/pbxsig/keys',
        kind: 'dir',
        files: [{ name: 'a.asc', base64: Buffer.from('A').toString('base64') }],
      },
    ]);
    const [holder] = keys.paths;
    assert.ok(holder);
    assert.equal(readFileSync(join(holder, 'a.asc'), 'utf8'), 'A');
    assert.equal(keys.display(`${join(holder, 'a.asc')}: bad`), '/etc/pbxsig/keys/a.asc: bad');
    await keys.remove();
    assert.equal(existsSync(holder), false);
  });

  it('refuses a name that is a path, and writes nothing outside', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'pbxsig-outside-'));
    try {
      for (const name of [`../../../../../..${outside}/PWNED`, '..', '.', '', 'a/b', 'a\0b']) {
        await assert.rejects(
          materializeKeys([
            { path: 'k', kind: 'file', files: [{ name, base64: Buffer.from('x').toString('base64') }] },
          ]),
          /is not a file name/,
          JSON.stringify(name),
        );
      }
      assert.equal(existsSync(join(outside, 'PWNED')), false);
    } finally {
      await rm(outside, { recursive: true });
    }
  });
});

describe('isPlainFileName', () => {
  it('takes one path component only', () => {
    assert.equal(isPlainFileName('77C73D98160AA77A.key'), true);
    for (const name of ['', '.', '..', 'a/b', '/a', 'a\0', 'x'.repeat(256), 42, null])
      assert.equal(isPlainFileName(name), false);
  });
});
