// The command line as a user meets it: spawned, with exit codes, stdout, stderr and --json; through
// real pipes, a full device, a full file system and signals.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditReport } from '../../src/audit/types.js';
import type { VerifyReport } from '../../src/index.js';
import { buildInstallation } from '../helpers/installation.js';
import { certified, makeKey } from '../helpers/keys.js';
import type { TestKey } from '../helpers/keys.js';
import { makeTempDir, signModule, writeFiles, writeKeys } from '../helpers/modules.js';
import { CLI, REPO_ROOT } from '../helpers/paths.js';

function pbxsig(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** pbxsig's own exit status with its stdout piped into `reader` (a shell command), and its stderr. */
function throughPipe(args: readonly string[], reader: string): { status: number; stderr: string } {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  const r = spawnSync('bash', ['-c', `${command} 2>"$ERR" | ${reader}; exit "\${PIPESTATUS[0]}"`], {
    encoding: 'utf8',
    env: { ...process.env, ERR: join(dir, 'pipe-stderr.txt') },
  });
  return { status: r.status ?? -1, stderr: r.stderr };
}

const HAVE_BASH = spawnSync('bash', ['-c', 'true']).status === 0;
const IS_ROOT = process.getuid?.() === 0;

let dir: string;
let good: string;
let tampered: string;
let keys: string;
let anchorFile: string;
let anchor: TestKey;
let developer: TestKey;
let cleanup: () => Promise<void>;
/** An installation whose module "big" has all its 1,500 files altered: JSON output far over a pipe's 64 KiB. */
let installation: string;
let big: string;

before(async () => {
  const temp = await makeTempDir();
  dir = temp.path;
  cleanup = temp.remove;
  anchor = await makeKey('CLI Master');
  developer = await certified(anchor, await makeKey('CLI Developer'));
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

  installation = join(dir, 'installation');
  const files: Record<string, string> = { 'module.xml': '<module>big</module>\n' };
  for (let i = 0; i < 1500; i++) files[`views/page-${String(i).padStart(4, '0')}.php`] = `<?php // page ${i}\n`;
  await buildInstallation(installation, { anchor, developer, modules: { big: files } });
  big = join(installation, 'var/www/html/admin/modules/big');
  for (const name of Object.keys(files)) await appendFile(join(big, name), '// changed\n');
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

  it('counts only what failed a module in the footer: a directory named on the command line may be called anything', () => {
    // The samples' signed module.xml all name the module "demo"; each directory is named after its case.
    const samples = ['verified', 'unlisted-shell'].map((m) => join(REPO_ROOT, 'fixtures/modules', m));
    const anchor = join(REPO_ROOT, 'fixtures/keys/demo-master.asc');
    const r = pbxsig('verify', ...samples, '--keys', join(REPO_ROOT, 'fixtures/keys'), '--anchor', anchor);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^ok +verified +verified .*its signed module\.xml names it "demo"/m);
    assert.match(r.stdout, /^1 of 2 modules failed \(1 unlisted code file\):/m);
    assert.doesNotMatch(r.stderr, /signed as another module/);
  });

  it('keeps a small job on the main thread, and starts the lanes asked for with --threads', () => {
    // Two modules of a few files: their module.sig files list too few files for a worker lane to pay
    // for its start (src/cli/warm-start.ts), so none is started; --threads 2 still gets its lane.
    const small = pbxsig('verify', good, tampered, '--keys', keys, '--anchor', anchorFile, '--json');
    const asked = pbxsig('verify', good, tampered, '--keys', keys, '--anchor', anchorFile, '--json', '-j', '2');
    for (const [r, threads] of [
      [small, 1],
      [asked, 2],
    ] as const) {
      assert.equal(r.status, 1, r.stderr);
      const report = JSON.parse(r.stdout) as VerifyReport;
      assert.equal(report.settings.threads, threads);
      assert.deepEqual(
        report.modules.map((m) => m.verdict),
        ['verified', 'tampered'],
      );
    }
  });

  it('prints the documented JSON report with --json', () => {
    const r = pbxsig('verify', good, tampered, '--keys', keys, '--anchor', anchorFile, '--json', '--threads', '0');
    assert.equal(r.status, 1);
    const report = JSON.parse(r.stdout) as VerifyReport;
    assert.equal(report.schema, 'pbxsig/report');
    assert.equal(report.version, 1);
    // --threads 0 keeps the file work on the main thread: one thread.
    assert.equal(report.settings.threads, 1);
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
      ['two files instead of directories', ['verify', CLI, join(REPO_ROOT, 'package.json')], /not a directory/],
      [
        'no module directory where there is no installation',
        ['verify', '--root', CLI.replace(/\/bin\/pbxsig\.js$/, '')],
        /no FreePBX installation at .*admin\/modules does not exist/,
      ],
      [
        'module directories with installation options',
        ['verify', '.', '--root', '/'],
        /--root applies to an installation, not to module directories/,
      ],
      ['an unknown option', ['verify', '.', '--frobnicate'], /unknown option --frobnicate/],
      ['a bad --threads', ['verify', '.', '--threads', 'many'], /--threads: expected a number or "auto"/],
      ['a bad --engine', ['verify', '.', '--engine', 'gpu'], /^pbxsig: --engine "gpu": give one of auto, node, wasm$/m],
      ['an option without its value', ['verify', '.', '--keys'], /^pbxsig: --keys needs a value$/m],
      ['a short option without its value', ['verify', '.', '-j'], /^pbxsig: --threads needs a value$/m],
      [
        'a malformed --anchor',
        ['verify', '.', '--anchor', 'abc123'],
        /trust anchor "abc123": expected a 40-hex-digit fingerprint/,
      ],
      [
        'an --anchor key file that does not exist',
        ['verify', '.', '--anchor', 'master.pub.asc'],
        /trust anchor "master\.pub\.asc": no such key file, and not a fingerprint/,
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

describe('options in any order', () => {
  for (const [what, args, status] of [
    ['--keys before the directory', () => ['verify', '--keys', keys, good, '--anchor', anchorFile], 0],
    [
      'every option before the directories',
      () => ['verify', '--keys', keys, '--anchor', anchorFile, good, tampered],
      1,
    ],
    ['-k and --anchor= around the directory', () => ['verify', '-k', keys, tampered, `--anchor=${anchorFile}`], 1],
    ['--json before the directory', () => ['verify', '--json', '--keys', keys, '--anchor', anchorFile, good], 0],
  ] as const) {
    it(`verifies the directories named, not the installation at /: ${what}`, () => {
      const r = pbxsig(...args());
      assert.equal(r.status, status, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /installation at \//);
    });
  }

  it('audits the root named after --anchor (audit --anchor FPR ROOT)', () => {
    const r = pbxsig('audit', '--anchor', anchor.fingerprint, installation, '--json');
    assert.equal(r.status, 1, r.stderr);
    const report = JSON.parse(r.stdout) as AuditReport;
    assert.deepEqual(
      report.installations.map((i) => [i.root, i.status]),
      [[installation, 'findings']],
    );
  });

  it("makes verify '' a usage error, not the working directory", () => {
    const r = pbxsig('verify', '', '--keys', keys);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /^pbxsig: an empty argument where MODULE_DIR was expected\nRun 'pbxsig verify --help' for usage\.\n$/,
    );
  });
});

describe('when the reader of stdout goes away (EPIPE)', { skip: HAVE_BASH ? false : 'bash is not installed' }, () => {
  it('sends more than a pipe holds, so that the pipe really closes under it', () => {
    const r = pbxsig('verify', big, '--keys', keys, '--anchor', anchorFile, '--json');
    assert.equal(r.status, 1);
    assert.ok(r.stdout.length > 4 * 65_536, `${r.stdout.length} bytes`);
  });

  for (const reader of ['head -c1 >/dev/null', 'grep -q FAIL', 'true']) {
    it(`exits 1, never 0, when a module failed: pbxsig verify TAMPERED --json | ${reader}`, () => {
      const r = throughPipe(['verify', big, '--keys', keys, '--anchor', anchorFile, '--json'], reader);
      assert.equal(r.status, 1);
    });
  }

  it('exits 1 for a failing human report: pbxsig verify TAMPERED | head -c1', () => {
    assert.equal(
      throughPipe(['verify', tampered, '--keys', keys, '--anchor', anchorFile], 'head -c1 >/dev/null').status,
      1,
    );
  });

  it('exits 1 for audit --ndjson | head -c1', async () => {
    const r = throughPipe(['audit', installation, '--anchor', anchor.fingerprint, '--ndjson'], 'head -c1 >/dev/null');
    assert.equal(r.status, 1);
    assert.doesNotMatch(await readFile(join(dir, 'pipe-stderr.txt'), 'utf8'), /internal error|EPIPE/);
  });

  it('still writes the report file it was asked for', async () => {
    const report = join(dir, 'through-pipe.json');
    const r = throughPipe(
      ['verify', big, '--keys', keys, '--anchor', anchorFile, `--json=${report}`],
      'head -c1 >/dev/null',
    );
    assert.equal(r.status, 1);
    assert.equal((JSON.parse(await readFile(report, 'utf8')) as VerifyReport).summary.failed, 1);
  });
});

describe('when stdout cannot be written', () => {
  it('says so and exits 2: --json > /dev/full', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [CLI, 'verify', good, '--keys', keys, '--anchor', anchorFile, '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', full, 'pipe'],
      });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stderr, 'pbxsig: standard output: write failed: no space left on the device (ENOSPC)\n');
    } finally {
      closeSync(full);
    }
  });
});

describe('when stdout is a slow reader', () => {
  it('delivers the whole JSON before exiting', async () => {
    const child = spawn(process.execPath, [CLI, 'verify', big, '--keys', keys, '--anchor', anchorFile, '--json']);
    const chunks: Buffer[] = [];
    // Read a chunk, then let the writer wait for the next read.
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      child.stdout.pause();
      setImmediate(() => child.stdout.resume());
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 1);
    const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as VerifyReport;
    assert.equal(report.modules[0]?.files.altered.length, 1501);
  });
});

describe('when a file name holds control characters', () => {
  let odd: string;
  const FORGED = 'x\npbxsig: ALERT module core (/var/www/html/admin/modules/core): forged.php';
  const TITLE = '\u001b]0;owned\u0007.php';
  const CLEAR = '\u001b[2J\u001b[Hclear.php';

  before(async () => {
    odd = join(dir, 'odd');
    await writeFiles(odd, { 'module.xml': '<module/>\n', 'Odd.class.php': '<?php\n' });
    await signModule(odd, developer);
    await writeFiles(odd, { [FORGED]: '<?php\n', [TITLE]: '<?php\n', [CLEAR]: '<?php\n' });
  });

  it('escapes them in the human report and the alert: one ALERT line, no escape sequence', () => {
    const r = pbxsig('verify', odd, '--keys', keys, '--anchor', anchorFile);
    assert.equal(r.status, 1, r.stderr);
    // No control character but the line breaks of the output itself.
    for (const text of [r.stdout, r.stderr]) {
      const controls = [...text].filter((c) => c !== '\n' && (c < ' ' || c === '\u007f'));
      assert.deepEqual(controls, [], JSON.stringify(text));
    }
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('pbxsig: ALERT')).length, 1, r.stderr);
    assert.ok(r.stdout.includes('x\\npbxsig: ALERT module core'), r.stdout);
    assert.ok(r.stdout.includes('\\e]0;owned\\x07.php'), r.stdout);
    assert.ok(r.stderr.includes('\\e[2J\\e[Hclear.php'), r.stderr);
  });

  it('keeps them exact in the JSON report', () => {
    const r = pbxsig('verify', odd, '--keys', keys, '--anchor', anchorFile, '--json');
    const report = JSON.parse(r.stdout) as VerifyReport;
    assert.deepEqual(report.modules[0]?.unlisted?.code.map((f) => f.path).sort(), [CLEAR, TITLE, FORGED].sort());
  });

  it('escapes them in error messages', () => {
    const r = pbxsig('verify', join(dir, 'missing\npbxsig: ALERT forged'));
    assert.equal(r.status, 2);
    assert.deepEqual(
      r.stderr.split('\n').filter((l) => l.startsWith('pbxsig:')),
      [`pbxsig: module directory ${join(dir, 'missing\\npbxsig: ALERT forged')}: does not exist`],
    );
  });
});

describe('when the disk is full (a small tmpfs)', { skip: IS_ROOT ? false : 'needs root to mount a tmpfs' }, () => {
  let mount = '';
  let mounted = false;

  before(async () => {
    mount = join(dir, 'full');
    await mkdir(mount);
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', mount]).status === 0;
  });

  after(() => {
    if (mounted) spawnSync('umount', [mount]);
  });

  for (const [option, args] of [
    ['--json=FILE', (file: string) => ['verify', big, '--keys', keys, '--anchor', anchorFile, `--json=${file}`]],
    ['--report FILE', (file: string) => ['verify', big, '--keys', keys, '--anchor', anchorFile, '--report', file]],
    ['audit --html=FILE', (file: string) => ['audit', installation, '--anchor', anchor.fingerprint, `--html=${file}`]],
  ] as const) {
    it(`exits 2 naming the report, and leaves no temporary file: ${option}`, async (t) => {
      if (!mounted) {
        t.skip('mounting a tmpfs failed (no CAP_SYS_ADMIN here)');
        return;
      }
      const file = join(mount, 'report.out');
      const r = pbxsig(...args(file));
      assert.equal(r.status, 2, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^pbxsig: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot write: no space left on the device \\(ENOSPC\\)$`,
          'm',
        ),
      );
      assert.doesNotMatch(r.stderr, /internal error|\.tmp/);
      assert.deepEqual(await readdir(mount), []);
    });
  }
});

describe('when a signal stops a run', () => {
  // The CLI's own exit handling, in a process that is writing a report when the signal comes.
  const script = (signal: string, body: string): string => `
    const { installExitHandlers } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/src/cli/exit-cleanup.js'))});
    const { openAtomic } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/src/report/write-atomic.js'))});
    const { startProgress } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/src/cli/progress.js'))});
    installExitHandlers();
    ${body}
    process.kill(process.pid, ${JSON.stringify(signal)});
    setTimeout(() => {}, 60_000);`;

  for (const [signal, status] of [
    ['SIGHUP', 129],
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`removes a half-written report and exits ${status} on ${signal}`, async () => {
      const out = join(dir, `signal-${signal}`);
      await mkdir(out);
      const r = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          script(
            signal,
            `const file = await openAtomic(${JSON.stringify(join(out, 'report.json'))}); await file.write('{"half": ');`,
          ),
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, status, r.stderr);
      assert.equal(r.stderr, `pbxsig: stopped by ${signal}\n`);
      assert.deepEqual(await readdir(out), []);
    });
  }

  it('shows the terminal cursor again when Ctrl-C stops an audit with its progress line', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        script(
          'SIGINT',
          'Object.assign(process.stdout, { isTTY: true, columns: 80 }); await startProgress(5, process.stdout);',
        ),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 130, r.stderr);
    assert.ok(r.stdout.includes('\u001b[?25l'), 'the cursor was hidden');
    assert.ok(r.stdout.endsWith('\u001b[?25h'), JSON.stringify(r.stdout.slice(-40)));
  });
});

describe('everyday conventions', () => {
  it('prints the version for -V', () => {
    const r = pbxsig('-V');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('prints nothing with --status, and answers by the exit status', () => {
    for (const [module, status] of [
      [good, 0],
      [tampered, 1],
    ] as const) {
      const r = pbxsig('verify', module, '--keys', keys, '--anchor', anchorFile, '--status');
      assert.deepEqual([r.status, r.stdout, r.stderr], [status, '', '']);
    }
  });

  it('prints only the failing modules with --quiet', () => {
    const r = pbxsig('verify', good, tampered, '--keys', keys, '--anchor', anchorFile, '--quiet');
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^FAIL tampered/m);
    assert.doesNotMatch(r.stdout, /^ok /m);
    assert.match(r.stdout, /1 of 2 modules failed/);
  });

  it('writes --json=FILE and prints the human report', async () => {
    const file = join(dir, 'verify.json');
    const r = pbxsig('verify', good, '--keys', keys, '--anchor', anchorFile, `--json=${file}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /All 1 module verified/);
    assert.equal((JSON.parse(await readFile(file, 'utf8')) as VerifyReport).summary.verified, 1);
  });

  it('writes audit --ndjson=FILE whole, with the summary line last, and prints the summary', async () => {
    const file = join(dir, 'audit.ndjson');
    const r = pbxsig('audit', installation, '--anchor', anchor.fingerprint, `--ndjson=${file}`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^findings +/m);
    const lines = (await readFile(file, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string });
    // big and framework, then the installation, then the audit's summary.
    assert.deepEqual(
      lines.map((l) => l.type),
      ['module', 'module', 'installation', 'audit'],
    );
  });

  it('writes keys list --json=FILE and prints the keys', async () => {
    const file = join(dir, 'keys.json');
    const r = pbxsig('keys', 'list', '--keys', keys, `--json=${file}`, '--anchor', anchorFile);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /trust {6}trusted/);
    const listed = JSON.parse(await readFile(file, 'utf8')) as { anchors: string[] };
    assert.deepEqual(listed.anchors, [anchor.fingerprint]);
  });

  it('suggests the command meant, and points at the top help', () => {
    const r = pbxsig('verfy', good);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `pbxsig: unknown command "verfy"; did you mean "verify"?\nRun 'pbxsig --help' for usage.\n`);
  });

  it("points a usage error at the command's own help", () => {
    const r = pbxsig('keys', 'list', '--keys', keys, '--jsn');
    assert.equal(r.status, 2);
    assert.equal(
      r.stderr,
      `pbxsig: unknown option --jsn; did you mean --json?\nRun 'pbxsig keys list --help' for usage.\n`,
    );
  });

  it('refuses more hashing threads than 4 per core, saying why', () => {
    const r = pbxsig('verify', good, '--threads', '100000');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^pbxsig: --threads 100000: at most \d+ on this machine \(4 per core\)/);
  });

  it('prints a bash completion script', () => {
    const r = pbxsig('completion');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /complete -F _pbxsig pbxsig/);
  });
});

describe('pbxsig diff on a file that is not a report', () => {
  for (const [what, content, message] of [
    [
      'a report without installations',
      '{"schema": "pbxsig/audit", "version": 1, "startedAt": "x"}',
      /installations is not a list/,
    ],
    [
      'an installation without a root',
      '{"schema": "pbxsig/audit", "version": 1, "startedAt": "x", "installations": [{"status": "clean"}]}',
      /installations\[0\]\.root is not a string/,
    ],
    [
      'a verify report without modules',
      '{"schema": "pbxsig/report", "version": 1, "startedAt": "x"}',
      /modules is not a list/,
    ],
    ['another JSON document', '[1, 2]', /not a pbxsig report \(expected schema/],
    ['no JSON at all', 'not json', /not JSON/],
  ] as const) {
    it(`exits 2 naming the file and what is wrong: ${what}`, async () => {
      const file = join(dir, `not-a-report-${what.replace(/\W+/g, '-')}.json`);
      await writeFile(file, content);
      const r = pbxsig('diff', file, file);
      assert.equal(r.status, 2, r.stderr);
      assert.ok(r.stderr.startsWith(`pbxsig: ${file}: `), r.stderr);
      assert.match(r.stderr, message);
    });
  }

  it('refuses a FIFO at once, naming it (an open waiting for a writer would outlive Ctrl-C)', () => {
    const fifo = join(dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    const r = pbxsig('diff', fifo, fifo);
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, `pbxsig: ${fifo}: not a regular file\n`);
  });
});

describe('pbxsig audit writing into a root', () => {
  for (const option of ['--json', '--html']) {
    it(`names ${option} in its refusal`, () => {
      const r = pbxsig('audit', installation, `${option}=${join(installation, 'report.out')}`);
      assert.equal(r.status, 2);
      assert.match(r.stderr, new RegExp(`^pbxsig: ${option}=.*report\\.out: refusing to write inside`));
    });
  }
});

describe('when pbxsig cannot load its own code (a broken install)', () => {
  it('exits 3, an internal error, with one line: not 1, which a boot unit reads as a failed verification', async () => {
    const broken = join(dir, 'broken-install');
    await mkdir(join(broken, 'bin'), { recursive: true });
    await mkdir(join(broken, 'dist/cli'), { recursive: true });
    await writeFile(join(broken, 'bin/pbxsig.js'), await readFile(CLI));
    await writeFile(join(broken, 'package.json'), '{ "type": "module" }\n');
    const r = spawnSync(process.execPath, [join(broken, 'bin/pbxsig.js'), 'verify', '.'], { encoding: 'utf8' });
    assert.equal(r.status, 3);
    assert.match(r.stderr, /^pbxsig: internal error: its own code cannot be loaded \(.*\); reinstall pbxsig\n$/);
  });
});
