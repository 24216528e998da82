// End to end through the library: real module trees on disk, signed with throwaway keys certified by a
// throwaway anchor, verified by verifyModules() with the worker pool and on the main thread.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyModules } from '../../src/index.js';
import type { ModuleReport, VerifyOptions } from '../../src/index.js';
import { certified, makeKey, revoked } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, sha256, signModule, writeFiles, writeKeys } from '../helpers/modules.js';

const FILES = {
  'module.xml': '<module><rawname>demo</rawname></module>\n',
  'Demo.class.php': '<?php class Demo {}\n',
  'assets/js/demo.js': 'console.log("demo");\n',
  'views/main view.php': '<?php echo "spaces in names are allowed";\n',
};

interface World {
  readonly dir: string;
  readonly keys: string;
  readonly anchor: TestKey;
  readonly developer: TestKey;
  readonly stranger: TestKey;
  readonly revokedDeveloper: TestKey;
  readonly expiredDeveloper: TestKey;
}

let world: World;
let cleanup: () => Promise<void>;

before(async () => {
  const temp = await makeTempDir();
  cleanup = temp.remove;
  // RSA, as FreePBX's masters are: FreePBX reports a master's revocation (64) only from an RSA key.
  const anchor = await makeKey('Test Master', { rsa: true });
  const developer = await certified(anchor, await makeKey('Developer'));
  const stranger = await makeKey('Stranger');
  const revokedDeveloper = await revoked(
    anchor,
    await certified(anchor, await makeKey('Revoked Developer'), new Date(Date.now() - 86_400_000)),
  );
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
  const expiredDeveloper = await certified(
    anchor,
    await makeKey('Expired Developer', { date: twoDaysAgo, expiresIn: 3600 }),
    twoDaysAgo,
  );
  const keys = join(temp.path, 'keys');
  await writeKeys(keys, {
    anchor: anchor.publicKey,
    developer: developer.publicKey,
    stranger: stranger.publicKey,
    revoked: revokedDeveloper.publicKey,
    expired: expiredDeveloper.publicKey,
  });
  world = { dir: temp.path, keys, anchor, developer, stranger, revokedDeveloper, expiredDeveloper };
});

after(async () => cleanup());

let counter = 0;
/** A fresh signed module directory; `prepare` may change it after signing. */
async function module(
  sign: (dir: string) => Promise<unknown>,
  prepare?: (dir: string) => Promise<void>,
): Promise<string> {
  const dir = join(world.dir, 'modules', `demo${++counter}`);
  await writeFiles(dir, FILES);
  await sign(dir);
  if (prepare) await prepare(dir);
  return dir;
}

async function verifyOne(dir: string, options: Partial<VerifyOptions> = {}): Promise<ModuleReport> {
  const report = await verifyModules({
    modules: [dir],
    keys: [world.keys],
    anchors: [world.anchor.fingerprint],
    ...options,
  });
  const [only] = report.modules;
  assert.ok(only);
  return only;
}

const signedByDeveloper = (dir: string): Promise<string> => signModule(dir, world.developer);

describe('verifyModules', () => {
  describe('when the module is intact and signed by a certified key', () => {
    it('is verified, with FreePBX status 129 and the signer named', async () => {
      const m = await verifyOne(await module(signedByDeveloper));
      assert.equal(m.verdict, 'verified', m.summary);
      assert.equal(m.freepbx.status, 129);
      assert.deepEqual(m.freepbx.flags, ['GOOD', 'TRUSTED']);
      assert.equal(m.files.matched, Object.keys(FILES).length);
      assert.equal(m.signer?.fingerprint, world.developer.fingerprint);
      assert.equal(m.signer?.trust?.state, 'trusted');
      assert.match(m.signer?.digest ?? '', /^SHA(256|384|512)$/);
      assert.match(m.signer?.userId ?? '', /Developer/);
    });

    it('gives the same result hashing on the main thread, on one thread, with either engine', async () => {
      const dir = await module(signedByDeveloper);
      for (const options of [
        { threads: 0 },
        { threads: 1 },
        { threads: 2, engine: 'wasm' as const },
        { threads: 0, engine: 'node' as const },
      ]) {
        const m = await verifyOne(dir, options);
        assert.equal(m.verdict, 'verified', JSON.stringify(options));
      }
    });

    it('follows a symbolic link inside the module and hashes its target, as FreePBX does', async () => {
      const dir = await module(async (d) => {
        await writeFiles(d, { 'lib/real.js': 'real content\n' });
        await symlink('../lib/real.js', join(d, 'assets/link.js'));
        // Sign the link's target content under the link's name.
        await signModule(d, world.developer);
      });
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'verified', m.summary);
      assert.equal(m.files.viaSymlink, 1);
    });

    it('finds the installation keys in <webroot>/admin/libraries/BMO for a module under admin/modules', async () => {
      const webroot = join(world.dir, 'webroot');
      const dir = join(webroot, 'admin/modules/demo');
      await writeFiles(dir, FILES);
      await signModule(dir, world.developer);
      await writeKeys(join(webroot, 'admin/libraries/BMO'), {
        master: world.anchor.publicKey,
        dev: world.developer.publicKey,
      });
      const report = await verifyModules({ modules: [dir], anchors: [world.anchor.fingerprint] });
      assert.equal(report.modules[0]?.verdict, 'verified');
      assert.equal(report.settings.keyFiles.length, 2);
    });
  });

  describe("when the signature was made after this host's clock", () => {
    it('is verified as GnuPG and FreePBX verify it, with a warning about the clock', async () => {
      // A signer's clock an hour ahead, or a PBX at boot before its clock is set.
      const inAnHour = new Date(Date.now() + 3_600_000);
      const m = await verifyOne(await module((dir) => signModule(dir, world.developer, { date: inAnHour })));
      assert.equal(m.verdict, 'verified', m.summary);
      assert.equal(m.freepbx.status, 129);
      assert.ok(m.warnings.some((w) => w.code === 'SIGNATURE_IN_FUTURE'));
    });

    it('fails when the signing key itself was made after the clock, as GnuPG checks nothing then', async () => {
      const inAnHour = new Date(Date.now() + 3_600_000);
      const early = await certified(world.anchor, await makeKey('Early Developer', { date: inAnHour }));
      const keys = join(world.dir, 'early-keys');
      await writeKeys(keys, { anchor: world.anchor.publicKey, early: early.publicKey });
      const dir = await module((d) => signModule(d, early, { date: new Date(inAnHour.getTime() + 60_000) }));
      const m = await verifyOne(dir, { keys: [keys] });
      assert.equal(m.verdict, 'bad-signature', m.summary);
      assert.match(m.summary, /created \d+ s after this host's clock/);
      // GnuPG's ERRSIG: FreePBX's status for a signature it could not check, not "good".
      assert.notEqual(m.freepbx.status & 1, 1);
    });
  });

  describe('when the signature is dated before its key was made', () => {
    it('fails, as GnuPG checks nothing then ("Time conflict"), and FreePBX says 4', async () => {
      // A signer's clock behind: the key made three days ago, the signature dated five days ago.
      const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000);
      const dir = await module((d) => signModule(d, world.developer, { date: fiveDaysAgo, beforeKey: true }));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'bad-signature', m.summary);
      assert.match(m.summary, /made \d+ s after the signature/);
      assert.equal(m.freepbx.status, 4);
    });
  });

  describe('when a listed file was changed', () => {
    it('is tampered, names the altered file with both digests, and FreePBX says 130', async () => {
      const dir = await module(signedByDeveloper, (d) => appendFile(join(d, 'Demo.class.php'), '// backdoor\n'));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'tampered');
      assert.equal(m.freepbx.status, 130);
      assert.deepEqual(m.freepbx.details, [`${dir}/Demo.class.php altered`]);
      assert.equal(m.files.altered.length, 1);
      const altered = m.files.altered[0];
      assert.equal(altered?.path, 'Demo.class.php');
      assert.equal(altered?.expected, sha256(FILES['Demo.class.php']));
      assert.equal(altered?.actual, sha256(`${FILES['Demo.class.php']}// backdoor\n`));
    });
  });

  describe('when a listed file is missing', () => {
    it('is tampered and names the missing file', async () => {
      const dir = await module(signedByDeveloper, (d) => rm(join(d, 'views/main view.php')));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'tampered');
      assert.deepEqual(
        m.files.missing.map((f) => f.path),
        ['views/main view.php'],
      );
      assert.deepEqual(m.freepbx.details, [`${dir}/views/main view.php missing`]);
    });
  });

  describe('when module.sig itself was edited', () => {
    it('is a bad signature (FreePBX 2), and the files are still checked', async () => {
      const dir = await module(signedByDeveloper, async (d) => {
        const sig = await readFile(join(d, 'module.sig'), 'utf8');
        const hash = sha256(FILES['module.xml']);
        // One hex digit of a [hashes] line.
        await writeFile(
          join(d, 'module.sig'),
          sig.replace(hash, `${hash.slice(0, -1)}${hash.endsWith('0') ? '1' : '0'}`),
        );
      });
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'bad-signature');
      assert.equal(m.freepbx.status, 2);
      assert.equal(m.signer?.check, 'bad');
      assert.equal(m.files.altered.length, 1, 'the edited entry no longer matches its file');
    });
  });

  describe('when the signer is not certified by the anchor', () => {
    it('is untrusted-signer, FreePBX 7, files still checked', async () => {
      const dir = await module(
        (d) => signModule(d, world.stranger),
        (d) => rm(join(d, 'module.xml')),
      );
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'untrusted-signer');
      assert.equal(m.freepbx.status, 7);
      assert.deepEqual(m.freepbx.details, ['module.sig check failed! Signed by unknown, untrusted key.']);
      assert.equal(m.files.missing.length, 1);
    });
  });

  describe('when the signing key is unknown', () => {
    it('is unknown-signer, FreePBX 4', async () => {
      const m = await verifyOne(await module((d) => signModule(d, world.stranger)), {
        keys: [join(world.keys, 'anchor.asc')],
      });
      assert.equal(m.verdict, 'unknown-signer');
      assert.equal(m.freepbx.status, 4);
      assert.equal(m.signer?.keyId, world.stranger.keyId);
    });
  });

  describe('when the anchor revoked its certification of the signer', () => {
    it('is revoked, FreePBX 64', async () => {
      const m = await verifyOne(await module((d) => signModule(d, world.revokedDeveloper)));
      assert.equal(m.verdict, 'revoked', m.summary);
      assert.equal(m.freepbx.status, 64);
      assert.match(m.summary, /revoked/);
    });

    it('is revoked even when the revocation arrives in a separate key file', async () => {
      // The certified key in one file, the same key with the revocation in another: merged.
      const split = join(world.dir, 'split-keys');
      const developer = await certified(world.anchor, await makeKey('Split Developer'), new Date(Date.now() - 60_000));
      const withRevocation = await revoked(world.anchor, developer);
      await writeKeys(split, {
        anchor: world.anchor.publicKey,
        certified: developer.publicKey,
        revocation: withRevocation.publicKey,
      });
      const m = await verifyOne(await module((d) => signModule(d, developer)), { keys: [split] });
      assert.equal(m.verdict, 'revoked', m.summary);
    });
  });

  describe('when the signing key has expired', () => {
    it('is expired, FreePBX 33', async () => {
      const m = await verifyOne(
        await module((d) =>
          signModule(d, world.expiredDeveloper, { date: new Date(Date.now() - 2 * 86_400_000 + 60_000) }),
        ),
      );
      assert.equal(m.verdict, 'expired', m.summary);
      assert.equal(m.freepbx.status, 33);
    });
  });

  describe("when a version-2 manifest's expiresafter has passed", () => {
    it('is revoked, as FreePBX treats it', async () => {
      const m = await verifyOne(
        await module((d) =>
          signModule(d, world.developer, { config: { expiresAfter: Math.floor(Date.now() / 1000) - 60 } }),
        ),
      );
      assert.equal(m.verdict, 'revoked');
      assert.equal(m.freepbx.status, 64);
    });
  });

  describe('when expiresafter is beyond the dates a report can write (1e20 or -1e20 seconds)', () => {
    it('compares it with the clock as FreePBX does and reports the last or first date there is', async () => {
      const far = await verifyOne(
        await module((d) => signModule(d, world.developer, { config: { expiresAfter: 1e20 } })),
      );
      assert.equal(far.verdict, 'verified', far.summary);
      assert.equal(far.freepbx.status, 129);
      assert.equal(far.manifest?.expiresAfter, '+275760-09-13T00:00:00.000Z');
      const past = await verifyOne(
        await module((d) => signModule(d, world.developer, { config: { expiresAfter: -1e20 } })),
      );
      assert.equal(past.verdict, 'revoked', past.summary);
      assert.equal(past.freepbx.status, 64);
      assert.equal(past.manifest?.expiresAfter, '-271821-04-20T00:00:00.000Z');
    });
  });

  describe('when there is no module.sig', () => {
    it('is unsigned, FreePBX 8', async () => {
      const m = await verifyOne(await module(() => Promise.resolve()));
      assert.equal(m.verdict, 'unsigned');
      assert.equal(m.freepbx.status, 8);
    });
  });

  describe('when a listed file is a symbolic link leaving the module', () => {
    it('reports it unsafe and does not follow it', async () => {
      const outside = join(world.dir, 'outside.txt');
      await writeFile(outside, 'secret');
      const dir = await module(
        (d) => signModule(d, world.developer, { entries: [{ path: 'escape.txt', digest: sha256('secret') }] }),
        (d) => symlink(outside, join(d, 'escape.txt')),
      );
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'tampered');
      assert.equal(m.files.unsafe.length, 1);
      assert.match(m.files.unsafe[0]?.reason ?? '', /outside/);
    });
  });

  describe('when a FIFO stands in place of a listed file', () => {
    it('reports it unsafe without blocking', async () => {
      const dir = await module(signedByDeveloper, async (d) => {
        await rm(join(d, 'assets/js/demo.js'));
        execFileSync('mkfifo', [join(d, 'assets/js/demo.js')]);
      });
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'tampered');
      assert.deepEqual(
        m.files.unsafe.map((f) => f.path),
        ['assets/js/demo.js'],
      );
      assert.match(m.files.unsafe[0]?.reason ?? '', /FIFO/);
    });
  });

  describe('when a listed file cannot be read', () => {
    it('reports it unreadable', { skip: process.getuid?.() === 0 && 'root reads any file' }, async () => {
      const dir = await module(signedByDeveloper, (d) => chmod(join(d, 'module.xml'), 0o000));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'tampered');
      assert.equal(m.files.unreadable.length, 1);
    });
  });

  describe('when the signed manifest lists a path with ".."', () => {
    it('fails closed as invalid-manifest, naming the line, and checks the other files', async () => {
      const secret = join(world.dir, 'modules', 'secret.txt');
      await writeFile(secret, 'outside');
      const dir = await module((d) =>
        signModule(d, world.developer, {
          editBody: (b) => b.replace('[hashes]\n', `[hashes]\n../secret.txt = ${sha256('outside')}\n`),
        }),
      );
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'invalid-manifest');
      const issue = m.manifest?.issues[0];
      assert.equal(issue?.code, 'MANIFEST_UNSAFE_PATH');
      assert.equal(issue?.path, '../secret.txt');
      assert.match(m.summary, new RegExp(`line ${issue?.line}`));
      assert.equal(m.files.matched, Object.keys(FILES).length);
    });
  });

  describe('when text was added outside the signed block', () => {
    it('ignores it, stays verified, and warns', async () => {
      const dir = await module(signedByDeveloper, (d) =>
        appendFile(join(d, 'module.sig'), `\n[hashes]\nshell.php = ${sha256('evil')}\n`),
      );
      await writeFile(join(dir, 'shell.php'), 'evil');
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'verified', m.summary);
      assert.equal(m.files.listed, Object.keys(FILES).length, 'shell.php must not be listed');
      assert.ok(m.warnings.some((w) => w.code === 'TEXT_OUTSIDE_SIGNATURE'));
    });
  });

  describe('when module.sig is not a clear-signed file', () => {
    it('is invalid-manifest', async () => {
      const dir = await module((d) => writeFile(join(d, 'module.sig'), 'not a signature\n'));
      const m = await verifyOne(dir);
      assert.equal(m.verdict, 'invalid-manifest');
      assert.match(m.summary, /clear-signed/);
    });
  });

  describe('when the signature block holds a signature packet of an unknown version', () => {
    it('is invalid-manifest, and the other modules are still verified', async () => {
      // A new-format signature packet (tag 2) whose version byte is 9: openpgp.js keeps it unparsed.
      const packet = Buffer.from([0xc2, 0x05, 0x09, 0x01, 0x02, 0x03, 0x04]);
      const armored = `-----BEGIN PGP SIGNATURE-----\n\n${packet.toString('base64')}\n-----END PGP SIGNATURE-----\n`;
      const garbled = await module((d) =>
        writeFile(join(d, 'module.sig'), `-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n[hashes]\n${armored}`),
      );
      const good = await module(signedByDeveloper);
      const report = await verifyModules({
        modules: [garbled, good],
        keys: [world.keys],
        anchors: [world.anchor.fingerprint],
      });
      assert.equal(report.modules[0]?.verdict, 'invalid-manifest', report.modules[0]?.summary);
      assert.match(report.modules[0]?.summary ?? '', /cannot be parsed/);
      assert.equal(report.modules[1]?.verdict, 'verified');
    });
  });

  describe('when verifying several modules at once', () => {
    it('reports each, in the order given, and verifies an identical module.sig once', async () => {
      const good = await module(signedByDeveloper);
      const bad = await module(signedByDeveloper, (d) => rm(join(d, 'module.xml')));
      const copy = join(world.dir, 'modules', 'copy-of-good');
      await mkdir(copy, { recursive: true });
      await writeFiles(copy, FILES);
      await writeFile(join(copy, 'module.sig'), await readFile(join(good, 'module.sig')));
      const seen: string[] = [];
      const report = await verifyModules({
        modules: [good, bad, copy],
        keys: [world.keys],
        anchors: [world.anchor.fingerprint],
        onModule: (m) => seen.push(m.name),
      });
      assert.deepEqual(
        report.modules.map((m) => m.verdict),
        ['verified', 'tampered', 'verified'],
      );
      // onModule reports in completion order; the report keeps the order given.
      assert.deepEqual([...seen].sort(), report.modules.map((m) => m.name).sort());
      assert.equal(report.summary.failed, 1);
      assert.equal(report.summary.verdicts.tampered, 1);
    });
  });

  describe('when given bad input', () => {
    it('rejects a missing module directory with INPUT_NOT_FOUND naming it', async () => {
      await assert.rejects(
        verifyModules({ modules: [join(world.dir, 'nope')] }),
        (e: unknown) => e instanceof Error && 'code' in e && e.code === 'INPUT_NOT_FOUND' && e.message.includes('nope'),
      );
    });

    it('rejects a key file that holds no key with KEY_UNREADABLE naming it', async () => {
      const junk = join(world.dir, 'junk.asc');
      await writeFile(junk, 'hello');
      await assert.rejects(
        verifyModules({ modules: [await module(signedByDeveloper)], keys: [junk] }),
        (e: unknown) =>
          e instanceof Error && 'code' in e && e.code === 'KEY_UNREADABLE' && e.message.includes('junk.asc'),
      );
    });

    it('rejects a malformed anchor with ANCHOR_INVALID', async () => {
      await assert.rejects(
        verifyModules({ modules: [world.dir], anchors: ['1234'] }),
        (e: unknown) => e instanceof Error && 'code' in e && e.code === 'ANCHOR_INVALID',
      );
    });
  });
});
