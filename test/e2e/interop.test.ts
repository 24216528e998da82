// pbxsig's signing half against real GnuPG, in a throwaway GNUPGHOME: what `pbxsig sign` writes gpg
// and gpgv accept; what `gpg --clearsign` writes over a FreePBX body pbxsig accepts; certifications
// and certification revocations made by either are understood by the other.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyReport } from '../../src/index.js';
import type { KeyDescription } from '../../src/keys/describe.js';
import { formatBody } from '../../src/sign/body.js';
import { makeTempDir, sha256, writeFiles } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

const HAVE_GPG = spawnSync('gpg', ['--version']).status === 0;
const HAVE_GPGV = spawnSync('gpgv', ['--version']).status === 0;
const skip = HAVE_GPG ? false : 'gpg is not installed: skipped';

const DAY = 86_400;

let root: string;
let gnupgHome: string;
let cleanup: () => Promise<void> = () => Promise.resolve();
let passFile: string;

function pbxsig(...args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '' };
  delete env['PBXSIG_DEBUG'];
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, input: '' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** gpg with the test's home, as FreePBX runs it: no tty, batch, no permission warning. */
function gpg(args: readonly string[], input?: string): Run {
  const r = spawnSync('gpg', ['--homedir', gnupgHome, '--no-permission-warning', '--no-tty', '--batch', ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: Run, what = ''): Run {
  assert.equal(r.status, 0, `${what}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Binary output of gpg (an export for gpgv). */
function gpgBinary(args: readonly string[]): Buffer {
  const r = spawnSync('gpg', ['--homedir', gnupgHome, '--no-permission-warning', '--no-tty', '--batch', ...args]);
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}

/** A key made by gpg itself, without a passphrase, optionally dated back with --faked-system-time. */
function gpgKey(
  userId: string,
  algo: string,
  usage: string,
  createdAt?: number,
): { fingerprint: string; keyId: string } {
  ok(
    gpg([
      '--passphrase',
      '',
      ...(createdAt !== undefined ? ['--faked-system-time', String(createdAt)] : []),
      '--quick-gen-key',
      userId,
      algo,
      usage,
      'never',
    ]),
    `gpg --quick-gen-key ${userId}`,
  );
  const email = /<([^>]+)>/.exec(userId)?.[1] ?? userId;
  const fingerprint = /^fpr:(?:[^:]*:){8}([0-9A-F]{40}):/m.exec(
    ok(gpg(['--with-colons', '--list-keys', `<${email}>`])).stdout,
  )?.[1];
  assert.ok(fingerprint, `no fingerprint for ${userId}`);
  return { fingerprint, keyId: fingerprint.slice(-16) };
}

/** gpg's view of a key's signatures (--check-sigs --with-colons): one line per sig or rev packet. */
function checkSigs(fingerprint: string): string[] {
  return ok(gpg(['--with-colons', '--check-sigs', fingerprint]))
    .stdout.split('\n')
    .filter((l) => /^(sig|rev):/.test(l));
}

function pbxsigKey(
  name: string,
  out: string,
  ...extra: string[]
): { fingerprint: string; keyId: string; pub: string; secret: string } {
  const prefix = join(root, out);
  const r = ok(pbxsig('keys', 'generate', '--name', name, '--email', `${out}@example.test`, '--out', prefix, ...extra));
  const fingerprint = /^([0-9A-F]{40}) /.exec(r.stdout)?.[1];
  assert.ok(fingerprint, r.stdout);
  return { fingerprint, keyId: fingerprint.slice(-16), pub: `${prefix}.pub.asc`, secret: `${prefix}.secret.asc` };
}

const FILES: Readonly<Record<string, string>> = {
  'module.xml': '<module><rawname>interop</rawname></module>\n',
  'Interop.class.php': '<?php\nclass Interop {}\n',
  'assets/js/interop.js': 'console.log("interop");\n',
  'i18n/read me.txt': 'spaces\n',
  // A [hashes] line starting with "-" is dash-escaped in the clear-signed text.
  '-dash.php': '<?php // dash-escaped line\n',
};

async function makeModule(name: string): Promise<string> {
  const dir = join(root, 'modules', name);
  await writeFiles(dir, FILES);
  return dir;
}

/** FreePBX's body over the module's real files, clear-signed by gpg with the given key. */
async function gpgSignModule(
  dir: string,
  key: { fingerprint: string; keyId: string },
  ...extra: string[]
): Promise<void> {
  const entries = Object.entries(FILES).map(([path, content]) => ({ path, digest: sha256(content) }));
  const body = join(root, `${key.keyId}-${Date.now()}.body`);
  await writeFile(body, formatBody({ signedWith: key.keyId, signedBy: 'sign.php' }, entries));
  ok(
    gpg(['--yes', '--local-user', key.fingerprint, ...extra, '--clearsign', '--output', join(dir, 'module.sig'), body]),
    'gpg --clearsign',
  );
}

/** The armored public key as gpg exports it, written to a file for --keys. */
async function gpgExport(fingerprint: string, file: string): Promise<string> {
  const path = join(root, file);
  const armored = ok(gpg(['--export', '--armor', fingerprint])).stdout;
  assert.match(armored, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
  await writeFile(path, armored);
  return path;
}

function verifyJson(dir: string, ...args: string[]): { status: number; report: VerifyReport } {
  const r = pbxsig('verify', dir, '--json', ...args);
  return { status: r.status, report: JSON.parse(r.stdout) as VerifyReport };
}

before(async () => {
  if (!HAVE_GPG) return;
  const temp = await makeTempDir('pbxsig-interop-');
  root = temp.path;
  cleanup = temp.remove;
  gnupgHome = join(root, 'gnupg');
  await mkdir(gnupgHome);
  await chmod(gnupgHome, 0o700);
  passFile = join(root, 'passphrase.txt');
  await writeFile(passFile, 'interop master passphrase\n', { mode: 0o600 });
});

after(async () => {
  // Stop the gpg-agent this home started, then remove everything.
  if (HAVE_GPG && gnupgHome) spawnSync('gpgconf', ['--homedir', gnupgHome, '--kill', 'all']);
  await cleanup();
});

describe('pbxsig and GnuPG', { skip }, () => {
  describe('a module signed by pbxsig sign', () => {
    let dev: ReturnType<typeof pbxsigKey>;
    let sig: string;

    before(async () => {
      dev = pbxsigKey('Interop Signer', 'signer');
      const dir = await makeModule('pbxsig-signed');
      ok(pbxsig('sign', dir, '--key', dev.secret));
      sig = join(dir, 'module.sig');
      ok(gpg(['--import', dev.pub]));
    });

    it('verifies with gpg --verify', () => {
      const r = ok(gpg(['--status-fd', '1', '--verify', sig]), 'gpg --verify');
      assert.match(r.stdout, new RegExp(`^\\[GNUPG:\\] GOODSIG ${dev.keyId} `, 'm'));
      assert.match(r.stdout, new RegExp(`^\\[GNUPG:\\] VALIDSIG ${dev.fingerprint} `, 'm'));
      // The text gpg hands FreePBX is the body pbxsig wrote, dash-escaping undone.
      const text = ok(gpg(['--output', '-', sig])).stdout;
      assert.match(text, new RegExp(`^-dash\\.php = ${sha256(FILES['-dash.php'] ?? '')}\\r?$`, 'm'));
      assert.match(text, /^;# End\r?$/m);
    });

    it(
      'verifies with gpgv and a keyring exported by gpg, and gpgv notices an edit',
      { skip: HAVE_GPGV ? false : 'gpgv is not installed' },
      async () => {
        // gpgv looks a keyring name without a slash up in its home: give a path.
        const keyring = join(root, 'exported.gpg');
        await writeFile(keyring, gpgBinary(['--export', dev.fingerprint]));
        const r = spawnSync('gpgv', ['--keyring', keyring, sig], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /Good signature/);

        const edited = join(root, 'edited.sig');
        await writeFile(edited, (await readFile(sig, 'utf8')).replace('repo=manual', 'repo=manuaI'));
        assert.equal(spawnSync('gpgv', ['--keyring', keyring, edited]).status, 1);
      },
    );
  });

  describe('a FreePBX body clear-signed by gpg --clearsign', () => {
    it('verifies with pbxsig (Ed25519 key made by gpg, its default digest)', async () => {
      const key = gpgKey('GPG Dev <gpgdev@example.test>', 'ed25519', 'sign');
      const dir = await makeModule('gpg-ed25519');
      await gpgSignModule(dir, key);
      const keys = await gpgExport(key.fingerprint, 'gpgdev.asc');

      const human = pbxsig('verify', dir, '--keys', keys, '--anchor', key.fingerprint);
      assert.equal(human.status, 0, human.stdout + human.stderr);
      assert.match(
        human.stdout,
        /^ok +gpg-ed25519 +verified +FreePBX 129 +5 files match; its signed module\.xml names it "interop"; GPG Dev <gpgdev@example\.test>/m,
      );
      const { report } = verifyJson(dir, '--keys', keys, '--anchor', key.fingerprint);
      const m = report.modules[0];
      assert.equal(m?.signer?.fingerprint, key.fingerprint);
      assert.equal(m?.signer?.check, 'good');
      assert.equal(m?.manifest?.signedBy, 'sign.php');
      assert.equal(m?.files.matched, Object.keys(FILES).length);
    });

    it("verifies with pbxsig when signed with SHA-1, as FreePBX's mirror signs (RSA key made by gpg)", async () => {
      const key = gpgKey('GPG Mirror <gpgmirror@example.test>', 'rsa2048', 'sign');
      const dir = await makeModule('gpg-rsa-sha1');
      await gpgSignModule(dir, key, '--digest-algo', 'SHA1');
      assert.match(await readFile(join(dir, 'module.sig'), 'utf8'), /^Hash: SHA1$/m);
      const keys = await gpgExport(key.fingerprint, 'gpgmirror.asc');

      const { status, report } = verifyJson(dir, '--keys', keys, '--anchor', key.fingerprint);
      assert.equal(status, 0);
      const m = report.modules[0];
      assert.equal(m?.verdict, 'verified');
      assert.equal(m?.signer?.digest, 'SHA1');
      assert.ok(
        m?.warnings.some((w) => w.code === 'SIGNATURE_SHA1'),
        JSON.stringify(m?.warnings),
      );
    });
  });

  describe('a certification and its revocation made by gpg', () => {
    it('are understood by pbxsig: untrusted, then trusted, then revoked', async () => {
      // Keys two days old, the certification one day old, the revocation now: each a distinct time.
      const now = Math.floor(Date.now() / 1000);
      // RSA, as FreePBX's masters are: FreePBX notices a master's revocation only from an RSA key.
      const masterKey = gpgKey('GPG Master <gpgmaster@example.test>', 'rsa2048', 'cert', now - 2 * DAY);
      const devKey = gpgKey('GPG Certified Dev <gpgcertdev@example.test>', 'ed25519', 'sign', now - 2 * DAY);
      const dir = await makeModule('gpg-certified');
      await gpgSignModule(dir, devKey);
      const masterFile = await gpgExport(masterKey.fingerprint, 'gpgmaster.asc');
      const anchorArgs = ['--keys', masterFile, '--anchor', masterKey.fingerprint];

      const plain = await gpgExport(devKey.fingerprint, 'gpgcertdev.plain.asc');
      const uncertified = verifyJson(dir, '--keys', plain, ...anchorArgs);
      assert.equal(uncertified.status, 1);
      assert.equal(uncertified.report.modules[0]?.verdict, 'untrusted-signer');

      ok(
        gpg([
          '--yes',
          '--faked-system-time',
          String(now - DAY),
          '--default-key',
          masterKey.fingerprint,
          '--quick-sign-key',
          devKey.fingerprint,
        ]),
        'gpg --quick-sign-key',
      );
      const certified = await gpgExport(devKey.fingerprint, 'gpgcertdev.certified.asc');
      const trusted = verifyJson(dir, '--keys', certified, ...anchorArgs);
      assert.equal(trusted.status, 0, trusted.report.modules[0]?.summary);
      assert.equal(trusted.report.modules[0]?.verdict, 'verified');
      assert.equal(trusted.report.modules[0]?.signer?.trust?.reason, `certified by anchor ${masterKey.keyId}`);
      const listed = JSON.parse(ok(pbxsig('keys', 'list', '--json', '--keys', certified, ...anchorArgs)).stdout) as {
        keys: KeyDescription[];
      };
      const described = listed.keys.find((k) => k.fingerprint === devKey.fingerprint);
      assert.deepEqual(
        described?.certifiedBy.map((c) => [c.keyId, c.anchor, c.state]),
        [[masterKey.keyId, true, 'valid']],
      );

      ok(
        gpg([
          '--yes',
          '--default-key',
          masterKey.fingerprint,
          '--quick-revoke-sig',
          devKey.fingerprint,
          masterKey.fingerprint,
        ]),
        'gpg --quick-revoke-sig',
      );
      const revokedFile = await gpgExport(devKey.fingerprint, 'gpgcertdev.revoked.asc');
      const revoked = verifyJson(dir, '--keys', revokedFile, ...anchorArgs);
      assert.equal(revoked.status, 1);
      assert.equal(revoked.report.modules[0]?.verdict, 'revoked');
      assert.equal(revoked.report.modules[0]?.freepbx.status, 64);
      assert.match(
        revoked.report.modules[0]?.summary ?? '',
        new RegExp(`certification by anchor ${masterKey.keyId} is revoked`),
      );
    });
  });

  describe('a certification and its revocation made by pbxsig', () => {
    it('are understood by gpg: --check-sigs shows a good sig, then a good rev, by the master', async () => {
      const now = Math.floor(Date.now() / 1000);
      const master = pbxsigKey(
        'Interop Master',
        'pmaster',
        '--created',
        String(now - 2 * DAY),
        '--passphrase-file',
        passFile,
      );
      const dev = pbxsigKey('Interop Developer', 'pdev', '--created', String(now - 2 * DAY));
      const withMaster = ['--master', master.secret, '--passphrase-file', passFile];
      const certifiedFile = join(root, 'pdev.certified.asc');
      ok(
        pbxsig('keys', 'certify', ...withMaster, '--key', dev.pub, '--out', certifiedFile, '--date', String(now - DAY)),
      );
      const dir = await makeModule('pbxsig-certified');
      ok(pbxsig('sign', dir, '--key', dev.secret));

      ok(gpg(['--import', master.pub]));
      ok(gpg(['--import', certifiedFile]));
      // Human --check-sigs: "sig!" is a signature gpg checked and found good.
      const human = ok(gpg(['--check-sigs', dev.fingerprint])).stdout;
      assert.match(
        human,
        new RegExp(`^sig!.* ${master.keyId} \\d{4}-\\d\\d-\\d\\d +Interop Master <pmaster@example\\.test>$`, 'm'),
        human,
      );
      const certifiedSigs = checkSigs(dev.fingerprint);
      assert.ok(
        certifiedSigs.some((l) => l.startsWith('sig:!:') && l.split(':')[4] === master.keyId),
        certifiedSigs.join('\n'),
      );
      assert.ok(!certifiedSigs.some((l) => l.startsWith('rev:')));

      // As FreePBX runs it: the master at ultimate ownertrust makes the pbxsig-signed module trusted.
      ok(gpg(['--import-ownertrust'], `${master.fingerprint}:6:\n`));
      const trusted = gpg(['--status-fd', '1', '--verify', join(dir, 'module.sig')]);
      assert.equal(trusted.status, 0, trusted.stderr);
      assert.match(trusted.stdout, /^\[GNUPG:\] TRUST_FULLY/m);

      const revokedFile = join(root, 'pdev.revoked.asc');
      ok(pbxsig('keys', 'revoke', ...withMaster, '--key', certifiedFile, '--out', revokedFile, '--reason', 'retired'));
      ok(gpg(['--import', revokedFile]));
      const revokedSigs = checkSigs(dev.fingerprint);
      const rev = revokedSigs.find((l) => l.startsWith('rev:!:') && l.split(':')[4] === master.keyId);
      assert.ok(rev, revokedSigs.join('\n'));
      assert.match(rev, /:30x,/, 'a certification revocation (class 0x30)');
      assert.ok(
        revokedSigs.some((l) => l.startsWith('sig:!:') && l.split(':')[4] === master.keyId),
        'the certification is still listed, and good',
      );
      assert.match(
        ok(gpg(['--check-sigs', dev.fingerprint])).stdout,
        new RegExp(`^rev!.* ${master.keyId} \\d{4}-\\d\\d-\\d\\d +Interop Master`, 'm'),
      );

      // GnuPG no longer trusts the signer: FreePBX would not give the module 129 any more.
      ok(gpg(['--check-trustdb']));
      const withdrawn = gpg(['--status-fd', '1', '--verify', join(dir, 'module.sig')]);
      assert.doesNotMatch(withdrawn.stdout, /^\[GNUPG:\] TRUST_(FULLY|ULTIMATE)/m);
    });
  });
});
