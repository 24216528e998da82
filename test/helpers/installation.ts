// Build a FreePBX installation in a directory, as a snapshot of a real host would look: settings in
// etc/amportal.conf, modules in <webroot>/admin/modules, keys in <webroot>/admin/libraries/BMO, and
// framework's files where its installer put them.

import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { TestKey } from './keys.js';
import { sha256, signModule, writeFiles } from './modules.js';

export interface InstallationSpec {
  /** AMPWEBROOT (written to etc/amportal.conf unless it is FreePBX's default). */
  readonly webroot?: string;
  readonly anchor: TestKey;
  readonly developer: TestKey;
  /** Module name to its files (path to content), each module signed by `developer`. */
  readonly modules: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Framework's files, by manifest path, and where FreePBX installs each (relative to the root). */
export const FRAMEWORK_FILES: ReadonlyArray<{
  readonly listed: string;
  readonly installed: string | null;
  readonly content: string;
}> = [
  {
    listed: 'module.xml',
    installed: 'MODULES/framework/module.xml',
    content: '<module><rawname>framework</rawname></module>\n',
  },
  { listed: 'install.php', installed: 'MODULES/framework/install.php', content: '<?php // framework installer\n' },
  {
    listed: 'amp_conf/htdocs/admin/config.php',
    installed: 'WEBROOT/admin/config.php',
    content: '<?php // the admin entry point\n',
  },
  {
    listed: 'amp_conf/htdocs/admin/images/spinner.gif',
    installed: 'WEBROOT/admin/images/spinner.gif',
    content: 'GIF89a spinner',
  },
  {
    listed: 'amp_conf/bin/retrieve_conf',
    installed: 'var/lib/asterisk/bin/retrieve_conf',
    content: '#!/usr/bin/php\n<?php // retrieve_conf\n',
  },
  {
    listed: 'amp_conf/sbin/fwconsole',
    installed: 'usr/sbin/fwconsole',
    content: '#!/usr/bin/php\n<?php // fwconsole\n',
  },
  {
    listed: 'amp_conf/agi-bin/dialparties.agi',
    installed: 'var/lib/asterisk/agi-bin/dialparties.agi',
    content: '#!/usr/bin/php\n',
  },
  { listed: 'amp_conf/sounds/en/beep.gsm', installed: 'var/lib/asterisk/sounds/en/beep.gsm', content: 'gsm audio' },
  // FreePBX does not check these (changed on purpose, or never installed): not written at all.
  { listed: 'amp_conf/astetc/extensions.conf', installed: null, content: '[from-internal]\n' },
  { listed: 'amp_conf/moh/default.wav', installed: null, content: 'RIFF wav' },
  { listed: 'upgrades/17.0.1/migrate.php', installed: null, content: '<?php // upgrade\n' },
];

export async function buildInstallation(
  root: string,
  spec: InstallationSpec,
): Promise<{ webroot: string; modulesDir: string }> {
  const webroot = spec.webroot ?? '/var/www/html';
  const modulesDir = join(root, webroot, 'admin/modules');
  if (spec.webroot !== undefined) {
    await writeFiles(root, {
      'etc/amportal.conf': `# FreePBX settings\nAMPWEBROOT=${webroot}\nAMPBIN=/var/lib/asterisk/bin\n`,
    });
  }
  for (const [name, files] of Object.entries(spec.modules)) {
    const dir = join(modulesDir, name);
    await writeFiles(dir, files);
    await signModule(dir, spec.developer);
  }

  // Framework: its manifest lists the source tree; the files live where the installer copied them.
  const place = (installed: string): string =>
    join(root, installed.replace('MODULES', join(webroot, 'admin/modules')).replace('WEBROOT', webroot));
  for (const file of FRAMEWORK_FILES) {
    if (file.installed === null) continue;
    await mkdir(dirname(place(file.installed)), { recursive: true });
    await writeFile(place(file.installed), file.content);
  }
  await signModule(join(modulesDir, 'framework'), spec.developer, {
    entries: FRAMEWORK_FILES.map((f) => ({ path: f.listed, digest: sha256(f.content) })),
  });

  await mkdir(join(root, webroot, 'admin/libraries/BMO'), { recursive: true });
  await writeFile(
    join(root, webroot, 'admin/libraries/BMO', `${spec.anchor.keyId}.key`),
    spec.anchor.publicKey.armor(),
  );
  await writeFile(
    join(root, webroot, 'admin/libraries/BMO', `${spec.developer.keyId}.key`),
    spec.developer.publicKey.armor(),
  );
  return { webroot, modulesDir };
}

/** An absolute link, as real installations hold them: its target is a path on the installed host. */
export async function absoluteLink(root: string, linkPath: string, targetOnHost: string): Promise<void> {
  await mkdir(dirname(join(root, linkPath)), { recursive: true });
  await symlink(targetOnHost, join(root, linkPath));
}
