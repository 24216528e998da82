// `pbxsig keys generate|certify|revoke|list|export` as a user meets them: spawned, their files and
// output checked, and what they make used at once by `pbxsig sign` and `pbxsig verify`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyReport } from '../../src/index.js';
import type { KeyDescription } from '../../src/keys/describe.js';
import { makeTempDir, writeFiles } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], cwd?: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '' };
  delete env['PBXSIG_DEBUG'];
  // stdin is a pipe, never a terminal: no passphrase prompt.
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env,
    input: '',
    ...(cwd !== undefined ? { cwd } : {}),
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function pbxsig(...args: string[]): Run {
  return run(args);
}

function ok(r: Run): Run {
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** An error exit: code 2, one `pbxsig: ` line (plus the usage hint for usage errors), no stack. */
function refused(r: Run, message: RegExp): void {
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /^pbxsig: /);
  assert.match(r.stderr.split('\n')[0] ?? '', message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

const HAVE_GPG = spawnSync('gpg', ['--version']).status === 0;
const HAVE_GPG_SKIP = HAVE_GPG ? false : 'gpg is not installed: skipped';

let root: string;
let cleanup: () => Promise<void> = () => Promise.resolve();
let passFile: string;
let wrongPassFile: string;

interface Generated {
  readonly fingerprint: string;
  readonly keyId: string;
  readonly pub: string;
  readonly secret: string;
}

function generate(name: string, out: string, ...extra: string[]): Generated {
  const prefix = join(root, out);
  const r = ok(pbxsig('keys', 'generate', '--name', name, '--email', `${out}@example.test`, '--out', prefix, ...extra));
  const fingerprint = /^([0-9A-F]{40}) /.exec(r.stdout)?.[1];
  assert.ok(fingerprint, r.stdout);
  return { fingerprint, keyId: fingerprint.slice(-16), pub: `${prefix}.pub.asc`, secret: `${prefix}.secret.asc` };
}

interface KeyList {
  readonly anchors: string[];
  readonly keys: KeyDescription[];
  readonly warnings: string[];
}

function listJson(...args: string[]): KeyList {
  return JSON.parse(ok(pbxsig('keys', 'list', '--json', ...args)).stdout) as KeyList;
}

function describedKey(list: KeyList, fingerprint: string): KeyDescription {
  const key = list.keys.find((k) => k.fingerprint === fingerprint);
  assert.ok(key, `${fingerprint} not listed`);
  return key;
}

function modeOf(path: string): Promise<number> {
  return stat(path).then((s) => s.mode & 0o777);
}

async function makeModule(name: string): Promise<string> {
  const dir = join(root, 'modules', name);
  await writeFiles(dir, {
    'module.xml': `<module><rawname>${name}</rawname></module>\n`,
    [`${name}.class.php`]: '<?php\n',
  });
  return dir;
}

function verifyJson(dir: string, ...args: string[]): { status: number; report: VerifyReport } {
  const r = pbxsig('verify', dir, '--json', ...args);
  return { status: r.status, report: JSON.parse(r.stdout) as VerifyReport };
}

// The master: an anchor whose secret key is protected by a passphrase, as a master key should be.
let master: Generated;

before(async () => {
  const temp = await makeTempDir('pbxsig-keys-');
  root = temp.path;
  cleanup = temp.remove;
  passFile = join(root, 'passphrase.txt');
  wrongPassFile = join(root, 'wrong-passphrase.txt');
  await writeFile(passFile, 'master passphrase\n', { mode: 0o600 });
  await writeFile(wrongPassFile, 'not the master passphrase\n', { mode: 0o600 });
  // RSA, as FreePBX's masters are: FreePBX reports a master's revocation (64) only from an RSA key.
  master = generate('Keys Test Master', 'master', '--passphrase-file', passFile, '--type', 'rsa');
});

after(async () => cleanup());

describe('pbxsig keys generate', () => {
  it('writes NAME.pub.asc (mode 0644) and NAME.secret.asc (mode 0600), named after --name by default', async () => {
    const dir = join(root, 'generate-default');
    await mkdir(dir);
    const r = ok(
      run(
        [
          'keys',
          'generate',
          '--name',
          'Jane Q. Developer',
          '--email',
          'jane@example.test',
          '--passphrase-file',
          passFile,
        ],
        dir,
      ),
    );
    const fingerprint = /^([0-9A-F]{40}) {2}Jane Q\. Developer <jane@example\.test>\n/.exec(r.stdout)?.[1];
    assert.ok(fingerprint, r.stdout);
    assert.match(r.stdout, /^ {2}public: jane-q-developer\.pub\.asc$/m);
    assert.match(r.stdout, /^ {2}secret: jane-q-developer\.secret\.asc \(mode 0600, passphrase-protected\)$/m);
    assert.equal(r.stderr, '');

    const pub = join(dir, 'jane-q-developer.pub.asc');
    const secret = join(dir, 'jane-q-developer.secret.asc');
    assert.equal(await modeOf(pub), 0o644);
    assert.equal(await modeOf(secret), 0o600);
    const pubText = await readFile(pub, 'utf8');
    assert.match(pubText, /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    assert.doesNotMatch(pubText, /PRIVATE KEY/);
    assert.match(await readFile(secret, 'utf8'), /^-----BEGIN PGP PRIVATE KEY BLOCK-----/);

    const key = describedKey(listJson('--keys', pub), fingerprint);
    assert.deepEqual(key.userIds, ['Jane Q. Developer <jane@example.test>']);
    assert.equal(key.algorithm, 'Ed25519');
    assert.equal(key.expires, null);
    assert.equal(key.keyId, fingerprint.slice(-16));

    // The passphrase protects it: signing needs it.
    const module = await makeModule('jane');
    refused(pbxsig('sign', module, '--key', secret), /is protected by a passphrase/);
    ok(pbxsig('sign', module, '--key', secret, '--passphrase-file', passFile));
    ok(pbxsig('verify', module, '--keys', pub, '--anchor', fingerprint));
  });

  it('leaves the secret key unprotected when no passphrase can be had (no file, no terminal), and says so', async () => {
    const key = generate('Open Developer', 'open');
    const r = ok(
      pbxsig(
        'keys',
        'generate',
        '--name',
        'Open Developer',
        '--email',
        'open@example.test',
        '--out',
        join(root, 'open2'),
      ),
    );
    assert.match(r.stdout, /secret: .*open2\.secret\.asc \(mode 0600, NOT protected by a passphrase\)/);
    assert.equal(
      r.stderr,
      `warning: ${join(root, 'open2')}.secret.asc is not protected by a passphrase; give --passphrase-file (or run on a terminal) to protect it\n`,
    );
    const module = await makeModule('open');
    ok(pbxsig('sign', module, '--key', key.secret));
    ok(pbxsig('verify', module, '--keys', key.pub, '--anchor', key.fingerprint));
  });

  it('makes an RSA 4096 key with --type rsa, which signs modules', async () => {
    const key = generate('RSA Developer', 'rsa', '--type', 'rsa');
    assert.equal(describedKey(listJson('--keys', key.pub), key.fingerprint).algorithm, 'RSA 4096');
    assert.equal(await modeOf(key.secret), 0o600);
    const module = await makeModule('rsa');
    ok(pbxsig('sign', module, '--key', key.secret));
    assert.match(await readFile(join(module, 'module.sig'), 'utf8'), /^Hash: SHA(256|384|512)$/m);
    const { status, report } = verifyJson(module, '--keys', key.pub, '--anchor', key.fingerprint);
    assert.equal(status, 0);
    assert.equal(report.modules[0]?.signer?.fingerprint, key.fingerprint);
  });

  it('refuses to replace existing files without --force, and replaces both with it', async () => {
    const first = generate('Twice', 'twice');
    const pubBefore = await readFile(first.pub, 'utf8');
    const secretBefore = await readFile(first.secret, 'utf8');
    const again = pbxsig(
      'keys',
      'generate',
      '--name',
      'Twice',
      '--email',
      'twice@example.test',
      '--out',
      join(root, 'twice'),
    );
    refused(again, new RegExp(`^pbxsig: ${escape(first.pub)} already exists; use --force to replace it$`));
    assert.equal(await readFile(first.pub, 'utf8'), pubBefore);
    assert.equal(await readFile(first.secret, 'utf8'), secretBefore);

    // Even a secret key file someone made readable ends up private again.
    await chmod(first.secret, 0o644);
    const second = generate('Twice', 'twice', '--force');
    assert.notEqual(second.fingerprint, first.fingerprint);
    assert.notEqual(await readFile(first.pub, 'utf8'), pubBefore);
    assert.notEqual(await readFile(first.secret, 'utf8'), secretBefore);
    assert.equal(await modeOf(second.pub), 0o644);
    assert.equal(await modeOf(second.secret), 0o600);
    assert.equal(listJson('--keys', second.pub).keys[0]?.fingerprint, second.fingerprint);
  });

  it('writes neither file when either exists, so a public and a secret file never come from two keys', async () => {
    const first = generate('Pair', 'pair');
    await rm(first.pub);
    const secretBefore = await readFile(first.secret, 'utf8');
    refused(
      pbxsig('keys', 'generate', '--name', 'Other Pair', '--email', 'other@example.test', '--out', join(root, 'pair')),
      new RegExp(`^pbxsig: ${escape(first.secret)} already exists`),
    );
    assert.equal(existsSync(first.pub), false);
    assert.equal(await readFile(first.secret, 'utf8'), secretBefore);
  });

  it('--expires 2y sets an expiry two years after creation, shown by keys list', () => {
    const key = generate('Expiring Developer', 'expiring', '--expires', '2y');
    const described = describedKey(listJson('--keys', key.pub), key.fingerprint);
    assert.ok(described.expires !== null);
    assert.equal(Date.parse(described.expires) - Date.parse(described.created), 2 * 365 * 86_400_000);
    const human = ok(pbxsig('keys', 'list', '--keys', key.pub)).stdout;
    assert.match(
      human,
      new RegExp(`^ {2}created +${described.created.slice(0, 10)}, expires ${described.expires.slice(0, 10)}$`, 'm'),
    );
  });

  it('rejects a bad --email, a bad --name and an expiry before creation, writing nothing', () => {
    const out = join(root, 'rejected');
    refused(
      pbxsig('keys', 'generate', '--name', 'Bad Email', '--email', 'not-an-email', '--out', out),
      /^pbxsig: --email "not-an-email": expected an email address/,
    );
    refused(
      pbxsig('keys', 'generate', '--name', 'Bad <Name>', '--email', 'bad@example.test', '--out', out),
      /^pbxsig: --name "Bad <Name>"/,
    );
    refused(
      pbxsig(
        'keys',
        'generate',
        '--name',
        'Past',
        '--email',
        'past@example.test',
        '--out',
        out,
        '--expires',
        '2020-01-01',
      ),
      /^pbxsig: --expires 2020-01-01: that is not after the key's creation$/,
    );
    refused(
      pbxsig('keys', 'generate', '--name', 'Soon', '--email', 'soon@example.test', '--out', out, '--expires', 'soon'),
      /^pbxsig: --expires: expected a date/,
    );
    refused(pbxsig('keys', 'generate', '--email', 'noname@example.test', '--out', out), /^pbxsig: missing --name$/);
    refused(
      pbxsig('keys', 'generate', '--name', 'Evil\n\u001b[31mRED', '--email', 'evil@example.test', '--out', out),
      /^pbxsig: --name "Evil\\n\\e\[31mRED": expected .* without "<", ">" or control characters$/,
    );
    assert.equal(existsSync(`${out}.pub.asc`), false);
    assert.equal(existsSync(`${out}.secret.asc`), false);
  });

  it('writes neither file when one name is taken, even by a link leading nowhere', async () => {
    const out = join(root, 'taken');
    await symlink('nowhere', `${out}.secret.asc`);
    refused(
      pbxsig('keys', 'generate', '--name', 'Taken', '--email', 'taken@example.test', '--out', out),
      new RegExp(`^pbxsig: ${escape(out)}\\.secret\\.asc already exists; use --force to replace it$`),
    );
    assert.equal(lstatSync(`${out}.pub.asc`, { throwIfNoEntry: false }), undefined, 'no half pair');
  });
});

describe('pbxsig keys certify and keys revoke', () => {
  let dev: Generated;
  let module: string;

  before(async () => {
    dev = generate('Certified Developer', 'certdev');
    module = await makeModule('certdev');
    ok(pbxsig('sign', module, '--key', dev.secret));
  });

  function masterArgs(command: 'certify' | 'revoke', key: string, ...extra: string[]): string[] {
    return ['keys', command, '--master', master.secret, '--passphrase-file', passFile, '--key', key, ...extra];
  }

  it('a key nobody certified: the module is untrusted (FreePBX 7)', () => {
    const { status, report } = verifyJson(module, '--keys', dev.pub, '--anchor', master.pub);
    assert.equal(status, 1);
    assert.equal(report.modules[0]?.verdict, 'untrusted-signer');
    assert.equal(report.modules[0]?.freepbx.status, 7);
  });

  it('certify --out writes the certified public key (0644); with it the module verifies as trusted', async () => {
    const out = join(root, 'certdev.certified.asc');
    const r = ok(pbxsig(...masterArgs('certify', dev.pub, '--out', out)));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `${master.keyId} certified ${dev.fingerprint}: ${out}\n`);
    assert.equal(await modeOf(out), 0o644);
    assert.doesNotMatch(await readFile(out, 'utf8'), /PRIVATE KEY/);

    const { status, report } = verifyJson(module, '--keys', out, '--anchor', master.pub);
    assert.equal(status, 0);
    const m = report.modules[0];
    assert.equal(m?.verdict, 'verified');
    assert.equal(m?.freepbx.status, 129);
    assert.equal(m?.signer?.trust?.reason, `certified by anchor ${master.keyId}`);
    // The anchor may be given by fingerprint too, with the master's key among --keys.
    ok(pbxsig('verify', module, '--keys', out, '--keys', master.pub, '--anchor', master.fingerprint));
  });

  it('certify prints the certified key on stdout without --out', async () => {
    const r = ok(pbxsig(...masterArgs('certify', dev.pub)));
    assert.match(r.stdout, /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n[\s\S]+-----END PGP PUBLIC KEY BLOCK-----\n?$/);
    assert.equal(r.stderr, `${master.keyId} certified ${dev.fingerprint}\n`);
    const file = join(root, 'certdev.stdout.asc');
    await writeFile(file, r.stdout);
    assert.equal(verifyJson(module, '--keys', file, '--anchor', master.pub).report.modules[0]?.verdict, 'verified');
  });

  it('revoke --out withdraws the certification: the module is revoked (FreePBX 64), with the reason', async () => {
    const certifiedFile = join(root, 'certdev.to-revoke.asc');
    ok(pbxsig(...masterArgs('certify', dev.pub, '--out', certifiedFile)));
    const out = join(root, 'certdev.revoked.asc');
    const r = ok(pbxsig(...masterArgs('revoke', certifiedFile, '--out', out, '--reason', 'key compromised')));
    assert.equal(r.stderr, `${master.keyId} revoked the certification of ${dev.fingerprint}: ${out}\n`);
    assert.equal(await modeOf(out), 0o644);

    const { status, report } = verifyJson(module, '--keys', out, '--anchor', master.pub);
    assert.equal(status, 1);
    const m = report.modules[0];
    assert.equal(m?.verdict, 'revoked');
    assert.equal(m?.freepbx.status, 64);
    assert.match(m?.summary ?? '', new RegExp(`certification by anchor ${master.keyId} is revoked .*key compromised`));
  });

  it('revoke prints the key with the revocation on stdout without --out', async () => {
    const certifiedFile = join(root, 'certdev.to-revoke-stdout.asc');
    ok(pbxsig(...masterArgs('certify', dev.pub, '--out', certifiedFile)));
    const r = ok(pbxsig(...masterArgs('revoke', certifiedFile)));
    assert.match(r.stdout, /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n/);
    const file = join(root, 'certdev.revoked-stdout.asc');
    await writeFile(file, r.stdout);
    const { status, report } = verifyJson(module, '--keys', file, '--anchor', master.pub);
    assert.equal(status, 1);
    assert.equal(report.modules[0]?.verdict, 'revoked');
  });

  it('rejects a public key as --master, writing nothing', () => {
    const out = join(root, 'certdev.never.asc');
    const r = pbxsig('keys', 'certify', '--master', master.pub, '--key', dev.pub, '--out', out);
    refused(r, new RegExp(`^pbxsig: key file ${escape(master.pub)} holds a public key, not a secret key`));
    assert.equal(r.stdout, '');
    assert.equal(existsSync(out), false);
  });

  it("rejects a wrong passphrase, or none, for the master's secret key", () => {
    const out = join(root, 'certdev.never2.asc');
    refused(
      pbxsig(
        'keys',
        'certify',
        '--master',
        master.secret,
        '--passphrase-file',
        wrongPassFile,
        '--key',
        dev.pub,
        '--out',
        out,
      ),
      new RegExp(`^pbxsig: wrong passphrase for the secret key in ${escape(master.secret)}$`),
    );
    refused(
      pbxsig('keys', 'revoke', '--master', master.secret, '--key', dev.pub, '--out', out),
      new RegExp(`^pbxsig: the secret key in ${escape(master.secret)} is protected by a passphrase`),
    );
    assert.equal(existsSync(out), false);
  });

  it('refuses to replace an existing --out file without --force', async () => {
    const out = join(root, 'certdev.existing.asc');
    await writeFile(out, 'keep me\n');
    refused(
      pbxsig(...masterArgs('certify', dev.pub, '--out', out)),
      new RegExp(`^pbxsig: ${escape(out)} already exists; use --force to replace it$`),
    );
    assert.equal(await readFile(out, 'utf8'), 'keep me\n');
    ok(pbxsig(...masterArgs('certify', dev.pub, '--out', out, '--force')));
    assert.match(await readFile(out, 'utf8'), /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
  });

  it('--force replaces a link at --out with the new file, and never writes through it', async () => {
    const victim = join(root, 'victim.txt');
    await writeFile(victim, 'not yours\n', { mode: 0o600 });
    const out = join(root, 'certdev.link.asc');
    await symlink(victim, out);
    ok(pbxsig(...masterArgs('certify', dev.pub, '--out', out, '--force')));
    assert.equal(await readFile(victim, 'utf8'), 'not yours\n');
    assert.equal((await stat(victim)).mode & 0o777, 0o600, "the link's target keeps its mode");
    assert.ok(lstatSync(out).isFile(), 'the link itself was replaced');
    assert.equal(lstatSync(out).mode & 0o777, 0o644);
    assert.match(await readFile(out, 'utf8'), /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);
    assert.deepEqual(
      (await readdir(root)).filter((name) => name.includes('.pbxsig-')),
      [],
      'no temporary file left beside it',
    );
  });

  it('rejects a --key file holding more than one key', async () => {
    const two = join(root, 'two-keys.asc');
    await writeFile(two, (await readFile(dev.pub, 'utf8')) + (await readFile(master.pub, 'utf8')));
    refused(
      pbxsig(...masterArgs('certify', two)),
      new RegExp(`^pbxsig: key file ${escape(two)}: expected exactly one key, found 2$`),
    );
  });
});

describe('pbxsig keys certify with a master that did not exist yet at --date', () => {
  it('is an input error naming the master key file, not an internal error', () => {
    const young = generate('Young Master', 'young-master');
    const old = generate('Old Developer', 'old-dev', '--created', '2024-01-01');
    refused(
      pbxsig('keys', 'certify', '--master', young.secret, '--key', old.pub, '--date', '2024-01-02'),
      new RegExp(`^pbxsig: the master key in ${escape(young.secret)} cannot sign at 2024-01-02T00:00:00.000Z: `),
    );
  });
});

describe('pbxsig keys list', () => {
  let other: Generated;
  let trusted: Generated;
  let untrusted: Generated;
  let otherCertified: Generated;
  let revoked: Generated;
  let expired: Generated;
  const files: Record<string, string> = {};

  before(() => {
    const withMaster = ['--master', master.secret, '--passphrase-file', passFile];
    other = generate('Other Certifier', 'list-other');
    trusted = generate('List Trusted', 'list-trusted');
    untrusted = generate('List Untrusted', 'list-untrusted');
    otherCertified = generate('List Other Certified', 'list-othercert');
    revoked = generate('List Revoked', 'list-revoked');
    // Valid from 2024-01-01 for 30 days: long expired now.
    expired = generate('List Expired', 'list-expired', '--created', '2024-01-01', '--expires', '30d');

    files['trusted'] = join(root, 'list-trusted.certified.asc');
    ok(pbxsig('keys', 'certify', ...withMaster, '--key', trusted.pub, '--out', files['trusted']));
    files['untrusted'] = untrusted.pub;
    files['otherCertified'] = join(root, 'list-othercert.certified.asc');
    ok(
      pbxsig(
        'keys',
        'certify',
        '--master',
        other.secret,
        '--key',
        otherCertified.pub,
        '--out',
        files['otherCertified'],
      ),
    );
    const revokedCertified = join(root, 'list-revoked.certified.asc');
    ok(pbxsig('keys', 'certify', ...withMaster, '--key', revoked.pub, '--out', revokedCertified));
    files['revoked'] = join(root, 'list-revoked.revoked.asc');
    ok(
      pbxsig(
        'keys',
        'revoke',
        ...withMaster,
        '--key',
        revokedCertified,
        '--out',
        files['revoked'],
        '--reason',
        'left the project',
      ),
    );
    files['expired'] = join(root, 'list-expired.certified.asc');
    ok(pbxsig('keys', 'certify', ...withMaster, '--key', expired.pub, '--out', files['expired']));
  });

  function keyArgs(): string[] {
    return [...Object.values(files), other.pub].flatMap((f) => ['--keys', f]);
  }

  it('--json: fingerprint, user IDs, who certified each key (anchor or not), and its trust with the reason', () => {
    const list = listJson(...keyArgs(), '--anchor', master.pub);
    assert.deepEqual(list.anchors, [master.fingerprint]);
    assert.deepEqual(list.warnings, []);
    // The anchor comes first; it was loaded from the --anchor file.
    assert.equal(list.keys[0]?.fingerprint, master.fingerprint);
    assert.equal(list.keys.length, 7);

    const anchor = describedKey(list, master.fingerprint);
    assert.equal(anchor.anchor, true);
    assert.deepEqual(anchor.userIds, ['Keys Test Master <master@example.test>']);
    assert.deepEqual(anchor.certifiedBy, []);
    assert.equal(anchor.trust.state, 'trusted');
    assert.equal(anchor.trust.reason, 'the key is a trust anchor');

    const good = describedKey(list, trusted.fingerprint);
    assert.equal(good.anchor, false);
    assert.equal(good.keyId, trusted.keyId);
    assert.deepEqual(good.userIds, ['List Trusted <list-trusted@example.test>']);
    assert.equal(good.certifiedBy.length, 1);
    assert.deepEqual(
      { ...good.certifiedBy[0], created: undefined },
      {
        keyId: master.keyId,
        name: 'Keys Test Master <master@example.test>',
        anchor: true,
        created: undefined,
        state: 'valid',
      },
    );
    assert.equal(good.trust.state, 'trusted');
    assert.equal(good.trust.reason, `certified by anchor ${master.keyId}`);
    assert.deepEqual(good.files, [files['trusted']]);

    const none = describedKey(list, untrusted.fingerprint);
    assert.deepEqual(none.certifiedBy, []);
    assert.equal(none.trust.state, 'untrusted');
    assert.equal(none.trust.reason, 'the signing key is not certified by any trust anchor');

    const byOther = describedKey(list, otherCertified.fingerprint);
    assert.equal(byOther.certifiedBy.length, 1);
    assert.equal(byOther.certifiedBy[0]?.keyId, other.keyId);
    assert.equal(byOther.certifiedBy[0]?.name, 'Other Certifier <list-other@example.test>');
    assert.equal(byOther.certifiedBy[0]?.anchor, false);
    assert.equal(byOther.trust.state, 'untrusted');

    const gone = describedKey(list, revoked.fingerprint);
    assert.equal(gone.certifiedBy[0]?.anchor, true);
    assert.equal(gone.certifiedBy[0]?.state, 'revoked');
    assert.equal(gone.trust.state, 'revoked');
    assert.match(
      gone.trust.reason,
      new RegExp(
        `^the certification by anchor ${master.keyId} is revoked \\(revoked on \\d{4}-\\d\\d-\\d\\d: left the project\\)$`,
      ),
    );

    const old = describedKey(list, expired.fingerprint);
    assert.equal(old.created, '2024-01-01T00:00:00.000Z');
    assert.equal(old.expires, '2024-01-31T00:00:00.000Z');
    assert.equal(old.certifiedBy[0]?.state, 'valid');
    assert.equal(old.trust.state, 'expired');
    assert.equal(old.trust.reason, 'the signing key expired on 2024-01-31T00:00:00.000Z');
  });

  it('prints each key, its certifications and its trust for people', () => {
    const out = ok(pbxsig('keys', 'list', ...keyArgs(), '--anchor', master.pub)).stdout;
    const block = (fingerprint: string): string => {
      const found = out.split('\n\n').find((b) => b.startsWith(fingerprint));
      assert.ok(found, `${fingerprint} not in:\n${out}`);
      return found;
    };
    assert.match(
      block(master.fingerprint),
      /^[0-9A-F]{40} {2}RSA 4096 {2}\[trust anchor\]\n {2}user ID {4}Keys Test Master <master@example\.test>\n {2}created {4}\d{4}-\d\d-\d\d, never expires\n {2}trust {6}trusted: the key is a trust anchor$/,
    );
    assert.match(
      block(trusted.fingerprint),
      new RegExp(
        `\\n {2}certified {2}by ${master.keyId} \\(Keys Test Master <master@example\\.test>\\) \\[anchor\\] on \\d{4}-\\d\\d-\\d\\d: valid\\n {2}trust {6}trusted: certified by anchor ${master.keyId}$`,
      ),
    );
    assert.match(
      block(untrusted.fingerprint),
      /\n {2}trust {6}untrusted: the signing key is not certified by any trust anchor$/,
    );
    assert.match(
      block(otherCertified.fingerprint),
      new RegExp(`\\n {2}certified {2}by ${other.keyId} \\(Other Certifier <list-other@example\\.test>\\) on `),
    );
    assert.doesNotMatch(block(otherCertified.fingerprint), /\[anchor\]/);
    assert.match(
      block(revoked.fingerprint),
      /: revoked\n {2}trust {6}revoked: the certification by anchor .* left the project\)$/,
    );
    assert.match(
      block(expired.fingerprint),
      /\n {2}created {4}2024-01-01, expires 2024-01-31\n[\s\S]*\n {2}trust {6}expired: the signing key expired on 2024-01-31/,
    );
  });

  it("uses FreePBX's master keys as anchors by default: a demo master is then just another key", () => {
    const list = listJson('--keys', files['trusted'] ?? '', '--keys', master.pub);
    assert.equal(list.anchors.length, 2);
    assert.ok(!list.anchors.includes(master.fingerprint));
    assert.equal(describedKey(list, trusted.fingerprint).certifiedBy[0]?.anchor, false);
    assert.equal(describedKey(list, trusted.fingerprint).trust.state, 'untrusted');
  });

  it('a module signed while the key was valid (sign --date) verifies as expired now (FreePBX 33)', async () => {
    const module = await makeModule('expired');
    ok(pbxsig('sign', module, '--key', expired.secret, '--date', '2024-01-05'));
    const { status, report } = verifyJson(module, '--keys', files['expired'] ?? '', '--anchor', master.pub);
    assert.equal(status, 1);
    const m = report.modules[0];
    assert.equal(m?.verdict, 'expired');
    assert.equal(m?.freepbx.status, 33);
    assert.equal(m?.signer?.signedAt, '2024-01-05T00:00:00.000Z');
  });

  it('an expired key cannot sign now: exit 2, naming the key', async () => {
    const module = await makeModule('expired-now');
    refused(
      pbxsig('sign', module, '--key', expired.secret),
      new RegExp(`^pbxsig: the secret key ${expired.keyId} cannot sign now: .*expired`),
    );
    assert.equal(existsSync(join(module, 'module.sig')), false);
  });

  it('rejects a missing key file and a missing --keys', () => {
    const missing = join(root, 'no-such-key.asc');
    refused(
      pbxsig('keys', 'list', '--keys', missing),
      new RegExp(`^pbxsig: key file or directory ${escape(missing)}: does not exist$`),
    );
    refused(pbxsig('keys', 'list'), /^pbxsig: missing --keys$/);
  });
});

describe('pbxsig keys export', () => {
  let dev: Generated;
  let certifiedFile: string;
  let revocationFile: string;
  let module: string;

  before(async () => {
    dev = generate('Exported Developer', 'export-dev');
    certifiedFile = join(root, 'export-dev.certified.asc');
    ok(
      pbxsig(
        'keys',
        'certify',
        '--master',
        master.secret,
        '--passphrase-file',
        passFile,
        '--key',
        dev.pub,
        '--out',
        certifiedFile,
      ),
    );
    // The revocation made from the bare public key: a second file carrying only the withdrawal.
    revocationFile = join(root, 'export-dev.revocation.asc');
    ok(
      pbxsig(
        'keys',
        'revoke',
        '--master',
        master.secret,
        '--passphrase-file',
        passFile,
        '--key',
        dev.pub,
        '--out',
        revocationFile,
      ),
    );
    module = await makeModule('exported');
    ok(pbxsig('sign', module, '--key', dev.secret));
  });

  it('each file alone: the certification makes the module trusted, the revocation alone certifies nothing', () => {
    assert.equal(
      verifyJson(module, '--keys', certifiedFile, '--anchor', master.pub).report.modules[0]?.verdict,
      'verified',
    );
    assert.equal(
      verifyJson(module, '--keys', revocationFile, '--anchor', master.pub).report.modules[0]?.verdict,
      'untrusted-signer',
    );
  });

  it('merges a key and its revocation from two files into one armored key, which pbxsig reads as revoked', async () => {
    const r = ok(pbxsig('keys', 'export', '--keys', certifiedFile, '--keys', revocationFile));
    assert.equal(r.stdout.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----/g)?.length, 1);
    assert.doesNotMatch(r.stdout, /PRIVATE KEY/);
    const merged = join(root, 'export-dev.merged.asc');
    await writeFile(merged, r.stdout);

    const key = describedKey(listJson('--keys', merged, '--anchor', master.pub), dev.fingerprint);
    assert.deepEqual(
      key.certifiedBy.map((c) => [c.keyId, c.anchor, c.state]),
      [[master.keyId, true, 'revoked']],
    );
    assert.equal(key.trust.state, 'revoked');
    const { status, report } = verifyJson(module, '--keys', merged, '--anchor', master.pub);
    assert.equal(status, 1);
    assert.equal(report.modules[0]?.verdict, 'revoked');
  });

  it('--out writes the file (0644) and will not replace it without --force', async () => {
    const out = join(root, 'export-dev.out.asc');
    const r = ok(pbxsig('keys', 'export', '--keys', certifiedFile, '--keys', master.pub, '--out', out));
    assert.equal(r.stdout, '');
    assert.equal(await modeOf(out), 0o644);
    const text = await readFile(out, 'utf8');
    assert.equal(text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----/g)?.length, 2);
    refused(
      pbxsig('keys', 'export', '--keys', certifiedFile, '--out', out),
      new RegExp(`^pbxsig: ${escape(out)} already exists; use --force to replace it$`),
    );
    assert.equal(await readFile(out, 'utf8'), text);
    ok(pbxsig('keys', 'export', '--keys', certifiedFile, '--out', out, '--force'));
    assert.equal((await readFile(out, 'utf8')).match(/-----BEGIN PGP PUBLIC KEY BLOCK-----/g)?.length, 1);
  });

  it('says which keys it skipped, and writes nothing when none is left (exit 2)', async () => {
    const empty = join(root, 'no-keys');
    await mkdir(empty, { recursive: true });
    const out = join(root, 'export-none.asc');
    refused(pbxsig('keys', 'export', '--keys', empty, '--out', out), /^pbxsig: no key to export from /);
    assert.equal(existsSync(out), false);
  });

  it('exports only the public part of a secret key file', () => {
    const r = ok(pbxsig('keys', 'export', '--keys', dev.secret));
    assert.match(r.stdout, /^-----BEGIN PGP PUBLIC KEY BLOCK-----\n/);
    assert.doesNotMatch(r.stdout, /PRIVATE KEY/);
  });

  it('rejects a missing key file', () => {
    const missing = join(root, 'no-such-export.asc');
    refused(
      pbxsig('keys', 'export', '--keys', missing),
      new RegExp(`^pbxsig: key file or directory ${escape(missing)}: does not exist$`),
    );
  });

  it('gives gpg a key it imports with the certification and its revocation', { skip: HAVE_GPG_SKIP }, async () => {
    const home = join(root, 'gnupg-export');
    await mkdir(home, { mode: 0o700 });
    const gpg = (args: readonly string[], input?: string): Run => {
      const r = spawnSync('gpg', ['--homedir', home, '--no-permission-warning', '--no-tty', '--batch', ...args], {
        encoding: 'utf8',
        ...(input !== undefined ? { input } : {}),
      });
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    try {
      const merged = ok(pbxsig('keys', 'export', '--keys', certifiedFile, '--keys', revocationFile)).stdout;
      assert.equal(gpg(['--import'], await readFile(master.pub, 'utf8')).status, 0);
      const imported = gpg(['--import'], merged);
      assert.equal(imported.status, 0, imported.stderr);
      const sigs = gpg(['--with-colons', '--check-sigs', dev.fingerprint]);
      assert.equal(sigs.status, 0, sigs.stderr);
      assert.match(sigs.stdout, new RegExp(`^sig:!::\\d+:${master.keyId}:`, 'm'), sigs.stdout);
      assert.match(sigs.stdout, new RegExp(`^rev:!::\\d+:${master.keyId}:`, 'm'), sigs.stdout);
    } finally {
      spawnSync('gpgconf', ['--homedir', home, '--kill', 'all']);
    }
  });
});
