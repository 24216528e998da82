// A whole FreePBX installation under a root directory, as `pbxsig verify --root ROOT` meets a real one:
// etc/amportal.conf with FreePBX's default directories, every module of a shape (shapes.ts) in
// <webroot>/admin/modules/<name> with its listed files, its unlisted ones and a module.sig signed by a
// developer key that an anchor certifies, and both public keys in BMO as <KEYID>.key.
//
// Framework, as FreePBX installs it: its manifest lists its source tree (amp_conf/htdocs/...,
// amp_conf/bin/...); each file lives where src/install/layout.ts (FreePBX's getDestination()) maps it
// (the web root, AMPBIN, AMPSBIN, ASTAGIDIR, ASTVARLIBDIR/sounds), and also, as a separate copy, in
// framework's module directory, where the installer copied it from (cp -rf keeps the source). Its
// amp_conf/astetc/, amp_conf/moh/ and upgrades/ entries exist only there: FreePBX never checks them.
//
// Unlisted files (shapes.ts, tree.ts): translations, dotfiles, the node/ trees of api, pm2 and ucp,
// less caches and ucp's compiled bundles, each classified by pbxsig's own policy as it is written: no
// unlisted code anywhere, so the clean tree passes `--unlisted fail`. Framework's stock utests/ (real
// file names, random content) are listed rather than unlisted: a stock quirk is to be allowed only
// with its stock content, which random bytes are not, so unlisted they would fail the clean tree.
//
// Sizes follow sizes.ts; contents are random bytes, so every digest is real. Deterministic: the same
// shape and seed write the same paths, sizes and bytes (keys and signatures are fresh each run).

import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { destinationOf } from '../src/install/layout.js';
import { FREEPBX_DEFAULTS, SETTING_KEYS } from '../src/install/settings.js';
import type { SettingName } from '../src/install/settings.js';
import { codeByName, runtimeArea } from '../src/unlisted/policy.js';
import type { BenchKey } from './keys.js';
import { fillRandom, mulberry32 } from './prng.js';
import type { Random } from './prng.js';
import { writeModuleSig } from './sign.js';
import type { BodyEntry } from './sign.js';
import type { InstallationShape, ModuleShape } from './shapes.js';
import { MAX_SIZE, drawSizes } from './sizes.js';
import { sizeQuantiles } from './stats.js';
import type { SizeQuantiles } from './stats.js';
import { listedPaths, nodeModulesPaths, otherUnlistedPaths, words } from './tree.js';

export const SETTINGS = FREEPBX_DEFAULTS;
const MODULES_DIR = `${SETTINGS.webroot}/admin/modules`;

// Framework's fixed entries, by real names (FreePBX 14 to 17), beside its generated web tree.
const FRAMEWORK_MODULE_FILES = words(`
  module.xml install.php LICENSE README.md phpunit.xml hooks/README.md hooks/logrotate
  hooks/list-system-updates hooks/switch-asterisk-version hooks/update-language hooks/upgrade-all-module
`);
/** framework's utests/, by the names FreePBX 14 to 17 ship them (its module.sig does not list them). */
const FRAMEWORK_UTESTS = [
  'API/GQL/ModuleAdminGqlApiTest.php',
  'API/GQL/SystemAdminGglApiTest.php',
  'AstmanTest.php',
  'CronTest.php',
  'DBHelperTest.php',
  'DoctrineTest.php',
  'FwconsoleTest.php',
  'GPGTest.php',
  'InstallerTest.php',
  'LoadConfigTest.php',
  'MailTest.php',
  'ModulesTest.php',
  'PHPTest.php',
  'PKCSTest.php',
  'RealtimeTest.php',
  'RequestTest.php',
  'UpdatesTest.php',
  'ViewsTest.php',
  'WebTest.php',
  'genaccts.php',
].map((name) => `utests/${name}`);
const FRAMEWORK_MAPPED = [
  ...['amportal', 'freepbx_engine', 'freepbx_setting', 'fwconsole', 'generate_hints.php', 'retrieve_conf'].map(
    (name) => `amp_conf/bin/${name}`,
  ),
  ...['fwconsole', 'amportal'].map((name) => `amp_conf/sbin/${name}`),
  ...['phpagi.php', 'phpagi-asmanager.php'].map((name) => `amp_conf/agi-bin/${name}`),
  ...['en/beep.gsm', 'en/custom/readme.txt'].map((name) => `amp_conf/sounds/${name}`),
];
/** Listed, kept in the module directory only; FreePBX checks none of them. */
const FRAMEWORK_SKIPPED = [
  ...['extensions.conf', 'features.conf', 'iax.conf', 'logger.conf', 'manager.conf', 'modules.conf', 'sip.conf'].map(
    (name) => `amp_conf/astetc/${name}`,
  ),
  ...['default/macroform-cold_day.wav', 'default/macroform-robot_dity.wav'].map((name) => `amp_conf/moh/${name}`),
  ...['16.0.1/migration.php', '17.0.1/migration.php', '17.0.3/migration.php'].map((name) => `upgrades/${name}`),
];
const FRAMEWORK_FIXED = [...FRAMEWORK_MODULE_FILES, ...FRAMEWORK_UTESTS, ...FRAMEWORK_MAPPED, ...FRAMEWORK_SKIPPED];
/** Framework's web tree grows below this, as its real one does (admin/assets, admin/libraries, ...). */
const WEB_BASE = 'amp_conf/htdocs/admin';
const BMO = `${WEB_BASE}/libraries/BMO`;
/** The fixed entries' own directories (counted into framework's directories). */
const FRAMEWORK_FIXED_DIRS = 20;

export interface GeneratedModule {
  readonly name: string;
  /** Entries of its module.sig. */
  readonly listed: number;
  /** Listed files FreePBX (and pbxsig, and the peers) checks, and their bytes. */
  readonly checked: number;
  readonly checkedBytes: number;
  /** Files in its module directory that its manifest does not list. */
  readonly unlisted: number;
}

export interface GeneratedInstallation {
  /** The installation's filesystem root (pass as --root). */
  readonly root: string;
  readonly shape: string;
  readonly description: string;
  readonly modules: readonly GeneratedModule[];
  readonly listed: number;
  /** Listed files installed where FreePBX checks them: what pbxsig and every peer hash. */
  readonly checked: number;
  readonly checkedBytes: number;
  /** The size of each checked file. */
  readonly checkedSizes: readonly number[];
  /** Unlisted files by pbxsig's own classes (src/unlisted/policy.ts); never any code. */
  readonly unlisted: {
    readonly files: number;
    readonly runtime: number;
    readonly other: number;
    /** .js files under node/ (the run-time node_modules trees). */
    readonly nodeJs: number;
    readonly bytes: number;
  };
  /** Everything under <webroot>/admin/modules: files (module.sig included) and directories. */
  readonly moduleDirs: { readonly files: number; readonly directories: number };
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
  readonly namesWithSpace: number;
  /** Absolute paths to tamper with. */
  readonly tamperTargets: {
    /** A listed file of core. */
    readonly module: string;
    /** A framework web file where FreePBX checks it (the web root). */
    readonly frameworkWeb: string;
    /** The same file's source copy in framework's module directory, which FreePBX does not check. */
    readonly frameworkSource: string;
  };
}

export interface PlanOptions {
  /** No file larger than this (the scaling suite's huge trees); default none. */
  readonly maxFileBytes?: number;
}

export interface PlannedFile {
  /** Relative to the module directory (framework: its manifest path). */
  readonly path: string;
  readonly size: number;
  readonly executable: boolean;
}

export interface ModulePlan {
  readonly module: ModuleShape;
  /** Its manifest's entries, but framework's two BMO keys (their size is the key's). */
  readonly listed: readonly PlannedFile[];
  readonly unlisted: readonly PlannedFile[];
}

/** Every path and size of an installation, before anything is written: pure, seeded. */
export interface InstallationPlan {
  readonly shape: InstallationShape;
  readonly seed: number;
  readonly modules: readonly ModulePlan[];
}

export function planInstallation(shape: InstallationShape, seed: number, options: PlanOptions = {}): InstallationPlan {
  // Separate streams, so that e.g. a change in the paths does not change every size.
  const layout = mulberry32(seed + 1);
  const unlistedLayout = mulberry32(seed + 4);
  const unlistedSizes = mulberry32(seed + 3);
  const cap = options.maxFileBytes ?? MAX_SIZE;
  if (!shape.modules.some((m) => m.name === 'framework')) throw new Error(`shape ${shape.name} has no framework`);
  const paths = shape.modules.map((module) =>
    module.name === 'framework' ? frameworkPaths(layout, module) : modulePaths(layout, module),
  );
  // One stratified draw over every listed file of the installation: its quantiles are the real ones.
  const sizes = drawSizes(
    mulberry32(seed),
    paths.reduce((sum, list) => sum + list.length, 0),
    cap,
  );
  let next = 0;
  const modules = shape.modules.map((module, i) => {
    const listed = (paths[i] ?? []).map((path) => ({
      path,
      size: sizes[next++] ?? 1,
      executable: module.name === 'framework' && isScript(path),
    }));
    const generated = [
      ...otherUnlistedPaths(module.name, module.unlisted).map((path) => ({ path, executable: false })),
      ...nodeModulesPaths(unlistedLayout, module.unlisted.nodeModules),
    ];
    const unlistedSizesOfModule = drawSizes(unlistedSizes, generated.length, cap);
    const unlisted = generated.map((file, j) => ({ ...file, size: unlistedSizesOfModule[j] ?? 1 }));
    return { module, listed, unlisted };
  });
  return { shape, seed, modules };
}

/** What a plan puts into <webroot>/admin/modules: files (module.sig included) and directories. */
export function moduleDirStats(plan: InstallationPlan): { files: number; directories: number } {
  const dirs = new Set<string>();
  let files = 0;
  const add = (path: string): void => {
    files++;
    for (let dir = parentOf(path); dir !== '' && !dirs.has(dir); dir = parentOf(dir)) dirs.add(dir);
  };
  for (const { module, listed, unlisted } of plan.modules) {
    add(`${module.name}/module.sig`);
    for (const file of [...listed, ...unlisted]) add(`${module.name}/${file.path}`);
    // Framework's module directory also holds the source copy of the two BMO keys.
    if (module.name === 'framework') for (const key of ['anchor', 'developer']) add(`framework/${BMO}/${key}.key`);
  }
  return { files, directories: dirs.size };
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Writes `plan` under `root`, signed by `developer` (certified by `anchor`); returns what it wrote. */
export async function writeInstallation(
  root: string,
  plan: InstallationPlan,
  keys: { readonly anchor: BenchKey; readonly developer: BenchKey },
): Promise<GeneratedInstallation> {
  const writer = new TreeWriter(root, join(root, MODULES_DIR), mulberry32(plan.seed + 2));
  writer.writeText(
    'etc/amportal.conf',
    `# FreePBX settings\n${(Object.keys(SETTING_KEYS) as SettingName[]).map((name) => `${SETTING_KEYS[name]}=${SETTINGS[name]}`).join('\n')}\n`,
  );

  const modules: GeneratedModule[] = [];
  const checkedSizes: number[] = [];
  const counts = { files: 0, runtime: 0, other: 0, nodeJs: 0, bytes: 0 };
  const fw = { listed: 0, webroot: 0, bin: 0, sbin: 0, agiBin: 0, sounds: 0, moduleDir: 0, skipped: 0 };
  const targets = { module: '', frameworkWeb: '', frameworkSource: '' };
  let namesWithSpace = 0;
  for (const { module, listed, unlisted } of plan.modules) {
    const moduleDir = `${MODULES_DIR}/${module.name}`;
    const framework = module.name === 'framework';
    const entries: BodyEntry[] = [];
    let checkedBytes = 0;
    const check = (size: number): void => {
      checkedSizes.push(size);
      checkedBytes += size;
    };
    const checkedBefore = checkedSizes.length;

    if (framework) {
      for (const key of [keys.anchor, keys.developer]) {
        const path = `${BMO}/${key.keyId}.key`;
        const content = Buffer.from(key.publicKey.armor());
        writer.writeBytes(installedPath(path), content);
        writer.writeBytes(`${moduleDir}/${path}`, content);
        entries.push({ path, digest: sha256(content) });
        check(content.length);
        fw.webroot++;
      }
    }
    for (const file of listed) {
      const content = writer.random(file.size);
      writer.writeBytes(`${moduleDir}/${file.path}`, content, file.executable);
      entries.push({ path: file.path, digest: sha256(content) });
      if (file.path.includes(' ')) namesWithSpace++;
      if (!framework) {
        check(file.size);
        continue;
      }
      // Framework: also where FreePBX installed it, unless FreePBX never checks it.
      const destination = destinationOf('framework', file.path, SETTINGS);
      if (destination.kind === 'skip') {
        fw.skipped++;
        continue;
      }
      if (destination.path !== `${moduleDir}/${file.path}`)
        writer.writeBytes(destination.path, content, file.executable);
      check(file.size);
      fw[frameworkPart(file.path)]++;
    }
    if (framework) {
      fw.listed = entries.length;
      const web = listed.filter((f) => f.path.startsWith(`${WEB_BASE}/`));
      const target = (web[Math.floor(web.length / 2)] ?? listed[0])?.path ?? 'module.xml';
      targets.frameworkWeb = join(root, installedPath(target));
      targets.frameworkSource = join(root, moduleDir, target);
    } else if (module.name === 'core') {
      targets.module = join(root, moduleDir, listed[listed.length - 1]?.path ?? 'module.xml');
    }

    for (const file of unlisted) {
      // Judged by name and execute bit, as pbxsig judges before it reads a file: the generator must write
      // no unlisted code, or the clean tree would fail.
      const area = runtimeArea(file.path);
      const code = codeByName(file.path) ?? (file.executable && area !== 'node_modules' ? 'executable' : undefined);
      if (code !== undefined)
        throw new Error(
          `installation: unlisted ${module.name}/${file.path} would be code (${code}); the generator must not write it`,
        );
      const kind = area === undefined ? 'other' : 'runtime';
      writer.writeBytes(`${moduleDir}/${file.path}`, writer.random(file.size), file.executable);
      counts.files++;
      counts.bytes += file.size;
      counts[kind]++;
      if (file.path.startsWith('node/') && file.path.endsWith('.js')) counts.nodeJs++;
    }

    await writeModuleSig(join(root, moduleDir), entries, keys.developer.privateKey);
    writer.countModuleSig(`${moduleDir}/module.sig`);
    modules.push({
      name: module.name,
      listed: entries.length,
      checked: checkedSizes.length - checkedBefore,
      checkedBytes,
      unlisted: unlisted.length,
    });
  }
  if (targets.module === '') throw new Error(`shape ${plan.shape.name} has no core module to tamper with`);

  return {
    root,
    shape: plan.shape.name,
    description: plan.shape.description,
    modules,
    listed: modules.reduce((sum, m) => sum + m.listed, 0),
    checked: checkedSizes.length,
    checkedBytes: checkedSizes.reduce((a, b) => a + b, 0),
    checkedSizes,
    unlisted: counts,
    moduleDirs: { files: writer.moduleDirFiles, directories: writer.moduleDirDirs.size },
    framework: fw,
    namesWithSpace,
    tamperTargets: targets,
  };
}

/** module.xml at the top, as every module has, the rest in a tree. */
function modulePaths(random: Random, module: ModuleShape): string[] {
  return [
    'module.xml',
    ...listedPaths(random, '', { files: module.listed - 1, dirs: module.dirs, depth: module.depth }),
  ];
}

/** Framework's fixed entries, then its web tree (the two BMO keys come on top of these). */
function frameworkPaths(random: Random, framework: ModuleShape): string[] {
  const web = Math.max(1, framework.listed - FRAMEWORK_FIXED.length - 2);
  const base = WEB_BASE.split('/').length;
  return [
    ...FRAMEWORK_FIXED,
    ...listedPaths(random, WEB_BASE, {
      files: web,
      dirs: Math.max(1, framework.dirs - FRAMEWORK_FIXED_DIRS),
      depth: Math.max(1, framework.depth - base),
    }),
  ];
}

function installedPath(path: string): string {
  const destination = destinationOf('framework', path, SETTINGS);
  if (destination.kind === 'skip') throw new Error(`framework: ${path} is not installed`);
  return destination.path;
}

function frameworkPart(path: string): 'webroot' | 'bin' | 'sbin' | 'agiBin' | 'sounds' | 'moduleDir' {
  if (path.startsWith('amp_conf/htdocs/')) return 'webroot';
  if (path.startsWith('amp_conf/bin/')) return 'bin';
  if (path.startsWith('amp_conf/sbin/')) return 'sbin';
  if (path.startsWith('amp_conf/agi-bin/')) return 'agiBin';
  if (path.startsWith('amp_conf/sounds/')) return 'sounds';
  return 'moduleDir';
}

/** Framework's scripts carry an execute bit where they are installed, as on a real host. */
function isScript(path: string): boolean {
  return /^amp_conf\/(s?bin|agi-bin)\//.test(path) || path.startsWith('hooks/');
}

function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Writes files under a root with PRNG content, counting what lands in the modules directory. */
class TreeWriter {
  readonly moduleDirDirs = new Set<string>();
  moduleDirFiles = 0;
  readonly #root: string;
  readonly #modulesDir: string;
  readonly #content: Random;
  readonly #buffer = new Uint8Array(MAX_SIZE);
  readonly #made = new Set<string>();

  constructor(root: string, modulesDir: string, content: Random) {
    this.#root = root;
    this.#modulesDir = modulesDir;
    this.#content = content;
  }

  /** `size` random bytes (a view of one buffer: valid until the next call). */
  random(size: number): Uint8Array {
    const bytes = this.#buffer.subarray(0, size);
    fillRandom(this.#content, bytes);
    return bytes;
  }

  writeText(path: string, text: string): void {
    this.writeBytes(path, Buffer.from(text));
  }

  /** Writes `content` at `path` (relative to the root, or absolute inside it as layout.ts gives it). */
  writeBytes(path: string, content: Uint8Array, executable = false): void {
    const full = join(this.#root, path);
    const dir = dirname(full);
    // Synchronous on purpose: tens of thousands of small files, and no thread-pool hop per file.
    if (!this.#made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.#made.add(dir);
    }
    writeFileSync(full, content);
    if (executable) chmodSync(full, 0o755);
    this.#count(full);
  }

  /** module.sig is written by sign.ts; it still counts as a file of the module directory. */
  countModuleSig(path: string): void {
    this.#count(join(this.#root, path));
  }

  #count(full: string): void {
    if (!full.startsWith(`${this.#modulesDir}/`)) return;
    this.moduleDirFiles++;
    for (let dir = dirname(full); dir !== this.#modulesDir && !this.moduleDirDirs.has(dir); dir = dirname(dir))
      this.moduleDirDirs.add(dir);
  }
}

/** What a report keeps of a generated installation: counts and size quantiles, no paths. */
export interface TreeSummary {
  readonly shape: string;
  readonly description: string;
  readonly modules: number;
  readonly listed: number;
  readonly checked: number;
  readonly checkedBytes: number;
  readonly sizes: SizeQuantiles;
  readonly unlisted: GeneratedInstallation['unlisted'];
  readonly moduleDirs: GeneratedInstallation['moduleDirs'];
  readonly framework: GeneratedInstallation['framework'];
  readonly namesWithSpace: number;
  /** The five modules with the most listed files. */
  readonly largest: ReadonlyArray<{ readonly name: string; readonly listed: number }>;
}

export function summarizeInstallation(tree: GeneratedInstallation): TreeSummary {
  return {
    shape: tree.shape,
    description: tree.description,
    modules: tree.modules.length,
    listed: tree.listed,
    checked: tree.checked,
    checkedBytes: tree.checkedBytes,
    sizes: sizeQuantiles(tree.checkedSizes),
    unlisted: tree.unlisted,
    moduleDirs: tree.moduleDirs,
    framework: tree.framework,
    namesWithSpace: tree.namesWithSpace,
    largest: [...tree.modules]
      .sort((a, b) => b.listed - a.listed)
      .slice(0, 5)
      .map(({ name, listed }) => ({ name, listed })),
  };
}
