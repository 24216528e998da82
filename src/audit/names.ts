// Every installation in an audit report has a name: `pbxsig diff` matches installations by it, so the
// same hosts compare alike whether their roots were typed relative or absolute, or moved between two
// snapshot dates. The library names them (auditInstallations takes roots, or roots with names): a
// root without a name is named by its last path component (the machine's host name for "/").
//
// The command line's forms are parsed here too: `NAME=ROOT` names a root, and a fleet audit also takes
// `host:NAME`, the installation of the PBX whose agent worker runs with `--host NAME` (see src/fleet/).
// A derived name is taken from the audited side (a directory's name) and may hold any character: human
// output escapes it, and fleet job ids and file names use a digest of it or the explicit names only.

import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.js';

/** An installation root with its name. */
export interface NamedRoot {
  readonly name: string;
  readonly root: string;
}

export type InstallationTarget =
  | { readonly kind: 'root'; readonly name: string; readonly root: string }
  | { readonly kind: 'host'; readonly name: string };

/** An explicit name: letters, digits and . _ @ + - (it also goes into queue names and file names). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const HOST_PREFIX = 'host:';

/**
 * `ROOT`, `NAME=ROOT` (when what precedes the first "=" is a valid name: `./a=b` is a root), or
 * `host:NAME`.
 */
export function parseInstallationArg(arg: string): InstallationTarget {
  if (arg.startsWith(HOST_PREFIX)) {
    const name = arg.slice(HOST_PREFIX.length);
    if (!NAME.test(name)) throw new UsageError(`${arg}: a host name is letters, digits and . _ @ + - (at most 128)`);
    return { kind: 'host', name };
  }
  const equals = arg.indexOf('=');
  if (equals > 0 && NAME.test(arg.slice(0, equals))) {
    const root = arg.slice(equals + 1);
    if (root === '') throw new UsageError(`${arg}: no root after "="`);
    return { kind: 'root', name: arg.slice(0, equals), root };
  }
  return { kind: 'root', name: defaultName(arg), root: arg };
}

/** The name of a root given without one: its last path component, or this machine's name for "/". */
export function defaultName(root: string): string {
  const absolute = resolve(root);
  return absolute === '/' ? hostname() : basename(absolute);
}

/** Parses each argument and refuses two installations of one name. */
export function parseInstallations(args: readonly string[]): InstallationTarget[] {
  const targets = args.map(parseInstallationArg);
  assertDistinct(
    targets.map((t) => t.name),
    args,
  );
  return targets;
}

/** Names each root (a plain root by defaultName) and refuses two installations of one name. */
export function nameRoots(roots: ReadonlyArray<string | NamedRoot>): NamedRoot[] {
  const named = roots.map((r) => (typeof r === 'string' ? { name: defaultName(r), root: r } : r));
  assertDistinct(
    named.map((n) => n.name),
    named.map((n) => n.root),
  );
  return named;
}

function assertDistinct(names: readonly string[], given: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const [i, name] of names.entries()) {
    if (name === '') throw new UsageError(`${JSON.stringify(given[i] ?? '')}: an installation needs a name`);
    const earlier = seen.get(name);
    if (earlier !== undefined)
      throw new UsageError(
        `two installations are named ${JSON.stringify(name)} (${JSON.stringify(earlier)} and ${JSON.stringify(given[i] ?? '')}): ` +
          'name them apart (NAME=ROOT on the command line, { name, root } in the library)',
      );
    seen.set(name, given[i] ?? '');
  }
}
