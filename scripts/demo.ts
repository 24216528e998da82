// `npm start`: runs pbxsig on the bundled samples exactly as a user would (output inherited), then
// says what each result shows, from a second run with --json:
//
//   1. the sample installation: `pbxsig verify --root fixtures/installation --anchor <demo master>`;
//   2. the sample modules: `pbxsig verify fixtures/modules/* --keys fixtures/keys --anchor <demo master>`.
//
// Exits 0 only when every sample got the verdict, FreePBX status and findings it exists to show;
// otherwise 1, naming the unexpected ones.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileFinding, ModuleReport, Verdict, VerifyReport } from '../src/report/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin/pbxsig.js');
const ANCHOR = 'fixtures/keys/demo-master.asc';

interface Expected {
  readonly verdict: Verdict;
  /** FreePBX's status for the same module. */
  readonly freepbx: number;
  /** Whether the module passes (the exit status counts it). */
  readonly passed: boolean;
  /** Unlisted code pbxsig must find (paths); none when absent. */
  readonly unlistedCode?: readonly string[];
  /** Listed files that must be reported, by kind; none of any other kind. */
  readonly altered?: readonly string[];
  readonly missing?: readonly string[];
  readonly unsafe?: readonly string[];
  /** Anything else this sample must show; returns what is wrong. */
  readonly check?: (m: ModuleReport) => string | undefined;
  /** One line: what the result shows. */
  readonly shows: (m: ModuleReport) => string;
}

const signer = (m: ModuleReport): string => m.signer?.userId?.replace(/ <.*>$/, '') ?? 'the signer';

const INSTALLATION: Readonly<Record<string, Expected>> = {
  core: {
    verdict: 'verified',
    freepbx: 129,
    passed: true,
    shows: (m) => `all ${m.files.matched} files as signed, by ${signer(m)}, whom the demo master certified`,
  },
  dashboard: {
    verdict: 'tampered',
    freepbx: 130,
    passed: false,
    altered: ['views/dashboard.php'],
    shows: () => 'views/dashboard.php had a PHP backdoor appended after signing: its SHA-256 no longer matches',
  },
  framework: {
    verdict: 'verified',
    freepbx: 129,
    passed: true,
    check: (m) =>
      m.files.skipped !== 3
        ? `${m.files.skipped} skipped files, expected 3`
        : m.files.viaSymlink !== 1
          ? `${m.files.viaSymlink} files via a link, expected 1`
          : m.unlisted?.otherSample.join() !== 'utests/phpunit.xml'
            ? 'utests/phpunit.xml not counted as an unlisted file that is not code'
            : undefined,
    shows: (m) =>
      `signed over its source tree (amp_conf/...); ${m.files.checked} files checked where FreePBX installed them\n` +
      `(web root, AMPBIN, ...), ${m.files.skipped} it never checks skipped (amp_conf/astetc/, moh/, upgrades/);\n` +
      'admin/images/spinner.gif: an absolute link, resolved inside --root; utests/phpunit.xml: unlisted, not code',
  },
  ucp: {
    verdict: 'verified',
    freepbx: 129,
    passed: true,
    check: (m) => ((m.unlisted?.runtime ?? 0) > 0 ? undefined : 'no run-time files counted under node/node_modules/'),
    shows: (m) =>
      `${m.unlisted?.runtime ?? 0} unlisted files in node/node_modules/, which FreePBX installs at run time: expected, no finding`,
  },
  voicemail: {
    verdict: 'verified',
    freepbx: 129,
    passed: false,
    unlistedCode: ['shell.php'],
    shows: () =>
      'signature and listed files intact, so FreePBX says 129 (all good); but a web shell,\nshell.php, was dropped in: unlisted code fails the module',
  },
};

const MODULES: Readonly<Record<string, Expected>> = {
  verified: {
    verdict: 'verified',
    freepbx: 129,
    passed: true,
    shows: (m) => `good signature by a certified developer key; all ${m.files.matched} files match`,
  },
  'altered-file': {
    verdict: 'tampered',
    freepbx: 130,
    passed: false,
    altered: ['page.demo.php'],
    shows: () => 'page.demo.php replaced by a web shell after signing',
  },
  'missing-file': {
    verdict: 'tampered',
    freepbx: 130,
    passed: false,
    missing: ['views/main.php'],
    shows: () => 'views/main.php deleted after signing',
  },
  'bad-signature': {
    verdict: 'bad-signature',
    freepbx: 2,
    passed: false,
    altered: ['LICENSE'],
    shows: () => 'one hex digit in module.sig changed: the signature fails, and the files are still checked',
  },
  'untrusted-signer': {
    verdict: 'untrusted-signer',
    freepbx: 7,
    passed: false,
    shows: () => 'a valid signature by a key the demo master never certified',
  },
  'revoked-signer': {
    verdict: 'revoked',
    freepbx: 64,
    passed: false,
    shows: () => "the master revoked its certification of the signer's key (2025-01-01)",
  },
  'expired-signer': {
    verdict: 'expired',
    freepbx: 33,
    passed: false,
    shows: () => 'signed on 2024-06-01 by a key that expired on 2025-01-01',
  },
  unsigned: { verdict: 'unsigned', freepbx: 8, passed: false, shows: () => 'no module.sig at all' },
  'unlisted-shell': {
    verdict: 'verified',
    freepbx: 129,
    passed: false,
    unlistedCode: ['shell.php'],
    shows: () => 'signed and intact (FreePBX: 129, all good), but shell.php was dropped in: pbxsig fails it',
  },
  'unsafe-symlink': {
    verdict: 'tampered',
    freepbx: 130,
    passed: false,
    unsafe: ['LICENSE'],
    shows: () => 'LICENSE is a link to /etc/hostname, outside the module: reported unsafe, never read',
  },
};

const say = (text = ''): void => void process.stdout.write(`${text}\n`);

/** Runs pbxsig with the user's terminal (as they would type it), then again with --json for us. */
function run(
  shownArgs: readonly string[],
  args: readonly string[],
): { status: number | null; report: VerifyReport | undefined; error: string } {
  say(`$ pbxsig ${shownArgs.join(' ')}`);
  const shown = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: 'inherit' });
  const json = spawnSync(process.execPath, [CLI, ...args, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  let report: VerifyReport | undefined;
  try {
    report = JSON.parse(json.stdout) as VerifyReport;
  } catch {
    report = undefined;
  }
  return {
    status: shown.status,
    report,
    error: json.stderr
      .split('\n')
      .filter((l) => !l.includes('ALERT'))
      .join('\n')
      .trim(),
  };
}

function paths(list: readonly FileFinding[] | undefined): string {
  return (list ?? [])
    .map((f) => f.path)
    .sort()
    .join(', ');
}

/** What is wrong with `m` for this sample, or an empty list. */
function problems(m: ModuleReport, want: Expected): string[] {
  const out: string[] = [];
  if (m.verdict !== want.verdict) out.push(`verdict ${m.verdict}, expected ${want.verdict}`);
  if (m.freepbx.status !== want.freepbx) out.push(`FreePBX ${m.freepbx.status}, expected ${want.freepbx}`);
  if (m.passed !== want.passed) out.push(m.passed ? 'passed, expected to fail' : 'failed, expected to pass');
  const lists: Array<[string, readonly FileFinding[] | undefined, readonly string[] | undefined]> = [
    ['unlisted code', m.unlisted?.code, want.unlistedCode],
    ['altered', m.files.altered, want.altered],
    ['missing', m.files.missing, want.missing],
    ['unsafe', m.files.unsafe, want.unsafe],
    ['unreadable', m.files.unreadable, undefined],
  ];
  for (const [label, got, expected] of lists) {
    const wanted = [...(expected ?? [])].sort().join(', ');
    if (paths(got) !== wanted) out.push(`${label}: [${paths(got)}], expected [${wanted}]`);
  }
  const extra = want.check?.(m);
  if (extra !== undefined) out.push(extra);
  return out;
}

/** Prints one line per sample; returns the names (with why) that did not show what they should. */
function explain(
  title: string,
  result: ReturnType<typeof run>,
  expected: Readonly<Record<string, Expected>>,
): string[] {
  const unexpected: string[] = [];
  if (result.status !== 1)
    unexpected.push(`the command exited ${result.status}, expected 1 (some sample modules fail on purpose)`);
  say(`(exit status ${result.status}${result.status === 1 ? ': some modules failed, as they are meant to' : ''})`);
  say();
  if (!result.report) {
    unexpected.push(`no JSON report${result.error ? `: ${result.error}` : ''}`);
    return unexpected;
  }
  say(title);
  const width = Math.max(...Object.keys(expected).map((n) => n.length)) + 1;
  const seen = new Set<string>();
  for (const m of result.report.modules) {
    seen.add(m.name);
    const want = expected[m.name];
    if (!want) {
      unexpected.push(`${m.name}: not a known sample`);
      continue;
    }
    const wrong = problems(m, want);
    if (wrong.length > 0) unexpected.push(`${m.name}: ${wrong.join('; ')}`);
    const text = `${wrong.length > 0 ? `UNEXPECTED (${wrong.join('; ')}) ` : ''}${want.shows(m)}`;
    say(`  ${m.name.padEnd(width)}${text.split('\n').join(`\n  ${''.padEnd(width)}`)}`);
  }
  for (const name of Object.keys(expected)) if (!seen.has(name)) unexpected.push(`${name}: not in the report`);
  say();
  return unexpected;
}

function main(): number {
  say('pbxsig demo. Everything here is signed with DEMO keys (fixtures/README.md): the demo master stands in');
  say("for FreePBX's master keys, which pbxsig trusts by default.");
  say();

  const installationArgs = ['verify', '--root', 'fixtures/installation', '--anchor', ANCHOR];
  const installation = run(installationArgs, installationArgs);
  const settings = installation.report?.installation?.settings['AMPWEBROOT'];
  const unexpected = explain(
    `What the installation shows (AMPWEBROOT ${settings?.value ?? '?'} from ${settings?.source ?? '?'}; keys from its admin/libraries/BMO/):`,
    installation,
    INSTALLATION,
  ).map((line) => `installation: ${line}`);

  const modules = readdirSync(join(ROOT, 'fixtures/modules'))
    .sort()
    .map((name) => `fixtures/modules/${name}`);
  const rest = ['--keys', 'fixtures/keys', '--anchor', ANCHOR];
  const samples = run(['verify', 'fixtures/modules/*', ...rest], ['verify', ...modules, ...rest]);
  unexpected.push(...explain('What each sample module shows:', samples, MODULES).map((line) => `modules: ${line}`));

  if (unexpected.length === 0) {
    say(
      `Every sample (${Object.keys(INSTALLATION).length} installed modules, ${Object.keys(MODULES).length} sample modules) got the result it exists to show.`,
    );
    return 0;
  }
  say(`${unexpected.length} unexpected result(s):`);
  for (const line of unexpected) say(`  ${line}`);
  return 1;
}

process.exitCode = main();
