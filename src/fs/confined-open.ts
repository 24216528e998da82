// Open a file by a path relative to a root, following symbolic links the way FreePBX does (it hashes
// the link's target) but never leaving the root: absolute link targets are read as relative to the
// root, a ".." above the root is refused, and the file must end up inside `confine`.
//
// Every directory component is resolved here (lstat + readlink), so the kernel never follows a link
// we have not checked; the last component is opened with O_NOFOLLOW (a link gives ELOOP and is then
// resolved here too) and O_NONBLOCK (a FIFO opens at once instead of blocking). A directory swapped
// for a link between our lstat and the open is outside what Node's API can close.
//
// Speed: FreePBX trees are many small files in few directories, so a resolved directory is cached
// and a file costs one open() when nothing on its way is a link (the `open` fast path).
//
// Names are bytes: a path holding bytes that are not UTF-8 (escaped as fs/byte-string.ts says) is
// handed to the kernel as those exact bytes, and link targets are read as bytes too.

import { closeSync, constants, lstatSync, openSync, readlinkSync } from 'node:fs';
import { describeError, errnoCode } from '../errors.js';
import { decodeBytes, toFsPath } from './byte-string.js';

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
/** Same limit as Linux's MAXSYMLINKS. */
const MAX_LINKS = 40;

export type OpenOutcome =
  | { readonly kind: 'open'; readonly fd: number; readonly real: string; readonly viaLink: boolean }
  | { readonly kind: 'missing' | 'unsafe' | 'unreadable'; readonly reason: string };

type Failure = Exclude<OpenOutcome, { kind: 'open' }>;

type DirNode =
  | { readonly type: 'dir' }
  | { readonly type: 'link'; readonly target: string }
  | { readonly type: 'not-dir' }
  | { readonly type: 'missing' }
  | { readonly type: 'error'; readonly reason: string };

/** What a path leads to once every link is resolved inside the root (see resolveEntry). */
export interface ResolvedEntry {
  readonly kind: 'entry';
  /** not-dir: a file, FIFO, socket or device (lstat decided, nothing was opened); missing: a dangling link. */
  readonly type: 'dir' | 'not-dir' | 'missing';
  /** Absolute real path (inside the root). */
  readonly real: string;
  /** Whether `real` is inside the opener's `confine`. */
  readonly inside: boolean;
}

/** A directory resolved inside the root: its real path, or why it cannot be used. */
type ResolvedDir =
  { readonly kind: 'dir'; readonly real: string; readonly viaLink: boolean; readonly inside: boolean } | Failure;

const DIR: DirNode = { type: 'dir' };
const NOT_DIR: DirNode = { type: 'not-dir' };
const MISSING: DirNode = { type: 'missing' };

export class ConfinedOpener {
  readonly #root: string;
  readonly #confine: string;
  readonly #nodes = new Map<string, DirNode>();
  readonly #dirs = new Map<string, ResolvedDir>();

  /** `root` and `confine` are real absolute paths; "/" is allowed for both. */
  constructor(root: string, confine: string) {
    this.#root = withoutTrailingSlash(root);
    this.#confine = withoutTrailingSlash(confine);
  }

  /** Opens `path` (relative to the root). The caller owns and closes the fd. */
  open(path: string): OpenOutcome {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (name === '' || name === '.' || name === '..') return this.#openSlow(path);
    const dir = this.#dir(slash < 0 ? '' : path.slice(0, slash));
    if (dir.kind !== 'dir') return dir;
    const full = `${dir.real}/${name}`;
    if (!dir.inside) return { kind: 'unsafe', reason: `resolves to ${full}, outside ${display(this.#confine)}` };
    try {
      return { kind: 'open', fd: openSync(toFsPath(full), OPEN_FLAGS), real: full, viaLink: dir.viaLink };
    } catch (error) {
      const code = errnoCode(error);
      // ELOOP: the file itself is a symbolic link; resolve the whole path the careful way.
      if (code === 'ELOOP') return this.#openSlow(path);
      return openFailure(full, error);
    }
  }

  /** Closes an fd this opener returned. */
  close(fd: number): void {
    closeSync(fd);
  }

  /** Resolves a directory path (relative to the root) to its real path inside the root. */
  resolveDirectory(path: string): { kind: 'dir'; real: string } | Failure {
    const dir = this.#dir(path);
    return dir.kind === 'dir' ? { kind: 'dir', real: display(dir.real) } : dir;
  }

  /**
   * Resolves `path` (relative to the root) through every link, inside the root, without opening
   * it: what its last component is and its real path. For the unlisted-file walk, which must know
   * where an unlisted link leads before it judges what lies there. `inside` says whether the real
   * path is inside `confine`; nothing here checks it.
   */
  resolveEntry(path: string): ResolvedEntry | Failure {
    const walked = this.#walk(components(path).reverse(), 'entry');
    if (walked.kind === 'open') {
      closeSync(walked.fd);
      return { kind: 'unreadable', reason: `${walked.real}: opened while resolving an entry` };
    }
    if (walked.kind === 'dir' || walked.kind === 'entry') {
      const type = walked.kind === 'dir' ? 'dir' : walked.type;
      return { kind: 'entry', type, real: display(walked.real), inside: isInside(walked.real, this.#confine) };
    }
    return walked;
  }

  // A directory, resolved once. From the nearest resolved ancestor down, each plain directory costs
  // the lookup of its own name: the careful walk from the root would reach that ancestor's state
  // first and then take the same single step. Below an ancestor that failed, that walk fails at the
  // same component, for the same reason. Anything else (a link, ".", "..", an empty name, a missing
  // component) takes the careful walk from the root. Iterative and linear: a hostile path may be deep.
  #dir(path: string): ResolvedDir {
    const cached = this.#dirs.get(path);
    if (cached) return cached;
    const below = [path];
    let from: ResolvedDir | undefined;
    for (let at = path, slash = at.lastIndexOf('/'); slash > 0 && !from; slash = at.lastIndexOf('/')) {
      at = at.slice(0, slash);
      from = this.#dirs.get(at);
      if (!from) below.push(at);
    }
    let current = from;
    for (let i = below.length - 1; i >= 0; i--) {
      const at = below[i] as string;
      if (current === undefined || current.kind === 'dir') {
        const name = at.slice(at.lastIndexOf('/') + 1);
        current = (current && this.#step(current, name)) ?? this.#resolveDir(at);
      }
      this.#dirs.set(at, current);
    }
    return current as ResolvedDir;
  }

  // `dir`'s child `name` when both are plain directories; undefined when the careful walk must decide.
  #step(dir: ResolvedDir, name: string): ResolvedDir | undefined {
    if (dir.kind !== 'dir' || name === '' || name === '.' || name === '..') return undefined;
    const real = `${dir.real}/${name}`;
    if (this.#lookup(real).type !== 'dir') return undefined;
    return { kind: 'dir', real, viaLink: dir.viaLink, inside: isInside(real, this.#confine) };
  }

  #resolveDir(path: string): ResolvedDir {
    const walked = this.#walk(components(path).reverse(), 'dir');
    if (walked.kind === 'open') {
      // Cannot happen: a walk of directories opens nothing. Do not leak the fd if it ever does.
      closeSync(walked.fd);
      return { kind: 'unreadable', reason: `${walked.real}: opened while resolving a directory` };
    }
    // 'entry' only comes back in entry mode; here it cannot happen.
    if (walked.kind === 'entry') return { kind: 'missing', reason: `${display(walked.real)} is not a directory` };
    if (walked.kind !== 'dir') return walked;
    return { kind: 'dir', real: walked.real, viaLink: walked.viaLink, inside: isInside(walked.real, this.#confine) };
  }

  #openSlow(path: string): OpenOutcome {
    const walked = this.#walk(components(path).reverse(), 'file');
    if (walked.kind === 'entry') return { kind: 'missing', reason: `${display(walked.real)} does not exist` };
    return walked.kind === 'dir'
      ? { kind: 'unsafe', reason: `${display(walked.real)} is a directory, not a regular file` }
      : walked;
  }

  // The careful resolution, one component at a time. `pending` is a stack of components still to
  // walk (next one last). In 'dir' mode every component must be a directory; in 'file' mode the last
  // one is opened as the file; in 'entry' mode the last one is only looked at (lstat), not opened.
  #walk(
    pending: string[],
    mode: 'dir' | 'file' | 'entry',
  ):
    | { kind: 'dir'; real: string; viaLink: boolean }
    | { kind: 'entry'; type: 'not-dir' | 'missing'; real: string }
    | OpenOutcome {
    let current = this.#root;
    let links = 0;
    let viaLink = false;
    const follow = (target: string): Failure | undefined => {
      if (++links > MAX_LINKS) return { kind: 'unsafe', reason: `more than ${MAX_LINKS} symbolic links` };
      viaLink = true;
      pending.push(...components(target).reverse());
      if (target.startsWith('/')) current = this.#root;
      return undefined;
    };

    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (name === '..') {
        if (current === this.#root)
          return {
            kind: 'unsafe',
            reason: viaLink ? 'a symbolic link leads above the root' : 'the path climbs above the root ("..")',
          };
        current = current.slice(0, current.lastIndexOf('/'));
        continue;
      }
      const next = `${current}/${name}`;

      if (mode !== 'file' || pending.length > 0) {
        const node = this.#lookup(next);
        if (node.type === 'dir') {
          current = next;
          continue;
        }
        if (node.type === 'link') {
          const refused = follow(node.target);
          if (refused) return refused;
          continue;
        }
        if (node.type === 'error') return { kind: 'unreadable', reason: `${display(next)}: ${node.reason}` };
        if (mode === 'entry' && pending.length === 0) return { kind: 'entry', type: node.type, real: next };
        return {
          kind: 'missing',
          reason: node.type === 'missing' ? `${display(next)} does not exist` : `${display(next)} is not a directory`,
        };
      }

      if (!isInside(next, this.#confine)) {
        return { kind: 'unsafe', reason: `resolves to ${display(next)}, outside ${display(this.#confine)}` };
      }
      try {
        return { kind: 'open', fd: openSync(toFsPath(next), OPEN_FLAGS), real: display(next), viaLink };
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ELOOP') {
          let target: string;
          try {
            target = readLink(next);
          } catch (readError) {
            return { kind: 'unreadable', reason: `${display(next)}: ${describeError(readError)}` };
          }
          const refused = follow(target);
          if (refused) return refused;
          continue;
        }
        return openFailure(display(next), error);
      }
    }
    return { kind: 'dir', real: current, viaLink };
  }

  #lookup(path: string): DirNode {
    const cached = this.#nodes.get(path);
    if (cached) return cached;
    let node: DirNode;
    try {
      const info = lstatSync(toFsPath(path));
      node = info.isDirectory() ? DIR : info.isSymbolicLink() ? { type: 'link', target: readLink(path) } : NOT_DIR;
    } catch (error) {
      const code = errnoCode(error);
      node = code === 'ENOENT' || code === 'ENOTDIR' ? MISSING : { type: 'error', reason: describeError(error) };
    }
    this.#nodes.set(path, node);
    return node;
  }
}

// Why a file could not be opened. ENXIO: a socket, or a device without a driver, which open() refuses
// before fstat could say what it is: not a regular file, as a FIFO or a device is.
function openFailure(path: string, error: unknown): Failure {
  const code = errnoCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing', reason: `${path} does not exist` };
  if (code === 'ENXIO') return { kind: 'unsafe', reason: `${path} is a socket or a device, not a regular file` };
  return { kind: 'unreadable', reason: `${path}: ${describeError(error)}` };
}

function readLink(path: string): string {
  return decodeBytes(readlinkSync(toFsPath(path), { encoding: 'buffer' }));
}

function components(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

function withoutTrailingSlash(path: string): string {
  return path.replace(/\/+$/, '');
}

function isInside(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

function display(path: string): string {
  return path === '' ? '/' : path;
}
