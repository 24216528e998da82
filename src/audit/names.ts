// Every installation in an audit report has a name: `pbxsig diff` matches installations by it, so the
// same hosts compare alike whether their roots were typed relative or absolute, or moved between two
// snapshot dates. `NAME=ROOT` names a root; otherwise the name is the root's last path component (the
// machine's host name for "/"). A fleet audit also takes `host:NAME`: the installation of the PBX whose
// agent worker runs with `--host NAME` (see src/fleet/).

import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export type InstallationTarget =
  | { readonly kind: 'root'; readonly name: string; readonly root: string }
  | { readonly kind: 'host'; readonly name: string };

/** An explicit name: letters, digits and . _ @ + - (it also goes into queue names and file names). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
// A derived name is used as it is, except that it must be printable (it is shown in human output).
const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f);
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
  const name = absolute === '/' ? hostname() : basename(absolute);
  if ([...name].some((c) => isControl(c.charCodeAt(0))))
    throw new UsageError(`${JSON.stringify(root)}: name it with NAME=ROOT (its name would hold control characters)`);
  return name;
}

/** Parses each argument and refuses two installations of one name. */
export function parseInstallations(args: readonly string[]): InstallationTarget[] {
  const targets = args.map(parseInstallationArg);
  const seen = new Map<string, string>();
  for (const [i, target] of targets.entries()) {
    const earlier = seen.get(target.name);
    if (earlier !== undefined)
      throw new UsageError(
        `two installations are named ${JSON.stringify(target.name)} (${earlier} and ${args[i] ?? ''}): name them apart with NAME=ROOT`,
      );
    seen.set(target.name, args[i] ?? '');
  }
  return targets;
}
