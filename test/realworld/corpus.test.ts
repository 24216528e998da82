// The real-world corpus in ../shared/realworld: 94 real module.sig files (93 in index.json, and
// framework's, described apart) and the real FreePBX keys,
// with GnuPG 2.2.40's verdict on each (index.json). pbxsig must agree with GnuPG on every signature,
// see every one-digit edit, parse every manifest completely, and judge each signer as documented in
// keys/KEYS.md. The corpus is read in place, never copied.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { splitClearsigned } from '../../src/manifest/cleartext.js';
import { destinationOf } from '../../src/install/layout.js';
import { FREEPBX_DEFAULTS } from '../../src/install/settings.js';
import { parseManifest } from '../../src/manifest/parse.js';
import { FREEPBX_ANCHORS } from '../../src/pgp/anchors.js';
import { loadKeys } from '../../src/pgp/keyring.js';
import type { Keyring } from '../../src/pgp/keyring.js';
import { checkSignature } from '../../src/pgp/signature.js';
import { assessSigner } from '../../src/pgp/trust.js';
import { HAVE_REALWORLD, REALWORLD } from '../helpers/paths.js';

interface IndexEntry {
  readonly file: string;
  readonly 'gpg_2.2.40': string;
  readonly tree?: { readonly listed?: number };
  readonly signature?: { readonly issuer_keyid?: string; readonly hash?: string };
}

const skip = HAVE_REALWORLD ? false : `the real-world corpus (${REALWORLD}) is not present: skipped`;
const entries: IndexEntry[] = HAVE_REALWORLD
  ? (JSON.parse(readFileSync(join(REALWORLD, 'index.json'), 'utf8')) as IndexEntry[])
  : [];

// What keys/KEYS.md says of each signer with FreePBX's master keys as anchors: our state, GnuPG's view.
const SIGNERS: Record<string, { state: string; gnupg: string }> = {
  B53D215A755231A3: { state: 'trusted', gnupg: 'trusted' }, // certified by master v2 (SHA-256)
  '86CE877469D2EAD9': { state: 'trusted', gnupg: 'trusted' }, // certified by master v1 (SHA-1, 2014)
  '58E80D46FED5C0E3': { state: 'trusted', gnupg: 'untrusted' }, // dpviz: SHA-1 certifications of 2025
  '9E89B33A3045F169': { state: 'expired', gnupg: 'expired' }, // SentryPeer: expired 2024-01-02
};

function sigText(entry: IndexEntry): string {
  return readFileSync(join(REALWORLD, entry.file), 'utf8');
}

/** One hex digit of the first [hashes] entry changed. */
function tamper(text: string): string {
  return text.replace(
    /\[hashes\]\n([^\n]*? = )([0-9a-f])/,
    (_m, head: string, digit: string) => `[hashes]\n${head}${digit === '0' ? '1' : '0'}`,
  );
}

describe('real-world FreePBX signatures', { skip }, () => {
  let keyring: Keyring;
  const now = new Date();

  before(async () => {
    keyring = (await loadKeys([join(REALWORLD, 'keys')])).keyring;
  });

  it('has the corpus described in its README', () => {
    // 83, and the ten FreePBX 12 manifests ending with "# End" added on 2026-12-01.
    assert.equal(entries.length, 93);
    assert.equal(keyring.size, 7);
  });

  it('agrees with GnuPG on every saved signature', async () => {
    const disagreements: string[] = [];
    for (const entry of entries) {
      const check = await checkSignature(splitClearsigned(sigText(entry)), keyring, now);
      const expected = entry['gpg_2.2.40'].startsWith('Good') ? 'good' : 'no-key';
      if (check.outcome !== expected)
        disagreements.push(`${entry.file}: gpg ${entry['gpg_2.2.40']}, pbxsig ${check.outcome}`);
    }
    assert.deepEqual(disagreements, []);
  });

  it('gives unknown-signer for the two signatures by keys nobody has', async () => {
    const unknown = entries.filter((e) => e['gpg_2.2.40'].startsWith('no pubkey'));
    assert.deepEqual(unknown.map((e) => e.signature?.issuer_keyid).sort(), ['51F5B68D25155DCB', '96878C7428F8D097']);
    for (const entry of unknown) {
      const check = await checkSignature(splitClearsigned(sigText(entry)), keyring, now);
      assert.equal(check.outcome, 'no-key', entry.file);
    }
  });

  it('reports a bad signature after a one-digit change in [hashes], for every signature we can check', async () => {
    const missed: string[] = [];
    for (const entry of entries.filter((e) => e['gpg_2.2.40'].startsWith('Good'))) {
      const text = sigText(entry);
      const edited = tamper(text);
      assert.notEqual(edited, text, `${entry.file}: the edit did not apply`);
      const check = await checkSignature(splitClearsigned(edited), keyring, now);
      if (check.outcome !== 'bad') missed.push(`${entry.file}: ${check.outcome}`);
    }
    assert.deepEqual(missed, []);
  });

  it('parses every manifest completely: as many entries as the tree check listed, and no refused line', () => {
    for (const entry of entries) {
      const clear = splitClearsigned(sigText(entry));
      const manifest = parseManifest(clear.text, { firstLine: clear.firstLine, crlfLines: clear.crlfLines });
      assert.deepEqual(manifest.issues, [], entry.file);
      if (typeof entry.tree?.listed === 'number') assert.equal(manifest.entries.length, entry.tree.listed, entry.file);
      // FreePBX checks exactly what pbxsig checks.
      assert.equal(manifest.freepbxHashes, manifest.entries, entry.file);
    }
  });

  it('reads the ten FreePBX 12 manifests ending with "# End" completely, as FreePBX does', () => {
    const fp12 = entries.filter((e) => e.file.includes('cvieri-ucp-8cdc5af-'));
    assert.equal(fp12.length, 10);
    for (const entry of fp12) {
      const clear = splitClearsigned(sigText(entry));
      assert.match(clear.text, /\n# End$/, entry.file);
      const manifest = parseManifest(clear.text, { firstLine: clear.firstLine });
      assert.deepEqual(manifest.issues, [], entry.file);
      assert.equal(manifest.commentLines, 1, entry.file);
      assert.ok(manifest.entries.length > 0, entry.file);
    }
  });

  it("judges each signer as KEYS.md documents, with FreePBX's master keys as anchors", async () => {
    const judged = new Map<string, { state: string; gnupg: string }>();
    for (const entry of entries) {
      const check = await checkSignature(splitClearsigned(sigText(entry)), keyring, now);
      if (check.outcome !== 'good') continue;
      const trust = await assessSigner(check.key, check.signingKey, check.facts.created, {
        keyring,
        anchors: FREEPBX_ANCHORS,
        now,
      });
      const seen = { state: trust.state, gnupg: trust.gnupg };
      const previous = judged.get(check.facts.issuerKeyId);
      if (previous) assert.deepEqual(seen, previous, `${entry.file}: same signer, different judgement`);
      judged.set(check.facts.issuerKeyId, seen);
    }
    assert.deepEqual(Object.fromEntries(judged), SIGNERS);
  });

  it("parses and verifies framework's 1.3 MB manifest (8,108 entries; not in index.json)", async () => {
    const text = readFileSync(join(REALWORLD, 'sigs/Long-aa-PBX-eb1e410-framework.module.sig'), 'utf8');
    const clear = splitClearsigned(text);
    const manifest = parseManifest(clear.text, { firstLine: clear.firstLine });
    assert.equal(manifest.entries.length, 8108);
    assert.deepEqual(manifest.issues, []);
    assert.ok(manifest.entries.some((e) => e.path === 'amp_conf/htdocs/.htaccess'));
    const check = await checkSignature(clear, keyring, now);
    assert.equal(check.outcome, 'good');
  });

  it("maps every path of framework's manifest where FreePBX 17 installs it", () => {
    const text = readFileSync(join(REALWORLD, 'sigs/Long-aa-PBX-eb1e410-framework.module.sig'), 'utf8');
    const clear = splitClearsigned(text);
    const manifest = parseManifest(clear.text, { firstLine: clear.firstLine });
    const where = new Map<string, number>();
    for (const entry of manifest.entries) {
      const destination = destinationOf('framework', entry.path, FREEPBX_DEFAULTS);
      assert.equal(destination.kind, 'file', entry.path);
      if (destination.kind !== 'file') continue;
      assert.ok(!destination.path.includes('/../') && !destination.path.includes('//'), destination.path);
      const area = [
        '/var/www/html/admin/modules/framework/',
        '/var/www/html/',
        '/var/lib/asterisk/bin/',
        '/var/lib/asterisk/agi-bin/',
      ].find((p) => destination.path.startsWith(p));
      assert.ok(area, `${entry.path} -> ${destination.path}`);
      where.set(area, (where.get(area) ?? 0) + 1);
    }
    // What the corpus README says: everything under amp_conf/htdocs/ lands in the web root, and the 8
    // files under amp_conf/bin/ and amp_conf/agi-bin/ outside it.
    assert.deepEqual(Object.fromEntries(where), {
      '/var/www/html/': 8086,
      '/var/www/html/admin/modules/framework/': 14,
      '/var/lib/asterisk/bin/': 6,
      '/var/lib/asterisk/agi-bin/': 2,
    });
  });
});
