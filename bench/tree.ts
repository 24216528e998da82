// Paths of generated module trees. Pure: a seeded Random in, relative paths out (installation.ts,
// signing.ts and startup.ts write them).
//
//   listedPaths()       a module's own files: directories grow from existing ones (so some branches get
//                       deep, as vendor/ trees do) up to a depth, every leaf directory holds a file, and
//                       the rest land unevenly (a few directories hold many files, as real ones do);
//   nodeModulesPaths()  what npm leaves in node/ at run time: packages (a few scoped, a few nested),
//                       mostly .js, some executables;
//   otherUnlistedPaths()  the other files FreePBX modules hold unlisted (translations, caches, dotfiles).

import { normal, pick } from './prng.js';
import type { Random } from './prng.js';

/** The words of a text, split at whitespace: long lists of names, written compactly. */
export function words(text: string): string[] {
  return text.trim().split(/\s+/);
}

/** A module's unlisted files other than its node/ tree (shapes.ts's UnlistedShape has these too). */
export interface UnlistedCounts {
  /** i18n/<lang>/LC_MESSAGES/<module>.po and .mo per language, plus i18n/<module>.pot when above 0. */
  readonly languages: number;
  /** assets/less/cache/ (regenerated at run time). */
  readonly lessCache: number;
  /** htdocs/assets/{js,css}/compiled/ (ucp's generated bundles). */
  readonly compiled: number;
  /** Dotfiles such as .gitattributes and .langignore. */
  readonly dotfiles: number;
}

export interface TreeSpec {
  readonly files: number;
  /** Directories holding files, the base included (fewer when there are fewer files). */
  readonly dirs: number;
  /** Deepest directory level below the base. */
  readonly depth: number;
}

export interface GeneratedPath {
  readonly path: string;
  /** Needs an execute bit. */
  readonly executable: boolean;
}

// Names seen in FreePBX modules. None is "node", "i18n", "cache" or "compiled" (where unlisted files
// go), nor "modules" (framework's web files must never land in <webroot>/admin/modules/<name>).
const DIRS = words(`
  assets js css images fonts less views page Api Rest Gql Console vendor src lib Backup Restore Job Handlers
  Models Drivers classes templates widgets ucp functions Schema Type Resolver Composer symfony Component
  Tests Resources
`);
const STEMS = ['index', 'Module', 'helper', 'main', 'form', 'grid', 'Controller', 'view', 'Service', 'config', 'table'];
// About the mix of real manifests: mostly PHP, then JavaScript, JSON, Markdown, images, styles.
const EXTS = words(`
  php php php php php php php php js json md png svg css less xml
`);
/** Share of file names with a space (real modules have a few; the peers' parsers must cope). */
const SPACE_SHARE = 0.002;

/** `spec.files` unique file paths under `base` ("" for the module directory itself). */
export function listedPaths(random: Random, base: string, spec: TreeSpec): string[] {
  const at = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`);
  const wanted = spec.depth === 0 ? 1 : Math.max(1, Math.min(spec.dirs, spec.files));
  const dirs = [base];
  const depthOf = [0];
  const children = [0];
  const known = new Set(dirs);
  while (dirs.length < wanted) {
    const parentIndex = Math.floor(random() * dirs.length);
    const depth = (depthOf[parentIndex] ?? 0) + 1;
    if (depth > spec.depth) continue;
    const parent = dirs[parentIndex] as string;
    let dir = at(parent, pick(random, DIRS));
    if (known.has(dir)) dir = `${dir}${dirs.length}`; // a new sibling rather than a retry
    known.add(dir);
    dirs.push(dir);
    depthOf.push(depth);
    children.push(0);
    children[parentIndex] = (children[parentIndex] ?? 0) + 1;
  }
  // Every leaf directory gets a file (else it would not exist); the rest go by uneven weights.
  const leaves = dirs.filter((_, i) => children[i] === 0);
  const weights = dirs.map(() => Math.exp(1.2 * normal(random)));
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  const weighted = (): string => {
    const target = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return dirs[lo] as string;
  };
  return Array.from({ length: spec.files }, (_, i) => {
    const dir = i < leaves.length ? (leaves[i] as string) : weighted();
    const stem = pick(random, STEMS);
    const ext = pick(random, EXTS);
    return at(dir, random() < SPACE_SHARE ? `${stem} copy ${i}.${ext}` : `${stem}${i}.${ext}`);
  });
}

// npm packages as pm2, api and ucp pull them in (names only: their content is random bytes).
const PACKAGES = words(`
  async debug semver lodash chalk ws axios uuid yallist lru-cache ms tslib commander eventemitter2 source-map
  agent-base ansi-styles anymatch argparse ast-types balanced-match basic-ftp binary-extensions braces
  chokidar cron dayjs escodegen esprima fclone follow-redirects glob iconv-lite js-yaml minimatch mkdirp
  moment nssocket picomatch proxy-agent readdirp shimmer signal-exit socks sprintf-js express body-parser qs
  mime graphql jsonwebtoken socket.io engine.io xmlbuilder winston
`);
const SCOPES = ['@pm2', '@opencensus', '@socket.io', '@types', '@babel', '@tootallnate'];
// Files per package, and a lib/ for a fifth of them: these set how many directories the trees span.
// The real installation's module directories span about 4,800 in all; their listed files and i18n/
// take about 4,550 of them, which leaves few for node/ (fewer than real node_modules trees usually have).
const FILES_PER_PACKAGE = 50;
const IN_LIB = 0.2;
// Package files beyond package.json and index.js: about 5,200 of the three trees' 8,500 files are .js.
const PACKAGE_EXTS = words(`
  js js js js js js js js js js d.ts json md map ts txt
`);

/** `count` files under node/: the install's lock file and log, then node_modules/ packages. */
export function nodeModulesPaths(random: Random, count: number): GeneratedPath[] {
  const fixed = ['node/package-lock.json', 'node/logs/install.log', 'node/node_modules/.package-lock.json'];
  const out: GeneratedPath[] = fixed.slice(0, count).map((path) => ({ path, executable: false }));
  const rest = count - out.length;
  if (rest <= 0) return out;
  const packages = Math.max(1, Math.round(rest / FILES_PER_PACKAGE));
  const dirs: string[] = [];
  const used = new Set<string>();
  for (let i = 0; i < packages; i++) {
    let name = pick(random, PACKAGES);
    const r = random();
    if (r < 0.15) name = `${pick(random, SCOPES)}/${name}`;
    let dir = `node/node_modules/${name}`;
    // Nested: a second version of a package inside the one that needs it.
    if (r > 0.9 && dirs.length > 0) dir = `${pick(random, dirs)}/node_modules/${pick(random, PACKAGES)}`;
    if (used.has(dir)) dir = `${dir}-${i}`;
    used.add(dir);
    dirs.push(dir);
  }
  for (let i = 0; i < rest; i++) {
    const dir = dirs[i % packages] as string;
    const nth = Math.floor(i / packages);
    if (nth === 0) {
      out.push({ path: `${dir}/package.json`, executable: false });
      continue;
    }
    if (nth === 1) {
      out.push({ path: `${dir}/index.js`, executable: false });
      continue;
    }
    const u = random();
    // A few scripts, as real trees ship them (node_modules/ may hold them: they are not web code).
    if (u < 0.004) out.push({ path: `${dir}/bin/run${i}.sh`, executable: true });
    else if (u < 0.006) out.push({ path: `${dir}/scripts/gen${i}.py`, executable: true });
    else {
      const sub = u < 1 - IN_LIB ? '' : 'lib/';
      out.push({ path: `${dir}/${sub}file${i}.${pick(random, PACKAGE_EXTS)}`, executable: false });
    }
  }
  return out;
}

const LANGUAGES = words(`
  bg_BG cs de_DE es_ES fa_IR fr_FR he_IL hu_HU it_IT ja_JP nl_NL pl_PL pt_BR pt_PT ru_RU sv_SE tr_TR uk_UA
  vi_VN zh_CN zh_TW ar da_DK el_GR ko_KR nb_NO
`);

/** The module's unlisted files other than node/, by kind (translations, caches, dotfiles). */
export function otherUnlistedPaths(module: string, unlisted: UnlistedCounts): string[] {
  const out: string[] = [];
  if (unlisted.languages > 0) out.push(`i18n/${module}.pot`);
  for (let i = 0; i < unlisted.languages; i++) {
    const lang = i < LANGUAGES.length ? (LANGUAGES[i] as string) : `x${i}`;
    out.push(`i18n/${lang}/LC_MESSAGES/${module}.po`, `i18n/${lang}/LC_MESSAGES/${module}.mo`);
  }
  for (let i = 0; i < unlisted.lessCache; i++)
    out.push(`assets/less/cache/lessphp_${hex(i)}.${i % 2 === 0 ? 'list' : 'css'}`);
  for (let i = 0; i < unlisted.compiled; i++)
    out.push(
      i % 2 === 0
        ? `htdocs/assets/js/compiled/main/jsphpg_${hex(i)}.js`
        : `htdocs/assets/css/compiled/main/cssphpg_${hex(i)}.css`,
    );
  const dotfiles = ['.gitattributes', '.langignore', '.eslintrc', '.jshintrc'];
  for (let i = 0; i < unlisted.dotfiles; i++) out.push(dotfiles[i] ?? `.dotfile${i}`);
  return out;
}

/** A 32-digit hex name, as less and FreePBX's compilers name their output (derived from `i`). */
function hex(i: number): string {
  return ((i * 0x9e3779b1) >>> 0).toString(16).padStart(8, '0').repeat(4);
}
