// openpgp.js with its AES tables made on first use (scripts/openpgp-on-first-use.ts), as the CLI bundle
// carries it: its own AES code must still give exactly what the published openpgp.js gives.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import * as openpgp from 'openpgp';
import type { createMessage, decrypt, encrypt, readMessage } from 'openpgp';
import { aesTablesOnFirstUse } from '../../../scripts/openpgp-on-first-use.js';
import { makeTempDir } from '../../helpers/modules.js';
import { REPO_ROOT } from '../../helpers/paths.js';

// The build scripts/bundle.js bundles (the package's exports do not name it).
const MINIFIED = join(REPO_ROOT, 'node_modules/openpgp/dist/node/openpgp.min.mjs');

async function patchedOpenpgp(): Promise<Openpgp> {
  const dir = await makeTempDir('pbxsig-openpgp-');
  after(dir.remove);
  const file = join(dir.path, 'openpgp.min.mjs');
  await writeFile(file, aesTablesOnFirstUse(readFileSync(MINIFIED, 'utf8'), MINIFIED));
  return (await import(pathToFileURL(file).href)) as Openpgp;
}

// What the round trip uses of openpgp.js.
interface Openpgp {
  readonly createMessage: typeof createMessage;
  readonly encrypt: typeof encrypt;
  readonly readMessage: typeof readMessage;
  readonly decrypt: typeof decrypt;
}

// AEAD (OCB) runs openpgp.js's own AES block cipher: the code whose tables are made on first use.
async function roundTrip(writer: Openpgp, reader: Openpgp, text: string): Promise<string> {
  // openpgp.js's stream-generic types resolve to nothing for the linter here: the results are named.
  const armoredMessage = (await writer.encrypt({
    message: await writer.createMessage({ text }),
    passwords: ['correct horse'],
    config: { aeadProtect: true, preferredAEADAlgorithm: openpgp.enums.aead.ocb },
  })) as string;
  const decrypted = (await reader.decrypt({
    message: await reader.readMessage({ armoredMessage }),
    passwords: ['correct horse'],
  })) as { data: string };
  return decrypted.data;
}

describe('openpgp.js with its AES tables made on first use', () => {
  it('encrypts and decrypts with its own AES (OCB) as the published build does, both ways', async () => {
    const patched = await patchedOpenpgp();
    const text = 'the module.sig of framework, say';
    assert.equal(await roundTrip(patched, openpgp, text), text);
    assert.equal(await roundTrip(openpgp, patched, text), text);
  });

  it('fails the build, naming the file, when openpgp.js no longer holds the text it replaces', () => {
    assert.throws(
      () => aesTablesOnFirstUse('export const nothing = 1;', 'node_modules/openpgp/x.mjs'),
      /node_modules\/openpgp\/x\.mjs: openpgp\.js's AES tables are not there exactly once/,
    );
    const source = readFileSync(MINIFIED, 'utf8');
    assert.throws(() => aesTablesOnFirstUse(source + source, MINIFIED), /not there exactly once/);
  });
});
