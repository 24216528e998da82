// Walk a module directory and judge the files its manifest does not list (the rules: policy.ts).
// Runs synchronously, in a worker thread or on the main thread, beside the hashing: a function of
// (task, opener) that returns data, which crosses threads as a structured clone.
//
// Cheap on a real tree (FreePBX 17: 26,500 files in 4,800 directories): each directory is read once
// with its entry types, a listed file costs a Set lookup, and a file is looked at further only when
// its name does not decide: lstat for the execute bit (not under node_modules/), its first four bytes
// when it has no extension or an execute bit, its digest only when its module and path are a known file.
//
// Everything reachable is judged. An unlisted link to a directory is resolved inside the root with
// the same confinement as listed files (ConfinedOpener; a snapshot's absolute links resolve inside
// it) and its contents are walked under the link's name. A place the walk cannot look into is a
// finding that fails the module like unlisted code (notWalked), never a note.
//
// Bounds (WALK_LIMITS), and what happens at each: a notWalked finding that fails the module; the run
// goes on with the next module.
// - entries: 1,000,000 entries (files, directories, links) per module, links' contents included: the
//   walk stops. There is no bound per directory: a directory is read whole (readdirSync; opendir costs
//   1.5-2x on a real tree), so one read's memory follows the largest directory; the count is checked
//   entry by entry.
// - depth: 128 directory levels below the module directory, through links too: that directory is not
//   walked. A path longer than the system's PATH_MAX cannot be read (ENAMETOOLONG): not walked either.
// - directoryLinks: 1,000 links to directories followed per module: further ones are not followed.
//   Each link resolves through at most 40 links (ConfinedOpener, as Linux's MAXSYMLINKS).
// - A directory is walked once per module (visited real paths), so link loops and cycles end.
// - listed: 10,000 findings kept in each of code, notWalked and notes; the module fails either way.
// - Bytes read per file: 4 to tell a script or binary; to compare with a known file, the whole file
//   if it is at most KNOWN_MAX_BYTES (1 MiB), else nothing (it matches no known file).
// - codeHashBytes: 64 MiB per module read to give unlisted code its SHA-256 (each file at most
//   KNOWN_MAX_BYTES); past it, findings come without one. A stock installation has no unlisted code:
//   this costs nothing there, and a tree full of large PHP files costs a bounded read.

import { isUtf8 } from 'node:buffer';
import { readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { describeError, errnoCode } from '../errors.js';
import type { ConfinedOpener } from '../fs/confined-open.js';
import { KNOWN_RULE, knownFilesFor } from './known-files.js';
import type { KnownFile, KnownForModule } from './known-files.js';
import { inspectFile, isExecutable } from './inspect.js';
import type { FsPath, Inspected } from './inspect.js';
import { decodeBytes, toFsPath } from '../fs/byte-string.js';
import { EXECUTABLE_NOTE, SPECIAL_FILE_NOTE, codeByContent, codeByName, needsHead, runtimeArea } from './policy.js';

export interface WalkLimits {
  readonly entries: number;
  readonly depth: number;
  readonly directoryLinks: number;
  readonly listed: number;
  readonly otherSample: number;
  readonly links: number;
  readonly codeHashBytes: number;
}

export const WALK_LIMITS: WalkLimits = {
  /** Entries per module, through links too. */
  entries: 1_000_000,
  /** Directory levels below the module directory. */
  depth: 128,
  /** Links to directories followed per module. */
  directoryLinks: 1_000,
  /** Findings kept in each of code, notWalked and notes. */
  listed: 10_000,
  /** Paths kept in otherSample. */
  otherSample: 20,
  /** Links kept in links. */
  links: 100,
  /** Bytes read per module to give unlisted code findings their SHA-256. */
  codeHashBytes: 64 * 1024 * 1024,
};

export interface WalkTask {
  /** Identifies the run: the worker caches resolved directories for one run only. */
  readonly run: string;
  /** Real directory that "/" means for links: the installation root, or "/". */
  readonly root: string;
  /** Real directory every file must stay inside (a link leading elsewhere is a finding). */
  readonly confine: string;
  /** Module name (FreePBX rawname): known files are per module. */
  readonly module: string;
  /** Module directory, relative to root. */
  readonly dir: string;
  /** Paths the manifest lists, relative to the module directory. */
  readonly listed: readonly string[];
  /**
   * The site's own known files (source 'site', from its configuration), judged like the stock list
   * that is built in. Entries of other modules are ignored. Absent: the stock list alone.
   */
  readonly known?: readonly KnownFile[];
}

/** One unlisted path and what about it. */
export interface UnlistedFinding {
  /**
   * Relative to the module directory, as walked (through links, under the link's name). Exact, control
   * characters included; bytes that are not UTF-8 appear as `\xNN` (then `pathHex` has the bytes).
   */
  readonly path: string;
  readonly reason: string;
  /** Present only when the path is not valid UTF-8: its exact bytes, in hex. */
  readonly pathHex?: string;
  /**
   * Unlisted code only: the file's SHA-256, when it is a regular file of at most KNOWN_MAX_BYTES that
   * could be read (within WALK_LIMITS.codeHashBytes). What an allowlist entry for it names.
   */
  readonly sha256?: string;
}

/** An unlisted file that matched a known file by module, path and sha256. */
export interface KnownMatch {
  readonly path: string;
  /** Why it is known, in words (KNOWN_RULE of its source). */
  readonly rule: string;
  readonly source: KnownFile['source'];
  readonly sha256: string;
}

/** An unlisted symbolic link to a directory, and what the walk did with it. */
export interface LinkRecord {
  readonly path: string;
  /** Where it leads: an absolute real path (inside the root). */
  readonly target: string;
  /**
   * walked: its contents were judged here, under `path`. inside: it leads into this module, whose
   * walk judges that directory at its own path. module: it leads into another module's directory
   * (a sibling holding a module.sig, as ucp's htdocs/modules/<Name> links to <module>/ucp), judged
   * when that module is verified. seen: that directory was already walked through another path.
   */
  readonly outcome: 'walked' | 'inside' | 'module' | 'seen';
}

export interface WalkResult {
  /** Why the module directory could not be walked at all, if it could not (nothing else is then filled). */
  readonly error?: string;
  /** Unlisted code (policy.ts): each fails the module. Sorted by path. */
  readonly code: readonly UnlistedFinding[];
  /** Unlisted files that matched a known file (stock or site) by module, path and content. Sorted by path. */
  readonly allowed: readonly KnownMatch[];
  /** Files FreePBX installs at run time (under node_modules/, in assets/less/cache/) that are not code. */
  readonly runtime: number;
  /** Other unlisted files (translations, docs, dotfiles, dangling links), notes included. */
  readonly other: number;
  /** The first few "other" paths, so a report can show what they are. */
  readonly otherSample: readonly string[];
  /**
   * Places the walk could not look into, each failing the module like unlisted code: a directory that
   * cannot be read or is too deep, a link leaving the root or the confinement, a bound reached, a file
   * that must be read to be judged and cannot be. Sorted by path ("." is the module directory).
   */
  readonly notWalked: readonly UnlistedFinding[];
  /** Worth a look, not failures: an execute bit on a file that is neither script nor binary. Sorted by path. */
  readonly notes: readonly UnlistedFinding[];
  /** Unlisted links to directories, in walk order (at most WALK_LIMITS.links). */
  readonly links: readonly LinkRecord[];
}

/** A directory to read: its path as walked (relative to the module) and its real path. */
interface Frame {
  readonly path: string;
  /** The exact bytes of `path`, when some name in it is not valid UTF-8. */
  readonly bytes: Buffer | undefined;
  readonly real: FsPath;
  readonly depth: number;
}

/** An entry of a directory being read. */
interface Entry {
  readonly path: string;
  readonly bytes: Buffer | undefined;
  readonly real: FsPath;
}

const EMPTY = { code: [], allowed: [], runtime: 0, other: 0, otherSample: [], notWalked: [], notes: [], links: [] };

/** Walks the module directory `task.dir`. `limits` is for tests: the walk's bounds made small. */
export function walkModule(task: WalkTask, opener: ConfinedOpener, limits: WalkLimits = WALK_LIMITS): WalkResult {
  const start = opener.resolveDirectory(task.dir);
  if (start.kind !== 'dir') return { ...EMPTY, error: start.reason };
  return new Walker(task, opener, start.real, limits).run();
}

class Walker {
  readonly #task: WalkTask;
  readonly #opener: ConfinedOpener;
  readonly #moduleReal: string;
  readonly #rootPrefix: string;
  readonly #listed: ReadonlySet<string>;
  readonly #known: KnownForModule;
  readonly #limits: WalkLimits;
  readonly #visited = new Set<string>();
  readonly #stack: Frame[] = [];
  #modulesReal: string | null | undefined;
  #entries = 0;
  #directoryLinks = 0;
  #stopped = false;

  readonly #code: UnlistedFinding[] = [];
  readonly #allowed: KnownMatch[] = [];
  readonly #notWalked: UnlistedFinding[] = [];
  readonly #notes: UnlistedFinding[] = [];
  readonly #otherSample: string[] = [];
  readonly #links: LinkRecord[] = [];
  #runtime = 0;
  #other = 0;
  #codeHashBytes = 0;

  constructor(task: WalkTask, opener: ConfinedOpener, moduleReal: string, limits: WalkLimits) {
    this.#task = task;
    this.#limits = limits;
    this.#opener = opener;
    this.#moduleReal = moduleReal;
    this.#rootPrefix = task.root.replace(/\/+$/, '');
    this.#listed = new Set(task.listed);
    this.#known = knownFilesFor(task.module, task.known);
  }

  run(): WalkResult {
    this.#visited.add(this.#moduleReal);
    // A module directory whose name is not UTF-8 (kept as escapes in the string) is read by its bytes.
    this.#stack.push({ path: '', bytes: undefined, real: toFsPath(this.#moduleReal), depth: 0 });
    while (this.#stack.length > 0 && !this.#stopped) this.#readDirectory(this.#stack.pop() as Frame);
    const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : 1);
    return {
      code: this.#code.sort(byPath),
      allowed: this.#allowed.sort(byPath),
      runtime: this.#runtime,
      other: this.#other,
      otherSample: this.#otherSample,
      notWalked: this.#notWalked.sort(byPath),
      notes: this.#notes.sort(byPath),
      links: this.#links,
    };
  }

  #readDirectory(frame: Frame): void {
    let entries: Dirent[];
    try {
      entries = readdirSync(frame.real, { withFileTypes: true });
    } catch (error) {
      const reason =
        errnoCode(error) === 'ENAMETOOLONG'
          ? 'its path is longer than the system allows (PATH_MAX): not walked'
          : `directory cannot be read: ${describeError(error)}`;
      this.#notWalk(frame, reason);
      return;
    }
    // Node shows bytes that are not UTF-8 as U+FFFD: such names are read again as bytes below.
    let undecodable = false;
    for (const dirent of entries) {
      if (this.#stopped) return;
      if (dirent.name.includes('\uFFFD')) undecodable = true;
      else this.#entry(frame, dirent, childOf(frame, dirent.name));
    }
    if (undecodable) this.#readAsBytes(frame);
  }

  #readAsBytes(frame: Frame): void {
    let entries: Array<Dirent<Buffer>>;
    try {
      entries = readdirSync(frame.real, { withFileTypes: true, encoding: 'buffer' });
    } catch (error) {
      this.#notWalk(frame, `directory cannot be read: ${describeError(error)}`);
      return;
    }
    for (const dirent of entries) {
      if (this.#stopped) return;
      const name = dirent.name;
      const text = name.toString('utf8');
      if (!text.includes('\uFFFD')) continue; // done in the first pass
      // A name that holds a real U+FFFD is valid UTF-8 and exact as text.
      this.#entry(frame, dirent, isUtf8(name) ? childOf(frame, text) : childOfBytes(frame, name));
    }
  }

  #entry(frame: Frame, dirent: Dirent | Dirent<Buffer>, entry: Entry): void {
    if (++this.#entries > this.#limits.entries) {
      this.#stopped = true;
      this.#notWalk(
        { path: '', bytes: undefined },
        `more than ${this.#limits.entries} entries below the module: the walk stopped here`,
      );
      return;
    }
    if (dirent.isDirectory()) {
      this.#descend(frame, entry, entry.real);
      return;
    }
    if (this.#listed.has(entry.path) || entry.path === 'module.sig') return;
    if (dirent.isSymbolicLink()) this.#link(frame, entry);
    else if (dirent.isFile()) this.#file(entry, entry.real);
    else this.#special(entry, SPECIAL_FILE_NOTE);
  }

  /** Queues a directory to read (a subdirectory, or where a link leads) unless too deep or seen. */
  #descend(frame: Frame, entry: Entry, real: FsPath): boolean {
    const depth = frame.depth + 1;
    if (depth > this.#limits.depth) {
      this.#notWalk(entry, `more than ${this.#limits.depth} directory levels below the module: not walked`);
      return false;
    }
    const key = typeof real === 'string' ? real : `\0${real.toString('latin1')}`;
    if (this.#visited.has(key)) return false;
    this.#visited.add(key);
    this.#stack.push({ path: entry.path, bytes: entry.bytes, real, depth });
    return true;
  }

  #link(frame: Frame, entry: Entry): void {
    if (typeof entry.real !== 'string') {
      this.#notWalk(entry, 'symbolic link whose path is not valid UTF-8: not followed');
      return;
    }
    const target = this.#opener.resolveEntry(this.#fromRoot(entry.real));
    if (target.kind === 'missing' || (target.kind === 'entry' && target.type === 'missing')) {
      // Leads nowhere: nothing runs through it, but a code name is still reported.
      this.#special(entry);
      return;
    }
    if (target.kind !== 'entry') {
      this.#notWalk(entry, `symbolic link that cannot be followed: ${target.reason}`);
      return;
    }
    if (target.type === 'dir') this.#directoryLink(frame, entry, target.real, target.inside);
    else this.#fileLink(entry, target.real, target.inside);
  }

  // A link to a file is judged by its own name (the name the web server runs it by) and, when the
  // name does not decide, by what it leads to.
  #fileLink(entry: Entry, real: string, inside: boolean): void {
    // Another name for a listed file: its content is what the hash check judges, but a code name for
    // a file listed under another kind of name (shell.php -> notes.txt) makes the web server run
    // signed text as code: judged by its own name then.
    const listedAs = isInside(real, this.#moduleReal) ? real.slice(this.#moduleReal.length + 1) : undefined;
    if (listedAs !== undefined && this.#listed.has(listedAs)) {
      if (codeByName(entry.path) !== undefined && codeByName(listedAs) === undefined) this.#special(entry);
      else this.#countOther(entry);
    } else if (inside) this.#file(entry, real);
    // Outside the confinement nothing is read. Another module's file is judged by that module's own
    // walk; here only the link's name can make it code.
    else if (this.#inOtherModule(real)) this.#special(entry);
    else this.#notWalk(entry, `symbolic link to ${real}, outside ${this.#task.confine}: not followed`);
  }

  #directoryLink(frame: Frame, entry: Entry, real: string, inside: boolean): void {
    if (isInside(real, this.#moduleReal)) {
      this.#recordLink(entry, real, 'inside');
      return;
    }
    if (isInside(this.#moduleReal, real)) {
      this.#notWalk(entry, `symbolic link to ${real}, a directory that holds the module (a loop): not walked`);
      return;
    }
    if (this.#inOtherModule(real)) {
      this.#recordLink(entry, real, 'module');
      return;
    }
    if (!inside) {
      this.#notWalk(entry, `symbolic link to ${real}, outside ${this.#task.confine}: not followed`);
      return;
    }
    if (this.#visited.has(real)) {
      this.#recordLink(entry, real, 'seen');
      return;
    }
    if (++this.#directoryLinks > this.#limits.directoryLinks) {
      this.#notWalk(entry, `more than ${this.#limits.directoryLinks} links to directories: not followed`);
      return;
    }
    if (this.#descend(frame, entry, real)) this.#recordLink(entry, real, 'walked');
  }

  /** Judges an unlisted regular file (or a link to one, `real` being where it leads). */
  #file(entry: Entry, real: FsPath): void {
    const { path } = entry;
    let facts: Inspected | undefined;
    let mismatch: string | undefined;
    const known = entry.bytes === undefined ? this.#known.get(path) : undefined;
    if (known) {
      facts = inspectFile(real, { head: true, hash: true });
      const sha256 = facts.kind === 'file' ? facts.sha256 : undefined;
      const match = sha256 !== undefined ? known.get(sha256) : undefined;
      if (match && sha256 !== undefined) {
        this.#allowed.push({ path, rule: KNOWN_RULE[match.source], source: match.source, sha256 });
        return;
      }
      mismatch = knownMismatch(facts);
    }
    const withMismatch = (reason: string): string => (mismatch ? `${reason}; ${mismatch}` : reason);

    const byName = codeByName(path);
    if (byName) {
      this.#codeFinding(entry, real, facts, withMismatch(byName));
      return;
    }
    // Run-time files under node_modules/ are judged by name alone: no stat, no read.
    const area = runtimeArea(path);
    if (area === 'node_modules') {
      this.#runtime++;
      return;
    }

    // The name does not decide: the execute bit (lstat), then the first bytes of a file with no
    // extension or with an execute bit. A file that must be read to be judged and cannot be fails.
    if (!facts && (needsHead(path, false) || isExecutable(real) === true))
      facts = inspectFile(real, { head: true, hash: false });
    if (facts?.kind === 'failed') {
      this.#notWalk(entry, `cannot be read to tell whether it is code: ${facts.reason}`);
      return;
    }
    if (facts?.kind === 'file') {
      const byContent = facts.head && needsHead(path, facts.executable) ? codeByContent(facts.head) : undefined;
      if (byContent) {
        this.#codeFinding(entry, real, facts, withMismatch(byContent));
        return;
      }
      if (facts.executable) this.#finding(this.#notes, entry, EXECUTABLE_NOTE);
    }
    if (facts?.kind === 'not-regular' && !area) {
      this.#finding(this.#notes, entry, SPECIAL_FILE_NOTE);
      return;
    }
    if (area === 'less-cache') this.#runtime++;
    else this.#countOther(entry);
  }

  // Unlisted code, with its SHA-256 (already known when its path is a known file's), while the budget lasts.
  #codeFinding(entry: Entry, real: FsPath, facts: Inspected | undefined, reason: string): void {
    if (this.#code.length >= this.#limits.listed) return;
    let sha256 = facts?.kind === 'file' ? facts.sha256 : undefined;
    if (sha256 === undefined && this.#codeHashBytes < this.#limits.codeHashBytes) {
      const hashed = inspectFile(real, { head: false, hash: true });
      if (hashed.kind === 'file') {
        this.#codeHashBytes += hashed.sha256 !== undefined ? hashed.size : 0;
        sha256 = hashed.sha256;
      }
    }
    this.#finding(this.#code, entry, reason, sha256);
  }

  /**
   * A FIFO, socket, device, or a link leading nowhere: judged by its name only (never opened). `note`
   * shows one outside the run-time areas, when its name is not code.
   */
  #special(entry: Entry, note?: string): void {
    const byName = codeByName(entry.path);
    if (byName) this.#finding(this.#code, entry, byName);
    else if (runtimeArea(entry.path)) this.#runtime++;
    else if (note) this.#finding(this.#notes, entry, note);
    else this.#countOther(entry);
  }

  // Whether a real path lies in another module's directory: a sibling of this module (in the same
  // modules directory) that holds a module.sig and whose name FreePBX would take for a module (not
  // starting with "_" or "."). That module's own verification judges it.
  #inOtherModule(real: string): boolean {
    if (this.#modulesReal === undefined) {
      const slash = this.#task.dir.lastIndexOf('/');
      const parent = slash < 0 ? '' : this.#task.dir.slice(0, slash);
      const resolved = this.#task.dir === '' ? undefined : this.#opener.resolveDirectory(parent);
      this.#modulesReal = resolved?.kind === 'dir' ? resolved.real : null;
    }
    const modules = this.#modulesReal;
    if (modules === null || real === modules || !isInside(real, modules)) return false;
    const rest = real.slice(modules === '/' ? 1 : modules.length + 1);
    const name = rest.split('/', 1)[0] ?? '';
    if (name === '' || name.startsWith('_') || name.startsWith('.')) return false;
    const sibling = modules === '/' ? `/${name}` : `${modules}/${name}`;
    if (sibling === this.#moduleReal) return false;
    const sig = this.#opener.resolveEntry(this.#fromRoot(`${sibling}/module.sig`));
    return sig.kind === 'entry' && sig.type === 'not-dir';
  }

  #fromRoot(real: string): string {
    return real.slice(this.#rootPrefix.length + 1);
  }

  #recordLink(entry: Entry, target: string, outcome: LinkRecord['outcome']): void {
    if (this.#links.length < this.#limits.links) this.#links.push({ path: entry.path, target, outcome });
  }

  #countOther(entry: Entry): void {
    this.#other++;
    if (this.#otherSample.length < this.#limits.otherSample) this.#otherSample.push(entry.path);
  }

  #notWalk(where: { readonly path: string; readonly bytes: Buffer | undefined }, reason: string): void {
    this.#finding(this.#notWalked, { path: where.path === '' ? '.' : where.path, bytes: where.bytes }, reason);
  }

  #finding(
    list: UnlistedFinding[],
    where: { readonly path: string; readonly bytes: Buffer | undefined },
    reason: string,
    sha256?: string,
  ): void {
    if (list.length >= this.#limits.listed) return;
    list.push({
      path: where.path,
      reason,
      ...(where.bytes ? { pathHex: where.bytes.toString('hex') } : {}),
      ...(sha256 !== undefined ? { sha256 } : {}),
    });
  }
}

function knownMismatch(facts: Inspected): string {
  if (facts.kind === 'file' && facts.sha256 !== undefined)
    return `not the content known for this path: sha256 ${facts.sha256}`;
  if (facts.kind === 'file') return 'too large to compare with the file known for this path';
  if (facts.kind === 'not-regular') return 'not a regular file';
  return `cannot be read to compare with the file known for this path: ${facts.reason}`;
}

function childOf(frame: Frame, name: string): Entry {
  const path = frame.path === '' ? name : `${frame.path}/${name}`;
  if (frame.bytes === undefined && typeof frame.real === 'string')
    return { path, bytes: undefined, real: frame.real === '/' ? `/${name}` : `${frame.real}/${name}` };
  return childOfBytes(frame, Buffer.from(name, 'utf8'), path);
}

function childOfBytes(frame: Frame, name: Buffer, path?: string): Entry {
  // The same text a module.sig listing these bytes decodes to (fs/byte-string.ts), so listed names match.
  const shown = path ?? (frame.path === '' ? decodeBytes(name) : `${frame.path}/${decodeBytes(name)}`);
  const slash = Buffer.from('/');
  const parentBytes = frame.bytes ?? Buffer.from(frame.path, 'utf8');
  const bytes = frame.path === '' ? name : Buffer.concat([parentBytes, slash, name]);
  const parentReal = typeof frame.real === 'string' ? Buffer.from(frame.real, 'utf8') : frame.real;
  const real =
    parentReal.length === 1 && parentReal[0] === 0x2f
      ? Buffer.concat([slash, name])
      : Buffer.concat([parentReal, slash, name]);
  return { path: shown, bytes, real };
}

function isInside(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}
