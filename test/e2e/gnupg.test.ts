// Cross-check with real GnuPG, run the way FreePBX runs it (BMO/GPG.class.php): `gpg --output -
// module.sig` with a status fd, the master key at ultimate ownertrust, and `--check-sigs` for master
// revocations. The status FreePBX would compute from GnuPG's lines must equal the status pbxsig
// reports, scenario by scenario; and gpg/gpgv must accept the signatures pbxsig's signer makes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFile, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyModules } from '../../src/index.js';
import { loadKeys } from '../../src/pgp/keyring.js';
import { certified, certifiedUntil, makeKey, refreshed, revoked, selfRevoked, subkeyRevoked } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, sha256, signModule, writeFiles, writeKeys } from '../helpers/modules.js';
import type { SignOptions } from '../helpers/modules.js';

const HAVE_GPG = spawnSync('gpg', ['--version']).status === 0;
const skip = HAVE_GPG ? false : 'gpg is not installed: skipped';

let root: string;
let gnupgHome: string;
let keysDir: string;
let anchor: TestKey;
let cleanup: () => Promise<void> = () => Promise.resolve();

function gpg(args: readonly string[], input?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('gpg', ['--homedir', gnupgHome, '--no-permission-warning', '--no-tty', '--batch', ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : {}),
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

// A port of FreePBX's checkSig()/checkStatus(): status bits from GnuPG's status lines, then the
// master-revocation check when the signer is not trusted.
function freepbxBitsFromGnupg(sigFile: string, master: TestKey): number {
  const run = gpg(['--status-fd', '2', '--output', '-', sigFile]);
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('[GNUPG:] '));
  if (lines.some((l) => l.includes('NO_PUBKEY'))) return 4;
  let bits = 0;
  let trusted = false;
  let signedBy = '';
  for (const l of lines) {
    if (l.startsWith('[GNUPG:] VALIDSIG')) {
      bits |= 1;
      signedBy = l.split(' ')[2] ?? '';
    }
    if (l.startsWith('[GNUPG:] BADSIG')) bits |= 2;
    if (l.startsWith('[GNUPG:] TRUST_UNDEFINED')) bits |= 2 | 4;
    if (l.startsWith('[GNUPG:] ERRSIG')) bits |= 4;
    if (l.startsWith('[GNUPG:] EXPKEYSIG')) bits |= 32;
    if (l.startsWith('[GNUPG:] TRUST_ULTIMATE') || l.startsWith('[GNUPG:] TRUST_FULLY')) {
      trusted = true;
      bits |= 128;
    }
  }
  if (!trusted) {
    const sigs = gpg(['--keyid-format', 'long', '--with-colons', '--check-sigs', ...(signedBy ? [signedBy] : [])]);
    if (new RegExp(`^rev:!::1:${master.keyId}`, 'm').test(sigs.stdout)) return 64;
    return bits;
  }
  return 129; // trusted, files intact in every scenario below
}

const FILES = { 'module.xml': '<module/>\n', 'Thing.class.php': '<?php\n' };

before(async () => {
  if (!HAVE_GPG) return;
  const temp = await makeTempDir();
  cleanup = temp.remove;
  root = temp.path;
  gnupgHome = join(root, 'gnupg');
  await mkdir(gnupgHome);
  await chmod(gnupgHome, 0o700);
  keysDir = join(root, 'keys');
  anchor = await makeKey('GnuPG Test Master', { rsa: true });
});

after(async () => cleanup());

describe('agreement with GnuPG', { skip }, () => {
  const scenarios: Array<{
    name: string;
    verdict: string;
    /** A warning code the module's report must carry. */
    warning?: string;
    /** How module.sig is signed (default: now, with pbxsig's signer). */
    sign?: SignOptions;
    make: () => Promise<{
      signer: TestKey;
      known: boolean;
      published?: TestKey;
      /** The master key of this scenario's host (default: the one every other scenario shares). */
      master?: TestKey;
      edit?: (dir: string) => Promise<void>;
    }>;
  }> = [
    {
      name: 'a certified developer',
      verdict: 'verified',
      make: async () => ({ signer: await certified(anchor, await makeKey('Dev Good')), known: true }),
    },
    ...(
      [
        [
          'an armor checksum that does not match the signature',
          'invalid-manifest',
          (c: string) => `=${c === 'AAAA' ? 'AAAB' : 'AAAA'}`,
        ],
        ['an armor checksum line shorter than four characters', 'invalid-manifest', (c: string) => `=${c.slice(0, 3)}`],
        ['no armor checksum line', 'verified', () => null],
      ] as const
    ).map(([name, verdict, checksum]) => ({
      name,
      verdict,
      make: async () => ({
        signer: await certified(anchor, await makeKey(`Dev ${name}`)),
        known: true,
        edit: async (dir: string) => {
          const sig = join(dir, 'module.sig');
          const lines = (await readFile(sig, 'utf8')).split('\n');
          const at = lines.findIndex((l) => /^=[A-Za-z0-9+/]{4}$/.test(l));
          assert.ok(at > 0, 'the signer writes an armor checksum');
          const replaced = checksum((lines[at] as string).slice(1));
          if (replaced === null) lines.splice(at, 1);
          else lines[at] = replaced;
          await writeFile(sig, lines.join('\n'));
        },
      }),
    })),
    {
      name: 'an uncertified key',
      verdict: 'untrusted-signer',
      make: async () => ({ signer: await makeKey('Dev Unknown To Master'), known: true }),
    },
    {
      name: 'a key nobody has',
      verdict: 'unknown-signer',
      make: async () => ({ signer: await makeKey('Dev Absent'), known: false }),
    },
    {
      name: 'an edited module.sig',
      verdict: 'bad-signature',
      make: async () => ({
        signer: await certified(anchor, await makeKey('Dev Edited')),
        known: true,
        edit: async (dir) => {
          const sig = join(dir, 'module.sig');
          const digest = sha256(FILES['module.xml']);
          await writeFile(
            sig,
            (await readFile(sig, 'utf8')).replace(
              digest,
              digest.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
            ),
          );
        },
      }),
    },
    {
      name: 'a revoked certification',
      verdict: 'revoked',
      make: async () => ({
        signer: await revoked(
          anchor,
          await certified(anchor, await makeKey('Dev Revoked'), new Date(Date.now() - 86_400_000)),
        ),
        known: true,
      }),
    },
    {
      name: 'an expired key',
      verdict: 'expired',
      make: async () => {
        const created = new Date(Date.now() - 2 * 86_400_000);
        return {
          signer: await certified(anchor, await makeKey('Dev Expired', { date: created, expiresIn: 3600 }), created),
          known: true,
        };
      },
    },
    {
      // GnuPG counts a certification made after its clock (a signer's clock ahead, a PBX before its
      // clock is set), and so does pbxsig, with a warning; a revocation so dated revokes.
      name: 'a certification dated an hour after this host clock',
      verdict: 'verified',
      warning: 'CERTIFICATION_IN_FUTURE',
      make: async () => ({
        signer: await certified(anchor, await makeKey('Dev Future Cert'), new Date(Date.now() + 3_600_000)),
        known: true,
      }),
    },
    {
      name: 'a certification revoked with a revocation dated an hour after this host clock',
      verdict: 'revoked',
      make: async () => ({
        signer: await revoked(
          anchor,
          await certified(anchor, await makeKey('Dev Future Revocation'), new Date(Date.now() - 86_400_000)),
          'key compromised',
          new Date(Date.now() + 3_600_000),
        ),
        known: true,
      }),
    },
    {
      name: 'a key retired by its owner with a revocation dated an hour after this host clock',
      verdict: 'revoked',
      make: async () => {
        const signer = await certified(anchor, await makeKey('Dev Retired Ahead'));
        const published = await selfRevoked(signer, { retired: true, date: new Date(Date.now() + 3_600_000) });
        return { signer, known: true, published };
      },
    },
    {
      name: 'a signature dated before its key was made',
      verdict: 'bad-signature',
      sign: { date: new Date(Date.now() - 5 * 86_400_000), beforeKey: true },
      make: async () => ({ signer: await certified(anchor, await makeKey('Dev Older Signature')), known: true }),
    },
    {
      name: 'the master key itself',
      verdict: 'verified',
      make: () => Promise.resolve({ signer: anchor, known: true }),
    },
    {
      name: 'a key whose expiry its owner lifted after it had passed',
      verdict: 'verified',
      make: async () => {
        const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
        const stale = await certified(
          anchor,
          await makeKey('Dev Extended', { date: tenDaysAgo, expiresIn: 2 * 86_400 }),
        );
        const fresh = await refreshed(stale, new Date(Date.now() - 5 * 86_400_000));
        // Published with the certification and both self-signatures, as a keyserver merges them.
        const published = { ...fresh, publicKey: await stale.publicKey.update(fresh.publicKey) };
        return { signer: fresh, known: true, published };
      },
    },
    {
      // A signer's clock ahead of the host's when the key was refreshed (as `gpg --quick-set-expire`).
      name: "a key whose newest self-signature is dated an hour after this host's clock",
      verdict: 'verified',
      make: async () => {
        const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
        const signer = await certified(anchor, await makeKey('Dev Future Self', { date: twoDaysAgo }), twoDaysAgo);
        const ahead = await refreshed(signer, new Date(Date.now() + 3_600_000));
        return {
          signer,
          known: true,
          published: { ...signer, publicKey: await signer.publicKey.update(ahead.publicKey) },
        };
      },
    },
    {
      name: "a master key whose newest self-signature is dated an hour after this host's clock",
      verdict: 'verified',
      make: async () => {
        const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
        const original = await makeKey('GnuPG Test Master Ahead', { rsa: true, date: twoDaysAgo });
        const ahead = await refreshed(original, new Date(Date.now() + 3_600_000));
        const master = { ...original, publicKey: await original.publicKey.update(ahead.publicKey) };
        const signer = await certified(master, await makeKey('Dev Of Master Ahead', { date: twoDaysAgo }), twoDaysAgo);
        return { signer, known: true, master };
      },
    },
    {
      name: 'a certification that expired before the module was checked',
      verdict: 'untrusted-signer',
      make: async () => ({
        signer: await certifiedUntil(
          anchor,
          await makeKey('Dev Certification Expired'),
          new Date(Date.now() - 2 * 86_400_000),
          3600,
        ),
        known: true,
      }),
    },
    {
      name: 'a certification revoked, then made again',
      verdict: 'verified',
      make: async () => {
        const first = await certified(anchor, await makeKey('Dev Reinstated'), new Date(Date.now() - 2 * 86_400_000));
        const withdrawn = await revoked(anchor, first, 'under review', new Date(Date.now() - 86_400_000));
        return { signer: await certified(anchor, withdrawn), known: true };
      },
    },
    {
      name: 'a certified developer signing with a subkey',
      verdict: 'verified',
      make: async () => ({
        signer: await certified(anchor, await makeKey('Dev Subkey', { signingSubkey: {} })),
        known: true,
      }),
    },
    {
      name: 'a signing subkey that expired after it signed',
      verdict: 'expired',
      make: async () => {
        const created = new Date(Date.now() - 2 * 86_400_000);
        const key = await makeKey('Dev Subkey Expired', { date: created, signingSubkey: { expiresIn: 3600 } });
        return { signer: await certified(anchor, key, created), known: true };
      },
    },
    {
      name: 'a signing subkey revoked by its owner after it signed',
      verdict: 'revoked',
      make: async () => {
        const signer = await certified(anchor, await makeKey('Dev Subkey Revoked', { signingSubkey: {} }));
        return { signer, known: true, published: await subkeyRevoked(signer) };
      },
    },
    {
      name: 'a key revoked by its owner after signing',
      verdict: 'revoked',
      make: async () => {
        const signer = await certified(anchor, await makeKey('Dev Self Revoked'));
        return { signer, known: true, published: await selfRevoked(signer) };
      },
    },
  ];

  for (const scenario of scenarios) {
    it(`gives FreePBX's status for ${scenario.name}, as GnuPG leads FreePBX to`, async () => {
      const { signer, known, edit, published = signer, master = anchor } = await scenario.make();
      const dir = join(root, 'modules', scenario.name.replace(/\W+/g, '-'));
      // A keyring of its own, as on a host that holds only the master and the signer: FreePBX's
      // `--check-sigs` looks at every key when GnuPG names no signer (ERRSIG).
      gnupgHome = join(root, 'gnupg', scenario.name.replace(/\W+/g, '-'));
      await mkdir(gnupgHome, { recursive: true, mode: 0o700 });
      await writeFiles(dir, FILES);
      const expired = scenario.verdict === 'expired';
      await signModule(
        dir,
        signer,
        scenario.sign ?? (expired ? { date: new Date(Date.now() - 2 * 86_400_000 + 60_000) } : {}),
      );
      if (edit) await edit(dir);

      const keys = join(keysDir, scenario.name.replace(/\W+/g, '-'));
      await writeKeys(
        keys,
        known ? { anchor: master.publicKey, signer: published.publicKey } : { anchor: master.publicKey },
      );
      gpg(['--import'], master.publicKey.armor());
      if (known) gpg(['--import'], published.publicKey.armor());
      gpg(['--import-ownertrust'], `${master.fingerprint}:6:\n`);

      const report = await verifyModules({ modules: [dir], keys: [keys], anchors: [master.fingerprint] });
      const m = report.modules[0];
      assert.equal(m?.verdict, scenario.verdict, m?.summary);
      if (scenario.warning)
        assert.ok(
          m?.warnings.some((w) => w.code === scenario.warning),
          JSON.stringify(m?.warnings),
        );
      assert.equal(m?.freepbx.status, freepbxBitsFromGnupg(join(dir, 'module.sig'), master));
    });
  }

  it("reads every key from GnuPG's own legacy keyring file (pubring.gpg, with trust packets)", async () => {
    const home = join(root, 'legacy-home');
    await mkdir(home, { mode: 0o700 });
    await writeFile(join(home, 'pubring.gpg'), ''); // its presence makes gpg keep this format
    const keys = [anchor, await makeKey('Legacy One'), await makeKey('Legacy Two')];
    for (const key of keys)
      spawnSync('gpg', ['--homedir', home, '--batch', '--import'], { input: key.publicKey.armor() });
    spawnSync('gpg', ['--homedir', home, '--batch', '--import-ownertrust'], { input: `${anchor.fingerprint}:6:\n` });
    const { keyring, warnings } = await loadKeys([join(home, 'pubring.gpg')]);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      [...keyring.keys()].map((k) => k.getFingerprint().toUpperCase()).sort(),
      keys.map((k) => k.fingerprint).sort(),
    );
  });

  it('accepts with gpg --verify and gpgv a module.sig that pbxsig signed, and rejects it once edited', async () => {
    const developer = await certified(anchor, await makeKey('Dev For gpgv'));
    const dir = join(root, 'modules', 'gpgv');
    await writeFiles(dir, FILES);
    await signModule(dir, developer);
    gpg(['--import'], developer.publicKey.armor());
    const keyring = join(root, 'gpgv-keyring.gpg');
    const exported = spawnSync('gpg', ['--homedir', gnupgHome, '--batch', '--export', developer.fingerprint]);
    await writeFile(keyring, exported.stdout);
    const sig = join(dir, 'module.sig');

    assert.equal(gpg(['--verify', sig]).status, 0);
    assert.equal(spawnSync('gpgv', ['--keyring', keyring, sig]).status, 0);
    const ours = await verifyModules({ modules: [dir], keys: [keyring], anchors: [developer.fingerprint] });
    assert.equal(ours.modules[0]?.signer?.check, 'good');

    await appendFile(sig, ''); // untouched so far; now edit one signed line
    await writeFile(sig, (await readFile(sig, 'utf8')).replace('repo=manual', 'repo=manuaI'));
    assert.equal(gpg(['--verify', sig]).status, 1);
    assert.equal(spawnSync('gpgv', ['--keyring', keyring, sig]).status, 1);
    const edited = await verifyModules({ modules: [dir], keys: [keyring], anchors: [developer.fingerprint] });
    assert.equal(edited.modules[0]?.signer?.check, 'bad');
  });
});
