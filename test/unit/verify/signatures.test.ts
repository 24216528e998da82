import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { textDigest } from '../../../src/check/read-module-sig.js';
import { DEFAULT_LIMITS } from '../../../src/manifest/types.js';
import { Signatures } from '../../../src/verify/signatures.js';
import type { LoadedKeys } from '../../../src/verify/signatures.js';
import type { Judgement } from '../../../src/verify/judge-signature.js';
import { certified, makeKey } from '../../helpers/keys.js';
import type { TestKey } from '../../helpers/keys.js';
import { makeTempDir, sha256, signModule, writeKeys } from '../../helpers/modules.js';

let temp: { path: string; remove: () => Promise<void> };
let anchor: TestKey;
let developer: TestKey;
let keyDir: string;
let otherKeyDir: string;
// Signed before any check starts: a check's clock must not stand before the signatures it judges.
const texts = new Map<string, string>();

before(async () => {
  temp = await makeTempDir();
  anchor = await makeKey('Anchor');
  developer = await certified(anchor, await makeKey('Developer'));
  keyDir = join(temp.path, 'keys');
  await writeKeys(keyDir, { developer: developer.publicKey, anchor: anchor.publicKey });
  // The same keys and one more: other key material.
  otherKeyDir = join(temp.path, 'other-keys');
  const extra = await makeKey('Extra');
  await writeKeys(otherKeyDir, { developer: developer.publicKey, anchor: anchor.publicKey, extra: extra.publicKey });
  for (const name of ['same', 'one', 'two', 'read', 'arrived', 'untrusted']) texts.set(name, await sign(name));
});

after(async () => temp.remove());

async function sign(name: string): Promise<string> {
  const dir = join(temp.path, name);
  await mkdir(dir, { recursive: true });
  return signModule(dir, developer, { entries: [{ path: 'a.php', digest: sha256(name) }] });
}

function signedText(name: string): string {
  const text = texts.get(name);
  if (text === undefined) throw new Error(`no text signed for ${name}`);
  return text;
}

function loadKeys(signatures: Signatures, dir: string): Promise<LoadedKeys> {
  return signatures.loadKeys([{ kind: 'path', path: dir }]);
}

function goodAndTrusted(judgement: Judgement): boolean {
  return judgement.kind === 'checked' && judgement.check.outcome === 'good' && judgement.trust?.state === 'trusted';
}

describe('Signatures (verify once)', () => {
  describe('when the same module.sig arrives several times under the same keys', () => {
    it('judges it once and shares that judgement', async () => {
      const signatures = new Signatures([anchor.fingerprint], new Date());
      const keys = await loadKeys(signatures, keyDir);
      const raw = signedText('same');
      const first = await signatures.judge(textDigest(raw), raw, DEFAULT_LIMITS, keys);
      const second = await signatures.judge(textDigest(raw), raw, DEFAULT_LIMITS, keys);
      assert.ok(goodAndTrusted(first));
      assert.equal(second, first);
      assert.deepEqual(signatures.stats, { verified: 1, shared: 1 });
    });
  });

  describe('when the texts or the key material differ', () => {
    it('judges each distinct text, and the same text again under other keys', async () => {
      const signatures = new Signatures([anchor.fingerprint], new Date());
      const keys = await loadKeys(signatures, keyDir);
      const other = await loadKeys(signatures, otherKeyDir);
      assert.notEqual(other.id, keys.id);
      const one = signedText('one');
      const two = signedText('two');
      for (const [raw, material] of [
        [one, keys],
        [two, keys],
        [one, other],
      ] as const) {
        assert.ok(goodAndTrusted(await signatures.judge(textDigest(raw), raw, DEFAULT_LIMITS, material)));
      }
      assert.deepEqual(signatures.stats, { verified: 3, shared: 0 });
    });
  });

  describe('when the text that arrives is not the file that was read', () => {
    it('refuses to judge it in place of that file', async () => {
      const signatures = new Signatures([anchor.fingerprint], new Date());
      const keys = await loadKeys(signatures, keyDir);
      const read = signedText('read');
      const arrived = signedText('arrived');
      const judgement = await signatures.judge(textDigest(read), arrived, DEFAULT_LIMITS, keys);
      assert.equal(judgement.kind, 'unreadable');
      assert.match(judgement.kind === 'unreadable' ? judgement.error.message : '', /digest differs/);
    });
  });

  describe('when the signer is not certified by an anchor', () => {
    it('finds the signature good but the signer not trusted', async () => {
      const stranger = await makeKey('Stranger');
      const signatures = new Signatures([stranger.fingerprint], new Date());
      const keys = await loadKeys(signatures, keyDir);
      const raw = signedText('untrusted');
      const judgement = await signatures.judge(textDigest(raw), raw, DEFAULT_LIMITS, keys);
      assert.equal(judgement.kind === 'checked' ? judgement.check.outcome : judgement.kind, 'good');
      assert.notEqual(judgement.kind === 'checked' ? judgement.trust?.state : undefined, 'trusted');
    });
  });
});
