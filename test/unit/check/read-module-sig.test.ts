import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readModuleSig, textDigest } from '../../../src/check/read-module-sig.js';
import { ConfinedOpener } from '../../../src/fs/confined-open.js';

const TEMP = mkdtempSync(join(tmpdir(), 'pbxsig-modsig-'));
after(() => rmSync(TEMP, { recursive: true, force: true }));

describe('readModuleSig', () => {
  it("gives the SHA-256 of the file's bytes, which textDigest of its text also gives, when the bytes are not UTF-8", () => {
    // A Latin-1 name, a lone continuation byte and a private-use character that decodeBytes escapes.
    const bytes = Buffer.concat([
      Buffer.from('[hashes]\ncaf'),
      Buffer.from([0xe9, 0x80]),
      Buffer.from('\uef90.php = ' + 'a'.repeat(64) + '\n'),
    ]);
    writeFileSync(join(TEMP, 'module.sig'), bytes);
    const read = readModuleSig(new ConfinedOpener(TEMP, TEMP), 'module.sig', 1024 * 1024);
    assert.equal(read.state, 'read');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    assert.equal(read.digest, sha256);
    assert.equal(textDigest(read.text), sha256);
  });

  it('says missing for a module without module.sig', () => {
    assert.deepEqual(readModuleSig(new ConfinedOpener(TEMP, TEMP), 'absent/module.sig', 1024), { state: 'missing' });
  });
});
