// module.sig read as FreePBX (PHP's parse_ini_string) and GnuPG read it, end to end through
// verifyModules(): real trees and signatures made at test time, including bytes that are not UTF-8,
// Ed25519 over SHA-1, the framing GnuPG refuses, and hostile files (a 200 MB flood of newlines).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyModules } from '../../src/index.js';
import type { ModuleReport, VerifyOptions } from '../../src/index.js';
import { decodeBytes, encodeBytes } from '../../src/fs/byte-string.js';
import { formatBody } from '../../src/sign/body.js';
import { clearsignBytes } from '../helpers/clearsign-bytes.js';
import type { ClearsignBytesOptions } from '../helpers/clearsign-bytes.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, sha256, writeFiles, writeKeys } from '../helpers/modules.js';

interface World {
  readonly dir: string;
  readonly keys: string;
  readonly anchor: TestKey;
  readonly developer: TestKey;
}

let world: World;
let cleanup: () => Promise<void>;

before(async () => {
  const temp = await makeTempDir();
  cleanup = temp.remove;
  const anchor = await makeKey('Test Master', { rsa: true });
  const developer = await certified(anchor, await makeKey('Developer'));
  const keys = join(temp.path, 'keys');
  await writeKeys(keys, { anchor: anchor.publicKey, developer: developer.publicKey });
  world = { dir: temp.path, keys, anchor, developer };
});

after(async () => cleanup());

let counter = 0;
async function moduleDir(): Promise<string> {
  const dir = join(world.dir, 'modules', `m${++counter}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Writes module.sig: `body` (a string, escapes standing for raw bytes) clear-signed byte for byte. */
async function writeSig(dir: string, body: string, options: ClearsignBytesOptions = {}): Promise<Buffer> {
  const signed = await clearsignBytes(encodeBytes(body), world.developer.privateKey, options);
  await writeFile(join(dir, 'module.sig'), signed);
  return signed;
}

async function verify(dirs: string[], options: Partial<VerifyOptions> = {}): Promise<ModuleReport[]> {
  const report = await verifyModules({
    modules: dirs,
    keys: [world.keys],
    anchors: [world.anchor.fingerprint],
    threads: 0,
    ...options,
  });
  return [...report.modules];
}

async function verifyOne(dir: string, options: Partial<VerifyOptions> = {}): Promise<ModuleReport> {
  const [only] = await verify([dir], options);
  assert.ok(only);
  return only;
}

const codes = (m: ModuleReport): string[] => m.warnings.map((w) => w.code);

describe('reading module.sig as FreePBX and GnuPG do', () => {
  describe('when a listed file name is not UTF-8 (Latin-1)', () => {
    const latin1 = Buffer.from('caf\xe9.txt', 'latin1');
    const name = decodeBytes(latin1);

    async function latin1Module(content: string): Promise<string> {
      const dir = await moduleDir();
      await writeFile(Buffer.concat([Buffer.from(`${dir}/`), latin1]), content);
      await writeFiles(dir, { 'plain.php': '<?php\n' });
      await writeSig(
        dir,
        formatBody({ signedWith: world.developer.keyId }, [
          { path: name, digest: sha256('signed content\n') },
          { path: 'plain.php', digest: sha256('<?php\n') },
        ]),
      );
      return dir;
    }

    it('checks the signature over the exact bytes and the file by its exact name', async () => {
      const m = await verifyOne(await latin1Module('signed content\n'), { unlisted: 'ignore' });
      assert.equal(m.signer?.check, 'good', m.summary);
      assert.equal(m.verdict, 'verified', m.summary);
      assert.equal(m.files.matched, 2);
      assert.equal(m.freepbx.status, 129);
    });

    it('reports that file altered, by its name, when its content changed', async () => {
      const m = await verifyOne(await latin1Module('web shell\n'), { unlisted: 'ignore' });
      assert.equal(m.verdict, 'tampered', m.summary);
      assert.deepEqual(
        m.files.altered.map((f) => encodeBytes(f.path)),
        [latin1],
      );
      assert.equal(m.freepbx.status, 130);
    });
  });

  describe('when the signature is Ed25519 over a SHA-1 digest (gpg --digest-algo SHA1)', () => {
    let dir: string;
    before(async () => {
      dir = await moduleDir();
      await writeFiles(dir, { 'a.php': '<?php\n' });
      await writeSig(
        dir,
        formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: sha256('<?php\n') }]),
        {
          hash: 'sha1',
        },
      );
    });

    it('accepts it as GnuPG does, with the SHA-1 warning', async () => {
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'verified', m.summary);
      assert.equal(m.signer?.digest, 'SHA1');
      assert.ok(codes(m).includes('SIGNATURE_SHA1'), JSON.stringify(m.warnings));
      assert.equal(m.freepbx.status, 129);
    });

    it('still reports a one-byte change of the signed text as a bad signature', async () => {
      const tampered = await moduleDir();
      await writeFiles(tampered, { 'a.php': '<?php\n' });
      const signed = await writeSig(
        tampered,
        formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: sha256('<?php\n') }]),
        { hash: 'sha1' },
      );
      await writeFile(
        join(tampered, 'module.sig'),
        signed.toString('latin1').replace('repo=manual', 'repo=manuaL'),
        'latin1',
      );
      const m = await verifyOne(tampered);
      assert.equal(m.verdict, 'bad-signature', m.summary);
      assert.equal(m.freepbx.status, 2);
    });

    const gpg = spawnSync('gpgv', ['--version']);
    it(
      'is what GnuPG itself calls a good signature',
      { skip: gpg.status === 0 ? false : 'gpgv is not installed' },
      async () => {
        const keyring = join(world.dir, 'developer.gpg');
        await writeFile(keyring, world.developer.publicKey.write());
        const run = spawnSync('gpgv', ['--keyring', keyring, join(dir, 'module.sig')], { encoding: 'utf8' });
        assert.equal(run.status, 0, run.stderr);
        assert.match(run.stderr, /Good signature/);
      },
    );
  });

  describe('when the Hash: armor header is one GnuPG does not accept for this signature', () => {
    async function withHeader(header: string | undefined): Promise<ModuleReport> {
      const dir = await moduleDir();
      await writeFiles(dir, { 'a.php': '<?php\n' });
      const signed = await writeSig(
        dir,
        formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: sha256('<?php\n') }]),
      );
      const edited = signed.toString('utf8').replace('Hash: SHA256\n', header === undefined ? '' : `${header}\n`);
      await writeFile(join(dir, 'module.sig'), edited);
      return verifyOne(dir);
    }

    it('gives FreePBX 4 for a header GnuPG refuses ("Hash: sha256"): no digest is then announced', async () => {
      const m = await withHeader('Hash: sha256');
      assert.equal(m.verdict, 'bad-signature', m.summary);
      assert.equal(m.freepbx.status, 4);
      assert.ok(codes(m).includes('CLEARSIGN_BAD_HEADER'), JSON.stringify(m.warnings));
    });

    it('gives FreePBX 2 when GnuPG reads the lines after a refused header as signed text', async () => {
      const m = await withHeader('Hash: SHA256\nComment: hello');
      assert.equal(m.verdict, 'bad-signature', m.summary);
      assert.equal(m.freepbx.status, 2);
    });

    it("gives a bad signature and FreePBX 4 (GnuPG's ERRSIG) for a header naming another digest", async () => {
      const m = await withHeader('Hash: SHA1');
      assert.equal(m.verdict, 'bad-signature', m.summary);
      assert.equal(m.freepbx.status, 4);
      assert.match(m.freepbx.details[0] ?? '', /^module\.sig check failed! Unknown Signature \(\[GNUPG:\] ERRSIG /);
    });

    it('gives the same for a SHA-256 signature without a header (GnuPG then accepts MD5 and SHA-1 only)', async () => {
      const m = await withHeader(undefined);
      assert.equal(m.verdict, 'bad-signature', m.summary);
      assert.equal(m.freepbx.status, 4);
    });
  });

  describe('when [config] says hash=md5', () => {
    it('warns, and checks SHA-256 digests as FreePBX does (it ignores the key)', async () => {
      const dir = await moduleDir();
      await writeFiles(dir, { 'a.php': '<?php\n' });
      const body = formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: sha256('<?php\n') }]);
      await writeSig(dir, body.replace('hash=sha256', 'hash=md5'));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'verified', m.summary);
      assert.ok(codes(m).includes('MANIFEST_CONFIG_HASH'), JSON.stringify(m.warnings));
      assert.match(m.warnings.find((w) => w.code === 'MANIFEST_CONFIG_HASH')?.message ?? '', /md5.*FreePBX ignores/);
      assert.equal(m.freepbx.status, 129);
    });
  });

  describe('when the manifest ends with "# End" (FreePBX 12)', () => {
    it('is verified: PHP drops the line, and so does pbxsig', async () => {
      const dir = await moduleDir();
      await writeFiles(dir, { 'a.php': '<?php\n' });
      const body = formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: sha256('<?php\n') }]);
      await writeSig(dir, body.replace(';# End', '# End'));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'verified', m.summary);
      assert.equal(m.freepbx.status, 129);
    });
  });

  describe('when the signed text holds lines starting with "-"', () => {
    async function signedThenEdited(edit: (sig: string) => string): Promise<string> {
      const dir = await moduleDir();
      await writeFiles(dir, { 'a.php': '<?php\n' });
      const body = formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: sha256('<?php\n') }]);
      // Before any section: PHP drops both lines (keys without "=").
      const signed = await writeSig(dir, `-x note\n-----END PGP SIGNATURE-----\n${body}`);
      await writeFile(join(dir, 'module.sig'), edit(signed.toString('utf8')));
      return dir;
    }

    it('accepts properly escaped ones', async () => {
      const m = await verifyOne(await signedThenEdited((s) => s));
      assert.equal(m.verdict, 'verified', m.summary);
      assert.ok(!codes(m).includes('CLEARSIGN_BAD_DASH'));
    });

    it('reads an unescaped "-x" line as written, with GnuPG\'s warning', async () => {
      const m = await verifyOne(await signedThenEdited((s) => s.replace('\n- -x note\n', '\n-x note\n')));
      assert.equal(m.verdict, 'verified', m.summary);
      assert.ok(codes(m).includes('CLEARSIGN_BAD_DASH'), JSON.stringify(m.warnings));
    });

    it('refuses an unescaped "-----" line inside the signed text, where GnuPG checks nothing', async () => {
      const m = await verifyOne(
        await signedThenEdited((s) =>
          s.replace('\n- -----END PGP SIGNATURE-----\n', '\n-----END PGP SIGNATURE-----\n'),
        ),
      );
      assert.equal(m.verdict, 'invalid-manifest', m.summary);
      assert.match(m.summary, /unexpected armor/);
      assert.equal(m.freepbx.status, 0);
    });
  });

  describe('when a path is listed twice with different digests', () => {
    it("fails the module, and gives FreePBX's status from the last digest, as PHP keeps it", async () => {
      const dir = await moduleDir();
      await writeFiles(dir, { 'a.php': '<?php\n' });
      const good = sha256('<?php\n');
      const body = formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: 'f'.repeat(64) }]);
      await writeSig(dir, body.replace(';# End', `a.php = ${good}\n;# End`));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'invalid-manifest', m.summary);
      assert.equal(m.manifest?.issues[0]?.code, 'MANIFEST_DUPLICATE_PATH');
      // FreePBX compares a.php with the last digest, which matches.
      assert.equal(m.freepbx.status, 129);
      assert.deepEqual(m.freepbx.details, []);
    });
  });

  describe('when a listed name holds a character PHP refuses in a key', () => {
    it('fails the module, and FreePBX checks nothing (129)', async () => {
      const dir = await moduleDir();
      await writeFiles(dir, { 'a (copy).php': '<?php\n', 'b.php': 'x' });
      await writeSig(
        dir,
        formatBody({ signedWith: world.developer.keyId }, [
          { path: 'a (copy).php', digest: sha256('<?php\n') },
          { path: 'b.php', digest: sha256('changed') },
        ]),
      );
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'invalid-manifest', m.summary);
      assert.match(m.summary, /PHP's parse_ini_string\(\) returns false/);
      assert.equal(m.freepbx.status, 129);
      assert.deepEqual(m.freepbx.details, []);
    });
  });

  describe('when a module.sig is hostile', () => {
    it('refuses a 200 MB flood of newlines unread, and judges the other modules', async () => {
      const flood = await moduleDir();
      const handle = await open(join(flood, 'module.sig'), 'w');
      const chunk = Buffer.alloc(8 * 1024 * 1024, 10);
      for (let i = 0; i < 25; i++) await handle.write(chunk);
      await handle.close();
      const good = await moduleDir();
      await writeFiles(good, { 'a.php': '<?php\n' });
      await writeSig(
        good,
        formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: sha256('<?php\n') }]),
      );

      const [floodReport, goodReport] = await verify([flood, good]);
      assert.equal(floodReport?.verdict, 'invalid-manifest', floodReport?.summary);
      assert.match(floodReport?.summary ?? '', /module\.sig.*209715200 bytes; the limit is 33554432/);
      assert.equal(goodReport?.verdict, 'verified', goodReport?.summary);
    });

    it('stops at the line bound for a flood of newlines inside the signed text, under the size cap', async () => {
      const dir = await moduleDir();
      await writeFiles(dir, { 'a.php': '<?php\n' });
      const signed = await writeSig(
        dir,
        formatBody({ signedWith: world.developer.keyId }, [{ path: 'a.php', digest: sha256('<?php\n') }]),
      );
      const text = signed.toString('utf8');
      const at = text.indexOf('[hashes]');
      await writeFile(join(dir, 'module.sig'), text.slice(0, at) + '\n'.repeat(30 * 1024 * 1024) + text.slice(at));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'invalid-manifest', m.summary);
      assert.match(m.summary, /more than 200000 lines of signed text/);
    });

    it('stops at the entry bound for a manifest of too many entries', async () => {
      const dir = await moduleDir();
      const entries = Array.from({ length: 11 }, (_, i) => ({ path: `f${i}`, digest: 'a'.repeat(64) }));
      await writeSig(dir, formatBody({ signedWith: world.developer.keyId }, entries));
      const m = await verifyOne(dir, {
        limits: { maxBytes: 1 << 20, maxEntries: 10, maxLines: 100, maxLineLength: 1000 },
      });
      assert.equal(m.verdict, 'invalid-manifest', m.summary);
      assert.match(m.summary, /more than 10 entries/);
    });
  });
});
