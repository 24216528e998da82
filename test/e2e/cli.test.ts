// The command line as a user meets it: spawned, with exit codes, stdout, stderr and --json.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyReport } from '../../src/index.js';
import { certified, makeKey } from '../helpers/keys.js';
import { makeTempDir, signModule, writeFiles, writeKeys } from '../helpers/modules.js';
import { CLI } from '../helpers/paths.js';

function pbxsig(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let good: string;
let tampered: string;
let keys: string;
let anchorFile: string;
let cleanup: () => Promise<void>;

before(async () => {
  const temp = await makeTempDir();
  dir = temp.path;
  cleanup = temp.remove;
  const anchor = await makeKey('CLI Master');
  const developer = await certified(anchor, await makeKey('CLI Developer'));
  keys = join(dir, 'keys');
  await writeKeys(keys, { developer: developer.publicKey });
  await writeKeys(join(dir, 'anchor'), { master: anchor.publicKey });
  anchorFile = join(dir, 'anchor', 'master.asc');
  good = join(dir, 'good');
  tampered = join(dir, 'tampered');
  for (const m of [good, tampered]) {
    await writeFiles(m, { 'module.xml': '<module/>\n', 'Good.class.php': '<?php\n' });
    await signModule(m, developer);
  }
  await appendFile(join(tampered, 'Good.class.php'), 'eval($_POST["x"]);\n');
  // The master's public key must be loaded too, so that its certification can be checked.
  await writeKeys(keys, { master: anchor.publicKey });
});

after(async () => cleanup());

describe('pbxsig verify', () => {
  it('exits 0 and prints one "ok" line when every module verifies', () => {
    const r = pbxsig('verify', good, '--keys', keys, '--anchor', anchorFile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ok +good +verified +FreePBX 129/m);
    assert.match(r.stdout, /All 1 module verified/);
    assert.ok(!r.stdout.includes('\u001b['), 'no colour when stdout is not a terminal');
  });

  it('exits 1 and names the altered file when a module fails', () => {
    const r = pbxsig('verify', good, tampered, '--keys', keys, '--anchor', anchorFile);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^FAIL tampered +tampered +FreePBX 130/m);
    assert.match(r.stdout, /altered +Good\.class\.php/);
    assert.match(r.stdout, /1 of 2 modules failed/);
  });

  it('prints the documented JSON report with --json', () => {
    const r = pbxsig('verify', good, tampered, '--keys', keys, '--anchor', anchorFile, '--json', '--threads', '0');
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout) as VerifyReport;
    assert.equal(report.schema, 'pbxsig/report');
    assert.equal(report.version, 1);
    assert.equal(report.settings.threads, 0);
    assert.deepEqual(
      report.modules.map((m) => [m.name, m.verdict, m.freepbx.status]),
      [
        ['good', 'verified', 129],
        ['tampered', 'tampered', 130],
      ],
    );
    assert.deepEqual(report.summary, {
      modules: 2,
      verified: 1,
      failed: 1,
      unlistedCode: 0,
      files: 4,
      bytes: report.summary.bytes,
      verdicts: report.summary.verdicts,
    });
    assert.equal(report.modules[1]?.files.altered[0]?.path, 'Good.class.php');
  });

  it('accepts an anchor given as a fingerprint', () => {
    const report = JSON.parse(pbxsig('verify', good, '--keys', keys, '--anchor', anchorFile, '--json').stdout) as {
      settings: { anchors: string[] };
    };
    const fingerprint = report.settings.anchors[0] as string;
    const r = pbxsig('verify', good, '--keys', keys, '--anchor', fingerprint.replace(/(.{4})/g, '$1 ').trim());
    assert.equal(r.status, 0, r.stderr);
  });

  it("uses FreePBX's master keys when no anchor is given, so a demo-signed module is untrusted", () => {
    const r = pbxsig('verify', good, '--keys', keys);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /untrusted-signer/);
  });

  describe('when the input is wrong', () => {
    for (const [what, args, message] of [
      [
        'a missing module directory',
        ['verify', '/nonexistent/module'],
        /module directory \/nonexistent\/module: does not exist/,
      ],
      ['a file instead of a directory', ['verify', CLI], /not a directory/],
      [
        'no module directory where there is no installation',
        ['verify', '--root', CLI.replace(/\/bin\/pbxsig\.js$/, '')],
        /no FreePBX installation at .*admin\/modules does not exist/,
      ],
      [
        'module directories with installation options',
        ['verify', '.', '--root', '/'],
        /--root apply to an installation/,
      ],
      ['an unknown option', ['verify', '.', '--frobnicate'], /unknown option --frobnicate/],
      ['a bad --threads', ['verify', '.', '--threads', 'many'], /--threads: expected a number or "auto"/],
      ['a bad --engine', ['verify', '.', '--engine', 'gpu'], /Invalid values/],
      [
        'a malformed --anchor',
        ['verify', '.', '--anchor', 'abc123'],
        /trust anchor "abc123": expected a 40-hex-digit fingerprint/,
      ],
      ['a key file that is not a key', ['verify', '.', '--keys', CLI], /key file .*pbxsig\.js: not an OpenPGP key/],
      ['no command', [], /name a command/],
    ] as const) {
      it(`exits 2 with a clear message for ${what}, and no stack trace`, () => {
        const r = pbxsig(...args);
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stderr, message);
        assert.match(r.stderr, /^pbxsig: /);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
      });
    }
  });

  it('prints help that names the command, the options and the exit codes', () => {
    const r = pbxsig('verify', '--help');
    assert.equal(r.status, 0);
    for (const word of ['--keys', '--anchor', '--engine', '--threads', '--json', 'Exit status'])
      assert.ok(r.stdout.includes(word), word);
  });
});
