// `pbxsig sign` as a user meets it: spawned, with the keys `pbxsig keys` makes, the module.sig it
// writes read back line by line, then checked by `pbxsig verify`. Bad input must stop it with exit
// code 2, one clear message and nothing in the module changed.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, readFile, readdir, readlink, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyReport } from '../../src/index.js';
import { makeTempDir, sha256, writeFiles } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

function pbxsig(...args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '' };
  delete env['PBXSIG_DEBUG'];
  // stdin is a pipe, never a terminal: a passphrase can only come from --passphrase-file.
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, input: '' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const HAVE_MKFIFO = spawnSync('mkfifo', ['--version']).status === 0;
const IS_ROOT = process.getuid?.() === 0;

// FreePBX's banner, as sign.php writes it (docs/freepbx.md).
const BANNER = [
  ';################################################',
  ';#        FreePBX Module Signature File         #',
  ';################################################',
  ';# Do not alter the contents of this file!  If  #',
  ';# this file is tampered with, the module will  #',
  ';# fail validation and be marked as invalid!    #',
  ';################################################',
];

// A module with nested directories, a name with spaces, dotfiles, and names whose byte-wise order
// differs from a locale's ("Zebra" before "_under" before "assets").
const FILES: Readonly<Record<string, string>> = {
  'module.xml': '<module><rawname>demo</rawname><version>17.0.1</version></module>\n',
  'Demo.class.php': '<?php\nclass Demo {}\n',
  'functions.inc.php': '<?php\n// functions\n',
  'Zebra.txt': 'upper case sorts first\n',
  '_under.php': '<?php\n',
  'assets/js/demo.js': 'console.log("demo");\n',
  'assets/css/deep/er/style.css': 'body { color: red; }\n',
  'assets/.keep': '',
  'i18n/read me.txt': 'a file name with spaces\n',
  '.htaccess': 'Require all denied\n',
  // Version-control metadata is never part of a module.
  '.git/HEAD': 'ref: refs/heads/main\n',
};

// What [hashes] must list: byte-wise sorted, links by their own path, module.sig and .git left out.
const LISTED = [
  '.htaccess',
  'Demo.class.php',
  'Zebra.txt',
  '_under.php',
  'assets/.keep',
  'assets/css/deep/er/style.css',
  'assets/js/demo.js',
  'functions.inc.php',
  'i18n/read me.txt',
  'lib/demo.js',
  'module.xml',
  'page.link.php',
];

// Contents of each listed path: a link has its target's.
const CONTENT: Readonly<Record<string, string>> = {
  ...FILES,
  'page.link.php': FILES['Demo.class.php'] ?? '',
  'lib/demo.js': FILES['assets/js/demo.js'] ?? '',
};

const SMALL: Readonly<Record<string, string>> = { 'module.xml': '<module/>\n', 'Small.class.php': '<?php\n' };

let root: string;
let cleanup: () => Promise<void> = () => Promise.resolve();
let passFile: string;
let wrongPassFile: string;
let masterSecret: string;
let masterPublic: string;
let devSecret: string;
let devPublic: string;
let devCertified: string;
let devFingerprint: string;
let devKeyId: string;
let smallSig: string;

function generate(name: string, out: string, ...extra: string[]): string {
  const r = pbxsig(
    'keys',
    'generate',
    '--name',
    name,
    '--email',
    `${out}@example.test`,
    '--out',
    join(root, out),
    ...extra,
  );
  assert.equal(r.status, 0, r.stderr);
  const fingerprint = /^([0-9A-F]{40}) /.exec(r.stdout)?.[1];
  assert.ok(fingerprint, r.stdout);
  return fingerprint;
}

/** Signs with the passphrase-protected developer key. */
function sign(dir: string, ...extra: string[]): Run {
  return pbxsig('sign', dir, '--key', devSecret, '--passphrase-file', passFile, ...extra);
}

async function makeModule(name: string, files: Readonly<Record<string, string>> = FILES): Promise<string> {
  const dir = join(root, 'modules', name);
  await writeFiles(dir, files);
  if (files === FILES) {
    await symlink('Demo.class.php', join(dir, 'page.link.php'));
    await symlink('assets/js', join(dir, 'lib'));
  }
  return dir;
}

interface Signed {
  readonly hash: string;
  readonly lines: readonly string[];
  readonly config: readonly string[];
  readonly hashes: ReadonlyArray<{ readonly path: string; readonly digest: string }>;
}

/** Reads a clear-signed module.sig back: its Hash header and the signed body's lines. */
async function readSig(dir: string): Promise<Signed> {
  const text = await readFile(join(dir, 'module.sig'), 'utf8');
  const match =
    /^-----BEGIN PGP SIGNED MESSAGE-----\nHash: ([A-Z0-9]+)\n\n([\s\S]*?)\n-----BEGIN PGP SIGNATURE-----\n[\s\S]+\n-----END PGP SIGNATURE-----\n?$/.exec(
      text,
    );
  assert.ok(match?.[1] && match[2] !== undefined, `not a clear-signed message:\n${text}`);
  // openpgp.js (before v7) writes the signed text with CRLF line ends inside LF framing; gpg, gpgv
  // and FreePBX accept both, so either is read here.
  const lines = match[2].split(/\r?\n/);
  const configAt = lines.indexOf('[config]');
  const hashesAt = lines.indexOf('[hashes]');
  const endAt = lines.indexOf(';# End');
  assert.ok(configAt > 0 && hashesAt > configAt && endAt > hashesAt, match[2]);
  const hashes = lines.slice(hashesAt + 1, endAt).map((line) => {
    const entry = /^(.+) = ([0-9a-f]{64})$/.exec(line);
    assert.ok(entry?.[1] && entry[2], `not a [hashes] entry: ${JSON.stringify(line)}`);
    return { path: entry[1], digest: entry[2] };
  });
  return { hash: match[1], lines, config: lines.slice(configAt + 1, hashesAt), hashes };
}

function verify(dir: string, ...extra: string[]): Run {
  return pbxsig('verify', dir, '--keys', devCertified, '--anchor', masterPublic, ...extra);
}

function verifyJson(dir: string, ...extra: string[]): VerifyReport {
  return JSON.parse(verify(dir, '--json', ...extra).stdout) as VerifyReport;
}

/** Every entry under dir: type, mode, and content digest or link target. Never opens a FIFO. */
async function snapshot(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(dir, prefix))).sort()) {
    const path = prefix ? `${prefix}/${name}` : name;
    const full = join(dir, path);
    const info = await lstat(full);
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isDirectory()) {
      out.push(`${path} dir ${mode}`, ...(await snapshot(dir, path)));
    } else if (info.isSymbolicLink()) {
      out.push(`${path} link -> ${await readlink(full)}`);
    } else if (info.isFile()) {
      const content = await readFile(full).then(sha256, () => 'unreadable');
      out.push(`${path} file ${mode} ${content}`);
    } else {
      out.push(`${path} special ${mode}`);
    }
  }
  return out;
}

before(async () => {
  const temp = await makeTempDir('pbxsig-sign-');
  root = temp.path;
  cleanup = temp.remove;
  passFile = join(root, 'passphrase.txt');
  wrongPassFile = join(root, 'wrong-passphrase.txt');
  await writeFile(passFile, 'correct horse battery staple\n', { mode: 0o600 });
  await writeFile(wrongPassFile, 'incorrect horse\n', { mode: 0o600 });

  generate('Sign Test Master', 'master');
  masterSecret = join(root, 'master.secret.asc');
  masterPublic = join(root, 'master.pub.asc');
  devFingerprint = generate('Sign Test Developer', 'dev', '--passphrase-file', passFile);
  devKeyId = devFingerprint.slice(-16);
  devSecret = join(root, 'dev.secret.asc');
  devPublic = join(root, 'dev.pub.asc');
  devCertified = join(root, 'dev.certified.asc');
  const certify = pbxsig('keys', 'certify', '--master', masterSecret, '--key', devPublic, '--out', devCertified);
  assert.equal(certify.status, 0, certify.stderr);

  // A valid module.sig for SMALL, copied into the modules that signing must refuse.
  const template = await makeModule('template', SMALL);
  const r = pbxsig('sign', template, '--key', masterSecret);
  assert.equal(r.status, 0, r.stderr);
  smallSig = join(template, 'module.sig');
});

after(async () => cleanup());

describe('pbxsig sign', () => {
  it('lists every file: nested directories, spaces, dotfiles, and links hashed by their target', async () => {
    const dir = await makeModule('demo');
    const r = sign(dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^Signed ${LISTED.length} files \\(\\d[^)]*\\) of ${escape(dir)} with ${devKeyId} \\(SHA(256|384|512)\\): ${escape(join(dir, 'module.sig'))}\\n$`,
      ),
    );
    assert.equal(r.stderr, '');

    const sig = await readSig(dir);
    assert.deepEqual(
      sig.hashes.map((h) => h.path),
      LISTED,
    );
    for (const { path, digest } of sig.hashes)
      assert.equal(digest, sha256(CONTENT[path] ?? 'not a file of the module'), path);
  });

  it('writes the FreePBX body: banner, [config] version 2, [hashes] byte-wise, ";# End", Hash SHA-256 or stronger', async () => {
    const dir = await makeModule('body');
    assert.equal(sign(dir).status, 0);
    const sig = await readSig(dir);
    assert.match(sig.hash, /^SHA(256|384|512)$/);
    assert.deepEqual(sig.lines.slice(0, 9), [...BANNER, '', '[config]']);
    assert.deepEqual(sig.config, [
      'version=2',
      'hash=sha256',
      `signedwith=${devKeyId}`,
      'signedby=pbxsig',
      'repo=manual',
      'type=public',
    ]);
    const paths = sig.hashes.map((h) => h.path);
    assert.deepEqual(
      paths,
      [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );
    assert.ok(!paths.includes('module.sig'));
    // The body ends with ";# End" and a newline, and nothing else is signed.
    assert.deepEqual(sig.lines.slice(-2), [';# End', '']);
  });

  it('writes a module.sig that pbxsig verify accepts with the anchor that certified the key, and only then', async () => {
    const dir = await makeModule('verifiable');
    assert.equal(sign(dir).status, 0);
    const r = verify(dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^ok +verifiable +verified +FreePBX 129 +version [^;]+; ${LISTED.length} files match; its signed module\\.xml names it "demo"`,
        'm',
      ),
    );

    const report = verifyJson(dir);
    const m = report.modules[0];
    assert.equal(m?.signer?.fingerprint, devFingerprint);
    assert.equal(m?.signer?.trust?.state, 'trusted');
    assert.equal(m?.manifest?.signedWith, devKeyId);
    assert.equal(m?.files.matched, LISTED.length);
    assert.equal(m?.files.viaSymlink, 2);
    assert.deepEqual(m?.unlisted?.code, []);

    // The developer's own key is no anchor: FreePBX's default masters do not trust it either.
    const untrusted = pbxsig('verify', dir, '--keys', devCertified);
    assert.equal(untrusted.status, 1);
    assert.match(untrusted.stdout, /untrusted-signer +FreePBX +7/);
  });

  it('leaves dotfiles out with --no-dotfiles', async () => {
    const dir = await makeModule('no-dotfiles');
    const r = sign(dir, '--no-dotfiles');
    assert.equal(r.status, 0, r.stderr);
    const paths = (await readSig(dir)).hashes.map((h) => h.path);
    assert.deepEqual(
      paths,
      LISTED.filter((p) => !p.split('/').some((c) => c.startsWith('.'))),
    );
    // The signature holds; the .htaccess it left out is unlisted code, which verify reports.
    const report = verifyJson(dir, '--unlisted', 'report');
    assert.equal(report.modules[0]?.verdict, 'verified');
    assert.deepEqual(
      report.modules[0]?.unlisted?.code.map((f) => f.path),
      ['.htaccess'],
    );
  });

  it('hashes the same whatever the engine and the number of threads', async () => {
    const dir = await makeModule('engines');
    const listings: string[] = [];
    for (const options of [
      ['--engine', 'node', '--threads', '0'],
      ['--engine', 'wasm', '--threads', '2'],
      ['--engine', 'auto', '--threads', 'auto'],
    ]) {
      const r = sign(dir, ...options);
      assert.equal(r.status, 0, r.stderr);
      listings.push(JSON.stringify((await readSig(dir)).hashes));
    }
    assert.equal(new Set(listings).size, 1);
  });

  it('--check verifies the module right after signing: a report, exit 0', async () => {
    const dir = await makeModule('checked', SMALL);
    // No --anchor: the signing key is its own anchor, so the check proves the signature and files.
    const own = sign(dir, '--check');
    assert.equal(own.status, 0, own.stdout + own.stderr);
    assert.match(own.stdout, /^Signed 2 files /);
    assert.match(own.stdout, /^ok +checked +verified +FreePBX 129 +2 files match/m);
    assert.match(own.stdout, /All 1 module verified/);

    const anchored = sign(dir, '--check', '--keys', devCertified, '--anchor', masterPublic);
    assert.equal(anchored.status, 0, anchored.stdout + anchored.stderr);
    assert.match(anchored.stdout, /^ok +checked +verified +FreePBX 129/m);
  });

  it('--check exits 1 when the anchor given did not certify the key (module.sig is still written)', async () => {
    const dir = await makeModule('check-fails', SMALL);
    const r = sign(dir, '--check', '--anchor', masterPublic);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^Signed 2 files /);
    assert.match(r.stdout, /^FAIL check-fails +untrusted-signer +FreePBX +7/m);
    assert.equal(verify(dir).status, 0);
  });

  it('--signed-by and --repo fill signedby= and repo=', async () => {
    const dir = await makeModule('labelled', SMALL);
    assert.equal(sign(dir, '--signed-by', 'Jane Developer <jane@example.test>', '--repo', 'extended').status, 0);
    const { config } = await readSig(dir);
    assert.ok(config.includes('signedby=Jane Developer <jane@example.test>'), config.join('\n'));
    assert.ok(config.includes('repo=extended'), config.join('\n'));
    assert.ok(config.includes('type=public'));
  });

  it('reads the passphrase from the first line of --passphrase-file (CRLF too; further lines ignored)', async () => {
    const dir = await makeModule('passphrase-lines', SMALL);
    const file = join(root, 'passphrase-crlf.txt');
    await writeFile(file, 'correct horse battery staple\r\nsomething else\n', { mode: 0o600 });
    const r = pbxsig('sign', dir, '--key', devSecret, '--passphrase-file', file);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(verify(dir).status, 0);
  });

  describe('--expires-after', () => {
    it('writes expiresafter= from a duration, and the module verifies until then', async () => {
      const dir = await makeModule('expires-90d', SMALL);
      const from = Math.floor(Date.now() / 1000);
      const r = sign(dir, '--expires-after', '90d');
      const to = Math.ceil(Date.now() / 1000);
      assert.equal(r.status, 0, r.stderr);
      const config = (await readSig(dir)).config;
      const line = config.find((l) => l.startsWith('expiresafter='));
      const value = Number(line?.slice('expiresafter='.length));
      assert.ok(value >= from + 90 * 86_400 && value <= to + 90 * 86_400, `${line} not 90 days after ${from}..${to}`);
      assert.equal(config.at(-1), line, 'expiresafter comes last in [config]');
      assert.equal(verify(dir).status, 0);
    });

    it('takes a date or Unix seconds as given', async () => {
      const dir = await makeModule('expires-fixed', SMALL);
      assert.equal(sign(dir, '--expires-after', '2100-01-01').status, 0);
      assert.ok((await readSig(dir)).config.includes('expiresafter=4102444800'));
      assert.equal(sign(dir, '--expires-after', '4102444801').status, 0);
      assert.ok((await readSig(dir)).config.includes('expiresafter=4102444801'));
    });

    it('counts a duration from --date, the signature time', async () => {
      const dir = await makeModule('expires-from-date', SMALL);
      const old = join(root, 'old-signer');
      const made = pbxsig(
        'keys',
        'generate',
        '--name',
        'Old Signer',
        '--email',
        'old@example.test',
        '--out',
        old,
        '--created',
        '2024-01-01',
      );
      assert.equal(made.status, 0, made.stderr);
      const r = pbxsig(
        'sign',
        dir,
        '--key',
        `${old}.secret.asc`,
        '--date',
        '2024-01-05T00:00:00Z',
        '--expires-after',
        '30d',
      );
      assert.equal(r.status, 0, r.stderr);
      // 2024-01-05 is 1704412800; 30 days later is 1707004800.
      assert.ok((await readSig(dir)).config.includes('expiresafter=1707004800'));
    });

    it('makes verify say revoked (FreePBX 64) once the time has passed', async () => {
      const dir = await makeModule('expires-past', SMALL);
      // Signed in 2019 by keys made then, with a deadline that has passed since.
      generate('Old Master', 'old-master', '--created', '2019-01-01');
      generate('Old Developer', 'old-dev', '--created', '2019-01-01');
      const oldCertified = join(root, 'old-dev.certified.asc');
      const master = join(root, 'old-master');
      const certified = pbxsig(
        ...['keys', 'certify', '--master', `${master}.secret.asc`, '--key', join(root, 'old-dev.pub.asc')],
        ...['--date', '2019-01-02', '--out', oldCertified],
      );
      assert.equal(certified.status, 0, certified.stderr);
      const signed = pbxsig(
        ...['sign', dir, '--key', join(root, 'old-dev.secret.asc')],
        ...['--date', '2019-06-01T00:00:00Z', '--expires-after', '2020-01-01'],
      );
      assert.equal(signed.status, 0, signed.stderr);
      assert.ok((await readSig(dir)).config.includes('expiresafter=1577836800'));
      const verify = (...extra: string[]): Run =>
        pbxsig('verify', dir, '--keys', oldCertified, '--anchor', `${master}.pub.asc`, ...extra);
      const verifyJson = (): VerifyReport => JSON.parse(verify('--json').stdout) as VerifyReport;
      const r = verify();
      assert.equal(r.status, 1);
      assert.match(r.stdout, /^FAIL expires-past +revoked +FreePBX +64 .*expiresafter/m);
      const m = verifyJson().modules[0];
      assert.equal(m?.verdict, 'revoked');
      assert.equal(m?.freepbx.status, 64);
    });

    it('refuses a deadline at or before the signature: FreePBX would call the module revoked at once', async () => {
      const dir = await makeModule('expires-before', SMALL);
      const r = sign(dir, '--expires-after', '2020-01-01');
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /^pbxsig: --expires-after 2020-01-01: that is not after the signature \(/);
      assert.equal(existsSync(join(dir, 'module.sig')), false, 'nothing signed');
    });
  });

  it('--json prints what was signed: path, files, bytes, signedWith, fingerprint, digest', async () => {
    const dir = await makeModule('json');
    const r = sign(dir, '--json');
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(result).sort(), ['bytes', 'digest', 'files', 'fingerprint', 'path', 'signedWith']);
    assert.equal(result['path'], join(dir, 'module.sig'));
    assert.equal(result['files'], LISTED.length);
    assert.equal(
      result['bytes'],
      LISTED.reduce((sum, p) => sum + Buffer.byteLength(CONTENT[p] ?? ''), 0),
    );
    assert.equal(result['signedWith'], devKeyId);
    assert.equal(result['fingerprint'], devFingerprint);
    assert.equal(result['digest'], (await readSig(dir)).hash);

    const checked = JSON.parse(
      sign(dir, '--json', '--check', '--keys', devCertified, '--anchor', masterPublic).stdout,
    ) as { check?: VerifyReport };
    assert.equal(checked.check?.schema, 'pbxsig/report');
    assert.equal(checked.check?.modules[0]?.verdict, 'verified');
    assert.equal(checked.check?.summary.failed, 0);
  });

  it('replaces module.sig atomically on re-signing: a new file renamed in place, no temporary file left', async () => {
    const dir = await makeModule('resign', SMALL);
    assert.equal(sign(dir).status, 0);
    const first = await stat(join(dir, 'module.sig'));
    const firstText = await readFile(join(dir, 'module.sig'), 'utf8');

    await writeFile(join(dir, 'Small.class.php'), '<?php\n// changed\n');
    await writeFile(join(dir, 'added.php'), '<?php\n// added\n');
    const r = sign(dir);
    assert.equal(r.status, 0, r.stderr);
    const second = await stat(join(dir, 'module.sig'));
    assert.notEqual(second.ino, first.ino, 'module.sig is a new file renamed over the old one, not rewritten in place');
    assert.notEqual(await readFile(join(dir, 'module.sig'), 'utf8'), firstText);
    assert.deepEqual((await readdir(dir)).sort(), ['Small.class.php', 'added.php', 'module.sig', 'module.xml']);

    const sig = await readSig(dir);
    assert.deepEqual(sig.hashes, [
      { path: 'Small.class.php', digest: sha256('<?php\n// changed\n') },
      { path: 'added.php', digest: sha256('<?php\n// added\n') },
      { path: 'module.xml', digest: sha256(SMALL['module.xml'] ?? '') },
    ]);
    assert.equal(verify(dir).status, 0);
  });

  describe('refuses bad input: exit 2, a message naming the file, no stack trace, the module untouched', () => {
    interface BadCase {
      readonly what: string;
      readonly skip?: string | false;
      /** Breaks the module (after module.sig is in place). */
      readonly setup?: (dir: string) => Promise<void>;
      readonly args: (dir: string) => string[];
      /** One regex per line of stderr. */
      readonly lines: (dir: string) => RegExp[];
    }

    const cases: BadCase[] = [
      {
        what: 'a wrong passphrase',
        args: (dir) => ['sign', dir, '--key', devSecret, '--passphrase-file', wrongPassFile],
        lines: () => [new RegExp(`^pbxsig: wrong passphrase for the secret key in ${escape(devSecret)}$`)],
      },
      {
        what: 'a protected key, no --passphrase-file and no terminal',
        args: (dir) => ['sign', dir, '--key', devSecret],
        lines: () => [
          new RegExp(
            `^pbxsig: the secret key in ${escape(devSecret)} is protected by a passphrase: give --passphrase-file`,
          ),
        ],
      },
      {
        what: 'a passphrase file that does not exist',
        args: (dir) => ['sign', dir, '--key', devSecret, '--passphrase-file', join(root, 'no-such-passphrase')],
        lines: () => [
          new RegExp(`^pbxsig: passphrase file ${escape(join(root, 'no-such-passphrase'))}: does not exist`),
        ],
      },
      {
        what: 'a public key given as --key',
        args: (dir) => ['sign', dir, '--key', devPublic, '--passphrase-file', passFile],
        lines: () => [new RegExp(`^pbxsig: key file ${escape(devPublic)} holds a public key, not a secret key`)],
      },
      {
        what: 'a missing module directory',
        args: (dir) => ['sign', join(dir, 'no-such-module'), '--key', masterSecret],
        lines: (dir) => [
          new RegExp(`^pbxsig: module directory ${escape(join(dir, 'no-such-module'))}: does not exist$`),
        ],
      },
      {
        what: 'a file given as the module directory',
        args: (dir) => ['sign', join(dir, 'module.xml'), '--key', masterSecret],
        lines: (dir) => [new RegExp(`^pbxsig: module directory ${escape(join(dir, 'module.xml'))}: not a directory$`)],
      },
      {
        what: 'a file name FreePBX cannot list (PHP rejects the whole manifest for a "(")',
        setup: (dir) => writeFile(join(dir, 'report(1).php'), '<?php\n'),
        args: (dir) => ['sign', dir, '--key', devSecret, '--passphrase-file', passFile],
        lines: (dir) => [
          new RegExp(`^pbxsig: refusing to sign ${escape(dir)}: it holds what is not part of the module$`),
          /^ {2}\(manifest\): file name FreePBX cannot list: .*report\(1\)\.php.* contains "\("/,
        ],
      },
      {
        what: 'a value FreePBX cannot read back (a "(" in --signed-by)',
        setup: () => Promise.resolve(),
        args: (dir) => ['sign', dir, '--key', devSecret, '--passphrase-file', passFile, '--signed-by', 'Jane (QA)'],
        lines: () => [
          /^pbxsig: --signed-by "Jane \(QA\)": PHP's INI parser cannot read it \(.*\); nothing was signed$/,
        ],
      },
      {
        what: 'a line break in --signed-by (it would add a [config] key of its own)',
        setup: () => Promise.resolve(),
        args: (dir) => [
          'sign',
          dir,
          '--key',
          devSecret,
          '--passphrase-file',
          passFile,
          '--signed-by',
          'x\nexpiresafter=1',
        ],
        lines: () => [/^pbxsig: --signed-by "x\\nexpiresafter=1": holds a control character .*; nothing was signed$/],
      },
      {
        what: 'a --repo PHP reads as another value ("yes" is "1")',
        setup: () => Promise.resolve(),
        args: (dir) => ['sign', dir, '--key', devSecret, '--passphrase-file', passFile, '--repo', 'yes'],
        lines: () => [/^pbxsig: --repo "yes": PHP reads it as "1"; nothing was signed$/],
      },
      {
        what: 'a file name PHP reads differently (a leading space)',
        setup: (dir) => writeFile(join(dir, ' notes.txt'), 'x\n'),
        args: (dir) => ['sign', dir, '--key', devSecret, '--passphrase-file', passFile],
        lines: (dir) => [
          new RegExp(`^pbxsig: refusing to sign ${escape(dir)}: it holds what is not part of the module$`),
          /^ {3}notes\.txt: file name FreePBX cannot list: PHP reads this name differently$/,
        ],
      },
      {
        what: 'a read-only module.sig (mode 0444)',
        setup: (dir) => chmod(join(dir, 'module.sig'), 0o444),
        args: (dir) => ['sign', dir, '--key', masterSecret],
        lines: (dir) => [
          new RegExp(`^pbxsig: ${escape(join(dir, 'module.sig'))} is read-only; make it writable to replace it$`),
        ],
      },
      {
        what: 'a FIFO in the module',
        skip: HAVE_MKFIFO ? false : 'mkfifo is not available',
        setup: async (dir) => {
          await mkdir(join(dir, 'run'));
          assert.equal(spawnSync('mkfifo', [join(dir, 'run', 'events.fifo')]).status, 0);
        },
        args: (dir) => ['sign', dir, '--key', masterSecret],
        lines: (dir) => [
          new RegExp(`^pbxsig: refusing to sign ${escape(dir)}: `),
          /^ {2}run\/events\.fifo: not a regular file/,
        ],
      },
      {
        what: 'the temporary module.sig an interrupted sign left (it would be signed into the module)',
        setup: (dir) => writeFile(join(dir, '.module.sig.30508.4f0b9454.tmp'), ''),
        args: (dir) => ['sign', dir, '--key', masterSecret],
        lines: (dir) => [
          new RegExp(`^pbxsig: refusing to sign ${escape(dir)}: `),
          /^ {2}\.module\.sig\.30508\.4f0b9454\.tmp: left by an interrupted sign \(a temporary module\.sig\): remove it$/,
        ],
      },
      {
        what: 'a link to a file outside the module',
        setup: async (dir) => {
          await writeFile(join(root, 'outside.php'), '<?php // not part of the module\n');
          await symlink(join(root, 'outside.php'), join(dir, 'escape.php'));
        },
        args: (dir) => ['sign', dir, '--key', masterSecret],
        lines: (dir) => [
          new RegExp(`^pbxsig: refusing to sign ${escape(dir)}: `),
          /^ {2}escape\.php: .*outside\.php.*outside/,
        ],
      },
      {
        what: 'a link to a directory outside the module',
        setup: async (dir) => {
          await writeFiles(join(root, 'outside-dir'), { 'shared.php': '<?php\n' });
          await symlink('../../outside-dir', join(dir, 'shared'));
        },
        args: (dir) => ['sign', dir, '--key', masterSecret],
        lines: (dir) => [
          new RegExp(`^pbxsig: refusing to sign ${escape(dir)}: `),
          /^ {2}shared: link to .*outside-dir, outside the module$/,
        ],
      },
      {
        what: 'a dangling link',
        setup: (dir) => symlink('no-such-file.php', join(dir, 'gone.php')),
        args: (dir) => ['sign', dir, '--key', masterSecret],
        lines: (dir) => [new RegExp(`^pbxsig: refusing to sign ${escape(dir)}: `), /^ {2}gone\.php: dangling link$/],
      },
      {
        what: 'a file it may not read',
        skip: IS_ROOT ? 'running as root: file permissions do not stop root' : false,
        setup: async (dir) => {
          await writeFile(join(dir, 'secret.php'), '<?php\n');
          await chmod(join(dir, 'secret.php'), 0);
        },
        args: (dir) => ['sign', dir, '--key', masterSecret],
        lines: (dir) => [
          new RegExp(`^pbxsig: refusing to sign ${escape(dir)}: `),
          /^ {2}secret\.php: .*(EACCES|permission denied)/,
        ],
      },
      {
        what: 'an unknown option',
        args: (dir) => ['sign', dir, '--key', masterSecret, '--frobnicate'],
        lines: () => [/^pbxsig: unknown option --frobnicate$/, /^Run 'pbxsig sign --help' for usage\.$/],
      },
      {
        what: 'no --key',
        args: (dir) => ['sign', dir],
        lines: () => [/^pbxsig: missing --key$/, /^Run 'pbxsig sign --help' for usage\.$/],
      },
      {
        what: 'an --expires-after that is no time',
        args: (dir) => ['sign', dir, '--key', masterSecret, '--expires-after', 'soon'],
        lines: () => [
          /^pbxsig: --expires-after: expected a date .* got "soon"$/,
          /^Run 'pbxsig sign --help' for usage\.$/,
        ],
      },
    ];

    for (const c of cases) {
      it(c.what, { skip: c.skip ?? false }, async () => {
        const dir = await makeModule(`bad-${c.what.replace(/\W+/g, '-')}`, SMALL);
        await copyFile(smallSig, join(dir, 'module.sig'));
        if (c.setup) await c.setup(dir);
        const beforeRun = await snapshot(dir);

        const r = pbxsig(...c.args(dir));
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.equal(r.stdout, '');
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        const lines = r.stderr.replace(/\n$/, '').split('\n');
        const expected = c.lines(dir);
        assert.equal(lines.length, expected.length, r.stderr);
        expected.forEach((pattern, i) => assert.match(lines[i] ?? '', pattern));

        assert.deepEqual(await snapshot(dir), beforeRun, 'nothing in the module changed');
        assert.equal(await readFile(join(dir, 'module.sig'), 'utf8'), await readFile(smallSig, 'utf8'));
      });
    }
  });
});
