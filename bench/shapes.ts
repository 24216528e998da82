// The shapes of the installations the benchmark generates (installation.ts writes them): per module,
// how many files its manifest lists, in how many directories and how deep, and what else its module
// directory holds that the manifest does not list (what pbxsig's unlisted-file walk meets).
//
//   freepbx17  35 modules as on a real installed FreePBX 17: the counts are those of the public snapshot
//              Long-aa/PBX @eb1e410 (an installed web root, every module signed by FreePBX's mirror key):
//              16,685 listed files (framework 8,108), about 9,800 unlisted (i18n, three node_modules
//              trees installed at run time, generated caches), about 26,500 files in 4,800 directories;
//   freepbx14  15 modules, about 450 listed files: a small FreePBX 14 host (module sizes of the FreePBX
//              14 tarball in tiagosh/freepbx @916991b). Its framework is cut to a few dozen files: that
//              tarball's framework lists 3,696, but the hosts this shape stands for have about 450 files
//              in all (change FREEPBX14's framework line if a real one says otherwise);
//   freepbx16  120 modules: FreePBX 16 with commercial modules, the 35 above plus 85 smaller ones.
//
// scaleShape() grows or shrinks a shape for the scaling suite.

import { logNormal, mulberry32 } from './prng.js';
import { words } from './tree.js';
import type { UnlistedCounts } from './tree.js';

/** Files in a module directory that its manifest does not list (each kind as FreePBX leaves them). */
export interface UnlistedShape extends UnlistedCounts {
  /** Files under node/ (npm installs node/node_modules/ at run time: api, pm2, ucp). */
  readonly nodeModules: number;
}

export interface ModuleShape {
  readonly name: string;
  /** Entries of its module.sig. */
  readonly listed: number;
  /** Directories holding its listed files, the module directory included. */
  readonly dirs: number;
  /** How many directories deep its deepest listed file is (0: all at the top). */
  readonly depth: number;
  readonly unlisted: UnlistedShape;
}

export interface InstallationShape {
  readonly name: string;
  readonly description: string;
  /** Framework (always one, named "framework") and the other modules. */
  readonly modules: readonly ModuleShape[];
}

/** [name, listed, dirs, depth, unlisted files] of Long-aa/PBX @eb1e410 (see above). */
type RealModule = readonly [string, number, number, number, number];

const FREEPBX17_REAL: readonly RealModule[] = [
  ['announcement', 16, 6, 2, 44],
  ['api', 871, 169, 7, 1111],
  ['backup', 200, 50, 5, 39],
  ['bulkhandler', 19, 8, 2, 19],
  ['calendar', 278, 41, 6, 20],
  ['callrecording', 15, 5, 2, 28],
  ['cdr', 31, 19, 3, 37],
  ['cel', 23, 11, 3, 22],
  ['certman', 50, 19, 3, 23],
  ['conferences', 17, 8, 2, 41],
  ['core', 188, 49, 3, 22],
  ['customappsreg', 20, 11, 3, 38],
  ['dashboard', 234, 72, 5, 34],
  ['fax', 17, 7, 2, 28],
  ['featurecodeadmin', 11, 5, 2, 33],
  ['filestore', 3426, 1773, 9, 21],
  ['findmefollow', 25, 14, 3, 32],
  // Framework's manifest: 8,108 entries over 926 directories, 15 deep (its Composer vendor tree). Its
  // unlisted files are not in the snapshot's count: .gitattributes and its translations, as others.
  ['framework', 8108, 926, 15, 54],
  ['infoservices', 7, 1, 0, 32],
  ['ivr', 21, 8, 2, 35],
  ['logfiles', 26, 10, 3, 31],
  ['missedcall', 26, 11, 3, 2],
  ['music', 18, 7, 2, 35],
  ['paging', 21, 8, 2, 31],
  ['parking', 23, 10, 2, 24],
  ['pm2', 14, 9, 3, 5061],
  ['queues', 32, 12, 2, 30],
  ['recordings', 33, 13, 2, 33],
  ['ringgroups', 17, 9, 3, 30],
  ['sipsettings', 26, 10, 3, 26],
  ['soundlang', 23, 6, 2, 21],
  ['timeconditions', 29, 13, 3, 31],
  ['ucp', 2289, 84, 8, 2457],
  ['userman', 491, 129, 7, 45],
  ['voicemail', 48, 18, 3, 35],
];

// The run-time and generated parts of the three modules that have them; the rest of each module's
// unlisted count is .gitattributes, i18n/<module>.pot and a .po + .mo per language. Together the three
// node/ trees hold about 8,500 files, about 5,200 of them .js (tree.ts).
const SPECIAL: Readonly<Record<string, Partial<UnlistedShape>>> = {
  api: { nodeModules: 1065, lessCache: 2 },
  pm2: { nodeModules: 5056 },
  ucp: { nodeModules: 2392, compiled: 20, dotfiles: 2 },
};

/** Splits a module's real unlisted count into kinds: its special parts, then dotfiles and languages. */
export function unlistedOf(name: string, total: number): UnlistedShape {
  const special = SPECIAL[name] ?? {};
  const nodeModules = special.nodeModules ?? 0;
  const lessCache = special.lessCache ?? 0;
  const compiled = special.compiled ?? 0;
  let dotfiles = Math.min(total, special.dotfiles ?? 1);
  const rest = total - nodeModules - lessCache - compiled - dotfiles;
  // i18n/<module>.pot, then two files per language; an odd one out is another dotfile (.langignore).
  const languages = rest >= 3 ? Math.floor((rest - 1) / 2) : 0;
  dotfiles += rest - (languages > 0 ? 1 + 2 * languages : 0);
  return { languages, nodeModules, lessCache, compiled, dotfiles };
}

function fromReal([name, listed, dirs, depth, unlisted]: RealModule): ModuleShape {
  return { name, listed, dirs, depth, unlisted: unlistedOf(name, unlisted) };
}

export const FREEPBX17: InstallationShape = {
  name: 'freepbx17',
  description: 'FreePBX 17, 35 modules (counts of a real installation)',
  modules: FREEPBX17_REAL.map(fromReal),
};

// tiagosh/freepbx @916991b's FreePBX 14 modules (listed, dirs, depth, unlisted), framework cut down.
const FREEPBX14_REAL: readonly RealModule[] = [
  ['callrecording', 14, 5, 2, 25],
  ['cdr', 25, 13, 3, 27],
  ['cel', 27, 11, 3, 14],
  ['conferences', 14, 6, 2, 28],
  ['core', 130, 37, 3, 2],
  ['customappsreg', 18, 11, 3, 25],
  ['featurecodeadmin', 9, 5, 2, 27],
  ['framework', 72, 20, 8, 22],
  ['infoservices', 5, 1, 0, 22],
  ['logfiles', 17, 8, 3, 22],
  ['music', 16, 5, 2, 26],
  ['recordings', 21, 8, 2, 25],
  ['sipsettings', 18, 6, 2, 21],
  ['userman', 34, 11, 3, 16],
  ['voicemail', 42, 11, 3, 25],
];

export const FREEPBX14: InstallationShape = {
  name: 'freepbx14',
  description: 'FreePBX 14, 15 modules, about 450 files',
  modules: FREEPBX14_REAL.map(fromReal),
};

// Module names of a FreePBX 16 host with commercial modules, beyond the 35 of FREEPBX17. Their sizes
// are drawn (seeded, so always the same) around the small modules' median of about 30 files; the few
// large commercial ones are set by hand.
const FREEPBX16_MORE = words(`
  adv_recovery areminder arimanager asteriskinfo blacklist broadcast builtin callback callerid callforward
  callwaiting campon cidlookup class_of_service configedit contactmanager cxpanel dahdiconfig daynight
  dictate directory disa donotdisturb endpoint extensionroutes extensionsettings firewall freepbx_ha
  hotelwakeup iaxsettings languages manager miscapps miscdests oembranding outroutemsg pagingpro parkpro
  pbdirectory phonebook pinsets pinsetspro presencestate printextensions queueprio queuestats qxact_reports
  recording_report restapps restapi sangomaconnect sangomacrm sangomartapi scribe setcid sipstation sms
  smsplus speeddial superfecta supportcontract sysadmin texttospeech tts ttsengines vmblast vmnotify
  voicemail_report vqplus weakpasswords webcallback webrtc xmpp zulu callaccounting conferencespro
  digiumaddoninstaller endpointman faxpro hotdesking pms queuecallback rmsadmin sangomadialer voicemailpro
`);
const FREEPBX16_LARGE: Readonly<Record<string, number>> = {
  endpoint: 1500,
  sysadmin: 450,
  restapps: 350,
  contactmanager: 350,
  firewall: 120,
};

function freepbx16Extra(): ModuleShape[] {
  const random = mulberry32(0x16_0120);
  return FREEPBX16_MORE.map((name) => {
    const listed = FREEPBX16_LARGE[name] ?? Math.round(Math.min(600, Math.max(5, logNormal(random, 30, 0.9))));
    const dirs = defaultDirs(listed);
    const languages = 5 + Math.floor(random() * 17);
    return {
      name,
      listed,
      dirs,
      depth: defaultDepth(dirs),
      unlisted: { languages, nodeModules: 0, lessCache: 0, compiled: 0, dotfiles: 1 },
    };
  });
}

export const FREEPBX16: InstallationShape = {
  name: 'freepbx16',
  description: 'FreePBX 16 with commercial modules, 120 modules',
  modules: [...FREEPBX17.modules, ...freepbx16Extra()],
};

export const SHAPES: readonly InstallationShape[] = [FREEPBX17, FREEPBX16, FREEPBX14];

/** Directories of a module of `listed` files, as the real ones have them (16 files: 6; 490: 120). */
function defaultDirs(listed: number): number {
  return Math.max(1, Math.min(listed, Math.round(listed ** 0.8 / 1.2)));
}

function defaultDepth(dirs: number): number {
  return Math.max(dirs > 1 ? 1 : 0, Math.round(Math.log2(dirs)));
}

export function listedFiles(shape: InstallationShape): number {
  return shape.modules.reduce((sum, m) => sum + m.listed, 0);
}

export interface ScaleOptions {
  /**
   * No module above this many listed files: a larger one becomes copies under numbered names (core2,
   * ...), as a host with more modules would have. Framework is cut to it instead. Default: framework's
   * size in the shape (no module larger than a real one).
   */
  readonly maxModuleFiles?: number;
}

/**
 * The shape with about `listed` listed files: every module's counts times the same factor (its
 * directories in proportion, its unlisted files never more than it had), framework first and capped,
 * the other modules scaled to make up the rest.
 */
export function scaleShape(shape: InstallationShape, listed: number, options: ScaleOptions = {}): InstallationShape {
  const framework = shape.modules.find((m) => m.name === 'framework');
  if (!framework) throw new Error(`shape ${shape.name} has no framework`);
  const others = shape.modules.filter((m) => m !== framework);
  const cap = options.maxModuleFiles ?? framework.listed;
  const factor = listed / listedFiles(shape);
  const frameworkListed = Math.max(MIN_FRAMEWORK, Math.min(cap, Math.round(framework.listed * factor)));
  const othersFactor = Math.max(0, listed - frameworkListed) / (listedFiles(shape) - framework.listed);
  const modules = [scaleModule(framework, frameworkListed / framework.listed)];
  for (const module of others) {
    const wanted = Math.max(2, Math.round(module.listed * othersFactor));
    const copies = Math.ceil(wanted / cap);
    for (let copy = 1; copy <= copies; copy++) {
      const scaled = scaleModule(module, wanted / copies / module.listed);
      modules.push(copy === 1 ? scaled : { ...scaled, name: `${module.name}${copy}` });
    }
  }
  return {
    name: `${shape.name}-${listed}`,
    description: `${shape.description}, scaled to about ${listed.toLocaleString('en-US')} listed files`,
    modules,
  };
}

/** Framework's generated manifest has about this many fixed entries (installation.ts): never fewer. */
const MIN_FRAMEWORK = 80;

// Unlisted files never grow beyond the real module's: a larger copy of ucp does not install more npm
// packages, nor speak more languages.
function scaleModule(module: ModuleShape, factor: number): ModuleShape {
  const listed = Math.max(2, Math.round(module.listed * factor));
  const times = (n: number): number => Math.round(n * factor);
  const atMost = (n: number): number => Math.round(n * Math.min(1, factor));
  const { unlisted } = module;
  return {
    name: module.name,
    listed,
    dirs: Math.max(1, Math.min(listed, times(module.dirs))),
    depth: module.depth,
    unlisted: {
      languages: atMost(unlisted.languages),
      nodeModules: atMost(unlisted.nodeModules),
      lessCache: atMost(unlisted.lessCache),
      compiled: atMost(unlisted.compiled),
      dotfiles: unlisted.dotfiles,
    },
  };
}
