// A whole FreePBX installation of realistic shape, for the cold-process suites: what `pbxsig verify
// --root ROOT` meets on a real FreePBX 17 host (design.md, "Measured on this hardware"):
//
//   - 35 modules under <webroot>/admin/modules, framework the largest manifest (about 30% of all files);
//   - file sizes log-normal (median 1.5 KB, p90 about 15 KB, p99 about 120 KB) plus a few big bundles
//     up to 2.4 MB, so the total (about 330 MB for 26,000 files) matches the real tree too;
//   - nested directories, a few names with spaces;
//   - framework's manifest lists its source tree (amp_conf/htdocs/..., amp_conf/bin/...) and the files
//     live where FreePBX's installer copied them (webroot, AMPBIN, ...); its astetc/, moh/ and
//     upgrades/ entries are listed but not installed, as FreePBX skips them;
//   - every module signed by a developer key certified by an anchor; both keys in BMO as <KEYID>.key.
//
// Every file on disk is listed by its module's manifest: no unlisted code, so a clean run exits 0.
// Deterministic: the same seed writes the same paths, sizes and bytes (keys and signatures differ
// from run to run, as openpgp makes fresh keys, but they do not change the work).

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BodyEntry } from '../src/sign/body.js';
import type { TestKey } from '../test/helpers/keys.js';
import { sha256, signModule, writeFiles } from '../test/helpers/modules.js';
import { fillRandom, logNormal, mulberry32, pick } from './prng.js';
import type { Random } from './prng.js';

/** FreePBX's default directory settings; written to etc/amportal.conf as a real host has them. */
export const SETTINGS = {
  AMPWEBROOT: '/var/www/html',
  AMPBIN: '/var/lib/asterisk/bin',
  AMPSBIN: '/usr/sbin',
  ASTAGIDIR: '/var/lib/asterisk/agi-bin',
  ASTVARLIBDIR: '/var/lib/asterisk',
} as const;

// Sizes. The log-normal body alone (sigma 1.75) gives the real median and p90; its mean (about 7 KB)
// is too small for the real 330 MB, which owes much to a few big JS bundles, fonts and images. So 0.4%
// of the files are such bundles, 800 KB to 2.4 MB, spread evenly in log space (not drawn at random:
// with about 100 of them, chance alone would swing the total by +-15%). The p99 stays near 120 KB.
const MEDIAN = 1500;
const SIGMA = 1.75;
export const MIN_SIZE = 30;
export const MAX_SIZE = Math.round(2.4 * 1024 * 1024);
const BUNDLE_SHARE = 0.004;
const BUNDLE_MIN = 800_000;

/** Real FreePBX 17 installation: 26k files, framework's manifest 8k of them. */
const FRAMEWORK_SHARE = 8000 / 26000;
/** Average files per directory; directories nest up to MAX_DEPTH below a module's tree root. */
const FILES_PER_DIR = 9;
const MAX_DEPTH = 6;
/** Share of file names with a space (real modules have a few; the peer's parser must cope). */
const SPACE_SHARE = 0.002;

// The 34 modules beside framework, with rough relative sizes (files) of a real FreePBX 17 install.
const MODULES: ReadonlyArray<readonly [string, number]> = [
  ['api', 14],
  ['ucp', 12],
  ['core', 10],
  ['backup', 8],
  ['userman', 7],
  ['sysadmin', 6],
  ['cdr', 5],
  ['pm2', 5],
  ['certman', 4],
  ['dashboard', 4],
  ['voicemail', 4],
  ['contactmanager', 4],
  ['calendar', 4],
  ['filestore', 3],
  ['sipsettings', 3],
  ['recordings', 3],
  ['cel', 3],
  ['music', 2],
  ['soundlang', 2],
  ['queues', 2],
  ['ivr', 2],
  ['ringgroups', 2],
  ['timeconditions', 2],
  ['findmefollow', 2],
  ['logfiles', 2],
  ['conferences', 1],
  ['featurecodeadmin', 1],
  ['callrecording', 1],
  ['announcement', 1],
  ['blacklist', 1],
  ['cidlookup', 1],
  ['daynight', 1],
  ['infoservices', 1],
  ['paging', 1],
];

// Directory and file names seen in FreePBX modules. No "modules": framework's web files must never
// land in <webroot>/admin/modules/<name>, where they would be unlisted files of that module.
const DIRS = [
  'assets',
  'js',
  'css',
  'images',
  'fonts',
  'less',
  'views',
  'page',
  'Api',
  'Rest',
  'Gql',
  'Console',
  'i18n',
  'de_DE',
  'fr_FR',
  'LC_MESSAGES',
  'vendor',
  'src',
  'lib',
  'Backup',
  'Restore',
  'Job',
  'Handlers',
  'Models',
  'Drivers',
  'classes',
  'templates',
  'widgets',
  'ucp',
  'functions',
  'Schema',
  'Type',
  'Resolver',
];
const STEMS = [
  'index',
  'Module',
  'helper',
  'main',
  'form',
  'grid',
  'Controller',
  'view',
  'messages',
  'icon',
  'bundle',
  'Service',
  'config',
  'table',
];
const EXTS = ['php', 'php', 'php', 'php', 'js', 'js', 'css', 'png', 'svg', 'po', 'mo', 'json', 'xml', 'html', 'tpl'];

// Framework's non-web parts, by real names. Installed into AMPBIN, AMPSBIN, ASTAGIDIR, sounds.
const FRAMEWORK_PLAIN = [
  'module.xml',
  'install.php',
  'uninstall.php',
  'functions.inc.php',
  'Framework.class.php',
  'LICENSE',
  'README.md',
];
const FRAMEWORK_BIN = [
  'retrieve_conf',
  'freepbx_engine',
  'module_admin',
  'gen_amp_conf.php',
  'archive_recordings',
  'freepbx_setting',
  'generate_hints.php',
  'fax-process.pl',
  'freepbx-cron-scheduler.php',
  'queue_reset_stats.php',
  'dumpastdb.php',
  'restoreastdb.php',
  'stoprecording.php',
  'one_touch_record.php',
].map((name) => `amp_conf/bin/${name}`);
const FRAMEWORK_SBIN = ['fwconsole', 'amportal'].map((name) => `amp_conf/sbin/${name}`);
const FRAMEWORK_AGI = [
  'dialparties.agi',
  'enumlookup.agi',
  'fixlocalprefix',
  'phpagi.php',
  'phpagi-asmanager.php',
  'list-item-remove.php',
].map((name) => `amp_conf/agi-bin/${name}`);
const FRAMEWORK_SOUNDS = ['en/beep.gsm', 'en/custom/readme.txt'].map((name) => `amp_conf/sounds/${name}`);
/** Listed by framework's manifest, never checked by FreePBX, so never installed here. */
const FRAMEWORK_SKIPPED = [
  ...[
    'extensions.conf',
    'features.conf',
    'iax.conf',
    'logger.conf',
    'manager.conf',
    'modules.conf',
    'musiconhold.conf',
    'sip.conf',
    'voicemail.conf',
    'indications.conf',
  ].map((n) => `amp_conf/astetc/${n}`),
  ...['default/macroform-cold_day.wav', 'default/macroform-robot_dity.wav'].map((n) => `amp_conf/moh/${n}`),
  ...[
    '16.0.1/migration.php',
    '16.0.2/migration.php',
    '17.0.1/migration.php',
    '17.0.2/migration.php',
    '17.0.3/migration.php',
  ].map((n) => `upgrades/${n}`),
];

export interface GeneratedModule {
  readonly name: string;
  /** Entries in module.sig's [hashes]. */
  readonly listed: number;
  /** Files written (listed and installed). */
  readonly files: number;
  readonly bytes: number;
}

export interface GeneratedInstallation {
  /** The installation's filesystem root (a snapshot: pass as --root). */
  readonly root: string;
  readonly modules: readonly GeneratedModule[];
  /** Every file written (what pbxsig hashes): count, bytes, sizes. */
  readonly files: number;
  readonly bytes: number;
  readonly sizes: readonly number[];
  /** Framework's manifest, by where its entries go. */
  readonly framework: {
    readonly listed: number;
    readonly webroot: number;
    readonly bin: number;
    readonly sbin: number;
    readonly agiBin: number;
    readonly sounds: number;
    readonly moduleDir: number;
    readonly skipped: number;
  };
  readonly nameWithSpace: number;
  /** Absolute paths of two installed files to tamper with: one of a plain module, one of framework's web files. */
  readonly tamperTargets: { readonly module: string; readonly frameworkWeb: string };
}

/** A knob for huge trees: the scaling suite's 500k files would be over 6 GB at real sizes. */
export interface InstallationScale {
  /** No file larger than this (the big bundles and the log-normal tail are cut to it); default none. */
  readonly maxFileBytes?: number;
  /**
   * No module with more files than this: framework is cut to it and the other modules repeat (api2,
   * ucp2, ...) until each fits. Default none: always 35 modules, so framework's manifest grows with
   * the tree (154,000 entries at 500,000 files, where the real one has 8,000).
   */
  readonly maxModuleFiles?: number;
}

/**
 * Writes an installation of about `totalFiles` files under `root`: 35 modules, signed by `developer`
 * (which `anchor` certifies), both public keys in BMO. Returns what was written, for checks and the report.
 */
export async function writeInstallation(
  root: string,
  seed: number,
  totalFiles: number,
  anchor: TestKey,
  developer: TestKey,
  scale: InstallationScale = {},
): Promise<GeneratedInstallation> {
  // Separate streams, so that e.g. a change in path drawing does not change every size and byte.
  const sizeRandom = mulberry32(seed);
  const layoutRandom = mulberry32(seed + 1);
  const writer = new TreeWriter(root, mulberry32(seed + 2));

  const frameworkFiles = Math.min(
    Math.round(totalFiles * FRAMEWORK_SHARE),
    scale.maxModuleFiles ?? Number.POSITIVE_INFINITY,
  );
  const moduleList = repeatedModules(totalFiles - frameworkFiles, scale.maxModuleFiles);
  const counts = splitByWeight(
    totalFiles - frameworkFiles,
    moduleList.map(([, weight]) => weight),
  );
  // The two key files are framework files with their own (real) sizes; every other file draws one.
  const sizes = drawSizes(sizeRandom, totalFiles - 2);
  let next = 0;
  const nextSize = (): number => {
    const size = sizes[next++];
    if (size === undefined) throw new Error('installation: ran out of drawn sizes');
    return Math.min(size, scale.maxFileBytes ?? size);
  };

  await writeFiles(root, {
    'etc/amportal.conf': `# FreePBX settings\n${Object.entries(SETTINGS)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  });
  const modulesDir = join(SETTINGS.AMPWEBROOT, 'admin/modules');
  const modules: GeneratedModule[] = [];
  let moduleTarget = '';

  for (const [index, [name]] of moduleList.entries()) {
    const count = counts[index] ?? 0;
    const moduleDir = join(modulesDir, name);
    // module.xml at the top as every module has, the rest in a nested tree.
    const paths = ['module.xml', ...treePaths(layoutRandom, '', count - 1)];
    const entries = paths.map((path) => writer.write(join(moduleDir, path), path, nextSize()));
    await signModule(join(root, moduleDir), developer, { entries });
    modules.push(summarize(name, entries.length, entries.length, writer.take()));
    if (name === 'core') moduleTarget = join(root, moduleDir, paths[paths.length - 1] ?? 'module.xml');
  }

  // Framework: the BMO key files are part of its web tree, as in the real one.
  const bmo = join(SETTINGS.AMPWEBROOT, 'admin/libraries/BMO');
  const keyEntries = [anchor, developer].map((key) =>
    writer.writeText(
      join(bmo, `${key.keyId}.key`),
      `amp_conf/htdocs/admin/libraries/BMO/${key.keyId}.key`,
      key.publicKey.armor(),
    ),
  );
  const fixed = [...FRAMEWORK_PLAIN, ...FRAMEWORK_BIN, ...FRAMEWORK_SBIN, ...FRAMEWORK_AGI, ...FRAMEWORK_SOUNDS];
  const webCount = frameworkFiles - fixed.length - keyEntries.length;
  const webPaths = treePaths(layoutRandom, 'amp_conf/htdocs/admin', webCount);
  const frameworkDir = join(modulesDir, 'framework');
  const entries: BodyEntry[] = [...keyEntries];
  for (const path of [...fixed, ...webPaths])
    entries.push(writer.write(installedAt(path, frameworkDir), path, nextSize()));
  // Skipped entries: listed with some digest, nothing on disk (FreePBX and pbxsig must not look).
  for (const path of FRAMEWORK_SKIPPED) entries.push({ path, digest: sha256(path) });
  await signModule(join(root, frameworkDir), developer, { entries });
  modules.push(summarize('framework', entries.length, entries.length - FRAMEWORK_SKIPPED.length, writer.take()));

  const written = writer.sizes;
  const webTarget = webPaths[Math.floor(webPaths.length / 2)] ?? 'amp_conf/htdocs/admin/index.php';
  return {
    root,
    modules: modules.sort((a, b) => a.name.localeCompare(b.name)),
    files: written.length,
    bytes: written.reduce((a, b) => a + b, 0),
    sizes: written,
    framework: {
      listed: entries.length,
      webroot: webPaths.length + keyEntries.length,
      bin: FRAMEWORK_BIN.length,
      sbin: FRAMEWORK_SBIN.length,
      agiBin: FRAMEWORK_AGI.length,
      sounds: FRAMEWORK_SOUNDS.length,
      moduleDir: FRAMEWORK_PLAIN.length,
      skipped: FRAMEWORK_SKIPPED.length,
    },
    nameWithSpace: writer.withSpace,
    tamperTargets: { module: moduleTarget, frameworkWeb: join(root, installedAt(webTarget, frameworkDir)) },
  };
}

/** MODULES, repeated under numbered names (api2, ...) as often as needed for no module to exceed `maxFiles` of `files`. */
function repeatedModules(files: number, maxFiles: number | undefined): ReadonlyArray<readonly [string, number]> {
  const totalWeight = MODULES.reduce((sum, [, weight]) => sum + weight, 0);
  const largest = Math.max(...MODULES.map(([, weight]) => weight));
  const copies = maxFiles === undefined ? 1 : Math.max(1, Math.ceil((files * largest) / totalWeight / maxFiles));
  const list: Array<readonly [string, number]> = [];
  for (let copy = 1; copy <= copies; copy++)
    for (const [name, weight] of MODULES) list.push([copy === 1 ? name : `${name}${copy}`, weight]);
  return list;
}

/** A small signed module (about `count` files), for timing process start-up rather than hashing. */
export async function writeSmallModule(
  dir: string,
  seed: number,
  count: number,
  developer: TestKey,
): Promise<{ files: number; bytes: number }> {
  const writer = new TreeWriter(dir, mulberry32(seed + 2));
  const sizes = drawSizes(mulberry32(seed), count - 1);
  const paths = ['module.xml', ...treePaths(mulberry32(seed + 1), '', count - 1)];
  const entries = paths.map((path, i) => writer.write(path, path, i === 0 ? 400 : (sizes[i - 1] ?? 1000)));
  await signModule(dir, developer, { entries });
  return { files: entries.length, bytes: writer.sizes.reduce((a, b) => a + b, 0) };
}

/** Where FreePBX installs framework's `path` (relative to the root), as BMO/Installer getDestination(). */
function installedAt(path: string, frameworkDir: string): string {
  const mapped: ReadonlyArray<readonly [string, string]> = [
    ['amp_conf/htdocs/', SETTINGS.AMPWEBROOT],
    ['amp_conf/bin/', SETTINGS.AMPBIN],
    ['amp_conf/sbin/', SETTINGS.AMPSBIN],
    ['amp_conf/agi-bin/', SETTINGS.ASTAGIDIR],
    ['amp_conf/sounds/', join(SETTINGS.ASTVARLIBDIR, 'sounds')],
  ];
  for (const [prefix, base] of mapped) if (path.startsWith(prefix)) return join(base, path.slice(prefix.length));
  return join(frameworkDir, path);
}

/** `count` FreePBX file sizes: the log-normal body plus the evenly spread big bundles, shuffled. */
export function drawSizes(random: Random, count: number): number[] {
  const bundles = Math.round(count * BUNDLE_SHARE);
  const sizes: number[] = [];
  for (let i = 0; i < bundles; i++)
    sizes.push(Math.round(BUNDLE_MIN * Math.exp(((i + random()) / bundles) * Math.log(MAX_SIZE / BUNDLE_MIN))));
  while (sizes.length < count)
    sizes.push(Math.round(Math.min(MAX_SIZE, Math.max(MIN_SIZE, logNormal(random, MEDIAN, SIGMA)))));
  // Fisher-Yates, so the bundles land in random modules and directories.
  for (let i = sizes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [sizes[i], sizes[j]] = [sizes[j] as number, sizes[i] as number];
  }
  return sizes;
}

/** Splits `total` by weight (at least 2 per part); the rounding remainder goes to the first part. */
function splitByWeight(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(2, Math.floor((total * w) / sum)));
  counts[0] = (counts[0] ?? 0) + total - counts.reduce((a, b) => a + b, 0);
  return counts;
}

/**
 * `count` unique file paths in a random tree under `base`: directories grow from random existing ones
 * (so some branches get deep, like vendor/ trees), files land in random directories.
 */
function treePaths(random: Random, base: string, count: number): string[] {
  const dirs = [base];
  const known = new Set(dirs);
  const wanted = Math.max(1, Math.round(count / FILES_PER_DIR));
  const baseDepth = base === '' ? 0 : base.split('/').length;
  while (dirs.length < wanted) {
    const parent = pick(random, dirs);
    const depth = parent === '' ? 0 : parent.split('/').length - baseDepth;
    if (depth >= MAX_DEPTH) continue;
    let dir = parent === '' ? pick(random, DIRS) : `${parent}/${pick(random, DIRS)}`;
    if (known.has(dir)) dir = `${dir}${dirs.length}`; // a new sibling rather than a retry loop
    known.add(dir);
    dirs.push(dir);
  }
  return Array.from({ length: count }, (_, i) => {
    const dir = pick(random, dirs);
    const stem = pick(random, STEMS);
    const name =
      random() < SPACE_SHARE ? `${stem} copy ${i}.${pick(random, EXTS)}` : `${stem}${i}.${pick(random, EXTS)}`;
    return dir === '' ? name : `${dir}/${name}`;
  });
}

/** Writes files with PRNG content under a root, hashing as it goes; counts what it wrote. */
class TreeWriter {
  readonly sizes: number[] = [];
  withSpace = 0;
  private readonly made = new Set<string>();
  private readonly buffer = new Uint8Array(MAX_SIZE);
  private pending: number[] = [];
  private readonly root: string;
  private readonly random: Random;

  constructor(root: string, random: Random) {
    this.root = root;
    this.random = random;
  }

  /** Writes `size` random bytes at `installed` (relative to the root); returns the manifest entry for `listed`. */
  write(installed: string, listed: string, size: number): BodyEntry {
    const content = this.buffer.subarray(0, size);
    fillRandom(this.random, content);
    return this.writeBytes(installed, listed, content);
  }

  writeText(installed: string, listed: string, text: string): BodyEntry {
    return this.writeBytes(installed, listed, Buffer.from(text));
  }

  /** The sizes written since the last take(): one module's worth. */
  take(): number[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  private writeBytes(installed: string, listed: string, content: Uint8Array): BodyEntry {
    const full = join(this.root, installed);
    const dir = dirname(full);
    // Synchronous on purpose: tens of thousands of small files, and no thread-pool hop per file.
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    writeFileSync(full, content);
    this.sizes.push(content.length);
    this.pending.push(content.length);
    if (listed.includes(' ')) this.withSpace++;
    return { path: listed, digest: createHash('sha256').update(content).digest('hex') };
  }
}

function summarize(name: string, listed: number, files: number, sizes: readonly number[]): GeneratedModule {
  return { name, listed, files, bytes: sizes.reduce((a, b) => a + b, 0) };
}
