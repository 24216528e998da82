// Where FreePBX checks each listed file of a module: framework's BMO/Installer.class.php
// getDestination($module, $path, validation = true). Pure.

import type { InstallSettings } from './settings.js';

export type Destination =
  { readonly kind: 'file'; readonly path: string } | { readonly kind: 'skip'; readonly reason: string };

/** FreePBX's modules directory, inside its web root (AMPWEBROOT). */
export const MODULES_IN_WEBROOT = 'admin/modules';

/** The module directory FreePBX uses for `name`. */
export function moduleDirectory(name: string, settings: InstallSettings): string {
  return `${join(settings.webroot, MODULES_IN_WEBROOT)}/${name}`;
}

/** The absolute path (in the installation) where `path` of `module` lives, or why it is not checked. */
export function destinationOf(module: string, path: string, settings: InstallSettings): Destination {
  if (module === 'framework') {
    // Framework lists its source tree; the installer copied each part elsewhere.
    for (const [prefix, base] of [
      ['amp_conf/htdocs/', settings.webroot],
      ['amp_conf/bin/', settings.bin],
      ['amp_conf/sbin/', settings.sbin],
      ['amp_conf/agi-bin/', settings.agiDir],
      ['amp_conf/sounds/', `${join(settings.varLibDir, 'sounds')}`],
    ] as const) {
      if (path.startsWith(prefix)) return { kind: 'file', path: join(base, path.slice(prefix.length)) };
    }
    // Asterisk configuration and music on hold are changed by users; upgrade scripts are not installed.
    if (path.startsWith('amp_conf/astetc/'))
      return {
        kind: 'skip',
        reason: 'Asterisk configuration (amp_conf/astetc/) is edited on purpose; FreePBX does not check it',
      };
    if (path.startsWith('amp_conf/moh/'))
      return { kind: 'skip', reason: 'music on hold (amp_conf/moh/) is edited on purpose; FreePBX does not check it' };
    if (path.startsWith('upgrades/'))
      return { kind: 'skip', reason: 'upgrade scripts (upgrades/) are not installed; FreePBX does not check them' };
  }
  return { kind: 'file', path: `${moduleDirectory(module, settings)}/${path}` };
}

function join(base: string, rest: string): string {
  return base === '/' ? `/${rest}` : `${base}/${rest}`;
}
