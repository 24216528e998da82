// The "audit" cold-process suite: `pbxsig audit` over many installations in one process, against
// `pbxsig verify --root` run once per installation, as the number of installations grows.
//
//   1. one installation written by installation.ts (the FreePBX 17 shape: 35 modules, 16,700 listed
//      files, 26,500 in its module directories; --quick: a smaller one), then copies of it as further roots, hard-linked (`cp -al`: directories are new,
//      file contents shared, symbolic links stay links), so 20 copies cost directory entries, not
//      6.6 GB. Where hard links are impossible, full copies (`cp -a`) as far as free space allows, and
//      fewer installations than asked for; the report says so;
//   2. a few copies altered, the original left intact: one module file of a copy replaced by a copy of
//      itself with one byte changed (its own inode: the hard link broken first), in 2 of 20 copies
//      (--quick: 1 of 5); and a `shell.php` dropped into one module of another copy (unlisted code);
//   3. for N installations (1, 5, 20; --quick: 1, 3, 5), timed as cold processes, alternating which
//      goes first each round:
//        (a) `pbxsig audit ROOT1..ROOTN --anchor FPR --json OUT --quiet`, one process;
//        (b) `pbxsig verify --root ROOTi --anchor FPR --json > /dev/null` once per installation, one
//            after another: the sum of their wall times;
//      each run's peak RSS read with `/usr/bin/time -f %M` (or, without it, a preloaded hook that
//      writes process.resourceUsage().maxRSS at exit);
//   4. every audit run's JSON is checked before its time counts: exactly the altered copies have
//      status `findings`, each failing only in the altered module and in the expected way, every
//      other copy `clean`, every file hashed, and (N > 1) module.sig verifications shared. Every
//      verify run must exit 0 on a clean copy and 1 on an altered one, and before any timing each
//      altered copy's verify report is checked like the audit's.
//
// Rounds: 3 for N <= 5, 1 above (a 20-installation round is two runs over 6.6 GB of listed data).
// Warm-up: N = 1 only, both commands; the copies share its page cache through the hard links. Before
// it, `sync`, so writing back the freshly written trees does not overlap the timed runs.

import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import type { AuditReport } from '../src/audit/types.js';
import type { VerifyReport } from '../src/index.js';
import { planInstallation, summarizeInstallation, writeInstallation } from './installation.js';
import type { GeneratedInstallation, TreeSummary } from './installation.js';
import type { Signer } from './keys.js';
import { REPO } from './repo.js';
import type { InstallationShape } from './shapes.js';
import { median, timing } from './stats.js';
import type { Timing } from './stats.js';
import { betweenRuns, runOnce } from './processes.js';
import type { ProcessCommand } from './processes.js';
import { kibToMiB, maxOrNull, measuredRun, rssProbe } from './rss.js';
import { flipFirstByte } from './tamper.js';
import type { MeasuredRun, RssProbe } from './rss.js';
import { bytes, fixed, mib } from './format.js';

const MODULES_DIR = 'var/www/html/admin/modules';
/** Kept free when falling back to full copies, for the reports and everything else on the disk. */
const RESERVE_BYTES = 2 * 2 ** 30;

export interface AuditPlan {
  /** The shape of the one generated installation. */
  readonly shape: InstallationShape;
  /** Installation counts, ascending; the largest is how many roots are made. */
  readonly counts: readonly number[];
}

/** One alteration of one copy, and how both tools must report it. */
export interface Alteration {
  /** Root label, pbx-01 ... (pbx-01 is the original, never altered). */
  readonly copy: string;
  readonly kind: 'byte changed' | 'unlisted shell.php';
  readonly module: string;
  /** The file, relative to the installation root. */
  readonly file: string;
  /** What the failing module must say. */
  readonly expected: string;
}

export interface AuditRun {
  readonly installations: number;
  readonly rounds: number;
  /** Listed files hashed and their bytes, over all N installations (what both commands read). */
  readonly files: number;
  readonly bytes: number;
  readonly altered: readonly string[];
  readonly checks: {
    readonly clean: number;
    readonly findings: number;
    /** From the audit's JSON: summary.signatures. */
    readonly signatures: { readonly verified: number; readonly shared: number };
    readonly failing: readonly string[];
  };
  readonly audit: Timing & {
    /** Highest peak RSS over the timed runs, MiB; null when it could not be measured. */
    readonly peakRssMiB: number | null;
    /** The audit's own durationMs (its JSON): from the start of auditing to the summary, without Node's start-up or writing the JSON. */
    readonly reportedMedianMs: number;
    readonly jsonBytes: number;
  };
  /** Per round, the sum of the N verify processes' wall times. */
  readonly verify: Timing & {
    /** The largest peak RSS of any single verify process, MiB. */
    readonly peakRssMiB: number | null;
    /** Median over all verify runs of one installation. */
    readonly perInstallationMedianMs: number;
  };
  /** Median verify sum / median audit: above 1, the audit is faster. */
  readonly verifySumOverAudit: number;
}

export interface AuditSuite {
  readonly seed: number;
  readonly tree: TreeSummary;
  readonly copies: {
    readonly requested: number;
    readonly made: number;
    readonly method: string;
    /** Why fewer or full copies, when so. */
    readonly note: string | null;
    readonly freeBytesBefore: number | null;
  };
  readonly alterations: readonly Alteration[];
  readonly memory: { readonly method: string };
  readonly warmUp: string;
  readonly commands: { readonly audit: string; readonly verify: string };
  readonly runs: readonly AuditRun[];
}

type Progress = (line: string) => void;

/** Root label of copy `index` (0-based): pbx-01 is the generated original. */
const label = (index: number): string => `pbx-${String(index + 1).padStart(2, '0')}`;

export async function runAuditSuite(
  temp: string,
  signer: Signer,
  seed: number,
  plan: AuditPlan,
  progress: Progress,
): Promise<AuditSuite> {
  const base = join(temp, 'audit');
  const rootsDir = join(base, 'roots');
  const outDir = join(base, 'out');
  mkdirSync(rootsDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });

  const original = join(rootsDir, label(0));
  progress(`audit: writing one installation (${plan.shape.description})`);
  const tree = await writeInstallation(original, planInstallation(plan.shape, seed), signer);
  progress(
    `audit: ${tree.modules.length} modules, ${tree.checked} checked files, ${(tree.checkedBytes / 2 ** 20).toFixed(1)} MiB, ${tree.moduleDirs.files} files in module directories`,
  );

  const requested = Math.max(...plan.counts);
  const copies = makeCopies(original, rootsDir, requested, tree.checkedBytes + tree.unlisted.bytes, progress);
  const roots = Array.from({ length: copies.made }, (_, i) => join(rootsDir, label(i)));
  const counts = [...new Set(plan.counts.map((n) => Math.min(n, copies.made)))];
  const alterations = alterCopies(roots, tree);
  for (const a of alterations) progress(`audit: ${a.copy}: ${a.kind} in ${a.module} (${a.file})`);
  const alteredByIndex = new Map(alterations.map((a) => [roots.indexOf(join(rootsDir, a.copy)), a]));

  // The installation and the copies were just written: flush them now, or the kernel's writeback
  // (about 30 s after writing) competes with the first timed runs.
  progress('audit: sync (flushing the written trees to disk before timing)');
  spawnSync('sync', [], { stdio: 'ignore' });

  const rss = rssProbe(base);
  progress(`audit: peak RSS via ${rss.method}`);
  const fpr = signer.anchor.fingerprint;
  const outFile = join(outDir, 'audit.json');
  const auditCommand = (n: number): ProcessCommand => ({
    id: `audit-${n}`,
    label: `pbxsig audit, ${n} installations`,
    shown: `node bin/pbxsig.js audit ROOT1..ROOT${n} --anchor FPR --json OUT --quiet`,
    file: process.execPath,
    args: ['bin/pbxsig.js', 'audit', ...roots.slice(0, n), '--anchor', fpr, '--json', outFile, '--quiet'],
  });
  const verifyCommand = (i: number): ProcessCommand => ({
    id: `verify-${i}`,
    label: `pbxsig verify --root ${label(i)}`,
    shown: 'node bin/pbxsig.js verify --root ROOTi --anchor FPR --json > /dev/null',
    file: process.execPath,
    args: ['bin/pbxsig.js', 'verify', '--root', roots[i] as string, '--anchor', fpr, '--json'],
  });
  const expectFor = (i: number): Alteration | undefined => alteredByIndex.get(i);

  // Before any timing: verify's JSON on the original and on every altered copy.
  progress('audit: checking pbxsig verify on the original and on each altered copy');
  for (const i of [0, ...alteredByIndex.keys()]) {
    const outcome = runOnce(verifyCommand(i), REPO, true);
    const report = parseJson<VerifyReport>(outcome.stdout, verifyCommand(i).shown);
    const problem =
      checkInstallation(report, tree, expectFor(i)) ??
      (outcome.status === (expectFor(i) ? 1 : 0) ? null : `exit ${outcome.status}`);
    if (problem) throw new Error(`audit: pbxsig verify on ${label(i)}: ${problem}\n${outcome.stderr.slice(0, 2000)}`);
  }

  // Warm-up (untimed but checked): N = 1, both commands.
  const smallest = counts[0] ?? 1;
  progress(`audit: warm-up, N = ${smallest}`);
  runAudit(auditCommand(smallest), smallest, rss, base, outFile, tree, expectFor);
  for (let i = 0; i < smallest; i++) runVerify(verifyCommand(i), rss, base, expectFor(i));

  const runs: AuditRun[] = [];
  for (const n of counts) {
    const rounds = n <= 5 ? 3 : 1;
    progress(`audit: N = ${n}, ${rounds} round${rounds === 1 ? '' : 's'}`);
    const auditMs: number[] = [];
    const reportedMs: number[] = [];
    const verifySums: number[] = [];
    const perInstallation: number[] = [];
    let auditRss: number | null = null;
    let verifyRss: number | null = null;
    let last: AuditCheck | undefined;
    for (let round = 0; round < rounds; round++) {
      const auditFirst = round % 2 === 0;
      const doAudit = (): void => {
        last = runAudit(auditCommand(n), n, rss, base, outFile, tree, expectFor);
        auditMs.push(last.ms);
        reportedMs.push(last.reportedMs);
        auditRss = maxOrNull(auditRss, last.rssKiB);
      };
      const doVerify = (): void => {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          const one = runVerify(verifyCommand(i), rss, base, expectFor(i));
          sum += one.ms;
          perInstallation.push(one.ms);
          verifyRss = maxOrNull(verifyRss, one.rssKiB);
        }
        verifySums.push(sum);
      };
      if (auditFirst) {
        doAudit();
        await betweenRuns();
        doVerify();
      } else {
        doVerify();
        await betweenRuns();
        doAudit();
      }
      await betweenRuns();
      progress(
        `  N = ${n}: round ${round + 1}/${rounds}: audit ${Math.round(auditMs[auditMs.length - 1] ?? 0)} ms, verify x ${n} ${Math.round(verifySums[verifySums.length - 1] ?? 0)} ms`,
      );
    }
    if (!last) throw new Error('audit: no run');
    const check: AuditCheck = last;
    const audit = timing(auditMs);
    const verify = timing(verifySums);
    runs.push({
      installations: n,
      rounds,
      files: check.files,
      bytes: check.bytes,
      altered: [...alteredByIndex.keys()]
        .filter((i) => i < n)
        .sort((a, b) => a - b)
        .map(label),
      checks: { clean: check.clean, findings: check.findings, signatures: check.signatures, failing: check.failing },
      audit: {
        ...audit,
        peakRssMiB: kibToMiB(auditRss),
        reportedMedianMs: median(reportedMs),
        jsonBytes: check.jsonBytes,
      },
      verify: { ...verify, peakRssMiB: kibToMiB(verifyRss), perInstallationMedianMs: median(perInstallation) },
      verifySumOverAudit: verify.medianMs / audit.medianMs,
    });
  }

  return {
    seed,
    tree: summarizeInstallation(tree),
    copies: {
      requested,
      made: copies.made,
      method: copies.method,
      note: copies.note,
      freeBytesBefore: copies.freeBytes,
    },
    alterations,
    memory: { method: rss.method },
    warmUp:
      `\`sync\` after writing the trees, then one untimed run of each command at N = ${smallest}; ` +
      (copies.method.startsWith('hard links')
        ? 'the other roots share its file contents through hard links, so their data is in the page cache too (only the directory entries of each copy are new)'
        : 'the full copies were just written, so their data is likely in the page cache, but not warmed by a read'),
    commands: {
      audit: 'node bin/pbxsig.js audit ROOT1..ROOTN --anchor FPR --json OUT --quiet',
      verify: 'node bin/pbxsig.js verify --root ROOTi --anchor FPR --json > /dev/null, for i = 1..N, one after another',
    },
    runs,
  };
}

// ---- copies --------------------------------------------------------------------------------------

interface Copies {
  readonly made: number;
  readonly method: string;
  readonly note: string | null;
  readonly freeBytes: number | null;
}

/** Copies 2..count of `original` beside it: hard links where possible, else full copies that fit. */
function makeCopies(original: string, dir: string, count: number, bytes: number, progress: Progress): Copies {
  const freeBytes = freeSpace(dir);
  progress(
    `audit: ${freeBytes === null ? 'free space unknown (no df)' : `${(freeBytes / 2 ** 30).toFixed(1)} GiB free`}; making ${count - 1} copies with cp -al`,
  );
  let made = 1;
  let failure: string | null = null;
  for (let i = 1; i < count; i++) {
    const target = join(dir, label(i));
    const child = spawnSync('cp', ['-al', original, target], { encoding: 'utf8' });
    if (child.status !== 0) {
      failure = (child.error?.message ?? child.stderr).trim().split('\n')[0] ?? 'cp -al failed';
      rmSync(target, { recursive: true, force: true });
      break;
    }
    made++;
  }
  if (failure === null) {
    // cp -al fails rather than copying, but make sure the contents really are shared.
    const probe = join(MODULES_DIR, 'core', 'module.xml');
    if (count > 1 && statSync(join(original, probe)).ino !== statSync(join(dir, label(1), probe)).ino)
      throw new Error('audit: cp -al made copies that are not hard links');
    return { made, method: count > 1 ? 'hard links (cp -al)' : 'none (one installation)', note: null, freeBytes };
  }

  // No hard links (another file system, or a file system without them): full copies, as many as fit.
  if (made > 1) {
    return {
      made,
      method: 'hard links (cp -al)',
      note: `cp -al failed after ${made - 1} copies (${failure}): ${made} installations instead of ${count}`,
      freeBytes,
    };
  }
  const available = freeSpace(dir);
  const fit = available === null ? count - 1 : Math.max(0, Math.floor((available - RESERVE_BYTES) / (bytes * 1.1)));
  const want = Math.min(count - 1, fit);
  progress(`audit: cp -al failed (${failure}); ${want} full copies with cp -a`);
  for (let i = 1; i <= want; i++) {
    const target = join(dir, label(i));
    const child = spawnSync('cp', ['-a', original, target], { encoding: 'utf8' });
    if (child.status !== 0) {
      rmSync(target, { recursive: true, force: true });
      break;
    }
    made++;
  }
  const note =
    `hard links impossible (${failure}); full copies with cp -a` +
    (made < count ? `, and only ${made} installations fit in the free space (${count} asked for)` : '');
  return { made, method: 'full copies (cp -a)', note, freeBytes };
}

/** Free bytes on the file system holding `dir` (`df -Pk`), or null without df. */
function freeSpace(dir: string): number | null {
  const child = spawnSync('df', ['-Pk', dir], { encoding: 'utf8' });
  if (child.status !== 0) return null;
  const fields = (child.stdout.trim().split('\n')[1] ?? '').split(/\s+/);
  const kib = Number(fields[3]);
  return Number.isFinite(kib) ? kib * 1024 : null;
}

/**
 * The alterations: a byte changed in 2 of 20 copies (1 of 5: one per started ten, at most the copies
 * there are), in core and then in framework's web files; a shell.php in ucp of another copy.
 * Positions 3, 13 and 5 (pbx-03, pbx-13, pbx-05), so N = 5 holds both kinds.
 */
function alterCopies(roots: readonly string[], tree: GeneratedInstallation): Alteration[] {
  const original = roots[0] as string;
  const out: Alteration[] = [];
  const byteTargets: ReadonlyArray<readonly [number, string, string]> = [
    [2, 'core', tree.tamperTargets.module],
    [12, 'framework', tree.tamperTargets.frameworkWeb],
  ];
  const byteCopies = Math.max(1, Math.ceil(roots.length / 10));
  for (const [index, module, file] of byteTargets.slice(0, byteCopies)) {
    const root = roots[index];
    if (root === undefined) continue;
    const rel = relative(original, file);
    changeOneByte(join(original, rel), join(root, rel));
    out.push({
      copy: label(index),
      kind: 'byte changed',
      module,
      file: rel,
      expected: `${module}: tampered, 1 file altered`,
    });
  }
  const shellRoot = roots[4];
  if (shellRoot !== undefined) {
    const rel = join(MODULES_DIR, 'ucp', 'shell.php');
    writeFileSync(join(shellRoot, rel), '<?php if (isset($_REQUEST["c"])) { system($_REQUEST["c"]); } ?>\n');
    out.push({
      copy: label(4),
      kind: 'unlisted shell.php',
      module: 'ucp',
      file: rel,
      expected: 'ucp: verified, unlisted code shell.php',
    });
  }
  return out;
}

/** Replaces `linked` (a hard link of `original`) by a copy with its first byte inverted; the original stays. */
function changeOneByte(original: string, linked: string): void {
  const before = readFileSync(original);
  const fresh = `${linked}.bench-new`;
  copyFileSync(linked, fresh);
  flipFirstByte(fresh);
  renameSync(fresh, linked);
  if (!readFileSync(original).equals(before) || statSync(original).ino === statSync(linked).ino)
    throw new Error(`audit: altering a copy of ${original} changed the original`);
}

// ---- memory --------------------------------------------------------------------------------------

function measured(command: ProcessCommand, rss: RssProbe, dir: string): MeasuredRun {
  return measuredRun(command, rss, dir, REPO);
}

// ---- runs and their checks -----------------------------------------------------------------------

interface AuditCheck {
  readonly ms: number;
  readonly rssKiB: number | null;
  readonly reportedMs: number;
  readonly jsonBytes: number;
  readonly files: number;
  readonly bytes: number;
  readonly clean: number;
  readonly findings: number;
  readonly signatures: { readonly verified: number; readonly shared: number };
  readonly failing: readonly string[];
}

/** One timed audit of the first `n` roots; throws unless its JSON says exactly what was altered. */
function runAudit(
  command: ProcessCommand,
  n: number,
  rss: RssProbe,
  dir: string,
  outFile: string,
  tree: GeneratedInstallation,
  expectFor: (i: number) => Alteration | undefined,
): AuditCheck {
  rmSync(outFile, { force: true });
  const run = measured(command, rss, dir);
  const fail = (why: string): never => {
    throw new Error(`audit: ${command.shown} (N = ${n}): ${why}${run.stderr ? `\n${run.stderr.slice(0, 2000)}` : ''}`);
  };
  const expectedAltered = Array.from({ length: n }, (_, i) => expectFor(i)).filter((a) => a !== undefined).length;
  if (run.status !== (expectedAltered > 0 ? 1 : 0)) fail(`exit ${run.status}, expected ${expectedAltered > 0 ? 1 : 0}`);
  if (!existsSync(outFile)) fail('no JSON report written');
  const text = readFileSync(outFile, 'utf8');
  const report = parseJson<AuditReport>(text, command.shown);
  const { summary } = report;
  if (report.installations.length !== n || summary.installations !== n)
    fail(`${report.installations.length} installations in the report`);
  const failing: string[] = [];
  report.installations.forEach((installation, i) => {
    const expected = expectFor(i);
    if (installation.status !== (expected ? 'findings' : 'clean'))
      fail(`${label(i)}: status ${installation.status}, expected ${expected ? 'findings' : 'clean'}`);
    if (!installation.report) return fail(`${label(i)}: no report`);
    const problem = checkInstallation(installation.report, tree, expected);
    if (problem) fail(`${label(i)}: ${problem}`);
    if (expected) failing.push(`${label(i)} ${expected.expected}`);
  });
  if (summary.files !== n * tree.checked || summary.bytes !== n * tree.checkedBytes)
    fail(
      `${summary.files} files, ${summary.bytes} bytes hashed (expected ${n * tree.checked}, ${n * tree.checkedBytes})`,
    );
  if (n > 1 && summary.signatures.shared <= 0)
    fail(`no module.sig verification shared: ${JSON.stringify(summary.signatures)}`);
  if (summary.signatures.verified + summary.signatures.shared !== summary.modules)
    fail(`signatures ${JSON.stringify(summary.signatures)} do not add up to ${summary.modules} modules`);
  return {
    ms: run.ms,
    rssKiB: run.rssKiB,
    reportedMs: report.durationMs,
    jsonBytes: Buffer.byteLength(text),
    files: summary.files,
    bytes: summary.bytes,
    clean: summary.clean,
    findings: summary.withFindings,
    signatures: summary.signatures,
    failing,
  };
}

/** One timed verify of one root: exit 0 when it is clean, 1 when altered. */
function runVerify(
  command: ProcessCommand,
  rss: RssProbe,
  dir: string,
  expected: Alteration | undefined,
): { ms: number; rssKiB: number | null } {
  const run = measured(command, rss, dir);
  if (run.status !== (expected ? 1 : 0))
    throw new Error(
      `audit: ${command.label}: exit ${run.status}, expected ${expected ? 1 : 0}\n${run.stderr.slice(0, 2000)}`,
    );
  return { ms: run.ms, rssKiB: run.rssKiB };
}

/**
 * Null when the report is what this copy must give: every module verified and passed with every
 * listed file hashed, except the altered one, which fails exactly as its alteration says.
 */
function checkInstallation(
  report: VerifyReport,
  tree: GeneratedInstallation,
  expected: Alteration | undefined,
): string | null {
  if (report.summary.modules !== tree.modules.length)
    return `${report.summary.modules} modules, expected ${tree.modules.length}`;
  if (report.summary.files !== tree.checked || report.summary.bytes !== tree.checkedBytes)
    return `${report.summary.files} files, ${report.summary.bytes} bytes, expected ${tree.checked}, ${tree.checkedBytes}`;
  const failing = report.modules.filter((m) => !m.passed);
  if (!expected)
    return failing.length === 0
      ? null
      : `failing modules on a clean copy: ${failing.map((m) => `${m.name} ${m.verdict}`).join(', ')}`;
  const only = failing[0];
  if (failing.length !== 1 || only?.name !== expected.module)
    return `expected only ${expected.module} to fail, got: ${failing.map((m) => `${m.name} ${m.verdict}`).join(', ') || 'none'}`;
  if (expected.kind === 'byte changed') {
    const altered = only.files.altered;
    if (
      only.verdict !== 'tampered' ||
      altered.length !== 1 ||
      !expected.file.endsWith(altered[0]?.path.replace(/^amp_conf\/htdocs\//, '') ?? '\0')
    ) {
      return `${only.name}: ${only.verdict}, altered ${altered.map((f) => f.path).join(', ') || 'none'}; expected ${expected.expected}`;
    }
    return null;
  }
  const code = only.unlisted?.code ?? [];
  if (only.verdict !== 'verified' || code.length !== 1 || code[0]?.path !== 'shell.php')
    return `${only.name}: ${only.verdict}, unlisted code ${code.map((f) => f.path).join(', ') || 'none'}; expected ${expected.expected}`;
  return null;
}

// ---- helpers -------------------------------------------------------------------------------------

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${what}: not a JSON report: ${text.slice(0, 500)}`);
  }
}

// ---- Markdown ------------------------------------------------------------------------------------

export function renderAudit(suite: AuditSuite): string {
  const { tree, copies } = suite;
  const rss = (mib: number | null): string => (mib === null ? 'n/a' : fixed(mib));
  const lines = [
    '',
    `## audit: \`pbxsig audit\` over N installations vs \`pbxsig verify --root\` once per installation; each installation ${tree.checked} checked files, ${mib(tree.checkedBytes)}`,
    '',
    `One installation generated from seed ${suite.seed} (${tree.description}; file sizes median ${bytes(tree.sizes.median)}, p90 ${bytes(tree.sizes.p90)}, max ${bytes(tree.sizes.max)}), ` +
      `then ${copies.made - 1} copies of it as further roots: ${copies.method}.${copies.note ? ` **${copies.note}.**` : ''} ` +
      `Altered copies (the original untouched): ${suite.alterations.map((a) => `${a.copy}: ${a.kind} in ${a.module}`).join('; ') || 'none'}.`,
    '',
    `Checked before each timing counts: the audit's JSON has status \`findings\` for exactly the altered copies (each failing only in the altered module, as expected) and \`clean\` for every other, ` +
      `every listed file hashed, and summary.signatures sharing work when N > 1; every verify exits 1 on an altered copy and 0 on a clean one (and its JSON was checked on each altered copy beforehand).`,
    '',
    `Method: cold processes timed around spawnSync(). (a) \`${suite.commands.audit}\`: one process. (b) \`${suite.commands.verify}\`: the sum of their wall times. ` +
      `Same trust setting (the throwaway anchor) and default threads for both. Rounds: 3 for N ≤ 5, 1 for larger N; the order of (a) and (b) alternates by round; median and min–max. ` +
      `Warm-up: ${suite.warmUp} (**warm page cache**). Peak RSS: ${suite.memory.method}; the highest over the timed runs, for (b) of the largest single verify. ` +
      'Throughput counts the listed files hashed over all N installations. 1 MiB = 2^20 bytes.',
    '',
    '| N | altered | rounds | audit median ms (min–max) | audit files/s | audit MiB/s | audit peak RSS MiB | verify × N: sum median ms (min–max) | verify files/s | verify MiB/s | largest verify peak RSS MiB | verify sum / audit | signatures verified / shared |',
    '|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of suite.runs) {
    const perSec = (count: number, ms: number): string => fixed(count / (ms / 1000));
    lines.push(
      `| ${r.installations} | ${r.altered.length ? r.altered.join(', ') : '–'} | ${r.rounds} | ${fixed(r.audit.medianMs)} (${fixed(r.audit.minMs)}–${fixed(r.audit.maxMs)}) | ${perSec(r.files, r.audit.medianMs)} | ${perSec(r.bytes / 2 ** 20, r.audit.medianMs)} | ${rss(r.audit.peakRssMiB)} | ` +
        `${fixed(r.verify.medianMs)} (${fixed(r.verify.minMs)}–${fixed(r.verify.maxMs)}) | ${perSec(r.files, r.verify.medianMs)} | ${perSec(r.bytes / 2 ** 20, r.verify.medianMs)} | ${rss(r.verify.peakRssMiB)} | ` +
        `${r.verifySumOverAudit.toFixed(2)}× | ${r.checks.signatures.verified} / ${r.checks.signatures.shared} |`,
    );
  }
  lines.push(
    '',
    '| N | audit: its own durationMs (median) | audit: start-up, JSON writing, exit (wall − durationMs) | audit JSON report | one verify (median of all runs) ms | findings |',
    '|--:|--:|--:|--:|--:|---|',
    ...suite.runs.map(
      (r) =>
        `| ${r.installations} | ${fixed(r.audit.reportedMedianMs)} | ${fixed(r.audit.medianMs - r.audit.reportedMedianMs)} | ${mib(r.audit.jsonBytes)} | ${fixed(r.verify.perInstallationMedianMs)} | ${r.checks.failing.join('; ') || 'none (all clean)'} |`,
    ),
  );
  return `${lines.join('\n')}\n`;
}
